"""Rows and values of an identified table: canonical cells, item name and code, row level, parsed numbers.

Input is an `extract` `LogicalTable` and its `templates.Identified`; output is a `NormalizedTable`
of `Row`s and `Value`s that the pipeline writes as rows.parquet and values.parquet. The level of
a row comes from its code when printed, else from what the row looks like (PROGRAM in capitals,
a sub-unit suffix, a label with no indicator and no values); rows we cannot place stay `unknown`
for the nomenclature step to settle. A code of no national scheme (``02 01 01 01``) takes its level
from its table: the depth of the codes its program rows print. A heading row naming the perangkat
daerah (``BADAN PERENCANAAN ...``) is `perangkat_daerah`, one naming an urusan is `urusan`. Rows of indicator tables (T-C.23, T-C.25, LKjIP capaian ...)
are `indikator`.

A cell printed once for a group of rows (tujuan, sasaran, program: a vertical merge) is filled
down into `Row.filled` for the rows below it, with the flag `filled_down`; `cells` always stay
as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from extract.model import HeaderCell, LogicalTable

from .codes import PERMENDAGRI_13_2006, code_level, code_scheme, local_code, local_level, normalize_code, printed_parts
from .numbers import detect_locale, looks_numeric, parse_number, parse_quantity
from .templates import Column, Identified, Profile, canonical_columns

LEVELS = ("perangkat_daerah", "urusan", "bidang_urusan", "program", "kegiatan", "sub_kegiatan", "indikator", "label",
          "total", "unknown")
ITEM_LEVELS = ("program", "kegiatan", "sub_kegiatan")

# 'Jumlah', 'JUMLAH BELANJA', 'Jumlah Anggaran Program Prioritas 1', 'Total Usulan Anggaran (Rp.)': a total;
# 'Jumlah dokumen laporan ...', 'Jumlah PNS yang ...': an item or indicator that counts something
TOTAL = re.compile(r"^\s*(jumlah|total|sub\s*total|grand\s*total)\b(?!\s+(?!(total|keseluruhan|seluruhnya|anggaran|"
                   r"belanja|pendapatan|usulan|pagu|dana|biaya|akhir|sumber|prioritas|rp)\b)[a-z])", re.I)
# In an indicator table "Jumlah PNS yang ..." is an indicator: only a bare "Jumlah" / "Total" row is a total.
TOTAL_ONLY = re.compile(r"^\s*(sub\s*)?(jumlah|total)(\s+(total|keseluruhan|seluruhnya|anggaran|belanja|akhir))?\s*:?\s*$", re.I)
YEAR_CELL = re.compile(r"\(?(19|20)\d\d\)?")  # a year alone in a header cell: '2014', '(2013)'
LEVEL_WORD = re.compile(r"(urusan|bidang(\s+urusan)?|program|(sub\s*)?kegiatan)\s*:?", re.I)
# A heading row naming the perangkat daerah, printed in capitals over its programs (often with their sum)
PERANGKAT_DAERAH = re.compile(r"^\s*(\d+\.\s*)?(\(\d+\)\s*)?(badan|dinas|kantor|sekretariat|inspektorat|satuan\s+polisi|"
                              r"rumah\s+sakit|rsud|kecamatan|biro)\b", re.I)
HEADING_LEVEL = {"urusan": "urusan", "bidang": "bidang_urusan", "fungsi": "label"}
HEADING = re.compile(r"^\s*(urusan|bidang(?=\s+urusan)|fungsi)\b", re.I)
# Words that say a row's level whatever its code ('Program Pelayanan ...', 'Kegiatan Penyediaan ...')
LEVEL_NAMED = re.compile(r"^\s*(program|sub\s*kegiatan|kegiatan)\b", re.I)
SUB_UNIT = re.compile(r"\(\s*sub\s*unit\b|\(\s*kelurahan\b|\(\s*kecamatan\b", re.I)
LEADING_CODE = re.compile(r"^\s*'?((?:[0-9X]{1,2}[ .]){2,}[0-9X]{1,4})\.?\s+(?=\D)")


@dataclass
class Value:
    row_no: int
    column: str
    tahun: int | None
    value: Decimal | None
    unit: str | None
    value_raw: str
    parse_status: str
    note: str = ""
    candidates: tuple[Decimal, ...] = ()


@dataclass
class Row:
    row_no: int
    page: int
    level: str
    kode_raw: str
    kode: str | None
    uraian_raw: str
    uraian: str
    indikator: str
    cells: list[str]
    bold: bool
    flags: list[str] = field(default_factory=list)
    filled: dict[str, str] = field(default_factory=dict)  # canonical column → text carried down from above


@dataclass
class NormalizedTable:
    table_code: str
    evidence: str
    columns: list[Column]
    rows: list[Row]
    values: list[Value]
    locale: str
    table: LogicalTable | None = None  # the table as read: its header may have been found among the rows


def normalize_table(t: LogicalTable, ident: Identified, period: tuple[int, int] | None = None) -> NormalizedTable:
    """Rows and values of one table. `period` is the document's plan period (first, last year), which gives
    the year of a `Tahun ke-n` column of a Renstra table (`templates.plan_period` reads it from the title pages)."""
    profile = ident.profile
    t = header_from_body(t, profile)
    read = parse_quantity if profile is not None and profile.quantities else parse_number
    texts = [r.texts for r in t.rows]
    share = [_numeric_share([row[i] for row in texts], read) for i in range(t.n_cols)]
    cols = canonical_columns(t, profile, share, period)
    numeric_cells = [row[c.index] for row in texts for c in cols if c.numeric]
    locale = detect_locale(numeric_cells)
    by_name = {c.name: c for c in cols}
    uraian_cols = profile.uraian if profile else ("uraian",)
    indikator_cols = profile.indikator if profile else ("indikator",)
    rows_kind = profile.rows if profile is not None else "item"
    newer = profile is not None and not profile.legacy
    above: dict[str, str] = {}
    last_item: Row | None = None
    rows: list[Row] = []
    values: list[Value] = []
    for n, grow in enumerate(t.rows, start=1):
        cells = grow.texts
        # a code printed one part per cell (1 | 20 | 06 | 01) is one code
        kode_raw = " ".join(cells[c.index].strip() for c in cols if re.fullmatch(r"kode(_\d+)?", c.name) and cells[c.index].strip())
        uraian_raw = _first(cells, by_name, uraian_cols)
        if not uraian_raw and profile is None:
            kode_raw, uraian_raw = _generic_item(cells, kode_raw)
        if not kode_raw:
            m = LEADING_CODE.match(uraian_raw)
            if m and normalize_code(m.group(1)):
                kode_raw, uraian_raw = m.group(1), uraian_raw[m.end():]
        indikator = _first(cells, by_name, indikator_cols)
        kode = normalize_code(kode_raw) if kode_raw else None
        row_vals = [read(cells[c.index], locale) for c in cols if c.numeric]
        has_values = any(v.value is not None for v in row_vals)
        # "Jumlah" printed alone in another column (No) closes the table; "Jumlah PNS ..." names an indicator
        is_total = bool(TOTAL.match(_unspaced(uraian_raw)) or TOTAL_ONLY.match(_unspaced(_first_text(cells))))
        filled = _fill_down(cells, cols, profile, above, is_total) if profile is not None and profile.fill_down else {}
        uraian = clean_uraian(uraian_raw or _first(_with(cells, by_name, filled), by_name, uraian_cols))
        if rows_kind == "indikator":
            level = _indicator_level(uraian_raw or indikator, indikator, has_values)
        elif rows_kind == "columns":
            level = _column_level(cells, by_name, profile, uraian_raw, has_values)
        elif is_total and newer:
            level = "total"
        else:
            level = _level(kode, uraian_raw, indikator, has_values)
            if newer and not uraian_raw and not kode_raw and indikator and has_values and last_item is not None:
                # a second indicator printed on its own row under the item it measures
                filled["uraian"] = last_item.uraian
                uraian, kode, level = last_item.uraian, last_item.kode, last_item.level
        flags = sorted(set(grow.flags) | ({"filled_down"} if filled else set()))
        row = Row(n, grow.page, level, kode_raw, kode, uraian_raw, uraian, indikator, cells, grow.bold, flags, filled)
        rows.append(row)
        if uraian_raw or kode_raw:
            last_item = row
        for c, pv in zip([c for c in cols if c.numeric], row_vals):
            raw = cells[c.index]
            unit = pv.unit or c.unit or _satuan(cells, cols, c)
            values.append(Value(n, c.name, c.tahun, pv.value, unit, raw, pv.status, pv.note, pv.candidates))
    _legacy_code_levels(rows)
    _local_code_levels(rows, rows_kind if profile is not None else "item")
    if profile is not None:
        _carry_context(rows, cols, profile)
    return NormalizedTable(ident.table_code, ident.evidence, cols, rows, values, locale, t)


def _names_column(text: str, profile: Profile) -> bool:
    low = re.sub(r"\s+", " ", text.strip().lower())
    return bool(low) and any(re.search(rule.pattern, low) for rule in profile.columns)


def header_from_body(t: LogicalTable, profile: Profile | None) -> LogicalTable:
    """A table whose printed header names none of its template's columns, and whose first rows hold
    one that names most of them ('Tujuan | Sasaran | Strategi | Kebijakan' under the spanning Visi and
    Misi rows of a T-C.26, or a header row the extractor took for data): that row is the header. The
    rows above it stay rows; the table is returned with its header and rows so rearranged."""
    if profile is None:
        return t
    paths = [t.header_path(i) for i in range(t.n_cols)]
    # one text over every column is a title the extractor took for the header, not a header
    if len({p for p in paths if p}) > 1 and any(_names_column(p, profile) for p in paths):
        return t
    for k in range(min(4, len(t.rows))):
        # the header may take two printed rows ('SASARAN MISI' over 'DAERAH')
        for n in (1, 2):
            rows = t.rows[k:k + n]
            if len(rows) < n or any(sum(1 for c in r.texts if c.strip()) < 2 for r in rows):
                continue  # a row across the table ('TUJUAN MISI 1 : ...') is no header row
            texts = [" ".join(r.texts[i].strip() for r in rows if r.texts[i].strip()) for i in range(t.n_cols)]
            # years under 'Target pada tahun ke-' name no column of their own, and are no figures
            filled = [c for c in texts if c and not YEAR_CELL.fullmatch(c)]
            named = [c for c in filled if _names_column(c, profile)]
            figures = [c for c in filled if looks_numeric(c)]
            if len(filled) >= 3 and len(named) >= max(3, 0.5 * len(filled)) and not figures:
                if n == 1 and k + 1 < len(t.rows) and _sub_header_row(t.rows[k + 1].texts):
                    n, rows = 2, t.rows[k:k + 2]  # the years under a merged 'TARGET ... PADA TAHUN KE-'
                return replace(t, header=_header_of(rows, t.n_cols), rows=t.rows[:k] + t.rows[k + n:])
    return t


_SUB_HEADER = re.compile(rf"{YEAR_CELL.pattern}|ke-?\s*\d|\(?[IVX]{{1,4}}\)?|rp\.?|target|realisasi|%", re.I)


def _sub_header_row(texts: list[str]) -> bool:
    """A row of years or part names only ('2014 | 2015 | ... | 2018', 'Target | Rp'): the header's second row."""
    filled = [c.strip() for c in texts if c.strip()]
    return len(filled) >= 2 and all(_SUB_HEADER.fullmatch(c) for c in filled)


