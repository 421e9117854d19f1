"""`make bench`: how well and how fast sakip-tables extracts, on fixtures, the corpus and real PDFs.

Sections (each can be skipped, see --help):

1. fixtures   Renja fixture PDFs rendered by ``tests.fixtures.builder`` in every layout, extracted
              in-process-like (one child process per PDF); per layout and in total: the share of
              ground-truth rows recovered with every cell exact (whitespace-insensitive), rows
              matched at all, and row precision (extracted rows that match no ground-truth row leak).
2. corpus     ``sakip extract`` on ``../shared/corpus/pdfs/000-*.pdf`` (the Renja 2022 in six layout
              variants), scored by ``../shared/corpus/score.py`` (called unchanged) for T-C.29/31/33.
3. realdocs   every PDF in ``../shared/realdocs``, one child process per document (so peak RSS is
              per document) with a timeout: pages, tables by code, rows, seconds, pages/s, peak MB; and per
              table code, how many documents and tables it was found in, with their rows and parsed values.
4. peers      camelot lattice and pdfplumber ``extract_tables`` timed against ours on the same
              pages: the corpus Renja T-C pages (manifest.json) and the real Renja T-C pages named in
              ``../shared/realdocs/SOURCES.md``. The pages are copied into one small PDF per source
              document, and all three systems read that same file (one child process per run).
5. scale      ``scale_bench.py`` (on the committed code, in a child process): ``sakip extract`` with 1 and
              2 worker processes on ``../shared/realdocs`` and on 500 short fixture PDFs (built once,
              kept in the temp folder): pages/s, documents/min, pages per CPU-second, pages skipped
              by the pre-scan, peak memory per worker, and the re-runs (nothing changed, output
              deleted, 10 files added). The comparison with camelot and pdfplumber is ``peers``.
6. nomenclature  ``nomenclature_bench.py``: right / wrong per level of the matcher on the held-out half
              of a labelled set built from extracted real rows (printed code next to the name), the
              scorer comparison, the WRatio@90 baseline, and 10,000 names against the full reference.
7. ocr        ``ocr_bench.py``: scanned fixtures (150 and 200 dpi) OCR'd from an empty OCR cache: rows
              and exact numbers, OCR pages/s and per CPU-second; the audit's findings on the scans
              against their text-layer originals; the real scans of ``../shared/realdocs``.
8. office     the Word and Excel files of ``../shared/realdocs`` rendered to PDF by LibreOffice, their
              tables' truth read from the files (``office_truth.py``, work folder ``office/``);
              ``sakip extract``, pdfplumber and camelot lattice scored by ``../shared/corpus/score.py``
              (unchanged, ``--manifest``): per table and in total. Skipped, saying so, without soffice.
   office_direct  the same Word and Excel files read directly (``office_direct.py``): per file its status,
              tables and rows; rows and numbers exact against the truth of ``office`` (built if that section
              did not run), found among our rows by their ``location``.

9. levels     ``levels_bench.py``: ``sakip extract`` of every real document (``--ocr never``), then per document
              the share of the rows printing a code that got kode and level, and every printed total of a
              money column against the sum of its program rows (and whether the audit names a difference).

Prints a final summary block (one line per metric) and writes every number to
``bench-results.json`` in the current directory.

    .venv/bin/python tests/benchmarks/bench.py                 # everything (~10 min on 2 cores)
    .venv/bin/python tests/benchmarks/bench.py --only fixtures corpus
    .venv/bin/python tests/benchmarks/bench.py --peer-max-pages 10 --timeout 120
"""

from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing as mp
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SAKIP_BENCH_SHARED") or ROOT.parent / "shared")  # override: for testing only
if str(ROOT) not in sys.path:  # run as a script: make `tests.fixtures` and the project importable
    sys.path.insert(0, str(ROOT))

TEMPLATES = ("T-C.29", "T-C.31", "T-C.33")
SECTIONS = ("fixtures", "corpus", "realdocs", "peers", "scale", "nomenclature", "ocr", "office", "office_direct",
            "differential", "levels")

# Real Renja T-C pages, transcribed from ../shared/realdocs/SOURCES.md ("Most useful files for the
# T-C tables": pdftotext page where the table title occurs). Used for the peer timing, and as a
# hint of where the real-document tables should start (a title page, not a checked page range).
REAL_TC_PAGES: dict[str, dict[str, list[int]]] = {
    "frisdiandi__portalpp__5f3398c1e91b9_renja-2019.pdf": {"T-C.31": [16, 17], "T-C.33": [26, 27]},
    "frisdiandi__portalpp__5f339b5162e51_renja_bkpsdm-2018.pdf": {"T-C.29": [14], "T-C.31": [12], "T-C.33": [22]},
    "frisdiandi__portalpp__5f339c19ec3d9_renja_bkpsdm.pdf": {"T-C.29": [27], "T-C.31": [10, 20], "T-C.33": [23]},
    "frisdiandi__portalpp__5f34f38f06593_renja_diskominfo-2018.pdf": {
        "T-C.29": [13], "T-C.31": list(range(7, 26)), "T-C.33": [33, 34]},
}


# ---------------------------------------------------------------------------------------- helpers

def squash(text) -> str:
    return re.sub(r"\s+", "", text or "")


def rowkey(cells) -> str:
    return "\x1f".join(squash(c) for c in cells)


def share(num: int, den: int) -> float | None:
    return num / den if den else None


def short(name: str, width: int = 44) -> str:
    return name if len(name) <= width else name[:14] + "~" + name[-(width - 15):]


def pct(x: float | None) -> str:
    return "   n/a" if x is None else f"{x:6.1%}"


def fmt_ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}x"


def hr(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(3, 88 - len(title)), flush=True)


def page_ranges(pages: list[int]) -> str:
    out, start, prev = [], None, None
    for p in sorted(set(pages)):
        if start is not None and p == prev + 1:
            prev = p
            continue
        if start is not None:
            out.append(f"{start}-{prev}" if start != prev else str(start))
        start = prev = p
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ",".join(out)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ------------------------------------------------------------------ work done in child processes
# Each function runs in a fresh child (forkserver with the extractor preloaded), so its time is the
# work alone (imports are done before the clock starts) and its peak RSS is its own.

def job_ours(path: str, want_rows: bool = False) -> dict:
    from pipelines.run import process_file

    t0 = time.perf_counter()
    r = process_file(Path(path))
    dt = time.perf_counter() - t0
    tables = []
    for t in r.tables:
        entry = {"table_id": t["table_id"], "table_code": t["table_code"], "page_start": t["page_start"],
                 "page_end": t["page_end"], "n_rows": t["n_rows"],
                 "n_values": sum(1 for v in r.values if v["table_id"] == t["table_id"] and v["value"] is not None)}
        if want_rows:
            entry["rows"] = [list(x["cells"]) for x in r.rows if x["table_id"] == t["table_id"]]
        tables.append(entry)
    d = r.document
    return {"seconds": dt, "n_pages": d.get("n_pages"), "status": d.get("status"), "message": d.get("message"),
            "tables": tables, "n_rows": len(r.rows), "n_values": len(r.values)}


def job_camelot(path: str, pages: str) -> dict:
    import warnings

    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        tables = camelot.read_pdf(path, pages=pages, flavor="lattice")
        dt = time.perf_counter() - t0
    return {"seconds": dt, "tables": len(tables), "rows": sum(len(t.df) for t in tables)}


