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
* `indikator_pairs(rows, references)`: a second printed truth, for documents that print no code
  (the Tangerang Selatan evaluasi Renja 2023): a sub kegiatan row whose indikator (or kinerja)
  cell is, word for word, the official indikator or kinerja of exactly one sub kegiatan of the
  document's list. `structure_pairs(rows, labelled, reference)` then labels the kegiatan and
  program rows above such rows: the one parent their labelled sub kegiatan share. Neither uses
  the row's own name, which is what the matcher reads; both pass the same name check as a
  printed code (`label`).
* `split(names)`: calibration / held-out, deterministic by the hash of the comparable name, so
  the same name (repeated per kelurahan, per document) never sits in both halves.
* `outcomes(...)`, `summary(...)`: right / wrong / not matched per row and per level, with Wilson
  95 % intervals (`wilson`) over rows and over distinct names; `baseline`: plain rapidfuzz WRatio
  best match at 90, told the true level.

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
from nomenclature.names import code_in_cells, comparable, location_variants
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
            in_name, rest = code_in_cells(name, getattr(r, "cells", None))
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


def indikator_pairs(rows: pd.DataFrame, references: list[Reference], pemda: str | dict = "kabkota") -> pd.DataFrame:
    """Rows with a name whose indikator (or kinerja) cell is, after `comparable`, the official
    indikator or kinerja of exactly one sub kegiatan in `references` (all versions given, the
    document's pemda list: `pemda` is one list for all or a dict doc_id -> list). The columns of
    `printed_pairs`, `code` being that sub kegiatan, `printed_code` empty, `where='indikator'`.
    Rows of level program/kegiatan/indikator/label/total are left alone (their indikator is the
    program's or kegiatan's)."""
    targets: dict[str, dict[str, set]] = {}
    for ref in references:
        t = ref.table[ref.table["level"] == "sub_kegiatan"]
        for col in ("indikator", "kinerja"):
            if col not in t.columns:
                continue
            for p, c, text in zip(t["pemda"], t["code"], t[col]):
                if isinstance(text, str) and len(text.split()) >= 3:
                    targets.setdefault(p, {}).setdefault(comparable(text), set()).add(c)
    out = []
    for r in rows.itertuples(index=False):
        name = r.uraian if isinstance(r.uraian, str) else ""
        if not name.strip() or r.level not in ("sub_kegiatan", "unknown", None) or r.cells is None:
            continue
        list_ = targets.get(pemda.get(r.doc_id, "kabkota") if isinstance(pemda, dict) else pemda, {})
        own = comparable(name)
        found = None
        for cell in r.cells:
            key = comparable(cell) if isinstance(cell, str) else ""
            if key and key != own and len(list_.get(key, ())) == 1:
                found = next(iter(list_[key]))
                break
        if found:
            out.append({"doc_id": r.doc_id, "table_id": r.table_id, "row_no": r.row_no, "page": r.page,
                        "level": r.level, "printed_code": None, "code": found, "scheme": "current",
                        "name": name.strip(), "where": "indikator"})
    return pd.DataFrame(out, columns=["doc_id", "table_id", "row_no", "page", "level", "printed_code", "code",
                                      "scheme", "name", "where"])


