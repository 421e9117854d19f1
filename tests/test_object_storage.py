"""Inputs, outputs and the cache by URL (fsspec): `memory://` in this process, and a real S3 API served by
moto in a thread of this process (`ThreadedMotoServer` on 127.0.0.1).

`memory://` lives in one process only, so there the inputs stay on disk (the worker processes read them)
and the outputs and cache go to memory. On S3 everything is a URL: the workers (local processes and a Dask
LocalCluster) read the PDFs from the bucket themselves, and the run writes the datasets, the manifest and
the cache there. What is asserted: the same records as a local run, nothing extracted again on a re-run,
only a new file extracted after adding one, no temporary key left behind, and the manifest written last.
"""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import pipelines.writers as writers
from pipelines import storage
from pipelines.cache import ResultCache, WorkerCache, decode, encode, planned_version
from pipelines.cli import main
from pipelines.parallel import VersionMismatch
from pipelines.run import collect_inputs, run_extract
from pipelines.schema import SCHEMAS
from pipelines.writers import MANIFEST, read_manifest, to_table
from tests.fixtures.builder import LAYOUTS, build_document, load_spec
from tests.test_run_at_scale import _skip_if_code_changed, _unchanged_code  # noqa: F401 (autouse fixture)

NAMES = tuple(SCHEMAS)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, bytes]:
    """Four different fixture PDFs (bytes by name), three rows a table."""
    d = tmp_path_factory.mktemp("pdfs")
    spec = load_spec()
    out = {}
    for layout, tables in [("ruled", ["T-C.33"]), ("hrules", ["T-C.29"]), ("unruled", ["T-C.31"]), ("rotated", ["T-C.33"])]:
        path = d / f"renja-{layout}.pdf"
        build_document(spec, LAYOUTS[layout], path, tables=tables, max_rows=3)
        out[path.name] = path.read_bytes()
    return out


def inbox(folder: Path, pdfs: dict[str, bytes], names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).write_bytes(pdfs[n])
    return folder


def run(paths, out, **kw):
    try:
        summary = run_extract(paths, out, progress=False, **kw)
    except VersionMismatch:  # here only a file saved by someone else during the run (a shared working tree)
        pytest.skip("the extraction code was edited while this test ran; run it again")
    _skip_if_code_changed()
    return summary


def skip_if_edited(res) -> None:
    """`sakip extract` refused a worker whose code changed under it (a shared working tree)."""
    if "a worker runs other extraction code" in res.output:
        pytest.skip("the extraction code was edited while this test ran; run it again")
    _skip_if_code_changed()


def records(out) -> dict[str, list[dict]]:
    """The four datasets as records, read back through fsspec with pyarrow (any URL or path)."""
    got = {}
    for n in NAMES:
        fs, path = storage.arrow_filesystem(storage.join(out, f"{n}.parquet"))
        got[n] = pq.read_table(path, filesystem=fs).to_pylist()
    return got


def same_records(a: dict, b: dict) -> None:
    """Equal datasets, but for where the documents were read from."""
    for n in NAMES:
        if n == "documents":
            strip = lambda rs: [dict(r, source_path=storage.name(r["source_path"])) for r in rs]  # noqa: E731
            assert strip(a[n]) == strip(b[n])
        else:
            assert a[n] == b[n], n


# --- locations -------------------------------------------------------------------------------------

def test_a_location_is_a_path_on_this_disk_and_a_url_elsewhere(tmp_path):
    assert storage.location("data/raw") == Path("data/raw")
    assert storage.location(f"file://{tmp_path}/raw") == tmp_path / "raw"
    assert storage.location("s3://bucket/raw/") == "s3://bucket/raw"
    assert storage.join("s3://bucket/clean", "rows.parquet", "part.parquet") == "s3://bucket/clean/rows.parquet/part.parquet"
    assert storage.name("s3://bucket/raw/renja 2022.pdf") == "renja 2022.pdf"
    assert storage.parent("s3://bucket/clean") == "s3://bucket"
    assert storage.key(tmp_path / "a" / ".." / "b.pdf") == str(tmp_path / "b.pdf")