def job_pdfplumber(path: str, pages: list[int]) -> dict:
    import pdfplumber

    t0 = time.perf_counter()
    n_tables = n_rows = 0
    errors = []
    with pdfplumber.open(path) as pdf:
        for p in pages:
            try:
                for t in pdf.pages[p - 1].extract_tables():
                    n_tables += 1
                    n_rows += len(t)
            except Exception as ex:  # report, keep timing the other pages
                errors.append(f"p{p}: {type(ex).__name__}: {ex}")
    dt = time.perf_counter() - t0
    out = {"seconds": dt, "tables": n_tables, "rows": n_rows}
    if errors:
        out["error"] = "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
    return out


JOBS = {"ours": job_ours, "camelot": job_camelot, "pdfplumber": job_pdfplumber}


def _child(conn, job: str, args: tuple) -> None:
    try:
        out = JOBS[job](*args)
    except BaseException as ex:  # noqa: BLE001 - the parent reports it
        out = {"error": f"{type(ex).__name__}: {ex}", "traceback": traceback.format_exc(limit=4)}
    out["peak_mb"] = peak_mb()
    conn.send(out)
    conn.close()


_CTX = None


def _context():
    global _CTX
    if _CTX is None:
        _CTX = mp.get_context("forkserver")
        _CTX.set_forkserver_preload(["pipelines.run"])
    return _CTX


