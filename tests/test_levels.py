"""Row levels and codes of item tables, on rows copied from the real documents of ../shared/realdocs.

Each table below is a T-C.33 (or another item table) cut down to a few rows as printed; the expected
level of every row is written next to it. The numbers of the whole documents are in `make bench`
(section levels: tests/benchmarks/levels_bench.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extract.model import Cell, GridRow, HeaderCell, LogicalTable
from normalize.codes import code_level, local_code, local_level, normalize_code, printed_parts
from normalize.rows import normalize_table
from normalize.templates import Identified, identify

T_C_33_HEADER = [
    ("Kode", 0, 0, 0), ("Urusan/Bidang Urusan Pemerintahan Daerah dan Program/Kegiatan", 0, 1, 1),
    ("Indikator Kinerja Program/Kegiatan", 0, 2, 2), ("Rencana Tahun 2019", 0, 3, 6), ("Lokasi", 1, 3, 3),
    ("Target Capaian Kinerja", 1, 4, 4), ("Kebutuhan Dana/Pagu Indikatif", 1, 5, 5), ("Sumber Dana", 1, 6, 6),
    ("Catatan Penting", 0, 7, 7), ("Prakiraan Maju Rencana Tahun 2020", 0, 8, 9), ("Target Capaian Kinerja", 1, 8, 8),
    ("Kebutuhan Dana/Pagu Indikatif", 1, 9, 9),
]
CAPTION = "Tabel T-C.33. Rumusan Rencana Program dan Kegiatan Perangkat Daerah Tahun 2019 dan Prakiraan Maju Tahun 2020"


def _table(rows: list[list[str]], header=T_C_33_HEADER, caption: str = CAPTION) -> LogicalTable:
    n_cols = max(last for _, _, _, last in header) + 1
    return LogicalTable(
        page_start=1, page_end=1, n_cols=n_cols,
        header=[HeaderCell(text, row, first, last) for text, row, first, last in header],
        column_numbers=[""] * n_cols,
        rows=[GridRow([Cell(c) for c in cells + [""] * (n_cols - len(cells))], 1, 0.0, 0.0) for cells in rows],
        caption=caption,
    )


def _levels(rows: list[list[str]], **kw) -> list[tuple[str | None, str]]:
    t = _table(rows, **kw)
    nt = normalize_table(t, identify(t, "renja"))
    assert nt.table_code == kw.get("code", "T-C.33")
    return [(r.kode, r.level) for r in nt.rows]


@pytest.mark.parametrize("printed, kode, level", [
    ("7 01 03 2.02 0002", "7.01.03.2.02.0002", "sub_kegiatan"),
    ("1.01.01", "1.01.01", "program"),
    ("X.XX.XX.2.01.01", "X.XX.XX.2.01.0001", "sub_kegiatan"),
    ("X.XX.01", "X.XX.01", "program"),
    ("1.20.06.01.01", "1.20.06.01.01", "kegiatan"),
])
def test_codes_of_a_scheme_give_their_level_by_shape(printed, kode, level):
    assert normalize_code(printed) == kode
    assert code_level(printed) == level
    assert local_code(printed) is None


@pytest.mark.parametrize("printed, kode", [
    ("02 01 01 01", "02.01.01.01"), ("1 07 1 07 01 21 01", "1.07.1.07.01.21.01"), ("01.2.01", "01.2.01"),
    ("'58 01", "58.01"), ("104 01", "104.01"),
])
def test_codes_of_no_scheme_are_read_as_printed(printed, kode):
    assert normalize_code(printed) is None
    assert local_code(printed) == kode


@pytest.mark.parametrize("printed", ["1", "1.", "02 01120", "Rp 1.000", "2 unit", "1-03.01"])
def test_what_is_no_code(printed):
    assert local_code(printed) is None
    assert normalize_code(printed) is None
    assert printed_parts(printed) is None or len(printed_parts(printed)) < 2


def test_the_2020_scheme_without_its_urusan_tells_its_level():
    """pupr des2021 LKjIP: '01.2.01' is kegiatan 2.01 of program 01, '01.2.01.06' its sub kegiatan."""
    assert (local_level("01.2.01"), local_level("01.2.01.06"), local_level("02 01 01")) == ("kegiatan", "sub_kegiatan", None)


def test_padang_panjang_renja_2019_codes_of_its_own():
    """renja-2019 T-C.33 p.27-30: the perangkat daerah's heading with the sum of its programs, programs coded in
    three parts under the organisation's '02 01', kegiatan in four; a kegiatan printed with its program's code."""
    rows = [
        ["", "BADAN PERENCANAAN PENELITIAN DAN PENGEMBANGAN DAERAH", "", "", "", "6,166,684,000", "", "", "", "6,317,908,000"],
        ["02 01 01", "Program Pelayanan Administrasi Perkantoran", "", "", "90%", "1,195,950,000", "", "", "90%", "1,195,950,000"],
        ["02 01 01 01", "Penyediaan Jasa Surat Menyurat", "Jumlah pembelian materai", "Padang Panjang", "1 tahun",
         "4,650,000", "APBD", "", "1 tahun", "4,650,000"],
        ["02 01 26", "Penguatan Inovasi Daerah", "Persentase perangkat daerah yang difasilitasi", "", "20.83%",
         "173,000,000", "", "", "", "173,000,000"],
        ["02 01 26 01", "Penyusuan Grand Design SiDA", "Jumlah dokumen", "Padang Panjang", "1 dokumen", "93,000,000", "APBD"],
        ["02 01 02", "Program Peningkatan Sarana dan Prasarana Aparatur", "", "", "", "865,000,000"],
        ["02 01 02 07", "Pengadaan Perlengkapan Gedung Kantor", "Tersedianya perlengkapan kantor", "Padang Panjang",
         "1 tahun", "265,000,000"],
        ["02 01 02", "Pengadaan Kendaraan Dinas/operasional", "Tersedianya 2 kendaraan roda 4", "Padang Panjang",
         "2 unit roda 4", "500,000,000"],
    ]
    assert _levels(rows) == [
        (None, "perangkat_daerah"), ("02.01.01", "program"), ("02.01.01.01", "kegiatan"), ("02.01.26", "program"),
        ("02.01.26.01", "kegiatan"), ("02.01.02", "program"), ("02.01.02.07", "kegiatan"), ("02.01.02", "kegiatan"),
    ]


def test_kegiatan_numbers_under_a_program_number():
    """renja-2019 T-C.29 p.9: the program printed as '02' (named 'Program ...'), its kegiatan as '02 07'."""
    rows = [
        ["02", "Program Peningkatan Sarana dan Prasarana Aparatur", "", "", "", "125,000,000"],
        ["02 07", "Pengadaan perlengkapan gedung kantor", "Tersedianya perlengkapan kantor", "", "1 paket", "40,000,000"],
        ["02 22", "Pemeliharaan rutin/ berkala gedung kantor", "Terlaksananya pemeliharaan", "", "1 tahun", "85,000,000"],
    ]
    assert _levels(rows) == [(None, "program"), ("02.07", "kegiatan"), ("02.22", "kegiatan")]


def test_organisation_prefixed_2006_codes_without_level_words():
    """renja_diskominfo-2018 T-C.29: urusan.bidang, the organisation 1.07.1.07.01, program 21 under it and its
    kegiatan 01 ...: no row says 'Program', so the deepest codes, whose prefix is a code of the table, are kegiatan."""
    rows = [
        ["1 07", "URUSAN WAJIB NON PELAYANAN DASAR"],
        ["1 07 1 07 01", "URUSAN KOMUNIKASI DAN INFORMATIKA"],
        ["1 07 1 07 01 21", "Pengembangan Komunikasi, Informasi dan Media Massa", "", "", "", "560,000,000"],
        ["1 07 1 07 01 21 01", "Pengkajian dan Pengembangan Sistem Informasi", "Jumlah kajian", "Kota", "2 kajian",
         "160,000,000", "APBD"],
        ["1 07 1 07 01 21 02", "Pembinaan dan Pengembangan Sumber Daya Komunikasi", "Jumlah peserta", "Kota",
         "40 orang", "400,000,000", "APBD"],
    ]
    assert _levels(rows) == [
        ("1.07", "bidang_urusan"), ("1.07.1.07.01", "label"), ("1.07.1.07.01.21", "program"),
        ("1.07.1.07.01.21.01", "kegiatan"), ("1.07.1.07.01.21.02", "kegiatan"),
    ]


def test_2006_codes_with_the_organisation_print_the_perangkat_daerah_in_three_parts():
    """renja_bkpsdm-2018 T-C.33 p.27: '3 04 01 Badan Kepegawaian ...' is the organisation over programs
    '3 04 01 01', and JUMLAH the total; before, the organisation was a program and the programs summed to twice
    the total."""
    rows = [
        ["3 04", "Otonomi Daerah, Pemerintahan Umum, Administrasi Keuangan Daerah", "", "", "", "9,037,730,000"],
        ["3 04 01", "Badan Kepegawaian Dan Pengembangan SDM", "", "", "", "9,037,730,000"],
        ["3 04 01 01", "Program Pelayanan Administrasi Perkantoran", "", "", "", "1,066,311,000"],
        ["3 04 01 01 01", "Penyediaan jasa surat menyurat", "Jumlah surat", "BKPSDM", "12 bulan", "1,066,311,000"],
        ["", "JUMLAH", "", "", "", "9,037,730,000"],
    ]
    assert [lv for _, lv in _levels(rows)] == ["bidang_urusan", "perangkat_daerah", "program", "kegiatan", "total"]


def test_a_heading_naming_an_urusan_over_its_programs():
    rows = [["", "URUSAN WAJIB KOMUNIKASI DAN INFORMATIKA", "", "", "", "10,910,405,000"],
            ["", "Program Pelayanan Administrasi Perkantoran", "", "", "", "1,000,000"]]
    assert [lv for _, lv in _levels(rows)] == ["urusan", "program"]


@pytest.mark.parametrize("name, level", [
    ("Jumlah", "total"), ("JUMLAH BELANJA", "total"), ("Jumlah Total", "total"), ("Jumlah……", "total"),
    ("TOTAL USULAN ANGGARAN (Rp.)", "total"), ("Jumlah Anggaran Program Prioritas 1", "total"),
    # indicators and items that count something (Renstra and LKjIP tables read as 'other')
    ("Jumlah dokumen laporan hasil pelaksanaan monitoring", "unknown"), ("Jumlah PNS yang mengikuti diklat", "unknown"),
])
def test_a_total_row_is_a_bare_jumlah_or_a_sum_of_money(name, level):
    header = [("No", 0, 0, 0), ("Uraian", 0, 1, 1), ("Target", 0, 2, 2), ("Realisasi", 0, 3, 3)]
    t = _table([["", name, "12", "10"]], header=header, caption="")
    assert normalize_table(t, Identified("other", None, "none")).rows[0].level == level


def test_the_audit_names_a_perangkat_daerah_total_its_programs_do_not_make():
    """renja-2019 T-C.33: the heading 'BADAN PERENCANAAN ...' prints 6,166,684,000, its programs below sum to less;
    the audit's hierarchy_sum says so (before, the heading was a program itself and nothing was said)."""
    from types import SimpleNamespace

    from pipelines.audit import audit
    from pipelines.process import _records, empty_document
    from pipelines.writers import to_table

    rows = [
        ["", "BADAN PERENCANAAN PENELITIAN DAN PENGEMBANGAN DAERAH", "", "", "", "6,166,684,000"],
        ["02 01 01", "Program Pelayanan Administrasi Perkantoran", "", "", "90%", "1,195,950,000"],
        ["02 01 01 01", "Penyediaan Jasa Surat Menyurat", "Jumlah pembelian materai", "Padang Panjang", "1 tahun", "1,195,950,000"],
        ["02 01 26", "Program Penguatan Inovasi Daerah", "", "", "20.83%", "173,000,000"],
        ["02 01 26 01", "Penyusuan Grand Design SiDA", "Jumlah dokumen", "Padang Panjang", "1 dokumen", "173,000,000"],
    ]
    extracted = SimpleNamespace(front_text="", tables=[_table(rows)], n_pages=1, ocr_pages=[], ocr_note="", scanned_pages=[])
    result = _records(empty_document(Path("renja-2019.pdf"), "ab" * 32, None, "ok"), extracted)
    assert [r["level"] for r in result.rows] == ["perangkat_daerah", "program", "kegiatan", "program", "kegiatan"]
    found = audit(to_table("documents", [result.document]), *(to_table(n, getattr(result, n)) for n in ("tables", "rows", "values")))
    sums = [f for f in found if f.check == "hierarchy_sum" and f.row_nos[0] == 1]
    assert [(f.expected, f.actual) for f in sums] == [(Decimal("1368950000"), Decimal("6166684000"))]