def test_a_url_of_a_missing_filesystem_says_what_to_install(monkeypatch):
    import importlib
    import sys

    registry = importlib.import_module("fsspec.registry")
    monkeypatch.delitem(registry._registry, "s3", raising=False)
    monkeypatch.setitem(sys.modules, "s3fs", None)  # as if the s3 extra were not installed
    with pytest.raises(storage.StorageUnavailable, match=r"pip install 'sakip-tables\[s3\]'"):
        storage.exists("s3://bucket/raw")


def test_memory_listing_hides_dot_files_and_writes_leave_no_temporary_key():
    root = "memory://listing-test/raw"
    storage.write_bytes_atomic(f"{root}/b.pdf", b"B")
    storage.write_bytes_atomic(f"{root}/sub/a.pdf", b"AA")
    storage.write_bytes_atomic(f"{root}/.hidden/c.pdf", b"C")
    listed = storage.list_files(root)
    assert [f for f, _ in listed] == [f"{root}/b.pdf", f"{root}/sub/a.pdf"]
    assert [info["size"] for _, info in listed] == [1, 2]
    assert collect_inputs([root, f"{root}/b.pdf"]) == [f"{root}/b.pdf", f"{root}/sub/a.pdf"]
    assert sorted(storage.listdir(root)) == [".hidden", "b.pdf", "sub"]
    assert storage.read_bytes(f"{root}/sub/a.pdf") == b"AA"


def test_the_cache_on_memory_stores_loads_and_prunes(pdfs):
    cache = ResultCache("memory://cache-test/.clean.cache")
    tables = {n: to_table(n, []) for n in NAMES}
    sha, version = "ab" + "0" * 62, planned_version()
    assert not cache.has(sha, version)
    cache.store(sha, version, encode(tables))
    cache.store(sha, "0" * 16, b"an older version")
    assert cache.has(sha, version)
    assert cache.load(sha, version, names=("documents",))["documents"].num_rows == 0
    assert cache.prune({sha}, version) == 1
    assert storage.listdir("memory://cache-test/.clean.cache/results/ab") == [f"{sha}-{version}.arrow"]
    assert decode(storage.read_bytes(cache.entry_path(sha, version))).keys() == set(NAMES)


def test_a_worker_gets_the_ocr_copies_of_a_cache_on_object_storage_and_adds_its_own(tmp_path):
    """extract.ocr keeps OCR'd pages in a folder on a local disk, under `<sha[:2]>/<sha>-…`: a worker copies
    the file's entries there from the cache on object storage, and uploads the entries it made."""
    from extract import OcrSettings

    root, sha = "memory://ocr-test/.clean.cache", "ab" + "1" * 62
    storage.write_bytes_atomic(f"{root}/ocr/ab/{sha}-old-p00001.json", b"page 1")
    storage.write_bytes_atomic(f"{root}/ocr/ab/{'ab' + '2' * 62}-old-p00001.json", b"another file")
    cache = WorkerCache(root)
    with cache.ocr(OcrSettings(mode="auto", jobs=2), sha) as settings:
        local = settings.cache_dir / "ab"
        assert (settings.mode, settings.jobs) == ("auto", 2)
        assert sorted(p.name for p in local.iterdir()) == [f"{sha}-old-p00001.json"]  # this file's entries only
        assert (local / f"{sha}-old-p00001.json").read_bytes() == b"page 1"
        (local / f"{sha}-new-p00002.pdf").write_bytes(b"page 2 OCR'd")
        (local / f"{sha}-new-p00002.json").write_bytes(b"page 2 words")
        (local / f".{sha[:16]}.work").mkdir()  # OCR work in progress: not an entry
    assert not settings.cache_dir.exists()
    assert sorted(storage.listdir(f"{root}/ocr/ab")) == sorted([
        f"{sha}-old-p00001.json", f"{'ab' + '2' * 62}-old-p00001.json", f"{sha}-new-p00002.pdf", f"{sha}-new-p00002.json"])
    assert storage.read_bytes(f"{root}/ocr/ab/{sha}-new-p00002.json") == b"page 2 words"
    with cache.ocr(OcrSettings(mode="never"), sha) as settings:  # no OCR: nothing copied
        assert settings.cache_dir is None
    # a cache on this machine's disk is used in place
    with WorkerCache(tmp_path / "cache").ocr(OcrSettings(), sha) as settings:
        assert settings.cache_dir == tmp_path / "cache" / "ocr"