def run_isolated(job: str, args: tuple, timeout: float) -> dict:
    """Run JOBS[job](*args) in a child process; never raises, never waits longer than `timeout`."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, job, args), daemon=True)
    wall0 = time.perf_counter()
    proc.start()
    send.close()
    out = None
    try:
        if recv.poll(timeout):
            out = recv.recv()
    except (EOFError, OSError):
        out = None
    proc.join(5 if out is not None else 0.2)  # a child that answered exits at once; one that timed out is killed
    if proc.is_alive():
        proc.kill()
        proc.join()
    wall = time.perf_counter() - wall0
    if out is None:
        if wall >= timeout:
            out = {"error": f"timeout after {timeout:.0f} s", "timeout": True}
        else:
            out = {"error": f"child process died (exit code {proc.exitcode})"}
    out["wall_seconds"] = wall
    recv.close()
    return out


def wait_with_rusage(cmd: list[str], timeout: float, **kw) -> tuple[int | None, float, float, str, str]:
    """Run a command; return (exit code or None on timeout, seconds, peak RSS MB, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        code, ru = None, None
        while True:
            pid, status, ru_ = os.wait4(p.pid, os.WNOHANG)
            if pid:
                code, ru = os.waitstatus_to_exitcode(status), ru_
                p.returncode = code
                break
            if time.perf_counter() - t0 > timeout:
                p.kill()
                _, _, ru = os.wait4(p.pid, 0)
                p.returncode = -9
                break
            time.sleep(0.1)
        dt = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return code, dt, ru.ru_maxrss / 1024, out.read().decode(errors="replace"), err.read().decode(errors="replace")


# --------------------------------------------------------------------------------- row alignment

def align(gt_rows: list[list[str]], ext_rows: list[list[str]]) -> list[tuple[int, int, bool]]:
    """Pairs (gt index, extracted index, exact), monotone in both: identical rows first (all cells,
    in column order, whitespace-insensitive), then in each gap the most similar row if it is close."""
    from rapidfuzz import fuzz

    g = [rowkey(r) for r in gt_rows]
    e = [rowkey(r) for r in ext_rows]
    sm = difflib.SequenceMatcher(None, g, e, autojunk=False)
    pairs: list[tuple[int, int, bool]] = []
    prev_g = prev_e = 0
    for b in sm.get_matching_blocks():
        ej = prev_e
        for gi in range(prev_g, b.a):
            best, best_j = 0.0, None
            for j in range(ej, b.b):
                sc = fuzz.ratio(g[gi], e[j])
                if sc > best:
                    best, best_j = sc, j
            if best_j is not None and best >= 80:
                pairs.append((gi, best_j, False))
                ej = best_j + 1
        pairs.extend((b.a + k, b.b + k, True) for k in range(b.size))
        prev_g, prev_e = b.a + b.size, b.b + b.size
    return pairs


def first_difference(gt: list[str], ext: list[str]) -> str:
    if len(gt) != len(ext):
        return f"{len(ext)} cells instead of {len(gt)}"
    for i, (a, b) in enumerate(zip(gt, ext)):
        if squash(a) != squash(b):
            return f"col {i + 1}: expected {a[:40]!r} got {b[:40]!r}"
    return "?"


# ------------------------------------------------------------------------------------- fixtures

def bench_fixtures(args, work: Path) -> dict:
    hr("fixtures: builder PDFs, every layout, ground truth from the builder")
    from tests.fixtures.builder import LAYOUTS, build_document, load_spec

    spec = load_spec()
    layouts = {}
    tot = Counter()
    print(f"{'layout':11s} {'pages':>5s} {'gt':>4s} {'ext':>4s} {'exact':>7s} {'matched':>8s} {'prec':>7s} "
          f"{'leaked':>6s} {'sec':>5s} {'p/s':>5s} {'MB':>5s}  per table: pieces/exact")
    for name, layout in LAYOUTS.items():
        path = work / "fixtures" / f"renja-{name}.pdf"
        try:
            built = build_document(spec, layout, path)
        except Exception as ex:  # noqa: BLE001
            print(f"{name:11s} fixture build failed: {type(ex).__name__}: {ex}")
            layouts[name] = {"error": f"build failed: {type(ex).__name__}: {ex}"}
            continue
        res = run_isolated("ours", (str(path), True), args.timeout)
        if "error" in res:
            print(f"{name:11s} extraction failed: {res['error']}")
            layouts[name] = {"error": res["error"], "gt_rows": sum(t.n_rows for t in built.tables)}
            tot["gt_rows"] += layouts[name]["gt_rows"]
            continue
        c = Counter()
        per_table, notes = {}, []
        for bt in built.tables:
            use = sorted((t for t in res["tables"] if t["table_code"] == bt.table_code
                          and t["page_start"] <= bt.page_end and t["page_end"] >= bt.page_start),
                         key=lambda t: (t["page_start"], t["table_id"]))
            ext = [row for t in use for row in t["rows"]]
            pairs = align(bt.rows, ext)
            exact = sum(1 for *_, ex in pairs if ex)
            tc = {"gt_rows": len(bt.rows), "ext_rows": len(ext), "matched": len(pairs), "exact_rows": exact,
                  "pieces": len(use), "gt_pages": f"{bt.page_start}-{bt.page_end}",
                  "ext_pages": [f"{t['page_start']}-{t['page_end']}" for t in use]}
            per_table[bt.table_code] = tc
            for k in ("gt_rows", "ext_rows", "matched", "exact_rows"):
                c[k] += tc[k]
            paired = {gi: (ei, ex) for gi, ei, ex in pairs}
            shown = 0
            for gi, cells in enumerate(bt.rows):
                if shown >= args.show_misses:
                    break
                hit = paired.get(gi)
                if hit is None:
                    notes.append(f"{bt.table_code} row {gi + 1} missing: {' | '.join(x for x in cells if x)[:70]!r}")
                    shown += 1
                elif not hit[1]:
                    notes.append(f"{bt.table_code} row {gi + 1}: {first_difference(cells, ext[hit[0]])}")
                    shown += 1
            if len(pairs) < len(bt.rows) or exact < len(bt.rows):
                notes.append(f"{bt.table_code}: {len(bt.rows) - exact} of {len(bt.rows)} rows not exact, "
                             f"{len(bt.rows) - len(pairs)} missing, {len(ext) - len(pairs)} leaked")
        lay = {"pages": built.n_pages, **dict(c), "exact_share": share(c["exact_rows"], c["gt_rows"]),
               "matched_share": share(c["matched"], c["gt_rows"]), "precision": share(c["matched"], c["ext_rows"]),
               "leaked_rows": c["ext_rows"] - c["matched"], "seconds": res["seconds"],
               "pages_per_s": built.n_pages / res["seconds"] if res["seconds"] else None,
               "peak_mb": res["peak_mb"], "tables": per_table, "misses": notes}
        layouts[name] = lay
        for k in ("gt_rows", "ext_rows", "matched", "exact_rows", "pages"):
            tot[k] += lay[k] if k != "pages" else built.n_pages
        tot["seconds_x1000"] += int(res["seconds"] * 1000)
        tdesc = " ".join(f"{k}:{v['pieces']}pc/{v['exact_rows'] / max(1, v['gt_rows']):.0%}" for k, v in per_table.items())
        print(f"{name:11s} {built.n_pages:5d} {c['gt_rows']:4d} {c['ext_rows']:4d} {pct(lay['exact_share'])} "
              f"{pct(lay['matched_share']):>8s} {pct(lay['precision'])} {lay['leaked_rows']:6d} {res['seconds']:5.1f} "
              f"{lay['pages_per_s']:5.1f} {res['peak_mb']:5.0f}  {tdesc}", flush=True)
        for n in notes:
            print(f"{'':11s}   - {n}")
    total = {"gt_rows": tot["gt_rows"], "ext_rows": tot["ext_rows"], "matched": tot["matched"],
             "exact_rows": tot["exact_rows"], "exact_share": share(tot["exact_rows"], tot["gt_rows"]),
             "matched_share": share(tot["matched"], tot["gt_rows"]), "precision": share(tot["matched"], tot["ext_rows"]),
             "leaked_rows": tot["ext_rows"] - tot["matched"],
             "layouts_all_exact": sum(1 for v in layouts.values() if v.get("exact_share") == 1.0 and v.get("leaked_rows") == 0),
             "layouts": len(layouts), "pages": tot["pages"], "seconds": tot["seconds_x1000"] / 1000}
    print(f"{'TOTAL':11s} {tot['pages']:5d} {tot['gt_rows']:4d} {tot['ext_rows']:4d} {pct(total['exact_share'])} "
          f"{pct(total['matched_share']):>8s} {pct(total['precision'])} {total['leaked_rows']:6d} {total['seconds']:5.1f}")
    print("exact = ground-truth rows with every cell exact (whitespace-insensitive); matched = exact or >=80% similar;"
          "\nprec = matched / extracted rows of the same-code tables on overlapping pages; leaked = extracted rows matching no row")
    return {"layouts": layouts, "total": total}


# --------------------------------------------------------------------------------------- corpus

def bench_corpus(args, work: Path) -> dict:
    hr("corpus: Renja 2022 (000-*) in six variants, scored by ../shared/corpus/score.py")
    corpus = SHARED / "corpus"
    pdfs = sorted((corpus / "pdfs").glob("000-*.pdf"))
    if not pdfs:
        print(f"no {corpus}/pdfs/000-*.pdf; skipped")
        return {"skipped": "no corpus pdfs"}
    out = work / "corpus-out"
    sakip = Path(sys.executable).with_name("sakip")
    cmd = [str(sakip)] if sakip.exists() else [sys.executable, "-c", "from pipelines.cli import main; main()"]
    cmd += ["extract", *map(str, pdfs), "--out", str(out), "--no-progress"]
    n_pages = sum(_n_pages(p) or 0 for p in pdfs)
    code, dt, mb, so, se = wait_with_rusage(cmd, args.timeout * len(pdfs), cwd=ROOT)
    print(f"sakip extract {len(pdfs)} PDFs, {n_pages} pages: exit {'timeout' if code is None else code}, "
          f"{dt:.1f} s (incl. start-up and Parquet), "
          f"{n_pages / dt:.1f} pages/s, peak {mb:.0f} MB")
    for line in (so + se).strip().splitlines()[-6:]:
        print("  | " + line)
    res = {"pdfs": [p.name for p in pdfs], "pages": n_pages, "extract_exit": code, "extract_seconds": dt,
           "pages_per_s": n_pages / dt if dt else None, "peak_mb": mb}
    if code != 0:
        res["error"] = (f"sakip extract timed out after {dt:.0f} s" if code is None
                        else f"sakip extract exit {code}: {se.strip()[-300:]}")
        print(res["error"])
        return res
    jpath = work / "corpus-score.json"
    cmd = [sys.executable, str(corpus / "score.py"), "--system", "project", "--out", str(out), "--pdfs", "000-*.pdf",
           "--templates", ",".join(TEMPLATES), "--json", str(jpath)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout * 2, cwd=corpus)
    print("score.py:")
    for line in p.stdout.strip().splitlines():
        print("  " + line)
    if p.returncode != 0 or not jpath.exists():
        print(p.stderr.strip()[-1000:])
        res["error"] = f"score.py exit {p.returncode}"
        return res
    scored = json.loads(jpath.read_text())
    res["score"] = scored
    p_sum = subprocess.run([sys.executable, str(corpus / "summarize.py"), str(jpath)], capture_output=True,
                           text=True, timeout=60, cwd=corpus)
    if p_sum.returncode == 0:
        print("summarize.py (per variant):")
        for line in p_sum.stdout.strip().splitlines():
            print("  " + line)
        res["per_variant"] = p_sum.stdout.strip().splitlines()
    tables = scored["tables"]
    res["tables_total"] = len(tables)
    res["tables_one_piece_code_ok"] = sum(1 for t in tables if t["pieces"] == 1 and t["code_ok"])
    res["tables_recall_ge_99"] = sum(1 for t in tables if t["matched"] >= 0.99 * t["gt_rows"])
    res["tables_no_leak"] = sum(1 for t in tables if t["ext_rows"] == t["matched"])
    bad = [t for t in tables if not (t["pieces"] == 1 and t["code_ok"]) or t["matched"] < 0.99 * t["gt_rows"]
           or t["ext_rows"] != t["matched"]]
    if bad:
        print("tables short of the target (one piece, right code, >=99% rows, no leaked rows):")
        for t in bad:
            print(f"  {t['pdf']} {t['table']} pages {t['pages']}: pieces={t['pieces']} code_ok={t['code_ok']} "
                  f"recall={t['matched']}/{t['gt_rows']} extracted={t['ext_rows']}")
    return res


def _n_pages(path: Path) -> int | None:
    try:
        import pypdfium2

        doc = pypdfium2.PdfDocument(str(path))
        try:
            return len(doc)
        finally:
            doc.close()
    except Exception:  # noqa: BLE001
        return None


# ------------------------------------------------------------------------------------- realdocs

def bench_realdocs(args) -> dict:
    hr("realdocs: every PDF in ../shared/realdocs, one child process each")
    pdfs = sorted((SHARED / "realdocs").glob("*.pdf"))
    if args.realdocs_limit:
        pdfs = pdfs[: args.realdocs_limit]
        print(f"(first {len(pdfs)} PDFs only: --realdocs-limit)")
    docs = []
    print(f"{'document':44s} {'pages':>5s} {'rows':>5s} {'sec':>6s} {'p/s':>6s} {'MB':>5s} {'status':10s} tables")
    for path in pdfs:
        res = run_isolated("ours", (str(path), False), args.timeout)
        n_pages = res.get("n_pages") or _n_pages(path)
        status = ("timeout" if res.get("timeout") else "crashed") if "error" in res else res.get("status")
        codes = Counter(t["table_code"] for t in res.get("tables", []))
        tc = [f"{t['table_code']} p{t['page_start']}-{t['page_end']} ({t['n_rows']})"
              for t in res.get("tables", []) if t["table_code"] in TEMPLATES]
        others = {k: v for k, v in codes.items() if k not in TEMPLATES}
        desc = "; ".join(tc + ([", ".join(f"{k}x{v}" for k, v in sorted(others.items()))] if others else []))
        secs = res.get("seconds", res.get("wall_seconds"))
        pps = n_pages / secs if n_pages and secs and "error" not in res else None
        d = {"file": path.name, "pages": n_pages, "status": status, "message": res.get("message") or res.get("error"),
             "tables_by_code": dict(codes), "tc_tables": [t for t in res.get("tables", []) if t["table_code"] in TEMPLATES],
             "all_tables": [{k: t[k] for k in ("table_code", "n_rows", "n_values") if k in t} for t in res.get("tables", [])],
             "n_tables": len(res.get("tables", [])), "rows": res.get("n_rows", 0), "values": res.get("n_values", 0),
             "seconds": secs, "pages_per_s": pps, "peak_mb": res.get("peak_mb")}
        expected = REAL_TC_PAGES.get(path.name)
        if expected:
            d["expected_title_pages"] = expected
            d["expected_found"] = {
                code: any(t["table_code"] == code and t["page_start"] <= max(pages) and t["page_end"] >= min(pages)
                          for t in res.get("tables", []))
                for code, pages in expected.items()}
        docs.append(d)
        name = short(path.name)
        print(f"{name:44s} {n_pages or 0:5d} {d['rows']:5d} {secs or 0:6.1f} {fmt_num(pps):>6s} "
              f"{fmt_num(d['peak_mb'], 0):>5s} {status:10s} {desc[:110]}", flush=True)
        if status not in ("ok",) and d["message"]:
            print(f"{'':44s}   ({d['message'][:120]})")
        if expected:
            miss = [f"{c} (title p{page_ranges(p)})" for c, p in expected.items() if not d["expected_found"][c]]
            print(f"{'':44s}   SOURCES.md T-C tables: "
                  + ("all found on overlapping pages" if not miss else "NOT found: " + ", ".join(miss)))
    ok = [d for d in docs if d["pages_per_s"]]
    pages = sum(d["pages"] or 0 for d in ok)
    secs = sum(d["seconds"] for d in ok)
    total = {
        "documents": len(docs), "statuses": dict(Counter(d["status"] for d in docs)), "pages": pages,
        "seconds": secs, "pages_per_s": share(pages, secs) if secs else None,
        "tables": sum(d["n_tables"] for d in docs), "rows": sum(d["rows"] for d in docs),
        "tables_by_code": dict(sum((Counter(d["tables_by_code"]) for d in docs), Counter())),
        "peak_mb_max": max((d["peak_mb"] or 0 for d in docs), default=None),
        "peak_mb_max_file": max(docs, key=lambda d: d["peak_mb"] or 0)["file"] if docs else None,
        "largest_file": max(docs, key=lambda d: d["pages"] or 0)["file"] if docs else None,
        "slowest_file": max(docs, key=lambda d: d["seconds"] or 0)["file"] if docs else None,
        "slowest_seconds": max((d["seconds"] or 0 for d in docs), default=None),
        "over_500mb": sum(1 for d in docs if (d["peak_mb"] or 0) > 500),
        "sources_tc_expected": sum(len(d.get("expected_found", {})) for d in docs),
        "sources_tc_found": sum(sum(d.get("expected_found", {}).values()) for d in docs),
    }
    if docs:
        largest = max(docs, key=lambda d: d["pages"] or 0)
        total["peak_mb_largest"] = largest["peak_mb"]
    print(f"TOTAL {len(docs)} PDFs, {pages} pages read in {secs:.1f} s = {fmt_num(total['pages_per_s'])} pages/s; "
          f"{total['tables']} tables, {total['rows']} rows; statuses {total['statuses']}")
    print(f"tables by code: {dict(sorted(total['tables_by_code'].items()))}")
    per_code: dict[str, dict[str, int]] = {}
    for d in docs:
        for t in d["all_tables"]:
            c = per_code.setdefault(t["table_code"], {"documents": 0, "tables": 0, "rows": 0, "values": 0})
            c["tables"] += 1
            c["rows"] += t["n_rows"]
            c["values"] += t.get("n_values", 0)
        for code in {t["table_code"] for t in d["all_tables"]}:
            per_code[code]["documents"] += 1
    total["per_code"] = per_code
    print(f"{'table_code':26s} {'docs':>5s} {'tables':>6s} {'rows':>6s} {'values':>7s}")
    for code, c in sorted(per_code.items()):
        print(f"{code:26s} {c['documents']:5d} {c['tables']:6d} {c['rows']:6d} {c['values']:7d}")
    print(f"peak memory: max {total['peak_mb_max'] or 0:.0f} MB ({total['peak_mb_max_file']}); "
          f"largest document {total['largest_file']}: {total.get('peak_mb_largest') or 0:.0f} MB; "
          f"slowest {total['slowest_file']} {total['slowest_seconds'] or 0:.1f} s")
    return {"documents": docs, "total": total}


def fmt_num(x: float | None, nd: int = 1) -> str:
    return "n/a" if x is None else f"{x:.{nd}f}"


# ---------------------------------------------------------------------------------------- peers

def peer_targets(args) -> list[tuple[str, Path, list[int], str]]:
    """(label, source PDF, 1-based pages, kind) for the peer timing."""
    out = []
    manifest = SHARED / "corpus" / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        for e in m["pdfs"]:
            if e["seed"] != "000":
                continue
            pages = sorted({p for t in e["tables"] if t["id"] in TEMPLATES
                            for p in range(t["start_page"], t["end_page"] + 1)})
            out.append((Path(e["pdf"]).name, SHARED / "corpus" / e["pdf"], pages, "corpus"))
    for name, codes in REAL_TC_PAGES.items():
        path = SHARED / "realdocs" / name
        if path.exists():
            out.append((name, path, sorted({p for ps in codes.values() for p in ps}), "real"))
    return out


def sample_pages(pages: list[int], k: int) -> list[int]:
    if k <= 0 or len(pages) <= k:
        return pages
    step = len(pages) / k
    return sorted({pages[int(i * step)] for i in range(k)})


def subset_pdf(src: Path, pages: list[int], dst: Path) -> None:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(src))
    new = pypdfium2.PdfDocument.new()
    try:
        new.import_pages(doc, [p - 1 for p in pages])
        new.save(str(dst))
    finally:
        new.close()
        doc.close()


