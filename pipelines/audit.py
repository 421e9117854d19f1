"""The audit: where the extracted tables of a document contradict themselves.

`audit(documents, tables, rows, values)` is a pure function from the four output tables (pandas
DataFrames or Arrow tables, as `sakip extract` wrote them) to a list of `Finding`s. It reads no
file and draws nothing: `audit_report.py` renders the findings, `audit_cli.py` is the command.

Checks, each over exact decimals:

- ``hierarchy_sum``: per money column and year, a program equals the sum of its kegiatan, a kegiatan
  the sum of its sub kegiatan (the per-kelurahan rows of one sub kegiatan are siblings), a total row
  the sum of the top-level rows; children are the following rows of the next level, by row order.
- ``cross_table``: T-C.31 Hasil Analisis Kebutuhan against the T-C.33 pagu of the plan year, item by
  item (nomenclature code + lokasi_unit, else the normalised name); ``change``: the Rancangan Awal half
  of T-C.31 against its analysis half (information, not an error).
- ``formula``: the printed column-number row (``8 = (7/6)``, ``10=(5+7+9)``) on every row, and derived
  columns printed as zero throughout; and the ratios a table implies without printing a formula
  (`Profile.ratios` in normalize/templates.py: rasio = realisasi / anggaran, capaian = realisasi / target,
  in percent).
- ``malformed_number``: every malformed or repaired number, with the intended value only when a sum
  confirms one of its candidates.
- ``duplicate_row``: the same item with the same cells twice in a row (typically across a page break).
- ``ocr_value``: a number read by OCR (``values.source`` = ``ocr``) that no sum confirms and that is doubtful:
  read with a confidence below `OCR_DOUBT`, not one clean figure (``'14.850.000,00 5 5'``), not a number at
  all, or a cell left empty in a column its neighbours fill; and a doubtful one that enters a failing check
  (the finding then names the cell OCR may have misread).

- ``cross_document`` (in `audit_across.py`): a Renja against the Renstra and the LKjIP of the same
  perangkat daerah; there too, within an LKjIP, the Perjanjian Kinerja's anggaran against the
  realisation table (``cross_table``).

Severities: ``error`` (more than rounding apart), ``rounding`` (within half a unit of the printed
precision per rounded term), ``warning`` (suspicious or ambiguous, not a proven contradiction),
``info``.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from nomenclature.names import comparable, location_variants
from normalize.codes import looks_like_code
from normalize.numbers import parse_number
from normalize.templates import PROFILES

from .schema import FINDINGS, SCHEMA_VERSION

SEVERITIES = ("error", "rounding", "warning", "info")
CHECKS = ("hierarchy_sum", "cross_table", "cross_document", "change", "formula", "malformed_number", "duplicate_row",
          "ocr_value")
OCR_DOUBT = 85  # an OCR'd number read with less confidence (Tesseract's, 0-100) is doubtful unless a sum confirms it

# Depth of each item level; a row's children are the following rows of the next depth present.
RANK = {"urusan": 1, "bidang_urusan": 2, "program": 3, "kegiatan": 4, "sub_kegiatan": 5}
# A perangkat daerah's heading row printing the sum of the programs below it is their parent, though no item
HEADING_RANK = {"perangkat_daerah": 0.5}
LEVEL_WORDS = {"urusan": "urusan", "bidang_urusan": "bidang urusan", "program": "program", "kegiatan": "kegiatan",
               "sub_kegiatan": "sub kegiatan", "total": "total", "unknown": "row", "label": "row",
               "perangkat_daerah": "perangkat daerah"}
COLUMN_WORDS = {
    "pagu_indikatif": "pagu indikatif",
    "pagu_indikatif_maju": "prakiraan maju pagu",
    "rancangan_pagu_indikatif": "Rancangan Awal pagu",
    "analisis_kebutuhan_dana": "Hasil Analisis Kebutuhan",
}
# A column holds rupiah when its values say Rp or its canonical name says so (sumber_dana is a text column).
_MONEY_NAME = re.compile(r"pagu|kebutuhan_dana|anggaran|plafon|biaya|belanja|rupiah|(^|_)rp($|_)|prakiraan_maju")
_NOT_MONEY_NAME = re.compile(r"^(satuan|sumber_dana|kode|no$|tingkat)")
# Code columns are read as numbers by the extractor but are not amounts: '2.10.2.10.1.02' is no malformed number.
_CODE_COLUMN = re.compile(r"^(kode|no$|nomor)")
_OLD_CODE = re.compile(r"^\s*\d{1,2}(?:\.\d{1,3}){3,}\s*$")  # 2.10.2.10.1.02 (Permendagri 13/2006 codes)


# --------------------------------------------------------------------------------------------------
# What the audit returns


@dataclass(frozen=True)
class CellRef:
    """A printed cell a finding rests on: ``checked`` is the number found wrong, ``part`` one it was compared with."""

    table_id: str
    row_no: int
    column: str
    role: str = "part"


@dataclass
class Finding:
    doc_id: str
    check: str
    severity: str
    table_code: str
    message: str
    cells: tuple[CellRef, ...] = ()
    row_nos: tuple[int, ...] = ()
    pages: tuple[int, ...] = ()
    item: str | None = None
    column: str | None = None
    tahun: int | None = None
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    other_doc_id: str | None = None

    @property
    def finding_id(self) -> str:
        """Stable across runs of the same outputs: the check, where it looked, and what it looked at."""
        key = "|".join([self.doc_id, self.check, self.column or "", str(self.tahun or ""),
                        ",".join(f"{c.table_id}:{c.row_no}:{c.column}:{c.role}" for c in self.cells)])
        return f"{self.doc_id[:8]}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"

    def record(self) -> dict:
        return {
            "finding_id": self.finding_id, "doc_id": self.doc_id, "other_doc_id": self.other_doc_id,
            "check": self.check, "severity": self.severity, "table_code": self.table_code,
            "row_nos": list(self.row_nos), "pages": list(self.pages), "item": self.item, "column_name": self.column,
            "tahun": self.tahun, "expected": _fit(self.expected), "actual": _fit(self.actual),
            "difference": _fit(self.difference), "message": self.message,
            "cells": [{"table_id": c.table_id, "row_no": c.row_no, "column_name": c.column, "role": c.role} for c in self.cells],
        }


# --------------------------------------------------------------------------------------------------
# The tables as the audit sees them


@dataclass
class _Cell:
    column: str
    tahun: int | None
    value: Decimal | None
    raw: str
    status: str
    unit: str | None
    note: str | None
    candidates: tuple[Decimal, ...]
    decimals: int  # digits printed after the decimal mark
    step: Decimal  # one unit of the printed precision, in the unit of `value` (1000 for '1.071.059' read ×1000)
    source: str = "text"  # text (the PDF's text layer) or ocr
    confidence: float | None = None  # OCR confidence of the cell's least sure word


@dataclass(eq=False)
class _Row:
    table_id: str
    row_no: int
    page: int
    level: str
    kode: str | None
    uraian: str
    ncode: str | None  # matched nomenclature code
    lokasi: str | None
    cells: tuple[str, ...]
    values: dict[str, _Cell] = field(default_factory=dict)
    indikator: str | None = None

    @property
    def rank(self) -> float | None:
        return RANK.get(self.level, HEADING_RANK.get(self.level))

    @property
    def code(self) -> str | None:
        return self.kode or self.ncode

    @property
    def item(self) -> str:
        return " ".join(p for p in (self.code, _short(self.uraian, 140)) if p) or f"row {self.row_no}"

    def described(self) -> str:
        return f"{LEVEL_WORDS.get(self.level, 'row')} {self.item} (row {self.row_no})"


@dataclass
class _Table:
    table_id: str
    doc_id: str
    code: str
    columns: list[str]
    column_numbers: list[str]
    header: list[str]
    locale: str
    rows: list[_Row]
    money: list[str]

    def row(self, row_no: int) -> _Row:
        return self.rows[self._index[row_no]]

    def __post_init__(self):
        self._index = {r.row_no: i for i, r in enumerate(self.rows)}
        self.mis_split = _mis_split(self.rows)
        self.continued: str | None = None  # set when another table of the document may continue this one


class _Ledger:
    """The value of a printed money cell as the checks use it: a malformed number counts once a sum confirms it."""

    def __init__(self):
        self.confirmed: dict[tuple[str, int, str], tuple[Decimal, str]] = {}

    def amount(self, table: _Table, row: _Row, column: str) -> Decimal | None:
        """The cell's value; 0 for an empty cell; None when it has no usable value (text, unconfirmed malformed)."""
        c = row.values.get(column)
        if c is None or c.status == "empty":
            return Decimal(0)
        if c.value is not None:
            return c.value
        hit = self.confirmed.get((table.table_id, row.row_no, column))
        return hit[0] if hit else None

    def printed(self, row: _Row, column: str) -> bool:
        c = row.values.get(column)
        return c is not None and c.status != "empty"


