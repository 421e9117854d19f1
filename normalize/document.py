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
# words that end a name: the sentence, the address or the next heading goes on after them
_ENDS_NAME = (r"pemerintah|kota|kabupaten|kab|provinsi|prov|tahun|hasil|evaluasi|yang|merupakan|adalah|untuk|sebagai|"
              r"dalam|dengan|di|jalan|jl|jln|jin|selanjutnya|disebut|daftar|kode|rekening|nomor|no|keputusan|program|"
              r"kegiatan|kebutuhan|tingkat|penanggung|jumlah|membentuk|rencana|renja|renstra|laporan|lkjip|tabel|bab")
_UNIT = re.compile(
    r"\b((?:dinas|badan|kecamatan|sekretariat|inspektorat|biro|kantor|satuan\s+polisi|rumah\s+sakit|bagian|unit)"
    r"(?:\s+(?!(?:" + _ENDS_NAME + r")\b)[A-Za-z&,.\-]+){0,8})",
    re.I,
)
# 'Pemerintah Kota Padang Panjang': the name's words are capitalised as printed ('Kota yang' is no pemda)
_NOT_PEMDA = r"(?!(?i:" + _ENDS_NAME + r"|badan|dinas|kecamatan|sekretariat|inspektorat|dan)\b)"
_PEMDA = re.compile(r"\b((?i:pemerintah)\s+)?((?i:provinsi|kabupaten|kota)[ \t]+" + _NOT_PEMDA + r"[A-Z][A-Za-z\-]+"
                    r"(?:[ \t]" + _NOT_PEMDA + r"[A-Z][A-Za-z\-]+){0,2})\b")
_YEAR = re.compile(r"\b(?:tahun|ta\.?|t\.a\.?)\s*(?:anggaran\s+)?((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?", re.I)
# 'Peraturan Pemerintah Nomor 8 Tahun 2008', 'UU No. 23 Tahun 2014': the year of a regulation cited
_CITED = re.compile(r"\b(?:nomor|no)\s*\.?\s*[\dA-Z/.\-]+\s*$", re.I)
# 'RENCANA KERJA (RENJA) 2019', 'LKjIP Tahun 2018': the year printed with the document's name
_TITLE_YEAR = {
    "renja": re.compile(r"\b(?:renja|rencana\s+kerja)\b[^.\n]{0,60}?\b((?:19|20)\d\d)\b", re.I),
    "lkjip": re.compile(r"\b(?:lkjip|lakip|lkip|laporan\s+kinerja|laporan\s+akuntabilitas\s+kinerja)\b[^.\n]{0,80}?"
                        r"\b((?:19|20)\d\d)\b", re.I),
}
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")


@dataclass
class DocumentMeta:
    doc_type: str
    perangkat_daerah: str | None
    pemda: str | None
    tahun: int | None


def document_meta(front_text: str, table_codes: list[str], plan_year: int | None = None) -> DocumentMeta:
    """`plan_year` is the first year of the document's T-C.33 (a Renja's year is the year it plans,
    which its cover may print as the year it was made: 'RENJA 2019 ... TAHUN 2018')."""
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
        elif any(c.startswith("LKJIP-") for c in table_codes):
            doc_type = "lkjip"
    unit = _UNIT.search(head)
    pemdas = list(_PEMDA.finditer(head))
    pemda = next((m for m in pemdas if m.group(1)), pemdas[0] if pemdas else None)  # the cover's 'Pemerintah ...' first
    tahun = None
    if doc_type == "renstra":
        p = _PERIOD.search(head)
        if p:
            tahun = int(p.group(1))
    if tahun is None and doc_type == "renja" and plan_year:
        tahun = plan_year
    if tahun is None and doc_type in _TITLE_YEAR:
        y = _TITLE_YEAR[doc_type].search(head)
        if y and not _CITED.search(head[: y.start(1)]):
            tahun = int(y.group(1))
    if tahun is None:
        y = next((y for y in _YEAR.finditer(head) if not _CITED.search(head[: y.start()])), None)
        if y:
            tahun = int(y.group(1))
    return DocumentMeta(
        doc_type=doc_type,
        perangkat_daerah=_title(unit.group(1)) if unit else None,
        pemda=_title(pemda.group(2)) if pemda else None,
        tahun=tahun,
    )


def _title(s: str) -> str:
    """'BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA' → 'Badan Kepegawaian Dan Pengembangan Sumber
    Daya Manusia'; acronyms (SDM, PUPR, BPKAD: short, at most one vowel) stay in capitals."""
    s = re.sub(r"\s+", " ", s).strip(" ,.-")
    s = re.sub(r"(?:[\s,&]+(?i:dan|serta))+$", "", s).strip(" ,.-")  # 'Pengembangan SDM, dan' ends before 'dan'
    return " ".join(w if _acronym(w) else w.capitalize() if w.isupper() or w.islower() else w for w in s.split())


def _acronym(word: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    return (letters.isupper() and len(letters) <= 7 and sum(ch in "AEIOU" for ch in letters) <= 1
            and letters not in {"DAN", "DI", "KE", "DARI", "SERTA"})