def bench_peers(args, work: Path) -> dict:
    hr("peers: camelot lattice and pdfplumber extract_tables vs ours, same pages")
    targets = peer_targets(args)
    if not targets:
        print("no corpus manifest and no real Renja files: skipped")
        return {"skipped": "no targets"}
    sampled = any(len(p) > args.peer_max_pages > 0 for _, _, p, _ in targets)
    if sampled:
        print(f"(pages sampled: at most {args.peer_max_pages} evenly spaced pages per document; --peer-max-pages 0 for all)")
    print("Each document's pages are copied into one PDF; the three systems read that same file, each in its own child.")
    print(f"{'document':44s} {'pages':>5s} {'ours s':>7s} {'camelot s':>9s} {'plumber s':>9s} {'vs cam':>7s} {'vs plb':>7s}"
          f" {'MB ours/cam/plb':>16s}")
    rows = []
    agg = {k: Counter() for k in ("corpus", "real", "all")}
    for label, src, pages, kind in targets:
        chosen = sample_pages(pages, args.peer_max_pages)
        sub = work / "peers" / f"{kind}-{len(rows):02d}.pdf"
        sub.parent.mkdir(parents=True, exist_ok=True)
        try:
            subset_pdf(src, chosen, sub)
        except Exception as ex:  # noqa: BLE001
            print(f"{label[:44]:44s} could not copy pages {page_ranges(chosen)}: {type(ex).__name__}: {ex}")
            rows.append({"document": label, "kind": kind, "error": f"subset: {ex}"})
            continue
        n = len(chosen)
        ours = run_isolated("ours", (str(sub), False), args.timeout)
        cam = run_isolated("camelot", (str(sub), f"1-{n}"), args.timeout)
        plb = run_isolated("pdfplumber", (str(sub), list(range(1, n + 1))), args.timeout)
        r = {"document": label, "kind": kind, "source_pages": page_ranges(chosen), "pages": n,
             "sampled_from": len(pages) if n < len(pages) else None}
        for name, res in (("ours", ours), ("camelot", cam), ("pdfplumber", plb)):
            if name == "ours":
                r[name] = {"seconds": res.get("seconds"), "peak_mb": res.get("peak_mb"), "error": res.get("error"),
                           "status": res.get("status"), "tables": len(res.get("tables", [])), "rows": res.get("n_rows")}
            else:
                r[name] = {k: v for k, v in res.items() if k != "traceback"}
            # pdfplumber's per-page errors still leave a timing; any other error means no timing
            r[name]["ok"] = res.get("seconds") is not None
        both = {peer: r["ours"]["ok"] and r[peer]["ok"] for peer in ("camelot", "pdfplumber")}
        r["ratio_vs_camelot"] = r["camelot"]["seconds"] / r["ours"]["seconds"] if both["camelot"] else None
        r["ratio_vs_pdfplumber"] = r["pdfplumber"]["seconds"] / r["ours"]["seconds"] if both["pdfplumber"] else None
        for key in (kind, "all"):
            for peer in ("camelot", "pdfplumber"):
                if both[peer]:
                    agg[key][f"{peer}_s"] += r[peer]["seconds"]
                    agg[key][f"ours_{peer}_s"] += r["ours"]["seconds"]
                    agg[key][f"{peer}_pages"] += n
        rows.append(r)
        name = short(label)
        print(f"{name:44s} {n:5d} {_s(r['ours'])} {_s(r['camelot']):>9s} {_s(r['pdfplumber']):>9s} "
              f"{fmt_ratio(r['ratio_vs_camelot']):>7s} {fmt_ratio(r['ratio_vs_pdfplumber']):>7s} "
              f"{_mb(r['ours'])}/{_mb(r['camelot'])}/{_mb(r['pdfplumber'])}".rstrip(), flush=True)
        for name_, res in (("ours", ours), ("camelot", cam), ("pdfplumber", plb)):
            if res.get("error"):
                print(f"{'':44s}   {name_} failed: {res['error'][:140]}")
    summary = {}
    for key, c in agg.items():
        s = {}
        for peer in ("camelot", "pdfplumber"):
            if c[f"{peer}_s"]:
                pages = c[f"{peer}_pages"]
                s[peer] = {"pages": pages, "peer_pages_per_s": pages / c[f"{peer}_s"],
                           "ours_pages_per_s": pages / c[f"ours_{peer}_s"],
                           "ratio": c[f"{peer}_s"] / c[f"ours_{peer}_s"]}
        summary[key] = s
    for key in ("corpus", "real", "all"):
        s = summary[key]
        parts = [f"vs {peer}: ours {v['ours_pages_per_s']:.2f} p/s, {peer} {v['peer_pages_per_s']:.2f} p/s = "
                 f"{v['ratio']:.2f}x ({v['pages']} pages)" for peer, v in s.items()]
        print(f"{key:6s} " + ("; ".join(parts) if parts else "no successful runs"))
    print("ratio = peer seconds / our seconds on the same pages (>1: ours is faster). Peers only find cells on the"
          "\ngiven pages; ours also finds, identifies, stitches and normalises the tables.")
    return {"documents": rows, "summary": summary, "sampled": sampled, "max_pages": args.peer_max_pages}


