"""The extraction run: every input file → documents, tables, rows and values records, then Parquet.

`process_file` does one file and never raises for a bad input: an expected failure becomes a
status and a message; an unexpected one becomes `failed` with the exception named, so one file
never stops the batch. `run_extract` walks the inputs, shows progress and writes the outputs.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from extract import ExtractError, extract_document
from normalize.document import document_meta
from normalize.rows import normalize_table
from normalize.scale import confirm_thousands
from normalize.templates import identify

from . import __version__
from .matching import default_matcher, match_rows
from .writers import write_outputs

log = logging.getLogger(__name__)

STATUSES = ("ok", "no_tables", "needs_ocr", "failed", "duplicate")


@dataclass
class FileResult:
    document: dict
    tables: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_file(path: Path, matcher=None) -> FileResult:
    """One file → its records. `matcher` (a nomenclature Matcher) defaults to the installed reference."""
    doc = {
        "doc_id": None, "source_path": str(path), "sha256": None, "n_pages": None, "doc_type": "unknown",
        "perangkat_daerah": None, "pemda": None, "tahun": None, "status": "failed", "message": None,
        "n_tables": 0, "extractor_version": __version__, "nomenclature_version": None,
    }
    try:
        sha = sha256_of(path)
    except OSError as ex:
        doc["doc_id"] = hashlib.sha256(str(path).encode()).hexdigest()[:16]
        doc["message"] = f"cannot be read: {ex.strerror}"
        return FileResult(doc)
    doc["sha256"], doc["doc_id"] = sha, sha[:16]
    try:
        extracted = extract_document(path)
    except ExtractError as ex:
        doc["status"], doc["message"] = ex.status, ex.reason
        return FileResult(doc)
    except Exception as ex:  # a bug or an input no rule foresaw: record it, keep the batch going
        log.debug("unexpected error on %s\n%s", path, traceback.format_exc())
        doc["message"] = f"unexpected error while reading the PDF ({type(ex).__name__}: {ex}); please report it"
        return FileResult(doc)
    result = _records(doc, extracted)
    doc["nomenclature_version"] = match_rows(result.rows, matcher or default_matcher())
    return result


def _records(doc: dict, extracted) -> FileResult:
    doc_id = doc["doc_id"]
    result = FileResult(doc)
    codes = []
    for k, t in enumerate(extracted.tables, start=1):
        ident = identify(t)
        nt = normalize_table(t, ident)
        codes.append(nt.table_code)
        table_id = f"{doc_id}-t{k:02d}"
        result.tables.append({
            "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "identified_by": nt.evidence,
            "title": t.caption or None, "page_start": t.page_start, "page_end": t.page_end, "n_rows": len(nt.rows),
            "columns": [c.name for c in nt.columns], "header": [c.header for c in nt.columns],
            "column_numbers": [c.number for c in nt.columns], "ruled": t.ruled, "flags": sorted(t.flags),
            "number_locale": nt.locale,
        })
        for r in nt.rows:
            result.rows.append({
                "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "row_no": r.row_no,
                "page": r.page, "level": r.level, "kode_raw": r.kode_raw or None, "kode": r.kode,
                "uraian_raw": r.uraian_raw or None, "uraian": r.uraian or None, "indikator": r.indikator or None,
                "cells": r.cells, "bold": r.bold, "flags": r.flags,
            })
        for v in nt.values:
            value, note = _fit_decimal(v.value, v.note)
            result.values.append({
                "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "row_no": v.row_no,
                "column": v.column, "tahun": v.tahun, "value": value, "unit": v.unit, "value_raw": v.value_raw,
                "parse_status": v.parse_status, "parse_note": note or None,
                "candidates": [c for c in (_fit_decimal(c, "")[0] for c in v.candidates) if c is not None] or None,
            })
    confirm_thousands(result.tables, result.rows, result.values)
    meta = document_meta(extracted.front_text, codes)
    doc.update(
        n_pages=extracted.n_pages, doc_type=meta.doc_type, perangkat_daerah=meta.perangkat_daerah, pemda=meta.pemda,
        tahun=meta.tahun, n_tables=len(result.tables),
    )
    if result.tables:
        doc["status"] = "ok"
        if extracted.scanned_pages:
            doc["message"] = f"pages {_ranges(extracted.scanned_pages)} are scans without text and were not read (OCR needed)"
    elif extracted.scanned_pages:
        doc["status"] = "needs_ocr"
        doc["message"] = f"no tables in the text pages; pages {_ranges(extracted.scanned_pages)} are scans that need OCR"
    else:
        doc["status"] = "no_tables"
        doc["message"] = "no table found in the text of the document"
    return result


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


def collect_inputs(paths: list[Path]) -> list[Path]:
    """Files given, and every non-hidden file under the folders given, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    seen, unique = set(), []
    for f in out:
        key = str(f.resolve()) if f.exists() else str(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


@dataclass
class RunSummary:
    n_files: int
    statuses: Counter
    tables: Counter
    out_dir: Path

    def text(self) -> str:
        s = self.statuses
        lines = [
            f"{self.n_files} files: {s['ok']} ok, {s['no_tables']} no tables, {s['needs_ocr']} need OCR, "
            f"{s['failed']} failed" + (f", {s['duplicate']} duplicates" if s["duplicate"] else ""),
        ]
        if self.tables:
            lines.append("tables: " + ", ".join(f"{k} {v}" for k, v in sorted(self.tables.items())))
        lines.append(f"output: {self.out_dir}")
        return "\n".join(lines)


def run_extract(paths: list[Path], out_dir: Path, progress: bool | None = None, echo=None) -> RunSummary:
    from tqdm import tqdm

    files = collect_inputs(paths)
    if progress is None:
        progress = sys.stderr.isatty()
    results: list[FileResult] = []
    seen_sha: dict[str, str] = {}
    bar = tqdm(files, unit="file", disable=not progress, dynamic_ncols=True)
    for f in bar:
        bar.set_postfix_str(f.name[:40])
        r = process_file(f)
        sha = r.document.get("sha256")
        if sha and sha in seen_sha:
            # the same bytes under another name: list the file, keep its tables once
            r = FileResult(dict(r.document, status="duplicate", n_tables=0,
                                message=f"same content as {seen_sha[sha]}; its tables are listed there",
                                doc_id=f"{sha[:16]}-dup{len(results)}"))
        elif sha:
            seen_sha[sha] = str(f)
        if echo and r.document["status"] not in ("ok",):
            echo(f"{f}: {r.document['status']}: {r.document['message']}")
        results.append(r)
    write_outputs(results, out_dir)
    statuses = Counter(r.document["status"] for r in results)
    tables = Counter(t["table_code"] for r in results for t in r.tables)
    return RunSummary(len(files), statuses, tables, out_dir)
