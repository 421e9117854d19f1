"""The per-file result cache: what one PDF gave, kept so that a re-run redoes nothing it has done.

An entry holds the four Arrow tables (documents, tables, rows, values) that `process_file` made from
one file's bytes, named `<sha256>-<result version>.arrow` (see `planned_version`: the extraction code
and the nomenclature the rows were matched against). An entry is written atomically as soon as its
file is done, so a killed run keeps every finished file and resumes with the rest. It carries the
sha256 of its own bytes: an entry damaged since (cut short, overwritten) is found when it is read,
removed, and its file extracted again (`run.py` does that in the same run).

The file index remembers the sha256 of each input path with its size and modification time (on object
storage: its ETag), so a re-run over thousands of unchanged files reads none of them.

The cache may live on object storage (`s3://bucket/.clean.cache`, see `storage.py`): entries are then
written under a temporary key and moved to their name.

OCR'd copies of scanned PDFs (`extract.ocr`) are kept beside the entries, under `root/ocr/`, named by
the file's sha256 and the OCR setup: a file extracted again (new code) is not OCR'd again. OCR needs
them on a local disk: with the cache on object storage a worker copies a file's entries into a local
folder before extracting it and uploads the new ones after (`WorkerCache.ocr`).

A file on object storage whose sha256 the run does not know yet is hashed by the worker that downloads
it, which skips the extraction when the cache already holds the result, so that a first run reads each
input once, not twice. A worker that can reach the cache looks there (`WorkerCache`); one that cannot (a
Dask worker, with the cache on the disk of the machine the run started from) is given the list of files
the cache holds results of (`KnownResults`).

This module does not decide which files to run (`run.py`) nor how outputs are laid out (`writers.py`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterator

import pyarrow as pa

from . import __version__, storage
from .schema import SCHEMAS
from .storage import Location, write_bytes_atomic  # noqa: F401 (write_bytes_atomic: used from here by parallel.py)

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[1]
# What makes a document's records. Editing the CLI or the audit does not invalidate the cache.
_SOURCES = ("extract", "normalize", "nomenclature")
_PIPELINE_SOURCES = ("__init__.py", "process.py", "matching.py", "schema.py", "writers.py", "cache.py")
_DEPENDENCIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "rapidfuzz", "pandas")


def code_version() -> str:
    """`__version__` + 12 hex of the source files that make a document's records and of the versions of
    the libraries that read the PDF, as they are on disk now."""
    h = hashlib.sha256(__version__.encode())
    files = [f for d in _SOURCES for f in sorted((_ROOT / d).rglob("*")) if f.suffix in (".py", ".csv")]
    files += [_ROOT / "pipelines" / name for name in _PIPELINE_SOURCES]
    for f in files:
        h.update(str(f.relative_to(_ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    for dep in _DEPENDENCIES:
        try:
            h.update(f"{dep}=={version(dep)}".encode())
        except PackageNotFoundError:
            h.update(f"{dep} missing".encode())
    return f"{__version__}+{h.hexdigest()[:12]}"


# The code this process runs: computed once, at import.
CODE_VERSION = code_version()


def planned_version(ocr: str = "auto") -> str:
    """The result version a run starts with: the code on disk now (what new workers will import), the
    installed nomenclature and the OCR mode and setup. Names the cache entries the run reads and writes."""
    return _result_version(code_version(), ocr)


@functools.lru_cache(maxsize=4)
def running_version(ocr: str = "auto") -> str:
    """The result version of the code this process imported: a worker compares it with the run's."""
    return _result_version(CODE_VERSION, ocr)


def _result_version(code: str, ocr: str = "auto") -> str:
    """16 hex digits naming the code version, the nomenclature (version and content) and the OCR in use:
    a scan extracted without Tesseract (needs_ocr) is extracted again once Tesseract is installed."""
    from extract.ocr import ocr_version

    from .matching import default_matcher

    ref = default_matcher().reference
    ocr_setup = "never" if ocr == "never" else f"{ocr} {ocr_version()}"
    h = hashlib.sha256(f"{code}\0{ref.version}\0{ocr_setup}\0".encode())
    h.update(_nomenclature_digest(ref))
    return h.hexdigest()[:16]


_digests: dict[int, tuple[object, bytes]] = {}


