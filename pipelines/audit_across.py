"""The audit across documents of one perangkat daerah, and across the budget tables of an LKjIP.

`across_documents` groups the documents by pemda and perangkat daerah (see `group_key`) and, in
each group, compares:

- a Renja's T-C.33 against the Renstra's T-C.27 for the Renja's plan year: the pagu indikatif
  against the T-C.27 pagu of that year (the column whose values carry that `tahun`), and the
  target against the T-C.27 target of that year where both print the same indicator;
- an LKjIP against the Renja of its year: the anggaran of its budget tables (LKJIP-ANGGARAN,
  LKJIP-PK-ANGGARAN) against the T-C.33 pagu indikatif (a warning: the APBD may have changed the
  pagu since), and the target of each indicator of its capaian tables (LKJIP-CAPAIAN,
  LKJIP-KINERJA-ANGGARAN, LKJIP-PK) against the Renja's target of the same indicator, with the
  realisasi measured against the Renja's target.

Items are joined by nomenclature code (the matched code, else the printed kode) and lokasi_unit,
then by normalised name; a lokasi spelled differently (Curahgriting, Curahgrinting) joins when one
spelling is clearly the closest. `lkjip_budget_tables` compares, within one LKjIP, the anggaran per
program of the Perjanjian Kinerja (LKJIP-PK-ANGGARAN) with the realisation table (LKJIP-ANGGARAN),
summed per program when it lists only kegiatan or sub kegiatan; `renja_pagu_table` compares a
Renja's untitled Bab IV pagu table with its T-C.33, when the table is recognisably that one.

A document whose title pages name no perangkat daerah is grouped by the items it shares with a group
of its pemda, or not at all. An item joined wrongly gives a wrong finding, so items that cannot be
joined one to one are left out: recall is traded for findings an auditor can trust.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from nomenclature.names import comparable, location_variants

from .audit import (
    LEVEL_WORDS,
    RANK,
    CellRef,
    Finding,
    _doubts,
    _fmt,
    _Ledger,
    _Row,
    _Table,
    _weigh,
)

# --------------------------------------------------------------------------------------------------
# Which documents belong together

# Title pages run on after the name (`... Jalan Sutan Syahrir No`, `... Rencana Strategis Dinas ...`,
# `..., Dan Hasil Evaluasi Pelaksanaan`): the name stops at the first of these words.
_RUN_ON = re.compile(r"\b(?:jalan|jl|rencana|hasil|tahun|alamat|telp|telepon|kode pos|no|nomor|periode|laporan)\b.*$")
_ABBREVIATIONS = {
    "sdm": "sumber daya manusia", "kominfo": "komunikasi informatika", "diskominfo": "dinas komunikasi informatika",
    "bappeda": "badan perencanaan pembangunan daerah", "kab": "kabupaten", "prov": "provinsi", "pemkab": "kabupaten",
    "pemkot": "kota", "disdukcapil": "dinas kependudukan pencatatan sipil", "capil": "pencatatan sipil",
    "bkpsdm": "badan kepegawaian pengembangan sumber daya manusia", "kec": "kecamatan",
}
_DROP = {"dan", "serta", "pemerintah", "pemerintahan", "daerah"}


def _words(name: str | None) -> list[str]:
    text = re.sub(r"[^a-z0-9 ]+", " ", (name or "").lower())
    text = _RUN_ON.sub("", re.sub(r"\s+", " ", text).strip())
    out: list[str] = []
    for w in text.split():
        out += _ABBREVIATIONS.get(w, w).split()
    return [w for w in out if w not in _DROP]


def group_key(pemda: str | None, perangkat_daerah: str | None) -> tuple[str, str] | None:
    """(pemda, perangkat daerah) as compared: lower case, no punctuation, no 'dan'/'pemerintah', abbreviations
    written out (SDM, Kominfo, Kab.), cut where the title page runs on (Jalan, Tahun, Rencana Strategis...)."""
    opd = " ".join(_words(perangkat_daerah))
    return (" ".join(_words(pemda)), opd) if opd else None


def _same_opd(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """The same pemda (or one unknown) and the same perangkat daerah, one name possibly cut short (3 words at least)."""
    if a[0] and b[0] and a[0] != b[0]:
        return False
    x, y = sorted((a[1].split(), b[1].split()), key=len)
    return x == y or (len(x) >= 3 and y[: len(x)] == x)


def group_documents(documents: list[dict], item_names=None) -> list[list[dict]]:
    """Documents of one perangkat daerah together (only groups with more than one document).

    A document whose title pages name no perangkat daerah joins, when `item_names` (doc_id → the names of
    the items of its program tables, a function) is given, the group of its pemda with which it shares the most
    items that no other group has: three at least, and twice as many as with any other group. Such a
    document gets `grouped_by_items` set in the returned records.
    """
    keyed = [(group_key(d.get("pemda"), d.get("perangkat_daerah")), d) for d in documents
             if d.get("status") in (None, "ok") and d.get("doc_type") in ("renja", "renstra", "lkjip")]
    groups: list[list[tuple]] = []
    # names that can be the same agree in their first three words (see _same_opd): only those are compared
    buckets: dict[tuple[str, ...], list[list[tuple]]] = defaultdict(list)
    for k, d in keyed:
        if not k:
            continue
        bucket = buckets[tuple(k[1].split()[:3])]
        for g in bucket:
            if all(_same_opd(k, k2) for k2, _ in g):
                g.append((k, d))
                break
        else:
            bucket.append([(k, d)])
            groups.append(bucket[-1])
    for k, d in keyed:
        if k or not item_names:
            continue
        pemda = " ".join(_words(d.get("pemda")))
        candidates = [g for g in groups if not pemda or all(not k2[0] or k2[0] == pemda for k2, _ in g)]
        names = [set().union(*(item_names(x["doc_id"]) for _, x in g)) for g in candidates]
        mine = item_names(d["doc_id"])
        scores = sorted(((len(mine & n - set().union(*(m for m in names if m is not n))), i) for i, n in enumerate(names)), reverse=True)
        if scores and scores[0][0] >= 3 and (len(scores) == 1 or scores[0][0] >= 2 * scores[1][0]):
            candidates[scores[0][1]].append((candidates[scores[0][1]][0][0], {**d, "grouped_by_items": scores[0][0]}))
    return [[d for _, d in g] for g in groups if len(g) > 1]


def _item_names(tables: list[_Table]) -> set[str]:
    return {it.name for it in _items([t for t in tables if t.code in _PROGRAM_TABLES]) if it.name}


_PROGRAM_TABLES = ("T-C.27", "T-C.33", "LKJIP-ANGGARAN", "LKJIP-PK-ANGGARAN")


# --------------------------------------------------------------------------------------------------
# Items of a table and how they are joined


@dataclass(eq=False)
class _Item:
    table: _Table
    rows: list[_Row]  # the item's row, then the rows of its further indicators
    code: str | None
    name: str
    lokasi: str

    @property
    def row(self) -> _Row:
        return self.rows[0]


_LOKASI_WORDS = re.compile(r"^(?:sub\s*unit|kelurahan|kel|desa)\b\.?\s*")


def _lokasi(text: str | None) -> str:
    text = re.sub(r"[^a-z ]+", " ", (text or "").lower())
    text = re.sub(r"\s+", " ", text).strip()
    while True:
        shorter = _LOKASI_WORDS.sub("", text).strip()
        if shorter == text:
            return text
        text = shorter


def _items(tables: list[_Table]) -> list[_Item]:
    """Program, kegiatan and sub kegiatan rows; a row repeating its item (a second indicator) joins that item."""
    out: list[_Item] = []
    for t in tables:
        last: _Item | None = None
        for r in t.rows:
            # a row without a level still names an item when it has a name (a code column the extraction missed)
            if not (r.level in RANK or (r.level == "unknown" and (r.code or r.uraian))):
                last = None
                continue
            variant = location_variants(r.uraian)[0] if r.uraian else None
            name = comparable(variant.name) if variant else ""
            lokasi = _lokasi(r.lokasi or (variant.lokasi_unit if variant else None))
            code = r.ncode or r.kode
            if (last is not None and (last.code, last.name, last.lokasi) == (code, name, lokasi) and last.table is t
                    and not any(r.values.get(c) is not None and r.values[c].status != "empty" for c in t.money)):
                last.rows.append(r)  # a further indicator of the item: it prints no amount of its own
                continue
            last = _Item(t, [r], code, name, lokasi)
            out.append(last)
    return out


def _pair(left: list[_Item], right: list[_Item], amount_l=None, amount_r=None) -> list[tuple[_Item, _Item, str]]:
    """Join items by code + lokasi, then name + lokasi (each key once on each side), then a similar name or a
    lokasi spelled differently.

    An item printed more than once on one side (a program repeated for another sasaran or period) joins
    only when, by `amount_l`/`amount_r` (the compared figure of an item), all its printings that carry an
    amount for the year carry the same one; otherwise it is left out rather than guessed.
    """
    pairs: list[tuple[_Item, _Item, str]] = []
    used_l: set[int] = set()
    used_r: set[int] = set()
    for keyer, how in ((lambda i: (i.code, i.lokasi) if i.code else None, "code"),
                       (lambda i: (i.name, i.lokasi) if i.name else None, "name")):
        li, ri = defaultdict(list), defaultdict(list)
        for i, it in enumerate(left):
            if i not in used_l and keyer(it):
                li[keyer(it)].append(i)
        for j, it in enumerate(right):
            if j not in used_r and keyer(it):
                ri[keyer(it)].append(j)
        for k, ls in li.items():
            rs = ri.get(k, [])
            note = how
            if len(ls) == 1 and len(rs) > 1:
                rs, note = _one_printing(right, rs, amount_r, how)
            elif len(ls) > 1 and len(rs) == 1:
                ls, note = _one_printing(left, ls, amount_l, how)
            if len(ls) == 1 and len(rs) == 1:
                pairs.append((left[ls[0]], right[rs[0]], note))
                used_l.add(ls[0])
                used_r.add(rs[0])
    # a name spelled a little differently ('Progam Peningkatan ...'): the clearly closest, at 90% at least,
    # between names printed once on each side
    once_l = Counter(it.name for it in left)
    once_r = Counter(it.name for it in right)
    for i, a in enumerate(left):
        if i in used_l or not a.name or once_l[a.name] > 1:
            continue
        scored = sorted(((fuzz.ratio(a.name, b.name), j) for j, b in enumerate(right)
                         if j not in used_r and b.name and once_r[b.name] == 1 and b.lokasi == a.lokasi), reverse=True)
        if scored and scored[0][0] >= 90 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
            j = scored[0][1]
            pairs.append((a, right[j], f"a similar name ({right[j].row.uraian!r})"))
            used_l.add(i)
            used_r.add(j)
    for i, a in enumerate(left):
        if i in used_l or not a.lokasi:
            continue
        scored = sorted(((fuzz.ratio(a.lokasi, b.lokasi), j) for j, b in enumerate(right)
                         if j not in used_r and b.lokasi and ((a.code and a.code == b.code) or (a.name and a.name == b.name))),
                        reverse=True)
        if scored and scored[0][0] >= 80 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
            j = scored[0][1]
            pairs.append((a, right[j], f"lokasi {a.row.lokasi or a.lokasi!r} taken for {right[j].row.lokasi or right[j].lokasi!r}"))
            used_l.add(i)
            used_r.add(j)
    return pairs


def _one_printing(items: list[_Item], idx: list[int], amount, how: str) -> tuple[list[int], str]:
    """Of an item printed several times, the printing with an amount, when all those with one agree."""
    if amount is None:
        return idx, how
    with_amount = [i for i in idx if amount(items[i])]
    if with_amount and len({amount(items[i]) for i in with_amount}) == 1:
        return with_amount[:1], f"{how}, of its {len(idx)} printings the {'one' if len(with_amount) == 1 else 'first'} with an amount"
    return idx, how


def _same_indicator(a: str | None, b: str | None) -> bool:
    x, y = comparable(a or ""), comparable(b or "")
    x, y = x.replace("percentase", "persentase"), y.replace("percentase", "persentase")
    return bool(x and y) and (x == y or fuzz.token_sort_ratio(x, y) >= 90)


# --------------------------------------------------------------------------------------------------
# The checks


def across_documents(documents: list[dict], docs: dict[str, list[_Table]], ledgers: dict[str, _Ledger]) -> list[Finding]:
    out: list[Finding] = []
    names = functools.lru_cache(maxsize=None)(lambda doc_id: _item_names(docs.get(doc_id, [])))  # only when needed
    for group in group_documents([d for d in documents if d["doc_id"] in docs], names):
        renjas = [(d, _renja_year(d, docs[d["doc_id"]])) for d in group if d["doc_type"] == "renja"]
        for renja, year in renjas:
            if year is None:
                continue
            for renstra in (d for d in group if d["doc_type"] == "renstra"):
                out += _renja_renstra(renja, renstra, year, docs, ledgers)
        for lkjip in (d for d in group if d["doc_type"] == "lkjip"):
            for renja, year in renjas:
                if year is not None and year == lkjip.get("tahun"):
                    out += _lkjip_renja(lkjip, renja, year, docs, ledgers)
    return out


def _renja_year(doc: dict, tables: list[_Table]) -> int | None:
    """The plan year: the year of T-C.33's pagu indikatif (the title page's year is often another year)."""
    years = Counter(c.tahun for t in tables if t.code == "T-C.33" for r in t.rows
                    for name, c in r.values.items() if name == "pagu_indikatif" and c.tahun)
    return years.most_common(1)[0][0] if years else doc.get("tahun")


def _year_columns(t: _Table, prefix: str) -> dict[int, str]:
    """Year → column, for the columns `<prefix>_<n>` of a table (T-C.27 pagu_1, target_2 ...), by their values' tahun."""
    years: dict[str, Counter] = defaultdict(Counter)
    for r in t.rows:
        for name, c in r.values.items():
            if re.fullmatch(rf"{prefix}_\d+", name) and c.tahun:
                years[name][c.tahun] += 1
    out: dict[int, str] = {}
    for name, counts in years.items():
        out.setdefault(counts.most_common(1)[0][0], name)
    return out


