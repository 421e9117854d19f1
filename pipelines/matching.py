"""Join extracted rows to the nomenclature: the match columns of rows.parquet and the level they settle.

Rows of level program, kegiatan, sub_kegiatan or unknown with a name are matched (their printed
code first, then the name) in one `match_many` call per document, grouped by table (a name that
is both a Permendagri 13/2006 and a current name follows the other rows of its table). A code
printed at the start of the name cell (`Sub Kegiatan 1.03.02.2.01.65 Operasi ...`, often a
`label` row) is used as the printed code, and the rest as the name. A row whose level the
document did not show (`unknown`, or `label` with such a code) takes the level of its entry
when the match is `matched`, and says so in its flags (`level_from_nomenclature`).
With several versions installed, the document's year picks the version (nomenclature/versions.py).
"""

from __future__ import annotations

import functools

from nomenclature._codes import code_level, normalize_code
from nomenclature.matcher import Matcher
from nomenclature.names import code_in_cells
from nomenclature.reference import list_versions, load_reference
from nomenclature.versions import VersionedMatcher, document_version

ITEM_LEVELS = ("program", "kegiatan", "sub_kegiatan")
MATCH_FIELDS = ("nomenclature_code", "nomenclature_name", "nomenclature_version", "match_score", "match_method",
                "match_status", "lokasi_unit")


def builtin_only_note() -> str | None:
    """What to say when no nomenclature is installed but the small built-in list (most item rows then stay
    unmatched); None when a full list is installed."""
    versions = list_versions()
    if not versions["builtin"].all():
        return None
    return ("only the built-in nomenclature list is installed (the supporting programs X.XX.01 and urusan 7.01), "
            "so most program, kegiatan and sub kegiatan rows stay unmatched; install the full Kepmendagri "
            "050-3708 list with `sakip nomenclature import FILE` (see nomenclature/README.md)")


@functools.lru_cache(maxsize=2)
def default_matcher() -> Matcher | VersionedMatcher:
    """The installed nomenclature (SAKIP_NOMENCLATURE or the user data folder), else the built-in
    list. With several versions installed, a `VersionedMatcher`: each document is matched against
    the version of its year (see nomenclature/versions.py)."""
    installed = list_versions()
    installed = installed.loc[~installed["builtin"], "version"].tolist()
    if len(installed) < 2:
        return Matcher(load_reference())
    return VersionedMatcher({v: Matcher(load_reference(v)) for v in installed})


def _query(r: dict) -> tuple[str, str | None, str | None] | None:
    """(name, level, code) to match for a row, or None when the row is not an item row."""
    name = r["uraian"] or ""
    code = r["kode_raw"]
    level = r["level"]
    if not code and name:
        in_name, rest = code_in_cells(name, r.get("cells"))
        if in_name and code_level(normalize_code(in_name)) in ITEM_LEVELS:
            code, name = in_name, rest
            if level != code_level(normalize_code(in_name)):
                level = None  # the printed code says more than the row's look
        elif level == "label":
            return None
    if level not in ITEM_LEVELS + ("unknown", None, "label") or not (name or code):
        return None
    return name, (level if level in ITEM_LEVELS else None), code


def match_rows(rows: list[dict], matcher: Matcher | VersionedMatcher, year: int | None = None) -> str:
    """Add the match columns to `rows` (in place) and return the nomenclature version used (the one
    most matched rows were matched against). `year`: the document's, which picks the version when
    `matcher` holds several."""
    if isinstance(matcher, VersionedMatcher):
        matcher = matcher.for_year(year)
    version = matcher.reference.version
    for r in rows:
        r.update({f: None for f in MATCH_FIELDS})
    todo = [(r, q) for r in rows if (q := _query(r)) is not None]
    if not todo:
        return version
    found = matcher.match_many(
        [q[0] for _, q in todo],
        [q[1] for _, q in todo],
        [q[2] for _, q in todo],
        groups=[r.get("table_id") for r, _ in todo],
    )
    version = document_version(found, version)
    for (r, _), m in zip(todo, found):
        r.update(
            nomenclature_code=m.nomenclature_code, nomenclature_name=m.nomenclature_name,
            nomenclature_version=m.nomenclature_version, match_score=float(m.match_score),
            match_method=m.match_method, match_status=m.match_status, lokasi_unit=m.lokasi_unit,
        )
        if r["level"] in ("unknown", "label") and m.match_status == "matched" and m.level in ITEM_LEVELS:
            r["level"] = m.level
            r["flags"] = sorted(set(r["flags"]) | {"level_from_nomenclature"})
    return version
