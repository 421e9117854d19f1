"""Document metadata from the first pages' text, as real covers and first chapters print it."""

from __future__ import annotations

from normalize.document import document_meta

# The cover of the Renja 2019 of Bappeda Kota Padang Panjang: the plan year beside the name, the year it
# was written at the foot.
RENJA_2019_COVER = (
    "PEMERINTAH KOTA PADANG PANJANG RENCANA KERJA (RENJA) 2019 BADAN PERENCANAAN PENELITIAN DAN "
    "PENGEMBANGAN DAERAH KOTA PADANG PANJANG TAHUN 2018 Daftar Isi BAB I PENDAHULUAN"
)
# The BKPSDM Renja begins at Bab I, whose first sentences cite regulations by number and year.
RENJA_BAB_I = (
    "BAB I PENDAHULUAN 1.1 Latar Belakang Rencana Kerja Organisasi Perangkat Daerah atau disingkat Renja OPD "
    "merupakan dokumen perencanaan OPD untuk periode 1 (satu) tahun. Mempedomani Peraturan Pemerintah Republik "
    "Indonesia Nomor 8 tahun 2008 tentang Tahapan, dan Peraturan Dalam Negeri Nomor 54 Tahun 2010 tentang "
    "Pelaksanaan. Badan Kepegawaian dan Pengembangan SDM, dan hasil evaluasi pelaksanaan Renja tahun 2017."
)


def test_a_renja_is_of_the_year_it_plans_not_the_year_on_its_cover():
    meta = document_meta(RENJA_2019_COVER, ["T-C.29", "T-C.33"])
    assert (meta.doc_type, meta.tahun, meta.pemda) == ("renja", 2019, "Kota Padang Panjang")
    assert meta.perangkat_daerah == "Badan Perencanaan Penelitian Dan Pengembangan Daerah"


def test_the_year_of_a_cited_regulation_is_not_the_documents():
    meta = document_meta(RENJA_BAB_I, ["T-C.29"])
    assert meta.tahun == 2017  # the first year not cited with a regulation's number


def test_the_plan_year_of_t_c_33_settles_a_renja_year():
    assert document_meta(RENJA_BAB_I, ["T-C.29", "T-C.33"], plan_year=2019).tahun == 2019
    # a Renstra keeps its period's first year
    assert document_meta("RENCANA STRATEGIS DINAS KESEHATAN 2014-2018", ["T-C.27"], plan_year=2019).tahun == 2014


def test_a_unit_name_stops_where_the_sentence_goes_on():
    assert document_meta(RENJA_BAB_I, []).perangkat_daerah == "Badan Kepegawaian Dan Pengembangan SDM"


def test_a_name_in_capitals_is_title_cased_but_keeps_its_acronyms():
    meta = document_meta("LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN 2018 BADAN KEPEGAWAIAN DAN PENGEMBANGAN "
                         "SUMBER DAYA MANUSIA KOTA PADANG PANJANG", [])
    assert (meta.doc_type, meta.tahun) == ("lkjip", 2018)
    assert meta.perangkat_daerah == "Badan Kepegawaian Dan Pengembangan Sumber Daya Manusia"
    assert document_meta("RENJA DINAS PUPR KABUPATEN GROBOGAN 2022", []).perangkat_daerah == "Dinas PUPR"


def test_lkjip_tables_make_an_untitled_document_an_lkjip():
    assert document_meta("BAB III AKUNTABILITAS", ["LKJIP-PK", "other"]).doc_type == "lkjip"


def test_a_pemda_is_a_capitalised_name_and_the_covers_comes_first():
    text = ("Laporan ini disusun untuk kota yang lebih baik.\nPEMERINTAH KABUPATEN GROBOGAN\nDINAS PEKERJAAN UMUM "
            "DAN PENATAAN RUANG\nJin. Gajah Mada No. 12 Purwodadi\nRENCANA STRATEGIS 2016-2021")
    meta = document_meta(text, [])
    assert (meta.pemda, meta.perangkat_daerah, meta.tahun) == (
        "Kabupaten Grobogan", "Dinas Pekerjaan Umum Dan Penataan Ruang", 2016)
    # a sentence's 'Provinsi Jawa Barat membentuk ...' ends at the lower-case word
    assert document_meta("Pemerintah Provinsi Jawa Barat membentuk Badan Ketahanan Pangan Daerah", []).pemda == (
        "Provinsi Jawa Barat")
