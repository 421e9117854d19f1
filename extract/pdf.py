"""Open a PDF safely and read its pages as words and rulings.

Checks the file before parsing (empty, not a PDF, encrypted, damaged) and raises the matching
`extract.errors` exception with a plain reason. `read_pages` reads pages with one of the `BACKENDS`
(PDFium on the hot path; pdfplumber, the reference), each returning the same `Page`s: words and rulings
in the displayed orientation (/Rotate applied), so a landscape table stored sideways on a portrait page
comes out upright. What both readers share lives here: the word settings, bold from the font name, the
baseline repair, and which painted lines and rectangles are rulings. `prescan` is the fast first pass.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import DamagedPdf, EmptyFile, Encrypted, NotAPdf
from .model import Page, Ruling

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b\b|-b\b", re.I)
MIN_TEXT_CHARS = 25  # a page with fewer characters than this has no usable text layer


def check_file(path: Path) -> int:
    """Validate `path` as a readable PDF and return its page count."""
    try:
        size = path.stat().st_size
    except OSError as ex:
        raise NotAPdf(path, f"cannot be read ({ex.strerror})") from ex
    if size == 0:
        raise EmptyFile(path, "the file is empty (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise NotAPdf(path, f"not a PDF ({_describe_head(head)})")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as ex:
        msg = str(ex).lower()
        if "password" in msg or "security" in msg:
            raise Encrypted(path, "the PDF is encrypted with a password; decrypt it first (e.g. qpdf --decrypt)") from ex
        raise DamagedPdf(path, f"the PDF is damaged or truncated and cannot be opened ({ex})") from ex
    try:
        n = len(doc)
    finally:
        doc.close()
    if n == 0:
        raise DamagedPdf(path, "the PDF has no pages (damaged or truncated)")
    return n


def _describe_head(head: bytes) -> str:
    # Word and Excel files are read before this check (extract.office); these are other containers
    if head.startswith(b"PK"):
        return "it is a ZIP container but neither a Word .docx nor an Excel .xlsx file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an OLE2 compound file but neither a Word .doc nor an Excel .xls file"
    if head.lstrip()[:1] in (b"<",):
        return "it looks like HTML or XML"
    return "no %PDF- header"


# --- the reader interface ---------------------------------------------------------------------------
#
# A backend is a module with `read_pages(path, pages) -> Iterator[Page]`: the pages (1-based `pages`,
# default all) with words, rulings and image cover in the displayed orientation. A page it cannot parse
# comes back empty (and is logged); a file it cannot open raises `DamagedPdf`. Backends are imported
# when first used, so a process never loads a parser it does not use.

BACKENDS = {
    "pdfium": "pdfium_reader",  # PDFium through pypdfium2 (extract/pdfium_reader.py): the hot path
    "pdfplumber": "plumber_reader",  # pdfplumber/pdfminer: the reference the tests hold PDFium against
}
DEFAULT_BACKEND = "pdfium"


def read_pages(path: Path, pages: list[int] | None = None, backend: str = DEFAULT_BACKEND) -> Iterator[Page]:
    """Yield the pages of `path` (1-based `pages`, default all) as `backend` reads them (see `BACKENDS`)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown PDF reader {backend!r}; one of {', '.join(BACKENDS)}")
    reader = importlib.import_module(f".{BACKENDS[backend]}", __package__)
    return reader.read_pages(path, pages)


# --- what both readers share: how words are made and what counts as a ruling ---------------------------

# pdfplumber's `extract_words` settings the word grouping follows in both readers
WORD_RULES = {"x_tolerance": 2.5, "y_tolerance": 1.5}
# pdfplumber expands these ligatures in words (`pdfplumber.utils.text.LIGATURES`)
LIGATURES = {"\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb01": "fi", "\ufb02": "fl", "\ufb06": "st",
             "\ufb05": "st"}


def is_bold(fontname: str) -> bool:
    return bool(_BOLD.search(fontname or ""))


def vertical_extent(top: float, bottom: float, size: float, baseline: float | None) -> tuple[float, float]:
    """A word's top and bottom. pdfminer places a glyph box from the font's descent; a font whose
    descriptor is wrong puts the box below the baseline (Cambria in some Word exports: 12 pt too low,
    text then falls into the next table row). Then the box is rebuilt from the baseline."""
    if baseline is None:
        return top, bottom
    size = size or (bottom - top)
    if top > baseline - 0.3 * size:
        return baseline - 0.8 * size, baseline + 0.2 * size
    return top, bottom


_SINGLE_PRECISION = 1e-3  # PDFium gives coordinates as 32-bit floats: 3.0 may come back as 2.9999998


@dataclass(frozen=True)
class Shape:
    """A straight line or an axis-aligned rectangle painted on the page (displayed coordinates), as
    pdfminer classifies path objects; `stroke` and `fill` say how it is painted."""

    kind: str  # "line" or "rect"
    x0: float
    top: float
    x1: float
    bottom: float
    stroke: bool
    fill: bool


