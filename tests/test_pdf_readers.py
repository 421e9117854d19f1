"""The PDFium reader (the hot path) gives the pages the pdfplumber reader (the reference) gives: the same
words (text equal, each side of the box within `TOLERANCE`, bold equal) and the same rulings (each ruling of
one within `TOLERANCE` of a ruling of the other), on every fixture layout, on the corpus and on real pages:
Word and Excel exports, a landscape table stored on a /Rotate 90 page, a /Rotate 180 page.

Where the two cannot agree, it is pinned below with the page it shows on: pdfminer keeps both copies of a
glyph printed twice on itself (fake bold), cuts a word where float noise changes a font size (5.8799999
and 5.8800000 are two sizes to it), and cuts the first digit off a number that Excel right-aligns with
spaces drawn over it, where PDFium reads what is printed; and for a font that declares no descent
(LibreOffice's) PDFium measures one, so the corpus's italic running header sits 2.4 pt lower.

The small PDFs written here (`_pdf`) pin down what each rule of the PDFium reader is for.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from pathlib import Path

import pytest

from extract.model import Page
from extract.pdf import read_pages
from tests.fixtures.builder import LAYOUTS, build_document, load_spec

TOLERANCE = 1.0  # pt
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "pdfs"
REALDOCS = SHARED / "realdocs"


def disagreements(path: Path, pages: list[int] | None = None, below: float = 0.0, cut_words: bool = False) -> list[str]:
    """Every word and ruling one reader finds on `pages` that the other does not, one line each; words
    whose top is above `below` are not compared; with `cut_words`, a word pdfminer cuts in pieces that
    touch (float noise in a font size: see the module's docstring) is not a difference."""
    plumber = list(read_pages(path, pages, backend="pdfplumber"))
    pdfium = list(read_pages(path, pages, backend="pdfium"))
    assert [p.number for p in plumber] == [p.number for p in pdfium]
    out = []
    for a, b in zip(plumber, pdfium):
        a.words = [w for w in a.words if w.top >= below]
        b.words = [w for w in b.words if w.top >= below]
        if (round(a.width, 2), round(a.height, 2), a.rotation) != (round(b.width, 2), round(b.height, 2), b.rotation):
            out.append(f"p{a.number}: page {a.width}x{a.height} /Rotate {a.rotation} | "
                       f"{b.width}x{b.height} /Rotate {b.rotation}")
        out += [f"p{a.number}: {line}" for line in _word_differences(a, b, cut_words) + _ruling_differences(a, b)]
        if abs(a.image_cover - b.image_cover) > 0.01:
            out.append(f"p{a.number}: image cover {a.image_cover:.3f} | {b.image_cover:.3f}")
    return out


def _word_differences(a: Page, b: Page, cut_words: bool = False) -> list[str]:
    unmatched = defaultdict(list)
    for w in b.words:
        unmatched[w.text].append(w)
    out, only_plumber = [], []
    for w in a.words:
        same = [v for v in unmatched[w.text] if _near(_box(w), _box(v))]
        if not same:
            only_plumber.append(w)
            continue
        unmatched[w.text].remove(same[0])
        if same[0].bold != w.bold:
            out.append(f"bold {w.bold} | {same[0].bold}: {w.text!r} at {w.x0:.1f},{w.top:.1f}")
    only_pdfium = [v for ws in unmatched.values() for v in ws]
    if cut_words:
        for v in list(only_pdfium):
            pieces = sorted((w for w in only_plumber if abs(w.top - v.top) <= TOLERANCE
                             and v.x0 - TOLERANCE <= w.x0 and w.x1 <= v.x1 + TOLERANCE), key=lambda w: w.x0)
            if len(pieces) > 1 and "".join(w.text for w in pieces) == v.text and _near(
                    (pieces[0].x0, pieces[-1].x1), (v.x0, v.x1)):
                only_pdfium.remove(v)
                only_plumber = [w for w in only_plumber if w not in pieces]
    out += [f"pdfplumber only: {w.text!r} at {w.x0:.1f},{w.top:.1f}-{w.x1:.1f},{w.bottom:.1f}" for w in only_plumber]
    out += [f"pdfium only: {v.text!r} at {v.x0:.1f},{v.top:.1f}-{v.x1:.1f},{v.bottom:.1f}" for v in only_pdfium]
    return out


def _box(w) -> tuple:
    return (w.x0, w.x1, w.top, w.bottom)


def _ruling_differences(a: Page, b: Page) -> list[str]:
    def box(r):
        return (r.x0, r.top, r.x1, r.bottom)

    out = [f"pdfplumber only: ruling {box(r)}" for r in a.rulings if not any(_near(box(r), box(s)) for s in b.rulings)]
    out += [f"pdfium only: ruling {box(r)}" for r in b.rulings if not any(_near(box(r), box(s)) for s in a.rulings)]
    return out


def _near(p: tuple, q: tuple) -> bool:
    return all(abs(x - y) <= TOLERANCE for x, y in zip(p, q))


# --- the fixtures, the corpus, real pages ----------------------------------------------------------------

@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_fixture_layouts_read_the_same(layout, tmp_path):
    doc = build_document(load_spec(), LAYOUTS[layout], tmp_path / f"{layout}.pdf", max_rows=25)
    assert disagreements(doc.path) == []


CORPUS_HEADER = 40  # pt: the corpus's running header ('Renja Kecamatan Kanigaran 2022') is above this


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not here: the corpus comes with ../shared")
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.pdf")) if CORPUS.is_dir() else [])
def test_corpus_reads_the_same(name):
    # every third page (the corpus is 474 pages; pdfplumber reads about two a second); the running header
    # is the known difference of the next test, and pdfminer cuts 'kerja' (000-f p.4) and 'Perizinan'
    # (002-f p.16) at float noise in their size
    n = len(list(read_pages(CORPUS / name, backend="pdfium")))
    assert disagreements(CORPUS / name, list(range(1, n + 1, 3)), below=CORPUS_HEADER, cut_words=True) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not here: the corpus comes with ../shared")
def test_known_difference_a_font_declaring_no_descent():
    # LibreOffice declares its fonts' Ascent and Descent as 0. pdfminer then puts a word's box on the baseline;
    # PDFium measures the font instead (the glyphs 'A' and 'g', else the FontBBox), and for the italic of
    # the running header it finds a descent of 0.3 em: the same words, 2.4 pt lower. Nothing in a table.
    top = {}
    for backend in ("pdfplumber", "pdfium"):
        page = next(iter(read_pages(CORPUS / "000-a.pdf", [1], backend=backend)))
        top[backend] = {(w.text, round(w.x0, 1)): round(w.top, 2) for w in page.words if w.top < CORPUS_HEADER}
    assert top["pdfplumber"].keys() == top["pdfium"].keys() and "Kanigaran" in {t for t, _ in top["pdfium"]}
    assert {round(top["pdfium"][k] - top["pdfplumber"][k], 2) for k in top["pdfium"]} == {2.42}


REAL_PAGES = [
    # Word exports: Renja 2019 Bappeda Padang Panjang (its tables, Tahoma, ruled), and a /Rotate 180 page
    ("frisdiandi__portalpp__5f3398c1e91b9_renja-2019.pdf", [1, 5, 10, 20]),
    # a Word export writing each space as a text object of its own (PDFium's text page leaves those out)
    ("adamprasetia__dk__renja.pdf", [7, 13]),
    # Word: Arial twice, as a plain TrueType font (pdfminer measures it as Helvetica) and as a CID font
    ("andri000me__aplikasi_esakip__datalakip--3. LKIP TAHUN 2016 - DISPERINDAG JABAR.pdf", [2, 15, 43]),
    # Excel exports, ruled: synthetic italics (a skewed text matrix), hyphens ending a line
    ("andri000me__aplikasi_esakip__datarenja--Tabel 2.1 Renja 2016.pdf", [1, 2, 3]),
    ("andri000me__aplikasi_esakip__datarenja--Tabel II-1ok.pdf", [1, 2]),
    ("frisdiandi__portalpp__5f339b5162e51_renja_bkpsdm-2018.pdf", [18, 22, 27]),
    # landscape tables stored on /Rotate 90 pages
    ("frisdiandi__portalpp__5f339c19ec3d9_renja_bkpsdm.pdf", [16, 20, 22]),
    ("andri000me__aplikasi_esakip__datarenstra--1506669560_bab_5-rencana_program.pdf", [9, 10]),
    # a MediaBox held as an indirect object (PDFium does not read it for the page: the reader falls back)
    ("vandewa__diskominfo__20201006042529_apbd_2018.pdf", [1, 2]),
]


@pytest.mark.skipif(not REALDOCS.is_dir(), reason=f"{REALDOCS} is not here: real documents come with ../shared")
@pytest.mark.parametrize("name,pages", REAL_PAGES, ids=[n[:40] for n, _ in REAL_PAGES])
def test_real_pages_read_the_same(name, pages):
    assert disagreements(REALDOCS / name, pages) == []


def _words(path: Path, page: int, backend: str) -> list[str]:
    return [w.text for w in next(iter(read_pages(path, [page], backend=backend))).words]


@pytest.mark.skipif(not REALDOCS.is_dir(), reason=f"{REALDOCS} is not here: real documents come with ../shared")
def test_known_difference_excel_padding_spaces_drawn_over_a_number():
    # Renja 2019 BKPSDM p.26, pagu 8.505.000: Excel right-aligns it with four spaces drawn after it, over its
    # first digit; pdfminer sorts a space between '8' and '.505.000'
    path = REALDOCS / "frisdiandi__portalpp__5f339c19ec3d9_renja_bkpsdm.pdf"
    plumber, pdfium = _words(path, 26, "pdfplumber"), _words(path, 26, "pdfium")
    assert "8" in plumber and ".505.000" in plumber and "8.505.000" not in plumber
    assert "8.505.000" in pdfium


@pytest.mark.skipif(not REALDOCS.is_dir(), reason=f"{REALDOCS} is not here: real documents come with ../shared")
def test_a_rule_between_two_characters_parts_them_in_both_readers():
    # Renja 2019 Bappeda p.27: 'Kinerja' ends a cell 2.49 pt before 'Jumlah' starts the next, no space between;
    # pdfminer happened to cut them apart (a line between them in the content has size 5.88000000000001,
    # not 5.8799999999999955) where PDFium's words joined them. The column rule between them parts them in both.
    path = REALDOCS / "frisdiandi__portalpp__5f3398c1e91b9_renja-2019.pdf"
    for backend in ("pdfplumber", "pdfium"):
        words = _words(path, 27, backend)
        assert "Jumlah" in words and "PenyusunanLaporanCapaianKinerjadanIkhtisarRealisasiKinerja" in words, backend
        assert "PenyusunanLaporanCapaianKinerjadanIkhtisarRealisasiKinerjaJumlah" not in words, backend


# --- small PDFs written here -------------------------------------------------------------------------------

def _pdf(path: Path, content: bytes, rotate: int = 0, media: tuple = (0, 0, 595, 842)) -> Path:
    """A one-page PDF drawing `content` with /F1 Helvetica and /F2 Courier (standard fonts, not embedded)."""
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Rotate %d /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (" ".join(map(str, media)).encode(), rotate),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _page(path: Path, backend: str = "pdfium") -> Page:
    return next(iter(read_pages(path, backend=backend)))


def test_a_space_drawn_as_a_text_object_of_its_own_cuts_words(tmp_path):
    # Word writes 'Pertamanan Kabupaten' as three text objects; 8 pt Courier: 'Pertamanan' ends at 148, the
    # next word starts 1 pt later (a gap that alone would join them). PDFium's text page has no space there.
    path = _pdf(tmp_path / "space.pdf", b"BT /F2 8 Tf 1 0 0 1 100 700 Tm (Pertamanan) Tj ET "
                                        b"BT /F2 8 Tf 1 0 0 1 148 700 Tm ( ) Tj ET "
                                        b"BT /F2 8 Tf 1 0 0 1 149 700 Tm (Kabupaten) Tj ET")
    assert [w.text for w in _page(path).words] == ["Pertamanan", "Kabupaten"]
    assert disagreements(path) == []


def test_words_are_cut_by_gaps_and_joined_across_text_objects(tmp_path):
    # 'Rp' and '1.000' drawn 3 pt apart are two words; '1.000' and ',00' drawn touching are one
    path = _pdf(tmp_path / "gaps.pdf", b"BT /F2 10 Tf 1 0 0 1 100 700 Tm (Rp) Tj ET "
                                       b"BT /F2 10 Tf 1 0 0 1 115 700 Tm (1.000) Tj ET "
                                       b"BT /F2 10 Tf 1 0 0 1 145 700 Tm (,00) Tj ET")
    words = _page(path).words
    assert [w.text for w in words] == ["Rp", "1.000,00"]
    assert (words[1].x0, words[1].x1) == pytest.approx((115, 163))  # Courier: 6 pt a letter at 10 pt
    assert disagreements(path) == []


def test_a_rotated_page_reads_upright(tmp_path):
    # a landscape table stored on a portrait page turned by /Rotate 90: the text runs up the stored page
    path = _pdf(tmp_path / "rotated.pdf", b"BT /F2 10 Tf 0 1 -1 0 300 100 Tm (PROGRAM) Tj ET "
                                          b"0.5 w 290 100 m 290 400 l S", rotate=90)
    page = _page(path)
    assert (page.width, page.height, page.rotation) == (842, 595, 90)
    (word,) = page.words
    assert word.text == "PROGRAM" and (word.x0, word.x1) == pytest.approx((100, 142))
    (rule,) = page.rulings
    assert rule.horizontal and (rule.x0, rule.x1, rule.top) == pytest.approx((100, 400, 290))
    assert disagreements(path) == []


def test_rulings_from_lines_borders_outlines_and_bands(tmp_path):
    path = _pdf(tmp_path / "rules.pdf", b"0.5 w 50 800 m 300 800 l S "  # a stroked line
                                        b"50 700 250 0.5 re f "  # a thin filled rectangle: how Word draws a border
                                        b"50 500 100 50 re S "  # a stroked rectangle: four sides
                                        b"0.9 g 60 400 80 20 re f "  # shading inside one cell: no rule
                                        b"50 300 300 20 re f")  # a filled band across the table: its sides count
    page = _page(path)
    sides = sorted((round(r.x0, 2), round(r.top, 2), round(r.x1, 2), round(r.bottom, 2)) for r in page.rulings)
    assert sides == sorted([
        (50, 42, 300, 42),
        (50, 141.75, 300, 141.75),
        (50, 292, 150, 292), (50, 342, 150, 342), (50, 292, 50, 342), (150, 292, 150, 342),
        (50, 522, 350, 522), (50, 542, 350, 542), (50, 522, 50, 542), (350, 522, 350, 542),
    ])
    assert disagreements(path) == []


def test_known_difference_a_word_printed_twice_on_itself(tmp_path):
    # fake bold: the same word drawn twice at the same place. pdfminer reads every letter twice; PDFium once.
    path = _pdf(tmp_path / "fakebold.pdf", b"BT /F1 10 Tf 1 0 0 1 100 700 Tm (Total) Tj ET "
                                           b"BT /F1 10 Tf 1 0 0 1 100.2 700 Tm (Total) Tj ET")
    assert [w.text for w in _page(path, "pdfium").words] == ["Total"]
    assert [w.text for w in _page(path, "pdfplumber").words] == ["TToottaall"]


def _sideways_table(tmp_path: Path) -> Path:
    """A table drawn in landscape and turned a quarter left onto an upright page (a `cm` in the content,
    no /Rotate): its text runs up the page."""
    rows = [("No", "Program", "Pagu"), ("1", "Program Pelayanan Administrasi", "1.250.000"),
            ("2", "Program Peningkatan Sarana", "980.500"), ("3", "Program Disiplin Aparatur", "49.800")]
    xs, ys = (100, 150, 400, 550), (420, 390, 360, 330, 300)
    content = b"q 0 1 -1 0 595 0 cm 0.5 w "
    content += b"".join(b"%d %d m %d %d l S " % (x, ys[-1], x, ys[0]) for x in xs)
    content += b"".join(b"%d %d m %d %d l S " % (xs[0], y, xs[-1], y) for y in ys)
    for k, row in enumerate(rows):
        for x, text in zip(xs, row):
            content += b"BT /F1 9 Tf 1 0 0 1 %d %d Tm (%s) Tj ET " % (x + 4, ys[k] - 20, text.encode())
    return _pdf(tmp_path / "sideways.pdf", content + b"Q")


def test_a_page_whose_text_runs_sideways_is_read_turned(tmp_path):
    page = _page(_sideways_table(tmp_path))
    assert (page.width, page.height) == (842, 595)
    texts = [w.text for w in sorted(page.words, key=lambda w: (round(w.top), w.x0))]
    assert texts[:3] == ["No", "Program", "Pagu"] and "1.250.000" in texts
    from extract import extract_document
    (table,) = extract_document(tmp_path / "sideways.pdf").tables
    assert [h.text for h in table.header] == ["No", "Program", "Pagu"]
    assert [r.texts for r in table.rows] == [["1", "Program Pelayanan Administrasi", "1.250.000"],
                                            ["2", "Program Peningkatan Sarana", "980.500"],
                                            ["3", "Program Disiplin Aparatur", "49.800"]]
