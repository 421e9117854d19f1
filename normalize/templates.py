"""Template profiles: what each Permendagri 86/2017 table is called, how its header reads, and its canonical columns.

Knowledge about the documents lives here as data. A `Profile` says how to recognise a table
(title phrases, header words) and how to name each printed column (ordered regex rules over the
column's header path, top to bottom). Supporting a new template means adding a profile here and
a fixture for it, not a branch in the extractor.

Renja T-C.29 to T-C.33, Renstra T-C.23 to T-C.28 (Permendagri 86/2017) and the LKjIP tables
(PermenPAN-RB 53/2014, no fixed numbering: codes of our own, `LKJIP-*`) have profiles; their
canonical columns are listed in docs/TEMPLATES.md. A column repeated once per year of a period
(`target_renstra_1` ... `_5`) carries the year it refers to: printed in the header, or from
`Tahun ke-n` and the plan period (`plan_period`).
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
    per_year: bool = False  # one column per year of a period: named name_1, name_2 ... (the n of `Tahun ke-n`)


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
    # What a row is: 'item' (program / kegiatan / sub kegiatan, level from code and looks), 'indikator'
    # (an indicator with its targets: T-C.23, T-C.25, LKjIP capaian ...), or 'columns' (the level is the
    # most specific of `level_columns` printed in the row: PROGRAM | KEGIATAN | SUB KEGIATAN).
    rows: str = "item"
    level_columns: tuple[tuple[str, str], ...] = ()  # (canonical column, level), most specific first
    # Columns printed once for a group of rows (vertical merges), filled down left to right: a column
    # is filled only when every column before it in this list was filled too (a new tujuan starts a group).
    fill_down: tuple[str, ...] = ()
    # Which years `Tahun ke-n` counts: 'plan' (the document's plan period), 'past' (a period evaluated,
    # known only from years printed in the caption or the text before it), '' (no year columns).
    period: str = ""
    # Fewer physical columns than this and the header alone does not make the table this template
    # (a 4-column 'Analisis Program/Kegiatan' has target, realisasi and program words but is no T-C.29).
    min_columns: int = 0
    # Ratios the table implies without printing a formula, checked by the audit: (ratio column, numerator,
    # base, kind) with ratio = numerator / base × 100; kind 'target' (lower may be better: an inverted
    # ratio is no error) or 'anggaran'. Per-year columns pair by their year suffix (rasio_2 with realisasi_2).
    ratios: tuple[tuple[str, str, str, str], ...] = ()
    quantities: bool = False  # cells may carry their unit ('2 unit', '12 laporan'): read with parse_quantity
    # The rules of the first Renja slice (T-C.29/31/33), kept as they were: the caption's plan year is the year
    # of a column without one; a row's total and level come from its item name only.
    legacy: bool = True


T_C_29 = Profile(
    code="T-C.29",
    min_columns=8,
    doc_type="renja",
    titles=(r"rekapitulasi\s+evaluasi\s+hasil\s+pel[ae]ksanaan\s+renja", r"evaluasi\s+hasil\s+pel[ae]ksanaan\s+renja"),
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
    min_columns=6,
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
        # a review printed with one half only (Permendagri 54/2010 era: Program dan Kegiatan, Sasaran,
        # Target, Plafon Anggaran) is the Rancangan Awal half
        ColumnRule("rancangan_uraian", r"program|kegiatan|uraian"),
        ColumnRule("rancangan_indikator", r"indikator|sasaran"),
        ColumnRule("rancangan_target", r"target|capaian", numeric=True),
        ColumnRule("rancangan_pagu_indikatif", r"pagu|plafon|anggaran|dana", numeric=True, unit="Rp"),
    ),
    numbering=("no", "rancangan_uraian", "rancangan_lokasi", "rancangan_indikator", "rancangan_target",
               "rancangan_pagu_indikatif", "analisis_uraian", "analisis_lokasi", "analisis_indikator", "analisis_target",
               "analisis_kebutuhan_dana", "catatan"),
    uraian=("rancangan_uraian", "analisis_uraian"),
    indikator=("rancangan_indikator", "analisis_indikator"),
)

T_C_33 = Profile(
    code="T-C.33",
    min_columns=7,
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
        # 'Prakiraan Maju' alone over one money column (Wonosobo Renja 2017 Tabel III.2)
        ColumnRule("pagu_indikatif_maju", r"(prakiraan|maju).*(pagu|dana)|^prakiraan\s+maju$", numeric=True, unit="Rp"),
        ColumnRule("lokasi", r"lokasi"),
        ColumnRule("target", r"target|capaian", numeric=True),
        ColumnRule("pagu_indikatif", r"pagu|kebutuhan\s+dana", numeric=True, unit="Rp"),
        ColumnRule("sumber_dana", r"sumber"),
    ),
    numbering=("kode", "uraian", "indikator", "lokasi", "target", "pagu_indikatif", "sumber_dana", "catatan",
               "target_maju", "pagu_indikatif_maju"),
)

# The last segment of a header path ("... / Tahun ke-1 / Rp. (000)" → "Rp. (000)") is written [^/]*$.
_LAST = r"[^/]*$"

T_C_30 = Profile(
    code="T-C.30",
    doc_type="renja",
    titles=(r"pencapaian\s*kinerja\s*pelayanan",),
    header_all=(r"indikator", r"realisasi", r"proyeksi|catatan\s+anal"),
    header_none=(r"rancangan\s+awal", r"prakiraan\s+maju", r"rasio", r"lainnya"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("target_spm", r"spm|nspk|standar\s+nasional", numeric=True),
        ColumnRule("target_ikk", r"\bi\s?k\s?k\b", numeric=True),
        ColumnRule("proyeksi", r"proyeksi", numeric=True, per_year=True),
        ColumnRule("realisasi", r"realisasi", numeric=True, per_year=True),
        # a bare "Target" (its sub-header SPM / IKK lost) is not a Renstra year
        ColumnRule("target_renstra", r"renstra|target.*(tahun|\b(19|20)\d\d\b)", numeric=True, per_year=True),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("catatan", r"catatan|analisa|analisis|keterangan"),
    ),
    uraian=("indikator",),
    rows="indikator",
    period="plan",
    quantities=True,
    legacy=False,
)

T_C_32 = Profile(
    code="T-C.32",
    doc_type="renja",
    titles=(r"usulan\s*program\s*(dan|/)\s*kegiatan\s*dari\s*(para\s*)?pemangku",),
    header_all=(r"lokasi", r"indikator", r"besaran|volume|kebutuhan|usulan"),
    header_none=(r"prakiraan|maju", r"rancangan\s+awal", r"realisasi", r"pagu\s+indikatif"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("uraian", r"program|kegiatan|uraian"),
        ColumnRule("lokasi", r"lokasi"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("kebutuhan_dana", r"kebutuhan|dana|pagu|\brp\b|anggaran", numeric=True, unit="Rp"),
        ColumnRule("volume", r"besaran|volume", numeric=True),
        ColumnRule("catatan", r"catatan|keterangan"),
    ),
    quantities=True,
    legacy=False,
)

# ------------------------------------------------------------------ Renstra (Permendagri 86/2017)

T_C_23 = Profile(
    code="T-C.23",
    ratios=(("rasio", "realisasi", "target_renstra", "target"),),
    doc_type="renstra",
    titles=(r"pencapaian\s*kinerja\s*pelayanan",),
    header_all=(r"indikator", r"realisasi", r"rasio"),
    header_none=(r"proyeksi", r"anggaran", r"rancangan\s+awal", r"prakiraan\s+maju"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("target_lainnya", r"lainnya", numeric=True),
        ColumnRule("target_spm", r"spm|nspk|standar\s+nasional", numeric=True),
        ColumnRule("target_ikk", r"\bi\s?k\s?k\b", numeric=True),
        ColumnRule("rasio", r"rasio", numeric=True, unit="%", per_year=True),
        ColumnRule("realisasi", r"realisasi", numeric=True, per_year=True),
        # a bare "Target" (its sub-header SPM / IKK lost) is not a Renstra year
        ColumnRule("target_renstra", r"renstra|target.*(tahun|\b(19|20)\d\d\b)", numeric=True, per_year=True),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("catatan", r"catatan|keterangan"),
    ),
    uraian=("indikator",),
    rows="indikator",
    period="past",
    quantities=True,
    legacy=False,
)

T_C_24 = Profile(
    code="T-C.24",
    ratios=(("rasio", "realisasi", "anggaran", "anggaran"),),
    doc_type="renstra",
    titles=(r"anggaran\s*dan\s*realisasi\s*pendanaan",),
    header_all=(r"anggaran", r"realisasi", r"rasio|pertumbuhan"),
    header_none=(r"indikator", r"rancangan\s+awal", r"prakiraan\s+maju"),
    columns=(
        ColumnRule("pertumbuhan_anggaran", r"pertumbuhan.*anggaran", numeric=True, unit="%"),
        ColumnRule("pertumbuhan_realisasi", r"pertumbuhan.*realisasi", numeric=True, unit="%"),
        ColumnRule("pertumbuhan", r"pertumbuhan", numeric=True, unit="%"),
        ColumnRule("rasio", r"rasio", numeric=True, unit="%", per_year=True),
        ColumnRule("realisasi", r"realisasi", numeric=True, unit="Rp", per_year=True),
        ColumnRule("anggaran", r"anggaran|pagu", numeric=True, unit="Rp", per_year=True),
        ColumnRule("kode", r"^kode"),
        ColumnRule("uraian", r"uraian|program|kegiatan|^$"),
    ),
    period="past",
    legacy=False,
)

T_C_25 = Profile(
    code="T-C.25",
    doc_type="renstra",
    titles=(r"tujuan\s*dan\s*sasaran\s*jangka\s*menengah",),
    header_all=(r"tujuan", r"sasaran", r"indikator", r"target"),
    header_none=(r"\bstrategi\b", r"\bkebijakan\b", r"kode", r"program", r"realisasi", r"anggaran"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("target_akhir", r"akhir|kondisi", numeric=True),
        ColumnRule("target", r"target|tahun", numeric=True, per_year=True),
        ColumnRule("tujuan", r"^tujuan"),
        ColumnRule("sasaran", r"^sasaran"),
        ColumnRule("indikator_tujuan", r"^indikator\s*(/\s*)?tujuan$"),
        ColumnRule("indikator", r"indikator"),
    ),
    uraian=("sasaran", "tujuan"),
    rows="indikator",
    fill_down=("tujuan", "sasaran"),
    period="plan",
    quantities=True,
    legacy=False,
)

T_C_26 = Profile(
    code="T-C.26",
    doc_type="renstra",
    titles=(r"tujuan,?\s*sasaran,?\s*strategi,?\s*dan\s*(arah\s*)?kebijakan",),
    header_all=(r"tujuan", r"sasaran", r"strategi", r"kebijakan"),
    min_columns=3,  # a sentence naming tujuan, sasaran, strategi and kebijakan is no T-C.26
    columns=(
        ColumnRule("visi", r"^visi"),
        ColumnRule("misi", r"^misi"),
        ColumnRule("tujuan", r"^tujuan"),
        ColumnRule("sasaran", r"^sasaran"),
        ColumnRule("strategi", r"^strategi"),
        ColumnRule("kebijakan", r"kebijakan"),
    ),
    uraian=("strategi", "sasaran", "tujuan"),
    rows="indikator",
    fill_down=("visi", "misi", "tujuan", "sasaran"),
    legacy=False,
)

T_C_27 = Profile(
    code="T-C.27",
    doc_type="renstra",
    titles=(
        r"rencana\s*program,?\s*kegiatan,?\s*(indikator\s*kinerja,?\s*kelompok\s*sasaran,?\s*)?(dan\s*)?pendanaan",
        r"rencana\s*program,?\s*kegiatan.*pendanaan\s*indikatif",
    ),
    header_all=(r"kode|program", r"indikator", r"target", r"rp|pagu|dana|pendanaan"),
    header_none=(r"rancangan\s*awal", r"prakiraan|maju", r"realisasi", r"sumber\s*dana", r"catatan\s*penting"),
    columns=(
        ColumnRule("pagu_akhir", r"(akhir|kondisi).*/\s*(rp\b|pagu|dana)" + _LAST, numeric=True, unit="Rp"),
        ColumnRule("target_akhir", r"(akhir|kondisi).*/\s*target" + _LAST, numeric=True),
        ColumnRule("pagu", r"/\s*(rp\b|pagu|dana)" + _LAST, numeric=True, unit="Rp", per_year=True),
        ColumnRule("target", r"/\s*target" + _LAST + r"|^target\b[^/]*/\s*(19|20)\d\d$", numeric=True, per_year=True),
        ColumnRule("capaian_awal", r"capaian.*awal|awal\s+perencanaan|kondisi\s+(kinerja\s*/?\s*)?awal", numeric=True),
        ColumnRule("penanggung_jawab", r"penanggung|penangg|unit\s+kerja|perangkat\s+daerah\s+pen"),
        ColumnRule("lokasi", r"lokasi|loka\s?si"),
        ColumnRule("tujuan", r"^tujuan"),
        ColumnRule("sasaran", r"^sasaran"),
        ColumnRule("indikator_sasaran", r"^indikator\s*(/\s*)?(tujuan|sasaran)\b"),
        ColumnRule("kode", r"^kode"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("uraian", r"program|kegiatan|uraian"),
        ColumnRule("satuan", r"^satuan$"),
    ),
    fill_down=("tujuan", "sasaran", "indikator_sasaran"),
    period="plan",
    quantities=True,
    legacy=False,
)

T_C_28 = Profile(
    code="T-C.28",
    doc_type="renstra",
    # in a Renstra its table of Indikator Kinerja Utama is this one (in a LKjIP, LKJIP-SASARAN)
    titles=(r"indikator\s*k\w*erja\s*.*mengacu\s*pada\s*tujuan", r"ind(ikator|eks)\s*kinerja\s*utama"),
    header_all=(r"indikator", r"kondisi", r"target"),
    # a T-C.28 may print the tujuan beside its indicators; by header alone T-C.25 (which asks for more) wins
    header_none=(r"kode", r"program", r"realisasi", r"anggaran"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("kondisi_awal", r"awal", numeric=True),
        ColumnRule("kondisi_akhir", r"akhir", numeric=True),
        ColumnRule("target", r"target|tahun", numeric=True, per_year=True),
        ColumnRule("tujuan", r"^tujuan"),
        ColumnRule("sasaran", r"^sasaran"),
        ColumnRule("indikator", r"indikator"),
    ),
    uraian=("indikator",),
    rows="indikator",
    fill_down=("tujuan", "sasaran"),
    period="plan",
    quantities=True,
    legacy=False,
)

# ------------------------------------------------------------------ LKjIP (PermenPAN-RB 53/2014)
# No regulation numbering: recognised by title and header; the codes are ours (docs/TEMPLATES.md).

_TWO_YEARS = r"(19|20)\d\d\D+(19|20)\d\d"

LKJIP_PK = Profile(
    code="LKJIP-PK",
    doc_type="lkjip",
    titles=(r"perjanjian\s*kinerja", r"penetapan\s*kinerja"),
    header_all=(r"sasaran", r"indikator", r"target"),
    header_none=(r"realisasi", r"capaian", _TWO_YEARS, r"kode"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("target", r"target", numeric=True),
        ColumnRule("satuan", r"^satuan"),
        ColumnRule("anggaran", r"anggaran|pagu", numeric=True, unit="Rp"),
        ColumnRule("tujuan", r"^tujuan"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("sasaran", r"sasaran"),
        ColumnRule("program", r"program|kegiatan"),
    ),
    uraian=("sasaran", "tujuan"),
    rows="indikator",
    fill_down=("tujuan", "sasaran"),
    quantities=True,
    legacy=False,
)

LKJIP_PK_ANGGARAN = Profile(
    code="LKJIP-PK-ANGGARAN",
    doc_type="lkjip",
    titles=(r"tabel\s*anggaran\s*program", r"perjanjian\s*kinerja", r"penetapan\s*kinerja"),
    header_all=(r"program", r"anggaran"),
    header_none=(r"realisasi", r"indikator", r"target", r"kegiatan", r"capaian"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("anggaran", r"anggaran|pagu", numeric=True, unit="Rp"),
        ColumnRule("keterangan", r"keterangan|sumber|catatan"),
        ColumnRule("uraian", r"program|uraian"),
    ),
    legacy=False,
)

LKJIP_SASARAN = Profile(
    code="LKJIP-SASARAN",
    doc_type="lkjip",
    titles=(r"sasaran\s*strategis\s*dan\s*indikator\s*kinerja", r"ind(ikator|eks)\s*kinerja\s*utama"),
    header_all=(r"sasaran", r"indikator", r"target"),
    header_none=(r"realisasi", r"anggaran", r"kode", r"program"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("target", r"target|tahun", numeric=True, per_year=True),
        ColumnRule("tujuan", r"^tujuan"),
        ColumnRule("indikator_tujuan", r"^indikator\s*(/\s*)?tujuan$"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("sasaran", r"sasaran"),
    ),
    uraian=("sasaran", "tujuan"),
    rows="indikator",
    fill_down=("tujuan", "sasaran"),
    period="plan",
    quantities=True,
    legacy=False,
)

LKJIP_CAPAIAN_TAHUN_LALU = Profile(
    code="LKJIP-CAPAIAN-TAHUN-LALU",
    ratios=(("capaian", "realisasi", "target", "target"),),
    doc_type="lkjip",
    titles=(r"realisasi\s*kinerja\s*tahun\s*\d{4}\s*(terhadap|dengan)\s*(tahun\s*)?\d{4}",
            r"target\s*dan\s*realisasi\s*kinerja\s*tahun\s*\d{4}\s*terhadap"),
    header_all=(r"indikator", r"realisasi", _TWO_YEARS),
    header_none=(r"anggaran", r"renstra", r"nasional", r"penyebab|solusi|program"),
    columns=(
        ColumnRule("capaian", r"capaian|persentase|%", numeric=True, unit="%", per_year=True),
        ColumnRule("realisasi", r"realisa", numeric=True, per_year=True),
        ColumnRule("target", r"target", numeric=True, per_year=True),
        ColumnRule("indikator", r"indikator|sasaran"),
    ),
    uraian=("indikator",),
    rows="indikator",
    quantities=True,
    legacy=False,
)

LKJIP_CAPAIAN_RENSTRA = Profile(
    code="LKJIP-CAPAIAN-RENSTRA",
    ratios=(("tingkat_kemajuan", "realisasi", "target_akhir", "target"),),
    doc_type="lkjip",
    titles=(r"akhir\s*periode\s*renstra", r"target\s*akhir\s*renstra"),
    header_all=(r"realisasi", r"renstra|akhir\s+periode"),
    header_none=(r"anggaran", r"nasional", r"kode", r"program"),
    columns=(
        ColumnRule("tingkat_kemajuan", r"kemajuan|capaian|persentase|^%", numeric=True, unit="%"),
        ColumnRule("target_akhir", r"renstra|akhir", numeric=True),
        ColumnRule("realisasi", r"realisasi", numeric=True),
        ColumnRule("indikator", r"indikator|sasaran"),
    ),
    uraian=("indikator",),
    rows="indikator",
    quantities=True,
    legacy=False,
)

LKJIP_CAPAIAN_NASIONAL = Profile(
    code="LKJIP-CAPAIAN-NASIONAL",
    doc_type="lkjip",
    titles=(r"(target|realisasi|capaian)\s*(kinerja\s*)?nasional",),
    header_all=(r"nasional",),
    header_none=(r"anggaran", r"kode", r"program", r"spm", r"\bikk\b", r"renstra"),
    columns=(
        ColumnRule("realisasi_nasional", r"nasional", numeric=True),
        ColumnRule("realisasi", r"realisasi", numeric=True),
        ColumnRule("keterangan", r"keterangan|catatan"),
        ColumnRule("indikator", r"indikator|sasaran"),
    ),
    uraian=("indikator",),
    rows="indikator",
    quantities=True,
    legacy=False,
)

LKJIP_ALOKASI = Profile(
    code="LKJIP-ALOKASI",
    doc_type="lkjip",
    titles=(r"alokasi\s*(anggaran\s*)?per\s*sasaran",),
    header_all=(r"indikator|sasaran", r"anggaran", r"persentase|prosentase|%"),
    header_none=(r"realisasi", r"program", r"kegiatan", r"target", r"efisiensi", r"nasional"),
    columns=(
        ColumnRule("persentase_anggaran", r"persentase|prosentase|%", numeric=True, unit="%"),
        ColumnRule("anggaran", r"anggaran|pagu", numeric=True, unit="Rp"),
        ColumnRule("indikator", r"indikator|sasaran"),
    ),
    uraian=("indikator",),
    rows="indikator",
    legacy=False,
)

LKJIP_KINERJA_ANGGARAN = Profile(
    code="LKJIP-KINERJA-ANGGARAN",
    ratios=(("capaian", "realisasi", "target", "target"),
            ("capaian_anggaran", "realisasi_anggaran", "anggaran", "anggaran")),
    doc_type="lkjip",
    titles=(r"pencapaian\s*kinerja\s*dan\s*anggaran", r"capaian\s*kinerja\s*dan\s*(realisasi\s*)?anggaran"),
    header_all=(r"kinerja", r"anggaran", r"targ\s?et", r"realis\s?asi"),
    header_none=(r"efisiensi", r"kode", r"sub\s+kegiatan", r"rasio", r"pertumbuhan"),
    columns=(
        ColumnRule("capaian_anggaran", r"anggaran.*capai\s?an", numeric=True, unit="%"),
        ColumnRule("realisasi_anggaran", r"anggaran.*realis\s?asi", numeric=True, unit="Rp"),
        ColumnRule("anggaran", r"anggaran.*(targ\s?et|pagu)", numeric=True, unit="Rp"),
        ColumnRule("capaian", r"capai\s?an", numeric=True, unit="%"),
        ColumnRule("realisasi", r"realis\s?asi", numeric=True),
        ColumnRule("target", r"targ\s?et", numeric=True),
        ColumnRule("indikator", r"indikator|sasaran"),
    ),
    uraian=("indikator",),
    rows="indikator",
    quantities=True,
    legacy=False,
)

LKJIP_EFISIENSI = Profile(
    code="LKJIP-EFISIENSI",
    doc_type="lkjip",
    titles=(r"efisiensi\s*penggunaan", r"tingkat\s*efisiensi", r"tabel\s*efisiensi"),
    header_all=(r"efisiensi",),
    header_none=(r"kode", r"sub\s+kegiatan"),
    columns=(
        ColumnRule("efisiensi", r"efisiensi", numeric=True, unit="%"),
        ColumnRule("penyerapan_anggaran", r"penyerapan|anggaran", numeric=True, unit="%"),
        ColumnRule("capaian_kinerja", r"capaian\s+kinerja|kinerja\s*\(|capaian", numeric=True, unit="%"),
        ColumnRule("indikator", r"indikator|sasaran"),
    ),
    uraian=("indikator",),
    rows="indikator",
    legacy=False,
)

LKJIP_CAPAIAN = Profile(
    code="LKJIP-CAPAIAN",
    ratios=(("capaian", "realisasi", "target", "target"),),
    doc_type="lkjip",
    titles=(r"perbandingan\s*target\s*dan\s*realisasi\s*kinerja", r"capaian\s*kinerja\s*(sasaran|tahun|organisasi)",
            r"pengukuran\s*kinerja"),
    header_all=(r"indikator|sasaran", r"target", r"realisasi", r"capaian|persentase|%"),
    header_none=(r"anggaran", r"renstra", r"nasional", r"efisiensi", _TWO_YEARS, r"kode", r"urusan",
                 r"program", r"penyebab|solusi"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("capaian", r"capaian|persentase|(^|/\s*)%", numeric=True, unit="%"),
        ColumnRule("realisasi", r"realisasi", numeric=True),
        ColumnRule("target", r"target", numeric=True),
        ColumnRule("satuan", r"^satuan"),
        ColumnRule("indikator", r"indikator"),
        ColumnRule("sasaran", r"sasaran"),
        ColumnRule("kegiatan", r"^(sub\s*)?kegiatan$|^program$"),  # capaian per kegiatan (bkpsdm LKjIP Tabel 3.9)
    ),
    uraian=("indikator", "sasaran", "kegiatan"),
    rows="indikator",
    fill_down=("sasaran",),
    quantities=True,
    legacy=False,
)

LKJIP_ANGGARAN = Profile(
    code="LKJIP-ANGGARAN",
    ratios=(("persentase", "realisasi", "anggaran", "anggaran"),),
    doc_type="lkjip",
    titles=(r"realisasi\s*anggaran",),
    header_all=(r"anggaran|pagu", r"realisasi"),
    header_none=(r"rasio", r"pertumbuhan", r"rata-?\s*rata", r"tahun\s+ke", r"indikator", r"target", r"efisiensi",
                 r"penyerapan"),
    columns=(
        ColumnRule("no", r"^no\b|^nomor"),
        ColumnRule("persentase", r"%|persen|capaian|penyerapan|daya\s*serap", numeric=True, unit="%"),
        ColumnRule("realisasi", r"realisasi|^serapan$", numeric=True, unit="Rp"),
        ColumnRule("anggaran", r"anggaran|pagu|^penetapan$|^perubahan$", numeric=True, unit="Rp"),
        ColumnRule("sisa", r"sisa|selisih", numeric=True, unit="Rp"),
        ColumnRule("kode", r"^kode"),
        ColumnRule("sub_kegiatan", r"^sub\s*-?\s*kegiatan$"),
        ColumnRule("kegiatan", r"^kegiatan$"),
        ColumnRule("program", r"^program$"),
        ColumnRule("uraian", r"program|kegiatan|uraian"),
    ),
    uraian=("sub_kegiatan", "kegiatan", "program", "uraian"),
    rows="columns",
    level_columns=(("sub_kegiatan", "sub_kegiatan"), ("kegiatan", "kegiatan"), ("program", "program")),
    fill_down=("program", "kegiatan"),
    legacy=False,
)

# Order matters where a title fits several: the more specific first.
PROFILES: dict[str, Profile] = {
    p.code: p
    for p in (
        T_C_29, T_C_31, T_C_33, T_C_30, T_C_32,
        T_C_23, T_C_24, T_C_25, T_C_26, T_C_27, T_C_28,
        LKJIP_CAPAIAN_TAHUN_LALU, LKJIP_CAPAIAN_RENSTRA, LKJIP_CAPAIAN_NASIONAL, LKJIP_KINERJA_ANGGARAN,
        LKJIP_EFISIENSI, LKJIP_ALOKASI, LKJIP_PK, LKJIP_SASARAN, LKJIP_PK_ANGGARAN, LKJIP_ANGGARAN, LKJIP_CAPAIAN,
    )
}


@dataclass
class Identified:
    table_code: str
    profile: Profile | None
    evidence: str  # 'caption', 'title', 'header'


def _header_text(t: LogicalTable) -> str:
    return " ".join(h.text for h in t.header).lower()


def identify(t: LogicalTable, doc_type: str | None = None) -> Identified:
    """Which template a table is: by its printed code, its title words, then its header signature.

    `doc_type` (renja, renstra, lkjip, from the title pages) keeps a table of one kind of document from
    being taken, by its header alone or by a title whose header does not fit, for a template of another:
    an LKjIP's realisation table has the target and realisasi words of a T-C.29 but is no Renja table."""
    # words the PDF glued together ('Review terhadapRancangan AwalRKPD') are split at the case change
    cap = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", t.caption or "").lower()
    m = CODE_IN_CAPTION.search(cap)
    head = _header_text(t)
    known = doc_type if doc_type in ("renja", "renstra", "lkjip") else None
    if m:
        code = f"T-C.{m.group(1)}"
        prof = PROFILES.get(code)
        # a printed code is trusted unless the header plainly belongs to another template
        other = _by_header(head, t.n_cols)
        if prof is not None and other is not None and other.code != code and not _header_fits(prof, head):
            return Identified(other.code, other, "header")
        return Identified(code, prof, "caption")
    for p in PROFILES.values():
        if not any(re.search(rx, cap) for rx in p.titles):
            continue
        fits = _header_fits(p, head)
        if known and p.doc_type != known and (not fits or any(
                q.doc_type == known and any(re.search(rx, cap) for rx in q.titles) for q in PROFILES.values())) and head:
            # another kind's title only when its header fits (a LKjIP may reprint the Renstra's T-C.25) and
            # no template of this document's kind has that title ('Indikator Kinerja Utama' in a LKjIP)
            continue
        if not head or fits or not _by_header(head, t.n_cols) or (p.doc_type == known and _header_near(p, head)):
            return Identified(p.code, p, "title")
    p = _by_header(head, t.n_cols, known)
    if p is not None:
        return Identified(p.code, p, "header")
    return Identified("other", None, "none")


