"""OCR of scanned pages: OCRmyPDF + Tesseract (Indonesian), words with their confidence, rules from the image.

`ocr_document(path, pages, settings)` has OCRmyPDF rasterise the given pages, turn each upright
(`rotate_pages`), deskew it and have Tesseract read it; the plugin `ocr_plugin` finds the table rules
in that image, then erases them and enlarges the image Tesseract sees. Per page the result is an
OCR'd copy of the page (searchable, deskewed; the original file is never touched), Tesseract's words
with their confidence (0-100) from its hOCR, and the rules. They are kept in the OCR cache, one entry
per page, named by the file's sha256, the page and what the OCR depends on, so a re-run does not OCR
again, and pages of one file can be OCR'd by different workers (`OcrSettings.defer`). `prune_cache` removes
the entries of other OCR setups, leftovers of a killed OCR, and (on request) the least recently used
entries beyond a size or age limit; never those of a setup a running process is using.

The OCR runs in a child process (`python -m extract.ocr`), so the page images never inflate the
extraction worker: it reads only the words and rules from the cache.

`ocr_pages` turns OCR'd pages into the same `Page`s a text PDF gives: the words as `OcrWord`s (a
`Word` that carries its confidence) and the rules as `Ruling`s, so grid, stitch and normalize work
unchanged.

Without Tesseract (or its Indonesian data) nothing is OCR'd: `ocr_missing()` says what to install.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .model import Page, Ruling, Word

log = logging.getLogger(__name__)
# OCRmyPDF relays Tesseract's complaints about every page ("Error during processing" for a page with no
# text); a file it cannot OCR raises, and is reported through our own status and message.
logging.getLogger("ocrmypdf").setLevel(logging.CRITICAL)

MODES = ("auto", "always", "never")
LANGUAGE = "ind"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-ind (and pip install ocrmypdf)"
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
    never. `cache_dir`: where OCR'd pages are kept (None: a temporary folder, dropped after use).
    `jobs`: pages OCR'd at the same time by one OCR process. `defer`: pages missing from the cache are not
    OCR'd here; `ocr_document` raises `OcrDeferred` naming them, so that a pool of workers can OCR them
    page by page (`pipelines.parallel`) and extract the file once they are in the cache."""

    mode: str = "auto"
    cache_dir: Path | None = None
    jobs: int = 1
    defer: bool = False

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"OCR mode must be one of {', '.join(MODES)}, not {self.mode!r}")


@dataclass(frozen=True)
class OcrWord(Word):
    """A word read by OCR; `confidence` is Tesseract's, 0-100."""

    confidence: float = 0.0


@dataclass
class OcrPageText:
    """What OCR made of one page: Tesseract's words, in pixels of the image it read (`width` x `height`),
    the rules found in that image (`rules`, in PDF points of the OCR'd page), the OCR'd page's size in
    points, and the OCR'd page itself (`pdf`, a one-page PDF in the cache; None when not kept)."""

    number: int
    width: int
    height: int
    words: list[tuple[str, float, float, float, float, float]] = field(default_factory=list)  # text, x0, top, x1, bottom, conf
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top, x1, bottom
    page_width: float = 0.0
    page_height: float = 0.0
    pdf: Path | None = None
    glyphs: list[tuple[float, float, float, float]] = field(default_factory=list, repr=False)  # hOCR word boxes; OCR process only

    @property
    def text(self) -> str:
        return " ".join(w[0] for w in self.words)


@dataclass
class OcrResult:
    pages: dict[int, OcrPageText]
    from_cache: bool = False  # every page came from the cache


class OcrDeferred(Exception):
    """`OcrSettings.defer`: these pages (1-based) of the file are not in the OCR cache yet."""

    def __init__(self, pages: list[int]):
        super().__init__(list(pages))  # the pages as its one argument: it is pickled back from a worker
        self.pages = list(pages)

    def __str__(self) -> str:
        return f"pages {self.pages} are to be OCR'd first"