@dataclass
class _Side:
    doc: dict
    item: _Item
    row: _Row
    column: str
    ledger: _Ledger

    @property
    def cell(self):
        return self.row.values.get(self.column)

    def amount(self) -> Decimal | None:
        return self.ledger.amount(self.item.table, self.row, self.column)

    def where(self) -> str:
        kind = _KIND.get(self.doc.get("doc_type"), "document")
        table = self.item.table.code if self.item.table.code != "other" else "untitled pagu table"
        return f"the {kind} {table} (row {self.row.row_no}, page {self.row.page})"


_KIND = {"renja": "Renja", "renstra": "Renstra", "lkjip": "LKjIP"}


def _amount_of(column: str):
    def amount(item: _Item) -> Decimal | None:
        r = _printed(item, column)
        return r.values[column].value if r is not None else None
    return amount


def _printed(item: _Item, column: str) -> _Row | None:
    return next((r for r in item.rows if r.values.get(column) is not None and r.values[column].status != "empty"), None)


def _renja_renstra(renja: dict, renstra: dict, year: int, docs, ledgers) -> list[Finding]:
    t33s = [t for t in docs[renja["doc_id"]] if t.code == "T-C.33" and "pagu_indikatif" in t.columns]
    out: list[Finding] = []
    seen: set[tuple] = set()  # a Renstra printing its T-C.27 twice (chapter and annex) gives each finding once
    for t27 in (t for t in docs[renstra["doc_id"]] if t.code == "T-C.27"):
        pagu, target = _year_columns(t27, "pagu").get(year), _year_columns(t27, "target").get(year)
        if not pagu and not target:
            continue
        pairs = _pair(_items(t33s), _items([t27]), _amount_of("pagu_indikatif"), _amount_of(pagu) if pagu else None)
        found = []
        if pagu:
            sides = [(_Side(renja, a, ra, "pagu_indikatif", ledgers[renja["doc_id"]]), _Side(renstra, b, rb, pagu, ledgers[renstra["doc_id"]]), how)
                     for a, b, how in pairs for ra, rb in [(_printed(a, "pagu_indikatif"), _printed(b, pagu))] if ra and rb]
            found += _money(sides, year, "error", "T-C.33 / T-C.27", f"pagu_indikatif / {pagu}")
        if target:
            found += _targets(renja, renstra, pairs, "target", target, year, ledgers, "T-C.33 / T-C.27")
        for f in found:
            key = (f.cells[0], f.expected)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _lkjip_renja(lkjip: dict, renja: dict, year: int, docs, ledgers) -> list[Finding]:
    t33s = [t for t in docs[renja["doc_id"]] if t.code == "T-C.33" and "pagu_indikatif" in t.columns]
    if not t33s:
        return []
    right = _items(t33s)
    out = []
    for t in docs[lkjip["doc_id"]]:
        if t.code not in ("LKJIP-ANGGARAN", "LKJIP-PK-ANGGARAN") or "anggaran" not in t.columns:
            continue
        sides = [(_Side(lkjip, a, ra, "anggaran", ledgers[lkjip["doc_id"]]), _Side(renja, b, rb, "pagu_indikatif", ledgers[renja["doc_id"]]), how)
                 for a, b, how in _pair(_items([t]), right, _amount_of("anggaran"), _amount_of("pagu_indikatif"))
                 for ra, rb in [(_printed(a, "anggaran"), _printed(b, "pagu_indikatif"))] if ra and rb]
        out += _money(sides, year, "warning", f"{t.code} / T-C.33", "anggaran / pagu_indikatif")
    out += _lkjip_targets(lkjip, renja, year, docs, ledgers)
    return out


