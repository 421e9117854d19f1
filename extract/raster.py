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

    min_horizontal: float = 0.5  # a horizontal rule is at least this long (longer than any word's strokes)
    min_vertical: float = 0.16  # a vertical rule spans at least one text line (cell borders of one row)
    max_thickness: float = 0.04  # thicker than this is a filled band or a picture, not a rule
    bridge: float = 0.03  # gaps (scan noise, a faint stretch) shorter than this are closed along the line
    margin: float = 0.12  # dark edges of the scanned sheet within this of the image border are not rules
    standalone: float = 1.5  # a rule shorter than this counts only when both its ends meet a rule across it
    meet: float = 0.06  # how near (inches) an end must come to the rule it meets


DEFAULT = RuleSettings()


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0. Adaptive, so a grey or unevenly lit scan still gives clean strokes."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 10)


def line_masks(gray: np.ndarray, dpi: float, settings: RuleSettings = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The pixels of horizontal and of vertical rules (255) of a greyscale page image."""
    ink = binarize(gray)
    bridge = max(1, round(settings.bridge * dpi))
    h_len = max(10, round(settings.min_horizontal * dpi))
    v_len = max(10, round(settings.min_vertical * dpi))
    # keep only long straight runs of ink (letters are short), then close the small gaps scan noise
    # leaves along each rule. Closing first would glue the letters of a line of text into a "rule".
    # A rule still a little skewed steps by a pixel every few hundred: thickening the ink by a pixel across
    # the direction first keeps such a rule one straight run.
    across_h = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    across_v = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    horizontal = cv2.morphologyEx(across_h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(across_v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    return horizontal, vertical


def rulings_from_image(gray: np.ndarray, dpi: float, points_per_pixel: float,
                       settings: RuleSettings = DEFAULT) -> list[Ruling]:
    """The rules of a page image as `Ruling`s in PDF points (top-left origin, like pdfplumber's)."""
    horizontal, vertical = line_masks(gray, dpi, settings)
    runs, _ = _runs(horizontal, vertical, dpi, settings)
    return [Ruling(r.x0 * points_per_pixel, r.top * points_per_pixel, r.x1 * points_per_pixel, r.bottom * points_per_pixel)
            for r in _framed([r[0] for r in runs if r[1] == "rule"], settings.standalone * dpi, settings.meet * dpi)]


def _runs(horizontal: np.ndarray, vertical: np.ndarray, dpi: float, settings: RuleSettings) -> tuple[list, list[int]]:
    """Each straight run of ink of the two masks: (its `Ruling`, in pixels; 'rule', or 'thick' for a filled
    band or picture, or 'margin' for the dark edge of the scanned sheet; which mask, 0 or 1; its label in
    that mask's connected components; its box x, y, w, h), and how many components each mask has. The label images are not
    kept: at 300 dpi each is 35 MB (`erase_rules` labels one mask at a time again)."""
    height, width = horizontal.shape
    thick = settings.max_thickness * dpi
    margin = settings.margin * dpi
    out, counts = [], []
    for which, (mask, is_h) in enumerate(((horizontal, True), (vertical, False))):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        counts.append(n)
        for label in range(1, n):
            x, y, w, h, area = stats[label]
            # thickness is ink per unit of length: a long rule still skewed a little has a taller box than that
            across = area / (w if is_h else h)
            if is_h:
                yc = y + h / 2
                ruling, edge = Ruling(float(x), yc, float(x + w), yc), yc < margin or yc > height - margin
            else:
                xc = x + w / 2
                ruling, edge = Ruling(xc, float(y), xc, float(y + h)), xc < margin or xc > width - margin
            kind = "thick" if across > thick else "margin" if edge else "rule"
            out.append((ruling, kind, which, label, (int(x), int(y), int(w), int(h))))
    return out, counts


def _framed(rulings: list[Ruling], standalone: float, meet: float) -> list[Ruling]:
    """Short rules that do not end on a rule across them are dropped: the bottoms of a line of serif capitals
    or an underlined word look like a rule, but a cell border always runs from one border to another."""
    hs = [r for r in rulings if r.horizontal]
    vs = [r for r in rulings if not r.horizontal]

    def meets(x: float, y: float, across: list[Ruling], horizontal: bool) -> bool:
        if horizontal:  # an end (x, y) of a horizontal rule on a vertical one
            return any(abs(v.x0 - x) <= meet and v.top - meet <= y <= v.bottom + meet for v in across)
        return any(abs(h.top - y) <= meet and h.x0 - meet <= x <= h.x1 + meet for h in across)

    kept = [h for h in hs if h.x1 - h.x0 >= standalone
            or (meets(h.x0, h.top, vs, True) and meets(h.x1, h.top, vs, True))]
    kept += [v for v in vs if v.bottom - v.top >= standalone
             or (meets(v.x0, v.top, hs, False) and meets(v.x0, v.bottom, hs, False))]
    return kept


def erase_rules(gray: np.ndarray, dpi: float, settings: RuleSettings = DEFAULT) -> np.ndarray:
    """A copy of the image with its rules painted white (for OCR only: never the page people see). A short
    run of ink that rule finding does not take for a rule (`_framed`: it meets no rule at its ends) and that
    glyphs touch along most of its length is left: it is the tops or feet of a line of digits or capitals run
    together at a coarse scan (the upper half of '9.396.542.012,00' was erased on the 150-dpi unruled
    fixture, and the amount read 'a 208 kan N12,00'). One apart from the text (an underline) is erased."""
    horizontal, vertical = line_masks(gray, dpi, settings)
    runs, counts = _runs(horizontal, vertical, dpi, settings)
    kept = {id(r) for r in _framed([r[0] for r in runs if r[1] == "rule"], settings.standalone * dpi, settings.meet * dpi)}
    ink = None
    for which, mask in enumerate((horizontal, vertical)):
        loose = [r for r in runs if r[2] == which and r[1] == "rule" and id(r[0]) not in kept]
        if loose and ink is None:
            ink = binarize(gray) > 0
        glued = [label for _, _, _, label, box in loose if _touched(ink, box, which == 0, max(2, round(dpi / 75)))]
        if glued:  # the same mask labels the same way; 16-bit labels when they fit (half the memory)
            _, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_16U if counts[which] < 65536 else cv2.CV_32S)
            mask[np.isin(labels, glued)] = 0
            del labels
    reach = 2 * max(1, round(dpi / 100)) + 1
    mask = cv2.dilate(cv2.bitwise_or(horizontal, vertical), cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    out = gray.copy()
    out[mask > 0] = 255
    return out


GLUED = 0.5  # a loose run is part of the glyphs when ink touches this share of its length on one side


def _touched(ink: np.ndarray, box: tuple[int, int, int, int], horizontal: bool, reach: int) -> bool:
    """Whether ink lies within `reach` pixels on one side of the run in `box` along at least `GLUED` of its
    length (digit tops: 0.69-0.88 on the 150-dpi fixture; an underline under a signature: 0.05-0.12)."""
    x, y, w, h = box
    if horizontal:
        sides = (ink[max(0, y - reach):y, x:x + w].any(axis=0), ink[y + h:y + h + reach, x:x + w].any(axis=0))
    else:
        sides = (ink[y:y + h, max(0, x - reach):x].any(axis=1), ink[y:y + h, x + w:x + w + reach].any(axis=1))
    return any(side.size and side.mean() >= GLUED for side in sides)


def text_is_sideways(gray: np.ndarray, dpi: float) -> bool:
    """True when the lines of text on the page run top to bottom: a landscape table scanned on a portrait
    page. Letters smeared along the reading direction join into long words; smeared across it they do not.
    (Tesseract's own orientation guess is unsure on table pages, below OCRmyPDF's threshold.)"""
    ink = binarize(gray)
    horizontal, vertical = line_masks(gray, dpi)
    ink[(horizontal > 0) | (vertical > 0)] = 0  # rules are no text
    reach = max(3, round(0.04 * dpi))
    along = {}
    for name, kernel in (("rows", (reach, 1)), ("columns", (1, reach))):
        smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
        w, h = stats[1:n, 2], stats[1:n, 3]
        words = (w >= 3 * h) & (h >= 0.03 * dpi) if name == "rows" else (h >= 3 * w) & (w >= 0.03 * dpi)
        along[name] = int(words.sum())
    return along["columns"] > 2 * along["rows"] and along["columns"] >= 20
