"""The extraction run: every input path → a documents record (and tables, rows, values), then Parquet.

`run_extract` checks the output folder and the cache, locks the output folder (`lock.py`), walks the
inputs (every path gets a record, whatever it is), takes from the cache (`cache.py`) every file this
code version already did, has the rest done by worker processes or a Dask cluster (`parallel.py`, each
file by `process.process_file`), storing each in the cache as it finishes, extracts again in the same
run any file whose cache entry was found damaged, and then writes the outputs (`writers.py`) in input
order. How it works comes from one `settings.RunSettings`. `process_file` and `FileResult` are
importable from here too.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import storage
from .lock import output_lock
from .parallel import TaskResult
from .process import STATUSES, FileResult, empty_document, not_a_file, process_file, shown_path  # noqa: F401 (re-exported)
from .settings import DEFAULT_TIMEOUT, RunSettings
from .storage import Location
from .matching import builtin_only_note
from .writers import CHILD_TABLES, OutputDocument, publish

log = logging.getLogger(__name__)

def collect_inputs(paths: list[Path | str]) -> list[Path | str]:
    """Files given, and every non-hidden entry under the folders given that is not a folder to walk, in a
    stable order. A path or `file://` URL comes back as a Path, any other URL (`s3://…`) as a string."""
    return [f for f, _ in _collect_inputs(paths)]


def _collect_inputs(paths: list[Path | str]) -> list[tuple[Path | str, dict | None]]:
    """`collect_inputs` with each file's size and stamp (`storage.info`) when a listing gave them."""
    out: list[tuple[Path | str, dict | None]] = []
    for p in map(storage.location, paths):
        if isinstance(p, Path) and p.is_dir():
            out.extend((f, None) for f in _local_entries(p))
        elif storage.is_dir(p):
            out.extend(storage.list_files(p))
        else:
            out.append((p, None))
    seen, unique = set(), []
    for f, info in out:
        key = storage.key(f) if not isinstance(f, Path) or f.exists() else str(f)
        if key not in seen:
            seen.add(key)
            unique.append((f, info))
    return unique


