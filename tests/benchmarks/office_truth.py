"""Exact table truth from the Word and Excel files of ``../shared/realdocs``, and their PDF renders.

An Office file says what its tables hold, cell by cell, so rendering it to PDF with LibreOffice gives a
PDF whose truth costs nothing. ``build()`` writes a work folder in the format of ``../shared/corpus``
(``manifest.json``, ``groundtruth/*.json``, ``pdfs/``) that ``../shared/corpus/score.py --manifest``
scores unchanged. It does not extract or score anything itself (``bench.py``, section ``office``).

Steps, per file:

1. ``.doc`` / ``.xls`` are converted to ``.docx`` / ``.xlsx`` by ``soffice --headless --convert-to``
   (a private ``-env:UserInstallation`` profile, a time limit per call, ``LC_ALL=C.UTF-8`` so number
   formats display the same on every machine).
2. Truth. Word: every top-level table (python-docx's XML): ``w:gridSpan`` and ``w:vMerge`` give the
   spans (a vMerge continuation cell is covered: its text, if any, is not shown), ``w:gridBefore`` the
   leading empty grid columns, ``w:tblHeader`` the repeated header rows. A cell's text is its
   paragraphs joined with a space (nested tables flattened into the cell), hidden runs (``w:vanish``)
   left out, ``w:caps`` upper-cased, whitespace collapsed. Automatic list labels ("1.", "a.", "•") are
   not in the XML: they are taken from LibreOffice's own text export of the same file, aligned
   paragraph by paragraph. Excel: one table per visible sheet, the bounding box of its bordered cells
   inside the print area (all its text when no cell has a border), hidden rows and columns left out,
   merged ranges as spans; the text of each cell is LibreOffice's CSV export with "save cell contents
   as shown", i.e. with its number format applied. In a ruled sheet, sheet rows with no horizontal
   rule between them (in any column) are one row, their texts joined per column (a name typed over
   three sheet rows prints as one cell), unless the lower one holds a number or a code of its own (a
   record drawn without a rule); likewise sheet columns with a vertical rule between them on fewer
   than half of the rows with text there are one column (a '-' typed in a column of its own). A number in the General
   format shows as many decimals as its column is wide, which the CSV export does not apply: a long
   decimal that is not in its page's text takes the first of its roundings that is
   (``general_decimals_rounded``). Bold is not recorded.
3. Render: ``soffice --convert-to pdf``. A sheet wider than its page would print down, then across (a
   row's numbers on other pages than its name); the copy that is rendered has every sheet set to fit
   all its columns in one page width (openpyxl: ``fitToPage``, ``fitToWidth=1``, ``fitToHeight=0``;
   a sheet without a print area gets one up to its last value or border, else columns that are only
   formatted, far to the right, would shrink the print to nothing), listed in ``fit_to_width`` of
   the manifest; ``wider_than_page`` names the sheets that needed it (an estimate: openpyxl's column
   widths at the sheet's scale against its paper).
4. Header, captions and data (the rule):
   - columns that hold no text in any row are dropped (a merged cell's span shrinks with them);
   - caption rows: leading rows holding at most one text, above the first row with two or more
     (titles printed inside the table's frame);
   - header rows: the rows marked ``w:tblHeader`` (Excel: the sheet's print-title rows) when any are
     marked; otherwise the leading rows that belong to a merged block starting in the first
     non-caption row (the closure of its cells' row spans: one row when nothing is merged), plus the
     row under a one-row block when it splits each of the block's multi-column cells into two or more
     texts and holds no number (sub-headers drawn without vertical merges), unless that first row
     already looks like data (a dotted code such as ``1.24.06`` or a grouped number such as
     ``4.251.889``), then there is no header; then a column-number row right under them
     (``1 2 3 4 ...``, ``(1) (2) ...``, ``8=(7/6)``, ``1 2 5 6 7``: rising from 1 or 2, or
     consecutive from any number) is header;
   - data rows: the rest, without empty rows and without rows that repeat a header row verbatim.
   A column is numeric (``numeric_cols``) when at least half of its non-empty data cells are numbers.
5. Tables left out, with the reason counted: one column; fewer than 2 data rows; a layout table
   (at most 2 data rows and no digit in them: a signature block or a letterhead; prose laid out in a
   table: a cell of more than 1,000 characters; a table of contents: dot leaders in half its rows).
6. Pages: each data row is looked up, in order and never going back, in the page texts (pypdfium2)
   by the first 40 letters and digits of its cells (or the first 20 of its first cell of 8 or more);
   ``start_page`` is the first data row's page (or the page before when the header row is printed
   there), ``end_page`` the last found row's page. Rows too short to be looked up (under 4 letters and
   digits) take the page of the row before; rows not found are counted in
   ``missing_rows_in_text_layer``.

    python tests/benchmarks/office_truth.py ../shared/realdocs /tmp/office-truth
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

OFFICE_EXTS = (".docx", ".doc", ".xlsx", ".xls")
# Text - txt - csv (StarCalc) export: comma, double quote, UTF-8, from line 1, default cell formats,
# language 0, do not quote all text, detect special numbers, save cell contents AS SHOWN, no formulas,
# keep spaces, -1 = every sheet (one file each: <stem>-<sheet>.csv).
CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1'
TXT_FILTER = "txt:Text (encoded):UTF8"
LONG_CELL = 1000  # characters: a cell this long is prose laid out in a table, not a data table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

TEMPLATE_CODE = re.compile(r"\bT\s*[-–]\s*C\s*[.\-]?\s*(\d{2})\b", re.I)
NUMBER = re.compile(r"^(Rp\.?\s*)?[-+(]?\s*\d[\d.,\s]*(%|\))?\s*(,-)?$", re.I)
COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?(=.*)?$")  # 1, (1), 8=(7/6)
DOT_LEADER = re.compile(r"(\.{5,}|…{2,})")
DATA_LIKE = re.compile(r"^\d+(\.\d+){2,}\b|^\d{1,3}(\.\d{3})+(,\d+)?$")
WIDE_PAPER = {1: (612, 792), 5: (612, 1008), 8: (842, 1191), 9: (595, 842), 11: (420, 595), 14: (612, 936)}


class OfficeError(Exception):
    """LibreOffice could not convert a file (missing, failed or timed out)."""


# ------------------------------------------------------------------------------------ LibreOffice

def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice(src: Path, target: str, outdir: Path, profile: Path, timeout: float) -> None:
    """One ``soffice --headless --convert-to TARGET`` call with its own user profile and time limit."""
    exe = soffice_path()
    if exe is None:
        raise OfficeError("soffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir), str(src)]
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as ex:
        raise OfficeError(f"soffice --convert-to {target.split(':')[0]} timed out after {timeout:.0f} s") from ex
    if p.returncode != 0:
        raise OfficeError(f"soffice --convert-to {target.split(':')[0]} exit {p.returncode}: {p.stderr.strip()[-200:]}")


def converted(src: Path, target: str, outdir: Path, profile: Path, timeout: float) -> Path:
    ext = target.split(":")[0]
    out = outdir / (src.stem + "." + ext)
    soffice(src, target, outdir, profile, timeout)
    if not out.exists():
        raise OfficeError(f"soffice wrote no {out.name}")
    return out


# ---------------------------------------------------------------------------------- common model

@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class RawTable:
    """A table as the file lays it out: rows of grid slots, each an origin `Cell` or None (covered by a
    span from above or from the left)."""
    source_id: str  # "table 3" / the sheet name
    slots: list[list[Cell | None]]
    marked_header: set[int] = field(default_factory=set)  # w:tblHeader rows / print-title rows
    caption: list[str] = field(default_factory=list)  # text printed above the table


@dataclass
class TruthTable:
    source_id: str
    caption: list[str]
    n_cols: int
    header: list[dict]
    n_header_rows: int
    rows: list[list[str]]
    numeric_cols: list[int]
    header_rule: str
    template: str = ""


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", (text or "").lower())


# ------------------------------------------------------------------------------------------ Word

def _on(el) -> bool:
    return el is not None and el.get(W + "val") not in ("0", "false", "off")


def _run_text(el, out: list[str], caps: bool = False) -> None:
    for child in el:
        tag = child.tag
        if tag in (MC_FALLBACK, W + "del", W + "pPr", W + "rPr", W + "tbl"):
            continue
        if tag == W + "r":
            rpr = child.find(W + "rPr")
            if rpr is not None and _on(rpr.find(W + "vanish")):
                continue
            up = rpr is not None and (_on(rpr.find(W + "caps")) or _on(rpr.find(W + "smallCaps")))
            _run_text(child, out, caps or up)
        elif tag == W + "t":
            out.append((child.text or "").upper() if caps else (child.text or ""))
        elif tag in (W + "tab", W + "br", W + "cr"):
            out.append(" ")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        else:
            _run_text(child, out, caps)


def paragraph_text(p) -> str:
    out: list[str] = []
    _run_text(p, out)
    return collapse("".join(out))


def body_paragraphs(el) -> list:
    """Every w:p under `el` in document order (tables and nested tables included), except the
    duplicates that mc:Fallback holds for text boxes."""
    out = []
    for child in el:
        if child.tag == MC_FALLBACK:
            continue
        if child.tag == W + "p":
            out.append(child)
        out.extend(body_paragraphs(child))
    return out


def list_labels(paragraphs: list, txt_lines: list[str]) -> dict:
    """{paragraph element: its automatic list label} from LibreOffice's text export, whose lines are the
    paragraphs in the same order with the label in front. Paragraphs are aligned on their text; in a gap
    between aligned runs, lines and paragraphs are paired in order when the counts agree."""
    texts = [paragraph_text(p) for p in paragraphs]
    lines = [collapse(t) for t in txt_lines]
    sm = SequenceMatcher(None, [alnum(t) for t in texts], [alnum(t) for t in lines], autojunk=False)
    labels = {}
    pa = pb = 0
    for b in sm.get_matching_blocks():
        gap_p, gap_l = range(pa, b.a), range(pb, b.b)
        if len(gap_p) == len(gap_l):
            pairs = zip(gap_p, gap_l)
        else:  # lines split by a line break, frames...: only pairs whose text ends the line
            pairs, j = [], pb
            for i in gap_p:
                for k in range(j, b.b):
                    if texts[i] and lines[k].endswith(texts[i]):
                        pairs.append((i, k))
                        j = k + 1
                        break
        for i, k in pairs:
            text, line = texts[i], lines[k]
            if line != text and line.endswith(text) and 0 < len(line) - len(text) <= 16:
                labels[paragraphs[i]] = line[: len(line) - len(text)].strip()
        for k in range(b.size):  # bullets are not letters: "• text" aligns with "text"
            text, line = texts[b.a + k], lines[b.b + k]
            if line != text and line.endswith(text) and 0 < len(line) - len(text) <= 4:
                labels[paragraphs[b.a + k]] = line[: len(line) - len(text)].strip()
        pa, pb = b.a + b.size, b.b + b.size
    return labels


def cell_text(tc, labels: dict) -> str:
    parts = []
    for p in body_paragraphs(tc):
        text = paragraph_text(p)
        label = labels.get(p)
        parts.append(f"{label} {text}" if label else text)
    return collapse(" ".join(parts))


def word_table(tbl, source_id: str, labels: dict) -> RawTable:
    """The grid of one w:tbl: gridBefore/gridSpan place the cells, vMerge continuations extend the
    origin above (their own text is not shown)."""
    rows: list[list[Cell | None]] = []
    marked = set()
    origin_at: dict[int, Cell] = {}  # grid column -> the vertically open origin cell covering it
    for r, tr in enumerate(tbl.findall(W + "tr")):
        trpr = tr.find(W + "trPr")
        col = 0
        if trpr is not None:
            if _on(trpr.find(W + "tblHeader")):
                marked.add(r)
            gb = trpr.find(W + "gridBefore")
            col = int(gb.get(W + "val", "0")) if gb is not None else 0
        row: list[Cell | None] = [Cell("") for _ in range(col)]
        tcs = [c for child in tr for c in ([child] if child.tag == W + "tc" else
                                           child.findall(f"{W}sdtContent/{W}tc") if child.tag == W + "sdt" else [])]
        for tc in tcs:
            tcpr = tc.find(W + "tcPr")
            span, vmerge, hmerge = 1, None, None
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                span = max(1, int(gs.get(W + "val", "1"))) if gs is not None else 1
                vm = tcpr.find(W + "vMerge")
                vmerge = None if vm is None else (vm.get(W + "val") or "continue")
                hm = tcpr.find(W + "hMerge")
                hmerge = None if hm is None else (hm.get(W + "val") or "continue")
            if hmerge == "continue" and row and any(s is not None for s in row):
                last = next(s for s in reversed(row) if s is not None)
                last.colspan += span
                row.extend([None] * span)
                col += span
                continue
            above = origin_at.get(col)
            if vmerge == "continue" and above is not None:
                above.rowspan += 1
                row.extend([None] * span)
            else:
                cell = Cell(cell_text(tc, labels), 1, span)
                row.append(cell)
                row.extend([None] * (span - 1))
                for c in range(col, col + span):
                    origin_at.pop(c, None)
                if vmerge == "restart":
                    origin_at[col] = cell
            col += span
        rows.append(row)
    n = max((len(r) for r in rows), default=0)
    grid = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
    n = max(n, grid)
    for row in rows:
        row.extend(Cell("") for _ in range(n - len(row)))
    return RawTable(source_id, rows, marked)


def preceding_caption(tbl) -> list[str]:
    """The nearest non-empty paragraph printed before the table (its caption, when it has one)."""
    prev = tbl.getprevious()
    while prev is not None:
        if prev.tag == W + "tbl":
            return []
        if prev.tag == W + "p":
            text = paragraph_text(prev)
            if text:
                return [text[:300]]
        prev = prev.getprevious()
    return []


def word_tables(docx_path: Path, txt_path: Path | None) -> list[RawTable]:
    import docx

    body = docx.Document(str(docx_path)).element.body
    labels = {}
    if txt_path is not None and txt_path.exists():
        lines = txt_path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
        labels = list_labels(body_paragraphs(body), lines)
    tables = []
    tops = [t for t in body.iter(W + "tbl") if not any(a.tag == W + "tbl" for a in t.iterancestors())]
    for i, tbl in enumerate(tops, 1):
        raw = word_table(tbl, f"table {i}", labels)
        raw.caption = preceding_caption(tbl)
        tables.append(raw)
    return tables


# ----------------------------------------------------------------------------------------- Excel

def _dim_columns(dim) -> range:
    """The columns a column dimension covers (loaded ones carry min/max, new ones only their letter)."""
    from openpyxl.utils import column_index_from_string

    first = dim.min or column_index_from_string(dim.index)
    return range(first, (dim.max or first) + 1)


def _hidden_cols(ws) -> set[int]:
    out = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden or (dim.customWidth and dim.width is not None and dim.width <= 0):
            out.update(_dim_columns(dim))
    return out


def _hidden_rows(ws) -> set[int]:
    return {r for r, d in ws.row_dimensions.items() if d.hidden or (d.customHeight and d.height == 0)}


def _print_area(ws) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of the print area (its first range), else the used range."""
    from openpyxl.utils.cell import range_boundaries

    area = ws.print_area
    if area:
        first = area.split(",")[0].split("!")[-1].replace("$", "")
        try:
            c0, r0, c1, r1 = range_boundaries(first)
            return c0, r0, c1 or ws.max_column, r1 or ws.max_row
        except ValueError:
            pass
    return 1, 1, ws.max_column, ws.max_row