def _money(sides, year: int, severity_if_apart: str, table_code: str, column: str) -> list[Finding]:
    """One finding per joined item whose amounts differ, each side in rupiah (a table printed in thousands is scaled)."""
    compared = []
    for a, b, how in sides:
        x, y = a.amount(), b.amount()
        if x is None or y is None:
            continue  # malformed and unconfirmed: reported within its document
        compared.append((a, b, how, x, y))
    sa, sb = _scales(compared)
    out = []
    for a, b, how, x, y in compared:
        xr, yr = x * sa, y * sb
        if xr == yr:
            continue
        diff = xr - yr
        tol = max(a.cell.step * sa, b.cell.step * sb)
        severity = "rounding" if abs(diff) <= tol / 2 else severity_if_apart
        out.append(_money_finding(a, b, how, x, y, sa, sb, diff, severity, year, table_code, column))
    return out


_UNITS = {Decimal(1000): "thousands", Decimal(1000000): "millions"}


def _scales(compared) -> tuple[Decimal, Decimal]:
    """(multiplier of side a, of side b) to rupiah: a table printed in thousands or millions (`Rp.000`, `juta`)
    shows as most joined items being about 1000 (10^6) times smaller than on the other side."""
    ratios = [c[4] / c[3] for c in compared if c[3] and c[4]]
    for factor in _UNITS:
        for sa, sb, lo in ((Decimal(1), factor, 1 / factor), (factor, Decimal(1), factor)):
            hits = sum(1 for r in ratios if lo / 2 <= r <= lo * 2)
            if hits >= 3 and hits * 2 > len(ratios):
                return sa, sb
    return Decimal(1), Decimal(1)