def _s(r: dict) -> str:
    return f"{r['seconds']:7.2f}" if r.get("ok") else "   fail"


def _mb(r: dict) -> str:
    return f"{r['peak_mb']:.0f}" if r.get("peak_mb") is not None else "?"


# ---------------------------------------------------------------------------------------- scale

def bench_scale(args, work: Path) -> dict:
    """scale_bench.py of the committed code (a run refuses code edited under it: work in progress in the
    checkout would stop it), in a child process; its numbers, as it wrote them."""
    hr("scale: sakip extract with 1 and 2 workers, the pre-scan, memory per worker, re-runs (scale_bench.py)")
    from nomenclature_bench import committed_code  # same folder as this file

    code = committed_code()
    out = work / "scale-bench-results.json"
    cmd = [sys.executable, str(code / "tests" / "benchmarks" / "scale_bench.py"), "--json", str(out),
           "--shared", str(SHARED), "--n-fixtures", str(args.scale_fixtures)]
    if not SHARED.is_dir():
        cmd += ["--only", "fixtures"]
    subprocess.run(cmd, cwd=code, env=dict(os.environ, PYTHONPATH=str(code)), check=True)
    return json.loads(out.read_text())


def scale_lines(results: dict) -> list[str]:
    lines = []
    for corpus in ("realdocs", "fixtures"):
        c = results.get(corpus)
        if not c:
            continue
        for key, r in c.items():
            if key.endswith("_workers"):
                lines.append(
                    f"scale {corpus} {r['workers']} worker(s): {r['extracted']} files, {r['pages']} pages in {r['wall_s']} s = "
                    f"{fmt_num(r['pages_per_s'])} pages/s, {fmt_num(r['docs_per_min'])} docs/min, "
                    f"{fmt_num(r['pages_per_cpu_s'])} pages per CPU-s; pre-scan skipped {pct(r['pages_skipped_by_prescan']).strip()} "
                    f"of pages; peak {fmt_num(r['peak_rss_mb_per_worker'], 0)} MB per worker (load {r['load_avg_before']})")
        reruns = [f"{key[len('rerun_'):].replace('_', ' ')} {r['wall_s']} s ({r['extracted']} extracted, {r['parts_written']} parts written)"
                  for key, r in c.items() if key.startswith("rerun_")]
        if reruns:
            lines.append(f"scale {corpus} re-runs: " + "; ".join(reruns))
    return lines


# --------------------------------------------------------------------------------------- office

OFFICE_SYSTEMS = ("project", "pdfplumber", "camelot-lattice")


