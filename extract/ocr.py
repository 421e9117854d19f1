"""OCR of scanned pages: OCRmyPDF + Tesseract (Indonesian), words with their confidence, rules from the image.

`ocr_document(path, pages, settings)` has OCRmyPDF rasterise the given pages, turn each upright
(`rotate_pages`), deskew it and have Tesseract read it; the plugin `ocr_plugin` erases table rules
and enlarges the image Tesseract sees. The result is an OCR'd copy of the PDF (searchable, deskewed;
the original file is never touched) and, per page, Tesseract's words with their confidence (0-100)
from its hOCR. Both are kept in the OCR cache, named by the file's sha256 and what the OCR depends
on, so a re-run does not OCR again.

`ocr_page` turns one OCR'd page into the same `Page` a text PDF gives: the words as `OcrWord`s (a
`Word` that carries its confidence) and the rules found in the page image (`raster`) as `Ruling`s,
so grid, stitch and normalize work unchanged.

Without Tesseract (or its Indonesian data) nothing is OCR'd: `ocr_missing()` says what to install.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .model import Page, Word
from .raster import rulings_from_image

log = logging.getLogger(__name__)
# OCRmyPDF relays Tesseract's complaints about every page ("Error during processing" for a page with no
# text); a file it cannot OCR raises, and is reported through our own status and message.
logging.getLogger("ocrmypdf").setLevel(logging.CRITICAL)

MODES = ("auto", "always", "never")
LANGUAGE = "ind"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-ind (and pip install ocrmypdf)"
RULES_DPI = 150  # the OCR'd page image is rendered at this resolution to find its rules
# Tesseract's page segmentation: 4 (one column of lines of varying size) reads a table row by row. The
# default, 3, looks for columns and blocks first and drops lone numbers of a column (measured on the
# scanned T-C.33 fixture at 200 dpi: 3 read 40 of 44 numbers, 4 and 6 all 44; at 150 dpi 4 beat 6).
PAGE_SEGMENTATION = 4
# How OCRmyPDF reads the scanned pages. 'force': the chosen pages are rasterised whatever text they carry
# (a scan may hold a stray stamp or page number as text); the other pages are copied as they are.
OCRMYPDF_OPTIONS = dict(language=[LANGUAGE], mode="force", deskew=True, rotate_pages=True,
                        tesseract_pagesegmode=PAGE_SEGMENTATION)
_PLUGIN = "extract.ocr_plugin"
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class OcrSettings:
    """How a run OCRs. `mode`: auto (the scanned pages), always (every page, the text layer ignored),
    never. `cache_dir`: where OCR'd copies are kept (None: a temporary folder, dropped after use).
    `jobs`: pages OCR'd at the same time."""

    mode: str = "auto"
    cache_dir: Path | None = None
    jobs: int = 1

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"OCR mode must be one of {', '.join(MODES)}, not {self.mode!r}")


@dataclass(frozen=True)
class OcrWord(Word):
    """A word read by OCR; `confidence` is Tesseract's, 0-100."""

    confidence: float = 0.0


@dataclass
class OcrPageText:
    """What Tesseract read on one page, in pixels of the image it read (`width` x `height`)."""

    number: int
    width: int
    height: int
    words: list[tuple[str, float, float, float, float, float]] = field(default_factory=list)  # text, x0, top, x1, bottom, conf

    @property
    def text(self) -> str:
        return " ".join(w[0] for w in self.words)


@dataclass
class OcrResult:
    pdf: Path  # the OCR'd copy
    pages: dict[int, OcrPageText]
    from_cache: bool = False


class OcrFailed(Exception):
    """OCRmyPDF could not OCR the file; the reason is for a person."""


# --- is OCR possible here --------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def ocr_missing() -> str | None:
    """None when this machine can OCR; else a sentence saying what is missing and what to install."""
    missing = []
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        missing.append("the Python package ocrmypdf")
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        missing.append("Tesseract")
    elif LANGUAGE not in _tesseract_languages(tesseract):
        missing.append("Tesseract's Indonesian data (tesseract-ocr-ind)")
    # Ghostscript is not needed: pages are rasterised with pypdfium2 and the OCR'd copy is a plain PDF
    if not missing:
        return None
    return f"OCR needs {' and '.join(missing)}, which this machine lacks: {INSTALL_HINT}"


def _tesseract_languages(tesseract: str) -> set[str]:
    try:
        out = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in out.splitlines()[1:]}


@functools.lru_cache(maxsize=1)
def ocr_version() -> str:
    """What an OCR result depends on besides the file: the programs' versions and our image conditioning.
    Part of the name of every OCR'd copy, and of the extraction result version (`pipelines.cache`)."""
    missing = ocr_missing()
    if missing:
        return "unavailable"
    try:
        tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30,
                              check=False).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        tess = "tesseract ?"
    try:
        ocrmypdf_version = version("ocrmypdf")
    except PackageNotFoundError:
        ocrmypdf_version = "?"
    h = hashlib.sha256(f"{tess}\0ocrmypdf {ocrmypdf_version}\0{sorted(OCRMYPDF_OPTIONS.items())}\0".encode())
    # the image conditioning; not this module, whose word cleaning is applied to the cached words each time
    for name in ("ocr_plugin.py", "raster.py"):
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()[:12]


