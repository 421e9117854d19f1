"""The output contract (v2), declared once: Arrow schemas with a description of every column.

Used three ways: to build and validate what the writers write, to generate the data dictionary
(`sakip schema` / docs/DATA_DICTIONARY.md), and in tests. Each schema carries pandas metadata naming
its nullable integer columns Int32, so `pandas.read_parquet` keeps them integers (`tahun`, `n_pages`).
"""

from __future__ import annotations

import json

import pyarrow as pa

SCHEMA_VERSION = "2"
# What changed, newest first: shown at the top of the data dictionary.
CHANGES = (
    ("2", "values.column and findings.column (and findings.cells[].column) are now column_name: `column` is a "
          "reserved word in SQL. Nullable integer columns (documents.n_pages, documents.tahun, values.tahun ...) "
          "read as pandas Int32, no longer float64. rows.level may be perangkat_daerah (a heading naming the "
          "perangkat daerah, often printing the sum of its programs)."),
    ("1", "First contract."),
)
VALUE_TYPE = pa.decimal128(20, 4)
VALUE_COLUMN = "column_name"  # the values dataset's column naming the canonical column of each value


def _f(name: str, typ: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, typ, nullable=nullable, metadata={"description": doc})


DOCUMENTS = pa.schema([
    _f("doc_id", pa.string(), "First 16 hex digits of the file's sha256; joins every other file.", False),
    _f("source_path", pa.string(), "Path of the input file as given to `sakip extract`.", False),
    _f("sha256", pa.string(), "sha256 of the file's bytes (null when the file could not be read).")
    , _f("n_pages", pa.int32(), "Number of pages (null when the file could not be opened); an Excel file: its visible sheets."),
    _f("doc_type", pa.string(), "renja, renstra, lkjip or unknown, from the title pages and the tables found."),
    _f("perangkat_daerah", pa.string(), "The perangkat daerah (OPD) named on the title pages, as printed."),
    _f("pemda", pa.string(), "The pemerintah daerah (provinsi, kabupaten or kota) named on the title pages."),
    _f("tahun", pa.int32(), "The document's year (Renja: plan year; Renstra: first year of the period)."),
    _f("status", pa.string(), "ok, no_tables, needs_ocr or failed.", False),
    _f("message", pa.string(), "Why the status is not ok, in plain words; null when ok."),
    _f("n_tables", pa.int32(), "Number of logical tables extracted.", False),
    _f("extractor_version", pa.string(), "Version of sakip-tables that produced this row.", False),
    _f("nomenclature_version", pa.string(), "Version of the nomenclature most of the document's matched rows were matched against: the installed version the document's year picks (builtin-2027 when none is installed); a row matched by a printed code of another installed version names that one in rows.nomenclature_version."),
])

TABLES = pa.schema([
    _f("table_id", pa.string(), "doc_id + '-t' + the table's order in the document (t01, t02, ...).", False),
    _f("doc_id", pa.string(), "The document.", False),
    _f("table_code", pa.string(), "T-C.29, T-C.31, T-C.33 (identified by caption, title or header); another printed T-C code; or 'other'.", False),
    _f("identified_by", pa.string(), "How the code was decided: caption, title, header or none."),
    _f("title", pa.string(), "The caption and title lines as printed above the table (null if none)."),
    _f("page_start", pa.int32(), "First page (1-based) of the table.", False),
    _f("page_end", pa.int32(), "Last page (1-based) of the table.", False),
    _f("n_rows", pa.int32(), "Number of data rows (headers removed, split rows joined).", False),
    _f("columns", pa.list_(pa.string()), "Canonical column names, one per printed column, in printed order.", False),
    _f("header", pa.list_(pa.string()), "The printed header text above each column (levels joined with ' / ').", False),
    _f("column_numbers", pa.list_(pa.string()), "The printed column-number row per column, e.g. '8 = (7/6)' ('' if none)."),
    _f("ruled", pa.bool_(), "True when the table is drawn with rulings; False when cells were found from white space."),
    _f("flags", pa.list_(pa.string()), "header_removed (repeated headers dropped), split_row_joined (a row split by a page break was rejoined)."),
    _f("number_locale", pa.string(), "id (1.234,56) or us (1,234.56): how numbers of this table were read."),
    _f("words_lost", pa.int32(), "Quality: words printed inside the table's frame that are in no cell, header or title (0 on a table read whole)."),
    _f("numbers_unread", pa.int32(), "Quality: cells of value columns holding digits that were read as text, neither a number nor a flagged parse status (values.parse_status)."),
    _f("cells_without_header", pa.int32(), "Quality: cells with text under a column that has no header, in a table that prints one (rows that do not fit the header's columns)."),
])