def _header_fits(p: Profile, head: str) -> bool:
    return all(re.search(rx, head) for rx in p.header_all) and not any(re.search(rx, head) for rx in p.header_none)


def _header_near(p: Profile, head: str) -> bool:
    """The header lacks one of the profile's words at most (a T-C.28 without its Kondisi columns): with a
    title of the document's own kind that names the profile, enough to trust the title."""
    found = sum(1 for rx in p.header_all if re.search(rx, head))
    return len(p.header_all) >= 3 and found >= len(p.header_all) - 1 and not any(re.search(rx, head) for rx in p.header_none)


def _by_header(head: str, n_cols: int = 0, doc_type: str | None = None) -> Profile | None:
    """The profile whose header signature fits. A header that fits the first Renja profiles (T-C.29/31/33)
    is decided among them, as it always was (one fits: it; several: none); otherwise, when several fit, the
    one that asks most of the header (then the first in `PROFILES`). With `doc_type`, only that kind of
    document's profiles; a table narrower than a profile's `min_columns` is not that profile."""
    fits = [p for p in PROFILES.values() if _header_fits(p, head) and (not n_cols or n_cols >= p.min_columns)
            and (doc_type is None or p.doc_type == doc_type)]
    first = [p for p in fits if p.legacy]
    if first:
        return first[0] if len(first) == 1 else None
    fits = [p for p in fits if not p.legacy]
    if len(fits) <= 1:
        return fits[0] if fits else None
    most = max(len(p.header_all) for p in fits)
    return next(p for p in fits if len(p.header_all) == most)


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
    n: int | None = None  # for a column repeated per year: which year of the period (the n of `Tahun ke-n`)


