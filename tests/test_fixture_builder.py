"""The fixture builder's PDFs say what its ground truth says (checked with pdfplumber).

Small documents (the first rows of each table) keep this file to a few seconds.
"""

import re

import pdfplumber
import pytest

from tests.fixtures.builder import LAYOUTS, build_document, load_spec

MAX_ROWS = 30


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture(scope="module")
def built(spec, tmp_path_factory):
    """name -> (BuiltDocument, squashed text of each page in content order, /Rotate of each page)."""
    out = tmp_path_factory.mktemp("fixtures")
    docs = {}
    for name in ("ruled", "no_repeat", "rotated"):
        doc = build_document(spec, LAYOUTS[name], out / f"{name}.pdf", max_rows=MAX_ROWS)
        with pdfplumber.open(doc.path) as pdf:
            texts = [squash("".join(c["text"] for c in page.chars)) for page in pdf.pages]
            rotations = [page.rotation for page in pdf.pages]
        docs[name] = (doc, texts, rotations)
    return docs


def test_spec_rows_have_n_cols_cells_and_header_fits(spec):
    assert [t["table_code"] for t in spec["tables"]] == ["T-C.29", "T-C.31", "T-C.33"]
    assert [t["n_cols"] for t in spec["tables"]] == [16, 14, 12]
    assert [len(t["rows"]) for t in spec["tables"]] == [211, 58, 59]
    for table in spec["tables"]:
        n_cols = table["n_cols"]
        assert all(len(row["cells"]) == n_cols for row in table["rows"]), table["table_code"]
        covered = set()
        for h in table["header"]:
            cells = {(h["row"] + r, h["col"] + c) for r in range(h["rowspan"]) for c in range(h["colspan"])}
            assert not cells & covered, h
            covered |= cells
        assert covered == {(r, c) for r in range(table["n_header_rows"]) for c in range(n_cols)}


def test_rows_split_by_the_seed_page_breaks_are_joined(spec):
    t31 = next(t for t in spec["tables"] if t["table_code"] == "T-C.31")
    joined = [row["cells"][1] for row in t31["rows"] if row["split_at_page_break"]]
    assert joined == [
        "Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah",
        "Peningkatan Efektifitas Pelaksanaan Pelayanan kepada Masyarakat di Wilayah Kecamatan (Sub unit Curahgrinting)",
    ]


@pytest.mark.parametrize("name", ["ruled", "no_repeat", "rotated"])
def test_caption_and_rows_are_on_the_recorded_pages(built, name):
    doc, texts, _ = built[name]
    assert doc.n_pages == len(texts)
    for table in doc.tables:
        assert table.n_rows == len(table.rows) == MAX_ROWS
        assert all(len(cells) == table.n_cols for cells in table.rows)
        assert squash(table.caption) in texts[table.page_start - 1]
        pages = "".join(texts[table.page_start - 1 : table.page_end])
        for cells in (table.rows[0], table.rows[-1]):
            first_cell = next(c for c in cells if c)
            assert squash(first_cell) in pages, (table.table_code, first_cell)
        # the last row's end is on page_end, not later
        last_cell = next(c for c in reversed(table.rows[-1]) if c)
        assert squash(last_cell) in texts[table.page_end - 1]


@pytest.mark.parametrize("name", ["ruled", "no_repeat", "rotated"])
def test_header_repeats_on_continuation_pages_only_when_asked(built, name):
    doc, texts, _ = built[name]
    t29 = doc.tables[0]
    assert t29.page_end > t29.page_start, "T-C.29 must continue on a second page for this test"
    header_text = squash(max((h["text"] for h in t29.header), key=len))
    assert header_text in texts[t29.page_start - 1]
    for page in range(t29.page_start + 1, t29.page_end + 1):
        assert (header_text in texts[page - 1]) == doc.layout.repeat_header, page


def test_rotate_90_exactly_on_the_recorded_table_pages(built):
    doc, _, rotations = built["rotated"]
    table_pages = {p for t in doc.tables for p in range(t.page_start, t.page_end + 1)}
    assert doc.rotated_pages == sorted(table_pages)
    assert [i + 1 for i, r in enumerate(rotations) if r == 90] == doc.rotated_pages
    assert built["ruled"][0].rotated_pages == []
    assert set(built["ruled"][2]) == {0}


def test_split_rows_layout_really_splits_a_row(spec, tmp_path):
    doc = build_document(spec, LAYOUTS["split_rows"], tmp_path / "split.pdf", tables=["T-C.31"], max_rows=40)
    (table,) = doc.tables
    assert table.split_rows
    with pdfplumber.open(doc.path) as pdf:
        texts = [squash("".join(c["text"] for c in page.chars)) for page in pdf.pages]
    for i in table.split_rows:
        first, last = table.row_pages[i]
        assert last == first + 1
        whole = squash("".join(table.rows[i]))
        assert whole not in texts[first - 1] and whole not in texts[last - 1]
        assert squash(table.rows[i][1])[:12] in texts[first - 1]


def test_builds_are_byte_identical(spec, tmp_path):
    a = build_document(spec, LAYOUTS["hrules"], tmp_path / "a.pdf", tables=["T-C.33"], max_rows=10)
    b = build_document(spec, LAYOUTS["hrules"], tmp_path / "b.pdf", tables=["T-C.33"], max_rows=10)
    assert a.path.read_bytes() == b.path.read_bytes()
