"""When is the first row of a continuation page the rest of the last row of the page before?

Rows are built word by word at known positions, as a PDF prints them: a name column (x 40-200),
an indicator column (x 210-360) and a value column (x 370-420). The cases come from the corpus
(variant e, Word splitting rows at a page break) and from the rows that must stay whole.
"""

from __future__ import annotations

from extract.model import Cell, GridRow, Word
from extract.stitch import _is_fragment

COLUMNS = [(40.0, 200.0), (210.0, 360.0), (370.0, 420.0)]
CHAR = 5.0  # width of one character at the fixture's font size
WEIGHTS = [9, 5, 0]  # the name column holds most text


def _cell(lines: list[str], col: int, top: float = 700.0) -> Cell:
    """A left-aligned cell of one or more printed lines, 12 pt apart."""
    x0 = COLUMNS[col][0]
    words = []
    for k, line in enumerate(lines):
        x = x0
        for token in line.split():
            words.append(Word(token, x, x + CHAR * len(token), top + 12 * k, top + 12 * k + 9, size=9.0))
            x += CHAR * (len(token) + 1)
    return Cell(" ".join(lines), False, words)


def _row(*cells: Cell) -> GridRow:
    words = [w for c in cells for w in c.words]
    return GridRow(list(cells), 1, min((w.top for w in words), default=0), max((w.bottom for w in words), default=0))


def _next(*texts: str) -> list[Cell]:
    return [_cell([t], i, top=60.0) if t else Cell("") for i, t in enumerate(texts)]


def test_a_word_that_had_no_room_on_the_last_line_is_the_rest_of_the_name():
    # 'Fasilitasi ... Wawasan Kebangsaan dan Ketahanan' / next page: 'Nasional' (corpus 000-e T-C.29)
    prev = _row(_cell(["Fasilitasi Koordinasi dan", "Pembinaan Wawasan", "Kebangsaan dan Ketahanan"], 0),
                _cell(["Persentase Penurunan"], 1), _cell(["30"], 2))
    assert _is_fragment(_next("Nasional", "", ""), prev, WEIGHTS)


def test_a_sub_unit_name_whose_first_word_had_no_room_is_the_rest_of_the_name():
    # 'Peningkatan Efektifitas Pelaksanaan / Pelayanan kepada Masyarakat di' / next page: 'Kecamatan (sub unit
    # Tisnongan)' (corpus 002-e Tabel 3.2 Realisasi Anggaran): four words, the first too wide for the line
    prev = _row(_cell(["Peningkatan Efektifitas", "Pelayanan kepada Masyarakat"], 0), _cell(["Persentase"], 1),
                _cell(["64"], 2))
    assert _is_fragment(_next("Kecamatan (sub unit Tisnongan)", "", ""), prev, WEIGHTS)


def test_a_new_item_at_the_top_of_a_page_is_no_rest_of_a_name_however_full_the_line_above():
    # kominfo Renstra T-C.26 p.36: 'Peningkatan kerjasama/hubungan media' opens the page after a full last line
    prev = _row(_cell(["Penyebarluasan informasi", "pembangunan daerah Kota"], 0), _cell([""], 1), _cell([""], 2))
    assert not _is_fragment(_next("Peningkatan kerjasama/hubungan media massa", "", ""), prev, WEIGHTS)


def test_a_label_after_a_short_last_line_starts_a_row_of_its_own():
    # the last line 'Lainnya' left room for 'Kewilayahan': Word would have put it there
    prev = _row(_cell(["Pemeliharaan Gedung Kantor", "Lainnya"], 0), _cell(["Jumlah gedung"], 1), _cell(["2"], 2))
    assert not _is_fragment(_next("Kewilayahan", "", ""), prev, WEIGHTS)


