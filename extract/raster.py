"""Table rules seen in a page image: the `Ruling`s of a scanned page, and an image with them erased.

A scanned page has no vector paths, so its cell borders are found as pixels: dark runs that stay
straight for much longer than any letter (OpenCV morphology: an opening with a long thin kernel keeps
lines and drops text). They become the same `Ruling` segments `extract.pdf` reads from vector pages,
in PDF points, so grid, stitch and normalize treat a scanned table like a ruled one. The same masks
erase the rules from the image given to the OCR engine, which otherwise reads a border as `|`, `l`
or `1` glued to the cell's text.

The image must be upright and deskewed (OCRmyPDF does that first); this module neither rotates nor OCRs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .model import Ruling


@dataclass(frozen=True)
class RuleSettings:
    """Every tunable of rule finding, in inches so that it holds at any scan resolution."""

    min_horizontal: float = 0.35  # a horizontal rule is at least this long (longer than any word's strokes)
    min_vertical: float = 0.16  # a vertical rule spans at least one text line (cell borders of one row)
    max_thickness: float = 0.04  # thicker than this is a filled band or a picture, not a rule
    bridge: float = 0.03  # gaps (scan noise, a faint stretch) shorter than this are closed along the line
    margin: float = 0.12  # dark edges of the scanned sheet within this of the image border are not rules


DEFAULT = RuleSettings()


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0. Adaptive, so a grey or unevenly lit scan still gives clean strokes."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def line_masks(gray: np.ndarray, dpi: float, settings: RuleSettings = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The pixels of horizontal and of vertical rules (255) of a greyscale page image."""
    ink = binarize(gray)
    bridge = max(1, round(settings.bridge * dpi))
    h_len = max(10, round(settings.min_horizontal * dpi))
    v_len = max(10, round(settings.min_vertical * dpi))
    # keep only long straight runs of ink (letters are short), then close the small gaps scan noise
    # leaves along each rule. Closing first would glue the letters of a line of text into a "rule".
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    return horizontal, vertical


def rulings_from_image(gray: np.ndarray, dpi: float, points_per_pixel: float,
                       settings: RuleSettings = DEFAULT) -> list[Ruling]:
    """The rules of a page image as `Ruling`s in PDF points (top-left origin, like pdfplumber's)."""
    horizontal, vertical = line_masks(gray, dpi, settings)
    height, width = gray.shape
    thick = settings.max_thickness * dpi
    margin = settings.margin * dpi
    out: list[Ruling] = []
    for mask, is_h in ((horizontal, True), (vertical, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:n]:
            across = h if is_h else w
            if across > thick:
                continue
            if is_h and (y + h / 2 < margin or y + h / 2 > height - margin):
                continue
            if not is_h and (x + w / 2 < margin or x + w / 2 > width - margin):
                continue
            if is_h:
                yc = (y + h / 2) * points_per_pixel
                out.append(Ruling(x * points_per_pixel, yc, (x + w) * points_per_pixel, yc))
            else:
                xc = (x + w / 2) * points_per_pixel
                out.append(Ruling(xc, y * points_per_pixel, xc, (y + h) * points_per_pixel))
    return out


def erase_rules(gray: np.ndarray, dpi: float, settings: RuleSettings = DEFAULT) -> np.ndarray:
    """A copy of the image with its rules painted white (for OCR only: never the page people see)."""
    horizontal, vertical = line_masks(gray, dpi, settings)
    # widen the mask by about 1/100 inch each side: the soft grey edge of a scanned rule, left behind,
    # is read as a column of '1', '3' or ':'
    reach = 2 * max(1, round(dpi / 100)) + 1
    mask = cv2.dilate(cv2.bitwise_or(horizontal, vertical), cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    out = gray.copy()
    out[mask > 0] = 255
    return out