# --- which pages are scans ------------------------------------------------------------------------

SCAN_COVER = 0.4  # a page without text whose images cover at least this share of it is a scan


def scanned_pages(path: Path, scans: list) -> list[int]:
    """Pages (1-based) of the pre-scan `scans` that are scans: (almost) no text, and images covering much
    of the page. A blank page, or one holding only a logo, is not: it has nothing to OCR."""
    candidates = [s.number for s in scans if s.scanned]
    if not candidates:
        return []
    doc = pdfium.PdfDocument(str(path))
    try:
        return [n for n in candidates if _image_cover(doc[n - 1]) >= SCAN_COVER]
    finally:
        doc.close()


def _image_cover(page) -> float:
    """Share of the page covered by its images (capped at 1)."""
    try:
        width, height = page.get_size()
        area = (width * height) or 1.0
        cover = 0.0
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            # object bounds are in unrotated page space; a /Rotate page only swaps the sides, not the area
            cover += max(0.0, right - left) * max(0.0, top - bottom) / area
        return min(1.0, cover)
    finally:
        page.close()


# --- OCR of a document -----------------------------------------------------------------------------

def ocr_document(path: Path, pages: list[int], settings: OcrSettings) -> OcrResult:
    """OCR `pages` (1-based) of the PDF at `path` into `settings.cache_dir`, or take them from there when
    this file's bytes were OCR'd with these pages and this OCR setup. Raises OcrFailed with a plain reason
    when OCRmyPDF cannot do it."""
    if settings.cache_dir is None:
        raise ValueError("ocr_document needs a cache_dir (a temporary folder will do)")
    sha = _sha256(path)
    key = hashlib.sha256(f"{ocr_version()}\0{_page_ranges(pages)}".encode()).hexdigest()[:12]
    folder = Path(settings.cache_dir) / sha[:2]
    pdf, words = folder / f"{sha}-{key}.pdf", folder / f"{sha}-{key}.json"
    if pdf.is_file() and words.is_file():
        try:
            return OcrResult(pdf, _load_words(words), from_cache=True)
        except (OSError, ValueError, KeyError, TypeError) as ex:
            log.warning("OCR cache entry %s is unreadable (%s); the file is OCR'd again", words, ex)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{sha[:16]}.", dir=folder))
    try:
        texts = _run_ocrmypdf(path, tmp, pages, settings.jobs)
        _write_words(tmp / "words.json", texts)
        os.replace(tmp / "ocr.pdf", pdf)  # the copy first: an entry counts only once its words are there too
        os.replace(tmp / "words.json", words)
        return OcrResult(pdf, texts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run_ocrmypdf(path: Path, tmp: Path, pages: list[int], jobs: int) -> dict[int, OcrPageText]:
    """OCRmyPDF in two steps: pages → hOCR (kept, for the word confidences), then hOCR → the OCR'd PDF."""
    from ocrmypdf import exceptions
    from ocrmypdf.api import _hocr_to_ocr_pdf, _pdf_to_hocr

    work = tmp / "work"
    work.mkdir()
    common = dict(jobs=max(1, jobs), use_threads=True, progress_bar=False)
    try:
        _pdf_to_hocr(path, work, pages=_page_ranges(pages), plugins=[_PLUGIN], **OCRMYPDF_OPTIONS, **common)
        _hocr_to_ocr_pdf(work, tmp / "ocr.pdf", output_type="pdf", optimize=0, plugins=[_PLUGIN], **common)
    except exceptions.ExitCodeException as ex:
        raise OcrFailed(f"OCRmyPDF could not OCR it ({type(ex).__name__}: {ex})") from ex
    texts = {}
    for number in pages:
        hocr = work / f"{number:06d}_ocr_hocr.hocr"
        if hocr.is_file():
            texts[number] = read_hocr(hocr, number)
    shutil.rmtree(work, ignore_errors=True)
    return texts


def _page_ranges(pages: list[int]) -> str:
    return ",".join(str(p) for p in pages)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- hOCR ------------------------------------------------------------------------------------------

_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_CONF = re.compile(r"x_wconf (\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?\d+)")
_XSIZE = re.compile(r"x_size ([\d.]+)")


def read_hocr(path: Path, number: int) -> OcrPageText:
    """Tesseract's words of one page. A word's box is set from its line (baseline and text size), not its
    glyphs, so that 'yang' (descenders) and 'DAERAH' (capitals) on one line share their top and bottom,
    as words of a text layer do."""
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/1999/xhtml}"
    page_el = next(el for el in root.iter(f"{ns}div") if el.get("class") == "ocr_page")
    _, _, width, height = map(int, _BBOX.search(page_el.get("title", "")).groups())
    out = OcrPageText(number, width, height)
    for line in root.iter(f"{ns}span"):
        if line.get("class") not in ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"):
            continue
        title = line.get("title", "")
        lx0, ly0, lx1, ly1 = map(int, _BBOX.search(title).groups())
        base = _BASELINE.search(title)
        size = float(_XSIZE.search(title).group(1)) if _XSIZE.search(title) else float(ly1 - ly0)
        for word in line:
            if word.get("class") != "ocrx_word":
                continue
            text = "".join(word.itertext()).strip()
            if not text:
                continue
            wtitle = word.get("title", "")
            x0, _, x1, _ = map(int, _BBOX.search(wtitle).groups())
            conf = float(_CONF.search(wtitle).group(1)) if _CONF.search(wtitle) else 0.0
            baseline = ly1 + (float(base.group(2)) + float(base.group(1)) * ((x0 + x1) / 2 - lx0) if base else 0.0)
            out.words.append((text, float(x0), baseline - 0.8 * size, float(x1), baseline + 0.2 * size, conf))
    return out


