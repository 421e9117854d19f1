"""`make bench` section `levels`: row levels and codes, and printed totals, on the real documents.

On a `sakip extract` output of ../shared/realdocs, per document:

- of the rows that print a code (the kode cell, or a code leading the name: digit groups of one to three
  digits, or X placeholders, at least two of them, any scheme or none), the share that got a `kode` and a
  level (anything but `unknown`), and the levels they got;
- for every printed total (a row of level `total`, or a `perangkat_daerah` heading printing the sum of its
  programs) of a money column: the sum of the program rows it covers (the programs above it up to the
  previous total; below a perangkat daerah heading, up to the next heading or total), the difference, and
  whether the audit (`hierarchy_sum`) names the total when it differs.

    .venv/bin/python tests/benchmarks/levels_bench.py OUT_DIR      # an extract of ../shared/realdocs
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from normalize.codes import printed_parts  # noqa: E402
from pipelines.schema import VALUE_COLUMN  # noqa: E402

PLACED = ("perangkat_daerah", "urusan", "bidang_urusan", "program", "kegiatan", "sub_kegiatan", "label", "total")
TOTALS = ("total", "perangkat_daerah")


def prints_code(kode_raw: str | None) -> bool:
    parts = printed_parts(kode_raw) if kode_raw else None
    return parts is not None and len(parts) >= 2


def measure(out: Path, with_audit: bool = True) -> dict:
    """The numbers above for the extract in `out`, per document and in total."""
    import pyarrow.parquet as pq

    tables = {n: pq.read_table(out / f"{n}.parquet") for n in ("documents", "tables", "rows", "values")}
    docs = {d["doc_id"]: Path(d["source_path"]).name for d in tables["documents"].to_pylist()}
    rows = tables["rows"].to_pylist()
    per_doc: dict[str, dict] = defaultdict(lambda: {"coded": 0, "placed": 0, "levels": Counter(), "missed": []})
    for r in rows:
        if prints_code(r["kode_raw"]):
            d = per_doc[r["doc_id"]]
            d["coded"] += 1
            ok = r["kode"] is not None and r["level"] in PLACED
            d["placed"] += ok
            d["levels"][r["level"]] += 1
            if not ok and len(d["missed"]) < 3:
                d["missed"].append(f"{r['table_code']} p.{r['page']} {r['kode_raw']!r} -> {r['level']}, kode {r['kode']}")
    named = _audited_totals(tables) if with_audit else None
    totals = _totals(rows, tables["values"].to_pylist(), named)
    for t in totals:
        per_doc[t["doc_id"]].setdefault("totals", []).append(t)
    documents = [{"file": docs.get(k, k), **v, "levels": dict(v["levels"])} for k, v in sorted(per_doc.items(), key=lambda kv: docs.get(kv[0], ""))]
    coded = sum(d["coded"] for d in documents)
    placed = sum(d["placed"] for d in documents)
    checked = [t for t in totals if t["program_sum"] is not None]
    summary = {
        "documents_with_codes": sum(1 for d in documents if d["coded"]), "coded_rows": coded, "placed_rows": placed,
        "placed_share": placed / coded if coded else None,
        "printed_totals": len(totals), "totals_with_programs": len(checked),
        "totals_equal": sum(1 for t in checked if t["difference"] == 0),
        "totals_differ_named_by_audit": sum(1 for t in checked if t["difference"] != 0 and t["audit_names_it"]),
        "totals_differ_unnamed": sum(1 for t in checked if t["difference"] != 0 and t["audit_names_it"] is False),
    }
    return {"documents": documents, "summary": summary}


def _totals(rows: list[dict], values: list[dict], named: set | None) -> list[dict]:
    money: dict[tuple[str, int], list[tuple[str, int | None, Decimal]]] = defaultdict(list)
    for v in values:
        if v["unit"] == "Rp" and v["value"] is not None:
            money[(v["table_id"], v["row_no"])].append((v[VALUE_COLUMN], v["tahun"], v["value"]))
    by_table: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_table[r["table_id"]].append(r)
    out = []
    for table_id, trs in by_table.items():
        trs.sort(key=lambda r: r["row_no"])
        for i, r in enumerate(trs):
            if r["level"] not in TOTALS or not money.get((table_id, r["row_no"])):
                continue
            if r["level"] == "total":
                start = max((j for j in range(i) if trs[j]["level"] in TOTALS), default=-1) + 1
                scope = trs[start:i]
            else:
                end = next((j for j in range(i + 1, len(trs)) if trs[j]["level"] in TOTALS), len(trs))
                scope = trs[i + 1:end]
            programs = [p for p in scope if p["level"] == "program"]
            for column, tahun, printed in money[(table_id, r["row_no"])]:
                parts = [x for p in programs for c, y, x in money.get((table_id, p["row_no"]), []) if (c, y) == (column, tahun)]
                total = sum(parts, Decimal(0)) if parts else None
                diff = None if total is None else printed - total
                out.append({
                    "doc_id": r["doc_id"], "table_code": r["table_code"], "page": r["page"], "row_no": r["row_no"],
                    "level": r["level"], "item": (r["uraian"] or "")[:60], "column": column, "tahun": tahun,
                    "printed": printed, "program_sum": total, "programs": len(parts), "difference": diff,
                    "audit_names_it": None if named is None or not diff else (table_id, r["row_no"], column) in named,
                })
    return out


def _audited_totals(tables: dict) -> set[tuple[str, int, str]]:
    """(table, row, column) of the cells the audit's hierarchy_sum findings check."""
    from pipelines.audit import audit

    found = audit(tables["documents"], tables["tables"], tables["rows"], tables["values"])
    return {(c.table_id, c.row_no, c.column) for f in found if f.check == "hierarchy_sum" for c in f.cells if c.role == "checked"}


