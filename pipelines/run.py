"""The extraction run: every input file → documents, tables, rows and values records, then Parquet.

`process_file` does one file and never raises for a bad input: an expected failure becomes a
status and a message; an unexpected one becomes `failed` with the exception named, so one file
never stops the batch. `run_extract` walks the inputs, takes from the cache (`cache.py`) every
file this code version already did, has the rest done by worker processes or a Dask cluster
(`parallel.py`), storing each in the cache as it finishes, and then writes the outputs
(`writers.py`) in input order.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
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

from . import __version__, storage
from .matching import default_matcher, match_rows
from .cache import sha256_of
from .parallel import DEFAULT_TIMEOUT, TaskResult
from .writers import CHILD_TABLES, OutputDocument, publish

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


def process_file(path: Path, matcher=None, ocr: OcrSettings | None = None) -> FileResult:
    """One file → its records. `matcher` (a nomenclature Matcher) defaults to the installed reference;
    `ocr` says whether and where scanned pages are OCR'd (default: auto, into a temporary folder)."""
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
        extracted = extract_document(path, ocr=ocr)
    except ExtractError as ex:
        doc["status"], doc["message"] = ex.status, ex.reason
        return FileResult(doc)
    except OcrDeferred:
        raise  # the worker pool OCRs those pages first, page by page, then extracts the file (pipelines.parallel)
    except Exception as ex:  # a bug or an input no rule foresaw: record it, keep the batch going
        log.debug("unexpected error on %s\n%s", path, traceback.format_exc())
        doc["message"] = f"unexpected error while reading the PDF ({type(ex).__name__}: {ex}); please report it"
        return FileResult(doc)
    result = _records(doc, extracted)
    result.analysed_pages = getattr(extracted, "analysed_pages", None)
    result.ocr_pages = len(extracted.ocr_pages)
    doc["nomenclature_version"] = match_rows(result.rows, matcher or default_matcher(), doc["tahun"])
    return result


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
            })
        for v in nt.values:
            value, note = _fit_decimal(v.value, v.note)
            source, confidence = _provenance(nt.table or t, nt, v, extracted.ocr_pages)
            result.values.append({
                "table_id": table_id, "doc_id": doc_id, "table_code": nt.table_code, "row_no": v.row_no,
                "column": v.column, "tahun": v.tahun, "value": value, "unit": v.unit, "value_raw": v.value_raw,
                "parse_status": v.parse_status, "parse_note": note or None,
                "candidates": [c for c in (_fit_decimal(c, "")[0] for c in v.candidates) if c is not None] or None,
                "source": source, "ocr_confidence": confidence,
            })
    confirm_thousands(result.tables, result.rows, result.values)
    plan_years = Counter(v["tahun"] for v in result.values
                         if v["table_code"] == "T-C.33" and v["column"] == "pagu_indikatif" and v["tahun"])
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


def collect_inputs(paths: list[Path | str]) -> list[Path | str]:
    """Files given, and every non-hidden file under the folders given, in a stable order. A path or
    `file://` URL comes back as a Path, any other URL (`s3://…`) as a string."""
    return [f for f, _ in _collect_inputs(paths)]


def _collect_inputs(paths: list[Path | str]) -> list[tuple[Path | str, dict | None]]:
    """`collect_inputs` with each file's size and stamp (`storage.info`) when a listing gave them."""
    out: list[tuple[Path | str, dict | None]] = []
    for p in map(storage.location, paths):
        if storage.is_dir(p):
            out.extend(storage.list_files(p))
        else:
            out.append((p, None))
    seen, unique = set(), []
    for f, info in out:
        key = storage.key(f) if not isinstance(f, Path) or f.exists() else str(f)
        if key not in seen:
            seen.add(key)
            unique.append((f, info))
    return unique


@dataclass
class RunSummary:
    n_files: int
    statuses: Counter
    tables: Counter
    out_dir: Path
    extracted: int = 0            # files extracted in this run (the rest came from the cache)
    cached: int = 0
    workers: int = 0
    seconds: float = 0.0          # wall time of the whole run
    pages: int = 0                # pages of the files extracted in this run
    cpu_seconds: float = 0.0      # CPU time the workers spent on them
    analysed_pages: int = 0       # of `pages`, those the pre-scan sent to the full layout analysis
    ocr_pages: int = 0            # of `pages`, those read by OCR (scans)
    peak_rss_mb: float | None = None  # the largest peak memory of a worker process
    parts_written: int = 0

    def text(self) -> str:
        s = self.statuses
        lines = [
            f"{self.n_files} files: {s['ok']} ok, {s['no_tables']} no tables, {s['needs_ocr']} need OCR, "
            f"{s['failed']} failed" + (f", {s['duplicate']} duplicates" if s["duplicate"] else ""),
        ]
        if self.tables:
            lines.append("tables: " + ", ".join(f"{k} {v}" for k, v in sorted(self.tables.items())))
        work = f"{self.extracted} extracted" + (f" by {self.workers} workers" if self.extracted else "")
        lines.append(f"work: {work}, {self.cached} from the cache, {self.seconds:.1f} s")
        if self.ocr_pages:
            lines.append(f"ocr: {self.ocr_pages} scanned pages read by OCR")
        lines.append(f"output: {self.out_dir}")
        return "\n".join(lines)