def rulings_from_shapes(shapes: list[Shape], page_width: float) -> list[Ruling]:
    """Lines drawn on the page: stroked lines, thin rectangles (how Word and Excel draw borders) and the
    sides of stroked rectangles. A filled rectangle inside one cell is shading (Word shades each line of
    a paragraph): its sides would invent rows and columns. A filled band across many cells (a header
    background) does separate rows, so its sides count. Lines come first, then rectangles, each in the
    order the page draws them."""
    out: list[Ruling] = []
    eps = _SINGLE_PRECISION  # a threshold met exactly in the PDF is met by both readers

    def add(x0: float, top: float, x1: float, bottom: float) -> None:
        # orientation from geometry: pdfplumber's labels are computed before /Rotate is applied
        if x1 - x0 >= bottom - top:
            if x1 - x0 >= 3 - eps:
                out.append(Ruling(x0, (top + bottom) / 2, x1, (top + bottom) / 2))
        elif bottom - top >= 3 - eps:
            out.append(Ruling((x0 + x1) / 2, top, (x0 + x1) / 2, bottom))

    for ln in shapes:
        if ln.kind == "line":
            add(ln.x0, ln.top, ln.x1, ln.bottom)
    dots: dict[int, list[float]] = {}
    for r in shapes:
        if r.kind != "rect":
            continue
        x0, top, x1, bottom = r.x0, r.top, r.x1, r.bottom
        if max(x1 - x0, bottom - top) <= 1.5 + eps:
            dots.setdefault(round((top + bottom) / 2), []).append((x0 + x1) / 2)
            continue
        if min(x1 - x0, bottom - top) <= 2.5 + eps:
            add(x0, top, x1, bottom)
        elif r.stroke or (x1 - x0) >= 0.3 * page_width:
            add(x0, top, x1, top)
            add(x0, bottom, x1, bottom)
            add(x0, top, x0, bottom)
            add(x1, top, x1, bottom)
    # a dashed rule pdfminer does not see still leaves a dot where it meets each column rule: a row of
    # such junctions across the page is a horizontal rule
    for y, xs in dots.items():
        if len(xs) >= 3 and max(xs) - min(xs) >= 0.3 * page_width:
            out.append(Ruling(min(xs), float(y), max(xs), float(y)))
    return out


class Walls:
    """The vertical rules of a page, left to right: a rule between two characters parts them into two
    words. An Excel number right-aligned against a border and the next cell's text starting at it print
    with no gap; pdfplumber's tables part them by the cell each character falls in, the words here by
    the rule."""

    def __init__(self, rulings: list[Ruling]):
        self.rules = sorted((r for r in rulings if not r.horizontal and r.bottom - r.top >= 4), key=lambda r: r.x0)
        self.xs = [r.x0 for r in self.rules]

    def __bool__(self) -> bool:
        return bool(self.rules)

    def between(self, a: float, b: float, y: float) -> bool:
        """Does a rule cross the height `y` between the x positions `a` < `b` (two characters' centres)?"""
        i = bisect.bisect_right(self.xs, a)
        while i < len(self.rules) and self.xs[i] < b:
            if self.rules[i].top <= y <= self.rules[i].bottom:
                return True
            i += 1
        return False


@dataclass(frozen=True)
class PageScan:
    """What a fast pass over one page tells (pypdfium2, a few milliseconds a page)."""

    number: int
    text: str
    paths: int  # straight path segments (rules and cell borders), counted up to RULE_SEGMENTS
    images: int
    numbers: int  # number-like tokens in the text

    @property
    def scanned(self) -> bool:
        return len(self.text.strip()) < MIN_TEXT_CHARS and self.images > 0

    def may_hold_table(self) -> bool:
        """Prose pages are skipped: few rules, few numbers and no table caption. Cheap to be generous here,
        costly to skip a table page, so any one sign is enough."""
        if len(self.text.strip()) < MIN_TEXT_CHARS:
            return False
        return self.paths >= RULE_SEGMENTS or self.numbers >= 20 or bool(_TABLE_WORD.search(self.text))


_TABLE_WORD = re.compile(r"\btabel\b|\btable\b|\bT\s*-?\s*C\s*[.\-]?\s*\d{2}\b|\blampiran\b", re.I)
_NUMBER = re.compile(r"\d[\d.,]*")


RULE_SEGMENTS = 8  # a grid of 3 x 3 cells draws at least 8 lines (4 across, 4 down); prose a few underlines


def _straight_segments(paths) -> int:
    """Straight segments drawn by `paths`, counted up to RULE_SEGMENTS. Segments, not path objects: Word
    and LibreOffice draw a whole table's borders in a handful of paths, and a logo is one path of curves."""
    n = 0
    for obj in paths:
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            kind = pdfium_c.FPDFPathSegment_GetType(pdfium_c.FPDFPath_GetPathSegment(obj, i))
            n += kind == pdfium_c.FPDF_SEGMENT_LINETO
            if n >= RULE_SEGMENTS:
                return n
    return n


def prescan(path: Path) -> list[PageScan]:
    """Text, rules, images and numbers of every page, without parsing its layout."""
    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                tp = page.get_textpage()
                text = tp.get_text_range()
                tp.close()
                objects = [pdfium_c.FPDFPage_GetObject(page, k) for k in range(pdfium_c.FPDFPage_CountObjects(page))]
                kinds = [pdfium_c.FPDFPageObj_GetType(o) for o in objects]
                segments = _straight_segments(o for o, k in zip(objects, kinds) if k == pdfium_c.FPDF_PAGEOBJ_PATH)
            finally:
                page.close()
            out.append(PageScan(i + 1, text, segments, kinds.count(pdfium_c.FPDF_PAGEOBJ_IMAGE),
                                len(_NUMBER.findall(text))))
        return out
    finally:
        doc.close()
