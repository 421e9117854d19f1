"""The audit report: one self-contained HTML file an auditor reads without opening the PDFs.

A summary per document, then every finding with its numbers, the rows it rests on, and a cropped
image of the page region (rendered from `documents.source_path` with pypdfium2, PNG embedded as
base64) with the disagreeing cells outlined: red for the figure found wrong, amber for the figures
it was compared with; a finding across documents (Renja against Renstra...) has a crop from each PDF.
It reads findings and the extract outputs; it computes no finding itself.

Within a document, findings are ranked (`rank_key`): by severity; then a table's own arithmetic before
one table against another, before one document against another (planning stages that may differ);
then by the size of the difference relative to the expected figure, largest first. A PDF that has moved
since extraction is looked for by its file name under `pdf_root`; one not found is reported once, by `warn`.
"""

from __future__ import annotations

import base64
import functools
import glob
import html
import io
import logging
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from .audit import CHECKS, SEVERITIES, format_amount
from .cache import sha256_of

log = logging.getLogger(__name__)

RENDER_SCALE = 2.0  # 144 dpi: small print stays legible in the crop
MAX_IMAGE_WIDTH = 1100  # px of an embedded crop
MAX_PAGES_PER_FINDING = 3
CROP_MARGIN = 18  # points above and below the marked cells: about a row of context
COLORS = {"checked": (220, 38, 38), "part": (217, 119, 6), "row": (37, 99, 235)}
# How far a check reaches: within one table (every check not named here), across tables, across documents
SCOPES = {"cross_table": 1, "cross_document": 2}


@dataclass
class _Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def union(self, other: "_Box") -> "_Box":
        return _Box(min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1), max(self.bottom, other.bottom))


@dataclass
class _Mark:
    """One cell to outline on a page: where it is, and how sure we are of the place."""

    box: _Box
    role: str  # checked, part, or row (the row's name, when its figure could not be found)
    label: str


# --------------------------------------------------------------------------------------------------
# Finding the printed cells on the page