def _records(t) -> list[dict]:
    """Arrow table, pandas DataFrame or list of records → list of records (Decimals stay exact)."""
    if t is None:
        return []
    if isinstance(t, list):
        return t
    if isinstance(t, pa.Table):
        return t.to_pylist()
    return pa.Table.from_pandas(t, preserve_index=False).to_pylist() if len(t) else []


def _decimals(raw: str, locale: str) -> int:
    """Digits printed after the decimal mark ('10.001.375.464,00' → 2, '98,07 %' → 2, '1.006.059.200' → 0)."""
    mark = "," if locale != "us" else "."
    text = re.sub(r"[^0-9.,]", "", raw or "")
    if mark not in text:
        return 0
    tail = text.rsplit(mark, 1)[1]
    if mark == ",":
        return len(tail) if tail.isdigit() else 0
    # US locale: a single '.' followed by exactly three digits is a thousands separator
    return len(tail) if tail.isdigit() and not (len(tail) == 3 and text.count(".") > 1) else 0


def _step(raw: str, value: Decimal | None, locale: str) -> Decimal:
    """One unit of the printed precision in the value's unit: the extractor may have scaled the printed figure."""
    step = Decimal(1).scaleb(-_decimals(raw, locale))
    printed = parse_number(raw, locale).value if value else None
    if printed:
        scale = Decimal(value) / printed
        if scale > 1 and scale == scale.to_integral():
            step *= scale
    return step


def _build(tables, rows, values) -> dict[str, list[_Table]]:
    by_table_rows: dict[str, list[_Row]] = defaultdict(list)
    for r in _records(rows):
        by_table_rows[r["table_id"]].append(_Row(
            table_id=r["table_id"], row_no=r["row_no"], page=r["page"], level=r["level"] or "unknown",
            kode=r.get("kode"), uraian=r.get("uraian") or r.get("uraian_raw") or "",
            ncode=r.get("nomenclature_code") if r.get("match_status") == "matched" else None,
            lokasi=r.get("lokasi_unit"), cells=tuple(r.get("cells") or ()), indikator=r.get("indikator"),
        ))
    locales = {t["table_id"]: t.get("number_locale") or "id" for t in _records(tables)}
    by_row: dict[tuple[str, int], dict[str, _Cell]] = defaultdict(dict)
    units: dict[tuple[str, str], list[str | None]] = defaultdict(list)
    for v in _records(values):
        locale = locales.get(v["table_id"], "id")
        by_row[(v["table_id"], v["row_no"])][v["column_name"]] = _Cell(
            column=v["column_name"], tahun=v.get("tahun"), value=v.get("value"), raw=v.get("value_raw") or "",
            status=v["parse_status"], unit=v.get("unit"), note=v.get("parse_note"),
            candidates=tuple(v.get("candidates") or ()), decimals=_decimals(v.get("value_raw") or "", locale),
            step=_step(v.get("value_raw") or "", v.get("value"), locale),
            source=v.get("source") or "text", confidence=v.get("ocr_confidence"),
        )
        if v["parse_status"] not in ("empty", "text"):
            units[(v["table_id"], v["column_name"])].append(v.get("unit"))
    out: dict[str, list[_Table]] = defaultdict(list)
    for t in _records(tables):
        trs = sorted(by_table_rows.get(t["table_id"], []), key=lambda r: r.row_no)
        for r in trs:
            r.values = by_row.get((t["table_id"], r.row_no), {})
        money = [c for c in dict.fromkeys(t["columns"] or []) if _is_money(c, units.get((t["table_id"], c), []))]
        out[t["doc_id"]].append(_Table(
            table_id=t["table_id"], doc_id=t["doc_id"], code=t["table_code"], columns=list(t["columns"] or []),
            column_numbers=list(t.get("column_numbers") or []), header=list(t.get("header") or []),
            locale=locales[t["table_id"]], rows=trs, money=money,
        ))
    for doc_tables in out.values():
        doc_tables.sort(key=lambda x: x.table_id)
    return out


def _is_money(column: str, units: list[str | None]) -> bool:
    if not units or _NOT_MONEY_NAME.search(column):
        return False
    rp = sum(u == "Rp" for u in units)
    other = sum(u not in (None, "Rp") for u in units)
    if rp:
        return rp > other
    return other == 0 and bool(_MONEY_NAME.search(column))


# --------------------------------------------------------------------------------------------------
# The audit


def audit(documents=None, tables=None, rows=None, values=None) -> list[Finding]:
    """Every finding in the outputs, ordered by document, then check, then table and row.

    `documents` (pemda, perangkat_daerah, doc_type, tahun) says which documents belong together for
    the checks across documents (`audit_across.py`); without it only the checks within a document run.
    """
    from .audit_across import across_documents

    docs = _build(tables, rows, values)
    findings: list[Finding] = []
    ledgers: dict[str, _Ledger] = {}
    for doc_id in sorted(docs):
        ledgers[doc_id] = _Ledger()
        findings.extend(_audit_document(doc_id, docs[doc_id], ledgers[doc_id]))
    findings.extend(across_documents(_records(documents), docs, ledgers))
    order = {c: i for i, c in enumerate(CHECKS)}
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (f.doc_id, order[f.check], sev[f.severity], f.cells[0].table_id if f.cells else "",
                                 f.row_nos[:1], f.column or ""))
    return findings


def _audit_document(doc_id: str, doc_tables: list[_Table], ledger: _Ledger) -> list[Finding]:
    for t, nxt in zip(doc_tables, doc_tables[1:]):
        if (t.rows and nxt.rows and len(nxt.columns) == len(t.columns) and nxt.code in (t.code, "other")
                and 0 <= nxt.rows[0].page - t.rows[-1].page <= 1):
            t.continued = f"the table may go on in the next table of the document (page {nxt.rows[0].page}), which the extraction did not join to it"
    families = {t.table_id: _families(t) for t in doc_tables}
    duplicates = {t.table_id: _duplicate_pairs(t) for t in doc_tables}
    # Malformed numbers first: a confirmed one then counts in every other sum.
    for _ in range(2):
        for t in doc_tables:
            _confirm_malformed(t, families[t.table_id], ledger)
    out: list[Finding] = []
    confirmed_duplicates: dict[tuple[str, int], list[str]] = defaultdict(list)
    for t in doc_tables:
        out += _hierarchy_sums(t, families[t.table_id], duplicates[t.table_id], ledger, confirmed_duplicates)
    out += _cross_tables(doc_id, doc_tables, ledger)
    from .audit_across import lkjip_budget_tables, renja_pagu_table

    out += lkjip_budget_tables(doc_tables, ledger)
    out += renja_pagu_table(doc_tables, ledger)
    for t in doc_tables:
        out += _formulas(t)
        out += _implied_ratios(t)
        out += _numbers(t, families[t.table_id], ledger)
        out += _duplicates(t, duplicates[t.table_id], confirmed_duplicates)
    failing = {(c.table_id, c.row_no, c.column): f for f in out if f.severity in ("error", "warning")
               and f.check in ("hierarchy_sum", "formula", "cross_table") for c in f.cells}
    for t in doc_tables:
        out += _ocr_values(t, families[t.table_id], ledger, failing)
    for f in out:
        f.doc_id = doc_id
    return out


# --------------------------------------------------------------------------------------------------
# Families: which rows are the children of which


@dataclass
class _Family:
    parent: _Row
    children: list[_Row]  # rows of the next level below the parent, in order
    uncertain: list[_Row]  # rows that may or may not be children (no level, or a level out of order)
    alternatives: list[tuple[str, list[_Row]]] = field(default_factory=list)  # other children it may total
    open_end: bool = False  # its rows run to the end of the table: more may follow in a table not joined to it


def _families(t: _Table) -> list[_Family]:
    out = []
    rows = t.rows
    last_total = -1
    totals: list[_Row] = []
    for i, p in enumerate(rows):
        if p.level == "total":
            scope = [r for r in rows[last_total + 1:i] if r.level != "total"]
            last_total = i
            fam = _family(p, scope, 0)
            if totals:
                # a grand total after subtotals: the sum of the subtotals, or of every top-level row of the table
                ranks = [r.rank for r in rows[:i] if r.rank is not None]
                everything = [r for r in rows[:i] if ranks and r.rank == min(ranks)]
                if fam:
                    fam.alternatives = [("the totals above it", list(totals)), ("every row of its level above it", everything)]
                else:
                    fam = _Family(p, list(totals), [], [("every row of its level above it", everything)])
            totals.append(p)
        elif p.rank:
            scope, open_end = [], True
            for r in rows[i + 1:]:
                if r.level == "total" or (r.rank is not None and r.rank <= p.rank and not _same_code(r, p)):
                    open_end = False
                    break
                scope.append(r)
            fam = _family(p, scope, p.rank)
            if fam:
                fam.open_end = open_end
        else:
            continue
        if fam:
            out.append(fam)
    return out


