"""Parquet writers: validate against the declared schema, then publish the four datasets atomically.

Each output is a Parquet dataset, a folder named like a file (`rows.parquet/`) holding part files,
so `pandas.read_parquet`, `pyarrow.dataset` and DuckDB read it with the path alone. The documents
are split into parts by the first hex digits of their `doc_id`: one part (`part.parquet`) up to
`DOCS_PER_PART` documents, 16 parts (`part-0.parquet` … `part-f.parquet`) up to 16 times that, and
so on. A part is rewritten only when one of its documents changed, so adding 10 files to thousands
rewrites at most 10 parts.

Every changed part file is first written to a temporary (hidden) name in its folder; once all of them are
written, the parts of an earlier layout are deleted and the new parts renamed over the old ones, one
after another. A reader or an interrupted run sees each part either whole before or whole after; a run
stopped while it writes leaves the previous output as it was. Part files carry, in their metadata, a
signature of what they hold; a part whose signature is unchanged is not written again. What a reader
sees during a run is spelled out in the README (Running at scale: reading while a run writes).

The output folder may be a URL (`s3://bucket/clean`, see `storage.py`): there a part goes to a temporary
key and is then moved (copied) to its name. `_manifest.json` is written last, once every part is in
place: it lists the parts of each dataset with their size and signature, so a reader can tell a
finished run from one in progress, and a re-run compares signatures from it (one read) instead of
opening every part.

This module does not extract anything and does not know about the cache (see `run.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from . import storage
from .schema import SCHEMAS, SCHEMA_VERSION
from .storage import FILE_MODE, Location

MANIFEST = "_manifest.json"
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


def write_atomic(table: pa.Table, path: Location) -> None:
    path = storage.location(path)
    tmp = storage.temp_name(path.parent if isinstance(path, Path) else storage.parent(path), storage.name(path))
    try:
        fs, where = storage.arrow_filesystem(tmp)
        pq.write_table(table, where, compression="zstd", filesystem=fs)
        storage.replace(tmp, path)
    except BaseException:
        storage.remove(tmp)
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


def publish(docs: list[OutputDocument], out_dir: Location) -> PublishReport:
    """Write the four datasets of `docs` (in this order within each part) into `out_dir` (a path or URL)."""
    out_dir = storage.location(out_dir)
    storage.makedirs(out_dir)
    k = prefix_len_for(len(docs))
    parts: dict[str, list[OutputDocument]] = {"part": []} if k == 0 else {}
    for d in docs:
        parts.setdefault(part_name(d.document["doc_id"], k), []).append(d)
    folders = {name: _dataset_folder(out_dir, name) for name in SCHEMAS}
    listed = {name: storage.sizes(folder) for name, folder in folders.items()}
    manifest = _read_manifest(out_dir)
    signatures = {part: _signature(members) for part, members in parts.items()}
    stale = [(n, f) for n in SCHEMAS for f in listed[n] if f.endswith(".parquet") and f[: -len(".parquet")] not in parts]
    staged: dict[str, dict[str, Location]] = {}  # part → dataset → its new file, under a temporary name
    try:
        for part, members in sorted(parts.items()):
            signature = signatures[part]
            if signature is not None and all(_unchanged(folders[n], part, signature, listed[n], manifest.get(n, {}))
                                             for n in SCHEMAS):
                continue
            staged[part] = _write_part(folders, part, members, signature)
    except BaseException:
        for files in staged.values():
            for tmp in files.values():
                storage.remove(tmp)
        raise
    if staged or stale:  # no manifest while parts change: its presence says a run finished
        storage.remove(storage.join(out_dir, MANIFEST))
    # the parts of an earlier layout go before the new parts come: a reader may miss a document for a
    # moment, but never sees it twice
    for name, f in stale:
        storage.remove(storage.join(folders[name], f))
    for part, files in staged.items():
        for name, tmp in files.items():
            storage.replace(tmp, storage.join(folders[name], f"{part}.parquet"))
    written = len(staged)
    for name, folder in folders.items():
        for f in storage.listdir(folder):
            if f.endswith(".parquet") and f[: -len(".parquet")] not in parts:
                storage.remove(storage.join(folder, f))
        _finish_folder(out_dir, name, folder)
    if written or stale or not manifest:
        _write_manifest(out_dir, signatures)
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
    return {name: storage.join(out_dir, f"{name}.parquet") for name in SCHEMAS}


# --- parts ---------------------------------------------------------------------------------------

def _signature(members: list[OutputDocument]) -> str | None:
    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for d in members:
        if d.load is not None and d.key is None:
            return None  # content not named: always written
        h.update(json.dumps(d.document, sort_keys=True, default=str).encode() + b"\0" + (d.key or "").encode() + b"\n")
    return h.hexdigest()


def _signature_of(path: Location) -> str | None:
    try:
        fs, where = storage.arrow_filesystem(path)
        meta = pq.read_schema(where, filesystem=fs).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    value = meta.get(_SIGNATURE)
    return value.decode() if value else None


def _unchanged(folder: Location, part: str, signature: str, listed: dict[str, int], manifest: dict) -> bool:
    """Whether the part file already holds `signature`: by the manifest when it names this part with the
    size the part has now, else by the signature in the part's own metadata."""
    file = f"{part}.parquet"
    if file not in listed:
        return False
    known = manifest.get(file)
    if known and known.get("size") == listed[file]:
        return known.get("signature") == signature
    return _signature_of(storage.join(folder, file)) == signature


