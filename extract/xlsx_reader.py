"""The tables of an Excel .xlsx, cell by cell, as `office.OfficeGrid`s.

Each visible sheet, inside its print area (else its used range), hidden rows and columns left out. A
table is a run of sheet rows holding bordered cells (a sheet may hold several, one under the other);
the text above it is its caption, after the sheet's name when that names a table ('TC 27', 'Tabel
2.3.1'). A sheet without any border is one table of all its text. As printed: a merged range is one
cell; sheet rows with no horizontal rule between them print as one row (a name typed over three sheet
rows), unless the lower one holds a number or a code of its own; sheet columns with a vertical rule
between them on fewer than half of their rows print as one column. A cell's text is its value as its
number format shows it (`excel_format`; formulas: the value Excel last computed), rows marked as print
titles are the header. A row's page is the sheet's number in the workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.exceptions import InvalidFileException

from .excel_format import shown
from .grid import DATA_TOKEN
from .layout import CAPTION
from .office import OfficeGrid, Slot

READ_ERRORS = (InvalidFileException,)  # openpyxl's own, besides the XML and ZIP errors of a damaged file
FRONT_ROWS = 40  # text rows of each sheet's top kept for the document's type, perangkat daerah and year
_CODE = re.compile(r"^'?\d{1,2}(\.\d{1,2}){2,}\b")  # 1.02.03: a program or kegiatan code
_SHEET_TABLE = re.compile(r"\bT\s*-?\s*C\s*[.\-]?\s*\d{2}\b|^\s*(tabel|table|lampiran)\b", re.I)


def read_xlsx(path: Path) -> tuple[list[OfficeGrid], str, int]:
    """(the tables, the sheets' opening text, the number of visible sheets) of the .xlsx at `path`."""
    import openpyxl

    wb = openpyxl.load_workbook(str(path), data_only=True)
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    grids: list[OfficeGrid] = []
    front: list[str] = []
    for number, ws in enumerate(sheets, start=1):
        sheet = _Sheet(ws)
        front.extend(sheet.text_rows()[:FRONT_ROWS])
        grids.extend(sheet.tables(number))
    return grids, "\n".join(front), len(sheets)


@dataclass
class _Span:
    rows: range
    cols: range


class _Sheet:
    """One sheet's visible cells, their shown texts, borders and merged ranges."""

    def __init__(self, ws):
        from openpyxl.utils.cell import range_boundaries

        self.ws = ws
        c0, r0, c1, r1 = 1, 1, ws.max_column, ws.max_row
        area = ws.print_area
        if area:
            try:
                c0, r0, c1, r1 = range_boundaries(area.split(",")[0].split("!")[-1].replace("$", ""))
                c1, r1 = c1 or ws.max_column, r1 or ws.max_row
            except ValueError:
                pass
        hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
        hidden_cols = set()
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min:
                hidden_cols.update(range(dim.min, (dim.max or dim.min) + 1))
        self.rows = [r for r in range(r0, r1 + 1) if r not in hidden_rows]
        self.cols = [c for c in range(c0, c1 + 1) if c not in hidden_cols]
        self._widths = _column_widths(ws)
        self._text: dict[tuple[int, int], str] = {}
        self._sides: dict[tuple[int, int], set[str]] = {}  # the bordered sides of each cell
        self._bold: set[tuple[int, int]] = set()
        for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
            for cell in row:
                at = (cell.row, cell.column)
                b = cell.border
                if b is not None:
                    sides = {n for n in ("left", "right", "top", "bottom") if (x := getattr(b, n)) is not None and x.style}
                    if sides:
                        self._sides[at] = sides
                if cell.value is None:
                    continue
                text = " ".join(shown(cell.value, cell.number_format, self.width(cell.column)).split())
                if text:
                    self._text[at] = text
                    if cell.font is not None and cell.font.b:
                        self._bold.add(at)
        used = list(self._text) + list(self._sides)  # a sheet formatted far beyond its content ends there
        last_r, last_c = max((r for r, _ in used), default=0), max((c for _, c in used), default=0)
        self.rows = [r for r in self.rows if r <= last_r]
        self.cols = [c for c in self.cols if c <= last_c]
        self.merged: dict[tuple[int, int], _Span] = {}  # every cell of a merged range -> the range
        for mr in ws.merged_cells.ranges:
            span = _Span(range(mr.min_row, mr.max_row + 1), range(mr.min_col, mr.max_col + 1))
            for r in range(max(span.rows[0], r0), min(span.rows[-1], last_r) + 1):
                for c in range(max(span.cols[0], c0), min(span.cols[-1], last_c) + 1):
                    self.merged[(r, c)] = span

    def width(self, c: int) -> float:
        return self._widths.get(c, self._widths[0])

    def text(self, r: int, c: int) -> str:
        span = self.merged.get((r, c))
        if span is not None and (r, c) != (span.rows[0], span.cols[0]):
            return ""
        return self._text.get((r, c), "")

    def side(self, r: int, c: int, name: str) -> bool:
        return name in self._sides.get((r, c), ())

    def bordered(self, r: int, c: int) -> bool:
        return (r, c) in self._sides

    def text_rows(self) -> list[str]:
        out = []
        for r in self.rows:
            line = " ".join(t for c in self.cols if (t := self.text(r, c)))
            if line:
                out.append(line)
        return out

    def tables(self, number: int) -> list[OfficeGrid]:
        boxed = [r for r in self.rows if any(self.bordered(r, c) for c in self.cols)]
        if not boxed:
            inked = [r for r in self.rows if any(self.text(r, c) for c in self.cols)]
            if not inked:
                return []
            cols = [c for c in self.cols if any(self.text(r, c) for r in inked)]
            rows = [r for r in self.rows if inked[0] <= r <= inked[-1]]
            return [self._grid(rows, list(range(cols[0], cols[-1] + 1)), number, [], ruled=False)]
        out = []
        above_from = self.rows[0]
        for rows in self._runs(boxed):
            cols = [c for c in self.cols if any(self.bordered(r, c) for r in rows)]
            cols = [c for c in self.cols if cols[0] <= c <= cols[-1]]
            caption = [line for r in self.rows if above_from <= r < rows[0]
                       if (line := " ".join(t for c in self.cols if (t := self.text(r, c))))]
            if not out and _SHEET_TABLE.search(self.ws.title) and not any(CAPTION.match(t) for t in caption):
                caption.insert(0, self.ws.title.strip())  # the sheet's name names the table
            out.append(self._grid(rows, cols, number, caption, ruled=True))
            above_from = rows[-1] + 1
        return out

    def _runs(self, boxed: list[int]) -> list[list[int]]:
        """Runs of consecutive visible sheet rows with borders (a merged range bridges a gap)."""
        runs: list[list[int]] = []
        visible = {r: i for i, r in enumerate(self.rows)}
        for r in boxed:
            if runs and visible[r] - visible[runs[-1][-1]] == 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        return runs

    def _grid(self, rows: list[int], cols: list[int], number: int, caption: list[str], ruled: bool) -> OfficeGrid:
        cols = [c for c in cols if c in set(self.cols)]
        ri = {r: i for i, r in enumerate(rows)}
        ci = {c: i for i, c in enumerate(cols)}
        slots: list[list[Slot | None]] = [[Slot(self.text(r, c), self.bold(r, c)) for c in cols] for r in rows]
        for span in {id(s): s for s in self.merged.values()}.values():
            in_r = [r for r in span.rows if r in ri]
            in_c = [c for c in span.cols if c in ci]
            if not in_r or not in_c:
                continue
            origin = Slot(self.text(span.rows[0], span.cols[0]), self.bold(span.rows[0], span.cols[0]), len(in_r),
                          len(in_c))
            for r in in_r:
                for c in in_c:
                    slots[ri[r]][ci[c]] = None
            slots[ri[in_r[0]]][ci[in_c[0]]] = origin
        starts = list(range(len(rows)))
        if ruled:
            groups = self._column_groups(rows, cols, slots)
            slots = _join_columns(slots, groups)
            starts = self._row_starts(rows, cols, slots)
        slots, firsts = _join_rows(slots, starts)
        letter = _column_letter(cols[0])
        titles = self._print_titles()
        marked = 0
        while marked < len(firsts) and rows[firsts[marked]] in titles:
            marked += 1
        name = f"Sheet {self.ws.title}"
        return OfficeGrid(name, slots, [f"{name}!{letter}{rows[k]}" for k in firsts], [number] * len(firsts),
                          marked, caption)

    def bold(self, r: int, c: int) -> bool:
        return (r, c) in self._bold

    def _print_titles(self) -> set[int]:
        m = re.fullmatch(r"\$?(\d+):\$?(\d+)", (self.ws.print_title_rows or "").split(",")[0].strip())
        return set(range(int(m.group(1)), int(m.group(2)) + 1)) if m else set()

    def _row_starts(self, rows: list[int], cols: list[int], slots: list[list[Slot | None]]) -> list[int]:
        """Indexes of the sheet rows that start a printed row: a horizontal rule above them in a column
        no merged range crosses there, or a number or a code of their own."""
        starts = [0]
        for i in range(1, len(rows)):
            up, down = rows[i - 1], rows[i]
            ruled = any(self.side(up, c, "bottom") or self.side(down, c, "top") for c in cols
                        if not (self.merged.get((up, c)) is not None and self.merged.get((up, c)) is self.merged.get((down, c))))
            own = any(s is not None and (DATA_TOKEN.match(s.text) or _CODE.match(s.text)) for s in slots[i])
            if ruled or own:
                starts.append(i)
        return starts

    def _column_groups(self, rows: list[int], cols: list[int], slots: list[list[Slot | None]]) -> list[list[int]]:
        """Indexes of the sheet columns that print as one column: a vertical rule between two columns on
        fewer than half of the rows with text beside it joins them (a '-' typed in a column of its own)."""
        groups = [[0]] if cols else []
        for i in range(1, len(cols)):
            left, right = cols[i - 1], cols[i]
            beside = [r for k, r in enumerate(rows)
                      if not (self.merged.get((r, left)) is not None and self.merged.get((r, left)) is self.merged.get((r, right)))
                      and any(s is not None and s.text for s in slots[k][i - 1:i + 1])]
            ruled = sum(1 for r in beside if self.side(r, left, "right") or self.side(r, right, "left"))
            if not beside or ruled * 2 >= len(beside):
                groups.append([i])
            else:
                groups[-1].append(i)
        return groups


def _column_widths(ws) -> dict[int, float]:
    """Column widths in characters, by column number; [0]: the sheet's default."""
    fmt = ws.sheet_format
    out = {0: fmt.defaultColWidth or (fmt.baseColWidth or 8) + 0.43}
    for dim in ws.column_dimensions.values():
        if dim.min and dim.width:
            for c in range(dim.min, (dim.max or dim.min) + 1):
                out[c] = dim.width
    return out


def _column_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _join_columns(slots: list[list[Slot | None]], groups: list[list[int]]) -> list[list[Slot | None]]:
    """One column per group: the texts of a row's cells in the group joined with a space."""
    group_of = {c: g for g, cs in enumerate(groups) for c in cs}
    out = []
    for row in slots:
        new: list[Slot | None] = []
        for g, cs in enumerate(groups):
            origins = [(c, row[c]) for c in cs if row[c] is not None]
            if not origins:
                new.append(None)
                continue
            last = min(max(c + s.colspan - 1 for c, s in origins), len(row) - 1)
            first = origins[0][1]
            new.append(Slot(" ".join(s.text for _, s in origins if s.text), any(s.bold for _, s in origins if s.text),
                            first.rowspan, group_of[last] - g + 1))
        out.append(new)
    return out


def _join_rows(slots: list[list[Slot | None]], starts: list[int]) -> tuple[list[list[Slot | None]], list[int]]:
    """One row per run of sheet rows from each start, as `_join_columns` joins columns: the grid turned
    over, its columns joined, turned back. Returns the rows and the index of each one's first sheet row."""
    bounds = list(zip(starts, starts[1:] + [len(slots)]))
    joined = _turned(_join_columns(_turned(slots), [list(range(lo, hi)) for lo, hi in bounds]))
    return joined, [lo for lo, _ in bounds]


def _turned(slots: list[list[Slot | None]]) -> list[list[Slot | None]]:
    """Rows as columns and columns as rows, spans swapped."""
    return [[None if s is None else Slot(s.text, s.bold, s.colspan, s.rowspan) for s in column]
            for column in zip(*slots)]