def _nomenclature_digest(ref) -> bytes:
    """sha256 of the reference's content, computed once per loaded reference."""
    known = _digests.get(id(ref))
    if known is None or known[0] is not ref:
        known = _digests[id(ref)] = (ref, hashlib.sha256(ref.table.to_csv(index=False).encode()).digest())
    return known[1]


# --- entries: the four tables of one file in one byte string ------------------------------------

_MAGIC = b"SAKIP-RESULT-2\n"
_DIGEST = 32  # bytes of sha256
_IPC = pa.ipc.IpcWriteOptions(compression="zstd")


class DamagedEntry(ValueError):
    """A cache entry whose bytes are not what was written (cut short, overwritten, of an older format)."""


def encode(tables: dict[str, pa.Table]) -> bytes:
    """The four tables (in `SCHEMAS` order) as one byte string: a magic line, the sha256 of the rest, then
    per table its length (8 bytes, little-endian) and an Arrow IPC stream (zstd)."""
    parts = []
    for name in SCHEMAS:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, tables[name].schema, options=_IPC) as writer:
            writer.write_table(tables[name])
        buf = sink.getvalue()
        parts += [len(buf).to_bytes(8, "little"), buf.to_pybytes()]
    body = b"".join(parts)
    return _MAGIC + hashlib.sha256(body).digest() + body


def decode(data: bytes, names=tuple(SCHEMAS)) -> dict[str, pa.Table]:
    """The tables `names` of an encoded entry, once its checksum matched (else DamagedEntry)."""
    if not data.startswith(_MAGIC):
        raise DamagedEntry("not a sakip result entry of this format")
    body = memoryview(data)[len(_MAGIC) + _DIGEST:]
    if hashlib.sha256(body).digest() != data[len(_MAGIC):len(_MAGIC) + _DIGEST]:
        raise DamagedEntry("its checksum does not match: cut short or overwritten")
    stream, out = pa.BufferReader(pa.py_buffer(body)), {}
    for name in SCHEMAS:
        if len(out) == len(names):
            break
        n = int.from_bytes(stream.read(8), "little")
        if name in names:
            out[name] = pa.ipc.open_stream(stream.read_buffer(n)).read_all()
        else:
            stream.seek(n, 1)
    documents = out.get("documents")
    if documents is not None and documents.num_rows and "tables" in out and \
            documents.column("n_tables")[0].as_py() != out["tables"].num_rows:
        raise DamagedEntry("its document's n_tables is not the number of its tables")
    return out