def _same_code(r: _Row, parent: _Row) -> bool:
    """A row printed with its parent's code (the kegiatan digits left out) cannot be the parent's sibling."""
    return bool(r.kode) and r.kode == parent.kode


def _family(parent: _Row, scope: list[_Row], rank: int) -> _Family | None:
    ranked = [r for r in scope if r.rank is not None and r.rank > rank]
    if not ranked:
        return None
    child_rank = min(r.rank for r in ranked)
    first = next(i for i, r in enumerate(scope) if r.rank == child_rank)
    children = [r for r in scope if r.rank == child_rank]
    uncertain = []
    prev_rank = None
    for i, r in enumerate(scope):
        if _same_code(r, parent):
            uncertain.append(r)
        elif r.rank is not None:
            if i < first:
                uncertain.append(r)  # deeper rows before the first child: whose children are they?
            prev_rank = r.rank
        elif r.level == "unknown" and (prev_rank is None or prev_rank == child_rank):
            uncertain.append(r)  # a row without a level where a child would stand
    return _Family(parent, children, uncertain)


# --------------------------------------------------------------------------------------------------
# Hierarchy sums


@dataclass
class _Reading:
    rows: list[_Row]
    total: Decimal
    note: str  # how this reading differs from the positional one ('' for the positional one)
    excluded_duplicates: list[_Row]


def _readings(t: _Table, fam: _Family, column: str, ledger: _Ledger, duplicates: dict[int, int]) -> list[_Reading] | None:
    """The ways the family's children can be read, the positional reading first; None when a child has no value."""
    options: list[tuple[str, str, list[_Row]]] = []  # (kind, note, rows)
    uncertain = [r for r in fam.uncertain if ledger.printed(r, column)]
    if len(uncertain) <= 3:
        for r in uncertain:
            options.append(("uncertain", f"row {r.row_no} ({_level_word(r)})", [r]))
    else:
        options.append(("uncertain", f"the {len(uncertain)} rows without a clear level", uncertain))
    for r in fam.children:
        if r.row_no in duplicates and ledger.printed(r, column):
            options.append(("duplicate", f"row {r.row_no} is a repeat of row {duplicates[r.row_no]}", [r]))
    for unlocated, located in _subtotal_groups(fam.children):
        s = _sum(t, located, column, ledger)
        u = ledger.amount(t, unlocated, column)
        if s is not None and u is not None and s != 0 and u == s:
            options.append(("subtotal", f"row {unlocated.row_no} is the subtotal of its kelurahan rows", located))
    # A child equal to the sum of the children after it is an intermediate level (an OPD or unit row read as a program).
    for i, r in enumerate(fam.children[:-1]):
        u, rest = ledger.amount(t, r, column), _sum(t, fam.children[i + 1:], column, ledger)
        if u and rest is not None and u == rest and len(fam.children) - i > 2:
            options.append(("subtotal", f"row {r.row_no} is the subtotal of the rows after it", [r]))
            break
    options = options[:6]
    base = fam.children + [r for r in fam.uncertain]
    out = []
    for mask in itertools.product((False, True), repeat=len(options)):
        chosen = list(base)
        notes, excluded_dup = [], []
        for on, (kind, note, rows) in zip(mask, options):
            if not on:
                continue
            notes.append(("without " if kind == "uncertain" else "") + note)
            chosen = [r for r in chosen if all(r is not x for x in rows)]
            if kind == "duplicate":
                excluded_dup += rows
        total = _sum(t, chosen, column, ledger)
        if total is None:
            return None
        out.append(_Reading(chosen, total, "; ".join(notes), excluded_dup))
    for note, rows in fam.alternatives:
        total = _sum(t, rows, column, ledger)
        if total is not None:
            out.append(_Reading(rows, total, note, []))
    return out


def _subtotal_groups(children: list[_Row]) -> list[tuple[_Row, list[_Row]]]:
    """A sub kegiatan printed once without a location and again per kelurahan: the first may be their subtotal."""
    groups: dict[str, list[_Row]] = defaultdict(list)
    for r in children:
        if r.ncode:
            groups[r.ncode].append(r)
    out = []
    for rows in groups.values():
        plain = [r for r in rows if not r.lokasi]
        located = [r for r in rows if r.lokasi]
        if len(plain) == 1 and located:
            out.append((plain[0], located))
    return out


def _sum(t: _Table, rows: list[_Row], column: str, ledger: _Ledger) -> Decimal | None:
    total = Decimal(0)
    for r in rows:
        a = ledger.amount(t, r, column)
        if a is None:
            return None
        total += a
    return total


def _unit(rows: Iterable[_Row], column: str) -> Decimal:
    """The coarsest printed precision among these cells, as a unit (1 for whole rupiah, 0.01 for ',00')."""
    steps = [r.values[column].step for r in rows if column in r.values and r.values[column].status != "empty"]
    return max(steps) if steps else Decimal(1)


def _tolerance(parent: _Row, rows: list[_Row], column: str, ledger: _Ledger) -> Decimal:
    """Half a unit of the coarsest printed precision, once per printed figure (each may have been rounded)."""
    printed = [r for r in [parent, *rows] if ledger.printed(r, column)]
    return _unit(printed, column) / 2 * len(printed)


def _hierarchy_sums(t, families, duplicates, ledger, confirmed_duplicates) -> list[Finding]:
    out = []
    for fam in families:
        p = fam.parent
        checked = []  # (column, cell, actual, readings)
        established: dict[str, str] = {}  # reading note → the column it makes add up
        for column in t.money:
            cell = p.values.get(column)
            if cell is None or cell.status == "empty" or not any(ledger.printed(r, column) for r in fam.children + fam.uncertain):
                continue  # nothing printed on one side: nothing to compare
            actual = ledger.amount(t, p, column)
            readings = _readings(t, fam, column, ledger, duplicates)
            if actual is None or readings is None:
                continue  # a malformed number is on one side; the malformed_number check reports it
            exact = [rd for rd in readings if rd.total == actual]
            if exact:
                established.setdefault(exact[0].note, column)
                for d in exact[0].excluded_duplicates:
                    confirmed_duplicates[(t.table_id, d.row_no)].append(
                        f"without it {p.described()} adds up ({_fmt(actual)} in {column})")
                continue
            checked.append((column, cell, actual, readings))
        for column, cell, actual, readings in checked:
            near = [rd for rd in readings if abs(rd.total - actual) <= _tolerance(p, rd.rows, column, ledger)]
            # The children that make another column of the same row add up are its children in this column too.
            settled = next((rd for rd in readings if rd.note in established), None)
            if near:
                tolerance = _tolerance(p, near[0].rows, column, ledger)
                out.append(_sum_finding(t, p, fam, column, cell, actual, near[0], "rounding", ledger, tolerance=tolerance))
            elif settled is not None and (settled.note or any(ledger.printed(r, column) for r in fam.uncertain)):
                out.append(_sum_finding(t, p, fam, column, cell, actual, settled, "error", ledger,
                                        settled_by=established[settled.note]))
            elif fam.uncertain and any(ledger.printed(r, column) for r in fam.uncertain):
                out.append(_sum_finding(t, p, fam, column, cell, actual, readings[0], "warning", ledger, readings=readings))
            else:
                out.append(_sum_finding(t, p, fam, column, cell, actual, readings[0], "error", ledger, readings=readings))
    return out


