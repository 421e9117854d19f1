"""An OCRmyPDF plugin that conditions the image Tesseract reads (never the page people see).

Four things make Tesseract read tables better (measured on the scanned fixtures, 150 and 200 dpi):
shaded cells (a grey header row) are turned white; the cell borders are erased (else a border is read as `|`, `l` or `1` glued to the cell's text, and
neighbouring cells become one word); a page scanned below `OCR_DPI` is enlarged to it (Tesseract
reads 7-8 pt table text poorly at 150-200 dpi); and a 3x3 median filter, applied after enlarging so
that thin strokes survive it, removes dust and scanner grain that Tesseract would read as `.` `:` `'`.
The image's DPI is scaled with it, so OCRmyPDF still places the words right on the page.

It also decides which way up a page is when its text runs sideways (a landscape table scanned on a
portrait page): Tesseract's orientation guess on table pages is too unsure to pass OCRmyPDF's threshold
(SK IKU of DPUPR Grobogan p.2: confidence 0.9-3.6, 14 needed), so `raster.text_is_sideways` says
whether the page is turned, and Tesseract only which of the two quarter turns puts it upright.

Loaded by `extract.ocr` through OCRmyPDF's `plugins=` argument; runs in OCRmyPDF's page workers.
"""

from __future__ import annotations

import cv2
import numpy as np
from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf.pluginspec import OrientationConfidence
from PIL import Image

from .raster import erase_rules, text_is_sideways

OCR_DPI = 300  # pages scanned below this are enlarged to it for Tesseract
MAX_PIXELS = 60_000_000  # never enlarge past this (Tesseract's memory grows with the pixels)


@hookimpl
def filter_ocr_image(page, image: Image.Image) -> Image.Image:
    dpi = float((image.info.get("dpi") or (OCR_DPI, OCR_DPI))[0]) or OCR_DPI
    gray = erase_rules(flatten_background(np.asarray(image.convert("L")), dpi), dpi)
    factor = OCR_DPI / dpi
    if factor > 1.05 and gray.size * factor * factor <= MAX_PIXELS:
        gray = cv2.resize(gray, (round(gray.shape[1] * factor), round(gray.shape[0] * factor)),
                          interpolation=cv2.INTER_LANCZOS4)
        dpi *= factor
    cleaned = Image.fromarray(cv2.medianBlur(gray, 3), mode="L")
    cleaned.info["dpi"] = (dpi, dpi)
    return cleaned


def flatten_background(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Divide the image by its local background (the lightest grey within about 1/10 inch), so a shaded
    header cell or a yellowed page becomes white paper and its text keeps its contrast."""
    reach = 2 * max(2, round(dpi / 20)) + 1
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


class TableTesseract(TesseractOcrEngine):
    """Tesseract, with the orientation of sideways table pages decided from the shape of their text."""

    @staticmethod
    def get_orientation(input_file, options) -> OrientationConfidence:
        guess = TesseractOcrEngine.get_orientation(input_file, options)
        with Image.open(input_file) as image:
            dpi = float((image.info.get("dpi") or (150, 150))[0]) or 150.0
            gray = np.asarray(image.convert("L"))
        if not text_is_sideways(gray, dpi):
            return guess
        # a quarter turn clockwise puts text written bottom-to-top upright; Tesseract tells whether that
        # view is upright (0) or upside down (180), which it judges far better than sideways text
        turned = input_file.with_name(input_file.stem + "_quarter.png")
        Image.fromarray(cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)).save(turned, dpi=(dpi, dpi))
        upright = TesseractOcrEngine.get_orientation(turned, options)
        angle = 90 if upright.angle == 180 else 270
        return OrientationConfidence(angle=angle, confidence=max(upright.confidence, options.rotate_pages_threshold))


@hookimpl
def get_ocr_engine(options):
    return TableTesseract()
