"""Word and Excel files read directly (extract/office.py, docx_reader.py, xlsx_reader.py, excel_format.py).

The Renja .docx is built by tests/fixtures/office_docs.py from the spec the PDF fixtures use: its rows are
the spec's rows, cell for cell. Its PDF export (LibreOffice, when installed) read by the PDF path gives the
same rows and values. The small workbooks and documents below are built here, their truth beside them.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Border, Font, Side

from extract import extract_document, office
from extract.excel_format import shown
from pipelines.process import process_file
from tests.fixtures.office_docs import build_renja_docx

DATA = Path(__file__).parent / "data"


def squashed(cells) -> list[str]:
    """A row's non-empty cells, whitespace left out (the bench's 'exact': a wrapped line may print a space)."""
    return ["".join(c.split()) for c in cells if c.strip()]


def rows_of(res, code: str) -> list[dict]:
    ids = {t["table_id"] for t in res.tables if t["table_code"] == code}
    return [r for r in res.rows if r["table_id"] in ids]


def values_of(res, code: str) -> list[tuple]:
    ids = {t["table_id"] for t in res.tables if t["table_code"] == code}
    return [tuple((k, "".join(str(x).split())) for k, x in sorted(v.items()) if k not in ("table_id", "doc_id"))
            for v in res.values if v["table_id"] in ids]


@pytest.fixture(scope="module")
def renja(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    path = folder / "renja-2022-kanigaran.docx"
    spec_tables = build_renja_docx(path)
    return path, spec_tables, process_file(path)


# ------------------------------------------------------------------------------------------- Word

def test_renja_docx_rows_are_the_spec_rows(renja):
    path, spec_tables, res = renja
    assert res.document["status"] == "ok", res.document["message"]
    assert (res.document["doc_type"], res.document["tahun"], res.document["perangkat_daerah"]) == (
        "renja", 2022, "Kecamatan Kanigaran")
    assert [t["table_code"] for t in res.tables] == ["T-C.29", "T-C.31", "T-C.33"]
    for t, spec in zip(res.tables, spec_tables):
        rows = [r for r in res.rows if r["table_id"] == t["table_id"]]
        assert [list(r["cells"]) for r in rows] == [s["cells"] for s in spec["rows"]], t["table_code"]
        n_head = max(h["row"] + h["rowspan"] for h in spec["header"])
        k = len(res.tables[: res.tables.index(t)]) + 1
        assert rows[0]["location"] == f"table {k}, row {n_head + 1}"
        assert rows[-1]["location"] == f"table {k}, row {n_head + len(spec['rows'])}"
    t33 = res.tables[2]
    # the header as merged in the file: 'Rencana Tahun 2022' over Lokasi .. Sumber Dana
    assert t33["header"][3] == "Rencana Tahun 2022 / Lokasi"
    assert t33["header"][6] == "Rencana Tahun 2022 / Kebutuhan Dana/ Pagu Indikatif"
    assert "T-C.33" in t33["title"]
    pagu = [v for v in res.values if v["table_id"] == t33["table_id"] and v["row_no"] == 2
            and v["value_raw"] == "10.001.375.464,00"]
    assert len(pagu) == 1 and pagu[0]["value"] == Decimal("10001375464")


def test_renja_docx_and_its_pdf_export_give_the_same_rows_and_values(renja, tmp_path):
    path, _, res = renja
    if office.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    subprocess.run([office.soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True,
                   timeout=300)
    pdf = process_file(tmp_path / (path.stem + ".pdf"))
    assert pdf.document["status"] == "ok"
    assert [(t["table_code"], t["n_rows"]) for t in pdf.tables] == [(t["table_code"], t["n_rows"]) for t in res.tables]
    for code in ("T-C.29", "T-C.31", "T-C.33"):
        assert [squashed(r["cells"]) for r in rows_of(pdf, code)] == [squashed(r["cells"]) for r in rows_of(res, code)]
        assert values_of(pdf, code) == values_of(res, code)
    assert all(r["location"] is None for r in pdf.rows)  # a PDF row has a page, no location


def test_inspect_lists_an_office_files_tables_and_will_not_draw_it(renja, tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    path = renja[0]
    listed = CliRunner().invoke(main, ["inspect", str(path)])
    assert listed.exit_code == 0 and "T-C.33" in listed.output and "211 rows" in listed.output
    drawn = CliRunner().invoke(main, ["inspect", str(path), "--page", "1", "--png", str(tmp_path / "p1.png")])
    assert drawn.exit_code == 1 and "a Word or Excel file has no pages to draw" in drawn.output
    assert not (tmp_path / "p1.png").exists()


def _docx_with(tmp_path: Path, build) -> Path:
    import docx

    document = docx.Document()
    build(document)
    path = tmp_path / "doc.docx"
    document.save(str(path))
    return path


def test_word_list_labels_vertical_merges_and_hidden_text(tmp_path):
    from docx.oxml import OxmlElement

    def build(document):  # python-docx writes the merge down column 0 as w:vMerge restart / continue
        document.add_paragraph("Tabel 2.1 Capaian Kinerja")
        table = document.add_table(rows=4, cols=3)
        for c, text in enumerate(["Sasaran", "Indikator", "Target"]):
            table.cell(0, c).text = text
        merged = table.cell(1, 0).merge(table.cell(3, 0))
        merged.paragraphs[0].add_run("Meningkatnya pelayanan")
        for r, (name, target) in enumerate([("Satu", "10"), ("Dua", "20"), ("Tiga", "30")], start=1):
            p = table.cell(r, 1).paragraphs[0]
            p.style = document.styles["List Number"]
            p.add_run(name)
            hidden = p.add_run(" (draft)")
            vanish = OxmlElement("w:vanish")
            hidden._r.get_or_add_rPr().append(vanish)
            table.cell(r, 2).text = target

    doc = extract_document(_docx_with(tmp_path, build))
    t = doc.tables[0]
    assert t.caption == "Tabel 2.1 Capaian Kinerja"
    assert [h.text for h in t.header] == ["Sasaran", "Indikator", "Target"]
    assert [r.texts for r in t.rows] == [["Meningkatnya pelayanan", "1. Satu", "10"], ["", "2. Dua", "20"],
                                         ["", "3. Tiga", "30"]]
    assert [r.location for r in t.rows] == ["table 1, row 2", "table 1, row 3", "table 1, row 4"]


def test_a_docx_is_told_by_its_content_not_its_name(renja, tmp_path):
    path, spec_tables, _ = renja
    renamed = tmp_path / "renja.pdf"
    shutil.copyfile(path, renamed)
    assert office.office_kind(renamed) == "docx"
    assert len(extract_document(renamed).tables) == len(spec_tables)
    other_zip = tmp_path / "slides.docx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("ppt/presentation.xml", "<p/>")
    assert office.office_kind(other_zip) is None
    res = process_file(other_zip)
    assert res.document["status"] == "failed" and "neither a Word .docx nor an Excel .xlsx" in res.document["message"]


def _ole2(tmp_path: Path, name: str, stream: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64)
    return path


def test_old_formats_without_libreoffice_say_what_to_install(tmp_path, monkeypatch):
    doc, xls = _ole2(tmp_path, "bab_ii.doc", "WordDocument"), _ole2(tmp_path, "lampiran.xls", "Workbook")
    assert (office.office_kind(doc), office.office_kind(xls)) == ("doc", "xls")
    monkeypatch.setattr(office, "soffice", lambda: None)
    for path, package in ((doc, "libreoffice-writer-nogui"), (xls, "libreoffice-calc-nogui")):
        res = process_file(path)
        assert res.document["status"] == "failed"
        assert f"apt-get install {package}" in res.document["message"]


def test_a_damaged_or_encrypted_office_file_gets_a_status_not_a_traceback(tmp_path):
    bad = tmp_path / "renja.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("word/document.xml", "<w:document")
    res = process_file(bad)
    assert res.document["status"] == "failed"
    assert res.document["message"].startswith("the Word file is damaged and cannot be read")
    locked = _ole2(tmp_path, "pk.xlsx", "EncryptedPackage")
    res = process_file(locked)
    assert res.document["status"] == "failed" and "encrypted with a password" in res.document["message"]


# ------------------------------------------------------------------------------------------- Excel

@pytest.mark.parametrize("value, fmt, text", [
    (11600000, "#,##0", "11,600,000"),
    (6660000, '_(* #,##0_);_(* \\(#,##0\\);_(* "-"??_);_(@_)', "6,660,000"),
    (-211025000, '_(* #,##0_);_(* \\(#,##0\\);_(* "-"??_);_(@_)', "(211,025,000)"),
    (0, '_(* #,##0_);_(* \\(#,##0\\);_(* "-"??_);_(@_)', "-"),
    (964606111.8, "#,##0.00", "964,606,111.80"),
    (32537300, '_-"Rp"* #,##0_-;\\-"Rp"* #,##0_-;_-"Rp"* "-"_-;_-@_-', "Rp 32,537,300"),
    (0.9, "0%", "90%"),
    (0.98765, "0.00%", "98.77%"),
    (1234.5, "[$-421]#,##0.00", "1.234,50"),
    (2.5, "0.0#", "2.5"),
    (12345678, "#,##0,", "12,346"),
    (2014, "General", "2014"),
    (93.9186295503212, "General", "93.91863"),  # a column 9 characters wide
])
def test_numbers_show_as_their_format_says(value, fmt, text):
    assert shown(value, fmt, 9.0 if fmt == "General" else None) == text


def test_xlsx_sheet_tables_merges_and_rows_typed_over_two_sheet_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "TC 27"
    ws["A1"] = "Program dan Kegiatan Kecamatan Kanigaran"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    open_below = Border(left=thin, right=thin, top=thin)
    open_above = Border(left=thin, right=thin, bottom=thin)
    table = [
        ["No", "Program/ Kegiatan", "Target", None],
        [None, None, "2023", "2024"],
        ["1", "Program Penunjang Urusan", 0.95, 0.9],
        [None, "Pemerintahan Daerah", None, None],  # the name goes on in the sheet row below, no rule between
        ["2", "Penyediaan Jasa Surat Menyurat", 11600000, 6660000],
    ]
    for r, row in enumerate(table, start=3):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(r, c, v)
            cell.border = open_below if r == 5 else open_above if r == 6 else box
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:D3")
    for c in ("C5", "D5"):
        ws[c].number_format = "0%"
    for c in ("C7", "D7"):
        ws[c].number_format = "#,##0"
    for c in ("A3", "B3", "C3", "C4", "D4"):
        ws[c].font = Font(bold=True)
    path = tmp_path / "renstra.xlsx"
    wb.save(path)
    doc = extract_document(path)
    assert doc.n_pages == 1
    (t,) = doc.tables
    assert t.caption.startswith("TC 27 Program dan Kegiatan Kecamatan Kanigaran")
    assert [t.header_path(c) for c in range(t.n_cols)] == ["No", "Program/ Kegiatan", "Target / 2023", "Target / 2024"]
    assert [r.texts for r in t.rows] == [["1", "Program Penunjang Urusan Pemerintahan Daerah", "95%", "90%"],
                                         ["2", "Penyediaan Jasa Surat Menyurat", "11,600,000", "6,660,000"]]
    assert [r.location for r in t.rows] == ["Sheet TC 27!A5", "Sheet TC 27!A7"]


def test_excel_tc28_read_directly_gives_the_rows_of_its_pdf(tmp_path):
    """tests/data/excel-tc28-title-in-frame.pdf is LibreOffice's print of tests/fixtures/excel_tc28.py's sheet."""
    from tests.fixtures.excel_tc28 import build

    path = tmp_path / "tc28.xlsx"
    build(str(path))
    direct, printed = process_file(path), process_file(DATA / "excel-tc28-title-in-frame.pdf")
    assert [t["table_code"] for t in direct.tables] == [t["table_code"] for t in printed.tables] == ["T-C.28"]
    assert [squashed(r["cells"]) for r in direct.rows] == [squashed(r["cells"]) for r in printed.rows]
    assert len(direct.rows) == 35
    assert values_of(direct, "T-C.28") == values_of(printed, "T-C.28")