ROWS = pa.schema([
    _f("table_id", pa.string(), "The table.", False),
    _f("doc_id", pa.string(), "The document.", False),
    _f("table_code", pa.string(), "The table's code (see tables.table_code).", False),
    _f("row_no", pa.int32(), "Order of the row in the logical table, from 1.", False),
    _f("page", pa.int32(), "Page (1-based) where the row starts. A Word file: the page Word recorded when it last laid the document out (else counted from its page breaks); an Excel file: the sheet's number in the workbook (see location).", False),
    _f("level", pa.string(), "perangkat_daerah (a heading naming the OPD, or its Permendagri 13/2006 organisation code), "
       "urusan, bidang_urusan, program, kegiatan, sub_kegiatan, indikator, label (another heading), total or unknown; "
       "from the printed code (a code of no national scheme: its depth in the table), else from the row's words.", False),
    _f("kode_raw", pa.string(), "The code as printed (kode column, or a code leading the name)."),
    _f("kode", pa.string(), "The code in one dotted form, e.g. 7.01.02.2.01.0002 (a code of no national scheme, e.g. "
       "'02 01 01 01', with its parts as printed: 02.01.01.01); null when none or not a code."),
    _f("uraian_raw", pa.string(), "The item name as printed, rejoined across a page break."),
    _f("uraian", pa.string(), "The item name cleaned of layout noise."),
    _f("indikator", pa.string(), "The performance indicator printed with the item."),
    _f("cells", pa.list_(pa.string()), "Every printed cell of the row, one per column of tables.columns, as printed ('' when empty).", False),
    _f("bold", pa.bool_(), "The row is printed bold (documents often bold program and kegiatan rows)."),
    _f("flags", pa.list_(pa.string()), "split_row_joined (split by a page break and rejoined); level_from_nomenclature (level taken from the matched entry); filled_down (see filled)."),
    _f("filled", pa.map_(pa.string(), pa.string()), "Texts printed once for a group of rows (a vertical merge: tujuan, sasaran, program) and carried down to this row, by canonical column; cells keep the row as printed (empty there)."),
    _f("nomenclature_code", pa.string(), "Code of the matched Kepmendagri 050-3708 entry (program, kegiatan, sub kegiatan); null when unmatched."),
    _f("nomenclature_name", pa.string(), "Official name of the matched entry."),
    _f("nomenclature_version", pa.string(), "Nomenclature version this row was matched against."),
    _f("match_score", pa.float64(), "0-100: how close the printed name is to the official one (100 for an agreeing printed code)."),
    _f("match_method", pa.string(), "code (printed code, name agrees), exact (same name after normalising) or fuzzy."),
    _f("match_status", pa.string(), "matched, ambiguous (two entries too close, or a code whose name disagrees) or unmatched."),
    _f("lokasi_unit", pa.string(), "Location suffix stripped from the name before matching, e.g. 'Kelurahan Curahgrinting'."),
    _f("location", pa.string(), "Where a Word or Excel file holds the row: 'table 7, row 12' (the 7th table of the document, its 12th row) or 'Sheet TC 27!A12' (sheet, first cell); null for a PDF."),
])

VALUES = pa.schema([
    _f("table_id", pa.string(), "The table.", False),
    _f("doc_id", pa.string(), "The document.", False),
    _f("table_code", pa.string(), "The table's code.", False),
    _f("row_no", pa.int32(), "The row (rows.row_no).", False),
    _f("column_name", pa.string(), "Canonical column, e.g. target, realisasi, tingkat_realisasi, pagu_indikatif, analisis_kebutuhan_dana.", False),
    _f("tahun", pa.int32(), "The year the column refers to, from the header (or the caption); null when not printed."),
    _f("value", VALUE_TYPE, "The number, exact (decimal128(20,4)); null when empty, text or malformed."),
    _f("unit", pa.string(), "Rp, %, or the printed satuan of the value (e.g. Dokumen, Persentase)."),
    _f("value_raw", pa.string(), "The cell exactly as printed.", False),
    _f("parse_status", pa.string(), "ok, empty, dash (a '-' read as 0), repaired (read with a rule, see note), malformed (value withheld), text.", False),
    _f("parse_note", pa.string(), "Which rule repaired the number, or why it is malformed."),
    _f("candidates", pa.list_(VALUE_TYPE), "For a malformed number: the values it may have meant, for the audit to confirm by sums."),
    _f("source", pa.string(), "text (read from the PDF's text layer) or ocr (read by OCR from a scanned page: check it, see ocr_confidence).", False),
    _f("ocr_confidence", pa.float64(), "For source ocr: Tesseract's confidence (0-100) in the least sure word of the cell; null for text and for empty cells."),
])