class ResultCache:
    """Entries under `root/results/<first 2 hex of sha>/`, and the file index `root/files.json`."""

    def __init__(self, root: Location):
        self.root = storage.location(root)
        self._index_path = storage.join(self.root, "files.json")
        self._index: dict[str, list] | None = None
        self._listed: dict[str, set[str]] = {}  # on object storage: entry names per results/ folder, listed once
        self._fetched: dict[tuple[str, str], dict[str, pa.Table]] = {}  # on object storage: see `prefetch`

    @property
    def ocr_dir(self) -> Path | None:
        """Where OCR'd copies of scanned files are kept (see extract.ocr) when the cache is on a local disk;
        None when it is not (the workers then copy them from and to it, see `WorkerCache.ocr`)."""
        return self.root / "ocr" if isinstance(self.root, Path) else None

    def for_workers(self, on_cluster: bool, force: bool, version: str) -> WorkerCache | KnownResults:
        """The cache as the workers use it: itself when they can reach it, else (a folder of this machine's
        disk seen from a Dask cluster, whose workers may be on other machines; `memory://`, which lives in
        this process only) the sha256s of the files it holds results of, made by `version`."""
        if (on_cluster and isinstance(self.root, Path)) or storage.process_local(self.root):
            return KnownResults(frozenset() if force else frozenset(self.results_of(version)), skip_cached=not force)
        return WorkerCache(self.root, skip_cached=not force)

    def results_of(self, version: str) -> set[str]:
        """The sha256s of the files the cache holds results of, made by `version` (one listing)."""
        ending = f"-{version}.arrow"
        folder = storage.join(self.root, "results")
        names = ([f.name for f in folder.glob("*/*.arrow")] if isinstance(folder, Path)
                 else [storage.name(f) for f, _ in storage.list_files(folder)] if storage.exists(folder) else [])
        return {n[: -len(ending)] for n in names if n.endswith(ending)}

    def entry_path(self, sha: str, version: str) -> Location:
        return storage.join(self.root, "results", sha[:2], f"{sha}-{version}.arrow")

    def has(self, sha: str, version: str) -> bool:
        if isinstance(self.root, Path):
            return self.entry_path(sha, version).is_file()
        # one listing per folder rather than a request per file
        folder = sha[:2]
        if folder not in self._listed:
            self._listed[folder] = set(storage.listdir(storage.join(self.root, "results", folder)))
        return f"{sha}-{version}.arrow" in self._listed[folder]

    def store(self, sha: str, version: str, payload: bytes) -> None:
        write_bytes_atomic(self.entry_path(sha, version), payload)
        self._listed.get(sha[:2], set()).add(f"{sha}-{version}.arrow")

    def load(self, sha: str, version: str, names=tuple(SCHEMAS)) -> dict[str, pa.Table] | None:
        """The entry's tables `names`, read whole and checked (`decode`); None when it is missing, cannot
        be read or is damaged. A damaged entry is removed, so that its file is extracted again."""
        fetched = self._fetched.pop((sha, version), None)
        if fetched is not None and set(names) <= set(fetched):
            return {name: fetched[name] for name in names}
        path = self.entry_path(sha, version)
        try:
            return decode(storage.read_bytes(path), names)
        except FileNotFoundError:
            return None
        except (DamagedEntry, pa.ArrowException) as ex:
            log.warning("cache entry %s is damaged (%s); its file is extracted again", path, ex)
            self.drop(sha, version)
            return None
        except OSError as ex:
            log.warning("cache entry %s cannot be read (%s); its file is extracted again", path, ex)
            return None

    def drop(self, sha: str, version: str) -> None:
        """Remove an entry (nothing when it is not there)."""
        storage.remove(self.entry_path(sha, version))
        self._listed.get(sha[:2], set()).discard(f"{sha}-{version}.arrow")

    def prefetch(self, shas: set[str], version: str, names=("documents", "tables"), batch: int = 200) -> None:
        """On object storage: read these entries many at a time (fsspec's concurrent `cat`) and keep their
        tables `names` for `load`, so that writing the outputs of thousands of cached files does not wait for
        one request after another. Nothing on a local disk, where a read costs no round trip."""
        if isinstance(self.root, Path) or not shas:
            return
        fs, _ = storage.filesystem(self.root)
        wanted = sorted((sha, storage.filesystem(self.entry_path(sha, version))[1]) for sha in shas)
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            got = fs.cat([path for _, path in chunk], on_error="return")
            for sha, path in chunk:
                data = got.get(path)
                if isinstance(data, bytes):
                    try:
                        self._fetched[(sha, version)] = decode(data, names)
                    except (ValueError, pa.ArrowException):
                        pass  # `load` reads it again, says what is wrong and drops it

    def prune(self, shas: set[str], version: str) -> int:
        """Remove the entries of these files made by other versions, and their OCR'd pages of other OCR setups
        (`extract.ocr.prune_cache`); returns how many result entries."""
        if self.ocr_dir is not None and self.ocr_dir.is_dir():
            from extract.ocr import prune_cache

            prune_cache(self.ocr_dir, shas=shas)
        removed = 0
        for prefix in {s[:2] for s in shas}:
            folder = storage.join(self.root, "results", prefix)
            for entry in storage.listdir(folder):
                sha, _, rest = entry.partition("-")
                if sha in shas and rest != f"{version}.arrow" and not entry.startswith("."):
                    storage.remove(storage.join(folder, entry))
                    removed += 1
        return removed

    # --- the file index -------------------------------------------------------------------------

    def sha256(self, path: Location, trust_index: bool = True, info: dict | None = None) -> str:
        """sha256 of the file, from the index when its size and mtime (ETag) are unchanged (raises
        OSError). `info` (`storage.info`'s, e.g. from a listing) spares asking for it again."""
        info = info or storage.info(path)
        known = self.known_sha256(path, info) if trust_index else None
        if known is not None:
            return known
        sha = sha256_of(path)
        self.remember(path, info, sha)
        return sha

    def known_sha256(self, path: Location, info: dict) -> str | None:
        """sha256 of the file from the index, when it holds the file with this size and stamp; else None."""
        if self._index is None:
            self._index = self._read_index()
        known = self._index.get(storage.key(path))
        if known and info["stamp"] is not None and known[0] == info["size"] and known[1] == info["stamp"]:
            return known[2]
        return None

    def remember(self, path: Location, info: dict, sha: str) -> None:
        """Record that the file with this size and stamp (`storage.info`'s) holds the bytes `sha`."""
        if self._index is None:
            self._index = self._read_index()
        self._index[storage.key(path)] = [info["size"], info["stamp"], sha]

    def forget(self, path: Location) -> None:
        if self._index is not None:
            self._index.pop(storage.key(path), None)

    def save_index(self) -> None:
        if self._index is not None:
            try:
                write_bytes_atomic(self._index_path, json.dumps(self._index).encode())
            except OSError as ex:  # a full disk: say which file (a failed write names none)
                if ex.filename:
                    raise
                raise OSError(ex.errno, ex.strerror or str(ex), str(self._index_path)) from ex

    def _read_index(self) -> dict[str, list]:
        try:
            data = json.loads(storage.read_bytes(self._index_path))
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as ex:
            log.warning("file index %s is unreadable (%s); files will be hashed again", self._index_path, ex)
            return {}