def bench_office(args, work: Path) -> dict:
    """Office files of ../shared/realdocs: truth from the files, PDFs rendered by LibreOffice, three
    systems scored by score.py (the peers are given each table's true pages, ours finds them)."""
    hr("office: Word/Excel files of ../shared/realdocs rendered by LibreOffice, truth read from the files")
    import office_truth  # same folder as this file

    if office_truth.soffice_path() is None:
        print("soffice (LibreOffice) is not installed: skipped "
              "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
        return {"skipped": "LibreOffice (soffice) missing"}
    folder = work / "office"
    manifest = office_truth.build(SHARED / "realdocs", folder, timeout=args.timeout)
    tables = [(e, t) for e in manifest["pdfs"] for t in e["tables"]]
    res = {"folder": str(folder), "files": len(manifest["pdfs"]) + len(manifest["skipped_files"]),
           "pdfs": len(manifest["pdfs"]), "pages": sum(e["pages"] for e in manifest["pdfs"]),
           "tables": len(tables), "gt_rows": sum(t["n_rows"] for _, t in tables),
           "skipped_files": manifest["skipped_files"], "skipped_tables": manifest["skipped_tables"],
           "sheets_fit_to_width": sum(len(e.get("fit_to_width", [])) for e in manifest["pdfs"]),
           "sheets_wider_than_page": sum(len(e.get("wider_than_page", [])) for e in manifest["pdfs"]),
           "missing_rows_in_text_layer": {e["seed"]: e["missing_rows_in_text_layer"] for e in manifest["pdfs"]
                                          if e["missing_rows_in_text_layer"]}}
    print(f"{res['tables']} tables, {res['gt_rows']} data rows in {res['pdfs']} PDFs ({res['pages']} pages); "
          f"{res['sheets_fit_to_width']} sheets set to fit one page width, {res['sheets_wider_than_page']} of them "
          "wider than their page as they were")
    for f in manifest["skipped_files"]:
        print(f"file skipped: {f['file']}: {f['reason']}")
    reasons = Counter(t["reason"] for t in manifest["skipped_tables"])
    print(f"tables left out: {len(manifest['skipped_tables'])}"
          + "".join(f"\n  {n:3d} {r}" for r, n in reasons.most_common()))
    for t in manifest["skipped_tables"]:
        print(f"    {short(t['file'], 50)} {t['table']}: {t['reason']}")
    if not tables:
        return res
    out = folder / "out"
    sakip = Path(sys.executable).with_name("sakip")
    cmd = [str(sakip)] if sakip.exists() else [sys.executable, "-c", "from pipelines.cli import main; main()"]
    cmd += ["extract", str(folder / "pdfs"), "--out", str(out), "--workers", "2", "--ocr", "never", "--no-progress",
            "--force"]
    code, dt, mb, so, se = wait_with_rusage(cmd, args.timeout * len(manifest["pdfs"]), cwd=ROOT)
    print(f"sakip extract {res['pdfs']} PDFs: exit {'timeout' if code is None else code}, {dt:.1f} s, peak {mb:.0f} MB")
    res["extract"] = {"exit": code, "seconds": dt, "peak_mb": mb}
    score = SHARED / "corpus" / "score.py"
    procs = {}
    for system in OFFICE_SYSTEMS:  # the peers run side by side: each is one process
        jpath = folder / f"score-{system}.json"
        jpath.unlink(missing_ok=True)
        cmd = [sys.executable, str(score), "--system", system, "--manifest", str(folder / "manifest.json"),
               "--json", str(jpath), "--quiet"] + (["--out", str(out)] if system == "project" else [])
        if system == "project" and code != 0:
            continue
        procs[system] = (subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), jpath)
    scored = {}
    for system, (p, jpath) in procs.items():
        _, err = p.communicate(timeout=args.timeout * len(manifest["pdfs"]))
        if p.returncode != 0 or not jpath.exists():
            print(f"score.py --system {system}: exit {p.returncode}: {err.strip()[-300:]}")
            continue
        scored[system] = json.loads(jpath.read_text())
    res["systems"] = {}
    for system, sc in scored.items():
        s = dict(sc["summary"])
        per = sc["tables"]
        s["one_piece"] = share(sum(1 for t in per if t["pieces"] == 1), len(per)) if system == "project" else None
        for k in ("gt_rows", "ext_rows", "matched", "exact_rows", "num_total", "num_ok"):
            s[k] = sum(t[k] for t in per)
        res["systems"][system] = s
    res["per_table"] = office_per_table(tables, scored)
    print_office(res)
    return res


def office_per_table(tables: list[tuple[dict, dict]], scored: dict) -> list[dict]:
    index = {sys_: {(t["pdf"], t["table"]): t for t in sc["tables"]} for sys_, sc in scored.items()}
    rows = []
    for e, t in tables:
        key = (Path(e["pdf"]).name, t["id"])
        row = {"seed": e["seed"], "file": e["source"], "pdf": key[0], "table": t["id"],
               "pages": f"{t['start_page']}-{t['end_page']}", "gt_rows": t["n_rows"], "n_cols": t["n_cols"]}
        for system in scored:
            r = index[system].get(key)
            if r:
                row[system] = {"matched": r["matched"], "exact": r["exact_rows"], "ext_rows": r["ext_rows"],
                               "num_total": r["num_total"], "num_ok": r["num_ok"], "pieces": r["pieces"]}
        rows.append(row)
    return rows


def _office_cell(r: dict | None) -> str:
    if not r:
        return f"{'-':>27s}"
    prec = share(r["matched"], r["ext_rows"])
    num = share(r["num_ok"], r["num_total"])
    pieces = f" x{r['pieces']}" if r.get("pieces") is not None else ""
    return f"{r['matched']:4d}/{r['exact']:<4d} {pct(prec)} {pct(num) if num is not None else '     -'}{pieces:4s}"


def print_office(res: dict) -> None:
    systems = list(res["systems"])
    print(f"\n{'seed':4s} {'table':22s} {'pages':>7s} {'gt':>4s}  " + "  ".join(f"{s[:27]:27s}" for s in systems))
    print(f"{'':4s} {'':22s} {'':>7s} {'':>4s}  " + "  ".join(f"{' rec/exact    prec    num':27s}" for _ in systems))
    for row in res["per_table"]:
        print(f"{row['seed']:4s} {row['table'][:22]:22s} {row['pages']:>7s} {row['gt_rows']:4d}  "
              + "  ".join(_office_cell(row.get(s)) for s in systems))
    print("rec = rows recovered, exact = rows with every cell exact, prec = extracted rows that match a row, "
          "num = numbers exact, xN = pieces (project)")
    for system, s in res["systems"].items():
        print(f"TOTAL {system:16s} {s['tables']:3d} tables {s['gt_rows']:5d} rows: recovered {pct(s['row_recall'])}, "
              f"exact {pct(s['row_exact'])}, precision {pct(s['row_precision'])}, numbers {pct(s['number_exact'])}"
              + (f", one piece {pct(s['one_piece'])}" if s.get("one_piece") is not None else ""))
    proj = [r for r in res["per_table"] if r.get("project")]
    worst = sorted(proj, key=lambda r: (r["project"]["exact"] - r["gt_rows"], r["project"]["matched"]))[:10]
    if worst:
        print("worst 10 tables for the project (rows not exact):")
        for r in worst:
            print(f"  {r['seed']} {r['table'][:24]:24s} p{r['pages']:>7s} {short(r['file'], 50)}: "
                  f"{r['gt_rows'] - r['project']['exact']} of {r['gt_rows']} rows not exact")
    below = [r for r in proj if r.get("pdfplumber") and r["project"]["exact"] < r["pdfplumber"]["exact"]]
    print(f"tables where the project has fewer exact rows than pdfplumber: {len(below)} of {len(proj)}"
          + "".join(f"\n  {r['seed']} {r['table'][:24]:24s} p{r['pages']:>7s}: {r['project']['exact']} vs "
                    f"{r['pdfplumber']['exact']} of {r['gt_rows']}" for r in below))
    res["below_pdfplumber"] = [(r["seed"], r["table"]) for r in below]


def office_lines(res: dict) -> list[str]:
    lines = [f"office ({res['tables']} tables, {res['gt_rows']} rows, from {res['pdfs']} Word/Excel files of realdocs; "
             f"{len(res['skipped_tables'])} tables left out, {len(res['skipped_files'])} files skipped):"]
    for system, s in res["systems"].items():
        lines.append(f"  {system}: rows recovered {pct(s['row_recall']).strip()}, exact {pct(s['row_exact']).strip()}, "
                     f"precision {pct(s['row_precision']).strip()}, numbers {pct(s['number_exact']).strip()}"
                     + (f", one piece {pct(s['one_piece']).strip()}" if s.get("one_piece") is not None else ""))
    return lines


