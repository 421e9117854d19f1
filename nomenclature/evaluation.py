"""Labelled sets built from extracted rows, and the matcher's quality on them.

Used by `tests/benchmarks/nomenclature_bench.py` and the quality tests; nothing here is needed to
match. The ground truth is what documents print: an item row whose code is printed next to its
name (in the code column, or in the name cell as `Sub Kegiatan 1.03.02.2.01.65 Operasi ...`).

* `printed_pairs(rows)`: such (code, name) pairs from a `rows.parquet` frame, with the level the
  extraction gave the row and the scheme of the code (current 050-5889 shape, or Permendagri
  13/2006 shape `1.20.06.01.01`).
* `label(pairs, reference, older=..., successors=...)`: the right code in `reference` for each
  current-shape pair: the printed code itself when the reference has it; a code only in an older
  version (`older`, e.g. the 2023 list) is followed to its successor (`successors`: the
  `kabkota_2023_vs_2027.csv` comparison). A printed code whose official name does not agree with
  the printed name is not taken as truth (`label_status` says why), nor are 13/2006 codes: their
  rows are the legacy negatives, which must not be matched to a current code.
* `split(names)`: calibration / held-out, deterministic by the hash of the comparable name, so
  the same name (repeated per kelurahan, per document) never sits in both halves.
* `outcomes(...)`, `summary(...)`: right / wrong / not matched per row and per level; `baseline`:
  plain rapidfuzz WRatio best match at 90, told the true level.

It reads no files: callers pass frames (the bench and the tests know where `../shared` is).
"""

from __future__ import annotations

import hashlib
from typing import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from normalize.codes import PERMENDAGRI_13_2006, code_scheme
from nomenclature._codes import generic_form, kegiatan_digit, level_of_shape, normalize_code, with_kegiatan_digit
from nomenclature.matcher import Matcher
from nomenclature.names import comparable, location_variants, split_code
from nomenclature.reference import ITEM_LEVELS, Reference

AGREEMENT = 80.0  # printed vs official name (token_sort_ratio, or one's words inside the other's) for a code to be truth


def printed_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    """Item rows that print a code next to their name: columns doc_id, table_id, row_no, page,
    level (as extracted), printed_code, code (normalised), scheme, name, where ('kode' or 'name')."""
    out = []
    for r in rows.itertuples(index=False):
        name = r.uraian if isinstance(r.uraian, str) else ""
        raw = r.kode_raw if isinstance(r.kode_raw, str) else ""
        where = "kode"
        if not raw and name:
            in_name, rest = split_code(name)
            if in_name:
                raw, name, where = in_name, rest, "name"
        code = normalize_code(raw) if raw else None
        if not code or not name.strip():
            continue
        scheme = "13/2006" if code_scheme(code) == PERMENDAGRI_13_2006 else ("current" if level_of_shape(code) in ITEM_LEVELS else None)
        if scheme is None:
            continue
        out.append({"doc_id": r.doc_id, "table_id": r.table_id, "row_no": r.row_no, "page": r.page,
                    "level": r.level, "printed_code": raw, "code": code, "scheme": scheme, "name": name.strip(),
                    "where": where})
    return pd.DataFrame(out, columns=["doc_id", "table_id", "row_no", "page", "level", "printed_code", "code",
                                      "scheme", "name", "where"])


def pemda_of(codes) -> str:
    """Whose list a document follows, by the kegiatan digit of its codes (1 provinsi, 2 kab/kota), as the matcher decides."""
    digits = [kegiatan_digit(c) for c in codes if c and not c.startswith("X")]
    return "provinsi" if digits.count("1") > digits.count("2") else "kabkota"