def _header_of(rows, n_cols: int) -> list[HeaderCell]:
    """Header cells from one or two printed rows. Over two, a text of the first row spans the columns to
    its right that the second row gives only a year or a part name ('TARGET ... PADA TAHUN KE-' over
    2014 ... 2018, 'Target' | 'Rp'); another name there ('Satuan') is a header of its own, centred lower."""
    top = [c.strip() for c in rows[0].texts]
    if len(rows) == 1:
        return [HeaderCell(text, 0, i, i) for i, text in enumerate(top) if text]
    low = [c.strip() for c in rows[1].texts]
    cells = []
    for i, text in enumerate(top):
        if not text:
            continue
        last = i
        while last + 1 < n_cols and not top[last + 1] and _SUB_HEADER.fullmatch(low[last + 1]):
            last += 1
        cells.append(HeaderCell(text, 0, i, last))
    cells += [HeaderCell(text, 1, i, i) for i, text in enumerate(low) if text]
    return cells


def _carry_context(rows: list[Row], cols: list[Column], profile: Profile) -> None:
    """A group column the table prints as a spanning row rather than a column ('Visi: ...', 'Misi 2: ...'
    above the rows of a T-C.26) is carried into `filled` of the rows below it, up to the next such row."""
    names = {c.name for c in cols}
    absent = [r for r in profile.columns if r.name in profile.fill_down and r.name not in names]
    if not absent:
        return
    context: dict[str, str] = {}
    for row in rows:
        filled = [c.strip() for c in row.cells if c.strip()]
        # 'Misi 2: ...' across the table, not an indicator that only mentions a sasaran
        rule = next((r for r in absent if len(filled) == 1 and re.match(rf"{r.name}\b", filled[0].lower())), None)
        if rule is not None:
            context[rule.name] = filled[0]
            # a new visi starts over its misi
            for later in absent[absent.index(rule) + 1:]:
                context.pop(later.name, None)
            row.level = "label"
            continue
        if context and filled:
            row.filled = {**context, **row.filled}
            if "filled_down" not in row.flags:
                row.flags = sorted(set(row.flags) | {"filled_down"})


