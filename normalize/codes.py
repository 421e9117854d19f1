"""Program, kegiatan and sub kegiatan codes: recognise a printed code and give it one dotted form.

Current documents follow Kepmendagri 050-3708/2020: urusan ``7`` (or placeholder ``X``), bidang
urusan ``7.01`` (``X.XX``), program ``7.01.02``, kegiatan ``7.01.02.2.01``, sub kegiatan
``7.01.02.2.01.0002``. Pre-2021 documents follow Permendagri 13/2006, whose codes have only
two-digit parts after the urusan (``1.20.06.01.01``: urusan.bidang.organisasi.program.kegiatan).
Documents also print codes of their own making: the program and kegiatan numbers under an
organisation prefix (``02 01 01 01``, ``1 07 1 07 01 21 01``), or without the urusan (``01.2.01``).
`local_code` reads those; their level follows from the table they are in (`normalize.rows`), not
from their shape. This module reads the shape of a code only; matching codes to names is
`nomenclature`'s job.
"""

from __future__ import annotations

import re

KEPMENDAGRI_050_3708 = "kepmendagri_050_3708"
PERMENDAGRI_13_2006 = "permendagri_13_2006"

# Excel's text marker and its typographic cousins, left in front of codes by spreadsheet exports.
_LEADING_MARKS = "'\u2018\u2019`\""
# Parts joined by a dot (possibly with stray spaces around it) or by whitespace alone.
_CODE_TEXT = re.compile(r"[0-9X]+(?:(?:\s*\.\s*|\s+)[0-9X]+)*")
_PART = re.compile(r"(\s*\.\s*|\s+)?([0-9X]+)")

_LOCAL_PART = re.compile(r"[0-9]{1,3}|X{1,2}")
_URUSAN = re.compile(r"[1-9]|X")
_TWO_DIGITS = re.compile(r"(?!00)[0-9]{2}")
_LEVEL_DIGIT = re.compile(r"[12]")  # 4th part of a kegiatan code in the 2020 scheme
_SUB_KEGIATAN = re.compile(r"(?!0000)[0-9]{4}|(?!00)[0-9]{2}")