def _write_part(folders: dict[str, Location], part: str, members: list[OutputDocument],
                signature: str | None) -> dict[str, Location]:
    """The part's four files, written to temporary names in their folders (returned by dataset name)."""
    schemas = {}
    for name, schema in SCHEMAS.items():
        meta = {**(schema.metadata or {}), b"sakip_schema_version": SCHEMA_VERSION.encode()}
        if signature:
            meta[_SIGNATURE] = signature.encode()
        schemas[name] = schema.with_metadata(meta)
    tmp = {name: storage.temp_name(folders[name], part) for name in SCHEMAS}
    writers = {}
    try:
        for name in SCHEMAS:
            fs, where = storage.arrow_filesystem(tmp[name])
            writers[name] = pq.ParquetWriter(where, schemas[name], compression="zstd", filesystem=fs)
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
        return tmp
    except BaseException:
        for w in writers.values():
            try:
                w.close()
            except OSError:  # the disk that failed the write fails the close too: the files go all the same
                pass
        for p in tmp.values():
            storage.remove(p)
        raise


def _flush(writer: pq.ParquetWriter, buffer: list[pa.Table], schema: pa.Schema) -> None:
    if buffer:
        writer.write_table(pa.concat_tables(buffer).cast(schema), row_group_size=ROW_GROUP_ROWS)
        buffer.clear()


# --- dataset folders -----------------------------------------------------------------------------

def _dataset_folder(out_dir: Location, name: str) -> Location:
    """The folder to write `name`'s parts into. Where a single file of the earlier layout stands (on a
    local disk), parts go to a staging folder that `_finish_folder` swaps in once it is complete."""
    final = storage.join(out_dir, f"{name}.parquet")
    if not isinstance(final, Path):  # object storage: folders are key prefixes, made by the parts
        for leftover in storage.listdir(final):
            if leftover.startswith(".") and leftover.endswith(".tmp"):  # from a run killed while writing
                storage.remove(storage.join(final, leftover))
        return final
    if final.is_file():
        staging = out_dir / f".{name}.parquet.staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        return staging
    final.mkdir(exist_ok=True)
    for leftover in final.glob(".*.tmp"):  # from a run killed while writing
        leftover.unlink(missing_ok=True)
    return final


def _finish_folder(out_dir: Location, name: str, folder: Location) -> None:
    final = storage.join(out_dir, f"{name}.parquet")
    if folder == final:
        return
    old = out_dir / f".{name}.parquet.replaced"
    os.replace(final, old)
    os.replace(folder, final)
    old.unlink()


# --- the manifest ----------------------------------------------------------------------------------

def _write_manifest(out_dir: Location, signatures: dict[str, str | None]) -> None:
    """`_manifest.json`, written once every part is in place: per dataset, its part files with their size
    and signature (None: a part whose content is not named, always rewritten)."""
    datasets = {}
    for name in SCHEMAS:
        listed = storage.sizes(storage.join(out_dir, f"{name}.parquet"))
        datasets[name] = {f"{part}.parquet": {"size": listed.get(f"{part}.parquet"), "signature": sig}
                          for part, sig in sorted(signatures.items())}
    manifest = {
        "schema_version": SCHEMA_VERSION, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "run_id": uuid.uuid4().hex,  # a reader that finds the same run_id before and after reading read one run's output
        "datasets": datasets,
    }
    storage.write_bytes_atomic(storage.join(out_dir, MANIFEST), json.dumps(manifest, indent=1).encode())


def _read_manifest(out_dir: Location) -> dict[str, dict]:
    """Dataset → {part file: {size, signature}} of the last finished run ({} when there is none)."""
    try:
        data = json.loads(storage.read_bytes(storage.join(out_dir, MANIFEST)))
        return data["datasets"] if isinstance(data.get("datasets"), dict) else {}
    except (OSError, ValueError, KeyError, AttributeError):
        return {}


def read_manifest(out_dir: Location) -> dict | None:
    """The manifest of the last finished run into `out_dir` (None: no run finished there)."""
    try:
        return json.loads(storage.read_bytes(storage.join(out_dir, MANIFEST)))
    except (OSError, ValueError):
        return None
