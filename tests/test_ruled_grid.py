"""Cells of a ruled table from its rules: a cell merged over several rows keeps its text on the first row.

The grids are drawn as an Office export draws them: a ruling for every border segment. Three columns
(x 40-140, 140-300, 300-400), rows 20 pt high from y 100. Column 0 is merged over rows 2-4 (a program
printed once for its kegiatan): the horizontal rules under rows 2 and 3 stop at x 140.
"""

from __future__ import annotations

from extract.grid import ruled_bands, ruled_columns
from extract.stitch import build_table, group_blocks
from extract.layout import Block, build_lines
from extract.model import Ruling, Word

XS = [40.0, 140.0, 300.0, 400.0]
YS = [100.0, 120.0, 140.0, 160.0, 180.0]


def _words(text: str, x: float, top: float) -> list[Word]:
    out = []
    for token in text.split():
        out.append(Word(token, x, x + 5.0 * len(token), top, top + 9.0, size=9.0))
        x += 5.0 * (len(token) + 1)
    return out


def _block(words: list[Word], merged_rows: set[int]) -> Block:
    rulings = [Ruling(x, YS[0], x, YS[-1]) for x in XS]
    for k, y in enumerate(YS):
        # a rule under row k (1-based) of a merge starts after the merged column
        x0 = XS[1] if k in merged_rows else XS[0]
        rulings.append(Ruling(x0, y, XS[-1], y))
    lines = build_lines(words)
    return Block(1, XS[0], YS[0], XS[-1], YS[-1], lines, True, rulings)


def _table(block: Block) -> list[list[str]]:
    xs = ruled_columns(block)
    return [[c.text for c in b.as_columns(len(xs) - 1)] for b in ruled_bands(block, xs)]


def test_text_of_a_cell_merged_down_three_rows_goes_to_its_first_row():
    words = (_words("Program", 45, 105) + _words("Uraian", 145, 105) + _words("Pagu", 305, 105)
             # the merged cell's text is centred: it prints in the middle of rows 2-4, over two lines
             + _words("Program Pelayanan", 45, 142) + _words("Administrasi", 45, 152)
             + _words("Kegiatan A", 145, 125) + _words("10.000", 305, 125)
             + _words("Kegiatan B", 145, 145) + _words("20.000", 305, 145)
             + _words("Kegiatan C", 145, 165) + _words("30.000", 305, 165))
    rows = _table(_block(words, merged_rows={2, 3}))
    assert rows == [
        ["Program", "Uraian", "Pagu"],
        ["Program Pelayanan Administrasi", "Kegiatan A", "10.000"],
        ["", "Kegiatan B", "20.000"],
        ["", "Kegiatan C", "30.000"],
    ]


def test_cells_closed_by_their_own_rules_stay_in_their_rows():
    words = (_words("Program", 45, 105) + _words("Uraian", 145, 105) + _words("Pagu", 305, 105)
             + _words("Satu", 45, 125) + _words("Kegiatan A", 145, 125) + _words("10.000", 305, 125)
             + _words("Dua", 45, 145) + _words("Kegiatan B", 145, 145) + _words("20.000", 305, 145)
             + _words("Tiga", 45, 165) + _words("Kegiatan C", 145, 165) + _words("30.000", 305, 165))
    rows = _table(_block(words, merged_rows=set()))
    assert [r[0] for r in rows] == ["Program", "Satu", "Dua", "Tiga"]


def test_an_excel_table_with_its_title_inside_the_frame_and_no_repeated_header():
    # tests/fixtures/excel_tc28.py: two title rows merged over the 9 columns, a two-row header (Tahun 1-5 under
    # a merged TARGET CAPAIAN SETIAP TAHUN), shaded rows, 35 rows over two pages without a repeated header.
    # The second page opens on row 21, whose wrapped name prints a line above its number.
    from pathlib import Path

    from extract import extract_document

    doc = extract_document(Path(__file__).parent / "data" / "excel-tc28-title-in-frame.pdf")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert (t.page_start, t.page_end, t.n_cols, len(t.rows)) == (1, 2, 9, 35)
    assert "Tabel T-C.28" in t.caption and "Dinas Pariwisata Kota Padang Panjang" in t.caption
    assert [t.header_path(c) for c in (3, 7)] == ["TARGET CAPAIAN SETIAP TAHUN / Tahun 1",
                                                   "TARGET CAPAIAN SETIAP TAHUN / Tahun 5"]
    assert t.rows[0].texts == ["1", "Persentase capaian indikator kinerja nomor 1 urusan pariwisata", "40,75 %",
                               "79,16 %", "57,77 %", "70,80 %", "84,08 %", "87,01 %", "70,33 %"]
    assert (t.rows[20].page, t.rows[20].texts[:3]) == (
        2, ["21", "Persentase capaian indikator kinerja nomor 21 urusan pariwisata", "38,04 %"])
    assert [r.texts[0] for r in t.rows] == [str(i) for i in range(1, 36)]
    assert t.lost_words == []


