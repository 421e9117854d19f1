"""Logical tables: blocks joined across pages, headers separated, repeated headers and split rows mended.

A block continues the table above it when it opens the next page, carries no caption of its own
(or one that says it continues), and its header, if it prints one, is the same header. Its
repeated header rows are dropped; a first row that holds only the rest of the previous page's
last row (a row split by the page break) is joined to that row with a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from . import grid
from .grid import Band
from .layout import CAPTION, Block
from .model import Cell, GridRow, HeaderCell, Line, LogicalTable, Word

HEADER_WORDS = re.compile(
    r"\b(kode|no\.?|nomor|urusan|bidang|program|kegiatan|indikator|kinerja|target|realisasi|capaian|lokasi|pagu|"
    r"indikatif|kebutuhan|dana|sumber|catatan|keterangan|satuan|tahun|rencana|prakiraan|maju|tingkat|anggaran|"
    r"rasio|uraian|sasaran|tujuan|kondisi|awal|akhir|penanggung|jawab|perangkat|outcome|output|renstra|renja|rkpd|"
    r"rancangan|hasil|analisis|penting|volume|besaran|usulan|nama|nip|jabatan|pangkat|golongan|pendidikan|kriteria|"
    r"(rp\.?))\b",
    re.I,
)
# a header row of years under 'Anggaran pada Tahun ke-' (2019 | 2020 | ...) or 'Tahun ke-1 ... ke-5'
YEAR_CELL = re.compile(r"(tahun\s*)?(ke\s*-?\s*)?\(?(19|20)\d\d\)?|(tahun\s*)?ke\s*-?\s*\d", re.I)
NUMBER_INTRO = re.compile(r"\b(no\.?|nomor|jo|tahun)$", re.I)  # words a number continues: 'PP No.' / '45'
# words a name cannot end on: connectors, and the action nouns that open a program or kegiatan name and
# always take their object ('Program Peningkatan' / 'Pengembangan Sistem Pelaporan ...')
CONNECTOR_END = re.compile(r"\b(dan|di|yang|untuk|pada|kepada|terhadap|atau|serta|dengan|ke|dari|oleh|dalam|bagi|se|"
                           r"antar|melalui|urusan|penunjang|jo|no\.?|nomor|peningkatan|pengembangan|penyediaan|"
                           r"pemeliharaan|penyelenggaraan|pembinaan|pengelolaan|penyusunan|pelaksanaan|pengadaan|"
                           r"pemberdayaan)$|[(,/]$|\w-$", re.I)
# '(sub unit Kebonsari Wetan)', '(Bimtek, ...)': a parenthesis never begins a name, it finishes one
OPENS_REMAINDER = re.compile(r"^\(\s*[A-Za-z]")
_PLACE_SUFFIX = re.compile(r"\(\s*(sub\s*unit\b|kel(urahan\b|\.)|kecamatan\b|desa\b)[^)]*\)\s*$", re.I)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


@dataclass
class _Group:
    blocks: list[Block] = field(default_factory=list)
    header_sig: str = ""


def _header_lines(block: Block) -> list[Line]:
    return block.lines[: grid.header_zone(block.lines)]


def _signature(block: Block) -> str:
    if _is_lattice(block):
        # a ruled block that opens on a row of data prints no header, whatever its first lines say: a
        # wrapped name can put a line above the row's number ('Persentase capaian ...' over '21')
        bands = _title_bands_removed(_ruled_bands(block)[1])[1]
        bands = bands[_carried_over(bands):]
        if not bands or not _looks_header(bands[0]):
            return ""
    text = " ".join(l.text for l in _header_lines(block))
    if len(HEADER_WORDS.findall(text)) < 2:
        return ""
    # a bag of words: the order of lines in a multi-row header depends on vertical centring
    return _bag(text)


def _bag(text: str) -> str:
    return " ".join(sorted(text.lower().split()))


def _similar(a: str, b: str) -> bool:
    if not (a and b):
        return False
    if fuzz.token_sort_ratio(a, b) >= 75:
        return True
    # a repeated header whose tall cells the page break cut short is a subset of the full header
    return fuzz.token_set_ratio(a, b) >= 90 and min(len(a), len(b)) >= 0.5 * max(len(a), len(b))


def group_blocks(blocks: list[Block]) -> list[list[Block]]:
    groups: list[_Group] = []
    for b in blocks:
        sig = _signature(b)
        cur = groups[-1] if groups else None
        if cur is not None and _continues(cur, b, sig):
            cur.blocks.append(b)
            continue
        groups.append(_Group([b], sig))
    return [g.blocks for g in groups]


def _continues(group: _Group, b: Block, sig: str) -> bool:
    prev = group.blocks[-1]
    if b.page != prev.page + 1 or not b.first_on_page or not prev.last_on_page:
        return False
    if b.ruled != prev.ruled:
        return False
    cap = b.caption
    if cap and CAPTION.match(cap) and "lanjut" not in cap.lower():
        # a caption printed again on each page repeats the first page's; one that differs anywhere
        # ('... Sebelum Perubahan' / '... Setelah Perubahan') starts another table
        first_cap, this_cap = _norm(group.blocks[0].caption), _norm(cap)
        if not first_cap or not (first_cap.startswith(this_cap) or this_cap.startswith(first_cap)):
            return False
    lattice = _is_lattice(prev) and _is_lattice(b)
    if lattice and not _same_grid(prev, b):
        return False  # Word and Excel print every page of a table on the same column rules
    if sig and group.header_sig and not _similar(sig, group.header_sig) and not (
            lattice and len(grid.ruled_columns(prev)) == len(grid.ruled_columns(b))
            and fuzz.token_set_ratio(sig, group.header_sig) >= 90):
        # on every one of the same column rules, a header the page break cut to its lower rows repeats it
        # still (a narrower table whose few header words the wide one also prints is another table)
        return False
    if sig and not group.header_sig:
        # only a header's top rows (or nothing but a caption) fit at the foot of the previous page
        header_only = len(group.blocks) == 1 and len(prev.lines) <= 4 and not any(grid.data_like(l.text) for l in prev.lines)
        if not header_only:
            return False
    # the table must open the page: nothing but a caption-less heading may stand above it
    if b.top - b.content_top > 0.25 * b.page_height and not sig:
        return False
    # similar horizontal extent relative to the page
    w_prev = (prev.x1 - prev.x0) / (prev.page_width or 1)
    w_b = (b.x1 - b.x0) / (b.page_width or 1)
    return abs(w_prev - w_b) < 0.2


def _same_grid(a: Block, b: Block, tol: float = 6.0) -> bool:
    """Do two ruled blocks stand on the same column rules: the same outer edges, and most rules of the
    block with fewer of them at a rule of the other (a page may merge cells and hide a rule or two)?"""
    xa, xb = grid.ruled_columns(a), grid.ruled_columns(b)
    scale = (a.page_width / b.page_width) if a.page_width and b.page_width else 1.0
    xb = [x * scale for x in xb]
    if abs(xa[0] - xb[0]) > tol or abs(xa[-1] - xb[-1]) > tol:
        return False
    fewer, more = sorted((xa, xb), key=len)
    hits = sum(1 for x in fewer if any(abs(x - y) <= tol for y in more))
    return hits * 2 >= len(fewer)


# ---------------------------------------------------------------- one logical table


def _is_lattice(block: Block) -> bool:
    """Ruled with vertical rules too; a block ruled with horizontal lines only takes its columns from
    white space."""
    return block.ruled and len(grid.ruled_columns(block)) >= 3


# a row over the whole table that names the group its rows belong to: data, carried down to them (normalize)
_GROUP_LABEL = re.compile(r"^\s*(visi|misi|tujuan|sasaran)\b", re.I)


def _carried_over(bands: list[Band]) -> int:
    """1 when the first band is a few words in a few cells above a header row: the rest of the previous
    page's last row, which an export may print above the header it repeats ('UsahaT' over 'NO | PROGRAM
    / KEGIATAN | ...', 'KUMKM | Air Kotor'); else 0."""
    if len(bands) < 2 or not _looks_header(bands[1]):
        return 0
    filled = [c.text for c in bands[0].cells if c.text]
    return int(0 < len(filled) <= max(1, len(bands[0].cells) // 2) and all(len(t.split()) <= 4 for t in filled)
               and not _looks_header(bands[0]))


def _title_bands_removed(bands: list[Band]) -> tuple[list[str], list[Band]]:
    """Title lines printed inside the table's frame (an Excel sheet's title rows, merged over every
    column, above the header): their bands, and the bands below them."""
    n_cols = max((z for b in bands for _, z in b.spans), default=0) + 1
    k = 0
    while k < len(bands) - 1 and n_cols >= 3:
        filled = [span for span, c in zip(bands[k].spans, bands[k].cells) if c.text]
        if len(filled) != 1 or filled[0][1] - filled[0][0] + 1 < n_cols - 1 or _GROUP_LABEL.match(bands[k].text):
            break
        k += 1
    if k and (_header_count(bands[k:]) or CAPTION.match(bands[0].text)):
        return bands[:k], bands[k:]
    return [], bands


def build_table(blocks: list[Block]) -> LogicalTable | None:
    first = blocks[0]
    lattice = _is_lattice(first)
    printed = [w for b in blocks for l in b.lines for w in l.words] + [w for b in blocks for w in b.stray]
    kept: set[int] = set()  # the words that ended in a title, the header or a row

    def keep(bands: list[Band]) -> None:
        kept.update(id(w) for b in bands for c in b.cells for w in c.words)

    titles: list[Band] = []
    if lattice:
        per_block = [_ruled_bands(b) for b in blocks]
        if per_block[0][1]:
            titles, inner = _title_bands_removed(per_block[0][1])
            per_block[0] = (per_block[0][0], inner)
    else:
        per_block = _unruled_bands(blocks)
    if not per_block or not per_block[0][1]:
        return None
    top_header: list[Band] = []
    if lattice and len(blocks) > 1 and per_block[0][1] and _header_count(per_block[0][1]) >= len(per_block[0][1]):
        # the page break cut the header: its top rows end one page, the rest opens the next
        xs_cut, bands_cut = per_block[0]
        xs_next = per_block[1][0]
        top_header = [_remap_band(b, xs_cut, xs_next) for b in bands_cut]
        blocks, per_block = blocks[1:], per_block[1:]
        per_block[0] = (per_block[0][0], top_header + per_block[0][1])
        for b in top_header:
            b.flags.add("header")
    xs0, bands0 = per_block[0]
    n_cols = len(xs0) - 1
    if n_cols < 2:
        return None
    n_head = _header_count(bands0)
    if top_header:
        n_head = len(top_header) + _header_count(bands0[len(top_header):], top_header[0])
    head_bands = bands0[:n_head]
    keep(titles + head_bands)
    header, numbers = _header_from_bands(head_bands, n_cols)
    if not lattice:
        from_words = blocks_header_cells(blocks, xs0)
        if from_words is not None:
            header, numbers = from_words
    head_keys = {_bag(b.text) for b in head_bands if b.text}
    head_words = {w for b in head_bands for w in b.text.lower().split()} | {w for h in header for w in h.text.lower().split()}
    rows: list[GridRow] = []
    flags: set[str] = set()
    last_page = first.page
    weights = _text_weights([b for _, bands in per_block for b in bands], n_cols)
    for k, (block, (xs, bands)) in enumerate(zip(blocks, per_block)):
        body = bands[n_head:] if k == 0 else bands
        if k > 0:
            # the rest of the previous page's last row printed above the repeated header goes on below it
            carried = [b for b in body[:_carried_over(body)] if not set(b.text.lower().split()) <= head_words]
            body = body[len(carried):]
            # drop a repeated header: leading bands that match the first page's header rows
            while body and (
                _bag(body[0].text) in head_keys
                or any(_similar(_bag(body[0].text), h) for h in head_keys)
                or _is_number_band(body[0])
                or _header_remnant(body[0], head_words)
            ):
                keep(body[:1])
                body = body[1:]
                flags.add("header_removed")
            body = carried + body
        # a header repeated at the foot of a page, its table going on overleaf (a Word export may put it there)
        while len(blocks) > 1 and body and (_bag(body[-1].text) in head_keys or _header_remnant(body[-1], head_words)):
            keep(body[-1:])
            body = body[:-1]
            flags.add("header_removed")
        mapped = [_to_columns(band, xs, xs0, block, first, n_cols, weights) for band in body]
        for j, cells in enumerate(mapped):
            band = body[j]
            if not any(c.text for c in cells):
                continue
            if _is_number_band(band) or (sum(1 for c in cells if c.text) >= 2 and _bag(band.text) in head_keys):
                keep([band])  # the header printed again inside the table (an export's repeated header rows)
                flags.add("header_removed")
                continue
            row = GridRow(cells, band.page, band.top, band.bottom, set(band.flags))
            last_page = band.page
            if k > 0 and j == 0 and rows and band.page > rows[-1].page and _is_fragment(cells, rows[-1], weights):
                _join(rows[-1], cells)
                rows[-1].flags.add("split_row_joined")
                flags.add("split_row_joined")
                continue
            rows.append(row)
    if not rows:
        return None
    kept.update(id(w) for r in rows for c in r.cells for w in c.words)
    return LogicalTable(
        page_start=first.page,
        page_end=last_page,  # a page holding only a repeated header adds no row
        n_cols=n_cols,
        header=header,
        column_numbers=numbers,
        rows=rows,
        caption=" ".join([first.caption] + [b.text for b in titles]).strip(),
        context=" ".join(l.text for l in first.context_lines),
        ruled=lattice,
        flags=flags,
        lost_words=[w for w in printed if id(w) not in kept],
    )


def _remap_band(band: Band, xs_from: list[float], xs_to: list[float]) -> Band:
    """A band of a block cut from its table, expressed in the columns of the table's next block."""
    spans = []
    for a, z in band.spans:
        lo, hi = xs_from[a], xs_from[min(z + 1, len(xs_from) - 1)]
        cols = [i for i in range(len(xs_to) - 1) if xs_to[i] >= lo - 2 and xs_to[i + 1] <= hi + 2]
        spans.append((min(cols), max(cols)) if cols else (grid.col_of((lo + hi) / 2, xs_to),) * 2)
    return Band(band.page, band.top, band.bottom, spans, band.cells, set(band.flags))


def _ruled_bands(block: Block) -> tuple[list[float], list[Band]]:
    xs = grid.ruled_columns(block)
    if len(xs) < 2:
        return xs, []
    bands = [piece for band in grid.ruled_bands(block, xs) for piece in grid.split_stacked(band)]
    if grid.needs_line_rows(block, bands):
        lines = block.lines
        nh = grid.header_zone(lines)
        head = grid.ruled_bands(Block(block.page, block.x0, block.top, block.x1, lines[nh - 1].bottom + 1 if nh else block.top,
                                      lines[:nh], True, block.rulings), xs) if nh else []
        body = lines[nh:]
        num = grid.numeric_columns(body, xs)
        rows = grid.line_rows(body, xs, num)
        bands = head + grid.rows_to_bands(rows, xs, lambda l: block.page)
    return xs, bands


def _unruled_bands(blocks: list[Block]) -> list[tuple[list[float], list[Band]]]:
    first = blocks[0]
    data_lines: list[Line] = []
    heads: list[list[Line]] = []
    first_sig = _signature(first)
    for k, b in enumerate(blocks):
        nh = grid.header_zone(b.lines) if (k == 0 or (first_sig and _similar(_signature(b), first_sig))) else 0
        heads.append(b.lines[:nh])
        data_lines.extend(b.lines[nh:])
    x0 = min(b.x0 for b in blocks)
    x1 = max(b.x1 for b in blocks)
    bounds = grid.text_columns(data_lines, x0, x1)
    numbers_line = next((l for l in heads[0] if grid.is_column_number_line(l)), None)
    if numbers_line is not None:
        bounds = grid.add_header_anchors(bounds, numbers_line, data_lines)
    elif heads[0] and grid.is_year_line(heads[0][-1]):
        bounds = grid.add_year_anchors(bounds, heads[0], data_lines)
    num = grid.numeric_columns(data_lines, bounds)
    numbered = grid.numbered_column(data_lines, bounds)
    out = []
    for b, head in zip(blocks, heads):
        body = b.lines[len(head):]
        rules = [r.top for r in b.rulings if r.horizontal]
        rows = grid.line_rows(body, bounds, num, rules, unruled=not b.rulings, numbered=numbered)
        bands = grid.rows_to_bands(rows, bounds, lambda l, p=b.page: p)
        if head:
            hb = grid.rows_to_bands([[l] for l in head], bounds, lambda l, p=b.page: p)
            bands = hb + bands
            for band in hb:
                band.flags.add("header")
        out.append((bounds, bands))
    # the header count of the first block is the number of its header lines
    first_bands = out[0][1]
    n_head = len(heads[0])
    for band in first_bands[:n_head]:
        band.flags.add("header")
    return out


def blocks_header_cells(blocks: list[Block], bounds: list[float]) -> tuple[list[HeaderCell], list[str]] | None:
    """Header cells of an unruled table from the words of its first block's header lines."""
    head = _header_lines(blocks[0])
    if not head:
        return None
    n = len(bounds) - 1
    numbers = [""] * n
    text_lines = head
    if grid.is_column_number_line(head[-1]):
        text_lines = head[:-1]
        placed = []
        for text, a, b in grid.number_tokens(head[-1]):
            col = grid.col_of((a + b) / 2, bounds)
            numbers[col] += text
            placed.append(((a + b) / 2, col))
        _number_over_pairs(numbers, placed, bounds)
    boxes = grid.header_cells(text_lines, bounds)
    tops = sorted({round(t) for _, _, _, t, _ in boxes})
    header = [HeaderCell(text, tops.index(round(top)), a, b) for text, a, b, top, _ in boxes]
    _spread_numbers(numbers, header)
    return header, numbers


def _number_over_pairs(numbers: list[str], placed: list[tuple[float, int]], bounds: list[float]) -> None:
    """A number printed over a value | satuan pair is centred over both columns, so it lands in one of
    them: give it to the unnumbered neighbour too when it sits nearer the pair's centre than its own."""
    for c, col in placed:
        own = (bounds[col] + bounds[col + 1]) / 2
        for other in (col - 1, col + 1):
            if not 0 <= other < len(numbers) or numbers[other]:
                continue
            lo, hi = min(col, other), max(col, other)
            if abs(c - (bounds[lo] + bounds[hi + 1]) / 2) < abs(c - own):
                numbers[other] = numbers[col]
                break


def _spread_numbers(numbers: list[str], header: list[HeaderCell]) -> None:
    """A sub-column (value | satuan) under one header cell shares that cell's column number."""
    for h in header:
        cols = range(h.first_col, h.last_col + 1)
        have = [numbers[c] for c in cols if numbers[c]]
        if len(have) == 1:
            for c in cols:
                numbers[c] = numbers[c] or have[0]


def _header_count(bands: list[Band], above: Band | None = None) -> int:
    """How many leading bands are header. `above`: the header's first row when the page break left it on
    the page before (its type tells a plain data row from the rest of the header here too)."""
    if bands and "header" in bands[0].flags:
        return sum(1 for b in bands if "header" in b.flags)
    for i, b in enumerate(bands[:8]):
        if _is_number_band(b):
            return i + 1
    n = 0
    for i, b in enumerate(bands[:6]):
        # below the first header row, a band with a single filled cell is a data row (NON URUSAN, a label),
        # and so is one in plain type under a bold header whose cells run to sentences ('Program
        # Penyelenggaraan Urusan Pemerintah Umum' is a row of data that happens to use header words)
        reference = above if above is not None else (bands[0] if i > 0 else None)
        if _looks_header(b) and (i == 0 or sum(1 for c in b.cells if c.text) >= 2) and not (
                reference is not None and _plain_under_bold(b, reference)):
            n += 1
        elif n and _is_index_band(b, bands[:n]):
            n += 1
        elif i == 0 and _bold_labels(b, bands[1:2]):
            n += 1
        else:
            break
    if n and _labels_over_values(bands[n:n + 2]):
        n += 1
    return n


def _labels_over_values(pair: list[Band]) -> bool:
    """A row of short labels right under the header, each over a number in the row below ('Targ et |
    Realis asi | Capai an' over '45 | 100 | 222,22'): the header's lower row, whatever its words (a
    narrow column wraps them apart)."""
    if len(pair) < 2 or len(pair[0].spans) != len(pair[1].spans):
        return False
    labels = [k for k, c in enumerate(pair[0].cells) if c.text]
    return len(labels) >= 2 and all(
        not re.search(r"\d", pair[0].cells[k].text.replace("(Rp)", "")) and len(pair[0].cells[k].text.split()) <= 3
        and grid.DATA_TOKEN.match(pair[1].cells[k].text.split()[0] if pair[1].cells[k].text else "") for k in labels)


def _bold_labels(b: Band, below: list[Band]) -> bool:
    """A first row of bold labels over rows that are not all bold is a header, whatever its words
    ('NAMA | NIP | PANGKAT/RUANG' of a staff list)."""
    filled = [c for c in b.cells if c.text]
    if len(filled) < 2 or not all(c.bold for c in filled) or grid.data_like(b.text):
        return False
    return bool(below) and not all(c.bold for c in below[0].cells if c.text)


def _plain_under_bold(b: Band, first: Band) -> bool:
    filled = [c for c in first.cells if c.text]
    bold_header = filled and all(c.bold for c in filled)
    return bool(bold_header and not any(c.bold for c in b.cells if c.text)
                and any(len(c.text.split()) >= 4 for c in b.cells))


def _is_index_band(b: Band, head: list[Band]) -> bool:
    """The sub-header row under 'Tahun ke-': the year numbers 1 2 3 4 5, once for each group of years
    (target, realisasi, rasio), beside short sub-header words (SPM, IKK, Lainnya); never a data row."""
    if not any(re.search(r"\bke\s*-|\btahun\b", h.text, re.I) for h in head):
        return False
    texts = [c.text.strip() for c in b.cells if c.text.strip()]
    nums = [int(t) for t in texts if re.fullmatch(r"[1-9]|10", t)]
    words = [t for t in texts if not re.fullmatch(r"[1-9]|10", t)]
    if len(nums) < 3 or any(re.search(r"\d", w) or len(w.split()) > 3 for w in words):
        return False
    runs_from_one = all(b == a + 1 or b == 1 for a, b in zip(nums, nums[1:])) and nums[0] == 1
    return runs_from_one and nums.count(1) >= 1


def _header_remnant(b: Band, head_words: set[str]) -> bool:
    """A piece of a repeated header (the page break cut its tall cells): every word is a header word."""
    words = b.text.lower().split()
    return len(words) >= 2 and all(w in head_words for w in words)


# a cell that opens on a program / kegiatan code ('1.03.02 PROGRAM ...', '7.01.02.2.01'): a row of data
_CODE_START = re.compile(r"^\s*'?[0-9X]{1,2}(\.[0-9X]{1,2}){2,}\b")


# a header cell that numbers a period: 'Tahun 1', 'Tahun ke-2', 'Triwulan III', 'TW 4'; or a year with its
# unit: '2016 (Jiwa)', '2019 (Rp)'
PERIOD_CELL = re.compile(r"^(tahun|tw|triwulan|semester|kuartal)\s*(ke\s*)?-?\s*([1-9]|10|[IVX]{1,4})$"
                         r"|^(19|20)\d\d\s*\([^)\d]{1,12}\)$", re.I)
# a cell of data: a numbered list ('1. Pelaksanaan Promosi ...', 'a) ...') or text running to a paragraph
_ITEM_TEXT = re.compile(r"^\s*(\d{1,2}|[a-z])[.)]\s+[A-Za-z]|^\s*(\S+\s+){16}")
LETTER_SPACED = re.compile(r"^(\w\s)+\w$")  # 'N A M A', 'J A B A T A N'


def _looks_header(b: Band) -> bool:
    texts = [c.text for c in b.cells if c.text]
    if not texts:
        return False
    values = [t for t in texts if not PERIOD_CELL.match(t.strip())]
    if grid.data_like(" ".join(values)) or any(_CODE_START.match(t) or _ITEM_TEXT.match(t) for t in texts):
        return False
    texts = [t.replace(" ", "") if LETTER_SPACED.match(t.strip()) else t for t in texts]
    hits = sum(1 for t in texts if HEADER_WORDS.search(t) or YEAR_CELL.fullmatch(t.strip()) or PERIOD_CELL.match(t.strip()))
    return hits * 2 >= len(texts) and hits >= 1


def _is_number_band(b: Band) -> bool:
    texts = [c.text for c in b.cells if c.text]
    # a table of two columns numbers them '1 | 2' (three numbers or more tell a wider table's row)
    if len(b.cells) == 2 and [re.sub(r"\D", "", t) for t in texts] == ["1", "2"]:
        return all(grid.COLUMN_NUMBER.match(t) for t in texts)
    return grid.column_numbers(texts)


def _header_from_bands(bands: list[Band], n_cols: int) -> tuple[list[HeaderCell], list[str]]:
    header: list[HeaderCell] = []
    numbers = [""] * n_cols
    for r, b in enumerate(bands):
        if _is_number_band(b):
            for (a, z), c in zip(b.spans, b.cells):
                for col in range(a, min(z, n_cols - 1) + 1):
                    numbers[col] = c.text
            continue
        for (a, z), c in zip(b.spans, b.cells):
            if c.text:
                header.append(HeaderCell(c.text, r, a, min(z, n_cols - 1)))
    return header, numbers


def _text_weights(bands: list[Band], n_cols: int) -> list[int]:
    """How often each column holds text in a cell of its own: where a merged cell's text belongs."""
    weights = [0] * n_cols
    for b in bands:
        for (a, z), c in zip(b.spans, b.cells):
            if a == z and a < n_cols and c.text and not grid.DATA_TOKEN.match(c.text):
                weights[a] += 1
    return weights


def _to_columns(band: Band, xs: list[float], xs0: list[float], block: Block, first: Block, n_cols: int,
                weights: list[int] | None = None) -> list[Cell]:
    if xs is xs0 or (len(xs) == len(xs0) and all(abs(a - b) < 3 for a, b in zip(xs, xs0))):
        return band.as_columns(n_cols, weights)
    out = [Cell("") for _ in range(n_cols)]
    scale = (first.x1 - first.x0) / ((block.x1 - block.x0) or 1)
    for (a, z), c in zip(band.spans, band.cells):
        if not c.text:
            continue
        xm = (xs[a] + xs[min(z + 1, len(xs) - 1)]) / 2
        x = first.x0 + (xm - block.x0) * scale
        col = grid.col_of(x, xs0)
        if out[col].text:
            out[col] = Cell(out[col].text + " " + c.text, out[col].bold or c.bold, out[col].words + c.words)
        else:
            out[col] = c
    return out


def _is_fragment(cells: list[Cell], prev: GridRow, weights: list[int]) -> bool:
    """Is this first row of a continuation page the rest of the previous page's last row?"""
    filled = [i for i, c in enumerate(cells) if c.text]
    if not filled or (len(filled) >= 2 and _looks_header(Band(0, 0, 0, [(i, i) for i in range(len(cells))], cells))
                      and not any(cells[i].text[:1].islower() for i in filled)):
        return False  # the header row of another table (no header cell goes on in lower case), not the rest of a row
    name_col = max(range(len(weights)), key=lambda i: weights[i]) if weights and max(weights) else None
    if (len(filled) == 1 and name_col is not None and filled[0] != name_col and prev.cells[filled[0]].text
            and prev.cells[name_col].text and not grid.DATA_TOKEN.match(cells[filled[0]].text)):
        # the rest of one text cell (an indicator) with no name of its own: a new row always has a name
        return True
    if filled == [name_col] and _wrapped_off(cells[name_col], prev, name_col):
        return True
    prev_filled = {i for i, c in enumerate(prev.cells) if c.text}
    # a number that starts a cell is a value, unless it continues words ('... jo PP No.' / '45 Tahun 1990')
    numeric = [i for i in filled if grid.DATA_TOKEN.match(cells[i].text.split()[0])
               and not CONNECTOR_END.search(prev.cells[i].text)]
    # the rest of several cells of the row above (its name and indicator, both halves of T-C.31): only
    # cells the row above has, fewer of them, at most one number (a digit wrapped off the page), no code
    if (len(filled) >= 2 and set(filled) <= prev_filled and len(filled) < len(prev_filled)
            and len(numeric) <= 1 and filled[0] != 0 and _continues_text(cells, prev, filled)):
        return True
    # the last words of several cells, right of the number or code that opens the row above: a row of its
    # own would print its number ('128 | Pemeliharaan Saluran Air Kotor Balatkop | Pemeliharaan Saluran'
    # over 'KUMKM | Air Kotor'); one cell alone may be a row of its own ('Rumus : ...' under an indicator)
    key = min(prev_filled, default=None)
    if (key is not None and grid.DATA_TOKEN.match(prev.cells[key].text) and filled[0] > key and not numeric
            and len(filled) >= 2 and all(len(cells[i].text.split()) <= 4 for i in filled)
            and set(filled) <= prev_filled and len(filled) < len(prev_filled) - 1):
        return True
    if numeric:
        return False
    first_text = cells[filled[0]].text
    if first_text[:1].islower() or first_text[:1] in ")],.;:" or OPENS_REMAINDER.match(first_text):
        return True
    prev_texts = [prev.cells[i].text for i in filled
                  if not cells[i].text[:1].isdigit() or NUMBER_INTRO.search(prev.cells[i].text)]
    if any(t and (CONNECTOR_END.search(t) or t.count("(") > t.count(")")) for t in prev_texts):
        return True
    return False


def _wrapped_off(cell: Cell, prev: GridRow, col: int) -> bool:
    """A few words alone in the name column are the last line of the name above when that name wrapped
    (two lines or more), its last line is the lowest line of its row (the page cut the row there), and
    that line had no room for the first of them ('Kelurahan (sub unit Tisnonegaran)' after 'Pembangunan
    Sarana dan Prasarana'): a label row ('Kewilayahan') after a short last line is no split."""
    above = prev.cells[col]
    # more than three words only when they end on a place ('... (sub unit Tisnongan)'): a new item at the
    # top of a page ('Peningkatan kerjasama/hubungan ...') may begin with a word as wide as the room left
    if len(cell.words) > 3 and not _PLACE_SUFFIX.search(cell.text):
        return False
    if not cell.words or len(cell.words) > 8 or cell.text.isupper() or len(above.words) < 2:
        return False
    lines: dict[int, list[Word]] = {}
    for w in above.words:
        lines.setdefault(round(w.top), []).append(w)
    if len(lines) < 2:
        return False
    last = lines[max(lines)]
    lowest = max(w.bottom for c in prev.cells for w in c.words)
    if max(w.bottom for w in last) < lowest - 1:
        return False
    right = max(w.x1 for w in above.words)
    first = cell.words[0]
    room = right - max(w.x1 for w in last)
    space = 0.25 * (first.size or (first.bottom - first.top))
    return room < space + (first.x1 - first.x0)


def _continues_text(cells: list[Cell], prev: GridRow, filled: list[int]) -> bool:
    """Some cell visibly carries on the text above it: it starts in lower case, the cell above ends on a
    connecting word, or a name in capitals goes on in capitals."""
    for i in filled:
        text, above = cells[i].text, prev.cells[i].text
        if text[:1].isdigit() and not NUMBER_INTRO.search(above):
            continue  # a value ('2 unit') under a value says nothing about a split
        if text[:1].islower() or CONNECTOR_END.search(above) or above.count("(") > above.count(")"):
            return True
        if OPENS_REMAINDER.match(text) and above:
            return True
        if above.isupper() and text.isupper() and len(above.split()) <= 3:
            return True
    return False


def _join(row: GridRow, cells: list[Cell]) -> None:
    for i, c in enumerate(cells):
        if c.text:
            old = row.cells[i]
            row.cells[i] = Cell((old.text + " " + c.text).strip(), old.bold or c.bold, old.words + c.words)


@dataclass
class TableParts:
    """A table whose rows and cells are known (a Word or Excel table), cut as the PDF path cuts one."""

    titles: list[Band]  # title rows inside the frame: the caption
    header: list[HeaderCell]
    column_numbers: list[str]
    body: list[Band]  # the data rows, column-number rows left out
    weights: list[int]  # for Band.as_columns: the column a merged cell's text belongs to


def table_parts(bands: list[Band], n_cols: int, n_header: int | None = None) -> TableParts:
    """Titles, header and data rows of `bands` by the rules of the ruled PDF tables; `n_header`: the
    header rows the file marks itself (Word's repeated header rows), when it marks any."""
    titles, bands = _title_bands_removed(bands)
    n_head = _header_count(bands) if n_header is None else n_header
    if n_header is None:  # a numbered item is a row, however its words read ('1. | Program Pelayanan ...')
        n_head = next((i for i in range(1, n_head) if _numbered_item(bands[i])), n_head)
    header, numbers = _header_from_bands(bands[:n_head], n_cols)
    body = [b for b in bands[n_head:] if not _is_number_band(b)]
    return TableParts(titles, header, numbers, body, _text_weights(bands, n_cols))


_ITEM_NUMBER = re.compile(r"^\(?\d{1,3}[.)]?$")


def _numbered_item(b: Band) -> bool:
    """A band opening on an item number or a code in its first column, beside a text of two words or more."""
    filled = [(span, c.text) for span, c in zip(b.spans, b.cells) if c.text]
    if not filled or filled[0][0][0] != 0 or _is_number_band(b):
        return False
    first = filled[0][1].strip()
    return bool(_ITEM_NUMBER.match(first) or _CODE_START.match(first)) and any(
        len(re.findall(r"[A-Za-z]{2,}", t)) >= 2 for _, t in filled[1:])
