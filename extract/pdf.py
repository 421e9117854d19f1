"""Open a PDF safely and read its pages as words and rulings.

Checks the file before parsing (empty, not a PDF, encrypted, damaged) and raises the matching
`extract.errors` exception with a plain reason. Pages are read with pdfplumber, which applies
/Rotate, so a landscape table stored sideways on a portrait page comes out upright.
"""

from __future__ import annotations

import gc
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import DamagedPdf, EmptyFile, Encrypted, NotAPdf
from .model import Page, Ruling, Word

log = logging.getLogger(__name__)

# pdfminer is chatty about damaged objects; a damaged file is reported through our own status.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

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
    if head.startswith(b"PK"):
        return "it is a ZIP container such as a Word .docx or Excel .xlsx file; export it to PDF first"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Word .doc or Excel .xls file; export it to PDF first"
    if head.lstrip()[:1] in (b"<",):
        return "it looks like HTML or XML"
    return "no %PDF- header"


FONT_CACHE_MB = 50  # grown by more since the file was opened, the fonts pdfminer parsed are dropped after each page
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PAGES_PER_OPEN = 12  # pdfminer caches every decoded object of an open file: reopen to keep memory flat


def read_pages(path: Path, pages: list[int] | None = None) -> Iterator[Page]:
    """Yield the pages of `path` (1-based `pages`, default all) with words, rulings and image cover."""
    wanted = pages
    start = 0
    while True:
        try:
            pdf = pdfplumber.open(str(path))
        except Exception as ex:  # pdfminer raises many types on broken files
            raise DamagedPdf(path, f"the PDF cannot be parsed ({type(ex).__name__}: {ex})") from ex
        opened_mb = _rss_mb()
        with pdf:
            if wanted is None:
                wanted = list(range(1, len(pdf.pages) + 1))
            chunk = wanted[start:start + PAGES_PER_OPEN]
            for number in chunk:
                yield _read_one(pdf, path, number, opened_mb)
        # pdfminer's objects hold reference cycles: free the closed file's cache now, not at some later GC
        gc.collect()
        start += PAGES_PER_OPEN
        if start >= len(wanted):
            return


def _read_one(pdf, path: Path, number: int, opened_mb: float | None = None) -> Page:
    pp = pdf.pages[number - 1]
    try:
        return _read_page(pp, number)
    except Exception as ex:  # one unreadable page must not lose the rest of the document
        log.warning("%s: page %d cannot be parsed: %s", path, number, ex)
        return Page(number=number, width=0, height=0, words=[], rulings=[])
    finally:
        pp.close()  # drop pdfminer's layout of the page: we keep only words and rulings
        # pdfminer keeps every font it parsed until the file is closed, and some fonts take tens of MB
        # (Bappeda Renstra: +50 MB on each of pages 43, 54, 56 and 59). Once this file has grown the process
        # by more than a budget, drop them: parsing a font again costs time, so small fonts stay cached.
        rss = _rss_mb()
        fonts = getattr(getattr(pdf, "rsrcmgr", None), "_cached_fonts", None)
        if rss is not None and opened_mb is not None and rss - opened_mb > FONT_CACHE_MB and fonts is not None:
            fonts.clear()


