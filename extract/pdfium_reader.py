"""Read pages with PDFium (pypdfium2): words, rulings and image cover. The reader on the hot path.

It gives the `Page` the pdfplumber reader gives (`tests/test_pdf_readers.py` holds them against each
other): characters in pdfminer's content order with pdfminer's boxes (across: the advance width from the
font's widths; upwards: from the font's descent to one font size above it), grouped into words by
pdfplumber's `extract_words` rules (`extract.pdf.WORD_RULES`); rulings from the path objects pdfminer
would call lines and rectangles, turned into `Ruling`s by `extract.pdf.rulings_from_shapes`. Coordinates
are those of the displayed page: /Rotate applied, origin at the MediaBox's top-left corner, `top`
growing downwards.

Where PDFium and pdfminer see a page differently, pdfminer is followed: PDFium's generated spaces and line
breaks are ignored, and the spaces it leaves out (a text object holding only a space) are put back.
Where it cannot be followed (PDFium drops a glyph overprinted on itself, the fake bold of some writers),
the words differ; the test names these cases. This module neither checks a file (`extract.pdf`) nor
decides what a ruling is.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import DamagedPdf
from .model import Page, Word
from .pdf import LIGATURES, WORD_RULES, Shape, is_bold, rulings_from_shapes, vertical_extent, Walls

log = logging.getLogger(__name__)


def read_pages(path: Path, pages: list[int] | None = None) -> Iterator[Page]:
    """Yield the pages of `path` (1-based `pages`, default all) with words, rulings and image cover."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as ex:
        raise DamagedPdf(path, f"the PDF cannot be parsed ({ex})") from ex
    try:
        for number in pages if pages is not None else range(1, len(doc) + 1):
            yield _read_one(doc, path, number)
    finally:
        doc.close()


def _read_one(doc: pdfium.PdfDocument, path: Path, number: int) -> Page:
    try:
        page = doc[number - 1]
    except Exception as ex:  # one unreadable page must not lose the rest of the document
        log.warning("%s: page %d cannot be parsed: %s", path, number, ex)
        return Page(number=number, width=0, height=0, words=[], rulings=[])
    try:
        return read_page(page, number)
    except Exception as ex:
        log.warning("%s: page %d cannot be parsed: %s", path, number, ex)
        return Page(number=number, width=0, height=0, words=[], rulings=[])
    finally:
        page.close()


SIDEWAYS_MIN_CHARS = 20  # a page stamp or a sideways margin note is not a table turned on its side


def read_page(page: pdfium.PdfPage, number: int) -> Page:
    """One page of an open document as the `Page` the extractor reads. A page whose text runs mostly
    sideways (a landscape table printed on an upright page without /Rotate) is read turned, as if its
    /Rotate said so: its words are then upright and its rules in their table's frame."""
    frame = Frame.of(page)
    chars, drawn = _read(page, frame)
    sideways = sum(1 for c in chars if not c[6].upright)
    if sideways >= SIDEWAYS_MIN_CHARS and 2 * sideways > len(chars):
        turned = [(frame, chars, drawn)]
        for quarter in (90, 270):
            f = replace(frame, rotation=(frame.rotation + quarter) % 360)
            turned.append((f, *_read(page, f)))
        frame, chars, drawn = max(turned, key=lambda t: sum(1 for c in t[1] if c[6].upright))
    rulings = rulings_from_shapes(drawn.shapes, frame.width)
    area = frame.width * frame.height or 1.0
    cover = sum(max(0.0, min(x1, frame.width) - max(x0, 0.0)) * max(0.0, min(bottom, frame.height) - max(top, 0.0))
                for x0, top, x1, bottom in drawn.images) / area
    return Page(
        number=number,
        width=frame.width,
        height=frame.height,
        words=_words(chars, Walls(rulings)),
        rulings=rulings,
        rotation=frame.rotation,
        n_chars=len(chars),
        image_cover=min(1.0, cover),
    )


def _read(page: pdfium.PdfPage, frame: Frame) -> tuple[list[_Char], _Drawn]:
    """The characters and the objects of `page`, in `frame`."""
    textpage = page.get_textpage()
    try:
        drawn = _Drawn(frame, _address(textpage.raw))
        raw_page = _address(page.raw)
        drawn.walk([_page_object(raw_page, k) for k in range(_page_count_objects(raw_page))], _IDENTITY)
        return _chars(_address(textpage.raw), frame, drawn), drawn
    finally:
        textpage.close()