def _print_title_rows(ws) -> set[int]:
    rows = ws.print_title_rows or ""
    m = re.fullmatch(r"\$?(\d+):\$?(\d+)", rows.split(",")[0].strip()) if rows else None
    return set(range(int(m.group(1)), int(m.group(2)) + 1)) if m else set()


def _bordered(cell) -> bool:
    b = cell.border
    return b is not None and any(getattr(b, s).style for s in ("left", "right", "top", "bottom") if getattr(b, s))


def col_widths(ws) -> dict[int, float]:
    default = ws.sheet_format.defaultColWidth or (ws.sheet_format.baseColWidth or 8) + 0.43
    widths = {}
    for dim in ws.column_dimensions.values():
        if dim.width:
            for c in _dim_columns(dim):
                widths[c] = dim.width
    return {c: widths.get(c, default) for c in range(1, ws.max_column + 1)}


def needs_fit_to_width(ws) -> bool:
    """Does the print area, at the sheet's scale, overflow its paper's width (so it prints across)?"""
    ps = ws.page_setup
    pr = ws.sheet_properties.pageSetUpPr
    if pr is not None and pr.fitToPage and (ps.fitToWidth or 1) == 1:
        return False
    c0, _, c1, _ = _print_area(ws)
    hidden = _hidden_cols(ws)
    widths = col_widths(ws)
    chars = sum(widths.get(c, 8.43) for c in range(c0, c1 + 1) if c not in hidden)
    width_pt = (chars * 7 + 5) * 0.75 * (ps.scale or 100) / 100
    w, h = WIDE_PAPER.get(int(ps.paperSize or 9), WIDE_PAPER[9])
    if ps.orientation == "landscape" and int(ps.paperSize or 9) in WIDE_PAPER:  # a custom size prints upright
        w, h = h, w
    margins = ws.page_margins
    printable = w - 72 * ((margins.left or 0.7) + (margins.right or 0.7))
    return width_pt > printable + 1