class OcrFailed(Exception):
    """OCRmyPDF could not OCR the file; the reason is for a person."""


# --- is OCR possible here --------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def ocr_missing() -> str | None:
    """None when this machine can OCR; else a sentence saying what is missing and what to install."""
    missing = []
    # looked up, not imported: importing OCRmyPDF patches pdfminer for the whole process (a simple font
    # without ToUnicode or Encoding then reads as '(cid:84)' glyph codes); the OCR itself runs in a child
    if importlib.util.find_spec("ocrmypdf") is None:
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
    h = hashlib.sha256(f"{tess}\0ocrmypdf {ocrmypdf_version}\0{sorted(OCRMYPDF_OPTIONS.items())}\0"
                       f"reread {REREAD_BELOW} psm {_REREAD_PSM}\0".encode())
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
#
# The OCR cache holds one entry per page: `<sha256>-<key>-p<page>.pdf` (the OCR'd page, searchable and
# deskewed) and `...json` (its words, rules and size), `key` naming the OCR setup (`ocr_version`). Pages
# are OCR'd in a child process (`python -m extract.ocr`): OCRmyPDF's page images, their conditioning and
# the rule finding cost 100-200 MB that the extraction worker then never holds (an exiting process gives
# its memory back; a long-lived one keeps its peak).

def ocr_document(path: Path, pages: list[int], settings: OcrSettings) -> OcrResult:
    """The OCR of `pages` (1-based) of the PDF at `path`: from `settings.cache_dir` for the pages this file's
    bytes had OCR'd with this OCR setup, the others OCR'd now (in a child process) and kept there. Raises
    OcrFailed with a plain reason when OCRmyPDF cannot do it, OcrDeferred (`settings.defer`) when pages are
    not in the cache."""
    if settings.cache_dir is None:
        raise ValueError("ocr_document needs a cache_dir (a temporary folder will do)")
    sha = _sha256(path)
    with in_use(settings.cache_dir):  # no `prune_cache` removes this setup's entries meanwhile
        found = {n: entry for n in pages if (entry := _cached_page(settings.cache_dir, sha, n)) is not None}
        missing = [n for n in pages if n not in found]
        if missing and settings.defer:
            raise OcrDeferred(missing)
        if missing:
            _ocr_in_child(path, sha, missing, settings)
            for n in missing:
                entry = _cached_page(settings.cache_dir, sha, n)
                if entry is not None:
                    found[n] = entry
    return OcrResult(dict(sorted(found.items())), from_cache=not missing)


def missing_pages(path: Path, pages: list[int], cache_dir: Path) -> list[int]:
    """Which of `pages` of the file are not in the OCR cache `cache_dir`."""
    sha = _sha256(path)
    return [n for n in pages if not _entry_paths(cache_dir, sha, n)[1].is_file()]


def _setup_key() -> str:
    return hashlib.sha256(f"{ocr_version()}\0pages".encode()).hexdigest()[:12]


def _entry_paths(cache_dir: Path, sha: str, number: int, key: str | None = None) -> tuple[Path, Path]:
    stem = Path(cache_dir) / sha[:2] / f"{sha}-{key or _setup_key()}-p{number:05d}"
    return stem.with_suffix(".pdf"), stem.with_suffix(".json")


def _cached_page(cache_dir: Path, sha: str, number: int) -> OcrPageText | None:
    pdf, words = _entry_paths(cache_dir, sha, number)
    if not words.is_file():
        return None
    try:
        page = _load_page(words)
        with contextlib.suppress(OSError):  # its last use, for `prune_cache` (a read-only cache is read all the same)
            os.utime(words)
    except FileNotFoundError:
        return None  # removed since (`prune_cache`): OCR'd again
    except (OSError, ValueError, KeyError, TypeError) as ex:
        log.warning("OCR cache entry %s is unreadable (%s); the page is OCR'd again", words, ex)
        return None
    page.pdf = pdf if pdf.is_file() else None
    return page


