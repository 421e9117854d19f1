"""The nomenclature reference: the built-in list, the importer, and the store of installed versions.

A reference is one version of the Kepmendagri 050-5889/2021 nomenclature (program, kegiatan,
sub kegiatan with their urusan/bidang parents), as a table keyed by (`pemda`, `code`).

* The built-in list (`data/builtin.csv`, version `builtin-2027`) ships with the project: the
  supporting program `X.XX.01` and the Kecamatan programs `7.01.02`-`7.01.06`, kab/kota list,
  with names as in the SIPD "pemutakhiran 2027" export (Kecamatan is the same in the 2023
  version; `X.XX.01` gained `X.XX.01.2.01.0008`-`0013` and the Papua kegiatan `.3.01`/`.4.01`).
* `import_reference` validates a full list (CSV layout of SIPD-derived `nomenclature.csv`, or the
  same columns in an xlsx workbook) and stores it as Parquet in a store directory;
  `load_reference` picks an installed version.

This module does not match names (see `matcher.py`) and does not download anything.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nomenclature._codes import level_of_shape, parent_of

BUILTIN_VERSION = "builtin-2027"
LEVELS = ("urusan", "bidang", "program", "kegiatan", "sub_kegiatan")
ITEM_LEVELS = ("program", "kegiatan", "sub_kegiatan")
PEMDA = ("kabkota", "provinsi")
COLUMNS = ("pemda", "level", "code", "name", "parent_code")
OPTIONAL_COLUMNS = ("kinerja", "indikator", "satuan")
ENV_STORE = "SAKIP_NOMENCLATURE"


class NomenclatureError(Exception):
    """An expected failure of the nomenclature step (bad input file, unknown version...)."""


class InvalidReference(NomenclatureError):
    """A reference list failed validation; `problems` lists every problem found (up to a cap)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the reference list:\n  {shown}{more}")


class UnknownVersion(NomenclatureError):
    pass


@dataclass(frozen=True)
class Reference:
    """One version of the nomenclature. `table` has the columns of `COLUMNS` (plus the optional
    kinerja/indikator/satuan), one row per (pemda, code)."""

    version: str
    table: pd.DataFrame
    builtin: bool = False

    def items(self, pemda: str | None = None) -> pd.DataFrame:
        t = self.table[self.table["level"].isin(ITEM_LEVELS)]
        return t if pemda is None else t[t["pemda"] == pemda]

    def counts(self) -> dict[str, int]:
        return {lv: int((self.table["level"] == lv).sum()) for lv in LEVELS}


# --- the built-in list -------------------------------------------------------------------------

def load_builtin() -> Reference:
    with resources.files("nomenclature").joinpath("data/builtin.csv").open("r", encoding="utf-8") as f:
        raw = pd.read_csv(f, dtype=str, keep_default_na=False)
    versions = set(raw["version"])
    if versions != {BUILTIN_VERSION}:
        raise InvalidReference([f"builtin.csv carries versions {sorted(versions)}, expected {BUILTIN_VERSION}"])
    table = raw.drop(columns=["version"]).assign(pemda="kabkota")
    table = _tidy(table)
    validate(table)
    return Reference(BUILTIN_VERSION, table, builtin=True)