def test_a_label_under_a_row_cut_elsewhere_starts_a_row_of_its_own():
    # the name ended two lines above the row's lowest line (the indicator is taller): no cut in the name
    prev = _row(_cell(["Pemeliharaan Gedung Kantor", "dan Bangunan Pemerintah"], 0),
                _cell(["Jumlah gedung kantor", "yang dipelihara dan", "direhabilitasi sesuai", "standar"], 1),
                _cell(["2"], 2))
    assert not _is_fragment(_next("Kewilayahan", "", ""), prev, WEIGHTS)


def test_a_label_in_capitals_is_never_the_rest_of_a_name():
    prev = _row(_cell(["Penyediaan Jasa Penunjang", "Urusan Pemerintahan Daerah"], 0), _cell(["Jumlah"], 1), _cell(["4"], 2))
    assert not _is_fragment(_next("NON URUSAN", "", ""), prev, WEIGHTS)


def test_a_sub_unit_in_parentheses_finishes_the_name_above():
    # corpus 000-e T-C.33: '... di Kelurahan' / '(sub unit Kebonsari Wetan)' with the indicator's rest beside it
    prev = _row(_cell(["Pemberdayaan Masyarakat di", "Kelurahan"], 0), _cell(["Jumlah Kelompok dan Lembaga"], 1),
                _cell(["3"], 2))
    assert _is_fragment(_next("(sub unit Kebonsari Wetan)", "Kemasyarakatan yang diberdayakan", ""), prev, WEIGHTS)


def test_a_name_ending_on_kepada_goes_on():
    # corpus 000-e T-C.31: 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada' / 'Masyarakat di Wilayah ...'
    prev = _row(_cell(["Peningkatan Efektifitas", "Pelayanan kepada"], 0), _cell(["Persentase Pelayanan"], 1),
                _cell(["90"], 2))
    assert _is_fragment(_next("Masyarakat di Wilayah Kecamatan", "", ""), prev, WEIGHTS)


def test_a_new_item_with_its_own_values_is_no_fragment():
    prev = _row(_cell(["Pemberdayaan Masyarakat di", "Kelurahan"], 0), _cell(["Jumlah Kelompok"], 1), _cell(["3"], 2))
    assert not _is_fragment(_next("Penyediaan Jasa Surat Menyurat", "Jumlah laporan", "12"), prev, WEIGHTS)


def test_values_stacked_in_one_ruled_row_make_one_row_each():
    # kominfo LKjIP p.24: 'Belanja Langsung' over three lines, each with its anggaran, in one ruled row
    from extract.grid import Band, split_stacked

    names = _cell(["Belanja Langsung", "- Belanja pegawai", "- Belanja barang & jasa", "- Belanja hibah"], 0)

    def column(x: float, texts: list[tuple[int, str]]) -> Cell:
        return Cell("", False, [Word(t, x, x + 50.0, 700.0 + 12 * k, 709.0 + 12 * k, size=9.0) for k, t in texts])

    anggaran = column(370.0, [(1, "82.538.150,-"), (2, "5.655.429.000,-"), (3, "36.240.000,-")])
    realisasi = column(430.0, [(1, "73.640.715,-"), (2, "4.896.024.326,-"), (3, "36.211.100,-")])
    band = Band(1, 700.0, 745.0, [(0, 0), (1, 1), (2, 2)], [names, anggaran, realisasi])
    rows = split_stacked(band)
    assert [(r.cells[0].text, r.cells[1].text, r.cells[2].text) for r in rows] == [
        ("Belanja Langsung", "", ""), ("- Belanja pegawai", "82.538.150,-", "73.640.715,-"),
        ("- Belanja barang & jasa", "5.655.429.000,-", "4.896.024.326,-"),
        ("- Belanja hibah", "36.240.000,-", "36.211.100,-")]
    # a number wrapped in a narrow cell ('286,1' / '7') is one value: its rest is in one column only
    wrapped = Band(1, 700.0, 721.0, [(0, 0), (1, 1), (2, 2)],
                   [_cell(["Program Peningkatan Kinerja", "Pemerintahan Kecamatan"], 0),
                    column(370.0, [(0, "286,1"), (1, "7")]), column(430.0, [(0, "286,17")])])
    assert split_stacked(wrapped) == [wrapped]
