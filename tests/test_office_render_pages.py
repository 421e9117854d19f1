"""Pages of the Word and Excel files of ../shared/realdocs as LibreOffice renders them (the Office truth of
`tests/benchmarks/office_truth.py`), one mechanism each, cells asserted against the Office file's own table.

The pages are kept in tests/data (cut from the renders), so these tests run without ../shared:
- docx-renja-2017-stacked-items-p11.pdf: Renja 2017 Dispusipda, Word; one ruled row holds six kegiatan
  of one program, each '1.', '2.' ... beside its anggaran and its realisasi '270.539.109,00 (77,30%)' on
  two lines, no rule between them (Word rows without borders).
- docx-renja-2017-bab-ii-years-and-source-p25.pdf: Renja 2017 Dinas KUMKM, Tabel 2.3: rows '1. | 2008 |
  22.522' under a bold header, 'Sumber Data: Kabupaten/Kota' printed right under the table.
- docx-pk-2017-merged-at-1.5-spacing-p2.pdf: Perjanjian Kinerja 2017 Dinkes Jawa Barat, a sasaran merged
  over the four rows of its indicators, the document set at 1.5 line spacing.
- docx-renstra-swot-eleven-rules-p50.pdf: Renstra Dispar Padang Panjang, a SWOT matrix of prose drawn
  with eleven lines and few numbers.
- xlsx-review-rkpd-number-against-text-p1.pdf: Renja Biro Perekonomian, Excel: '25,000,000' right-aligned
  against the border where 'Biro Perekonomian' starts the next cell, no gap between them.
- docx-renja-2017-bab-iii-header-repeated-p8-14.pdf: Renja 2017 Dinas KUMKM, Bab III (pages 8-14 of the
  render): a 6-page program table whose two header rows LibreOffice repeats under the rest of a row cut by
  the page ('UsahaT' above the header), at the foot of a page with only the header's lower row overleaf,
  and once inside a page.
- xlsx-rkt-dpk-stacked-codes-p3.pdf: RKT Dinas Perpustakaan Padang Panjang, Excel fitted to one page width
  (a 3-point font): a program and its kegiatan are sheet rows with no rule between them, told apart by
  their codes and their pagu ('1,237,973,000' in English thousands), some kegiatan without a pagu.
"""

from __future__ import annotations

from pathlib import Path

from extract import extract_document
from extract.pdf import prescan

DATA = Path(__file__).parent / "data"


def _rows(name: str, page: int | None = None) -> list[list[str]]:
    doc = extract_document(DATA / name)
    return [r.texts for t in doc.tables if page is None or t.page_start == page for r in t.rows]


def test_kegiatan_stacked_in_one_ruled_row_come_out_one_row_each():
    rows = _rows("docx-renja-2017-stacked-items-p11.pdf")
    nine = next(i for i, r in enumerate(rows) if r[0] == "9")
    assert rows[nine] == ["9", "Program Pengembangan Kearsipan", "1. Penelusuran Arsip Bernilai Sejarah di Jawa Barat",
                          "350.000.000,00", "270.539.109,00 (77,30%)"]
    assert rows[nine + 1] == ["", "", "2. Preservasi Arsip Statis", "270.000.000,00", "265.715.500,00 (98,41%)"]
    assert rows[nine + 5] == ["", "", "6. Peningkatan Layanan Otomasi Kearsipan.", "608.473.800,00",
                              "606.879.200,00 (99,74%)"]
    assert rows[nine + 6][0] == "10"


def test_a_row_of_years_and_amounts_is_data_and_a_source_note_is_not_a_cell():
    doc = extract_document(DATA / "docx-renja-2017-bab-ii-years-and-source-p25.pdf")
    (table,) = doc.tables
    assert [h.text for h in table.header] == ["No.", "Tahun", "Jumlah Koperasi (Unit)"]
    assert [r.texts for r in table.rows] == [
        ["1.", "2008", "22.522"], ["2.", "2009", "22.664"], ["3.", "2010", "22.091"], ["4.", "2011", "23.848"],
        ["5.", "2012", "24.916"], ["6.", "2013", "25.252"], ["7.", "2014", "25.646"], ["8.", "2015", "25.741"]]


def test_a_merged_cell_wrapped_at_the_documents_line_spacing_stays_one_cell():
    rows = _rows("docx-pk-2017-merged-at-1.5-spacing-p2.pdf", page=1)
    assert rows[1][:3] == ["2.", "Menurunnya ratio Kematian Ibu dan Bayi", "a.Ratio kematian ibu"]
    assert rows[2][:3] == ["", "", "b.Ratio kematian bayi"]
    assert rows[5][:2] == ["3.", "Meningkatnya upaya pencegahan, pemberantasan, pengendalian penyakit menular dan tidak menular"]
    assert rows[6][:2] == ["", ""]


