"""normalize.scale: a '(Rp.000)' header scales a column only when another table of the document proves it."""

from decimal import Decimal

from normalize.scale import confirm_thousands


def _doc(printed_31: list[str], pagu_33: list[str]):
    names = ["Program A", "Kegiatan B", "Kegiatan C", "Kegiatan D"]
    tables = [
        {"table_id": "t31", "columns": ["rancangan_uraian", "rancangan_pagu_indikatif"], "header": ["Program", "Pagu Indikatif (Rp.000)"]},
        {"table_id": "t33", "columns": ["uraian", "pagu_indikatif"], "header": ["Program", "Pagu Indikatif"]},
    ]
    rows = [{"table_id": t, "row_no": i, "uraian": n} for t in ("t31", "t33") for i, n in enumerate(names, 1)]
    values = [{"table_id": "t31", "table_code": "T-C.31", "row_no": i, "column_name": "rancangan_pagu_indikatif", "value": Decimal(p),
               "unit": "Rp", "parse_note": None} for i, p in enumerate(printed_31, 1)]
    values += [{"table_id": "t33", "table_code": "T-C.33", "row_no": i, "column_name": "pagu_indikatif", "value": Decimal(p),
                "unit": "Rp", "parse_note": None} for i, p in enumerate(pagu_33, 1)]
    return tables, rows, values


def test_thousands_confirmed_by_t_c_33_are_scaled():
    tables, rows, values = _doc(["7190956", "4200", "62760", "279367"], ["7190956000", "4200000", "62760000", "279367000"])
    confirm_thousands(tables, rows, values)
    t31 = [v["value"] for v in values if v["table_id"] == "t31"]
    assert t31 == [Decimal("7190956000"), Decimal("4200000"), Decimal("62760000"), Decimal("279367000")]
    assert values[0]["parse_note"].startswith("×1000: header says thousands and 4 items match")


def test_a_header_contradicted_by_t_c_33_is_ignored():
    tables, rows, values = _doc(["7190956000", "4200000", "62760000", "279367000"], ["7190956000", "4200000", "62760000", "279367000"])
    confirm_thousands(tables, rows, values)
    assert values[0]["value"] == Decimal("7190956000")
    assert values[0]["parse_note"].startswith("not scaled")


def test_without_a_counterpart_the_values_stay_as_printed():
    tables, rows, values = _doc(["7190956", "4200", "62760", "279367"], ["1", "2", "3", "4"])
    values = [v for v in values if v["table_id"] == "t31"]
    confirm_thousands(tables, rows, values)
    assert values[1]["value"] == Decimal("4200")
    assert values[1]["parse_note"] == "header says thousands; not confirmed by another table, kept as printed"
