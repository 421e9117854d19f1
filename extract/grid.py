"""Cells of a block: column boundaries, row bands, and the words in each cell.

Ruled blocks take their columns and rows from the rulings (a band between two horizontal rules
is a row; the vertical rules crossing it delimit its cells, so merged header cells keep their
span). Unruled blocks take columns from the vertical white-space rivers of their data lines and
rows from the spacing between lines (the space between rows is wider than the leading inside a
wrapped cell). Both produce `Band`s: a row of cells, each with the physical columns it spans.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .layout import Block, cluster, build_lines
from .model import Cell, Line, Word

COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?(\s*=\s*\(?[\d\s+\-x×/*().]+\)?)?$|^[=()+/x×*\-\d\s.]+$")


@dataclass
class Band:
    """One printed row of a block: cells with their physical column spans."""

    page: int
    top: float
    bottom: float
    spans: list[tuple[int, int]]  # (first_col, last_col) per cell
    cells: list[Cell]
    flags: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells if c.text)

    def as_columns(self, n_cols: int, weights: list[int] | None = None) -> list[Cell]:
        """One cell per physical column. A merged cell's text goes to the column of its span that holds
        text most often in the table (`weights`), so a label merged over kode and uraian lands in uraian."""
        out = [Cell("") for _ in range(n_cols)]
        for (a, z), c in zip(self.spans, self.cells):
            if a >= n_cols:
                continue
            if weights and z > a and c.text:
                a = max(range(a, min(z, n_cols - 1) + 1), key=lambda i: (weights[i], -i))
            out[a] = c if not out[a].text else Cell((out[a].text + " " + c.text).strip(), out[a].bold or c.bold, out[a].words + c.words)
        return out


_HYPHEN_END = re.compile(r"[A-Za-z]-$")


def cell_text(words: list[Word]) -> Cell:
    """Words of one cell, in reading order, lines joined with a space; a word the line broke at its
    hyphen goes on without one ('Perundang-' / 'undangan', 'e-' / 'resource')."""
    if not words:
        return Cell("")
    lines = build_lines(words)
    text = ""
    for line in lines:
        part = line.text
        text += part if _HYPHEN_END.search(text) and part[:1].islower() else " " + part
    text = re.sub(r"\s+", " ", text).strip()
    bold_chars = sum(len(w.text) for w in words if w.bold)
    return Cell(text, bold_chars * 2 >= sum(len(w.text) for w in words), list(words))


# ---------------------------------------------------------------- ruled

def ruled_columns(block: Block, tol: float = 2.0) -> list[float]:
    vs = [r for r in block.rulings if not r.horizontal]
    xs = cluster([r.x0 for r in vs], tol)
    return xs


def ruled_bands(block: Block, xs: list[float], tol: float = 2.0) -> list[Band]:
    hs = [r for r in block.rulings if r.horizontal]
    ys = cluster([r.top for r in hs], tol)
    vs = [r for r in block.rulings if not r.horizontal]
    words = [w for l in block.lines for w in l.words]
    bands: list[Band] = []
    # rows whose text sits below the last rule or above the first (an open-bottom table) still count
    overflow: list[Word] = []
    if words:
        lo, hi = min(w.top for w in words), max(w.bottom for w in words)
        if not ys:
            ys = [lo - 1, hi + 1]  # a piece of a region without horizontal rules of its own
        if lo < ys[0] - 2:
            ys.insert(0, lo - 1)
        below = [w for w in words if w.yc > ys[-1] + 1]
        if below:
            first = min(below, key=lambda w: w.top)
            first_line = " ".join(w.text for w in sorted(below, key=lambda w: w.x0) if abs(w.top - first.top) < 2)
            if data_like(first_line) or first.x0 < xs[0] + 0.15 * (xs[-1] - xs[0]) and first.text[:1].isdigit():
                ys.append(hi + 1)  # a whole row drawn without borders under the last rule
            else:
                overflow = below  # text of the last row running past its bottom rule
    for y0, y1 in zip(ys, ys[1:]):
        if y1 - y0 < 3:
            continue
        inband = [w for w in words if y0 - 1 <= w.yc <= y1 + 1]
        if not inband:
            continue
        taken = set(inband)  # built once: inside the comprehension it was rebuilt for every word
        words = [w for w in words if w not in taken]
        # boundaries: verticals crossing this band (at its middle)
        mid = (y0 + y1) / 2
        cross = [x for x in xs if any(abs(r.x0 - x) <= tol and r.top <= mid <= r.bottom for r in vs)]
        if len(cross) < 2:
            # no rule crosses this band (a row drawn without borders): use every column of the table
            cross = list(xs) if len(xs) >= 2 else [min(w.x0 for w in inband) - 1, max(w.x1 for w in inband) + 1]
        bands.append(_cells_band(block.page, y0, y1, inband, cross, xs))
    _join_vertical_merges(bands, hs, xs, ys, tol)
    if overflow and bands:
        last = bands[-1]
        for w in overflow:
            k = next((i for i, (a, z) in enumerate(last.spans) if xs[a] - 1 <= w.xc < xs[min(z + 1, len(xs) - 1)] + 1), None)
            if k is not None:
                last.cells[k] = cell_text(last.cells[k].words + [w])
    return bands


def _join_vertical_merges(bands: list[Band], hs: list, xs: list[float], ys: list[float], tol: float) -> None:
    """A cell merged over several rows (rowspan) has no rule under its first row: its text, wherever the
    export placed it (centred, at the bottom, or over two bands), belongs to the merge's first row, as in
    the Word or Excel source. A band whose top has no rule at all (a row drawn without borders) is no merge,
    and neither is a column whose cells merely lack their rules (Excel draws a column without borders):
    there each row prints its own text, apart from the next row's, where a merged cell prints one block."""
    ruled_ys = [y for y in ys if any(abs(r.top - y) <= tol for r in hs)]
    runs: dict[tuple[int, int], list[tuple[Band, int]]] = {}  # cell span -> the cells of its open run
    merges: list[list[tuple[Band, int]]] = []
    for band in bands:
        ruled_top = any(abs(band.top - y) <= tol for y in ruled_ys)
        mine: dict[tuple[int, int], list[tuple[Band, int]]] = {}
        for k, span in enumerate(band.spans):
            a, z = span
            x0, x1 = xs[a], xs[min(z + 1, len(xs) - 1)]
            run = runs.get(span)
            if run is not None and ruled_top and not _rule_covers(hs, band.top, x0, x1, tol):
                run.append((band, k))
                mine[span] = run
            else:
                mine[span] = [(band, k)]
                merges.append(mine[span])
        runs = mine
    leading = _cell_leading(bands)
    for run in merges:
        texts = [(band, k) for band, k in run if band.cells[k].words]
        if len(run) < 2 or not texts or not _one_block([band.cells[k].words for band, k in texts], leading):
            continue
        (first, j), words = run[0], [w for band, k in texts for w in band.cells[k].words]
        for band, k in texts:
            band.cells[k] = Cell("")
        first.cells[j] = cell_text(words)


