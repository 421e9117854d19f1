"""The truth read from Office files (tests/benchmarks/office_truth.py), on tables built here and on two
real files of ../shared/realdocs rendered by LibreOffice.

The real-file expectations were read off the rendered pages (pdftoppm → PNG, looked at), not copied
from what the reader printed: the Perjanjian Kinerja of BPKAD Jawa Barat 2017 (.docx, page 2: NO. /
Sasaran / Indikator Kinerja Utama / Target, 14 indicator rows, the NO and Sasaran cells merged down
each group; page 3: the programs and their ANGGARAN, total 81.298.026.321) and the RKT of DPK Padang
Panjang (.xlsx, sheet "Tabel 2.3.1 ", page 1: Uraian, "Anggaran Pada" over the years 2014-2018,
BELANJA TIDAK LANGSUNG 1,107,025,000 as the sheet's number format shows it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks import office_truth as ot

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"  # as tests/benchmarks/bench.py finds it
REALDOCS = SHARED / "realdocs"
PK = "andri000me__aplikasi_esakip__datapk--1506875422_pk_kepala_bpkad_2017.docx"
RKT = "frisdiandi__portalpp__5f35004170a8c_rkt_dpk.xlsx"


# ------------------------------------------------------------------ tables built here (no soffice)

def _mark_header(row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _word_table(tmp_path: Path, mark_header: bool) -> Path:
    """Caption 'Tabel T-C.27 ...'; header: No and Program merged down two rows, Anggaran over two year
    columns; a column-number row; data: No '1' merged down over two programs."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("Tabel T-C.27 Rencana Program")
    t = doc.add_table(rows=6, cols=4)
    texts = [["No", "Program", "Anggaran", ""], ["", "", "2021", "2022"], ["1", "2", "3", "4"],
             ["1", "Program A", "1.000.000", "2.500.000,50"], ["", "Program B", "750.000", "-"],
             ["2", "Program C", "10", "20"]]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            if text:
                t.cell(r, c).text = text
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 1).merge(t.cell(1, 1))
    t.cell(0, 2).merge(t.cell(0, 3))
    t.cell(3, 0).merge(t.cell(4, 0))
    if mark_header:
        for r in (0, 1, 2):
            _mark_header(t.rows[r])
    sig = doc.add_table(rows=3, cols=2)  # a signature block: no number, two rows under the first
    sig.cell(0, 0).text, sig.cell(0, 1).text = "Mengetahui,", "Padang Panjang, Juni"
    sig.cell(1, 0).text, sig.cell(1, 1).text = "Kepala Dinas", "Sekretaris"
    sig.cell(2, 0).text, sig.cell(2, 1).text = "Nama Satu", "Nama Dua"
    path = tmp_path / "built.docx"
    doc.save(str(path))
    return path


@pytest.mark.parametrize("mark_header", [True, False], ids=["tblHeader", "merged-block"])
def test_word_merges_and_header(tmp_path, mark_header):
    raws = ot.word_tables(_word_table(tmp_path, mark_header), None)
    assert [r.source_id for r in raws] == ["table 1", "table 2"]
    table, reason = ot.split_table(raws[0])
    assert reason == ""
    assert table.header_rule == ("tblHeader" if mark_header else "merged block")
    assert table.n_cols == 4 and table.n_header_rows == 3
    assert table.header == [
        {"text": "No", "row": 0, "col": 0, "rowspan": 2, "colspan": 1},
        {"text": "Program", "row": 0, "col": 1, "rowspan": 2, "colspan": 1},
        {"text": "Anggaran", "row": 0, "col": 2, "rowspan": 1, "colspan": 2},
        {"text": "2021", "row": 1, "col": 2, "rowspan": 1, "colspan": 1},
        {"text": "2022", "row": 1, "col": 3, "rowspan": 1, "colspan": 1},
        {"text": "1", "row": 2, "col": 0, "rowspan": 1, "colspan": 1},
        {"text": "2", "row": 2, "col": 1, "rowspan": 1, "colspan": 1},
        {"text": "3", "row": 2, "col": 2, "rowspan": 1, "colspan": 1},
        {"text": "4", "row": 2, "col": 3, "rowspan": 1, "colspan": 1},
    ]
    # the vMerge continuation is empty: '1' stays in the first row of the merge
    assert table.rows == [["1", "Program A", "1.000.000", "2.500.000,50"], ["", "Program B", "750.000", "-"],
                          ["2", "Program C", "10", "20"]]
    assert table.numeric_cols == [0, 2, 3]
    assert table.caption == ["Tabel T-C.27 Rencana Program"] and table.template == "T-C.27"
    assert ot.split_table(raws[1]) == (None, "layout table (at most 2 data rows, no number)")


