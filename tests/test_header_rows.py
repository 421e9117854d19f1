"""Where a table's header ends, from the bands of a ruled table (rows as printed, cells with bold)."""

from __future__ import annotations

from extract.grid import Band
from extract.model import Cell
from extract.stitch import _header_count


def _band(*texts: str, bold: bool = False) -> Band:
    return Band(1, 0.0, 10.0, [(i, i) for i in range(len(texts))], [Cell(t, bold and bool(t)) for t in texts])


def test_rows_of_data_in_header_words_under_a_bold_header_are_data():
    # corpus LKjIP 'Tabel 2.2 Keterkaitan Sasaran, Program dan Kegiatan': every data cell names a program
    bands = [_band("Sasaran", "Program", "Kegiatan", bold=True),
             _band("Meningkatnya Kualitas Pelayanan Publik", "Program Penunjang Urusan Pemerintah Daerah",
                   "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah"),
             _band("", "Program Penyelenggaraan Urusan Pemerintah Umum", "Penyelenggaraan urusan pemerintah Umum")]
    assert _header_count(bands) == 1


def test_a_plain_sub_header_under_a_bold_header_is_header():
    bands = [_band("No", "Uraian", "Anggaran", "Realisasi", bold=True),
             _band("", "", "(Rp.)", "(Rp.)"),
             _band("1", "Belanja Pegawai", "2.858.495.000,-", "2.791.211.251,-")]
    assert _header_count(bands) == 2


def test_the_year_numbers_under_tahun_ke_are_header():
    # bkpsdm Renstra T-C.23 p.44
    bands = [_band("No", "Indikator Kinerja", "Target", "Target Renstra Tahun Ke-", "", "", bold=True),
             _band("", "", "SPM", "1", "2", "3", bold=True),
             _band("1", "Jumlah Database dan Informasi Pegawai Daerah", "-", "66", "50", "50")]
    assert _header_count(bands) == 2