YEAR = re.compile(r"(?<![0-9])(19[5-9]\d|20\d\d)(?![0-9])")  # also run together: 'RencanaTahun2016'
PERIOD = re.compile(
    r"\b((?:19|20)\d\d)\s*(?:[-\u2010-\u2014]|s\.?\s*/\s*d\.?|sampai(?:\s+dengan)?|hingga)\s*((?:19|20)\d\d)\b", re.I
)
# "Tahun ke-3", "Tahun ke- / 3" (the n printed as a sub-header under "Tahun ke-")
YEAR_INDEX = re.compile(r"\bke\s*-?\s*(?:/\s*)?([1-9])\s*$|\bke\s*-\s*([1-9])\b", re.I)


def plan_period(text: str) -> tuple[int, int] | None:
    """The first period printed in `text` ("2018-2023", "2025 - 2026", "2019 s/d 2023"), as (first, last) year."""
    for m in PERIOD.finditer(text or ""):
        first, last = int(m.group(1)), int(m.group(2))
        if 0 < last - first <= 6:
            return first, last
    return None


def year_of(n: int, period: tuple[int, int]) -> int | None:
    """The year `Tahun ke-n` of a plan period means. A plan runs at most five years and ends in the period's
    last year: Renstra 2018-2023 has 2019..2023 (its first year is when it is made), 2025-2026 has 2025, 2026.
    None when the period has no n-th year."""
    first, last = period
    year = max(first, last - 4) + n - 1
    return year if year <= last else None


