"""Find tables in a PDF and pull them out as stitched, provenance-carrying grids.

`extract_document(path)` is the entry point: it checks the file, reads every page, finds table
blocks, joins them across pages and returns an `ExtractedDocument` of generic `LogicalTable`s.
What a table *means* (its template, canonical columns, numbers) is decided in `normalize`.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ExtractError, NoTextLayer
from .layout import build_lines, page_blocks, running_texts
from .model import ExtractedDocument, LogicalTable
from .pdf import MIN_TEXT_CHARS, check_file, read_pages
from .stitch import build_table, group_blocks

__all__ = ["extract_document", "ExtractError", "ExtractedDocument", "LogicalTable"]


def extract_document(path: str | Path) -> ExtractedDocument:
    path = Path(path)
    n_pages = check_file(path)
    pages = list(read_pages(path))
    text_pages = [p for p in pages if p.n_chars >= MIN_TEXT_CHARS]
    scanned = [p.number for p in pages if p.n_chars < MIN_TEXT_CHARS and p.image_cover > 0.4]
    if not text_pages:
        if scanned:
            raise NoTextLayer(path, f"no text layer on any of its {n_pages} pages (a scan); it needs OCR")
        raise NoTextLayer(path, f"none of its {n_pages} pages has text")
    running = running_texts(pages)
    blocks = []
    orphan: list = []
    for p in pages:
        page_blocks_, tail = page_blocks(p, running)
        if page_blocks_ and orphan and not page_blocks_[0].caption_lines:
            # the caption stood alone at the foot of the previous page
            page_blocks_[0].caption_lines = orphan
        blocks.extend(page_blocks_)
        orphan = tail
    tables: list[LogicalTable] = []
    for group in group_blocks(blocks):
        t = build_table(group)
        if t is not None:
            tables.append(t)
    front = []
    for p in pages[:3]:
        front.extend(l.text for l in build_lines(p.words))
    return ExtractedDocument(
        path=str(path),
        n_pages=n_pages,
        tables=tables,
        front_text="\n".join(front),
        text_pages=len(text_pages),
        scanned_pages=scanned,
    )
