"""The geometric and tabular objects that flow through extraction.

Coordinates are PDF points in the page's displayed orientation (pdfplumber applies /Rotate),
origin top-left, `top` growing downwards. Nothing here knows about Renja templates: a
`LogicalTable` is a generic header + rows grid; giving it meaning is `normalize`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False
    size: float = 0.0

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    """Words sharing a baseline, left to right."""

    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bold(self) -> bool:
        return sum(len(w.text) for w in self.words if w.bold) * 2 >= sum(len(w.text) for w in self.words)


@dataclass(frozen=True)
class Ruling:
    """A horizontal (y0 == y1) or vertical (x0 == x1) line segment drawn on the page."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.bottom - self.top) <= (self.x1 - self.x0)


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    rulings: list[Ruling]
    rotation: int = 0
    n_chars: int = 0
    image_cover: float = 0.0  # share of the page covered by images (a scan has ~1)


@dataclass
class Cell:
    text: str
    bold: bool = False
    words: list[Word] = field(default_factory=list)


@dataclass
class GridRow:
    """One printed row: a cell per physical column of its table."""

    cells: list[Cell]
    page: int
    top: float
    bottom: float
    flags: set[str] = field(default_factory=set)  # split_row_joined, ...
    location: str = ""  # where an Office file holds the row ('table 7, row 12', 'Sheet TC 27!A12'); '' in a PDF

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def bold(self) -> bool:
        filled = [c for c in self.cells if c.text]
        if not filled:
            return False
        return filled[0].bold or sum(c.bold for c in filled) * 2 >= len(filled)


@dataclass
class HeaderCell:
    """A header cell and the physical columns it spans (first..last inclusive)."""

    text: str
    row: int
    first_col: int
    last_col: int


@dataclass
class LogicalTable:
    """A table as printed, stitched over all its pages, header separated from data rows."""

    page_start: int
    page_end: int
    n_cols: int
    header: list[HeaderCell]
    column_numbers: list[str]  # the printed column-number row per physical column ('' where none)
    rows: list[GridRow]
    caption: str = ""  # caption and title lines printed above the table, as printed
    context: str = ""  # the text just before the caption (a heading or sentence), to help identify untitled tables
    ruled: bool = True
    flags: set[str] = field(default_factory=set)
    # words printed inside the table's frame that are in no cell, header or title (should be none)
    lost_words: list[Word] = field(default_factory=list)

    def header_path(self, col: int) -> str:
        """Every header text above a physical column, top to bottom."""
        parts = [h.text for h in sorted(self.header, key=lambda h: h.row) if h.first_col <= col <= h.last_col and h.text]
        return " / ".join(parts)

    def header_span(self, col: int, row: int | None = None) -> tuple[int, int]:
        """The columns covered by the lowest header cell (or the one on `row`) above `col`."""
        cands = [h for h in self.header if h.first_col <= col <= h.last_col and h.text and (row is None or h.row == row)]
        if not cands:
            return (col, col)
        h = max(cands, key=lambda h: h.row)
        return (h.first_col, h.last_col)


@dataclass
class ExtractedDocument:
    path: str
    n_pages: int
    tables: list[LogicalTable]
    front_text: str  # text of the first pages, for document metadata
    text_pages: int  # pages with a text layer
    scanned_pages: list[int] = field(default_factory=list)  # scanned pages left unread (no OCR)
    analysed_pages: int = 0  # pages that got the full layout analysis (the rest are prose)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose words come from OCR
    ocr_note: str = ""  # why scanned pages were not OCR'd (e.g. Tesseract is not installed)