# -------------------------------------------------------------------------------------- summary

def bench_differential(args, work: Path) -> dict:
    """Every ruled page of the ../shared/realdocs PDFs against pdfplumber (peer_diff.py), and the tables whose
    quality report (tables.parquet: words_lost, numbers_unread, cells_without_header) is not zero."""
    hr("differential: our tables against pdfplumber on every ruled real page; tables failing the invariants")
    import peer_diff  # same folder as this file

    pdfs = sorted((SHARED / "realdocs").glob("*.pdf"))
    if args.realdocs_limit:
        pdfs = pdfs[: args.realdocs_limit]
    inputs = work / "differential-in"
    inputs.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        link = inputs / pdf.name
        if not link.exists():
            link.symlink_to(pdf)
    out = work / "differential-out"
    sakip = Path(sys.executable).with_name("sakip")
    cmd = [str(sakip)] if sakip.exists() else [sys.executable, "-c", "from pipelines.cli import main; main()"]
    cmd += ["extract", str(inputs), "--out", str(out), "--workers", "2", "--ocr", "never", "--no-progress", "--force"]
    code, dt, mb, _, err = wait_with_rusage(cmd, args.timeout * max(1, len(pdfs)), cwd=ROOT)
    print(f"sakip extract {len(pdfs)} PDFs: exit {code}, {dt:.0f} s")
    if code not in (0, 1):
        return {"error": f"sakip extract exited {code}: {err.strip()[-300:]}"}
    diffs = peer_diff.run(out, SHARED / "realdocs")
    worst = sorted((d for d in diffs if d.kept < d.peer_rows), key=lambda d: d.kept - d.peer_rows)
    for d in worst[:40]:
        print(f"  {short(d.doc, 50)} p.{d.page:<4d} peer rows {d.peer_rows:4d} kept {d.kept:4d} cells missing "
              f"{d.missing}/{d.cells}  e.g. {' // '.join(d.examples)[:120]}")
    res = {"pdfplumber": peer_diff.summary(diffs)}
    s = res["pdfplumber"]
    print(f"pdfplumber: {s['pages']} pages with a ruled table of 3x3 or more, {s['peer_rows']} rows; ours keep "
          f"{pct(s['rows_kept_share']).strip()} with their cells in order; {pct(s['cell_text_found_share']).strip()} "
          f"of the cell texts are in our tables of the page; {s['pages_disagreeing']} pages disagree")
    import pyarrow.dataset as ds

    tables = ds.dataset(str(out / "tables.parquet") if (out / "tables.parquet").exists() else str(out / "tables")).to_table().to_pylist()
    docs = {d["doc_id"]: Path(d["source_path"]).name for d in ds.dataset(
        str(out / "documents.parquet") if (out / "documents.parquet").exists() else str(out / "documents")).to_table().to_pylist()}
    counts = ("words_lost", "numbers_unread", "cells_without_header")
    flagged = [t for t in tables if any(t.get(c) for c in counts)]
    print(f"quality report: {len(tables)} tables; " + ", ".join(
        f"{c} > 0 in {sum(1 for t in tables if t.get(c))}" for c in counts))
    for t in sorted(flagged, key=lambda t: -sum(t.get(c) or 0 for c in counts)):
        print(f"  {short(docs.get(t['doc_id'], '?'), 50)} p.{t['page_start']}-{t['page_end']} {t['table_code']:14s} "
              + " ".join(f"{c}={t.get(c) or 0}" for c in counts))
    res["quality"] = {"tables": len(tables), **{c: sum(1 for t in tables if t.get(c)) for c in counts},
                      "no_words_lost_share": share(sum(1 for t in tables if not t.get("words_lost")), len(tables))}
    return res


def bench_levels(args, work: Path) -> dict:
    """Levels, codes and printed totals on ../shared/realdocs (levels_bench.py), from one `sakip extract`."""
    hr("levels: kode and level of the rows printing a code; printed totals against their programs")
    import levels_bench  # same folder as this file

    inputs = work / "levels-in"
    inputs.mkdir(parents=True, exist_ok=True)
    for doc in sorted((SHARED / "realdocs").iterdir()):
        link = inputs / doc.name
        if doc.is_file() and not link.exists():
            link.symlink_to(doc)
    out = work / "levels-out"
    sakip = Path(sys.executable).with_name("sakip")
    cmd = [str(sakip)] if sakip.exists() else [sys.executable, "-c", "from pipelines.cli import main; main()"]
    cmd += ["extract", str(inputs), "--out", str(out), "--workers", "2", "--ocr", "never", "--no-progress"]
    code, dt, _, _, err = wait_with_rusage(cmd, args.timeout * 20, cwd=ROOT)
    print(f"sakip extract ../shared/realdocs: exit {code}, {dt:.0f} s")
    if code not in (0, 1):
        return {"error": f"sakip extract exited {code}: {err.strip()[-300:]}"}
    res = levels_bench.measure(out)
    levels_bench.print_report(res)
    return res


