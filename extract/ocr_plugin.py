"""An OCRmyPDF plugin that conditions the image Tesseract reads (never the page people see).

Four things make Tesseract read tables better (measured on the scanned fixtures, 150 and 200 dpi):
shaded cells (a grey header row) are turned white; the cell borders are erased (else a border is read as `|`, `l` or `1` glued to the cell's text, and
neighbouring cells become one word); a page scanned below `OCR_DPI` is enlarged to it (Tesseract
reads 7-8 pt table text poorly at 150-200 dpi); and dust and scanner grain, which Tesseract reads as
`.` `:` `'`, are removed: on a coarse scan (150 dpi) by a non-local means filter before enlarging, else
by a 3x3 median filter after enlarging.
The image's DPI is scaled with it, so OCRmyPDF still places the words right on the page.

It also decides which way up a page is when its text runs sideways (a landscape table scanned on a
portrait page): Tesseract's orientation guess on table pages is too unsure to pass OCRmyPDF's threshold
(SK IKU of DPUPR Grobogan p.2: confidence 0.9-3.6, 14 needed), so `raster.text_is_sideways` says
whether the page is turned, and Tesseract only which of the two quarter turns puts it upright.

It also finds the page's table rules (`raster.rulings_from_image`) in the image it is given, which is
the page already turned upright and deskewed, i.e. the frame Tesseract's word boxes are in. They are
written beside the page's hOCR (`NNNNNN_rules.json`, as fractions of the image's width and height), so
nobody has to render the OCR'd page again to find them. The image is reduced to `RULES_DPI` first: rules
need no more, and a 300 dpi page costs four times the memory.

Loaded by `extract.ocr` through OCRmyPDF's `plugins=` argument; runs in OCRmyPDF's page workers, in the
OCR child process (`python -m extract.ocr`), never in an extraction worker.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf.pluginspec import OrientationConfidence
from PIL import Image

from .raster import erase_rules, rulings_from_image, text_is_sideways

OCR_DPI = 300  # pages scanned below this are enlarged to it for Tesseract
MAX_PIXELS = 60_000_000  # never enlarge past this (Tesseract's memory grows with the pixels)
DENOISE = 12.0  # strength of the non-local means filter (grey levels); 8 and 18 read the 150-dpi fixtures worse
DENOISE_BELOW_DPI = 175  # scans coarser than this are denoised by non-local means; finer ones median-filtered
RULES_DPI = 150  # the resolution rules are looked for at
RULES_FILE = "rules.json"  # beside the page's hOCR in OCRmyPDF's work folder: NNNNNN_rules.json


@hookimpl
def filter_ocr_image(page, image: Image.Image) -> Image.Image:
    dpi = float((image.info.get("dpi") or (OCR_DPI, OCR_DPI))[0]) or OCR_DPI
    gray = np.asarray(image.convert("L"))
    write_rules(page.get_path(RULES_FILE), gray, dpi)
    gray = erase_rules(flatten_background(gray, dpi), dpi)
    factor = OCR_DPI / dpi
    fits = factor > 1.05 and gray.size * factor * factor <= MAX_PIXELS
    if fits and dpi < DENOISE_BELOW_DPI:
        # a coarse scan: grain and dust out before enlarging, by non-local means, which keeps the strokes (a
        # median filter after enlarging read 46 of the 77 numbers of the 150-dpi fixtures, this 73, and the
        # unruled T-C.33 is found again). It costs 1-2 CPU-seconds a page at 150 dpi, too much at 300.
        gray = cv2.fastNlMeansDenoising(gray, None, h=DENOISE, templateWindowSize=7, searchWindowSize=21)
        gray = cv2.resize(gray, (round(gray.shape[1] * factor), round(gray.shape[0] * factor)),
                          interpolation=cv2.INTER_CUBIC)
        dpi *= factor
    else:
        if fits:
            gray = cv2.resize(gray, (round(gray.shape[1] * factor), round(gray.shape[0] * factor)),
                              interpolation=cv2.INTER_LANCZOS4)
            dpi *= factor
        gray = cv2.medianBlur(gray, 3)  # after enlarging, so that thin strokes survive it
    cleaned = Image.fromarray(gray, mode="L")
    cleaned.info["dpi"] = (dpi, dpi)
    return cleaned


def write_rules(path, gray: np.ndarray, dpi: float) -> None:
    """The rules of the upright, deskewed page image, as fractions of its width and height (x0, top, x1,
    bottom), into the JSON file `path`."""
    height, width = gray.shape
    if dpi > RULES_DPI * 1.05:
        factor = RULES_DPI / dpi
        gray = cv2.resize(gray, (max(1, round(width * factor)), max(1, round(height * factor))),
                          interpolation=cv2.INTER_AREA)
        dpi = RULES_DPI
    h, w = gray.shape
    # in pixels of the reduced image, 1 point = 1 pixel * 72 / dpi; as a share of the page: / (w or h)
    rules = [(r.x0 * dpi / 72 / w, r.top * dpi / 72 / h, r.x1 * dpi / 72 / w, r.bottom * dpi / 72 / h)
             for r in rulings_from_image(gray, dpi, 72 / dpi)]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"width": w, "height": h, "rules": rules}, fh)


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
