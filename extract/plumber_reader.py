"""Read pages with pdfplumber (pdfminer): the reference reader the PDFium reader is held against.

Words are pdfplumber's `extract_words` with `extract.pdf.WORD_RULES`, rulings its lines and rectangles
turned into `Ruling`s by `extract.pdf.rulings_from_shapes`. pdfplumber applies /Rotate, so a landscape
table stored sideways on a portrait page comes out upright. Not on the hot path: `tests/test_pdf_readers.py`
uses it to check `extract.pdfium_reader`. It holds every font and object pdfminer parsed until the file is
closed (tens of MB on some documents): fine for the pages a test reads, not for a corpus.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pdfplumber
from pdfminer.pdffont import PDFSimpleFont

from .errors import DamagedPdf
from .model import Page, Word
from .pdf import WORD_RULES, Shape, Walls, is_bold, rulings_from_shapes, vertical_extent

log = logging.getLogger(__name__)

# pdfminer is chatty about damaged objects; a damaged file is reported through our own status.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@contextmanager
def _pdfminer_as_released() -> Iterator[None]:
    """OCRmyPDF, once imported in a process, patches pdfminer so that a simple font without ToUnicode or
    Encoding maps to no Unicode ('Total' reads '(cid:84)(cid:111)...'); the reference reads such fonts as
    pdfminer itself does."""
    original = getattr(sys.modules.get("ocrmypdf.pdfinfo.layout"), "original_pdfsimplefont_init", None)
    if original is None:
        yield
        return
    patched, PDFSimpleFont.__init__ = PDFSimpleFont.__init__, original
    try:
        yield
    finally:
        PDFSimpleFont.__init__ = patched


def read_pages(path: Path, pages: list[int] | None = None) -> Iterator[Page]:
    """Yield the pages of `path` (1-based `pages`, default all) with words, rulings and image cover."""
    with _pdfminer_as_released():
        yield from _read_pages(path, pages)


def _read_pages(path: Path, pages: list[int] | None) -> Iterator[Page]:
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as ex:  # pdfminer raises many types on broken files
        raise DamagedPdf(path, f"the PDF cannot be parsed ({type(ex).__name__}: {ex})") from ex
    with pdf:
        for number in pages if pages is not None else range(1, len(pdf.pages) + 1):
            pp = pdf.pages[number - 1]
            try:
                yield _read_page(pp, number)
            except Exception as ex:  # one unreadable page must not lose the rest of the document
                log.warning("%s: page %d cannot be parsed: %s", path, number, ex)
                yield Page(number=number, width=0, height=0, words=[], rulings=[])
            finally:
                pp.close()  # drop pdfminer's layout of the page: we keep only words and rulings


def _parted(words: list[dict], walls: Walls) -> Iterator[dict]:
    """pdfplumber's words, each cut where a vertical rule stands between two of its characters (as the
    PDFium reader cuts them)."""
    for w in words:
        chars = w.get("chars") or []
        cuts = [i for i in range(1, len(chars)) if walls and walls.between(
            (chars[i - 1]["x0"] + chars[i - 1]["x1"]) / 2, (chars[i]["x0"] + chars[i]["x1"]) / 2,
            (chars[i - 1]["top"] + chars[i - 1]["bottom"]) / 2)]
        if not cuts:
            yield w
            continue
        for a, z in zip([0] + cuts, cuts + [len(chars)]):
            part = chars[a:z]
            yield {**w, "text": "".join(c["text"] for c in part), "chars": part, "x0": min(c["x0"] for c in part),
                   "x1": max(c["x1"] for c in part)}


def _read_page(pp, number: int) -> Page:
    raw = pp.extract_words(**WORD_RULES, keep_blank_chars=False, extra_attrs=["fontname", "size"],
                           return_chars=True)
    shapes = [Shape("line", float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]), bool(o.get("stroke")),
                    bool(o.get("fill"))) for o in pp.lines]
    shapes += [Shape("rect", float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]), bool(o.get("stroke")),
                     bool(o.get("fill"))) for o in pp.rects]
    rulings = rulings_from_shapes(shapes, float(pp.width))
    words = []
    for w in _parted(raw, Walls(rulings)):
        if not w["text"].strip() or not w.get("upright", True):
            continue
        top, bottom = float(w["top"]), float(w["bottom"])
        chars = w.get("chars") if pp.rotation == 0 else None
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
