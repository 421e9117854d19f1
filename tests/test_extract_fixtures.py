"""Extraction of the Renja fixtures: the real T-C.29, T-C.31 and T-C.33 of Kecamatan Kanigaran's Renja 2022,
rendered by our own builder in several layouts, must come back row for row and cell for cell.

The ground truth is the spec the PDFs were rendered from (tests/fixtures/specs/renja_2022_kanigaran.json).
Cells are compared with white space removed: a PDF does not say whether a line break inside a cell
was a space or the middle of a word ('Persenta' / 'se').
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from normalize.numbers import parse_number
from pipelines.run import process_file
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

MAX_ROWS = 40
# Without vertical rules a column shows only through its values: T-C.29's realisasi columns are empty
# until row 59 and its 2021 target until row 166, so these two layouts are built with every row.
WHOLE_TABLES = {"hrules", "unruled"}
EXACT_LAYOUTS = ["ruled", "hrules", "unruled", "no_repeat", "no_colnums", "split_rows", "f4_section", "rotated"]


def _squash(cell: str) -> str:
    return re.sub(r"\s+", "", cell)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    spec = load_spec()
    docs = {}
    for name in EXACT_LAYOUTS:
        doc = build_document(spec, LAYOUTS[name], out / f"{name}.pdf", max_rows=None if name in WHOLE_TABLES else MAX_ROWS)
        docs[name] = (doc, process_file(doc.path))
    return docs


def _extracted(result, code):
    tables = [t for t in result.tables if t["table_code"] == code]
    return tables, [r for t in tables for r in result.rows if r["table_id"] == t["table_id"]]


@pytest.mark.parametrize("layout", EXACT_LAYOUTS)
@pytest.mark.parametrize("code", ["T-C.29", "T-C.31", "T-C.33"])
def test_every_row_and_cell_comes_back(built, layout, code):
    doc, result = built[layout]
    truth = next(t for t in doc.tables if t.table_code == code)
    tables, rows = _extracted(result, code)
    assert len(tables) == 1, f"{code} should come out as one stitched table"
    assert (tables[0]["page_start"], tables[0]["page_end"]) == (truth.page_start, truth.page_end)
    assert [[_squash(c) for c in r["cells"]] for r in rows] == [[_squash(c) for c in row] for row in truth.rows]
    assert len(tables[0]["columns"]) == truth.n_cols


@pytest.mark.parametrize("layout", EXACT_LAYOUTS)
def test_numbers_are_parsed_exactly(built, layout):
    doc, result = built[layout]
    checked = 0
    for truth in doc.tables:
        tables, rows = _extracted(result, truth.table_code)
        table = tables[0]
        values = {(v["row_no"], v["column_name"]): v for v in result.values if v["table_id"] == table["table_id"]}
        for row_no, cells in enumerate(truth.rows, start=1):
            for col, name in enumerate(table["columns"]):
                v = values.get((row_no, name))
                if v is None:
                    continue
                expected = parse_number(cells[col])
                assert v["parse_status"] == expected.status, (truth.table_code, row_no, name, cells[col])
                assert v["value"] == expected.value, (truth.table_code, row_no, name, cells[col])
                checked += int(expected.value is not None)
    assert checked > 150


def test_canonical_columns_and_years(built):
    _, result = built["ruled"]
    by_code = {t["table_code"]: t for t in result.tables}
    assert by_code["T-C.33"]["columns"] == [
        "kode", "uraian", "indikator", "lokasi", "target", "satuan", "pagu_indikatif", "sumber_dana", "catatan",
        "target_maju", "satuan_maju", "pagu_indikatif_maju",
    ]
    assert by_code["T-C.31"]["columns"] == [
        "no", "rancangan_uraian", "rancangan_lokasi", "rancangan_indikator", "rancangan_target", "rancangan_satuan",
        "rancangan_pagu_indikatif", "analisis_uraian", "analisis_lokasi", "analisis_indikator", "analisis_target",
        "analisis_satuan", "analisis_kebutuhan_dana", "catatan",
    ]
    assert by_code["T-C.29"]["columns"][:5] == ["kode", "uraian", "indikator", "target_renstra", "satuan_renstra"]
    t33 = by_code["T-C.33"]["table_id"]
    first_program = [v for v in result.values if v["table_id"] == t33 and v["row_no"] == 2]
    got = {v["column_name"]: (v["tahun"], v["value"], v["unit"]) for v in first_program}
    # PROGRAM PENUNJANG URUSAN ...: 98,07 Persentase, 10.001.375.464,00 in 2022; 99 Persentase, 14.055.363.080,08 in 2023
    assert got["target"] == (2022, Decimal("98.07"), "Persentase")
    assert got["pagu_indikatif"] == (2022, Decimal("10001375464.00"), "Rp")
    assert got["target_maju"] == (2023, Decimal("99"), "Persentase")
    assert got["pagu_indikatif_maju"] == (2023, Decimal("14055363080.08"), "Rp")


def test_row_levels_and_labels(built):
    _, result = built["ruled"]
    t33 = next(t for t in result.tables if t["table_code"] == "T-C.33")
    rows = [r for r in result.rows if r["table_id"] == t33["table_id"]]
    assert (rows[0]["uraian"], rows[0]["level"]) == ("NON URUSAN", "label")
    assert rows[1]["level"] == "program"
    assert rows[1]["uraian"] == "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"
    assert all(r["level"] in {"label", "program", "kegiatan", "sub_kegiatan", "unknown"} for r in rows)


def test_split_row_is_rejoined(built):
    doc, result = built["split_rows"]
    split = [(t.table_code, i) for t in doc.tables for i in t.split_rows]
    assert split, "the split_rows layout must split at least one row across a page break"
    for code, index in split:
        tables, rows = _extracted(result, code)
        assert "split_row_joined" in rows[index]["flags"]
        assert "split_row_joined" in tables[0]["flags"]


def test_document_metadata(built):
    _, result = built["ruled"]
    d = result.document
    assert (d["status"], d["doc_type"], d["tahun"]) == ("ok", "renja", 2022)
    assert d["perangkat_daerah"] == "Kecamatan Kanigaran"
    assert d["pemda"].startswith("Kota Probolinggo")


@pytest.mark.parametrize("layout", ["hrules", "unruled"])
@pytest.mark.parametrize("code", ["T-C.29", "T-C.31", "T-C.33"])
def test_without_vertical_rules_the_columns_are_named_as_when_ruled(built, layout, code):
    """White-space columns must find the empty sub-columns too (satuan nobody filled), and the printed
    column numbers ('8 = (7/6)' as three words, a wide '11=(10/4)' over a narrow column) name them."""
    ruled = next(t for t in built["ruled"][1].tables if t["table_code"] == code)
    other = next(t for t in built[layout][1].tables if t["table_code"] == code)
    assert other["columns"] == ruled["columns"]


def test_hrules_t_c_33_has_every_canonical_column(built):
    _, result = built["hrules"]
    t33 = next(t for t in result.tables if t["table_code"] == "T-C.33")
    assert t33["columns"] == [
        "kode", "uraian", "indikator", "lokasi", "target", "satuan", "pagu_indikatif", "sumber_dana", "catatan",
        "target_maju", "satuan_maju", "pagu_indikatif_maju",
    ]


def test_items_are_matched_to_the_nomenclature(built):
    """With only the built-in reference (a fresh clone), the T-C.33 items of Kecamatan Kanigaran get their
    official codes; the per-kelurahan copies of one sub kegiatan share its code and keep their kelurahan."""
    _, result = built["ruled"]
    assert result.document["nomenclature_version"] == "builtin-2027"
    t33 = next(t for t in result.tables if t["table_code"] == "T-C.33")
    rows = {r["row_no"]: r for r in result.rows if r["table_id"] == t33["table_id"]}
    assert (rows[2]["nomenclature_code"], rows[2]["match_status"]) == ("X.XX.01", "matched")
    assert (rows[3]["nomenclature_code"], rows[3]["level"]) == ("X.XX.01.2.01", "kegiatan")
    assert (rows[4]["nomenclature_code"], rows[4]["level"]) == ("X.XX.01.2.01.0001", "sub_kegiatan")
    assert "level_from_nomenclature" in rows[4]["flags"]
    assert rows[1]["match_status"] is None  # NON URUSAN is a label, never matched
    per_kelurahan = [r for r in rows.values() if (r["lokasi_unit"] or "") == "Curahgrinting"]
    assert per_kelurahan and all(r["nomenclature_code"] == "7.01.02.2.02.0003" for r in per_kelurahan)
    # the seed prints an indicator in the name column of one row: it must stay unmatched, not be forced
    odd = [r for r in rows.values() if r["uraian"] == "Persentase jasa pelayanan umum kantor yang terpenuhi"]
    assert odd and odd[0]["match_status"] == "unmatched" and odd[0]["nomenclature_code"] is None


def test_a_thousands_header_is_not_trusted_without_proof(built):
    """Kanigaran's T-C.31 heads its pagu '(Rp.000)' but prints rupiah: T-C.33 of the same document lists the
    same items with the same numbers, so nothing is scaled and the note says why."""
    _, result = built["ruled"]
    t31 = next(t for t in result.tables if t["table_code"] == "T-C.31")
    pagu = [v for v in result.values if v["table_id"] == t31["table_id"] and v["column_name"] == "analisis_kebutuhan_dana"]
    first = next(v for v in pagu if v["row_no"] == 1)
    assert (first["value_raw"], first["value"]) == ("10.001.375.464", Decimal("10001375464"))
    assert first["parse_note"] == "not scaled: header says thousands but the values match T-C.33 in rupiah"