def load_legacy() -> pd.DataFrame:
    """Our short list of Permendagri 13/2006 names (`data/legacy_13_2006.csv`): the programs 01-06
    and their kegiatan that every SKPD carried before 2021 (`Program Pelayanan Administrasi
    Perkantoran`, `Penyediaan Jasa Administrasi Keuangan`...). Columns code, level, name. The
    matcher uses it to recognise old names, never as a target: a legacy name is `unmatched`."""
    with resources.files("nomenclature").joinpath("data/legacy_13_2006.csv").open("r", encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    return table[["code", "level", "name"]]


# --- reading and validating a list -------------------------------------------------------------

def read_reference_file(path: str | Path, pemda: str = "kabkota") -> pd.DataFrame:
    """Read a reference list: a CSV, or the SIPD spreadsheet export (`.xlsx`), with the columns
    `pemda, level, code, name, parent_code` and optionally `kinerja, indikator, satuan` (any
    case; `pemda` may be missing, then `pemda` is used). In a spreadsheet the first sheet that
    has those columns is read; its header may follow a few title rows."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise NomenclatureError(f"{path.name}: the old Excel format (.xls) is not read; save it as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(path)
    else:
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
            raise NomenclatureError(f"{path}: cannot read as CSV: {e}") from e
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns and c != "pemda"]
    if missing:
        raise InvalidReference([f"missing column(s): {', '.join(missing)} (have: {', '.join(raw.columns)})"])
    if "pemda" not in raw.columns:
        raw["pemda"] = pemda
    keep = list(COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in raw.columns]
    return _tidy(raw[keep])


def _read_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook whose header (within its first 20 rows) names `code` and
    `name`, as strings. Excel may store a bidang code as a number (`7.1` for `7.10`): such a cell
    is written back with two decimals, an urusan (`7`) as an integer."""
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise NomenclatureError(f"{path}: cannot read as an xlsx workbook: {e}") from e
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            for _, header in zip(range(20), rows):
                names = [str(c).strip().lower() if c is not None else "" for c in header]
                if "code" in names and "name" in names:
                    keep = [(j, n) for j, n in enumerate(names) if n]
                    body = [[_cell_text(r[j] if j < len(r) else None, n == "code") for j, n in keep]
                            for r in rows if any(c is not None and str(c).strip() for c in r)]
                    return pd.DataFrame(body, columns=[n for _, n in keep], dtype=str)
        raise InvalidReference([f"{path.name}: no sheet has a header row with the columns {', '.join(COLUMNS)}"])
    finally:
        book.close()


def _cell_text(value, is_code: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}" if is_code else repr(value)
    return str(value)


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    for c in table.columns:
        table[c] = table[c].fillna("").astype(str).str.strip()
    table["name"] = table["name"].str.replace(r"\s+", " ", regex=True)
    table["level"] = table["level"].str.lower()
    table["pemda"] = table["pemda"].str.lower()
    cols = list(COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in table.columns]
    return table[cols].reset_index(drop=True)


def validate(table: pd.DataFrame) -> None:
    """Raise InvalidReference listing every problem: unknown pemda or level, empty code or name,
    duplicate (pemda, code), level not matching the code's shape, parent missing or not the
    code's own prefix."""
    problems: list[str] = []
    for i, r in enumerate(table.itertuples(index=False), start=2):  # row 1 is the header
        where = f"row {i} ({r.pemda} {r.code or '<no code>'})"
        if r.pemda not in PEMDA:
            problems.append(f"{where}: pemda {r.pemda!r} is not one of {', '.join(PEMDA)}")
        if r.level not in LEVELS:
            problems.append(f"{where}: level {r.level!r} is not one of {', '.join(LEVELS)}")
        if not r.code:
            problems.append(f"{where}: empty code")
            continue
        if not r.name:
            problems.append(f"{where}: empty name")
        shape = level_of_shape(r.code)
        if shape is None:
            problems.append(f"{where}: code {r.code!r} has no valid shape (U.BB.PP.K.KK.SSSS)")
        elif r.level in LEVELS and shape != r.level:
            problems.append(f"{where}: level {r.level} but the code has the shape of a {shape}")
        expected_parent = parent_of(r.code) or ""
        if shape is not None and r.parent_code != expected_parent:
            problems.append(f"{where}: parent_code {r.parent_code!r}, expected {expected_parent!r}")
    dup = table[table.duplicated(["pemda", "code"], keep="first")]
    for r in dup.itertuples(index=False):
        problems.append(f"duplicate code {r.code} in the {r.pemda} list")
    keys = set(zip(table["pemda"], table["code"]))
    for r in table[table["parent_code"] != ""].itertuples(index=False):
        if (r.pemda, r.parent_code) not in keys:
            problems.append(f"{r.pemda} {r.code}: parent {r.parent_code} is not in the list")
    if problems:
        raise InvalidReference(problems)


# --- the store ---------------------------------------------------------------------------------

def store_dir(store: str | Path | None = None) -> Path:
    """Explicit argument, else $SAKIP_NOMENCLATURE, else the user data directory."""
    if store is not None:
        return Path(store)
    env = os.environ.get(ENV_STORE)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("sakip-tables")) / "nomenclature"


_VERSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def import_reference(
    path: str | Path,
    version: str | None = None,
    store: str | Path | None = None,
    replace: bool = False,
) -> Path:
    """Validate the list at `path` and store it as `<store>/<version>.parquet`; returns that path.
    `version` defaults to the file name without extension."""
    path = Path(path)
    version = version or path.stem
    if not _VERSION_NAME.match(version):
        raise NomenclatureError(f"version name {version!r}: use letters, digits, '.', '_' or '-' (max 64)")
    if version == BUILTIN_VERSION:
        raise NomenclatureError(f"{BUILTIN_VERSION} is the name of the built-in list; choose another")
    table = read_reference_file(path)
    validate(table)
    target = store_dir(store) / f"{version}.parquet"
    if target.exists() and not replace:
        raise NomenclatureError(f"version {version} is already installed at {target} (use replace)")
    target.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "sakip.nomenclature.version": version,
        "sakip.nomenclature.source": path.name,
        "sakip.nomenclature.source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "sakip.nomenclature.imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **meta})
    tmp = target.with_suffix(".parquet.tmp")
    pq.write_table(arrow, tmp)
    tmp.replace(target)
    return target


def _installed(store: str | Path | None) -> list[tuple[str, Path, dict[str, str]]]:
    d = store_dir(store)
    if not d.is_dir():
        return []
    out = []
    for p in sorted(d.glob("*.parquet")):
        meta = {k.decode(): v.decode() for k, v in (pq.read_schema(p).metadata or {}).items()}
        out.append((meta.get("sakip.nomenclature.version", p.stem), p, meta))
    return out


def _newest_first(entry: tuple[str, Path, dict[str, str]]):
    # "Newest" = the latest year named in the version (pemutakhiran-2027 > kabkota-2023), then
    # the latest import: version names carry the regulation year, import times do not.
    version, _, meta = entry
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", version)]
    return (max(years) if years else 0, meta.get("sakip.nomenclature.imported_at", ""))


def list_versions(store: str | Path | None = None) -> pd.DataFrame:
    """Installed versions (newest first) and the built-in one, with counts per level."""
    rows = []
    for version, p, meta in sorted(_installed(store), key=_newest_first, reverse=True):
        t = pd.read_parquet(p, columns=["pemda", "level"])
        row = {"version": version, "builtin": False, "source": meta.get("sakip.nomenclature.source", ""),
               "imported_at": meta.get("sakip.nomenclature.imported_at", ""),
               "pemda": ",".join(sorted(t["pemda"].unique()))}
        row.update({lv: int((t["level"] == lv).sum()) for lv in LEVELS})
        rows.append(row)
    b = load_builtin()
    rows.append({"version": b.version, "builtin": True, "source": "nomenclature/data/builtin.csv",
                 "imported_at": "", "pemda": "kabkota", **b.counts()})
    return pd.DataFrame(rows, columns=["version", "builtin", "pemda", *LEVELS, "source", "imported_at"])


def load_reference(version: str | None = None, store: str | Path | None = None) -> Reference:
    """The named version; without a name the newest installed version, else the built-in list."""
    if version == BUILTIN_VERSION:
        return load_builtin()
    installed = sorted(_installed(store), key=_newest_first, reverse=True)
    if version is None:
        if not installed:
            return load_builtin()
        version, path, _ = installed[0]
    else:
        found = [p for v, p, _ in installed if v == version]
        if not found:
            have = ", ".join([v for v, _, _ in installed] + [BUILTIN_VERSION])
            raise UnknownVersion(f"nomenclature version {version!r} is not installed in {store_dir(store)} (have: {have})")
        path = found[0]
    table = _tidy(pd.read_parquet(path))
    return Reference(version, table)