def _one_block(pieces: list[list[Word]], leading: float = 0.0) -> bool:
    """Do the texts of consecutive bands form one paragraph (lines at their own leading, not a row apart)?
    `leading` is the gap between the lines of the table's own wrapped cells: a document set at 1.5 or
    double spacing wraps its cells that far apart, and a merged cell's lines no further."""
    for upper, lower in zip(pieces, pieces[1:]):
        bottom = max(w.bottom for w in upper)
        top = min(w.top for w in lower)
        height = min(w.bottom - w.top for w in upper + lower)
        if top - bottom > max(0.6 * height, 1.2 * leading):
            return False
    return True


def _cell_leading(bands: list[Band]) -> float:
    """The median gap between consecutive lines inside one cell, over the table's wrapped cells (0 when
    no cell wraps)."""
    gaps = []
    for band in bands:
        for cell in band.cells:
            lines = _line_spans(cell.words)
            gaps += [lower[0] - upper[1] for upper, lower in zip(lines, lines[1:])]
    return statistics.median(gaps) if gaps else 0.0


def _line_spans(words: list[Word]) -> list[tuple[float, float]]:
    """(top, bottom) of each text line of `words`, top to bottom."""
    lines: list[list[float]] = []
    for w in sorted(words, key=lambda w: w.top):
        if lines and w.top < lines[-1][1] - 0.5 * (w.bottom - w.top):
            lines[-1][1] = max(lines[-1][1], w.bottom)
        else:
            lines.append([w.top, w.bottom])
    return [(a, b) for a, b in lines]


def _rule_covers(hs: list, y: float, x0: float, x1: float, tol: float) -> bool:
    """Is the cell [x0, x1] closed at `y` by horizontal rules (over most of its width)?"""
    covered = sum(max(0.0, min(r.x1, x1) - max(r.x0, x0)) for r in hs if abs(r.top - y) <= tol)
    return covered >= 0.5 * (x1 - x0)


def _cells_band(page: int, y0: float, y1: float, inband: list[Word], cross: list[float], xs: list[float]) -> Band:
    spans, cells = [], []
    for a, b in zip(cross, cross[1:]):
        first = _col_index(xs, a)
        last = _col_index(xs, b) - 1
        if last < first:
            continue
        spans.append((first, last))
        # a word belongs to the cell its centre is in: a digit set against the rule ('2 telepon' at a
        # border, in a 3-point font) is no word of the cell before
        lo = a - 1 if a == cross[0] else a
        hi = b + 1 if b == cross[-1] else b
        cells.append(cell_text([w for w in inband if lo <= w.xc < hi]))
    # words outside the outer verticals (text overflowing the table) go to the nearest edge cell
    for w in inband:
        if cells and (w.xc < cross[0] - 1 or w.xc >= cross[-1] + 1):
            k = 0 if w.xc < cross[0] else len(cells) - 1
            cells[k] = cell_text(cells[k].words + [w])
    return Band(page, y0, y1, spans, cells)


def _col_index(xs: list[float], x: float) -> int:
    return min(range(len(xs)), key=lambda i: abs(xs[i] - x))