def run_extract(
    paths: list[Path], out_dir: Path, progress: bool | None = None, echo=None, *, workers: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT, force: bool = False, scheduler: str | None = None,
    cache_dir: Path | None = None, process=None, ocr: str = "auto",
) -> RunSummary:
    """Extract every file under `paths` into the four datasets of `out_dir`.

    Files whose bytes were already extracted by this code version (the cache, by default beside
    `out_dir`) are not extracted again unless `force`. The rest run on `workers` processes (default:
    the CPU cores) or, with `scheduler` (a Dask address), on a cluster; each file is stopped after
    `timeout` seconds (None: no limit). `process` replaces `process_file` (a module-level function,
    for tests). `ocr` (auto, always, never) says which pages are OCR'd; OCR'd copies are kept in the
    cache too. Ctrl-C keeps every finished file in the cache: running again resumes.
    """
    from .cache import ResultCache, default_cache_dir, planned_version

    started = time.perf_counter()
    out_dir = storage.location(out_dir)
    listed = _collect_inputs(paths)
    files = [f for f, _ in listed]
    infos = {storage.key(f): info for f, info in listed if info is not None}
    cache = ResultCache(cache_dir or default_cache_dir(out_dir))
    version = planned_version(ocr)
    summary = RunSummary(len(files), Counter(), Counter(), out_dir)

    run = _Run(files, cache, version, ocr, cache.for_workers(scheduler is not None, force, version))
    try:
        for i, f in enumerate(files):
            try:
                info = infos.get(storage.key(f))
                if not storage.is_local(f):
                    # a file on object storage that the index does not know is hashed by the worker that
                    # downloads it, rather than downloaded here too
                    info = info or storage.info(f)
                    sha = None if force else cache.known_sha256(f, info)
                    if sha is None:
                        run.unhashed[storage.key(f)] = (i, info)
                    run.shas.append(sha)
                else:
                    run.shas.append(cache.sha256(f, trust_index=not force, info=info))
            except OSError:
                run.shas.append(None)
                run.unreadable[i] = process_file(f)  # says why it cannot be read
        todo: dict[str, str | None] = {}  # absolute path of the first file with these bytes → its sha256 (None: unknown)
        planned: set[str] = set()
        for f, sha in sorted(zip(files, run.shas), key=lambda fs: -_size(fs[0], infos)):
            # largest files first, so that the last one to finish is a small one
            if sha and sha not in planned and (force or not cache.has(sha, version)):
                planned.add(sha)
                todo[storage.key(f)] = sha
            elif sha is None and storage.key(f) in run.unhashed:
                todo[storage.key(f)] = None
        summary.cached = len({s for s in run.shas if s}) - len(planned)
        if todo:
            run.extract(todo, summary, workers, timeout, scheduler, process,
                        sys.stderr.isatty() if progress is None else progress, echo)
    finally:
        cache.save_index()

    cache.prefetch({run.moved.get(s, s) for s in run.shas if s and s not in run.unfinished}, version)
    report = publish(run.output_documents(summary, echo), out_dir)
    summary.parts_written = report.written
    cache.prune({s for s in run.shas if s}, version)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class _Run:
    """The files of one run, their sha256 (None: unreadable), and what did not come out of the cache."""

    files: list[Path]
    cache: object
    version: str
    ocr: str = "auto"
    worker_cache: object = None  # cache.WorkerCache or KnownResults: the cache as the workers use it
    shas: list[str | None] = field(default_factory=list)
    unhashed: dict[str, tuple[int, dict]] = field(default_factory=dict)  # path → (input index, info): hashed by its worker
    unreadable: dict[int, FileResult] = field(default_factory=dict)   # input index → why it cannot be read
    unfinished: dict[str, TaskResult] = field(default_factory=dict)   # sha → work that did not finish (not cached)
    moved: dict[str, str] = field(default_factory=dict)  # sha planned → sha the worker read (the file changed meanwhile)

    def extract(self, todo: dict[str, str], summary: RunSummary, workers, timeout, scheduler, process, progress, echo) -> None:
        """Run the files of `todo` (path → sha256) and store each result in the cache as it comes."""
        from tqdm import tqdm

        from extract import OcrSettings

        from .parallel import DaskWorkers, LocalWorkers, default_workers

        runner = DaskWorkers(scheduler, timeout) if scheduler else LocalWorkers(workers or default_workers(), timeout)
        summary.workers = runner.workers if scheduler else min(runner.workers, len(todo))
        # on this machine, with the OCR cache on its disk, a scanned file's pages are OCR'd one task each, by
        # every worker of the pool (parallel.LocalWorkers); else by as many processes as the run has workers
        by_page = not scheduler and self.cache.ocr_dir is not None
        ocr = OcrSettings(self.ocr, self.cache.ocr_dir, jobs=1 if scheduler or by_page else runner.workers,
                          defer=by_page)
        bar = tqdm(total=len(todo), unit="file", disable=not progress, dynamic_ncols=True)
        try:
            for tr in runner.run(list(todo.items()), self.version, process, ocr, self.worker_cache):
                sha = todo[tr.path] or self._hashed_by_worker(tr)
                if tr.from_cache:  # hashed by its worker, whose result the cache held
                    summary.cached += 1
                    bar.update(1)
                    continue
                if sha is None:  # hashed by its worker, which could not read it or did not finish
                    pass
                elif tr.payload is None or tr.sha256 is None:  # no result, or the file vanished meanwhile
                    self.unfinished[sha] = tr
                else:
                    self.cache.store(tr.sha256, self.version, tr.payload)
                    if tr.sha256 != sha:
                        self.moved[sha] = tr.sha256
                summary.extracted += 1
                summary.pages += tr.document.get("n_pages") or 0
                summary.cpu_seconds += tr.cpu_seconds or 0.0
                summary.analysed_pages += tr.analysed_pages or 0
                summary.ocr_pages += tr.ocr_pages or 0
                if tr.peak_rss_mb is not None:
                    summary.peak_rss_mb = max(summary.peak_rss_mb or 0.0, tr.peak_rss_mb)
                bar.set_postfix_str(Path(tr.path).name[:40])
                bar.update(1)
        except KeyboardInterrupt:
            if echo:
                echo(f"interrupted: {summary.extracted} of {len(todo)} files were extracted and are kept in "
                     f"{self.cache.root}; run the same command again to go on from there")
            raise
        finally:
            bar.close()
            runner.close()

    def _hashed_by_worker(self, tr: TaskResult) -> str | None:
        """A file the run did not know, hashed by its worker: its sha256 (None: the worker did not get
        that far), learnt by the file index when the file was not changed since it was listed."""
        i, info = self.unhashed[tr.path]
        if tr.sha256 is None:
            doc_id = hashlib.sha256(tr.path.encode()).hexdigest()[:16]
            self.unreadable[i] = FileResult(dict(tr.document, doc_id=doc_id, source_path=str(self.files[i])))
            return None
        self.shas[i] = tr.sha256
        if tr.source_info == info:
            self.cache.remember(tr.path, info, tr.sha256)
        return tr.sha256

    def output_documents(self, summary: RunSummary, echo) -> list[OutputDocument]:
        """One OutputDocument per input file, in input order; a later file with the same bytes is a duplicate."""
        docs: list[OutputDocument] = []
        seen_sha: dict[str, str] = {}
        for i, (f, sha) in enumerate(zip(self.files, self.shas)):
            if sha is None:
                out = OutputDocument(self.unreadable[i].document)
            else:
                sha = self.moved.get(sha, sha)
                out = self._document(f, sha, summary if sha not in seen_sha else None)
                if sha in seen_sha:
                    # the same bytes under another name: list the file, keep its tables once
                    out = OutputDocument(dict(out.document, status="duplicate", n_tables=0,
                                              message=f"same content as {seen_sha[sha]}; its tables are listed there",
                                              doc_id=f"{sha[:16]}-dup{i}"))
                else:
                    seen_sha[sha] = str(f)
            d = out.document
            summary.statuses[d["status"]] += 1
            if echo and d["status"] != "ok":
                echo(f"{f}: {d['status']}: {d['message']}")
            docs.append(out)
        return docs

    def _document(self, path: Path, sha: str, summary: RunSummary | None) -> OutputDocument:
        if sha in self.unfinished:
            return OutputDocument(dict(self.unfinished[sha].document, source_path=str(path)))
        head = self.cache.load(sha, self.version, names=("documents", "tables"))
        if head is None:  # the entry vanished since it was written: say so rather than guess
            return OutputDocument(_missing_entry(path, sha))
        if summary is not None:
            summary.tables.update(head["tables"].column("table_code").to_pylist())
        cache, version = self.cache, self.version
        return OutputDocument(dict(head["documents"].to_pylist()[0], source_path=str(path)), f"{sha}-{version}",
                              lambda: cache.load(sha, version, names=CHILD_TABLES))


def _size(path: Path | str, infos: dict[str, dict]) -> int:
    try:
        return (infos.get(storage.key(path)) or storage.info(path))["size"]
    except OSError:
        return 0


def _missing_entry(path: Path, sha: str) -> dict:
    from .parallel import failed_result

    return dict(failed_result(str(path), sha, "its cached result disappeared during the run; run again").document)
