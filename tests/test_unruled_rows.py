"""Rows of tables without rules: which printed lines start a row, which carry on the row above.

Real pages cut from LibreOffice renders of Word and Excel files in ../shared/realdocs (the Office
truth bench), whose cells are known from the Office files; synthetic blocks of words where a case
needs only a few lines.
"""

from __future__ import annotations

from pathlib import Path

from extract.layout import page_blocks, running_texts
from extract.model import Line, Word
from extract.pdf import read_pages
from extract import grid
from extract.stitch import build_table, group_blocks

DATA = Path(__file__).parent / "data"


def _tables(pdf: str):
    pages = list(read_pages(DATA / pdf))
    running = running_texts(pages)
    blocks = [b for p in pages for b in page_blocks(p, running)[0]]
    return [t for g in group_blocks(blocks) if (t := build_table(g)) is not None]


def test_a_spreadsheet_list_with_english_thousands_has_a_row_per_line():
    # Excel sheet 'keu kec.2017' (tabel-renstra-4.1 cabar 2019, p.4): names and amounts printed
    # '918,112,500', single-spaced, no rules. Each amount is a value of its own, so each line is a row
    # (before, '918,112,500' was not read as a value and the nine lines made one row).
    (table,) = _tables("xlsx-keu-kec-unruled-list.pdf")
    assert [r.texts for r in table.rows] == [
        ["KTR CAMAT", "1,714,109,790"], ["SILBA", "918,112,500"], ["SILAT", "671,217,500"],
        ["PAUS", "771,494,500"], ["P.BARU", "589,757,500"], ["BUSUR", "813,822,500"],
        ["BALAI2", "909,777,500"], ["T.HITAM", "745,327,500"], ["KAMANG", "943,247,500"],
        ["", "8,076,866,790"]]


def test_numbered_rows_keep_their_wrapped_lines_and_the_currency_stays_with_its_amount():
    # Word PK 2017 Dinas Kesehatan Jawa Barat, pp.2-3 (tab stops, no rules): 'Rp.' is tab-aligned apart
    # from its amount, and the amount's line is centred against a program name of two or three lines,
    # so lines overlap (a negative gap) and the leading inside a name (5.7, 8.7 pt) is close to the
    # space between rows (11.1 pt). The number opening each row tells the rows; 'Rp.' is no column.
    table = _tables("pk-2017-anggaran-unruled-p2-3.pdf")[-1]
    assert [h.text for h in table.header] == ["Program", "Anggaran", "Keterangan"]
    rows = [r.texts for r in table.rows]
    assert len(rows) == 13
    assert rows[3] == ["4. Pengendalian Penyakit Menular dan Tidak Menular", "Rp. 31.008.703.500", "APBD"]
    assert rows[6] == ["7. Dukungan Manajemen dan Pelaksanaan Tugas Teknis Lainnya Kementerian Kesehatan",
                       "Rp. 2.028.658.000", "APBN"]
    assert rows[12] == ["13. Pengembangan Dan Pemberdayaan Sumber Daya Manuasia Kesehatan (PPSDMK)",
                        "Rp. 8.065.407.000", "APBN"]
    assert [r[0].split()[0] for r in rows] == [f"{k}." for k in range(1, 14)]


def _line(top: float, *cells: tuple[float, str]) -> Line:
    words = []
    for x, text in cells:
        for token in text.split():
            words.append(Word(token, x, x + 5.0 * len(token), top, top + 10.0, size=10.0))
            x += 5.0 * (len(token) + 1)
    return Line(words)


def test_a_line_closer_than_the_space_above_every_number_is_the_rest_of_its_row():
    # rows 14 pt apart, lines of a wrapped name 6 pt apart: spacing alone would call the 6 pt a row
    # gap (it is well above the 1 pt of the closest lines); the numbers say it is not
    bounds = [40.0, 250.0, 420.0]
    lines = [_line(100, (40, "1. Promosi Kesehatan"), (300, "4.325.170.000")),
             _line(124, (40, "2. Dukungan Manajemen dan"), (300, "2.028.658.000")),
             _line(140, (55, "Pelaksanaan Tugas Teknis")),
             _line(151, (55, "Kementerian Kesehatan")),
             _line(175, (40, "3. Pembinaan Kesehatan"), (300, "55.169.058.000")),
             _line(199, (40, "4. Kefarmasian dan"), (300, "1.632.601.000")),
             _line(210, (55, "Alat Kesehatan"))]
    rows = grid.line_rows(lines, bounds, grid.numeric_columns(lines, bounds), unruled=True)
    assert [" ".join(l.text for l in row) for row in rows] == [
        "1. Promosi Kesehatan 4.325.170.000",
        "2. Dukungan Manajemen dan 2.028.658.000 Pelaksanaan Tugas Teknis Kementerian Kesehatan",
        "3. Pembinaan Kesehatan 55.169.058.000",
        "4. Kefarmasian dan 1.632.601.000 Alat Kesehatan"]