# --- PDFium calls with plain addresses ------------------------------------------------------------------
#
# pypdfium2's bindings take and return typed pointer objects; building and checking those costs more than
# the call itself when it is made for every character and every path segment. These are the same
# functions of the same library, declared with plain addresses (ints) for pointers.

def _plain(func):
    def plain(t):
        return ctypes.c_void_p if isinstance(t, type) and issubclass(t, (ctypes._Pointer, ctypes.c_char_p)) else t
    address = ctypes.cast(func, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(plain(func.restype), *[plain(t) for t in func.argtypes])(address)


def _address(pointer) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value


_count_chars = _plain(pdfium_c.FPDFText_CountChars)
_get_text = _plain(pdfium_c.FPDFText_GetText)
_get_unicode = _plain(pdfium_c.FPDFText_GetUnicode)
_text_object = _plain(pdfium_c.FPDFText_GetTextObject)
_char_origin = _plain(pdfium_c.FPDFText_GetCharOrigin)
_loose_char_box = _plain(pdfium_c.FPDFText_GetLooseCharBox)
_is_hyphen = _plain(pdfium_c.FPDFText_IsHyphen)
_is_generated = _plain(pdfium_c.FPDFText_IsGenerated)
_unicode_map_error = _plain(pdfium_c.FPDFText_HasUnicodeMapError)
_page_count_objects = _plain(pdfium_c.FPDFPage_CountObjects)
_page_object = _plain(pdfium_c.FPDFPage_GetObject)
_form_count_objects = _plain(pdfium_c.FPDFFormObj_CountObjects)
_form_object = _plain(pdfium_c.FPDFFormObj_GetObject)
_object_type = _plain(pdfium_c.FPDFPageObj_GetType)
_object_matrix = _plain(pdfium_c.FPDFPageObj_GetMatrix)
_object_bounds = _plain(pdfium_c.FPDFPageObj_GetBounds)
_text_font = _plain(pdfium_c.FPDFTextObj_GetFont)
_text_font_size = _plain(pdfium_c.FPDFTextObj_GetFontSize)
_font_name = _plain(pdfium_c.FPDFFont_GetBaseFontName)
_font_embedded = _plain(pdfium_c.FPDFFont_GetIsEmbedded)
_font_descent = _plain(pdfium_c.FPDFFont_GetDescent)
_glyph_width = _plain(pdfium_c.FPDFFont_GetGlyphWidth)
_draw_mode = _plain(pdfium_c.FPDFPath_GetDrawMode)
_count_segments = _plain(pdfium_c.FPDFPath_CountSegments)
_segment = _plain(pdfium_c.FPDFPath_GetPathSegment)
_segment_type = _plain(pdfium_c.FPDFPathSegment_GetType)
_segment_point = _plain(pdfium_c.FPDFPathSegment_GetPoint)
_segment_close = _plain(pdfium_c.FPDFPathSegment_GetClose)

_TEXT, _PATH, _IMAGE, _FORM = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE,
                               pdfium_c.FPDF_PAGEOBJ_FORM)
_MOVETO, _BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO


# --- the displayed page ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Frame:
    """PDF user space (what PDFium reports) to the displayed page: /Rotate applied, origin top-left."""

    rotation: int
    left: float
    bottom: float
    right: float
    top: float

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> Frame:
        # the MediaBox, as pdfplumber uses it; PDFium reads it only when the page itself holds it as an array
        # (not inherited, not an indirect object): else the box PDFium itself uses (MediaBox within CropBox)
        left, bottom, right, top = page.get_mediabox(fallback_ok=False) or page.get_bbox()
        return cls(page.get_rotation() % 360, min(left, right), min(bottom, top), max(left, right), max(bottom, top))

    @property
    def width(self) -> float:
        return self.top - self.bottom if self.rotation in (90, 270) else self.right - self.left

    @property
    def height(self) -> float:
        return self.right - self.left if self.rotation in (90, 270) else self.top - self.bottom

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) on the displayed page of the user-space point (x, y)."""
        r = self.rotation
        if r == 0:
            return x - self.left, self.top - y
        if r == 90:
            return y - self.bottom, x - self.left
        if r == 180:
            return self.right - x, y - self.bottom
        return self.top - y, self.right - x

    def affine(self) -> tuple[float, float, float, float, float, float]:
        """`point` as coefficients (x, top = p*x + q*y + r, s*x + t*y + u), for the loops over characters."""
        r = self.rotation
        if r == 0:
            return 1.0, 0.0, -self.left, 0.0, -1.0, self.top
        if r == 90:
            return 0.0, 1.0, -self.bottom, 1.0, 0.0, -self.left
        if r == 180:
            return -1.0, 0.0, self.right, 0.0, 1.0, -self.bottom
        return 0.0, -1.0, self.top, -1.0, 0.0, self.right

    def linear(self, a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
        """A user-space matrix's linear part (PDF order a b c d) as seen on the displayed page, y upwards
        (the frame pdfminer's `upright` is defined in)."""
        r = self.rotation
        if r == 0:
            return a, b, c, d
        if r == 90:  # x' = y, y' = -x
            return b, -a, d, -c
        if r == 180:
            return -a, -b, -c, -d
        return -b, a, -d, c  # 270: x' = -y, y' = x


# --- what the page draws: text objects, paths, images -------------------------------------------------

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class _Run:
    """What the characters of one text object share."""

    order: int  # the text object's place in the content (form XObjects in place)
    font: int | None  # PDFium's FPDF_FONT (its address)
    fontname: str
    size: float  # pdfminer's: the glyph box's height on the page
    upright: bool
    a: float  # the displayed matrix (y upwards), without the font size: x from text x ...
    b: float  # ... y from text x
    font_size: float  # as set in the content (Tf), in text space
    # pdfminer's glyph box is the box around two corners of the glyph's cell, (0, descent) and (advance,
    # descent + font size) in text space, on the page; these are the parts that do not depend on the glyph
    left: float  # x of the first corner from the origin
    right: float  # x of the second corner from the origin, but for the advance (a * advance)
    low: float  # top (downwards) of the first corner from the baseline
    high: float  # top of the second corner from the baseline, but for the advance (-b * advance)
    widths: dict[int, float]  # advance widths by Unicode value, shared by the page's runs of this font and size
    group: tuple[bool, str, float]  # what pdfplumber groups characters by: (upright, fontname, size)


# (text, x0, x1, top, bottom, baseline, run, run.group)
_Char = tuple[str, float, float, float, float, float, _Run, tuple]


class _Drawn:
    """One walk over the page's objects in content order, form XObjects included: the text objects (for
    the characters' content order and font), the lines and rectangles as pdfminer classifies them, and
    the images' boxes. PDFium's text page leaves out a text object that draws no ink (a space, which Word
    writes as an object of its own, and PDFium replaces by a generated space only where the gap is wide);
    pdfminer keeps those spaces, and they cut words, so each such object is one space in `spaces`."""

    def __init__(self, frame: Frame, textpage: int) -> None:
        self.frame = frame
        self.textpage = textpage
        self.runs: dict[int, _Run] = {}
        self.spaces: list[_Char] = []
        self.shapes: list[Shape] = []
        self.images: list[tuple[float, float, float, float]] = []
        self._widths: dict[tuple[int | None, float], dict[int, float]] = {}
        self._groups: dict[tuple, tuple] = {}  # one tuple per group, so that comparing them is cheap
        self._m = pdfium_c.FS_MATRIX()
        self._box = [ctypes.c_float() for _ in range(4)]

    def walk(self, objects: list[int], parent: _Matrix) -> None:
        m = self._m
        m_address = ctypes.addressof(m)
        for obj in objects:
            kind = _object_type(obj)
            if kind not in (_TEXT, _PATH, _IMAGE, _FORM):
                continue
            _object_matrix(obj, m_address)
            matrix = _concat((m.a, m.b, m.c, m.d, m.e, m.f), parent)
            if kind == _TEXT:
                self._text(obj, matrix)
            elif kind == _PATH:
                self.shapes.extend(_path_shapes(obj, matrix, self.frame))
            elif kind == _IMAGE:
                pts = [self.frame.point(*_apply(matrix, x, y)) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                self.images.append((min(p[0] for p in pts), min(p[1] for p in pts),
                                    max(p[0] for p in pts), max(p[1] for p in pts)))
            else:
                self.walk([_form_object(obj, k) for k in range(_form_count_objects(obj))], matrix)

    def _text(self, obj: int, matrix: _Matrix) -> None:
        run = self._run(obj, matrix)
        self.runs[obj] = run
        left, bottom, right, top = self._box
        _object_bounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
        if right.value - left.value < 1e-3:  # no ink: PDFium's text page skips it; for pdfminer it is a space
            x, baseline = self.frame.point(matrix[4], matrix[5])
            self.spaces.append(_char(" ", x, baseline, _advance(run, 32), run))

    def _run(self, obj: int, matrix: _Matrix) -> _Run:
        font = _text_font(obj)
        fontname = _name(font) if font else ""
        size = ctypes.c_float(0.0)
        _text_font_size(obj, ctypes.byref(size))
        font_size = size.value
        a, b, c, d = self.frame.linear(*matrix[:4])
        upright = a * d > 0 and b * c <= 0  # pdfminer's test
        descent = ctypes.c_float(0.0)
        if fontname in _STANDARD and not _font_embedded(font):
            fontname, units = _STANDARD[fontname]
            descent.value = units * font_size / 1000
        elif font:
            _font_descent(font, font_size, ctypes.byref(descent))
        # pdfminer's size is the height of the glyph box on the page
        height = abs(d) * font_size if upright else math.sqrt(abs(a * d - b * c)) * font_size
        widths = self._widths.setdefault((font, font_size), {})
        group = self._groups.setdefault((upright, fontname, height), (upright, fontname, height))
        low, high = descent.value, descent.value + font_size
        return _Run(len(self.runs), font, fontname, height, upright, a, b, font_size, c * low, c * high, -d * low,
                    -d * high, widths, group)


# pdfminer measures a font that is not embedded and is named like one of the 14 standard fonts (or Word's
# Arial, Times New Roman and Courier New) by the standard font's metrics, whatever the PDF's own descriptor
# says, and names it after the standard font: its name and descent here
_STANDARD = {name: (standard, descent) for names, descent in (
    ((("Helvetica", "Helvetica"), ("Helvetica-Bold", "Helvetica-Bold"), ("Helvetica-Oblique", "Helvetica-Oblique"),
      ("Helvetica-BoldOblique", "Helvetica-BoldOblique"), ("Arial", "Helvetica"), ("Arial,Bold", "Helvetica-Bold"),
      ("Arial,Italic", "Helvetica-Oblique"), ("Arial,BoldItalic", "Helvetica-BoldOblique")), -207),
    ((("Times-Roman", "Times-Roman"), ("Times-Bold", "Times-Bold"), ("Times-Italic", "Times-Italic"),
      ("Times-BoldItalic", "Times-BoldItalic"), ("TimesNewRoman", "Times-Roman"), ("TimesNewRoman,Bold", "Times-Bold"),
      ("TimesNewRoman,Italic", "Times-Italic"), ("TimesNewRoman,BoldItalic", "Times-BoldItalic")), -217),
    ((("Courier", "Courier"), ("Courier-Bold", "Courier-Bold"), ("Courier-Oblique", "Courier-Oblique"),
      ("Courier-BoldOblique", "Courier-BoldOblique"), ("CourierNew", "Courier"), ("CourierNew,Bold", "Courier-Bold"),
      ("CourierNew,Italic", "Courier-Oblique"), ("CourierNew,BoldItalic", "Courier-BoldOblique")), -194),
    ((("Symbol", "Symbol"), ("ZapfDingbats", "ZapfDingbats")), 0),
) for name, standard in names}


def _name(font: int) -> str:
    buf = ctypes.create_string_buffer(256)
    n = _font_name(font, buf, len(buf))
    if n > len(buf):
        buf = ctypes.create_string_buffer(n)
        _font_name(font, buf, len(buf))
    return buf.value.decode("utf-8", "replace")


def _advance(run: _Run, code: int) -> float:
    """The glyph's advance width in text space (from the font's widths), as pdfminer uses it. PDFium takes
    the character's Unicode value and finds its code in the font; 0 when it cannot."""
    width = run.widths.get(code)
    if width is None:
        w = ctypes.c_float(0.0)
        ok = run.font and _glyph_width(run.font, code, run.font_size, ctypes.byref(w))
        width = run.widths[code] = w.value if ok else 0.0
    return width


# --- characters and words ------------------------------------------------------------------------------

def _char(text: str, x: float, baseline: float, advance: float, run: _Run) -> _Char:
    """A character at its origin (x, baseline) with pdfminer's box (see `_Run`)."""
    x0, x1 = x + run.left, x + run.a * advance + run.right
    y0, y1 = baseline + run.low, baseline - run.b * advance + run.high
    return (text, min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1), baseline, run, run.group)


def _chars(textpage: int, frame: Frame, drawn: _Drawn) -> list[_Char]:
    """The characters the page draws, in content order (pdfminer's), with pdfminer's boxes. PDFium's
    generated spaces and line breaks are left out; the spaces it dropped are put back from `drawn`."""
    count = _count_chars(textpage)
    codes = _codes(textpage, count)
    runs = drawn.runs
    ox, oy = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(ox), ctypes.byref(oy)
    p, q, r, s, t, u = frame.affine()
    out: list[_Char] = list(drawn.spaces)
    for i in range(count):
        obj = _text_object(textpage, i)
        run = runs.get(obj) if obj else None
        if run is None:  # a generated space or line break between text objects
            continue
        code = codes[i] if codes else _get_unicode(textpage, i)
        if code >= 0xFFFE or code <= 32:
            text = _odd_char(textpage, i, code)
            if text is None:
                continue
            code = ord(text) if len(text) == 1 else code
        else:
            text = chr(code)
        _char_origin(textpage, i, px, py)
        x, y = ox.value, oy.value
        x, baseline = p * x + q * y + r, s * x + t * y + u
        advance = run.widths.get(code)
        if advance is None:
            advance = _advance(run, code) or _loose_advance(textpage, i, frame, x, run)
        # `_char`, inlined: this runs for every character
        x0, x1 = x + run.left, x + run.a * advance + run.right
        y0, y1 = baseline + run.low, baseline - run.b * advance + run.high
        out.append((text, x0 if x0 < x1 else x1, x1 if x0 < x1 else x0, y0 if y0 < y1 else y1, y1 if y0 < y1 else y0,
                    baseline, run, run.group))
    out.sort(key=_ORDER)  # stable: within a text object, the text page's order
    return out


def _ORDER(c: _Char) -> int:
    return c[6].order


def _codes(textpage: int, count: int) -> list[int] | None:
    """Every character's Unicode value in one call; None when they do not map one to one onto the
    characters (a value beyond 16 bits takes two)."""
    buf = (ctypes.c_ushort * (count + 1))()
    if _get_text(textpage, 0, count, buf) != count + 1:
        return None
    codes = list(buf)
    return None if any(0xD800 <= c < 0xE000 for c in codes) else codes


def _odd_char(textpage: int, index: int, code: int) -> str | None:
    """A space, a control character or PDFium's mark for a hyphen; None for a space PDFium made up (it
    may belong to a text object, when the gap is inside one)."""
    if code == 32:
        return None if _is_generated(textpage, index) else " "
    if _is_hyphen(textpage, index):  # PDFium marks a hyphen that ends a line
        return "-"
    if code < 32 and _unicode_map_error(textpage, index):  # no Unicode known: its code, as pdfminer writes it
        return f"(cid:{code})"
    return chr(code)


def _loose_advance(textpage: int, index: int, frame: Frame, x: float, run: _Run) -> float:
    """The advance of a character whose width the font does not give, from PDFium's loose box."""
    box = pdfium_c.FS_RECTF()
    _loose_char_box(textpage, index, ctypes.addressof(box))
    xa, _ = frame.point(box.left, box.bottom)
    xb, _ = frame.point(box.right, box.top)
    far = xb if abs(xb - x) > abs(xa - x) else xa
    return (far - x) / run.a if run.a else 0.0


def _words(chars: list[_Char], walls: Walls | None = None) -> list[Word]:
    """pdfplumber's `extract_words`: runs of characters sharing upright, font name and size; each run
    cut into lines by `top`, each line sorted left to right and cut where a space stands, the next
    character starts left of the previous one or beyond it by more than x_tolerance, or its top moves by
    more than y_tolerance; and, as a cell of pdfplumber's tables holds the characters inside it, where a
    vertical rule of `walls` stands between two characters. Sideways words are dropped, as the pdfplumber
    reader drops them."""
    x_tol, y_tol = WORD_RULES["x_tolerance"], WORD_RULES["y_tolerance"]
    words: list[Word] = []
    for (upright, _, _), run in itertools.groupby(chars, key=itemgetter(7)):
        if not upright:
            continue
        for line in _lines(list(run), y_tol):
            line.sort(key=_X0)
            current: list[_Char] = []
            for ch in line:
                if ch[0].isspace():
                    if current:
                        words.extend(_word(current))
                    current = []
                elif current and (ch[1] < current[-1][1] or ch[1] > current[-1][2] + x_tol
                                  or abs(ch[3] - current[-1][3]) > y_tol
                                  or walls and _parted(walls, current[-1], ch)):
                    words.extend(_word(current))
                    current = [ch]
                else:
                    current.append(ch)
            if current:
                words.extend(_word(current))
    return words


def _parted(walls: Walls, left: _Char, right: _Char) -> bool:
    return walls.between((left[1] + left[2]) / 2, (right[1] + right[2]) / 2, (left[3] + left[4]) / 2)


def _lines(chars: list[_Char], tolerance: float) -> list[list[_Char]]:
    """pdfplumber's `cluster_objects` on `top`: distinct tops chained while each is within `tolerance` of
    the one before; lines top to bottom, characters in content order."""
    tops = sorted({c[3] for c in chars})
    cluster: dict[float, int] = {}
    k = 0
    previous = None
    for top in tops:
        if previous is not None and top > previous + tolerance:
            k += 1
        cluster[top] = k
        previous = top
    lines: list[list[_Char]] = [[] for _ in range(k + 1)]
    for c in chars:
        lines[cluster[c[3]]].append(c)
    return lines


_X0 = itemgetter(1)


def _word(chars: list[_Char]) -> list[Word]:
    text = "".join([LIGATURES.get(c[0], c[0]) for c in chars])
    if not text.strip():
        return []
    _, x0, x1, top, bottom, baseline, run, _ = zip(*chars)
    top, bottom = vertical_extent(min(top), max(bottom), run[0].size, min(baseline))
    return [Word(text=text, x0=min(x0), x1=max(x1), top=top, bottom=bottom, bold=is_bold(run[0].fontname),
                 size=run[0].size)]


# --- paths ------------------------------------------------------------------------------------------------

def _concat(m: _Matrix, then: _Matrix) -> _Matrix:
    """`m` applied first, then `then` (PDF's row-vector order: m × then)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = then
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


_fill_mode, _stroke = ctypes.c_int(0), ctypes.c_int(0)
_px, _py = ctypes.c_float(), ctypes.c_float()


def _path_shapes(obj: int, matrix: _Matrix, frame: Frame) -> list[Shape]:
    """The lines and rectangles of one path object, in displayed coordinates."""
    _draw_mode(obj, ctypes.byref(_fill_mode), ctypes.byref(_stroke))
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    px, py = ctypes.byref(_px), ctypes.byref(_py)
    # the path's matrix, then the displayed page's, as one affine map
    p, q, r, s, t, u = frame.affine()
    a, b, c, d, e, f = matrix
    a, b, c, d, e, f = p * a + q * b, s * a + t * b, p * c + q * d, s * c + t * d, p * e + q * f + r, s * e + t * f + u
    start = (0.0, 0.0)
    n = _count_segments(obj)
    i = 0
    while i < n:
        seg = _segment(obj, i)
        kind = _segment_type(seg)
        if kind == _BEZIERTO:  # a curve is three points: keep its end
            i = min(i + 2, n - 1)
            seg = _segment(obj, i)
        _segment_point(seg, px, py)
        x, y = _px.value, _py.value
        pt = (a * x + c * y + e, b * x + d * y + f)
        if kind == _MOVETO:
            ops.append("m")
            start = pt
        else:
            ops.append("c" if kind == _BEZIERTO else "l")
        pts.append(pt)
        if _segment_close(seg):
            ops.append("h")
            pts.append(start)
        i += 1
    return _subpath_shapes("".join(ops), pts, bool(_stroke.value), _fill_mode.value != 0)


def _subpath_shapes(shape: str, pts: list[tuple[float, float]], stroke: bool, fill: bool) -> list[Shape]:
    """pdfminer's `paint_path`: each subpath that is one straight segment is a line, each closed four-sided
    axis-aligned subpath a rectangle; anything else (curves, polygons) draws no ruling."""
    out: list[Shape] = []
    for found in re.finditer(r"m[^m]*", shape):
        ops = found.group(0)
        sub = pts[found.start():found.end()]
        if len(ops) > 3 and ops[-2:] == "lh" and sub[-2] == sub[0]:  # a redundant segment back to the start
            ops = ops[:-2] + "h"
            sub = sub[:-2] + sub[-1:]
        if ops in ("ml", "mlh"):
            (x0, y0), (x1, y1) = sub[0], sub[1]
            out.append(Shape("line", min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), stroke, fill))
        elif ops in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = sub
            closed = sub[0] == last
            square = ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                      or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))
            if closed and square:
                out.append(Shape("rect", min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2), stroke, fill))
    return out
