"""Nomenclature: the built-in reference, the importer and its store, the matcher, the CLI.

The matching tests use names exactly as printed in the three seed documents of Kecamatan
Kanigaran (quoted with their line: `renja L…`, `renstra L…`, `lkjip L…`; see shared/MESSINESS.md)
and need nothing but the built-in list. Tests against the full published list need
`../shared/nomenclature` and are skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nomenclature.cli import match_command, nomenclature_group
from nomenclature.matcher import MATCH_COLUMNS, Matcher, matches_frame
from nomenclature.names import comparable, location_variants, split_code
from nomenclature.reference import (
    BUILTIN_VERSION,
    InvalidReference,
    NomenclatureError,
    UnknownVersion,
    import_reference,
    list_versions,
    load_builtin,
    load_legacy,
    load_reference,
)
from pipelines.matching import match_rows

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FULL_CSV = SHARED / "nomenclature" / "nomenclature.csv"
needs_shared = pytest.mark.skipif(
    not FULL_CSV.exists(), reason=f"{FULL_CSV} is missing: the published nomenclature lives in ../shared, outside the repo"
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_builtin())


@pytest.fixture(autouse=True)
def _no_user_store(tmp_path, monkeypatch):
    # Never read or write the real user data directory from a test.
    monkeypatch.setenv("SAKIP_NOMENCLATURE", str(tmp_path / "store"))


# --- the built-in list -------------------------------------------------------------------------

def test_builtin_holds_the_supporting_program_and_kecamatan_programs_only():
    ref = load_builtin()
    assert ref.version == BUILTIN_VERSION
    assert ref.counts() == {"urusan": 2, "bidang": 2, "program": 6, "kegiatan": 34, "sub_kegiatan": 186}
    programs = ref.table.loc[ref.table["level"] == "program", "code"].tolist()
    assert programs == ["X.XX.01", "7.01.02", "7.01.03", "7.01.04", "7.01.05", "7.01.06"]
    assert set(ref.table["pemda"]) == {"kabkota"}


@needs_shared
def test_builtin_entries_are_those_of_the_published_regulation():
    published = pd.read_csv(FULL_CSV, dtype=str, keep_default_na=False)
    published = published[published["pemda"] == "kabkota"].set_index("code")
    builtin = load_builtin().table.set_index("code")
    for code, row in builtin.iterrows():
        assert code in published.index, code
        assert (row["level"], row["name"], row["parent_code"]) == tuple(published.loc[code, ["level", "name", "parent_code"]]), code
    # ...and complete: every kab/kota node under X.XX.01 and 7.01.02-06.
    wanted = [c for c in published.index if c.startswith("X.XX.01") or c[:7] in {f"7.01.0{p}" for p in "23456"}]
    assert sorted(set(wanted) - set(builtin.index)) == []


# --- normalising names ---------------------------------------------------------------------------

@pytest.mark.parametrize("printed, core, lokasi", [
    ("Peningkatan Kapasitas Lembaga Kemasyarakatan (sub unit Kelurahan Curahgrinting)",  # renja L297
     "Peningkatan Kapasitas Lembaga Kemasyarakatan", "Kelurahan Curahgrinting"),
    ("Pemberdayaan Masyarakat di Kelurahan (sub unit Curahgrinting)",  # renja L719
     "Pemberdayaan Masyarakat di Kelurahan", "Curahgrinting"),
    ("Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (Kecamatan Kanigaran)",  # renstra L639
     "Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan", "Kecamatan Kanigaran"),
    ("Penyediaan Jasa Pelayanan Umum Kantor (KECAMATAN WONOASIH)", "Penyediaan Jasa Pelayanan Umum Kantor", "KECAMATAN WONOASIH"),
])
def test_a_named_location_in_parentheses_is_always_split_off(printed, core, lokasi):
    (variant,) = location_variants(printed)
    assert (variant.name, variant.lokasi_unit) == (core, lokasi)


def test_comparable_forms_ignore_case_punctuation_spelling_variants_and_level_words():
    assert comparable("Kegiatan Kegiatan Pemberdayaan Kelurahan") == comparable("Kegiatan Pemberdayaan Kelurahan")
    assert comparable("Peningkatan Efektivitas Kegiatan") == comparable("PENINGKATAN EFEKTIFITAS KEGIATAN")
    assert comparable("Koordinasi Upaya Penyelenggaraan Ketentraman") == comparable("Koordinasi Upaya Penyelenggaraan Ketenteraman")
    assert comparable("Verifikasi Keuangan SKPD") == comparable("Verifikasi Keuangan Perangkat Daerah")
    assert comparable("Informasi danKomunikasi") == "informasi dan komunikasi"
    assert comparable("Urusan Pemerintah Daerah") == comparable("Urusan Pemerintahan Daerah")


# --- matching real printed names against the built-in list -------------------------------------

@pytest.mark.parametrize("printed, level, code, lokasi", [
    # Kecamatan programs: case, a word split by the PDF, spelling variants.
    ("PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK", "program", "7.01.02", None),  # renja L280
    ("Program Penyelenggaraan Pemerintahan dan Pelayanan Publik", "program", "7.01.02", None),  # lkjip L474
    ("PROGRAM PENYELENGGARAA N URUSAN PEMERINTAHAN UMUM", "program", "7.01.05", None),  # renstra L1123
    ("Program Penyelenggaraan Urusan Pemerintah Umum", "program", "7.01.05", None),  # lkjip L513
    ("PROGRAM PEMERDAYAAN MASYARAKAT DESA DAN KELURAHAN", "program", "7.01.03", None),  # renstra L1065
    ("PROGRAM KOORDINASI KETENTRAMAN DAN KETERTIBAN UMUM", "program", "7.01.04", None),  # renstra L1117
    # Kegiatan: a repeated leading `Kegiatan`, Pemerintah/Pemerintahan, a trailing apostrophe.
    ("Kegiatan Pemberdayaan Kelurahan", "kegiatan", "7.01.03.2.02", None),  # renja L303
    ("Kegiatan Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan", "kegiatan", "7.01.02.2.01", None),  # renstra L636
    ("Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Kecamatan", "kegiatan", "7.01.02.2.01", None),  # renja L1066
    ("Kegiatan Penyelenggaraan Urusan Pemerintahan yang tidak dilaksanakan oleh Unit Kerja Perangkat Daerah "
     "yang ada di Kecamatan (Kecamatan Kanigaran)'", "kegiatan", "7.01.02.2.02", "Kecamatan Kanigaran"),  # renstra L638
    ("Koordinasi Upaya Penyelenggaraan Ketenteraman dan Ketertiban Umum", "kegiatan", "7.01.04.2.01", None),  # renstra L1118
    ("Kegiatan Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintah Daerah", "kegiatan", "X.XX.01.2.09", None),  # renstra L690
    ("Pengadaan Barang Milik Daerah Penunjang Urusan Pemerintah Daerah", "kegiatan", "X.XX.01.2.07", None),  # renstra L680
    # Sub kegiatan, once per kelurahan: every spelling of the location suffix.
    ("Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan Kelurahan Curahgrinting", "sub_kegiatan",
     "7.01.02.2.01.0002", "Kelurahan Curahgrinting"),  # renstra L1095
    ("Peningkatan Kapasitas Lembaga Kemasyarakatan (sub unit Kelurahan Kebonsari Kulon)", "sub_kegiatan",
     "7.01.03.2.03.0002", "Kelurahan Kebonsari Kulon"),  # renja L300
    ("Pemberdayaan Masyarakat di Kelurahan (sub unit Tisnonegaran)", "sub_kegiatan", "7.01.03.2.02.0003", "Tisnonegaran"),  # renja L305
    ("Pemberdayaan Masyarakat di Kelurahan Kebonsari wetan", "sub_kegiatan", "7.01.03.2.02.0003", "Kelurahan Kebonsari wetan"),  # renstra L1079
    ("Pembangunan Sarana dan Prasarana Kelurahan (sub unit Kaniqaran)", "sub_kegiatan", "7.01.03.2.02.0002", "Kaniqaran"),  # renja L316
    ("Pembangunan Sarana dan Prasarana Kelurahan (KEBONSARI WETAN)", "sub_kegiatan", "7.01.03.2.02.0002", "KEBONSARI WETAN"),  # renstra L620
    ("Pembangunan Sarana dan Prasarana Kelurahan Kelurahan Curahgriting", "sub_kegiatan", "7.01.03.2.02.0002",
     "Kelurahan Curahgriting"),  # renstra L1067
    ("Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (Sub Sukoharjo)", "sub_kegiatan",
     "7.01.02.2.02.0003", "Sukoharjo"),  # renstra L648
    ("Fasilitasi, Koordinasi, dan Pembinaan (Bimtek, Sosialisasi, Konsultasi, Wawasan Kebangsaan dan Ketahanan Nasional "
     "(Kecamatan Kanigaran)", "sub_kegiatan", "7.01.05.2.01.0002", "Kecamatan Kanigaran"),  # renstra L654
    ("Pelaksanaan Tugas Forum Koordinasi Pimpinan di Kecamatan", "sub_kegiatan", "7.01.05.2.01.0008", None),  # renja L288
    # The supporting program's sub kegiatan: SKPD/Perangkat Daerah, spacing around `/`, glued words.
    ("Pelaksanaan Penatausahaan dan Pengujian/Verifikasi Keuangan Perangkat Daerah", "sub_kegiatan", "X.XX.01.2.02.0003", None),  # renja L1026
    ("Pemeliharaan / Rehabilitasi Gedung Kantor dan Bangunan Lainnya", "sub_kegiatan", "X.XX.01.2.09.0009", None),  # renja L274
    ("Sosialisasi Peraturan PerundangUndangan", "sub_kegiatan", "X.XX.01.2.05.0010", None),  # renstra L1143
    ("Penyediaan Jasa Pelayanan Umum Kantor (Kecamatan Kanigaran)", "sub_kegiatan", "X.XX.01.2.08.0004", "Kecamatan Kanigaran"),  # renstra L689
    ("Pemeliharaan/rehabilitasi Gedung Kantor dan Lainnya", "sub_kegiatan", "X.XX.01.2.09.0009", None),  # renstra L697
])
def test_printed_names_match_their_official_code(matcher, printed, level, code, lokasi):
    m = matcher.match(printed, level=level)
    assert (m.match_status, m.nomenclature_code, m.lokasi_unit) == ("matched", code, lokasi)
    assert m.nomenclature_version == BUILTIN_VERSION
    assert m.match_method in ("exact", "fuzzy")


def test_the_level_need_not_be_given(matcher):
    m = matcher.match("Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan Kelurahan Curahgrinting")
    assert (m.nomenclature_code, m.match_method, m.match_score, m.level) == ("7.01.02.2.01.0002", "exact", 100.0, "sub_kegiatan")


@pytest.mark.parametrize("printed, level", [
    ("Program pelayanan administrasi perkantoran", "program"),  # renja L322
    ("Program pelayanan administrasi perkantoran", None),
    ("Penyediaan Jasa Administrasi Keuangan", "kegiatan"),  # renja L324
    ("Penyediaan Jasa Administrasi Keuangan", None),
    ("Program peningkatan sarana dan prasarana aparatur", "program"),  # renja L327
    ("Pemeliharaan Rutin/Berkala Gedung/Kantor", "kegiatan"),  # renja L333
    ("Program peningkatan ketentraman dan ketertiban kecamatan", "program"),  # renja L398
    ("PENINGKATAN PEMBERDAYAAN MASYARAKAT", "program"),  # renja L404
    ("Fasilitasi Pemberdayaan Masyarakat pada Kelurahan Kanigaran", "kegiatan"),  # renja L373
])
def test_pre_2021_names_are_not_forced_onto_a_current_code(matcher, printed, level):
    m = matcher.match(printed, level=level)
    assert (m.match_status, m.nomenclature_code, m.match_method) == ("unmatched", None, None)
    assert m.candidates  # the near misses stay visible


@pytest.mark.parametrize("printed_code, name, expected, how", [
    ("7 01 03 2.02 0002", "Pembangunan Sarana dan Prasarana Kelurahan Kelurahan Curahgriting", "7.01.03.2.02.0002", None),  # renstra L1067
    ("7.01.02.2.01.00 02", "Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan", "7.01.02.2.01.0002", None),  # renstra L1094
    ("'7 01 05", "PROGRAM PENYELENGGARAA N URUSAN PEMERINTAHAN UMUM", "7.01.05", None),  # renstra L1123
    ("X XX.01.2.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah", "X.XX.01.2.01.0001", None),  # renstra L1130
    ("7.01.01.2.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah", "X.XX.01.2.01.0001", "supporting program"),
    ("X XX 01 1.05 0010", "Sosialisasi Peraturan PerundangUndangan", "X.XX.01.2.05.0010", "kegiatan digit"),  # renstra L1143
    ("X XX 01 2.08", "Penyediaan Jasa Penunjang", "X.XX.01.2.08", None),  # renstra L1152, truncated by a page split
])
def test_a_printed_code_wins_when_its_name_agrees(matcher, printed_code, name, expected, how):
    m = matcher.match(name, code=printed_code)
    assert (m.match_status, m.match_method, m.nomenclature_code) == ("matched", "code", expected)
    assert (how is None and m.reason is None) or how in m.reason


def test_a_code_whose_name_disagrees_is_reported_not_trusted(matcher):
    # renstra L1085 prints kegiatan 7.01.03.2.02 (Kegiatan Pemberdayaan Kelurahan) over 7.01.03.2.03's name.
    m = matcher.match("Pemberdayaan Lembaga Kemasyarakatan Tingkat Kecamatan", code="7 01 03 2.02")
    assert m.match_status == "ambiguous"
    assert m.nomenclature_code == "7.01.03.2.03"
    assert "7.01.03.2.02" in m.reason and "Kegiatan Pemberdayaan Kelurahan" in m.reason


def test_a_code_not_in_the_reference_falls_back_to_the_name(matcher):
    # renstra L1105: 7.01.02.2.03.0003 does not exist; the name is 7.01.02.2.02.0003.
    m = matcher.match("Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan",
                      code="7.01.02.2.03.00 03")
    assert (m.match_status, m.match_method, m.nomenclature_code) == ("matched", "exact", "7.01.02.2.02.0003")
    assert "7.01.02.2.03.0003 is not in builtin-2027" in m.reason


def test_a_parent_already_matched_narrows_the_search():
    # The same official name under two kegiatan (X.XX.01.3.01 / .4.01, Papua) needs the parent.
    m = Matcher(load_builtin())
    name = "Penyediaan Gaji dan Tunjangan ASN Tenaga Pendidik Otonomi Khusus Papua"
    assert m.match(name, level="sub_kegiatan").match_status == "ambiguous"
    with_parent = m.match(name, level="sub_kegiatan", parent_code="X.XX.01.4.01")
    assert (with_parent.match_status, with_parent.nomenclature_code) == ("matched", "X.XX.01.4.01.0001")


def test_match_many_keeps_row_order_and_gives_the_match_columns(matcher):
    names = ["Kegiatan Pemberdayaan Kelurahan", "Program pelayanan administrasi perkantoran", "", "Pemberdayaan Masyarakat di Kelurahan (sub unit Sukoharjo)"]
    ms = matcher.match_many(names, levels=["kegiatan", "program", None, None], codes=[None, None, "7.01.02", None])
    assert [m.nomenclature_code for m in ms] == ["7.01.03.2.02", None, "7.01.02", "7.01.03.2.02.0003"]
    assert [m.match_method for m in ms] == ["exact", None, "code", "exact"]
    frame = matches_frame(ms)
    assert list(frame.columns[:6]) == list(MATCH_COLUMNS)
    assert [x if isinstance(x, str) else None for x in frame["lokasi_unit"]] == [None, None, None, "Sukoharjo"]


def test_match_many_rejects_an_unknown_level(matcher):
    with pytest.raises(ValueError, match="level 'subkegiatan'"):
        matcher.match_many(["x"], levels=["subkegiatan"])


# --- importer and store --------------------------------------------------------------------------

HEADER = "pemda,level,code,name,parent_code\n"
GOOD = HEADER + (
    "kabkota,urusan,7,UNSUR KEWILAYAHAN,\n"
    "kabkota,bidang,7.01,KECAMATAN,7\n"
    "kabkota,program,7.01.02,PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK,7.01\n"
    "kabkota,kegiatan,7.01.02.2.01,Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan,7.01.02\n"
    "kabkota,sub_kegiatan,7.01.02.2.01.0002,Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan,7.01.02.2.01\n"
)


def _write(tmp_path, text, name="list.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, problem", [
    (GOOD + "kabkota,sub_kegiatan,7.01.02.2.01.0002,Again,7.01.02.2.01\n", "duplicate code 7.01.02.2.01.0002 in the kabkota list"),
    (GOOD + "kabkota,sub_kegiatan,7.01.03.2.02.0002,Pembangunan Sarana,7.01.03.2.02\n", "parent 7.01.03.2.02 is not in the list"),
    (GOOD + "kabkota,kegiatan,7.01.02.2.02.0001,Wrong level,7.01.02.2.02\n", "level kegiatan but the code has the shape of a sub_kegiatan"),
    (GOOD + "kabkota,program,7.1.2,Bad code,7.01\n", "code '7.1.2' has no valid shape"),
    (GOOD + "kota,program,7.01.03,No such pemda,7.01\n", "pemda 'kota' is not one of kabkota, provinsi"),
    (GOOD + "kabkota,sub_kegiatan,7.01.02.2.01.0003,,7.01.02.2.01\n", "empty name"),
    ("level,code,name\nprogram,7.01.02,X\n", "missing column(s): parent_code"),
])
def test_import_reports_what_is_wrong(tmp_path, text, problem):
    with pytest.raises(InvalidReference) as err:
        import_reference(_write(tmp_path, text), version="v1", store=tmp_path / "s")
    assert any(problem in p for p in err.value.problems), err.value.problems
    assert not (tmp_path / "s").exists()  # nothing is installed


def test_duplicate_codes_are_allowed_across_pemda_lists(tmp_path):
    text = GOOD + GOOD.replace("kabkota", "provinsi").replace(HEADER, "")
    path = import_reference(_write(tmp_path, text), version="both", store=tmp_path / "s")
    assert path == tmp_path / "s" / "both.parquet"


def test_import_list_and_load_several_versions(tmp_path):
    store = tmp_path / "s"
    import_reference(_write(tmp_path, GOOD), version="kabkota-2023", store=store)
    import_reference(_write(tmp_path, GOOD.replace("Publik", "PUBLIK")), version="pemutakhiran-2027", store=store)
    versions = list_versions(store)
    assert versions["version"].tolist() == ["pemutakhiran-2027", "kabkota-2023", BUILTIN_VERSION]
    assert versions.loc[0, ["program", "kegiatan", "sub_kegiatan"]].tolist() == [1, 1, 1]
    assert load_reference(store=store).version == "pemutakhiran-2027"
    assert load_reference("kabkota-2023", store=store).version == "kabkota-2023"
    with pytest.raises(UnknownVersion, match="'2019' is not installed"):
        load_reference("2019", store=store)
    with pytest.raises(NomenclatureError, match="already installed"):
        import_reference(_write(tmp_path, GOOD), version="kabkota-2023", store=store)


def test_without_an_installed_version_the_builtin_list_is_used(tmp_path):
    assert load_reference(store=tmp_path / "empty").version == BUILTIN_VERSION


def test_the_store_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SAKIP_NOMENCLATURE", str(tmp_path / "env-store"))
    import_reference(_write(tmp_path, GOOD), version="v1")
    assert (tmp_path / "env-store" / "v1.parquet").exists()
    assert load_reference().version == "v1"


def _write_xlsx(path, rows, title_rows=()):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for r in [*title_rows, *rows]:
        sheet.append(list(r))
    book.save(path)
    return path


def test_the_sipd_xlsx_export_imports_like_the_csv(tmp_path):
    # The export's own title rows above the header; Excel keeps urusan 7 and bidang 7.01 as numbers.
    rows = [["PEMDA", "LEVEL", "CODE", "NAME", "PARENT_CODE", "SATUAN"],
            ["kabkota", "urusan", 7, "UNSUR KEWILAYAHAN", None, None],
            ["kabkota", "bidang", 7.01, "KECAMATAN", 7, None],
            ["kabkota", "program", "7.01.02", "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK", 7.01, None],
            ["kabkota", "kegiatan", "7.01.02.2.01", "Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan",
             "7.01.02", None],
            [None, None, None, None, None, None],
            ["kabkota", "sub_kegiatan", "7.01.02.2.01.0002", "Peningkatan  Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan ",
             "7.01.02.2.01", "Dokumen"]]
    xlsx = _write_xlsx(tmp_path / "nomenklatur.xlsx", rows, title_rows=[["NOMENKLATUR SUB KEGIATAN"], []])
    store = tmp_path / "s"
    import_reference(xlsx, version="from-xlsx", store=store)
    import_reference(_write(tmp_path, GOOD), version="from-csv", store=store)
    from_xlsx = load_reference("from-xlsx", store=store).table
    assert from_xlsx["code"].tolist() == ["7", "7.01", "7.01.02", "7.01.02.2.01", "7.01.02.2.01.0002"]
    assert from_xlsx["satuan"].tolist() == ["", "", "", "", "Dokumen"]
    pd.testing.assert_frame_equal(from_xlsx.drop(columns="satuan"), load_reference("from-csv", store=store).table)
    got = Matcher(load_reference("from-xlsx", store=store)).match("Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan")
    assert (got.match_status, got.nomenclature_code, got.nomenclature_version) == ("matched", "7.01.02.2.01.0002", "from-xlsx")


def test_an_xlsx_is_validated_like_a_csv(tmp_path):
    rows = [["pemda", "level", "code", "name", "parent_code"],
            ["kabkota", "program", "7.01.02", "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK", "7.01"]]
    with pytest.raises(InvalidReference) as err:
        import_reference(_write_xlsx(tmp_path / "a.xlsx", rows), version="v1", store=tmp_path / "s")
    assert err.value.problems == ["kabkota 7.01.02: parent 7.01 is not in the list"]


@pytest.mark.parametrize("name, content, message", [
    ("cols.xlsx", None, "no sheet has a header row with the columns pemda, level, code, name, parent_code"),
    ("broken.xlsx", b"not a zip file", "cannot read as an xlsx workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel format"),
])
def test_a_spreadsheet_that_is_not_a_list_is_refused_with_a_message(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        _write_xlsx(path, [["kode", "uraian"], ["7.01.02", "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK"]])
    else:
        path.write_bytes(content)
    with pytest.raises(NomenclatureError, match=message):
        import_reference(path, store=tmp_path / "s")


@needs_shared
def test_the_published_list_imports_and_matches(tmp_path):
    store = tmp_path / "s"
    import_reference(FULL_CSV, version="pemutakhiran-2027", store=store)
    counts = list_versions(store).set_index("version").loc["pemutakhiran-2027"]
    assert (counts["program"], counts["kegiatan"], counts["sub_kegiatan"]) == (406, 1625, 7581)
    m = Matcher(load_reference(store=store))
    got = m.match("Sosialisasi Peraturan PerundangUndangan", level="sub_kegiatan")
    assert (got.match_status, got.nomenclature_code, got.nomenclature_version) == ("matched", "X.XX.01.2.05.0010", "pemutakhiran-2027")
    assert m.match("Program pelayanan administrasi perkantoran", level="program").match_status == "unmatched"
    # A printed provinsi code (kegiatan digit 1) is looked up in the provinsi list.
    prov = m.match("Penyelenggaraan Pelatihan Tenaga Ahli Konstruksi", code="1.03.11.1.01")
    assert (prov.match_status, prov.match_method, prov.nomenclature_code) == ("matched", "code", "1.03.11.1.01")


# --- CLI -----------------------------------------------------------------------------------------

def test_cli_match_prints_the_decision_and_candidates():
    res = CliRunner().invoke(match_command, [
        "Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan Kelurahan Curahgrinting", "--level", "sub_kegiatan"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "matched: 7.01.02.2.01.0002 Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan"
    assert "lokasi_unit: Kelurahan Curahgrinting" in res.output
    assert lines[lines.index("candidates:") + 1].split()[:2] == ["100.0", "7.01.02.2.01.0002"]


def test_cli_match_file_writes_one_row_per_input_row_in_order(tmp_path):
    src = tmp_path / "names.csv"
    pd.DataFrame({
        "name": ["Pemberdayaan Masyarakat di Kelurahan (sub unit Sukoharjo)", "Program pelayanan administrasi perkantoran",
                 "Harmonisasi Hubungan dengan Tokoh Agama dan Tokoh Masyarakat", "Pemberdayaan Masyarakat di Kelurahan (sub unit Sukoharjo)"],
        "level": ["sub_kegiatan", "program", "", ""],
        "code": ["", "", "7 01 04 2.01.0002", ""],
        "page": ["3", "4", "5", "6"],
    }).to_csv(src, index=False)
    out = tmp_path / "matches.csv"
    res = CliRunner().invoke(match_command, ["--file", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got.columns) == ["name", "level", "code", "page", *MATCH_COLUMNS]
    assert got["page"].tolist() == ["3", "4", "5", "6"]
    assert got["nomenclature_code"].tolist() == ["7.01.03.2.02.0003", "", "7.01.04.2.01.0002", "7.01.03.2.02.0003"]
    assert got["match_method"].tolist() == ["exact", "", "code", "exact"]
    assert got["match_status"].tolist() == ["matched", "unmatched", "matched", "matched"]
    assert set(got["nomenclature_version"]) == {BUILTIN_VERSION}


def test_cli_match_file_needs_a_name_column(tmp_path):
    src = _write(tmp_path, "nama\nx\n", name="bad.csv")
    res = CliRunner().invoke(match_command, ["--file", str(src)])
    assert res.exit_code != 0 and "no column `name`" in res.output


def test_cli_import_and_list(tmp_path):
    store = tmp_path / "cli-store"
    runner = CliRunner()
    res = runner.invoke(nomenclature_group, ["import", str(_write(tmp_path, GOOD)), "--version", "v1", "--nomenclature", str(store)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("installed v1 (1 program, 1 kegiatan, 1 sub_kegiatan)")
    res = runner.invoke(nomenclature_group, ["list", "--nomenclature", str(store)])
    assert res.exit_code == 0 and "v1" in res.output and BUILTIN_VERSION in res.output
    bad = runner.invoke(nomenclature_group, ["import", str(_write(tmp_path, GOOD + "kabkota,program,7.01.03,X,7.02\n", "b.csv")),
                                             "--nomenclature", str(store)])
    assert bad.exit_code == 1 and "parent 7.02 is not in the list" in bad.output


@pytest.mark.parametrize("command, args", [(nomenclature_group, []), (nomenclature_group, ["import"]),
                                           (nomenclature_group, ["list"]), (match_command, [])])
def test_every_command_has_help_with_an_example(command, args):
    res = CliRunner().invoke(command, [*args, "--help"])
    assert res.exit_code == 0 and "Example" in res.output


# --- Permendagri 13/2006 (legacy) names -----------------------------------------------------------

@pytest.mark.parametrize("printed, level", [
    ("PROGRAM PELAYANAN ADMINISTRASI PERKANTORAN", "program"),  # Renja 2018 Disdukcapil Padang Panjang, 1 10 01 01
    ("Program Peningkatan Sarana dan Prasarana Aparatur", None),  # Renja 2018 BKPSDM Padang Panjang, 1 20 06 02
    ("Penyediaan Jasa Administrasi Keuangan", None),  # Renja 2018 BKPSDM, 1 20 06 01 07
    ("Penyediaan jasa pemeliharaan dan perizinan kendaraan dinas/operasional", "kegiatan"),  # Renja 2019 Bappeda, 1 06 01 06
    ("Pengadaan Pakaian Dinas beserta Perlengkapannya", "kegiatan"),  # Renja 2018 BKPSDM, 1 20 06 03 03
    ("Penyusunan Pelaporan Prognosis Realisasi Anggaran", None),  # Renja 2018 Disdukcapil, 1 10 01 06 03
])
def test_a_name_of_the_legacy_list_is_unmatched_and_says_so(matcher, printed, level):
    m = matcher.match(printed, level=level)
    assert (m.match_status, m.nomenclature_code) == ("unmatched", None)
    assert "Permendagri 13/2006 name" in m.reason


def test_the_legacy_list_is_ours_and_short():
    legacy = load_legacy()
    assert list(legacy.columns) == ["code", "level", "name"]
    assert legacy["level"].value_counts().to_dict() == {"kegiatan": 60, "program": 6}
    assert legacy.loc[legacy["code"] == "01.07", "name"].item() == "Penyediaan Jasa Administrasi Keuangan"


def test_a_name_of_both_nomenclatures_follows_the_rows_around_it(matcher):
    # `Penyediaan Jasa Surat Menyurat` is a 13/2006 kegiatan (01.01) and a current sub kegiatan (X.XX.01.2.08.0001).
    name = "Penyediaan Jasa Surat Menyurat"
    assert matcher.match(name).nomenclature_code == "X.XX.01.2.08.0001"  # nothing says it is old
    assert matcher.match(name, level="kegiatan").match_status == "unmatched"  # no current kegiatan has that name
    # Renja 2018 BKPSDM Padang Panjang prints it with its 13/2006 code.
    coded = matcher.match(name, code="1 20 06 01 01")
    assert (coded.match_status, coded.reason) == ("unmatched", "printed code '1 20 06 01 01' is a Permendagri 13/2006 code")
    # renja L322-324 (T-C.29, no codes): under the old program the name is the old kegiatan...
    old = ["Program pelayanan administrasi perkantoran", name, "Penyediaan Jasa Administrasi Keuangan"]
    got = matcher.match_many(old, groups=["t1"] * 3)
    assert [m.match_status for m in got] == ["unmatched"] * 3
    assert "follow 13/2006" in got[1].reason
    # ...and among current rows (another table of the same document) the current sub kegiatan.
    new = ["Penyediaan Jasa Pelayanan Umum Kantor", name, "Penyediaan Gaji dan Tunjangan ASN"]
    got = matcher.match_many(old + new, groups=["t1"] * 3 + ["t2"] * 3)
    assert [m.nomenclature_code for m in got[3:]] == ["X.XX.01.2.08.0004", "X.XX.01.2.08.0001", "X.XX.01.2.02.0001"]


def test_a_table_printing_13_2006_codes_only_matches_nothing(matcher):
    # Renja 2019 Bappeda Padang Panjang p.20: old codes (`1 06 01` reads as the supporting program's shape), and a
    # name that also fits a current entry.
    got = matcher.match_many(["Program Pelayanan Administrasi Perkantoran", "Penyediaan jasa surat menyurat",
                              "Penyediaan Gaji dan Tunjangan ASN"], codes=["1 06 01", "1 06 01 01", None], groups=["t1"] * 3)
    assert [m.match_status for m in got] == ["unmatched"] * 3
    assert "Permendagri 13/2006 name" in got[0].reason
    assert "print Permendagri 13/2006 codes" in got[2].reason


def test_without_the_legacy_list_old_names_may_meet_current_ones():
    m = Matcher(load_builtin(), legacy=None)
    assert m.match("Penyediaan Jasa Surat Menyurat", code="1 20 06 01 01").match_status == "matched"


# --- names cut or run on, codes in the name cell, the document's bidang --------------------------

@pytest.mark.parametrize("printed, code, expected", [
    # renstra L1136-1137: names cut short of `... pada Perangkat Daerah` / `... pada SKPD`.
    ("Administrasi Barang Milik Daerah", None, "X.XX.01.2.03"),
    ("Penatausahaan Barang Milik Daerah", None, "X.XX.01.2.03.0006"),
    ("Penatausahaan Barang Milik Daerah", "X XX 01 1.03 0006", "X.XX.01.2.03.0006"),
    # renstra L1160: the indicator run into the name cell.
    ("Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, dan Pajak Kendaraan Perorangan Dinas atau Kendaraan Dinas Jabatan "
     "Tersedianya Jasa Pemeliharaan, Biaya Pemeliharaan dan Pajak Kendaraan Perorangan Dinas Jabatan", None, "X.XX.01.2.09.0001"),
])
def test_cut_and_run_on_names_find_their_entry(matcher, printed, code, expected):
    m = matcher.match(printed, code=code)
    assert (m.match_status, m.nomenclature_code) == ("matched", expected)


def test_a_cut_name_is_taken_only_when_it_begins_one_entry(matcher):
    # renstra L1152: the kegiatan X.XX.01.2.08 cut by a page split, printed without the rest of its name.
    cut = matcher.match("Penyediaan Jasa Penunjang")
    assert (cut.match_status, cut.nomenclature_code, cut.match_method) == ("matched", "X.XX.01.2.08", "fuzzy")
    assert "cut" in cut.reason
    # `Koordinasi dan Penyusunan Laporan ...` begins six sub kegiatan of X.XX.01.2.01/2.02: none is guessed.
    assert matcher.match("Koordinasi dan Penyusunan Laporan").match_status == "unmatched"


@pytest.mark.parametrize("cell, code, name", [
    ("Sub Kegiatan 1.03.02.2.01.65 Operasi dan Pemeliharaan Sungai", "1.03.02.2.01.65", "Operasi dan Pemeliharaan Sungai"),
    ("Program 1.03.08 PROGRAM PENATAAN BANGUNAN GEDUNG", "1.03.08", "PROGRAM PENATAAN BANGUNAN GEDUNG"),
    ("7 01 02 2.01 Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan", "7 01 02 2.01",
     "Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan"),
    ("Penyediaan Jasa Surat Menyurat", None, "Penyediaan Jasa Surat Menyurat"),
    ("1.20.61", None, "1.20.61"),
])
def test_a_code_at_the_start_of_the_name_cell_is_split_off(cell, code, name):
    assert split_code(cell) == (code, name)


def test_the_run_uses_a_code_printed_in_the_name_cell():
    # Renstra 2021-2026 DPUPR Grobogan p.120: `Sub Kegiatan <code> <name>` in one cell, extracted as a label row.
    row = {"table_id": "t1", "level": "label", "kode_raw": None, "flags": [],
           "uraian": "Sub Kegiatan 1.03.01.2.06.09 Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD"}
    other = {"table_id": "t1", "level": "label", "kode_raw": None, "flags": [], "uraian": "Jumlah"}
    version = match_rows([row, other], Matcher(load_builtin()))
    assert version == BUILTIN_VERSION
    assert (row["nomenclature_code"], row["match_method"], row["level"]) == ("X.XX.01.2.06.0009", "code", "sub_kegiatan")
    assert row["flags"] == ["level_from_nomenclature"]
    assert (other["match_status"], other["level"]) == (None, "label")


def test_the_run_uses_a_code_printed_in_the_cell_after_a_bare_level_word():
    # The same Grobogan pages read as an unruled table of one more column: `Sub Kegiatan` | `<code> <name>`.
    row = {"table_id": "t1", "level": "label", "kode_raw": None, "flags": [], "uraian": "Sub Kegiatan",
           "cells": ["Sub Kegiatan", "1.03.01.2.06.09 Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD", ""]}
    match_rows([row], Matcher(load_builtin()))
    assert (row["nomenclature_code"], row["match_method"], row["level"]) == ("X.XX.01.2.06.0009", "code", "sub_kegiatan")
    bare = {"table_id": "t1", "level": "label", "kode_raw": None, "flags": [], "uraian": "Sub Kegiatan",
            "cells": ["Sub Kegiatan", "Jumlah"]}
    match_rows([bare], Matcher(load_builtin()))
    assert bare["match_status"] is None


SHARED_NAME = "Pembentukan dan Penumbuhan Karakter Keluarga Melalui Peningkatan Kesadaran Masyarakat"
TWO_BIDANG = HEADER + (
    "kabkota,urusan,7,UNSUR KEWILAYAHAN,\n"
    "kabkota,bidang,7.01,KECAMATAN,7\n"
    "kabkota,program,7.01.03,PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN,7.01\n"
    "kabkota,kegiatan,7.01.03.2.02,Kegiatan Pemberdayaan Kelurahan,7.01.03\n"
    "kabkota,sub_kegiatan,7.01.03.2.02.0002,Pembangunan Sarana dan Prasarana Kelurahan,7.01.03.2.02\n"
    "kabkota,kegiatan,7.01.03.2.06,Pembinaan Ketahanan Keluarga,7.01.03\n"
    f"kabkota,sub_kegiatan,7.01.03.2.06.0001,{SHARED_NAME},7.01.03.2.06\n"
    "kabkota,urusan,8,UNSUR PENDUKUNG,\n"
    "kabkota,bidang,8.01,KESATUAN BANGSA DAN POLITIK,8\n"
    "kabkota,program,8.01.02,PROGRAM PEMBERDAYAAN DAN PENGAWASAN ORGANISASI KEMASYARAKATAN,8.01\n"
    "kabkota,kegiatan,8.01.02.2.01,Pelaksanaan Pemberdayaan Organisasi Kemasyarakatan,8.01.02\n"
    f"kabkota,sub_kegiatan,8.01.02.2.01.0006,{SHARED_NAME},8.01.02.2.01\n"
)


def test_a_name_shared_by_two_bidang_goes_to_the_documents_bidang(tmp_path):
    # Renstra 2025-2026 Kecamatan Kanigaran prints 7.01.03.2.06.0001; the same name is also 8.01.02.2.01.0006.
    import_reference(_write(tmp_path, TWO_BIDANG), version="two", store=tmp_path / "s")
    m = Matcher(load_reference("two", store=tmp_path / "s"), legacy=None)
    alone = m.match(SHARED_NAME)
    assert (alone.match_status, alone.match_method) == ("ambiguous", "exact")
    got = m.match_many(["Pembangunan Sarana dan Prasarana Kelurahan", "Kegiatan Pemberdayaan Kelurahan", SHARED_NAME])
    assert (got[2].match_status, got[2].nomenclature_code) == ("matched", "7.01.03.2.06.0001")
    assert "the document's bidang is 7.01" in got[2].reason


# --- the labelled set (nomenclature/evaluation.py) -----------------------------------------------

def test_printed_codes_become_ground_truth_only_when_they_fit_the_reference():
    from nomenclature import evaluation as ev

    ref = load_builtin()
    rows = pd.DataFrame([
        # doc a: a current document (renstra seed lines), its codes printed in the code column or the name cell.
        ("a", "t1", 1, "sub_kegiatan", "7 01 03 2.02 0002", "Pembangunan Sarana dan Prasarana Kelurahan Kelurahan Curahgriting"),
        ("a", "t1", 2, "kegiatan", "X XX 01 1.03", "Administrasi Barang Milik Daerah"),  # digit 1 in a kab/kota list
        ("a", "t1", 3, "sub_kegiatan", "7 01 03 2.02.0002", "Peningkatan Kapasitas Lembaga Kemasyarakatan"),  # a typo
        ("a", "t1", 4, "label", None, "Sub Kegiatan 7.01.02.2.01.02 Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan"),
        ("a", "t1", 5, "sub_kegiatan", "7.01.02.2.01.09", "Pelaksanaan Kegiatan Pemerintahan di Tingkat Kecamatan"),  # no such code
        # doc b: Permendagri 13/2006 codes only (Renja 2019 Bappeda Padang Panjang).
        ("b", "t2", 1, "program", "1 06 01", "Program Pelayanan Administrasi Perkantoran"),
        ("b", "t2", 2, "program", "1 06 01 01", "Penyediaan jasa surat menyurat"),
    ], columns=["doc_id", "table_id", "row_no", "level", "kode_raw", "uraian"]).assign(page=1)
    lab = ev.label(ev.printed_pairs(rows), ref)
    assert lab["label_status"].tolist() == ["current", "current", "disagrees", "current", "not_in_reference", "legacy", "legacy"]
    assert [t if isinstance(t, str) else None for t in lab["truth"]][:4] == [
        "7.01.03.2.02.0002", "X.XX.01.2.03", None, "7.01.02.2.01.0002"]
    assert lab.loc[3, ["where", "name"]].tolist() == ["name", "Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan"]
    assert set(lab["pemda"]) == {"kabkota"}
    assert ev.split(pd.Series(["Penyediaan Jasa Surat Menyurat", "PENYEDIAAN JASA SURAT MENYURAT"])).nunique() == 1


# --- the rows around a row, cut names, 13/2006 tables (matcher.py) -------------------------------

ROAD = HEADER + (
    "kabkota,urusan,2,URUSAN PEMERINTAHAN WAJIB YANG TIDAK BERKAITAN DENGAN PELAYANAN DASAR,\n"
    "kabkota,bidang,2.15,URUSAN PEMERINTAHAN BIDANG PERHUBUNGAN,2\n"
    "kabkota,program,2.15.02,PROGRAM PENYELENGGARAAN LALU LINTAS DAN ANGKUTAN JALAN (LLAJ),2.15\n"
    "kabkota,kegiatan,2.15.02.2.02,Penyediaan Perlengkapan Jalan di Jalan Kabupaten/Kota,2.15.02\n"
    "kabkota,sub_kegiatan,2.15.02.2.02.0001,Pembangunan Prasarana Jalan di Jalan Kabupaten/Kota,2.15.02.2.02\n"
    "kabkota,sub_kegiatan,2.15.02.2.02.0002,Penyediaan Perlengkapan Jalan di Jalan Kabupaten/Kota,2.15.02.2.02\n"
)


def test_a_kegiatan_and_its_sub_kegiatan_of_the_same_name_are_told_apart_by_the_rows_around(tmp_path):
    # Evaluasi Renja 2023 Dishub Tangerang Selatan p.3: the kegiatan, then its sub kegiatan (the
    # second of the same name), printed without codes or a level the extraction could see.
    import_reference(_write(tmp_path, ROAD), version="road", store=tmp_path / "s")
    m = Matcher(load_reference("road", store=tmp_path / "s"), legacy=None)
    kegiatan, prasarana = "Penyediaan Perlengkapan Jalan di Jalan Kabupaten / Kota", "Pembangunan Prasarana Jalan di Jalan Kabupaten / Kota"
    alone = m.match(kegiatan)
    assert (alone.match_status, alone.match_method) == ("ambiguous", "exact")
    got = m.match_many(["PROGRAM PENYELENGGARAAN LALU LINTAS DAN ANGKUTAN JALAN (LLAJ)", kegiatan, prasarana, kegiatan])
    assert [g.match_status for g in got] == ["matched", "ambiguous", "matched", "matched"]
    assert got[3].nomenclature_code == "2.15.02.2.02.0002" and "the kegiatan 2.15.02.2.02 is above" in got[3].reason
    # Printed one under the other: the first is the kegiatan, the second its sub kegiatan.
    got = m.match_many([kegiatan, kegiatan])
    assert [g.nomenclature_code for g in got] == ["2.15.02.2.02", "2.15.02.2.02.0002"]
    assert [g.match_status for g in got] == ["matched", "matched"]
    # In two tables (groups), nothing is carried over.
    got = m.match_many([kegiatan, kegiatan], groups=["t1", "t2"])
    assert [g.match_status for g in got] == ["ambiguous", "ambiguous"]


def test_a_name_that_begins_another_official_name_is_ambiguous(matcher):
    # Cut at a line break, `Penyediaan Gaji dan Tunjangan` is as likely `... Kepala Daerah/Wakil Kepala
    # Daerah` (X.XX.01.2.11.0001) as `... ASN` (X.XX.01.2.02.0001), the better fuzzy score.
    got = matcher.match("Penyediaan Gaji dan Tunjangan", "sub_kegiatan")
    assert (got.match_status, got.nomenclature_code) == ("ambiguous", "X.XX.01.2.02.0001")
    assert "also the beginning of X.XX.01.2.11.0001" in got.reason
    # Only the beginning of a Papua kegiatan besides: the general one is matched.
    got = matcher.match("Administrasi Keuangan Perangkat", "kegiatan")
    assert (got.match_status, got.nomenclature_code) == ("matched", "X.XX.01.2.02")


def test_a_near_name_among_13_2006_rows_is_not_matched(matcher):
    near = "Koordinasi Kegiatan Pemerintahan di Tingkat Kecamatan"  # 86.9 to 7.01.02.2.01
    assert matcher.match(near).match_status == "matched"
    legacy = ["Program Pelayanan Administrasi Perkantoran", "Penyediaan Jasa Administrasi Keuangan",
              "Program Peningkatan Sarana dan Prasarana Aparatur", near]
    got = matcher.match_many(legacy, groups=["t"] * 4)
    assert [g.match_status for g in got] == ["unmatched"] * 4
    assert "among rows that follow 13/2006" in got[3].reason
    # Among current rows it is matched.
    current = ["PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN", "Kegiatan Pemberdayaan Kelurahan", near]
    assert matcher.match_many(current)[2].match_status == "matched"


def test_a_program_is_matched_only_on_its_whole_name(matcher):
    # 90.7 to 7.01.02 `PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK`: programs are printed
    # whole, a near program name is another (13/2006, local) program.
    near = matcher.match("Program Penyelenggaraan Pemerintahan dan Pelayanan Publik Kecamatan")
    assert (near.match_status, near.match_score) == ("unmatched", 90.7) and "< 92" in near.reason
    # ...nor from the beginning of its name (a kegiatan is).
    assert matcher.match("PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN").match_status == "unmatched"
    # The PDF glues `PROGRAM` to the next word: split, and dropped as any leading `Program`.
    glued = matcher.match("PROGRAMPEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN")
    assert (glued.nomenclature_code, glued.match_method) == ("7.01.03", "exact")


# --- several installed versions (versions.py) -----------------------------------------------------

def test_the_documents_year_picks_the_version_and_a_code_of_another_version_is_matched_there(tmp_path):
    from nomenclature.versions import VersionedMatcher, choose

    assert choose(["pemutakhiran-2027", "kabkota-2023"], 2025) == ["kabkota-2023", "pemutakhiran-2027"]
    assert choose(["pemutakhiran-2027", "kabkota-2023"], 2027) == ["pemutakhiran-2027", "kabkota-2023"]
    assert choose(["pemutakhiran-2027", "kabkota-2023"], 2021) == ["kabkota-2023", "pemutakhiran-2027"]
    assert choose(["pemutakhiran-2027", "kabkota-2023"], None) == ["pemutakhiran-2027", "kabkota-2023"]
    builtin = load_builtin().table
    store = tmp_path / "s"
    # The 2023 list had no X.XX.01.2.01.0008-0013 (added in 2024): the built-in list without them stands for it.
    older = builtin[~builtin["code"].str.match(r"X\.XX\.01\.2\.01\.00(0[89]|1\d)$")]
    older.to_csv(tmp_path / "2023.csv", index=False)
    builtin.to_csv(tmp_path / "2027.csv", index=False)
    import_reference(tmp_path / "2023.csv", version="kabkota-2023", store=store)
    import_reference(tmp_path / "2027.csv", version="pemutakhiran-2027", store=store)
    vm = VersionedMatcher({v: Matcher(load_reference(v, store)) for v in ("pemutakhiran-2027", "kabkota-2023")})
    names = ["Penyusunan Dokumen Perencanaan Perangkat Daerah", "Penyelenggaraan Walidata Pendukung Statistik Sektoral Daerah"]
    got = vm.for_year(2025).match_many(names, codes=["X.XX.01.2.01.0001", "X.XX.01.2.01.0008"])
    assert [(g.nomenclature_code, g.nomenclature_version) for g in got] == [
        ("X.XX.01.2.01.0001", "kabkota-2023"), ("X.XX.01.2.01.0008", "pemutakhiran-2027")]
    assert "not in kabkota-2023, matched in pemutakhiran-2027" in got[1].reason
    assert vm.for_year(2027).match(names[0]).nomenclature_version == "pemutakhiran-2027"
    # The run records, per document, the version most rows were matched against.
    rows = [{"table_id": "t1", "level": "sub_kegiatan", "kode_raw": c, "uraian": n, "flags": []}
            for n, c in zip(names, ["X.XX.01.2.01.0001", "X.XX.01.2.01.0008"])]
    rows.append({"table_id": "t1", "level": "sub_kegiatan", "kode_raw": None, "flags": [],
                 "uraian": "Koordinasi dan Penyusunan Dokumen RKA-SKPD"})
    assert match_rows(rows, vm, 2024) == "kabkota-2023"
    assert [r["nomenclature_version"] for r in rows] == ["kabkota-2023", "pemutakhiran-2027", "kabkota-2023"]
