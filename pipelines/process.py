"""The work on one input file: its bytes → the documents, tables, rows and values records (`FileResult`).

`process_file` never raises for a bad input: a path that is not a regular file (a dangling link, a
named pipe, a device, a folder), a file that cannot be read, an expected failure of the extractor
(`extract.ExtractError`) or a worker out of memory becomes a status and one plain message; an
unexpected error becomes `failed` with the exception named, so one file never stops the batch.
`empty_document` is the documents record of a file that gave nothing, used here and by the workers
(`parallel.py`) for work that did not finish.

This module decides nothing about which files run, where they run, or how outputs are written
(`run.py`, `parallel.py`, `writers.py`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import resource
import stat
import traceback
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from extract import ExtractError, OcrSettings, extract_document
from extract.ocr import OcrDeferred, OcrWord
from normalize.document import document_meta
from normalize.quality import table_quality
from normalize.rows import normalize_table
from normalize.scale import confirm_thousands
from normalize.templates import identify, plan_period

from . import __version__
from .cache import sha256_of
from .matching import default_matcher, match_rows
from .storage import Location

log = logging.getLogger(__name__)

STATUSES = ("ok", "no_tables", "needs_ocr", "failed", "duplicate")


@dataclass
class FileResult:
    document: dict
    tables: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)
    analysed_pages: int | None = None  # pages that got the full layout analysis (the pre-scan skipped the rest)
    ocr_pages: int | None = None  # pages read by OCR


def shown_path(path: Location) -> str:
    """The path as it is written to documents.source_path and printed: as given, except that bytes which
    are not UTF-8 (a name from another system's encoding, kept by Python as surrogates) are written
    `\\xff`, so that the name can be stored, printed and still be told apart from others."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")


def not_a_file(path: Path) -> str | None:
    """Why `path` (on this machine) is not a regular file that can be read, in plain words; None when it
    is one. Looked at without opening it: opening a named pipe waits for a writer forever, a device may
    never end."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a symbolic link to {shown_path(os.readlink(path))}, which does not exist"
        return "no such file (it was removed during the run?)"
    except OSError as ex:
        if os.path.islink(path):
            return f"a symbolic link that cannot be followed ({ex.strerror})"
        return f"cannot be read: {ex.strerror}"
    if stat.S_ISREG(st.st_mode):
        return None
    kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode)
            else "a character device" if stat.S_ISCHR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode)
            else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
    if os.path.islink(path):
        followed = "not followed; give the folder itself" if stat.S_ISDIR(st.st_mode) else "not read"
        return f"a symbolic link to {kind} ({shown_path(os.path.realpath(path))}), {followed}"
    if stat.S_ISDIR(st.st_mode):
        return "a folder named like a file; the files in it are read as inputs of their own"
    return f"{kind}, not a file; not read"


def empty_document(path: Location, sha: str | None, message: str | None, status: str = "failed") -> dict:
    """The documents record of a file that gave no tables: `status` and why. Without the file's bytes
    (`sha` None) its doc_id is made from its path."""
    doc_id = sha[:16] if sha else hashlib.sha256(os.fsencode(str(path))).hexdigest()[:16]
    return {
        "doc_id": doc_id, "source_path": shown_path(path), "sha256": sha, "n_pages": None, "doc_type": "unknown",
        "perangkat_daerah": None, "pemda": None, "tahun": None, "status": status, "message": message,
        "n_tables": 0, "extractor_version": __version__, "nomenclature_version": None,
    }


def process_file(path: Path, matcher=None, ocr: OcrSettings | None = None) -> FileResult:
    """One file → its records. `matcher` (a nomenclature Matcher) defaults to the installed reference;
    `ocr` says whether and where scanned pages are OCR'd (default: auto, into a temporary folder)."""
    path = Path(path)
    why = not_a_file(path)
    if why is not None:
        return FileResult(empty_document(path, None, why))
    try:
        sha = sha256_of(path)
    except OSError as ex:
        return FileResult(empty_document(path, None, f"cannot be read: {ex.strerror or ex}"))
    doc = empty_document(path, sha, None)
    try:
        extracted = extract_document(path, ocr=ocr)
    except ExtractError as ex:
        doc["status"], doc["message"] = ex.status, ex.reason
        return FileResult(doc)
    except OcrDeferred:
        raise  # the worker pool OCRs those pages first, page by page, then extracts the file (pipelines.parallel)
    except MemoryError:
        doc["message"] = f"reading it needed more memory than a worker may use{_memory_limit()}"
        return FileResult(doc)
    except Exception as ex:  # a bug or an input no rule foresaw: record it, keep the batch going
        log.debug("unexpected error on %s\n%s", shown_path(path), traceback.format_exc())
        doc["message"] = f"unexpected error while reading the PDF ({type(ex).__name__}: {ex}); please report it"
        return FileResult(doc)
    result = _records(doc, extracted)
    result.analysed_pages = getattr(extracted, "analysed_pages", None)
    result.ocr_pages = len(extracted.ocr_pages)
    doc["nomenclature_version"] = match_rows(result.rows, matcher or default_matcher(), doc["tahun"])
    return result


def _memory_limit() -> str:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return "" if soft == resource.RLIM_INFINITY else f" ({soft / 2**30:.1f} GiB, --max-memory)"


