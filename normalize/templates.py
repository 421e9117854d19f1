"""Template profiles: what each Permendagri 86/2017 table is called, how its header reads, and its canonical columns.

Knowledge about the documents lives here as data. A `Profile` says how to recognise a table
(title phrases, header words) and how to name each printed column (ordered regex rules over the
column's header path, top to bottom). Supporting a new template means adding a profile here and
a fixture for it, not a branch in the extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.model import LogicalTable

CODE_IN_CAPTION = re.compile(r"\bT\s*[-.]?\s*C\s*[.\-]?\s*(\d{2})\b", re.I)


@dataclass(frozen=True)
class ColumnRule:
    name: str
    pattern: str  # regex over the lower-cased header path of a physical column
    numeric: bool = False
    unit: str | None = None  # fixed unit of the values ('Rp', '%'); None = from the paired satuan column


@dataclass(frozen=True)
class Profile:
    code: str
    doc_type: str
    titles: tuple[str, ...]  # regexes over caption + title text
    header_all: tuple[str, ...]  # every one of these regexes must occur in the header text
    header_none: tuple[str, ...] = ()
    columns: tuple[ColumnRule, ...] = field(default_factory=tuple)
    numbering: tuple[str, ...] = ()  # canonical name of the regulation's column 1, 2, 3, ...
    uraian: tuple[str, ...] = ("uraian",)  # canonical columns holding the item name, first non-empty wins
    indikator: tuple[str, ...] = ("indikator",)


T_C_29 = Profile(
    code="T-C.29",
    doc_type="renja",
    titles=(r"rekapitulasi\s+evaluasi\s+hasil\s+pelaksanaan\s+renja", r"evaluasi\s+hasil\s+pelaksanaan\s+renja"),
    header_all=(r"realisasi", r"target", r"kode|urusan|program"),
    header_none=(r"rancangan\s+awal", r"prakiraan\s+maju"),
    columns=(
        ColumnRule("kode", r"^kode|^no\b"),
        ColumnRule("uraian", r"urusan|program\s*/?\s*kegiatan|uraian"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("tingkat_realisasi", r"tingkat\s+realisasi.*|8\s*=", numeric=True, unit="%"),
        ColumnRule("tingkat_capaian", r"tingkat\s+capaian|perkiraan.*tingkat|11\s*=", numeric=True, unit="%"),
        ColumnRule("realisasi_capaian", r"perkiraan\s+realisasi|realisasi\s+capaian|10\s*=", numeric=True),
        ColumnRule("target_renstra", r"target\s+kinerja\s+capaian|akhir\s+(periode\s+)?renstra|periode\s+akhir|renstra.*akhir", numeric=True),
        ColumnRule("realisasi_renstra", r"realisasi\s+target\s+kinerja|s\s*/\s*d|sampai\s+dengan", numeric=True),
        ColumnRule("target_berjalan", r"berjalan|target\s+program\s+dan\s+kegiatan|renja.*tahun\s+\d{4}\)?$", numeric=True),
        ColumnRule("target", r"tahun\s+lalu.*target|target\s*\(|/\s*target", numeric=True),
        ColumnRule("realisasi", r"tahun\s+lalu.*realisasi|realisasi\s*\(|/\s*realisasi", numeric=True),
        ColumnRule("penanggung_jawab", r"penanggung|unit\s+kerja|perangkat\s+daerah\s+penanggung"),
        ColumnRule("catatan", r"catatan|keterangan"),
    ),
    numbering=("kode", "uraian", "indikator", "target_renstra", "realisasi_renstra", "target", "realisasi",
               "tingkat_realisasi", "target_berjalan", "realisasi_capaian", "tingkat_capaian", "penanggung_jawab", "catatan"),
)

T_C_31 = Profile(
    code="T-C.31",
    doc_type="renja",
    titles=(r"review\s+terhadap\s+rancangan\s+awal\s+rkpd", r"reviu\s+terhadap\s+rancangan\s+awal", r"rancangan\s+awal\s+rkpd"),
    header_all=(r"rancangan\s+awal", r"analisis|kebutuhan"),
    columns=(
        ColumnRule("no", r"^no\b|^n\s*o$|^nomor"),
        ColumnRule("catatan", r"catatan|keterangan"),
        ColumnRule("rancangan_uraian", r"rancangan.*(program|kegiatan|uraian)"),
        ColumnRule("rancangan_lokasi", r"rancangan.*lokasi"),
        ColumnRule("rancangan_indikator", r"rancangan.*indikator"),
        ColumnRule("rancangan_target", r"rancangan.*(target|capaian)", numeric=True),
        ColumnRule("rancangan_pagu_indikatif", r"rancangan.*(pagu|dana|rp)", numeric=True, unit="Rp"),
        ColumnRule("analisis_uraian", r"(analisis|kebutuhan).*(program|kegiatan|uraian)"),
        ColumnRule("analisis_lokasi", r"(analisis|kebutuhan).*lokasi"),
        ColumnRule("analisis_indikator", r"(analisis|kebutuhan).*indikator"),
        ColumnRule("analisis_target", r"(analisis|kebutuhan).*(target|capaian)", numeric=True),
        ColumnRule("analisis_kebutuhan_dana", r"(analisis|kebutuhan).*(pagu|dana|rp)", numeric=True, unit="Rp"),
    ),
    numbering=("no", "rancangan_uraian", "rancangan_lokasi", "rancangan_indikator", "rancangan_target",
               "rancangan_pagu_indikatif", "analisis_uraian", "analisis_lokasi", "analisis_indikator", "analisis_target",
               "analisis_kebutuhan_dana", "catatan"),
    uraian=("rancangan_uraian", "analisis_uraian"),
    indikator=("rancangan_indikator", "analisis_indikator"),
)

T_C_33 = Profile(
    code="T-C.33",
    doc_type="renja",
    titles=(r"rumusan\s+rencana\s+program\s+dan\s+kegiatan", r"rencana\s+program\s+dan\s+kegiatan.*prakiraan\s+maju"),
    header_all=(r"prakiraan|maju", r"pagu|dana"),
    header_none=(r"rancangan\s+awal",),
    columns=(
        ColumnRule("kode", r"^kode|^no\b"),
        ColumnRule("uraian", r"urusan|program\s*/?\s*kegiatan|uraian"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("catatan", r"catatan|keterangan"),
        ColumnRule("target_maju", r"(prakiraan|maju).*(target|capaian)", numeric=True),
        ColumnRule("pagu_indikatif_maju", r"(prakiraan|maju).*(pagu|dana)", numeric=True, unit="Rp"),
        ColumnRule("lokasi", r"lokasi"),
        ColumnRule("target", r"target|capaian", numeric=True),
        ColumnRule("pagu_indikatif", r"pagu|kebutuhan\s+dana", numeric=True, unit="Rp"),
        ColumnRule("sumber_dana", r"sumber"),
    ),
    numbering=("kode", "uraian", "indikator", "lokasi", "target", "pagu_indikatif", "sumber_dana", "catatan",
               "target_maju", "pagu_indikatif_maju"),
)

PROFILES: dict[str, Profile] = {p.code: p for p in (T_C_29, T_C_31, T_C_33)}


@dataclass
class Identified:
    table_code: str
    profile: Profile | None
    evidence: str  # 'caption', 'title', 'header'


def _header_text(t: LogicalTable) -> str:
    return " ".join(h.text for h in t.header).lower()


def identify(t: LogicalTable) -> Identified:
    """Which template a table is: by its printed code, its title words, then its header signature."""
    cap = f"{t.caption}".lower()
    m = CODE_IN_CAPTION.search(cap)
    head = _header_text(t)
    if m:
        code = f"T-C.{m.group(1)}"
        prof = PROFILES.get(code)
        # a printed code is trusted unless the header plainly belongs to another template
        other = _by_header(head)
        if prof is not None and other is not None and other.code != code and not _header_fits(prof, head):
            return Identified(other.code, other, "header")
        return Identified(code, prof, "caption")
    for p in PROFILES.values():
        if any(re.search(rx, cap) for rx in p.titles) and (not head or _header_fits(p, head) or not _by_header(head)):
            return Identified(p.code, p, "title")
    p = _by_header(head)
    if p is not None:
        return Identified(p.code, p, "header")
    return Identified("other", None, "none")


def _header_fits(p: Profile, head: str) -> bool:
    return all(re.search(rx, head) for rx in p.header_all) and not any(re.search(rx, head) for rx in p.header_none)


def _by_header(head: str) -> Profile | None:
    fits = [p for p in PROFILES.values() if _header_fits(p, head)]
    return fits[0] if len(fits) == 1 else None


@dataclass
class Column:
    """A physical column of a table with its canonical name."""

    index: int
    name: str
    header: str
    number: str  # as printed in the column-number row
    numeric: bool
    unit: str | None
    tahun: int | None
    satuan_of: str | None = None  # for a satuan column: the value column it describes


YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def canonical_columns(t: LogicalTable, profile: Profile | None, numeric_share: list[float]) -> list[Column]:
    """Name every physical column: by the printed column number when the table numbers its columns in the
    regulation's order, else by the header text. A column under the same header cell as its left
    neighbour is that neighbour's satuan (when its cells are words) or another part of it (kode_2)."""
    rules = {r.name: r for r in profile.columns} if profile else {}
    by_number = _numbered(t, profile)
    cols: list[Column] = []
    used: set[str] = set()
    for i in range(t.n_cols):
        path = t.header_path(i)
        low = re.sub(r"\s+", " ", path.lower())
        number = t.column_numbers[i] if i < len(t.column_numbers) else ""
        years = YEAR.findall(path)
        tahun = int(years[-1]) if years else None
        prev = cols[-1] if cols else None
        same_cell = prev is not None and (
            (t.header_span(i) == t.header_span(prev.index) and t.header_span(i)[0] != t.header_span(i)[1])
            or (i in by_number and by_number.get(prev.index) == by_number[i])
        )
        if prev is not None and same_cell and prev.numeric and numeric_share[i] < 0.5:
            cols.append(Column(i, _satuan_name(prev.name), path, number, False, None, None, satuan_of=prev.name))
            continue
        rule = rules.get(by_number.get(i, ""))
        if rule is None:
            rule = next((r for r in rules.values() if r.name not in used and re.search(r.pattern, low)), None)
        if rule is not None and rule.name in used and same_cell and prev.satuan_of is None:
            base = prev.name.rsplit("_", 1)[0] if re.search(r"_\d+$", prev.name) else prev.name
            name = _unused(base, used)
            numeric, unit = prev.numeric, prev.unit
        elif rule is not None and rule.name not in used:
            name, numeric, unit = rule.name, rule.numeric, rule.unit
        else:
            name, numeric, unit = _unused(_slug(path) or f"col_{i + 1}", used), numeric_share[i] >= 0.5, None
        used.add(name)
        cols.append(Column(i, name, path, number, numeric, unit, tahun))
    _years_from_caption(t, cols)
    return cols


