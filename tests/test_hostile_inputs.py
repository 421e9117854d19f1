"""What a hostile tester threw at `sakip extract` (issue 17), each case built here and its outcome asserted:
every input path gets a documents record whatever its name or kind; a damaged cache entry is extracted
again in the same run; one run at a time per output folder; a full or read-only disk is one line and
exit 2 with nothing left behind; a worker over its memory limit or its time limit costs its own file
and leaves no temporary folder; blank pages are not scans.

Kept fast (no test extracts more than a handful of 12-row fixture documents). The full disk is a real
tmpfs where this process may mount one (root, as in CI), else skipped saying so; a simulated ENOSPC
(the Parquet writer replaced by one that fails as a full disk does) runs everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import pipelines.writers as writers
from pipelines.cache import ResultCache, decode, encode, planned_version
from pipelines.cli import main
from pipelines.run import FileResult, process_file, run_extract
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

# (what issue 17 added is imported in the tests that use it, so that each test fails on its own on the code before)
from tests.test_run_at_scale import _skip_if_code_changed, _unchanged_code  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parents[1]


# --- per-file functions the workers run instead of process_file (module level: workers import them)

def hostile(path: Path) -> FileResult:
    """`process_file`, but a file named greedy asks for 6 GiB (not touched: harmless without a limit), one
    named slow never ends, and one named probe reports the worker's memory limit as its message."""
    import resource

    import numpy

    import pipelines.process as process

    if "slow" in path.name:
        time.sleep(120)
    if "probe" in path.name:
        from pipelines.process import empty_document

        return FileResult(empty_document(path, None, str(resource.getrlimit(resource.RLIMIT_AS)[0])))
    if "greedy" in path.name:
        real = process.extract_document

        def greedy(p, **kw):
            numpy.empty(6 * 2**30, dtype=numpy.uint8)
            return real(p, **kw)

        process.extract_document = greedy
        try:
            return process.process_file(path)
        finally:
            process.extract_document = real
    return process_file(path)


# --- inputs ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def renja(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("pdf") / "renja.pdf"
    build_document(load_spec(), LAYOUTS["ruled"], path, tables=["T-C.33"], max_rows=12)
    return path.read_bytes()


def variant(pdf: bytes, k: int) -> bytes:
    """The same document under other bytes (a comment after %%EOF): another sha256, another cache entry."""
    return pdf + f"% copy {k}\n".encode()


def documents(out: Path) -> dict[str, dict]:
    return {Path(r["source_path"]).name: r for r in pq.read_table(out / "documents.parquet").to_pylist()}


@contextlib.contextmanager
def writer_for(fifos: list[Path], after: float = 20.0):
    """Yields the named pipes a reader opened and waited on (a hang): after `after` seconds, this opens each
    such pipe as its writer, again and again, so that the reader gets an empty file and the test ends."""
    hung: list[Path] = []
    done = threading.Event()

    def unblock():
        if done.wait(after):
            return
        while not done.wait(0.2):
            for f in fifos:
                try:
                    os.close(os.open(f, os.O_WRONLY | os.O_NONBLOCK))  # ENXIO while no reader waits
                    hung.append(f)
                except OSError:
                    pass

    watch = threading.Thread(target=unblock, daemon=True)
    watch.start()
    try:
        yield hung
    finally:
        done.set()
        watch.join()


def invoke(*args: str):
    return CliRunner().invoke(main, ["extract", *args, "--no-progress"])


# --- 1. every input path gets a record -------------------------------------------------------------

