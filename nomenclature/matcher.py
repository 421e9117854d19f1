"""Match printed program / kegiatan / sub kegiatan rows to one version of the nomenclature.

`Matcher(reference).match(name, level=None, code=None, parent_code=None)` gives a `Match`;
`match_many` does the same for many rows at once (rapidfuzz `process.cdist` over the distinct
comparable names, one matrix per level). The decision, in order:

1. A printed code that exists in the reference (after normalising it, reading `7.01.01...` as the
   supporting program `X.XX.01...` and, failing that, the kegiatan digit 1 as 2 or 2 as 1) is
   used when the printed name agrees with the official one (`match_method='code'`). When the
   name disagrees strongly, the row is `ambiguous` and `reason` says why.
2. Otherwise the name: an identical comparable name is `exact`; else the best `fuzzy` candidate.
   Candidates are looked for among the children of `parent_code` first, then in the whole level.
   Unmatched below `settings.threshold` (programs: `settings.program_threshold`) unless the name
   is the beginning of exactly one official name, not a program (cut), or begins with one (the
   next cell run into it); ambiguous when the runner-up (another code) is within
   `settings.margin`, or when the name is also the beginning of another official name (cut?).
3. The batch's bidang settles a name shared by several bidang, and makes a lone match into a
   bidang foreign to a one-bidang document `ambiguous`.
4. The rows around a row, in order within its group (table), settle a kegiatan and its sub
   kegiatan of the same name and a name shared by several kegiatan (`_follow_the_rows_above`).
5. Last, Permendagri 13/2006 rows are set aside (`unmatched`, with the reason): a printed
   13/2006 code, a name closer to the legacy list than to any current name, a name of both lists
   or a near (fuzzy) name among legacy rows of its group (table).

Special-region kegiatan (digit 3-8: Papua, Aceh...) repeat general names under other codes; an
exact tie between a general and a special-region code goes to the general one.
The matcher never changes the reference; it knows a batch is one document, not about Parquet.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from normalize.codes import PERMENDAGRI_13_2006, code_scheme
from nomenclature._codes import generic_form, kegiatan_digit, normalize_code, with_kegiatan_digit
from nomenclature.names import Variant, Vocabulary, comparable, location_variants, strip_level_words
from nomenclature.reference import ITEM_LEVELS, Reference, load_legacy

MATCH_COLUMNS = (
    "nomenclature_code",
    "nomenclature_name",
    "nomenclature_version",
    "match_score",
    "match_method",
    "match_status",
)
_GENERAL_DIGITS = {"kabkota": "2", "provinsi": "1"}


@dataclass(frozen=True)
class MatchSettings:
    """Every tunable of the matcher, chosen on the labelled set (see tests/benchmarks)."""

    scorer: Callable = fuzz.token_sort_ratio
    threshold: float = 85.0  # best fuzzy score below this: unmatched
    # Programs are printed whole (every program row of the calibration half scores 100, damaged
    # official ones 95 or more), while the closest Permendagri 13/2006 programs score 78-89.
    program_threshold: float = 92.0
    margin: float = 3.0  # runner-up (another code) within this of the best: ambiguous
    code_agreement: float = 60.0  # printed name vs the code's official name, token_set_ratio
    top_n: int = 5  # candidates kept on each Match

    def __post_init__(self):
        if not all(0 <= t <= 100 for t in (self.threshold, self.program_threshold, self.code_agreement)):
            raise ValueError("threshold, program_threshold and code_agreement are scores between 0 and 100")
        if self.margin < 0 or self.top_n < 1:
            raise ValueError("margin must be >= 0 and top_n >= 1")


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    level: str
    score: float


@dataclass(frozen=True)
class Match:
    nomenclature_code: str | None
    nomenclature_name: str | None
    nomenclature_version: str
    match_score: float
    match_method: str | None  # 'code', 'exact', 'fuzzy'; None when unmatched
    match_status: str  # 'matched', 'ambiguous', 'unmatched'
    lokasi_unit: str | None = None
    level: str | None = None  # level of the matched entry
    reason: str | None = None
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in MATCH_COLUMNS} | {"lokasi_unit": self.lokasi_unit, "match_reason": self.reason}


def matches_frame(matches: Iterable[Match]) -> pd.DataFrame:
    """The match columns (plus lokasi_unit and match_reason) as a DataFrame, one row per match."""
    return pd.DataFrame([m.as_row() for m in matches], columns=[*MATCH_COLUMNS, "lokasi_unit", "match_reason"])


class _PemdaList:
    """Item rows of one pemda list, with the comparable names and the lookups the matcher needs."""

    def __init__(self, table: pd.DataFrame, pemda: str, vocab: Vocabulary):
        self.pemda = pemda
        t = table.reset_index(drop=True)
        self.codes = t["code"].to_numpy()
        self.names = t["name"].to_numpy()
        self.levels = t["level"].to_numpy()
        self.parents = t["parent_code"].to_numpy()
        self.cmp = [comparable(n) for n in self.names]
        self.row_of_code = {c: i for i, c in enumerate(self.codes)}
        self.cols_of_level = {lv: np.flatnonzero(self.levels == lv) for lv in ITEM_LEVELS}
        self.cols_of_level[None] = np.flatnonzero(np.isin(self.levels, ITEM_LEVELS))
        self.col_sets = {lv: set(cols.tolist()) for lv, cols in self.cols_of_level.items()}
        self.children: dict[str, np.ndarray] = {
            p: np.asarray(idx) for p, idx in pd.Series(range(len(t))).groupby(t["parent_code"]).groups.items()
        }
        self.exact: dict[str, list[int]] = {}
        for i, c in enumerate(self.cmp):
            self.exact.setdefault(c, []).append(i)
        general = _GENERAL_DIGITS[pemda]
        self.special = np.array([(kegiatan_digit(c) or general) not in ("1", "2") for c in self.codes])
        # Word prefixes (3 words or more) of every official name: a printed name cut at a line or
        # cell break (`Administrasi Barang Milik Daerah` for `... pada Perangkat Daerah`) is found
        # when it begins exactly one official name (and is 40 % of it or more).
        self.prefixes: dict[str, list[int]] = {}
        for i, c in enumerate(self.cmp):
            words = c.split()
            for k in range(3, len(words)):
                self.prefixes.setdefault(" ".join(words[:k]), []).append(i)


@dataclass
class _Row:
    name: str
    level: str | None
    code: str | None
    parent: str | None
    variants: list[Variant] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)


class Matcher:
    """`legacy`: names of the Permendagri 13/2006 nomenclature (default: our short list,
    `load_legacy()`; None: no check). A row whose name is closer to a legacy name than to any
    current one, or that prints a 13/2006 code, comes out `unmatched` with the reason."""

    def __init__(self, reference: Reference, settings: MatchSettings | None = None, pemda: str | None = None,
                 legacy: pd.DataFrame | None | str = "builtin"):
        self.reference = reference
        self.settings = settings or MatchSettings()
        items = reference.items()
        self.vocab = Vocabulary(comparable(n) for n in items["name"])
        legacy = load_legacy() if isinstance(legacy, str) else legacy
        self.legacy = legacy.reset_index(drop=True) if legacy is not None else legacy
        if self.legacy is not None:
            self.legacy_cmp = [comparable(n) for n in self.legacy["name"]]
            lv = self.legacy["level"].to_numpy()
            # 13/2006 had programs and kegiatan only: a sub kegiatan row is never a legacy name.
            self.legacy_cols = {"program": np.flatnonzero(lv == "program"), "kegiatan": np.flatnonzero(lv == "kegiatan"),
                                "sub_kegiatan": np.array([], dtype=int), None: np.arange(len(lv))}
        self.lists = {p: _PemdaList(items[items["pemda"] == p], p, self.vocab) for p in sorted(items["pemda"].unique())}
        if pemda is not None and pemda not in self.lists:
            raise ValueError(f"pemda {pemda!r} is not in reference {reference.version} (has {sorted(self.lists)})")
        self.pemda = pemda

    # --- public API --------------------------------------------------------------------------

    def with_settings(self, settings: MatchSettings) -> "Matcher":
        """The same matcher (reference, indexes, pemda) with other settings: cheap, for calibration."""
        other = copy.copy(self)
        other.settings = settings
        return other

    def match(self, name: str, level: str | None = None, code: str | None = None, parent_code: str | None = None) -> Match:
        return self.match_many([name], [level], [code], [parent_code])[0]

    def match_many(
        self,
        names: Sequence[str],
        levels: Sequence[str | None] | None = None,
        codes: Sequence[str | None] | None = None,
        parent_codes: Sequence[str | None] | None = None,
        groups: Sequence | None = None,
    ) -> list[Match]:
        """Match many rows of one document at once. `groups` (e.g. the table of each row) says
        which rows share an era: a name that is both a 13/2006 and a current name follows the
        other rows of its group (default: the whole batch is one group)."""
        n = len(names)
        levels = _column(levels, n, "levels")
        codes = _column(codes, n, "codes")
        parent_codes = _column(parent_codes, n, "parent_codes")
        for lv in set(levels) - {None}:
            if lv not in ITEM_LEVELS:
                raise ValueError(f"level {lv!r} is not one of {', '.join(ITEM_LEVELS)}")
        rows = [_Row(_text(nm), lv, normalize_code(c) if _text(c) else None, _text(p) or None)
                for nm, lv, c, p in zip(names, levels, codes, parent_codes)]
        raw_codes = [_text(c) for c in codes]
        pl = self.lists[self._pemda_for(rows)]
        for r in rows:
            r.variants = location_variants(r.name) if r.name else [Variant("", None, True)]
            r.queries = [strip_level_words(self.vocab.repair(comparable(v.name))) for v in r.variants]
        scores = self._score(pl, rows)
        out = []
        for i, r in enumerate(rows):
            by_name = self._by_name(pl, r, scores[i]) if r.name else None
            out.append(self._decide(pl, r, raw_codes[i], by_name))
        group_of = _column(groups, n, "groups") if groups is not None else [0] * n
        out = self._prefer_the_documents_bidang(pl, rows, out)
        out = self._follow_the_rows_above(pl, rows, out, group_of)
        if self.legacy is not None:  # last: a 13/2006 row is unmatched whatever settled it
            out = self._set_aside_legacy(rows, raw_codes, out, group_of)
        return out

    def candidates(self, name: str, level: str | None = None, n: int = 5) -> list[Candidate]:
        """The best `n` entries for a name regardless of thresholds (for `sakip match`)."""
        r = _Row(_text(name), level, None, None)
        r.variants = location_variants(r.name)
        r.queries = [strip_level_words(self.vocab.repair(comparable(v.name))) for v in r.variants]
        pl = self.lists[self._pemda_for([r])]
        s = self._score(pl, [r], skip_exact=False)[0]
        best: dict[str, Candidate] = {}
        for vi, row in enumerate(s):
            for j in np.argsort(-row)[: n * 2]:
                col = pl.cols_of_level[level][j]
                cand = Candidate(pl.codes[col], pl.names[col], pl.levels[col], float(row[j]))
                if cand.code not in best or best[cand.code].score < cand.score:
                    best[cand.code] = cand
        return sorted(best.values(), key=lambda c: -c.score)[:n]

    # --- internals ---------------------------------------------------------------------------

    def _legacy_best(self, rows: list[_Row]) -> list[tuple[float, int]]:
        """Per row: the best score against the legacy names its level allows, and which one."""
        queries = sorted({q for r in rows for q in r.queries if q})
        if not queries:
            return [(0.0, -1)] * len(rows)
        matrix = process.cdist(queries, self.legacy_cmp, scorer=self.settings.scorer, dtype=np.float32, workers=-1)
        pos = {q: k for k, q in enumerate(queries)}
        out = []
        for r in rows:
            allowed = self.legacy_cols[r.level]
            best = (0.0, -1)
            for q in r.queries:
                if q and len(allowed):
                    row = matrix[pos[q]][allowed]
                    j = int(row.argmax())
                    if float(row[j]) > best[0]:
                        best = (float(row[j]), int(allowed[j]))
            out.append(best)
        return out

    def _set_aside_legacy(self, rows: list[_Row], raw_codes: list[str], out: list[Match], groups: list) -> list[Match]:
        """Permendagri 13/2006 rows come out unmatched: a printed 13/2006 code; a name closer to a
        legacy name than to any current one; a name that is both (`Penyediaan Jasa Surat
        Menyurat`) when the other rows of its group are legacy; any row without a current code in
        a group that prints 13/2006 codes and no current one."""
        s = self.settings
        best = self._legacy_best(rows)
        kind = []  # per row: 'code' (current code used), 'legacy_code', 'legacy', 'tie', 'current', None
        for r, raw, m, (ls, _) in zip(rows, raw_codes, out, best):
            if m.match_method == "code" and m.match_status == "matched":
                kind.append("code")
            elif raw and code_scheme(raw) == PERMENDAGRI_13_2006:
                kind.append("legacy_code")
            elif ls >= s.threshold and ls > m.match_score + s.margin:
                kind.append("legacy")
            elif ls >= s.threshold and ls >= m.match_score - s.margin:
                kind.append("tie")
            elif m.match_status == "matched":
                kind.append("current")
            else:
                kind.append(None)
        votes: dict = {}
        for g, k in zip(groups, kind):
            v = votes.setdefault(g, Counter())
            v[k] += 1
        result = []
        for m, r, raw, k, g, (ls, li) in zip(out, rows, raw_codes, kind, groups, best):
            v = votes[g]
            legacy_era = v["legacy_code"] + v["legacy"] > v["code"] + v["current"]
            only_old_codes = v["legacy_code"] > 0 and v["code"] == 0
            if k == "legacy_code":
                reason = f"printed code {raw!r} is a Permendagri 13/2006 code"
            elif k == "legacy":
                reason = f"a Permendagri 13/2006 name: {self._legacy_label(li)} (score {ls:.1f})"
            elif k == "tie" and legacy_era:
                reason = (f"also a Permendagri 13/2006 name ({self._legacy_label(li)}), and the rows around it "
                          f"follow 13/2006")
            elif k != "code" and only_old_codes and m.match_status != "unmatched":
                reason = "the rows around it print Permendagri 13/2006 codes, none of the current nomenclature"
            elif k == "current" and legacy_era and m.match_method == "fuzzy":
                # A near name among 13/2006 rows (`Program Penelitian dan Pengembangan`, 88.5 to
                # 5.05.02 `... Pengembangan Daerah`) is an old program, not the current one.
                reason = f"a near name ({m.nomenclature_code}, score {m.match_score:g}) among rows that follow 13/2006"
            else:
                result.append(m)
                continue
            result.append(Match(None, None, m.nomenclature_version, m.match_score, None, "unmatched", m.lokasi_unit,
                                None, reason, m.candidates))
        return result

    def _legacy_label(self, i: int) -> str:
        return f"{self.legacy['code'].iloc[i]} {self.legacy['name'].iloc[i]!r}"

    def _prefer_the_documents_bidang(self, pl: _PemdaList, rows: list[_Row], out: list[Match]) -> list[Match]:
        """An official name shared by codes of several bidang (`Pembentukan dan Penumbuhan Karakter
        Keluarga...`: 7.01.03.2.06.0001 and 8.01.02.2.01.0006) goes to the bidang the document
        itself uses most (its printed codes and clear matches), when exactly one candidate is there."""
        votes = Counter()
        for r, m in zip(rows, out):
            for c in (r.code, m.nomenclature_code if m.match_status == "matched" else None):
                if c and not c.startswith("X") and c.count(".") >= 1:
                    votes[".".join(c.split(".")[:2])] += 1
        if not votes:
            return out
        total = sum(votes.values())
        ranked = votes.most_common(2)
        # A document mostly of one bidang (a Kecamatan's 7.01): a name matched alone into another
        # bidang (`Penatausahaan Barang Milik Daerah`, 5.02, cut from the supporting program's
        # `... pada SKPD`) is more likely a cut or a local name than that bidang's entry.
        dominant = total >= 10 and ranked[0][1] >= 0.6 * total
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return out
        bidang = ranked[0][0]
        result = []
        for m in out:
            code = m.nomenclature_code
            if (dominant and m.match_status == "matched" and m.match_method in ("exact", "fuzzy") and code
                    and not code.startswith("X") and votes[".".join(code.split(".")[:2])] < 0.1 * total):
                m = replace(m, match_status="ambiguous", reason=(
                    f"bidang {'.'.join(code.split('.')[:2])} is foreign to the document (mostly {bidang})"))
            if (m.match_status == "ambiguous" and m.match_method in ("exact", "fuzzy") and m.candidates
                    and not _unsettled(m)):
                top = m.candidates[0].score
                close = [c for c in m.candidates if c.score >= top - self.settings.margin]
                here = [c for c in close if c.code.startswith(bidang + ".")]
                if len(here) == 1 and len(close) > 1:
                    c = here[0]
                    m = replace(m, nomenclature_code=c.code, nomenclature_name=c.name, match_score=c.score,
                                match_status="matched", level=c.level,
                                reason=f"{m.reason}; {c.code} taken: the document's bidang is {bidang}")
            result.append(m)
        return result

    def _follow_the_rows_above(self, pl: _PemdaList, rows: list[_Row], out: list[Match], groups: list) -> list[Match]:
        """Settle a name shared by several entries with the rows around it, in the batch's order
        within its group (table). The nomenclature often has a kegiatan and its one sub kegiatan
        of the same name (`Fasilitasi Kerja Sama Daerah`, 4.01.02.2.04 and 4.01.02.2.04.0001),
        printed one under the other: the row just under that kegiatan is the sub kegiatan, the
        row just above a row of the same name is the kegiatan. Otherwise, among the candidates
        within the margin of the best, the one under the program / kegiatan last matched above
        is taken when it is the only one, or the one of the level a leading `Program` /
        `Kegiatan` / `Sub Kegiatan` word names. A kegiatan and its own sub kegiatan with nothing
        around to tell them apart stay ambiguous."""
        margin = self.settings.margin
        parent = lambda c: pl.parents[pl.row_of_code[c]] if c in pl.row_of_code else None  # noqa: E731
        following: list[str | None] = [None] * len(rows)
        last: dict = {}
        for i in range(len(rows) - 1, -1, -1):
            following[i] = last.get(groups[i])
            last[groups[i]] = rows[i].queries[0] if rows[i].queries else None
        state: dict = {}
        result = []
        for i, (r, m, g) in enumerate(zip(rows, out, groups)):
            prog, keg, prev = state.get(g, (None, None, None))
            if m.match_method in ("exact", "fuzzy") and m.candidates and not _unsettled(m):
                top = m.candidates[0].score if m.match_status == "ambiguous" else m.match_score
                close = [c for c in m.candidates if c.score >= top - margin]
                if m.match_status == "matched" and r.level is None and m.level == "kegiatan" and m.nomenclature_code == prev:
                    kids = [Candidate(pl.codes[j], pl.names[j], pl.levels[j], m.match_score)
                            for j in pl.children.get(prev, ()) if pl.cmp[j] == pl.cmp[pl.row_of_code[prev]]]
                    if len(kids) == 1:
                        m = self._settled(m, kids[0], f"the kegiatan {prev} is the row above: its sub kegiatan of the same name")
                elif m.match_status == "ambiguous" and len(close) > 1:
                    pairs = [(k, c) for k in close for c in close if k.level == "kegiatan" and parent(c.code) == k.code]
                    pick, why = [], ""
                    if keg and any(c.code == keg for c in close):
                        pick = [c for c in close if parent(c.code) == keg]
                        why = f"the kegiatan {keg} is above"
                    elif pairs and following[i] and following[i] in r.queries:
                        pick = list({k.code: k for k, _ in pairs}.values())
                        why = "the row below, of the same name, is its sub kegiatan"
                    elif not pairs:
                        pick = [c for c in close if (c.level == "sub_kegiatan" and keg and parent(c.code) == keg)
                                or (c.level == "kegiatan" and prog and parent(c.code) == prog)]
                        why = f"under {keg if pick and pick[0].level == 'sub_kegiatan' else prog} above"
                    said = _leading_level(r.name)
                    if len(pick) != 1 and said:
                        pick = [c for c in close if c.level == said]
                        why = f"the name says {said}"
                    if len(pick) == 1:
                        m = self._settled(m, pick[0], f"{m.reason}; {pick[0].code} taken: {why}")
            if m.match_status == "matched" and m.nomenclature_code in pl.row_of_code:
                code = m.nomenclature_code
                if m.level == "program":
                    prog, keg = code, None
                elif m.level == "kegiatan":
                    prog, keg = parent(code), code
                elif m.level == "sub_kegiatan":
                    keg = parent(code)
                    prog = parent(keg) if keg else prog
                prev = code
            state[g] = (prog, keg, prev)
            result.append(m)
        return result

    @staticmethod
    def _settled(m: Match, c: Candidate, reason: str) -> Match:
        return replace(m, nomenclature_code=c.code, nomenclature_name=c.name, match_score=c.score, match_status="matched",
                       level=c.level, reason=reason)

    def _pemda_for(self, rows: list[_Row]) -> str:
        if self.pemda:
            return self.pemda
        # A document's printed kegiatan codes say whose list it follows (digit 1 provinsi, 2 kab/kota).
        digits = Counter(kegiatan_digit(r.code) for r in rows if r.code)
        votes = {"provinsi": digits.get("1", 0), "kabkota": digits.get("2", 0)}
        if votes["provinsi"] > votes["kabkota"] and "provinsi" in self.lists:
            return "provinsi"
        return "kabkota" if "kabkota" in self.lists else next(iter(self.lists))

    def _score(self, pl: _PemdaList, rows: list[_Row], skip_exact: bool = True) -> list[list[np.ndarray]]:
        """Per row, per variant: scores against the columns of the row's level (cols_of_level)."""
        out: list[list[np.ndarray | None]] = [[None] * len(r.queries) for r in rows]
        by_level: dict[str | None, list[tuple[int, int]]] = {}
        for i, r in enumerate(rows):
            level_cols = pl.col_sets[r.level]
            if skip_exact and any(c in level_cols for q in r.queries for c in pl.exact.get(q, ())):
                # An identical official name scores 100: no fuzzy reading can beat it.
                out[i] = [np.zeros(len(pl.cols_of_level[r.level]), dtype=np.float32)] * len(r.queries)
                continue
            for v in range(len(r.queries)):
                by_level.setdefault(r.level, []).append((i, v))
        for level, slots in by_level.items():
            cols = pl.cols_of_level[level]
            choices = [pl.cmp[c] for c in cols]
            queries = sorted({rows[i].queries[v] for i, v in slots})
            pos = {q: k for k, q in enumerate(queries)}
            matrix = np.zeros((len(queries), len(cols)), dtype=np.float32)
            for start in range(0, len(queries), 2000):
                chunk = queries[start:start + 2000]
                matrix[start:start + len(chunk)] = process.cdist(
                    chunk, choices, scorer=self.settings.scorer, dtype=np.float32, workers=-1
                )
            for i, v in slots:
                out[i][v] = matrix[pos[rows[i].queries[v]]]
        return out

    def _by_name(self, pl: _PemdaList, r: _Row, scores: list[np.ndarray]) -> Match:
        """Best reading of the name, constrained by level and (first) by the parent."""
        s = self.settings
        cols = pl.cols_of_level[r.level]
        parent_cols = None
        if r.parent:
            parent = normalize_code(r.parent) or r.parent
            for p in (parent, generic_form(parent)):
                if p and p in pl.children:
                    kids = pl.children[p]
                    parent_cols = np.flatnonzero(np.isin(cols, kids))
                    break
        best: Match | None = None
        for vi, (variant, query) in enumerate(zip(r.variants, r.queries)):
            row_scores = scores[vi]
            m = None
            if parent_cols is not None and len(parent_cols):
                m = self._decide_among(pl, query, row_scores, cols, parent_cols, variant, r.level)
                if m.match_status != "matched":
                    m = None
            if m is None:
                m = self._decide_among(pl, query, row_scores, cols, np.arange(len(cols)), variant, r.level)
            if best is None or _rank(m) > _rank(best):
                best = m
        return best

    def _decide_among(self, pl, query, row_scores, cols, subset, variant: Variant, level) -> Match:
        s = self.settings
        version = self.reference.version
        if not query:
            return Match(None, None, version, 0.0, None, "unmatched", variant.lokasi_unit, reason="empty name")
        in_subset = pl.col_sets[level] if len(subset) == len(cols) else set(cols[subset].tolist())
        exact = [c for c in pl.exact.get(query, []) if c in in_subset]
        if exact:
            if len(exact) > 1:
                general = [c for c in exact if not pl.special[c]]
                exact = general or exact
            cands = tuple(Candidate(pl.codes[c], pl.names[c], pl.levels[c], 100.0) for c in exact[: s.top_n])
            if len(exact) == 1:
                c = exact[0]
                return Match(pl.codes[c], pl.names[c], version, 100.0, "exact", "matched", variant.lokasi_unit,
                             pl.levels[c], None, cands)
            c = exact[0]
            return Match(pl.codes[c], pl.names[c], version, 100.0, "exact", "ambiguous", variant.lokasi_unit,
                         pl.levels[c], f"the official name is shared by {len(exact)} codes: "
                         + ", ".join(pl.codes[x] for x in exact), cands)
        sub_scores = row_scores[subset]
        k = min(len(subset), s.top_n * 3)
        if k == 0:
            return Match(None, None, version, 0.0, None, "unmatched", variant.lokasi_unit, reason="no candidates")
        top = np.argpartition(-sub_scores, k - 1)[:k]
        top = top[np.argsort(-sub_scores[top], kind="stable")]
        ref_cols = cols[subset[top]]
        top_scores = sub_scores[top]
        # Special-region duplicates of a general entry (same comparable name) are not rivals.
        seen_names: dict[str, int] = {}
        keep = []
        for j, c in enumerate(ref_cols):
            key = pl.cmp[c]
            if key in seen_names:
                prev = seen_names[key]
                if pl.special[ref_cols[prev]] and not pl.special[c]:
                    keep[keep.index(prev)] = j
                    seen_names[key] = j
                continue
            seen_names[key] = j
            keep.append(j)
        cands = tuple(Candidate(pl.codes[ref_cols[j]], pl.names[ref_cols[j]], pl.levels[ref_cols[j]],
                                round(float(top_scores[j]), 1)) for j in keep[: s.top_n])
        b = cands[0]
        limit = s.program_threshold if b.level == "program" else s.threshold
        if b.score < limit:
            cut = self._cut_name(pl, query, in_subset, version, variant)
            if cut is not None:
                return replace(cut, candidates=(cut.candidates + tuple(c for c in cands if c.code != cut.nomenclature_code))[: s.top_n])
            return Match(None, None, version, b.score, None, "unmatched", variant.lokasi_unit, None,
                         f"best candidate {b.code} scores {b.score:g} < {limit:g}", cands)
        best_special = bool(pl.special[pl.row_of_code[b.code]])
        longer = [c for c in pl.prefixes.get(query, ()) if c in in_subset and pl.codes[c] != b.code
                  and (best_special or not pl.special[c])]  # a special-region name does not rival a general one
        if longer:
            # The name is the beginning of another official name: cut at a line or page break, it
            # is as likely that one (official names cut after 50-80 % of their words: without this
            # rule, 159 of the 560 matched at 85 or more were wrong).
            c = longer[0]
            return Match(b.code, b.name, version, b.score, "fuzzy", "ambiguous", variant.lokasi_unit, b.level,
                         f"the printed name is also the beginning of {pl.codes[c]} {pl.names[c]!r} (cut?)", cands)
        if len(cands) > 1 and cands[1].score >= b.score - s.margin:
            return Match(b.code, b.name, version, b.score, "fuzzy", "ambiguous", variant.lokasi_unit, b.level,
                         f"{cands[1].code} scores {cands[1].score:g}, within {s.margin:g} of {b.code}", cands)
        return Match(b.code, b.name, version, b.score, "fuzzy", "matched", variant.lokasi_unit, b.level, None, cands)

    def _cut_name(self, pl: _PemdaList, query: str, in_subset: set, version: str, variant: Variant) -> Match | None:
        """The one official name (of the allowed entries) that `query` is the beginning of; else
        the longest official name (5 words or more, half the printed words or more) that `query`
        begins with: a name followed by the text of the next cell (`... Kendaraan Dinas Jabatan
        Tersedianya Jasa Pemeliharaan ...`)."""
        found = [c for c in pl.prefixes.get(query, ()) if c in in_subset]
        found = [c for c in found if not pl.special[c]] or found
        if len(found) == 1 and len(query.split()) * 5 < len(pl.cmp[found[0]].split()) * 2:
            found = []  # under 40 % of the name: too little of it to tell
        how = "the printed name is the beginning of the official name (cut)"
        if not found:
            words = query.split()
            for k in range(len(words) - 1, max(4, (len(words) + 1) // 2 - 1), -1):
                found = [c for c in pl.exact.get(" ".join(words[:k]), ()) if c in in_subset]
                if found:
                    how = "the printed name begins with the official name (text of another cell after it)"
                    break
        general = [c for c in found if not pl.special[c]]
        found = general or found
        # Programs are printed whole: a program name missing words is another (13/2006, local) program.
        if len({pl.cmp[c] for c in found}) != 1 or len(found) != 1 or pl.levels[found[0]] == "program":
            return None
        c = found[0]
        score = round(float(self.settings.scorer(query, pl.cmp[c])), 1)
        cand = Candidate(pl.codes[c], pl.names[c], pl.levels[c], score)
        return Match(cand.code, cand.name, version, score, "fuzzy", "matched", variant.lokasi_unit, cand.level,
                     how, (cand,))

    def _decide(self, pl: _PemdaList, r: _Row, raw_code: str, by_name: Match | None) -> Match:
        version = self.reference.version
        if raw_code and r.code is None:
            return _with_reason(by_name, f"printed code {raw_code!r} is not a code of this nomenclature", version)
        if r.code is None:
            return by_name or Match(None, None, version, 0.0, None, "unmatched", reason="no name and no code")
        found, how = self._lookup_code(pl, r.code)
        if found is None:
            if by_name is None:
                return Match(None, None, version, 0.0, None, "unmatched",
                             reason=f"printed code {r.code} is not in {version}")
            return _with_reason(by_name, f"printed code {r.code} is not in {version}", version)
        entry = Candidate(pl.codes[found], pl.names[found], pl.levels[found], 100.0)
        if by_name is None:  # a code alone
            return Match(entry.code, entry.name, version, 100.0, "code", "matched", None, entry.level, how, (entry,))
        lokasi = by_name.lokasi_unit
        agreement = max(fuzz.token_set_ratio(q, pl.cmp[found]) for q in r.queries)
        same = by_name.nomenclature_code == entry.code
        code_score = max(float(self.settings.scorer(q, pl.cmp[found])) for q in r.queries)
        # A printed name whose words all belong to the code's official name (a cut name,
        # `Penatausahaan Barang Milik Daerah` for `... pada SKPD`) agrees with the code, even
        # when it is, word for word, another entry's name.
        cut = any(set(q.split()) <= set(pl.cmp[found].split()) and len(q.split()) >= 3 for q in r.queries)
        name_elsewhere = (not same and not cut and by_name.match_status == "matched"
                          and code_score < by_name.match_score - self.settings.margin)
        if same or (agreement >= self.settings.code_agreement and not name_elsewhere):
            score = round(max(agreement, by_name.match_score if same else 0.0), 1)
            return Match(entry.code, entry.name, version, score, "code", "matched", lokasi, entry.level, how,
                         (replace(entry, score=score),) + tuple(c for c in by_name.candidates if c.code != entry.code))
        # The name disagrees with the code: report it, trust neither blindly.
        if name_elsewhere:
            return replace(by_name, match_status="ambiguous", reason=(
                f"printed code {r.code} is {entry.code} {entry.name!r} (score {code_score:.1f}) but the name "
                f"matches {by_name.nomenclature_code} (score {by_name.match_score:g})"))
        return Match(entry.code, entry.name, version, round(float(agreement), 1), "code", "ambiguous", lokasi,
                     entry.level, f"printed name disagrees with code {entry.code} {entry.name!r} "
                     f"(agreement {agreement:g} < {self.settings.code_agreement:g})",
                     (replace(entry, score=round(float(agreement), 1)),) + by_name.candidates)

    def _lookup_code(self, pl: _PemdaList, code: str) -> tuple[int | None, str | None]:
        tries = [(code, None)]
        g = generic_form(code)
        if g:
            tries.append((g, f"{code} read as the supporting program {g}"))
        digit = kegiatan_digit(code)
        if digit in ("1", "2"):
            other = "2" if digit == "1" else "1"
            for c, _ in list(tries):
                swapped = with_kegiatan_digit(c, other)
                tries.append((swapped, f"{code} read as {swapped} (kegiatan digit {digit} is not in the {pl.pemda} list)"))
        for c, how in tries:
            if c in pl.row_of_code and pl.levels[pl.row_of_code[c]] in ITEM_LEVELS:
                return pl.row_of_code[c], how
        return None, None


_LEADING_LEVEL = re.compile(r"^\s*(sub\s*kegiatan|kegiatan|program)\b", re.IGNORECASE)


def _leading_level(name: str) -> str | None:
    """The level a printed name announces with its first word (`PROGRAM ...`, `Sub Kegiatan ...`)."""
    m = _LEADING_LEVEL.match(name or "")
    if not m:
        return None
    word = re.sub(r"\s+", "", m.group(1).lower())
    return {"subkegiatan": "sub_kegiatan", "kegiatan": "kegiatan", "program": "program"}[word]


def _unsettled(m: Match) -> bool:
    """Ambiguous for a reason the rows around cannot settle: a printed code against its name, a cut name."""
    return "but the name matches" in (m.reason or "") or "(cut?)" in (m.reason or "")


def _rank(m: Match) -> tuple:
    status = {"matched": 2, "ambiguous": 1, "unmatched": 0}[m.match_status]
    return (m.match_score, status)


def _with_reason(m: Match | None, reason: str, version: str) -> Match:
    if m is None:
        return Match(None, None, version, 0.0, None, "unmatched", reason=reason)
    return replace(m, reason=f"{reason}; {m.reason}" if m.reason else reason)


def _text(value) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _column(values, n: int, what: str) -> list:
    if values is None:
        return [None] * n
    values = list(values)
    if len(values) != n:
        raise ValueError(f"{what}: {len(values)} values for {n} names")
    return [None if _text(v) == "" else v for v in values]
