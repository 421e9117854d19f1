"""The `sakip` command line: a thin layer over `pipelines.run` and `extract`.

    sakip extract data/raw --out data/clean
    sakip inspect data/raw/renja.pdf
    sakip schema
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from .parallel import DEFAULT_TIMEOUT


class _Commands(click.Group):
    """Ends every command the same way: Ctrl-C exits 130; an OSError (disk full, read-only, no permission),
    or another run holding the output folder, is one line naming the path and exits 2; a closed pipe
    (`| head`) exits 141 without a word, as other commands do."""

    def invoke(self, ctx: click.Context):
        from .lock import OutputBusy

        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except OutputBusy as ex:
            click.echo(f"error: {ex}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `sakip table ... | head`: the reader has what it wanted; no error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one when stdout is flushed at exit
            ctx.exit(141)
        except OSError as ex:
            where = f"{ex.filename}: " if ex.filename else ""
            click.echo(f"error: {where}{ex.strerror or ex}", err=True)
            ctx.exit(2)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sakip")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (to stderr).")
def main(verbose: bool) -> None:
    """sakip-tables: Renja, Renstra and LKjIP tables from PDF to tidy Parquet.

    \b
    Example:
      sakip extract data/raw --out data/clean
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_dir", default="data/clean", show_default=True,
              help="Folder for the documents/tables/rows/values.parquet datasets (a path or a URL: s3://bucket/clean).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes on this machine [default: the CPU cores].")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one file may take; a file over it is recorded as failed (0: no limit).")
@click.option("--force", is_flag=True, help="Extract every file again, even those the cache holds.")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Run on the Dask cluster of this scheduler (tcp://HOST:8786; default: $DASK_SCHEDULER_ADDRESS). "
                   "Needs the `cluster` extra.")
@click.option("--cache", "cache_dir", default=None,
              help="Folder of the per-file result cache (a path or a URL) [default: beside --out, e.g. data/.clean.cache].")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="OCR (Tesseract, Indonesian): auto reads the scanned pages, always every page (ignoring the "
                   "text layer), never none (a scan is recorded as needs_ocr).")
@click.option("--max-memory", default=None, metavar="SIZE",
              help="Memory (address space) one worker, and each OCR process, may use: 4GB, 800MB; 0: no limit. A file "
                   "that needs more is recorded as failed [default: 80% of the machine's memory over the workers, "
                   "at least 3GB].")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def extract(paths: tuple[str, ...], out_dir: str, workers: int | None, timeout: float, force: bool,
            scheduler: str | None, cache_dir: str | None, ocr: str, max_memory: str | None, progress: bool | None) -> None:
    """Extract the tables of every file in PATHS (files or folders, recursive) into Parquet.

    Every input file gets a row in documents.parquet with its status (ok, no_tables, needs_ocr,
    failed) and, when not ok, the reason. Exits 0 unless every file failed (1); 2 when --out or --cache
    cannot be written (checked before any work), another run is writing to --out, or the disk fills;
    130 on Ctrl-C.

    Files already extracted by this version of the code are taken from the cache, so a re-run does
    only new or changed files, and a run stopped half-way (Ctrl-C, kill) goes on where it was.

    Scanned pages are OCR'd with OCRmyPDF and Tesseract (apt-get install tesseract-ocr
    tesseract-ocr-ind ghostscript); their values are marked source=ocr with Tesseract's confidence.
    Without Tesseract a scan is recorded as needs_ocr, saying what to install.

    PATHS, --out and --cache may be URLs (fsspec): s3://bucket/raw needs the `s3` extra
    (pip install 'sakip-tables[s3]') and the usual AWS_* credentials, on the workers too.

    \b
    Examples:
      sakip extract data/raw --out data/clean
      sakip extract renja-2022.pdf renstra/ --out /tmp/out
      sakip extract /shared/pdfs --out /shared/clean --workers 16 --timeout 600
      sakip extract scans/ --out /tmp/out --ocr always
      sakip extract /shared/pdfs --out /shared/clean --scheduler tcp://10.0.0.5:8786
      sakip extract s3://bucket/raw --out s3://bucket/clean --scheduler tcp://10.0.0.5:8786
    """
    from . import storage
    from .parallel import ClusterUnavailable, VersionMismatch
    from .run import run_extract

    from .settings import RunSettings

    try:
        limit = None if max_memory is None else _size(max_memory)
    except ValueError:
        raise click.BadParameter(f"{max_memory!r} is not a size (4GB, 800MB, 0)", param_hint="'--max-memory'") from None
    settings = RunSettings(workers, timeout or None, force, scheduler, cache_dir, ocr, limit)
    try:
        # a link to nothing is an input too: it gets its documents record saying so
        found = {p: storage.exists(p) or (storage.is_local(p) and os.path.lexists(storage.location(p))) for p in paths}
    except storage.StorageUnavailable as ex:
        raise click.ClickException(str(ex)) from ex
    missing = [p for p in paths if not found[p]]
    for p in missing:
        click.echo(f"{p}: no such file or folder", err=True)
    existing = [storage.location(p) for p in paths if found[p]]
    try:
        summary = run_extract(existing, out_dir, progress=progress, echo=lambda m: click.echo(m, err=True),
                              settings=settings)
    except (ClusterUnavailable, VersionMismatch, storage.StorageUnavailable) as ex:
        raise click.ClickException(str(ex)) from ex
    click.echo(summary.text())
    if summary.n_files == 0:
        click.echo("no input files found", err=True)
        sys.exit(1)
    if summary.statuses["failed"] == summary.n_files or (missing and summary.n_files == 0):
        sys.exit(1)