def canonical_columns(
    t: LogicalTable, profile: Profile | None, numeric_share: list[float | None], period: tuple[int, int] | None = None
) -> list[Column]:
    """Name every physical column: by the printed column number when the table numbers its columns in the
    regulation's order, else by the header text. A column under the same header cell as its left
    neighbour is that neighbour's satuan (when its cells are words, or it is empty and shares the
    neighbour's header text or column number) or another part of it (kode_2). `numeric_share` is None for a column with no filled cell.

    `period` is the document's plan period (first, last year), for `Tahun ke-n` headers of plan tables."""
    rules = {r.name: r for r in profile.columns} if profile else {}
    by_number = _numbered(t, profile)
    legacy = profile is None or profile.legacy
    cols: list[Column] = []
    used: set[str] = set()
    per_year_seen: dict[str, int] = {}
    for i in range(t.n_cols):
        path = t.header_path(i)
        low = re.sub(r"\s+", " ", path.lower())
        if not legacy:
            # a caption line taken into the header ("Tabel 2.1. Pencapaian ... / No") names no column
            low = re.sub(r"^(tabel\b[^/]*/\s*)+", "", low)
        number = t.column_numbers[i] if i < len(t.column_numbers) else ""
        years = YEAR.findall(path)
        tahun = int(years[-1]) if years else None
        prev = cols[-1] if cols else None
        same_cell = prev is not None and (
            (t.header_span(i) == t.header_span(prev.index) and t.header_span(i)[0] != t.header_span(i)[1])
            or (i in by_number and by_number.get(prev.index) == by_number[i])
        )
        share = numeric_share[i]
        words = share is not None and share < 0.5
        # an empty column is a satuan only when nothing printed says it is a column of its own (a header
        # text or a column number of its own): an empty year of a T-C.24 is that year
        empty_part = share is None and prev is not None and (path == prev.header or (number and number == prev.number))
        if prev is not None and same_cell and prev.numeric and (words or empty_part):
            cols.append(Column(i, _satuan_name(prev.name), path, number, False, None, None, satuan_of=prev.name))
            continue
        rule = rules.get(by_number.get(i, ""))
        if rule is not None and not re.search(rule.pattern, low):
            # the header says another column than the number ('Prakiraan Maju ... / Target' numbered as the
            # regulation's Catatan, in a table that prints four Catatan Penting columns): the header wins
            said = next((r for r in rules.values() if r.name not in used and re.search(r.pattern, low)), None)
            rule = said or rule
        if rule is None:
            # then with the header's lines joined: a word the cell wrapped ('Satu / an', 'Penang / gung / jawab')
            for text in (low, re.sub(r"\s*/\s*", "", low)):
                rule = next(
                    (r for r in rules.values() if (r.per_year or r.name not in used) and re.search(r.pattern, text)), None
                )
                if rule is not None:
                    break
        if rule is None and not legacy and prev is not None and prev.satuan_of is None:
            # another year (or part) of the column to its left: "Data Capaian pada Tahun Awal / 2022 | 2023"
            again = next((r for r in rules.values() if re.search(r.pattern, low)), None)
            if again is not None and _same_top_cell(t, i, prev.index) and re.sub(r"_\d+$", "", prev.name) == again.name:
                rule = again
                same_cell = True
        n = None
        if rule is not None and rule.per_year:
            per_year_seen[rule.name] = per_year_seen.get(rule.name, 0) + 1
            n = _year_index(path) or per_year_seen[rule.name]
            name, numeric, unit = _unused(f"{rule.name}_{n}", used), rule.numeric, rule.unit
        elif rule is not None and rule.name in used and same_cell and prev.satuan_of is None:
            base = prev.name.rsplit("_", 1)[0] if re.search(r"_\d+$", prev.name) else prev.name
            name = _unused(base, used)
            numeric, unit = prev.numeric, prev.unit
        elif rule is not None and rule.name not in used:
            name, numeric, unit = rule.name, rule.numeric, rule.unit
        else:
            name, numeric, unit = _unused(_slug(path) or f"col_{i + 1}", used), (share or 0) >= 0.5, None
        if not legacy:
            tahun = _column_year(path, n)
        used.add(name)
        cols.append(Column(i, name, path, number, numeric, unit, tahun, n=n))
    if legacy:
        _years_from_caption(t, cols)
    else:
        _years_from_period(t, profile, cols, period)
    return cols