def test_tables_on_consecutive_pages_with_other_column_rules_are_other_tables():
    # ../shared/realdocs frisdiandi ... lakip_dispar-18.docx rendered by LibreOffice, pages 24-28 (now 1-5):
    # five Word tables. A table that ends a page is not continued by the next page's table when that one
    # stands on other column rules (p.1 -> p.2, p.4 -> p.5), even without a caption or a known header.
    from pathlib import Path

    from extract import extract_document

    doc = extract_document(Path(__file__).parent / "data" / "lakip-dispar-2018-p24-28.pdf")
    spans = [(t.page_start, t.page_end, t.n_cols, len(t.rows)) for t in doc.tables]
    assert spans == [(1, 1, 6, 14), (2, 3, 6, 23), (3, 4, 4, 29), (5, 5, 4, 8), (5, 5, 4, 5)]
    staff = doc.tables[1]
    # a letter-spaced header ('N A M A', 'J A B A T A N') is a header; the rule under PANGKAT/RUANG moves
    assert [(h.text, h.first_col, h.last_col) for h in staff.header] == [
        ("N O", 0, 0), ("N A M A", 1, 1), ("N I P", 2, 2), ("PANGKAT/RUANG", 3, 4), ("J A B A T A N", 5, 5)]
    assert staff.rows[1].texts == ["1", "HENDRI FAUZAN,AP.M.Si", "19740409 199501 1 001", "",
                                   "Pembina Tk.I /IV.b", "Kepala Dinas Pariwisata"]
    # 'Pendidikan' is merged over the three header rows; '2016 (Jiwa)' is a header cell, not a row
    pendidikan = doc.tables[3]
    assert pendidikan.header_path(1) == "Tahun / 2016 (Jiwa)"
    assert [r.texts for r in pendidikan.rows[:2]] == [["SD", "0", "0", "0"], ["SLTP", "0", "0", "0"]]
    assert pendidikan.rows[-1].texts == ["Jumlah", "22", "21", "22"]


def test_a_column_drawn_without_rules_keeps_one_text_per_row():
    # Excel prints a column without borders (jabar Renja 2016 Tabel 3.1: Kode, Lokasi, Sumber Dana): the rules
    # between rows stop at it, yet each row prints its own text there, a row apart: no merged cell
    words = (_words("Kode", 45, 105) + _words("Uraian", 145, 105) + _words("Pagu", 305, 105)
             + _words("1", 45, 125) + _words("Kegiatan A", 145, 125) + _words("10.000", 305, 125)
             + _words("2", 45, 145) + _words("Kegiatan B", 145, 145) + _words("20.000", 305, 145)
             + _words("3", 45, 165) + _words("Kegiatan C", 145, 165) + _words("30.000", 305, 165))
    rows = _table(_block(words, merged_rows={2, 3}))
    assert [r[0] for r in rows] == ["Kode", "1", "2", "3"]


def test_a_two_column_list_of_programs_and_their_numbered_kegiatan():
    # lakip dispar 2018 pp.42-43 (rendered from the .docx): 'PROGRAM | KEGIATAN' under an empty first row, each
    # program bold beside its numbered kegiatan ('1. Pelaksanaan Promosi ...'): rows, not more header rows
    from pathlib import Path

    from extract import extract_document

    doc = extract_document(Path(__file__).parent / "data" / "lakip-dispar-2018-p42-43.pdf")
    (t,) = [t for t in doc.tables if t.n_cols == 2]
    assert (t.page_start, t.page_end, len(t.rows)) == (1, 2, 9)
    assert [h.text for h in t.header] == ["PROGRAM", "KEGIATAN"]
    assert t.rows[1].texts == ["Program Pengembangan Destinasi pariwisata",
                               "1. Pemeliharaan Sarana dan Prasarana Objek Wisata 2. DAK Penataan Kawasan Pariwisata"]