def _money_finding(a: _Side, b: _Side, how, x, y, sa, sb, diff, severity, year, table_code, column) -> Finding:
    r = a.row
    kind = LEVEL_WORDS[r.level] if r.level in RANK else "item"  # the other document's level may be wrong
    item = a.item.row.item if a.item.row.code else b.item.row.item
    shown_x = _fmt(x) + (f" (in {_UNITS[sa]}: {_fmt(x * sa)})" if sa != 1 else "")
    shown_y = _fmt(y) + (f" (in {_UNITS[sb]}: {_fmt(y * sb)})" if sb != 1 else "")
    msg = (f"{kind[0].upper() + kind[1:]} {item} has {shown_x} as {a.column} {year} in {a.where()} "
           f"but {shown_y} as {b.column} in {b.where()}, a difference of {_fmt(diff, signed=True)}")
    if how != "code":
        msg += f" (items joined by {how})"
    realisasi = r.values.get("realisasi")
    if a.doc.get("doc_type") == "lkjip":
        if realisasi is not None and realisasi.value is not None and y:
            msg += f"; its realisasi {_fmt(realisasi.value)} is {_fmt((realisasi.value * sa / (y * sb) * 100).quantize(Decimal('0.01')))}% of the Renja's pagu"
        if severity == "warning":
            msg += "; a warning, not an error: the APBD may have changed the Renja's pagu indikatif"
    msg += _grouping_note(a, b)
    severity, msg = _weigh(severity, msg, _doubts(a.item.table, [a.cell]) + _doubts(b.item.table, [b.cell]))
    return Finding(
        **_across(a, b), severity=severity, table_code=table_code, message=msg,
        cells=(CellRef(a.item.table.table_id, r.row_no, a.column, "checked"), CellRef(b.item.table.table_id, b.row.row_no, b.column)),
        row_nos=(r.row_no, b.row.row_no), pages=(r.page, b.row.page), item=item, column=column, tahun=year,
        expected=y * sb, actual=x * sa, difference=diff,
    )


