"""Benchmark of nomenclature matching: precision / recall per level, and speed.

Builds a labelled set from `../shared` (needs it; exits 0 with a message when it is missing):

* positives: rows of real documents that print a code next to the name (renstra seed T-C.27,
  Renstra 2021-2026 DPUPR Grobogan, Renja 2025 DPUPR-PERA Kaltim). The printed code, normalised,
  is the truth; only codes that exist in the reference are kept.
* negatives: Permendagri 13/2006 program and kegiatan names printed with their old codes
  (Padang Panjang Renja 2018/2019, Wonosobo Program Kegiatan 2017/2018): they must come out
  unmatched at their level.
* synthetic: official names with PDF-like damage (case, split/glued words, spelling variants,
  location suffixes), to see the normaliser's effect beyond the few real documents.

Rows are split by a hash of the comparable name into a calibration half and a held-out half;
thresholds are chosen on the first and reported on the second. Names are matched WITHOUT their
code (the code path would make the benchmark trivial), with level None (inferred from nothing)
and with the level of the printed code (what the extractor infers from the row's place).

    .venv/bin/python tests/benchmarks/nomenclature_bench.py [--scorers] [--speed]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CACHE = REPO / "build" / "nomenclature_bench"
sys.path.insert(0, str(REPO))

from normalize.codes import code_level, normalize_code  # noqa: E402
from nomenclature.matcher import Matcher, MatchSettings  # noqa: E402
from nomenclature.names import comparable  # noqa: E402
from nomenclature.reference import Reference, read_reference_file  # noqa: E402

# Rows whose printed code is a typo of the document (checked by hand against the regulation):
# the renstra seed prints kegiatan 7.01.03.2.02 over "Pemberdayaan Lembaga Kemasyarakatan Tingkat
# Kecamatan" (7.01.03.2.03) and carries the wrong kegiatan into its sub kegiatan.
PRINTED_CODE_WRONG = {
    ("seed-renstra", "7.01.03.2.02", "pemberdayaan lembaga kemasyarakatan tingkat kecamatan"): "7.01.03.2.03",
    ("seed-renstra", "7.01.03.2.02.0002", "peningkatan kapasitas lembaga kemasyarakatan"): "7.01.03.2.03.0002",
}
CODE = r"'?[0-9X][ .]?(?:\d\d|XX)[ .]\d\d(?:[ .]\d[ .]\d\d(?:[ .]\d\d(?: ?\d\d)?)?)?"


def pdf_text(name: str) -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / (name + ".txt")
    if not cached.exists():
        import pdfplumber

        with pdfplumber.open(SHARED / "realdocs" / name) as pdf:
            cached.write_text("\n".join((p.extract_text() or "") for p in pdf.pages))
    return cached.read_text()


def positives() -> list[dict]:
    rows = []
    # Renstra seed, Tabel T-C.27: tab-separated, code in column 3, name in column 4.
    for line in (SHARED / "seeds" / "renstra-2025-2026-kec-kanigaran.txt").read_text().splitlines():
        cells = line.split("\t")
        if len(cells) > 4 and re.fullmatch(CODE, cells[2].strip()) and cells[3].strip():
            rows.append({"source": "seed-renstra", "printed_code": cells[2].strip(), "name": cells[3].strip()})
    # Renstra DPUPR Grobogan, Bab VI: `Sub Kegiatan 1.03.10.2.01.01 Name` + continuation lines.
    lines = pdf_text("shlmita__pupr__RencanaStrategis.pdf").splitlines()
    head = re.compile(r"^(?:Program|Kegiatan|Sub Kegiatan) (" + CODE + r") (.+)$")
    stop = re.compile(r"^(?:Program|Kegiatan|Sub Kegiatan|Renstra |BAB |\d+$|Tabel )")
    for i, line in enumerate(lines):
        m = head.match(line)
        if not m:
            continue
        name = m.group(2)
        for nxt in lines[i + 1 : i + 4]:
            if stop.match(nxt) or re.search(r"\d{3}", nxt):
                break
            name += " " + nxt
        rows.append({"source": "grobogan-renstra", "printed_code": m.group(1), "name": name})
    # Renja DPUPR-PERA Kaltim (provinsi): `code name amount...`, name polluted by the indicator.
    for line in pdf_text("ririnylzz__Optimalisasi-SIBIKON__renja.pdf").splitlines():
        m = re.match(r"^(" + CODE + r") ([A-Za-z].*?) \d{1,3}(?:\.\d{3})+,\d\d", line)
        if m:
            rows.append({"source": "kaltim-renja", "printed_code": m.group(1), "name": m.group(2)})
    for r in rows:
        r["code"] = normalize_code(r["printed_code"])
        if (r["source"], r["code"], comparable(r["name"])) in PRINTED_CODE_WRONG:
            r["code"] = PRINTED_CODE_WRONG[(r["source"], r["code"], comparable(r["name"]))]
        r["level"] = code_level(r["code"]) if r["code"] else None
    return [r for r in rows if r["code"] and r["level"] in ("program", "kegiatan", "sub_kegiatan")]


def negatives() -> list[dict]:
    rows = []
    old = re.compile(r"^(\d) ?(\d\d) (\d\d) (\d\d)( \d\d)? ([A-Za-z][A-Za-z ,/&()\-]+?)(?= \d| Output| Outcome| Kel\.| Jumlah| Terlaksana| Tersedia| Terbayar|$)")
    for name in ("frisdiandi__portalpp__5f339c19ec3d9_renja_bkpsdm.pdf", "frisdiandi__portalpp__5f339b5162e51_renja_bkpsdm-2018.pdf",
                 "frisdiandi__portalpp__5f3398c1e91b9_renja-2019.pdf", "vandewa__diskominfo__20180830101856_Program_Kegiatan_2017.pdf",
                 "vandewa__diskominfo__20180830103056_Program_Kegiatan_2018.pdf"):
        for line in pdf_text(name).splitlines():
            m = old.match(line)
            if m and len(m.group(6).split()) >= 3:
                level = "kegiatan" if m.group(5) else "program"
                rows.append({"source": "legacy-" + name.split("__")[0], "printed_code": " ".join(g for g in m.groups()[:5] if g),
                             "name": m.group(6).strip(), "code": None, "level": level})
    return rows


def synthetic(ref: Reference, n: int = 600, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    items = ref.items("kabkota")
    # Only names that say which code they are: duplicated official names (special-region copies,
    # the same sub kegiatan under two kegiatan) need the parent, which this set does not give.
    cmp = items["name"].map(comparable)
    items = items[~cmp.duplicated(keep=False)]
    picked = items.sample(n=min(n, len(items)), random_state=seed)
    out = []
    for r in picked.itertuples(index=False):
        name = r.name
        words = name.split()
        k = rnd.randrange(6)
        if k == 0:
            name = name.upper()
        elif k == 1 and len(words) > 2:  # a word split by the PDF
            j = max(range(len(words)), key=lambda j: len(words[j]))
            w = words[j]
            words[j] = w[: len(w) - 1] + " " + w[-1]
            name = " ".join(words)
        elif k == 2 and len(words) > 2:  # two words glued
            j = rnd.randrange(len(words) - 1)
            name = " ".join(words[:j] + [words[j] + words[j + 1]] + words[j + 2 :])
        elif k == 3:
            name = f"{name} (sub unit Kelurahan {rnd.choice(['Kanigaran', 'Sukoharjo', 'Kebonsari Kulon'])})"
        elif k == 4:
            name = name.replace("Perangkat Daerah", "SKPD").replace("Efektifitas", "Efektivitas").lower()
        else:
            name = "Kegiatan " + name if r.level == "kegiatan" else name + " Kelurahan Wonoasih"
        out.append({"source": "synthetic", "printed_code": "", "name": name, "code": r.code, "level": r.level})
    return out


def half(name: str) -> str:
    return "calibration" if int(hashlib.sha1(comparable(name).encode()).hexdigest(), 16) % 2 == 0 else "held_out"


def evaluate(matcher: Matcher, rows: pd.DataFrame, give_level: bool) -> pd.DataFrame:
    ms = matcher.match_many(rows["name"].tolist(), rows["level"].tolist() if give_level else None)
    got = rows.assign(
        got=[m.nomenclature_code for m in ms],
        status=[m.match_status for m in ms],
        score=[m.match_score for m in ms],
    )
    def norm(c):  # the supporting program may be printed with the SKPD's own bidang
        if not isinstance(c, str):
            return None
        p = c.split(".")
        return ".".join(["X", "XX"] + p[2:]) if len(p) >= 3 and p[2] == "01" else c
    got["right"] = [isinstance(g, str) and norm(g) == norm(t) for g, t in zip(got["got"], got["code"])]
    return got


def summary(got: pd.DataFrame) -> pd.DataFrame:
    out = []
    for level, g in got.groupby("level"):
        pos = g[g["code"].notna()]
        neg = g[g["code"].isna()]
        matched = pos[pos["status"] == "matched"]
        right = int(matched["right"].sum())
        out.append({
            "level": level, "positives": len(pos),
            "precision": right / len(matched) if len(matched) else float("nan"),
            "recall": right / len(pos) if len(pos) else float("nan"),
            "wrong": (len(matched) - right) / len(pos) if len(pos) else float("nan"),
            "ambiguous": float((pos["status"] == "ambiguous").mean()) if len(pos) else float("nan"),
            "negatives": len(neg),
            "neg_matched": float((neg["status"] == "matched").mean()) if len(neg) else float("nan"),
        })
    return pd.DataFrame(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scorers", action="store_true", help="compare scorers and thresholds on the calibration half")
    ap.add_argument("--speed", action="store_true", help="time 10,000 names against the full reference")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    if not (SHARED / "nomenclature" / "nomenclature.csv").exists():
        print(f"nomenclature bench skipped: {SHARED} is missing (it holds the reference and the real documents)")
        return 0
    table = read_reference_file(SHARED / "nomenclature" / "nomenclature.csv")
    ref = Reference("pemutakhiran-2027", table)
    keys = {(p, c) for p, c in zip(table["pemda"], table["code"])}
    pos = pd.DataFrame(positives())
    pos["pemda"] = ["provinsi" if c.split(".")[3:4] == ["1"] and not c.startswith("X") else "kabkota" for c in pos["code"]]
    def exists(r):
        c = r["code"]
        p = c.split(".")
        g = ".".join(["X", "XX"] + p[2:]) if len(p) >= 3 and p[2] == "01" else c
        return (r["pemda"], c) in keys or (r["pemda"], g) in keys
    pos = pos[pos.apply(exists, axis=1)]
    data = pd.concat([pos, pd.DataFrame(negatives()), pd.DataFrame(synthetic(ref))], ignore_index=True)
    data["half"] = data["name"].map(half)
    data["pemda"] = data["pemda"].fillna("kabkota")
    print(f"labelled rows: {len(data)} ({data.groupby('source').size().to_dict()})")

    if args.scorers:
        cal = data[data["half"] == "calibration"]
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio, fuzz.WRatio, fuzz.QRatio, fuzz.partial_token_sort_ratio):
            for thr in (80, 85, 88, 90, 92):
                for margin in (0, 3):
                    res = []
                    for pemda, part in cal.groupby("pemda"):
                        m = Matcher(ref, MatchSettings(scorer=scorer, threshold=thr, margin=margin), pemda=pemda)
                        res.append(evaluate(m, part, give_level=True))
                    got = pd.concat(res)
                    p = got[got["code"].notna()]
                    n = got[got["code"].isna()]
                    mt = p[p["status"] == "matched"]
                    print(f"{scorer.__name__:26} thr={thr} margin={margin}: right {mt['right'].sum() / len(p):.3f} "
                          f"wrong {(len(mt) - mt['right'].sum()) / len(p):.3f} neg_matched {(n['status'] == 'matched').mean():.3f}")

    for give_level in (True, False):
        res = []
        for pemda, part in data[data["half"] == "held_out"].groupby("pemda"):
            res.append(evaluate(Matcher(ref, pemda=pemda), part, give_level=give_level))
        got = pd.concat(res)
        print(f"\nheld-out half, level {'given by the printed code' if give_level else 'not given'}:")
        for source_kind, g in got.groupby(got["source"].eq("synthetic")):
            print(("synthetic" if source_kind else "real documents") + ":")
            print(summary(g).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        if args.show_errors:
            bad = got[((got["status"] == "matched") & ~got["right"] & got["code"].notna()) | ((got["status"] != "matched") & got["code"].notna())]
            print(bad[["source", "level", "code", "got", "status", "score", "name"]].to_string(max_colwidth=90))
            negm = got[got["code"].isna() & (got["status"] == "matched")]
            print(negm[["source", "level", "got", "score", "name"]].to_string(max_colwidth=90))

    # The yardstick: plain rapidfuzz WRatio best match at 90 on the raw names, told the level.
    ho = data[data["half"] == "held_out"]
    right = wrong = neg_matched = 0
    for (pemda, level), g in ho.groupby(["pemda", "level"]):
        cand = ref.items(pemda)
        cand = cand[cand["level"] == level]
        for name, code in zip(g["name"], g["code"]):
            best = process.extractOne(name, cand["name"].tolist(), scorer=fuzz.WRatio, score_cutoff=90)
            got = cand["code"].iloc[best[2]] if best else None
            if isinstance(code, str):
                right += got == code
                wrong += got is not None and got != code
            else:
                neg_matched += got is not None
    npos = int(ho["code"].notna().sum())
    print(f"\nbaseline WRatio@90 with the level, held-out: right {right / npos:.3f}, wrong {wrong / npos:.3f}, "
          f"legacy names matched {neg_matched / max(1, int(ho['code'].isna().sum())):.3f}")

    if args.speed:
        m = Matcher(ref)
        real = data["name"].tolist()
        names = [real[i % len(real)] + ("" if i < len(real) else f" Kelurahan K{i % 97}") for i in range(10_000)]
        for level in ("sub_kegiatan", None):
            t = time.perf_counter()
            m.match_many(names, [level] * len(names))
            print(f"10,000 names, level {level}: {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
