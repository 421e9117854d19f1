"""Money columns whose header says thousands (`(Rp.000)`, `ribuan`): scale them only when the document proves it.

A header is not proof: Kecamatan Kanigaran's T-C.31 says `(Rp.000)` and prints full rupiah. The
proof is another table of the same document listing the same items in rupiah (T-C.33 pagu): when
the printed values are a thousandth of those, they are scaled ×1000 and the note says why; when they
equal them, they stay and the note says the header was wrong; without a counterpart they stay as
printed with a note that the scale is unconfirmed. Works on the records of one document.
"""

from __future__ import annotations

import re
import statistics
from decimal import Decimal

THOUSANDS = re.compile(r"rp\.?\s*[.,]?\s*0{3}\b|\(\s*000\s*\)|ribu", re.I)
REFERENCE_COLUMNS = ("pagu_indikatif",)
MIN_PAIRS = 3


def _key(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def confirm_thousands(tables: list[dict], rows: list[dict], values: list[dict]) -> None:
    """Scale (in place) the values of money columns headed in thousands when another table confirms it."""
    names = {(r["table_id"], r["row_no"]): _key(r["uraian"]) for r in rows}
    reference: dict[str, Decimal] = {}
    for v in values:
        if v["column_name"] in REFERENCE_COLUMNS and v["value"] and v["table_code"] == "T-C.33":
            reference.setdefault(names.get((v["table_id"], v["row_no"]), ""), v["value"])
    reference.pop("", None)
    for t in tables:
        for column, header in zip(t["columns"], t["header"]):
            if not THOUSANDS.search(header or ""):
                continue
            cells = [v for v in values if v["table_id"] == t["table_id"] and v["column_name"] == column]
            ratios = [
                float(reference[k] / v["value"])
                for v in cells
                if v["value"] and (k := names.get((v["table_id"], v["row_no"]))) in reference
            ]
            if len(ratios) >= MIN_PAIRS and 900 <= statistics.median(ratios) <= 1100:
                note, factor = f"×1000: header says thousands and {len(ratios)} items match T-C.33 in rupiah", 1000
            elif len(ratios) >= MIN_PAIRS and 0.9 <= statistics.median(ratios) <= 1.1:
                note, factor = "not scaled: header says thousands but the values match T-C.33 in rupiah", 1
            else:
                note, factor = "header says thousands; not confirmed by another table, kept as printed", 1
            for v in cells:
                if v["value"] is not None and factor != 1:
                    v["value"] = v["value"] * factor
                    v["unit"] = "Rp"
                v["parse_note"] = f"{v['parse_note']}; {note}" if v.get("parse_note") else note