def test_odd_inputs_each_get_a_record_and_a_message(tmp_path):
    """A link to nothing, a link loop, a named pipe (given by itself too), a link to /dev/zero, a folder
    named like a PDF and a link to a folder: none hangs, none is skipped in silence."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (raw / "loop.pdf").symlink_to(raw / "loop.pdf")
    os.mkfifo(raw / "pipe.pdf")
    (raw / "zero.pdf").symlink_to("/dev/zero")
    (raw / "folder.pdf").mkdir()
    (raw / "linked").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(tmp_path / "lone-pipe.pdf")
    out = tmp_path / "clean"
    with writer_for([raw / "pipe.pdf", tmp_path / "lone-pipe.pdf"]) as hung:  # opening a pipe waits for a writer
        res = invoke(str(raw), str(tmp_path / "lone-pipe.pdf"), "--out", str(out))
    assert hung == []
    assert res.exit_code == 1, res.output  # every file failed
    docs = documents(out)
    assert {n: d["status"] for n, d in docs.items()} == dict.fromkeys(
        ["dangling.pdf", "loop.pdf", "pipe.pdf", "zero.pdf", "folder.pdf", "linked", "lone-pipe.pdf"], "failed")
    assert docs["dangling.pdf"]["message"] == f"a symbolic link to {tmp_path / 'nowhere.pdf'}, which does not exist"
    assert docs["loop.pdf"]["message"] == "a symbolic link that cannot be followed (Too many levels of symbolic links)"
    assert docs["pipe.pdf"]["message"] == docs["lone-pipe.pdf"]["message"] == "a named pipe (FIFO), not a file; not read"
    assert docs["zero.pdf"]["message"] == "a symbolic link to a character device (/dev/zero), not read"
    assert docs["folder.pdf"]["message"] == "a folder named like a file; the files in it are read as inputs of their own"
    assert docs["linked"]["message"] == f"a symbolic link to a folder ({tmp_path}), not followed; give the folder itself"
    assert len({d["doc_id"] for d in docs.values()}) == 7
    assert f"{raw / 'pipe.pdf'}: failed: a named pipe (FIFO), not a file; not read" in res.output
    assert "Traceback" not in res.output


def test_a_name_that_is_not_utf8_is_kept_escaped_and_the_batch_goes_on(tmp_path, renja):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.pdf").write_bytes(variant(renja, 1))
    bad = os.path.join(os.fsencode(raw), b"bad-\xff.pdf")
    with open(bad, "wb") as fh:
        fh.write(renja)
    out = tmp_path / "clean"
    res = invoke(str(raw), "--out", str(out), "--workers", "1")
    assert res.exit_code == 0, res.output
    docs = documents(out)
    assert set(docs) == {"bad-\\xff.pdf", "good.pdf"}
    assert docs["bad-\\xff.pdf"]["source_path"] == f"{raw}/bad-\\xff.pdf"
    assert [docs[n]["status"] for n in sorted(docs)] == ["ok", "ok"]
    assert docs["bad-\\xff.pdf"]["n_tables"] == docs["good.pdf"]["n_tables"] == 1


# --- 2. damaged cache entries -------------------------------------------------------------------------

DAMAGE = {
    "cut-half": lambda b: b[: len(b) // 2],
    "cut-10-bytes": lambda b: b[:10],
    "emptied": lambda b: b"",
    "byte-flipped": lambda b: b[: len(b) // 2] + bytes([b[len(b) // 2] ^ 0xFF]) + b[len(b) // 2 + 1:],
    "overwritten": lambda b: b"\0" * len(b),
}


def test_an_entry_is_checked_when_read(renja):
    tables = {n: writers.to_table(n, []) for n in ("documents", "tables", "rows", "values")}
    entry = encode(tables)
    assert decode(entry).keys() == set(tables)
    how_said = dict.fromkeys(DAMAGE, "checksum does not match: cut short or overwritten")
    how_said["cut-10-bytes"] = how_said["emptied"] = how_said["overwritten"] = "not a sakip result entry of this format"
    for how, damage in DAMAGE.items():
        with pytest.raises(ValueError, match=how_said[how]):
            decode(damage(entry))


def test_damaged_cache_entries_are_extracted_again_in_the_same_run(tmp_path, renja):
    raw, out, cache_dir = tmp_path / "raw", tmp_path / "clean", tmp_path / "cache"
    raw.mkdir()
    damaged = ["cut-half", "cut-10-bytes", "byte-flipped"]  # the ways the issue saw, and a silent one
    for k, how in enumerate(damaged):
        (raw / f"{how}.pdf").write_bytes(variant(renja, k))
    first = run_extract([raw], out, progress=False, workers=2, cache_dir=cache_dir)
    _skip_if_code_changed()
    assert (first.extracted, first.statuses["ok"]) == (3, 3)
    rows = {Path(r["source_path"]).name: r for r in pq.read_table(out / "documents.parquet").to_pylist()}
    n_rows = pq.read_table(out / "rows.parquet").num_rows
    assert n_rows == 3 * 12
    cache = ResultCache(cache_dir)
    version = planned_version()
    for how in damaged:
        entry = Path(cache.entry_path(rows[f"{how}.pdf"]["sha256"], version))
        entry.write_bytes(DAMAGE[how](entry.read_bytes()))
    shutil.rmtree(out)  # the outputs are written again from the entries
    again = run_extract([raw], out, progress=False, workers=2, cache_dir=cache_dir)
    _skip_if_code_changed()
    assert (again.extracted, again.cached, again.statuses["ok"]) == (3, 0, 3)
    assert pq.read_table(out / "rows.parquet").num_rows == n_rows
    assert [t["n_rows"] for t in pq.read_table(out / "tables.parquet").to_pylist()] == [12] * 3
    assert [cache.load(d["sha256"], version)["rows"].num_rows for d in rows.values()] == [12] * 3


# --- 3. one run at a time per output folder ------------------------------------------------------------

def test_a_second_run_into_the_same_folder_is_refused_until_the_first_ends(tmp_path):
    out = tmp_path / "clean"
    (tmp_path / "gone.pdf").symlink_to(tmp_path / "nowhere")  # an input that needs no worker
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom pipelines.lock import output_lock\n"
         "with output_lock(Path(sys.argv[1])):\n    print('locked', flush=True)\n    time.sleep(120)\n", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = invoke(str(tmp_path / "gone.pdf"), "--out", str(out))
        assert res.exit_code == 2
        [line] = res.output.splitlines()
        assert line.startswith(f"error: {out}: another sakip extract is writing to this folder (pid {holder.pid} on ")
        assert line.endswith(f"; lock {tmp_path / '.clean.lock'}); wait for it to finish, or stop it, then run again")
        assert not (out / "documents.parquet").exists()
    finally:
        holder.kill()  # a killed run leaves no stale lock: the kernel drops it with the process
        holder.wait()
    res = invoke(str(tmp_path / "gone.pdf"), "--out", str(out))
    assert res.exit_code == 1 and documents(out)["gone.pdf"]["status"] == "failed", res.output


def test_the_lock_is_held_for_the_run_in_this_process_too(tmp_path):
    from pipelines.lock import OutputBusy, output_lock

    with output_lock(tmp_path / "clean"):
        with pytest.raises(OutputBusy):
            run_extract([], tmp_path / "clean", progress=False)
    assert run_extract([], tmp_path / "clean", progress=False).n_files == 0


# --- 4. full, read-only, not a folder: one line, exit 2, nothing left behind ---------------------------

def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith(".tmp"))


def test_out_or_cache_that_is_a_file_stops_the_run_before_any_work(tmp_path, renja):
    (tmp_path / "renja.pdf").write_bytes(renja)
    (tmp_path / "a-file").write_text("not a folder")
    res = invoke(str(tmp_path / "renja.pdf"), "--out", str(tmp_path / "a-file"), "--cache", str(tmp_path / "cache"))
    assert (res.exit_code, res.output) == (2, f"error: {tmp_path / 'a-file'}: exists and is not a folder\n")
    assert not (tmp_path / "cache").exists()  # nothing was extracted
    res = invoke(str(tmp_path / "renja.pdf"), "--out", str(tmp_path / "clean"), "--cache", str(tmp_path / "a-file"))
    assert (res.exit_code, res.output) == (2, f"error: {tmp_path / 'a-file'}: exists and is not a folder\n")


class FullDisk:
    """A Parquet writer on a full disk: writing fails with ENOSPC, and so does closing."""

    def __init__(self, where, schema, **kw):
        with open(where, "wb") as fh:
            fh.write(b"PAR1")  # what it had written before the disk filled

    def write_table(self, *a, **kw):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")

    close = write_table


def test_a_full_disk_while_writing_is_one_line_and_leaves_the_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "clean"
    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).symlink_to(tmp_path / "nowhere")
    assert invoke(str(tmp_path / "a.pdf"), "--out", str(out)).exit_code == 1
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(writers.pq, "ParquetWriter", FullDisk)
    res = invoke(str(tmp_path / "a.pdf"), str(tmp_path / "b.pdf"), "--out", str(out))
    assert (res.exit_code, res.output.splitlines()[-1]) == (2, f"error: {out}: No space left on device")
    assert "Traceback" not in res.output
    assert leftovers(out) == []
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.fixture
def tmpfs(tmp_path):
    """A 1 MB tmpfs mounted on tmp_path/disk (root only; skipped where mounting is not allowed)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or 'mount failed'}); the simulated ENOSPC test covers it")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_real_full_disk_and_a_read_only_one(tmp_path, tmpfs):
    out = tmpfs / "clean"
    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).symlink_to(tmp_path / "nowhere")
    cache = ["--cache", str(tmp_path / "cache")]
    assert invoke(str(tmp_path / "a.pdf"), "--out", str(out), *cache).exit_code == 1
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with open(tmpfs / "filler", "wb", buffering=0) as fh:  # fill the disk to its last byte
        try:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError as ex:
            assert ex.errno == errno.ENOSPC
    res = invoke(str(tmp_path / "a.pdf"), str(tmp_path / "b.pdf"), "--out", str(out), *cache)
    assert res.exit_code == 2 and res.output.splitlines()[-1].endswith(": No space left on device"), res.output
    assert leftovers(tmpfs) == []
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    (tmpfs / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    res = invoke(str(tmp_path / "a.pdf"), "--out", str(tmpfs / "other"), *cache)
    assert (res.exit_code, res.output) == (2, f"error: {tmpfs / 'other'}: Read-only file system\n")


# --- 4b. the command line fails early and plainly --------------------------------------------------------

def test_ctrl_c_exits_130(tmp_path, monkeypatch):
    import pipelines.run

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipelines.run, "run_extract", interrupted)
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    res = invoke(str(tmp_path / "a.pdf"), "--out", str(tmp_path / "clean"))
    assert (res.exit_code, res.output) == (130, "interrupted\n")


