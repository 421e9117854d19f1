"""Find tables in a PDF and pull them out as stitched, provenance-carrying grids.

`extract_document(path)` is the entry point: it checks the file, reads every page, finds table
blocks, joins them across pages and returns an `ExtractedDocument` of generic `LogicalTable`s.
What a table *means* (its template, canonical columns, numbers) is decided in `normalize`.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ExtractError, NoTextLayer
from .layout import page_blocks, running_texts
from .model import ExtractedDocument, LogicalTable
from .pdf import MIN_TEXT_CHARS, check_file, prescan, read_pages
from .stitch import build_table, group_blocks

__all__ = ["extract_document", "ExtractError", "ExtractedDocument", "LogicalTable"]


def extract_document(path: str | Path, skip_prose: bool = True) -> ExtractedDocument:
    """Tables of one PDF. A fast pre-scan picks the pages that may hold a table (rules, numbers or a
    caption); only those get the full layout analysis unless `skip_prose` is False."""
    path = Path(path)
    n_pages = check_file(path)
    scans = prescan(path)
    scanned = [s.number for s in scans if s.scanned]
    text_pages = [s for s in scans if len(s.text.strip()) >= MIN_TEXT_CHARS]
    if not text_pages:
        if scanned:
            raise NoTextLayer(path, f"no text layer on any of its {n_pages} pages (a scan); it needs OCR")
        raise NoTextLayer(path, f"none of its {n_pages} pages has text")
    wanted = [s.number for s in scans if s.may_hold_table()] if skip_prose else [s.number for s in text_pages]
    pages = list(read_pages(path, wanted)) if wanted else []
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
    )