def _legacy_code_levels(rows: list[Row]) -> None:
    """A table of Permendagri 13/2006 codes with the organisation part (five-part kegiatan codes) prints the
    perangkat daerah's code in three parts. A table of such codes without the organisation part
    (urusan.bidang.program.kegiatan: program ``1.21.17``, its kegiatan ``1.21.17.01``) has no five-part
    code: there a four-part code is a kegiatan, not the program its shape alone would say (with the
    organisation, ``1.20.06.15`` is one)."""
    parts = {r.row_no: len(r.kode.split(".")) for r in rows if r.kode}
    legacy = [r for r in rows if r.kode and code_scheme(r.kode) == PERMENDAGRI_13_2006]
    if legacy and max(parts.values()) == 5:
        # with the organisation part, a three-part code is the organisation (the perangkat daerah) over its
        # programs: '3 04 01 Badan Kepegawaian ...' over '3 04 01 01 Program Pelayanan ...'
        for r in rows:
            if r.kode and parts[r.row_no] == 3 and r.level == "program" and not LEVEL_NAMED.match(r.uraian):
                r.level = "perangkat_daerah"
    if not legacy or max(parts.values()) != 4 or 3 not in parts.values():
        return
    for r in legacy:
        if parts[r.row_no] == 4 and r.level == "program":
            r.level = "kegiatan"