def print_report(res: dict) -> None:
    for d in res["documents"]:
        if not d["coded"] and not d.get("totals"):
            continue
        share = f"{d['placed'] / d['coded']:.1%}" if d["coded"] else "n/a"
        print(f"{d['file'][:60]:60s} code rows {d['coded']:4d}, kode+level {d['placed']:4d} ({share})  "
              + ", ".join(f"{k} {v}" for k, v in sorted(d["levels"].items())))
        for m in d["missed"]:
            print(f"{'':62s}missed: {m}")
        for t in d.get("totals", []):
            if t["program_sum"] is None:
                state = "no program rows under it"
            elif t["difference"] == 0:
                state = f"= sum of {t['programs']} programs"
            else:
                state = (f"sum of {t['programs']} programs {t['program_sum']:,.0f}, difference {t['difference']:,.0f}; "
                         f"audit {'names it' if t['audit_names_it'] else 'does NOT name it' if t['audit_names_it'] is False else 'not run'}")
            print(f"{'':62s}{t['level']} {t['table_code']} p.{t['page']} {t['item'][:30]!r} {t['column']} {t['tahun']}: "
                  f"printed {t['printed']:,.0f}; {state}")
    print("\n".join(summary_lines(res)))


def summary_lines(res: dict) -> list[str]:
    s = res["summary"]
    share = f"{s['placed_share']:.1%}" if s["placed_share"] is not None else "n/a"
    return [f"levels: {s['coded_rows']} rows printing a code in {s['documents_with_codes']} real documents, "
            f"{s['placed_rows']} with kode and level ({share}, target >= 98%)",
            f"printed totals (money columns): {s['printed_totals']}; with program rows under them {s['totals_with_programs']}: "
            f"{s['totals_equal']} equal the sum of their programs, {s['totals_differ_named_by_audit']} differ and the audit "
            f"names them, {s['totals_differ_unnamed']} differ unnamed"]


if __name__ == "__main__":
    print_report(measure(Path(sys.argv[1])))
