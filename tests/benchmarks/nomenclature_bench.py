"""Benchmark of nomenclature matching: right / wrong per level on real documents, the scorer chosen
by measurement, the baseline, and the time for 10,000 names. Needs ../shared (says so and exits 0
without it). Called by `make bench` (tests/benchmarks/bench.py, section `nomenclature`) or alone:

    .venv/bin/python tests/benchmarks/nomenclature_bench.py              # extracts (cached), then measures
    .venv/bin/python tests/benchmarks/nomenclature_bench.py --rows DIR   # DIR/realdocs, DIR/corpus: outputs of sakip extract
    .venv/bin/python tests/benchmarks/nomenclature_bench.py --show-errors --no-scorers
    .venv/bin/python tests/benchmarks/nomenclature_bench.py --rows DIR --write-labelled   # tests/data/nomenclature_labelled.csv

1. The reference: `nomenclature.csv` (pemutakhiran 2027) and `nomenclature_kabkota_2023.csv`,
   installed with our importer into a temporary store; `kabkota_2023_vs_2027.csv` for successors.
2. The rows: `sakip extract` of the committed code (HEAD, unpacked in build/nomenclature_bench/src)
   on ../shared/realdocs and on the corpus PDFs of the three seeds (layout a), into
   build/nomenclature_bench/ (the run's own cache makes a re-run cheap while HEAD's extraction and
   nomenclature code stay the same; else 10-40 min on the shared 2 cores). The matcher measured
   is the checkout's, imported here.
3. The labelled set (`nomenclature.evaluation.labelled_set`), truths printed in the documents,
   never read from the row's name: a code of the current shape printed next to the name (its
   entry in 2027; a 2023-only code via its successor, a 90/2019 two-digit sub kegiatan code via
   the same name under the printed kegiatan); in documents of 2021 or later that print no code
   (the 24 Tangerang Selatan evaluasi Renja 2023), the indikator printed next to a sub kegiatan
   when it is word for word the official indikator (or kinerja) of exactly one sub kegiatan, and
   for the kegiatan / program rows above such rows the one parent they share. A truth whose
   official name does not agree with the printed one is left out (counted). Rows printing
   Permendagri 13/2006 codes are the legacy negatives; the other item rows of these documents are
   context: matched with them, in order, as in the run, not counted. Split by the hash of the
   comparable name: scorer and threshold are compared on the calibration half, numbers reported
   on the held-out half with Wilson 95 % intervals, over rows and over distinct names. A synthetic
   set (official names with PDF-like damage) adds scale to the scorer comparison; official names
   cut at a line break measure the cut-name rules.
4. Names are matched WITHOUT their printed code (else the benchmark is trivial), per document
   with the document's pemda, the level as the extraction gave it (none for unknown/label rows)
   or no level at all; then as in the run (code + name); and the baseline: plain rapidfuzz WRatio
   best match at 90 among the names of the TRUE level. Legacy rows are also matched one by one,
   without the table around them.
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
from nomenclature.reference import ITEM_LEVELS, Reference, import_reference, load_reference  # noqa: E402
from nomenclature.versions import VersionedMatcher  # noqa: E402

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


LABELLED_CSV = REPO / "tests" / "data" / "nomenclature_labelled.csv"


def fmt(table: pd.DataFrame) -> str:
    return table.to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="-")


def per_level(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as printed: rows, names, right (= recall) and wrong with their 95 % intervals, precision, legacy."""
    def ci(r, key):
        return f"{r[key]:.4f} [{r[key + '_lo']:.4f}, {r[key + '_hi']:.4f}]" if r["positives"] else "-"
    out = []
    for r in summary.to_dict("records"):
        out.append({"level": r["level"], "rows": r["positives"], "names": r["names"], "right (recall)": ci(r, "right"),
                    "wrong": ci(r, "wrong"), "precision": ci(r, "precision"),
                    "names right / wrong": f"{r['names_right']:.3f} / {r['names_wrong']:.3f}" if r["names"] else "-",
                    "legacy matched": (f"{r['legacy_matched']:.4f} of {r['legacy']} [<= {r['legacy_matched_hi']:.4f}]"
                                       if r["legacy"] else "-")})
    return pd.DataFrame(out)