def _ocr_in_child(path: Path, sha: str, pages: list[int], settings: OcrSettings) -> None:
    """`python -m extract.ocr`: OCR `pages` of the file into the cache, in a process of its own."""
    cmd = [sys.executable, "-m", "extract.ocr", str(Path(path).resolve()), str(Path(settings.cache_dir).resolve()),
           _page_ranges(pages), f"--jobs={max(1, settings.jobs)}", f"--sha={sha}"]
    proc = subprocess.run(cmd, cwd=_HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        said = proc.stderr.decode(errors="replace").strip().splitlines()
        reason = said[-1] if said else f"exit code {proc.returncode}"
        if proc.returncode != _FAILED_EXIT:
            log.debug("OCR process failed on %s:\n%s", path, proc.stderr.decode(errors="replace")[-3000:])
            reason = f"the OCR process stopped ({reason})"
        raise OcrFailed(reason)


_FAILED_EXIT = 3  # the child's exit code when OCRmyPDF could not OCR the file; its last line says why


def ocr_into_cache(path: Path, sha: str, pages: list[int], cache_dir: Path, jobs: int = 1) -> None:
    """In the OCR process: the `pages` of the file copied into a PDF of their own, OCR'd, and each page
    stored as a cache entry (the OCR'd page first, then its words: an entry counts once its words are
    there)."""
    folder = Path(cache_dir) / sha[:2]
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{sha[:16]}.", dir=folder))
    try:
        subset = tmp / "pages.pdf"
        _copy_pages(path, pages, subset)
        texts = _run_ocrmypdf(subset, tmp, len(pages), jobs)
        ocrd = pdfium.PdfDocument(str(tmp / "ocr.pdf"))
        try:
            for k, number in enumerate(pages, start=1):
                if k not in texts:
                    continue
                text = texts[k]
                text.number = number
                text.page_width, text.page_height = ocrd[k - 1].get_size()
                text.rules = [(x0 * text.page_width, top * text.page_height, x1 * text.page_width, bottom * text.page_height)
                              for x0, top, x1, bottom in text.rules]  # fractions of the image → points
                one = pdfium.PdfDocument.new()
                one.import_pages(ocrd, [k - 1])
                pdf, words = _entry_paths(cache_dir, sha, number)
                one.save(str(tmp / "page.pdf"))
                one.close()
                os.replace(tmp / "page.pdf", pdf)
                _write_page(tmp / "page.json", text)
                os.replace(tmp / "page.json", words)
        finally:
            ocrd.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _copy_pages(path: Path, pages: list[int], out: Path) -> None:
    """The `pages` (1-based) of the PDF at `path`, as they are, into a new PDF `out`."""
    src = pdfium.PdfDocument(str(path))
    dst = pdfium.PdfDocument.new()
    try:
        dst.import_pages(src, [n - 1 for n in pages])
        dst.save(str(out))
    finally:
        dst.close()
        src.close()


def _run_ocrmypdf(path: Path, tmp: Path, n_pages: int, jobs: int) -> dict[int, OcrPageText]:
    """OCRmyPDF in two steps: pages → hOCR (kept, for the word confidences; the plugin writes each page's
    rules beside it), then hOCR → the OCR'd PDF `tmp/ocr.pdf`. Every page of `path` is OCR'd."""
    from ocrmypdf import exceptions
    from ocrmypdf.api import _hocr_to_ocr_pdf, _pdf_to_hocr

    from .ocr_plugin import RULES_FILE

    work = tmp / "work"
    work.mkdir()
    common = dict(jobs=max(1, jobs), use_threads=True, progress_bar=False)
    try:
        _pdf_to_hocr(path, work, plugins=[_PLUGIN], **OCRMYPDF_OPTIONS, **common)
        _hocr_to_ocr_pdf(work, tmp / "ocr.pdf", output_type="pdf", optimize=0, plugins=[_PLUGIN], **common)
    except exceptions.ExitCodeException as ex:
        raise OcrFailed(f"OCRmyPDF could not OCR it ({type(ex).__name__}: {ex})") from ex
    texts = {}
    for number in range(1, n_pages + 1):
        hocr = work / f"{number:06d}_ocr_hocr.hocr"
        if hocr.is_file():
            texts[number] = read_hocr(hocr, number)
            reread_unsure(texts[number], work / f"{number:06d}_ocr.png", tmp)
            rules = work / f"{number:06d}_{RULES_FILE}"
            if rules.is_file():
                texts[number].rules = [tuple(r) for r in json.loads(rules.read_text(encoding="utf-8"))["rules"]]
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


# --- keeping the OCR cache small --------------------------------------------------------------------
#
# What may be removed, and when. An entry is written under a temporary name and renamed (`ocr_into_cache`),
# so nobody reads half an entry; a process reading or writing a setup's entries (`ocr_document`) holds a
# shared lock on `.locks/<setup key>` meanwhile, and `prune_cache` touches a setup only under the exclusive
# lock, skipping a setup that is in use. An entry removed between two tasks of a run (the pool's page task
# and the file's task) is OCR'd again by the file's task: time lost, never data.

_ENTRY = re.compile(r"(?P<sha>[0-9a-f]{64})-(?P<key>[0-9a-f]{12})(?:-p(?P<page>\d{5}))?\.(?P<ext>pdf|json)")
_LEFTOVER = re.compile(r"\.[0-9a-f]{16}\..+")  # `ocr_into_cache`'s temporary folder
STALE_SECONDS = 24 * 3600  # a temporary folder, or a copy without its words, untouched this long is a leftover


@contextlib.contextmanager
def in_use(cache_dir: Path, key: str | None = None, exclusive: bool = False, wait: bool = True) -> Iterator[bool]:
    """Hold the lock of OCR setup `key` (default: this one) in the cache: shared by the processes using its
    entries, exclusive for `prune_cache`. Yields False when `wait` is off and the lock is held elsewhere.
    Without file locks (not POSIX) or in a cache this process cannot write, yields True unlocked."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    lock = Path(cache_dir) / ".locks" / f"{key or _setup_key()}.lock"
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a+b")  # lock files are never removed: one empty file per setup ever used
    except OSError as ex:
        log.debug("OCR cache %s: no lock (%s)", cache_dir, ex)
        yield True
        return
    with fh:
        flags = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class PruneReport:
    """What `prune_cache` did: entries (an OCR'd page: its copy and its words) removed and kept, with their
    bytes; setups skipped because a running process uses them; temporary leftovers removed."""

    removed: int = 0
    removed_bytes: int = 0
    kept: int = 0
    kept_bytes: int = 0
    in_use: list[str] = field(default_factory=list)
    leftovers: int = 0

    def text(self) -> str:
        line = (f"OCR cache: {self.removed} entries removed ({self.removed_bytes / 1e6:.1f} MB), {self.kept} kept "
                f"({self.kept_bytes / 1e6:.1f} MB)")
        if self.leftovers:
            line += f", {self.leftovers} leftovers of an interrupted OCR removed"
        if self.in_use:
            line += f"; setups in use by a running process, left alone: {', '.join(self.in_use)}"
        return line


def prune_cache(cache_dir: Path, *, shas: set[str] | None = None, max_bytes: int | None = None,
                max_age: float | None = None, keep: str | None = None, now: float | None = None) -> PruneReport:
    """Remove from the OCR cache `cache_dir`: the entries of every OCR setup but `keep` (default: this
    machine's, `_setup_key`; the whole-document entries of older versions included), copies whose words
    never came and temporary folders of an OCR that was killed (both untouched for `STALE_SECONDS`); then,
    of the entries kept, those not used for `max_age` seconds and, least recently used first, those beyond
    `max_bytes` in all. `shas`: only the entries of these files (a run prunes its own files; None: all).
    Entries of a setup a running process uses are left alone. Without OCR on this machine, when `keep` is
    not given, nothing of another setup is removed: which setup is current is not known."""
    cache_dir, now = Path(cache_dir), time.time() if now is None else now
    report = PruneReport()
    if keep is None:
        keep = None if ocr_missing() else _setup_key()
    entries: dict[tuple[str, str, str | None], list[Path]] = {}
    folders = ([cache_dir / s[:2] for s in sorted({s[:2] for s in shas})] if shas is not None
               else sorted(d for d in cache_dir.glob("[0-9a-f][0-9a-f]") if d.is_dir()))
    for folder in folders:
        try:
            names = list(folder.iterdir())
        except OSError:
            continue
        for f in names:
            m = _ENTRY.fullmatch(f.name)
            if m and (shas is None or m["sha"] in shas):
                entries.setdefault((m["sha"], m["key"], m["page"]), []).append(f)
            elif _LEFTOVER.fullmatch(f.name) and f.is_dir() and (shas is None or f.name[1:17] in {s[:16] for s in shas}):
                if now - _newest_mtime(f) > STALE_SECONDS:
                    shutil.rmtree(f, ignore_errors=True)
                    report.leftovers += 1
    by_key: dict[str, list[list[Path]]] = {}
    for ident, files in entries.items():
        by_key.setdefault(ident[1], []).append(files)
    for key, group in sorted(by_key.items()):
        sizes = [sum(_size(f) for f in files) for files in group]
        with contextlib.ExitStack() as stack:
            if keep is None or not stack.enter_context(in_use(cache_dir, key, exclusive=True, wait=False)):
                if keep is not None:
                    report.in_use.append(key)
                report.kept += len(group)
                report.kept_bytes += sum(sizes)
                continue
            if key != keep:
                for files, size in zip(group, sizes):
                    _remove(files, report, size)
                continue
            kept = []  # (last use, bytes, files)
            for files, size in zip(group, sizes):
                words = [f for f in files if f.suffix == ".json"]
                last_use = max(_mtime(f) for f in (words or files))
                if (not words and now - last_use > STALE_SECONDS) or (max_age is not None and now - last_use > max_age):
                    _remove(files, report, size)
                else:
                    kept.append((last_use, size, files))
            total = sum(size for _, size, _ in kept)
            kept.sort(key=lambda e: e[0])  # least recently used first
            while max_bytes is not None and kept and total > max_bytes:
                _, size, files = kept.pop(0)
                _remove(files, report, size)
                total -= size
            report.kept += len(kept)
            report.kept_bytes += total
    return report


def _remove(files: list[Path], report: PruneReport, size: int) -> None:
    """An entry out: its words first, so that it stops counting before its copy goes. An entry that cannot
    be removed (a cache this user may read but not change) is counted as kept, with a warning."""
    for f in sorted(files, key=lambda f: f.suffix != ".json"):
        try:
            f.unlink()
        except FileNotFoundError:
            pass
        except OSError as ex:
            log.warning("OCR cache entry %s cannot be removed (%s)", f, ex)
            report.kept += 1
            report.kept_bytes += size
            return
    report.removed += 1
    report.removed_bytes += size


def _size(f: Path) -> int:
    try:
        return f.stat().st_size
    except OSError:
        return 0


def _mtime(f: Path) -> float:
    try:
        return f.stat().st_mtime
    except OSError:
        return 0.0


def _newest_mtime(folder: Path) -> float:
    newest = _mtime(folder)
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            newest = max(newest, _mtime(Path(root) / name))
    return newest


# --- unsure words read again -------------------------------------------------------------------------

REREAD_BELOW = 50  # a word Tesseract read with less confidence than this is read again, alone
_REREAD_PSM = 7  # one line of text: the word's box and nothing around it


def reread_unsure(text: OcrPageText, image: Path, tmp: Path) -> int:
    """Read again, each alone, the words of `text` read with a confidence below `REREAD_BELOW`, in the image
    Tesseract read (`image`, OCRmyPDF's NNNNNN_ocr.png); a word whose lone reading is one word read with more
    confidence, and at least `REREAD_BELOW`, takes it. Returns how many words changed.

    Reading a whole page row by row, Tesseract's line model lets a word's neighbours sway it: a lone '0' at
    the end of a table row came out 'fu)' or 'to)' (confidence 2-41) on the 150-dpi fixture, and '0' when
    its box was read alone. All the unsure words of a page are read by one Tesseract process (a list of
    images), so this costs a fraction of a second a page."""
    from PIL import Image

    unsure = [k for k, w in enumerate(text.words) if w[5] < REREAD_BELOW and any(ch.isalnum() for ch in w[0])]
    if not unsure or shutil.which("tesseract") is None or not image.is_file():
        return 0
    folder = tmp / f"reread-{text.number}"
    folder.mkdir(exist_ok=True)
    with Image.open(image) as page:
        dpi = page.info.get("dpi", (300, 300))
        crops = []
        for k in unsure:
            x0, top, x1, bottom = text.glyphs[k] if k < len(text.glyphs) else text.words[k][1:5]
            pad = max(4.0, 0.3 * (bottom - top))
            box = (max(0, round(x0 - pad)), max(0, round(top - pad)), min(page.width, round(x1 + pad)),
                   min(page.height, round(bottom + pad)))
            if box[2] - box[0] < 2 or box[3] - box[1] < 2:
                continue
            crop = folder / f"{k:05d}.png"
            page.crop(box).save(crop, dpi=dpi)
            crops.append((k, crop))
    if not crops:
        return 0
    listing = folder / "crops.txt"
    listing.write_text("".join(f"{c}\n" for _, c in crops), encoding="utf-8")
    proc = subprocess.run(["tesseract", str(listing), str(folder / "out"), "-l", LANGUAGE, "--psm", str(_REREAD_PSM),
                           "hocr"], capture_output=True, timeout=600, check=False,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})  # one core, as OCRmyPDF runs Tesseract
    if proc.returncode != 0 or not (folder / "out.hocr").is_file():
        log.debug("re-reading unsure words failed: %s", proc.stderr.decode(errors="replace")[-500:])
        return 0
    changed = 0
    for (k, _), words in zip(crops, _hocr_pages_words(folder / "out.hocr")):
        if len(words) != 1:
            continue
        new, conf = words[0]
        old = text.words[k]
        if conf >= REREAD_BELOW and conf > old[5]:
            text.words[k] = (new, old[1], old[2], old[3], old[4], conf)
            changed += 1
    return changed


def _hocr_pages_words(path: Path) -> list[list[tuple[str, float]]]:
    """The words (text, confidence) of each page of a multi-page hOCR file, in page order."""
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/1999/xhtml}"
    out = []
    for page in (el for el in root.iter(f"{ns}div") if el.get("class") == "ocr_page"):
        words = []
        for word in page.iter(f"{ns}span"):
            if word.get("class") != "ocrx_word":
                continue
            t = "".join(word.itertext()).strip()
            if t:
                m = _CONF.search(word.get("title", ""))
                words.append((t, float(m.group(1)) if m else 0.0))
        out.append(words)
    return out


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
            out.glyphs.append(tuple(map(float, _BBOX.search(wtitle).groups())))
    return out


def _write_page(path: Path, t: OcrPageText) -> None:
    data = {"number": t.number, "width": t.width, "height": t.height, "page_width": t.page_width,
            "page_height": t.page_height, "words": t.words, "rules": t.rules}
    path.write_text(json.dumps(data), encoding="utf-8")


def _load_page(path: Path) -> OcrPageText:
    d = json.loads(path.read_text(encoding="utf-8"))
    return OcrPageText(int(d["number"]), d["width"], d["height"], [tuple(w) for w in d["words"]],
                       [tuple(r) for r in d["rules"]], float(d["page_width"]), float(d["page_height"]))


# --- an OCR'd page as a Page ------------------------------------------------------------------------

def ocr_pages(result: OcrResult, numbers: list[int]) -> list[Page]:
    """The OCR'd pages `numbers` as `Page`s: OCR words in PDF points, rules from the page image. Nothing
    is rendered: the rules were found when the page was OCR'd."""
    return [_page(result.pages[n]) for n in numbers if n in result.pages]


def _page(text: OcrPageText) -> Page:
    width, height = text.page_width, text.page_height
    rulings = [Ruling(*r) for r in text.rules]
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
# ... and a decimal comma as a dot, or a thousands dot as a comma, at 150 dpi: '40.000.000.00', '14,055.363.080.08'
_GROUPED_CENTS = re.compile(r"\d{1,3}(?:[.,]\d{3})+[.,]\d{2}")


def _regroup(number: str) -> str:
    """A number of thousands groups and two decimals with its marks made consistent: the mark most of its
    thousands groups carry separates them all, the other one the decimals ('40.000.000.00' → '40.000.000,00',
    '1,234,567.89' stays). Two decimals after 3-digit groups is how rupiah amounts are printed; OCR confuses
    '.' and ',' at low resolution."""
    marks = re.findall(r"[.,]", number)
    groups = marks[:-1]
    thousands = "." if groups.count(".") >= groups.count(",") else ","
    decimal = "," if thousands == "." else "."
    digits = re.split(r"[.,]", number)
    return thousands.join(digits[:-1]) + decimal + digits[-1]


def clean_word(text: str, confidence: float) -> str:
    """The word as it should enter the table, or '' to drop it. What Tesseract makes of dust, grain and the
    remains of an erased rule is dropped: marks without a letter or digit (a dash stays when read with
    confidence: a dash cell means zero), and unsure one- to three-letter words. A number keeps its digits
    but loses the quotes and colons glued to its ends ("'98,07", "100:"); a '%' read as 'Yo' is a '%', and
    a thousands dot read as ':' a dot; the marks of an amount with two decimals are made consistent."""
    if not any(ch.isalnum() for ch in text):
        return text if _DASH.fullmatch(text) and confidence >= 50 else ""
    if len(text) <= 3 and confidence < 40 and not any(ch.isdigit() for ch in text):
        return ""
    if _PERCENT.fullmatch(text):
        return "%"
    text = _GLUED_PERCENT.sub("%", text)
    text = _COLON_GROUP.sub(".", text)
    if _GROUPED_CENTS.fullmatch(text):
        text = _regroup(text)
    stripped = text.strip(_EDGE_MARKS)
    if stripped != text and _NUMBER_CORE.fullmatch(stripped):
        return stripped
    return text


# --- the OCR process ---------------------------------------------------------------------------------

def _main(argv: list[str]) -> int:
    """`python -m extract.ocr PDF CACHE_DIR PAGES [--jobs=N] [--sha=SHA256]`: OCR the PAGES (1,2,5) of PDF
    into the OCR cache CACHE_DIR. Exit 0 when done; 3, with the reason as the last line of stderr, when
    OCRmyPDF could not OCR the file."""
    if sys.platform.startswith("linux"):  # die with the worker that started us (e.g. killed at its time limit)
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    options = dict(a[2:].split("=", 1) for a in argv if a.startswith("--"))
    path, cache_dir, pages = [a for a in argv if not a.startswith("--")][:3]
    try:
        ocr_into_cache(Path(path), options.get("sha") or _sha256(Path(path)), [int(p) for p in pages.split(",")],
                       Path(cache_dir), int(options.get("jobs", 1)))
    except OcrFailed as ex:
        print(str(ex).replace("\n", " "), file=sys.stderr)
        return _FAILED_EXIT
    return 0


if __name__ == "__main__":
    # through the package, so that the classes are extract.ocr's, not __main__'s
    from extract.ocr import _main as main_of_package

    sys.exit(main_of_package(sys.argv[1:]))
