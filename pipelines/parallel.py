"""Where the per-file work runs: worker processes on this machine, or a Dask cluster.

Both run the same function, `extract_task(path, version)`: one file → its four tables encoded as one
cache entry (`cache.encode`), with the time it took and the worker's peak memory. Both yield a
`TaskResult` per file as files finish, in no particular order; `run.py` stores each in the cache at
once and orders the documents when it writes the outputs.

* `LocalWorkers`: a pebble process pool, one file per task, each worker replaced after
  `MAX_TASKS_PER_WORKER` files (memory that PDF parsing leaves behind is returned), a file over the
  time limit has its worker killed, and a worker that dies takes only its own file with it. Each worker's
  address space is capped (`RunSettings.max_memory`, inherited by the OCR processes it starts), and its
  temporary files go to the run's own folder, which the run removes however its workers ended.
* `DaskWorkers`: `client.submit` per file and `as_completed` on a dask.distributed cluster. A Dask
  worker cannot stop a running task, so there each file runs in a child process of the worker
  (`python -m pipelines.parallel`) that is killed at the time limit.

A file given by URL (`s3://…`, see `storage.py`) is read in the worker, through fsspec, into a temporary
copy that is extracted and then deleted: a worker of a cluster needs no disk shared with the machine
the run started from, only the credentials of the object store (e.g. AWS_* variables). A file the run
could not name by its sha256 (new to the file index) is hashed there, from that copy, and not extracted
when the cache holds its result already (`cache.WorkerCache`, `cache.KnownResults`): each input is
downloaded once.

This module does not decide what to run (the cache does) and writes no outputs.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import storage
from .settings import DEFAULT_TIMEOUT, default_workers  # noqa: F401 (DEFAULT_TIMEOUT: used from here by the CLI)

log = logging.getLogger(__name__)

MAX_TASKS_PER_WORKER = 20
CLUSTER_EXTRA_HINT = "pip install 'sakip-tables[cluster]'  (in a checkout: .venv/bin/pip install -e '.[cluster]')"


class ClusterUnavailable(Exception):
    """The Dask scheduler cannot be used (dask.distributed missing, or the address unreachable)."""


class VersionMismatch(Exception):
    """A worker runs other extraction code or another nomenclature than the run was planned with."""


@dataclass
class TaskResult:
    """What one file gave. `payload` is the encoded cache entry; None when the work did not finish
    (time limit, a worker that died), in which case `document` says why and nothing is cached."""

    path: str
    sha256: str | None
    document: dict
    payload: bytes | None
    seconds: float
    peak_rss_mb: float | None = None  # the worker process's peak resident memory so far
    cpu_seconds: float | None = None  # CPU time of this file in the worker (user + system)
    analysed_pages: int | None = None  # pages that got the full layout analysis
    ocr_pages: int | None = None  # pages read by OCR (from the OCR cache or OCR'd now)
    from_cache: bool = False  # hashed by the worker, whose result the cache held: not extracted, no payload
    source_info: dict | None = None  # a file hashed by the worker: its `storage.info` right after it was read


def extract_task(path: str, version: str, process: Callable | None = None, ocr=None, cache=None,
                 sha: str | None = None) -> TaskResult:
    """The per-file work, in a worker: extract, match, check against the schema, encode. `ocr` (an
    `extract.OcrSettings`) says how scanned pages are OCR'd; OCRmyPDF runs `ocr.jobs` pages at a time.
    `cache` (a `cache.WorkerCache` or `cache.KnownResults`; None: none) and `sha` (what the run knows the
    file's bytes as; None: not known, they are hashed here) are described in the module's docstring."""
    from .cache import encode, running_version, sha256_of
    from .process import process_file, shown_path
    from .writers import to_table

    start, cpu = time.perf_counter(), _cpu_seconds()
    here = running_version(ocr.mode if ocr is not None else "auto")
    if here != version:
        raise VersionMismatch(
            f"a worker runs other extraction code, another nomenclature or another OCR setup ({here}) than the "
            f"run started with ({version}): the code was changed during the run (run again), or the workers of "
            "the cluster do not have the same sakip-tables checkout, nomenclature and Tesseract as this machine"
        )
    with tempfile.TemporaryDirectory(prefix="sakip-input-") as tmp:
        try:
            local = storage.fetch(path, Path(tmp))
            seen = storage.info(path) if sha is None and not storage.is_local(path) else None
        except (OSError, storage.StorageUnavailable) as ex:
            return failed_result(path, None, f"cannot be read: {ex}", time.perf_counter() - start)
        if cache is None:
            result = process(local) if process is not None else process_file(local, ocr=ocr)
        else:
            here = sha or sha256_of(local)
            if sha is None and cache.skip_cached and cache.has(here, version):
                return TaskResult(path, here, {}, None, time.perf_counter() - start, from_cache=True, source_info=seen)
            with cache.ocr(ocr, here) as ocr:
                result = process(local) if process is not None else process_file(local, ocr=ocr)
    result.document["source_path"] = shown_path(path)
    tables = {"documents": to_table("documents", [result.document])}
    tables.update((name, to_table(name, getattr(result, name))) for name in ("tables", "rows", "values"))
    return TaskResult(path, result.document["sha256"], result.document, encode(tables),
                      time.perf_counter() - start, _peak_rss_mb(), _cpu_seconds() - cpu, result.analysed_pages,
                      getattr(result, "ocr_pages", None), source_info=seen)


def failed_result(path: str, sha: str | None, message: str, seconds: float = 0.0) -> TaskResult:
    """A file whose work did not finish: a `failed` documents record, not cached."""
    from .process import empty_document

    return TaskResult(path, sha, empty_document(path, sha, message), None, seconds)


def ocr_task(path: str, pages: list[int], ocr) -> TaskResult:
    """OCR `pages` of one file into the OCR cache (`ocr.cache_dir`), in a worker: the pieces a scanned file's
    OCR is split into, so that its pages are OCR'd by every worker of the pool (see `LocalWorkers.run`).
    Nothing is extracted; a page OCRmyPDF cannot read is tried again by the file's own task, which says why."""
    from extract.ocr import OcrFailed, ocr_document

    start, cpu = time.perf_counter(), _cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="sakip-input-") as tmp:
        try:
            ocr_document(storage.fetch(path, Path(tmp)), pages, dataclasses.replace(ocr, defer=False, jobs=1))
        except (OSError, storage.StorageUnavailable, OcrFailed) as ex:
            log.debug("OCR of pages %s of %s failed: %s", pages, path, ex)
    return TaskResult(path, None, {}, None, time.perf_counter() - start, _peak_rss_mb(), _cpu_seconds() - cpu)