def content_box(ws) -> str | None:
    """The range from A1 to the last row and column holding a value or a border ('A1:Q182')."""
    from openpyxl.utils import get_column_letter

    last_r = last_c = 0
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if (v is not None and str(v).strip()) or _bordered(cell):
                last_r, last_c = max(last_r, cell.row), max(last_c, cell.column)
    return f"A1:{get_column_letter(last_c)}{last_r}" if last_r else None


def fit_sheets_to_width(xlsx: Path, dst: Path) -> tuple[list[str], list[str]]:
    """Copy `xlsx` to `dst` with every visible sheet set to fit one page width (any number of pages
    tall), unless it is set so already, and a sheet without a print area given one up to its last
    value or border. Returns (sheets changed, those of them estimated wider than their page as they
    were). All are changed because the estimate cannot know LibreOffice's paper:
    a custom paper size (code 256) prints on A4 portrait whatever its orientation says."""
    import openpyxl
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = openpyxl.load_workbook(str(xlsx))
    changed, wide = [], []
    for ws in wb.worksheets:
        pr = ws.sheet_properties.pageSetUpPr
        if ws.sheet_state != "visible" or (pr is not None and pr.fitToPage and ws.page_setup.fitToWidth == 1):
            continue
        if not ws.print_area and (box := content_box(ws)):
            ws.print_area = box  # else the columns merely formatted, far to the right, print too
        if needs_fit_to_width(ws):
            wide.append(ws.title)
        if pr is None:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties()
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        changed.append(ws.title)
    if changed:
        wb.save(str(dst))
    return changed, wide


