"""OCR of scanned PDFs (issue 7): how much comes back, how fast, and what the audit says about it.

1. Scanned fixtures: the builder's Renja (ruled: T-C.29 and T-C.33; unruled: T-C.33; 8 rows a table)
   rendered to image-only PDFs at 150 and 200 dpi (`tests/fixtures/scan.py`), OCR'd from an empty OCR
   cache: rows recovered and numbers exact (`tests.fixtures.scan.recall`), extra rows, and
   OCR pages per second (wall) and per CPU-second (this process and its Tesseract children).
2. Audit: `sakip extract` + `sakip audit` on the scans and on the same PDFs with their text layer;
   the findings the scans add are what OCR'd wrong digits (or lost rows) show up as.
3. Real scans in ../shared/realdocs (SOURCES.md: SCAN or mixed): pages OCR'd, seconds, OCR pages/s,
   tables by code, values marked ocr and their median confidence.
4. The worker pool: `sakip extract --workers 1` and `--workers 2` over the scanned fixtures from an empty
   cache, where each scanned page is a task of the pool: OCR pages per second (wall) with 1 and 2 workers,
   with the load average before and after each run (on a shared machine they mean little without it).

    .venv/bin/python tests/benchmarks/ocr_bench.py [--json ocr-bench.json] [--workers 2]

Called by bench.py (section `ocr`). Needs Tesseract with Indonesian data; says so and stops without it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SAKIP_BENCH_SHARED") or ROOT.parent / "shared")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REAL_SCANS = [
    "shlmita__pupr__PK_Kadin.pdf",
    "shlmita__pupr__SK_IKU.pdf",
    "andri000me__aplikasi_esakip__datalakip--PK_Kadis 2016.pdf",
    "andri000me__aplikasi_esakip__datapk--1507021076_pk_kadis_2017.pdf",
    "andri000me__aplikasi_esakip__datarenja--Tabel II-4 ok.pdf",
    "andri000me__aplikasi_esakip__datarenja--Tabel III-3.pdf",
]
FIXTURES = {"ruled": ["T-C.29", "T-C.33"], "unruled": ["T-C.33"]}


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(path: Path, settings):
    from pipelines.run import process_file

    t0, c0 = time.perf_counter(), cpu_seconds()
    result = process_file(path, ocr=settings)
    return result, time.perf_counter() - t0, cpu_seconds() - c0


def bench_fixtures(work: Path, jobs: int) -> dict:
    from extract import OcrSettings
    from tests.fixtures.builder import LAYOUTS, build_document, load_spec
    from tests.fixtures.scan import recall, scan_pdf

    print(f"{'fixture':14s} {'pages':>5s} {'rows':>7s} {'extra':>5s} {'numbers':>9s} {'exact':>7s} {'sec':>6s} "
          f"{'p/s':>5s} {'p/cpu-s':>7s}")
    out, spec = {}, load_spec()
    for layout, tables in FIXTURES.items():
        doc = build_document(spec, LAYOUTS[layout], work / "fixtures" / f"{layout}.pdf", tables=tables, max_rows=8)
        for dpi in (150, 200):
            scan = scan_pdf(doc.path, work / "scans" / f"{layout}-{dpi}dpi.pdf", dpi=dpi)
            settings = OcrSettings(cache_dir=work / f"ocr-cache-{layout}-{dpi}", jobs=jobs)
            result, secs, cpu = timed(scan, settings)
            rows, rows_total, exact, numbers, missed = recall(doc, result)
            extra = len(result.rows) - sum(t.n_rows for t in doc.tables)
            pages = result.ocr_pages or 0
            key = f"{layout}-{dpi}dpi"
            out[key] = {"pages": pages, "rows": rows, "rows_total": rows_total, "extra_rows": extra, "exact": exact,
                        "numbers": numbers, "seconds": secs, "cpu_seconds": cpu, "pages_per_s": pages / secs,
                        "pages_per_cpu_s": pages / cpu if cpu else None, "missed": [list(map(str, m)) for m in missed],
                        "tables": sorted(t["table_code"] for t in result.tables)}
            print(f"{key:14s} {pages:5d} {rows:3d}/{rows_total:<3d} {extra:5d} {exact:4d}/{numbers:<4d} "
                  f"{exact / max(numbers, 1):7.1%} {secs:6.1f} {pages / secs:5.2f} {out[key]['pages_per_cpu_s'] or 0:7.3f}"
                  + ("" if rows == rows_total and exact == numbers else f"   missed: {missed[:4]}"), flush=True)
    return out


def sakip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from pipelines.cli import main; main()", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def bench_audit(work: Path, jobs: int) -> dict:
    """Findings of `sakip audit` on the scans and on their text-layer originals: what OCR adds."""
    import pyarrow.parquet as pq

    out = {}
    for kind, folder in (("text", work / "fixtures"), ("scan", work / "scans")):
        clean = work / f"audit-{kind}"
        sakip("extract", str(folder), "--out", str(clean), "--no-progress", "--workers", str(jobs),
              "--cache", str(work / f"audit-cache-{kind}"))
        sakip("audit", str(clean))
        findings = pq.read_table(clean / "findings.parquet").to_pylist() if (clean / "findings.parquet").exists() else []
        values = pq.read_table(clean / "values.parquet").to_pylist()
        docs = {d["doc_id"]: Path(d["source_path"]).stem for d in pq.read_table(clean / "documents.parquet").to_pylist()}
        out[kind] = {
            "findings": len(findings),
            "by_check": dict(Counter(f"{f['check']}/{f['severity']}" for f in findings)),
            "by_document": dict(Counter(docs.get(f["doc_id"], f["doc_id"]) for f in findings)),
            "values": len(values), "ocr_values": sum(v["source"] == "ocr" for v in values),
            "messages": [f"{docs.get(f['doc_id'])}: {f['message']}" for f in findings][:40],
        }
        print(f"audit on the {kind} PDFs: {len(findings)} findings {out[kind]['by_check']}; per document "
              f"{out[kind]['by_document']}", flush=True)
    return out


def bench_real(work: Path, jobs: int) -> dict:
    from extract import OcrSettings

    print(f"{'document':44s} {'pages':>5s} {'ocr':>4s} {'sec':>6s} {'ocr p/s':>7s} {'values':>6s} {'ocr conf':>8s}  tables")
    out = {}
    for name in REAL_SCANS:
        path = SHARED / "realdocs" / name
        if not path.is_file():
            continue
        result, secs, cpu = timed(path, OcrSettings(cache_dir=work / "ocr-cache-real", jobs=jobs))
        ocr_values = [v for v in result.values if v["source"] == "ocr"]
        confs = [v["ocr_confidence"] for v in ocr_values if v["ocr_confidence"] is not None]
        pages = result.ocr_pages or 0
        codes = dict(Counter(t["table_code"] for t in result.tables))
        out[name] = {"pages": result.document["n_pages"], "ocr_pages": pages, "seconds": secs, "cpu_seconds": cpu,
                     "ocr_pages_per_s": pages / secs if pages else None, "status": result.document["status"],
                     "message": result.document["message"], "tables": codes, "values": len(result.values),
                     "ocr_values": len(ocr_values), "median_confidence": statistics.median(confs) if confs else None}
        print(f"{name[-44:]:44s} {result.document['n_pages'] or 0:5d} {pages:4d} {secs:6.1f} "
              f"{(pages / secs) if pages else 0:7.2f} {len(ocr_values):6d} "
              f"{out[name]['median_confidence'] or 0:8.0f}  {codes}", flush=True)
    return out


# the heaviest real document: 78 pages, one of them a scan (peak memory of its process, with and without OCR)
HEAVY = "frisdiandi__portalpp__5f447c3b970dd_RENSTRA BAPPEDA 2018-2023.pdf"
_PEAK = """
import resource, sys
from pathlib import Path
from extract import OcrSettings
from pipelines.run import process_file
process_file(Path(sys.argv[1]), ocr=OcrSettings(mode=sys.argv[2], cache_dir=Path(sys.argv[3])))
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(own.ru_maxrss / 1024, children.ru_maxrss / 1024)
"""


def bench_memory(work: Path) -> dict:
    """Peak memory (MB) of one process extracting the heaviest real document (what a worker holds), and of
    the largest of its children (the OCR process), with --ocr auto and never."""
    out = {}
    for mode in ("auto", "never"):
        res = subprocess.run([sys.executable, "-c", _PEAK, str(SHARED / "realdocs" / HEAVY), mode, str(work / "mem-ocr")],
                             cwd=ROOT, capture_output=True, text=True, check=False)
        try:
            own, child = map(float, res.stdout.split()[-2:])
        except ValueError:
            continue
        out[mode] = {"peak_rss_mb": own, "largest_child_rss_mb": child}
        print(f"memory, {HEAVY[-40:]} --ocr {mode}: {own:.0f} MB in the extracting process, {child:.0f} MB in its "
              "largest child (OCR)", flush=True)
    return out


def bench_pool(work: Path) -> dict:
    """OCR pages per second of `sakip extract` over the scanned fixtures, with 1 and 2 workers."""
    import re

    out = {}
    for workers in (1, 2):
        clean, cache = work / f"pool-{workers}", work / f"pool-cache-{workers}"
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        res = sakip("extract", str(work / "scans"), "--out", str(clean), "--cache", str(cache), "--no-progress",
                    "--workers", str(workers))
        secs = time.perf_counter() - t0
        # the machine's load average (1 min) before and after: pages/s say little without it on a shared machine
        load = (load_before, os.getloadavg()[0])
        m = re.search(r"ocr: (\d+) scanned pages", res.stdout)
        pages = int(m.group(1)) if m else 0
        out[str(workers)] = {"ocr_pages": pages, "seconds": secs, "ocr_pages_per_s": pages / secs if secs else None,
                             "load": load}
        print(f"pool, {workers} worker{'s' if workers > 1 else ''}: {pages} OCR pages in {secs:.1f} s, "
              f"{pages / secs:.3f} OCR pages/s (load average {load[0]:.1f} before, {load[1]:.1f} after, "
              f"{os.cpu_count()} CPUs)", flush=True)
    return out


def summary_lines(results: dict) -> list[str]:
    """The OCR lines of bench.py's summary block."""
    lines = []
    for key, r in results["fixtures"].items():
        lines.append(f"ocr scanned fixture {key}: rows {r['rows']}/{r['rows_total']} (+{r['extra_rows']} extra), numbers exact "
                     f"{r['exact']}/{r['numbers']} ({r['exact'] / max(r['numbers'], 1):.1%}), {r['pages']} pages in "
                     f"{r['seconds']:.0f} s")
    s = results["summary"]
    line = (f"ocr speed: {s['fixture_pages']} fixture pages at {s['fixture_pages_per_s']:.2f} pages/s wall, "
            f"{s['fixture_pages_per_cpu_s']:.3f} pages per CPU-second ({results['jobs']} jobs)")
    if s.get("real_ocr_pages"):
        line += f"; real scans {s['real_ocr_pages']} pages at {s['real_ocr_pages_per_s']:.2f} pages/s wall"
    lines.append(line)
    pool = results.get("pool", {})
    if pool:
        lines.append("ocr pages/s through the worker pool (sakip extract, each page a task): " + ", ".join(
            f"{w} worker{'s' if w != '1' else ''} {r['ocr_pages_per_s'] or 0:.3f} ({r['ocr_pages']} pages in {r['seconds']:.0f} s, "
            f"load {r['load'][0]:.1f}-{r['load'][1]:.1f})" for w, r in pool.items()))
    for mode, r in results.get("memory", {}).items():
        lines.append(f"ocr memory, heaviest real document (78 pages, 1 scanned) --ocr {mode}: {r['peak_rss_mb']:.0f} MB "
                     f"peak in the extracting process, {r['largest_child_rss_mb']:.0f} MB in the OCR process")
    audit = results.get("audit", {})
    if audit:
        lines.append(f"ocr audit: {audit['scan']['findings']} findings on the scans vs {audit['text']['findings']} on their "
                     f"text-layer originals ({audit['scan']['by_check']} vs {audit['text']['by_check']})")
    for name, r in results.get("real", {}).items():
        lines.append(f"ocr real {name[-40:]}: {r['ocr_pages']}/{r['pages']} pages OCR'd, {r['status']}, tables {r['tables']}, "
                     f"{r['ocr_values']} values marked ocr (median confidence {r['median_confidence']})")
    return lines


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    ap.add_argument("--workers", type=int, default=2, help="pages OCR'd at the same time (OCRmyPDF --jobs)")
    args = ap.parse_args(argv)
    from extract.ocr import ocr_missing

    if ocr_missing():
        print(f"ocr: skipped, {ocr_missing()}")
        return {"skipped": ocr_missing()}
    results: dict = {"jobs": args.workers}
    with tempfile.TemporaryDirectory(prefix="sakip-ocr-bench-") as tmp:
        work = Path(tmp)
        results["fixtures"] = bench_fixtures(work, args.workers)
        results["audit"] = bench_audit(work, args.workers)
        results["pool"] = bench_pool(work)
        if (SHARED / "realdocs").is_dir():
            results["real"] = bench_real(work, args.workers)
            if (SHARED / "realdocs" / HEAVY).is_file():
                results["memory"] = bench_memory(work)
    fx = results["fixtures"]
    pages = sum(r["pages"] for r in fx.values())
    secs = sum(r["seconds"] for r in fx.values())
    cpu = sum(r["cpu_seconds"] for r in fx.values())
    results["summary"] = {"fixture_pages": pages, "fixture_pages_per_s": pages / secs, "fixture_pages_per_cpu_s": pages / cpu}
    real = results.get("real", {})
    if real:
        rp = sum(r["ocr_pages"] for r in real.values())
        rs = sum(r["seconds"] for r in real.values() if r["ocr_pages"])
        results["summary"].update(real_ocr_pages=rp, real_ocr_pages_per_s=rp / rs if rs else None)
    print(f"OCR speed: fixtures {pages} pages, {pages / secs:.2f} pages/s wall, {pages / cpu:.3f} pages per CPU-second "
          f"({args.workers} jobs)" + (f"; real scans {results['summary']['real_ocr_pages']} pages, "
                                      f"{results['summary']['real_ocr_pages_per_s'] or 0:.2f} pages/s wall" if real else ""))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str, ensure_ascii=False))
    return results


if __name__ == "__main__":
    main()
