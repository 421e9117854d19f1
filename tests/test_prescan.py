"""The pre-scan: only pages that may hold a table get the full layout analysis, and nothing is lost by it."""

from extract import extract_document
from extract.pdf import prescan
from tests.fixtures.builder import LAYOUTS, build_document, load_spec


def test_prose_pages_are_skipped_and_tables_are_the_same(tmp_path):
    doc = build_document(load_spec(), LAYOUTS["unruled"], tmp_path / "renja.pdf", max_rows=15)
    scans = prescan(doc.path)
    table_pages = {p for t in doc.tables for p in range(t.page_start, t.page_end + 1)}
    assert all(scans[p - 1].may_hold_table() for p in table_pages)
    assert not scans[0].may_hold_table() and not scans[-1].may_hold_table()  # title page, closing prose
    fast = extract_document(doc.path)
    full = extract_document(doc.path, skip_prose=False)
    assert fast.analysed_pages < full.analysed_pages == fast.n_pages
    assert [[r.texts for r in t.rows] for t in fast.tables] == [[r.texts for r in t.rows] for t in full.tables]
    assert "KECAMATAN KANIGARAN" in fast.front_text.upper()
