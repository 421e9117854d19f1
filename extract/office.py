"""Word and Excel files read directly, into the same `LogicalTable`s as a PDF.

`office_kind` tells a file's kind by its content (a .docx/.xlsx is a ZIP holding `word/` or `xl/`; a
.doc/.xls an OLE2 compound file), whatever its name. `read_office` reads a .docx (`docx_reader`) or an
.xlsx (`xlsx_reader`), after converting a .doc or .xls to one with LibreOffice headless (`soffice`).
Both readers give `OfficeGrid`s: the cells as the file lays them out, with their spans; `grid_table`
cuts one into title, header and data rows with the rules of the ruled PDF tables (`stitch.table_parts`).
Nothing here geometric: an Office file gives exact cells, so there is nothing to stitch or guess.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ExtractError
from .grid import Band
from .model import Cell, ExtractedDocument, GridRow, LogicalTable
from .stitch import table_parts

CONVERT_TIMEOUT = 600  # seconds for one LibreOffice conversion (the run's time limit per file applies too)
LIBREOFFICE_PACKAGES = {"doc": "libreoffice-writer-nogui", "xls": "libreoffice-calc-nogui"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class OfficeUnreadable(ExtractError):
    """A Word or Excel file that cannot be opened (damaged, encrypted, or LibreOffice missing or failing)."""


@dataclass
class Slot:
    """A cell where it starts in the file's grid; the slots its spans cover are None."""

    text: str
    bold: bool = False
    rowspan: int = 1
    colspan: int = 1


@dataclass
class OfficeGrid:
    """One table of a Word or Excel file as the file lays it out, one list of slots per printed row."""

    name: str  # 'table 3' (the third top-level Word table) or 'Sheet TC 27'
    slots: list[list[Slot | None]]
    locations: list[str]  # per row: 'table 3, row 5' or 'Sheet TC 27!A12'
    pages: list[int]  # per row: the Word page as the file records it, the sheet's number in a workbook
    marked_header: int = 0  # leading rows the file marks as header (Word's repeated header rows)
    caption: list[str] = field(default_factory=list)  # text printed above the table
    context: str = ""  # the text before the caption


def office_kind(path: Path) -> str | None:
    """'docx', 'xlsx', 'doc', 'xls' (or 'encrypted', a password-protected one) by the file's content;
    None for anything else (a PDF)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if head == _OLE2:
        return _ole2_kind(path)
    return None


def _ole2_kind(path: Path) -> str | None:
    """A compound file names its streams in UTF-16 in its directory: Word's 'WordDocument', Excel's
    'Workbook' (or 'Book' before Excel 97)."""
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:  # a password-protected .docx/.xlsx
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return None


def read_office(path: Path, kind: str) -> ExtractedDocument:
    """The tables of a Word or Excel file of `kind` (see `office_kind`)."""
    if kind == "encrypted":
        raise OfficeUnreadable(path, "the Word or Excel file is encrypted with a password; save a copy without it")
    if kind in ("doc", "xls"):
        with tempfile.TemporaryDirectory(prefix="sakip-office-") as tmp:
            return _read(convert(path, kind, Path(tmp)), "docx" if kind == "doc" else "xlsx", path)
    return _read(path, kind, path)


def _read(path: Path, kind: str, source: Path) -> ExtractedDocument:
    if kind == "docx":
        from .docx_reader import READ_ERRORS, read_docx as reader
    else:
        from .xlsx_reader import READ_ERRORS, read_xlsx as reader
    try:
        grids, front_text, n_pages = reader(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, EOFError) + READ_ERRORS as ex:
        what = "Word" if kind == "docx" else "Excel"
        raise OfficeUnreadable(source, f"the {what} file is damaged and cannot be read ({ex})") from ex
    tables = [t for t in (grid_table(g) for g in grids) if t is not None]
    return ExtractedDocument(path=str(source), n_pages=n_pages, tables=tables, front_text=front_text,
                             text_pages=n_pages, analysed_pages=n_pages)


# ------------------------------------------------------------------------------------- LibreOffice

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, kind: str, outdir: Path, timeout: float = CONVERT_TIMEOUT) -> Path:
    """`path` (.doc or .xls) converted to .docx / .xlsx in `outdir` by LibreOffice headless, with a
    profile of its own (two workers may convert at once) and a time limit."""
    target = "docx" if kind == "doc" else "xlsx"
    exe = soffice()
    if exe is None:
        what = "an old Word .doc" if kind == "doc" else "an old Excel .xls"
        raise OfficeUnreadable(path, f"{what} file: reading it needs LibreOffice, which is not installed "
                                     f"(apt-get install {LIBREOFFICE_PACKAGES[kind]})")
    src = outdir / f"source.{kind}"  # a plain name: LibreOffice names its output after its input
    shutil.copyfile(path, src)
    profile = outdir / "profile"
    cmd = [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir), str(src)]
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                            preexec_fn=_die_with_parent)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise OfficeUnreadable(path, f"LibreOffice did not convert the file within {timeout:.0f} s") from None
    out = outdir / f"source.{target}"
    if proc.returncode != 0 or not out.exists():
        detail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise OfficeUnreadable(path, f"LibreOffice could not convert the file to .{target} ({detail[0][:200]})")
    return out


def _die_with_parent() -> None:
    """In the child: be killed when the worker that started it dies (its time limit, a crash)."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# ------------------------------------------------------------------------------- grid to table