@main.command()
@click.argument("pdf")
@click.option("--rows", "show_rows", default=0, show_default=True, help="Also print the first N rows of each table.")
@click.option("--page", "page", type=int, default=None, help="With --png: the page (1-based) to draw.")
@click.option("--png", "png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Draw what the extractor saw on --page: blocks, columns, rows, header rows, caption; on a "
                   "scanned page also the OCR words and the rules found in the image.")
@click.option("--cache", "cache_dir", default=None,
              help="The cache of `sakip extract`, whose OCR'd pages are used (and where pages OCR'd now are kept) "
                   "[default: data/.clean.cache, beside its default --out].")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Which pages are read by OCR, as for `sakip extract`.")
def inspect(pdf: str, show_rows: int, page: int | None, png: Path | None, cache_dir: str | None, ocr: str) -> None:
    """Print which tables were found in PDF, on which pages, with row counts and columns.

    PDF is a path or a URL, read like the inputs of `sakip extract` (s3://bucket/raw/renja.pdf needs
    the `s3` extra); --png is written on this machine. Scanned pages are read by OCR through the OCR
    cache of `sakip extract` (--cache), so a page it OCR'd is not OCR'd again.

    \b
    Examples:
      sakip inspect data/raw/renja-2022-kanigaran-ruled.pdf --rows 3
      sakip inspect data/raw/renja-2022-kanigaran-unruled.pdf --page 3 --png page3.png
      sakip inspect s3://bucket/raw/renja-2022.pdf --rows 3
      sakip inspect scans/pk-2022.pdf --page 2 --png page2.png --cache data/.clean.cache
    """
    import tempfile

    from . import storage

    if png is not None and page is None:
        raise click.UsageError("--png needs --page N")
    try:
        where = storage.location(pdf)
        if storage.is_dir(where):
            raise click.BadParameter(f"{pdf} is a folder; give one file", param_hint="'PDF'")
        if not storage.is_file(where):
            raise click.BadParameter(f"{pdf}: no such file", param_hint="'PDF'")
        with tempfile.TemporaryDirectory(prefix="sakip-inspect-") as tmp:
            try:
                local = storage.fetch(where, Path(tmp))  # a URL's file is copied here; a local file is read in place
            except OSError as ex:
                raise click.ClickException(f"{pdf}: cannot be read ({ex})") from ex
            _inspect(pdf, local, show_rows, page, png, _ocr_settings(ocr, cache_dir, Path(tmp)))
    except storage.StorageUnavailable as ex:
        raise click.ClickException(str(ex)) from ex


