"""Printed program / kegiatan / sub kegiatan names, made comparable with the official ones.

`comparable(name)` is applied to both sides (printed and official names) so that case,
punctuation, spacing, camelCase gluing (`danKomunikasi`), official spelling variants
(`Efektifitas`/`Efektivitas`, `Ketentraman`/`Ketenteraman`, `Pemerintah`/`Pemerintahan`,
`SKPD`/`Perangkat Daerah`) and a leading `Program`/`Kegiatan`/`Sub Kegiatan` word do not count.
`location_variants(name)` splits a location suffix (`(sub unit Kelurahan Curahgrinting)`,
`Kelurahan Kebonsari Kulon`, `(KECAMATAN WONOASIH)`) into `lokasi_unit`.
`split_code` takes a code printed at the start of a name cell (`Sub Kegiatan 1.03.02.2.01.65 ...`),
`code_in_cells` also from the next cell when the name cell holds only `Sub Kegiatan`.
`Vocabulary.repair` rejoins words split by the PDF (`PENYELENGGARAA N`) and splits glued ones
(`PerundangUndangan` after lower-casing) using the words of the reference list.

Pure text functions: no reference lookups apart from the vocabulary given to `repair`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Word-level equivalences, applied after lower-casing and punctuation removal. Keys are single
# words; values may be several words. Both sides go through the same table, so the direction
# only has to be consistent.
_WORD_EQUIVALENTS = {
    "efektivitas": "efektifitas",
    "ketenteraman": "ketentraman",
    "pemerintah": "pemerintahan",
    "skpd": "perangkat daerah",
    "opd": "perangkat daerah",
    "pd": "perangkat daerah",
    "kordinasi": "koordinasi",
    "&": "dan",
}

_LEADING_LEVEL_WORDS = re.compile(r"^(?:(?:sub\s*kegiatan|kegiatan|program)\s+)+")
_MARKUP = re.compile(r"</?\w+[^>]*>|\*\*|__")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# A location in parentheses that says what it is: `(sub unit Kelurahan X)`, `(Kelurahan X)`,
# `(Kecamatan X)`, `(Sub Sukoharjo)`, `(Kel. X)`, `(Desa X)`.
_PAREN_LOCATION = re.compile(
    r"\(\s*(?P<loc>(?:sub\s*unit|sub|kelurahan|kel\.?|kecamatan|kec\.?|desa)\b[^()]*)\)?\s*['\u2019]?\s*$",
    re.IGNORECASE,
)
# Any other trailing parenthesis: `(KANIGARAN)` but also `(SPAM)`, `(PPKM)`; only a variant.
_PAREN_ANY = re.compile(r"\(\s*(?P<loc>[^()]+)\)\s*['\u2019]?\s*$")
# A bare `Kelurahan X Y` / `Kecamatan X` near the end: only a variant (official names end in
# `Desa Adat`, `Kelurahan Asal`, `Tingkat Kecamatan`...). Every such word gives one reading.
_LOCATION_WORD = re.compile(r"\b(?:kelurahan|kecamatan|desa|kel\.)\s+", re.IGNORECASE)
_NOT_A_PLACE = re.compile(r"^(?:dan|di|yang|atau|serta|dalam|tingkat|kelurahan|kecamatan)\b", re.IGNORECASE)


# `Sub Kegiatan 1.03.02.2.01.65 Operasi dan Pemeliharaan Sungai`: a code printed inside the name cell.
_CODE_IN_NAME = re.compile(
    r"^\s*(?:(?:sub\s*kegiatan|kegiatan|program)\s*:?\s+)?"
    r"(?P<code>[1-9X][ .]?(?:\d\d|XX)[ .]\d\d(?:[ .][1-8][ .]\d\d(?:[ .]\d\d(?:\s?\d\d)?)?)?)\.?\s+"
    r"(?P<name>[A-Za-z(].+)$",
    re.IGNORECASE,
)


def split_code(text: str) -> tuple[str | None, str]:
    """A code printed at the start of a name cell, and the name after it:
    `Kegiatan 1.03.01.2.01 Perencanaan, ...` -> (`1.03.01.2.01`, `Perencanaan, ...`).
    (None, text) when the cell does not start with a code of the current shape."""
    m = _CODE_IN_NAME.match(text or "")
    if not m:
        return None, text
    return m.group("code"), m.group("name").strip()


_LEVEL_WORD_ONLY = re.compile(r"^\s*(?:sub\s*kegiatan|kegiatan|program)\s*:?\s*$", re.IGNORECASE)


def code_in_cells(name: str, cells) -> tuple[str | None, str]:
    """`split_code` of the name cell; when the name cell holds only a level word (`Sub Kegiatan`,
    the code and name in the next cell: an unruled table read with one more column), of the
    first other cell that starts with a code. (None, name) when none does."""
    code, rest = split_code(name or "")
    if code or not _LEVEL_WORD_ONLY.match(name or ""):
        return code, rest
    for cell in cells if cells is not None else ():
        if isinstance(cell, str) and cell.strip() and not _LEVEL_WORD_ONLY.match(cell):
            code, rest = split_code(cell)
            if code:
                return code, rest
    return None, name


def clean_text(name: str) -> str:
    """Unicode-normalised, markup removed, whitespace collapsed; the case is kept."""
    text = unicodedata.normalize("NFKC", str(name))
    text = _MARKUP.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def comparable(name: str) -> str:
    """The form in which a printed and an official name are compared."""
    text = _CAMEL.sub(" ", clean_text(name)).lower()
    text = text.replace("&", " dan ")
    words = _NON_WORD.sub(" ", text).split()
    out: list[str] = []
    for w in words:
        out.extend(_WORD_EQUIVALENTS.get(w, w).split())
    joined = " ".join(out)
    return _LEADING_LEVEL_WORDS.sub("", joined).strip()


def strip_level_words(text: str) -> str:
    """A comparable name without its leading `program` / `kegiatan` words: again after the PDF's
    glued words are split (`PROGRAMPENGELOLAAN ...` -> `program pengelolaan ...`)."""
    return _LEADING_LEVEL_WORDS.sub("", text).strip()


def _tidy_location(loc: str) -> str:
    loc = re.sub(r"^\s*sub\s*(?:unit\b)?\s*", "", loc.strip(), flags=re.IGNORECASE)
    loc = re.sub(r"\b(kelurahan|kecamatan)\s+\1\b", r"\1", loc, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", loc).strip(" .,'\u2019")


@dataclass(frozen=True)
class Variant:
    """One reading of a printed name: the part to match and the location split off (if any).
    `certain` is True when the name has only this reading."""

    name: str
    lokasi_unit: str | None
    certain: bool


def location_variants(name: str) -> list[Variant]:
    """Readings of a printed name, the most literal first. A location in parentheses that
    names itself (`sub unit`, `Kelurahan`, `Kecamatan`...) is always split off; a bare
    trailing `Kelurahan X` or another trailing parenthesis gives a second reading, and the
    matcher keeps whichever matches better (the literal one on a tie)."""
    text = clean_text(name)
    m = _PAREN_LOCATION.search(text)
    if m and m.start() > 0:
        core = text[: m.start()].strip()
        # `Kelurahan X` may still precede, e.g. `... Kelurahan (Sub unit X)` keeps the word.
        return [Variant(core, _tidy_location(m.group("loc")) or None, True)]
    out = [Variant(text, None, False)]
    m = _PAREN_ANY.search(text)
    if m and m.start() > 0 and text[: m.start()].strip():
        out.append(Variant(text[: m.start()].strip(), _tidy_location(m.group("loc")) or None, False))
    for m in _LOCATION_WORD.finditer(text):
        place = text[m.end():]
        if m.start() == 0 or _NOT_A_PLACE.match(place) or not place[:1].isalpha() or len(place.split()) > 3:
            continue
        if "(" in place or ")" in place:
            continue
        lokasi = _tidy_location(text[m.start():])
        out.append(Variant(text[: m.start()].strip(), lokasi, False))
        # The word may belong to the name too: `Pemberdayaan Masyarakat di Kelurahan` + `Kanigaran`.
        out.append(Variant(text[: m.end()].strip(), lokasi, False))
    if len(out) == 1:
        return [Variant(text, None, True)]
    return out


class Vocabulary:
    """Words of the official names, to repair words split or glued by the PDF conversion."""

    def __init__(self, comparable_names):
        self.words: set[str] = set()
        for n in comparable_names:
            self.words.update(n.split())

    def repair(self, text: str) -> str:
        words = text.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else None
            # `penyelenggaraa n`, `lemba ga`: two fragments that make one official word.
            if nxt is not None and (w not in self.words or nxt not in self.words) and (w + nxt) in self.words:
                out.append(w + nxt)
                i += 2
                continue
            if w not in self.words and len(w) >= 8:
                split = self._split(w)
                if split:
                    out.extend(split)
                    i += 1
                    continue
            out.append(w)
            i += 1
        return " ".join(out)

    def _split(self, w: str) -> list[str] | None:
        for k in range(3, len(w) - 2):
            a, b = w[:k], w[k:]
            if a in self.words and b in self.words:
                return [a, b]
        return None