def structure_pairs(rows: pd.DataFrame, labelled: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """Kegiatan and program rows (level as extracted) labelled by the rows under them: the one
    parent (kegiatan) / grandparent (program) in `reference` of the labelled sub kegiatan truths
    that follow the row in its table, up to the next row of its level or above. The columns of
    `label`'s output; `label_status` 'structure', or 'disagrees' when the row's name does not
    agree with that entry's (as for a printed code)."""
    t = reference.table
    parent = dict(zip(zip(t["pemda"], t["code"]), t["parent_code"]))
    official = dict(zip(zip(t["pemda"], t["code"]), zip(t["name"], t["level"])))
    truths = {(d, tb, rn): (tr, p) for d, tb, rn, tr, p in zip(labelled["doc_id"], labelled["table_id"], labelled["row_no"],
                                                                 labelled["truth"], labelled["pemda"])
              if isinstance(tr, str)}
    found: dict = {}
    open_rows: dict[str, tuple | None] = {"program": None, "kegiatan": None}
    last_table = None
    for r in rows.sort_values(["table_id", "row_no"]).itertuples(index=False):
        if r.table_id != last_table:
            open_rows = {"program": None, "kegiatan": None}
            last_table = r.table_id
        if r.level == "program":
            open_rows = {"program": r, "kegiatan": None}
            continue
        if r.level == "kegiatan":
            open_rows["kegiatan"] = r
            continue
        hit = truths.get((r.doc_id, r.table_id, r.row_no))
        if hit is None:
            continue
        code, pemda = hit
        keg = parent.get((pemda, code))
        prog = parent.get((pemda, keg))
        for lv, target in (("kegiatan", keg), ("program", prog)):
            row = open_rows[lv]
            if row is not None and target:
                found.setdefault((row.doc_id, row.table_id, row.row_no), (row, pemda, set()))[2].add(target)
    out = []
    for (_, _, _), (r, pemda, targets) in found.items():
        name = r.uraian if isinstance(r.uraian, str) else ""
        if len(targets) != 1 or not name.strip():
            continue
        code = next(iter(targets))
        off_name, level = official[(pemda, code)]
        agreement = _agreement(name, off_name)
        ok = agreement >= AGREEMENT
        out.append({"doc_id": r.doc_id, "table_id": r.table_id, "row_no": r.row_no, "page": r.page, "level": r.level,
                    "printed_code": None, "code": code, "scheme": "current", "name": name.strip(), "where": "structure",
                    "pemda": pemda, "truth": code if ok else None, "truth_level": level if ok else None,
                    "label_status": "structure" if ok else "disagrees", "agreement": agreement})
    return pd.DataFrame(out)


def labelled_set(rows: pd.DataFrame, documents: pd.DataFrame, reference: Reference, older: Reference | None = None,
                 successors: pd.DataFrame | None = None, since: int = 2021) -> pd.DataFrame:
    """The whole labelled set of extracted `rows` (a rows.parquet frame; `documents` its
    documents.parquet): printed codes (`printed_pairs`, `label`), then, in documents of year
    `since` or later that print no Permendagri 13/2006 code, the indikator truths
    (`indikator_pairs`) of rows not already labelled by a code, then the kegiatan/program rows
    above them (`structure_pairs`). Column `where` says which truth a row has ('kode', 'name':
    a printed code; 'indikator'; 'structure')."""
    printed = printed_pairs(rows)
    coded = label(printed, reference, older, successors)
    pemda = {d: pemda_of(g.loc[g["scheme"] == "current", "code"]) for d, g in printed.groupby("doc_id")}
    years = documents.set_index("doc_id")["tahun"]
    legacy_docs = set(printed.loc[printed["scheme"] == "13/2006", "doc_id"])
    recent = [d for d in rows["doc_id"].unique() if d not in legacy_docs and (years.get(d) or 0) >= since]
    candidates = rows[rows["doc_id"].isin(recent)]
    done = set(zip(coded["doc_id"], coded["table_id"], coded["row_no"])) if len(coded) else set()
    refs = [reference] + ([older] if older is not None else [])
    ind = indikator_pairs(candidates, refs, pemda)
    ind = ind[[k not in done for k in zip(ind["doc_id"], ind["table_id"], ind["row_no"])]]
    # Label the indikator pairs against the reference (successors of 2023-only codes), the document's pemda kept.
    by_ind = label(ind, reference, older, successors)
    if len(by_ind):
        by_ind["pemda"] = by_ind["doc_id"].map(lambda d: pemda.get(d, "kabkota"))
    parts = [coded, by_ind]
    truths = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else coded
    struct = structure_pairs(candidates, truths[truths["truth"].notna()], reference) if len(truths) else pd.DataFrame()
    if len(struct):
        struct = struct[[k not in done for k in zip(struct["doc_id"], struct["table_id"], struct["row_no"])]]
        parts.append(struct)
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    # The other item rows of these documents, unlabelled: the matcher reads a row with the rows
    # around it (the kegiatan above a sub kegiatan), so they are matched too, as in the run.
    docs = set(out.loc[out["truth"].notna() | (out["label_status"] == "legacy"), "doc_id"])
    keys = set(zip(out["doc_id"], out["table_id"], out["row_no"]))
    ctx = rows[rows["doc_id"].isin(docs) & rows["level"].isin([*ITEM_LEVELS, "unknown"])
               & rows["uraian"].fillna("").str.strip().ne("")]
    ctx = ctx[[k not in keys for k in zip(ctx["doc_id"], ctx["table_id"], ctx["row_no"])]]
    doc_pemda = out.groupby("doc_id")["pemda"].agg(lambda p: p.dropna().iloc[0] if p.notna().any() else "kabkota")
    context = pd.DataFrame({"doc_id": ctx["doc_id"], "table_id": ctx["table_id"], "row_no": ctx["row_no"],
                            "page": ctx["page"], "level": ctx["level"], "printed_code": ctx["kode_raw"],
                            "name": ctx["uraian"].str.strip(), "where": "context", "label_status": "context",
                            "pemda": ctx["doc_id"].map(doc_pemda)})
    out = pd.concat([out[out["doc_id"].isin(docs)], context], ignore_index=True)
    return out.sort_values(["doc_id", "table_id", "row_no"], kind="stable").reset_index(drop=True)


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
    * `indikator`: a pair of `indikator_pairs` (its code, or that code's successor) whose name agrees;
    * `other_name`: an indikator pair whose name is word for word another entry's name (the
      indikator belongs to another row);
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
    named: dict = {}  # (pemda, comparable name) -> codes of that name
    for p, c, n, parent in zip(t["pemda"], t["code"], t["name"], t["parent_code"]):
        kids.setdefault((p, generic_form(parent) or parent), []).append(c)
        cmp_name[(p, c)] = comparable(n)
        named.setdefault((p, cmp_name[(p, c)]), set()).add(c)
    succ = {}
    if successors is not None:
        s = successors[successors["status"] == "only_2023"]
        succ = {c: cands.split() for c, cands in zip(s["code"], s["candidates_2027"]) if isinstance(cands, str) and cands.strip()}
    rows = []
    doc_pemda = {d: pemda_of(g[(g["scheme"] == "current") & (g["where"] != "indikator")]["code"])
                 for d, g in pairs.groupby("doc_id")}
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
            other = named.get((pemda, comparable(r.name)), set()) - {here}
            if r.where == "indikator" and other and cmp_name[(pemda, here)] != comparable(r.name):
                # The name is word for word another entry's (the kegiatan above its first sub
                # kegiatan, printed with that sub kegiatan's indikator): the indikator is not this row's.
                rec["label_status"] = "other_name"
            elif agreement >= AGREEMENT:
                rec.update(truth=here, truth_level=level, label_status="indikator" if r.where == "indikator" else status)
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


def successors(table: pd.DataFrame) -> dict:
    """Older code -> its one successor, from the `kabkota_2023_vs_2027.csv` comparison (codes only in 2023 with one candidate)."""
    s = table[table["status"] == "only_2023"]
    return {c: cands.split()[0] for c, cands in zip(s["code"], s["candidates_2027"])
            if isinstance(cands, str) and len(cands.split()) == 1}


def split(names: pd.Series) -> pd.Series:
    """'calibration' or 'held_out' for each name: by the parity of the sha1 of its comparable form."""
    return names.map(lambda n: "calibration" if int(hashlib.sha1(comparable(n).encode()).hexdigest(), 16) % 2 == 0
                     else "held_out")


def _same(got, truth) -> bool:
    if not isinstance(got, str) or not isinstance(truth, str):
        return False
    return (generic_form(got) or got) == (generic_form(truth) or truth)


def outcomes(matcher_for: Callable[[str], Matcher], labelled: pd.DataFrame, level_from: str = "document",
             with_code: bool = False, years: dict | None = None, successor_of: dict | None = None) -> pd.DataFrame:
    """Match every row of `labelled` (names alone unless `with_code`), in document order, one
    `match_many` per document with the document's pemda and its tables as groups, as the run
    does; the `context` rows (unlabelled item rows of the same documents) are matched with them
    and get the outcome 'context'. `level_from`: 'document' (the level the extraction gave the row;
    none for unknown/label rows), 'none', or 'truth' (told the right level).
    `years` (doc_id -> year): the matcher is a `VersionedMatcher`, asked `for_year` per document;
    `successor_of` (older code -> its one successor, `successors`) then says which code of the
    truth's version a code of an older version stands for.
    Adds got, status, score, method, version, outcome (right / wrong / not_matched; for legacy
    rows matched / not_matched)."""
    parts = []
    if "row_no" in labelled.columns:
        labelled = labelled.sort_values(["doc_id", "table_id", "row_no"], kind="stable")
    for (doc, pemda), g in labelled.groupby(["doc_id", "pemda"], sort=False):
        if level_from == "document":
            levels = [lv if lv in ITEM_LEVELS else None for lv in g["level"]]
        elif level_from == "truth":
            levels = [lv if isinstance(lv, str) else (l2 if l2 in ITEM_LEVELS else None)
                      for lv, l2 in zip(g["truth_level"], g["level"])]
        else:
            levels = None
        matcher = matcher_for(pemda)
        if years is not None:
            matcher = matcher.for_year(years.get(doc))
        ms = matcher.match_many(g["name"].tolist(), levels, g["printed_code"].tolist() if with_code else None,
                                groups=g["table_id"].tolist())
        parts.append(g.assign(got=[m.nomenclature_code for m in ms], status=[m.match_status for m in ms],
                              score=[m.match_score for m in ms], method=[m.match_method for m in ms],
                              reason=[m.reason for m in ms], version=[m.nomenclature_version for m in ms]))
    got = (pd.concat(parts) if parts else
           labelled.assign(got=None, status=None, score=None, method=None, reason=None, version=None))
    def outcome(r):
        matched = r.status == "matched"
        if r.label_status == "context":
            return "context"
        if r.label_status == "legacy":
            return "matched" if matched else "not_matched"
        if not matched:
            return "not_matched"
        code = (successor_of or {}).get(r.got, r.got)
        return "right" if _same(code, r.truth) else "wrong"
    return got.assign(outcome=[outcome(r) for r in got.itertuples(index=False)])


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (95 % by default) of a proportion k/n; (nan, nan) for n = 0."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def summary(got: pd.DataFrame) -> pd.DataFrame:
    """Per truth level and for all: positives (rows) and distinct names; right (= recall), wrong and
    not matched shares of the rows, precision (right / matched), each with its Wilson 95 %
    interval (`*_lo`, `*_hi`); the same over distinct names (`names_right`, `names_wrong`: a name
    is right when all its rows are, wrong when one is); legacy rows (per printed level) and the
    share of them matched to a current code, with its interval."""
    out = []
    pos = got[got["truth"].notna()]
    neg = got[got["label_status"] == "legacy"]
    for level in (*ITEM_LEVELS, "all"):
        p = pos if level == "all" else pos[pos["truth_level"] == level]
        n = neg if level == "all" else neg[neg["level"] == level]
        right = int((p["outcome"] == "right").sum())
        wrong = int((p["outcome"] == "wrong").sum())
        by_name = p.assign(key=p["name"].map(comparable)).groupby("key")["outcome"]
        n_names = int(by_name.ngroups) if len(p) else 0
        names_wrong = int(by_name.apply(lambda o: (o == "wrong").any()).sum()) if len(p) else 0
        names_right = int(by_name.apply(lambda o: (o == "right").all()).sum()) if len(p) else 0
        legacy_matched = int((n["outcome"] == "matched").sum())
        rec = {"level": level, "positives": len(p), "names": n_names,
               "right": _share(right, len(p)), "wrong": _share(wrong, len(p)),
               "not_matched": _share(len(p) - right - wrong, len(p)), "precision": _share(right, right + wrong),
               "names_right": _share(names_right, n_names), "names_wrong": _share(names_wrong, n_names),
               "legacy": len(n), "legacy_matched": _share(legacy_matched, len(n))}
        for key, k, m in (("right", right, len(p)), ("wrong", wrong, len(p)), ("precision", right, right + wrong),
                          ("names_right", names_right, n_names), ("names_wrong", names_wrong, n_names),
                          ("legacy_matched", legacy_matched, len(n))):
            rec[f"{key}_lo"], rec[f"{key}_hi"] = wilson(k, m)
        out.append(rec)
    return pd.DataFrame(out)


def _share(k: int, n: int) -> float:
    return k / n if n else float("nan")


def baseline(reference: Reference, labelled: pd.DataFrame, threshold: float = 90.0) -> pd.DataFrame:
    """The issue's yardstick: rapidfuzz WRatio best match of the raw printed name among the
    official names of the true level (legacy rows: of their printed level), at `threshold`."""
    parts = []
    items = reference.items()
    labelled = labelled[labelled["truth"].notna() | (labelled["label_status"] == "legacy")]
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


# --- the labelled set as a small CSV (written by the bench, read by the quality tests) -----------

CSV_COLUMNS = ("file", "page", "table", "row_no", "level", "name", "printed_code", "where", "label_status", "truth",
               "truth_level", "pemda")


def to_csv_frame(labelled: pd.DataFrame, files: dict) -> pd.DataFrame:
    """The labelled set (positives, legacy and context rows) with the columns of `CSV_COLUMNS`: where
    each row comes from (file name, page, table number, row), what it prints, and its truth. No
    official names. `files`: doc_id -> file name."""
    out = labelled[labelled["truth"].notna() | labelled["label_status"].isin(["legacy", "context"])]
    out = out.assign(file=out["doc_id"].map(files), table=out["table_id"].str.rsplit("-", n=1).str[-1])
    return out[list(CSV_COLUMNS)]


def from_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`to_csv_frame`'s output read back (`pd.read_csv(path, dtype=str, keep_default_na=False)`) as
    `outcomes` wants it: doc_id = file, table_id = file + table, empty cells as None, half added."""
    f = frame.replace({"": None})
    f = f.assign(doc_id=f["file"], table_id=f["file"] + "-" + f["table"], row_no=f["row_no"].astype(int))
    return f.assign(half=split(f["name"]))