def _ocr_settings(mode: str, cache_dir: str | None, tmp: Path):
    """How `inspect` OCRs: into the OCR cache of `sakip extract` when it is on this machine's disk, else
    into the temporary folder `tmp`."""
    from extract import OcrSettings

    from . import storage
    from .cache import ResultCache, default_cache_dir

    root = storage.location(cache_dir) if cache_dir else default_cache_dir("data/clean")
    return OcrSettings(mode, ResultCache(root).ocr_dir or tmp / "ocr")


def _inspect(pdf: str, local: Path, show_rows: int, page: int | None, png: Path | None, ocr) -> None:
    """`inspect` on the file's copy on this machine, `local`; `pdf` is what the user named it."""
    from .run import process_file

    if png is not None:
        from extract import ExtractError
        from extract.debug import draw_page

        try:
            notes = draw_page(local, page, png, ocr)
        except IndexError:
            raise click.UsageError(f"{pdf} has no page {page}") from None
        except ExtractError as ex:
            raise click.ClickException(f"{pdf}: {ex.reason}") from None
        for note in notes:
            click.echo(f"  p.{page} {note}")
        click.echo(f"  drawn: {png} (blue/orange: table blocks, green: columns, red: rows, yellow: header, purple: caption)")
        return

    r = process_file(local, ocr=ocr)
    d = r.document
    if d["status"] == "failed":  # not a PDF, damaged, encrypted...: why, and a non-zero exit
        raise click.ClickException(f"{pdf}: {d['message']}")
    click.echo(f"{pdf}: {d['status']}" + (f" ({d['message']})" if d["message"] else ""))
    click.echo(f"  {d['n_pages']} pages, type {d['doc_type']}, perangkat daerah {d['perangkat_daerah']}, "
               f"pemda {d['pemda']}, tahun {d['tahun']}")
    for t in r.tables:
        pages = f"p.{t['page_start']}" + (f"-{t['page_end']}" if t["page_end"] != t["page_start"] else "")
        click.echo(f"  {t['table_code']:8s} {pages:10s} {t['n_rows']:4d} rows  {len(t['columns']):2d} columns"
                   f"  [{t['identified_by']}] {(t['title'] or '')[:70]}")
        click.echo(f"           columns: {', '.join(t['columns'])}")
        if show_rows:
            for row in [x for x in r.rows if x["table_id"] == t["table_id"]][:show_rows]:
                click.echo(f"           {row['row_no']:3d} p.{row['page']} {row['level']:12s} {' | '.join(row['cells'])[:160]}")


@main.group()
def cache() -> None:
    """The cache beside the outputs (results per file, OCR'd pages)."""


@cache.command("prune")
@click.option("--out", "out_dir", default="data/clean", show_default=True,
              help="The output folder of `sakip extract`; its cache is beside it.")
@click.option("--cache", "cache_dir", default=None, help="The cache folder, when not the default beside --out.")
@click.option("--max-size", default=None, metavar="SIZE",
              help="Keep the OCR'd pages within this size (500MB, 20GB), removing the least recently used first.")
@click.option("--max-age", type=click.FloatRange(min=0), default=None, metavar="DAYS",
              help="Remove OCR'd pages not used for this many days.")
