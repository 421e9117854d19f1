"""The settings of one extraction run, in one object checked once (`RunSettings`).

`sakip extract`'s options and `run_extract`'s keyword arguments both end up here; `run.py` and
`parallel.py` read them from this object and check nothing again. This module runs nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .storage import Location

DEFAULT_TIMEOUT = 1800.0  # seconds per file; the slowest real 150-page document takes well under this
OCR_MODES = ("auto", "always", "never")
# A worker's address space (RLIMIT_AS), not its resident memory: PDFium, Arrow and the thread arenas of
# glibc reserve far more than they touch (a worker on a 90-page Renstra: 1.7 GB virtual, 160 MB resident).
MIN_MAX_MEMORY = 3 * 2**30
MACHINE_SHARE = 0.8  # of the machine's memory, shared by the workers, by default


@dataclass(frozen=True)
class RunSettings:
    """How a run works. `workers`: processes on this machine (None: the CPU cores); `timeout`: seconds
    one file may take (None: no limit); `force`: extract again what the cache holds; `scheduler`: a Dask
    address (None: this machine); `cache_dir`: the cache (None: beside the output folder); `ocr`: auto,
    always or never; `max_memory`: bytes of address space per worker and per OCR child process (None:
    `default_max_memory`, 0: no limit)."""

    workers: int | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    force: bool = False
    scheduler: str | None = None
    cache_dir: Location | None = None
    ocr: str = "auto"
    max_memory: int | None = None

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        if self.timeout is not None and self.timeout < 0:
            raise ValueError(f"timeout must be 0 or more seconds, not {self.timeout}")
        if self.timeout == 0:
            object.__setattr__(self, "timeout", None)  # 0 means no limit, as on the command line
        if self.ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {self.ocr!r}")
        if self.max_memory is not None and self.max_memory < 0:
            raise ValueError(f"max_memory must be 0 (no limit) or a number of bytes, not {self.max_memory}")

    @property
    def worker_count(self) -> int:
        return self.workers or default_workers()

    @property
    def memory_limit(self) -> int | None:
        """Bytes of address space a worker may use (None: no limit)."""
        if self.max_memory is None:
            return default_max_memory(self.worker_count)
        return self.max_memory or None


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_max_memory(workers: int) -> int:
    """A worker's share of the machine's memory (80% of it over the workers), at least 3 GiB: one file
    that would take all the memory fails alone, and no real document comes near the limit."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system that says
        return MIN_MAX_MEMORY
    return max(MIN_MAX_MEMORY, int(total * MACHINE_SHARE / max(1, workers)))