def _across(a: _Side, b: _Side) -> dict:
    """Two tables of one document are a cross_table finding, of two documents a cross_document one."""
    same = a.doc["doc_id"] == b.doc["doc_id"]
    return {"doc_id": a.doc["doc_id"], "other_doc_id": None if same else b.doc["doc_id"],
            "check": "cross_table" if same else "cross_document"}


def _grouping_note(a: _Side, b: _Side) -> str:
    for side in (a, b):
        n = side.doc.get("grouped_by_items")
        if n:
            return (f" (the {_KIND.get(side.doc.get('doc_type'), 'document')} names no perangkat daerah on its title pages; "
                    f"it was taken for this one's by the {n} items only they share)")
    return ""


def _targets(doc_a, doc_b, pairs, col_a, col_b, year, ledgers, table_code) -> list[Finding]:
    """Targets of joined items, indicator by indicator (only where both print the same indicator)."""
    out = []
    for a, b, how in pairs:
        for ra in a.rows:
            ca = ra.values.get(col_a)
            if ca is None or ca.value is None:
                continue
            rb = next((r for r in b.rows if _same_indicator(ra.indikator, r.indikator)
                       and r.values.get(col_b) is not None and r.values[col_b].value is not None), None)
            if rb is None:
                continue
            sa = _Side(doc_a, a, ra, col_a, ledgers[doc_a["doc_id"]])
            sb = _Side(doc_b, b, rb, col_b, ledgers[doc_b["doc_id"]])
            f = _target_finding(sa, sb, year, table_code, how)
            if f:
                out.append(f)
    return out


