"""Parquet writers: validate against the declared schema, then write atomically.

Each file is written to a temporary name in the output folder and renamed over the old one, so
an interrupted run leaves the previous output whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import SCHEMAS, SCHEMA_VERSION


def to_table(name: str, records: list[dict]) -> pa.Table:
    """Records → Arrow table of the declared schema (raises if a record does not fit)."""
    schema = SCHEMAS[name]
    table = pa.Table.from_pylist(records, schema=schema)
    table.validate(full=True)
    return table.replace_schema_metadata({**(schema.metadata or {}), b"sakip_schema_version": SCHEMA_VERSION.encode()})


def write_atomic(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_outputs(results, out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    records = {
        "documents": [r.document for r in results],
        "tables": [t for r in results for t in r.tables],
        "rows": [x for r in results for x in r.rows],
        "values": [v for r in results for v in r.values],
    }
    # build every table first, so a record that breaks the schema stops the run before any file is replaced
    tables = {name: to_table(name, recs) for name, recs in records.items()}
    paths = {}
    for name, table in tables.items():
        paths[name] = out_dir / f"{name}.parquet"
        write_atomic(table, paths[name])
    return paths
