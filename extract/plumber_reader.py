"""Read pages with pdfplumber (pdfminer): the reference reader the PDFium reader is held against.

Words are pdfplumber's `extract_words` with `extract.pdf.WORD_RULES`, rulings its lines and rectangles
turned into `Ruling`s by `extract.pdf.rulings_from_shapes`. pdfplumber applies /Rotate, so a landscape
table stored sideways on a portrait page comes out upright. `tests/test_pdf_readers.py` uses it to check
`extract.pdfium_reader`.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pdfplumber

from .errors import DamagedPdf
from .model import Page, Word
from .pdf import WORD_RULES, Shape, is_bold, rulings_from_shapes, vertical_extent

log = logging.getLogger(__name__)

# pdfminer is chatty about damaged objects; a damaged file is reported through our own status.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

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
    raw = pp.extract_words(**WORD_RULES, keep_blank_chars=False, extra_attrs=["fontname", "size"],
                           return_chars=pp.rotation == 0)
    words = []
    for w in raw:
        if not w["text"].strip() or not w.get("upright", True):
            continue
        top, bottom = float(w["top"]), float(w["bottom"])
        chars = w.get("chars")
        # the baseline from the glyphs' origins (pdfminer's matrix is in the unrotated page's frame)
        baseline = min(float(pp.height) - float(c["matrix"][5]) for c in chars) if chars else None
        top, bottom = vertical_extent(top, bottom, float(w.get("size") or 0), baseline)
        words.append(Word(
            text=w["text"],
            x0=float(w["x0"]),
            x1=float(w["x1"]),
            top=top,
            bottom=bottom,
            bold=is_bold(w.get("fontname") or ""),
            size=float(w.get("size") or 0),
        ))
    shapes = [Shape("line", float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]), bool(o.get("stroke")),
                    bool(o.get("fill"))) for o in pp.lines]
    shapes += [Shape("rect", float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]), bool(o.get("stroke")),
                     bool(o.get("fill"))) for o in pp.rects]
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
        rulings=rulings_from_shapes(shapes, float(pp.width)),
        rotation=int(pp.rotation or 0),
        n_chars=len(pp.chars),
        image_cover=min(1.0, cover),
    )
