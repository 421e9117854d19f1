"""The tidy-table API (`pipelines.tidy.read_table`) and `sakip table`, against the printed truth.

The Renja fixture (tests/fixtures/specs/renja_2022_kanigaran.json, rendered by our builder) and the
corpus Renja 000-a (../shared/corpus, skipped without it): every T-C.33 row comes back once, with its
lokasi, sumber dana and figures as printed, one typed column per value column and year.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from normalize.numbers import parse_number
from pipelines.cli import main
from pipelines.run import process_file
from pipelines.tidy import NoSuchTable, read_table
from pipelines.writers import write_outputs
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _text(x) -> str:
    """A text cell of the frame: '' for a missing one (pandas shows it as NaN)."""
    return x if isinstance(x, str) else ""


def _squash(text) -> str:
    return re.sub(r"\s+", "", _text(text))


def _value(cell: str) -> Decimal | None:
    return parse_number(cell).value


@pytest.fixture(scope="module")
def renja(tmp_path_factory):
    """The ruled Renja fixture (first 40 rows of each table) extracted into an output folder."""
    work = tmp_path_factory.mktemp("tidy")
    doc = build_document(load_spec(), LAYOUTS["ruled"], work / "renja-2022.pdf", max_rows=40)
    out = work / "clean"
    write_outputs([process_file(doc.path)], out)
    return doc, out


def test_one_row_per_printed_row_with_its_text_and_figures(renja):
    doc, out = renja
    truth = next(t for t in doc.tables if t.table_code == "T-C.33")
    frame = read_table(out, "T-C.33")
    assert len(frame) == len(truth.rows)
    assert set(frame["document"]) == {"renja-2022.pdf"}
    assert list(frame["row_no"]) == list(range(1, len(truth.rows) + 1))
    for (_, got), cells in zip(frame.iterrows(), truth.rows):
        assert _squash(got["uraian"]) == _squash(cells[1])
        assert _squash(got["indikator"]) == _squash(cells[2])
        assert _text(got["lokasi"]) == cells[3]
        assert _text(got["sumber_dana"]) == cells[7]
        for name, cell in (("target_2022", cells[4]), ("pagu_indikatif_2022", cells[6]), ("target_maju_2023", cells[9]),
                           ("pagu_indikatif_maju_2023", cells[11])):
            expected = _value(cell)
            assert (None if pd.isna(got[name]) else got[name]) == expected, (got["row_no"], name, cell)
    program = frame.iloc[1]
    assert (program["level"], program["pagu_indikatif_2022"]) == ("program", Decimal("10001375464"))


def test_columns_are_typed(renja):
    _, out = renja
    frame = read_table(out, "T-C.33")
    assert str(frame["tahun"].dtype) == "Int32" and set(frame["tahun"]) == {2022}
    assert str(frame["page"].dtype) == "Int32"
    pagu = frame["pagu_indikatif_2022"]
    assert isinstance(pagu.dtype, pd.ArrowDtype) and pa.types.is_decimal(pagu.dtype.pyarrow_dtype)
    # sums stay exact: the whole column against the printed cells, parsed one by one
    truth = next(t for t in renja[0].tables if t.table_code == "T-C.33")
    assert pagu.sum() == sum(v for c in truth.rows if (v := _value(c[6])) is not None)


def test_a_code_not_in_the_output_names_those_there(renja):
    _, out = renja
    with pytest.raises(NoSuchTable, match=r"no T-C\.99 table .*T-C\.29, T-C\.31, T-C\.33"):
        read_table(out, "T-C.99")


def test_sakip_table_csv_xlsx_parquet(renja, tmp_path):
    doc, out = renja
    truth = next(t for t in doc.tables if t.table_code == "T-C.33")
    runner = CliRunner()
    res = runner.invoke(main, ["table", "T-C.33", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == len(truth.rows)
    assert rows[1]["pagu_indikatif_2022"] == "10001375464"  # printed 10.001.375.464,00
    assert rows[1]["pagu_indikatif_maju_2023"] == "14055363080.08"  # printed 14.055.363.080,08
    assert rows[1]["target_2022"] == "98.07"

    res = runner.invoke(main, ["table", "T-C.33", str(out), "--format", "xlsx", "--to", str(tmp_path / "t.xlsx")])
    assert res.exit_code == 0, res.output
    sheet = pd.read_excel(tmp_path / "t.xlsx")
    assert len(sheet) == len(truth.rows)
    assert sheet.loc[1, "pagu_indikatif_2022"] == 10001375464
    assert sheet.loc[1, "uraian"] == rows[1]["uraian"]

    res = runner.invoke(main, ["table", "T-C.33", str(out), "--format", "parquet", "--to", str(tmp_path / "t.parquet")])
    assert res.exit_code == 0, res.output
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.schema.field("pagu_indikatif_2022").type == pa.decimal128(20, 4)
    assert table.column("pagu_indikatif_2022")[1].as_py() == Decimal("10001375464")


def test_sakip_table_fails_in_one_line(renja, tmp_path):
    _, out = renja
    res = CliRunner().invoke(main, ["table", "T-C.99", str(out)])
    assert res.exit_code == 1 and "no T-C.99 table" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(main, ["table", "T-C.33", str(tmp_path / "nowhere")])
    assert res.exit_code == 1 and "has no tables.parquet" in res.output
    res = CliRunner().invoke(main, ["table", "T-C.33", str(out), "--format", "xlsx", "--to", str(tmp_path / "no" / "t.xlsx")])
    assert res.exit_code == 1 and str(tmp_path / "no" / "t.xlsx") in res.output and "Traceback" not in res.output


@pytest.mark.skipif(not (CORPUS / "pdfs" / "000-a.pdf").exists(), reason="needs ../shared/corpus (the rendered Renja 000-a)")
def test_corpus_renja_t_c33_every_figure_as_printed(tmp_path):
    """Corpus 000-a (Renja 2022 Kanigaran as LibreOffice renders it): every pagu of T-C.33 as its ground truth prints it."""
    out = tmp_path / "clean"
    write_outputs([process_file(CORPUS / "pdfs" / "000-a.pdf")], out)
    truth = json.loads((CORPUS / "groundtruth" / "000-T-C.33.json").read_text())["rows"]
    frame = read_table(out, "T-C.33")
    assert len(frame) == len(truth)
    got = list(zip(frame["pagu_indikatif_2022"], frame["pagu_indikatif_maju_2023"]))
    want = [(_value(r["cells"][6]), _value(r["cells"][11])) for r in truth]
    assert [tuple(None if pd.isna(x) else x for x in pair) for pair in got] == want
    assert sum(1 for a, _ in want if a is not None) > 50  # the truth holds figures to compare


def test_the_readme_example_runs_as_written(renja, capsys):
    """The README's 'Load one tidy table' block, run on the fixture's output instead of data/clean."""
    _, out = renja
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Load one tidy table\n\n```python\n(.*?)```", readme, re.S).group(1)
    assert '"data/clean"' in block
    exec(compile(block.replace('"data/clean"', repr(str(out))), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    frame = read_table(out, "T-C.33")
    total = frame.loc[frame["level"] == "program", "pagu_indikatif_2022"].sum()
    assert total > 0 and printed.rstrip().endswith(str(total))
    assert "renja-2022.pdf" in printed  # the programs' rows, their document first


def test_plain_pandas_and_sql_read_the_outputs_without_surprises(renja):
    """Contract v2: nullable integers stay integers in pandas, and no column is named by a SQL reserved word."""
    duckdb = pytest.importorskip("duckdb")
    _, out = renja
    docs = pd.read_parquet(out / "documents.parquet")
    values = pd.read_parquet(out / "values.parquet")
    assert (str(docs["tahun"].dtype), str(docs["n_pages"].dtype), str(values["tahun"].dtype)) == ("Int32", "Int32", "Int32")
    assert docs["tahun"].tolist() == [2022]
    rows = duckdb.sql(f"SELECT column_name, tahun, sum(value) FROM '{out}/values.parquet/*.parquet' "
                      "WHERE table_code = 'T-C.33' AND column_name = 'pagu_indikatif' GROUP BY ALL").fetchall()
    frame = read_table(out, "T-C.33")
    assert rows == [("pagu_indikatif", 2022, frame["pagu_indikatif_2022"].sum())]


REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
RENJA_2019 = REALDOCS / "frisdiandi__portalpp__5f3398c1e91b9_renja-2019.pdf"


@pytest.mark.skipif(not RENJA_2019.exists(), reason="needs ../shared/realdocs (Padang Panjang Bappeda Renja 2019)")
def test_real_renja_2019_t_c33_levels_codes_and_pagu(tmp_path):
    """The issue's example: its T-C.33 (p.27-30) in one call, the perangkat daerah's heading apart from its programs,
    kegiatan with their codes, and the pagu of the plan year and the year after as printed."""
    out = tmp_path / "clean"
    write_outputs([process_file(RENJA_2019)], out)
    frame = read_table(out, "T-C.33")
    head = frame.iloc[0]
    assert (head["level"], head["pagu_indikatif_2019"], head["pagu_indikatif_maju_2020"]) == (
        "perangkat_daerah", Decimal("6166684000"), Decimal("6317908000"))
    first = frame.iloc[1:4]
    assert list(zip(first["kode"], first["level"], first["pagu_indikatif_2019"])) == [
        ("02.01.01", "program", Decimal("1195950000")), ("02.01.01.01", "kegiatan", Decimal("4650000")),
        ("02.01.01.02", "kegiatan", Decimal("51300000"))]  # printed 1,195,950,000 / 4,650,000 / 51,300,000
    assert set(frame["pemda"]) == {"Kota Padang Panjang"} and set(frame["tahun"]) == {2019}
    assert (frame["level"] == "unknown").sum() == 0
    assert first.iloc[1]["lokasi"] == "Padang Panjang" and first.iloc[1]["sumber_dana"] == "APBD"
