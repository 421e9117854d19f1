"""Differential check against the peers: every ruled table pdfplumber (or camelot lattice) reads on a
page must be in our tables of that page, with no labels needed.

For each page of each PDF where a peer finds a ruled table of at least 3 rows and 3 columns, each peer
row with two filled cells or more is looked for among our rows of that page (and the header and title
of our tables there): the row is *kept* when each of its cells is inside a different cell of one of our
rows. A cell text that is nowhere in our tables of the page is *missing*. A page where we keep fewer of
the peer's rows than we should is listed as a disagreement: it is our bug or an explained peer mistake.

    .venv/bin/python tests/benchmarks/peer_diff.py OUT_DIR PDF_DIR [--peer camelot-lattice] [--only SUBSTR]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").lower()


@dataclass
class PageDiff:
    doc: str
    page: int
    peer_rows: int = 0
    kept: int = 0
    cells: int = 0
    missing: int = 0
    our_tables: int = 0
    examples: list[str] = field(default_factory=list)


def load_output(out: Path) -> tuple[list[dict], dict, dict]:
    import pyarrow.dataset as ds

    def load(name: str) -> list[dict]:
        for cand in (out / f"{name}.parquet", out / name):
            if cand.exists():
                return ds.dataset(str(cand)).to_table().to_pylist()
        return []

    docs = load("documents")
    tables_by_doc: dict[str, list[dict]] = collections.defaultdict(list)
    for t in load("tables"):
        tables_by_doc[t["doc_id"]].append(t)
    rows_by_table: dict[str, list[dict]] = collections.defaultdict(list)
    for r in load("rows"):
        rows_by_table[r["table_id"]].append(r)
    return docs, tables_by_doc, rows_by_table


def peer_tables(system: str, pdf_path: Path, page) -> list[list[list[str]]]:
    """The peer's tables of one page (pdfplumber: a pdfplumber page object; camelot: the page number)."""
    if system == "pdfplumber":
        try:
            return [[[c or "" for c in row] for row in t] for t in page.extract_tables()]
        except Exception:  # a peer failing on a page is no disagreement of ours
            return []
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return [t.df.values.tolist() for t in camelot.read_pdf(str(pdf_path), pages=str(page), flavor="lattice")]
        except Exception:
            return []


def our_rows(tables: list[dict], rows_by_table: dict, page: int) -> list[list[str]]:
    """Our rows printed on `page` (a row starting on the page before may end on it) plus each table's
    header and title as one more row."""
    out = []
    for t in tables:
        if not t["page_start"] <= page <= t["page_end"]:
            continue
        for r in rows_by_table[t["table_id"]]:
            if r["page"] in (page, page - 1):
                out.append([squash(c) for c in r["cells"]])
        out.append([squash(h) for h in (t["header"] or [])] + [squash(t["title"])])
    return out


def row_kept(cells: list[str], rows: list[list[str]]) -> bool:
    for row in rows:
        used: set[int] = set()
        for c in cells:
            k = next((k for k, o in enumerate(row) if k not in used and c in o), None)
            if k is None:
                break
            used.add(k)
        else:
            return True
    return False


def diff_document(pdf_path: Path, doc: dict, tables: list[dict], rows_by_table: dict, system: str) -> list[PageDiff]:
    import pdfplumber

    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            if not (page.lines or page.rects):
                continue  # no rule on the page: no ruled table for a lattice peer
            found = peer_tables(system, pdf_path, page if system == "pdfplumber" else number)
            found = [t for t in found if len(t) >= 3 and max(len(r) for r in t) >= 3]
            if not found:
                continue
            ours = our_rows(tables, rows_by_table, number)
            text = "|".join("|".join(r) for r in ours)
            d = PageDiff(os.path.basename(pdf_path), number, our_tables=sum(
                1 for t in tables if t["page_start"] <= number <= t["page_end"]))
            for t in found:
                for row in t:
                    cells = [squash(c) for c in row if squash(c)]
                    if len(cells) < 2:
                        continue
                    d.peer_rows += 1
                    d.cells += len(cells)
                    d.missing += sum(1 for c in cells if c not in text)
                    if row_kept(cells, ours):
                        d.kept += 1
                    elif len(d.examples) < 2:
                        d.examples.append(" | ".join(c[:24] for c in cells[:6]))
            out.append(d)
    return out


def run(out: Path, pdf_dir: Path, system: str = "pdfplumber", only: str | None = None) -> list[PageDiff]:
    docs, tables_by_doc, rows_by_table = load_output(out)
    result = []
    for doc in sorted(docs, key=lambda d: d["source_path"]):
        name = os.path.basename(doc["source_path"])
        if (only and only not in name) or doc["status"] not in ("ok", "no_tables"):
            continue
        pdf_path = pdf_dir / name
        if pdf_path.exists():
            result.extend(diff_document(pdf_path, doc, tables_by_doc[doc["doc_id"]], rows_by_table, system))
    return result


def summary(diffs: list[PageDiff]) -> dict:
    rows = sum(d.peer_rows for d in diffs)
    cells = sum(d.cells for d in diffs)
    return {
        "pages": len(diffs), "peer_rows": rows, "rows_kept": sum(d.kept for d in diffs),
        "rows_kept_share": sum(d.kept for d in diffs) / rows if rows else None,
        "cells": cells, "cell_text_found_share": 1 - sum(d.missing for d in diffs) / cells if cells else None,
        "pages_disagreeing": sum(1 for d in diffs if d.kept < d.peer_rows),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the output folder of `sakip extract` on the PDFs")
    ap.add_argument("pdfs", type=Path, help="the folder of the PDFs")
    ap.add_argument("--peer", default="pdfplumber", choices=["pdfplumber", "camelot-lattice"])
    ap.add_argument("--only", help="only documents whose name holds this text")
    ap.add_argument("--show", type=int, default=40, help="disagreeing pages to print (worst first)")
    args = ap.parse_args(argv)
    diffs = run(args.out, args.pdfs, args.peer, args.only)
    worst = sorted((d for d in diffs if d.kept < d.peer_rows), key=lambda d: d.kept - d.peer_rows)
    for d in worst[: args.show]:
        print(f"{d.doc[:60]:60s} p.{d.page:<4d} peer rows {d.peer_rows:4d} kept {d.kept:4d} missing cells "
              f"{d.missing:3d}/{d.cells:<4d} our tables {d.our_tables}  e.g. {' // '.join(d.examples)[:150]}")
    s = summary(diffs)
    print(f"{args.peer}: {s['pages']} pages with a ruled table, {s['peer_rows']} rows, kept "
          f"{s['rows_kept_share'] or 0:.1%}; cell texts found {s['cell_text_found_share'] or 0:.1%}; "
          f"{s['pages_disagreeing']} pages disagree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