def test_sheet_bands_hidden_columns_and_merges():
    """Sheet rows without a rule between them are one printed row unless the lower one has a number;
    a hidden column is left out; a merged title row above the header is a caption."""
    import openpyxl
    from openpyxl.styles import Border, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [["Tabel 2.1 Anggaran", None, None, None], ["Uraian", "catatan", "Anggaran", None],
            [None, None, "2021", "2022"], ["Program Pelayanan", "x", 1000, 2000],
            ["Administrasi Perkantoran", None, None, None], ["Program Sarana", "y", 3000, 4000],
            ["Pengadaan Kendaraan", "z", 500, 600]]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    ws.merge_cells("A1:D1")
    ws.merge_cells("A2:A3")
    ws.merge_cells("C2:D2")
    ws.column_dimensions["B"].hidden = True
    thin = Side(style="thin")
    for r in range(1, 8):
        for c in range(1, 5):
            # no rule between sheet rows 4 and 5 (a name typed over two rows) nor between 6 and 7
            top = thin if r not in (5, 7) else None
            ws.cell(r, c).border = Border(left=thin, right=thin, top=top, bottom=thin if r not in (4, 6) else None)
    raw = ot.sheet_table(ws, None)
    table, reason = ot.split_table(raw)
    assert reason == ""
    assert table.caption == ["Tabel 2.1 Anggaran"] and table.n_cols == 3 and table.n_header_rows == 2
    assert {"text": "Anggaran", "row": 0, "col": 1, "rowspan": 1, "colspan": 2} in table.header
    assert {"text": "Uraian", "row": 0, "col": 0, "rowspan": 2, "colspan": 1} in table.header
    assert table.rows == [["Program Pelayanan Administrasi Perkantoran", "1000", "2000"],
                          ["Program Sarana", "3000", "4000"], ["Pengadaan Kendaraan", "500", "600"]]


def test_column_number_rows():
    assert ot.is_column_number_row(["1", "2", "3", "", "4"])
    assert ot.is_column_number_row(["(1)", "(2)", "(3)"])
    assert ot.is_column_number_row(["6", "7", "8", "9=(8/7)"])
    assert ot.is_column_number_row(["1", "2", "5", "6", "7"])  # columns 3 and 4 hidden in the source
    assert not ot.is_column_number_row(["6", "8", "9"])
    assert not ot.is_column_number_row(["1.", "2008", "22.522"])
    assert not ot.is_column_number_row(["I", "0", "0", "0"])


# --------------------------------------------------------------- real files, rendered by LibreOffice

needs_office = pytest.mark.skipif(
    not REALDOCS.is_dir() or ot.soffice_path() is None,
    reason=f"needs {REALDOCS} and LibreOffice's soffice (apt-get install libreoffice-writer-nogui "
           "libreoffice-calc-nogui)" + ("" if REALDOCS.is_dir() else f"; {REALDOCS} is missing")
           + ("" if ot.soffice_path() else "; soffice is not on PATH"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("office-truth")
    manifest = ot.build(REALDOCS, work, timeout=120, files=[PK, RKT], log=lambda *a: None)
    entries = {e["source"]: e for e in manifest["pdfs"]}
    return work, manifest, entries


def _truth(work: Path, entry: dict, table_id: str) -> dict:
    import json

    t = next(t for t in entry["tables"] if t["id"] == table_id)
    return json.loads((work / t["groundtruth"]).read_text(encoding="utf-8"))


@needs_office
def test_real_docx_truth(built):
    work, manifest, entries = built
    assert manifest["skipped_files"] == []
    pk = entries[PK]
    assert [t["id"] for t in pk["tables"]] == ["table 1", "table 2"]
    t1 = _truth(work, pk, "table 1")
    assert t1["n_cols"] == 4 and len(t1["rows"]) == 14
    assert t1["header"][0] == {"text": "NO.", "row": 0, "col": 0, "rowspan": 2, "colspan": 1}
    assert t1["rows"][0]["cells"] == ["1", "Meningkatnya Kualitas Pengelolaan Keuangan Daerah",
                                      "Perda dan Pergub APBD/APBD Perubahan Tepat Waktu", "4 Dokumen"]
    assert t1["rows"][1]["cells"][:2] == ["", ""]  # NO and Sasaran merged down: continuations are empty
    t2 = _truth(work, pk, "table 2")
    assert t2["n_cols"] == 4 and len(t2["rows"]) == 8 and t2["numeric_cols"] == [0, 2]
    assert t2["rows"][5]["cells"] == ["6", "Program Peningkatan Sarana dan Prasarana Aparatur", "27.321.500.000",
                                      "APBD (Termasuk DPA PPKD sebesar Rp. 21.050.000.000)"]
    assert t2["rows"][-1]["cells"] == ["", "J U M L A H", "81.298.026.321", ""]
    assert (t1["start_page"], t1["end_page"], t2["start_page"], t2["end_page"]) == (2, 2, 3, 3)
    pages = ot.page_texts(work / pk["pdf"])
    assert ot.alnum("Program Pengelolaan Keuangan dan Kekayaan Daerah") in pages[t2["start_page"] - 1]


@needs_office
def test_real_xlsx_truth(built):
    work, manifest, entries = built
    rkt = entries[RKT]
    assert "Tabel 2.3.1 " in rkt["fit_to_width"]
    t = _truth(work, rkt, "sheet Tabel 2.3.1 ")
    assert t["n_cols"] == 18  # the hidden columns B:D (Belanja Pegawai/Barang/Modal) are not printed
    assert t["caption"][0] == "Tabel 2.3.1"
    assert {"text": "Anggaran Pada", "row": 0, "col": 1, "rowspan": 1, "colspan": 5} in t["header"]
    first = t["rows"][0]["cells"]
    assert first[:3] == ["BELANJA TIDAK LANGSUNG", "1,107,025,000", "1,275,435,292"]  # as the format shows
    pages = ot.page_texts(work / rkt["pdf"])
    assert t["start_page"] <= t["rows"][0]["page"] <= t["end_page"]
    assert ot.alnum("BELANJA TIDAK LANGSUNG 1,107,025,000") in pages[t["rows"][0]["page"] - 1]