def split_stacked(band: Band) -> list[Band]:
    """Rows an export stacked in one ruled row (no rule between them): when one cell holds two values
    or more on separate lines, each line with a value there starts a row of its own; lines above the
    first value (a heading: 'Belanja Langsung') are a row, lines below a value carry on its row."""
    words = [(k, w) for k, c in enumerate(band.cells) for w in c.words]
    if len(words) < 4:
        return [band]
    tops: list[float] = []
    for _, w in sorted(words, key=lambda kw: kw[1].top):
        if not tops or w.top - tops[-1] > 0.5 * (w.bottom - w.top):
            tops.append(w.top)

    def line_of(w: Word) -> int:
        return max(i for i, t in enumerate(tops) if w.top >= t - 0.5 * (w.bottom - w.top))

    per_col: dict[int, list[tuple[int, str]]] = {}
    for k, w in sorted(words, key=lambda kw: (kw[1].top, kw[1].x0)):
        per_col.setdefault(k, []).append((line_of(w), w.text))
    groups = _stacked_groups(per_col, len(tops))
    if not groups:
        return [band]
    out = []
    for first, end in groups:
        mine = [(k, w) for k, w in words if first <= line_of(w) < end]
        cells = [cell_text([w for k2, w in mine if k2 == k]) for k in range(len(band.cells))]
        out.append(Band(band.page, min(w.top for _, w in mine), max(w.bottom for _, w in mine), list(band.spans), cells,
                        set(band.flags)))
    return out


def _stacked_groups(per_col: dict[int, list[tuple[int, str]]], n_lines: int) -> list[tuple[int, int]]:
    """The rows stacked in one cell, as ranges [first, end) of its `n_lines` lines; [] when it is one row.

    A row starts at each line where the same columns, two or more, each print a whole value, or one
    prints a whole value and another begins a numbered item ('2. Preservasi Arsip Statis'): stacked rows
    show their values side by side on every line (anggaran, realisasi, sisa, %); a number wrapped in a
    narrow cell ('286,1' / '7', or '98,0' / '7' in both halves of a T-C.31) leaves the other columns
    empty, and lists side by side without values (strategi, kebijakan) are one row. Lines above the
    first such line are a row of their own (a heading)."""
    values: dict[int, set[int]] = {}
    items: dict[int, set[int]] = {}
    for col, pieces in per_col.items():
        for line in _value_lines(pieces):
            values.setdefault(line, set()).add(col)
        for line in _item_lines(pieces):
            items.setdefault(line, set()).add(col)
    starts = sorted(line for line, cols in values.items() if len(cols) >= 2 or line in items)
    if len(starts) < 2:
        return _code_groups(per_col, n_lines)
    # the first row may print one value more than the rest, left of theirs (the number of the row they
    # all belong to), when three rows or more show the same columns; two lines that differ are a number
    # wrapped in a narrow cell ('100.0' / '0')
    core = values[starts[1]]
    extra = values[starts[0]] - core
    if (any(values[line] != core for line in starts[1:]) or not core <= values[starts[0]]
            or extra and (len(starts) < 3 or len(extra) > 1 or max(extra) > min(core))):
        return _code_groups(per_col, n_lines)
    codes = _code_starts(per_col)
    # rows without values of their own between them ('-' targets) still open on their code
    return _ranges(codes if set(starts) <= set(codes) else starts, n_lines)


def _ranges(starts: list[int], n_lines: int) -> list[tuple[int, int]]:
    firsts = ([0] if starts[0] > 0 else []) + starts
    return list(zip(firsts, firsts[1:] + [n_lines]))


_CODE_LINE = re.compile(r"^\d{1,2}(\.\d{1,2}){2,}(\.\d{1,4})?$")


def _code_groups(per_col: dict[int, list[tuple[int, str]]], n_lines: int) -> list[tuple[int, int]]:
    """Rows stacked without values to tell them by (targets in words, '-'): a code column that opens
    two lines or more with a code of its own ('1.24.01.02.01', '1.24.01.02.03') starts a row at each."""
    starts = _code_starts(per_col)
    return _ranges(starts, n_lines) if starts else []


def _code_starts(per_col: dict[int, list[tuple[int, str]]]) -> list[int]:
    """The lines of the column that holds codes only, two or more, each line opening with one."""
    best: list[int] = []
    for pieces in per_col.values():
        first: dict[int, str] = {}
        for line, text in pieces:
            first.setdefault(line, text)
        lines = sorted(line for line, text in first.items() if _CODE_LINE.match(text))
        if len(lines) >= 2 and len(lines) == len(first) and len(lines) > len(best):
            best = lines
    return best


_ITEM_MARK = re.compile(r"^(\d{1,2}|[a-z])[.)]$|" + _CODE_LINE.pattern)


def _item_lines(pieces: list[tuple[int, str]]) -> set[int]:
    """The lines of one cell that begin a numbered item ('1.', '2)', 'b.' before its text) or a code
    ('1.24.01.01.01')."""
    first: dict[int, str] = {}
    for line, text in pieces:
        first.setdefault(line, text)
    return {line for line, text in first.items() if _ITEM_MARK.match(text)}


