"""One run at a time per output folder: a lock beside it (`data/clean` → `data/.clean.lock`).

The lock is an `flock` on that file, held by the kernel for as long as the run's process lives: a
run that is killed (even `kill -9`, even its machine rebooted) leaves no lock behind, so there is no
stale lock to clear by hand or by age. The file itself stays; it only says, for the message a second
run prints, which process holds it and since when. A second run does not wait: it says which run holds
the folder and stops (`OutputBusy`). An output folder on object storage (`s3://…`) has no lock; runs
into it must not overlap.

This module knows nothing of what a run does under the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from pathlib import Path
from typing import Iterator

from .storage import FILE_MODE, Location


class OutputBusy(Exception):
    """Another run holds the output folder."""


def lock_path(out_dir: Path) -> Path:
    out_dir = out_dir.resolve()
    return out_dir.parent / f".{out_dir.name}.lock"


@contextlib.contextmanager
def output_lock(out_dir: Location) -> Iterator[None]:
    """Hold the output folder `out_dir` for the run (nothing for one on object storage)."""
    if not isinstance(out_dir, Path):
        yield
        return
    path = lock_path(out_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "a process"
            raise OutputBusy(f"{out_dir}: another sakip extract is writing to this folder ({holder}; lock {path}); "
                             "wait for it to finish, or stop it, then run again") from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since "
                          f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}\n".encode(), 0)
        except OSError:  # a full disk: the lock holds all the same, only the message of a second run is vaguer
            pass
        yield
    finally:
        os.close(fd)  # releases the lock
