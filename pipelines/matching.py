"""Join extracted rows to the nomenclature: the match columns of rows.parquet and the level they settle.

Rows of level program, kegiatan, sub_kegiatan or unknown with a name are matched (their printed
code first, then the name) in one `match_many` call per document. A row whose level the
document did not show (`unknown`) takes the level of its entry when the match is `matched`, and
says so in its flags (`level_from_nomenclature`).
"""

from __future__ import annotations

import functools

from nomenclature.matcher import Matcher
from nomenclature.reference import load_reference

ITEM_LEVELS = ("program", "kegiatan", "sub_kegiatan")
MATCH_FIELDS = ("nomenclature_code", "nomenclature_name", "nomenclature_version", "match_score", "match_method",
                "match_status", "lokasi_unit")


@functools.lru_cache(maxsize=2)
def default_matcher() -> Matcher:
    """The newest installed nomenclature (SAKIP_NOMENCLATURE or the user data folder), else the built-in list."""
    return Matcher(load_reference())


def match_rows(rows: list[dict], matcher: Matcher) -> str:
    """Add the match columns to `rows` (in place) and return the nomenclature version used."""
    version = matcher.reference.version
    todo = [r for r in rows if r["level"] in ITEM_LEVELS + ("unknown",) and (r["uraian"] or r["kode"])]
    for r in rows:
        r.update({f: None for f in MATCH_FIELDS})
    if not todo:
        return version
    found = matcher.match_many(
        [r["uraian"] or "" for r in todo],
        [r["level"] if r["level"] in ITEM_LEVELS else None for r in todo],
        [r["kode_raw"] for r in todo],
    )
    for r, m in zip(todo, found):
        r.update(
            nomenclature_code=m.nomenclature_code, nomenclature_name=m.nomenclature_name,
            nomenclature_version=m.nomenclature_version, match_score=float(m.match_score),
            match_method=m.match_method, match_status=m.match_status, lokasi_unit=m.lokasi_unit,
        )
        version = m.nomenclature_version
        if r["level"] == "unknown" and m.match_status == "matched" and m.level in ITEM_LEVELS:
            r["level"] = m.level
            r["flags"] = sorted(set(r["flags"]) | {"level_from_nomenclature"})
    return version