def read_csv_sheets(csv_dir: Path, stem: str, sheet_names: list[str]) -> dict[str, list[list[str]]]:
    """LibreOffice names each sheet's CSV <stem>-<sheet>.csv; a sheet whose file is missing gets none."""
    out = {}
    for name in sheet_names:
        path = csv_dir / f"{stem}-{name}.csv"
        if path.exists():
            with open(path, encoding="utf-8-sig", newline="") as f:
                out[name] = list(csv.reader(f))
    return out


def sheet_table(ws, shown: list[list[str]] | None) -> RawTable | None:
    c0, r0, c1, r1 = _print_area(ws)
    hidden_r, hidden_c = _hidden_rows(ws), _hidden_cols(ws)

    def text(r: int, c: int) -> str:
        if shown is not None and r - 1 < len(shown) and c - 1 < len(shown[r - 1]):
            return collapse(shown[r - 1][c - 1])
        v = ws.cell(r, c).value
        return collapse("" if v is None else str(v))

    visible = [(r, c) for r in range(r0, r1 + 1) if r not in hidden_r
               for c in range(c0, c1 + 1) if c not in hidden_c]
    boxed = [(r, c) for r, c in visible if _bordered(ws.cell(r, c))]
    inked = [(r, c) for r, c in visible if text(r, c)]
    region = boxed or inked
    if not region:
        return None
    tr0, tr1 = min(r for r, _ in region), max(r for r, _ in region)
    tc0, tc1 = min(c for _, c in region), max(c for _, c in region)
    rows = [r for r in range(tr0, tr1 + 1) if r not in hidden_r]
    cols = [c for c in range(tc0, tc1 + 1) if c not in hidden_c]
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: i for i, c in enumerate(cols)}
    slots: list[list[Cell | None]] = [[Cell(text(r, c)) for c in cols] for r in rows]
    for mr in ws.merged_cells.ranges:
        in_r = [r for r in range(mr.min_row, mr.max_row + 1) if r in ri]
        in_c = [c for c in range(mr.min_col, mr.max_col + 1) if c in ci]
        if not in_r or not in_c:
            continue
        origin = Cell(text(mr.min_row, mr.min_col), len(in_r), len(in_c))
        for r in in_r:
            for c in in_c:
                slots[ri[r]][ci[c]] = None
        slots[ri[in_r[0]]][ci[in_c[0]]] = origin
    above = [" ".join(t for c in range(c0, c1 + 1) if c not in hidden_c and (t := text(r, c)))
             for r in range(r0, tr0) if r not in hidden_r]
    marked = {ri[r] for r in _print_title_rows(ws) if r in ri}
    if boxed:
        starts = band_starts(ws, rows, cols, slots)
        slots = merge_columns(slots, column_groups(ws, rows, cols, slots))
    else:
        starts = list(range(len(rows)))
    slots, marked = merge_bands(slots, starts, marked)
    return RawTable(ws.title, slots, marked, [t for t in above if t])