def test_inspect_on_a_file_that_is_not_a_pdf_says_why_and_fails(tmp_path):
    (tmp_path / "notes.txt").write_text("Rencana kerja, not a PDF\n")
    res = CliRunner().invoke(main, ["inspect", str(tmp_path / "notes.txt")])
    assert res.exit_code == 1
    assert res.output == f"Error: {tmp_path / 'notes.txt'}: not a PDF (no %PDF- header)\n"


# --- 5-6. memory and time limits per worker; their temporary folders go with them ------------------------

def test_a_file_over_the_memory_or_time_limit_fails_alone_and_leaves_no_temporary_folder(tmp_path, renja, monkeypatch):
    from pipelines.settings import RunSettings

    tmp = tmp_path / "tmp"
    (tmp / "sakip-run-999999999-x").mkdir(parents=True)  # left by a run that was killed (no such process)
    monkeypatch.setenv("TMPDIR", str(tmp))  # the workers' temporary folder, as the system's
    monkeypatch.setattr(tempfile, "tempdir", None)
    raw = tmp_path / "raw"
    raw.mkdir()
    for k, name in enumerate(["good.pdf", "greedy.pdf", "slow.pdf"]):
        (raw / name).write_bytes(variant(renja, k))
    out = tmp_path / "clean"
    settings = RunSettings(workers=2, timeout=6, max_memory=int(3.3e9))
    summary = run_extract([raw], out, progress=False, settings=settings, process=hostile)
    _skip_if_code_changed()
    docs = documents(out)
    assert summary.statuses == {"ok": 1, "failed": 2}, docs
    assert docs["good.pdf"]["status"] == "ok"
    assert docs["greedy.pdf"]["status"] == "failed"
    assert docs["greedy.pdf"]["message"] == "reading it needed more memory than a worker may use (3.1 GiB, --max-memory)"
    assert docs["slow.pdf"]["message"] == "stopped after the time limit of 6 s (--timeout); it is tried again on the next run"
    assert list(tmp.iterdir()) == []


