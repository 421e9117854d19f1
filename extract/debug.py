"""Draw what the extractor saw on one page: table blocks, columns, row bands and header rows.

`draw_page(pdf, page, out_png)` renders the page with pypdfium2 and draws, in the page's own
coordinates: each block's box (blue: ruled, orange: found from white space), its column boundaries
(green), its row bands (red) and the header rows (shaded), plus the caption found above it (purple).
It runs the same functions as the extractor, so what it shows is what the extractor did.

A scanned page is drawn as the extractor reads it: its OCR (`extract.ocr`, from the OCR cache of
`ocr.cache_dir`, OCR'd now when the cache lacks it) on the OCR'd, deskewed copy of the page, with every
OCR word boxed (grey: confident, red: below `UNSURE` confidence) and the rules found in the image
(magenta). Without Tesseract a scanned page is drawn bare and the first note says what to install.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from . import grid, stitch
from .layout import page_blocks, running_texts
from .office import OfficeUnreadable, office_kind
from .ocr import OcrFailed, OcrSettings, missing_pages, ocr_document, ocr_missing, ocr_pages, scanned_pages
from .pdf import prescan, read_pages

SCALE = 2.0
UNSURE = 85  # below this Tesseract confidence an OCR word is drawn red (the audit's `ocr_value` threshold)


def draw_page(pdf: str | Path, page: int, out_png: str | Path, ocr: OcrSettings | None = None) -> list[str]:
    """Write the annotated PNG and return one line of description per block (first, for a page read by
    OCR, a line saying so). `ocr`: how scanned pages are OCR'd (default: auto, in a temporary folder);
    raises IndexError when the PDF has no page `page`."""
    pdf = Path(pdf)
    if office_kind(pdf) is not None:
        raise OfficeUnreadable(pdf, "a Word or Excel file has no pages to draw; each of its rows names its table "
                                    "and row, or its sheet and cell, in rows.location")
    pages = list(read_pages(pdf))
    if not 1 <= page <= len(pages):
        raise IndexError(page)
    notes, render_from, render_page = [], pdf, page
    ocrd = _ocr_read(pdf, page, ocr or OcrSettings(), len(pages))
    if isinstance(ocrd, str):
        notes.append(ocrd)
    elif ocrd is not None:
        read, copies = ocrd
        for p in read:
            pages[p.number - 1] = p
        target = pages[page - 1]
        if copies.get(page) is not None:  # the words and rules are in the frame of the OCR'd, deskewed copy
            render_from, render_page = copies[page], 1
        unsure = sum(1 for w in target.words if w.confidence < UNSURE)
        notes.append(f"read by OCR: {len(target.words)} words ({unsure} below confidence {UNSURE}, red), "
                     f"{len(target.rulings)} rules found in the image (magenta)")
    target = pages[page - 1]
    blocks, _ = page_blocks(target, running_texts(pages))
    doc = pdfium.PdfDocument(str(render_from))
    try:
        image = doc[render_page - 1].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        doc.close()
    # pdfplumber's coordinates are those of the displayed page; the render is too
    sx, sy = image.width / target.width, image.height / target.height
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if isinstance(ocrd, tuple):
        for w in target.words:
            colour = (220, 0, 0, 220) if w.confidence < UNSURE else (110, 110, 110, 160)
            draw.rectangle((w.x0 * sx, w.top * sy, w.x1 * sx, w.bottom * sy), outline=colour, width=1)
        for r in target.rulings:
            draw.line((r.x0 * sx, r.top * sy, r.x1 * sx, r.bottom * sy), fill=(230, 0, 200, 200), width=3)
    for k, block in enumerate(blocks, start=1):
        xs, bands = _grid(block)
        n_head = stitch._header_count(bands) if bands else 0
        box = (block.x0 * sx, block.top * sy, block.x1 * sx, block.bottom * sy)
        draw.rectangle(box, outline=(0, 90, 255, 255) if block.ruled else (255, 140, 0, 255), width=3)
        for band in bands[:n_head]:
            draw.rectangle((block.x0 * sx, band.top * sy, block.x1 * sx, band.bottom * sy), fill=(255, 230, 0, 60))
        for band in bands:
            draw.line((block.x0 * sx, band.top * sy, block.x1 * sx, band.top * sy), fill=(220, 0, 0, 200), width=1)
        for x in xs:
            draw.line((x * sx, block.top * sy, x * sx, block.bottom * sy), fill=(0, 170, 0, 220), width=2)
        for line in block.caption_lines:
            draw.rectangle((line.x0 * sx, line.top * sy, line.x1 * sx, line.bottom * sy), outline=(150, 0, 200, 255), width=2)
        kind = "ruled" if block.ruled else "white space"
        notes.append(f"block {k}: {kind}, {len(xs) - 1} columns, {len(bands)} rows ({n_head} header), "
                     f"caption: {block.caption[:60] or '-'}")
    Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB").save(out_png)
    return notes


def _ocr_read(pdf: Path, page: int, ocr: OcrSettings, n_pages: int):
    """None when the page is not read by OCR; a sentence when it should be and cannot; else the OCR'd
    pages to use (this one, OCR'd now if need be, and the other scanned pages the cache holds, for the
    running heads and feet as the extractor sees them) and their OCR'd copies."""
    if ocr.mode == "never":
        return None
    scanned = scanned_pages(pdf, prescan(pdf))
    wanted = scanned if ocr.mode == "auto" else list(range(1, n_pages + 1))
    if page not in wanted:
        return None
    if ocr_missing():
        return f"page {page} is a scan, drawn without its OCR: {ocr_missing()}"
    if ocr.cache_dir is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="sakip-ocr-") as tmp:
            # the copy is rendered before the folder goes: keep the pages only, draw from the original
            read = _ocr_read(pdf, page, replace(ocr, cache_dir=Path(tmp)), n_pages)
            return read if isinstance(read, str) else (read[0], {})
    missing = set(missing_pages(pdf, wanted, ocr.cache_dir))
    chosen = [n for n in wanted if n == page or n not in missing]
    try:
        result = ocr_document(pdf, chosen, replace(ocr, defer=False))
    except OcrFailed as ex:
        return f"page {page} is a scan, drawn without its OCR: {ex}"
    return ocr_pages(result, chosen), {n: t.pdf for n, t in result.pages.items()}


def _grid(block) -> tuple[list[float], list[grid.Band]]:
    if block.ruled and len(grid.ruled_columns(block)) >= 3:
        return stitch._ruled_bands(block)
    xs, bands = stitch._unruled_bands([block])[0]
    return xs, bands