def _sum_finding(t, p, fam, column, cell, actual, reading, severity, ledger, readings=None, tolerance=None,
                 settled_by=None) -> Finding:
    children = [r for r in reading.rows if ledger.printed(r, column)] or reading.rows
    expected = reading.total
    diff = actual - expected
    n = len(reading.rows)
    levels = {r.level for r in reading.rows}
    kind = _plural(levels.pop(), n) if len(levels) == 1 else "children"
    where = f"In {t.code} ({_column_words(column, cell.tahun)})"
    what = f"{LEVEL_WORDS.get(p.level, 'row')} {p.item} (row {p.row_no})"
    if n == 1:
        msg = f"{where}, {what} is {_fmt(actual)} but its only {kind} ({_rows_text(reading.rows)}) is {_fmt(expected)}"
    else:
        msg = f"{where}, {what} is {_fmt(actual)} but its {n} {kind} ({_rows_text(reading.rows)}) add up to {_fmt(expected)}"
    msg += f", a difference of {_fmt(diff, signed=True)}"
    if severity == "rounding":
        msg += f", within rounding of the printed figures (±{_fmt(tolerance)})"
    elif severity == "warning":
        alts = "; ".join(f"{_fmt(rd.total)} {rd.note}" for rd in (readings or [])[1:4] if rd.note)
        msg = (f"{where}, the children of {what} are ambiguous ({_rows_text(fam.uncertain)} have no clear level): "
               f"with them they add up to {_fmt(expected)}" + (f", otherwise {alts}" if alts else "")
               + f", and none of these is the printed {_fmt(actual)}")
    else:
        same = [r for r in children if ledger.amount(t, r, column) == actual]
        if same and len(children) > 1:
            msg += f"; {_fmt(actual)} is the value of its {_ordinal(children.index(same[0]))} {_plural(same[0].level, 1)} (row {same[0].row_no}) alone"
        for factor in (Decimal(1000), Decimal("0.001")):
            if expected and actual * factor == expected:
                msg += f"; the figures differ by a factor of {_fmt(factor)} (printed in thousands?)"
                severity = "warning"
        if settled_by:
            msg += f" (taking as children the rows that make its {_column_words(settled_by, None)} add up" + (
                f": {reading.note})" if reading.note else ")")
        elif reading.note:
            msg += f" (reading {reading.note})"
        # A sub kegiatan printed once without a location and again per kelurahan: the kelurahan rows are its
        # siblings (the reading above); say what the other reading, the first row as their total, gives.
        for unlocated, located in _subtotal_groups(reading.rows):
            in_rows = _sum(t, located, column, ledger)
            if in_rows is None or readings is None or expected - in_rows == actual:
                continue  # (equal: the parent holds the first row's figure alone, which the message says already)
            msg += (f"; read as the total of its {len(located)} kelurahan rows (which add up to {_fmt(in_rows)}), "
                    f"row {unlocated.row_no} would make them add up to {_fmt(expected - in_rows)}, not {_fmt(actual)} either")
    confirmed = [r for r in children if (t.table_id, r.row_no, column) in ledger.confirmed]
    if confirmed:
        msg += "; " + ", ".join(f"row {r.row_no} counted as {_fmt(ledger.confirmed[(t.table_id, r.row_no, column)][0])}, "
                                 f"the reading of its malformed {r.values[column].raw!r} that its own children confirm" for r in confirmed)
    doubts = ([t.continued] if fam.open_end and t.continued else []) + _doubts(t, [r.values[column] for r in [p] + children if column in r.values])
    severity, msg = _weigh(severity, msg, doubts)
    cells = (CellRef(t.table_id, p.row_no, column, "checked"),) + tuple(CellRef(t.table_id, r.row_no, column) for r in children)
    return Finding(
        doc_id=t.doc_id, check="hierarchy_sum", severity=severity, table_code=t.code, message=msg,
        cells=cells, row_nos=tuple(c.row_no for c in cells), pages=_pages(t, [c.row_no for c in cells]),
        item=p.item, column=column, tahun=cell.tahun, expected=expected, actual=actual, difference=diff,
    )


def _plural(level: str, n: int) -> str:
    word = LEVEL_WORDS.get(level, "row")
    return word if n == 1 or word in ("kegiatan", "sub kegiatan") else word + "s"


def _level_word(r: _Row) -> str:
    return "no level" if r.level == "unknown" else f"a {LEVEL_WORDS.get(r.level, r.level)} out of order"


# --------------------------------------------------------------------------------------------------
# Malformed and repaired numbers


def _confirm_malformed(t: _Table, families: list[_Family], ledger: _Ledger) -> None:
    """Confirm a malformed number's candidate when its children add up to it, or its parent less its siblings does."""
    for fam in families:
        for column in t.money:
            key = (t.table_id, fam.parent.row_no, column)
            cell = fam.parent.values.get(column)
            if cell and cell.status == "malformed" and key not in ledger.confirmed and cell.candidates:
                readings = _readings(t, fam, column, ledger, {}) or []
                for rd in readings:
                    if rd.total in cell.candidates and any(ledger.printed(r, column) for r in rd.rows):
                        ledger.confirmed[key] = (rd.total, f"its {len(rd.rows)} children ({_rows_text(rd.rows)}) add up to it")
                        break
            parent_amount = ledger.amount(t, fam.parent, column)
            if parent_amount is None or not ledger.printed(fam.parent, column):
                continue
            unknown = [r for r in fam.children if ledger.amount(t, r, column) is None]
            if len(unknown) != 1 or fam.uncertain:
                continue
            child = unknown[0]
            c = child.values.get(column)
            if c is None or c.status != "malformed":
                continue
            rest = _sum(t, [r for r in fam.children if r is not child], column, ledger)
            if rest is not None and parent_amount - rest in c.candidates:
                ledger.confirmed[(t.table_id, child.row_no, column)] = (
                    parent_amount - rest, f"{fam.parent.described()} less its other children leaves it")


def _numbers(t: _Table, families: list[_Family], ledger: _Ledger) -> list[Finding]:
    out = []
    confirming = _confirming_sums(t, families, ledger)
    for r in t.rows:
        for column, c in r.values.items():
            if c.status not in ("malformed", "repaired") or _CODE_COLUMN.match(column) or _is_code(c.raw):
                continue
            where = f"In {t.code}, {LEVEL_WORDS.get(r.level, 'row')} {r.item} (row {r.row_no}, page {r.page})"
            cells = (CellRef(t.table_id, r.row_no, column, "checked"),)
            expected = None
            if c.status == "malformed":
                hit = ledger.confirmed.get((t.table_id, r.row_no, column))
                cands = ", ".join(_fmt(x) for x in c.candidates) or "none"
                parts = c.raw.split()
                if hit:
                    expected = hit[0]
                    msg = (f"{where} prints {column} as {c.raw!r}, a malformed number ({c.note}); "
                           f"{_fmt(hit[0])} is confirmed because {hit[1]}.")
                elif len(parts) > 1 and all(parse_number(x, t.locale).status == "ok" for x in parts):
                    msg = (f"{where} holds {len(parts)} figures in its {column} cell ({c.raw!r}): rows merged by the "
                           f"extraction or a cell printed on several lines; its value is withheld and the sums it enters were not checked.")
                else:
                    msg = (f"{where} prints {column} as {c.raw!r}, a malformed number ({c.note}) whose value is withheld; "
                           f"no sum confirms any reading (candidates: {cands}), so the sums it enters were not checked.")
                severity = "warning"
            else:
                expected = c.value
                how = confirming.get((r.row_no, column))
                msg = (f"{where} prints {column} as {c.raw!r}, read as {_fmt(c.value)} by a repair rule ({c.note})"
                       + (f"; {how}." if how else "; no sum confirms or contradicts it."))
                severity = "info"
            out.append(Finding(
                doc_id=t.doc_id, check="malformed_number", severity=severity, table_code=t.code, message=msg,
                cells=cells, row_nos=(r.row_no,), pages=(r.page,), item=r.item, column=column, tahun=c.tahun,
                expected=expected, actual=None if c.status == "malformed" else c.value, difference=None,
            ))
    return out


def _ocr_values(t: _Table, families: list[_Family], ledger: _Ledger, failing: dict) -> list[Finding]:
    """OCR'd numbers to check against the scan (see ``ocr_value`` in the module's docstring). `failing`: the
    cells of the failing findings of the document, each with its finding."""
    if not any(c.source == "ocr" for r in t.rows for c in r.values.values()):
        return []
    confirmed = set()  # cells of a sum that holds
    for fam in families:
        for column in t.money:
            total = _sum(t, fam.children + fam.uncertain, column, ledger)
            if total is not None and total == ledger.amount(t, fam.parent, column) and total:
                confirmed.update((r.row_no, column) for r in [fam.parent] + fam.children + fam.uncertain)
    out = []
    for i, r in enumerate(t.rows):
        if r.rank is None and r.level != "total":
            continue  # a heading or a header line read as a row: its cells are no figures of an item
        for column, c in r.values.items():
            if c.source != "ocr" or (r.row_no, column) in confirmed or _CODE_COLUMN.match(column) or _is_code(c.raw):
                continue
            doubt = _ocr_doubt(t, i, column, c)
            if doubt is None:
                continue
            where = f"In {t.code}, {LEVEL_WORDS.get(r.level, 'row')} {r.item} (row {r.row_no}, page {r.page})"
            other = failing.get((t.table_id, r.row_no, column))
            msg = (f"{where}, {column} {doubt}" + (f"; it enters a check that fails ({other.check}: {_short(other.message, 160)})"
                                                   if other else "; no sum confirms it") + ". Check it against the scan.")
            out.append(Finding(
                doc_id=t.doc_id, check="ocr_value", severity="warning", table_code=t.code, message=msg,
                cells=(CellRef(t.table_id, r.row_no, column, "checked"),), row_nos=(r.row_no,), pages=(r.page,),
                item=r.item, column=column, tahun=c.tahun, actual=c.value,
            ))
    return out


