"""Specification of normalize.numbers, from cells quoted in MESSINESS.md §2.1 (line refs there)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.numbers import PARSE_STATUSES, ParsedNumber, detect_locale, looks_numeric, parse_number

D = Decimal


def assert_parsed(raw, expected_value, expected_status, unit=None, locale="id"):
    parsed = parse_number(raw, locale)
    assert parsed.status == expected_status, parsed
    assert parsed.value == expected_value, parsed
    assert parsed.unit == unit, parsed
    return parsed


# --- ok: textbook Indonesian numbers ---------------------------------------------------------

@pytest.mark.parametrize(
    "raw, value, unit",
    [
        ("10.000.000,00", D("10000000.00"), None),  # N1 renja L682
        ("5.769.105.425,71", D("5769105425.71"), None),  # N1 renja L541
        ("14.055.363.080,08", D("14055363080.08"), None),  # N1 renja L1020
        ("98,07 %", D("98.07"), "%"),
        ("98,07%", D("98.07"), "%"),
        ("Rp. 14.959.915.882,-", D("14959915882"), "Rp"),
        ("Rp 1.000", D("1000"), "Rp"),
        ("10.085.709.329,-", D("10085709329"), None),  # N3 renstra L1130
        ("70.000.000-", D("70000000"), None),  # N3 renstra L1138
        ("500.000.000,-,-", D("500000000"), None),  # N3 renstra L1115
        ("9.490.000,-", D("9490000"), None),  # N3 lkjip L851
        ("2.226.324.603,8", D("2226324603.8"), None),  # N18 renja L542
        ("24,7", D("24.7"), None),  # N18 renstra L601
        ("-0,0425%", D("-0.0425"), "%"),  # N21 lkjip L590
        ("3.027", D("3027"), None),  # N22: one group of three is thousands in 'id'
        ("0", D("0"), None),
        ("100", D("100"), None),
        ("83,5", D("83.5"), None),
    ],
)
def test_indonesian_numbers_parse_ok(raw, value, unit):
    parsed = assert_parsed(raw, value, "ok", unit)
    assert parsed.note == "" and parsed.candidates == ()


def test_printed_precision_is_kept():
    assert str(parse_number("10.000.000,00").value) == "10000000.00"
    assert str(parse_number("2.226.324.603,8").value) == "2226324603.8"


@pytest.mark.parametrize(
    "raw, value",
    [
        ("790.793. 250", D("790793250")),  # N9 renstra L571
        ("3.932.62 1.556", D("3932621556")),  # N9 L590
        ("1.939.5 42.840, 00", D("1939542840.00")),  # N9 L601
        ("253.610 .000,00", D("253610000.00")),  # N9 L644
        ("105.20 4.347,0 0", D("105204347.00")),  # N9 L645
        ("9.990.000 ,00", D("9990000.00")),  # N9 L686
        ("790.793.\n250", D("790793250")),
    ],
)
def test_spaces_from_wrapped_cells_are_benign(raw, value):
    assert_parsed(raw, value, "ok")


# --- locale 'us' and foreign formats -----------------------------------------------------------

@pytest.mark.parametrize(
    "raw, value",
    [("1,192,544,500", D("1192544500")), ("99.69", D("99.69")), ("1,500.25", D("1500.25")), ("1,500", D("1500"))],
)
def test_us_locale_parses_us_numbers(raw, value):
    assert_parsed(raw, value, "ok", locale="us")


@pytest.mark.parametrize("raw, value", [("1,192,544,500", D("1192544500")), ("1,500.25", D("1500.25"))])
def test_us_only_number_in_indonesian_document_is_repaired(raw, value):
    parsed = assert_parsed(raw, value, "repaired")
    assert parsed.note == "US-format number in Indonesian document"


@pytest.mark.parametrize("raw, value", [("75.00", D("75.00")), ("99.69", D("99.69")), ("0.0425", D("0.0425"))])
def test_decimal_point_in_indonesian_number_is_repaired(raw, value):
    parsed = assert_parsed(raw, value, "repaired")
    assert parsed.note == "decimal point in Indonesian number"


def test_indonesian_number_in_us_document_is_repaired():
    parsed = assert_parsed("10.000.000,00", D("10000000.00"), "repaired", locale="us")
    assert parsed.note == "Indonesian-format number in US document"


def test_unknown_locale_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_number("1", locale="fr")


# --- dash, empty, text --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, unit", [("-", None), ("–", None), ("—", None), ("- ", None), ("Rp -", "Rp"), ("Rp. -,-", "Rp"), (",-", None)]
)
def test_dash_means_nil(raw, unit):
    assert_parsed(raw, D(0), "dash", unit)


@pytest.mark.parametrize("raw", ["", None, "   ", "\n\t"])
def test_blank_is_empty(raw):
    assert_parsed(raw, None, "empty")


@pytest.mark.parametrize("raw", ["Mengalami Refocusing", "Persentase", "DAU", "n/a", "Rp", "%", "1)", "3 Dokumen"])
def test_words_are_text(raw):
    parsed = assert_parsed(raw, None, "text")
    assert parsed.note == "words, not a number"


@pytest.mark.parametrize("raw", ["2025-2026", "0-30", "485 + 405", "200+290", "1.000 – 2.000"])
def test_ranges_and_sums_are_text(raw):
    # Seen in renstra L10, L1003-1006 and lkjip L540: no single value represents the cell.
    parsed = assert_parsed(raw, None, "text")
    assert parsed.note == "range or sum, not one number"


# --- malformed: never a confident value ----------------------------------------------------------

@pytest.mark.parametrize("raw", ["#DIV/0!", "#VALUE!", "#REF!", "*****", "#N/A", "#####"])
def test_spreadsheet_errors_are_malformed(raw):
    parsed = assert_parsed(raw, None, "malformed")
    assert parsed.note == f"spreadsheet error {raw}"
    assert parsed.candidates == ()


@pytest.mark.parametrize(
    "raw, candidates, note",
    [
        # N6: missing separator, no digit lost: one reading.
        ("1.773781.400", (D("1773781400"),), "digit group '773781' too long (missing separator?)"),
        ("495.769540", (D("495769540"),), "digit group '769540' too long (missing separator?)"),
        # N6: a two-digit group; the lost-digit (×10) reading first, then concatenation.
        ("869.000.00,-", (D("869000000"), D("86900000")), "short digit group '00' (digit lost?)"),
        ("28.500.00,00", (D("28500000.00"), D("2850000.00")), "short digit group '00' (digit lost?)"),
        ("4.616.00,00", (D("4616000.00"), D("461600.00")), "short digit group '00' (digit lost?)"),
        ("50.00.000,-", (D("50000000"), D("5000000")), "short digit group '00' (digit lost?)"),
        # N7: a digit lost in the middle; neither reading is the intended value, the audit decides.
        ("9.177,12.814,00", (D("9177128140.00"), D("917712814.00")), "short digit group '12' (digit lost?)"),
        ("14.704.18.642,00", (D("14704186420.00"), D("1470418642.00")), "short digit group '18' (digit lost?)"),
        ("9.768.53.880,-", (D("9768538800"), D("976853880")), "short digit group '53' (digit lost?)"),
    ],
)
def test_bad_grouping_is_malformed_with_candidates(raw, candidates, note):
    parsed = assert_parsed(raw, None, "malformed")
    assert parsed.candidates == candidates
    assert parsed.note == note


def test_candidates_carry_the_sign():
    assert parse_number("-869.000.00").candidates == (D("-869000000"), D("-86900000"))


def test_odd_single_group_offers_decimal_and_concatenated_readings():
    parsed = assert_parsed("12.3456", None, "malformed")
    assert parsed.candidates == (D("12.3456"), D("123456"))


@pytest.mark.parametrize("raw, note", [("--5", "dash inside number"), (",50", "starts with a separator")])
def test_other_malformed_shapes(raw, note):
    parsed = assert_parsed(raw, None, "malformed")
    assert parsed.note == note


# --- repaired: slips with a single reading ----------------------------------------------------------

@pytest.mark.parametrize(
    "raw, value, note",
    [
        # N10 renstra L652-654: the trailing lone 0 is the wrapped end of ",00".
        ("332.00 6.000,00 0", D("332006000.00"), "dropped orphan tail '0' of a wrapped cell"),
        ("107.55 7.510,00 0", D("107557510.00"), "dropped orphan tail '0' of a wrapped cell"),
        # N8: last ",dd" is the decimals, every other "." or "," is grouping.
        ("10.933,294.372,00", D("10933294372.00"), "comma used as thousands separator"),
        ("574.739,280,00", D("574739280.00"), "comma used as thousands separator"),
        ("8.356,872.719,00", D("8356872719.00"), "comma used as thousands separator"),
        ("9.377.121,143,00", D("9377121143.00"), "comma used as thousands separator"),
        ("328,446.320,00", D("328446320.00"), "comma used as thousands separator"),
        ("2.876,265.085-", D("2876265085"), "comma used as thousands separator"),
        # N9 L692: a space between two dots.
        ("23.760. .500,00", D("23760500.00"), "doubled separator collapsed"),
        ("1.000.000.", D("1000000"), "trailing separator dropped"),
    ],
)
def test_repairable_slips(raw, value, note):
    parsed = assert_parsed(raw, value, "repaired")
    assert parsed.note == note
    assert parsed.candidates == ()


def test_three_printed_decimals_are_not_an_orphan_tail():
    # Rasio columns print three decimals (renstra L663 "93,934"); a wrap inside them is benign.
    assert_parsed("93,93 4", D("93.934"), "ok")


# --- looks_numeric ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10.000.000,00", True),
        ("Rp. 14.959.915.882,-", True),
        ("98,07 %", True),
        ("-", True),
        ("#DIV/0!", True),
        ("1.773781.400", True),
        ("Mengalami Refocusing", False),
        ("Persentase", False),
        ("n/a", False),
        ("", False),
        ("Rp", False),
        ("7 Lembaga", False),
        ("1)", False),
    ],
)
def test_looks_numeric(raw, expected):
    assert looks_numeric(raw) is expected


# --- detect_locale --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "samples, locale",
    [
        (["1,192,544,500", "99.69", "2,500"], "us"),
        (["10.000.000,00", "98,07"], "id"),
        (["1.500", "100"], "id"),
        ([], "id"),
        (["99.69", "10.000.000,00"], "id"),  # a tie keeps the default
        (["Persentase", None, "-", "1,500.25"], "us"),
    ],
)
def test_detect_locale(samples, locale):
    assert detect_locale(samples) == locale


# --- properties ------------------------------------------------------------------------------------------

integers = st.integers(min_value=-(10**13), max_value=10**13).map(Decimal)
amounts = st.integers(min_value=-(10**15), max_value=10**15).map(lambda n: Decimal(n).scaleb(-2))


def format_us(value: Decimal) -> str:
    places = max(0, -value.as_tuple().exponent)
    return ("-" if value < 0 else "") + format(abs(value), f",.{places}f")


def format_id(value: Decimal) -> str:
    return format_us(value).translate(str.maketrans(",.", ".,"))


@st.composite
def printed(draw, formatter):
    """A value and the way a document could print it: optional Rp prefix, ",-" suffix or percent."""
    value = draw(st.one_of(integers, amounts))
    number = formatter(value)
    unit = draw(st.sampled_from([None, "Rp", "%"]))
    if unit == "Rp":
        number = draw(st.sampled_from(["Rp. ", "Rp ", "Rp.", "RP "])) + number
        if value == value.to_integral_value() and formatter is format_id:
            number += draw(st.sampled_from(["", ",-", "-"]))
    elif unit == "%":
        number += draw(st.sampled_from(["%", " %"]))
    return value, unit, number


@given(printed(format_id))
def test_indonesian_formatting_round_trips(case):
    value, unit, text = case
    assert parse_number(text, "id") == ParsedNumber(value, "ok", unit=unit)


@given(printed(format_us))
def test_us_formatting_round_trips(case):
    value, unit, text = case
    assert parse_number(text, "us") == ParsedNumber(value, "ok", unit=unit)


@given(st.one_of(integers, amounts), st.data())
def test_whitespace_inside_a_wrapped_number_is_benign(value, data):
    text = format_id(value)
    cuts = data.draw(st.lists(st.integers(1, len(text) - 1), max_size=3)) if len(text) > 1 else []
    for cut in sorted(set(cuts), reverse=True):
        text = text[:cut] + " " + text[cut:]
    assert parse_number(text, "id") == ParsedNumber(value, "ok")


def check_invariants(raw, locale):
    parsed = parse_number(raw, locale)
    assert parsed.status in PARSE_STATUSES
    assert (parsed.value is None) == (parsed.status in ("empty", "malformed", "text"))
    assert parsed.unit in (None, "Rp", "%")
    if parsed.status == "dash":
        assert parsed.value == 0
    if parsed.candidates:
        assert parsed.status == "malformed"
    if parsed.status in ("repaired", "malformed", "text"):
        assert parsed.note
    assert looks_numeric(raw) == (parsed.status not in ("text", "empty"))


@given(st.text(), st.sampled_from(["id", "us"]))
def test_never_raises_on_any_text(raw, locale):
    check_invariants(raw, locale)


@given(st.text(alphabet="0123456789.,-–% Rp#*\n", max_size=25), st.sampled_from(["id", "us"]))
def test_never_raises_on_number_like_text(raw, locale):
    check_invariants(raw, locale)


@given(st.lists(st.one_of(st.none(), st.text())))
def test_detect_locale_never_raises(samples):
    assert detect_locale(samples) in ("id", "us")