def band_starts(ws, rows: list[int], cols: list[int], slots: list[list[Cell | None]]) -> list[int]:
    """Indexes (into `rows`) of the sheet rows that start a row of the table: a horizontal rule above
    them in any column that no merged range spans there, or a code or a number of their own (a record
    drawn without a rule). Other sheet rows continue the row above: a name typed over three sheet rows
    prints as one cell."""
    inside = set()  # (upper sheet row, column) pairs where a merged range crosses the boundary below
    for mr in ws.merged_cells.ranges:
        for r in range(mr.min_row, mr.max_row):
            for c in range(mr.min_col, mr.max_col + 1):
                inside.add((r, c))
    starts = [0]
    for i in range(1, len(rows)):
        up, down = rows[i - 1], rows[i]
        open_cols = [c for c in cols if (up, c) not in inside]
        ruled = sum(1 for c in open_cols
                    if (ws.cell(up, c).border.bottom and ws.cell(up, c).border.bottom.style)
                    or (ws.cell(down, c).border.top and ws.cell(down, c).border.top.style))
        own = any(s is not None and (is_number(s.text) or DATA_LIKE.match(s.text)) for s in slots[i])
        if ruled or own:
            starts.append(i)
    return starts


def column_groups(ws, rows: list[int], cols: list[int], slots: list[list[Cell | None]]) -> list[list[int]]:
    """Indexes (into `cols`) of the sheet columns that print as one column: a vertical rule between
    them on fewer than half of the rows with text on either side (outside merged ranges), e.g. a '-'
    typed in a column of its own before the text."""
    inside = set()  # (row, left column) pairs where a merged range crosses the boundary to the right
    for mr in ws.merged_cells.ranges:
        for r in range(mr.min_row, mr.max_row + 1):
            for c in range(mr.min_col, mr.max_col):
                inside.add((r, c))
    groups = [[0]] if cols else []
    for i in range(1, len(cols)):
        left, right = cols[i - 1], cols[i]
        inked = [r for k, r in enumerate(rows) if (r, left) not in inside
                 and any(s is not None and s.text for s in slots[k][i - 1:i + 1])]
        ruled = sum(1 for r in inked if (ws.cell(r, left).border.right and ws.cell(r, left).border.right.style)
                    or (ws.cell(r, right).border.left and ws.cell(r, right).border.left.style))
        if not inked or ruled * 2 >= len(inked):
            groups.append([i])
        else:
            groups[-1].append(i)
    return groups


def merge_columns(slots: list[list[Cell | None]], groups: list[list[int]]) -> list[list[Cell | None]]:
    """One column per group: a row's texts in the group joined with a space; column spans counted in
    groups."""
    group_of = {c: g for g, cs in enumerate(groups) for c in cs}
    out: list[list[Cell | None]] = []
    for row in slots:
        new: list[Cell | None] = []
        for g, cs in enumerate(groups):
            origins = [(c, row[c]) for c in cs if row[c] is not None]
            if not origins:
                new.append(None)
                continue
            last = min(max(c + s.colspan - 1 for c, s in origins), len(row) - 1)
            new.append(Cell(" ".join(s.text for _, s in origins if s.text), origins[0][1].rowspan,
                            group_of[last] - g + 1))
        out.append(new)
    return out


def merge_bands(slots: list[list[Cell | None]], starts: list[int], marked: set[int]
                ) -> tuple[list[list[Cell | None]], set[int]]:
    """One row per band of sheet rows: a column's text is its cells' texts in the band, joined with a
    space; row spans are counted in bands."""
    bounds = list(zip(starts, starts[1:] + [len(slots)]))
    band_of = {i: b for b, (lo, hi) in enumerate(bounds) for i in range(lo, hi)}
    out: list[list[Cell | None]] = []
    for b, (lo, hi) in enumerate(bounds):
        row: list[Cell | None] = []
        for c in range(len(slots[lo]) if slots else 0):
            origins = [(i, slots[i][c]) for i in range(lo, hi) if slots[i][c] is not None]
            if not origins:
                row.append(None)
                continue
            last = max(i + s.rowspan - 1 for i, s in origins)
            row.append(Cell(" ".join(s.text for _, s in origins if s.text), band_of[min(last, len(slots) - 1)] - b + 1,
                            origins[0][1].colspan))
        out.append(row)
    return out, {band_of[i] for i in marked}


def sheet_tables(xlsx: Path, csv_dir: Path | None) -> list[RawTable]:
    import openpyxl

    wb = openpyxl.load_workbook(str(xlsx))
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    shown = read_csv_sheets(csv_dir, xlsx.stem, [ws.title for ws in sheets]) if csv_dir else {}
    out = []
    for ws in sheets:
        raw = sheet_table(ws, shown.get(ws.title))
        if raw is not None:
            out.append(raw)
    return out


# ------------------------------------------------------------------------- header, captions, data

def drop_empty_columns(slots: list[list[Cell | None]]) -> list[list[Cell | None]]:
    n = max((len(r) for r in slots), default=0)
    keep = [c for c in range(n) if any(row[c] is not None and row[c].text for row in slots)]
    out = []
    for row in slots:
        new: list[Cell | None] = []
        for c in keep:
            s = row[c]
            if s is not None and s.colspan > 1:  # shrink the span to the columns kept
                s.colspan = max(1, sum(1 for k in keep if c <= k < c + s.colspan))
            new.append(s)
        out.append(new)
    return out


def row_cells(row: list[Cell | None]) -> list[str]:
    return [s.text if s is not None else "" for s in row]