def test_workers_get_a_memory_limit_by_default(tmp_path, monkeypatch):
    from pipelines import parallel
    from pipelines.settings import RunSettings, default_max_memory

    (tmp_path / "probe.pdf").write_bytes(b"%PDF-1.4 probe")
    out = tmp_path / "clean"
    run_extract([tmp_path / "probe.pdf"], out, progress=False, workers=1, process=hostile)
    assert documents(out)["probe.pdf"]["message"] == str(default_max_memory(1))
    assert RunSettings(workers=4, max_memory=0).memory_limit is None
    assert RunSettings(workers=4).memory_limit == default_max_memory(4) >= 3 * 2**30
    with pytest.raises(ValueError, match="ocr must be one of auto, always, never"):
        RunSettings(ocr="sometimes")
    assert parallel.DEFAULT_TIMEOUT == RunSettings().timeout


# --- 7. pages with nothing to read are not scans ----------------------------------------------------------

def test_blank_and_drawing_only_pages_are_no_tables_with_their_page_count(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "drawings.pdf"
    c = canvas.Canvas(str(path))
    c.showPage()  # blank
    for k in range(40):  # a page of vector drawing only
        c.line(50, 50 + 10 * k, 500, 60 + 10 * k)
    c.rect(100, 100, 300, 300)
    c.showPage()
    c.showPage()
    c.save()
    doc = process_file(path).document
    assert (doc["status"], doc["n_pages"]) == ("no_tables", 3)
    assert doc["message"] == "none of its 3 pages has text or a scanned image (blank, or drawings only)"