def _same_top_cell(t: LogicalTable, col: int, other: int) -> bool:
    """Both columns sit under one header cell, the topmost one above `col` (a merged cell over several)."""
    above = [h for h in t.header if h.first_col <= col <= h.last_col and h.text]
    if not above:
        return False
    top = min(above, key=lambda h: h.row)
    return top.first_col != top.last_col and top.first_col <= other <= top.last_col


def _year_index(path: str) -> int | None:
    m = YEAR_INDEX.search(path)
    return int(m.group(1) or m.group(2)) if m else None


def _column_year(path: str, n: int | None) -> int | None:
    """The year a column's header prints: in its lowest header cell, else the one year anywhere above it.
    A range ("Renstra 2019-2023") names no single year; neither does "Tahun ke-n" by itself."""
    last = path.split(" / ")[-1]
    years = YEAR.findall(last)
    if len(years) == 1:
        return int(years[0])
    if n is not None and YEAR_INDEX.search(path):
        return None
    years = sorted(set(YEAR.findall(path)))
    return int(years[0]) if len(years) == 1 else None


def _years_from_period(t: LogicalTable, profile: Profile, cols: list[Column], period: tuple[int, int] | None) -> None:
    """Years of the columns the header gives only as `Tahun ke-n` (or not at all): the n-th year of the plan
    period; the end-of-period columns (kondisi akhir) its last year. A 'past' table (T-C.23, T-C.24 evaluate
    the period before the plan) takes its period only from the caption or the sentence before it."""
    if profile.period == "plan":
        span = plan_period(t.caption) or period or plan_period(t.context)
    elif profile.period == "past":
        span = plan_period(t.caption) or plan_period(t.context)
    else:
        return
    if span is None:
        return
    for c in cols:
        if c.tahun is not None or not c.numeric:
            continue
        if c.n is not None:
            c.tahun = year_of(c.n, span)
        elif profile.period == "plan" and re.search(r"akhir", c.name):
            c.tahun = span[1]


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
    groups: dict[int, list[int]] = {}
    for i, v in firsts:
        if v is not None:
            groups.setdefault(v, []).append(i)
    offsets = _dropped_columns(t, profile, groups)
    return {i: profile.numbering[v - 1 + offsets[v]] for v, cols in groups.items() for i in cols
            if v - 1 + offsets[v] < len(profile.numbering)}