def _target_finding(a: _Side, b: _Side, year: int, table_code: str, how: str, realisasi=None) -> Finding | None:
    x, y = a.cell.value, b.cell.value
    diff = x - y
    if diff == 0:
        return None
    severity = "rounding" if abs(diff) <= max(a.cell.step, b.cell.step) / 2 else "error"
    if a.row.level in RANK:
        what = f"{LEVEL_WORDS.get(a.row.level, 'item')} {a.row.item} for {year} ({_short(a.row.indikator)})"
    else:
        what = f"the indicator {_short(a.row.indikator or a.row.uraian)!r} for {year}"
    msg = (f"The target of {what} is {a.cell.raw.strip()} in {a.where()} "
           f"but {b.cell.raw.strip()} in {b.where()}, a difference of {_fmt(diff, signed=True)}")
    if how not in ("code", "indicator"):
        msg += f" (items joined by {how})"
    if realisasi is not None and realisasi.value is not None and y:
        own = a.row.values.get("capaian")
        msg += (f"; measured against the Renja's target, the realisasi {realisasi.raw.strip()} is a capaian of "
                f"{_fmt((realisasi.value / y * 100).quantize(Decimal('0.01')))}%"
                + (f", not the {own.raw.strip()} printed" if own is not None and own.value is not None else ""))
    msg += _grouping_note(a, b)
    severity, msg = _weigh(severity, msg, _doubts(a.item.table, [a.cell]) + _doubts(b.item.table, [b.cell]))
    return Finding(
        doc_id=a.doc["doc_id"], other_doc_id=b.doc["doc_id"], check="cross_document", severity=severity,
        table_code=table_code, message=msg,
        cells=(CellRef(a.item.table.table_id, a.row.row_no, a.column, "checked"), CellRef(b.item.table.table_id, b.row.row_no, b.column)),
        row_nos=(a.row.row_no, b.row.row_no), pages=(a.row.page, b.row.page), item=a.row.item if a.row.level in RANK else None,
        column=f"{a.column} / {b.column}", tahun=year, expected=y, actual=x, difference=diff,
    )


