"""Parquet writers: validate against the declared schema, then publish the four datasets atomically.

Each output is a Parquet dataset, a folder named like a file (`rows.parquet/`) holding part files,
so `pandas.read_parquet`, `pyarrow.dataset` and DuckDB read it with the path alone. The documents
are split into parts by the first hex digits of their `doc_id`: one part (`part.parquet`) up to
`DOCS_PER_PART` documents, 16 parts (`part-0.parquet` … `part-f.parquet`) up to 16 times that, and
so on. A part is rewritten only when one of its documents changed, so adding 10 files to thousands
rewrites at most 10 parts.

Every part file is written to a temporary name in its folder and renamed over the old one: a reader
or an interrupted run sees each part either whole before or whole after. Part files carry, in their
metadata, a signature of what they hold; a part whose signature is unchanged is not written again.

This module does not extract anything and does not know about the cache (see `run.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import SCHEMAS, SCHEMA_VERSION

def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()  # mkstemp makes 0600; outputs and cache are for every user of a shared disk
DOCS_PER_PART = 1000
ROW_GROUP_ROWS = 100_000
_SIGNATURE = b"sakip_part_signature"
CHILD_TABLES = ("tables", "rows", "values")


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
    os.chmod(tmp, FILE_MODE)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass
class OutputDocument:
    """One document to publish: its documents record, and where its tables, rows and values come from.

    `key` names the content of `load()` (a cache entry); two runs that give a document the same record
    and key write the same bytes. `load` returns the tables/rows/values Arrow tables (None: none)."""

    document: dict
    key: str | None = None
    load: Callable[[], dict[str, pa.Table]] | None = None


@dataclass
class PublishReport:
    parts: int
    written: int


def part_name(doc_id: str, prefix_len: int) -> str:
    return "part" if prefix_len == 0 else f"part-{doc_id[:prefix_len]}"


def prefix_len_for(n_docs: int) -> int:
    k = 0
    while n_docs > DOCS_PER_PART * 16 ** k:
        k += 1
    return k


def publish(docs: list[OutputDocument], out_dir: Path) -> PublishReport:
    """Write the four datasets of `docs` (in this order within each part) into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    k = prefix_len_for(len(docs))
    parts: dict[str, list[OutputDocument]] = {"part": []} if k == 0 else {}
    for d in docs:
        parts.setdefault(part_name(d.document["doc_id"], k), []).append(d)
    folders = {name: _dataset_folder(out_dir, name) for name in SCHEMAS}
    written = 0
    for part, members in sorted(parts.items()):
        signature = _signature(members)
        if signature is not None and all(_signature_of(folders[n] / f"{part}.parquet") == signature for n in SCHEMAS):
            continue
        _write_part(folders, part, members, signature)
        written += 1
    for name, folder in folders.items():
        for f in folder.iterdir():
            if f.suffix == ".parquet" and f.stem not in parts:
                f.unlink()
        _finish_folder(out_dir, name, folder)
    return PublishReport(len(parts), written)


def write_outputs(results, out_dir: Path) -> dict[str, Path]:
    """Publish in-memory `FileResult`s (documents in the order given); returns the dataset folders."""
    docs = []
    for r in results:
        # a schema error is raised here, before any part is replaced
        tables = {name: to_table(name, getattr(r, name)) for name in CHILD_TABLES}
        docs.append(OutputDocument(r.document, None, lambda t=tables: t))
    to_table("documents", [d.document for d in docs])
    publish(docs, out_dir)
    return {name: Path(out_dir) / f"{name}.parquet" for name in SCHEMAS}


# --- parts ---------------------------------------------------------------------------------------

def _signature(members: list[OutputDocument]) -> str | None:
    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for d in members:
        if d.load is not None and d.key is None:
            return None  # content not named: always written
        h.update(json.dumps(d.document, sort_keys=True, default=str).encode() + b"\0" + (d.key or "").encode() + b"\n")
    return h.hexdigest()


def _signature_of(path: Path) -> str | None:
    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    value = meta.get(_SIGNATURE)
    return value.decode() if value else None


def _write_part(folders: dict[str, Path], part: str, members: list[OutputDocument], signature: str | None) -> None:
    schemas = {}
    for name, schema in SCHEMAS.items():
        meta = {**(schema.metadata or {}), b"sakip_schema_version": SCHEMA_VERSION.encode()}
        if signature:
            meta[_SIGNATURE] = signature.encode()
        schemas[name] = schema.with_metadata(meta)
    tmp = {name: _temp_path(folders[name], part) for name in SCHEMAS}
    writers = {}
    try:
        for name in SCHEMAS:
            writers[name] = pq.ParquetWriter(tmp[name], schemas[name], compression="zstd")
        writers["documents"].write_table(to_table("documents", [d.document for d in members]).cast(schemas["documents"]))
        buffers: dict[str, list[pa.Table]] = {name: [] for name in CHILD_TABLES}
        for d in members:
            loaded = d.load() if d.load else None
            for name in CHILD_TABLES:
                if loaded is not None and loaded[name].num_rows:
                    buffers[name].append(loaded[name])
                if sum(t.num_rows for t in buffers[name]) >= ROW_GROUP_ROWS:
                    _flush(writers[name], buffers[name], schemas[name])
        for name in CHILD_TABLES:
            _flush(writers[name], buffers[name], schemas[name])
        for w in writers.values():
            w.close()
        for name in SCHEMAS:
            os.replace(tmp[name], folders[name] / f"{part}.parquet")
    except BaseException:
        for w in writers.values():
            w.close()
        for p in tmp.values():
            if os.path.exists(p):
                os.unlink(p)
        raise


def _flush(writer: pq.ParquetWriter, buffer: list[pa.Table], schema: pa.Schema) -> None:
    if buffer:
        writer.write_table(pa.concat_tables(buffer).cast(schema), row_group_size=ROW_GROUP_ROWS)
        buffer.clear()


def _temp_path(folder: Path, part: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{part}.", suffix=".tmp", dir=folder)
    os.close(fd)
    os.chmod(tmp, FILE_MODE)
    return tmp


# --- dataset folders -----------------------------------------------------------------------------

def _dataset_folder(out_dir: Path, name: str) -> Path:
    """The folder to write `name`'s parts into. Where a single file of the earlier layout stands,
    parts go to a staging folder that `_finish_folder` swaps in once it is complete."""
    final = out_dir / f"{name}.parquet"
    if final.is_file():
        staging = out_dir / f".{name}.parquet.staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        return staging
    final.mkdir(exist_ok=True)
    for leftover in final.glob(".*.tmp"):  # from a run killed while writing
        leftover.unlink(missing_ok=True)
    return final


def _finish_folder(out_dir: Path, name: str, folder: Path) -> None:
    final = out_dir / f"{name}.parquet"
    if folder == final:
        return
    old = out_dir / f".{name}.parquet.replaced"
    os.replace(final, old)
    os.replace(folder, final)
    old.unlink()