def _value_lines(pieces: list[tuple[int, str]]) -> set[int]:
    """The lines of one cell that hold a whole value of their own: not the rest of a number wrapped from
    the line above ('98,' / '7'), nor a number a wrapped word carries ('Minimal' / '80%')."""
    lines: dict[int, list[str]] = {}
    for line, text in pieces:
        lines.setdefault(line, []).append(text)
    out, previous = set(), None
    for line in sorted(lines):
        texts = lines[line]
        alone = len(texts) == 1 and _COMPLETE.match(texts[0]) and texts[0] != "-"
        carried = previous is not None and not _COMPLETE.match(previous)
        if alone and not carried:
            out.add(line)
        previous = texts[-1]
    return out


# a value printed whole: '1.569.000.000,-', '1,237,973,000', '95,5%', '98,7', '12', '(77,30%)'; not '98,' or '10.000.000,'
# cut by a wrap
_COMPLETE = re.compile(r"^\(?(?:\d{1,3}(?:\.\d{3})*(?:,\d+)?(?:,-|-)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)\s?%?\)?$")


def needs_line_rows(block: Block, bands: list[Band]) -> bool:
    """A ruled block without inner horizontal rules has rows that only line spacing separates."""
    n_lines = len(block.lines)
    return len(bands) <= 2 and n_lines >= 6


# ---------------------------------------------------------------- unruled

def header_zone(lines: list[Line]) -> int:
    """How many leading lines form the header: through the column-number row when printed, else
    up to the first line that carries data (a number, a code, or a row of values)."""
    for i, l in enumerate(lines[:18]):
        if is_column_number_line(l):
            return i + 1
    # without a column-number row, a row made only of years (2019 2020 ... under 'Tahun ke-') ends the header
    years = [i for i, l in enumerate(lines[:12]) if is_year_line(l)]
    if years:
        return years[-1] + 1
    for i, l in enumerate(lines[:12]):
        if data_like(l.text):
            return min(i, _rows_from(lines, i))
    # no line carries figures: a bold first line over plain ones ('No  Jenis  Jumlah  Ket') is the header
    bold = [all(w.bold for w in l.words) for l in lines[:12]]
    if bold and bold[0] and not all(bold):
        return bold.index(False)
    return 0


def _rows_from(lines: list[Line], end: int) -> int:
    """Where the rows begin among the `end` lines above the first line with figures: lines of one header
    cell follow each other at the leading of wrapped text (or overlap, cells set side by side), while
    rows of text without figures (a page of sub-kegiatan under a repeated header) stand a row's margin
    apart. Without wrapped text in the block the spacing tells nothing, and all `end` lines stay header."""
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:])]
    leading = min((g for g in gaps if g > 0), default=None)
    if leading is None:
        return end
    tight = max(1.3 * leading, leading + 1.0)
    return next((i + 1 for i, g in enumerate(gaps[: end - 1]) if g > tight), end)


def is_column_number_line(line: Line) -> bool:
    return column_numbers([w.text for w in line.words])


def column_numbers(texts: list[str]) -> bool:
    """Do `texts` number a table's columns ('1 2 3 4', '(1) (2)', '8=(7/6)'): three or more, rising from 1
    or 2, of one or two digits each? A row of years or amounts ('1.', '2008', '22.522') is data."""
    if len(texts) < 3 or not all(COLUMN_NUMBER.match(t) for t in texts):
        return False
    if any(len(d) > 2 for t in texts for d in re.findall(r"\d+", t)):
        return False
    nums = [int(m.group(1)) for t in texts for m in [re.match(r"^\(?(\d{1,2})", t)] if m]
    return len(nums) >= 3 and nums[0] <= 2 and sum(1 for a, b in zip(nums, nums[1:]) if b > a) >= len(nums) * 0.6


YEAR_WORD = re.compile(r"\(?(19|20)\d\d\)?|ke-?\d")


def is_year_line(line: Line) -> bool:
    """A header line made only of years or 'ke-n' (under 'Tahun ke-'), three or more."""
    return len(line.words) >= 3 and all(YEAR_WORD.fullmatch(w.text) for w in line.words)


_MONEY = re.compile(r"\d{1,3}([.,]\d{3}){1,}")
DATA_TOKEN = re.compile(r"^\d+([.,]\d+)*%?$|^\d+[.,]\d+")


def data_like(text: str) -> bool:
    if _MONEY.search(text):
        return True
    toks = text.split()
    nums = [t for t in toks if DATA_TOKEN.match(t) and not re.fullmatch(r"(19|20)\d\d", t)]
    return len(nums) >= 2


def text_columns(lines: list[Line], x0: float, x1: float, min_gap: float = 2.0) -> list[float]:
    """Column boundaries from white-space rivers: x intervals that (almost) no word of the data lines
    covers. A word or two overflowing its cell on a long table must not close a river, so an interval
    counts as white when at most 1% of the lines cross it."""
    spans = [span for l in lines for span in _phrases(l)]
    bounds = [float(x0) - 0.5]
    if spans:
        allowed = int(0.01 * len(lines))
        events = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
        depth, start = 0, None
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
        for x, step in events:
            before = depth
            depth += step
            if before > allowed >= depth and first < x < last:
                start = x
            elif before <= allowed < depth and start is not None:
                if x - start >= min_gap:
                    bounds.append((start + x) / 2)
                start = None
    bounds.append(float(x1) + 0.5)
    return _currency_joined(bounds, lines)


