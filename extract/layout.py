"""Page layout: words into lines, running headers and footers, and the blocks that hold tables.

A block is a region of one page that holds (part of) a table: either a ruled region (connected
vertical and horizontal rulings, or a stack of horizontal rules of one width) or a run of
multi-column text lines between prose paragraphs. The lines just above a block are its caption.
This module does not split blocks into cells (`extract.grid`) nor join pages (`extract.stitch`).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .model import Line, Page, Ruling, Word

CAPTION = re.compile(
    r"^\s*\**\s*(tabel|table|lampiran)\b|^\s*T\s*-?\s*C\s*[.\-]?\s*\d{2}\b",
    re.I,
)
# a note printed under a table: its source or a remark, not the rest of its last row
NOTE = re.compile(r"^\s*(sumber|keterangan|catatan|ket\s*[.:]|note|source)\b|^\s*\*", re.I)
PAGE_NUMBER = re.compile(r"^\s*(-\s*)?(hal(aman)?\.?\s*)?([0-9]{1,4}|[ivxlc]{1,6})(\s*-)?\s*$", re.I)


@dataclass
class Block:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[Line]
    ruled: bool
    rulings: list[Ruling] = field(default_factory=list)
    caption_lines: list[Line] = field(default_factory=list)
    context_lines: list[Line] = field(default_factory=list)
    page_width: float = 0.0
    page_height: float = 0.0
    first_on_page: bool = False
    last_on_page: bool = False
    content_top: float = 0.0  # top of the page's first content line (after running headers)
    # words inside the block's box that are in none of its lines nor its caption (see `table_quality`)
    stray: list[Word] = field(default_factory=list)

    @property
    def caption(self) -> str:
        return " ".join(l.text for l in self.caption_lines).strip()


def build_lines(words: list[Word]) -> list[Line]:
    """Group words into lines by vertical centre; each line sorted left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.yc, w.x0)):
        if lines:
            cur = lines[-1]
            yc = statistics.fmean(x.yc for x in cur)
            h = max(x.bottom - x.top for x in cur)
            if abs(w.yc - yc) <= max(1.5, 0.35 * min(h, w.bottom - w.top)):
                cur.append(w)
                continue
        lines.append([w])
    return [Line(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def _norm_running(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def running_texts(pages: list[Page], band: float = 0.11) -> set[str]:
    """Normalised texts of lines repeated near the top or bottom of many pages (running headers/footers)."""
    counts: Counter[str] = Counter()
    for p in pages:
        if not p.words:
            continue
        seen = set()
        # a table header repeated at the top of every page is not a running header
        regions = [(x0, top, x1, bottom) for x0, top, x1, bottom, _ in ruled_regions(p)]
        for line in build_lines(p.words):
            if any(top - 2 <= (line.top + line.bottom) / 2 <= bottom + 2 for _, top, _, bottom in regions):
                continue
            if line.bottom < p.height * band or line.top > p.height * (1 - band):
                seen.add(_norm_running(line.text))
        counts.update(seen)
    n = sum(1 for p in pages if p.words)
    need = max(2, int(0.25 * n))
    return {t for t, c in counts.items() if c >= need and len(t) > 1}


def _is_running(line: Line, page: Page, running: set[str], band: float = 0.11) -> bool:
    in_band = line.bottom < page.height * band or line.top > page.height * (1 - band)
    if in_band and (_norm_running(line.text) in running or PAGE_NUMBER.match(line.text)):
        return True
    # a lone page number can sit higher, under a table that runs into the margin: centred or at the edge
    if line.top > page.height * 0.8 and len(line.words) == 1 and PAGE_NUMBER.match(line.text):
        xc = (line.x0 + line.x1) / 2
        return abs(xc - page.width / 2) < 0.06 * page.width or xc > 0.85 * page.width or xc < 0.15 * page.width
    return False


def _segments(line: Line, gap: float | None = None) -> list[list[Word]]:
    """Split a line where the space between words is much wider than a word space."""
    out: list[list[Word]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:]):
        g = gap if gap is not None else max(4.0, 1.1 * (w.size or (w.bottom - w.top)))
        if w.x0 - prev.x1 > g:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def _aligned_column(lines) -> int:
    """How many two-part lines start their right part at one x (a column of '14 buah', '2 set' beside
    the names of a table whose other columns are empty), that part standing well right of the line's
    start and short. A table of contents (dot leaders) or a list (a bullet, then the text) is no column."""
    starts: dict[int, int] = {}
    for line in lines:
        left, right = _segments(line)
        if "..." in line.text or len(right) > 4 or right[0].x0 - left[0].x0 < 150:
            continue
        if len(right) == 1 and re.fullmatch(r"\d{1,3}|[ivxlc]{1,6}", right[0].text, re.I):
            continue  # a page number: a table of contents without dot leaders
        key = round(right[0].x0 / 6)
        starts[key] = starts.get(key, 0) + 1
    best = max(starts, key=starts.get, default=None)
    return 0 if best is None else starts[best] + starts.get(best - 1, 0) + starts.get(best + 1, 0)


def cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.fmean(c) for c in out]


def ruled_regions(page: Page, tol: float = 2.0) -> list[tuple[float, float, float, float, list[Ruling]]]:
    """Bounding boxes of ruled tables: connected grids of rulings, or stacks of equal-width horizontal rules."""
    rs = [r for r in page.rulings if (r.x1 - r.x0) < page.width * 0.98 or (r.bottom - r.top) < page.height * 0.98]
    n = len(rs)
    if n < 2:
        return []
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(n), key=lambda i: rs[i].top)
    for a_idx, i in enumerate(order):
        a = rs[i]
        for j in order[a_idx + 1:]:
            b = rs[j]
            if b.top > a.bottom + tol:
                break
            if b.x0 <= a.x1 + tol and a.x0 <= b.x1 + tol:
                parent[find(i)] = find(j)
    groups: dict[int, list[Ruling]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(rs[i])
    regions = []
    used: set[int] = set()
    for g in groups.values():
        hs = [r for r in g if r.horizontal]
        vs = [r for r in g if not r.horizontal]
        if len(cluster([r.top for r in hs], tol)) >= 2 and len(cluster([r.x0 for r in vs], tol)) >= 3:
            regions.append((min(r.x0 for r in g), min(r.top for r in g), max(r.x1 for r in g), max(r.bottom for r in g), g))
            used.update(id(r) for r in g)
    # tables ruled with horizontal lines only: several long rules sharing their left and right ends
    loose = [r for r in rs if r.horizontal and id(r) not in used and (r.x1 - r.x0) >= page.width * 0.3]
    by_span: dict[tuple[int, int], list[Ruling]] = {}
    for r in loose:
        by_span.setdefault((round(r.x0 / 6), round(r.x1 / 6)), []).append(r)
    for rules in by_span.values():
        ys = cluster([r.top for r in rules], tol)
        if len(ys) < 3:
            continue
        # split the stack where consecutive rules are far apart (two tables on one page)
        start = 0
        for k in range(1, len(ys) + 1):
            if k == len(ys) or ys[k] - ys[k - 1] > page.height * 0.3:
                if k - start >= 3:
                    sel = [r for r in rules if ys[start] - tol <= r.top <= ys[k - 1] + tol]
                    regions.append((min(r.x0 for r in sel), ys[start], max(r.x1 for r in sel), ys[k - 1], sel))
                start = k
    return regions


def _line_size(line: Line) -> float:
    return statistics.median(w.size or (w.bottom - w.top) for w in line.words)


def _size_jump(line: Line, run: list[Line]) -> bool:
    """A heading after a table is set in a larger font than the table's cells."""
    base = statistics.median(_line_size(l) for l in run[-12:])
    return base > 0 and _line_size(line) > 1.2 * base


def _is_prose(line: Line, content_x0: float, content_x1: float) -> bool:
    width = content_x1 - content_x0
    if width <= 0:
        return False
    segs = _segments(line)
    return len(segs) == 1 and (line.x1 - line.x0) >= 0.55 * width and len(line.words) >= 6


def page_blocks(page: Page, running: set[str]) -> tuple[list[Block], list[Line]]:
    """The table blocks of one page, top to bottom, each with its caption lines; and the caption lines
    left at the foot of the page below the last block (a table whose caption ends a page)."""
    lines = [l for l in build_lines(page.words) if not _is_running(l, page, running)]
    if not lines:
        return [], []
    content_x0 = min(l.x0 for l in lines)
    content_x1 = max(l.x1 for l in lines)
    content_top = min(l.top for l in lines)
    blocks: list[Block] = []
    taken: set[int] = set()
    for x0, top, x1, bottom, rules in ruled_regions(page):
        inside = [
            i for i, l in enumerate(lines)
            if i not in taken and l.top >= top - 2 and l.bottom <= bottom + 2 and l.x0 >= x0 - 4 and l.x1 <= x1 + 4
        ]
        # words of lines that straddle the region edge still belong to the cells they sit in
        part = [
            i for i, l in enumerate(lines)
            if i not in taken and i not in inside and top - 2 <= (l.top + l.bottom) / 2 <= bottom + 2
            and l.x0 < x1 and l.x1 > x0
        ]
        idx = sorted(inside + part)
        if not idx:
            continue
        # a last row drawn without its borders (an open-bottom table) continues right under the last rule;
        # a note under the table does not: it names itself, or runs across the columns' rules
        last = lines[idx[-1]]
        inner = cluster([r.x0 for r in rules if not r.horizontal], 2.0)[1:-1]
        for i in range(idx[-1] + 1, len(lines)):
            line = lines[i]
            h = line.bottom - line.top
            near = line.top - max(bottom, last.bottom) <= max(2.0, 0.6 * h)
            if (i in taken or not near or line.x0 < x0 - 4 or line.x1 > x1 + 4 or CAPTION.match(line.text)
                    or NOTE.match(line.text) or any(w.x0 + 1 < x < w.x1 - 1 for w in line.words for x in inner)):
                break
            idx.append(i)
            last = line
        taken.update(idx)
        lattice = any(not r.horizontal for r in rules)
        for seg in _split_at_prose([lines[i] for i in idx], content_x0, content_x1, prose=not lattice):
            # a stack of horizontal rules can span two tables and the text between them
            s_top, s_bottom = min(l.top for l in seg), max(l.bottom for l in seg)
            s_rules = [r for r in rules if s_top - 6 <= r.top <= s_bottom + 6 or not r.horizontal]
            if len(seg) == len(idx):
                blocks.append(Block(page.number, x0, top, x1, bottom, seg, True, rules))
            else:
                blocks.append(Block(page.number, x0, s_top - 1, x1, s_bottom + 1, seg, True, s_rules))
    # unruled runs of multi-column lines
    run: list[int] = []

    def flush():
        multi = [i for i in run if len(_segments(lines[i])) >= 3]
        aligned = _aligned_column(lines[i] for i in run if len(_segments(lines[i])) == 2)
        # under its caption a one-row table is enough: header lines and a row of three parts or more
        captioned = bool(run) and run[0] > 0 and CAPTION.match(lines[run[0] - 1].text) and len(run) >= 2
        if len(multi) >= 2 or (multi and (aligned >= 3 or captioned)) or aligned >= 4:
            ls = [lines[i] for i in run]
            # trim leading lines above the first multi-column line that look like headings, kept as caption
            blocks.append(Block(page.number, min(l.x0 for l in ls), min(l.top for l in ls), max(l.x1 for l in ls),
                                max(l.bottom for l in ls), ls, False))
        run.clear()

    for i, line in enumerate(lines):
        if i in taken:
            flush()
            continue
        if _is_prose(line, content_x0, content_x1) or CAPTION.match(line.text):
            flush()
            continue
        if run and (line.top - lines[run[-1]].bottom > 3.5 * (line.bottom - line.top)
                    or _size_jump(line, [lines[i] for i in run])):
            flush()
        run.append(i)
    flush()
    blocks.sort(key=lambda b: b.top)
    _trim_unruled_tops(blocks)
    for b in blocks:
        b.page_width, b.page_height, b.content_top = page.width, page.height, content_top
        b.caption_lines, b.context_lines = _caption_above(b, lines, blocks)
    _find_stray(blocks, lines)
    if blocks:
        blocks[0].first_on_page = True
        blocks[-1].last_on_page = True
    floor = blocks[-1].bottom if blocks else -1.0
    tail = [l for l in lines if l.top > floor]
    start = next((k for k, l in enumerate(tail) if CAPTION.match(l.text)), None)
    return blocks, (tail[start:start + 6] if start is not None else [])


def _find_stray(blocks: list[Block], lines: list[Line]) -> None:
    """Words whose centre lies inside a block's box but that no block took as a line and no block took
    as caption or context: a table that drops them has lost them."""
    placed = {id(w) for b in blocks for l in b.lines + b.caption_lines + b.context_lines for w in l.words}
    for b in blocks:
        b.stray = [w for l in lines for w in l.words if id(w) not in placed
                   and b.x0 - 2 <= w.xc <= b.x1 + 2 and b.top - 2 <= w.yc <= b.bottom + 2]


def _split_at_prose(lines: list[Line], content_x0: float, content_x1: float, prose: bool = True) -> list[list[Line]]:
    """Pieces of a ruled region separated by prose, a caption or a heading in a larger font: those lines
    are not table rows."""
    out: list[list[Line]] = [[]]
    base = statistics.median(_line_size(l) for l in lines)
    for l in sorted(lines, key=lambda l: l.top):
        # between vertical rules a long or large line is a merged cell (a label row), not prose or a heading
        if CAPTION.match(l.text) or (prose and (_is_prose(l, content_x0, content_x1) or _line_size(l) > 1.2 * base)):
            if out[-1]:
                out.append([])
            continue
        out[-1].append(l)
    return [seg for seg in out if len(seg) >= 2] or [lines]


def _trim_unruled_tops(blocks: list[Block]) -> None:
    """Single-segment lines at the top of an unruled block that sit far above its table are headings, not rows."""
    for b in blocks:
        if b.ruled:
            continue
        while len(b.lines) > 2 and len(_segments(b.lines[0])) == 1 and b.lines[1].top - b.lines[0].bottom > 6:
            b.lines.pop(0)
        b.top = min(l.top for l in b.lines)


def _caption_above(block: Block, lines: list[Line], blocks: list[Block]) -> tuple[list[Line], list[Line]]:
    """Lines just above the block (up to the previous block or a paragraph gap): caption and title."""
    floor = max((b.bottom for b in blocks if b.bottom <= block.top + 1 and b is not block), default=-1.0)
    above = [l for l in lines if floor < l.top and l.bottom <= block.top + 1 and l not in block.lines]
    above.sort(key=lambda l: l.top)
    caption: list[Line] = []
    y = block.top
    for l in reversed(above):
        h = l.bottom - l.top
        if y - l.bottom > max(30.0, 4 * h) or len(caption) >= 6:
            break
        caption.insert(0, l)
        y = l.top
    # keep from the first caption-like line on; what is above it is context (a sentence or heading)
    start = next((k for k, l in enumerate(caption) if CAPTION.match(l.text)), None)
    context: list[Line] = []
    if start is not None:
        context, caption = caption[:start], caption[start:]
    rest = [l for l in above if l.bottom <= (caption[0].top if caption else block.top) + 1 and l not in context]
    context = (rest[-2:] if not context else context)
    return caption, context
