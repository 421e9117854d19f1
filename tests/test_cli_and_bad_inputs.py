"""The `sakip` command end to end: every input file is accounted for, bad files get a status and a plain
message, one bad file never stops the batch, and the Parquet outputs follow the declared schema."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.schema import SCHEMAS, data_dictionary
from tests.fixtures.builder import LAYOUTS, build_document, load_spec


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("raw")
    build_document(load_spec(), LAYOUTS["ruled"], d / "renja.pdf", tables=["T-C.33"], max_rows=12)
    good = (d / "renja.pdf").read_bytes()
    (d / "empty.pdf").write_bytes(b"")
    (d / "notes.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (d / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (d / "copy-of-renja.pdf").write_bytes(good)
    (d / "sub").mkdir()
    (d / "sub" / "garbage.pdf").write_bytes(b"%PDF-1.4\n%%garbage that is not a pdf body\n")
    return d


def test_extract_accounts_for_every_file(inbox, tmp_path):
    out = tmp_path / "clean"
    res = CliRunner().invoke(main, ["extract", str(inbox), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "6 files: 1 ok, 0 no tables, 0 need OCR, 4 failed, 1 duplicates" in res.output
    docs = {Path(r["source_path"]).name: r for r in pq.read_table(out / "documents.parquet").to_pylist()}
    assert set(docs) == {"renja.pdf", "empty.pdf", "notes.docx", "truncated.pdf", "copy-of-renja.pdf", "garbage.pdf"}
    # inputs are taken in sorted order: the copy comes first, the second file with the same bytes is the duplicate
    assert docs["copy-of-renja.pdf"]["status"] == "ok" and docs["copy-of-renja.pdf"]["n_tables"] == 1
    assert docs["renja.pdf"]["status"] == "duplicate"
    assert docs["renja.pdf"]["message"].startswith("same content as ") and "copy-of-renja.pdf" in docs["renja.pdf"]["message"]
    assert docs["empty.pdf"]["message"] == "the file is empty (0 bytes)"
    assert "Word .docx" in docs["notes.docx"]["message"]
    assert docs["truncated.pdf"]["status"] == "failed" and "damaged or truncated" in docs["truncated.pdf"]["message"]
    assert docs["garbage.pdf"]["status"] == "failed"
    assert "Traceback" not in res.output


def test_outputs_follow_the_schema_and_carry_provenance(inbox, tmp_path):
    out = tmp_path / "clean"
    CliRunner().invoke(main, ["extract", str(inbox / "renja.pdf"), "--out", str(out), "--no-progress"])
    for name, schema in SCHEMAS.items():
        table = pq.read_table(out / f"{name}.parquet")
        assert table.schema.remove_metadata().equals(schema.remove_metadata()), name
    rows = pq.read_table(out / "rows.parquet").to_pylist()
    values = pq.read_table(out / "values.parquet").to_pylist()
    tables = pq.read_table(out / "tables.parquet").to_pylist()
    assert [t["table_code"] for t in tables] == ["T-C.33"]
    assert all(r["page"] >= tables[0]["page_start"] for r in rows)
    pagu = [v for v in values if v["row_no"] == 2 and v["column_name"] == "pagu_indikatif"]
    assert pagu[0]["value"] == Decimal("10001375464.0000") and pagu[0]["value_raw"] == "10.001.375.464,00"


def test_a_rerun_replaces_the_output_atomically(inbox, tmp_path):
    out = tmp_path / "clean"
    runner = CliRunner()
    runner.invoke(main, ["extract", str(inbox / "renja.pdf"), "--out", str(out), "--no-progress"])
    runner.invoke(main, ["extract", str(inbox / "empty.pdf"), "--out", str(out), "--no-progress"])
    assert sorted(p.name for p in out.iterdir()) == ["_manifest.json", "documents.parquet", "rows.parquet", "tables.parquet",
                                                    "values.parquet"]  # the manifest of the finished run: see writers.py
    assert pq.read_table(out / "documents.parquet").num_rows == 1


def test_exit_code_is_1_when_every_file_failed(inbox, tmp_path):
    res = CliRunner().invoke(main, ["extract", str(inbox / "empty.pdf"), "--out", str(tmp_path), "--no-progress"])
    assert res.exit_code == 1
    assert "empty.pdf: failed: the file is empty (0 bytes)" in res.output


def test_inspect_lists_tables_with_pages_and_rows(inbox):
    res = CliRunner().invoke(main, ["inspect", str(inbox / "renja.pdf")])
    assert res.exit_code == 0, res.output
    assert "T-C.33" in res.output and "12 rows" in res.output


def test_help_and_version():
    runner = CliRunner()
    for cmd in (["--help"], ["extract", "--help"], ["inspect", "--help"]):
        res = runner.invoke(main, cmd)
        assert res.exit_code == 0 and "Example" in res.output
    assert runner.invoke(main, ["--version"]).output.startswith("sakip, version ")


def test_data_dictionary_documents_every_column():
    text = data_dictionary()
    for name, schema in SCHEMAS.items():
        assert f"`{name}.parquet`" in text
        for f in schema:
            assert f"| `{f.name}` |" in text
    readme = (Path(__file__).resolve().parents[1] / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert readme.strip() == text.strip(), "docs/DATA_DICTIONARY.md is stale: run `sakip schema > docs/DATA_DICTIONARY.md`"


def test_inspect_draws_what_the_extractor_saw(inbox, tmp_path):
    png = tmp_path / "page.png"
    doc = build_document(load_spec(), LAYOUTS["unruled"], tmp_path / "unruled.pdf", tables=["T-C.33"], max_rows=12)
    page = doc.tables[0].page_start
    res = CliRunner().invoke(main, ["inspect", str(doc.path), "--page", str(page), "--png", str(png)])
    assert res.exit_code == 0, res.output
    assert f"p.{page} block 1: white space, " in res.output
    from PIL import Image

    with Image.open(png) as im:
        assert im.width > 1000 and im.height > 700
    assert CliRunner().invoke(main, ["inspect", str(doc.path), "--png", str(png)]).exit_code == 2