def _write_words(path: Path, texts: dict[int, OcrPageText]) -> None:
    data = {str(n): {"width": t.width, "height": t.height, "words": t.words} for n, t in texts.items()}
    path.write_text(json.dumps(data), encoding="utf-8")


def _load_words(path: Path) -> dict[int, OcrPageText]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {int(n): OcrPageText(int(n), d["width"], d["height"], [tuple(w) for w in d["words"]]) for n, d in data.items()}


# --- an OCR'd page as a Page ------------------------------------------------------------------------

def ocr_pages(result: OcrResult, numbers: list[int]) -> list[Page]:
    """The OCR'd pages `numbers` as `Page`s: OCR words in PDF points, rules from the page image."""
    doc = pdfium.PdfDocument(str(result.pdf))
    try:
        return [_page(doc, result.pages[n]) for n in numbers if n in result.pages]
    finally:
        doc.close()


def _page(doc: pdfium.PdfDocument, text: OcrPageText) -> Page:
    pp = doc[text.number - 1]
    try:
        width, height = pp.get_size()
        image = pp.render(scale=RULES_DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        pp.close()
    gray = np.asarray(image)
    rulings = rulings_from_image(gray, RULES_DPI, 72 / RULES_DPI)
    sx, sy = width / text.width, height / text.height
    words = []
    for t, x0, top, x1, bottom, conf in text.words:
        t = clean_word(t, conf)
        if t:
            words.append(OcrWord(text=t, x0=x0 * sx, x1=x1 * sx, top=top * sy, bottom=bottom * sy,
                                 size=(bottom - top) * sy, confidence=conf))
    return Page(number=text.number, width=float(width), height=float(height), words=words, rulings=rulings,
                n_chars=sum(len(w.text) for w in words), image_cover=1.0)


_DASH = re.compile(r"[-\u2010-\u2015]+")
_EDGE_MARKS = "'\"\u2018\u2019\u201c\u201d`|:;"  # quotes, bars and colons Tesseract makes of specks
_NUMBER_CORE = re.compile(r"-?\d[\d.,]*(?:,-|%)?")
# Tesseract reads the '%' of serif fonts as 'Yo', 'Y6' or 'Y9' (PK and IKU scans of DPUPR Grobogan: 89.16Yo)
_PERCENT = re.compile(r"Y[o069]")
_GLUED_PERCENT = re.compile(r"(?<=\d)Y[o069]$")
# ... and a thousands dot with a speck above it as ':' (10:001.375.464,00); a colon never belongs in a number
_COLON_GROUP = re.compile(r"(?<=\d):(?=\d{3}(?:[.,]|$))")


def clean_word(text: str, confidence: float) -> str:
    """The word as it should enter the table, or '' to drop it. What Tesseract makes of dust, grain and the
    remains of an erased rule is dropped: marks without a letter or digit (a dash stays when read with
    confidence: a dash cell means zero), and unsure one- to three-letter words. A number keeps its digits
    but loses the quotes and colons glued to its ends ("'98,07", "100:"); a '%' read as 'Yo' is a '%', and
    a thousands dot read as ':' a dot."""
    if not any(ch.isalnum() for ch in text):
        return text if _DASH.fullmatch(text) and confidence >= 50 else ""
    if len(text) <= 3 and confidence < 40 and not any(ch.isdigit() for ch in text):
        return ""
    if _PERCENT.fullmatch(text):
        return "%"
    text = _GLUED_PERCENT.sub("%", text)
    text = _COLON_GROUP.sub(".", text)
    stripped = text.strip(_EDGE_MARKS)
    if stripped != text and _NUMBER_CORE.fullmatch(stripped):
        return stripped
    return text
