"""Draw what the extractor saw on one page: table blocks, columns, row bands and header rows.

`draw_page(pdf, page, out_png)` renders the page with pypdfium2 and draws, in the page's own
coordinates: each block's box (blue: ruled, orange: found from white space), its column boundaries
(green), its row bands (red) and the header rows (shaded), plus the caption found above it (purple).
It runs the same functions as the extractor, so what it shows is what the extractor did.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from . import grid, stitch
from .layout import page_blocks, running_texts
from .pdf import read_pages

SCALE = 2.0


def draw_page(pdf: str | Path, page: int, out_png: str | Path) -> list[str]:
    """Write the annotated PNG and return one line of description per block."""
    pdf = Path(pdf)
    pages = list(read_pages(pdf))
    target = pages[page - 1]
    blocks, _ = page_blocks(target, running_texts(pages))
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page - 1].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        doc.close()
    # pdfplumber's coordinates are those of the displayed page; the render is too
    sx, sy = image.width / target.width, image.height / target.height
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    notes = []
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


def _grid(block) -> tuple[list[float], list[grid.Band]]:
    if block.ruled and len(grid.ruled_columns(block)) >= 3:
        return stitch._ruled_bands(block)
    xs, bands = stitch._unruled_bands([block])[0]
    return xs, bands