def grid_table(grid: OfficeGrid) -> LogicalTable | None:
    """The logical table of one grid: empty columns dropped, title rows inside the frame taken for the
    caption, header rows (those the file marks, else found as in a ruled PDF table), data rows with their
    location; None for a table of fewer than two columns or without data rows."""
    slots = _drop_empty_columns(grid.slots)
    n_cols = len(slots[0]) if slots else 0
    if n_cols < 2:
        return None
    bands = []
    for k, row in enumerate(slots):
        spans = [(c, c + s.colspan - 1) for c, s in enumerate(row) if s is not None]
        cells = [Cell(s.text, s.bold) for s in row if s is not None]
        bands.append(Band(grid.pages[k], float(k), float(k + 1), spans, cells))  # top: the row's index
    parts = table_parts(bands, n_cols, grid.marked_header or None)
    body = {id(b) for b in parts.body}
    head_keys = {_key(b.text) for b in bands if id(b) not in body and b.text}
    rows: list[GridRow] = []
    flags: set[str] = set()
    for band in parts.body:
        if not band.text:
            continue
        if _key(band.text) in head_keys:  # the header typed again further down (a page's repeat)
            flags.add("header_removed")
            continue
        k = int(band.top)
        cells = band.as_columns(n_cols, parts.weights)
        rows.append(GridRow(cells, band.page, band.top, band.bottom, location=grid.locations[k]))
    if not rows:
        return None
    caption = " ".join(grid.caption + [b.text for b in parts.titles]).strip()
    return LogicalTable(page_start=min(r.page for r in rows), page_end=max(r.page for r in rows), n_cols=n_cols,
                        header=parts.header, column_numbers=parts.column_numbers, rows=rows, caption=caption,
                        context=grid.context, ruled=True, flags=flags)


def _key(text: str) -> str:
    return "".join(text.split()).lower()


def _drop_empty_columns(slots: list[list[Slot | None]]) -> list[list[Slot | None]]:
    """Columns with text in no row are left out (a spacer column, a column merged away); a span over
    them shrinks to the columns kept (a cell starting in one is empty: nothing is lost)."""
    n = max((len(r) for r in slots), default=0)
    keep = [c for c in range(n) if any(c < len(r) and r[c] is not None and r[c].text for r in slots)]
    out = []
    for row in slots:
        new: list[Slot | None] = []
        for c in keep:
            s = row[c] if c < len(row) else None
            if s is not None:
                s = Slot(s.text, s.bold, s.rowspan, sum(1 for k in keep if c <= k < c + s.colspan))
            new.append(s)
        out.append(new)
    return out
