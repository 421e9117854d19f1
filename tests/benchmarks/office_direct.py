"""Bench section ``office_direct``: the Word and Excel files of ``../shared/realdocs`` read directly.

``sakip extract`` on the .docx/.doc/.xlsx/.xls files themselves (no PDF: ``extract.office``), then, per
file, its status, tables and rows, and per table of the Office truth (``office_truth.py``, built from
the files by plain python-docx/openpyxl reading and LibreOffice's own text and CSV exports, sharing no
code with the reader) the rows and numbers exact, scored by ``../shared/corpus/score.py``'s
``score_table`` (unchanged). A truth table is found among our rows by their ``location``: ``table 7``
is the seventh top-level Word table, ``sheet TC 27`` the rows whose location names that sheet.

    python tests/benchmarks/office_direct.py ../shared /tmp/work   # reuses /tmp/work/office if built
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import office_truth  # noqa: E402 - same folder


def _score_module(shared: Path):
    spec = importlib.util.spec_from_file_location("corpus_score", shared / "corpus" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _load(out: Path, name: str) -> list[dict]:
    import pyarrow.dataset as ds

    for cand in (out / f"{name}.parquet", out / name):
        if cand.exists():
            return ds.dataset(str(cand)).to_table().to_pylist()
    return []


def _truth(shared: Path, work: Path, timeout: float, log) -> dict:
    folder = work / "office"
    if (folder / "manifest.json").exists():
        return json.loads((folder / "manifest.json").read_text())
    return office_truth.build(shared / "realdocs", folder, timeout=timeout, log=log)


def _owner(location: str | None) -> str:
    """The truth table id a row's location belongs to: 'table 7' or 'sheet TC 27'."""
    if not location:
        return ""
    if location.startswith("Sheet "):
        return "sheet " + location[len("Sheet "):].rsplit("!", 1)[0]
    return location.split(",")[0]


def run(shared: Path, work: Path, timeout: float = 300, log=print) -> dict:
    files = sorted(p for p in (shared / "realdocs").iterdir() if p.suffix.lower() in office_truth.OFFICE_EXTS)
    if office_truth.soffice_path() is None:
        log("soffice (LibreOffice) is not installed: the truth cannot be built, skipped "
            "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
        return {"skipped": "LibreOffice (soffice) missing"}
    manifest = _truth(shared, work, timeout, log)
    inputs = work / "office-direct-in"
    inputs.mkdir(parents=True, exist_ok=True)
    for f in files:
        link = inputs / f.name
        if not link.exists():
            link.symlink_to(f.resolve())
    out = work / "office-direct-out"
    sakip = Path(sys.executable).with_name("sakip")
    cmd = [str(sakip)] if sakip.exists() else [sys.executable, "-c", "from pipelines.cli import main; main()"]
    cmd += ["extract", str(inputs), "--out", str(out), "--workers", "2", "--ocr", "never", "--no-progress", "--force"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout * max(1, len(files)))
    seconds = time.perf_counter() - t0
    log(f"sakip extract {len(files)} Word/Excel files: exit {p.returncode}, {seconds:.1f} s")
    docs = {Path(d["source_path"]).name: d for d in _load(out, "documents")}
    tables = _load(out, "tables")
    rows = _load(out, "rows")
    values = defaultdict(list)
    for v in _load(out, "values"):
        values[(v["table_id"], v["row_no"])].append(v)
    tables_of = defaultdict(list)
    for t in tables:
        tables_of[t["doc_id"]].append(t)
    rows_of = defaultdict(list)  # (doc_id, truth table id) -> rows in order
    for r in sorted(rows, key=lambda r: (r["table_id"], r["row_no"])):
        rows_of[(r["doc_id"], _owner(r.get("location")))].append(r)
    res = {"seconds": seconds, "exit": p.returncode, "files": [], "tables": []}
    for f in files:
        d = docs.get(f.name, {})
        n_rows = sum(t["n_rows"] for t in tables_of.get(d.get("doc_id"), []))
        res["files"].append({"file": f.name, "status": d.get("status", "missing"), "message": d.get("message"),
                             "tables": d.get("n_tables", 0), "rows": n_rows, "doc_type": d.get("doc_type")})
    score = _score_module(shared)
    base = work / "office"
    for e in manifest["pdfs"]:
        d = docs.get(e["source"], {})
        for t in e["tables"]:
            gt = json.loads((base / t["groundtruth"]).read_text(encoding="utf-8"))
            ours = rows_of.get((d.get("doc_id"), t["id"]), [])
            ext = [list(r["cells"]) for r in ours]
            keys = [(r["table_id"], r["row_no"]) for r in ours]
            s = score.score_table(gt, ext, keys, values)
            s.update(file=e["source"], seed=e["seed"], table=t["id"], pieces=len({r["table_id"] for r in ours}))
            res["tables"].append(s)
    tot = defaultdict(int)
    for s in res["tables"]:
        for k in ("gt_rows", "ext_rows", "matched", "exact_rows", "num_total", "num_ok", "val_total", "val_ok"):
            tot[k] += s[k]
    res["total"] = dict(tot, tables=len(res["tables"]), rows_exact=_share(tot["exact_rows"], tot["gt_rows"]),
                        recall=_share(tot["matched"], tot["gt_rows"]), precision=_share(tot["matched"], tot["ext_rows"]),
                        numbers_exact=_share(tot["num_ok"], tot["num_total"]), values_exact=_share(tot["val_ok"], tot["val_total"]),
                        files_ok=sum(1 for f in res["files"] if f["status"] == "ok"), files=len(res["files"]))
    _print(res, log)
    return res


def _share(a: int, b: int) -> float | None:
    return a / b if b else None


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2%}"


def _print(res: dict, log) -> None:
    for f in res["files"]:
        log(f"  {f['file'][-62:]:62s} {f['status']:9s} {f['tables']:3d} tables {f['rows']:5d} rows"
            + (f"  ({f['message']})" if f["message"] else ""))
    for s in res["tables"]:
        if s["exact_rows"] < s["gt_rows"] or s["num_ok"] < s["num_total"]:
            log(f"  {s['seed']} {s['table'][:28]:28s} rows exact {s['exact_rows']}/{s['gt_rows']}, matched "
                f"{s['matched']}, numbers {s['num_ok']}/{s['num_total']}, ours {s['ext_rows']} rows in {s['pieces']} tables")
    for line in summary_lines(res):
        log(line)


def summary_lines(res: dict) -> list[str]:
    t = res.get("total")
    if not t:
        return [f"office read directly: {res.get('skipped') or res.get('error') or 'no result'}"]
    return [f"office read directly ({t['files']} Word/Excel files of realdocs, {t['files_ok']} ok; {t['tables']} truth "
            f"tables, {t['gt_rows']} rows): rows exact {_pct(t['rows_exact'])}, numbers exact {_pct(t['numbers_exact'])}, "
            f"recovered {_pct(t['recall'])}, precision {_pct(t['precision'])}, values {_pct(t['values_exact'])}; "
            f"sakip extract {res['seconds']:.0f} s"]


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("shared", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    run(args.shared, args.work, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