class _Pages:
    """Words and renders of the source PDFs, opened once and cached (a report touches a few pages many times)."""

    def __init__(self):
        self._pdfs: dict[str, object] = {}

    def close(self):
        for pdf in self._pdfs.values():
            pdf.close()
        self._pdfs.clear()
        self.words.cache_clear()
        self.render.cache_clear()

    def _pdf(self, path: str):
        import pdfplumber

        if path not in self._pdfs:
            self._pdfs[path] = pdfplumber.open(path)
        return self._pdfs[path]

    @functools.lru_cache(maxsize=64)
    def words(self, path: str, page: int) -> tuple[tuple, tuple[float, float]]:
        """The page's words with their boxes (points from the top left of the page as shown), and its size."""
        p = self._pdf(path).pages[page - 1]
        words = p.extract_words(keep_blank_chars=False, use_text_flow=False)
        ox, oy = p.bbox[0], p.bbox[1]
        out = tuple((w["text"], _Box(w["x0"] - ox, w["top"] - oy, w["x1"] - ox, w["bottom"] - oy)) for w in words)
        size = (p.width, p.height)
        p.close()  # pdfplumber keeps every parsed object of a page until it is closed
        return out, size

    @functools.lru_cache(maxsize=6)
    def render(self, path: str, page: int):
        import pypdfium2

        doc = pypdfium2.PdfDocument(path)
        try:
            return doc[page - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
        finally:
            doc.close()


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def _find_text(words, target: str, max_words: int = 4) -> list[_Box]:
    """Places where consecutive words of one line spell `target` (spaces ignored: PDFs space digits oddly)."""
    target = _squash(target)
    if not target:
        return []
    out = []
    for i, (text, box) in enumerate(words):
        t = _squash(text)
        if not target.startswith(t) or not t:
            continue
        acc, b, j = t, box, i
        while acc != target and j + 1 < len(words) and j - i < max_words:
            j += 1
            nt, nb = words[j]
            if abs(nb.top - b.top) > 4:
                break
            acc += _squash(nt)
            b = b.union(nb)
            if not target.startswith(acc):
                break
        if acc == target:
            out.append(b)
    return out


def _find_stacked(words, raw: str) -> list[_Box]:
    """A cell printed on several lines ('60.000.000' over '445.000.000'): its parts one below the other, edges aligned."""
    parts = raw.split()
    if len(parts) < 2:
        return []
    out = []
    for first in _find_text(words, parts[0], max_words=1):
        box, ok = first, True
        for part in parts[1:]:
            below = [b for b in _find_text(words, part, max_words=1)
                     if 0 < b.top - box.bottom < 14 and abs(b.x1 - first.x1) <= 14]
            if not below:
                ok = False
                break
            box = box.union(min(below, key=lambda b: b.top))
        if ok:
            out.append(_Box(box.x0, box.top, first.x1, box.bottom))
    return out


def _row_anchor(words, uraian: str) -> _Box | None:
    """Where the row's name starts on the page (its first words), to mark a row whose figure was not found."""
    parts = (uraian or "").split()
    for n in (3, 2, 1):
        if len(parts) >= n and len("".join(parts[:n])) >= 4:
            hits = _find_text(words, "".join(parts[:n]), max_words=n + 2)
            if len(hits) == 1 or (hits and n > 1):
                return hits[0]
    return None


def _assign(cells, hits, lo: float, hi: float) -> dict[int, _Box]:
    """Give each row, in row order, the first match within [lo, hi] (right edges) below the previous row's."""
    out: dict[int, _Box] = {}
    last_top = -1.0
    for row_no, _ in cells:
        band = sorted((h for h in hits[row_no] if lo <= h.x1 <= hi and h.top > last_top + 1), key=lambda h: h.top)
        if band:
            out[row_no] = band[0]
            last_top = band[0].top
    return out


def _column_boxes(words, cells: list[tuple[int, str]], rank: int = 0) -> dict[int, _Box]:
    """Row number → box of its printed figure, for the figures of one column of one table on one page.

    Figures are matched by text; equal figures of other rows and of other columns are told apart by
    geometry: a column's figures share a right edge (numbers are right-aligned), and its rows follow
    each other down the page in row order. When two columns print the same figures (a 0 beside a 0),
    `rank` (how many columns to the left print the same) picks among the equally good edges.
    """
    hits = {row_no: _find_text(words, raw) or _find_stacked(words, raw) for row_no, raw in cells}
    edges = sorted(h.x1 for hs in hits.values() for h in hs)
    if not edges:
        return {}
    # the right edge along which the most rows find their figure, one below the other, is the column's
    clusters: list[list[float]] = []
    for e in edges:
        if clusters and e - clusters[-1][-1] <= 12:
            clusters[-1].append(e)
        else:
            clusters.append([e])
    assigned = [_assign(cells, hits, c[0] - 12, c[-1] + 12) for c in clusters]
    top = max(len(a) for a in assigned)
    tied = [a for a in assigned if len(a) == top]
    out = tied[min(rank, len(tied) - 1)]
    return out


# --------------------------------------------------------------------------------------------------
# Images


def _crop_png(img, marks: list[_Mark], page_size: tuple[float, float]) -> bytes:
    from PIL import Image, ImageDraw

    sx, sy = img.width / page_size[0], img.height / page_size[1]
    area = marks[0].box
    for m in marks[1:]:
        area = area.union(m.box)
    # the full width of the table band, so the row names and headers of the columns stay in view
    left, right = 0, img.width
    top = max(0, int((area.top - CROP_MARGIN) * sy))
    bottom = min(img.height, int((area.bottom + CROP_MARGIN) * sy))
    crop = img.crop((left, top, right, bottom)).convert("RGBA")
    overlay = Image.new("RGBA", crop.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for m in marks:
        r, g, b = COLORS[m.role]
        box = (m.box.x0 * sx - 4 - left, m.box.top * sy - 4 - top, m.box.x1 * sx + 4 - left, m.box.bottom * sy + 4 - top)
        draw.rectangle(box, fill=(r, g, b, 40 if m.role != "row" else 20), outline=(r, g, b, 255), width=4 if m.role == "checked" else 3)
    out = Image.alpha_composite(crop, overlay).convert("RGB")
    if out.width > MAX_IMAGE_WIDTH:
        out = out.resize((MAX_IMAGE_WIDTH, max(1, round(out.height * MAX_IMAGE_WIDTH / out.width))), Image.LANCZOS)
    buf = io.BytesIO()
    out.quantize(colors=128).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _placeholder_png(text: str) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (700, 60), (245, 245, 245))
    ImageDraw.Draw(img).text((12, 22), text[:110], fill=(90, 90, 90))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# Ranking the findings and finding the PDFs


def difference_size(f: dict) -> tuple[Decimal, Decimal] | None:
    """|difference| relative to |expected| (infinite when nothing was expected), and |difference|; None without one.

    Relative, so that a capaian 30 points off (of 100) outranks a pagu 1.000 rupiah off (of 500 million).
    """
    diff = f.get("difference")
    if diff is None and f.get("actual") is not None and f.get("expected") is not None:
        diff = Decimal(f["actual"]) - Decimal(f["expected"])
    if diff is None:
        return None
    diff, expected = abs(Decimal(diff)), abs(Decimal(f.get("expected") or 0))
    return (diff / expected if expected else Decimal("Infinity") if diff else Decimal(0)), diff


def rank_key(f: dict) -> tuple:
    """Sort key of a finding (a findings.parquet record): severity, scope, largest difference first, page, row."""
    size = difference_size(f)
    relative, absolute = size if size is not None else (Decimal(-1), Decimal(-1))  # no difference: last of its scope
    return (SEVERITIES.index(f["severity"]), SCOPES.get(f["check"], 0), -relative, -absolute,
            f["pages"][:1], f["row_nos"][:1])


def locate_pdf(document: dict, pdf_root: Path | None = None) -> tuple[str | None, str]:
    """The document's source PDF and, when there is none, why.

    Where `sakip extract` read it; else, with `pdf_root`, the file of the same name in that folder or below
    it whose sha256 is the document's (a copy with other content would put the marks on the wrong cells).
    """
    path = document.get("source_path")
    if not path:
        return None, "no source PDF recorded for this document"
    if Path(path).exists():
        return path, ""
    name = Path(path).name
    if pdf_root is None:
        return None, f"source PDF not found at {path} (--pdf-root DIR looks for {name} under DIR)"
    root = Path(pdf_root)
    direct = root / name
    found = [direct] * direct.is_file() + [p for p in sorted(root.rglob(glob.escape(name))) if p != direct and p.is_file()]
    if not found:
        return None, f"source PDF not found at {path} nor under {root}"
    sha = document.get("sha256")
    for candidate in found:
        if not sha or sha256_of(candidate) == sha:
            return str(candidate), ""
    return None, (f"source PDF not found at {path}; {len(found)} file(s) named {name} under {root}, "
                  "none with the document's content (sha256)")


# --------------------------------------------------------------------------------------------------
# The report


@dataclass
class _Evidence:
    page: int
    png: bytes
    caption: str


def _evidence(finding: dict, ctx: "_Context") -> list[_Evidence]:
    """Crops of the pages the finding's cells are on; a finding across documents gets crops from both PDFs."""
    # rows.parquet carries no cell positions (bbox), so a cell is found again on its page by its printed text
    # (values.value_raw) among pdfplumber's words, next to its row's name; equal figures on one line are
    # told apart by their order from the left.
    by_page: dict[tuple[str, int], list[_Mark]] = defaultdict(list)
    missing: dict[tuple[str, int], list[str]] = defaultdict(list)
    absent: list[_Evidence] = []
    for cell in finding["cells"]:
        row = ctx.rows.get((cell["table_id"], cell["row_no"]))
        if row is None:
            continue
        doc_id = (ctx.tables.get(cell["table_id"]) or {}).get("doc_id") or finding["doc_id"]
        path = ctx.pdf(doc_id)
        page = row["page"]
        if path is None:
            msg = ctx.why_no_pdf(doc_id)
            if all(ev.caption != msg for ev in absent):
                absent.append(_Evidence(page, _placeholder_png(msg), msg))
            continue
        value = ctx.values.get((cell["table_id"], cell["row_no"], cell["column_name"]))
        raw = (value or {}).get("value_raw") or ""
        box = ctx.column_boxes(path, page, cell["table_id"], cell["column_name"]).get(cell["row_no"]) if raw.strip() else None
        label = f"row {cell['row_no']} {cell['column_name']} {raw!r}"
        if box is not None:
            by_page[(path, page)].append(_Mark(box, cell["role"], label))
            continue
        anchor = _row_anchor(ctx.pages.words(path, page)[0], row.get("uraian_raw") or row.get("uraian") or "")
        if anchor is not None:
            by_page[(path, page)].append(_Mark(anchor, "row", label))
        if raw.strip():  # an empty cell has nothing to find: its row is marked
            missing[(path, page)].append(label)
    out = []
    # the pages with the most checked figures, but at least one page of each document the finding rests on
    ranked = sorted(by_page, key=lambda k: (-sum(m.role == "checked" for m in by_page[k]), k[1]))
    chosen: list[tuple[str, int]] = []
    for key in ranked:
        if key[0] not in {k[0] for k in chosen}:
            chosen.append(key)
    chosen += [k for k in ranked if k not in chosen][: max(0, MAX_PAGES_PER_FINDING - len(chosen))]
    order = {d: i for i, d in enumerate(dict.fromkeys(_cell_paths(finding, ctx)))}
    for path, page in sorted(chosen, key=lambda k: (order.get(k[0], 99), k[1])):
        _, size = ctx.pages.words(path, page)
        marks = by_page[(path, page)]
        png = _crop_png(ctx.pages.render(path, page), marks, size)
        n_checked = sum(m.role == "checked" for m in marks)
        n_part = sum(m.role == "part" for m in marks)
        n_rows = sum(m.role == "row" for m in marks)
        caption = f"{Path(path).name}, page {page}: {n_checked} checked figure(s) in red, {n_part} compared figure(s) in amber"
        if n_rows:
            caption += f", {n_rows} row(s) in blue"
        if missing[(path, page)]:
            caption += (f"; not located on the page (its row marked instead): {', '.join(missing[(path, page)][:3])}"
                        + ("…" if len(missing[(path, page)]) > 3 else ""))
        out.append(_Evidence(page, png, caption))
    out += absent
    if not out:
        path = ctx.pdf(finding["doc_id"])
        page = finding["pages"][0] if finding["pages"] else 1
        if path is None:
            msg = ctx.why_no_pdf(finding["doc_id"])
            return [_Evidence(page, _placeholder_png(msg), msg)]
        _, size = ctx.pages.words(path, page)
        img = ctx.pages.render(path, page)
        png = _crop_png(img, [_Mark(_Box(0, 0, size[0], size[1]), "row", "page")], size)
        out.append(_Evidence(page, png, f"{Path(path).name}, page {page}: the cells could not be located on the page; the whole page is shown"))
    return out


def _cell_paths(finding: dict, ctx: "_Context") -> list[str]:
    """Source paths of the finding's cells, the document the finding is in first."""
    docs = [finding["doc_id"]] + [(ctx.tables.get(c["table_id"]) or {}).get("doc_id") for c in finding["cells"]]
    return [ctx.pdf(d) for d in docs if d]


@dataclass
class _Context:
    documents: dict
    tables: dict
    rows: dict
    values: dict
    pages: _Pages
    pdf_root: Path | None = None
    warn: Callable[[str], None] = log.warning

    def pdf(self, doc_id: str) -> str | None:
        """The document's source PDF (`locate_pdf`); one not found is told to `warn` once per document."""
        if doc_id not in self._pdfs:
            self._pdfs[doc_id] = path, why = locate_pdf(self.documents.get(doc_id, {}), self.pdf_root)
            if path is None:
                self.warn(f"warning: {_doc_name(self, doc_id)} (doc_id {doc_id}): {why}; "
                          "its findings are shown without page images")
        return self._pdfs[doc_id][0]

    def why_no_pdf(self, doc_id: str) -> str:
        return self._pdfs[doc_id][1]

    def __post_init__(self):
        self._pdfs: dict[str, tuple[str | None, str]] = {}  # doc_id → (path, why there is none)
        self._rows_of: dict[str, list[dict]] = defaultdict(list)
        for r in sorted(self.rows.values(), key=lambda r: r["row_no"]):
            self._rows_of[r["table_id"]].append(r)
        self._boxes: dict[tuple, dict[int, _Box]] = {}

    def column_boxes(self, path: str, page: int, table_id: str, column: str) -> dict[int, _Box]:
        key = (path, page, table_id, column)
        if key not in self._boxes:
            cells = []
            for r in self._rows_of.get(table_id, []):
                v = self.values.get((table_id, r["row_no"], column))
                if r["page"] == page and v and (v.get("value_raw") or "").strip():
                    cells.append((r["row_no"], v["value_raw"]))
            self._boxes[key] = _column_boxes(self.pages.words(path, page)[0], cells, self._rank(table_id, column, cells))
        return self._boxes[key]

    def _rank(self, table_id: str, column: str, cells: list[tuple[int, str]]) -> int:
        """How many columns left of `column` print the same text on its first row (T-C.29 prints 0 | 0)."""
        if not cells or table_id not in self.tables:
            return 0
        row_no, raw = cells[0]
        n = 0
        for col in self.tables[table_id]["columns"]:
            if col == column:
                return n
            v = self.values.get((table_id, row_no, col))
            n += bool(v and _squash(v.get("value_raw")) == _squash(raw))
        return 0


def _records(t) -> list[dict]:
    if t is None:
        return []
    if isinstance(t, pa.Table):
        return t.to_pylist()
    if isinstance(t, list):
        return t
    return pa.Table.from_pandas(t, preserve_index=False).to_pylist()


def build_report(findings, documents, tables, rows, values, pdf_root: Path | None = None,
                 warn: Callable[[str], None] = log.warning) -> str:
    """The report as one HTML string (images embedded); `pdf_root` and `warn` as in `_Context.pdf`."""
    ctx = _Context(
        documents={d["doc_id"]: d for d in _records(documents)},
        tables={t["table_id"]: t for t in _records(tables)},
        rows={(r["table_id"], r["row_no"]): r for r in _records(rows)},
        values={(v["table_id"], v["row_no"], v["column_name"]): v for v in _records(values)},
        pages=_Pages(),
        pdf_root=pdf_root,
        warn=warn,
    )
    items = _records(findings)
    try:
        # render in page order, so each page is rendered once; show in the order an auditor reads
        evidence = {f["finding_id"]: _evidence(f, ctx) for f in sorted(items, key=lambda f: (f["doc_id"], f["pages"][:1]))}
        body = [_summary(items, ctx)]
        by_doc: dict[str, list[dict]] = defaultdict(list)
        for f in items:
            by_doc[f["doc_id"]].append(f)
        for doc_id in sorted(by_doc, key=lambda d: _doc_name(ctx, d)):
            body.append(_document_section(doc_id, by_doc[doc_id], ctx, evidence))
    finally:
        ctx.pages.close()
    return _page(items, "\n".join(body))


def write_report(findings, documents, tables, rows, values, path: Path, pdf_root: Path | None = None,
                 warn: Callable[[str], None] = log.warning) -> Path:
    """Write the report atomically (a temporary file renamed over `path`)."""
    path = Path(path)
    text = build_report(findings, documents, tables, rows, values, pdf_root, warn)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is for sharing like any file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _doc_name(ctx: _Context, doc_id: str) -> str:
    d = ctx.documents.get(doc_id, {})
    return Path(d.get("source_path") or doc_id).name


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _summary(items: list[dict], ctx: _Context) -> str:
    counts: dict[str, Counter] = defaultdict(Counter)
    for f in items:
        counts[f["doc_id"]][f["severity"]] += 1
    head = "".join(f"<th>{s}</th>" for s in SEVERITIES)
    rows = []
    for doc_id in sorted(set(ctx.documents) | set(counts), key=lambda d: _doc_name(ctx, d)):
        d = ctx.documents.get(doc_id, {})
        c = counts.get(doc_id, Counter())
        cells = "".join(f'<td class="n sev-{s}" data-severity="{s}">{c[s]}</td>' for s in SEVERITIES)
        link = f'<a href="#doc-{_e(doc_id)}">{_e(_doc_name(ctx, doc_id))}</a>' if c else _e(_doc_name(ctx, doc_id))
        rows.append(f'<tr data-doc-id="{_e(doc_id)}"><td>{link}</td><td>{_e(d.get("doc_type"))}</td>'
                    f'<td>{_e(d.get("perangkat_daerah"))}</td><td>{_e(d.get("tahun"))}</td><td>{_e(d.get("status"))}</td>{cells}</tr>')
    return (f'<section class="summary"><h2>Summary per document</h2><table><thead><tr><th>document</th><th>type</th>'
            f'<th>perangkat daerah</th><th>tahun</th><th>status</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _document_section(doc_id: str, items: list[dict], ctx: _Context, evidence: dict) -> str:
    d = ctx.documents.get(doc_id, {})
    order = {c: i for i, c in enumerate(CHECKS)}
    items = sorted(items, key=rank_key)
    by_check = Counter(f["check"] for f in items)
    checks = ", ".join(f"{n} {c}" for c, n in sorted(by_check.items(), key=lambda x: order.get(x[0], 99)))
    arts = "\n".join(_finding_article(f, ctx, evidence[f["finding_id"]]) for f in items)
    return (f'<section class="document" id="doc-{_e(doc_id)}"><h2>{_e(_doc_name(ctx, doc_id))}</h2>'
            f'<p class="meta">{_e(d.get("perangkat_daerah") or "")} {_e(d.get("pemda") or "")} · {_e(d.get("doc_type"))} '
            f'{_e(d.get("tahun") or "")} · doc_id {_e(doc_id)} · {len(items)} findings: {_e(checks)}</p>{arts}</section>')


def _number_cell(name: str, value) -> str:
    if value is None:
        return f'<td class="{name}" data-value="">—</td>'
    return f'<td class="{name}" data-value="{_e(format(Decimal(value), "f"))}">{_e(format_amount(value, signed=name == "difference"))}</td>'


def _finding_article(f: dict, ctx: _Context, evidence: list[_Evidence]) -> str:
    pages = ", ".join(str(p) for p in f["pages"][:12]) + ("…" if len(f["pages"]) > 12 else "")
    numbers = (f'<table class="numbers"><tr><th>printed (actual)</th><th>expected</th><th>difference</th>'
               f'<th>column</th><th>tahun</th></tr><tr>{_number_cell("actual", f["actual"])}{_number_cell("expected", f["expected"])}'
               f'{_number_cell("difference", f["difference"])}<td>{_e(f["column_name"])}</td><td>{_e(f["tahun"])}</td></tr></table>')
    other = f.get("other_doc_id")
    rows = []
    for cell in f["cells"][:25]:
        r = ctx.rows.get((cell["table_id"], cell["row_no"]), {})
        v = ctx.values.get((cell["table_id"], cell["row_no"], cell["column_name"]), {})
        t = ctx.tables.get(cell["table_id"], {})
        doc = f'{_e(_doc_name(ctx, t.get("doc_id")))} ' if other and t.get("doc_id") else ""
        rows.append(f'<tr class="role-{_e(cell["role"])}"><td>{_e(cell["role"])}</td><td>{doc}{_e(t.get("table_code"))}</td>'
                    f'<td>{_e(cell["row_no"])}</td><td>{_e(r.get("page"))}</td><td>{_e(r.get("level"))}</td>'
                    f'<td>{_e(r.get("kode") or r.get("nomenclature_code"))}</td><td>{_e((r.get("uraian") or "")[:120])}</td>'
                    f'<td>{_e(r.get("lokasi_unit"))}</td><td>{_e(cell["column_name"])}</td><td class="raw">{_e(v.get("value_raw"))}</td></tr>')
    more = f'<p class="more">and {len(f["cells"]) - 25} more cells</p>' if len(f["cells"]) > 25 else ""
    across = (f'<p class="other-doc" data-other-doc-id="{_e(other)}">Compared with <a href="#doc-{_e(other)}">{_e(_doc_name(ctx, other))}</a> '
              f'({_e(ctx.documents.get(other, {}).get("doc_type"))}, doc_id {_e(other)}); the rows below name their document.</p>') if other else ""
    figures = "".join(
        f'<figure><img class="evidence" alt="{_e(ev.caption)}" src="data:image/png;base64,{base64.b64encode(ev.png).decode()}">'
        f'<figcaption>{_e(ev.caption)}</figcaption></figure>' for ev in evidence)
    return (f'<article class="finding sev-{_e(f["severity"])}" id="f-{_e(f["finding_id"])}" data-finding-id="{_e(f["finding_id"])}" '
            f'data-severity="{_e(f["severity"])}" data-check="{_e(f["check"])}">'
            f'<h3><span class="badge">{_e(f["severity"])}</span> {_e(f["check"])} · {_e(f["table_code"])} · page {_e(pages)} '
            f'<span class="fid">{_e(f["finding_id"])}</span></h3>'
            f'<p class="message">{_e(f["message"])}</p>{across}{numbers}'
            f'<details open><summary>rows involved</summary><table class="rows"><tr><th>role</th><th>table</th><th>row</th>'
            f'<th>page</th><th>level</th><th>kode</th><th>uraian</th><th>lokasi</th><th>column</th><th>printed</th></tr>'
            f'{"".join(rows)}</table>{more}</details>{figures}</article>')


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 48px;color:#1f2937}
h1{font-size:22px;margin:20px 0 4px} h2{font-size:18px;margin:28px 0 6px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
h3{font-size:14px;margin:0 0 6px} table{border-collapse:collapse;margin:6px 0} td,th{border:1px solid #e5e7eb;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f9fafb;font-weight:600} td.n,td.actual,td.expected,td.difference{text-align:right;font-variant-numeric:tabular-nums}
.finding{border:1px solid #e5e7eb;border-left:6px solid #9ca3af;border-radius:6px;padding:10px 14px;margin:14px 0}
.sev-error.finding{border-left-color:#dc2626}.sev-rounding.finding{border-left-color:#0891b2}.sev-warning.finding{border-left-color:#d97706}.sev-info.finding{border-left-color:#6b7280}
.badge{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;background:#6b7280;font-size:12px;text-transform:uppercase}
.sev-error .badge{background:#dc2626}.sev-rounding .badge{background:#0891b2}.sev-warning .badge{background:#d97706}
.fid{color:#9ca3af;font-weight:400;font-size:12px;margin-left:6px} .message{margin:4px 0 8px} .meta{color:#6b7280;margin:0 0 8px}
tr.role-checked td.raw{background:#fee2e2;font-weight:600} tr.role-part td.raw{background:#fef3c7}
figure{margin:8px 0} img.evidence{max-width:100%;border:1px solid #d1d5db} figcaption{color:#6b7280;font-size:12px}
nav.filters{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #e5e7eb;z-index:1}
nav.filters label{margin-right:14px} .hidden{display:none}
"""

_JS = """
(function () {
  var boxes = document.querySelectorAll('nav.filters input[type=checkbox]');
  function apply() {
    var shown = {};
    boxes.forEach(function (b) { shown[b.value] = b.checked; });
    var n = 0;
    document.querySelectorAll('article.finding').forEach(function (a) {
      var on = shown[a.dataset.severity] !== false;
      a.classList.toggle('hidden', !on);
      if (on) { n += 1; }
    });
    document.getElementById('shown-count').textContent = String(n);
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  apply();
})();
"""


def _page(items: list[dict], body: str) -> str:
    counts = Counter(f["severity"] for f in items)
    filters = "".join(f'<label><input type="checkbox" value="{s}" checked> {s} ({counts[s]})</label>' for s in SEVERITIES)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<link rel="icon" href="data:,"><title>sakip audit: {len(items)} findings</title><style>{_CSS}</style></head><body>'
            f'<h1>Audit of the extracted tables</h1><p class="meta">{len(items)} findings, generated {stamp} by sakip audit. '
            f'Numbers are printed as the documents print them (1.069.713.200); the images are cut from the source PDFs, '
            f'with the figure found wrong outlined in red and the figures it was compared with in amber; a finding across documents shows a crop from each PDF.</p>'
            f'<nav class="filters">{filters} <span>showing <b id="shown-count">{len(items)}</b></span></nav>'
            f'{body}<script>{_JS}</script></body></html>')