_CAPAIAN_TABLES = ("LKJIP-CAPAIAN", "LKJIP-KINERJA-ANGGARAN", "LKJIP-PK")


def _lkjip_targets(lkjip, renja, year, docs, ledgers) -> list[Finding]:
    """Each indicator of the LKjIP's capaian tables (once, the first table that prints it) against the Renja's target."""
    renja_rows = [(t, r) for t in docs[renja["doc_id"]] if t.code == "T-C.33" for r in t.rows
                  if r.indikator and r.values.get("target") is not None and r.values["target"].value is not None]
    seen: set[str] = set()
    out = []
    tables = sorted((t for t in docs[lkjip["doc_id"]] if t.code in _CAPAIAN_TABLES and "target" in t.columns),
                    key=lambda t: (_CAPAIAN_TABLES.index(t.code), t.table_id))
    for t in tables:
        for r in t.rows:
            c = r.values.get("target")
            indikator = r.indikator or r.uraian
            if c is None or c.value is None or not indikator or comparable(indikator) in seen:
                continue
            hits = [(tb, rb) for tb, rb in renja_rows if _same_indicator(indikator, rb.indikator)]
            if not hits or len({rb.values["target"].value for _, rb in hits}) != 1:
                continue  # not in the Renja, or printed there with several targets: no single target to compare with
            seen.add(comparable(indikator))
            tb, rb = hits[0]
            a = _Side(lkjip, _Item(t, [r], None, "", ""), r, "target", ledgers[lkjip["doc_id"]])
            b = _Side(renja, _Item(tb, [rb], None, "", ""), rb, "target", ledgers[renja["doc_id"]])
            f = _target_finding(a, b, year, f"{t.code} / T-C.33", "indicator", realisasi=r.values.get("realisasi"))
            if f:
                out.append(f)
    return out


def _short(s: str | None, n: int = 90) -> str:
    s = re.sub(r"\s+", " ", s or "").strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------------
# Within an LKjIP: the realisation table against the Perjanjian Kinerja's anggaran per program


def _program_of(r: _Row) -> str | None:
    code = r.ncode or r.kode
    if not code:
        return None
    parts = code.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else None


def lkjip_budget_tables(doc_tables: list[_Table], ledger: _Ledger) -> list[Finding]:
    out = []
    pks = [t for t in doc_tables if t.code == "LKJIP-PK-ANGGARAN" and "anggaran" in t.columns]
    reals = [t for t in doc_tables if t.code == "LKJIP-ANGGARAN" and "anggaran" in t.columns]
    for pk in pks:
        for real in reals:
            out += _pk_against_realisation(pk, real, ledger)
    return out


