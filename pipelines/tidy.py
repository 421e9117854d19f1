"""One tidy table per template: the four output datasets joined back into the table as printed.

`read_table(out, "T-C.33")` gives one pandas DataFrame with a row per table row of every document in
`out` (a `sakip extract` output folder or URL): who printed it (document, perangkat daerah, pemda,
tahun), where (page), what it is (level, kode, uraian, indikator, the table's text columns such as
lokasi and sumber_dana, as printed or carried down a vertical merge), its nomenclature match, and one
column per value column and year (`pagu_indikatif_2019`) holding the exact number (Arrow decimal128).
`write_table` saves it as CSV, Excel or Parquet (`sakip table`).

This module only reads and reshapes what `sakip extract` wrote; it checks nothing (that is the audit).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from normalize.templates import PROFILES

from . import storage
from .schema import VALUE_COLUMN, VALUE_TYPE

FORMATS = ("csv", "xlsx", "parquet")
# Columns every tidy table starts with, in this order; the table's own columns follow.
ROW_COLUMNS = ("document", "doc_id", "perangkat_daerah", "pemda", "tahun", "table_id", "page", "row_no", "level",
               "kode", "uraian", "indikator")
MATCH_COLUMNS = ("nomenclature_code", "nomenclature_name", "nomenclature_version", "match_status", "match_score",
                 "lokasi_unit")
# Columns whose text the fixed columns above already give (kode as normalised, uraian as cleaned).
_GIVEN = re.compile(r"(kode|uraian|indikator)(_\d+)?")
# A column printed once per year of a period (target_renstra_1 ... _5) is named by its year alone.
_PER_YEAR = tuple(sorted({rule.name for p in PROFILES.values() for rule in p.columns if rule.per_year}))
EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows, less the header


class NoSuchTable(LookupError):
    """The output holds no table of the code asked for."""


def read_table(out: str | Path, table_code: str) -> pd.DataFrame:
    """Every row of every `table_code` table in the output folder `out`, one DataFrame (see the module doc)."""
    documents, tables, rows, values = _read(out, table_code)
    if tables.num_rows == 0:
        codes = sorted(set(_dataset(out, "tables").to_table(columns=["table_code"]).column(0).to_pylist()))
        raise NoSuchTable(f"{out} holds no {table_code} table (tables there: {', '.join(codes) or 'none'})")
    docs = {d["doc_id"]: d for d in documents.to_pylist()}
    table_info = {t["table_id"]: t for t in tables.to_pylist()}
    names = _value_names(values)
    text_names = _text_columns(table_info.values(), {c for c, _ in names})
    records = []
    for r in rows.to_pylist():
        t, d = table_info.get(r["table_id"]), docs.get(r["doc_id"], {})
        if t is None:
            continue
        rec = {
            "document": Path(d.get("source_path") or "").name or None, "doc_id": r["doc_id"],
            "perangkat_daerah": d.get("perangkat_daerah"), "pemda": d.get("pemda"), "tahun": d.get("tahun"),
            "table_id": r["table_id"], "page": r["page"], "row_no": r["row_no"], "level": r["level"], "kode": r["kode"],
            "uraian": r["uraian"], "indikator": r["indikator"] or None,
        }
        filled = dict(r["filled"] or [])
        for name, text in zip(t["columns"], r["cells"]):
            if name in text_names:
                rec[name] = text.strip() or filled.get(name) or None
        rec.update({k: r.get(k) for k in MATCH_COLUMNS})
        rec["_order"] = (Path(d.get("source_path") or "").name, t["page_start"], r["table_id"], r["row_no"])
        records.append(rec)
    records.sort(key=lambda rec: rec.pop("_order"))
    frame = pd.DataFrame.from_records(records, columns=[*ROW_COLUMNS, *text_names, *MATCH_COLUMNS])
    for col in ("tahun", "page", "row_no"):
        frame[col] = frame[col].astype("Int32")
    return frame.join(_value_frame(frame, values, names))


def write_table(frame: pd.DataFrame, fmt: str, to) -> None:
    """`frame` as CSV (exact decimals without trailing zeros), Excel or Parquet; `to` is a path or a text stream.
    A file is written to a temporary name beside it and renamed, so it is whole or absent."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "xlsx" and len(frame) > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(frame):,} rows do not fit an Excel sheet ({EXCEL_MAX_ROWS:,}): use csv or parquet")
    if not isinstance(to, (str, Path)):
        _write(frame, fmt, to)
        return
    to = Path(to)
    tmp = to.with_name(f".{to.name}.{os.getpid()}.tmp")
    try:
        _write(frame, fmt, tmp)
        os.replace(tmp, to)
    finally:
        tmp.unlink(missing_ok=True)