def _unused(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    k = 2
    while f"{base}_{k}" in used:
        k += 1
    return f"{base}_{k}"


def _numbered(t: LogicalTable, profile: Profile | None) -> dict[int, str]:
    """Column index → canonical name from the printed column numbers, when they follow the regulation's
    order (1, 2, 3 ... never going back: a table that prints 1 2 4 3 has moved columns and is named by header)."""
    if profile is None or not profile.numbering:
        return {}
    firsts = []
    for i, n in enumerate(t.column_numbers):
        ints = re.findall(r"\d+", n.split("=")[0]) if n else []
        firsts.append((i, int(ints[0]) if len(ints) == 1 else None))
    seq = [v for _, v in firsts if v is not None]
    if len(set(seq)) < 0.6 * len(profile.numbering) or seq != sorted(seq) or seq[0] > 3 or seq[-1] > len(profile.numbering):
        return {}
    return {i: profile.numbering[v - 1] for i, v in firsts if v is not None}


def _satuan_name(value: str) -> str:
    """target → satuan, target_maju → satuan_maju, rancangan_target → rancangan_satuan, realisasi → satuan_realisasi."""
    return value.replace("target", "satuan", 1) if "target" in value else f"satuan_{value}"


def _slug(text: str) -> str:
    last = text.split(" / ")[-1] if text else ""
    s = re.sub(r"[^a-z0-9]+", "_", last.lower()).strip("_")
    return s[:40]


def _years_from_caption(t: LogicalTable, cols: list[Column]) -> None:
    """T-C.33 captions name the plan year and the year after; use them where the header has no year."""
    years = [int(y) for y in YEAR.findall(t.caption)]
    if not years:
        return
    for c in cols:
        if c.numeric and c.tahun is None:
            c.tahun = years[-1] if c.name.endswith("_maju") else years[0]