def _page_block(page: int, caption: str, rows: list[tuple[str, str, str]]) -> Block:
    """A ruled block filling a page from y 100 (header row 'No | Uraian | Pagu' first), `caption` above it."""
    words, top = [], YS[0]
    for row in [("No", "Uraian", "Pagu")] + rows:
        for x, text in zip(XS, row):
            words += _words(text, x + 5, top + 5)
        top += 20.0
    ys = [YS[0] + 20.0 * k for k in range(len(rows) + 2)]
    rulings = [Ruling(x, ys[0], x, ys[-1]) for x in XS] + [Ruling(XS[0], y, XS[-1], y) for y in ys]
    block = Block(page, XS[0], ys[0], XS[-1], ys[-1], build_lines(words), True, rulings,
                  caption_lines=build_lines(_words(caption, 40, 80)), page_width=595.0, page_height=842.0,
                  first_on_page=True, last_on_page=True, content_top=80.0)
    return block


def test_a_caption_that_differs_at_its_end_starts_another_table():
    # a Perubahan Renstra prints each table before and after the change, under captions that differ at the end
    rows = [("1", "Kegiatan A", "10.000"), ("2", "Kegiatan B", "20.000")]
    before = _page_block(5, "Tabel T-C.27 Rencana Program dan Kegiatan Kecamatan Kanigaran Sebelum Perubahan", rows)
    after = _page_block(6, "Tabel T-C.27 Rencana Program dan Kegiatan Kecamatan Kanigaran Setelah Perubahan", rows)
    assert [[b.page for b in g] for g in group_blocks([before, after])] == [[5], [6]]
    # the same caption printed again on the next page is the same table going on
    again = _page_block(6, "Tabel T-C.27 Rencana Program dan Kegiatan Kecamatan Kanigaran Sebelum Perubahan", rows)
    assert [[b.page for b in g] for g in group_blocks([before, again])] == [[5, 6]]


def test_the_column_numbers_of_a_two_column_table_are_not_a_row():
    xs, ys = [40.0, 300.0, 400.0], [100.0, 120.0, 140.0, 160.0, 180.0]
    words = []
    for top, (name, value) in zip(ys, [("Program", "Pagu"), ("1", "2"), ("Program A", "10.000"), ("Program B", "20.000")]):
        words += _words(name, xs[0] + 5, top + 5) + _words(value, xs[1] + 5, top + 5)
    rulings = [Ruling(x, ys[0], x, ys[-1]) for x in xs] + [Ruling(xs[0], y, xs[-1], y) for y in ys]
    block = Block(1, xs[0], ys[0], xs[-1], ys[-1], build_lines(words), True, rulings, page_width=595.0,
                  page_height=842.0, first_on_page=True, last_on_page=True)
    table = build_table([block])
    assert [h.text for h in table.header] == ["Program", "Pagu"] and table.column_numbers == ["1", "2"]
    assert [r.texts for r in table.rows] == [["Program A", "10.000"], ["Program B", "20.000"]]


def test_short_labels_over_the_numbers_below_are_the_headers_lower_row():
    # LKjIP Kanigaran 2024, Tabel 3.14: narrow columns wrap 'Target' into 'Targ et' under 'Kinerja'
    xs, ys = [40.0, 200.0, 260.0, 320.0, 380.0], [100.0, 120.0, 140.0, 160.0]
    cells = [("Indikator Kinerja Utama", "Kinerja", "", ""), ("", "Targ et", "Realis asi", "Capai an"),
             ("Persentase Kelompok", "45", "100", "222,22")]
    words = [w for top, row in zip(ys, cells) for x, text in zip(xs, row) for w in _words(text, x + 3, top + 5)]
    rulings = [Ruling(x, ys[0], x, ys[-1]) for x in xs] + [Ruling(xs[0], y, xs[-1], y) for y in ys]
    block = Block(1, xs[0], ys[0], xs[-1], ys[-1], build_lines(words), True, rulings, page_width=595.0,
                  page_height=842.0, first_on_page=True, last_on_page=True)
    table = build_table([block])
    assert [h.text for h in table.header if h.row == 1] == ["Targ et", "Realis asi", "Capai an"]
    assert [r.texts for r in table.rows] == [["Persentase Kelompok", "45", "100", "222,22"]]
