"""Specification of normalize.codes, from codes quoted in MESSINESS.md §2.5 (renstra line refs there)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.codes import (
    KEPMENDAGRI_050_3708,
    PERMENDAGRI_13_2006,
    code_level,
    code_scheme,
    looks_like_code,
    normalize_code,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("7.01.02", "7.01.02"),  # L1092
        ("7.01.02.2.01", "7.01.02.2.01"),  # L1093
        ("7.01.02.2.01.0002", "7.01.02.2.01.0002"),
        ("7.01.02.2.01.00 02", "7.01.02.2.01.0002"),  # L1094: wrapped inside the sub kegiatan number
        ("7 01 03", "7.01.03"),  # L1065
        ("7 01 03 2.02", "7.01.03.2.02"),  # L1066
        ("7 01 03 2.02 0002", "7.01.03.2.02.0002"),  # L1067
        ("7 01 03 2.02.0002", "7.01.03.2.02.0002"),  # L1086
        ("'7 01 04 2.01", "7.01.04.2.01"),  # L1118: Excel text marker
        ("'7 01 05", "7.01.05"),  # L1123
        ("\u20197 01 05", "7.01.05"),
        ("X XX.01.2.01", "X.XX.01.2.01"),  # L1131
        ("X XX 01 2.06.0002", "X.XX.01.2.06.0002"),
        ("X XX 01 2.02 0003", "X.XX.01.2.02.0003"),
        ("X XX 01 1.03", "X.XX.01.1.03"),  # L1136: wrong level digit, still a kegiatan shape
        ("x.xx.01.2.02", "X.XX.01.2.02"),
        ("7.01.02.", "7.01.02"),
        ("  7.01.02.2.01  ", "7.01.02.2.01"),
        ("7. 01. 02", "7.01.02"),
        ("7.01", "7.01"),
        ("7.01.02.2.01.02", "7.01.02.2.01.0002"),  # older documents: two-digit sub kegiatan
        # Permendagri 13/2006: urusan.bidang.organisasi.program.kegiatan
        ("1 20 06 01 01", "1.20.06.01.01"),
        ("1.20.06.01", "1.20.06.01"),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected
    assert looks_like_code(raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "1",  # row number (or urusan, but never printed alone as a code)
        "7",
        "12",
        "I",
        "II",
        "a.",
        "1.",
        "1)",
        "2019",
        "98,07",
        "10.000.000",
        "1.000.000",
        "5.00",  # bidang, program and kegiatan numbers start at 01
        "7.01.02.2",  # a level digit without its kegiatan number
        "7.01.02.3.01",  # the level digit is 1 or 2
        "7.01.02.2.01.00.02",  # a dot, not a wrap, inside the sub kegiatan number
        "7.XX",  # the placeholder comes as X.XX
        "X.01",
        "X.XX.01.01.01",  # the placeholder belongs to the 2020 scheme only
        "1.20.06.01.01.01",
        "Kecamatan",
        "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA",
        "7.01.02 Program Penyelenggaraan Pemerintahan",
    ],
)
def test_not_a_code(raw):
    assert normalize_code(raw) is None
    if raw is not None:
        assert not looks_like_code(raw)


@pytest.mark.parametrize(
    "code, level",
    [
        ("7", "urusan"),
        ("X", "urusan"),
        ("7.01", "bidang_urusan"),
        ("X.XX", "bidang_urusan"),
        ("7.01.02", "program"),
        ("X.XX.01", "program"),
        ("7.01.02.2.01", "kegiatan"),
        ("X.XX.01.1.03", "kegiatan"),
        ("7.01.02.2.01.0002", "sub_kegiatan"),
        ("7 01 03 2.02 0002", "sub_kegiatan"),
        ("7.01.02.2.01.02", "sub_kegiatan"),
        # Permendagri 13/2006: a five-part code is a kegiatan, never a sub kegiatan.
        ("1.20", "bidang_urusan"),
        ("1.20.06.01", "program"),
        ("1 20 06 01 01", "kegiatan"),
        # not codes
        ("1.", None),
        ("'7", None),
        ("12", None),
        ("7.01.02.2", None),
        ("Persentase", None),
        ("", None),
        (None, None),
    ],
)
def test_code_level(code, level):
    assert code_level(code) == level


@pytest.mark.parametrize(
    "code, level",
    [
        ("1", "urusan"),
        ("1.20", "bidang_urusan"),
        ("1.20.06", None),  # organisation unit: the caller treats the row as a label
        ("1.20.06.01", "program"),
        ("1.20.06.01.01", "kegiatan"),
        ("7.01.02.2.01.0002", "sub_kegiatan"),  # the shape says 2020 whatever the caller believed
    ],
)
def test_code_level_in_a_2006_document(code, level):
    assert code_level(code, scheme=PERMENDAGRI_13_2006) == level


@pytest.mark.parametrize(
    "code, scheme",
    [
        ("7.01.02.2.01", KEPMENDAGRI_050_3708),
        ("X.XX.01.2.06.0002", KEPMENDAGRI_050_3708),
        ("1.20.06.01", PERMENDAGRI_13_2006),
        ("1.20.06.01.01", PERMENDAGRI_13_2006),
        ("7.01.02", None),  # fits both
        ("7.01", None),
        ("Persentase", None),
    ],
)
def test_code_scheme(code, scheme):
    assert code_scheme(code) == scheme


codes_2020 = st.builds(
    lambda urusan, bidang, program, level, kegiatan, sub: f"{urusan}.{bidang}.{program:02d}.{level}.{kegiatan:02d}.{sub:04d}",
    st.integers(1, 8),
    st.integers(1, 33).map("{:02d}".format),
    st.integers(1, 99),
    st.sampled_from([1, 2]),
    st.integers(1, 99),
    st.integers(1, 9999),
)


LEVEL_BY_DEPTH = {2: "bidang_urusan", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}


@given(codes_2020, st.sampled_from(sorted(LEVEL_BY_DEPTH)), st.sampled_from([".", " "]))
def test_printed_prefixes_of_a_code_normalise_back(code, depth, separator):
    prefix = ".".join(code.split(".")[:depth])
    printed = prefix.replace(".", separator)
    assert normalize_code(printed) == prefix
    assert code_level(printed) == LEVEL_BY_DEPTH[depth]


@given(st.text())
def test_never_raises(raw):
    normalized = normalize_code(raw)
    assert looks_like_code(raw) == (normalized is not None)
    if normalized is not None:
        assert normalize_code(normalized) == normalized
        assert code_level(normalized) is not None or code_scheme(normalized) is None


def test_four_part_13_2006_codes_under_three_part_programs_are_kegiatan():
    # Jawa Barat Renja 2016 (54/2010 era): program 1.06.01 'Program Pelayanan Administrasi Perkantoran', its
    # kegiatan 1.06.01.01 'Penyediaan jasa surat menyurat' - no organisation part, so no five-part code.
    from normalize.rows import Row, _legacy_code_levels

    def row(n, kode, name):
        return Row(n, 1, "program", kode, kode, name, name, "", [kode, name], False)

    rows = [row(1, "1.06.01", "Program Pelayanan Administrasi Perkantoran"),
            row(2, "1.06.01.01", "Penyediaan jasa surat menyurat"),
            row(3, "1.06.01.02", "Penyediaan jasa komunikasi, sumber daya air dan listrik")]
    _legacy_code_levels(rows)
    assert [r.level for r in rows] == ["program", "kegiatan", "kegiatan"]
    # with the organisation part (1.19.01 = urusan.bidang.organisasi) a four-part code is the program
    programs = [row(1, "1.19.01.29", "Program Perencanaan Pengendalian dan Pengawasan Pembangunan Daerah"),
                row(2, "1.19.01.60", "Program Pelayanan Administrasi Perkantoran")]
    _legacy_code_levels(programs)
    assert [r.level for r in programs] == ["program", "program"]
