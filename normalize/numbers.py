"""Read one table cell as a number, the way Indonesian planning documents print them.

`parse_number` turns a cell such as ``Rp. 14.959.915.882,-`` or ``98,07 %`` into a `ParsedNumber`
that carries a Decimal only when the reading is certain; anything doubtful keeps ``value=None``
with a status, a short note, and candidate readings for a later audit to confirm by sums.
It works on one cell at a time: scales such as ``(Rp.000)`` and values printed in thousands next to
rupiah (MESSINESS N11/N12) need neighbouring cells and are left to the audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, NamedTuple

PARSE_STATUSES = ("ok", "empty", "dash", "repaired", "malformed", "text")
LOCALES = ("id", "us")

# (grouping separator, decimal mark) per locale.
_SEPARATORS = {"id": (".", ","), "us": (",", ".")}

# Hyphen, figure/en/em dash and minus sign all occur where a nil value or a sign was typed.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_DASH_CLASS = "[" + re.escape(_DASHES) + "]"

_SPREADSHEET_ERROR = re.compile(
    r"#(?:DIV/0!|VALUE!|REF!|NAME\?|N/A|NUM!|NULL!|SPILL!|CALC!)|#{2,}|\*+", re.IGNORECASE
)
_RP_PREFIX = re.compile(r"(?P<sign>" + _DASH_CLASS + r"?)\s*rp\.?(?![a-z])", re.IGNORECASE)
_PERCENT_SUFFIX = re.compile(r"\s*%\s*$")
_NUMERIC_CHARS = re.compile(r"[0-9.,+\s" + re.escape(_DASHES) + r"]*")
_NIL_DASH = re.compile(r"[.,]*" + _DASH_CLASS + r"[.," + re.escape(_DASHES) + r"]*")
# Rupiah amounts end in ",-", "-" or even ",-,-": a closing mark, not a sign.
_TRAILING_DASHES = re.compile(r"(?<=[0-9.,])[.,]*" + _DASH_CLASS + r"[.," + re.escape(_DASHES) + r"]*$")
_WHITESPACE = re.compile(r"\s+")
# "2025-2026", "0-30", "485 + 405": several numbers in one cell, which no single value represents.
_RANGE_OR_SUM = re.compile(r"[0-9][.,]?\s*(?:" + _DASH_CLASS + r"|\+)\s*[0-9]")

_DECIMAL_MARK_NOTE = {"id": "decimal point in Indonesian number", "us": "decimal comma in US number"}
_FOREIGN_FORMAT_NOTE = {
    "id": "US-format number in Indonesian document",
    "us": "Indonesian-format number in US document",
}
_MIXED_GROUPING_NOTE = {
    "id": "comma used as thousands separator",
    "us": "dot used as thousands separator",
}


@dataclass(frozen=True)
class ParsedNumber:
    """One cell read as a number; `value` is None unless the reading is certain."""

    value: Decimal | None
    status: str
    unit: str | None = None
    note: str = ""
    candidates: tuple[Decimal, ...] = ()


class _Reading(NamedTuple):
    """How the digits-and-separators core of a cell reads: a plain decimal string or candidates."""

    number: str | None  # e.g. "1234.50"; None when malformed
    note: str  # "" when the textbook form for the locale
    candidates: tuple[str, ...] = ()


def parse_number(raw: str | None, locale: str = "id") -> ParsedNumber:
    """Parse one printed cell; never raises on any string.

    `locale` says how the document writes numbers ('id': ``1.500,25``; 'us': ``1,500.25``); use
    `detect_locale` on a column or document when unsure. A number that can only be read in the
    other locale is still read, with status 'repaired'.
    """
    group, decimal = _separators(locale)
    if raw is None or not raw.strip():
        return ParsedNumber(None, "empty")
    text = raw.strip()
    if _SPREADSHEET_ERROR.fullmatch(text):
        return ParsedNumber(None, "malformed", note=f"spreadsheet error {text}")
    if not looks_numeric(text):
        if _RANGE_OR_SUM.search(text):
            return ParsedNumber(None, "text", note="range or sum, not one number")
        return ParsedNumber(None, "text", note="words, not a number")

    unit, negative, rest = _split_unit(text)
    repairs: list[str] = []
    rest, tail_note = _drop_orphan_tail(rest, decimal)
    if tail_note:
        repairs.append(tail_note)
    # Spaces inside a number come from narrow cells wrapping in the PDF; they carry no meaning.
    compact = _WHITESPACE.sub("", rest)
    if _NIL_DASH.fullmatch(compact):
        return ParsedNumber(Decimal(0), "dash", unit=unit)

    if compact[0] in _DASHES or compact[0] == "+":
        negative = negative or compact[0] != "+"
        compact = compact[1:]
    compact = _TRAILING_DASHES.sub("", compact)
    compact, cleanup_notes, problem = _clean_separators(compact)
    repairs.extend(cleanup_notes)
    if problem:
        return ParsedNumber(None, "malformed", unit=unit, note=problem)

    reading = _read_core(compact, group, decimal, locale)
    sign = "-" if negative else ""
    if reading.number is None:
        candidates = tuple(Decimal(sign + c) for c in reading.candidates)
        return ParsedNumber(None, "malformed", unit=unit, note=reading.note, candidates=candidates)
    if reading.note:
        repairs.append(reading.note)
    status = "repaired" if repairs else "ok"
    return ParsedNumber(Decimal(sign + reading.number), status, unit=unit, note="; ".join(repairs))


# Satuan words that a narrow cell wraps ("kelomp ok", "dokum en"): rejoined when the pieces spell one of them.
_SATUAN_WORDS = frozenset(
    "unit laporan dokumen dok kelompok keluarga orang paket lkk buah bulan tahun jenis stel file kali kegiatan "
    "lembaga kelurahan desa persen indeks nilai rumah titik meter km hari set berkas surat sertifikat lokasi "
    "pokmas peserta pegawai aplikasi sistem diklat buku sekolah ruang gedung lembar eksemplar naskah rekomendasi "
    "perkara kasus kecamatan opd skpd".split()
)
_QUANTITY = re.compile(
    r"(?P<num>" + _DASH_CLASS + r"?\s*[0-9][0-9.,\s]*?)\s*(?P<unit>[^\W\d_][^\W\d_./]*(?:[ ./]+[^\W\d_]+){0,3})\.?"
)
_SHARE = re.compile(r"(?P<num>[^()]*[0-9][^()]*?)\s*\(\s*(?P<share>[^()]*[0-9][^()]*%)\s*\)")


def parse_quantity(raw: str | None, locale: str = "id") -> ParsedNumber:
    """Read a cell that prints its unit inside it: ``2 unit``, ``12 laporan``, ``5170 (38,12%)``.

    Planning tables often type the satuan next to the figure instead of in a column of its own.
    The number is read by `parse_number` (with its status and notes); the unit becomes the
    value's unit (``2 kelomp ok`` wrapped in a narrow cell gives ``kelompok``); a share printed in
    brackets is kept in the note, the value being the figure before it. Anything else is exactly
    `parse_number`'s reading, so words stay 'text'.
    """
    parsed = parse_number(raw, locale)
    if parsed.status != "text" or raw is None:
        return parsed
    text = _WHITESPACE.sub(" ", raw.strip())
    share = _SHARE.fullmatch(text)
    if share:
        number = parse_number(share.group("num"), locale)
        pct = parse_number(share.group("share"), locale)
        if number.value is not None and pct.value is not None and pct.unit == "%":
            note = "; ".join(n for n in (number.note, f"share {share.group('share').strip()} printed beside it") if n)
            return ParsedNumber(number.value, number.status, unit=number.unit, note=note)
    quantity = _QUANTITY.fullmatch(text)
    if quantity and len(quantity.group("unit")) <= 30:
        number = parse_number(quantity.group("num"), locale)
        if number.value is not None and number.unit is None:
            return ParsedNumber(number.value, number.status, unit=_satuan_word(quantity.group("unit")), note=number.note)
    return parsed


def _satuan_word(unit: str) -> str:
    pieces = unit.split()
    joined = "".join(pieces)
    if len(pieces) > 1 and joined.lower() in _SATUAN_WORDS:
        return joined
    return " ".join(pieces)


def looks_numeric(raw: str) -> bool:
    """Cheap test: is this cell an attempt at a number rather than words?

    True for digits with separators, signs, dashes (nil values), an ``Rp`` prefix or ``%`` suffix,
    and spreadsheet errors (a failed formula is still a number slot); false for words and for
    ranges or sums such as ``2025-2026``. Consistent with `parse_number`: true exactly when the
    status is neither 'text' nor 'empty'.
    """
    text = raw.strip()
    if not text:
        return False
    if _SPREADSHEET_ERROR.fullmatch(text):
        return True
    _, _, rest = _split_unit(text)
    if not _NUMERIC_CHARS.fullmatch(rest) or _RANGE_OR_SUM.search(rest):
        return False
    return any(ch.isascii() and ch.isdigit() or ch in _DASHES for ch in rest)


def detect_locale(samples: Iterable[str]) -> str:
    """Decide 'id' or 'us' from the samples whose reading depends on the locale.

    A sample votes for a locale when it is textbook in that locale and not in the other
    (``98,07`` votes 'id', ``99.69`` votes 'us'); ``1.500`` or ``100`` read fine both ways and do
    not vote. Indonesian documents are the norm here, so ties and silence give 'id'.
    """
    votes = {"id": 0, "us": 0}
    for sample in samples:
        if not isinstance(sample, str):
            continue
        fits = {loc: parse_number(sample, loc).status == "ok" for loc in LOCALES}
        if fits["id"] != fits["us"]:
            votes["id" if fits["id"] else "us"] += 1
    return "us" if votes["us"] > votes["id"] else "id"


def _separators(locale: str) -> tuple[str, str]:
    try:
        return _SEPARATORS[locale]
    except KeyError:
        raise ValueError(f"locale must be one of {LOCALES}, not {locale!r}") from None


def _split_unit(text: str) -> tuple[str | None, bool, str]:
    """Remove an ``Rp`` prefix and a ``%`` suffix; a sign typed before ``Rp`` is kept apart."""
    unit = None
    negative = False
    rest = text
    rp = _RP_PREFIX.match(rest)
    if rp:
        unit = "Rp"
        negative = bool(rp.group("sign"))
        rest = rest[rp.end():]
    percent = _PERCENT_SUFFIX.search(rest)
    if percent:
        unit = unit or "%"
        rest = rest[: percent.start()]
    return unit, negative, rest.strip()


def _drop_orphan_tail(rest: str, decimal: str) -> tuple[str, str]:
    """Drop zeros wrapped onto a line of their own after complete two-digit decimals.

    ``332.00 6.000,00 0`` is 332.006.000,00 whose cell wrapped twice; naive space removal gives
    ``332.006.000,000``, which a reader using "," as grouping would take as 332 billion.
    Only zeros are dropped, so the value never changes: the status records the repair.
    """
    if rest.count(decimal) != 1:
        return rest, ""
    head, _, decimals = rest.rpartition(decimal)
    pieces = decimals.split()
    if len(pieces) >= 2 and re.fullmatch(r"[0-9]{2}", pieces[0]) and all(
        re.fullmatch(r"0+", piece) for piece in pieces[1:]
    ):
        tail = " ".join(pieces[1:])
        return f"{head}{decimal}{pieces[0]}", f"dropped orphan tail {tail!r} of a wrapped cell"
    return rest, ""


def _clean_separators(compact: str) -> tuple[str, list[str], str]:
    """Tidy separator residue at the edges; return (core, repair notes, reason it is malformed)."""
    notes: list[str] = []
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", compact):
        if any(ch in _DASHES for ch in compact):
            return compact, notes, "dash inside number"
        return compact, notes, "no digits or unexpected characters"
    if compact[0] in ".,":
        return compact, notes, "starts with a separator"
    if compact[-1] in ".,":
        compact = compact.rstrip(".,")
        notes.append("trailing separator dropped")
    if re.search(r"[.,]{2,}", compact):
        if re.search(r"\.,|,\.", compact):
            return compact, notes, "adjacent mixed separators"
        compact = re.sub(r"([.,])\1+", r"\1", compact)
        notes.append("doubled separator collapsed")
    return compact, notes, ""


def _read_core(compact: str, group: str, decimal: str, locale: str) -> _Reading:
    """Read digits and separators: textbook form, known slips, or malformed with candidates."""
    parts = re.split(r"([.,])", compact)
    groups, seps = parts[0::2], parts[1::2]

    standard = _standard_form(groups, seps, group, decimal)
    if standard is not None:
        return _Reading(standard, "")
    if len(seps) == 1:
        return _read_single_grouping_mark(groups, locale)
    foreign = _standard_form(groups, seps, decimal, group)
    if foreign is not None:
        return _Reading(foreign, _FOREIGN_FORMAT_NOTE[locale])
    int_groups, fraction = _split_fraction(groups, seps, decimal)
    if _well_grouped(int_groups):
        # Both marks used as grouping, the last short group (if any) being the decimals (N8).
        return _Reading(_join(int_groups, fraction), _MIXED_GROUPING_NOTE[locale])
    return _malformed(int_groups, fraction)


def _read_single_grouping_mark(groups: list[str], locale: str) -> _Reading:
    """One grouping mark that is not a thousands mark: ``75.00``, ``0.0425``, ``495.769540``.

    A grouped number never starts with 0 and never ends in a group of one or two digits, so
    those are decimal marks; a long last group is a missing separator and stays malformed.
    """
    first, last = groups
    decimal_reading = f"{first}.{last}"
    if len(last) <= 2 or first.startswith("0"):
        return _Reading(decimal_reading, _DECIMAL_MARK_NOTE[locale])
    malformed = _malformed(groups, "")
    if len(last) % 3:
        return malformed._replace(candidates=(decimal_reading, *malformed.candidates))
    return malformed


def _standard_form(groups: list[str], seps: list[str], group: str, decimal: str) -> str | None:
    """The number as a plain decimal string if it is textbook for (group, decimal), else None."""
    if decimal in seps[:-1]:
        return None
    if seps and seps[-1] == decimal:
        int_groups, fraction = groups[:-1], groups[-1]
    else:
        int_groups, fraction = groups, ""
    if len(int_groups) > 1 and not _well_grouped(int_groups):
        return None
    return _join(int_groups, fraction)


def _well_grouped(int_groups: list[str]) -> bool:
    first, rest = int_groups[0], int_groups[1:]
    if not rest:
        return False
    first_ok = 1 <= len(first) <= 3 and (first == "0" or not first.startswith("0"))
    return first_ok and all(len(g) == 3 for g in rest)


def _split_fraction(groups: list[str], seps: list[str], decimal: str) -> tuple[list[str], str]:
    """Decimals are the last group after a decimal mark, when short or when that mark is unique."""
    if seps[-1] == decimal and (len(groups[-1]) <= 2 or seps.count(decimal) == 1):
        return groups[:-1], groups[-1]
    return groups, ""


def _malformed(int_groups: list[str], fraction: str) -> _Reading:
    """Explain the bad grouping and offer readings: digit concatenation, and ×10ⁿ if digits were lost.

    In every catalogued case (MESSINESS N6/N7) the intended value had the full digit count,
    so the lost-digit reading comes first.
    """
    short = [g for g in int_groups[1:] if len(g) < 3]
    long = [g for g in int_groups if len(g) > 3]
    concat = "".join(int_groups)
    lost = sum(3 - len(g) for g in short)
    reasons = [f"short digit group {g!r} (digit lost?)" for g in short]
    reasons += [f"digit group {g!r} too long (missing separator?)" for g in long]
    candidates = ([_join([concat + "0" * lost], fraction)] if lost else []) + [_join([concat], fraction)]
    return _Reading(None, "; ".join(reasons) or "irregular grouping", tuple(candidates))


def _join(int_groups: list[str], fraction: str) -> str:
    digits = "".join(int_groups)
    return f"{digits}.{fraction}" if fraction else digits