def _records(doc: dict, extracted) -> FileResult:
    doc_id = doc["doc_id"]
    result = FileResult(doc)
    codes = []
    period = plan_period(extracted.front_text)  # 'Tahun ke-n' columns take their year from it
    kind = document_meta(extracted.front_text, []).doc_type  # what the title pages say the document is
    for k, t in enumerate(extracted.tables, start=1):
        ident = identify(t, kind)
        nt = normalize_table(t, ident, period)
        quality = table_quality(t, nt)
        codes.append(nt.table_code)
        table_id = f"{doc_id}-t{k:02d}"
        result.tables.append({
            "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "identified_by": nt.evidence,
            "title": t.caption or None, "page_start": t.page_start, "page_end": t.page_end, "n_rows": len(nt.rows),
            "columns": [c.name for c in nt.columns], "header": [c.header for c in nt.columns],
            "column_numbers": [c.number for c in nt.columns], "ruled": t.ruled, "flags": sorted(t.flags),
            "number_locale": nt.locale, "words_lost": quality.words_lost, "numbers_unread": quality.numbers_unread,
            "cells_without_header": quality.cells_without_header,
        })
        for r in nt.rows:
            result.rows.append({
                "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "row_no": r.row_no,
                "page": r.page, "level": r.level, "kode_raw": r.kode_raw or None, "kode": r.kode,
                "uraian_raw": r.uraian_raw or None, "uraian": r.uraian or None, "indikator": r.indikator or None,
                "cells": r.cells, "bold": r.bold, "flags": r.flags, "filled": r.filled or None,
                "location": (nt.table or t).rows[r.row_no - 1].location or None,
            })
        for v in nt.values:
            value, note = _fit_decimal(v.value, v.note)
            source, confidence = _provenance(nt.table or t, nt, v, extracted.ocr_pages)
            result.values.append({
                "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "row_no": v.row_no,
                "column_name": v.column, "tahun": v.tahun, "value": value, "unit": v.unit, "value_raw": v.value_raw,
                "parse_status": v.parse_status, "parse_note": note or None,
                "candidates": [c for c in (_fit_decimal(c, "")[0] for c in v.candidates) if c is not None] or None,
                "source": source, "ocr_confidence": confidence,
            })
    confirm_thousands(result.tables, result.rows, result.values)
    plan_years = Counter(v["tahun"] for v in result.values
                         if v["table_code"] == "T-C.33" and v["column_name"] == "pagu_indikatif" and v["tahun"])
    meta = document_meta(extracted.front_text, codes, plan_years.most_common(1)[0][0] if plan_years else None)
    doc.update(
        n_pages=extracted.n_pages, doc_type=meta.doc_type, perangkat_daerah=meta.perangkat_daerah, pemda=meta.pemda,
        tahun=meta.tahun, n_tables=len(result.tables),
    )
    hint = f" ({extracted.ocr_note})" if extracted.ocr_note else ""
    read_by_ocr = ""
    if extracted.ocr_pages:
        one = len(extracted.ocr_pages) == 1
        read_by_ocr = f"{'page' if one else 'pages'} {_ranges(extracted.ocr_pages)} {'is a scan' if one else 'are scans'}, read by OCR"
    if result.tables:
        doc["status"] = "ok"
        if extracted.scanned_pages:
            doc["message"] = f"pages {_ranges(extracted.scanned_pages)} are scans without text and were not read (OCR needed){hint}"
        elif read_by_ocr:
            doc["message"] = read_by_ocr
    elif extracted.scanned_pages:
        doc["status"] = "needs_ocr"
        doc["message"] = f"no tables in the text pages; pages {_ranges(extracted.scanned_pages)} are scans that need OCR{hint}"
    elif not extracted.text_pages and not extracted.ocr_pages:
        doc["status"] = "no_tables"
        doc["message"] = f"none of its {extracted.n_pages} pages has text or a scanned image (blank, or drawings only)"
    else:
        doc["status"] = "no_tables"
        doc["message"] = "no table found in the text of the document" + (f"; {read_by_ocr}" if read_by_ocr else "")
    return result


def _provenance(table, normalized, value, ocr_pages: list[int]) -> tuple[str, float | None]:
    """Where a value was read: `text` (the PDF's text layer) or `ocr`, with the lowest Tesseract confidence
    of the words of its cell (None for an empty cell or a text-layer value)."""
    row = table.rows[value.row_no - 1]
    index = next((c.index for c in normalized.columns if c.name == value.column), None)
    words = row.cells[index].words if index is not None and index < len(row.cells) else []
    confidences = [w.confidence for w in words if isinstance(w, OcrWord)]
    if confidences:
        return "ocr", min(confidences)
    return ("ocr" if row.page in ocr_pages else "text"), None


_SCALE = Decimal("0.0001")
_LIMIT = Decimal(10) ** 16


def _fit_decimal(value: Decimal | None, note: str) -> tuple[Decimal | None, str]:
    """Fit a value into decimal128(20,4): round beyond 4 decimals (and say so); refuse what is too large."""
    if value is None:
        return None, note
    if abs(value) >= _LIMIT:
        return None, (note + "; " if note else "") + "too large for decimal128(20,4)"
    if value.as_tuple().exponent < -4:
        return value.quantize(_SCALE, rounding=ROUND_HALF_EVEN), (note + "; " if note else "") + "rounded to 4 decimals"
    return value, note


def _ranges(pages: list[int]) -> str:
    out, start, prev = [], None, None
    for p in pages:
        if start is None:
            start = prev = p
        elif p == prev + 1:
            prev = p
        else:
            out.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = p
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(out)
