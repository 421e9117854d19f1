"""Code shapes of the Kepmendagri 050-5889/2021 nomenclature, as used inside nomenclature/.

`normalize.codes` (being written elsewhere) is the project's one place for normalising printed
codes; this private stand-in exists only until it lands and is used through `normalize_code`
and `code_level` below, which defer to `normalize.codes` whenever that module is importable.
It knows nothing about names or reference lists.
"""

from __future__ import annotations

import re

# Field widths of U.BB.PP.K.KK.SSSS and the level each prefix length stands for.
_FIELDS = (1, 2, 2, 1, 2, 4)
_LEVEL_BY_FIELDS = {1: "urusan", 2: "bidang", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}

_CODE_SHAPES = {
    "urusan": re.compile(r"^[1-9X]$"),
    "bidang": re.compile(r"^[1-9X]\.(\d\d|XX)$"),
    "program": re.compile(r"^[1-9X]\.(\d\d|XX)\.\d\d$"),
    "kegiatan": re.compile(r"^[1-9X]\.(\d\d|XX)\.\d\d\.[1-8]\.\d\d$"),
    "sub_kegiatan": re.compile(r"^[1-9X]\.(\d\d|XX)\.\d\d\.[1-8]\.\d\d\.\d{4}$"),
}


def _normalize_code(raw: str | None) -> str | None:
    """`7 01 03 2.02 0002` -> `7.01.03.2.02.0002`; `X XX 01 2.02` -> `X.XX.01.2.02`;
    a 2-digit sub kegiatan (Permendagri 90/2019) -> 4 digits. None when it is not such a code
    (for instance a Permendagri 13/2006 code `1.20.1.20.03.01`)."""
    if raw is None:
        return None
    text = str(raw).strip().strip("'\u2019`").strip().upper()
    if not text:
        return None
    tokens = [t for t in re.split(r"[.\s]+", text) if t]
    if not tokens or not all(re.fullmatch(r"[0-9X]+", t) for t in tokens):
        return None
    fields: list[str] = []
    i = 0
    for n, width in enumerate(_FIELDS):
        if i >= len(tokens):
            break
        if n == len(_FIELDS) - 1:
            # The sub kegiatan field takes the rest: `00 02` was split by the PDF.
            acc = "".join(tokens[i:])
            i = len(tokens)
            if len(acc) == 2:
                acc = "00" + acc
        else:
            acc = ""
            while i < len(tokens) and len(acc) < width:
                acc += tokens[i]
                i += 1
        if len(acc) != width:
            return None
        fields.append(acc)
    if i != len(tokens) or len(fields) not in _LEVEL_BY_FIELDS:
        return None
    code = ".".join(fields)
    return code if _CODE_SHAPES[_LEVEL_BY_FIELDS[len(fields)]].match(code) else None


def _code_level(code: str | None) -> str | None:
    if not code:
        return None
    for level, shape in _CODE_SHAPES.items():
        if shape.match(code):
            return level
    return None


try:  # pragma: no cover - depends on another engineer's module landing
    from normalize.codes import code_level as _shared_code_level
    from normalize.codes import normalize_code as _shared_normalize_code
except ImportError:  # pragma: no cover
    _shared_normalize_code = None
    _shared_code_level = None


def normalize_code(raw: str | None) -> str | None:
    if _shared_normalize_code is not None:
        return _shared_normalize_code(raw)
    return _normalize_code(raw)


def code_level(code: str | None) -> str | None:
    if _shared_code_level is not None:
        return _shared_code_level(code)
    return _code_level(code)


def level_of_shape(code: str) -> str | None:
    """Level the shape of a canonical code stands for (used to validate reference lists)."""
    return _code_level(code)


def parent_of(code: str) -> str | None:
    parts = code.split(".")
    if len(parts) == 1:
        return None
    if len(parts) == 5:  # kegiatan -> program (K and KK are one step)
        return ".".join(parts[:3])
    if len(parts) == 4:
        return None
    return ".".join(parts[:-1])


def generic_form(code: str) -> str | None:
    """`7.01.01.2.01.0001` -> `X.XX.01.2.01.0001`: the supporting program printed with the SKPD's
    own bidang in place of the `X.XX` placeholder. None for other programs."""
    parts = code.split(".")
    if len(parts) >= 3 and parts[2] == "01" and parts[0] != "X":
        return ".".join(["X", "XX"] + parts[2:])
    return None


def kegiatan_digit(code: str) -> str | None:
    """The `K` of `U.BB.PP.K.KK...`: 1 provinsi, 2 kab/kota, 3-8 special regions."""
    parts = code.split(".")
    return parts[3] if len(parts) >= 5 else None


def with_kegiatan_digit(code: str, digit: str) -> str:
    parts = code.split(".")
    parts[3] = digit
    return ".".join(parts)