def test_a_run_into_memory_writes_what_a_local_run_writes_and_a_rerun_nothing(pdfs, tmp_path):
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf", "renja-unruled.pdf"])
    local = run([folder], tmp_path / "clean", workers=2)
    out = "memory://run-test/clean"
    first = run([folder], out, workers=2)
    assert (first.extracted, first.cached) == (3, 0)
    same_records(records(tmp_path / "clean"), records(out))
    assert records(out)["documents"] == records(tmp_path / "clean")["documents"]  # same paths: same bytes
    assert local.tables == first.tables
    # the cache sits beside the output, as on a disk
    assert storage.is_dir("memory://run-test/.clean.cache/results")
    again = run([folder], out, workers=2)
    assert (again.extracted, again.cached, again.parts_written) == (0, 3, 0)
    # pandas and pyarrow read the dataset by its URL
    n_rows = len(records(out)["rows"])
    assert len(pd.read_parquet(f"{out}/rows.parquet")) == n_rows > 0
    inbox(folder, pdfs, ["renja-rotated.pdf"])
    added = run([folder], out, workers=2)
    assert (added.extracted, added.cached, added.parts_written) == (1, 3, 1)


def test_sakip_inspect_reads_a_url(pdfs, tmp_path):
    local = inbox(tmp_path, pdfs, ["renja-ruled.pdf"]) / "renja-ruled.pdf"
    url = "memory://inspect-test/raw/renja ruled.pdf"
    storage.write_bytes_atomic(url, pdfs["renja-ruled.pdf"])
    runner = CliRunner()
    by_path, by_url = (runner.invoke(main, ["inspect", str(x), "--rows", "2"]) for x in (local, url))
    assert by_path.exit_code == by_url.exit_code == 0, by_url.output
    assert by_url.output.startswith(f"{url}: ok")
    assert by_url.output.replace(url, str(local)) == by_path.output
    assert "T-C.33" in by_url.output and "3 rows" in by_url.output
    png = tmp_path / "page.png"
    drawn = runner.invoke(main, ["inspect", url, "--page", "1", "--png", str(png)])
    assert drawn.exit_code == 0, drawn.output
    assert png.stat().st_size > 0 and f"drawn: {png}" in drawn.output
    missing = runner.invoke(main, ["inspect", "memory://inspect-test/raw/nothing.pdf"])
    assert missing.exit_code == 2 and "memory://inspect-test/raw/nothing.pdf: no such file" in missing.output
    folder = runner.invoke(main, ["inspect", "memory://inspect-test/raw"])
    assert folder.exit_code == 2 and "memory://inspect-test/raw is a folder; give one file" in folder.output


