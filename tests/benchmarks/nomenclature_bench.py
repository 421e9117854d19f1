"""Benchmark of nomenclature matching: right / wrong per level on real documents, the scorer chosen
by measurement, the baseline, and the time for 10,000 names. Needs ../shared (says so and exits 0
without it). Called by `make bench` (tests/benchmarks/bench.py, section `nomenclature`) or alone:

    .venv/bin/python tests/benchmarks/nomenclature_bench.py              # extracts (cached), then measures
    .venv/bin/python tests/benchmarks/nomenclature_bench.py --rows DIR   # DIR/realdocs, DIR/corpus: outputs of sakip extract
    .venv/bin/python tests/benchmarks/nomenclature_bench.py --show-errors

1. The reference: `nomenclature.csv` (pemutakhiran 2027) and `nomenclature_kabkota_2023.csv`,
   installed with our importer into a temporary store; `kabkota_2023_vs_2027.csv` for successors.
2. The rows: `sakip extract` of the committed code (HEAD, unpacked in build/nomenclature_bench/src)
   on ../shared/realdocs and on the corpus PDFs of the three seeds (layout a), into
   build/nomenclature_bench/ (the run's own cache makes a re-run cheap while HEAD's extraction and
   nomenclature code stay the same; else about 4 min on 2 cores). The matcher measured is the
   checkout's, imported here.
3. The labelled set (`nomenclature.evaluation`): every item row that prints a code of the current
   shape next to its name, the code's entry in 2027 as the truth (a 2023-only code via its
   successor, a 90/2019 two-digit sub kegiatan code via the same name under the printed kegiatan;
   a code whose official name does not agree with the printed one is left out); rows printing
   Permendagri 13/2006 codes are the legacy negatives. Split by the hash of the comparable name:
   scorer and threshold are compared on the calibration half, numbers reported on the held-out half.
   A synthetic set (official names with PDF-like damage) adds scale to the scorer comparison.
4. Names are matched WITHOUT their printed code (else the benchmark is trivial), per document
   with the document's pemda, the level as the extraction gave it (none for unknown/label rows)
   or no level at all; then as in the run (code + name); and the baseline: plain rapidfuzz WRatio
   best match at 90 among the names of the TRUE level.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SAKIP_BENCH_SHARED") or REPO.parent / "shared")
WORK = REPO / "build" / "nomenclature_bench"
sys.path.insert(0, str(REPO))

from nomenclature import evaluation as ev  # noqa: E402
from nomenclature.matcher import Matcher, MatchSettings  # noqa: E402
from nomenclature.names import comparable  # noqa: E402
from nomenclature.reference import Reference, import_reference, load_reference  # noqa: E402

SCORERS = (fuzz.ratio, fuzz.QRatio, fuzz.token_sort_ratio, fuzz.token_set_ratio, fuzz.WRatio, fuzz.partial_token_sort_ratio)
THRESHOLDS = (80, 85, 88, 90, 92)
CORPUS_SEEDS = ("000-a.pdf", "001-a.pdf", "002-a.pdf")  # Renja 2022, Renstra 2025-2026, LKjIP 2024 (layout a)


def install_references(store: Path) -> tuple[Reference, Reference, pd.DataFrame]:
    nom = SHARED / "nomenclature"
    import_reference(nom / "nomenclature.csv", version="pemutakhiran-2027", store=store)
    import_reference(nom / "nomenclature_kabkota_2023.csv", version="kabkota-2023", store=store)
    successors = pd.read_csv(nom / "kabkota_2023_vs_2027.csv", dtype=str, keep_default_na=False)
    return load_reference("pemutakhiran-2027", store), load_reference("kabkota-2023", store), successors


def committed_code() -> Path:
    """The committed code (`git archive HEAD`) in build/nomenclature_bench/src, to extract with: work in
    progress in the checkout (a run refuses code that changes under it) does not stop the bench.
    The checkout itself when it is not a git repository."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        src = WORK / "src"
        if not (src / ".head").exists() or (src / ".head").read_text() != head:
            import io
            import shutil
            import tarfile

            shutil.rmtree(src, ignore_errors=True)
            tar = subprocess.run(["git", "archive", "--format=tar", head], cwd=REPO, capture_output=True, check=True).stdout
            with tarfile.open(fileobj=io.BytesIO(tar)) as t:
                t.extractall(src, filter="data")
            (src / ".head").write_text(head)
        return src
    except (OSError, subprocess.CalledProcessError):
        return REPO