_LEVELS_2020 = {1: "urusan", 2: "bidang_urusan", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
_LEVELS_2006 = {1: "urusan", 2: "bidang_urusan", 3: None, 4: "program", 5: "kegiatan"}


def normalize_code(raw: str | None) -> str | None:
    """The dotted form of a printed code (``7 01 03 2.02 0002`` → ``7.01.03.2.02.0002``), else None.

    A lone number is refused even when it could be an urusan: in a table, ``1`` or ``1.`` is
    far more often a row number than a code.
    """
    parts = _code_parts(raw)
    if parts is None or len(parts) < 2:
        return None
    return ".".join(parts)


def looks_like_code(raw: str) -> bool:
    """Whether a cell holds a program/kegiatan/sub kegiatan code (and nothing else)."""
    return normalize_code(raw) is not None


def code_level(code: str | None, scheme: str | None = None) -> str | None:
    """'urusan', 'bidang_urusan', 'program', 'kegiatan', 'sub_kegiatan', or None.

    Accepts a normalised or printed code; a bare ``7`` or ``X`` is an urusan here, although
    `normalize_code` refuses it in a cell. A three-part code is a program in the 2020 scheme but
    an organisation unit (no level: the caller treats it as a label) in the 2006 scheme, and the
    shape cannot tell them apart; pass ``scheme=PERMENDAGRI_13_2006`` when the document says so.
    """
    parts = _code_parts(code)
    if parts is None or (len(parts) == 1 and code.strip().upper() != parts[0]):
        return None  # "1." or "'1" is a row number, not urusan 1
    found = _scheme_of(parts)
    if found == PERMENDAGRI_13_2006 or (found is None and scheme == PERMENDAGRI_13_2006):
        return _LEVELS_2006.get(len(parts))
    return _LEVELS_2020.get(len(parts))


def local_code(raw: str | None) -> str | None:
    """The dotted form of a code in no national scheme (``02 01 01 01`` → ``02.01.01.01``), parts as
    printed; None when `raw` is no code at all or a code of a scheme (then `normalize_code` reads it).

    Its level is not in its shape: a table of such codes tells it by the depth of its program rows.
    """
    parts = printed_parts(raw)
    if parts is None or len(parts) < 2 or normalize_code(raw) is not None:
        return None
    return ".".join(parts)


def local_level(code: str | None) -> str | None:
    """The level of a local code whose shape tells it: a 2020 kegiatan or sub kegiatan code printed without
    its urusan and bidang (``01.2.01``, ``01.2.01.06``: program 01, kegiatan 2.01, sub kegiatan 06)."""
    parts = printed_parts(code)
    if parts is None or len(parts) not in (3, 4) or not _LEVEL_DIGIT.fullmatch(parts[1]):
        return None
    if not all(_TWO_DIGITS.fullmatch(p) for p in (parts[0], parts[2])):
        return None
    if len(parts) == 3:
        return "kegiatan"
    return "sub_kegiatan" if _SUB_KEGIATAN.fullmatch(parts[3]) else None


def printed_parts(raw: str | None) -> list[str] | None:
    """The parts of anything printed as a code, any scheme or none: groups of one to three digits (or
    ``X``/``XX``) joined by dots or spaces; None when `raw` is not only that."""
    if raw is None:
        return None
    text = raw.strip().lstrip(_LEADING_MARKS).strip().rstrip(".").strip().upper()
    if not _CODE_TEXT.fullmatch(text):
        return None
    parts = [part for _, part in _PART.findall(text)]
    return parts if all(_LOCAL_PART.fullmatch(p) for p in parts) else None


def code_scheme(code: str | None) -> str | None:
    """Which nomenclature a code's shape belongs to, or None when it fits both (1–3 parts) or none.

    Only the 2020 scheme has a one-digit level part (1 or 2) in 4th position followed by two
    digits; only the 2006 scheme has a two-digit 4th part.
    """
    parts = _code_parts(code)
    return None if parts is None else _scheme_of(parts)


def _code_parts(raw: str | None) -> list[str] | None:
    """Split and validate a printed code; the parts in normalised form, or None if not a code."""
    if raw is None:
        return None
    text = raw.strip().lstrip(_LEADING_MARKS).strip().rstrip(".").strip().upper()
    if not _CODE_TEXT.fullmatch(text):
        return None
    pieces = [(sep or "", part) for sep, part in _PART.findall(text)]
    parts = [part for _, part in pieces]
    if len(parts) > 6 and all("." not in sep for sep, _ in pieces[6:]):
        # A narrow cell wrapped the sub kegiatan number: ``7.01.02.2.01.00 02``.
        parts = parts[:5] + ["".join(parts[5:])]
    if _scheme_of(parts) is None and not _fits_both(parts):
        return None
    if len(parts) == 6:
        parts[5] = parts[5].zfill(4)  # older documents print sub kegiatan numbers with two digits
    return parts


def _fits_both(parts: list[str]) -> bool:
    """Urusan, bidang urusan and program (or 2006 organisation unit) prefixes, shared by both schemes."""
    if not 1 <= len(parts) <= 3 or not _URUSAN.fullmatch(parts[0]):
        return False
    if len(parts) >= 2 and not _bidang_ok(parts[0], parts[1]):
        return False
    # X.XX.XX: a program of every urusan, its number left as a placeholder too
    return len(parts) < 3 or bool(_TWO_DIGITS.fullmatch(parts[2])) or parts[:3] == ["X", "XX", "XX"]


def _scheme_of(parts: list[str]) -> str | None:
    """The scheme only a code of this shape can belong to; None if ambiguous or invalid."""
    if len(parts) < 4 or not _fits_both(parts[:3]):
        return None
    fourth, rest = parts[3], parts[4:]
    if _LEVEL_DIGIT.fullmatch(fourth) and len(rest) in (1, 2):
        kegiatan_ok = bool(_TWO_DIGITS.fullmatch(rest[0]))
        sub_ok = len(rest) == 1 or bool(_SUB_KEGIATAN.fullmatch(rest[1]))
        return KEPMENDAGRI_050_3708 if kegiatan_ok and sub_ok else None
    if parts[0] != "X" and len(parts) <= 5 and all(_TWO_DIGITS.fullmatch(p) for p in parts[3:]):
        return PERMENDAGRI_13_2006
    return None


def _bidang_ok(urusan: str, bidang: str) -> bool:
    """``X.XX`` is the placeholder for programs common to every urusan; it comes as a pair."""
    if urusan == "X" or bidang == "XX":
        return urusan == "X" and bidang == "XX"
    return bool(_TWO_DIGITS.fullmatch(bidang))
