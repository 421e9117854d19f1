"""`sakip nomenclature import|list` and `sakip match`: a thin layer over reference.py and matcher.py.

`nomenclature_group` and `match_command` are registered by the main CLI (pipelines/cli.py);
they can also be run on their own with `python -m nomenclature.cli ...`.
"""

from __future__ import annotations

import sys

import click
import pandas as pd

from nomenclature.matcher import MATCH_COLUMNS, Matcher
from nomenclature.reference import (
    ENV_STORE,
    ITEM_LEVELS,
    NomenclatureError,
    import_reference,
    list_versions,
    load_reference,
    store_dir,
)

_store_option = click.option(
    "--nomenclature", "store", type=click.Path(file_okay=False), default=None,
    help=f"Directory of installed nomenclature versions (default: ${ENV_STORE}, else the user data directory).",
)


@click.group("nomenclature")
def nomenclature_group():
    """Install and list versions of the program / kegiatan / sub kegiatan nomenclature.

    \b
    Examples:
      sakip nomenclature import nomenclature.csv --version pemutakhiran-2027
      sakip nomenclature list
    """


@nomenclature_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--version", "version", default=None, help="Name of this version (default: the file name).")
@_store_option
@click.option("--replace", is_flag=True, help="Replace a version of the same name.")
def import_command(file, version, store, replace):
    """Validate a nomenclature list and install it.

    FILE is a CSV or an xlsx workbook (the SIPD spreadsheet export) with the columns pemda,
    level, code, name, parent_code (and optionally kinerja, indikator, satuan), one row per
    node. Validation: unique codes per pemda list, every parent present, levels consistent with
    the code's shape.

    \b
    Examples:
      sakip nomenclature import ../shared/nomenclature/nomenclature.csv --version pemutakhiran-2027
      sakip nomenclature import nomenklatur-sipd.xlsx --version pemutakhiran-2027
    """
    try:
        path = import_reference(file, version=version, store=store, replace=replace)
    except NomenclatureError as e:
        raise click.ClickException(str(e)) from e
    row = list_versions(store).set_index("version").loc[path.stem]
    counts = ", ".join(f"{row[lv]} {lv}" for lv in ITEM_LEVELS)
    click.echo(f"installed {path.stem} ({counts}) in {path.parent}")


@nomenclature_group.command("list")
@_store_option
def list_command(store):
    """List installed versions with counts per level (newest first; the built-in list last).

    \b
    Example:
      sakip nomenclature list --nomenclature ~/nomenclature
    """
    table = list_versions(store)
    click.echo(f"store: {store_dir(store)}")
    click.echo(table.drop(columns=["source"]).to_string(index=False))


@click.command("match")
@click.argument("name", required=False)
@click.option("--level", type=click.Choice(ITEM_LEVELS), default=None, help="Level of NAME (default: any).")
@click.option("--code", default=None, help="Code printed next to NAME, if any.")
@click.option("--file", "infile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV with a column `name` and optional `level`, `code`: match every row.")
@click.option("--out", "outfile", type=click.Path(dir_okay=False), default=None,
              help="Where --file writes its result (CSV; default: standard output).")
@click.option("--version", "version", default=None, help="Nomenclature version (default: newest installed, else built-in).")
@click.option("--top", default=5, show_default=True, help="How many candidates to print for NAME.")
@_store_option
def match_command(name, level, code, infile, outfile, version, top, store):
    """Match program / kegiatan / sub kegiatan names to the nomenclature.

    With NAME: print the decision and the best candidates with their scores. With --file: one
    output row per input row, in order: the input columns plus nomenclature_code,
    nomenclature_name, nomenclature_version, match_score, match_method, match_status.

    \b
    Examples:
      sakip match "Peningkatan Efektifitas Kegiatan Pemerintahan di Tingkat Kecamatan Kelurahan Curahgrinting" --level sub_kegiatan
      sakip match --file names.csv --out matches.csv
    """
    if (name is None) == (infile is None):
        raise click.UsageError("give either NAME or --file")
    try:
        matcher = Matcher(load_reference(version, store))
    except NomenclatureError as e:
        raise click.ClickException(str(e)) from e
    if infile is not None:
        _match_file(matcher, infile, outfile)
        return
    m = matcher.match(name, level=level, code=code)
    click.echo(f"{m.match_status}: {m.nomenclature_code or '-'} {m.nomenclature_name or ''}".rstrip())
    click.echo(f"  score {m.match_score:g}, method {m.match_method or '-'}, version {m.nomenclature_version}")
    if m.lokasi_unit:
        click.echo(f"  lokasi_unit: {m.lokasi_unit}")
    if m.reason:
        click.echo(f"  reason: {m.reason}")
    click.echo("candidates:")
    for c in matcher.candidates(name, level=level, n=top):
        click.echo(f"  {c.score:5.1f}  {c.code:<20} {c.level:<12} {c.name}")


def _match_file(matcher: Matcher, infile: str, outfile: str | None) -> None:
    try:
        rows = pd.read_csv(infile, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise click.ClickException(f"{infile}: cannot read as CSV: {e}") from e
    if "name" not in rows.columns:
        raise click.ClickException(f"{infile}: no column `name` (have: {', '.join(rows.columns)})")
    levels = rows["level"].str.strip().str.lower() if "level" in rows.columns else None
    if levels is not None:
        bad = sorted(set(levels) - set(ITEM_LEVELS) - {""})
        if bad:
            raise click.ClickException(f"{infile}: unknown level(s) {', '.join(bad)}; use {', '.join(ITEM_LEVELS)}")
    matches = matcher.match_many(
        rows["name"].tolist(),
        levels.tolist() if levels is not None else None,
        rows["code"].tolist() if "code" in rows.columns else None,
    )
    out = rows.copy()
    for col in MATCH_COLUMNS:
        out[col] = [getattr(m, col) for m in matches]
    if outfile:
        out.to_csv(outfile, index=False)
        counts = out["match_status"].value_counts().to_dict()
        click.echo(f"{len(out)} rows -> {outfile} ({', '.join(f'{v} {k}' for k, v in counts.items())})", err=True)
    else:
        out.to_csv(sys.stdout, index=False)


if __name__ == "__main__":  # pragma: no cover
    cli = click.Group(commands={"nomenclature": nomenclature_group, "match": match_command})
    cli()