def extract(rows_dir: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """rows.parquet and documents.parquet of realdocs + the seeds' corpus PDFs (extracting them unless `rows_dir`)."""
    info = {}
    if rows_dir is None:
        rows_dir = WORK
        code = committed_code()
        # The run's own matching is not what is measured: it uses the built-in list.
        env = dict(os.environ, SAKIP_NOMENCLATURE=str(WORK / "empty-store"), PYTHONPATH=str(code))
        for name, inputs in (("realdocs", [SHARED / "realdocs"]), ("corpus", [SHARED / "corpus" / "pdfs" / f for f in CORPUS_SEEDS])):
            t0 = time.perf_counter()
            cmd = [sys.executable, "-c", "from pipelines.cli import main; main()", "extract", *map(str, inputs),
                   "--out", str(WORK / name)]
            done = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
            if done.returncode != 0 or not (WORK / name / "rows.parquet").exists():
                raise RuntimeError(f"sakip extract {name} failed: {done.stderr.strip()[-500:]}")
            work_line = next((ln for ln in done.stdout.splitlines() if ln.startswith("work:")), "")
            info[name] = f"{time.perf_counter() - t0:.0f} s ({work_line.strip()})"
            print(f"extracted {name}: {info[name]}", flush=True)
    rows = pd.concat([pd.read_parquet(rows_dir / n / "rows.parquet") for n in ("realdocs", "corpus")], ignore_index=True)
    docs = pd.concat([pd.read_parquet(rows_dir / n / "documents.parquet") for n in ("realdocs", "corpus")], ignore_index=True)
    return rows, docs, info


def synthetic(ref: Reference, n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """Official kab/kota names with the damage PDFs do to them; names shared by several codes left out."""
    rnd = random.Random(seed)
    items = ref.items("kabkota")
    items = items[~items["name"].map(comparable).duplicated(keep=False)]
    out = []
    for r in items.sample(n=min(n, len(items)), random_state=seed).itertuples(index=False):
        name, words = r.name, r.name.split()
        k = rnd.randrange(6)
        if k == 0:
            name = name.upper()
        elif k == 1 and len(words) > 2:  # a word split by the PDF
            j = max(range(len(words)), key=lambda j: len(words[j]))
            words[j] = words[j][:-1] + " " + words[j][-1]
            name = " ".join(words)
        elif k == 2 and len(words) > 2:  # two words glued
            j = rnd.randrange(len(words) - 1)
            name = " ".join(words[:j] + [words[j] + words[j + 1]] + words[j + 2:])
        elif k == 3:
            name = f"{name} (sub unit Kelurahan {rnd.choice(['Kanigaran', 'Sukoharjo', 'Kebonsari Kulon'])})"
        elif k == 4:
            name = name.replace("Perangkat Daerah", "SKPD").replace("Efektifitas", "Efektivitas").lower()
        else:
            name = "Kegiatan " + name if r.level == "kegiatan" else name + " Kelurahan Wonoasih"
        out.append({"doc_id": "synthetic", "table_id": "synthetic", "level": r.level, "printed_code": None, "code": None,
                    "scheme": "current", "name": name, "pemda": "kabkota", "truth": r.code, "truth_level": r.level,
                    "label_status": "synthetic"})
    return pd.DataFrame(out)


def fmt(table: pd.DataFrame) -> str:
    return table.to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="-")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=Path, help="use DIR/realdocs and DIR/corpus (outputs of sakip extract) instead of extracting")
    ap.add_argument("--show-errors", action="store_true", help="list every held-out row not matched right")
    args = ap.parse_args(argv)
    if not (SHARED / "nomenclature" / "nomenclature.csv").exists() or not (SHARED / "realdocs").is_dir():
        print(f"nomenclature bench skipped: {SHARED} is missing (it holds the reference and the real documents)")
        return {"skipped": f"{SHARED} missing"}
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="sakip-nomenclature-") as tmp:
        ref, old, successors = install_references(Path(tmp))
    rows, docs, results["extraction"] = extract(args.rows)

    lab = ev.label(ev.printed_pairs(rows), ref, old, successors)
    lab["half"] = ev.split(lab["name"])
    files = docs.set_index("doc_id")["source_path"].map(lambda p: Path(p).name)
    lab["file"] = lab["doc_id"].map(files)
    used = lab[lab["truth"].notna() | (lab["label_status"] == "legacy")]
    print(f"\nlabelled rows from {lab['doc_id'].nunique()} documents: " + ", ".join(
        f"{k} {v}" for k, v in lab["label_status"].value_counts().items()))
    print("positives by document: " + ", ".join(f"{k} {v}" for k, v in used[used["truth"].notna()]["file"].value_counts().items()))
    print("legacy rows by document: " + ", ".join(f"{k} {v}" for k, v in used[used["truth"].isna()]["file"].value_counts().items()))
    counts = pd.crosstab(used["truth_level"].fillna("legacy:" + used["level"]), used["half"])
    print(counts.to_string())
    results["labelled"] = {"positives": int(used["truth"].notna().sum()), "legacy": int(used["truth"].isna().sum()),
                           "documents": int(used["doc_id"].nunique()),
                           "label_status": {k: int(v) for k, v in lab["label_status"].value_counts().items()}}
    syn = synthetic(ref)
    syn["half"] = ev.split(syn["name"])

    base = {p: Matcher(ref, pemda=p) for p in ("kabkota", "provinsi")}
    cal, held = used[used["half"] == "calibration"], used[used["half"] == "held_out"]

    # Scorer and threshold, on the calibration half (real rows, legacy rows, synthetic damage).
    print("\nscorer comparison, calibration half, names alone, level as extracted (right / wrong of positives; "
          "legacy rows matched; synthetic right / wrong):")
    comp = []
    for scorer in SCORERS:
        for thr in THRESHOLDS:
            st = MatchSettings(scorer=scorer, threshold=thr)
            mf = {p: m.with_settings(st) for p, m in base.items()}.__getitem__
            s_real = ev.summary(ev.outcomes(mf, cal)).set_index("level").loc["all"]
            s_syn = ev.summary(ev.outcomes(mf, syn[syn["half"] == "calibration"])).set_index("level").loc["all"]
            comp.append({"scorer": scorer.__name__, "threshold": thr, "right": s_real["right"], "wrong": s_real["wrong"],
                         "legacy_matched": s_real["legacy_matched"], "synthetic_right": s_syn["right"],
                         "synthetic_wrong": s_syn["wrong"]})
    for margin in (0, 5):  # the runner-up margin, for the chosen scorer and threshold
        st = MatchSettings(margin=margin)
        mf = {p: m.with_settings(st) for p, m in base.items()}.__getitem__
        s_real = ev.summary(ev.outcomes(mf, cal)).set_index("level").loc["all"]
        s_syn = ev.summary(ev.outcomes(mf, syn[syn["half"] == "calibration"])).set_index("level").loc["all"]
        comp.append({"scorer": f"{st.scorer.__name__}, margin {margin}", "threshold": st.threshold, "right": s_real["right"],
                     "wrong": s_real["wrong"], "legacy_matched": s_real["legacy_matched"],
                     "synthetic_right": s_syn["right"], "synthetic_wrong": s_syn["wrong"]})
    comp = pd.DataFrame(comp)
    print(fmt(comp))
    results["scorers"] = comp.to_dict("records")
    chosen = MatchSettings()
    print(f"chosen (MatchSettings defaults): {chosen.scorer.__name__} at {chosen.threshold:g}, margin {chosen.margin:g}")

    # Held-out half.
    mf = base.__getitem__
    runs = {
        "names alone, level as extracted": ev.outcomes(mf, held, "document"),
        "names alone, no level": ev.outcomes(mf, held, "none"),
        "as in the run (printed code + name)": ev.outcomes(mf, held, "document", with_code=True),
        "baseline WRatio@90, told the true level": ev.baseline(ref, held),
    }
    results["held_out"] = {}
    for title, got in runs.items():
        s = ev.summary(got)
        print(f"\nheld-out half, {title}:\n{fmt(s)}")
        results["held_out"][title] = s.to_dict("records")
        if args.show_errors and not title.startswith("baseline"):
            bad = got[(got["truth"].notna() & (got["outcome"] != "right")) | (got["outcome"] == "matched")]
            if len(bad):
                print(bad[["file", "level", "printed_code", "truth", "got", "status", "score", "name", "reason"]]
                      .to_string(max_colwidth=80))
    sh = syn[syn["half"] == "held_out"]
    s = ev.summary(ev.outcomes(mf, sh, "document"))
    print(f"\nheld-out synthetic names ({len(sh)}), level given:\n{fmt(s)}")
    results["held_out"]["synthetic, level given"] = s.to_dict("records")

    # Speed: 10,000 names (real and damaged, a tenth repeated per kelurahan) against the full kab/kota list.
    pool = pd.concat([used["name"], syn["name"]]).tolist()
    names = [pool[i % len(pool)] + ("" if i < len(pool) else f" Kelurahan K{i % 97}") for i in range(10_000)]
    results["speed"] = {}
    for level in ("sub_kegiatan", None):
        m = Matcher(ref, pemda="kabkota")
        t0 = time.perf_counter()
        m.match_many(names, [level] * len(names))
        secs = time.perf_counter() - t0
        results["speed"][str(level)] = secs
        print(f"10,000 names against {ref.version} (kabkota, {len(ref.items('kabkota')):,} items), level {level}: {secs:.1f} s")
    return results