def test_the_manifest_is_written_last_and_removed_while_parts_change(pdfs, tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "DOCS_PER_PART", 1)  # two documents: a part each (by doc_id's first hex)
    folder = inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf"])
    out = "memory://manifest-test/clean"
    run([folder], out, workers=1)
    manifest = read_manifest(out)
    docs = records(out)["documents"]
    parts = sorted(f"part-{d['doc_id'][0]}.parquet" for d in docs)
    assert sorted(manifest["datasets"]["rows"]) == parts
    for n in NAMES:
        for part, entry in manifest["datasets"][n].items():
            assert entry["size"] == storage.sizes(f"{out}/{n}.parquet")[part]
    before = records(out)

    # a run stopped while it writes its parts (under temporary keys): the previous output as it was
    def write_one_part_then_die(*args):
        real_write_part(*args)
        raise RuntimeError("killed")

    real_write_part = writers._write_part
    monkeypatch.setattr(writers, "_write_part", write_one_part_then_die)
    inbox(folder, pdfs, ["renja-unruled.pdf", "renja-rotated.pdf"])
    with pytest.raises(RuntimeError, match="killed"):
        run([folder], out, workers=1)
    assert read_manifest(out) == manifest  # the same run_id: a reader reading now reads that run's output
    assert records(out) == before  # the part written is under a hidden temporary key, which readers skip
    monkeypatch.setattr(writers, "_write_part", real_write_part)

    # stopped while it moves the new parts into place: no manifest (the run did not finish), each part
    # either the old one or the new one, no document twice
    def move_one_part_then_die(src, dst):
        real_replace(src, dst)
        if str(dst).endswith(".parquet"):
            raise RuntimeError("killed")

    real_replace = storage.replace
    monkeypatch.setattr(storage, "replace", move_one_part_then_die)
    with pytest.raises(RuntimeError, match="killed"):
        run([folder], out, workers=1)
    monkeypatch.setattr(storage, "replace", real_replace)
    assert read_manifest(out) is None
    partial = records(out)
    assert len(partial["documents"]) == len({d["doc_id"] for d in partial["documents"]}) == 3  # one new part moved in
    assert {d["doc_id"] for d in before["documents"]} <= {d["doc_id"] for d in partial["documents"]}
    resumed = run([folder], out, workers=1)
    assert resumed.extracted == 0 and resumed.cached == 4
    finished = read_manifest(out)
    assert finished["run_id"] != manifest["run_id"]
    again = run([folder], out, workers=1)  # nothing changed: nothing written, the manifest of the last run stays
    assert again.parts_written == 0 and read_manifest(out) == finished
    assert not [f for n in NAMES for f in storage.listdir(f"{out}/{n}.parquet") if f.startswith(".")]  # cleaned up
    assert len(records(out)["documents"]) == 4


# --- S3 (moto) -----------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Requests:
    """The requests an S3 server answers, as (method, key, bytes sent back): a WSGI layer around moto's app.
    The server runs in a thread of this process, so it sees the requests of every worker process."""

    def __init__(self, app):
        self.app, self.log = app, []

    def __call__(self, environ, start_response):
        entry = [environ["REQUEST_METHOD"], environ.get("PATH_INFO", "").lstrip("/"), 0]
        self.log.append(entry)
        for chunk in self.app(environ, start_response):
            entry[2] += len(chunk)
            yield chunk

    def gets(self, prefix: str) -> dict[str, list[int]]:
        """Key → the size of each GET answered for it, for the keys under `prefix`."""
        out: dict[str, list[int]] = {}
        for method, key, sent in list(self.log):
            if method == "GET" and key.startswith(prefix):
                out.setdefault(key, []).append(sent)
        return out


@pytest.fixture(scope="module")
def s3(pdfs):
    """An S3 server (moto) on 127.0.0.1, a bucket with the fixture PDFs under raw/, and the AWS_*
    variables that point s3fs, pyarrow and the worker processes at it. Yields the s3fs filesystem, with
    the requests the server answered in `fs.requests` (a `Requests`)."""
    server_mod = pytest.importorskip("moto.server", reason="moto[server] is in the dev extra: make test installs it")
    s3fs = pytest.importorskip("s3fs", reason="s3fs is in the s3 and dev extras: make test installs it")
    port = _free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    requests = server._server.app = Requests(server._server.app)  # werkzeug's server calls `server.app`
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_EC2_METADATA_DISABLED": "true"}
    mp = pytest.MonkeyPatch()
    for k, v in env.items():
        mp.setenv(k, v)
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    fs.requests = requests
    fs.mkdir("sakip")
    for name in ("renja-ruled.pdf", "renja-hrules.pdf", "renja-unruled.pdf"):
        fs.pipe_file(f"sakip/raw/{name}", pdfs[name])
    try:
        yield fs
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        mp.undo()
        server.stop()


S3_ARGS = ["extract", "s3://sakip/raw", "--out", "s3://sakip/clean", "--workers", "2", "--no-progress"]


