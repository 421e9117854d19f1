"""The audit report's order and its source PDFs, specified on the Renja 2022 of Kecamatan Kanigaran.

Within a severity, a table's own arithmetic comes before one table against another, before one document
against another; then the largest difference relative to the expected figure first. A PDF moved since
extraction is found again with `--pdf-root DIR`; one that is not found is a warning line, once per document.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal as D

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.audit_report import difference_size, locate_pdf, rank_key
from pipelines.cli import main
from pipelines.run import process_file
from pipelines.writers import write_outputs
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

PDF_NAME = "renja-2022-kanigaran.pdf"


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """The seed's T-C.31 and T-C.33 (ruled layout) extracted from src/, then the PDF moved to archive/2022/
    (as when data/clean is copied to another machine): the outputs, their document, and the path they name."""
    out = tmp_path_factory.mktemp("report")
    doc = build_document(load_spec(), LAYOUTS["ruled"], out / "src" / PDF_NAME, tables=["T-C.31", "T-C.33"])
    write_outputs([process_file(doc.path)], out / "clean")
    (out / "archive" / "2022").mkdir(parents=True)
    doc.path.rename(out / "archive" / "2022" / PDF_NAME)
    (document,) = pq.read_table(out / "clean" / "documents.parquet").to_pylist()
    assert document["source_path"] == str(out / "src" / PDF_NAME)
    return out, document


def _articles(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<article class="finding[^"]*" id="f-([^"]+)"[^>]*data-severity="([a-z]+)"', html)


# The seed's errors, each with the figures of the seed text (see tests/test_audit.py's SEED_ERRORS), in the
# order the report gives them: |actual - expected| / expected, largest first, sums within a table before
# T-C.31 against T-C.33.
RANKED_ERRORS = [
    ("hierarchy_sum", 44, D(14993246294), D(5212534525)),   # 1.876
    ("hierarchy_sum", 32, D(63654000), D(636702000)),       # 0.9000
    ("hierarchy_sum", 40, D(199668000), D(1973449400)),     # 0.8988
    ("hierarchy_sum", 45, D(816934525), D(550000000)),      # 0.4853
    ("cross_table", 32, D(63654000), D(636702000)),         # 0.9000
    ("cross_table", 40, D(199668000), D(1973449400)),       # 0.8988
    ("cross_table", 56, D(199668000), D(338168000)),        # 0.4096
    ("cross_table", 57, D(199668000), D(338168000)),        # 0.4096, the next row
    ("cross_table", 58, D(199668000), D(338168000)),        # 0.4096
    ("cross_table", 29, D(1069713200), D(1642761200)),      # 0.3488
]


def test_the_report_ranks_findings_and_warns_once_when_the_pdf_is_missing(moved, tmp_path):
    (out, doc), folder = moved, tmp_path / "clean"
    shutil.copytree(out / "clean", folder)
    res = CliRunner().invoke(main, ["audit", str(folder), "--report", str(folder / "audit.html")])
    assert res.exit_code == 0, res.output
    warnings = [line for line in res.output.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {PDF_NAME} (doc_id {doc['doc_id']}): source PDF not found at {doc['source_path']} "
                        f"(--pdf-root DIR looks for {PDF_NAME} under DIR); its findings are shown without page images"]
    findings = {f["finding_id"]: f for f in pq.read_table(folder / "findings.parquet").to_pylist()}
    shown = _articles((folder / "audit.html").read_text())
    assert sorted(i for i, _ in shown) == sorted(findings)
    severities = [s for _, s in shown]
    assert severities == sorted(severities, key=["error", "rounding", "warning", "info"].index)
    errors = [findings[i] for i, s in shown if s == "error"]
    assert [(f["check"], f["row_nos"][0], f["actual"], f["expected"]) for f in errors] == RANKED_ERRORS
    # the whole report, not just the errors, is in rank order
    assert [i for i, _ in shown] == [f["finding_id"] for f in sorted(findings.values(), key=rank_key)]


def test_pdf_root_finds_the_moved_pdf_and_the_report_shows_its_pages(moved, tmp_path):
    (out, doc), folder = moved, tmp_path / "clean"
    shutil.copytree(out / "clean", folder)
    res = CliRunner().invoke(main, ["audit", str(folder), "--report", str(folder / "audit.html"),
                                    "--pdf-root", str(out / "archive")])
    assert res.exit_code == 0, res.output
    assert "warning:" not in res.output
    html = (folder / "audit.html").read_text()
    assert "source PDF not found" not in html
    assert len(re.findall(rf"<figcaption>{re.escape(PDF_NAME)}, page \d+: ", html)) >= len(_articles(html))


def test_a_file_of_the_same_name_with_other_content_is_not_taken(moved, tmp_path):
    (out, document), gone = moved, moved[1]["source_path"]
    # another document of the same name sorts first, straight under the root; the right one is in a subfolder
    (tmp_path / "archive" / "b").mkdir(parents=True)
    (tmp_path / "archive" / PDF_NAME).write_bytes(b"%PDF-1.4 another document\n")
    right = tmp_path / "archive" / "b" / PDF_NAME
    shutil.copy(out / "archive" / "2022" / PDF_NAME, right)
    assert locate_pdf(document, tmp_path / "archive") == (str(right), "")  # the one with the document's sha256
    right.unlink()
    assert locate_pdf(document, tmp_path / "archive") == (
        None, f"source PDF not found at {gone}; 1 file(s) named {PDF_NAME} under {tmp_path / 'archive'}, "
              "none with the document's content (sha256)")
    assert locate_pdf(document, tmp_path / "elsewhere")[1] == f"source PDF not found at {gone} nor under {tmp_path / 'elsewhere'}"


def _finding(severity, check, expected, actual, page=1):
    difference = None if expected is None or actual is None else actual - expected
    return {"severity": severity, "check": check, "expected": expected, "actual": actual, "difference": difference,
            "pages": [page], "row_nos": [1]}


def test_within_a_severity_scope_comes_first_then_the_relative_difference():
    findings = {
        "pagu 1.000 off of 500 million": _finding("error", "hierarchy_sum", D(500_000_000), D(500_001_000)),
        "capaian 30 points off of 100": _finding("error", "formula", D(100), D(70)),
        "printed 5 where nothing was expected": _finding("error", "hierarchy_sum", D(0), D(5)),
        "malformed, no difference": _finding("error", "malformed_number", None, None),
        "Renja against Renstra, half off": _finding("error", "cross_document", D(200), D(100)),
        "T-C.31 against T-C.33, a tenth off": _finding("error", "cross_table", D(1000), D(900)),
        "a warning twice off": _finding("warning", "hierarchy_sum", D(10), D(30)),
    }
    assert difference_size(findings["capaian 30 points off of 100"]) == (D("0.3"), D(30))
    assert difference_size(findings["printed 5 where nothing was expected"]) == (D("Infinity"), D(5))
    assert difference_size(findings["malformed, no difference"]) is None
    assert sorted(findings, key=lambda k: rank_key(findings[k])) == [
        "printed 5 where nothing was expected",
        "capaian 30 points off of 100",
        "pagu 1.000 off of 500 million",
        "malformed, no difference",
        "T-C.31 against T-C.33, a tenth off",
        "Renja against Renstra, half off",
        "a warning twice off",
    ]