def _local_code_levels(rows: list[Row], rows_kind: str) -> None:
    """Codes of no national scheme (``02 01 01 01``, ``1 07 1 07 01 21 01``) get their dotted form and, in
    a table of items, the level their depth has in this table: the depth its rows named 'Program ...'
    print (or one less than its 'Kegiatan ...' rows) is the program's, the next the kegiatan's, the one
    after the sub kegiatan's; shorter codes are headings (urusan, organisation). Without such names, the
    deepest codes are kegiatan when their prefix is a code of the table. Where most codes of the table are
    of no scheme, the codes a scheme reads (``1 07 1 07 01`` is a 2006 kegiatan by its shape) follow the
    table too, except urusan and bidang urusan. A row whose name says its level ('Program ...') has it."""
    depth: dict[int, int] = {}
    local: set[int] = set()
    for r in rows:
        parts = printed_parts(r.kode_raw) if r.kode_raw else None
        if parts is None:
            continue
        depth[r.row_no] = len(parts)
        if r.kode is None and (code := local_code(r.kode_raw)):
            r.kode = code
            local.add(r.row_no)
    if not local or rows_kind not in ("item", "columns"):
        return
    coded = [r for r in rows if depth.get(r.row_no, 0) >= 2]
    relative = 2 * len(local) > len(coded)
    follow = [r for r in coded if r.level != "total" and (r.row_no in local or (relative and r.level not in ("urusan", "bidang_urusan")))]
    program_depth = _program_depth(rows, depth, local, relative, rows_kind)
    program = None
    for r in follow:
        named = _named_level(r, rows_kind) or local_level(r.kode_raw)
        if named is not None:
            r.level = named
        elif program_depth is not None:
            d = depth[r.row_no] - program_depth
            r.level = "label" if d < 0 else (ITEM_LEVELS[d] if d < len(ITEM_LEVELS) else r.level)
            if r.level == "program" and program is not None and r.kode == program.kode and _named_level(program, rows_kind):
                r.level = "kegiatan"  # printed with its program's code, its own number left out
        if r.level == "program":
            program = r