def _ocr_doubt(t: _Table, i: int, column: str, c: _Cell) -> str | None:
    """Why the OCR'd cell `column` of the `i`th row is doubtful, or None."""
    if c.status == "empty":
        # lost by OCR? The item rows next to it (above and below; above only for the last) print a number
        # there, and this row prints other numbers
        r = t.rows[i]
        near = [t.rows[j] for j in (i - 1, i + 1) if 0 <= j < len(t.rows) and t.rows[j].rank is not None]
        others = sum(1 for k, x in r.values.items() if k != column and x.status not in ("empty", "text"))
        if near and all(_printed_number(n, column) for n in near) and others:
            return "is empty in the OCR'd page while the rows around it print a number there: OCR may have lost it"
        return None
    if c.status == "text":
        return f"reads {c.raw!r}, not a number: OCR may have misread it"
    if c.status in ("malformed", "repaired"):
        return f"reads {c.raw!r} ({c.status}): OCR may have misread it"
    if len(c.raw.split()) > 1 and not re.fullmatch(r"[\d.,]+\s*%|Rp\.?\s*[\d.,]+", c.raw.strip()):
        return f"reads {c.raw!r}, more than one figure: OCR may have glued specks or a neighbour to it"
    if c.confidence is not None and c.confidence < OCR_DOUBT:
        return f"is read {c.raw!r} by OCR with a confidence of {c.confidence:.0f}"
    return None


def _printed_number(r: _Row, column: str) -> bool:
    c = r.values.get(column)
    return c is not None and c.status not in ("empty", "text")


def _is_code(raw: str) -> bool:
    """A program/kegiatan code printed in a column the extractor read as numbers (amount groups have 3 digits)."""
    if looks_like_code(raw):
        return True
    m = _OLD_CODE.match(raw or "")
    return bool(m) and any(len(g) < 3 for g in raw.strip().split(".")[1:])


def _confirming_sums(t: _Table, families: list[_Family], ledger: _Ledger) -> dict[tuple[int, str], str]:
    """For repaired numbers: which sums they make add up."""
    out = {}
    for fam in families:
        for column in t.money:
            rows = [fam.parent] + fam.children
            if not any(r.values.get(column) is not None and r.values[column].status == "repaired" for r in rows):
                continue
            total = _sum(t, fam.children + fam.uncertain, column, ledger)
            actual = ledger.amount(t, fam.parent, column)
            if total is None or actual is None:
                continue
            verdict = (f"the sum of {fam.parent.described()}'s children confirms it" if total == actual
                       else f"{fam.parent.described()} does not equal the sum of its children with it ({_fmt(actual)} vs {_fmt(total)})")
            for r in rows:
                if r.values.get(column) is not None and r.values[column].status == "repaired":
                    out[(r.row_no, column)] = verdict
    return out


# --------------------------------------------------------------------------------------------------
# Same item across tables: T-C.31 Hasil Analisis Kebutuhan against T-C.33, and T-C.31's two halves


def _cross_tables(doc_id: str, doc_tables: list[_Table], ledger: _Ledger) -> list[Finding]:
    out = []
    t31s = [t for t in doc_tables if t.code == "T-C.31" and "analisis_kebutuhan_dana" in t.columns]
    t33s = [t for t in doc_tables if t.code == "T-C.33" and "pagu_indikatif" in t.columns]
    for t in t31s:
        out += _changes(t, ledger)
    if not t31s or not t33s:
        return out
    left = [(t, r) for t in t31s for r in t.rows if _is_item(r)]
    right = [(t, r) for t in t33s for r in t.rows if _is_item(r)]
    plan_year = _first_year(right, "pagu_indikatif")
    year_31 = _first_year(left, "analisis_kebutuhan_dana")
    if plan_year and year_31 and plan_year != year_31:
        return out  # the two tables plan different years
    compared = []  # (left, right, how, x, y)
    for (ta, a), (tb, b), how in _pair_items(left, right):
        ca, cb = a.values.get("analisis_kebutuhan_dana"), b.values.get("pagu_indikatif")
        if ca is None or cb is None or ca.status == "empty" or cb.status == "empty":
            continue  # printed on one side only: an item dropped or added, not a disagreement about its amount
        x, y = ledger.amount(ta, a, "analisis_kebutuhan_dana"), ledger.amount(tb, b, "pagu_indikatif")
        if x is None or y is None:
            continue  # malformed and unconfirmed: reported by malformed_number
        compared.append(((ta, a), (tb, b), how, x, y))
    # a T-C.31 printed in thousands or millions next to a T-C.33 in rupiah: decided per T-C.31 table
    scales: dict[str, Decimal] = {}
    for t in t31s:
        mine = [c for c in compared if c[0][0] is t]
        scale, note = _scale(mine)
        scales[t.table_id] = scale
        if scale == 1:
            continue
        (ta, a), (tb, b), _, x, y = next(c for c in mine if c[3] * scale == c[4])
        agree = sum(1 for c in mine if c[3] * scale == c[4])
        out.append(Finding(
            doc_id=doc_id, check="cross_table", severity="warning", table_code="T-C.31 / T-C.33",
            message=(f"T-C.31 Hasil Analisis Kebutuhan (page {t.rows[0].page}) is printed in {note} of the T-C.33 pagu indikatif: "
                     f"{agree} of the {len(mine)} items shared by both tables agree once multiplied by {_fmt(scale)} "
                     f"(e.g. row {a.row_no}: {_fmt(x)} against {_fmt(y)}), so the two tables are compared on that scale."),
            cells=(CellRef(ta.table_id, a.row_no, "analisis_kebutuhan_dana", "checked"),
                   CellRef(tb.table_id, b.row_no, "pagu_indikatif")),
            row_nos=(a.row_no, b.row_no), pages=(a.page, b.page), item=None,
            column="analisis_kebutuhan_dana / pagu_indikatif", tahun=plan_year or year_31,
            expected=y, actual=x, difference=x - y,
        ))
    for (ta, a), (tb, b), how, x, y in compared:
        scale = scales[ta.table_id]
        if x * scale == y:
            continue
        ca, cb = a.values["analisis_kebutuhan_dana"], b.values["pagu_indikatif"]
        x_scaled = x * scale
        diff = x_scaled - y
        tol = max(ca.step * scale, cb.step)
        severity = "rounding" if abs(diff) <= tol / 2 else "error"
        year = f" {cb.tahun}" if cb.tahun else ""
        kind = LEVEL_WORDS.get(a.level if a.level != "unknown" else b.level, "item")
        shown = _fmt(x) + (f" (×{_fmt(scale)} = {_fmt(x_scaled)})" if scale != 1 else "")
        msg = (f"{kind[0].upper() + kind[1:]} {a.item} has {shown} in T-C.31 (Hasil Analisis Kebutuhan, row {a.row_no}, "
               f"page {a.page}) but {_fmt(y)} in T-C.33 (pagu indikatif{year}, row {b.row_no}, page {b.page}), "
               f"a difference of {_fmt(diff, signed=True)}" + (f" (rows matched {how})" if how != "code" else ""))
        severity, msg = _weigh(severity, msg, _doubts(ta, [ca]) + _doubts(tb, [cb]))
        cells = (CellRef(ta.table_id, a.row_no, "analisis_kebutuhan_dana", "checked"),
                 CellRef(tb.table_id, b.row_no, "pagu_indikatif", "checked"))
        out.append(Finding(
            doc_id=doc_id, check="cross_table", severity=severity, table_code="T-C.31 / T-C.33", message=msg,
            cells=cells, row_nos=(a.row_no, b.row_no), pages=(a.page, b.page), item=a.item if a.code else b.item,
            column="analisis_kebutuhan_dana / pagu_indikatif", tahun=cb.tahun or ca.tahun,
            expected=y, actual=x_scaled, difference=diff,
        ))
    return out


def _first_year(items, column: str) -> int | None:
    return next((r.values[column].tahun for _, r in items if column in r.values and r.values[column].tahun), None)


def _scale(compared) -> tuple[Decimal, str]:
    """T-C.31 printed in thousands ('Pagu indikatif (Rp.000)') next to a T-C.33 in rupiah: the factor, when most items show it."""
    nonzero = [c for c in compared if c[3] and c[4]]
    for factor, note in ((Decimal(1000), "thousands"), (Decimal(1000000), "millions"),
                         (Decimal("0.001"), "rupiah while T-C.33 is in thousands")):
        hits = sum(1 for c in nonzero if c[3] * factor == c[4])
        if hits >= 3 and hits * 2 > len(nonzero):
            return factor, note
    return Decimal(1), ""


def _is_item(r: _Row) -> bool:
    return r.level in RANK or r.level in ("total", "unknown")


def _key_code(r: _Row) -> tuple | None:
    return ("code", r.ncode or r.kode, (r.lokasi or "").lower()) if (r.ncode or r.kode) else None


def _key_name(r: _Row) -> tuple | None:
    if not r.uraian:
        return None
    v = location_variants(r.uraian)[0]
    name = comparable(v.name)
    return ("name", name, (r.lokasi or v.lokasi_unit or "").lower()) if name else None


