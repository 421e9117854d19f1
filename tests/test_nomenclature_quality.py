"""Matching quality on real documents, measured the way `make bench` measures it (nomenclature_bench.py).

Needs ../shared (the published nomenclature and the real documents); skipped without it. Seven
documents are extracted (about a minute): the three with current codes next to their names
(Renstra 2021-2026 DPUPR Grobogan, Renja 2025 DPUPR-PERA Kaltim, the Renstra 2025-2026 Kecamatan
Kanigaran of the corpus) and four Permendagri 13/2006 ones (three Jawa Barat files of 2016, the
Renja 2018 Disdukcapil Padang Panjang). The printed code is the truth (`nomenclature.evaluation`);
the names are matched without it, and the numbers asserted are those of the held-out half of the
labelled rows, as measured on this code (see nomenclature/README.md), with no margin for getting worse.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NOMENCLATURE = SHARED / "nomenclature"
if not (NOMENCLATURE / "nomenclature.csv").exists() or not (SHARED / "realdocs").is_dir():
    pytest.skip(f"{SHARED} is missing (the published nomenclature and the real documents live there, outside the repo): "
                "matching quality on real documents not measured", allow_module_level=True)

from nomenclature import evaluation as ev  # noqa: E402
from nomenclature.matcher import Match, Matcher  # noqa: E402
from nomenclature.reference import import_reference, load_reference  # noqa: E402
from pipelines.run import process_file  # noqa: E402

DOCUMENTS = (
    "realdocs/shlmita__pupr__RencanaStrategis.pdf",
    "realdocs/ririnylzz__Optimalisasi-SIBIKON__renja.pdf",
    "corpus/pdfs/001-a.pdf",
    "realdocs/andri000me__aplikasi_esakip__datarenja--Rekapitulasi Evaluasi Hasil Pelaksanaan Renja BPMPD.pdf",
    "realdocs/andri000me__aplikasi_esakip__datarenja--08.RENJA DISKOMINFO 2016.pdf",
    "realdocs/andri000me__aplikasi_esakip__datarenja--Renja2016.pdf",
    "realdocs/frisdiandi__portalpp__5f34f01e6a92b_renja_capil-2018.pdf",
)


class _NoMatching:
    """Extraction without matching: the rows keep the level the document gave them."""

    class reference:
        version = "none"

    def match_many(self, names, *args, **kwargs):
        return [Match(None, None, "none", 0.0, None, "unmatched") for _ in names]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    store = tmp_path_factory.mktemp("nomenclature")
    import_reference(NOMENCLATURE / "nomenclature.csv", version="pemutakhiran-2027", store=store)
    import_reference(NOMENCLATURE / "nomenclature_kabkota_2023.csv", version="kabkota-2023", store=store)
    return load_reference("pemutakhiran-2027", store), load_reference("kabkota-2023", store)


@pytest.fixture(scope="module")
def labelled(reference):
    rows = []
    for doc in DOCUMENTS:
        result = process_file(SHARED / doc, matcher=_NoMatching())
        assert result.document["status"] == "ok", doc
        rows += [r | {"file": Path(doc).name} for r in result.rows]
    rows = pd.DataFrame(rows)
    successors = pd.read_csv(NOMENCLATURE / "kabkota_2023_vs_2027.csv", dtype=str, keep_default_na=False)
    lab = ev.label(ev.printed_pairs(rows), reference[0], reference[1], successors)
    lab["file"] = lab["doc_id"].map(rows.drop_duplicates("doc_id").set_index("doc_id")["file"])
    lab["half"] = ev.split(lab["name"])
    return lab[lab["truth"].notna() | (lab["label_status"] == "legacy")]


@pytest.fixture(scope="module")
def matchers(reference):
    return {p: Matcher(reference[0], pemda=p) for p in ("kabkota", "provinsi")}


def _per_level(got: pd.DataFrame) -> dict:
    return ev.summary(got).set_index("level").to_dict("index")


def test_the_labelled_set_holds_the_printed_codes_of_current_and_legacy_documents(labelled):
    positives = labelled[labelled["truth"].notna()]
    by_file = positives["file"].value_counts().to_dict()
    assert by_file["shlmita__pupr__RencanaStrategis.pdf"] >= 140
    assert by_file["001-a.pdf"] >= 40
    # provinsi codes (kegiatan digit 1): the program, 2 kegiatan and 9 sub kegiatan of p.1 and the 9 rows of
    # p.2, whose table is of no template (code | name | indikator | pagu ...) and reads its code from the first cell
    assert by_file["ririnylzz__Optimalisasi-SIBIKON__renja.pdf"] == 21
    assert set(positives.loc[positives["file"].str.startswith("ririnylzz"), "pemda"]) == {"provinsi"}
    legacy = labelled[labelled["label_status"] == "legacy"]
    assert legacy["file"].str.startswith("andri000me").sum() >= 40
    assert (legacy["file"] == "frisdiandi__portalpp__5f34f01e6a92b_renja_capil-2018.pdf").sum() >= 70
    # The labels resolve older codes: 90/2019 two-digit sub kegiatan codes, 2023-only codes.
    assert {"current", "renumbered", "successor"} <= set(positives["label_status"])


def test_held_out_names_alone_with_the_level_the_document_gives(labelled, matchers):
    held = labelled[labelled["half"] == "held_out"]
    got = ev.outcomes(matchers.__getitem__, held, level_from="document")
    s = _per_level(got)
    assert s["program"]["right"] == 1.0 and s["kegiatan"]["right"] == 1.0
    assert s["sub_kegiatan"]["right"] >= 0.98  # measured 59/60: `Penatausahaan Barang Milik Daerah` is cut (renstra L1137)
    assert s["all"]["wrong"] == 0.0
    assert s["all"]["positives"] >= 100
    assert s["all"]["legacy_matched"] == 0.0  # names alone: no 13/2006 row of these documents meets a current code


def test_held_out_names_alone_without_any_level(labelled, matchers):
    got = ev.outcomes(matchers.__getitem__, labelled[labelled["half"] == "held_out"], level_from="none")
    s = _per_level(got)
    assert s["all"]["right"] >= 0.99 and s["all"]["wrong"] == 0.0
    assert s["all"]["legacy_matched"] == 0.0


def test_held_out_as_in_the_run_and_against_the_baseline(labelled, matchers, reference):
    held = labelled[labelled["half"] == "held_out"]
    ours = _per_level(ev.outcomes(matchers.__getitem__, held, level_from="document", with_code=True))
    assert ours["all"]["right"] == 1.0 and ours["all"]["legacy_matched"] == 0.0
    baseline = _per_level(ev.baseline(reference[0], held))  # WRatio@90, told the true level
    assert baseline["all"]["wrong"] > ours["all"]["wrong"] == 0.0