def _pandas_types(schema: pa.Schema) -> pa.Schema:
    """`schema` with pandas metadata that makes its nullable integer columns Int32 (not float64) in pandas."""
    ints = [f.name for f in schema if pa.types.is_integer(f.type) and f.nullable]
    meta = {"index_columns": [], "column_indexes": [], "creator": {"library": "sakip-tables"}, "columns": [
        {"name": n, "field_name": n, "pandas_type": "int32", "numpy_type": "Int32", "metadata": None} for n in ints]}
    return schema.with_metadata({**(schema.metadata or {}), b"pandas": json.dumps(meta).encode()})


DOCUMENTS, TABLES, ROWS, VALUES = (_pandas_types(s) for s in (DOCUMENTS, TABLES, ROWS, VALUES))
SCHEMAS: dict[str, pa.Schema] = {"documents": DOCUMENTS, "tables": TABLES, "rows": ROWS, "values": VALUES}

# Written by `sakip audit` (pipelines/audit.py) next to the extract outputs, not by `sakip extract`.
FINDINGS = pa.schema([
    _f("finding_id", pa.string(), "Stable id of the finding: first 8 hex of doc_id, '-', 8 hex of a hash of the check and the cells it rests on.", False),
    _f("doc_id", pa.string(), "The document the finding is in.", False),
    _f("other_doc_id", pa.string(), "The other document of a check across documents (cross_document: the Renstra a Renja is checked against, the Renja an LKjIP is checked against); null for checks within one document."),
    _f("check", pa.string(), "hierarchy_sum, cross_table, cross_document, change, formula, malformed_number, duplicate_row or ocr_value.", False),
    _f("severity", pa.string(), "error (more than rounding apart), rounding (within half a unit of the printed precision per rounded term), warning (suspicious or ambiguous), info.", False),
    _f("table_code", pa.string(), "The table(s) the finding is about, e.g. 'T-C.33' or 'T-C.31 / T-C.33'.", False),
    _f("row_nos", pa.list_(pa.int32()), "Rows involved (rows.row_no), the checked row first; for two tables, the first table's row then the second's (across documents: this document's, then the other's).", False),
    _f("pages", pa.list_(pa.int32()), "Pages (1-based) of the rows involved; across documents, this document's page then the other document's.", False),
    _f("item", pa.string(), "The item checked: its code and name as printed (null for a finding about a whole column)."),
    _f("column_name", pa.string(), "The canonical column checked, e.g. pagu_indikatif; 'analisis_kebutuhan_dana / pagu_indikatif' across tables, 'pagu_indikatif / pagu_1' across documents."),
    _f("tahun", pa.int32(), "The year of the column checked."),
    _f("expected", VALUE_TYPE, "What the other figures say it should be: the sum of the children, the other table's or document's value (in rupiah when that table is printed in thousands), the formula's result, the confirmed reading of a malformed number."),
    _f("actual", VALUE_TYPE, "The printed value checked (null for a malformed number, whose value is withheld)."),
    _f("difference", VALUE_TYPE, "actual - expected."),
    _f("message", pa.string(), "One English sentence with the numbers, as an auditor would write it.", False),
    _f("cells", pa.list_(pa.struct([
        pa.field("table_id", pa.string()), pa.field("row_no", pa.int32()), pa.field("column_name", pa.string()),
        pa.field("role", pa.string()),
    ])), "The printed cells the finding rests on (role 'checked': the figure found wrong; 'part': a figure it was compared with); joins rows and values.", False),
])

FINDINGS = _pandas_types(FINDINGS)
AUDIT_SCHEMAS: dict[str, pa.Schema] = {"findings": FINDINGS}


def data_dictionary() -> str:
    """The data dictionary as Markdown, generated from the schemas above."""
    out = ["# Data dictionary (output contract v%s)" % SCHEMA_VERSION, "", "Changes:", ""]
    out += [f"- v{version}: {note}" for version, note in CHANGES] + [""]
    for name, schema in {**SCHEMAS, **AUDIT_SCHEMAS}.items():
        out += [f"## `{name}.parquet`", "", "| column | type | meaning |", "|---|---|---|"]
        for f in schema:
            doc = (f.metadata or {}).get(b"description", b"").decode()
            out.append(f"| `{f.name}` | `{f.type}`{'' if f.nullable else ' not null'} | {doc} |")
        out.append("")
    return "\n".join(out)
