"""The ratios a table implies without printing a formula (check ``formula``, `Profile.ratios` in normalize/templates.py).

rasio = realisasi / anggaran (T-C.24, LKjIP budget tables) and capaian = realisasi / target (T-C.23, the
LKjIP capaian tables), in percent. Each table is written out below as the extractor would give it, with
the expected figures worked out by hand next to it; the T-C.23 and LKJIP-CAPAIAN-RENSTRA rows are those of
the Kanigaran seeds (shared/seeds/renstra-2025-2026-kec-kanigaran.txt, lkjip-2024-kec-kanigaran.txt).
"""

from __future__ import annotations

from decimal import Decimal as D

from normalize.numbers import parse_number
from pipelines.audit import audit

DOC = "r" * 16


def _outputs(code: str, columns: list[str], rows: list[tuple], column_numbers: list[str] | None = None,
             level: str = "indikator", tahun: int | None = None) -> dict:
    """Records of one document with one table: each row is its name, then one printed cell per column after the first."""
    tid = f"{DOC}-t01"
    tables = [{"table_id": tid, "doc_id": DOC, "table_code": code, "columns": columns, "header": columns,
               "column_numbers": column_numbers or [""] * len(columns), "number_locale": "id"}]
    out_rows, values = [], []
    for i, (name, *cells) in enumerate(rows, start=1):
        out_rows.append({"table_id": tid, "doc_id": DOC, "table_code": code, "row_no": i, "page": 3, "level": level,
                         "kode": None, "uraian": name, "nomenclature_code": None, "match_status": "unmatched",
                         "lokasi_unit": None, "cells": [name, *cells], "indikator": name})
        for col, raw in zip(columns[1:], cells):
            p = parse_number(raw)
            values.append({"table_id": tid, "doc_id": DOC, "table_code": code, "row_no": i, "column_name": col,
                           "tahun": tahun, "value": p.value, "unit": p.unit, "value_raw": raw, "parse_status": p.status,
                           "parse_note": p.note or None, "candidates": list(p.candidates) or None})
    return {"documents": [{"doc_id": DOC, "source_path": "x.pdf"}], "tables": tables, "rows": out_rows, "values": values}


def _ratio_findings(o: dict) -> list:
    return [f for f in audit(o["documents"], o["tables"], o["rows"], o["values"]) if f.check == "formula"]


T_C24 = ["uraian", "anggaran_1", "realisasi_1", "rasio_1"]


def test_t_c24_rasio_is_realisasi_over_anggaran():
    findings = _ratio_findings(_outputs("T-C.24", T_C24, [
        ("Program A", "1.000.000", "950.000", "95,00"),        # 950.000 / 1.000.000 = 95 %: agrees
        ("Program B", "2.000.000", "1.500.000", "80,00"),      # 1.500.000 / 2.000.000 = 75 %, printed 80: error
        ("Program C", "3.000.000", "2.000.000", "66,66"),      # 66,6666...: printed cut, not rounded (66,67)
        ("Program D", "0", "0", "100"),                        # no anggaran: nothing to divide by
        ("Program E", "500.000", "", "12,5"),                  # no realisasi printed: not computable, no error
        ("Program F", "400.000", "500.000", "80,00"),          # 500.000 / 400.000 = 125 %; 80 is anggaran / realisasi
    ], level="program", tahun=2019))
    assert [(f.row_nos, f.severity) for f in findings] == [((2,), "error"), ((6,), "error"), ((3,), "rounding")]

    b = findings[0]
    assert (b.column, b.tahun, b.table_code) == ("rasio_1", 2019, "T-C.24")
    assert (b.expected, b.actual, b.difference) == (D(75), D(80), D(5))
    assert "realisasi_1 / anggaran_1 × 100 gives 75 from realisasi_1 1.500.000, anggaran_1 2.000.000" in b.message
    assert [(c.column, c.role) for c in b.cells] == [("rasio_1", "checked"), ("realisasi_1", "part"), ("anggaran_1", "part")]

    f = findings[1]  # a budget ratio upside down is still wrong, and the message says what it is
    assert (f.expected, f.actual, f.difference) == (D(125), D(80), D(-45))
    assert "the printed figure is anggaran_1 / realisasi_1 × 100, upside down" in f.message

    c = findings[2]  # 66,6666... to 4 decimals is 66,6667; 66,66 is 0,0067 below: more than half of 0,01, less than 0,01
    assert (c.expected, c.actual, c.difference) == (D("66.6667"), D("66.66"), D("-0.0067"))