def summary_lines(res: dict) -> list[str]:
    """Lines for `make bench`'s summary block."""
    if "skipped" in res or "held_out" not in res:
        return [f"nomenclature: {res.get('skipped') or res.get('error', 'not run')}"]
    lab = res["labelled"]
    out = [f"nomenclature labelled set: {lab['positives']} rows with a printed current code, {lab['legacy']} legacy "
           f"(13/2006) rows, {lab['documents']} documents; held-out half:"]
    for title, rows in res["held_out"].items():
        per = {r["level"]: r for r in rows}
        parts = [f"{lv} {per[lv]['right']:.3f}/{per[lv]['wrong']:.3f} (n={per[lv]['positives']})"
                 for lv in ("program", "kegiatan", "sub_kegiatan") if per[lv]["positives"]]
        leg = per["all"]
        legacy = f"; legacy matched {leg['legacy_matched']:.3f} of {leg['legacy']}" if leg["legacy"] else ""
        out.append(f"  {title}: right/wrong " + ", ".join(parts) + legacy)
    sp = res["speed"]
    out.append(f"nomenclature speed: 10,000 names {sp['None']:.1f} s (no level), {sp['sub_kegiatan']:.1f} s (sub_kegiatan)")
    return out


if __name__ == "__main__":
    res = main()
    print("\n".join(["", *summary_lines(res)]))
