"""Document metadata from the title pages: type (renja, renstra, lkjip), perangkat daerah, pemda, year.

Read from the text of the first pages, which carry the cover and title; the table codes found
in the document break a tie on the type. Anything not printed stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TYPES = (
    ("lkjip", r"\b(lkjip|lakip|lkip|laporan\s+kinerja(\s+instansi)?|laporan\s+akuntabilitas\s+kinerja)\b"),
    ("renstra", r"\b(renstra|rencana\s+strategis)\b"),
    ("renja", r"\b(renja|rencana\s+kerja)\b"),
)
_UNIT = re.compile(
    r"\b((?:dinas|badan|kecamatan|sekretariat|inspektorat|biro|kantor|satuan\s+polisi|rumah\s+sakit|bagian|unit)"
    r"(?:\s+(?!pemerintah\b|kota\b|kabupaten\b|provinsi\b|tahun\b)[A-Za-z&,.\-]+){0,8})",
    re.I,
)
_PEMDA = re.compile(r"\b(?:pemerintah\s+)?((?:provinsi|kabupaten|kota)[ \t]+[A-Z][A-Za-z\-]+(?:[ \t][A-Z][A-Za-z\-]+){0,2})\b", re.I)
_YEAR = re.compile(r"\b(?:tahun|ta\.?|t\.a\.?)\s*(?:anggaran\s+)?((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?", re.I)
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")


@dataclass
class DocumentMeta:
    doc_type: str
    perangkat_daerah: str | None
    pemda: str | None
    tahun: int | None


def document_meta(front_text: str, table_codes: list[str]) -> DocumentMeta:
    head = front_text[:4000]
    low = head.lower()
    doc_type = "unknown"
    best = None
    for name, rx in _TYPES:
        m = re.search(rx, low)
        if m and (best is None or m.start() < best):
            doc_type, best = name, m.start()
    if doc_type == "unknown":
        if any(c in ("T-C.29", "T-C.30", "T-C.31", "T-C.32", "T-C.33") for c in table_codes):
            doc_type = "renja"
        elif any(c in ("T-C.23", "T-C.24", "T-C.25", "T-C.26", "T-C.27", "T-C.28") for c in table_codes):
            doc_type = "renstra"
    unit = _UNIT.search(head)
    pemda = _PEMDA.search(head)
    tahun = None
    if doc_type == "renstra":
        p = _PERIOD.search(head)
        if p:
            tahun = int(p.group(1))
    if tahun is None:
        y = _YEAR.search(head)
        if y:
            tahun = int(y.group(1))
    return DocumentMeta(
        doc_type=doc_type,
        perangkat_daerah=_title(unit.group(1)) if unit else None,
        pemda=_title(pemda.group(1)) if pemda else None,
        tahun=tahun,
    )


def _title(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" ,.-")
    return " ".join(w if (w.isupper() and len(w) <= 4 and w not in {"KOTA", "DAN"}) else w.capitalize() if w.isupper() or w.islower() else w for w in s.split())
