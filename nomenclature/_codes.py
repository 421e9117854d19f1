"""Code shapes of the Kepmendagri 050-5889/2021 nomenclature, as the reference lists use them.

Printed codes are read by `normalize.codes` (the project's one place for that); this module only
knows the canonical shapes of reference codes (to validate a list), parents, the `X.XX`
placeholder of the supporting program and the kegiatan digit. It knows nothing about names.
"""

from __future__ import annotations

import re

from normalize.codes import code_level, normalize_code  # noqa: F401  (re-exported for nomenclature/)

_CODE_SHAPES = {
    "urusan": re.compile(r"^[1-9X]$"),
    "bidang": re.compile(r"^[1-9X]\.(\d\d|XX)$"),
    "program": re.compile(r"^[1-9X]\.(\d\d|XX)\.\d\d$"),
    "kegiatan": re.compile(r"^[1-9X]\.(\d\d|XX)\.\d\d\.[1-8]\.\d\d$"),
    "sub_kegiatan": re.compile(r"^[1-9X]\.(\d\d|XX)\.\d\d\.[1-8]\.\d\d\.\d{4}$"),
}


def level_of_shape(code: str) -> str | None:
    """Level the shape of a canonical reference code stands for (used to validate lists)."""
    for level, shape in _CODE_SHAPES.items():
        if shape.match(code):
            return level
    return None


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