def label(pairs: pd.DataFrame, reference: Reference, older: Reference | None = None,
          successors: pd.DataFrame | None = None) -> pd.DataFrame:
    """`pairs` plus: pemda, truth (code in `reference`, or None), truth_level, label_status:

    * `current`: the printed code is in `reference` and its name agrees (`AGREEMENT`);
    * `successor`: the printed code is only in `older`, and its one successor in `reference`
      (by `successors`) has a name that agrees;
    * `renumbered`: a 2-digit sub kegiatan code of Permendagri 90/2019 not in `reference`, whose
      printed kegiatan has exactly one sub kegiatan of the same (comparable) name;
    * `legacy`: a Permendagri 13/2006 code: a negative (must not be matched);
    * `disagrees`, `not_in_reference`, `no_successor`: not usable as truth (left out of the numbers).
    """
    t = reference.table
    official = {(p, c): (n, lv) for p, c, n, lv in zip(t["pemda"], t["code"], t["name"], t["level"])}
    old = {}
    if older is not None:
        o = older.table
        old = {(p, c): n for p, c, n in zip(o["pemda"], o["code"], o["name"])}
    kids: dict = {}
    cmp_name = {}
    for p, c, n, parent in zip(t["pemda"], t["code"], t["name"], t["parent_code"]):
        kids.setdefault((p, generic_form(parent) or parent), []).append(c)
        cmp_name[(p, c)] = comparable(n)
    succ = {}
    if successors is not None:
        s = successors[successors["status"] == "only_2023"]
        succ = {c: cands.split() for c, cands in zip(s["code"], s["candidates_2027"]) if isinstance(cands, str) and cands.strip()}
    rows = []
    doc_pemda = {d: pemda_of(g[g["scheme"] == "current"]["code"]) for d, g in pairs.groupby("doc_id")}
    for r in pairs.itertuples(index=False):
        rec = r._asdict()
        rec.update(pemda=doc_pemda[r.doc_id], truth=None, truth_level=None, label_status=None, agreement=None)
        if r.scheme == "13/2006":
            rec["label_status"] = "legacy"
            rows.append(rec)
            continue
        pemda = rec["pemda"]
        forms = [c for c in (r.code, generic_form(r.code)) if c]
        # A kab/kota document printing the kegiatan digit 1 (`X XX 01 1.05`): the matcher reads it as 2.
        forms += [with_kegiatan_digit(c, "2") for c in forms if kegiatan_digit(c) == "1" and (pemda, c) not in official]
        here = next((c for c in forms if (pemda, c) in official), None)
        status = "current"
        if here is None:
            was = next((c for c in forms if (pemda, c) in old), None)
            if was is not None and len(succ.get(was, [])) == 1:
                here, status = succ[was][0], "successor"
            elif level_of_shape(r.code) == "sub_kegiatan":
                # Permendagri 90/2019 numbered sub kegiatan differently (2 digits, `...2.01.65`): the
                # same name under the printed kegiatan, if the reference has exactly one, is the code.
                parent = r.code.rsplit(".", 1)[0]
                same = [c for c in kids.get((pemda, generic_form(parent) or parent), ())
                        if cmp_name[(pemda, c)] == comparable(r.name)]
                if len(same) == 1:
                    here, status = same[0], "renumbered"
            if here is None:
                rec["label_status"] = "no_successor" if was is not None else "not_in_reference"
        if here is not None:
            name, level = official[(pemda, here)]
            agreement = _agreement(r.name, name)
            rec["agreement"] = agreement
            if agreement >= AGREEMENT:
                rec.update(truth=here, truth_level=level, label_status=status)
            else:
                rec["label_status"] = "disagrees"
        rows.append(rec)
    out = pd.DataFrame(rows)
    # A document that prints 13/2006 codes and no current one follows 13/2006 throughout: its
    # 3-part program codes (`1.06.01`) are legacy too, whatever the current list holds under them.
    if len(out):
        by_doc = out.groupby("doc_id")["label_status"]
        old_docs = {d for d, st in by_doc if (st == "legacy").any() and not st.isin(["current", "successor", "renumbered"]).any()}
        out.loc[out["doc_id"].isin(old_docs) & out["label_status"].isin(["disagrees", "not_in_reference"]), "label_status"] = "legacy"
    return out


def _agreement(printed: str, official: str) -> float:
    """How well a printed name fits the official name of its printed code: token_sort_ratio, or
    100 when one name's words (3 or more) all occur in the other (a name cut at a line or page
    break, or followed by text of the next cell)."""
    o = comparable(official)
    best = 0.0
    for v in location_variants(printed):
        p = comparable(v.name)
        a, b = set(p.split()), set(o.split())
        inside = min(len(a), len(b)) >= 3 and (a <= b or b <= a)
        best = max(best, 100.0 if inside else float(fuzz.token_sort_ratio(p, o)))
    return best


def split(names: pd.Series) -> pd.Series:
    """'calibration' or 'held_out' for each name: by the parity of the sha1 of its comparable form."""
    return names.map(lambda n: "calibration" if int(hashlib.sha1(comparable(n).encode()).hexdigest(), 16) % 2 == 0
                     else "held_out")


def _same(got, truth) -> bool:
    if not isinstance(got, str) or not isinstance(truth, str):
        return False
    return (generic_form(got) or got) == (generic_form(truth) or truth)