def _named_level(r: Row, rows_kind: str) -> str | None:
    """The level a row's own words give ('Program ...', 'Kegiatan ...'), or its level column's."""
    if rows_kind == "columns":
        return r.level if r.level in ITEM_LEVELS else None
    m = LEVEL_NAMED.match(r.uraian)
    return None if m is None else re.sub(r"\s+", "_", m.group(1).lower()).replace("subkegiatan", "sub_kegiatan")


def _program_depth(rows: list[Row], depth: dict[int, int], local: set[int], relative: bool, rows_kind: str) -> int | None:
    """How many parts the program codes of a table of codes of its own have (see `_local_code_levels`)."""
    votes: dict[int, int] = {}
    for r in rows:
        if r.row_no not in depth or not (relative or r.row_no in local or code_level(r.kode_raw) is None):
            continue
        named = _named_level(r, rows_kind) or (local_level(r.kode_raw) if r.row_no in local else None)
        if named is not None and depth[r.row_no] > ITEM_LEVELS.index(named):
            guess = depth[r.row_no] - ITEM_LEVELS.index(named)
            votes[guess] = votes.get(guess, 0) + 1
    if votes:
        return max(sorted(votes), key=lambda d: votes[d])
    codes = {r.kode for r in rows if r.row_no in local}
    deepest = max(depth[n] for n in local)
    if any(c.count(".") + 1 == deepest and c.rsplit(".", 1)[0] in codes for c in codes):
        return deepest - 1
    return None


def _fill_down(
    cells: list[str], cols: list[Column], profile: Profile, above: dict[str, str], is_total: bool
) -> dict[str, str]:
    """Texts of the profile's group columns carried down into this row where it leaves them empty.

    Left to right: a column is filled only while every group column before it was filled too, so a
    row that prints a new tujuan starts a new group and takes no sasaran from the rows above. A total
    row and a row with nothing outside the group columns are not filled (they still set the group); a
    cell that only repeats its column's header ("Tujuan") is no group."""
    group = [c for name in profile.fill_down for c in cols if c.name == name]
    if not group or is_total:
        return {}
    indexes = {c.index for c in group}
    content = any(text.strip() for i, text in enumerate(cells) if i not in indexes)
    filled: dict[str, str] = {}
    carry = True
    for k, c in enumerate(group):
        text = cells[c.index].strip()
        if text and _squash(text) == _squash(c.header.split(" / ")[-1]):
            carry = False
        elif text:
            carry = False
            above[c.name] = text
            for lower in group[k + 1:]:
                above.pop(lower.name, None)
        elif carry and content and c.name in above:
            filled[c.name] = above[c.name]
        else:
            carry = False
    return filled


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _with(cells: list[str], by_name: dict[str, Column], filled: dict[str, str]) -> list[str]:
    out = list(cells)
    for name, text in filled.items():
        if name in by_name:
            out[by_name[name].index] = text
    return out


def _indicator_level(text: str, indikator: str, has_values: bool) -> str:
    """A row of an indicator table: the indicator with its figures, a bare Jumlah/Total, or a heading."""
    text = text.strip()
    if TOTAL_ONLY.match(text):
        return "total"
    if not indikator and not has_values:
        return "label"
    if not text:
        return "unknown"
    return "indikator"


def _column_level(cells: list[str], by_name: dict[str, Column], profile: Profile, uraian: str, has_values: bool) -> str:
    """PROGRAM | KEGIATAN | SUB KEGIATAN in columns: the row is the most specific one it prints."""
    if TOTAL.match(_unspaced(uraian)) or TOTAL_ONLY.match(_unspaced(_first_text(cells))):
        return "total"
    for name, level in profile.level_columns:
        c = by_name.get(name)
        if c is not None and cells[c.index].strip():
            return level
    return _level(None, uraian, "", has_values)


