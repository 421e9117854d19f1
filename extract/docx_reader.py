"""The tables of a Word .docx, cell by cell, as `office.OfficeGrid`s.

Every top-level table in document order (`table 1`, `table 2`, ...). `w:gridBefore` and `w:gridSpan`
place a row's cells on the table grid; a `w:vMerge` continuation extends the cell above (its own text,
if any, is not printed); rows marked `w:tblHeader` (repeated on each page) are the header. A cell's text
is its paragraphs joined with a space, each with its automatic list label ('1.', 'a.', '•') worked out
from the numbering definitions, hidden and deleted text left out, `w:caps` in capitals. Bold is the
run's or its styles'. The page of a row is counted from the page breaks Word recorded when it last laid
the document out (`w:lastRenderedPageBreak`), else from the hard page breaks. Text boxes and
table-style formatting are not read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx.opc.exceptions import OpcError
from lxml import etree

from .layout import CAPTION
from .office import OfficeGrid, Slot

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PROPS = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
READ_ERRORS = (OpcError,)  # python-docx's own, besides the XML and ZIP errors of a damaged file
FRONT_CHARS = 6000  # the document's opening text kept for its type, perangkat daerah, pemda and year
CAPTION_REACH = 5  # non-empty paragraphs above a table searched for its caption ('Tabel 2.1 ...')

# Symbol and Wingdings bullets as LibreOffice writes them in text
_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓", "\uf0a8": "▫",
            "\uf06e": "■", "\uf0d5": "◆", "\uf0e8": "➔", "\uf02d": "-"}
_LEVEL_BULLETS = ("•", "◦", "▪")
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def read_docx(path: Path) -> tuple[list[OfficeGrid], str, int]:
    """(the tables, the document's opening text, its pages) of the .docx at `path`."""
    import docx  # python-docx: the package's parts, related by their relationships

    document = docx.Document(str(path))
    body = document.element.body
    styles = _Styles(document.styles.element)
    numbering = _Numbering(_numbering_element(document), styles)
    pages = _pages(body)
    grids: list[OfficeGrid] = []
    tops = [t for t in body.iter(W + "tbl") if not any(a.tag == W + "tbl" for a in t.iterancestors())]
    texts = {}  # paragraph -> its text with its list label (labels count in document order), its bold
    for p in _paragraphs(body):
        text, bold = _paragraph_text(p, styles)
        texts[p] = (numbering.labelled(p, text), bold)
    for n, tbl in enumerate(tops, start=1):
        grid = _table(tbl, f"table {n}", texts, pages)
        grid.caption, grid.context = _caption(tbl, texts)
        grids.append(grid)
    front = []
    size = 0
    for p in body.iter(W + "p"):
        text = texts.get(p, ("", False))[0]
        if text:
            front.append(text)
            size += len(text)
            if size >= FRONT_CHARS:
                break
    return grids, "\n".join(front), _page_count(path, pages)


def _numbering_element(document):
    try:
        return document.part.numbering_part.element
    except NotImplementedError:  # python-docx: a document without numbering definitions
        return None


def _on(el) -> bool:
    return el is not None and el.get(W + "val") not in ("0", "false", "off", "none")


# every w:p under an element in document order, without the duplicates a text box's mc:Fallback holds
_paragraphs = etree.XPath(".//w:p[not(ancestor::mc:Fallback)]",
                          namespaces={"w": W[1:-1], "mc": _FALLBACK[1:_FALLBACK.index("}")]})


# ------------------------------------------------------------------------------------------ text

def _paragraph_text(p, styles: _Styles) -> tuple[str, bool]:
    """The paragraph's text (whitespace collapsed) and whether most of its letters are bold."""
    pstyle = _val(p.find(f"{W}pPr/{W}pStyle"))
    chars: list[tuple[str, bool]] = []
    _runs(p, chars, pstyle, styles)
    text = "".join(t for t, _ in chars)
    bold = sum(len(t.strip()) for t, b in chars if b)
    return " ".join(text.split()), bold * 2 > sum(len(t.strip()) for t, _ in chars) > 0


def _runs(el, out: list, pstyle: str | None, styles: _Styles) -> None:
    for child in el:
        tag = child.tag
        if tag in (W + "pPr", W + "del", W + "moveFrom", _FALLBACK, W + "tbl", W + "drawing", W + "pict",
                   W + "object"):
            continue
        if tag == W + "r":
            rpr = child.find(W + "rPr")
            if rpr is not None and _on(rpr.find(W + "vanish")):
                continue
            caps = rpr is not None and (_on(rpr.find(W + "caps")) or _on(rpr.find(W + "smallCaps")))
            bold = styles.bold(rpr, pstyle)
            for piece in child:
                if piece.tag == W + "t":
                    text = piece.text or ""
                    out.append((text.upper() if caps else text, bold))
                elif piece.tag in (W + "tab", W + "br", W + "cr"):
                    out.append((" ", False))
                elif piece.tag == W + "noBreakHyphen":
                    out.append(("-", bold))
                elif piece.tag == W + "sym":
                    out.append((_BULLETS.get(chr(int(piece.get(W + "char", "20"), 16)), ""), bold))
        elif tag != W + "rPr":
            _runs(child, out, pstyle, styles)


def _val(el) -> str | None:
    return None if el is None else el.get(W + "val")


class _Styles:
    """Paragraph and character styles: what a run's bold is when it does not say, and a paragraph
    style's list numbering."""

    def __init__(self, root):
        self.by_id: dict[str, object] = {}
        self.default_bold = False
        if root is None:
            return
        for st in root.findall(W + "style"):
            self.by_id[st.get(W + "styleId")] = st
        self.default_bold = _on(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}b"))

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            st = self.by_id[style_id]
            yield st
            style_id = _val(st.find(W + "basedOn"))

    def bold(self, rpr, pstyle: str | None) -> bool:
        if rpr is not None and rpr.find(W + "b") is not None:
            return _on(rpr.find(W + "b"))
        for sid in (_val(rpr.find(W + "rStyle")) if rpr is not None else None, pstyle):
            for st in self._chain(sid):
                b = st.find(f"{W}rPr/{W}b")
                if b is not None:
                    return _on(b)
        return self.default_bold

    def numbering(self, pstyle: str | None) -> tuple[str, int] | None:
        for st in self._chain(pstyle):
            num = st.find(f"{W}pPr/{W}numPr")
            if num is not None:
                return _val(num.find(W + "numId")) or "0", int(_val(num.find(W + "ilvl")) or 0)
        return None


class _Numbering:
    """Automatic list labels: each list (w:num) counts its paragraphs per level, in document order."""

    def __init__(self, root, styles: _Styles):
        self.styles = styles
        self.abstract: dict[str, object] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        for a in root.findall(W + "abstractNum"):
            self.abstract[a.get(W + "abstractNumId")] = a
        for num in root.findall(W + "num"):
            starts = {}
            for o in num.findall(W + "lvlOverride"):
                so = o.find(W + "startOverride")
                if so is not None:
                    starts[int(o.get(W + "ilvl", "0"))] = int(_val(so) or 1)
            self.nums[num.get(W + "numId")] = (_val(num.find(W + "abstractNumId")), starts)

    def labelled(self, p, text: str) -> str:
        label = self._label(p)
        return f"{label} {text}".strip() if label else text

    def _label(self, p) -> str:
        ppr = p.find(W + "pPr")
        num = ppr.find(W + "numPr") if ppr is not None else None
        if num is not None and num.find(W + "numId") is not None:
            num_id, ilvl = _val(num.find(W + "numId")), int(_val(num.find(W + "ilvl")) or 0)
        else:
            found = self.styles.numbering(_val(ppr.find(W + "pStyle")) if ppr is not None else None)
            if found is None:
                return ""
            num_id, ilvl = found
            if num is not None and num.find(W + "ilvl") is not None:
                ilvl = int(_val(num.find(W + "ilvl")) or 0)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, starts = self.nums[num_id]
        levels = {int(l.get(W + "ilvl", "0")): l for l in self.abstract.get(abstract_id, [])
                  if l.tag == W + "lvl"}
        if ilvl not in levels:
            return ""
        start = {k: starts.get(k, int(_val(l.find(W + "start")) or 1)) for k, l in levels.items()}
        counts = self.counters.setdefault(num_id, [start.get(k, 1) - 1 for k in range(10)])
        for shallower in range(ilvl):  # an item under a level not used yet counts as under its first item
            counts[shallower] = max(counts[shallower], start.get(shallower, 1))
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            counts[deeper] = start.get(deeper, 1) - 1
        lvl = levels[ilvl]
        fmt = _val(lvl.find(W + "numFmt")) or "decimal"
        text = _val(lvl.find(W + "lvlText"))
        if text is None or fmt == "none":
            return ""
        if fmt == "bullet":  # written as LibreOffice writes text, whatever the font's glyph
            return _LEVEL_BULLETS[ilvl % len(_LEVEL_BULLETS)]

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lf = _val(levels[k].find(W + "numFmt")) if k in levels else "decimal"
            return _format(max(counts[k], start.get(k, 1)), lf if k != ilvl else fmt)

        return re.sub(r"%([1-9])", number, text).strip()


def _format(n: int, fmt: str | None) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        out, k = "", n
        for v, r in _ROMAN:
            while k >= v:
                out, k = out + r, k - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


# ----------------------------------------------------------------------------------------- tables

def _cells(tr) -> list:
    """The w:tc of a row, including those a content control (w:sdt) wraps."""
    out = []
    for child in tr:
        if child.tag == W + "tc":
            out.append(child)
        elif child.tag in (W + "sdt", W + "customXml"):
            out.extend(_cells(child.find(W + "sdtContent") if child.tag == W + "sdt" else child) or [])
    return out


def _cell_text(tc, texts: dict) -> tuple[str, bool]:
    """The cell's paragraphs joined with a space (a nested table's too); bold when most of them are."""
    parts = [texts[p] for p in _paragraphs(tc) if texts.get(p, ("",))[0]]
    bold = sum(1 for _, b in parts if b)
    return " ".join(t for t, _ in parts), bool(parts) and bold * 2 >= len(parts)


def _table(tbl, name: str, texts: dict, pages: dict) -> OfficeGrid:
    rows: list[list[Slot | None]] = []
    locations, row_pages = [], []
    marked = 0
    open_above: dict[int, Slot] = {}  # grid column -> the cell a vertical merge may continue
    for r, tr in enumerate(tbl.findall(W + "tr")):
        trpr = tr.find(W + "trPr")
        if trpr is not None and _on(trpr.find(W + "tblHeader")) and marked == r:
            marked += 1  # only leading rows repeat as a header
        before = trpr.find(W + "gridBefore") if trpr is not None else None
        col = int(_val(before) or 0) if before is not None else 0
        row: list[Slot | None] = [Slot("") for _ in range(col)]
        for tc in _cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = int(_val(tcpr.find(W + "gridSpan")) or 1) if tcpr is not None and tcpr.find(W + "gridSpan") is not None else 1
            span = max(1, span)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            if hmerge is not None and (_val(hmerge) or "continue") == "continue" and any(s is not None for s in row):
                last = next(s for s in reversed(row) if s is not None)
                last.colspan += span
                row.extend([None] * span)
                col += span
                continue
            above = open_above.get(col)
            if vmerge is not None and (_val(vmerge) or "continue") == "continue" and above is not None:
                above.rowspan += 1
                row.extend([None] * span)
            else:
                text, bold = _cell_text(tc, texts)
                cell = Slot(text, bold, 1, span)
                row.append(cell)
                row.extend([None] * (span - 1))
                for c in range(col, col + span):
                    open_above.pop(c, None)
                if vmerge is not None:
                    open_above[col] = cell
            col += span
        rows.append(row)
        locations.append(f"{name}, row {r + 1}")
        row_pages.append(pages.get(tr, 1))
    width = max([len(r) for r in rows] + [len(tbl.findall(f"{W}tblGrid/{W}gridCol"))])
    for row in rows:
        row.extend(Slot("") for _ in range(width - len(row)))
    return OfficeGrid(name, rows, locations, row_pages, marked)


def _caption(tbl, texts: dict) -> tuple[list[str], str]:
    """The caption of a table: from the nearest of the last `CAPTION_REACH` paragraphs above it that
    reads like one ('Tabel 2.1 ...', 'Lampiran'), down to the table; else none. The context: the
    paragraph above the caption (or above the table)."""
    above: list[str] = []
    prev = tbl.getprevious()
    while prev is not None and len(above) < CAPTION_REACH + 1:
        if prev.tag == W + "tbl":
            break
        if prev.tag == W + "p" and texts.get(prev, ("",))[0]:
            above.insert(0, texts[prev][0][:500])
        prev = prev.getprevious()
    for k in range(len(above) - 1, max(-1, len(above) - 1 - CAPTION_REACH), -1):
        if CAPTION.match(above[k]):
            return above[k:], above[k - 1] if k else ""
    return [], above[-1] if above else ""


# ------------------------------------------------------------------------------------------ pages

def _pages(body) -> dict:
    """{w:tr: its page}: pages counted from the breaks Word recorded at its last layout, else from the
    hard page breaks (and sections starting on a new page)."""
    rendered = any(True for _ in body.iter(W + "lastRenderedPageBreak"))
    page = 1
    out = {}
    for el in body.iter():
        tag = el.tag
        if tag == W + "tr":
            out[el] = page
        elif rendered:
            if tag == W + "lastRenderedPageBreak":
                page += 1
        elif tag == W + "br" and el.get(W + "type") == "page":
            page += 1
        elif tag == W + "pageBreakBefore" and _on(el):
            page += 1
        elif tag == W + "sectPr" and el.getparent().tag == W + "pPr":
            kind = el.find(W + "type")
            if kind is None or _val(kind) in ("nextPage", "oddPage", "evenPage"):
                page += 1
    out["last"] = page
    return out


def _page_count(path: Path, pages: dict) -> int:
    """The pages Word counted when it saved the file (docProps/app.xml), else the pages counted here."""
    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("docProps/app.xml"))
        n = int(root.findtext(_PROPS + "Pages") or 0)
    except (KeyError, ValueError, etree.XMLSyntaxError):
        n = 0
    return max(n, pages["last"])