def cut_names(ref: Reference, seed: int = 3) -> pd.DataFrame:
    """Official kab/kota names (5 words or more, names of one code) cut after 50-80 % of their words, as a
    page or line break cuts them; matched one by one, level given. Per rule and status: rows and right."""
    rnd = random.Random(seed)
    items = ref.items("kabkota")
    items = items[~items["name"].map(comparable).duplicated(keep=False) & (items["name"].str.split().str.len() >= 5)]
    m = Matcher(ref, pemda="kabkota")
    recs = []
    for r in items.itertuples(index=False):
        words = r.name.split()
        k = max(3, int(len(words) * rnd.choice([0.5, 0.6, 0.7, 0.8])))
        if k < len(words):
            got = m.match(" ".join(words[:k]), r.level)
            reason = got.reason or ""
            rule = ("cut rule (under the threshold)" if "(cut)" in reason else "also the beginning of another (cut?)"
                    if "(cut?)" in reason else "run-on rule" if "begins with" in reason else "fuzzy / exact")
            recs.append({"rule": rule, "status": got.match_status, "right": got.nomenclature_code == r.code})
    df = pd.DataFrame(recs)
    out = df.groupby(["rule", "status"])["right"].agg(rows="count", right="sum").reset_index()
    out["right_share"] = out["right"] / out["rows"]
    out["wrong_hi"] = [ev.wilson(int(n - k), int(n))[1] if st == "matched" else float("nan")
                       for n, k, st in zip(out["rows"], out["right"], out["status"])]
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=Path, help="use DIR/realdocs and DIR/corpus (outputs of sakip extract) instead of extracting")
    ap.add_argument("--show-errors", action="store_true", help="list every held-out row not matched right")
    ap.add_argument("--write-labelled", type=Path, nargs="?", const=LABELLED_CSV,
                    help=f"write the labelled set for the quality tests (default {LABELLED_CSV.relative_to(REPO)})")
    ap.add_argument("--no-scorers", action="store_true", help="skip the scorer comparison (about 2 minutes)")
    args = ap.parse_args(argv)
    if not (SHARED / "nomenclature" / "nomenclature.csv").exists() or not (SHARED / "realdocs").is_dir():
        print(f"nomenclature bench skipped: {SHARED} is missing (it holds the reference and the real documents)")
        return {"skipped": f"{SHARED} missing"}
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="sakip-nomenclature-") as tmp:
        ref, old, successors = install_references(Path(tmp))
    rows, docs, results["extraction"] = extract(args.rows)

    lab = ev.labelled_set(rows, docs, ref, old, successors)
    files = docs.set_index("doc_id")["source_path"].map(lambda p: Path(p).name)
    lab["file"] = lab["doc_id"].map(files)
    lab["half"] = ev.split(lab["name"])
    if args.write_labelled:
        args.write_labelled.parent.mkdir(parents=True, exist_ok=True)
        ev.to_csv_frame(lab, files.to_dict()).to_csv(args.write_labelled, index=False)
        print(f"wrote the labelled set to {args.write_labelled}")
    used = lab[lab["truth"].notna() | (lab["label_status"] == "legacy")]
    pos = used[used["truth"].notna()]
    print(f"\nlabelled rows from {used['doc_id'].nunique()} documents: " + ", ".join(
        f"{k} {v}" for k, v in lab["label_status"].value_counts().items()))
    print("truth from: " + ", ".join(f"{k} {v}" for k, v in pos["where"].map(
        {"kode": "printed code", "name": "printed code", "indikator": "indikator", "structure": "rows below"}).value_counts().items()))
    print("positives by document: " + ", ".join(f"{k} {v}" for k, v in pos["file"].value_counts().items()))
    print("legacy rows by document: " + ", ".join(f"{k} {v}" for k, v in used[used["truth"].isna()]["file"].value_counts().items()))
    counts = pd.crosstab(used["truth_level"].fillna("legacy:" + used["level"]), used["half"])
    print(counts.to_string())
    results["labelled"] = {"positives": int(len(pos)), "legacy": int(used["truth"].isna().sum()),
                           "documents": int(used["doc_id"].nunique()),
                           "held_out_positives": int((pos["half"] == "held_out").sum()),
                           "held_out_names": int(pos.loc[pos["half"] == "held_out", "name"].map(comparable).nunique()),
                           "label_status": {k: int(v) for k, v in lab["label_status"].value_counts().items()}}
    syn = synthetic(ref)
    syn["half"] = ev.split(syn["name"])

    base = {p: Matcher(ref, pemda=p) for p in ("kabkota", "provinsi")}

    def measured(mf, level_from="document", with_code=False, half="held_out"):
        got = ev.outcomes(mf, lab, level_from, with_code=with_code)
        return got[got["half"] == half]

    # Scorer and threshold, on the calibration half (real rows, legacy rows, synthetic damage).
    if not args.no_scorers:
        print("\nscorer comparison, calibration half, names alone, level as extracted (right / wrong of positives; "
              "legacy rows matched, in their tables and one by one; synthetic right / wrong):")
        comp = []
        cal_legacy = lab[(lab["label_status"] == "legacy") & (lab["half"] == "calibration")]
        settings = [MatchSettings(scorer=sc, threshold=thr) for sc in SCORERS for thr in THRESHOLDS]
        settings += [MatchSettings(margin=mg) for mg in (0, 5)]
        for st in settings:
            mf = {p: m.with_settings(st) for p, m in base.items()}.__getitem__
            s_real = ev.summary(measured(mf, half="calibration")).set_index("level").loc["all"]
            s_syn = ev.summary(ev.outcomes(mf, syn[syn["half"] == "calibration"])).set_index("level").loc["all"]
            alone = mf("kabkota").match_many(cal_legacy["name"].tolist(), [lv if lv in ITEM_LEVELS else None for lv in
                                                                          cal_legacy["level"]], groups=list(range(len(cal_legacy))))
            name = st.scorer.__name__ + ("" if st.margin == MatchSettings().margin else f", margin {st.margin:g}")
            comp.append({"scorer": name, "threshold": st.threshold, "right": s_real["right"], "wrong": s_real["wrong"],
                         "legacy_matched": s_real["legacy_matched"],
                         "legacy_alone": sum(m.match_status == "matched" for m in alone) / max(1, len(cal_legacy)),
                         "synthetic_right": s_syn["right"],
                         "synthetic_wrong": s_syn["wrong"]})
        comp = pd.DataFrame(comp)
        print(fmt(comp))
        results["scorers"] = comp.to_dict("records")
    chosen = MatchSettings()
    print(f"chosen (MatchSettings defaults): {chosen.scorer.__name__} at {chosen.threshold:g}, margin {chosen.margin:g}")

    # Held-out half: names matched without their printed code, in document order with the rows around them.
    mf = base.__getitem__
    held = lab[lab["half"] == "held_out"]
    runs = {
        "names alone, level as extracted": measured(mf, "document"),
        "names alone, no level": measured(mf, "none"),
        "as in the run (printed code + name)": measured(mf, "document", with_code=True),
        "baseline WRatio@90, told the true level": ev.baseline(ref, held),
    }
    # As in the run with both versions installed: each document's year picks its version (versions.py).
    versioned = VersionedMatcher({r.version: Matcher(r) for r in (ref, old)})
    years = {d: (int(y) if pd.notna(y) else None) for d, y in zip(docs["doc_id"], docs["tahun"])}
    got = ev.outcomes(lambda p: versioned, lab, "document", with_code=True, years=years,
                      successor_of=ev.successors(successors))
    runs["as in the run, both versions installed (the year picks)"] = got[got["half"] == "held_out"]
    results["versions_used"] = {k: int(v) for k, v in got.loc[got["truth"].notna(), "version"].value_counts().items()}
    results["held_out"] = {}
    for title, got in runs.items():
        s = ev.summary(got)
        print(f"\nheld-out half, {title}:\n{fmt(per_level(s))}")
        results["held_out"][title] = s.to_dict("records")
        if args.show_errors and not title.startswith("baseline"):
            bad = got[(got["truth"].notna() & (got["outcome"] != "right")) | (got["outcome"] == "matched")]
            if len(bad):
                print(bad[["file", "where", "level", "printed_code", "truth", "got", "status", "score", "name", "reason"]]
                      .to_string(max_colwidth=80))

    print("versions the positives were matched against, both installed: " + ", ".join(
        f"{k} {v}" for k, v in results["versions_used"].items()))

    # Legacy rows one by one (no table around them to say they are 13/2006): names alone.
    leg = lab[lab["label_status"] == "legacy"]
    ms = base["kabkota"].match_many(leg["name"].tolist(), [lv if lv in ITEM_LEVELS else None for lv in leg["level"]],
                                    groups=list(range(len(leg))))
    matched = pd.Series([m.match_status == "matched" for m in ms], index=leg.index)
    results["legacy_alone"] = {}
    for half in ("calibration", "held_out"):
        k, n = int(matched[leg["half"] == half].sum()), int((leg["half"] == half).sum())
        lo, hi = ev.wilson(k, n)
        results["legacy_alone"][half] = {"matched": k, "rows": n, "hi": hi}
        print(f"legacy rows matched one by one (no table around them), {half}: {k} of {n} [{lo:.4f}, {hi:.4f}]")

    sh = syn[syn["half"] == "held_out"]
    s = ev.summary(ev.outcomes(mf, sh, "document"))
    print(f"\nheld-out synthetic names ({len(sh)}), level given:\n{fmt(per_level(s))}")
    results["held_out"]["synthetic, level given"] = s.to_dict("records")

    cut = cut_names(ref)
    print(f"\nofficial names cut at a line / page break ({int(cut['rows'].sum())}), one by one, level given:\n{fmt(cut)}")
    results["cut_names"] = cut.to_dict("records")

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
    out = [f"nomenclature labelled set: {lab['positives']} rows with a printed truth (code, indikator, rows below), "
           f"{lab['legacy']} legacy (13/2006) rows, {lab['documents']} documents; held-out half "
           f"{lab['held_out_positives']} rows ({lab['held_out_names']} names):"]
    for title, rows in res["held_out"].items():
        per = {r["level"]: r for r in rows}
        parts = [f"{lv} {per[lv]['right']:.3f}/{per[lv]['wrong']:.3f} (n={per[lv]['positives']})"
                 for lv in ("program", "kegiatan", "sub_kegiatan") if per[lv]["positives"]]
        a = per["all"]
        legacy = f"; legacy matched {a['legacy_matched']:.3f} of {a['legacy']}" if a["legacy"] else ""
        out.append(f"  {title}: right/wrong " + ", ".join(parts)
                   + f"; all {a['right']:.4f} [{a['right_lo']:.4f}, {a['right_hi']:.4f}] / {a['wrong']:.4f} "
                   f"[<= {a['wrong_hi']:.4f}]" + legacy)
    sp = res["speed"]
    out.append(f"nomenclature speed: 10,000 names {sp['None']:.1f} s (no level), {sp['sub_kegiatan']:.1f} s (sub_kegiatan)")
    return out


if __name__ == "__main__":
    res = main()
    print("\n".join(["", *summary_lines(res)]))
