"""Which template a table is, from its caption, title and header, and the kind of document it is in.

The headers are those of real tables: the corpus Renja's 'Tabel 2.5 Analisis Program/Kegiatan'
(4 columns), its untitled Bab IV pagu table, an LKjIP 'Tabel 3.9 Realisasi Anggaran' and a Renja
T-C.29 captioned in the 54/2010 way with a typo ('Peleksanaan').
"""

from __future__ import annotations

from extract.model import HeaderCell, LogicalTable
from normalize.templates import identify

T_C_29_HEADER = ["Kode", "Urusan/Bidang Urusan Pemerintahan Daerah dan Program/Kegiatan", "Indikator Kinerja Program",
                 "Target Kinerja Capaian Program (Renstra)", "Realisasi Target Kinerja s/d Tahun 2019",
                 "Target", "Realisasi", "Tingkat Realisasi (%)", "Target Program dan Kegiatan Tahun 2021",
                 "Realisasi Capaian", "Tingkat Capaian (%)", "Catatan"]


def _table(caption: str, header: list[str]) -> LogicalTable:
    cells = [HeaderCell(text, 0, i, i) for i, text in enumerate(header)]
    return LogicalTable(1, 1, len(header), cells, [""] * len(header), [], caption=caption)


def test_a_four_column_analysis_table_is_no_t_c_29():
    t = _table("Tabel 2.5 Analisis Program/Kegiatan yang Menunjang Keberhasilan/Kegagalan Pencapaian Kinerja",
               ["Indikator Kinerja", "Target", "Realisasi", "Program/Kegiatan"])
    assert identify(t, "renja").table_code == "other"


def test_a_t_c_29_header_is_a_t_c_29_in_a_renja_but_not_in_an_lkjip():
    t = _table("Tabel 3.9 REALISASI ANGGARAN BERDASARKAN PENCAPAIAN SASARAN STRATEGIS", T_C_29_HEADER)
    assert identify(t, "renja").table_code == "T-C.29"
    assert identify(t, None).table_code == "T-C.29"  # nothing known of the document: the header decides
    assert identify(t, "lkjip").table_code != "T-C.29"


def test_a_renstra_title_in_a_renja_needs_a_renstra_header():
    # the Renja's Bab IV pagu table: 'Rencana Program, Kegiatan, dan Pendanaan' are T-C.27's title words
    t = _table("Tabel Rencana Program, Kegiatan, dan Pendanaan Indikatif Tahun 2022",
               ["PROGRAM DAN KEGIATAN", "PAGU INDIKATIF (Rp)"])
    assert identify(t, "renja").table_code == "other"
    assert identify(t, "renstra").table_code == "T-C.27"


def test_a_misspelt_title_still_names_the_table():
    t = _table("Tabel 2.1 Rekapitulasi Evaluasi Hasil Peleksanaan Renja BKPP Wilayah I", T_C_29_HEADER)
    ident = identify(t, "renstra")  # a standalone table whose front page says Renstra
    assert (ident.table_code, ident.evidence) == ("T-C.29", "title")