def texts_in(row: list[Cell | None]) -> int:
    return sum(1 for s in row if s is not None and s.text)


def is_column_number_row(cells: list[str]) -> bool:
    nums = []
    for c in cells:
        if not c:
            continue
        m = COLUMN_NUMBER.match(c.replace(" ", ""))
        if not m:
            return False
        nums.append(int(m.group(1)))
    rising = all(b > a for a, b in zip(nums, nums[1:]))
    if len(nums) == 2:
        return rising and nums[0] <= 2
    return len(nums) >= 3 and rising and (nums[0] <= 2 or all(b == a + 1 for a, b in zip(nums, nums[1:])))


def splits_every_span(top: list[Cell | None], below: list[Cell | None]) -> bool:
    """Is `below` a second header row drawn without vertical merges: it has text only under the
    multi-column cells of `top`, at least two texts under each of them, and no number or code?"""
    spans = [(c, c + s.colspan) for c, s in enumerate(top) if s is not None and s.colspan > 1 and s.text]
    if not spans:
        return False
    cols = {c for c, s in enumerate(below) if s is not None and s.text}
    if any(is_number(s.text) or DATA_LIKE.match(s.text) for s in below if s is not None and s.text):
        return False
    return (all(sum(1 for c in cols if a <= c < b) >= 2 for a, b in spans)
            and all(any(a <= c < b for a, b in spans) for c in cols))


def is_number(text: str) -> bool:
    return bool(text) and bool(NUMBER.match(text)) and any(ch.isdigit() for ch in text)


def split_table(raw: RawTable) -> tuple[TruthTable | None, str]:
    """The truth table of `raw` (header, captions and data by the rule in the module docstring), or
    None and the reason it is left out."""
    slots = drop_empty_columns(raw.slots)
    n_cols = len(slots[0]) if slots else 0
    if n_cols < 2:
        return None, "one column"
    caption = list(raw.caption)
    i = 0
    while i < len(slots) and texts_in(slots[i]) <= 1 and any(texts_in(r) >= 2 for r in slots[i:]):
        if texts_in(slots[i]):
            caption.append(next(s.text for s in slots[i] if s is not None and s.text))
        i += 1
    while i < len(slots) and not texts_in(slots[i]):
        i += 1
    h0 = i
    marked = sorted(r for r in raw.marked_header if r >= h0)
    if marked:
        end, rule = max(marked) + 1, "tblHeader" if raw.source_id.startswith("table ") else "print titles"
    elif h0 < len(slots) and any(DATA_LIKE.match(t) for t in row_cells(slots[h0])):
        end, rule = h0, "no header (first row is data)"
    else:
        end, rule, r = h0 + 1, "merged block", h0
        while r < end and r < len(slots):
            for s in slots[r]:
                if s is not None:
                    end = max(end, r + s.rowspan)
            r += 1
        end = min(end, len(slots))
        if end == h0 + 1 and end < len(slots) and splits_every_span(slots[h0], slots[end]):
            end, rule = end + 1, "merged block and the row splitting its spans"
    if end < len(slots) and is_column_number_row(row_cells(slots[end])):
        end += 1
    header_rows = slots[h0:end]
    header = []
    for r, row in enumerate(header_rows):
        for c, s in enumerate(row):
            if s is not None and s.text:
                header.append({"text": s.text, "row": r, "col": c, "rowspan": min(s.rowspan, len(header_rows) - r),
                               "colspan": s.colspan})
    header_keys = {alnum("".join(row_cells(r))) for r in header_rows}
    rows = [row_cells(r) for r in slots[end:] if texts_in(r)]
    rows = [r for r in rows if alnum("".join(r)) not in header_keys]
    if len(rows) < 2:
        return None, "fewer than 2 data rows"
    longest = max(len(c) for r in rows for c in r)
    if len(rows) <= 2 and not any(ch.isdigit() for r in rows for c in r for ch in c):
        return None, "layout table (at most 2 data rows, no number)"
    if longest > LONG_CELL:
        return None, f"layout table (prose in a cell of {longest} characters)"
    if sum(1 for r in rows if any(DOT_LEADER.search(c) for c in r)) * 2 >= len(rows):
        return None, "layout table (a table of contents: dot leaders)"
    numeric = []
    for c in range(n_cols):
        vals = [r[c] for r in rows if r[c]]
        if vals and sum(is_number(v) for v in vals) * 2 >= len(vals):
            numeric.append(c)
    where = " ".join(caption) + " " + (raw.source_id if not raw.source_id.startswith("table ") else "")
    m = TEMPLATE_CODE.search(where)
    return TruthTable(raw.source_id, caption, n_cols, header, len(header_rows), rows, numeric, rule,
                      f"T-C.{m.group(1)}" if m else ""), ""


# ----------------------------------------------------------------------------------------- pages

def page_texts(pdf: Path) -> list[str]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append(alnum(tp.get_text_range()))
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def row_keys(cells: list[str]) -> tuple[str, ...]:
    """Ways to find a row in a page's letters and digits, most specific first: its first 40; the first
    20 of its first cell with 8 or more (a row split by a page break); the first 10 of that cell (its
    first line, when wrapped cells print side by side, line by line). () when too short to tell one
    page from another."""
    key = alnum("".join(cells))[:40]
    long = next((alnum(c) for c in cells if len(alnum(c)) >= 8), key)
    return (key, long[:20], long[:10]) if len(key) >= 4 else ()