def cache_prune(out_dir: str, cache_dir: str | None, max_size: str | None, max_age: float | None) -> None:
    """Remove what no run will read again from the OCR cache: pages OCR'd by another OCR setup (other
    Tesseract, OCRmyPDF or image conditioning), leftovers of an OCR that was killed, and, when asked, the
    least recently used pages beyond --max-size or older than --max-age. A setup a running `sakip
    extract` is using is left alone. (Each run already removes the other setups' pages of its own files.)

    \b
    Examples:
      sakip cache prune --out data/clean
      sakip cache prune --cache /shared/.clean.cache --max-size 20GB --max-age 180
    """
    from extract.ocr import prune_cache

    from . import storage
    from .cache import default_cache_dir

    root = storage.location(cache_dir) if cache_dir else default_cache_dir(out_dir)
    if not isinstance(root, Path):
        raise click.ClickException(f"{root}: pruning works on a cache on this machine's disk, not on object storage")
    try:
        limit = _size(max_size) if max_size else None
    except ValueError:
        raise click.BadParameter(f"{max_size!r} is not a size (500MB, 20GB, 1000000)", param_hint="'--max-size'") from None
    ocr = root / "ocr"
    if not ocr.is_dir():
        click.echo(f"{ocr}: no OCR cache, nothing to prune")
        return
    report = prune_cache(ocr, max_bytes=limit, max_age=max_age * 86400 if max_age is not None else None)
    click.echo(f"{ocr}: {report.text()}")


def _size(text: str) -> int:
    """'500MB' → 500_000_000 (KB, MB, GB, TB: powers of 1000; a bare number: bytes)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*", text.upper())
    if not m:
        raise ValueError(text)
    return int(float(m.group(1)) * 1000 ** " KMGT".index(m.group(2) or " "))


@main.command()
def schema() -> None:
    """Print the data dictionary of the Parquet outputs (Markdown).

    \b
    Example:
      sakip schema > docs/DATA_DICTIONARY.md
    """
    from .schema import data_dictionary

    click.echo(data_dictionary())


@main.command("table")
@click.argument("table_code")
@click.argument("out_dir", default="data/clean")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), default="csv", show_default=True,
              help="CSV (exact numbers, UTF-8), an Excel sheet, or Parquet (numbers as decimal128).")
@click.option("--to", "to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write [default: CSV on stdout; xlsx and parquet to TABLE_CODE.xlsx / .parquet here].")
def table_command(table_code: str, out_dir: str, fmt: str, to: Path | None) -> None:
    """One tidy table: every row of every TABLE_CODE table (T-C.33, T-C.29, LKJIP-CAPAIAN ...) that
    `sakip extract` wrote to OUT_DIR, with its document, perangkat daerah, pemda, tahun, page, level,
    kode, uraian, indikator, text columns (lokasi, sumber_dana ...), nomenclature match, and one column
    per value column and year (pagu_indikatif_2019). The same as `pipelines.tidy.read_table` in Python.

    \b
    Examples:
      sakip table T-C.33 data/clean > tc33.csv
      sakip table T-C.33 data/clean --format xlsx --to tc33.xlsx
      sakip table LKJIP-CAPAIAN data/clean --format parquet --to capaian.parquet
    """
    from .tidy import NoSuchTable, read_table, write_table

    try:
        frame = read_table(out_dir, table_code)
    except (NoSuchTable, FileNotFoundError) as ex:
        raise click.ClickException(str(ex).strip("'\"")) from None
    if to is None and fmt == "csv":
        write_table(frame, fmt, sys.stdout)
        return
    to = to or Path(f"{table_code}.{fmt}")
    try:
        write_table(frame, fmt, to)
    except (OSError, ValueError) as ex:
        raise click.ClickException(f"{to}: {getattr(ex, 'strerror', None) or ex}") from None
    click.echo(f"{len(frame)} rows of {table_code} written to {to}", err=True)


def _register_optional() -> None:
    """Commands that live in their own modules (nomenclature, audit) join the group when present."""
    try:
        from nomenclature.cli import match_command, nomenclature_group
    except ImportError:
        pass
    else:
        main.add_command(nomenclature_group, "nomenclature")
        main.add_command(match_command, "match")
    try:
        from .audit_cli import audit_command
    except ImportError:
        pass
    else:
        main.add_command(audit_command, "audit")


_register_optional()