def _local_entries(folder: Path) -> list[Path]:
    """Every non-hidden entry under `folder` but the folders walked into, sorted: the files, and what
    stands where a file would and is none (a link to nothing or to a folder, a named pipe, a device, a
    folder named like a PDF), so that each gets its documents record saying what it is. Links to
    folders are not followed (a link may loop)."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        here = Path(root)
        found += [here / n for n in names if not n.startswith(".")]
        found += [here / d for d in dirs if d.lower().endswith(".pdf") or (here / d).is_symlink()]
    return sorted(found)


@dataclass
class RunSummary:
    n_files: int
    statuses: Counter
    tables: Counter
    out_dir: Path
    extracted: int = 0            # files extracted in this run (the rest came from the cache)
    cached: int = 0
    workers: int = 0
    seconds: float = 0.0          # wall time of the whole run
    pages: int = 0                # pages of the files extracted in this run
    cpu_seconds: float = 0.0      # CPU time the workers spent on them
    analysed_pages: int = 0       # of `pages`, those the pre-scan sent to the full layout analysis
    ocr_pages: int = 0            # of `pages`, those read by OCR (scans)
    peak_rss_mb: float | None = None  # the largest peak memory of a worker process
    parts_written: int = 0
    nomenclature: str = ""  # a line on the nomenclature in use when it is only the built-in list

    def text(self) -> str:
        s = self.statuses
        lines = [
            f"{self.n_files} files: {s['ok']} ok, {s['no_tables']} no tables, {s['needs_ocr']} need OCR, "
            f"{s['failed']} failed" + (f", {s['duplicate']} duplicates" if s["duplicate"] else ""),
        ]
        if self.tables:
            lines.append("tables: " + ", ".join(f"{k} {v}" for k, v in sorted(self.tables.items())))
        work = f"{self.extracted} extracted" + (f" by {self.workers} workers" if self.extracted else "")
        lines.append(f"work: {work}, {self.cached} from the cache, {self.seconds:.1f} s")
        if self.ocr_pages:
            lines.append(f"ocr: {self.ocr_pages} scanned pages read by OCR")
        if self.nomenclature:
            lines.append(f"nomenclature: {self.nomenclature}")
        lines.append(f"output: {self.out_dir}")
        return "\n".join(lines)


def run_extract(
    paths: list[Path], out_dir: Path, progress: bool | None = None, echo=None, *, workers: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT, force: bool = False, scheduler: str | None = None,
    cache_dir: Path | None = None, process=None, ocr: str = "auto", max_memory: int | None = None,
    settings: RunSettings | None = None,
) -> RunSummary:
    """Extract every file under `paths` into the four datasets of `out_dir`.

    `settings` (a `RunSettings`) says how; the keyword arguments `workers` … `max_memory` are a shorthand
    for it, used when `settings` is not given. Files whose bytes were already extracted by this code
    version (the cache, by default beside `out_dir`) are not extracted again unless `force`; a cache entry
    found damaged is extracted again in the same run. The rest run on worker processes or a Dask cluster,
    each file stopped after the time limit. `process` replaces `process_file` (a module-level function,
    for tests). Ctrl-C keeps every finished file in the cache: running again resumes.

    Before any work the output folder and the cache are checked (OSError naming the path: not a folder,
    not writable) and the output folder is locked (`lock.OutputBusy`: another run holds it).
    """
    from .cache import ResultCache, default_cache_dir, planned_version

    settings = settings or RunSettings(workers, timeout, force, scheduler, cache_dir, ocr, max_memory)
    started = time.perf_counter()
    out_dir = storage.location(out_dir)
    cache = ResultCache(settings.cache_dir or default_cache_dir(out_dir))
    for folder in (out_dir, cache.root):
        check_writable(folder)
    with output_lock(out_dir), _run_temp_folder() as tmp_root:
        listed = _collect_inputs(paths)
        files = [f for f, _ in listed]
        version = planned_version(settings.ocr)
        summary = RunSummary(len(files), Counter(), Counter(), out_dir)
        summary.nomenclature = builtin_only_note() or ""
        if summary.nomenclature and echo:
            echo(f"warning: {summary.nomenclature}")
        run = _Run(files, cache, version, settings, process, tmp_root,
                   cache.for_workers(settings.scheduler is not None, settings.force, version))
        try:
            todo = run.plan({storage.key(f): info for f, info in listed if info is not None}, summary)
            bar = sys.stderr.isatty() if progress is None else progress
            if todo:
                run.extract(todo, summary, bar, echo)
            damaged = run.read_heads()
            if damaged:  # cache entries found damaged or gone: their files are extracted again now
                summary.cached -= len(damaged)
                run.extract(damaged, summary, bar, echo)
                run.read_heads(damaged.values())
        finally:
            cache.save_index()
        try:
            report = publish(run.output_documents(summary, echo), out_dir)
        except OSError as ex:
            raise naming(ex, out_dir) from ex
        summary.parts_written = report.written
        cache.prune({s for s in run.shas if s}, version)
    summary.seconds = time.perf_counter() - started
    return summary


def check_writable(folder: Location) -> None:
    """Make `folder` (on this machine's disk) if needed and write a file in it, before a run spends any work
    on what it could not store; OSError naming the folder when it cannot (a file in the way, read-only,
    no permission). A folder on object storage is taken as it is."""
    if not isinstance(folder, Path):
        return
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a folder", str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    fd, probe = tempfile.mkstemp(prefix=".sakip-probe-", dir=folder)
    os.close(fd)
    os.unlink(probe)


def naming(ex: OSError, where: Location) -> OSError:
    """`ex` with a path to name: its own, else `where` (pyarrow's write errors name no file)."""
    if ex.filename:
        return ex
    code = ex.errno
    if code is None:
        m = re.search(r"\[errno (\d+)\]", str(ex), re.IGNORECASE)
        code = int(m.group(1)) if m else None
    return OSError(code, os.strerror(code) if code else str(ex), str(where))


@contextlib.contextmanager
def _run_temp_folder() -> Iterator[str]:
    """The run's temporary folder, where its workers (and their OCR processes) put theirs, removed at
    the end whatever became of them. Folders of runs that no longer live (killed) are removed first."""
    base = Path(tempfile.gettempdir())
    for old in base.glob("sakip-run-*"):
        pid = old.name.split("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"sakip-run-{os.getpid()}-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


@dataclass
class _Run:
    """The files of one run, their sha256 (None: not a readable file), and what did not come out of the cache."""

    files: list[Path]
    cache: object
    version: str
    settings: RunSettings
    process: object = None  # replaces process_file in the workers (tests)
    tmp_root: str | None = None
    worker_cache: object = None  # cache.WorkerCache or KnownResults: the cache as the workers use it
    shas: list[str | None] = field(default_factory=list)
    unhashed: dict[str, tuple[int, dict]] = field(default_factory=dict)  # path → (input index, info): hashed by its worker
    unreadable: dict[int, FileResult] = field(default_factory=dict)   # input index → why it cannot be read
    unfinished: dict[str, TaskResult] = field(default_factory=dict)   # sha → work that did not finish (not cached)
    moved: dict[str, str] = field(default_factory=dict)  # sha planned → sha the worker read (the file changed meanwhile)
    heads: dict[str, tuple[dict, list[str]]] = field(default_factory=dict)  # sha → its documents record, table codes
    extracted: set[str] = field(default_factory=set)  # sha256s extracted in this run

    def plan(self, infos: dict[str, dict], summary: RunSummary) -> dict[str, str | None]:
        """Name each file by its sha256 and pick what to extract: absolute path of the first file with these
        bytes → its sha256 (None: unknown, hashed by its worker), largest first."""
        force, cache = self.settings.force, self.cache
        for i, f in enumerate(self.files):
            why = not_a_file(f) if isinstance(f, Path) else None
            if why is not None:  # looked at before it is opened: a named pipe would never end
                self.shas.append(None)
                self.unreadable[i] = FileResult(empty_document(f, None, why))
                continue
            try:
                info = infos.get(storage.key(f))
                if not storage.is_local(f):
                    # a file on object storage that the index does not know is hashed by the worker that
                    # downloads it, rather than downloaded here too
                    info = info or storage.info(f)
                    sha = None if force else cache.known_sha256(f, info)
                    if sha is None:
                        self.unhashed[storage.key(f)] = (i, info)
                    self.shas.append(sha)
                else:
                    self.shas.append(cache.sha256(f, trust_index=not force, info=info))
            except OSError as ex:
                self.shas.append(None)
                self.unreadable[i] = FileResult(empty_document(f, None, f"cannot be read: {ex.strerror or ex}"))
        todo: dict[str, str | None] = {}
        planned: set[str] = set()
        candidates = [(f, sha) for f, sha in zip(self.files, self.shas) if sha or isinstance(f, str)]
        for f, sha in sorted(candidates, key=lambda fs: -_size(fs[0], infos)):
            # largest files first, so that the last one to finish is a small one
            if sha and sha not in planned and (force or not cache.has(sha, self.version)):
                planned.add(sha)
                todo[storage.key(f)] = sha
            elif sha is None and storage.key(f) in self.unhashed:
                todo[storage.key(f)] = None
        summary.cached = len({s for s in self.shas if s}) - len(planned)
        return todo

    def extract(self, todo: dict[str, str | None], summary: RunSummary, progress: bool, echo) -> None:
        """Run the files of `todo` (path → sha256) and store each result in the cache as it comes."""
        from tqdm import tqdm

        from extract import OcrSettings

        from .parallel import DaskWorkers, LocalWorkers

        s = self.settings
        if s.scheduler:
            runner = DaskWorkers(s.scheduler, s.timeout, s.max_memory)
        else:
            runner = LocalWorkers(s.worker_count, s.timeout, s.memory_limit, self.tmp_root)
        summary.workers = runner.workers if s.scheduler else max(summary.workers, min(runner.workers, len(todo)))
        # on this machine, with the OCR cache on its disk, a scanned file's pages are OCR'd one task each, by
        # every worker of the pool (parallel.LocalWorkers); else by as many processes as the run has workers
        by_page = not s.scheduler and self.cache.ocr_dir is not None
        ocr = OcrSettings(s.ocr, self.cache.ocr_dir, jobs=1 if s.scheduler or by_page else runner.workers,
                          defer=by_page)
        bar = tqdm(total=len(todo), unit="file", disable=not progress, dynamic_ncols=True)
        try:
            for tr in runner.run(list(todo.items()), self.version, self.process, ocr, self.worker_cache):
                sha = todo[tr.path] or self._hashed_by_worker(tr)
                if tr.from_cache:  # hashed by its worker, whose result the cache held
                    summary.cached += 1
                    bar.update(1)
                    continue
                if sha is None:  # hashed by its worker, which could not read it or did not finish
                    pass
                elif tr.payload is None or tr.sha256 is None:  # no result, or the file vanished meanwhile
                    self.unfinished[sha] = tr
                else:
                    try:
                        self.cache.store(tr.sha256, self.version, tr.payload)
                    except OSError as ex:
                        raise naming(ex, self.cache.entry_path(tr.sha256, self.version)) from ex
                    self.extracted.add(tr.sha256)
                    if tr.sha256 != sha:
                        self.moved[sha] = tr.sha256
                summary.extracted += 1
                summary.pages += tr.document.get("n_pages") or 0
                summary.cpu_seconds += tr.cpu_seconds or 0.0
                summary.analysed_pages += tr.analysed_pages or 0
                summary.ocr_pages += tr.ocr_pages or 0
                if tr.peak_rss_mb is not None:
                    summary.peak_rss_mb = max(summary.peak_rss_mb or 0.0, tr.peak_rss_mb)
                bar.set_postfix_str(Path(tr.path).name[:40])
                bar.update(1)
        except KeyboardInterrupt:
            if echo:
                echo(f"interrupted: {summary.extracted} of {len(todo)} files were extracted and are kept in "
                     f"{self.cache.root}; run the same command again to go on from there")
            raise
        finally:
            bar.close()
            runner.close()

    def _hashed_by_worker(self, tr: TaskResult) -> str | None:
        """A file the run did not know, hashed by its worker: its sha256 (None: the worker did not get
        that far), learnt by the file index when the file was not changed since it was listed."""
        i, info = self.unhashed[tr.path]
        if tr.sha256 is None:
            self.unreadable[i] = FileResult(empty_document(self.files[i], None, tr.document["message"]))
            return None
        self.shas[i] = tr.sha256
        if tr.source_info == info:
            self.cache.remember(tr.path, info, tr.sha256)
        return tr.sha256

    def read_heads(self, shas=None) -> dict[str, str]:
        """Read (and check) the cache entry of each file the outputs list (or of `shas`), keeping its documents
        record and table codes; the files whose entry is missing or damaged, as a `todo` of `extract`."""
        wanted = {self.moved.get(s, s) for s in self.shas if s} - set(self.unfinished) if shas is None else set(shas)
        self.cache.prefetch(wanted - set(self.heads), self.version)
        again: dict[str, str] = {}
        for sha in sorted(wanted - set(self.heads)):
            head = self.cache.load(sha, self.version, names=("documents", "tables"))
            if head is not None:
                self.heads[sha] = (head["documents"].to_pylist()[0], head["tables"].column("table_code").to_pylist())
            elif sha not in self.extracted:
                again[storage.key(self._first_file(sha))] = sha
        return again

    def _first_file(self, sha: str) -> Path | str:
        return next(f for f, s in zip(self.files, self.shas) if s and self.moved.get(s, s) == sha)

    def output_documents(self, summary: RunSummary, echo) -> list[OutputDocument]:
        """One OutputDocument per input file, in input order; a later file with the same bytes is a duplicate."""
        docs: list[OutputDocument] = []
        seen_sha: dict[str, str] = {}
        for i, (f, sha) in enumerate(zip(self.files, self.shas)):
            if sha is None:
                out = OutputDocument(self.unreadable[i].document)
            else:
                sha = self.moved.get(sha, sha)
                out = self._document(f, sha, summary if sha not in seen_sha else None)
                if sha in seen_sha:
                    # the same bytes under another name: list the file, keep its tables once
                    out = OutputDocument(dict(out.document, status="duplicate", n_tables=0,
                                              message=f"same content as {seen_sha[sha]}; its tables are listed there",
                                              doc_id=f"{sha[:16]}-dup{i}"))
                else:
                    seen_sha[sha] = shown_path(f)
            d = out.document
            summary.statuses[d["status"]] += 1
            if echo and d["status"] != "ok":
                echo(f"{shown_path(f)}: {d['status']}: {d['message']}")
            docs.append(out)
        return docs

    def _document(self, path: Path, sha: str, summary: RunSummary | None) -> OutputDocument:
        if sha in self.unfinished:
            return OutputDocument(dict(self.unfinished[sha].document, source_path=shown_path(path)))
        if sha not in self.heads:  # damaged again after it was extracted again: say so rather than guess
            return OutputDocument(empty_document(path, sha, f"its result could not be read back from the cache "
                                                            f"({self.cache.root}); run again"))
        document, codes = self.heads[sha]
        if summary is not None:
            summary.tables.update(codes)
        cache, version = self.cache, self.version

        def load():
            tables = cache.load(sha, version, names=CHILD_TABLES)
            if tables is None:  # damaged since its head was read: stop rather than write a document without rows
                raise OSError(errno.EIO, "a cache entry was damaged during the run; run again",
                              str(cache.entry_path(sha, version)))
            return tables

        return OutputDocument(dict(document, source_path=shown_path(path)), f"{sha}-{version}", load)


def _size(path: Path | str, infos: dict[str, dict]) -> int:
    try:
        return (infos.get(storage.key(path)) or storage.info(path))["size"]
    except OSError:
        return 0
