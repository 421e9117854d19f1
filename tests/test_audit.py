"""The audit, specified on the Renja 2022 of Kecamatan Kanigaran (shared/seeds/renja-2022-kec-kanigaran.txt).

Its T-C.31 and T-C.33, rendered by the fixture builder and extracted like any PDF, contradict each other
in the places listed in SEED_ERRORS below; each was checked by hand against the seed text (the seed line
numbers are given). The same tables with those figures corrected (CORRECTIONS) must give no error,
rounding or warning at all. Smaller cases (a row repeated across a page break, children that cannot be
told apart, per-kelurahan rows, printed formulas) are written out as tables next to their test.
"""

from __future__ import annotations

import copy
import shutil
from decimal import Decimal as D
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from normalize.numbers import parse_number
from pipelines.audit import audit, findings_table, load_outputs
from pipelines.cli import main
from pipelines.run import process_file
from pipelines.schema import FINDINGS
from pipelines.writers import write_outputs
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

# --------------------------------------------------------------------------------------------------
# The seed document


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The three seed tables in the ruled layout (T-C.29 cut to its first 60 rows; the others have fewer),
    extracted to Parquet, and the audit of them."""
    out = tmp_path_factory.mktemp("seed")
    doc = build_document(load_spec(), LAYOUTS["ruled"], out / "renja-2022-kanigaran.pdf", max_rows=60)
    assert [t.n_rows for t in doc.tables] == [60, 58, 59]
    write_outputs([process_file(doc.path)], out)
    outputs = load_outputs(out)
    return out, outputs, audit(outputs["documents"], outputs["tables"], outputs["rows"], outputs["values"])


def _one(findings, **where):
    hits = [f for f in findings if all(getattr(f, k) == v for k, v in where.items())]
    assert len(hits) == 1, (where, [(f.check, f.table_code, f.row_nos, f.column) for f in hits])
    return hits[0]


def test_t_c31_against_t_c33_for_the_program_penyelenggaraan_pemerintahan(seed):
    # seed l.704 (T-C.31 Hasil Analisis Kebutuhan 1.069.713.200) against l.1068 (T-C.33 1.642.761.200,00)
    f = _one(seed[2], check="cross_table", item="7.01.02 PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK")
    assert (f.severity, f.actual, f.expected, f.difference) == ("error", D(1069713200), D(1642761200), D(-573048000))
    assert f.tahun == 2022 and f.table_code == "T-C.31 / T-C.33"
    assert "1.069.713.200 in T-C.31" in f.message and "1.642.761.200 in T-C.33" in f.message


def test_the_kegiatan_carries_the_value_of_its_first_sub_kegiatan(seed):
    # seed l.706-708, 716-720: the kegiatan prints 63.654.000; its seven sub kegiatan (kecamatan + six kelurahan) add up to 636.702.000
    f = _one(seed[2], check="hierarchy_sum", table_code="T-C.31", column="analisis_kebutuhan_dana", row_nos=(32, 33, 34, 35, 36, 37, 38, 39))
    assert (f.severity, f.actual, f.expected) == ("error", D(63654000), D(636702000))
    assert "63.654.000 is the value of its first sub kegiatan (row 33) alone" in f.message


def test_the_2023_prakiraan_maju_of_the_program_pemberdayaan(seed):
    # seed l.1084-1086, 1090: program 14.993.246.294,00; its kegiatan 816.934.525,00 + 4.395.600.000,00
    f = _one(seed[2], check="hierarchy_sum", table_code="T-C.33", column="pagu_indikatif_maju", row_nos=(44, 45, 47))
    assert (f.severity, f.tahun, f.actual, f.expected) == ("error", 2023, D(14993246294), D(5212534525))


def test_the_malformed_number_is_confirmed_by_its_children(seed):
    # seed l.724: '1.773781.400'; its twelve kelurahan sub kegiatan (l.725-742) add up to 1.773.781.400
    f = _one(seed[2], check="malformed_number", table_code="T-C.31", row_nos=(43,))
    assert (f.severity, f.column, f.expected, f.actual) == ("warning", "analisis_kebutuhan_dana", D(1773781400), None)
    assert "'1.773781.400'" in f.message and "rows 44-55" in f.message
    # and, confirmed, it counts in its program's sum (below) and agrees with T-C.33's 1.773.781.400,00
    assert not [x for x in seed[2] if x.check == "cross_table" and x.item and "7.01.03.2.02 " in x.item]


# Every error the audit reports on the seed, each verified by hand in the seed text:
SEED_ERRORS = {
    # T-C.31 kegiatan 7.01.02.2.02: 63.654.000 vs its sub kegiatan 636.702.000 (l.706, 708, 716-720)
    ("hierarchy_sum", "T-C.31", "analisis_kebutuhan_dana", 32),
    # T-C.31 program 7.01.03: 199.668.000 vs its kegiatan 199.668.000 + 1.773.781.400 (l.721, 722, 724)
    ("hierarchy_sum", "T-C.31", "analisis_kebutuhan_dana", 40),
    # T-C.33 2023 program 7.01.03: 14.993.246.294 vs 816.934.525 + 4.395.600.000 (l.1084, 1085, 1087)
    ("hierarchy_sum", "T-C.33", "pagu_indikatif_maju", 44),
    # T-C.33 2023 kegiatan 7.01.03.2.03: 816.934.525 vs its only sub kegiatan 550.000.000 (l.1085, 1086)
    ("hierarchy_sum", "T-C.33", "pagu_indikatif_maju", 45),
    # T-C.31 against T-C.33 2022 (l.704-706 / 1068-1069, l.721 / 1084, l.743-745 / 1080-1082):
    ("cross_table", "T-C.31 / T-C.33", "analisis_kebutuhan_dana / pagu_indikatif", 29),  # 1.069.713.200 vs 1.642.761.200
    ("cross_table", "T-C.31 / T-C.33", "analisis_kebutuhan_dana / pagu_indikatif", 32),  # 63.654.000 vs 636.702.000
    ("cross_table", "T-C.31 / T-C.33", "analisis_kebutuhan_dana / pagu_indikatif", 40),  # 199.668.000 vs 1.973.449.400
    ("cross_table", "T-C.31 / T-C.33", "analisis_kebutuhan_dana / pagu_indikatif", 56),  # 199.668.000 vs 338.168.000
    ("cross_table", "T-C.31 / T-C.33", "analisis_kebutuhan_dana / pagu_indikatif", 57),  # same, its kegiatan
    ("cross_table", "T-C.31 / T-C.33", "analisis_kebutuhan_dana / pagu_indikatif", 58),  # same, its sub kegiatan
}


def test_every_error_on_the_seed_is_a_known_contradiction(seed):
    found = {(f.check, f.table_code, f.column, f.row_nos[0]) for f in seed[2] if f.severity == "error"}
    assert found == SEED_ERRORS
    assert not [f for f in seed[2] if f.severity == "rounding"]


def test_the_rancangan_half_against_the_analysis_half_is_a_change_not_an_error(seed):
    f = _one(seed[2], check="change", row_nos=(29,))
    assert (f.severity, f.expected, f.actual, f.difference) == ("info", D(1666160000), D(1069713200), D(-596446800))
    assert {x.severity for x in seed[2] if x.check == "change"} == {"info"}


def test_a_derived_column_printed_zero_throughout_is_flagged(seed):
    # T-C.29 prints 11 = (10/4) as 0 on every row; where 10 and 4 are printed it is 0 / target, so a warning, not an error
    f = _one(seed[2], check="formula", table_code="T-C.29", column="tingkat_capaian")
    assert f.severity == "warning" and "printed as 0 on all" in f.message
    assert not [x for x in seed[2] if x.check == "formula" and x.severity == "error"]


# The seed with the contradictions above corrected: (table, row, spec column) → (printed, corrected)
CORRECTIONS = {
    ("T-C.31", 29, 12): ("1.069.713.200", "1.642.761.200"),
    ("T-C.31", 32, 12): ("63.654.000", "636.702.000"),
    ("T-C.31", 40, 12): ("199.668.000", "1.973.449.400"),
    ("T-C.31", 43, 12): ("1.773781.400", "1.773.781.400"),
    ("T-C.31", 56, 12): ("199.668.000", "338.168.000"),
    ("T-C.31", 57, 12): ("199.668.000", "338.168.000"),
    ("T-C.31", 58, 12): ("199.668.000,00", "338.168.000,00"),
    ("T-C.33", 44, 11): ("14.993.246.294,00", "4.945.600.000,00"),
    ("T-C.33", 45, 11): ("816.934.525,00", "550.000.000,00"),
}


def test_tables_that_add_up_give_no_error_ruled_or_unruled(tmp_path):
    spec = copy.deepcopy(load_spec())
    tables = {t["table_code"]: t for t in spec["tables"]}
    for (code, row_no, col), (printed, corrected) in CORRECTIONS.items():
        cells = tables[code]["rows"][row_no - 1]["cells"]
        assert cells[col] == printed
        cells[col] = corrected
    results = [process_file(build_document(spec, LAYOUTS[layout], tmp_path / f"{layout}.pdf", tables=["T-C.31", "T-C.33"]).path)
               for layout in ("ruled", "unruled")]
    write_outputs(results, tmp_path / "out")
    o = load_outputs(tmp_path / "out")
    findings = audit(o["documents"], o["tables"], o["rows"], o["values"])
    assert [(f.check, f.severity, f.message) for f in findings if f.severity != "info"] == []
    assert {f.check for f in findings} == {"change"}


# --------------------------------------------------------------------------------------------------
# Small tables written out: (level, name, page, printed money figure) per row


def _outputs(rows, code="T-C.33", column="pagu_indikatif", columns=None, column_numbers=None, extra=None):
    """Records of one document with one table, as `sakip extract` would write them."""
    doc, tid = "d" * 16, "d" * 16 + "-t01"
    columns = columns or ["kode", "uraian", column]
    tables = [{"table_id": tid, "doc_id": doc, "table_code": code, "columns": columns, "header": columns,
               "column_numbers": column_numbers or [""] * len(columns), "number_locale": "id"}]
    out_rows, values = [], []
    for i, (level, name, page, *figures) in enumerate(rows, start=1):
        lokasi = name.split("Kelurahan ")[1] if "(Kelurahan " in name else None
        out_rows.append({"table_id": tid, "doc_id": doc, "table_code": code, "row_no": i, "page": page, "level": level,
                         "kode": None, "uraian": name, "nomenclature_code": (extra or {}).get(name), "match_status": "matched",
                         "lokasi_unit": lokasi.rstrip(")") if lokasi else None, "cells": ["", name, *figures]})
        names = [column] if len(figures) == 1 else columns[2:]
        for col, raw in zip(names, figures):
            p = parse_number(raw)
            values.append({"table_id": tid, "doc_id": doc, "table_code": code, "row_no": i, "column_name": col, "tahun": 2022,
                           "value": p.value, "unit": "Rp" if column in col else p.unit, "value_raw": raw,
                           "parse_status": p.status, "parse_note": p.note or None, "candidates": list(p.candidates) or None})
    return {"documents": [{"doc_id": doc, "source_path": "x.pdf"}], "tables": tables, "rows": out_rows, "values": values}


def _audit(o):
    return audit(o["documents"], o["tables"], o["rows"], o["values"])


def test_a_row_repeated_across_a_page_break_is_found_and_confirmed_by_the_sum():
    findings = _audit(_outputs([
        ("kegiatan", "Administrasi Umum Perangkat Daerah", 4, "300.000"),
        ("sub_kegiatan", "Penyediaan Peralatan dan Perlengkapan Kantor", 4, "100.000"),
        ("sub_kegiatan", "Penyediaan Barang Cetakan dan Penggandaan", 4, "200.000"),
        ("sub_kegiatan", "Penyediaan Barang Cetakan dan Penggandaan", 5, "200.000"),  # the page break repeats it
    ]))
    f = _one(findings, check="duplicate_row")
    assert (f.severity, f.row_nos, f.pages, f.actual) == ("error", (3, 4), (4, 5), D(200000))
    assert not [x for x in findings if x.check == "hierarchy_sum"]


def test_a_repeated_row_that_its_parent_counts_is_only_a_warning():
    findings = _audit(_outputs([
        ("kegiatan", "Administrasi Umum Perangkat Daerah", 4, "500.000"),  # counts the repeat: two items after all?
        ("sub_kegiatan", "Penyediaan Peralatan dan Perlengkapan Kantor", 4, "100.000"),
        ("sub_kegiatan", "Penyediaan Barang Cetakan dan Penggandaan", 4, "200.000"),
        ("sub_kegiatan", "Penyediaan Barang Cetakan dan Penggandaan", 5, "200.000"),
    ]))
    assert _one(findings, check="duplicate_row").severity == "warning"
    assert not [f for f in findings if f.check == "hierarchy_sum"]


def test_children_that_cannot_be_told_apart_are_a_warning_that_says_so():
    findings = _audit(_outputs([
        ("kegiatan", "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah", 9, "300.000"),
        ("sub_kegiatan", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", 9, "173.400"),
        ("unknown", "Persentase jasa pelayanan umum kantor yang terpenuhi", 9, "96.054"),  # no level
    ]))
    f = _one(findings, check="hierarchy_sum")
    assert f.severity == "warning" and "ambiguous" in f.message
    assert "269.454" in f.message and "173.400" in f.message and "300.000" in f.message


def test_a_row_without_level_that_makes_the_sum_add_up_is_counted():
    findings = _audit(_outputs([
        ("kegiatan", "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah", 9, "269.454"),
        ("sub_kegiatan", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", 9, "173.400"),
        ("unknown", "Persentase jasa pelayanan umum kantor yang terpenuhi", 9, "96.054"),
    ]))
    assert findings == []


@pytest.mark.parametrize("grand_total, n_errors", [("150", 0), ("160", 1)])
def test_a_grand_total_after_subtotals_adds_up_the_subtotals(grand_total, n_errors):
    findings = _audit(_outputs([
        ("program", "Program Penunjang Urusan Pemerintahan Daerah", 1, "100"),
        ("kegiatan", "Administrasi Keuangan Perangkat Daerah", 1, "100"),
        ("total", "JUMLAH", 1, "100"),
        ("program", "Program Pemberdayaan Masyarakat Desa dan Kelurahan", 2, "50"),
        ("kegiatan", "Pemberdayaan Kelurahan", 2, "50"),
        ("total", "JUMLAH", 2, "50"),
        ("total", "TOTAL", 2, grand_total),
    ]))
    assert [(f.check, f.row_nos[0]) for f in findings if f.severity == "error"] == [("hierarchy_sum", 7)] * n_errors


KELURAHAN = [
    ("kegiatan", "Pemberdayaan Kelurahan", 6, "{k}"),
    ("sub_kegiatan", "Pemberdayaan Masyarakat di Kelurahan", 6, "{s}"),
    ("sub_kegiatan", "Pemberdayaan Masyarakat di Kelurahan (Kelurahan Sukoharjo)", 6, "100"),
    ("sub_kegiatan", "Pemberdayaan Masyarakat di Kelurahan (Kelurahan Kanigaran)", 6, "200"),
]
SUB = {"Pemberdayaan Masyarakat di Kelurahan": "7.01.03.2.02.0003",
       "Pemberdayaan Masyarakat di Kelurahan (Kelurahan Sukoharjo)": "7.01.03.2.02.0003",
       "Pemberdayaan Masyarakat di Kelurahan (Kelurahan Kanigaran)": "7.01.03.2.02.0003"}


@pytest.mark.parametrize("k, s, n_errors", [
    ("350", "50", 0),   # the kecamatan row is a sibling of the kelurahan rows: 50 + 100 + 200
    ("300", "300", 0),  # the kecamatan row is their subtotal: 300 = 100 + 200
    ("400", "50", 1),   # neither
])
def test_per_kelurahan_rows_are_siblings_or_under_their_subtotal(k, s, n_errors):
    rows = [(lv, name, page, fig.format(k=k, s=s)) for lv, name, page, fig in KELURAHAN]
    findings = _audit(_outputs(rows, extra=SUB))
    assert len([f for f in findings if f.severity == "error"]) == n_errors


T_C29 = dict(code="T-C.29", column="tingkat_realisasi", columns=["kode", "uraian", "target", "realisasi", "tingkat_realisasi"],
             column_numbers=["1", "2", "6", "7", "8 = (7/6)"])


def test_the_printed_formula_is_checked_on_every_row():
    findings = _audit(_outputs([
        ("program", "Program A", 1, "97,70", "97,00", "99,28"),  # 97 / 97,7 = 99,2835...: right, rounded as printed
        ("kegiatan", "Kegiatan B", 1, "5", "4", "75"),  # 4 / 5 = 80
        ("kegiatan", "Kegiatan C", 1, "80", "20", "25"),
        ("kegiatan", "Kegiatan D", 1, "80", "", ""),  # nothing to compute from
    ], **T_C29))
    f = _one(findings, check="formula")
    assert (f.severity, f.row_nos, f.expected, f.actual, f.column) == ("error", (2,), D(80), D(75), "tingkat_realisasi")
    assert "8 = (7/6) gives 80 from realisasi 4, target 5" in f.message


def test_a_ratio_printed_upside_down_is_one_finding():
    findings = _audit(_outputs([
        ("kegiatan", f"Kegiatan {i}", 1, target, real, printed)
        for i, (target, real, printed) in enumerate([("500", "754", "66,31"), ("300", "476", "63,03"), ("450", "1156", "38,93")])
    ], **T_C29))
    f = _one(findings, check="formula")
    assert f.severity == "error" and "upside down on 3 of the 3 rows" in f.message


# --------------------------------------------------------------------------------------------------
# findings.parquet and the command


def test_sakip_audit_writes_findings_parquet_next_to_the_outputs(seed, tmp_path):
    folder = tmp_path / "clean"
    shutil.copytree(seed[0], folder)
    res = CliRunner().invoke(main, ["audit", str(folder)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"{len(seed[2])} findings in 1 documents: 10 error, 0 rounding, 2 warning,")
    table = pq.read_table(folder / "findings.parquet")
    assert table.schema.remove_metadata().equals(FINDINGS.remove_metadata())
    assert table.num_rows == len(seed[2]) and len(set(table.column("finding_id").to_pylist())) == table.num_rows
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left behind
    assert table.to_pylist() == findings_table(seed[2]).to_pylist()


def test_sakip_audit_says_what_is_missing(tmp_path):
    res = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert res.exit_code == 1 and "run `sakip extract` first" in res.output


# --------------------------------------------------------------------------------------------------
# The HTML report, in a real browser

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def test_the_report_shows_every_finding_with_its_numbers_and_its_page(seed, tmp_path, browser):
    folder = tmp_path / "clean"
    shutil.copytree(seed[0], folder)
    res = CliRunner().invoke(main, ["audit", str(folder), "--report", str(folder / "audit.html")])
    assert res.exit_code == 0, res.output
    browser.get((folder / "audit.html").as_uri())
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    findings = {f["finding_id"]: f for f in pq.read_table(folder / "findings.parquet").to_pylist()}
    articles = browser.find_elements("css selector", "article.finding")
    assert len(articles) == len(findings)
    shown = browser.execute_script("""
        return Array.from(document.querySelectorAll('article.finding')).map(a => ({
            id: a.dataset.findingId,
            images: Array.from(a.querySelectorAll('img.evidence')).map(i => [i.complete, i.naturalWidth, i.naturalHeight]),
            numbers: Object.fromEntries(['actual', 'expected', 'difference'].map(
                k => [k, [a.querySelector('td.' + k).dataset.value, a.querySelector('td.' + k).textContent]])),
            message: a.querySelector('.message').textContent,
        }));""")
    from pipelines.audit import format_amount

    for a in shown:
        f = findings[a["id"]]
        assert a["images"] and all(ok and w > 100 and h > 20 for ok, w, h in a["images"]), a["id"]
        assert a["message"] == f["message"]
        for k, (value, text) in a["numbers"].items():
            if f[k] is None:
                assert (value, text) == ("", "—")
            else:
                assert D(value) == f[k] and text == format_amount(f[k], signed=k == "difference"), (a["id"], k)
    # the filter hides what the auditor unticks, without errors
    browser.find_element("css selector", "nav.filters input[value=info]").click()
    assert browser.find_element("id", "shown-count").text == str(sum(f["severity"] != "info" for f in findings.values()))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_per_kelurahan_rows_that_add_up_neither_way_say_what_both_readings_give():
    # kegiatan 400; the kecamatan row 50 and its kelurahan rows 100 + 200 as siblings give 350; read as the
    # kelurahan rows' total, the kecamatan row (50, though they add up to 300) would give 50: neither is 400
    rows = [(lv, name, page, fig.format(k="400", s="50")) for lv, name, page, fig in KELURAHAN]
    (f,) = [f for f in _audit(_outputs(rows, extra=SUB)) if f.severity == "error"]
    assert (f.expected, f.actual, f.row_nos) == (D(350), D(400), (1, 2, 3, 4))
    assert "read as the total of its 2 kelurahan rows (which add up to 300), row 2 would make them add up to 50, not 400 either" in f.message