def test_a_ratio_checked_by_its_printed_formula_is_not_reported_twice():
    findings = _ratio_findings(_outputs("T-C.24", T_C24, [
        ("Program B", "2.000.000", "1.500.000", "80,00"),
    ], column_numbers=["2", "3", "4", "5 = (4/3)"], level="program"))
    assert len(findings) == 1 and "the printed formula 5 = (4/3) gives 75" in findings[0].message


def test_t_c23_rasio_of_the_kanigaran_renstra():
    # seed l.548-549: target_renstra 2019-2023, realisasi 2019-2023, rasio 2019-2023
    cols = ["indikator", *(f"target_renstra_{n}" for n in range(1, 6)), *(f"realisasi_{n}" for n in range(1, 6)),
            *(f"rasio_{n}" for n in range(1, 6))]
    findings = _ratio_findings(_outputs("T-C.23", cols, [
        ("Indeks Kepuasan Masyarakat", "82", "82,5", "83", "83,5", "84", "77,8", "81,96", "82,09", "82,75", "82,75",
         "94,88", "99,35", "98,90", "99,10", "98,21"),
        ("Nilai Tata Kelola Penyelenggaraan Pemerintahan Kecamatan dan Kelurahan", "250", "250", "255", "-", "-",
         "286,17", "306,05", "309,67", "-", "-", "114,46%", "122,42", "121,44", "-", "-"),
    ]))
    # 2023: 82,75 / 84 = 98,5119...; 98,21 is 82,5 / 84 (not the realisasi printed). 2019: 286,17 / 250 =
    # 114,468, printed cut to 114,46: rounding. The dashes of 2022-2023 are no figures.
    assert [(f.row_nos, f.column, f.severity) for f in findings] == [((1,), "rasio_5", "error"), ((2,), "rasio_1", "rounding")]
    assert (findings[0].expected, findings[0].actual, findings[0].difference) == (D("98.5119"), D("98.21"), D("-0.3019"))
    assert (findings[1].expected, findings[1].actual, findings[1].difference) == (D("114.468"), D("114.46"), D("-0.008"))


LKJIP_CAPAIAN = ["indikator", "target", "realisasi", "capaian"]


def test_an_indicator_where_lower_is_better_prints_its_capaian_upside_down():
    findings = _ratio_findings(_outputs("LKJIP-CAPAIAN", LKJIP_CAPAIAN, [
        ("Persentase aduan masyarakat yang ditindaklanjuti", "90", "95", "105,56"),  # 105,555...: agrees
        ("Angka pengangguran terbuka", "8", "10", "80"),   # 10 / 8 = 125 %; 80 = 8 / 10: target / realisasi
        ("Persentase rumah tidak layak huni", "8", "6", "125"),  # 6 / 8 = 75 %; 125 = (2 × 8 − 6) / 8
    ]))
    assert [(f.row_nos, f.severity) for f in findings] == [((2,), "info"), ((3,), "info")]
    f = findings[0]
    assert (f.expected, f.actual, f.difference) == (D(125), D(80), D(-45))
    assert "which is target / realisasi × 100 (realisasi 10, target 8)" in f.message
    assert "indicator where lower is better" in f.message
    assert "(2 × target − realisasi) / target × 100" in findings[1].message


def test_tingkat_kemajuan_printed_as_a_difference_is_a_warning():
    # lkjip seed l.589-591 and l.746-748: Tingkat Kemajuan 0% for 100 against 100, 55% for 100 against 45
    # (realisasi − target); -0,0425% for 80,25 against 84,5 is neither 94,97 nor -4,25: an error
    findings = _ratio_findings(_outputs("LKJIP-CAPAIAN-RENSTRA", ["indikator", "realisasi", "target_akhir", "tingkat_kemajuan"], [
        ("Indeks Kepuasan Masyarakat", "80,25", "84,5", "-0,0425%"),
        ("Persentase Capaian Pengelolaan Administrasi Perkantoran", "100%", "100%", "0%"),
        ("Persentase Kelompok dan Lembaga Kemasyarakatan yang difasilitasi", "100", "45", "55%"),
    ]))
    assert [(f.row_nos, f.severity) for f in findings] == [((1,), "error"), ((2,), "warning"), ((3,), "warning")]
    assert (findings[0].expected, findings[0].actual) == (D("94.9704"), D("-0.0425"))
    assert "the difference realisasi − target_akhir" in findings[2].message and "= 222,22" in findings[2].message