_CURRENCY = re.compile(r"^Rp\.?$", re.I)


def _currency_joined(bounds: list[float], lines: list[Line]) -> list[float]:
    """A column that prints only the currency ('Rp.' tab-aligned apart from '4.325.170.000') is part of
    the amounts' cell on its right: one cell, as in the source, not a column of its own."""
    words = [w for l in lines for w in l.words]
    out = list(bounds)
    k = 1
    while k < len(out) - 1:
        left = [w for w in words if out[k - 1] <= w.xc < out[k]]
        right = [w for w in words if out[k] <= w.xc < out[k + 1]]
        amounts = sum(1 for w in right if re.fullmatch(r"[\d.,]*\d[\d.,]*(,-)?", w.text))
        if left and right and all(_CURRENCY.match(w.text) for w in left) and amounts >= 0.6 * len(right):
            del out[k]
        else:
            k += 1
    return out


def _phrases(line: Line) -> list[tuple[float, float]]:
    """The x extents of the line's runs of words one space apart: the space between two words of a cell
    is no river (a table of a few rows has few lines to close it), a column gap is wider than a space."""
    out: list[tuple[float, float]] = []
    for w in sorted(line.words, key=lambda w: w.x0):
        space = 0.35 * (w.size or (w.bottom - w.top))
        if out and w.x0 - out[-1][1] < space:
            out[-1] = (out[-1][0], max(out[-1][1], w.x1))
        else:
            out.append((w.x0, w.x1))
    return out


def add_header_anchors(bounds: list[float], numbers: Line | None, data: list[Line] | None = None) -> list[float]:
    """Split a text column that holds two printed column numbers (its data columns are empty), or whose
    one number stands clear of all its data (an empty column beside a filled one)."""
    if numbers is None:
        return bounds
    out = list(bounds)
    spans = [(a, b) for _, a, b in number_tokens(numbers)]
    toks = [(a + b) / 2 for a, b in spans]
    words = [w for l in data or [] for w in l.words]
    for i in range(len(bounds) - 1):
        left, right = bounds[i], bounds[i + 1]
        inside = [c for c in toks if left <= c < right]
        if len(inside) == 1 and words:
            c = inside[0]
            n0, n1 = spans[toks.index(c)]
            mine = [w for w in words if left <= w.xc < right]
            if mine:
                # the whole number, not only its centre, must stand clear: a wide '11=(10/4)' centred over
                # a narrow column of right-aligned values overlaps them and is no empty column of its own
                d0, d1 = min(w.x0 for w in mine), max(w.x1 for w in mine)
                if n1 < d0 - 6 and c < d0 - 3:
                    out.append(min(2 * c - left, d0 - 1) if 2 * c - left > c else (c + d0) / 2)
                elif n0 > d1 + 6 and c > d1 + 3:
                    out.append(max(2 * c - right, d1 + 1) if 2 * c - right < c else (c + d1) / 2)
            continue
        if len(inside) < 2:
            continue
        # each number is printed centred in its column: walk from both edges and average
        from_left, edge = [], left
        for c in inside[:-1]:
            edge = max(edge + 1, 2 * c - edge)
            from_left.append(edge)
        from_right, edge = [], right
        for c in reversed(inside[1:]):
            edge = min(edge - 1, 2 * c - edge)
            from_right.insert(0, edge)
        for k, (a, b) in enumerate(zip(from_left, from_right)):
            lo, hi = inside[k], inside[k + 1]
            x = (a + b) / 2
            out.append(min(max(x, lo + 1), hi - 1))
    return sorted(out)


def add_year_anchors(bounds: list[float], head: list[Line], data: list[Line]) -> list[float]:
    """Split a text column under two years or more of the header's last line ('2019 2020 ... 2023'): a
    year column empty on every row leaves no river of its own. A header cell standing beside the years,
    over none of them ('Rata-rata pertumbuhan'), anchors a column too. The cut goes half-way between two
    anchors, or, when a value crosses that point, through the nearest white space between them."""
    years = [(w.x0, w.x1) for w in head[-1].words]
    over_years = [p for l in head[:-1] for p in _phrases(l)]
    anchors = years + [p for p in over_years
                       if not any(p[0] < y1 and y0 < p[1] for y0, y1 in years)
                       and not any(q[0] < p[1] and p[0] < q[1] and any(q[0] < y1 and y0 < q[1] for y0, y1 in years)
                                   for q in over_years)]
    merged: list[list[float]] = []
    for x0, x1 in sorted(anchors):
        if merged and x0 < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    words = [w for l in data for w in l.words]
    # a river's middle may cut a year in two: move that bound clear of the year, when no value is in the way
    bounds = list(bounds)
    for k in range(1, len(bounds) - 1):
        for x0, x1 in merged:
            if x0 < bounds[k] < x1:
                x = x1 + 1 if bounds[k] > (x0 + x1) / 2 else x0 - 1
                if bounds[k - 1] < x < bounds[k + 1] and not any(w.x0 < x < w.x1 for w in words):
                    bounds[k] = x
    out = list(bounds)
    for left, right in zip(bounds, bounds[1:]):
        inside = [(x0, x1) for x0, x1 in merged if left <= (x0 + x1) / 2 < right]
        mine = [w for w in words if left <= w.xc < right]
        for (a0, a1), (b0, b1) in zip(inside, inside[1:]):
            cut = (a1 + b0) / 2
            crossing = [w for w in mine if w.x0 < cut < w.x1]
            if crossing:
                free = [x for w in crossing for x in (w.x0 - 1, w.x1 + 1) if (a0 + a1) / 2 < x < (b0 + b1) / 2
                        and not any(v.x0 < x < v.x1 for v in mine)]
                if not free:
                    continue
                cut = min(free, key=lambda x: abs(x - cut))
            out.append(cut)
    return sorted(out)


