"""Several installed versions of the nomenclature: which one a document is matched against.

`VersionedMatcher({version: Matcher})` matches a document against the version its year says:
the installed version with the latest year in its name that is not after the document's year
(`kabkota-2023` for a Renja 2025, `pemutakhiran-2027` for 2027 and later); a document older than
every version, or without a year, gets the oldest / the newest. A version without the document's
pemda list (the 2023 list is kab/kota only) is passed over for the next one by the same rule.
A row printing a code that the chosen version does not have but another installed version has
is matched there, and its `nomenclature_version` says which. Everything else is `Matcher`'s.

It knows nothing of files: `pipelines/matching.py` builds it from the installed versions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Sequence

from nomenclature._codes import kegiatan_digit, normalize_code
from nomenclature.matcher import Match, Matcher

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def year_of(version: str) -> int | None:
    """The latest year named in a version (`pemutakhiran-2027` -> 2027), None without one."""
    years = [int(y) for y in _YEAR.findall(version)]
    return max(years) if years else None


def choose(versions: Sequence[str], year: int | None) -> list[str]:
    """`versions` in the order they are tried for a document of `year`: the latest not after the
    year first, then the older ones (newest first), then the later ones (oldest first). Without a
    year: newest first. Versions without a year in their name come last."""
    dated = sorted((v for v in versions if year_of(v) is not None), key=year_of)
    undated = [v for v in versions if year_of(v) is None]
    if year is None:
        return [*reversed(dated), *undated]
    before = [v for v in dated if year_of(v) <= year]
    after = [v for v in dated if year_of(v) > year]
    if not before:
        return [*after, *undated]
    return [*reversed(before), *after, *undated]


class VersionedMatcher:
    """Matchers of several versions; `for_year(year)` gives the one to use for a document."""

    def __init__(self, matchers: dict[str, Matcher], year: int | None = None):
        if not matchers:
            raise ValueError("no nomenclature version to match against")
        self.matchers = matchers
        self.year = year
        self.order = choose(list(matchers), year)

    @property
    def reference(self):
        return self.matchers[self.order[0]].reference

    def for_year(self, year) -> "VersionedMatcher":
        try:
            year = int(year) if year is not None and str(year).strip() not in ("", "nan") else None
        except (TypeError, ValueError):
            year = None
        return VersionedMatcher(self.matchers, year)

    def match(self, name: str, level: str | None = None, code: str | None = None, parent_code: str | None = None) -> Match:
        return self.match_many([name], [level], [code], [parent_code])[0]

    def match_many(self, names, levels=None, codes=None, parent_codes=None, groups=None) -> list[Match]:
        pemda = _pemda_of(codes)
        order = [v for v in self.order if pemda in self.matchers[v].lists] or self.order
        first = self.matchers[order[0]]
        out = first.match_many(names, levels, codes, parent_codes, groups)
        if codes is None or len(order) == 1:
            return out
        # A printed code of another installed version: matched there, and says so.
        todo = [i for i, m in enumerate(out) if m.reason and "is not in " + first.reference.version in m.reason]
        for version in order[1:]:
            if not todo:
                break
            other = self.matchers[version]
            pick = lambda col: None if col is None else [list(col)[i] for i in todo]  # noqa: E731
            found = other.match_many(pick(names), pick(levels), pick(codes), pick(parent_codes),
                                     pick(groups) if groups is not None else None)
            rest = []
            for i, m in zip(todo, found):
                if m.match_method == "code":
                    out[i] = replace(m, reason="; ".join(filter(None, [
                        f"printed code not in {first.reference.version}, matched in {version}", m.reason])))
                else:
                    rest.append(i)
            todo = rest
        return out


def _pemda_of(codes) -> str:
    """The pemda list the printed codes follow (kegiatan digit 1: provinsi, 2: kab/kota), as `Matcher` decides it."""
    digits = Counter(kegiatan_digit(normalize_code(str(c)) or "") for c in (codes or ()) if c is not None and str(c).strip())
    return "provinsi" if digits.get("1", 0) > digits.get("2", 0) else "kabkota"


def document_version(matches: Sequence[Match], default: str) -> str:
    """The version most of a document's matched rows were matched against (`default` when none is)."""
    counts = Counter(m.nomenclature_version for m in matches if m.match_status == "matched")
    return counts.most_common(1)[0][0] if counts else default