def _numeric_share(cells: list[str], read=parse_number) -> float | None:
    """The share of a column's filled cells that read as numbers; None when no cell is filled."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return None
    if read is parse_number:
        return sum(1 for c in filled if looks_numeric(c)) / len(filled)
    return sum(1 for c in filled if read(c).status not in ("text", "empty")) / len(filled)


BULLET = re.compile(r"[-–•*·]|\(?[a-z0-9]{1,2}[.)]")


def _first(cells: list[str], by_name: dict[str, Column], names: tuple[str, ...]) -> str:
    """The first of the named columns with text. A name printed over two columns under one header (a
    bullet or number, then the name: '- | Gaji dan Tunjangan') is the text of the second part."""
    for name in names:
        c = by_name.get(name)
        if c is not None and cells[c.index].strip():
            text = cells[c.index].strip()
            part = by_name.get(f"{name}_2")
            if BULLET.fullmatch(text) and part is not None and cells[part.index].strip():
                return cells[part.index].strip()
            return text
    return ""


def _first_text(cells: list[str]) -> str:
    return next((c for c in cells if c.strip() and not looks_numeric(c)), "")


def _satuan(cells: list[str], cols: list[Column], value_col: Column) -> str | None:
    for c in cols:
        if c.satuan_of == value_col.name:
            s = cells[c.index].strip()
            return re.sub(r"\s+", " ", s) or None
    if value_col.name.startswith(("tingkat", "rasio", "capaian")):
        return "%"
    return None


def _generic_item(cells: list[str], kode_raw: str) -> tuple[str, str]:
    """Code and name of a row of a table of no known template: the first text cell, or, when that cell
    is a code alone ('1.03.11.1.01.0009' | 'Penyediaan Instruktur ...'), the code and the next cell."""
    filled = [c.strip() for c in cells if c.strip()]
    if not kode_raw and len(filled) >= 2 and normalize_code(filled[0]) and not looks_numeric(filled[1]):
        return filled[0], filled[1]
    # a level word, then the code and name: 'Sub Kegiatan' | '1.03.02.2.01.06 Pembangunan Embung' (pupr Renstra)
    if not kode_raw and len(filled) >= 2 and LEVEL_WORD.fullmatch(filled[0]) and (
            normalize_code(filled[1]) or not looks_numeric(filled[1])):
        if normalize_code(filled[1]):  # the code in a cell of its own, the name after it
            return filled[1], filled[2] if len(filled) > 2 and not looks_numeric(filled[2]) else ""
        m = LEADING_CODE.match(filled[1])
        if m and normalize_code(m.group(1)):
            return m.group(1), filled[1][m.end():]
        return kode_raw, filled[1]  # the level word names no item
    return kode_raw, _first_text(cells)


def clean_uraian(raw: str) -> str:
    """The item name without layout noise: one space between words, no stray quotes or bullets, a
    letter-spaced word ('J u m l a h') written whole."""
    s = raw.replace("\u00ad", "").strip().strip("'\"•-–").strip()
    return _unspaced(re.sub(r"\s+", " ", s))


def _unspaced(text: str) -> str:
    """'J u m l a h' → 'Jumlah': a word printed with a space between its letters."""
    tokens = text.split()
    return "".join(tokens) if len(tokens) >= 3 and all(len(t) == 1 and t.isalpha() for t in tokens) else text


def _level(kode: str | None, uraian: str, indikator: str, has_values: bool) -> str:
    if kode:
        lvl = code_level(kode)
        if lvl:
            return lvl
    text = uraian.strip()
    if not text:
        return "unknown" if has_values else "label"
    if TOTAL.match(_unspaced(text)):
        return "total"
    if re.match(r"^\s*program\b", text, re.I):
        return "program"
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters) / max(1, len(letters))
    heading = HEADING.match(text)
    if heading and has_values:
        return HEADING_LEVEL[heading.group(1).lower()]  # 'URUSAN WAJIB ...' over its programs, with their sum
    if upper > 0.8 and PERANGKAT_DAERAH.match(text) and not indikator:
        return "perangkat_daerah"
    if not indikator and not has_values:
        # a name alone on its row (NON URUSAN, Kewilayahan, Fungsi Koordinasi) is a heading, never an item
        return "label"
    if upper > 0.8 and len(text.split()) >= 3:
        return "program"
    if SUB_UNIT.search(text):
        return "sub_kegiatan"
    if re.match(r"^\s*kegiatan\b", text, re.I):
        return "kegiatan"
    return "unknown"