def _pair_items(left, right):
    """Pair the rows of two tables: by code (+ lokasi_unit), then by normalised name, then by position between pairs."""
    pairs: dict[int, tuple[int, str]] = {}
    used: set[int] = set()
    for keyer, how in ((_key_code, "code"), (_key_name, "by name")):
        index: dict[tuple, list[int]] = defaultdict(list)
        for j, (_, b) in enumerate(right):
            k = keyer(b)
            if k and j not in used:
                index[k].append(j)
        for i, (_, a) in enumerate(left):
            if i in pairs:
                continue
            k = keyer(a)
            if k and index.get(k):
                j = index[k].pop(0)
                pairs[i] = (j, how)
                used.add(j)
    # A row printed without a usable name (the T-C.33 row that prints its indicator as the name) pairs with the
    # one unpaired row standing between the same two pairs on the other side, when their values agree.
    order = sorted(pairs.items())
    anchors = [(-1, -1)] + [(i, j) for i, (j, _) in order] + [(len(left), len(right))]
    for (i0, j0), (i1, j1) in zip(anchors, anchors[1:]):
        free_l = [i for i in range(i0 + 1, i1) if i not in pairs]
        free_r = [j for j in range(j0 + 1, j1) if j not in used]
        if len(free_l) == 1 and len(free_r) == 1 and j0 < j1:
            a, b = left[free_l[0]][1], right[free_r[0]][1]
            va, vb = a.values.get("analisis_kebutuhan_dana"), b.values.get("pagu_indikatif")
            if va and vb and va.value is not None and va.value == vb.value:
                pairs[free_l[0]] = (free_r[0], "by position")
                used.add(free_r[0])
    return [(left[i], right[j], how) for i, (j, how) in sorted(pairs.items())]


def _changes(t: _Table, ledger: _Ledger) -> list[Finding]:
    out = []
    if "rancangan_pagu_indikatif" not in t.columns:
        return out
    for r in t.rows:
        a, b = r.values.get("rancangan_pagu_indikatif"), r.values.get("analisis_kebutuhan_dana")
        if a is None or b is None or (a.status == "empty" and b.status == "empty"):
            continue
        x, y = ledger.amount(t, r, "rancangan_pagu_indikatif"), ledger.amount(t, r, "analisis_kebutuhan_dana")
        if x is None or y is None or x == y:
            continue
        diff = y - x
        pct = f" ({diff / x * 100:+.1f}%)" if x else ""
        if b.status == "empty":
            what = f"is dropped from the Hasil Analisis Kebutuhan (Rancangan Awal {_fmt(x)})"
        elif a.status == "empty":
            what = f"is added in the Hasil Analisis Kebutuhan with {_fmt(y)}"
        else:
            what = f"changes from {_fmt(x)} in the Rancangan Awal to {_fmt(y)} in the Hasil Analisis Kebutuhan, {_fmt(diff, signed=True)}{pct}"
        cells = (CellRef(t.table_id, r.row_no, "analisis_kebutuhan_dana", "checked"),
                 CellRef(t.table_id, r.row_no, "rancangan_pagu_indikatif"))
        out.append(Finding(
            doc_id=t.doc_id, check="change", severity="info", table_code=t.code,
            message=f"In T-C.31, {r.described()} {what}.", cells=cells, row_nos=(r.row_no,), pages=(r.page,),
            item=r.item, column="analisis_kebutuhan_dana", tahun=b.tahun or a.tahun, expected=x, actual=y, difference=diff,
        ))
    return out


# --------------------------------------------------------------------------------------------------
# Printed formulas


_FORMULA = re.compile(r"^\(?\s*(\d+)\s*\)?\s*=?\s*\(?(.*?[+\-/x×*].*?)\)?\s*$")
_TOKEN = re.compile(r"\s*(\d+(?:[.,]\d+)?|[-+*/x×()%])")


@dataclass
class _Formula:
    number: str
    column: str
    text: str
    inputs: dict[str, str]  # printed number → column
    ops: list  # postfix tokens
    ratio: bool


def _table_formulas(t: _Table) -> list[_Formula]:
    by_number: dict[str, str] = {}
    numeric = {c for r in t.rows for c in r.values}
    printed: dict[int, str] = {}
    for i, (col, num) in enumerate(zip(t.columns, t.column_numbers)):
        m = re.match(r"^\(?\s*(\d+)", num or "")
        if m and col in numeric and m.group(1) not in by_number:
            by_number[m.group(1)] = col
            printed[i] = num
    out = []
    for i, num in printed.items():
        m = _FORMULA.match(num.strip())
        if not m:
            continue
        postfix = _postfix(m.group(2))
        if postfix is None:
            continue
        refs = [tok for tok in postfix if isinstance(tok, str) and tok.isdigit() and tok != "100"]
        if not refs or any(r not in by_number for r in refs) or m.group(1) in refs:
            continue
        out.append(_Formula(m.group(1), t.columns[i], num.strip(), {r: by_number[r] for r in refs}, postfix,
                            ratio="/" in postfix))
    return out


def _postfix(expr: str) -> list | None:
    """Shunting-yard over + - * / and parentheses; 'x' and '×' multiply, a trailing '%' is dropped."""
    tokens = _TOKEN.findall(expr.replace(" ", ""))
    if "".join(tokens) != expr.replace(" ", ""):
        return None
    prec = {"+": 1, "-": 1, "*": 2, "/": 2}
    out, stack = [], []
    for tok in tokens:
        tok = {"x": "*", "×": "*"}.get(tok, tok)
        if tok == "%":
            continue
        if tok[0].isdigit():
            out.append(tok)
        elif tok in prec:
            while stack and stack[-1] in prec and prec[stack[-1]] >= prec[tok]:
                out.append(stack.pop())
            stack.append(tok)
        elif tok == "(":
            stack.append(tok)
        elif tok == ")":
            while stack and stack[-1] != "(":
                out.append(stack.pop())
            if not stack:
                return None
            stack.pop()
    while stack:
        if stack[-1] == "(":
            return None
        out.append(stack.pop())
    return out


def _evaluate(f: _Formula, row: _Row) -> Decimal | None:
    """The formula on one row; None when not computable (a ratio without both terms, or nothing printed at all)."""
    values = {}
    for number, col in f.inputs.items():
        c = row.values.get(col)
        values[number] = c.value if c is not None and c.value is not None else None
    if all(v is None for v in values.values()):
        return None
    stack: list[Decimal | None] = []
    for tok in f.ops:
        if tok[0].isdigit():
            stack.append(values[tok] if tok in values else Decimal(tok.replace(",", ".")))
            continue
        if len(stack) < 2:
            return None
        b, a = stack.pop(), stack.pop()
        if tok in "+-":
            # an empty term of a sum counts as zero (the document leaves it blank)
            a, b = a or Decimal(0), b or Decimal(0)
            stack.append(a + b if tok == "+" else a - b)
        elif a is None or b is None:
            return None
        elif tok == "*":
            stack.append(a * b)
        elif b == 0:
            return None
        else:
            stack.append(a / b)
    return stack[0] if len(stack) == 1 else None


def _formulas(t: _Table) -> list[Finding]:
    out = []
    for f in _table_formulas(t):
        scale = Decimal(100) if f.ratio and "100" not in f.ops else Decimal(1)
        checks: list[tuple[_Row, Decimal, _Cell]] = []
        printed: list[tuple[_Row, _Cell]] = []
        for r in t.rows:
            c = r.values.get(f.column)
            if c is None or c.value is None:
                continue
            printed.append((r, c))
            if not f.ratio and _has_percent(f, r):
                continue  # a sum of percentages means nothing; documents print the cumulative percentage instead
            e = _evaluate(f, r)
            if e is not None:
                checks.append((r, (e * scale).quantize(Decimal("0.0001")), c))
        if not printed:
            continue
        constant = printed[0][1].value
        if len(printed) >= 3 and all(c.value == constant for _, c in printed):
            off = [(r, e) for r, e, c in checks if abs(e - c.value) > c.step / 2]
            if (constant == 0 and checks) or len(off) >= 3:  # a zero nothing could compute is no finding
                out.append(_constant(t, f, printed, checks, off))
                continue
        wrong = []  # (row, expected, cell, severity)
        for r, expected, c in checks:
            diff = c.value - expected
            unit = c.step
            if f.ratio:
                if abs(diff) <= unit / 2:
                    continue  # the printed figure is the exact ratio rounded as printed
                severity = "rounding" if abs(diff) <= unit else "error"
            else:
                if diff == 0:
                    continue
                terms = [r.values[col] for col in f.inputs.values() if col in r.values and r.values[col].value is not None]
                coarsest = max([unit] + [x.step for x in terms])
                severity = "rounding" if abs(diff) <= coarsest / 2 * (len(terms) + 1) else "error"
            wrong.append((r, expected, c, severity))
        inverted = [w for w in wrong if w[3] == "error" and _inverse_matches(f, w[0], w[2], scale)]
        if len(inverted) >= 3 and len(inverted) * 2 >= len(wrong):
            out.append(_inverted(t, f, inverted, len(checks)))
            wrong = [w for w in wrong if all(w is not x for x in inverted)]
        for r, expected, c, severity in wrong:
            out.append(_formula_finding(t, f, r, expected, c, severity, scale))
    return out