@pytest.fixture(scope="module")
def s3_clean(s3):
    """`sakip extract s3://sakip/raw --out s3://sakip/clean` run once; its result."""
    return CliRunner().invoke(main, S3_ARGS)


def test_sakip_extract_from_s3_to_s3_then_reruns(s3, s3_clean, pdfs, tmp_path):
    local = run([inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-hrules.pdf", "renja-unruled.pdf"])],
                tmp_path / "clean", workers=2)
    args = S3_ARGS
    res = s3_clean
    skip_if_edited(res)
    assert res.exit_code == 0, res.output
    assert "3 files: 3 ok" in res.output and "work: 3 extracted by 2 workers, 0 from the cache" in res.output
    assert "output: s3://sakip/clean" in res.output
    out = records("s3://sakip/clean")
    same_records(records(tmp_path / "clean"), out)
    assert sorted(d["source_path"] for d in out["documents"]) == [
        "s3://sakip/raw/renja-hrules.pdf", "s3://sakip/raw/renja-ruled.pdf", "s3://sakip/raw/renja-unruled.pdf"]
    assert sum(local.tables.values()) == len(out["tables"]) == 3

    # what is in the bucket: the four datasets, the manifest, the cache beside them; no temporary key
    keys = s3.find("sakip")
    assert not [k for k in keys if k.endswith(".tmp")]
    assert {k for k in keys if k.startswith("sakip/clean/")} == {
        "sakip/clean/_manifest.json", *(f"sakip/clean/{n}.parquet/part.parquet" for n in NAMES)}
    assert len([k for k in keys if k.startswith("sakip/.clean.cache/results/")]) == 3
    manifest = json.loads(s3.cat_file("sakip/clean/_manifest.json"))
    assert manifest["datasets"]["values"]["part.parquet"]["size"] == s3.info("sakip/clean/values.parquet/part.parquet")["size"]

    # read back by URL: pandas, pyarrow.dataset, DuckDB
    n_values = len(out["values"])
    assert n_values > 0
    assert len(pd.read_parquet("s3://sakip/clean/values.parquet")) == n_values
    assert ds.dataset("s3://sakip/clean/values.parquet").count_rows() == n_values
    assert ds.dataset("sakip/clean/values.parquet", filesystem=s3).count_rows() == n_values

    # a re-run: nothing extracted, no part rewritten
    stamps = {k: s3.info(k)["ETag"] for k in s3.find("sakip/clean")}
    res = CliRunner().invoke(main, args)
    skip_if_edited(res)
    assert "work: 0 extracted, 3 from the cache" in res.output, res.output
    s3.invalidate_cache()
    assert {k: s3.info(k)["ETag"] for k in s3.find("sakip/clean")} == stamps
    # no PDF was read again: the file index knows each by its URL, size and ETag
    index = json.loads(s3.cat_file("sakip/.clean.cache/files.json"))
    assert {url: entry[:2] for url, entry in index.items()} == {
        f"s3://{k}": [s3.info(k)["size"], s3.info(k)["ETag"]] for k in s3.find("sakip/raw")}

    # a file added: only it is extracted
    s3.pipe_file("sakip/raw/more/renja-rotated.pdf", pdfs["renja-rotated.pdf"])
    summary = run(["s3://sakip/raw"], "s3://sakip/clean", workers=2)
    assert (summary.extracted, summary.cached, summary.parts_written) == (1, 3, 1)
    docs = records("s3://sakip/clean")["documents"]
    assert [d["source_path"] for d in docs] == [  # input order: sorted keys
        "s3://sakip/raw/more/renja-rotated.pdf", "s3://sakip/raw/renja-hrules.pdf", "s3://sakip/raw/renja-ruled.pdf",
        "s3://sakip/raw/renja-unruled.pdf"]
    assert {d["status"] for d in docs} == {"ok"}


def test_a_first_run_from_s3_downloads_each_input_once(s3, pdfs):
    """The file index does not know the files: each is hashed by the worker that downloads it, and a copy
    whose result the cache holds already (the same bytes under another key) is downloaded, not extracted."""
    names = ["renja-ruled.pdf", "renja-hrules.pdf", "renja-unruled.pdf"]
    for n in names:
        s3.pipe_file(f"sakip/once-raw/{n}", pdfs[n])
    first = run(["s3://sakip/once-raw"], "s3://sakip/once-clean", workers=2)
    assert (first.extracted, first.cached) == (3, 0)
    assert s3.requests.gets("sakip/once-raw/") == {f"sakip/once-raw/{n}": [len(pdfs[n])] for n in names}
    index = json.loads(s3.cat_file("sakip/.once-clean.cache/files.json"))
    shas = {url.rsplit("/", 1)[1]: entry[2] for url, entry in index.items()}
    assert shas == {n: hashlib.sha256(pdfs[n]).hexdigest() for n in names}

    # nothing changed: no input read at all; a copy under a new key (not in the index): read once, not extracted
    s3.pipe_file("sakip/once-raw/a/copy-of-ruled.pdf", pdfs["renja-ruled.pdf"])
    again = run(["s3://sakip/once-raw"], "s3://sakip/once-clean", workers=2)
    assert (again.extracted, again.cached) == (0, 4)
    gets = s3.requests.gets("sakip/once-raw/")
    assert {k: len(v) for k, v in gets.items()} == {**{f"sakip/once-raw/{n}": 1 for n in names}, "sakip/once-raw/a/copy-of-ruled.pdf": 1}
    docs = {d["source_path"].rsplit("/", 1)[1]: d for d in records("s3://sakip/once-clean")["documents"]}
    assert docs["copy-of-ruled.pdf"]["status"] == "ok" and docs["renja-ruled.pdf"]["status"] == "duplicate"  # a/ first
    assert docs["copy-of-ruled.pdf"]["source_path"] == "s3://sakip/once-raw/a/copy-of-ruled.pdf"
    # --force: every file read (once) and extracted again
    forced = run(["s3://sakip/once-raw"], "s3://sakip/once-clean", workers=2, force=True)
    assert (forced.extracted, forced.cached) == (4, 0)
    assert {k: len(v) for k, v in s3.requests.gets("sakip/once-raw/").items()} == {k: 2 for k in gets}


def test_ocr_copies_are_kept_in_a_cache_on_s3(s3, tmp_path):
    """A scanned page OCR'd in a run from and to S3 is kept in the bucket's cache; a forced re-run (the
    results are extracted again) reads it from there rather than OCR'ing the page again."""
    from extract.ocr import ocr_missing
    from tests.fixtures.scan import scan_pdf

    if ocr_missing():
        pytest.skip(ocr_missing())
    doc = build_document(load_spec(), LAYOUTS["ruled"], tmp_path / "renja.pdf", tables=["T-C.33"], max_rows=4)
    scan = scan_pdf(doc.path, tmp_path / "scan.pdf", dpi=100, pages=[doc.tables[0].page_start])
    s3.pipe_file("sakip/ocr-raw/scan.pdf", scan.read_bytes())
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    first = run(["s3://sakip/ocr-raw"], "s3://sakip/ocr-clean", workers=1)
    assert (first.extracted, first.ocr_pages) == (1, 1)
    kept = s3.find("sakip/.ocr-clean.cache/ocr/")
    assert kept and all(k.startswith(f"sakip/.ocr-clean.cache/ocr/{sha[:2]}/{sha}-") for k in kept)
    before = records("s3://sakip/ocr-clean")
    assert {v["source"] for v in before["values"]} == {"ocr"}

    n = len(s3.requests.log)
    forced = run(["s3://sakip/ocr-raw"], "s3://sakip/ocr-clean", workers=1, force=True)
    assert (forced.extracted, forced.ocr_pages) == (1, 1)
    during = s3.requests.log[n:]
    assert sorted(key for method, key, _ in during if method == "GET" and "/ocr/" in key) == sorted(kept)
    assert not [key for method, key, _ in during if method == "PUT" and "/ocr/" in key]  # nothing new to keep
    assert records("s3://sakip/ocr-clean") == before


def test_duckdb_reads_the_output_on_s3(s3, s3_clean):
    """DuckDB reads s3:// through its httpfs extension, which it downloads on first use: offline this
    test is skipped, saying so (pandas and pyarrow read the same output in the test above)."""
    duckdb = pytest.importorskip("duckdb", reason="duckdb is in the dev extra: make test installs it")
    import os
    from urllib.parse import urlparse

    skip_if_edited(s3_clean)
    assert s3_clean.exit_code == 0, s3_clean.output
    url = "s3://sakip/clean/values.parquet"
    con = duckdb.connect()
    try:
        con.sql("LOAD httpfs")
    except duckdb.Error:
        try:
            con.sql("INSTALL httpfs")
            con.sql("LOAD httpfs")
        except duckdb.Error as ex:
            pytest.skip(f"DuckDB's httpfs extension (needed for s3://) cannot be installed offline: {str(ex)[:100]}")
    endpoint = urlparse(os.environ["AWS_ENDPOINT_URL"])
    con.sql(f"CREATE SECRET (TYPE s3, KEY_ID 'testing', SECRET 'testing', REGION 'us-east-1', "
            f"ENDPOINT '{endpoint.netloc}', URL_STYLE 'path', USE_SSL false)")
    expected = len(records("s3://sakip/clean")["values"])
    assert con.sql(f"SELECT count(*) FROM '{url}/*.parquet'").fetchall()[0][0] == expected


def test_a_dask_cluster_reads_the_inputs_from_s3(s3, pdfs, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is in the dev and cluster extras: make test installs it")
    s3.pipe_file("sakip/dask-raw/renja-ruled.pdf", pdfs["renja-ruled.pdf"])
    s3.pipe_file("sakip/dask-raw/renja-unruled.pdf", pdfs["renja-unruled.pdf"])
    local = run([inbox(tmp_path / "raw", pdfs, ["renja-ruled.pdf", "renja-unruled.pdf"])], tmp_path / "clean", workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = run(["s3://sakip/dask-raw"], "s3://sakip/dask-clean", scheduler=cluster.scheduler_address)
        assert (on_cluster.extracted, on_cluster.workers) == (2, 2)
        again = run(["s3://sakip/dask-raw"], "s3://sakip/dask-clean", scheduler=cluster.scheduler_address)
        assert (again.extracted, again.cached, again.parts_written) == (0, 2, 0)
        # the cache on this machine's disk, out of the workers' reach: they are told which files it holds
        # results of, and still download each input once
        before = len(s3.requests.log)
        to_disk = run(["s3://sakip/dask-raw"], tmp_path / "disk-clean", scheduler=cluster.scheduler_address)
        assert (to_disk.extracted, to_disk.cached) == (2, 0)
        gets = lambda: [k for m, k, _ in s3.requests.log[before:] if m == "GET" and k.startswith("sakip/dask-raw/")]  # noqa: E731
        assert sorted(gets()) == ["sakip/dask-raw/renja-ruled.pdf", "sakip/dask-raw/renja-unruled.pdf"]
        s3.pipe_file("sakip/dask-raw/copy/ruled.pdf", pdfs["renja-ruled.pdf"])  # not in the index, its result cached
        copied = run(["s3://sakip/dask-raw"], tmp_path / "disk-clean", scheduler=cluster.scheduler_address)
        assert (copied.extracted, copied.cached) == (0, 3)
        assert sorted(gets()) == ["sakip/dask-raw/copy/ruled.pdf", "sakip/dask-raw/renja-ruled.pdf",
                                  "sakip/dask-raw/renja-unruled.pdf"]
    same_records(records(tmp_path / "clean"), records("s3://sakip/dask-clean"))
    assert [(d["source_path"], d["status"]) for d in records(tmp_path / "disk-clean")["documents"]] == [
        ("s3://sakip/dask-raw/copy/ruled.pdf", "ok"), ("s3://sakip/dask-raw/renja-ruled.pdf", "duplicate"),
        ("s3://sakip/dask-raw/renja-unruled.pdf", "ok")]
    assert local.statuses == on_cluster.statuses