def test_a_page_opening_on_rows_without_figures_keeps_them_as_rows_and_the_table_goes_on():
    # corpus 000-c Tabel 2.5 pp.17-18 (no rules): p.18 repeats the one-line header, then seven lines of
    # sub-kegiatan with no figure before 'Indeks Kepuasan Masyarakat (IKM) 82,5% 81,96%'. The header
    # ends where the lines stand a row apart (7 pt), not at the first figure: before, those seven rows
    # were read as header, the header differed from p.17's and the table came out in two pieces.
    table = _tables("corpus-000c-tabel-2.5-p17-18.pdf")[-1]
    assert (table.page_start, table.page_end) == (1, 2)
    assert [h.text for h in table.header] == ["Indikator Kinerja", "Target", "Realisasi", "Program/Kegiatan"]
    texts = [r.texts for r in table.rows]
    assert ["", "", "", "Pemberdayaan Masyarakat Kelurahan Curahgrinting"] in texts
    assert ["", "", "", "Pembangunan Sarana Dan Prasarana Kelurahan Kanigaran"] in texts


def test_a_line_whose_first_word_fitted_on_the_line_above_starts_a_row():
    # the same table: rows 7 pt apart after a one-line name, 4.7 pt after a wrapped one, wrapped lines
    # 2.9 pt apart. 'Fasilitasi' would have fitted after 'Peningkatan Pemberdayaan Masyarakat': no wrap
    # put it there, so it opens a row; 'Wetan' had no room after 'Kebon Sari': the rest of its name.
    texts = [r.texts for r in _tables("corpus-000c-tabel-2.5-p17-18.pdf")[-1].rows]
    assert texts[:3] == [
        ["% Kelompok dan Lembaga Kemasyarakatan yang Difasilitasi", "25%", "25%", "Peningkatan Pemberdayaan Masyarakat"],
        ["", "", "", "Fasilitasi Pemberdayaan Masyarakat Tingkat Kecamatan"],
        ["", "", "", "Fasilitasi Pemberdayaan Masyarakat Pada Kelurahan Kanigaran"]]
    assert ["", "", "", "Fasilitasi Pemberdayaan Masyarakat Pada Kelurahan Kebon Sari Wetan"] in texts
    assert ["", "", "", "Fasilitasi Pemberdayaan Masyarakat Pada Kelurahan Kebon Sari Kulon"] in texts


def test_lines_that_overlap_do_not_set_the_leading():
    # an amount centred against a name of two lines overlaps the name's first line (a negative gap):
    # the spacing of rows is read from the lines that do not overlap (1 pt inside a row, 10 pt between
    # rows). Before, the overlaps set the leading below zero and each name's second line became a row.
    bounds = [40.0, 250.0, 420.0]
    lines = []
    for k, (name, rest, amount) in enumerate([("Pengendalian Penyakit", "Menular dan Tidak Menular", "31.008.703.500"),
                                               ("Dukungan Manajemen dan", "Pelaksanaan Tugas Teknis", "2.028.658.000"),
                                               ("Penguatan Pelaksanaan", "Jaminan Kesehatan Nasional", "1.216.362.000")]):
        top = 100.0 + 37.0 * k
        lines += [_line(top, (40, name)), _line(top + 6, (300, amount)), _line(top + 17, (40, rest))]
    rows = grid.line_rows(lines, bounds, grid.numeric_columns(lines, bounds), unruled=True)
    assert [" ".join(l.text for l in row) for row in rows] == [
        "Pengendalian Penyakit 31.008.703.500 Menular dan Tidak Menular",
        "Dukungan Manajemen dan 2.028.658.000 Pelaksanaan Tugas Teknis",
        "Penguatan Pelaksanaan 1.216.362.000 Jaminan Kesehatan Nasional"]
