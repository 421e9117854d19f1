"""Find tables in a PDF and pull them out as stitched, provenance-carrying grids.

`extract_document(path)` is the entry point: it checks the file, reads every page, finds table
blocks, joins them across pages and returns an `ExtractedDocument` of generic `LogicalTable`s. A Word
or Excel file (told by its content, not its name) is read cell by cell instead (`office`), into the
same tables. What a table *means* (its template, canonical columns, numbers) is decided in `normalize`.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from .errors import ExtractError, NoTextLayer
from .layout import page_blocks, running_texts
from .model import ExtractedDocument, LogicalTable, Page
from .office import office_kind, read_office
from .ocr import OcrFailed, OcrSettings, ocr_document, ocr_missing, ocr_pages, scanned_pages
from .pdf import MIN_TEXT_CHARS, PageScan, check_file, prescan, read_pages
from .stitch import build_table, group_blocks

__all__ = ["extract_document", "ExtractError", "ExtractedDocument", "LogicalTable", "OcrSettings"]


def extract_document(path: str | Path, skip_prose: bool = True, ocr: OcrSettings | None = None) -> ExtractedDocument:
    """Tables of one PDF. A fast pre-scan picks the pages that may hold a table (rules, numbers or a
    caption); only those get the full layout analysis unless `skip_prose` is False. Scanned pages are
    OCR'd as `ocr` says (default: the scanned pages, OCR'd copies kept in a temporary folder). A Word or
    Excel file is read by `office.read_office` instead."""
    path = Path(path)
    kind = office_kind(path) if path.is_file() else None
    if kind is not None:
        return read_office(path, kind)
    ocr = ocr or OcrSettings()
    n_pages = check_file(path)
    scans = prescan(path)
    scanned = scanned_pages(path, scans)
    if ocr.mode == "never" or (ocr.mode == "auto" and not scanned):
        return _extract(path, n_pages, scans, scanned, skip_prose, [], "")
    missing = ocr_missing()
    if missing:
        return _extract(path, n_pages, scans, scanned, skip_prose, [], missing)
    wanted = scanned if ocr.mode == "auto" else [s.number for s in scans]
    if ocr.cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="sakip-ocr-") as tmp:
            return _extract_with_ocr(path, n_pages, scans, scanned, skip_prose, replace(ocr, cache_dir=Path(tmp)), wanted)
    return _extract_with_ocr(path, n_pages, scans, scanned, skip_prose, ocr, wanted)


def _extract_with_ocr(path: Path, n_pages: int, scans: list[PageScan], scanned: list[int], skip_prose: bool,
                      ocr: OcrSettings, wanted: list[int]) -> ExtractedDocument:
    try:
        result = ocr_document(path, wanted, ocr)
    except OcrFailed as ex:
        return _extract(path, n_pages, scans, scanned, skip_prose, [], str(ex))
    read = ocr_pages(result, wanted)
    # the OCR'd text stands in for the missing text layer: document metadata, table captions on a scan
    by_number = {p.number: p for p in read}
    scans = [PageScan(s.number, " ".join(w.text for w in by_number[s.number].words), len(by_number[s.number].rulings),
                      s.images, s.numbers) if s.number in by_number else s for s in scans]
    return _extract(path, n_pages, scans, [p for p in scanned if p not in by_number], skip_prose, read, "")


def _extract(path: Path, n_pages: int, scans: list[PageScan], scanned: list[int], skip_prose: bool,
             ocr_read: list[Page], ocr_note: str) -> ExtractedDocument:
    """The tables of the text pages of `scans` and of the pages read by OCR (`ocr_read`)."""
    by_ocr = {p.number for p in ocr_read}
    text_pages = [s for s in scans if len(s.text.strip()) >= MIN_TEXT_CHARS and s.number not in by_ocr]
    if not text_pages and not ocr_read and scanned:
        note = ocr_note or "it needs OCR"
        raise NoTextLayer(path, f"no text layer on any of its {n_pages} pages (a scan); {note}")
    # pages with neither text nor a scanned image (blank, or vector drawings only) hold nothing to read: no tables
    wanted = [s.number for s in text_pages if s.may_hold_table() or not skip_prose]
    # the last rows of a table (a few kegiatan and the Jumlah) may open the next page with too few numbers
    # to look like a table there: a page after a table page is analysed when it has a handful of numbers
    table_pages = set(wanted)
    follow = {s.number for s in text_pages if s.number - 1 in table_pages and s.numbers >= 6}
    wanted = sorted(table_pages | follow)
    pages = sorted((list(read_pages(path, wanted)) if wanted else []) + ocr_read, key=lambda p: p.number)
    running = running_texts(pages)
    blocks = []
    orphan: list = []
    previous = None
    for p in pages:
        if previous is not None and p.number != previous + 1:
            orphan = []  # a caption at the foot of a page belongs to a table on the very next page only
        page_blocks_, tail = page_blocks(p, running)
        if page_blocks_ and orphan and not page_blocks_[0].caption_lines:
            # the caption stood alone at the foot of the previous page
            page_blocks_[0].caption_lines = orphan
        blocks.extend(page_blocks_)
        orphan = tail
        previous = p.number
    tables: list[LogicalTable] = []
    for group in group_blocks(blocks):
        t = build_table(group)
        if t is not None:
            tables.append(t)
    return ExtractedDocument(
        path=str(path),
        n_pages=n_pages,
        tables=tables,
        front_text="\n".join(s.text for s in scans[:3]),
        text_pages=len(text_pages),
        scanned_pages=scanned,
        analysed_pages=len(pages),
        ocr_pages=sorted(by_ocr),
        ocr_note=ocr_note,
    )
