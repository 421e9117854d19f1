"""The audit across documents, specified on a Renstra, a Renja and an LKjIP of Kecamatan Kanigaran.

The three seed documents are of different years (Renja 2022, Renstra 2025-2026, LKjIP 2024), so as
published no item of one can be compared with another (test_documents_of_different_years...). To
compare them, the Renja and the LKjIP are re-dated to 2025: their title pages, captions and headers
say 2025 (the Renja's prakiraan maju 2026), their figures stay as printed. The Renja keeps the part
of its T-C.33 for the programs 7.01.02 and 7.01.05 (spec rows 28-42, seed l.1052-1070), so every
finding can be listed below and was computed by hand from the seed text:

- renja_2022 T-C.33 (seed l.1053-1070) against renstra_2025_2026 T-C.27 2025 (seed l.1092-1125);
- lkjip_2024 LKJIP-PK-ANGGARAN (seed l.512-515) and LKJIP-ANGGARAN (seed l.852-890) against the Renja.

Row numbers are those of the extracted tables (the order of the spec rows); pages are the builder's
measured pages of the rows.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal as D

import pytest

from click.testing import CliRunner

from pipelines.audit import audit, format_amount, load_outputs
from pipelines.audit_across import group_documents, group_key
from pipelines.cli import main
from pipelines.run import process_file
from pipelines.writers import write_outputs
from tests.fixtures.builder import LAYOUTS, build_document, load_spec
from tests.test_audit import browser  # noqa: F401  (the headless chromium fixture)

LKJIP_TABLES = ["LKJIP-PK", "LKJIP-PK-ANGGARAN", "LKJIP-CAPAIAN", "LKJIP-KINERJA-ANGGARAN", "LKJIP-ANGGARAN"]


def _redated(spec: dict, years: dict[str, str], codes: list[str], rows: slice | None = None) -> dict:
    """The spec with the years of its title page, captions and headers replaced; its rows (the figures) untouched."""
    spec = copy.deepcopy(spec)
    pattern = re.compile("|".join(years))

    def swap(x):
        if isinstance(x, str):
            return pattern.sub(lambda m: years[m.group(0)], x)
        if isinstance(x, list):
            return [swap(v) for v in x]
        if isinstance(x, dict):
            return {k: swap(v) for k, v in x.items()}
        return x

    spec["document"] = swap(spec["document"])
    tables = []
    for t in spec["tables"]:
        if t["table_code"] not in codes:
            continue
        kept_rows = t["rows"][rows] if rows is not None else t["rows"]
        t = swap({k: v for k, v in t.items() if k != "rows"})
        t["rows"] = kept_rows
        tables.append(t)
    spec["tables"] = tables
    return spec


@pytest.fixture(scope="module")
def kanigaran(tmp_path_factory):
    out = tmp_path_factory.mktemp("kanigaran")
    renja = _redated(load_spec("renja_2022_kanigaran"), {"2022": "2025", "2023": "2026"}, ["T-C.33"], slice(27, 42))
    lkjip = _redated(load_spec("lkjip_2024_kanigaran"), {"2024": "2025"}, LKJIP_TABLES)
    built = {
        "renja": build_document(renja, LAYOUTS["ruled"], out / "renja-2025-kanigaran.pdf"),
        "renstra": build_document(load_spec("renstra_2025_2026_kanigaran"), LAYOUTS["ruled"], out / "renstra-2025-2026-kanigaran.pdf", tables=["T-C.27"]),
        "lkjip": build_document(lkjip, LAYOUTS["ruled"], out / "lkjip-2025-kanigaran.pdf"),
    }
    write_outputs([process_file(b.path) for b in built.values()], out / "clean")
    o = load_outputs(out / "clean")
    docs = {d["doc_type"]: d for d in o["documents"].to_pylist()}
    assert {k: (d["perangkat_daerah"], d["tahun"]) for k, d in docs.items()} == {
        "renja": ("Kecamatan Kanigaran", 2025), "renstra": ("Kecamatan Kanigaran", 2025), "lkjip": ("Kecamatan Kanigaran", 2025)}
    findings = audit(o["documents"], o["tables"], o["rows"], o["values"])
    pages = {k: {(b.tables[i].table_code, n + 1): b.tables[i].row_pages[n][0] for i in range(len(b.tables))
                 for n in range(len(b.tables[i].rows))} for k, b in built.items()}
    return docs, findings, pages, out / "clean"


# (renja T-C.33 row, renstra T-C.27 row, renja pagu 2025, renstra pagu_1 2025, difference): seed l.1053-1070 / l.1092-1125
RENJA_RENSTRA_PAGU = [
    (2, 19, D("1642761200"), D("2750000000"), D("-1107238800")),  # program 7.01.02
    (3, 28, D("636702000"), D("750000000"), D("-113298000")),  # kegiatan 7.01.02.2.02
    (4, 29, D("63654000"), D("150000000"), D("-86346000")),  # sub kegiatan 7.01.02.2.02.0003 (the Renstra prints kode ...2.03.0003)
    (5, 30, D("107502000"), D("100000000"), D("7502000")),  # ... Curahgrinting
    (6, 35, D("60000000"), D("100000000"), D("-40000000")),  # ... Tisnonegaran
    (7, 31, D("107502000"), D("100000000"), D("7502000")),  # ... Kanigaran
    (8, 32, D("99642000"), D("100000000"), D("-358000")),  # ... Kebonsari Kulon
    (9, 33, D("107502000"), D("100000000"), D("7502000")),  # ... Kebonsari Wetan
    (10, 34, D("90900000"), D("100000000"), D("-9100000")),  # ... Sukoharjo
    (11, 20, D("1006059200"), D("1705000000"), D("-698940800")),  # kegiatan 7.01.02.2.01
    (12, 21, D("1006059200"), D("1609000000"), D("-602940800")),  # sub kegiatan 7.01.02.2.01.0002 (the kecamatan row)
    (13, 41, D("338168000"), D("450000000"), D("-111832000")),  # program 7.01.05
    (14, 42, D("338168000"), D("475000000"), D("-136832000")),  # kegiatan 7.01.05.2.01
    (15, 43, D("338168000"), D("25000000"), D("313168000")),  # sub kegiatan 7.01.05.2.01.0002
]

# (LKjIP table, its row, renja T-C.33 row, LKjIP anggaran, renja pagu, difference): seed l.512-515, l.867-875 / l.1053-1070
LKJIP_RENJA_ANGGARAN = [
    ("LKJIP-PK-ANGGARAN", 2, 13, D("451238000"), D("338168000"), D("113070000")),  # program 7.01.05
    ("LKJIP-PK-ANGGARAN", 3, 2, D("2417627500"), D("1642761200"), D("774866300")),  # program 7.01.02
    ("LKJIP-ANGGARAN", 16, 4, D("61084000"), D("63654000"), D("-2570000")),  # 7.01.02.2.02.0003, no sub unit
    ("LKJIP-ANGGARAN", 17, 5, D("104408000"), D("107502000"), D("-3094000")),  # ... Curahgrinting
    ("LKJIP-ANGGARAN", 18, 6, D("64500000"), D("60000000"), D("4500000")),  # ... 'sub unit Tisnongan' (l.869) = Tisnonegaran
    ("LKJIP-ANGGARAN", 19, 7, D("123218000"), D("107502000"), D("15716000")),  # ... Kanigaran
    ("LKJIP-ANGGARAN", 20, 8, D("112421500"), D("99642000"), D("12779500")),  # ... Kebonsari Kulon
    ("LKJIP-ANGGARAN", 21, 9, D("124098000"), D("107502000"), D("16596000")),  # ... Kebonsari Wetan
    ("LKJIP-ANGGARAN", 22, 10, D("83838000"), D("90900000"), D("-7062000")),  # ... Sukoharjo
    ("LKJIP-ANGGARAN", 23, 12, D("1744060000"), D("1006059200"), D("738000800")),  # 7.01.02.2.01.0002
    ("LKJIP-ANGGARAN", 24, 15, D("451238000"), D("338168000"), D("113070000")),  # 7.01.05.2.01.0002
]


def _cross(findings, doc_id, other):
    return [f for f in findings if f.check == "cross_document" and f.doc_id == doc_id and f.other_doc_id == other]


def test_renja_pagu_against_the_renstra_pagu_of_the_plan_year(kanigaran):
    docs, findings, pages, _ = kanigaran
    got = {(f.row_nos, f.actual, f.expected, f.difference, f.severity, f.pages)
           for f in _cross(findings, docs["renja"]["doc_id"], docs["renstra"]["doc_id"]) if f.column == "pagu_indikatif / pagu_1"}
    want = {((a, b), x, y, d, "error", (pages["renja"][("T-C.33", a)], pages["renstra"][("T-C.27", b)]))
            for a, b, x, y, d in RENJA_RENSTRA_PAGU}
    assert got == want
    f = next(f for f in findings if f.check == "cross_document" and f.row_nos == (15, 43))
    assert f.tahun == 2025 and f.table_code == "T-C.33 / T-C.27"
    assert "338.168.000 as pagu_indikatif 2025 in the Renja T-C.33 (row 15" in f.message
    assert "25.000.000 as pagu_1 in the Renstra T-C.27 (row 43" in f.message


def test_renja_target_against_the_renstra_target_where_the_indicator_is_the_same(kanigaran):
    docs, findings, pages, _ = kanigaran
    targets = [f for f in _cross(findings, docs["renja"]["doc_id"], docs["renstra"]["doc_id"]) if f.column == "target / target_1"]
    # Indeks Kepuasan Masyarakat: 83,5 in the Renja (l.1053), 84,25 for 2025 in the Renstra (l.1092)
    assert [(f.row_nos, f.actual, f.expected, f.difference, f.severity) for f in targets] == [
        ((2, 19), D("83.5"), D("84.25"), D("-0.75"), "error")]
    # The pair that agrees: kegiatan 7.01.02.2.02 'Persentase pelayanan yang sesuai standar pelayanan' 90 and 90%
    # (l.1054 / l.1104); and where the indicators differ (7.01.05: 'Penurunan Gangguan Keamanan' against
    # 'Urusan Pemerintahan Umum ...') targets are not compared at all.
    assert not [f for f in targets if f.row_nos[0] in (3, 13, 14, 15)]


def test_lkjip_anggaran_against_the_renja_pagu(kanigaran):
    docs, findings, pages, _ = kanigaran
    got = {(f.table_code, f.row_nos, f.actual, f.expected, f.difference, f.severity, f.pages)
           for f in _cross(findings, docs["lkjip"]["doc_id"], docs["renja"]["doc_id"]) if f.column == "anggaran / pagu_indikatif"}
    want = {(f"{code} / T-C.33", (a, b), x, y, d, "warning", (pages["lkjip"][(code, a)], pages["renja"][("T-C.33", b)]))
            for code, a, b, x, y, d in LKJIP_RENJA_ANGGARAN}
    assert got == want
    f = next(f for f in findings if f.check == "cross_document" and f.row_nos == (18, 6))
    assert "lokasi 'Tisnongan' taken for 'Tisnonegaran'" in f.message
    # realisasi 60.308.128 (l.869) / Renja pagu 60.000.000 = 100,51%
    assert "its realisasi 60.308.128 is 100,51% of the Renja's pagu" in f.message


def test_lkjip_target_against_the_renja_target_with_the_realisasi_measured_against_it(kanigaran):
    docs, findings, pages, _ = kanigaran
    targets = [f for f in _cross(findings, docs["lkjip"]["doc_id"], docs["renja"]["doc_id"]) if f.column == "target / target"]
    # LKJIP-CAPAIAN IKM target 84,5, realisasi 80,25, capaian 94,97 (l.555) against the Renja's 83,5 (l.1053):
    # 80,25 / 83,5 = 96,107...%; the same indicator in LKJIP-PK and LKJIP-KINERJA-ANGGARAN is not reported again.
    assert [(f.table_code, f.row_nos, f.actual, f.expected, f.difference, f.severity) for f in targets] == [
        ("LKJIP-CAPAIAN / T-C.33", (1, 2), D("84.5"), D("83.5"), D("1"), "error")]
    assert "a capaian of 96,11%, not the 94,97 printed" in targets[0].message


def test_every_cross_document_finding_is_listed_above(kanigaran):
    docs, findings, _, _ = kanigaran
    cross = [f for f in findings if f.check == "cross_document"]
    assert len(cross) == len(RENJA_RENSTRA_PAGU) + 1 + len(LKJIP_RENJA_ANGGARAN) + 1
    # the Renstra is checked against, never the document a finding is in
    assert {(f.doc_id, f.other_doc_id) for f in cross} == {
        (docs["renja"]["doc_id"], docs["renstra"]["doc_id"]), (docs["lkjip"]["doc_id"], docs["renja"]["doc_id"])}


def test_the_lkjip_realisation_table_agrees_with_its_perjanjian_kinerja(kanigaran):
    # LKJIP-PK-ANGGARAN (l.512-515) against LKJIP-ANGGARAN summed per program (l.852-890): X.XX.01 9.869.874.278,
    # 7.01.05 451.238.000, 7.01.02 2.417.627.500, 7.01.03 2.221.176.104 on both sides: no finding
    docs, findings, _, _ = kanigaran
    assert not [f for f in findings if f.doc_id == docs["lkjip"]["doc_id"] and f.check == "cross_table"]


def test_a_program_of_the_perjanjian_kinerja_that_its_realisation_table_contradicts(tmp_path):
    spec = copy.deepcopy(load_spec("lkjip_2024_kanigaran"))
    spec["tables"] = [t for t in spec["tables"] if t["table_code"] in ("LKJIP-PK-ANGGARAN", "LKJIP-ANGGARAN")]
    pk = spec["tables"][0]["rows"]
    assert pk[1]["cells"][2] == "451.238.000"  # 7.01.05, l.513
    pk[1]["cells"][2] = "451.328.000"
    doc = build_document(spec, LAYOUTS["ruled"], tmp_path / "lkjip.pdf")
    write_outputs([process_file(doc.path)], tmp_path / "clean")
    o = load_outputs(tmp_path / "clean")
    found = [f for f in audit(o["documents"], o["tables"], o["rows"], o["values"]) if f.check == "cross_table"]
    # its only sub kegiatan in LKJIP-ANGGARAN, 7.01.05.2.01.0002, has 451.238.000 (l.875)
    assert [(f.table_code, f.row_nos, f.actual, f.expected, f.difference, f.severity) for f in found] == [
        ("LKJIP-PK-ANGGARAN / LKJIP-ANGGARAN", (2, 24), D("451328000"), D("451238000"), D("90000"), "error")]


def test_documents_of_different_years_are_grouped_but_not_compared(tmp_path):
    built = [build_document(load_spec(name), LAYOUTS["ruled"], tmp_path / f"{name}.pdf", tables=tables) for name, tables in (
        ("renja_2022_kanigaran", ["T-C.33"]), ("renstra_2025_2026_kanigaran", ["T-C.27"]), ("lkjip_2024_kanigaran", ["LKJIP-ANGGARAN"]))]
    write_outputs([process_file(b.path) for b in built], tmp_path / "clean")
    o = load_outputs(tmp_path / "clean")
    assert len(group_documents(o["documents"].to_pylist())) == 1
    assert not [f for f in audit(o["documents"], o["tables"], o["rows"], o["values"]) if f.check == "cross_document"]


@pytest.mark.parametrize("a, b, same", [
    (("Kota Padang Panjang", "Dinas Komunikasi Dan Informatika"), ("Kota Padang Panjang", "Dinas Komunikasi dan Informatika Jl. M.Yamin SH No"), True),
    (("Kota Padang Panjang", "Badan Kepegawaian Dan Pengembangan SDM, Dan Hasil Evaluasi Pelaksanaan"),
     ("Kota Padang Panjang Tahun", "Badan Kepegawaian Dan Pengembangan Sumber DAYA Manusia"), True),
    (("Kabupaten Cianjur", "Dinas Kebersihan Dan Pertamanan"), (None, "Dinas Kebersihan Dan Pertamanan Rencana Strategis Dinas"), True),
    (("Kota Padang Panjang", "Dinas Komunikasi Dan Informatika"), ("Kota Padang Panjang", "Dinas Kependudukan Dan Pencatatan Sipil"), False),
    (("Kota Probolinggo", "Kecamatan Kanigaran"), ("Kota Probolinggo", "Kecamatan Kademangan"), False),
    (("Kota Probolinggo", "Kecamatan Kanigaran"), ("Kota Padang Panjang", "Kecamatan Kanigaran"), False),
])
def test_documents_are_grouped_by_pemda_and_perangkat_daerah(a, b, same):
    docs = [{"doc_id": str(i), "status": "ok", "doc_type": t, "pemda": p, "perangkat_daerah": n}
            for i, ((p, n), t) in enumerate(((a, "renja"), (b, "renstra")))]
    assert (len(group_documents(docs)) == 1) is same
    assert group_key(None, None) is None


def test_the_report_shows_a_finding_across_documents_on_both_pdfs(kanigaran, tmp_path, browser):  # noqa: F811
    docs, findings, _, folder = kanigaran
    res = CliRunner().invoke(main, ["audit", str(folder), "--out", str(tmp_path), "--report", str(tmp_path / "audit.html")])
    assert res.exit_code == 0, res.output
    browser.get((tmp_path / "audit.html").as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    shown = browser.execute_script("""
        return Array.from(document.querySelectorAll('article.finding[data-check=cross_document]')).map(a => ({
            other: a.querySelector('.other-doc').dataset.otherDocId,
            images: Array.from(a.querySelectorAll('figure')).map(f => [f.querySelector('img').naturalWidth, f.querySelector('figcaption').textContent]),
            actual: a.querySelector('td.actual').textContent, expected: a.querySelector('td.expected').textContent,
        }));""")
    cross = [f for f in findings if f.check == "cross_document"]
    assert len(shown) == len(cross) == 27
    names = {d["doc_id"]: d["source_path"].rsplit("/", 1)[1] for d in docs.values()}
    by_other = {f.other_doc_id for f in cross}
    for a in shown:
        assert a["other"] in by_other
        pdfs = [caption.split(",")[0] for width, caption in a["images"] if width > 100]
        # one crop from the document the finding is in, one from the document it was compared with
        assert len(pdfs) == 2 and pdfs[1] == names[a["other"]] and pdfs[0] != pdfs[1], a
    f = next(f for f in cross if f.row_nos == (15, 43))
    a = next(a for a in shown if a["actual"] == format_amount(f.actual) and a["expected"] == format_amount(f.expected))
    assert [c.split(",")[0] for _, c in a["images"]] == ["renja-2025-kanigaran.pdf", "renstra-2025-2026-kanigaran.pdf"]


# --------------------------------------------------------------------------------------------------
# Small documents written out: (doc, table code, [(level, name, page, {column: printed})])


def _records(docs):
    """Outputs of several one-table documents, as `sakip extract` would write them."""
    from normalize.numbers import parse_number

    out = {"documents": [], "tables": [], "rows": [], "values": []}
    for doc_id, meta, code, year_of, rows in docs:
        tid = f"{doc_id}-t01"
        columns = ["kode", "uraian", *dict.fromkeys(c for *_, figures in rows for c in figures)]
        out["documents"].append({"doc_id": doc_id, "source_path": f"{doc_id}.pdf", "status": "ok", **meta})
        out["tables"].append({"table_id": tid, "doc_id": doc_id, "table_code": code, "columns": columns, "header": columns,
                              "column_numbers": [""] * len(columns), "number_locale": "id"})
        for i, (level, name, page, figures) in enumerate(rows, start=1):
            out["rows"].append({"table_id": tid, "doc_id": doc_id, "table_code": code, "row_no": i, "page": page,
                                "level": level, "kode": None, "uraian": name, "nomenclature_code": None,
                                "match_status": "unmatched", "lokasi_unit": None, "cells": ["", name, *figures.values()]})
            for col, raw in figures.items():
                p = parse_number(raw)
                out["values"].append({"table_id": tid, "doc_id": doc_id, "table_code": code, "row_no": i, "column_name": col,
                                      "tahun": year_of(col), "value": p.value, "unit": "Rp", "value_raw": raw,
                                      "parse_status": p.status, "parse_note": p.note or None, "candidates": None})
    return out


RENJA_2019 = {"doc_type": "renja", "pemda": "Kota Padang Panjang", "tahun": 2019,
              "perangkat_daerah": "Badan Kepegawaian Dan Pengembangan SDM"}
RENSTRA_2018 = {"doc_type": "renstra", "pemda": "Kota Padang Panjang Tahun", "tahun": 2018,
                "perangkat_daerah": "Badan Kepegawaian Dan Pengembangan Sumber Daya Manusia"}


def _renja(rows):
    return ("a" * 16, RENJA_2019, "T-C.33", lambda c: 2019, [(lv, n, 23, {"pagu_indikatif": x}) for lv, n, x in rows])


def _renstra(rows, meta=RENSTRA_2018, doc_id="b" * 16):
    return (doc_id, meta, "T-C.27", lambda c: 2019 if c == "pagu_1" else 2020, [(lv, n, 37, {"pagu_1": x}) for lv, n, x in rows])


def _cross_of(out):
    return [f for f in audit(out["documents"], out["tables"], out["rows"], out["values"]) if f.check == "cross_document"]


# Renja BKPSDM 2019 p.23 (rupiah) against Renstra BKPSDM 2018-2023 p.37, 'Rp. (000)' (realdocs frisdiandi__portalpp__)
BKPSDM_RENJA = [("kegiatan", "Penyediaan Jasa Surat Menyurat", "4.200.000"),
                ("kegiatan", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", "35.160.000"),
                ("kegiatan", "Penyediaan Jasa Kebersihan Kantor", "128.985.000"),
                ("kegiatan", "Penyediaan Alat Tulis Kantor", "37.540.000")]
BKPSDM_RENSTRA = [("kegiatan", "Kegiatan penyediaan jasa surat menyurat", "4.200"),
                  ("kegiatan", "Kegiatan penyediaan jasa komunikasi, sumber daya air dan listrik", "89.160"),
                  ("kegiatan", "Kegiatan penyediaan jasa kebersihan kantor", "128.985"),
                  ("kegiatan", "Kegiatan penyediaan alat tulis kantor", "37.540")]


def test_a_renstra_printed_in_thousands_is_compared_in_rupiah():
    (f,) = _cross_of(_records([_renja(BKPSDM_RENJA), _renstra(BKPSDM_RENSTRA)]))
    assert (f.row_nos, f.actual, f.expected, f.difference, f.severity) == ((2, 2), D(35160000), D(89160000), D(-54000000), "error")
    assert "89.160 (in thousands: 89.160.000) as pagu_1 in the Renstra" in f.message


def test_a_renstra_naming_no_perangkat_daerah_joins_the_group_whose_items_it_shares():
    distinctive = [("kegiatan", "Seleksi Penerimaan CPNS", "361.565.000"), ("kegiatan", "Pendidikan Penjenjangan Struktural", "649.000.000"),
                   ("kegiatan", "Pemberian Bantuan Tugas Belajar Ikatan Dinas", "165.112.500")]
    in_renstra = [("kegiatan", "Kegiatan seleksi penerimaan CPNS", "320.000.000"), ("kegiatan", "Kegiatan pendidikan penjenjangan struktural", "720.000.000"),
                  ("kegiatan", "Kegiatan pemberian bantuan tugas belajar ikatan dinas", "114.000.000")]
    nameless = {**RENSTRA_2018, "perangkat_daerah": None}
    other_opd = ("c" * 16, {**RENJA_2019, "perangkat_daerah": "Dinas Komunikasi dan Informatika"}, "T-C.33", lambda c: 2019,
                 [(lv, n, 20, {"pagu_indikatif": x}) for lv, n, x in BKPSDM_RENJA])  # shares only the office items
    found = _cross_of(_records([_renja(BKPSDM_RENJA[:1] + distinctive), _renstra(in_renstra, nameless), other_opd]))
    assert [(f.doc_id[0], f.row_nos, f.difference) for f in found] == [
        ("a", (2, 1), D(41565000)), ("a", (3, 2), D(-71000000)), ("a", (4, 3), D(51112500))]
    assert "it was taken for this one's by the 3 items only they share" in found[0].message
    # with two items in common only, it is not grouped
    assert _cross_of(_records([_renja(distinctive[:2]), _renstra(in_renstra[:2], nameless)])) == []


def test_an_item_printed_twice_joins_the_printing_that_carries_the_years_amount():
    # Renstra Bappeda 2018-2023 p.72 prints program 3 06 16 twice: with 2019's pagu, then with '-' for 2019
    renja = [("program", "Program Perencanaan Pembangunan Bidang Prasarana Wilayah dan Sumber Daya Alam", "117.550.000"),
             ("program", "Program Peningkatan Sarana dan Prasarana Aparatur", "125.000.000"),
             ("program", "Program Peningkatan Sarana dan Prasarana Aparatur", "865.000.000")]  # two priorities, two amounts
    renstra = [("program", "Program Perencanaan Pembangunan Bidang Prasarana Wilayah dan Sumber Daya Alam", "144.174.500"),
               ("program", "Program Perencanaan Pembangunan Bidang Prasarana Wilayah dan Sumber Daya Alam", "-"),
               ("program", "Program Peningkatan Sarana dan Prasarana Aparatur", "139.000.000")]
    meta = {**RENSTRA_2018, "perangkat_daerah": RENJA_2019["perangkat_daerah"]}
    (f,) = _cross_of(_records([_renja(renja), _renstra(renstra, meta)]))
    assert (f.row_nos, f.difference) == ((1, 1), D(-26624500))
    assert "of its 2 printings the one with an amount" in f.message


# --------------------------------------------------------------------------------------------------
# Within a Renja: the untitled pagu table of Bab IV (seed l.1093-1165) against T-C.33

# (seed line, PROGRAM DAN KEGIATAN, PAGU INDIKATIF (Rp), bold) as printed
BAB_IV = [
    (1102, 'PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA', '10.001.375.464', False),
    (1103, 'Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah', '40.000.000', False),
    (1104, 'Penyusunan Dokumen Perencanaan Perangkat Daerah', '15.000.000', False),
    (1105, 'Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD', '25.000.000', False),
    (1109, 'Administrasi Keuangan Perangkat Daerah', '9.396.542.012', True),
    (1110, 'Penyediaan Gaji dan Tunjangan ASN', '9.063.123.412', False),
    (1111, 'Pelaksanaan Penatausahaan dan Pengujian/Verifikasi Keuangan SKPD', '333.418.600', False),
    (1112, 'Administrasi Kepegawaian Perangkat Daerah', '9.616.000', True),
    (1113, 'Pengadaan Pakaian Dinas Beserta Atribut Kelengkapannya', '4.616.000', False),
    (1114, 'Sosialisasi Peraturan Perundang-Undangan', '5.000.000', False),
    (1115, 'Administrasi Umum Perangkat Daerah', '216.998.152', True),
    (1116, 'Penyediaan Peralatan dan Perlengkapan Kantor', '133.122.999', False),
    (1117, 'Penyediaan Barang Cetak dan Penggandaan', '15.275.153', False),
    (1118, 'Penyediaan Bahan Bacaan dan Peraturan Perundang-undangan', '3.600.000', False),
    (1119, 'Fasilitasi Kunjungan Tamu', '10.000.000', False),
    (1120, 'Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD', '55.000.000', False),
    (1121, 'Pengadaan Barang Milik Daerah Penunjang Urusan Pemerintah Daerah', '10.000.000', True),
    (1122, 'Pengadaan Kendaraan Dinas Operasional atau Lapangan', '', False),
    (1123, 'Pengadaan Peralatan dan Mesin Lainnya', '10.000.000,00', False),
    (1124, 'Pengadaan Sarana dan Prasarana Gedung Kantor atau Bangunan Lainnya', '', False),
    (1125, 'Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah', '269.454.000', True),
    (1126, 'Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik', '173.400.000,00', False),
    (1127, 'Penyediaan Jasa Pelayanan Umum Kantor', '96.054.000,00', False),
    (1128, 'Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah', '58.765.300', True),
    (1129, 'Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan dan Pajak Kendaraan Perorangan Dinas atau Kendaraan Dinas Jabatan', '10.765.300,00', False),
    (1130, 'Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, Pajak, dan Perizinan Kendaraan Dinas Operasional atau Lapangan', '20.000.000,00', False),
    (1131, 'Pemeliharaan Peralatan dan Mesin Lainnya', '20.000.000,00', False),
    (1132, 'Pemeliharaan/Rehabilitasi Gedung Kantor dan Bangunan Lainnya', '8.000.000,00', False),
    (1133, 'PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK', '1.069.713.200', True),
    (1134, 'Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan', '1.006.059.200', True),
    (1135, 'Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan', '1.006.059.200,00', False),
    (1136, 'Penyelenggaraan Urusan Pemerintahan yang tidak Dilaksanakan oleh Unit Kerja Perangkat Daerah yang ada di Kecamatan', '63.654.000', True),
    (1137, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan', '63.654.000,00', False),
    (1141, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (Sub unit Curahgrinting)', '107.502.000,00', False),
    (1142, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (sub unit Tisnonegaran)', '60.000.000,00', False),
    (1143, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (sub unit Kanigaran)', '107.502.000,00', False),
    (1144, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (sub unit Kebonsari Kulon)', '99.642.000,00', False),
    (1145, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (sub unit Kebonsari Wetan)', '107.502.000,00', False),
    (1146, 'Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (sub unit Sukoharjo)', '90.900.000,00', False),
    (1147, 'PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN', '199.668.000', True),
    (1148, 'Pemberdayaan Lembaga Kemasyarakatan Tingkat Kecamatan', '199.668.000', True),
    (1149, 'Peningkatan Kapasitas Lembaga Kemasyarakatan', '199.668.000,00', False),
    (1150, 'Kegiatan Pemberdayaan Kelurahan', '', True),
    (1151, 'Pemberdayaan Masyarakat di Kelurahan (sub unit Curahgrinting)', '200.000.000,00', False),
    (1152, 'Pemberdayaan Masyarakat di Kelurahan (sub unit Tisnonegaran)', '130.000.000,00', False),
    (1153, 'Pemberdayaan Masyarakat di Kelurahan (sub unit Kanigaran)', '232.000.000,00', False),
    (1154, 'Pemberdayaan Masyarakat di Kelurahan (sub unit Kebonsari Kulon)', '160.000.000,00', False),
    (1155, 'Pemberdayaan Masyarakat di Kelurahan (sub unit Kebonsari Wetan)', '63.010.000,00', False),
    (1156, 'Pemberdayaan Masyarakat di Kelurahan (sub unit Sukoharjo)', '184.750.000,00', False),
    (1157, 'Pembangunan Sarana dan Prasarana Kelurahan (sub unit Curahgrinting)', '100.000.000,00', False),
    (1158, 'Pembangunan Sarana dan Prasarana Kelurahan (sub unit Tisnonegaran)', '165.000.000,00', False),
    (1159, 'Pembangunan Sarana dan Prasarana Kelurahan (sub unit Kanigaran)', '67.371.400,00', False),
    (1160, 'Pembangunan Sarana dan Prasarana Kelurahan (sub unit Kebonsari Kulon)', '140.000.000,00', False),
    (1161, 'Pembangunan Sarana dan Prasarana Kelurahan (sub unit Kebonsari Wetan)', '235.000.000,00', False),
    (1162, 'Pembangunan Sarana dan Prasarana Kelurahan (sub unit Sukoharjo)', '96.650.000,00', False),
    (1163, 'PROGRAM PENYELENGGARAAN URUSAN PEMERINTAHAN UMUM', '199.668.000', True),
    (1164, 'Penyelenggaraan Urusan Pemerintahan Umum sesuai Penugasan Kepala Daerah', '199.668.000', True),
    (1165, 'Fasilitasi, Koordinasi dan Pembinaan (Bimtek, Sosialisasi, Konsultasi) Wawasan Kebangsaan dan Ketahanan Nasional', '199.668.000,00', False),
]


def _bab_iv_table(rows):
    return {"table_code": "other", "caption": [], "subcaption": None, "heading": "BAB IV. RENCANA KERJA DAN PENDANAAN PERANGKAT DAERAH",
            "before": ["Rencana program, kegiatan, dan pendanaan indikatif adalah sebagai berikut:"], "n_cols": 2,
            "n_header_rows": 1, "numeric_cols": [1], "col_widths": [30, 10],
            "header": [{"text": "PROGRAM DAN KEGIATAN", "row": 0, "col": 0, "rowspan": 1, "colspan": 1},
                       {"text": "PAGU INDIKATIF (Rp)", "row": 0, "col": 1, "rowspan": 1, "colspan": 1}],
            "rows": [{"cells": [name, fig], "bold": bold, "split_at_page_break": False, "seed_lines": [line]}
                     for line, name, fig, bold in rows]}


def test_the_untitled_pagu_table_of_bab_iv_against_t_c33(tmp_path):
    spec = copy.deepcopy(load_spec("renja_2022_kanigaran"))
    spec["tables"] = [t for t in spec["tables"] if t["table_code"] == "T-C.33"] + [_bab_iv_table(BAB_IV)]
    doc = build_document(spec, LAYOUTS["ruled"], tmp_path / "renja.pdf")
    write_outputs([process_file(doc.path)], tmp_path / "clean")
    o = load_outputs(tmp_path / "clean")
    assert [t["table_code"] for t in o["tables"].to_pylist()] == ["T-C.33", "other"]
    found = [f for f in audit(o["documents"], o["tables"], o["rows"], o["values"]) if f.table_code == "other / T-C.33"]
    page = {(t.table_code, n + 1): t.row_pages[n][0] for t in doc.tables for n in range(t.n_rows)}
    # (Bab IV row, T-C.33 row, Bab IV pagu, T-C.33 pagu 2022): Bab IV prints T-C.31's Hasil Analisis figures
    want = [
        (29, 29, D(1069713200), D(1642761200)),  # program 7.01.02: l.1133 / l.1053
        (32, 30, D(63654000), D(636702000)),  # kegiatan 7.01.02.2.02: l.1136 / l.1054
        (40, 44, D(199668000), D(1973449400)),  # program 7.01.03: l.1147 / l.1084
        (56, 40, D(199668000), D(338168000)),  # program 7.01.05: l.1163 / l.1068
        (57, 41, D(199668000), D(338168000)),  # its kegiatan: l.1164 / l.1069
        (58, 42, D(199668000), D(338168000)),  # its sub kegiatan: l.1165 / l.1070
    ]
    assert [(f.check, f.severity, f.row_nos, f.actual, f.expected, f.difference, f.tahun, f.pages, f.other_doc_id) for f in found] == [
        ("cross_table", "error", (a, b), x, y, x - y, 2022, (page[("other", a)], page[("T-C.33", b)]), None) for a, b, x, y in want]
    # (the list is complete: the kegiatan Pemberdayaan Kelurahan printed without a pagu, l.1150, and the other joined items
    # agree with T-C.33)
    assert "the untitled table from page" in found[0].message and "are T-C.33 items" in found[0].message


def test_a_narrow_table_of_other_items_is_not_taken_for_the_pagu_table(tmp_path):
    # the same table with names that are not T-C.33's (only its first row joins) is not compared
    rows = [(line, f"Usulan {i} Kelurahan Sukoharjo" if i > 1 else name, fig, bold) for i, (line, name, fig, bold) in enumerate(BAB_IV)]
    spec = copy.deepcopy(load_spec("renja_2022_kanigaran"))
    spec["tables"] = [t for t in spec["tables"] if t["table_code"] == "T-C.33"] + [_bab_iv_table(rows)]
    doc = build_document(spec, LAYOUTS["ruled"], tmp_path / "renja.pdf")
    write_outputs([process_file(doc.path)], tmp_path / "clean")
    o = load_outputs(tmp_path / "clean")
    assert not [f for f in audit(o["documents"], o["tables"], o["rows"], o["values"]) if f.table_code == "other / T-C.33"]