def _has_percent(f: _Formula, r: _Row) -> bool:
    cells = [r.values.get(col) for col in [f.column, *f.inputs.values()]]
    return any(c is not None and c.value is not None and c.unit == "%" for c in cells)


def _inverse_matches(f: _Formula, r: _Row, c: _Cell, scale: Decimal) -> bool:
    """Is the printed figure the ratio turned upside down (10/4 printed as 4/10)?"""
    if len(f.ops) != 3 or f.ops[2] != "/":
        return False
    a, b = (r.values.get(f.inputs.get(tok, "")) for tok in f.ops[:2])
    if not a or not b or not a.value or not b.value:
        return False
    return abs(c.value - b.value / a.value * scale) <= c.step / 2


def _formula_finding(t, f, r, expected, c, severity, scale) -> Finding:
    diff = c.value - expected
    inputs = ", ".join(f"{col} {_fmt(r.values[col].value) if col in r.values and r.values[col].value is not None else 'empty'}"
                       for col in f.inputs.values())
    msg = (f"In {t.code}, {r.described()} prints {f.column} as {c.raw.strip()!r} but the printed formula {f.text} "
           f"gives {_fmt(_round_like(expected, c.decimals + 2))} from {inputs}, "
           f"a difference of {_fmt(_round_like(diff, c.decimals + 2), signed=True)}")
    doubts = _doubts(t, [c] + [r.values[col] for col in f.inputs.values() if col in r.values])
    severity, msg = _weigh(severity, msg, doubts)
    cells = (CellRef(t.table_id, r.row_no, f.column, "checked"),) + tuple(
        CellRef(t.table_id, r.row_no, col) for col in f.inputs.values() if col in r.values)
    return Finding(
        doc_id=t.doc_id, check="formula", severity=severity, table_code=t.code, message=msg, cells=cells,
        row_nos=(r.row_no,), pages=(r.page,), item=r.item, column=f.column, tahun=c.tahun,
        expected=expected, actual=c.value, difference=diff,
    )


def _inverted(t, f, inverted, n_checked) -> Finding:
    r, expected, c, _ = inverted[0]
    a, b = (f.inputs[tok] for tok in f.ops[:2])
    rows = [w[0] for w in inverted]
    msg = (f"In {t.code}, {f.column} is computed upside down on {len(inverted)} of the {n_checked} rows where the "
           f"printed formula {f.text} can be checked ({_rows_text(rows)}): it is {b} / {a}, not {a} / {b}; "
           f"e.g. row {r.row_no} prints {c.raw.strip()!r} where the formula gives {_fmt(_round_like(expected, c.decimals + 2))}")
    cells = tuple(CellRef(t.table_id, w[0].row_no, f.column, "checked") for w in inverted[:20]) + (
        CellRef(t.table_id, r.row_no, a), CellRef(t.table_id, r.row_no, b))
    return Finding(
        doc_id=t.doc_id, check="formula", severity="error", table_code=t.code, message=msg + ".", cells=cells,
        row_nos=tuple(x.row_no for x in rows), pages=_pages(t, [x.row_no for x in rows]), item=r.item,
        column=f.column, tahun=c.tahun, expected=expected, actual=c.value, difference=c.value - expected,
    )


def _constant(t, f, printed, checks, off) -> Finding:
    """A derived column printed with one figure throughout (0, or 100 everywhere): one finding, not one per row."""
    value = printed[0][1].value
    rows = [r.row_no for r, _ in printed]
    shown = [r for r, _ in off[:20]] or [r for r, _ in printed[:20]]
    msg = f"In {t.code}, the derived column {f.column} ({f.text}) is printed as {_fmt(value)} on all {len(printed)} rows where it is printed"
    if off:
        r, e = off[0]
        msg += (f", although the formula gives another value on {len(off)} of them (e.g. {_fmt(_round_like(e, 2))} on row {r.row_no}): "
                f"it looks typed in rather than computed.")
    else:
        msg += f"; it is computable on {len(checks)} of them, where its inputs give {_fmt(value)} too."
    return Finding(
        doc_id=t.doc_id, check="formula", severity="error" if off else "warning", table_code=t.code,
        message=msg, cells=tuple(CellRef(t.table_id, r.row_no, f.column, "checked") for r in shown),
        row_nos=tuple(rows), pages=_pages(t, rows), item=None, column=f.column, tahun=printed[0][1].tahun,
        expected=off[0][1] if off else None, actual=value, difference=value - off[0][1] if off else None,
    )


# --------------------------------------------------------------------------------------------------
# Ratios a table implies without printing a formula


# Per table code: (ratio column, numerator, base, kind), canonical names of normalize/templates.py; a
# per-year column pairs with the operands of the same year suffix (rasio_3 = realisasi_3 / anggaran_3).
# kind 'target': a capaian against a target, which an indicator where lower is better prints as
# target / realisasi or as (2 × target − realisasi) / target; 'anggaran': budget absorption, never turned.
# LKJIP-ALOKASI's persentase_anggaran is a share of the total and LKJIP-EFISIENSI compares two
# percentages by no fixed rule: neither is a ratio of the row's own cells.
_READ = ("ok", "repaired")  # a dash is no figure: '-' for a rasio says nothing was computed


@dataclass
class _Ratio:
    column: str
    numerator: str
    base: str
    kind: str

    @property
    def text(self) -> str:
        return f"{self.numerator} / {self.base} × 100"


def _table_ratios(t: _Table) -> list[_Ratio]:
    """The implied ratios whose three columns the table has, less those its printed formulas already check."""
    printed = {f.column for f in _table_formulas(t)}
    out = []
    profile = PROFILES.get(t.code)
    for column, numerator, base, kind in profile.ratios if profile else ():
        for c in t.columns:
            m = re.fullmatch(rf"{column}(_\d+)?", c)
            if not m or c in printed:
                continue
            suffix = m.group(1) or ""
            if numerator + suffix in t.columns and base + suffix in t.columns:
                out.append(_Ratio(c, numerator + suffix, base + suffix, kind))
    return out


def _half(c: _Cell) -> Decimal:
    """Half a unit of a figure's printed precision, 0 for a whole number printed whole (a target of 5 is 5)."""
    return c.step / 2 if c.decimals or c.step > 1 else Decimal(0)


def _implied_ratios(t: _Table) -> list[Finding]:
    out = []
    for q in _table_ratios(t):
        checks = []  # (row, exact ratio, printed cell, numerator cell, base cell)
        printed = []
        for r in t.rows:
            c, a, b = (r.values.get(col) for col in (q.column, q.numerator, q.base))
            if c is None or c.status not in _READ:
                continue
            printed.append((r, c))
            if a is None or b is None or a.status not in _READ or b.status not in _READ or b.value == 0:
                continue  # not computable here: whatever is printed is no contradiction
            if a.tahun and b.tahun and c.tahun and len({a.tahun, b.tahun, c.tahun}) > 1:
                continue  # the year suffixes do not line up: a header read wrong, not a figure
            checks.append((r, a.value / b.value * 100, c, a, b))
        wrong = []  # (row, exact, cell, numerator, base, severity, what else the printed figure is)
        for r, exact, c, a, b in checks:
            half = c.step / 2
            # the operands' own rounding moves the ratio by up to this much
            spread = 100 * (_half(a) / abs(b.value) + abs(a.value) * _half(b) / b.value ** 2)
            band = half + max(half, spread)
            diff = c.value - exact
            if abs(diff) <= half:
                continue
            if abs(diff) <= band:
                wrong.append((r, exact, c, a, b, "rounding", None))
                continue
            other = _other_reading(q, c, a, b, band)
            wrong.append((r, exact, c, a, b, other[1] if other else "error", other[0] if other else None))
        if len(printed) >= 3 and len({c.value for _, c in printed}) == 1:
            off = [(w[0], w[1]) for w in wrong if w[5] == "error"]
            if len(off) >= 3:  # one figure typed down the column: one finding, not one per row
                out.append(_constant(t, q, printed, checks, off))
                continue
        for r, exact, c, a, b, severity, turned in wrong:
            out.append(_ratio_finding(t, q, r, exact, c, a, b, severity, turned))
    return out


def _other_reading(q: _Ratio, c: _Cell, a: _Cell, b: _Cell, band: Decimal) -> tuple[str, str] | None:
    """What else the printed figure is, and how much that matters: a capaian of an indicator where lower is
    better (info), or a difference printed as a percentage (warning: the Kanigaran LKjIP 2024 prints Tingkat
    Kemajuan 55% for a realisasi of 100 against a target of 45). A budget ratio upside down stays an error."""
    readings = [(f"{q.base} / {q.numerator} × 100", b.value / a.value * 100 if a.value else None, "info"),
                (f"(2 × {q.base} − {q.numerator}) / {q.base} × 100", (2 * b.value - a.value) / b.value * 100, "info"),
                (f"{q.numerator} − {q.base}", a.value - b.value, "warning")]
    for text, value, severity in readings:
        if value is None or abs(c.value - value) > band:
            continue
        if q.kind == "target":
            return text, severity
        if value is readings[0][1]:
            return text, "error"  # said in the message
    return None