@dataclass(frozen=True)
class WorkerCache:
    """What a worker process uses of the run's cache (it is sent to the worker, so it holds only the
    location). `skip_cached`: a file the run could not name by its sha256 (not in the file index) is not
    extracted when the cache already holds its result (False with --force)."""

    root: Location
    skip_cached: bool = True

    def has(self, sha: str, version: str) -> bool:
        return storage.is_file(storage.join(self.root, "results", sha[:2], f"{sha}-{version}.arrow"))

    @contextlib.contextmanager
    def ocr(self, settings, sha: str) -> Iterator:
        """`settings` (an `extract.OcrSettings`) with a local folder for the OCR'd copies of the file `sha`:
        on a local disk the cache's own `ocr/`; on object storage a temporary folder that gets the file's
        entries from `root/ocr/` first, and whose new entries are uploaded there after."""
        if settings is None or settings.mode == "never":
            yield settings
            return
        remote = storage.join(self.root, "ocr", sha[:2])
        if isinstance(remote, Path):
            yield dataclasses.replace(settings, cache_dir=remote.parent)
            return
        with tempfile.TemporaryDirectory(prefix="sakip-ocr-") as tmp:
            local = Path(tmp) / sha[:2]
            local.mkdir()
            had = {n for n in storage.listdir(remote) if n.startswith(sha)}
            for n in sorted(had):
                (local / n).write_bytes(storage.read_bytes(storage.join(remote, n)))
            yield dataclasses.replace(settings, cache_dir=Path(tmp))
            # in the order they were made: an OCR entry is its copy, then its words (see extract.ocr)
            made = sorted((f for f in local.iterdir() if f.is_file() and f.name.startswith(sha) and f.name not in had),
                          key=lambda f: (f.stat().st_mtime_ns, f.name))
            for f in made:
                try:
                    write_bytes_atomic(storage.join(remote, f.name), f.read_bytes())
                except OSError as ex:  # the result stands; only the OCR'd copy is not kept
                    log.warning("OCR'd copy %s could not be stored in %s (%s)", f.name, remote, ex)


@dataclass(frozen=True)
class KnownResults:
    """The cache for workers that cannot reach it: the sha256s of the files it holds results of (for the
    run's version). Used like `WorkerCache`; OCR'd copies are not kept (the workers have no folder of it)."""

    shas: frozenset[str]
    skip_cached: bool = True

    def has(self, sha: str, version: str) -> bool:
        return sha in self.shas

    @contextlib.contextmanager
    def ocr(self, settings, sha: str) -> Iterator:
        yield settings


def sha256_of(path: Location) -> str:
    h = hashlib.sha256()
    for chunk in storage.iter_chunks(path):
        h.update(chunk)
    return h.hexdigest()


def default_cache_dir(out_dir: Location) -> Location:
    """Beside the output folder, hidden: `data/clean` → `data/.clean.cache`, `s3://b/clean` →
    `s3://b/.clean.cache` (the output folder itself holds only the four datasets and the manifest)."""
    out_dir = storage.location(out_dir)
    if isinstance(out_dir, Path):
        out_dir = out_dir.resolve()
        return out_dir.parent / f".{out_dir.name}.cache"
    return storage.join(storage.parent(out_dir), f".{storage.name(out_dir)}.cache")