def number_tokens(line: Line) -> list[tuple[str, float, float]]:
    """The printed column numbers with their x extents; '8 = (7/6)' printed as several words is one number."""
    tokens, group = [], []

    def close():
        tokens.append(("".join(w.text for w in group), group[0].x0, group[-1].x1))

    for w in line.words:
        if group and (re.match(r"^\(?\d", w.text) and not group[-1].text.endswith(("=", "+", "/", "(")) and w.x0 - group[-1].x1 > 2.5):
            close()
            group = []
        group.append(w)
    if group:
        close()
    return tokens


def line_rows(lines: list[Line], bounds: list[float], numeric_cols: set[int] | None = None,
              rules: list[float] | None = None, unruled: bool = False, numbered: int | None = None) -> list[list[Line]]:
    """Group the lines of a table body into printed rows: at a horizontal rule between two lines
    when the table has them, else by the spacing between lines. In a table with no rules at all
    (`unruled`) whose rows are padded apart, the spacing alone tells the rows. `numbered`: the column of
    row numbers or bullets (`numbered_column` of the whole table's lines), where a word starts a row."""
    if not lines:
        return []
    if rules and len(rules) >= 3:
        return [piece for row in _rows_by_rules(lines, sorted(rules)) for piece in _split_stacked_lines(row, bounds)]
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:])]
    heights = [l.bottom - l.top for l in lines]
    h = statistics.median(heights) if heights else 8.0
    # lines that overlap (a cell centred in its row beside a cell of two lines) have no leading between them
    leading = [g for g in gaps if g > 0] or gaps
    if gaps:
        small = sorted(leading)[: max(1, len(leading) // 4)]
        base = statistics.median(small)
        threshold = max(base + 0.25 * h, base * 1.6)
    else:
        threshold = h
    # rows padded apart (a cell margin between rows, line spacing within them): the spacing alone tells
    # the rows, and a number wrapped to a line of its own ('107.55 7.510,00' / '0') stays in its row.
    # Between the rules of a ruled frame, lines of one cell (a kegiatan each, with its anggaran) are not.
    padded = unruled and sum(g > threshold for g in gaps) >= max(2, len(gaps) // 8)
    if unruled and not padded:
        # a smaller margin: two clusters of spacing (4.7 pt between rows, 2.9 within them) still tell rows
        cut = _spacing_break(gaps)
        if cut is not None:
            threshold, padded = cut, True
    if numbered is None:
        numbered = numbered_column(lines, bounds)
    marked = _marked_lines(lines, bounds)
    if len(marked) >= 3:
        # numbered rows ('7. Dukungan Manajemen dan' / 'Pelaksanaan ...'): the space above a number is the
        # space between rows, so a line set closer than every number is the rest of its row
        above = [gaps[i - 1] for i in marked if i > 0 and gaps[i - 1] > 0]
        if above:
            threshold = max(threshold, 0.9 * min(above))
    # a line set further apart than the leading of wrapped text whose first word would have fitted on the
    # line above was not wrapped there: it starts a row (rows 4.7 pt apart after a wrapped name, 7 pt
    # after a one-line one, wrapped lines 2.9 pt apart)
    wrapped = max(1.3 * min(leading), min(leading) + 1.0) if padded and min(leading) > 0 else None
    right = _column_rights(lines, bounds)
    rows: list[list[Line]] = [[lines[0]]]
    for i, (prev, line, gap) in enumerate(zip(lines, lines[1:], gaps), start=1):
        if gap > threshold or (wrapped is not None and gap > wrapped and _not_wrapped(line, rows[-1], bounds, right)) \
                or (not padded and (_starts_values(line, rows[-1], bounds, numeric_cols) or i in marked
                                               or (numbered is not None
                                                   and any(col_of(w.xc, bounds) == numbered for w in line.words)))):
            rows.append([line])
        else:
            rows[-1].append(line)
    if padded:
        return [piece for row in rows for piece in _split_stacked_lines(row, bounds)]
    return rows


def _column_rights(lines: list[Line], bounds: list[float]) -> dict[int, float]:
    """The right edge of the text of each column: where its longest lines end."""
    right: dict[int, float] = {}
    for l in lines:
        for w in l.words:
            c = col_of(w.xc, bounds)
            right[c] = max(right.get(c, w.x1), w.x1)
    return right


def _not_wrapped(line: Line, row: list[Line], bounds: list[float], right: dict[int, float]) -> bool:
    """Would the first word of each of the line's cells have fitted after the text above it in its column?
    Then no wrap put it on a line of its own. False when no column has text above to tell."""
    told = False
    for c in sorted({col_of(w.xc, bounds) for w in line.words}):
        above = [[w for w in l.words if col_of(w.xc, bounds) == c] for l in row]
        above = [ws for ws in above if ws]
        if not above:
            continue
        last = max(above[-1], key=lambda w: w.x1)
        first = min((w for w in line.words if col_of(w.xc, bounds) == c), key=lambda w: w.x0)
        space = 0.3 * (first.size or (first.bottom - first.top))
        if last.x1 + space + (first.x1 - first.x0) > right[c] + 0.5:
            return False
        told = True
    return told


_MARKER = re.compile(r"^\(?(\d{1,3}|[a-zA-Z])[.)]$|^\d{1,3}$")


def _marked_lines(lines: list[Line], bounds: list[float]) -> set[int]:
    """The lines that open with a row number or letter ('7.', '12', 'b)') in the first column the lines use."""
    first = min((col_of(l.words[0].xc, bounds) for l in lines if l.words), default=0)
    return {i for i, l in enumerate(lines)
            if l.words and _MARKER.match(l.words[0].text) and col_of(l.words[0].xc, bounds) == first}


def _spacing_break(gaps: list[float]) -> float | None:
    """The spacing between the two clusters of line gaps of a table whose rows are padded apart, or None:
    the widest jump between sorted gaps, at least 1.2 pt and 40 %, with enough gaps above it to be rows."""
    ordered = sorted(gaps)
    best = None
    for lo, hi in zip(ordered, ordered[1:]):
        if lo > 0 and hi - lo >= 1.2 and hi >= 1.4 * lo and (best is None or hi - lo > best[1] - best[0]):
            best = (lo, hi)
    if best is None:
        return None
    cut = (best[0] + best[1]) / 2
    enough = max(2, len(gaps) // 4)
    return cut if sum(g > cut for g in gaps) >= enough and sum(g < cut for g in gaps) >= enough else None


def numbered_column(lines: list[Line], bounds: list[float]) -> int | None:
    """The first column with words, when it holds only short marks ('1', '-', 'a.', '2.1'), a number or
    bullet per row: a word there starts a row (a wrapped name never reaches into it)."""
    per_col: dict[int, list[str]] = {}
    for l in lines:
        for w in l.words:
            per_col.setdefault(col_of(w.xc, bounds), []).append(w.text)
    # the first column used by a quarter of the lines at least: a repeated header's 'No' is not it
    used = [c for c in sorted(per_col) if len(per_col[c]) >= max(2, 0.25 * len(lines))]
    if len(per_col) < 2 or not used:
        return None
    first = per_col[used[0]]
    return used[0] if sum(len(t) <= 4 for t in first) >= 0.95 * len(first) else None


def _split_stacked_lines(row: list[Line], bounds: list[float]) -> list[list[Line]]:
    """`split_stacked` for the lines between two rules of a table whose columns come from white space."""
    per_col: dict[int, list[tuple[int, str]]] = {}
    for i, line in enumerate(row):
        for w in line.words:
            per_col.setdefault(col_of(w.xc, bounds), []).append((i, w.text))
    return [row[a:b] for a, b in _stacked_groups(per_col, len(row))] or [row]


def _rows_by_rules(lines: list[Line], rules: list[float]) -> list[list[Line]]:
    rows: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        if any(prev.bottom - 1 <= y <= line.top + 1 for y in rules):
            rows.append([line])
        else:
            rows[-1].append(line)
    return rows


def col_of(x: float, bounds: list[float]) -> int:
    for i in range(len(bounds) - 1):
        if x < bounds[i + 1]:
            return i
    return len(bounds) - 2


def _starts_values(line: Line, row: list[Line], bounds: list[float], numeric_cols: set[int] | None) -> bool:
    """A line that puts a number into a numeric column the current row already filled starts a new row."""
    if not numeric_cols:
        return False
    used = {col_of(w.xc, bounds) for l in row for w in l.words}
    for w in line.words:
        c = col_of(w.xc, bounds)
        if c in numeric_cols and c in used and _VALUE.match(w.text):
            above = [x for l in row for x in l.words if col_of(x.xc, bounds) == c]
            if above and _wraps_number(above[-1].text, w.text):
                continue
            return True
    return False


# a value as printed: '1.569.000.000,-', '95,5%', '12', '99.69', '-', or with English separators as a
# spreadsheet prints it ('918,112,500.00'); not the piece of a wrapped code ('2.02.0002', '0008'), whose
# groups are not of three digits or which starts with a zero
_VALUE = re.compile(r"^(?:(?:\d{1,3}(?:\.\d{3})+|[1-9]\d*|0)(?:,\d*)?(?:,-|-)?|\d+\.\d+|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|-)%?$")
_WHOLE_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,\d+)?(?:,-|-)?$|^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _wraps_number(above: str, text: str) -> bool:
    """'790.000.00' over '0,-' is one number a narrow cell wrapped ('790.000.000,-'), not two rows:
    the piece above is not a whole number and the two together are."""
    return not _WHOLE_NUMBER.match(above) and bool(_WHOLE_NUMBER.match(above + text))


def rows_to_bands(rows: list[list[Line]], bounds: list[float], page_of) -> list[Band]:
    n = len(bounds) - 1
    bands = []
    for row in rows:
        per: list[list[Word]] = [[] for _ in range(n)]
        for l in row:
            for w in l.words:
                per[col_of(w.xc, bounds)].append(w)
        bands.append(Band(page_of(row[0]), min(l.top for l in row), max(l.bottom for l in row),
                          [(i, i) for i in range(n)], [cell_text(ws) for ws in per]))
    return bands


def numeric_columns(lines: list[Line], bounds: list[float]) -> set[int]:
    n = len(bounds) - 1
    num = [0] * n
    tot = [0] * n
    for l in lines:
        for w in l.words:
            c = col_of(w.xc, bounds)
            tot[c] += 1
            if re.match(r"^-?[\d.,]+%?$", w.text) and any(ch.isdigit() for ch in w.text):
                num[c] += 1
    return {i for i in range(n) if tot[i] and num[i] / tot[i] >= 0.6}


def header_cells(lines: list[Line], bounds: list[float]) -> list[tuple[str, int, int, float, float]]:
    """Header words grouped into printed cells (words close together), each with the columns it spans,
    its top and its bottom."""
    words = sorted((w for l in lines for w in l.words), key=lambda w: (w.top, w.x0))
    # each year of a last line of years ('2019 2020 ... 2023') is a cell of its own, however close
    years = {id(w) for w in lines[-1].words} if lines and is_year_line(lines[-1]) else set()
    boxes: list[list[Word]] = []
    for w in words:
        placed = False
        for box in boxes if id(w) not in years else ():
            bx0, bx1 = min(v.x0 for v in box), max(v.x1 for v in box)
            bbot = max(v.bottom for v in box)
            h = w.bottom - w.top
            same_line = any(abs(v.yc - w.yc) < 0.5 * h and (0 <= w.x0 - v.x1 <= 1.2 * h) for v in box)
            below = 0 <= w.top - bbot <= 0.9 * h and w.x0 < bx1 + 1 and w.x1 > bx0 - 1 and _same_column(w, box, bounds)
            if same_line or below:
                box.append(w)
                placed = True
                break
        if not placed:
            boxes.append([w])
    out = []
    for box in boxes:
        bx0, bx1 = min(v.x0 for v in box), max(v.x1 for v in box)
        cols = [i for i in range(len(bounds) - 1) if min(bx1, bounds[i + 1]) - max(bx0, bounds[i]) > 0.3 * min(bx1 - bx0, bounds[i + 1] - bounds[i])]
        if not cols:
            cols = [col_of((bx0 + bx1) / 2, bounds)]
        out.append((cell_text(box).text, min(cols), max(cols), min(v.top for v in box), max(v.bottom for v in box)))
    centres = [(min(v.x0 for v in box) + max(v.x1 for v in box)) / 2 for box in boxes]
    return _widen_spanning(out, centres, bounds)


def _widen_spanning(boxes: list[tuple[str, int, int, float, float]], centres: list[float],
                    bounds: list[float]) -> list[tuple[str, int, int, float, float]]:
    """Without rules a spanning header ('Rancangan Awal RKPD') is only as wide as its words: widen it
    over the neighbouring columns whose headers all sit below it. A column two spanning headers of one
    line could both take ('Anggaran pada Tahun ke-' | 'Realisasi Anggaran pada Tahun ke-' over ten
    years) goes to the one whose words are nearer: a spanning header is printed centred over its columns."""
    n = len(bounds) - 1
    wide = []
    for text, a, b, top, bottom in boxes:
        def free(col: int) -> bool:
            over = [x for x in boxes if x[1] <= col <= x[2]]
            return bool(over) and all(x[3] > bottom - 0.5 for x in over)
        below = [x for x in boxes if x[3] > bottom - 0.5 and x[1] >= a and x[2] <= b]
        if below or any(free(c) for c in (a - 1, b + 1) if 0 <= c < n):
            while a - 1 >= 0 and free(a - 1):
                a -= 1
            while b + 1 < n and free(b + 1):
                b += 1
        wide.append([text, a, b, top, bottom])
    for i, box in enumerate(wide):
        for j, other in enumerate(wide):
            if i == j or abs(box[3] - boxes[j][3]) > 0.5 * (box[4] - box[3]) or box[2] < other[1] or other[2] < box[1]:
                continue
            for col in range(max(box[1], other[1]), min(box[2], other[2]) + 1):
                mid = (bounds[col] + bounds[col + 1]) / 2
                if abs(mid - centres[j]) < abs(mid - centres[i]) and not boxes[i][1] <= col <= boxes[i][2]:
                    # the column is the other's: give it up from the side it is on
                    if col <= boxes[i][1]:
                        box[1] = max(box[1], col + 1)
                    else:
                        box[2] = min(box[2], col - 1)
    return [tuple(box) for box in wide]


def _same_column(w: Word, box: list[Word], bounds: list[float]) -> bool:
    return col_of(w.xc, bounds) in {col_of(v.xc, bounds) for v in box} or (
        max(v.x1 for v in box) - min(v.x0 for v in box) > (bounds[-1] - bounds[0]) * 0.08
    )