def walk_rows(rows: list[list[str]], pages: list[str], start: int) -> tuple[list[int | None], int, int]:
    """Page of each row, looking from `start` on, never back, at most 3 pages past the last row found;
    rows not found; how surely they were found (2 a row by its first 40 letters and digits, 1 by its
    first long cell, 0 by a first line alone)."""
    cur, found_any, missing, sure = start, False, 0, 0
    row_pages: list[int | None] = []
    for cells in rows:
        keys = row_keys(cells)
        hit = None
        if keys:
            last = min(len(pages), cur + 3)
            hit = next((p for p in range(cur, last + 1) if any(k in pages[p - 1] for k in keys)), None)
            missing += hit is None
            if hit is not None:  # the whole row's start in one piece counts most
                sure += 2 if keys[0] in pages[hit - 1] else 1 if keys[1] in pages[hit - 1] else 0
        if hit is not None:
            cur, found_any = hit, True
        row_pages.append(hit if hit is not None else (cur if found_any else None))
    return row_pages, missing, sure


def locate(table: TruthTable, pages: list[str], first_page: int) -> tuple[int, int, list[int | None], int]:
    """(start_page, end_page, page of each data row, rows not found); pages are 1-based. The table
    starts on one of the first pages from `first_page` on that hold its first row (the first row's
    text can also be in the prose before): the one from which the most rows are found by their specific
    keys, then the fewest rows are missing, then the one nearest the page of the rows that follow."""
    first_keys = next((k for k in (row_keys(c) for c in table.rows) if k), None)
    if first_keys is None:
        return 0, 0, [None] * len(table.rows), 0
    starts = [p for p in range(first_page, len(pages) + 1) if any(k in pages[p - 1] for k in first_keys[:2])][:6]
    if not starts:  # only its first line is in one piece
        starts = [p for p in range(first_page, len(pages) + 1) if first_keys[2] in pages[p - 1]][:6]
    best = None
    for p in starts:
        row_pages, missing, sure = walk_rows(table.rows, pages, p)
        later = sorted({q for q in row_pages if q is not None})
        gap = later[1] - later[0] if len(later) > 1 else 0  # ties: the start nearest the rows that follow
        if best is None or (-sure, missing, gap) < best[1:]:
            best = (row_pages, -sure, missing, gap)
    if best is None:
        return 0, 0, [None] * len(table.rows), 0
    row_pages, _, missing, _ = best
    found = [p for p in row_pages if p is not None]
    start, end = found[0], max(found)
    if table.header and start > first_page:
        hkey = alnum(" ".join(h["text"] for h in table.header if h["row"] == 0))[:30]
        if hkey and hkey not in pages[start - 1] and hkey in pages[start - 2]:
            start -= 1
    return start, end, row_pages, missing


def cells_not_in_text(rows: list[list[str]], row_pages: list[int | None], pages: list[str]) -> int:
    """Truth cells whose letters and digits are not, in one piece, in the text of their row's page or
    the pages beside it: a check of the truth (a cell wrapped beside another can print interleaved
    with it, so a few are expected)."""
    n = 0
    for cells, p in zip(rows, row_pages):
        near = "".join(pages[max(0, (p or 1) - 2):(p or 1) + 1])
        n += sum(1 for c in cells if alnum(c) and not in_text(c, near))
    return n


def in_text(cell: str, text: str) -> bool:
    """Is the cell in the page text, in one piece or word by word (wrapped beside other cells)?"""
    return alnum(cell) in text or all(alnum(w) in text for w in cell.split() if alnum(w))


GENERAL_DECIMAL = re.compile(r"^-?\d+\.\d{2,}$")


def shown_decimals(rows: list[list[str]], row_pages: list[int | None], pages: list[str]) -> int:
    """Excel's General format shows as many decimals as the column is wide; the CSV export ("as
    shown") gives them all. A long decimal that is not in its page's text is replaced by the first of
    its roundings (fewest decimals dropped) that is; returns how many were."""
    from decimal import ROUND_HALF_UP, Decimal

    n = 0
    for cells, p in zip(rows, row_pages):
        near = "".join(pages[max(0, (p or 1) - 2):(p or 1) + 1])
        for i, c in enumerate(cells):
            if not GENERAL_DECIMAL.match(c) or alnum(c) in near:
                continue
            places = len(c.split(".")[1])
            for nd in range(places - 1, -1, -1):
                r = str(Decimal(c).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP))
                r = r.rstrip("0").rstrip(".") if "." in r else r
                if alnum(r) in near:
                    cells[i] = r
                    n += 1
                    break
    return n


# ----------------------------------------------------------------------------------------- build

def doc_kind(name: str) -> str:
    low = name.lower()
    for key, kind in (("renstra", "Renstra"), ("renja", "Renja"), ("lkjip", "LKjIP"), ("lakip", "LKjIP"),
                      ("lkip", "LKjIP"), ("perjanjian", "PK"), ("pk_", "PK"), ("rkt", "RKT"),
                      ("rencana-kinerja", "RKT")):
        if key in low:
            return kind
    return ""


def safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", name).strip("_")