def _pk_against_realisation(pk: _Table, real: _Table, ledger: _Ledger) -> list[Finding]:
    items = [r for r in real.rows if r.level in RANK]
    if not items:
        return []
    top = min(r.rank for r in items)
    shallow = [r for r in items if r.rank == top]
    groups: dict[str, list[_Row]] = defaultdict(list)
    for r in shallow:
        p = _program_of(r) if top > RANK["program"] else (r.ncode or r.kode)
        if p is None:
            return []  # a row whose program is unknown: the sums per program would be incomplete
        groups[p].append(r)
    out = []
    for p in pk.rows:
        code = p.ncode or p.kode
        if p.level != "program" or not code or code not in groups:
            continue
        x = ledger.amount(pk, p, "anggaran")
        parts = groups[code]
        y = Decimal(0)
        for r in parts:
            v = ledger.amount(real, r, "anggaran")
            if v is None:
                y = None
                break
            y += v
        if x is None or y is None or not ledger.printed(p, "anggaran") or x == y:
            continue
        diff = x - y
        what = (f"its {len(parts)} {LEVEL_WORDS[parts[0].level]} rows in {real.code} add up to {_fmt(y)}"
                if top > RANK["program"] else f"{real.code} gives it {_fmt(y)}")
        msg = (f"In the Perjanjian Kinerja ({pk.code}, row {p.row_no}, page {p.page}), program {p.item} has anggaran "
               f"{_fmt(x)} but {what} (page {parts[0].page}), a difference of {_fmt(diff, signed=True)}")
        cells_ = [real.row(r.row_no).values.get("anggaran") for r in parts]
        steps = [c.step for c in cells_ if c is not None] + [p.values["anggaran"].step]
        severity = "rounding" if abs(diff) <= max(steps) / 2 * (len(parts) + 1) else "error"
        severity, msg = _weigh(severity, msg, _doubts(pk, [p.values["anggaran"]]) + _doubts(real, [c for c in cells_ if c]))
        out.append(Finding(
            doc_id=pk.doc_id, check="cross_table", severity=severity, table_code=f"{pk.code} / {real.code}", message=msg,
            cells=(CellRef(pk.table_id, p.row_no, "anggaran", "checked"),) + tuple(CellRef(real.table_id, r.row_no, "anggaran") for r in parts),
            row_nos=(p.row_no,) + tuple(r.row_no for r in parts), pages=tuple(sorted({p.page} | {r.page for r in parts})),
            item=p.item, column="anggaran", tahun=p.values["anggaran"].tahun, expected=y, actual=x, difference=diff,
        ))
    return out


# --------------------------------------------------------------------------------------------------
# Within a Renja: the untitled pagu table of Bab IV against T-C.33


def renja_pagu_table(doc_tables: list[_Table], ledger: _Ledger) -> list[Finding]:
    """A Renja's Bab IV often lists its programs and kegiatan with one pagu column and no caption (`other`).

    Taken for the plan year's pagu only when it is recognisably that table: a narrow table (four columns at
    most) with one money column named pagu, whose items, with amounts, join T-C.33's items for half of them
    at least (and three at least). Its pagu is then compared with the T-C.33 pagu indikatif, item by item.
    """
    t33s = [t for t in doc_tables if t.code == "T-C.33" and "pagu_indikatif" in t.columns]
    if not t33s:
        return []
    right = _items(t33s)
    doc = {"doc_id": t33s[0].doc_id, "doc_type": "renja"}
    out = []
    for t in doc_tables:
        pagu = [c for c in t.money if "pagu" in c]
        if t.code != "other" or len(t.columns) > 4 or len(pagu) != 1 or len(t.money) != 1:
            continue
        column = pagu[0]
        left = [it for it in _items([t]) if _amount_of(column)(it) is not None]
        pairs = _pair(left, right, _amount_of(column), _amount_of("pagu_indikatif"))
        if len(pairs) < 3 or len(pairs) * 2 < len(left):
            continue  # not recognisably the pagu table of T-C.33's items
        years = {c.tahun for r in t.rows for c in r.values.values() if c.tahun}
        plan = {c.tahun for t33 in t33s for r in t33.rows for n, c in r.values.items() if n == "pagu_indikatif" and c.tahun}
        if years and plan and not years & plan:
            continue  # a pagu of another year
        sides = [(_Side(doc, a, ra, column, ledger), _Side(doc, b, rb, "pagu_indikatif", ledger), how)
                 for a, b, how in pairs for ra, rb in [(_printed(a, column), _printed(b, "pagu_indikatif"))] if ra and rb]
        year = min(plan) if plan else None
        found = _money(sides, year, "error", "other / T-C.33", f"{column} / pagu_indikatif")
        why = (f"the untitled table from page {t.rows[0].page} is taken for the pagu table of Bab IV because "
               f"{len(pairs)} of its {len(left)} items with an amount are T-C.33 items")
        for f in found:
            f.message = f"{f.message.rstrip('.')}; {why}."
        out += found
    return out