def summary_block(results: dict) -> list[str]:
    lines = [f"sakip-tables bench {results['started']} (commit {results['commit']}, {results['machine']})"]
    fx = results.get("fixtures", {}).get("total")
    if fx:
        lines.append(f"fixtures: {fx['exact_rows']}/{fx['gt_rows']} ground-truth rows exact ({pct(fx['exact_share']).strip()}), "
                     f"matched {pct(fx['matched_share']).strip()}, row precision {pct(fx['precision']).strip()} "
                     f"({fx['leaked_rows']} leaked), layouts all-exact {fx['layouts_all_exact']}/{fx['layouts']}")
        per = results["fixtures"]["layouts"]
        lines.append("fixtures exact per layout: " + ", ".join(
            f"{k} {pct(v.get('exact_share')).strip()}" if "error" not in v else f"{k} ERROR" for k, v in per.items()))
    co = results.get("corpus")
    if co and co.get("score"):
        s = co["score"]["summary"]
        lines.append(f"corpus 000 T-C.29/31/33 ({s['tables']} tables): recall {pct(s['row_recall']).strip()}, exact "
                     f"{pct(s['row_exact']).strip()}, precision {pct(s['row_precision']).strip()}, numbers "
                     f"{pct(s['number_exact']).strip()}, values {pct(s['value_exact']).strip()}, one piece+code "
                     f"{co['tables_one_piece_code_ok']}/{co['tables_total']}, code ok {pct(s['code_ok']).strip()}")
        lines.append(f"corpus tables meeting >=99% recall: {co['tables_recall_ge_99']}/{co['tables_total']}, "
                     f"no leaked rows: {co['tables_no_leak']}/{co['tables_total']}; sakip extract "
                     f"{co['pages']} pages in {co['extract_seconds']:.1f} s ({co['pages_per_s']:.1f} p/s), peak {co['peak_mb']:.0f} MB")
    elif co and co.get("error"):
        lines.append(f"corpus: ERROR {co['error']}")
    rd = results.get("realdocs", {}).get("total")
    if rd:
        st = ", ".join(f"{k} {v}" for k, v in sorted(rd["statuses"].items()))
        tbc = rd["tables_by_code"]
        lines.append(f"realdocs: {rd['documents']} PDFs ({st}); {rd['pages']} pages in {rd['seconds']:.0f} s = "
                     f"{fmt_num(rd['pages_per_s'])} pages/s; {rd['tables']} tables, {rd['rows']} rows; "
                     + ", ".join(f"{c} {tbc.get(c, 0)}" for c in TEMPLATES))
        lines.append(f"realdocs peak memory: max {rd['peak_mb_max'] or 0:.0f} MB ({rd['peak_mb_max_file']}); largest document "
                     f"({rd['largest_file']}) {rd.get('peak_mb_largest') or 0:.0f} MB (target < 500 MB); "
                     f"{rd['over_500mb']} PDFs over 500 MB; slowest {rd['slowest_seconds'] or 0:.1f} s ({rd['slowest_file']})")
        if rd["sources_tc_expected"]:
            missing = [f"{short(d['file'], 30)} {code}" for d in results["realdocs"]["documents"]
                       for code, ok in d.get("expected_found", {}).items() if not ok]
            lines.append(f"real Renja T-C tables named in SOURCES.md found on overlapping pages: "
                         f"{rd['sources_tc_found']}/{rd['sources_tc_expected']}"
                         + (f" (missing: {', '.join(missing)})" if missing else ""))
    pe = results.get("peers", {}).get("summary")
    if pe:
        note = f", pages sampled <= {results['peers']['max_pages']}/doc" if results["peers"].get("sampled") else ""
        for peer, label in (("camelot", "camelot lattice"), ("pdfplumber", "pdfplumber extract_tables")):
            parts = [f"{key} {v['ratio']:.2f}x ({v['pages']} p: ours {v['ours_pages_per_s']:.1f} vs {v['peer_pages_per_s']:.1f} p/s)"
                     for key in ("corpus", "real") if (v := pe.get(key, {}).get(peer))]
            if parts:
                lines.append(f"speed vs {label} (peer s / our s, same T-C pages{note}): " + "; ".join(parts))
    if "scale" in results and "error" not in results["scale"]:
        lines += scale_lines(results["scale"])
    if "nomenclature" in results:
        from nomenclature_bench import summary_lines  # tests/benchmarks/nomenclature_bench.py

        lines += summary_lines(results["nomenclature"])
    if results.get("ocr", {}).get("fixtures"):
        from ocr_bench import summary_lines as ocr_lines  # tests/benchmarks/ocr_bench.py

        lines += ocr_lines(results["ocr"])
    if results.get("office", {}).get("systems"):
        lines += office_lines(results["office"])
    if "office_direct" in results:
        from office_direct import summary_lines as office_direct_lines  # tests/benchmarks/office_direct.py

        lines += office_direct_lines(results["office_direct"])
    di = results.get("differential", {})
    if di.get("pdfplumber"):
        s, q = di["pdfplumber"], di["quality"]
        lines.append(f"differential vs pdfplumber ({s['pages']} ruled real pages, {s['peer_rows']} rows): rows kept "
                     f"{pct(s['rows_kept_share']).strip()}, cell texts found {pct(s['cell_text_found_share']).strip()}, "
                     f"{s['pages_disagreeing']} pages disagree; tables with no lost word {pct(q['no_words_lost_share']).strip()} "
                     f"of {q['tables']}, numbers_unread > 0 in {q['numbers_unread']}, cells_without_header > 0 in "
                     f"{q['cells_without_header']}")
    if results.get("levels", {}).get("summary"):
        from levels_bench import summary_lines as level_lines  # tests/benchmarks/levels_bench.py

        lines += level_lines(results["levels"])
    lines.append(f"bench wall time {results['wall_seconds'] / 60:.1f} min; skipped: {', '.join(results['skipped']) or 'nothing'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    ap.add_argument("--skip", nargs="+", choices=SECTIONS, default=[], help="skip these sections")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per document (default 300)")
    ap.add_argument("--peer-max-pages", type=int, default=0,
                    help="time peers on at most N evenly spaced pages per document (default 0: all pages)")
    ap.add_argument("--realdocs-limit", type=int, default=0, help="only the first N real PDFs (for a quick run)")
    ap.add_argument("--scale-fixtures", type=int, default=500, help="fixture PDFs of the scale section (default 500)")
    ap.add_argument("--show-misses", type=int, default=2, help="non-exact fixture rows to print per table")
    ap.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write all numbers")
    ap.add_argument("--keep", type=Path, help="keep the work files (fixture PDFs, outputs) in this folder")
    args = ap.parse_args(argv)

    wall0 = time.perf_counter()
    sections = [s for s in (args.only or SECTIONS) if s not in args.skip]
    skipped = [s for s in SECTIONS if s not in sections]
    have_shared = SHARED.is_dir()
    if not have_shared:
        print(f"{SHARED} is missing: benchmarking only the fixtures (corpus, realdocs and peers need ../shared)")
        skipped += [s for s in sections if s not in ("fixtures", "scale", "ocr") and s not in skipped]
        sections = [s for s in sections if s in ("fixtures", "scale", "ocr")]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               cwd=ROOT).stdout.strip()
        commit += "+dirty" if dirty else ""
    except OSError:
        commit = "?"
    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M"), "commit": commit,
                     "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                     "shared": str(SHARED) if have_shared else None, "sections": sections, "skipped": skipped}
    print(f"sakip-tables bench: {', '.join(sections)}; shared = {SHARED if have_shared else 'missing'}; commit {commit}")

    tmp = None
    if args.keep:
        work = args.keep.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="sakip-bench-")
        work = Path(tmp.name)
    try:
        for name in sections:
            t0 = time.perf_counter()
            try:
                if name == "fixtures":
                    results[name] = bench_fixtures(args, work)
                elif name == "corpus":
                    results[name] = bench_corpus(args, work)
                elif name == "realdocs":
                    results[name] = bench_realdocs(args)
                elif name == "peers":
                    results[name] = bench_peers(args, work)
                elif name == "scale":
                    results[name] = bench_scale(args, work)
                elif name == "nomenclature":
                    hr("nomenclature: matching on real documents (tests/benchmarks/nomenclature_bench.py)")
                    from nomenclature_bench import main as bench_nomenclature  # same folder as this file

                    results[name] = bench_nomenclature([])
                elif name == "ocr":
                    hr("ocr: scanned fixtures and real scans (tests/benchmarks/ocr_bench.py)")
                    from ocr_bench import main as bench_ocr  # same folder as this file

                    results[name] = bench_ocr([])
                elif name == "office":
                    results[name] = bench_office(args, work)
                elif name == "office_direct":
                    hr("office_direct: the Word/Excel files of ../shared/realdocs read directly (office_direct.py)")
                    from office_direct import run as bench_office_direct  # same folder as this file

                    results[name] = bench_office_direct(SHARED, work, args.timeout)
                elif name == "differential":
                    results[name] = bench_differential(args, work)
                elif name == "levels":
                    results[name] = bench_levels(args, work)
            except Exception as ex:  # noqa: BLE001 - one broken section must not lose the others
                traceback.print_exc()
                results[name] = {"error": f"{type(ex).__name__}: {ex}"}
            results[name]["section_seconds"] = time.perf_counter() - t0
            print(f"({name}: {results[name]['section_seconds']:.0f} s)", flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()
    results["wall_seconds"] = time.perf_counter() - wall0
    for name in sections:
        if results.get(name, {}).get("error") and name not in ("corpus",):
            print(f"section {name} failed: {results[name]['error']}")
    lines = summary_block(results)
    results["summary"] = lines
    hr("summary (paste into the issue note)")
    print("\n".join(lines))
    args.json.write_text(json.dumps(results, indent=1, default=str, ensure_ascii=False))
    print(f"\nall numbers: {args.json.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