def build_file(src: Path, work: Path, seed: str, timeout: float) -> dict:
    """One Office file: its manifest entry, truth tables (written to groundtruth/) and left-out tables."""
    profile = work / ".lo-profile"
    conv = work / "office"
    conv.mkdir(parents=True, exist_ok=True)
    ext = src.suffix.lower()
    t0 = time.perf_counter()
    if ext in (".doc", ".xls"):
        office = converted(src, "docx" if ext == ".doc" else "xlsx", conv, profile, timeout)
    else:
        office = conv / src.name
        shutil.copyfile(src, office)
    fitted: list[str] = []
    wide: list[str] = []
    if office.suffix == ".xlsx":
        fit_dir = conv / "fit"
        fit_dir.mkdir(exist_ok=True)
        fitted, wide = fit_sheets_to_width(office, fit_dir / office.name)
        render = fit_dir / office.name if fitted else office
        csv_dir = work / "csv"
        soffice(render, CSV_FILTER, csv_dir, profile, timeout)
        raws = sheet_tables(render, csv_dir)
    else:
        render = office
        txt = converted(office, TXT_FILTER, work / "txt", profile, timeout)
        raws = word_tables(office, txt)
    pdf = converted(render, "pdf", work / "pdfs", profile, timeout)
    pages = page_texts(pdf)
    entry = {"pdf": f"pdfs/{pdf.name}", "seed": seed, "variant": ext.lstrip("."), "source": src.name,
             "kind": doc_kind(src.name), "pages": len(pages), "text_layer": any(pages),
             "fit_to_width": fitted, "wider_than_page": wide, "missing_rows_in_text_layer": {}, "tables": []}
    skipped = []
    cursor = 1
    for raw in raws:
        table, reason = split_table(raw)
        if table is None:
            skipped.append({"file": src.name, "table": raw.source_id, "reason": reason})
            continue
        start, end, row_pages, missing = locate(table, pages, cursor)
        if not start:
            skipped.append({"file": src.name, "table": raw.source_id, "reason": "not found in the rendered PDF's text"})
            continue
        cursor = end  # the next table starts where this one ends, or later
        rounded = shown_decimals(table.rows, row_pages, pages) if office.suffix == ".xlsx" else 0
        unseen = cells_not_in_text(table.rows, row_pages, pages)
        tid = table.source_id if raw.source_id.startswith("table ") else f"sheet {table.source_id}"
        gt_name = f"groundtruth/{seed}-{safe(tid)}.json"
        gt = {"seed": seed, "id": tid, "kind": entry["kind"], "template": table.template,
              "source": src.name, "caption": table.caption, "rendered_caption": " ".join(table.caption),
              "n_cols": table.n_cols, "n_header_rows": table.n_header_rows, "header_rule": table.header_rule,
              "header": table.header, "numeric_cols": table.numeric_cols,
              "rows": [{"cells": cells, "page": p} for cells, p in zip(table.rows, row_pages)],
              "start_page": start, "end_page": end}
        (work / "groundtruth").mkdir(exist_ok=True)
        (work / gt_name).write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
        if missing:
            entry["missing_rows_in_text_layer"][tid] = missing
        entry["tables"].append({"id": tid, "groundtruth": gt_name, "caption": " ".join(table.caption)[:300],
                                "n_rows": len(table.rows), "n_cols": table.n_cols,
                                "n_header_rows": table.n_header_rows, "start_page": start, "end_page": end,
                                "cells": sum(1 for r in table.rows for c in r if alnum(c)),
                                "cells_not_in_text": unseen, "general_decimals_rounded": rounded})
    entry["seconds"] = round(time.perf_counter() - t0, 1)
    return {"entry": entry, "skipped": skipped}


def build(realdocs: Path, work: Path, timeout: float = 180, files: list[str] | None = None,
          log=print) -> dict:
    """Write `work`/manifest.json, groundtruth/ and pdfs/ for every Office file of `realdocs` (or the
    named `files`); returns the manifest, which also lists the files and tables left out and why."""
    work.mkdir(parents=True, exist_ok=True)
    for sub in ("groundtruth", "pdfs"):
        shutil.rmtree(work / sub, ignore_errors=True)
    srcs = sorted(p for p in realdocs.iterdir() if p.suffix.lower() in OFFICE_EXTS
                  and (files is None or p.name in files))
    manifest = {"description": "Tables of the Word and Excel files of ../shared/realdocs, rendered to PDF by "
                               "LibreOffice; truth read from the Office files (tests/benchmarks/office_truth.py)",
                "pdfs": [], "skipped_files": [], "skipped_tables": []}
    for n, src in enumerate(srcs, 1):
        seed = f"o{n:02d}"
        try:
            res = build_file(src, work, seed, timeout)
        except OfficeError as ex:
            manifest["skipped_files"].append({"file": src.name, "reason": str(ex)})
            log(f"  {src.name[:70]}: skipped ({ex})")
            continue
        e = res["entry"]
        manifest["pdfs"].append(e)
        manifest["skipped_tables"].extend(res["skipped"])
        log(f"  {seed} {src.name[:64]:64s} {e['pages']:3d} p {len(e['tables']):2d} tables "
            f"{sum(t['n_rows'] for t in e['tables']):4d} rows, {len(res['skipped'])} left out, "
            f"{sum(t['cells_not_in_text'] for t in e['tables'])}/{sum(t['cells'] for t in e['tables'])} "
            "cells not in the text layer"
            + (f", {len(e['fit_to_width'])} sheets set to fit the page width ({len(e['wider_than_page'])} wider "
               f"than their page)" if e["fit_to_width"] else "")
            + f" ({e['seconds']:.0f} s)")
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("realdocs", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("--timeout", type=float, default=180, help="seconds per soffice call")
    ap.add_argument("--files", nargs="*", help="only these file names")
    args = ap.parse_args(argv)
    m = build(args.realdocs, args.work, args.timeout, args.files)
    print(f"{sum(len(e['tables']) for e in m['pdfs'])} tables in {len(m['pdfs'])} PDFs; "
          f"{len(m['skipped_tables'])} tables and {len(m['skipped_files'])} files left out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
