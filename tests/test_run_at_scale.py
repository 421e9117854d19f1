"""Runs at scale: worker processes give the same output as one, a slow or crashing file never stops
the batch, a re-run extracts only what is new, a killed run resumes, the outputs are datasets that
pandas, pyarrow and DuckDB read with their path, and a Dask cluster gives the same output again.

The inputs are small fixture PDFs (three rows per table) so that every run takes a few seconds.
A test whose extraction code is edited while it runs (a shared working tree) is skipped, saying so:
the cache is then right to extract again, and the counts it asserts no longer hold.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import pipelines.writers as writers
from pipelines.cache import ResultCache, code_version, decode, planned_version
from pipelines.cli import main
from pipelines.parallel import VersionMismatch, extract_task
from pipelines.run import FileResult, collect_inputs, process_file, run_extract
from pipelines.schema import SCHEMAS
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

ROOT = Path(__file__).resolve().parents[1]
NAMES = tuple(SCHEMAS)


# --- per-file functions the workers run instead of process_file (module level: workers import them)

def slow_when_named_slow(path: Path) -> FileResult:
    if "slow" in path.name:
        time.sleep(60)
    return process_file(path)


def crash_when_named_crash(path: Path) -> FileResult:
    if "crash" in path.name:
        os._exit(7)  # what a segfault or the OOM killer looks like from outside
    return process_file(path)


def slow_everywhere(path: Path) -> FileResult:
    time.sleep(0.7)
    return process_file(path)


# --- inputs ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, bytes]:
    """Five different fixture PDFs (bytes by name)."""
    d = tmp_path_factory.mktemp("pdfs")
    spec = load_spec()
    made = [("ruled", ["T-C.33"]), ("hrules", ["T-C.29"]), ("unruled", ["T-C.31"]), ("rotated", ["T-C.33"]),
            ("no_repeat", ["T-C.29", "T-C.33"])]
    out = {}
    for layout, tables in made:
        path = d / f"renja-{layout}.pdf"
        build_document(spec, LAYOUTS[layout], path, tables=tables, max_rows=3)
        out[path.name] = path.read_bytes()
    return out


def inbox(folder: Path, pdfs: dict[str, bytes], names: list[str] | None = None, extra: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names or list(pdfs):
        (folder / name).write_bytes(pdfs[name])
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    return folder


def read(out: Path) -> dict:
    return {n: pq.read_table(out / f"{n}.parquet") for n in NAMES}


def assert_same_output(a: Path, b: Path) -> None:
    ta, tb = read(a), read(b)
    for n in NAMES:
        assert ta[n].to_pylist() == tb[n].to_pylist(), n


_code_at_start: list[str] = []


@pytest.fixture(autouse=True)
def _unchanged_code():
    _code_at_start[:] = [code_version()]
    yield
    _skip_if_code_changed()


def _skip_if_code_changed() -> None:
    if code_version() != _code_at_start[0]:
        pytest.skip("the extraction code was edited while this test ran; run it again")


def run(folder: Path, out: Path, **kw):
    kw.setdefault("cache_dir", out.parent / f"{out.name}-cache")
    try:
        summary = run_extract([folder], out, progress=False, **kw)
    except VersionMismatch:
        _skip_if_code_changed()
        raise
    _skip_if_code_changed()
    return summary


# --- one machine -------------------------------------------------------------------------------------

def test_two_workers_write_exactly_what_one_worker_writes(pdfs, tmp_path):
    good = pdfs["renja-ruled.pdf"]
    folder = inbox(tmp_path / "raw", pdfs, extra={"empty.pdf": b"", "b-copy.pdf": good, "notes.docx": b"PK\x03\x04" + bytes(64)})
    one = run(folder, tmp_path / "one", workers=1)
    two = run(folder, tmp_path / "two", workers=2)
    assert (one.extracted, two.extracted, two.workers) == (7, 7, 2)  # the copy is not extracted twice
    assert_same_output(tmp_path / "one", tmp_path / "two")
    docs = read(tmp_path / "two")["documents"].to_pylist()
    # documents in input order (sorted paths); the later file with the same bytes is the duplicate
    assert [Path(d["source_path"]).name for d in docs] == [p.name for p in collect_inputs([folder])]
    status = {Path(d["source_path"]).name: d["status"] for d in docs}
    assert status["b-copy.pdf"] == "ok" and status["renja-ruled.pdf"] == "duplicate" and status["empty.pdf"] == "failed"
    # and each document's rows are those process_file gives in this process
    rows = read(tmp_path / "two")["rows"].to_pylist()
    direct = process_file(folder / "renja-no_repeat.pdf").rows
    doc_id = direct[0]["doc_id"]
    assert [r for r in rows if r["doc_id"] == doc_id] == direct


def test_a_file_over_the_time_limit_is_failed_and_the_batch_goes_on(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf"],
                   extra={"slow.pdf": pdfs["renja-unruled.pdf"]})
    started = time.perf_counter()
    s = run(folder, tmp_path / "out", workers=2, timeout=5, process=slow_when_named_slow)
    assert time.perf_counter() - started < 30
    docs = {Path(d["source_path"]).name: d for d in read(tmp_path / "out")["documents"].to_pylist()}
    assert docs["slow.pdf"]["status"] == "failed"
    assert docs["slow.pdf"]["message"] == "stopped after the time limit of 5 s (--timeout); it is tried again on the next run"
    assert docs["slow.pdf"]["doc_id"] == docs["slow.pdf"]["sha256"][:16]
    assert docs["renja-ruled.pdf"]["status"] == docs["renja-hrules.pdf"]["status"] == "ok"
    assert s.statuses["failed"] == 1
    # a file that ran out of time is not cached: the next run tries it again (and only it)
    again = run(folder, tmp_path / "out", workers=2, timeout=60)
    assert (again.extracted, again.cached) == (1, 2)
    assert {d["status"] for d in read(tmp_path / "out")["documents"].to_pylist()} == {"ok"}


def test_a_worker_that_dies_is_recorded_and_the_batch_goes_on(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf", "renja-rotated.pdf"],
                   extra={"crash.pdf": pdfs["renja-unruled.pdf"]})
    res = run(folder, tmp_path / "out", workers=2, process=crash_when_named_crash)
    docs = {Path(d["source_path"]).name: d for d in read(tmp_path / "out")["documents"].to_pylist()}
    assert docs["crash.pdf"]["status"] == "failed"
    assert docs["crash.pdf"]["message"] == ("the worker process extracting this file died (exit code 7); "
                                            "it is tried again on the next run")
    assert [d["status"] for n, d in sorted(docs.items()) if n != "crash.pdf"] == ["ok", "ok", "ok"]
    assert res.extracted == 4


def test_the_peak_memory_of_a_worker_is_its_own_not_that_of_the_run_that_started_it(pdfs, tmp_path):
    # Linux carries a process's peak memory (ru_maxrss) over exec into the process it starts: a worker
    # started by a run holding 600 MB would report at least 600 MB. What it uses itself is VmHWM.
    ballast = bytearray(600 << 20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # touched: resident
    s = run(inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf"]), tmp_path / "out", workers=1)
    del ballast
    assert s.extracted == 1 and 50 < s.peak_rss_mb < 500  # a worker extracting a 4-page fixture


def test_a_worker_with_other_code_refuses_to_work(pdfs, tmp_path):
    path = inbox(tmp_path, pdfs, ["renja-ruled.pdf"]) / "renja-ruled.pdf"
    with pytest.raises(VersionMismatch, match="than the run started with"):
        extract_task(str(path), "0" * 16)


# --- incremental, resumable --------------------------------------------------------------------------

def test_a_rerun_without_changes_extracts_nothing_and_rewrites_nothing(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs)
    out = tmp_path / "out"
    first = run(folder, out)
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet") if p.is_file()}
    second = run(folder, out)
    assert (first.extracted, first.cached) == (5, 0)
    assert (second.extracted, second.cached, second.parts_written, second.workers) == (0, 5, 0, 0)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet") if p.is_file()} == stamp
    assert second.tables == first.tables and second.statuses == first.statuses


def test_only_new_files_are_extracted_and_force_redoes_all(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf"])
    out = tmp_path / "out"
    run(folder, out)
    inbox(folder, pdfs, ["renja-rotated.pdf"])
    added = run(folder, out)
    assert (added.extracted, added.cached) == (1, 2)
    assert read(out)["documents"].num_rows == 3
    forced = run(folder, out, force=True)
    assert (forced.extracted, forced.cached) == (3, 0)
    # a file whose bytes changed is extracted again; a removed file leaves the output
    (folder / "renja-ruled.pdf").write_bytes(pdfs["renja-unruled.pdf"])
    (folder / "renja-hrules.pdf").unlink()
    changed = run(folder, out)
    assert (changed.extracted, changed.cached) == (1, 1)
    docs = read(out)["documents"].to_pylist()
    assert sorted(Path(d["source_path"]).name for d in docs) == ["renja-rotated.pdf", "renja-ruled.pdf"]


def test_the_cache_holds_one_entry_per_file_and_code_version(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf"])
    cache_dir = tmp_path / "cache"
    run(folder, tmp_path / "out", cache_dir=cache_dir)
    entries = sorted((cache_dir / "results").rglob("*.arrow"))
    sha = ResultCache(cache_dir).sha256(folder / "renja-ruled.pdf")
    assert [e.name for e in entries] == [f"{sha}-{planned_version()}.arrow"]
    tables = decode(entries[0].read_bytes())
    assert tables["tables"].column("table_code").to_pylist() == ["T-C.33"]
    # an entry of an older code version of the same file is removed once the new one is written
    stale = entries[0].with_name(f"{sha}-{'0' * 16}.arrow")
    stale.write_bytes(b"old")
    run(folder, tmp_path / "out", cache_dir=cache_dir)
    assert not stale.exists()


def test_editing_the_extraction_code_changes_the_version(tmp_path, monkeypatch):
    import pipelines.cache as cache

    for d in ("extract", "normalize", "nomenclature", "pipelines"):
        for f in (ROOT / d).rglob("*"):
            if f.suffix in (".py", ".csv") and "__pycache__" not in f.parts:
                (tmp_path / f.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / f.relative_to(ROOT)).write_bytes(f.read_bytes())
    monkeypatch.setattr(cache, "_ROOT", tmp_path)
    before = cache.code_version()
    (tmp_path / "pipelines" / "cli.py").write_text("# the CLI does not make records\n")
    assert cache.code_version() == before
    with open(tmp_path / "normalize" / "numbers.py", "a") as fh:
        fh.write("\n# a change\n")
    assert cache.code_version() != before


def test_a_killed_run_keeps_the_previous_output_and_resumes(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf"])
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    run(folder, out, cache_dir=cache_dir)
    before = read(out)
    inbox(folder, pdfs)  # four more files
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1])\n"
        "from pipelines.run import run_extract\nfrom tests.test_run_at_scale import slow_everywhere\n"
        "run_extract([Path(sys.argv[2])], Path(sys.argv[3]), progress=False, workers=1, "
        "cache_dir=Path(sys.argv[4]), process=slow_everywhere)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(ROOT), str(folder), str(out), str(cache_dir)],
                             cwd=ROOT, start_new_session=True)
    entries = lambda: list((cache_dir / "results").rglob("*.arrow"))  # noqa: E731
    deadline = time.time() + 60
    while len(entries()) < 3 and time.time() < deadline and child.poll() is None:
        time.sleep(0.1)
    os.killpg(child.pid, signal.SIGKILL)  # the run, its pool and its workers, at once
    child.wait()
    _skip_if_code_changed()
    done = len(entries())
    assert 3 <= done < 5, "the run should have been killed half-way"
    after_kill = read(out)
    for n in NAMES:
        assert after_kill[n].equals(before[n]), f"{n}: a killed run must leave the previous output whole"
    resumed = run(folder, out, cache_dir=cache_dir)
    assert (resumed.extracted, resumed.cached) == (5 - done, done)
    assert sorted(Path(d["source_path"]).name for d in read(out)["documents"].to_pylist()) == sorted(pdfs)
    assert_same_output(out, _fresh(folder, tmp_path))


def _fresh(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "fresh"
    run(folder, out, cache_dir=tmp_path / "fresh-cache")
    return out


# --- `sakip extract` stopped from outside (a real process, Ctrl-C or kill -9) and run again ----------------

COPIES = 24  # enough that a run with one worker is still going when it is stopped after 4 (PDFium reads a copy fast)


def copies(pdfs: dict[str, bytes]) -> dict[str, bytes]:
    """COPIES files of distinct bytes: the fixtures, each with a comment after %%EOF (the same tables)."""
    names = sorted(pdfs)
    return {f"copy-{k:02d}-{names[k % len(names)]}": pdfs[names[k % len(names)]] + f"\n%copy {k}\n".encode()
            for k in range(COPIES)}


@pytest.fixture(scope="module")
def reference(pdfs, tmp_path_factory) -> tuple[Path, Path]:
    """(inputs, output of one uninterrupted run): renja-ruled.pdf and its COPIES copies."""
    d = tmp_path_factory.mktemp("reference")
    folder = inbox(d / "raw", pdfs, ["renja-ruled.pdf"], extra=copies(pdfs))
    run_extract([folder], d / "clean", progress=False, cache_dir=d / "cache")
    return folder, d / "clean"


def sakip_extract(args: list[str], setup: str = "") -> subprocess.Popen:
    """`sakip extract ARGS` of this checkout in a process group of its own, as a shell starts it; `setup`
    is Python run before it (a test's change to a module)."""
    # Ctrl-C as a terminal delivers it: a test run started in the background (`make test &`) ignores SIGINT,
    # and a child would inherit that and never stop
    code = (f"import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n{setup}\n"
            "from pipelines.cli import main\nmain()")
    return subprocess.Popen([sys.executable, "-c", code, "extract", *args], cwd=ROOT, start_new_session=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def records_by_key(out: Path) -> dict[str, list[str]]:
    """Each dataset's records, sorted (outputs compared whatever their parts), with the file's name for its path."""
    named = lambda r: dict(r, source_path=Path(r["source_path"]).name) if "source_path" in r else r  # noqa: E731
    return {n: sorted(json.dumps(named(r), sort_keys=True, default=str) for r in read(out)[n].to_pylist()) for n in NAMES}


def assert_each_document_once(out: Path, reference: Path) -> None:
    """Every input once in documents; its tables, rows and values once each: what one uninterrupted run wrote."""
    t = read(out)
    docs = t["documents"].to_pylist()
    assert len({d["doc_id"] for d in docs}) == len(docs) == 1 + COPIES
    tables = t["tables"].to_pylist()
    assert {x["table_id"]: x["doc_id"] for x in tables}.keys() == {f"{d['doc_id']}-t{k:02d}" for d in docs
                                                                 for k in range(1, d["n_tables"] + 1)}
    assert len(tables) == sum(d["n_tables"] for d in docs)
    keys = [(r["table_id"], r["row_no"]) for r in t["rows"].to_pylist()]
    assert len(keys) == len(set(keys)) == sum(x["n_rows"] for x in tables)
    assert records_by_key(out) == records_by_key(reference)


def wait_for(condition, child: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while not condition() and child.poll() is None and time.time() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_sakip_extract_stopped_while_extracting_keeps_the_output_and_resumes(reference, pdfs, tmp_path, sig):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf"])
    out, cache_dir = tmp_path / "clean", tmp_path / ".clean.cache"  # where sakip extract puts the cache
    run(folder, out, cache_dir=cache_dir)
    before = read(out)
    inbox(folder, copies(pdfs), list(copies(pdfs)))
    args = [str(folder), "--out", str(out), "--workers", "1", "--no-progress"]
    entries = lambda: sorted((cache_dir / "results").rglob("*.arrow"))  # noqa: E731
    child = sakip_extract(args)
    wait_for(lambda: len(entries()) >= 4, child)
    os.killpg(child.pid, sig)  # Ctrl-C reaches the whole foreground group: the run and its workers
    _, err = child.communicate(timeout=60)
    _skip_if_code_changed()
    done = len(entries()) - 1
    assert 3 <= done < COPIES, f"the run should have been stopped half-way ({done} done)\n{err}"
    if sig == signal.SIGINT:
        assert child.returncode == 130  # as a shell reports a command stopped by SIGINT
        assert "run the same command again to go on from there" in err and "Traceback" not in err
    else:
        assert child.returncode == -signal.SIGKILL
    after = read(out)
    for n in NAMES:
        assert after[n].equals(before[n]), f"{n}: a stopped run must leave the previous output as it was"
    assert all(decode(e.read_bytes()) for e in entries())  # every entry kept is whole

    child = sakip_extract(args)
    stdout, err = child.communicate(timeout=180)
    _skip_if_code_changed()
    assert child.returncode == 0, err
    assert f"work: {COPIES - done} extracted by 1 workers, {done + 1} from the cache" in stdout
    assert_each_document_once(out, reference[1])


SLOW_MOVES = """
import time
from pipelines import storage, writers
writers.DOCS_PER_PART = 1  # a part per first hex digit of doc_id: 1 document in one part, 9 in up to 9
_replace = storage.replace
def replace(src, dst):
    _replace(src, dst)
    if str(dst).endswith(".parquet"):
        time.sleep(0.15)  # a part moved into place: time to read the output, and to stop the run
storage.replace = replace
"""


def test_a_reader_during_a_run_never_sees_a_document_twice_and_a_run_killed_while_writing_resumes(
        reference, pdfs, tmp_path, monkeypatch):
    folder, out, cache_dir = reference[0], tmp_path / "clean", tmp_path / ".clean.cache"
    monkeypatch.setattr(writers, "DOCS_PER_PART", 1)
    run(inbox(tmp_path / "one", pdfs, ["renja-ruled.pdf"]), out, cache_dir=cache_dir)  # one document, one part
    run(folder, tmp_path / "elsewhere", cache_dir=cache_dir)  # every file in the cache: the next run only writes
    assert sorted(p.name for p in (out / "rows.parquet").iterdir()) == ["part.parquet"]
    child = sakip_extract([str(folder), "--out", str(out), "--no-progress"], setup=SLOW_MOVES)
    seen, failed_reads = [], 0
    while child.poll() is None and len([s for s in seen if 1 < s < 1 + COPIES]) < 3:
        try:
            docs = [d["doc_id"] for d in pq.read_table(out / "documents.parquet").to_pylist()]
            rows = [(r["table_id"], r["row_no"]) for r in pq.read_table(out / "rows.parquet").to_pylist()]
        except OSError:  # a part deleted between the listing of its folder and its reading: read again
            failed_reads += 1
            continue
        assert len(docs) == len(set(docs)), "a reader saw a document twice"
        assert len(rows) == len(set(rows)), "a reader saw a row twice"
        seen.append(len(docs))
    os.killpg(child.pid, signal.SIGKILL)  # while it moves the new parts into place
    child.wait()
    _skip_if_code_changed()
    assert [s for s in seen if 1 < s < 1 + COPIES], "the reader should have seen the run half-way"
    assert not (out / writers.MANIFEST).exists()  # the run did not finish
    docs = read(out)["documents"].column("doc_id").to_pylist()
    assert len(docs) == len(set(docs)) < 1 + COPIES

    resumed = run(folder, out, cache_dir=cache_dir)
    assert (resumed.extracted, resumed.cached) == (0, 1 + COPIES)
    assert (out / writers.MANIFEST).exists()
    assert not [p for p in out.rglob(".*")]  # no temporary file left
    assert_each_document_once(out, reference[1])


# --- the datasets --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clean(pdfs, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reading")
    run_extract([inbox(d / "raw", pdfs)], d / "clean", progress=False)
    return d / "clean"


def test_each_output_is_a_dataset_read_by_its_path_alone(clean):
    out = clean
    n_values = pq.read_table(out / "values.parquet").num_rows
    assert n_values > 0
    assert len(pd.read_parquet(out / "values.parquet")) == n_values
    assert ds.dataset(out / "values.parquet").count_rows() == n_values
    duckdb = pytest.importorskip("duckdb", reason="duckdb is in the dev extra: make test installs it")
    assert duckdb.sql(f"SELECT count(*) FROM '{out}/values.parquet'").fetchall()[0][0] == n_values
    joined = duckdb.sql(
        f"SELECT count(*) FROM '{out}/values.parquet' v JOIN '{out}/rows.parquet' r USING (table_id, row_no) "
        "WHERE v.column_name = 'pagu_indikatif'").fetchall()[0][0]
    assert joined > 0


def test_the_corpus_scorer_reads_the_output(clean):
    score = ROOT.parent / "shared" / "corpus" / "score.py"
    if not score.exists():
        pytest.skip("../shared/corpus/score.py is not beside the repository")
    out = clean
    sys.path.insert(0, str(score.parent))
    try:
        import score as scorer
    finally:
        sys.path.remove(str(score.parent))
    project = scorer.ProjectOutput(str(out))
    assert len(project.docs) == 5 and project.doc_id_for("renja-ruled.pdf")
    assert len(project.rows) == pq.read_table(out / "rows.parquet").num_rows


def test_many_documents_are_split_into_parts_and_only_changed_parts_are_written(pdfs, tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "DOCS_PER_PART", 2)  # five documents → parts by the first hex digit of doc_id
    folder = inbox(tmp_path / "raw", pdfs, [n for n in pdfs if n != "renja-rotated.pdf"])
    out = tmp_path / "out"
    first = run(folder, out)
    docs = read(out)["documents"].to_pylist()
    parts = {f"part-{d['doc_id'][0]}.parquet" for d in docs}
    for n in NAMES:
        assert {p.name for p in (out / f"{n}.parquet").iterdir()} == parts
    assert first.parts_written == len(parts)
    inbox(folder, pdfs, ["renja-rotated.pdf"])
    added = run(folder, out)
    assert added.parts_written == 1
    assert read(out)["documents"].num_rows == 5
    rows = read(out)["rows"]
    assert rows.num_rows == len(set(zip(rows.column("table_id").to_pylist(), rows.column("row_no").to_pylist())))


def test_an_output_of_the_single_file_layout_is_replaced_by_a_dataset(pdfs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for n in NAMES:  # what sakip-tables 0.1 wrote
        pq.write_table(SCHEMAS[n].empty_table(), out / f"{n}.parquet")
    run(inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf"]), out)
    assert sorted(p.name for p in out.iterdir()) == [writers.MANIFEST] + [f"{n}.parquet" for n in sorted(NAMES)]
    assert all((out / f"{n}.parquet").is_dir() for n in NAMES)
    assert read(out)["documents"].num_rows == 1


# --- the command line --------------------------------------------------------------------------------

def test_cli_options_and_the_rerun_summary(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf"])
    args = ["extract", str(folder), "--out", str(tmp_path / "clean"), "--no-progress", "--workers", "1", "--timeout", "120"]
    runner = CliRunner()
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "work: 2 extracted by 1 workers, 0 from the cache" in res.output
    res = runner.invoke(main, args)
    _skip_if_code_changed()
    assert "work: 0 extracted, 2 from the cache" in res.output
    # the cache sits beside the output folder, which holds only the four datasets and the manifest
    assert (tmp_path / ".clean.cache" / "results").is_dir()
    assert sorted(p.name for p in (tmp_path / "clean").iterdir()) == [writers.MANIFEST] + [f"{n}.parquet" for n in sorted(NAMES)]
    assert runner.invoke(main, args + ["--workers", "0"]).exit_code == 2
    assert "--force" in runner.invoke(main, ["extract", "--help"]).output


def test_without_dask_the_scheduler_option_says_what_to_install(pdfs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the `cluster` extra were not installed
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:8786")
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf"])
    res = CliRunner().invoke(main, ["extract", str(folder), "--out", str(tmp_path / "out"), "--no-progress"])
    assert res.exit_code == 1
    assert "needs the `cluster` extra: pip install 'sakip-tables[cluster]'" in res.output


# --- a Dask cluster --------------------------------------------------------------------------------------

def test_a_dask_cluster_writes_exactly_what_the_local_workers_write(pdfs, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is in the dev and cluster extras: make test installs it")
    folder = inbox(tmp_path / "raw", pdfs, extra={"empty.pdf": b"", "b-copy.pdf": pdfs["renja-hrules.pdf"]})
    local = run(folder, tmp_path / "local", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = run(folder, tmp_path / "dask", scheduler=cluster.scheduler_address)
        assert (on_cluster.extracted, on_cluster.workers) == (6, 2)
        assert_same_output(tmp_path / "local", tmp_path / "dask")
        again = run(folder, tmp_path / "dask", scheduler=cluster.scheduler_address)
        assert (again.extracted, again.cached, again.parts_written) == (0, 6, 0)
        # a file over the time limit: its process on the worker is killed, the rest goes on (20 s: each file
        # starts a Python process on the worker, which takes seconds on a busy machine)
        slow = inbox(tmp_path / "slow", pdfs, ["renja-ruled.pdf"], extra={"slow.pdf": pdfs["renja-unruled.pdf"]})
        s = run(slow, tmp_path / "slow-out", scheduler=cluster.scheduler_address, timeout=20, process=slow_when_named_slow)
    docs = {Path(d["source_path"]).name: d for d in read(tmp_path / "slow-out")["documents"].to_pylist()}
    assert docs["slow.pdf"]["message"] == "stopped after the time limit of 20 s (--timeout); it is tried again on the next run"
    assert docs["renja-ruled.pdf"]["status"] == "ok" and s.extracted == 2
    assert local.statuses == on_cluster.statuses
    assert json.dumps(sorted(local.tables.items())) == json.dumps(sorted(on_cluster.tables.items()))