def _rss_mb() -> float | None:
    """This process's resident memory in MB, where /proc tells it (Linux); else None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE_SIZE / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _read_page(pp, number: int) -> Page:
    raw = pp.extract_words(x_tolerance=2.5, y_tolerance=1.5, keep_blank_chars=False,
                           extra_attrs=["fontname", "size"], return_chars=pp.rotation == 0)
    words = []
    for w in raw:
        if not w["text"].strip() or not w.get("upright", True):
            continue
        top, bottom = _vertical_extent(w, float(pp.height))
        words.append(Word(
            text=w["text"],
            x0=float(w["x0"]),
            x1=float(w["x1"]),
            top=top,
            bottom=bottom,
            bold=bool(_BOLD.search(w.get("fontname") or "")),
            size=float(w.get("size") or 0),
        ))
    rulings = _rulings(pp)
    area = float(pp.width * pp.height) or 1.0
    cover = 0.0
    for im in pp.images:
        w = max(0.0, min(float(im["x1"]), pp.width) - max(float(im["x0"]), 0))
        h = max(0.0, min(float(im["bottom"]), pp.height) - max(float(im["top"]), 0))
        cover += w * h / area
    return Page(
        number=number,
        width=float(pp.width),
        height=float(pp.height),
        words=words,
        rulings=rulings,
        rotation=int(pp.rotation or 0),
        n_chars=len(pp.chars),
        image_cover=min(1.0, cover),
    )


def _vertical_extent(w: dict, height: float) -> tuple[float, float]:
    """The word's top and bottom. pdfminer places a glyph box from the font's descent; a font whose
    descriptor is wrong puts the box below the baseline (Cambria in some Word exports: 12 pt too low,
    text then falls into the next table row). Then the box is rebuilt from the baseline."""
    top, bottom = float(w["top"]), float(w["bottom"])
    chars = w.get("chars")
    if not chars:
        return top, bottom
    size = float(w.get("size") or (bottom - top))
    baseline = min(height - float(c["matrix"][5]) for c in chars)
    if top > baseline - 0.3 * size:
        return baseline - 0.8 * size, baseline + 0.2 * size
    return top, bottom


def _rulings(pp) -> list[Ruling]:
    """Lines drawn on the page: stroked lines, thin rectangles (how Word and Excel draw borders) and the
    sides of stroked rectangles. A filled rectangle inside one cell is shading (Word shades each line of
    a paragraph): its sides would invent rows and columns. A filled band across many cells (a header
    background) does separate rows, so its sides count."""
    out: list[Ruling] = []

    def add(x0: float, top: float, x1: float, bottom: float) -> None:
        # orientation from geometry: pdfplumber's labels are computed before /Rotate is applied
        if x1 - x0 >= bottom - top:
            if x1 - x0 >= 3:
                out.append(Ruling(x0, (top + bottom) / 2, x1, (top + bottom) / 2))
        elif bottom - top >= 3:
            out.append(Ruling((x0 + x1) / 2, top, (x0 + x1) / 2, bottom))

    for ln in pp.lines:
        add(float(ln["x0"]), float(ln["top"]), float(ln["x1"]), float(ln["bottom"]))
    dots: dict[int, list[float]] = {}
    for r in pp.rects:
        x0, top, x1, bottom = float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])
        if max(x1 - x0, bottom - top) <= 1.5:
            dots.setdefault(round((top + bottom) / 2), []).append((x0 + x1) / 2)
            continue
        if min(x1 - x0, bottom - top) <= 2.5:
            add(x0, top, x1, bottom)
        elif r.get("stroke") or (x1 - x0) >= 0.3 * float(pp.width):
            add(x0, top, x1, top)
            add(x0, bottom, x1, bottom)
            add(x0, top, x0, bottom)
            add(x1, top, x1, bottom)
    # a dashed rule pdfminer does not see still leaves a dot where it meets each column rule: a row of
    # such junctions across the page is a horizontal rule
    for y, xs in dots.items():
        if len(xs) >= 3 and max(xs) - min(xs) >= 0.3 * float(pp.width):
            out.append(Ruling(min(xs), float(y), max(xs), float(y)))
    return out


@dataclass(frozen=True)
class PageScan:
    """What a fast pass over one page tells (pypdfium2, a few milliseconds a page)."""

    number: int
    text: str
    paths: int  # vector path objects: rules and cell borders
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
        return self.paths >= 12 or self.numbers >= 20 or bool(_TABLE_WORD.search(self.text))


_TABLE_WORD = re.compile(r"\btabel\b|\btable\b|\bT\s*-?\s*C\s*[.\-]?\s*\d{2}\b|\blampiran\b", re.I)
_NUMBER = re.compile(r"\d[\d.,]*")


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
                kinds = [pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, k))
                         for k in range(pdfium_c.FPDFPage_CountObjects(page))]
            finally:
                page.close()
            out.append(PageScan(i + 1, text, kinds.count(pdfium_c.FPDF_PAGEOBJ_PATH),
                                kinds.count(pdfium_c.FPDF_PAGEOBJ_IMAGE), len(_NUMBER.findall(text))))
        return out
    finally:
        doc.close()
