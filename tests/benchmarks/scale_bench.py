"""Throughput at scale: `run_extract` (what `sakip extract` runs) with 1 and 2 worker processes.

Corpora:

* realdocs  every file in ``../shared/realdocs`` (PDFs and the Word/Excel files beside them);
* fixtures  N short Renja PDFs rendered by ``tests.fixtures.builder`` (7 layouts x 7 table subsets x
            2 or 4 rows a table x where the rows start in the seed's tables, so no two files hold the
            same tables; 2-4 pages each), built once into ``--fixtures-dir`` (kept between runs).

For each corpus and worker count, from an empty cache: wall time, pages/s, documents/min, the CPU
seconds the workers spent (pages per CPU-second does not depend on what else the machine is doing),
peak resident memory of a worker process, and the machine's load average around the run. Then,
with 2 workers: a re-run with nothing changed (no file extracted, no part rewritten), and for the
fixtures the re-run after adding 10 new files. Writes everything to ``scale-bench-results.json``.

    .venv/bin/python tests/benchmarks/scale_bench.py                      # both corpora (~15 min on 2 cores)
    .venv/bin/python tests/benchmarks/scale_bench.py --only fixtures --n-fixtures 500

Extraction quality and the comparison with camelot and pdfplumber are in ``bench.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:  # run as a script: the project and `tests.fixtures` from this checkout
    sys.path.insert(0, str(ROOT))

FIXTURE_LAYOUTS = ("ruled", "hrules", "unruled", "no_repeat", "no_colnums", "f4_section", "rotated")
FIXTURE_TABLES = [list(c) for k in (1, 2, 3) for c in itertools.combinations(("T-C.29", "T-C.31", "T-C.33"), k)]


def fixture_configs():
    for offset in range(0, 200, 20):
        for max_rows in (2, 4):
            for layout in FIXTURE_LAYOUTS:
                for tables in FIXTURE_TABLES:
                    yield layout, tables, max_rows, offset


def build_fixtures(folder: Path, n: int, skip: int = 0) -> list[Path]:
    """The fixture PDFs number `skip` to `skip + n` (built when missing)."""
    from tests.fixtures.builder import LAYOUTS, build_document, load_spec

    spec = load_spec()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, (layout, tables, max_rows, offset) in enumerate(itertools.islice(fixture_configs(), skip, skip + n), start=skip):
        path = folder / f"renja-{layout}-{'-'.join(t[-2:] for t in tables)}-r{max_rows}-o{offset:03d}.pdf"
        if not path.exists():
            # the rows from `offset` on (each table keeps at least `max_rows` of them)
            shifted = dict(spec, tables=[dict(t, rows=t["rows"][min(offset, max(0, len(t["rows"]) - max_rows)):])
                                         for t in spec["tables"]])
            build_document(shifted, LAYOUTS[layout], path, tables=tables, max_rows=max_rows)
            # layouts differ only where a table crosses a page: a comment after %%EOF keeps every
            # file's bytes distinct, so none is set aside as a duplicate of another
            with open(path, "ab") as fh:
                fh.write(f"\n%sakip-scale-bench {k}\n".encode())
        out.append(path)
    return out


def measure(files: list[Path], out: Path, cache: Path, workers: int, timeout: float) -> dict:
    from pipelines.run import run_extract

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    s = run_extract(files, out, progress=False, workers=workers, timeout=timeout, cache_dir=cache)
    wall = time.perf_counter() - started
    return {
        "workers": s.workers, "files": s.n_files, "extracted": s.extracted, "from_cache": s.cached,
        "pages": s.pages, "wall_s": round(wall, 2), "cpu_s": round(s.cpu_seconds, 2),
        "pages_per_s": round(s.pages / wall, 2) if s.pages else None,
        "docs_per_min": round(s.extracted / wall * 60, 1) if s.extracted else None,
        "pages_per_cpu_s": round(s.pages / s.cpu_seconds, 2) if s.cpu_seconds else None,
        "pages_skipped_by_prescan": round(1 - s.analysed_pages / s.pages, 3) if s.pages else None,
        "peak_rss_mb_per_worker": round(s.peak_rss_mb, 1) if s.peak_rss_mb else None,
        "parts_written": s.parts_written, "statuses": dict(s.statuses),
        "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2),
    }


def bench_corpus(name: str, files: list[Path], work: Path, timeout: float, worker_counts=(1, 2), add_more=None) -> dict:
    """Each worker count from an empty cache, then re-runs with the last: nothing changed, the output
    folder deleted (rebuilt from the cache), and (when `add_more` is given: it adds files to the
    inputs and returns how many) after adding files."""
    results = {}
    for workers in worker_counts:
        out, cache = work / f"{name}-{workers}w", work / f"{name}-{workers}w.cache"
        r = measure(files, out, cache, workers, timeout)
        results[f"{workers}_workers"] = r
        print(f"{name:9s} {workers} worker(s): {r['extracted']} files, {r['pages']} pages in {r['wall_s']} s: "
              f"{r['pages_per_s']} pages/s, {r['docs_per_min']} docs/min, {r['pages_per_cpu_s']} pages per CPU-s, "
              f"{r['pages_skipped_by_prescan']:.0%} of pages skipped by the pre-scan, "
              f"peak {r['peak_rss_mb_per_worker']} MB per worker (load {r['load_avg_before']}→{r['load_avg_after']})",
              flush=True)
    out, cache = work / f"{name}-{workers}w", work / f"{name}-{workers}w.cache"
    r = measure(files, out, cache, workers, timeout)
    results["rerun_no_change"] = r
    print(f"{name:9s} re-run, nothing changed: {r['wall_s']} s, {r['extracted']} extracted, "
          f"{r['parts_written']} parts written", flush=True)
    shutil.rmtree(out)
    r = measure(files, out, cache, workers, timeout)
    results["rerun_output_deleted"] = r
    print(f"{name:9s} re-run, output folder deleted: {r['wall_s']} s, {r['extracted']} extracted, "
          f"{r['parts_written']} parts written", flush=True)
    if add_more:
        added = add_more()
        r = measure(files, out, cache, workers, timeout)
        results[f"rerun_{added}_added"] = r
        print(f"{name:9s} re-run after adding {added} files: {r['wall_s']} s, {r['extracted']} extracted, "
              f"{r['parts_written']} parts written", flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", choices=("realdocs", "fixtures"), default=["realdocs", "fixtures"])
    ap.add_argument("--n-fixtures", type=int, default=500)
    ap.add_argument("--fixtures-dir", type=Path, default=Path(tempfile.gettempdir()) / "sakip-scale-fixtures")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder holding realdocs/ (default: ../shared)")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure (default: 1 2)")
    ap.add_argument("--json", type=Path, default=Path("scale-bench-results.json"))
    args = ap.parse_args(argv)

    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}}
    with tempfile.TemporaryDirectory(prefix="sakip-scale-") as tmp:
        work = Path(tmp)
        if "realdocs" in args.only:
            real = args.shared / "realdocs"
            if real.is_dir():
                results["realdocs"] = bench_corpus("realdocs", [real], work, args.timeout, args.workers)
            else:
                print(f"realdocs: skipped, {real} is missing")
        if "fixtures" in args.only:
            started = time.perf_counter()
            corpus = args.fixtures_dir / "corpus"
            files = build_fixtures(corpus, args.n_fixtures)
            print(f"fixtures: {len(files)} PDFs in {corpus} ({time.perf_counter() - started:.0f} s to build)", flush=True)
            staged = work / "fixtures-in"
            staged.mkdir()
            for f in files:  # the folder may hold files of other sizes of corpus
                shutil.copy(f, staged)
            more = build_fixtures(args.fixtures_dir / "more", 10, skip=args.n_fixtures)
            results["fixtures"] = bench_corpus("fixtures", [staged], work, args.timeout, args.workers,
                                               add_more=lambda: len([shutil.copy(p, staged) for p in more]))
    args.json.write_text(json.dumps(results, indent=2))
    print(f"results: {args.json}")


if __name__ == "__main__":
    main()