def _dropped_columns(t: LogicalTable, profile: Profile, groups: dict[int, list[int]]) -> dict[int, int]:
    """How far each printed number lags behind the regulation's: a document that leaves out a column
    numbers the rest one lower (renja-2019 prints 'Realisasi capaian' as 9, the regulation's 10; many
    print 'Catatan' as 12 without the Penanggung Jawab column). A number is taken to lag when its
    header does not say what the regulation's column of that number is, its lowest header line says
    what a later one is, and the next number's header agrees with the shift."""
    rules = {r.name: r for r in profile.columns}

    def says(name: str, cols: list[int], leaf: bool) -> bool:
        rule = rules.get(name)
        if rule is None:
            return False
        texts = [t.header_path(i).split(" / ")[-1] if leaf else t.header_path(i) for i in cols]
        return any(re.search(rule.pattern, re.sub(r"\s+", " ", x.lower())) for x in texts)

    numbers = sorted(groups)
    offsets, d = {}, 0
    for k, v in enumerate(numbers):
        at = v - 1 + d
        if at < len(profile.numbering) and not says(profile.numbering[at], groups[v], leaf=False):
            for skip in (1, 2):
                later = at + skip
                if later >= len(profile.numbering) or not says(profile.numbering[later], groups[v], leaf=True):
                    continue
                after = numbers[k + 1] if k + 1 < len(numbers) else None
                confirmed = after is None or (
                    after - 1 + d + skip < len(profile.numbering)
                    and says(profile.numbering[after - 1 + d + skip], groups[after], leaf=True))
                if confirmed:
                    d += skip
                    break
        offsets[v] = d
    return offsets


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
            # a caption naming the plan year only: the prakiraan maju is the year after it
            c.tahun = (years[-1] if len(years) > 1 else years[0] + 1) if c.name.endswith("_maju") else years[0]