@dataclass
class _FileWork:
    """A file's work in the pool so far: its page tasks (OCR) before its own, their time, CPU and memory.
    The time limit holds for the file's tasks together."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float | None = None
    pages_left: int = 0
    done: bool = False  # failed during its page tasks

    def left(self, timeout: float | None) -> float | None:
        return None if timeout is None else max(1.0, timeout - self.seconds)

    def add(self, r: TaskResult) -> None:
        self.seconds += r.seconds
        self.cpu_seconds += r.cpu_seconds or 0.0
        if r.peak_rss_mb is not None:
            self.peak_rss_mb = max(self.peak_rss_mb or 0.0, r.peak_rss_mb)

    def add_to(self, r: TaskResult) -> TaskResult:
        """The file's own result, with the time, CPU and memory of its page tasks."""
        if self.seconds or self.cpu_seconds:
            r.seconds += self.seconds
            r.cpu_seconds = (r.cpu_seconds or 0.0) + self.cpu_seconds
            if self.peak_rss_mb is not None:
                r.peak_rss_mb = max(r.peak_rss_mb or 0.0, self.peak_rss_mb)
        return r


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (the OCR process and its Tesseracts)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from /proc (VmHWM): `ru_maxrss` carries over exec the
    peak of the process that started this one (a worker would report at least the run's main process)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def timeout_message(timeout: float) -> str:
    return f"stopped after the time limit of {timeout:g} s (--timeout); it is tried again on the next run"


def died_message(exitcode: int | None, max_memory: int | None = None) -> str:
    how = f"exit code {exitcode}"
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    if max_memory and exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        # what a library that cannot allocate does rather than raise MemoryError
        how += f"; a worker may use {max_memory / 2**30:.1f} GiB of memory, --max-memory"
    return f"the worker process extracting this file died ({how}); it is tried again on the next run"


# --- one machine ---------------------------------------------------------------------------------

class LocalWorkers:
    """`workers` processes, each file stopped after `timeout` seconds; each worker may use `max_memory`
    bytes of address space (None: no limit) and keeps its temporary files in `tmp_root` (None: the
    system's), a folder the run removes whatever became of its workers."""

    def __init__(self, workers: int, timeout: float | None, max_memory: int | None = None,
                 tmp_root: str | None = None):
        self.workers = max(1, workers)
        self.timeout = timeout or None
        self.max_memory = max_memory
        self.tmp_root = tmp_root
        self._pool = None

    def run(self, tasks: list[tuple[str, str | None]], version: str, process: Callable | None = None,
            ocr=None, cache=None) -> Iterator[TaskResult]:
        """`tasks` are (path, sha256 or None) pairs; yields one TaskResult per task as it finishes."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures import TimeoutError as FutureTimeout

        from pebble import ProcessExpired, ProcessPool

        if not tasks:
            return
        # spawn: each worker imports the code as it is on disk when it starts (the version the run
        # planned with), not a copy of this process, which may have imported older code long ago.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPool(max_workers=min(self.workers, len(tasks)), max_tasks=MAX_TASKS_PER_WORKER,
                                 context=context, initializer=start_worker,
                                 initargs=(self.max_memory, self.tmp_root))
        from extract.ocr import OcrDeferred

        pending: dict = {}  # future → (path, sha, the pages it OCRs; None: the file's own task)
        files = {path: _FileWork() for path, _ in tasks}

        def schedule_file(path: str, sha: str | None, settings) -> None:
            future = self._pool.schedule(extract_task, args=(path, version, process, settings, cache, sha),
                                         timeout=files[path].left(self.timeout))
            pending[future] = (path, sha, None)

        def stop_file(path: str, sha: str | None, message: str) -> TaskResult:
            """The file failed while its pages were being OCR'd: its other page tasks are dropped."""
            work = files[path]
            work.done = True
            for f, (p, _, pages) in list(pending.items()):
                if p == path and pages is not None:
                    f.cancel()
                    pending.pop(f)
            return failed_result(path, sha, message, work.seconds)

        try:
            for path, sha in tasks:
                schedule_file(path, sha, ocr)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future not in pending:  # dropped with its file meanwhile
                        continue
                    path, sha, pages = pending.pop(future)
                    work = files[path]
                    if pages is not None:  # a page task: when the file's last one is in, the file is extracted
                        failure = self._page_done(future, work)
                        if failure:
                            yield stop_file(path, sha, failure)
                        elif work.pages_left == 0 and not work.done:
                            schedule_file(path, sha, dataclasses.replace(ocr, defer=False))
                        continue
                    try:
                        yield work.add_to(future.result())
                    except OcrDeferred as ex:
                        # the file's scanned pages, one task each, spread over the pool with the other files
                        work.pages_left = len(ex.pages)
                        for page in ex.pages:
                            f = self._pool.schedule(ocr_task, args=(path, [page], ocr), timeout=work.left(self.timeout))
                            pending[f] = (path, sha, [page])
                    except FutureTimeout:
                        yield failed_result(path, sha, timeout_message(self.timeout), self.timeout)
                    except ProcessExpired as ex:
                        yield failed_result(path, sha, died_message(ex.exitcode, self.max_memory))
                    except VersionMismatch:
                        raise
                    except Exception as ex:  # a bug outside process_file's own guard (e.g. the schema)
                        yield failed_result(path, sha, f"unexpected error in the worker ({type(ex).__name__}: {ex}); please report it")
        finally:
            self.close()

    def _page_done(self, future, work: "_FileWork") -> str | None:
        """Account a finished page task of a file; why the file fails with it (None: it does not)."""
        from concurrent.futures import TimeoutError as FutureTimeout

        from pebble import ProcessExpired

        work.pages_left -= 1
        if work.done:
            return None
        try:
            work.add(future.result())
        except FutureTimeout:
            return timeout_message(self.timeout)
        except ProcessExpired as ex:
            return died_message(ex.exitcode, self.max_memory)
        if self.timeout is not None and work.seconds >= self.timeout:
            return timeout_message(self.timeout)
        return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None


def start_worker(max_memory: int | None = None, tmp_root: str | None = None) -> None:
    """In a new worker: die with the run, cap its memory, keep its temporary files in the run's folder."""
    _die_with_parent()
    limit_memory(max_memory)
    if tmp_root:
        # the OCR's child processes (OCRmyPDF, Ghostscript, Tesseract) inherit both
        os.environ["TMPDIR"] = tempfile.tempdir = tmp_root


def limit_memory(max_memory: int | None) -> None:
    """Cap this process's address space (RLIMIT_AS; inherited by the processes it starts, each capped
    alone): past it an allocation fails, the file's work ends in MemoryError or the worker dies, and
    the file is recorded `failed` rather than the machine running out of memory."""
    if max_memory:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = max_memory if hard == resource.RLIM_INFINITY else min(max_memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _die_with_parent() -> None:
    """In a worker: be killed when the run is (kill -9 included), rather than finish a file nobody awaits.
    (Linux ties this to the thread that started the worker: the pool's, which lives as long as the pool.)"""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# --- a Dask cluster -------------------------------------------------------------------------------

def isolated_task(path: str, sha: str | None, version: str, timeout: float | None, process: str | None,
                  ocr_mode: str = "auto", cache=None, max_memory: int | None = None) -> TaskResult:
    """`extract_task` in a child process of this (Dask) worker, killed at the time limit, its address space
    capped at `max_memory` bytes (None: `settings.default_max_memory` of this machine; 0: no limit), its
    temporary files in a folder removed after it. OCR'd copies are kept only when the cache is on object
    storage (`cache`, a `cache.WorkerCache`); a `cache.KnownResults` is handed to the child on its
    standard input."""
    from .cache import KnownResults
    from .settings import default_max_memory

    start = time.perf_counter()
    limit = default_max_memory(default_workers()) if max_memory is None else max_memory
    with tempfile.TemporaryDirectory(prefix="sakip-task-") as tmp:
        result_path = Path(tmp) / "result.pickle"
        cmd = [sys.executable, "-m", "pipelines.parallel", f"--ocr={ocr_mode}", f"--max-memory={limit}", path,
               version, str(result_path)]
        cmd[3:3] = [f"--sha={sha}"] if sha else []
        known = isinstance(cache, KnownResults)
        cmd[3:3] = ([] if cache is None else ["--known"] if known else [f"--cache={cache.root}"])
        cmd[3:3] = ["--force"] if cache is not None and not cache.skip_cached else []
        try:
            proc = subprocess.run(cmd + ([process] if process else []), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=timeout, cwd=_project_root(), check=False,
                                  env=dict(os.environ, TMPDIR=tmp),  # what a killed child leaves goes with `tmp`
                                  input="\n".join(sorted(cache.shas)).encode() if known else b"")
        except subprocess.TimeoutExpired:
            return failed_result(path, sha, timeout_message(timeout), time.perf_counter() - start)
        if proc.returncode != 0 or not result_path.exists():
            log.debug("task process for %s failed:\n%s", path, proc.stderr.decode(errors="replace")[-2000:])
            return failed_result(path, sha, died_message(proc.returncode), time.perf_counter() - start)
        result = pickle.loads(result_path.read_bytes())
    if isinstance(result, VersionMismatch):
        raise result
    return result


def _project_root() -> str:
    return str(Path(__file__).resolve().parents[1])


def callable_name(fn: Callable | None) -> str | None:
    return None if fn is None else f"{fn.__module__}:{fn.__qualname__}"


def _resolve(name: str) -> Callable:
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


class DaskWorkers:
    def __init__(self, address: str, timeout: float | None, max_memory: int | None = None):
        try:
            from distributed import Client
        except ImportError as ex:
            raise ClusterUnavailable(f"running on a Dask cluster needs the `cluster` extra: {CLUSTER_EXTRA_HINT}") from ex
        try:
            self.client = Client(address, timeout="20s")
        except OSError as ex:
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address} ({ex})") from ex
        self.timeout = timeout or None
        self.max_memory = max_memory
        self.workers = len(self.client.scheduler_info().get("workers", {}))

    def run(self, tasks: list[tuple[str, str | None]], version: str, process: Callable | None = None,
            ocr=None, cache=None) -> Iterator[TaskResult]:
        from distributed import as_completed

        futures = {}
        mode = ocr.mode if ocr is not None else "auto"
        if getattr(cache, "shas", None):  # a cache.KnownResults: sent to each worker once, not with every task
            cache = self.client.scatter(cache, broadcast=True)
        for path, sha in tasks:
            future = self.client.submit(isolated_task, path, sha, version, self.timeout, callable_name(process), mode,
                                        cache, self.max_memory, key=f"sakip-extract-{sha or path}", pure=False,
                                        retries=0)
            futures[future] = (path, sha)
        try:
            for future in as_completed(list(futures)):
                path, sha = futures[future]
                try:
                    result = future.result()
                except VersionMismatch:
                    raise
                except Exception as ex:  # e.g. KilledWorker: the Dask worker itself died on this file
                    result = failed_result(path, sha, f"the cluster could not run this file ({type(ex).__name__}: {ex}); "
                                                      "it is tried again on the next run")
                future.release()
                yield result
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self.client.close()


def _main(argv: list[str]) -> int:
    """`python -m pipelines.parallel [--ocr=MODE] [--max-memory=BYTES] [--cache=URL | --known] [--force] [--sha=SHA256] PATH
    VERSION RESULT_PATH [MODULE:FUNCTION]`: one task, pickled to RESULT_PATH. `--known`: the sha256s of the
    files the cache holds results of are read from the standard input, one a line."""
    from extract import OcrSettings

    from .cache import KnownResults, WorkerCache

    options = {a[2:].partition("=")[0]: a.partition("=")[2] for a in argv if a.startswith("--")}
    argv = [a for a in argv if not a.startswith("--")]
    limit_memory(int(options.get("max-memory") or 0))
    path, version, out = argv[:3]
    process = _resolve(argv[3]) if len(argv) > 3 else None
    cache = WorkerCache(options["cache"], skip_cached="force" not in options) if "cache" in options else None
    if "known" in options:
        cache = KnownResults(frozenset(sys.stdin.read().split()), skip_cached="force" not in options)
    try:
        result = extract_task(path, version, process, OcrSettings(mode=options.get("ocr") or "auto"), cache,
                              options.get("sha") or None)
    except VersionMismatch as ex:
        result = ex
    from .cache import write_bytes_atomic

    write_bytes_atomic(Path(out), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    # through the package, so that what is pickled is pipelines.parallel.TaskResult, not __main__'s
    from pipelines.parallel import _main as main_of_package

    sys.exit(main_of_package(sys.argv[1:]))