def _ratio_finding(t, q, r, exact, c, a, b, severity, turned) -> Finding:
    expected = exact.quantize(Decimal("0.0001"))
    diff = c.value - expected
    shown = _fmt(_round_like(exact, c.decimals + 2))
    figures = f"{q.numerator} {_fmt(a.value)}, {q.base} {_fmt(b.value)}"
    if severity == "info":
        msg = (f"In {t.code}, {r.described()} prints {q.column} as {c.raw.strip()!r}, which is {turned} ({figures}), "
               f"not {q.text} = {shown}: the capaian of an indicator where lower is better.")
    elif severity == "warning" and turned:
        msg = (f"In {t.code}, {r.described()} prints {q.column} as {c.raw.strip()!r}, which is the difference {turned} "
               f"({figures}), not the ratio {q.text} = {shown}: a difference printed as a percentage.")
    else:
        msg = (f"In {t.code}, {r.described()} prints {q.column} as {c.raw.strip()!r} but {q.text} gives {shown} "
               f"from {figures} (the table prints no formula; {q.column} is {q.numerator} / {q.base}), "
               f"a difference of {_fmt(_round_like(diff, c.decimals + 2), signed=True)}")
        if turned:
            msg += f"; the printed figure is {turned}, upside down"
        severity, msg = _weigh(severity, msg, _doubts(t, [c, a, b]))
    cells = (CellRef(t.table_id, r.row_no, q.column, "checked"), CellRef(t.table_id, r.row_no, q.numerator),
             CellRef(t.table_id, r.row_no, q.base))
    return Finding(
        doc_id=t.doc_id, check="formula", severity=severity, table_code=t.code, message=msg, cells=cells,
        row_nos=(r.row_no,), pages=(r.page,), item=r.item, column=q.column, tahun=c.tahun,
        expected=expected, actual=c.value, difference=diff,
    )


# --------------------------------------------------------------------------------------------------
# How sure a finding is


_GROUPED = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?"
_TWO_NUMBERS = re.compile(rf"^\s*(?:Rp\.?\s*)?{_GROUPED}\s+(?:Rp\.?\s*)?(?:{_GROUPED}|-)\s*$")


def _mis_split(rows: list[_Row]) -> str | None:
    """Cells holding two amounts ('38,430,000 58,500,000') mean the extraction merged rows: sums there are unsure."""
    n = sum(1 for r in rows for c in r.values.values() if _TWO_NUMBERS.match(c.raw or ""))
    return f"{n} cells of this table hold two amounts, so its rows may be mis-split by the extraction" if n >= 2 else None


def _doubts(t: _Table, cells: list[_Cell]) -> list[str]:
    out = [t.mis_split] if t.mis_split else []
    for c in cells:
        if c.status == "repaired":
            out.append(f"{c.raw.strip()!r} was read with a repair rule ({c.note})")
        elif _spaced(c.raw or ""):
            out.append(f"the printed {c.raw.strip()!r} has a space inside and may be two figures read as one")
    return out


def _spaced(raw: str) -> bool:
    """A space between digits, unless it falls inside a well-grouped amount ('9 46.195.250' is letter spacing)."""
    if not re.search(r"\d\s+\d", raw):
        return False
    compact = re.sub(r"\s+", "", raw)
    return not re.search(r"(?<![\d.,])\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?:[.,]\d{1,2})?(?![\d.,])", compact)


def _weigh(severity: str, msg: str, doubts: list[str]) -> tuple[str, str]:
    """An error resting on an unsure reading is a warning, and says why."""
    if severity == "error" and doubts:
        return "warning", f"{msg}; a warning, not an error, because {'; '.join(doubts[:2])}."
    return severity, msg + "."


# --------------------------------------------------------------------------------------------------
# Duplicated rows across a page break


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "").lower()


def _duplicate_pairs(t: _Table) -> dict[int, int]:
    """Second row_no → first row_no, for consecutive rows with the same item and cells.

    Typically across a page break; a row whose text a page break split is dated to the page where it
    starts, so its repeat may carry the same page.
    """
    out = {}
    for a, b in zip(t.rows, t.rows[1:]):
        if not a.uraian or a.level in ("label", "total"):
            continue
        if [_squash(x) for x in a.cells] != [_squash(x) for x in b.cells]:
            continue
        if any(c.value is not None and c.value != 0 for c in a.values.values()):
            out[b.row_no] = a.row_no
    return out


def _duplicates(t: _Table, pairs: dict[int, int], confirmed: dict[tuple[str, int], list[str]]) -> list[Finding]:
    out = []
    for second, first in pairs.items():
        a, b = t.row(first), t.row(second)
        money = next((c for c in t.money if c in b.values and b.values[c].value), None)
        why = confirmed.get((t.table_id, second))
        severity = "error" if why else "warning"
        where = f"row {first} of page {a.page}" if a.page != b.page else f"row {first} just above it"
        msg = (f"In {t.code}, {b.described()} on page {b.page} repeats {where} cell for cell"
               + (f" ({_fmt(b.values[money].value)} in {money})" if money else "")
               + (f"; {why[0]}, so the repeat inflates the sum." if why else
                  "; if it is the same item printed twice it inflates every sum it enters."))
        cells = (CellRef(t.table_id, second, money or "", "checked"), CellRef(t.table_id, first, money or ""))
        out.append(Finding(
            doc_id=t.doc_id, check="duplicate_row", severity=severity, table_code=t.code, message=msg, cells=cells,
            row_nos=(first, second), pages=(a.page, b.page), item=b.item, column=money,
            tahun=b.values[money].tahun if money else None, expected=None,
            actual=b.values[money].value if money else None, difference=None,
        ))
    return out


# --------------------------------------------------------------------------------------------------
# Formatting for messages


def format_amount(d: Decimal | None, signed: bool = False) -> str:
    """Indonesian style, as the documents print it: 1.069.713.200 and 98,07 (no trailing zero decimals)."""
    if d is None:
        return "—"
    d = Decimal(d)
    sign = "-" if d < 0 else ("+" if signed and d > 0 else "")
    d = abs(d)
    text = format(d.normalize(), "f")
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


_fmt = format_amount


def _round_like(d: Decimal, decimals: int) -> Decimal:
    return d.quantize(Decimal(1).scaleb(-min(decimals, 4)))


def _fit(d: Decimal | None) -> Decimal | None:
    """Into decimal128(20,4), or None when it cannot be held there (a malformed reading of 16+ digits)."""
    if d is None or abs(Decimal(d)) >= Decimal(10) ** 16:
        return None
    return Decimal(d).quantize(Decimal("0.0001"))


def _short(s: str, n: int) -> str:
    s = re.sub(r"\s+", " ", s or "").strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _ordinal(i: int) -> str:
    return ["first", "second", "third", "fourth", "fifth"][i] if i < 5 else f"{i + 1}th"


def _rows_text(rows: list[_Row], limit: int = 8) -> str:
    nos = sorted(r.row_no for r in rows)
    if not nos:
        return "no rows"
    if len(nos) > 2 and nos == list(range(nos[0], nos[-1] + 1)):
        return f"rows {nos[0]}-{nos[-1]}"
    if len(nos) > limit:
        return f"{len(nos)} rows: " + ", ".join(map(str, nos[:limit])) + ", …"
    return ("row " if len(nos) == 1 else "rows ") + ", ".join(map(str, nos))


def _column_words(column: str, tahun: int | None) -> str:
    return COLUMN_WORDS.get(column, column) + (f" {tahun}" if tahun else "")


def _pages(t: _Table, row_nos: list[int]) -> tuple[int, ...]:
    return tuple(sorted({t.row(n).page for n in row_nos}))


# --------------------------------------------------------------------------------------------------
# Reading the outputs and writing findings.parquet


def load_outputs(folder: Path) -> dict[str, pa.Table]:
    """documents/tables/rows/values.parquet of one `sakip extract` output folder."""
    folder = Path(folder)
    missing = [n for n in ("documents", "tables", "rows", "values") if not (folder / f"{n}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"{folder} has no {', '.join(m + '.parquet' for m in missing)}; run `sakip extract` first")
    return {n: pq.read_table(folder / f"{n}.parquet") for n in ("documents", "tables", "rows", "values")}


def findings_table(findings: list[Finding]) -> pa.Table:
    table = pa.Table.from_pylist([f.record() for f in findings], schema=FINDINGS)
    table.validate(full=True)
    return table.replace_schema_metadata({**(FINDINGS.metadata or {}), b"sakip_schema_version": SCHEMA_VERSION.encode()})


def write_findings(findings: list[Finding], out_dir: Path) -> Path:
    from .writers import write_atomic

    path = Path(out_dir) / "findings.parquet"
    write_atomic(findings_table(findings), path)
    return path