def test_a_page_drawing_a_grid_of_few_lines_is_analysed():
    (scan,) = prescan(DATA / "docx-renstra-swot-eleven-rules-p50.pdf")
    assert scan.numbers < 20 and scan.may_hold_table()
    rows = _rows("docx-renstra-swot-eleven-rules-p50.pdf")
    assert ["OPPORTUNITIES (peluang)", "S + O", "W + O"] in rows
    assert ["THREATNESS (ancaman)", "T + S", "T + W"] in rows


def test_a_column_rule_parts_a_number_from_the_text_it_touches():
    rows = _rows("xlsx-review-rkpd-number-against-text-p1.pdf")
    assert rows[0][-4:] == ["0", "25,000,000", "Biro Perekonomian", "Baru"]
    assert all("Biro" not in r[-4] for r in rows)


def test_rows_stacked_without_rules_open_on_their_code_and_their_pagu():
    rows = [r[3:10] for r in _rows("xlsx-rkt-dpk-stacked-codes-p3.pdf")]
    program = rows.index(["1.24.01.01", "Program Pelayanan Administrasi Perkantoran", "", "", "", "1,237,973,000", ""])
    assert rows[program + 1][:3] == ["1.24.01.01.01", "1. Penyediaan Jasa Surat Menyurat",
                                     "Jumlah jenis bahan pendukung penyediaan jasa surat menyurat"]
    assert rows[program + 1][5] == "3,600,000"
    # '2 telepon, ...' starts against its cell's left rule: its digits stay in the cell
    assert rows[program + 2][3:6] == ["", "2 telepon, 2 air, 2 internet, 2 listrik", "41,700,000"]
    assert [r[:2] for r in rows[-3:]] == [
        ["1.24.01.02.01", "Pengadaan perlengkapan gedung kantor"], ["1.24.01.02.03", "Pembangunan tempat parkir"],
        ["1.24.01.02.06", "Pengadaan Kendaraan Dinas/operasional"]]


def test_a_header_repeated_anywhere_is_dropped_and_the_rows_cut_by_pages_are_joined():
    doc = extract_document(DATA / "docx-renja-2017-bab-iii-header-repeated-p8-14.pdf")
    (table,) = doc.tables
    assert (table.page_start, table.page_end) == (1, 7)
    assert [h.text for h in table.header][:4] == ["NO", "PROGRAM / KEGIATAN", "SASARAN KEGIATAN", "LOKASI KEGIATAN"]
    rows = [r.texts for r in table.rows]
    assert not [r for r in rows if "PROGRAM / KEGIATAN" in r or "OUTPUT KEGIATAN" in r]
    assert ["", "3", "Sosialisasi SHAT", "Sosialissai SHAT bagi UMKM yang mendapatkan Modal UsahaT", "200 KUMKM",
            "Jawa Barat"] in rows
    assert ["", "128", "Pemeliharaan Saluran Air Kotor Balatkop KUMKM", "Pemeliharaan Saluran Air Kotor", "4 kali",
            "Kota Bandung"] in rows
    numbers = [int(r[1]) for r in rows if r[1].isdigit()]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_rows_a_page_break_cut_in_a_word_export_are_joined_again():
    # The fixture Renja (tests/fixtures/office_docs.py) built WITHOUT cantSplit, so that Word rows break across
    # pages, exported to PDF by LibreOffice: docx-renja-2022-rows-split-by-pages.pdf. Each of T-C.29, T-C.31
    # and T-C.33 has one row cut by a page ('Program Peningkatan' / 'Pengembangan Sistem Pelaporan ...',
    # '... dalam' / 'kondisi baik', 'Pemerintahan di Tingkat Kecamatan' / 'berkembang' under a header word).
    from tests.fixtures.builder import load_spec

    spec = {t["table_code"]: t for t in load_spec("renja_2022_kanigaran")["tables"]}
    doc = extract_document(DATA / "docx-renja-2022-rows-split-by-pages.pdf")
    squash = lambda text: "".join(text.split())  # noqa: E731 - LibreOffice wraps where Word would not
    tables = [t for t in doc.tables if len(t.rows) > 5]
    assert len(tables) == 3
    for table, code in zip(tables, ("T-C.29", "T-C.31", "T-C.33")):
        assert [[squash(c) for c in r.texts] for r in table.rows] == [
            [squash(c) for c in row["cells"]] for row in spec[code]["rows"]], code