def _write(frame: pd.DataFrame, fmt: str, to) -> None:
    if fmt == "parquet":
        frame.to_parquet(to, index=False)
        return
    plain = frame.copy()
    for col in plain.columns:
        if isinstance(plain[col].dtype, pd.ArrowDtype) and pa.types.is_decimal(plain[col].dtype.pyarrow_dtype):
            # CSV: the number as printed in full ('6166684000', '98.07'); Excel: a number
            plain[col] = plain[col].astype(object).map(_plain if fmt == "csv" else _number, na_action="ignore")
    if fmt == "csv":
        plain.to_csv(to, index=False)
    else:
        with pd.ExcelWriter(to, engine="openpyxl") as xl:
            plain.to_excel(xl, index=False, sheet_name="table")


def _plain(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _number(d: Decimal) -> int | Decimal:
    return int(d) if d == d.to_integral_value() else d


def _dataset(out, name: str) -> ds.Dataset:
    fs, where = storage.arrow_filesystem(storage.join(out, f"{name}.parquet"))
    if fs is None and not Path(where).exists():
        raise FileNotFoundError(f"{out} has no {name}.parquet: run `sakip extract ... --out {out}` first")
    return ds.dataset(where, filesystem=fs, format="parquet")


def _read(out, table_code: str) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    of_code = ds.field("table_code") == table_code
    tables = _dataset(out, "tables").to_table(
        columns=["table_id", "doc_id", "page_start", "columns"], filter=of_code)
    rows = _dataset(out, "rows").to_table(filter=of_code)
    values = _dataset(out, "values").to_table(columns=["table_id", "row_no", VALUE_COLUMN, "tahun", "value"],
                                               filter=of_code)
    doc_ids = pa.array(sorted(set(tables.column("doc_id").to_pylist())), pa.string())
    documents = _dataset(out, "documents").to_table(
        columns=["doc_id", "source_path", "perangkat_daerah", "pemda", "tahun"], filter=ds.field("doc_id").isin(doc_ids))
    return documents, tables, rows, values


def _value_names(values: pa.Table) -> dict[tuple[str, int | None], str]:
    """(value column, year) → the tidy column's name: `pagu_indikatif_2019`, `target_renstra_2021` (for the
    per-year `target_renstra_3` of that year), or the value column alone when no year is printed."""
    pairs = sorted(set(zip(values.column(VALUE_COLUMN).to_pylist(), values.column("tahun").to_pylist())),
                   key=lambda p: (p[1] or 0, p[0]))
    names = {}
    for column, tahun in pairs:
        if _GIVEN.fullmatch(column):
            continue  # the parts of a code printed one per cell ('1 | 20 | 06'): in kode
        base = re.sub(r"_\d+$", "", column) if tahun and re.sub(r"_\d+$", "", column) in _PER_YEAR else column
        names[(column, tahun)] = f"{base}_{tahun}" if tahun else base
    taken: dict[str, list[tuple[str, int | None]]] = {}
    for pair, name in names.items():
        taken.setdefault(name, []).append(pair)
    for name, pairs_of_name in taken.items():
        if len(pairs_of_name) > 1:  # target_renstra_1 and target_renstra of one year: keep them apart
            for column, tahun in pairs_of_name:
                names[(column, tahun)] = f"{column}_{tahun}" if tahun else column
    return names


def _text_columns(tables, value_columns: set[str]) -> list[str]:
    """The tables' columns that hold text (lokasi, sumber_dana, satuan ...), in the order first printed."""
    out: list[str] = []
    for t in tables:
        for name in t["columns"]:
            if name not in value_columns and name not in out and not _GIVEN.fullmatch(name) and name not in ROW_COLUMNS:
                out.append(name)
    return out


def _value_frame(frame: pd.DataFrame, values: pa.Table, names: dict[tuple[str, int | None], str]) -> pd.DataFrame:
    """One decimal column per value column and year, aligned with `frame`'s rows."""
    position = {(t, n): i for i, (t, n) in enumerate(zip(frame["table_id"], frame["row_no"]))}
    columns: dict[str, list] = {}
    for name in names.values():
        columns.setdefault(name, [None] * len(frame))
    for v in values.to_pylist():
        i = position.get((v["table_id"], v["row_no"]))
        name = names.get((v[VALUE_COLUMN], v["tahun"]))
        if i is not None and name is not None and v["value"] is not None:
            cell = columns[name]
            if cell[i] is None:
                cell[i] = v["value"]
    dtype = pd.ArrowDtype(VALUE_TYPE)
    return pd.DataFrame({name: pd.array(col, dtype=dtype) for name, col in columns.items()}, index=frame.index)