def outcomes(matcher_for: Callable[[str], Matcher], labelled: pd.DataFrame, level_from: str = "document",
             with_code: bool = False) -> pd.DataFrame:
    """Match every labelled row (names alone unless `with_code`), one `match_many` per document
    with the document's pemda and its tables as groups, as the run does. `level_from`: 'document' (the level the extraction gave the row;
    none for unknown/label rows), 'none', or 'truth' (told the right level).
    Adds got, status, score, method, outcome (right / wrong / not_matched; for legacy rows
    matched / not_matched)."""
    parts = []
    for (doc, pemda), g in labelled.groupby(["doc_id", "pemda"], sort=False):
        if level_from == "document":
            levels = [lv if lv in ITEM_LEVELS else None for lv in g["level"]]
        elif level_from == "truth":
            levels = [lv if isinstance(lv, str) else (l2 if l2 in ITEM_LEVELS else None)
                      for lv, l2 in zip(g["truth_level"], g["level"])]
        else:
            levels = None
        ms = matcher_for(pemda).match_many(g["name"].tolist(), levels, g["printed_code"].tolist() if with_code else None,
                                           groups=g["table_id"].tolist())
        parts.append(g.assign(got=[m.nomenclature_code for m in ms], status=[m.match_status for m in ms],
                              score=[m.match_score for m in ms], method=[m.match_method for m in ms],
                              reason=[m.reason for m in ms]))
    got = pd.concat(parts) if parts else labelled.assign(got=None, status=None, score=None, method=None, reason=None)
    def outcome(r):
        matched = r.status == "matched"
        if r.label_status == "legacy":
            return "matched" if matched else "not_matched"
        if not matched:
            return "not_matched"
        return "right" if _same(r.got, r.truth) else "wrong"
    return got.assign(outcome=[outcome(r) for r in got.itertuples(index=False)])


def summary(got: pd.DataFrame) -> pd.DataFrame:
    """Per truth level: positives, right / wrong / not matched shares, precision; legacy rows
    (per printed level) and the share of them matched to a current code."""
    out = []
    pos = got[got["truth"].notna()]
    neg = got[got["label_status"] == "legacy"]
    for level in ITEM_LEVELS:
        p = pos[pos["truth_level"] == level]
        n = neg[neg["level"] == level]
        right = int((p["outcome"] == "right").sum())
        wrong = int((p["outcome"] == "wrong").sum())
        out.append({"level": level, "positives": len(p), "right": _share(right, len(p)), "wrong": _share(wrong, len(p)),
                    "not_matched": _share(len(p) - right - wrong, len(p)), "precision": _share(right, right + wrong),
                    "legacy": len(n), "legacy_matched": _share(int((n["outcome"] == "matched").sum()), len(n))})
    right = int((pos["outcome"] == "right").sum())
    wrong = int((pos["outcome"] == "wrong").sum())
    out.append({"level": "all", "positives": len(pos), "right": _share(right, len(pos)), "wrong": _share(wrong, len(pos)),
                "not_matched": _share(len(pos) - right - wrong, len(pos)), "precision": _share(right, right + wrong),
                "legacy": len(neg), "legacy_matched": _share(int((neg["outcome"] == "matched").sum()), len(neg))})
    return pd.DataFrame(out)


def _share(k: int, n: int) -> float:
    return k / n if n else float("nan")


def baseline(reference: Reference, labelled: pd.DataFrame, threshold: float = 90.0) -> pd.DataFrame:
    """The issue's yardstick: rapidfuzz WRatio best match of the raw printed name among the
    official names of the true level (legacy rows: of their printed level), at `threshold`."""
    parts = []
    items = reference.items()
    for (pemda, level), g in labelled.assign(
            lv=labelled["truth_level"].where(labelled["truth_level"].notna(), labelled["level"])).groupby(["pemda", "lv"]):
        cand = items[(items["pemda"] == pemda) & (items["level"] == level)]
        if cand.empty:
            parts.append(g.assign(got=None, status="unmatched"))
            continue
        scores = process.cdist(g["name"].tolist(), cand["name"].tolist(), scorer=fuzz.WRatio, dtype=np.float32, workers=-1)
        best = scores.argmax(axis=1)
        ok = scores[np.arange(len(g)), best] >= threshold
        codes = cand["code"].to_numpy()[best]
        parts.append(g.assign(got=np.where(ok, codes, None), status=np.where(ok, "matched", "unmatched")))
    got = pd.concat(parts).drop(columns="lv")
    def outcome(r):
        if r.label_status == "legacy":
            return "matched" if r.status == "matched" else "not_matched"
        if r.status != "matched":
            return "not_matched"
        return "right" if _same(r.got, r.truth) else "wrong"
    return got.assign(outcome=[outcome(r) for r in got.itertuples(index=False)])
