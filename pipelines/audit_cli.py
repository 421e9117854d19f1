"""`sakip audit`: a thin layer over `pipelines.audit` (the checks) and `pipelines.audit_report` (the HTML).

    sakip audit data/clean --report data/clean/audit.html
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from .audit import SEVERITIES, audit, load_outputs, write_findings


@click.command()
@click.argument("folder", required=False, default=Path("data/clean"), type=click.Path(path_type=Path, file_okay=False))
@click.option("--report", "report", default=None, type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the HTML report (self-contained, with page images) to this file.")
@click.option("--out", "out_dir", default=None, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for findings.parquet (default: FOLDER, next to the other outputs).")
@click.option("--pdf-root", "pdf_root", default=None, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="For --report: where to look for a source PDF no longer at its extracted path (by file name, "
                   "in DIR and its subfolders, the one with the document's sha256).")
def audit_command(folder: Path, report: Path | None, out_dir: Path | None, pdf_root: Path | None) -> None:
    """Check the tables extracted into FOLDER (default data/clean) for figures that contradict each other.

    Sums of kegiatan and sub kegiatan against their program and kegiatan, T-C.31 against T-C.33,
    the printed formulas (8 = (7/6) ...), malformed numbers and rows repeated across a page break;
    across the documents of one perangkat daerah, the Renja's T-C.33 against the Renstra's T-C.27
    and the LKjIP's anggaran and targets against the Renja of its year.
    Writes findings.parquet (one row per finding) and, with --report, an HTML report that shows
    each finding on a crop of its PDF page, ranked within a severity: a table's own sums and formulas
    first, then table against table, then document against document, each by the size of the difference
    relative to the expected figure. A source PDF that is not found gets a warning line and no images.
    Exits 0 whatever it finds; 1 when FOLDER has no outputs.

    \b
    Examples:
      sakip audit data/clean --report data/clean/audit.html
      sakip audit /tmp/out --out /tmp/audit --report /tmp/audit/audit.html
      sakip audit data/clean --report audit.html --pdf-root /mnt/archive/pdfs
    """
    try:
        outputs = load_outputs(folder)
    except FileNotFoundError as ex:
        click.echo(str(ex), err=True)
        sys.exit(1)
    findings = audit(outputs["documents"], outputs["tables"], outputs["rows"], outputs["values"])
    path = write_findings(findings, out_dir or folder)
    counts = Counter(f.severity for f in findings)
    n_docs = len({f.doc_id for f in findings})
    click.echo(f"{len(findings)} findings in {n_docs} documents: " + ", ".join(f"{counts[s]} {s}" for s in SEVERITIES))
    by_check = Counter((f.check, f.severity) for f in findings if f.severity in ("error", "warning", "rounding"))
    if by_check:
        click.echo("  " + ", ".join(f"{c} {s} {n}" for (c, s), n in sorted(by_check.items())))
    click.echo(f"findings: {path}")
    if report is not None:
        from .audit_report import write_report

        records = [f.record() for f in findings]
        write_report(records, outputs["documents"], outputs["tables"], outputs["rows"], outputs["values"], report,
                     pdf_root=pdf_root, warn=lambda line: click.echo(line, err=True))
        click.echo(f"report: {report}")
