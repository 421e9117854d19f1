"""Rows and values of an identified table: canonical cells, item name and code, row level, parsed numbers.

Input is an `extract` `LogicalTable` and its `templates.Identified`; output is a `NormalizedTable`
of `Row`s and `Value`s that the pipeline writes as rows.parquet and values.parquet. The level of
a row comes from its code when printed, else from what the row looks like (PROGRAM in capitals,
a sub-unit suffix, a label with no indicator and no values); rows we cannot place stay `unknown`
for the nomenclature step to settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from extract.model import LogicalTable

from .codes import code_level, normalize_code
from .numbers import detect_locale, looks_numeric, parse_number
from .templates import Column, Identified, canonical_columns

LEVELS = ("urusan", "bidang_urusan", "program", "kegiatan", "sub_kegiatan", "label", "total", "unknown")

TOTAL = re.compile(r"^\s*(jumlah|total|sub\s*total|grand\s*total)\b", re.I)
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


@dataclass
class NormalizedTable:
    table_code: str
    evidence: str
    columns: list[Column]
    rows: list[Row]
    values: list[Value]
    locale: str


def normalize_table(t: LogicalTable, ident: Identified) -> NormalizedTable:
    texts = [r.texts for r in t.rows]
    share = [_numeric_share([row[i] for row in texts]) for i in range(t.n_cols)]
    cols = canonical_columns(t, ident.profile, share)
    numeric_cells = [row[c.index] for row in texts for c in cols if c.numeric]
    locale = detect_locale(numeric_cells)
    by_name = {c.name: c for c in cols}
    rows: list[Row] = []
    values: list[Value] = []
    for n, grow in enumerate(t.rows, start=1):
        cells = grow.texts
        # a code printed one part per cell (1 | 20 | 06 | 01) is one code
        kode_raw = " ".join(cells[c.index].strip() for c in cols if re.fullmatch(r"kode(_\d+)?", c.name) and cells[c.index].strip())
        uraian_raw = _first(cells, by_name, ident.profile.uraian if ident.profile else ("uraian",))
        if not uraian_raw and ident.profile is None:
            uraian_raw = _first_text(cells)
        if not kode_raw:
            m = LEADING_CODE.match(uraian_raw)
            if m and normalize_code(m.group(1)):
                kode_raw, uraian_raw = m.group(1), uraian_raw[m.end():]
        indikator = _first(cells, by_name, ident.profile.indikator if ident.profile else ("indikator",))
        kode = normalize_code(kode_raw) if kode_raw else None
        row_vals = [parse_number(cells[c.index], locale) for c in cols if c.numeric]
        has_values = any(v.value is not None for v in row_vals)
        level = _level(kode, uraian_raw, indikator, has_values)
        rows.append(Row(n, grow.page, level, kode_raw, kode, uraian_raw, clean_uraian(uraian_raw), indikator, cells,
                        grow.bold, sorted(grow.flags)))
        for c, pv in zip([c for c in cols if c.numeric], row_vals):
            raw = cells[c.index]
            unit = pv.unit or c.unit or _satuan(cells, cols, c)
            values.append(Value(n, c.name, c.tahun, pv.value, unit, raw, pv.status, pv.note, pv.candidates))
    return NormalizedTable(ident.table_code, ident.evidence, cols, rows, values, locale)


def _numeric_share(cells: list[str]) -> float:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return 0.0
    return sum(1 for c in filled if looks_numeric(c)) / len(filled)


def _first(cells: list[str], by_name: dict[str, Column], names: tuple[str, ...]) -> str:
    for name in names:
        c = by_name.get(name)
        if c is not None and cells[c.index].strip():
            return cells[c.index].strip()
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


def clean_uraian(raw: str) -> str:
    """The item name without layout noise: one space between words, no stray quotes or bullets."""
    s = raw.replace("\u00ad", "").strip().strip("'\"•-–").strip()
    return re.sub(r"\s+", " ", s)


def _level(kode: str | None, uraian: str, indikator: str, has_values: bool) -> str:
    if kode:
        lvl = code_level(kode)
        if lvl:
            return lvl
    text = uraian.strip()
    if not text:
        return "unknown" if has_values else "label"
    if TOTAL.match(text):
        return "total"
    if re.match(r"^\s*program\b", text, re.I):
        return "program"
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters) / max(1, len(letters))
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
