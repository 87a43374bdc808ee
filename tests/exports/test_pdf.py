"""PDF builders: structure of the official report, numbering, escaping, scale, fonts and page sizes."""

from __future__ import annotations

import io
import re
import time as clock
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from outreach.exports import pdf
from outreach.exports.pdf import layout as pdf_layout

from .conftest import KOP, activity_rows, page_texts

Pages = Callable[[bytes], list[str]]
LIST_HEADER = "No Tanggal Satuan Jenis Pimpinan Lokasi Paket Penerima"


def _fonts_used(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]  # a DictionaryObject; pypdf types the item as PdfObject
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_programme_report_follows_the_polri_structure(programme_report, pdf_pages: Pages) -> None:
    data = pdf.render_programme_report(programme_report())

    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_pages(data))
    expected_in_order = [
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA DAERAH JAWA TENGAH RESOR BLORA",
        "LAPORAN",
        "Nomor: R/LAP/123/XII/2023/Binmas",
        "TENTANG PELAKSANAAN KEGIATAN BINMAS DALAM RANGKA COOLING SYSTEM PEMILU 2024",
        "I. PENDAHULUAN",
        "1. Umum",
        "2. Dasar",
        "a. Surat Perintah Kapolres Blora Nomor Sprin/1234/XI/2023.",
        "b. Rencana Operasi Mantap Brata 2023.",
        "3. Maksud dan Tujuan",
        "4. Ruang Lingkup",
        "II. PELAKSANAAN",
        "III. HASIL YANG DICAPAI",
        "1. Capaian terhadap Target",
        "2. Rekapitulasi per Satuan",
        "3. Rekapitulasi per Jenis Lokasi",
        "4. Pesan Kamtibmas yang Disampaikan",
        "5. Jumlah Kegiatan per Bulan",
        "Daftar kegiatan terlampir (Lampiran I).",
        "IV. HAMBATAN / KENDALA",
        "V. KESIMPULAN DAN SARAN",
        "VI. PENUTUP",
        "Demikian laporan ini dibuat",
        "Blora, 31 Desember 2023",
        "KASAT BINMAS POLRES BLORA",
        "LILIK WIDIASTUTI, S.H.",
        "AKP NRP 12345678",
        "LAMPIRAN I",
        "DAFTAR KEGIATAN",
        "LAMPIRAN II",
        "DOKUMENTASI",
        "Penyerahan paket sembako di Ponpes Al Alif Tunjungan",
    ]
    position = 0
    for phrase in expected_in_order:
        found = text.find(phrase, position)
        assert found >= 0, f"{phrase!r} missing or out of order"
        position = found + len(phrase)


def test_programme_report_figures_and_indonesian_formats(programme_report, pdf_pages: Pages) -> None:
    text = " ".join(pdf_pages(pdf.render_programme_report(programme_report(rows=20))))

    assert "Rabu, 1 November 2023 s.d. Minggu, 31 Desember 2023" in text
    assert "20 kegiatan" in text
    assert "42 orang" in text
    assert "Sat Binmas Polres Blora, Polsek Cepu, Polsek Randublatung, Polsek Kunduran" in text
    assert "Paket sembako 60 50 83,3" in text  # target, achieved, percentage with a decimal comma
    assert "Lokasi dikunjungi - 5 -" in text  # no target: no percentage
    assert "JUMLAH 20 39 9 50 2.620" in text  # by-unit totals, id digit grouping
    assert "JUMLAH 5 5 50" in text  # by location kind
    assert "Jaga persatuan dan kesatuan 12" in text
    assert "Nov 2023" in text  # chart category labels
    assert "Des 2023" in text
    # activity list: 20 rows, parcels (i % 5) * 10 -> 4 cycles of 0+10+20+30+40, beneficiaries 0..19
    assert "01/11/2023 Sat Binmas Polres Blora Bakti sosial" in text
    assert "JUMLAH 400 190" in text


def test_every_page_says_halaman_x_dari_y(programme_report, pdf_pages: Pages) -> None:
    pages = pdf_pages(pdf.render_programme_report(programme_report(rows=150)))

    total = len(pages)
    assert total > 3
    for number, page in enumerate(pages, 1):
        assert f"Halaman {number} dari {total}" in page
        assert page.count("Halaman") == 1


def test_english_variant(programme_report, pdf_pages: Pages) -> None:
    pages = pdf_pages(pdf.render_programme_report(programme_report(locale="en")))
    text = " ".join(pages)

    for phrase in [
        "REPORT",
        "ON THE IMPLEMENTATION OF KEGIATAN BINMAS AS PART OF COOLING SYSTEM PEMILU 2024",
        "I. INTRODUCTION",
        "1. General",
        "2. Basis",
        "3. Purpose and Objectives",
        "4. Scope",
        "II. IMPLEMENTATION",
        "III. RESULTS ACHIEVED",
        "IV. OBSTACLES",
        "V. CONCLUSIONS AND RECOMMENDATIONS",
        "VI. CLOSING",
        "APPENDIX",
        "Wednesday, 1 November 2023 to Sunday, 31 December 2023",
        "Blora, 31 December 2023",
        "TOTAL 20 39 9 50 2,620",
        "No Date Unit Kind Leader Location Parcels Beneficiaries",
    ]:
        assert phrase in text
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
    assert "Halaman" not in text
    assert "PENDAHULUAN" not in text


def test_long_table_repeats_its_header_on_later_pages(programme_report, pdf_pages: Pages) -> None:
    pages = pdf_pages(pdf.render_programme_report(programme_report(rows=300, photos=())))

    list_pages = [i for i, page in enumerate(pages) if LIST_HEADER in page]
    assert len(list_pages) >= 5
    assert list_pages == list(range(list_pages[0], list_pages[-1] + 1))  # every page of the list
    for i in list_pages[1:]:
        assert pages[i].startswith(LIST_HEADER)  # the header opens each continuation page
        assert pages[i].count(LIST_HEADER) == 1  # and appears only there (no stray mid-page headers)
    # rows are numbered continuously across pages, ending with the 300th and the totals row
    numbers = [int(n) for i in list_pages for n in re.findall(r"(?:^|\s)(\d{1,3}) \d\d/\d\d/\d{4}", pages[i])]
    assert numbers == list(range(1, 301))
    assert "JUMLAH 6.000 7.350" in pages[list_pages[-1]]


def test_user_text_prints_literally(programme_report, pdf_pages: Pages) -> None:
    evil = "<script>alert('x')</script>"
    bold = "<b>x</b> & co"
    report = programme_report(
        title=f"Sambang {bold}",
        kop=(*KOP[:2], "RESOR <i>BLORA</i>"),
        umum=f"Catatan {evil} dan {bold}.",
        execution=pdf.ExecutionFacts(activity_count=1, units=(evil,), leaders=(bold,)),
        by_unit=(pdf.UnitRow(unit=bold, activities=1, visits=1, locations=1, parcels=1, beneficiaries=1),),
        activities=iter(
            [
                pdf.ActivityRow(
                    on=date(2023, 11, 30),
                    unit=evil,
                    kind="Sambang",
                    leader=bold,
                    locations="&amp;",
                    parcels=0,
                    beneficiaries=0,
                )
            ]
        ),
        signatory=pdf.Signatory(position="KASAT <BINMAS>", name=bold, rank="AKP", nrp="12345678"),
        photos=(pdf.Photo(image=b"not an image", caption=evil),),
    )

    text = " ".join(pdf_pages(pdf.render_programme_report(report)))

    assert f"Catatan {evil} dan {bold}." in text
    assert "SAMBANG <B>X</B> & CO" in text  # subject line in capitals, still literal
    assert "RESOR <i>BLORA</i>" in text
    assert f"Satuan pelaksana : {evil}" in text
    assert "&amp;" in text
    assert "KASAT <BINMAS>" in text
    assert "<B>X</B> & CO" in text  # signature name in capitals
    assert "[Foto tidak dapat ditampilkan]" in text  # broken photo bytes do not break the build
    assert evil in text


def test_control_characters_do_not_break_the_build(programme_report, pdf_pages: Pages) -> None:
    report = programme_report(rows=1, umum="baris\x00satu\x07\r\nbaris\tdua", kendala="\x1b[31m")
    text = " ".join(pdf_pages(pdf.render_programme_report(report)))
    assert "barissatu baris dua" in text


def test_ten_thousand_row_generator_streams_into_a_valid_pdf(programme_report) -> None:
    consumed = 0

    def rows() -> Iterator[pdf.ActivityRow]:
        nonlocal consumed
        for row in activity_rows(10_000):
            consumed += 1
            yield row

    report = programme_report(rows=10_000, activities=rows(), photos=())
    out = io.BytesIO()
    started = clock.process_time()  # CPU time: stable when other jobs share the machine
    pdf.write_programme_report(report, out)
    elapsed = clock.process_time() - started

    assert consumed == 10_000
    assert elapsed < 15, f"10k rows took {elapsed:.1f}s of CPU"
    reader = PdfReader(io.BytesIO(out.getvalue()))
    total = len(reader.pages)
    assert total > 150
    last_pages = [" ".join(p.extract_text().split()) for p in reader.pages[-4:]]
    tail = " ".join(last_pages)
    assert "10000 " in tail
    assert "JUMLAH 200.000 245.000" in tail
    assert f"Halaman {total} dari {total}" in last_pages[-1]
    middle = " ".join(reader.pages[total // 2].extract_text().split())
    assert middle.startswith(LIST_HEADER)


def test_empty_report_still_builds(pdf_pages: Pages) -> None:
    report = pdf.ProgrammeReport(
        title="",
        programme_name="",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 1, 31),
        signing_place="",
        signing_date=date(2024, 2, 1),
        signatory=pdf.Signatory(position="", name=""),
    )

    data = pdf.render_programme_report(report)

    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    text = " ".join(pages)
    assert "TENTANG PELAKSANAAN KEGIATAN" in text
    assert text.count("Tidak ada data.") == 6  # four tables, the chart and the activity list
    assert "Tidak ada hambatan atau kendala yang dilaporkan." in text
    assert "Tidak ada saran yang disampaikan." in text
    assert "1 Februari 2024" in text
    assert "LAMPIRAN I" in text  # the (empty) activity list is still its appendix
    assert "LAMPIRAN II" not in text  # no photos, no photo appendix
    assert f"Halaman 1 dari {len(pages)}" in pages[0]


def test_defaults_fill_empty_free_texts(programme_report, pdf_pages: Pages) -> None:
    text = " ".join(pdf_pages(pdf.render_programme_report(programme_report(rows=3, dasar=""))))
    assert "Rencana kegiatan Cooling System Pemilu 2024." in text
    assert "Laporan ini dimaksudkan sebagai bahan pertanggungjawaban" in text
    assert (
        "Selama periode laporan telah dilaksanakan 3 kegiatan dalam rangka Cooling System Pemilu 2024."
        in text
    )


def test_free_texts_replace_defaults(programme_report, pdf_pages: Pages) -> None:
    report = programme_report(
        rows=2,
        kendala="Cuaca hujan di wilayah Cepu.",
        kesimpulan="Kegiatan berjalan aman.\n\nSasaran tercapai.",
        saran="Kegiatan dilanjutkan setiap bulan.",
    )
    text = " ".join(pdf_pages(pdf.render_programme_report(report)))
    assert "IV. HAMBATAN / KENDALA Cuaca hujan di wilayah Cepu." in text
    assert "Kegiatan berjalan aman. Sasaran tercapai." in text
    assert "Kegiatan dilanjutkan setiap bulan." in text
    assert "Tidak ada hambatan" not in text


@pytest.mark.parametrize(("size", "expected_mm"), [("A4", (210, 297)), ("F4", (215, 330))])
def test_page_sizes(programme_report, size: pdf.PageSizeName, expected_mm: tuple[int, int]) -> None:
    data = pdf.render_programme_report(programme_report(rows=5, page_size=size))
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == expected_mm


def test_naskah_dinas_numbering(programme_report, pdf_pages: Pages) -> None:
    pages = pdf_pages(pdf.render_programme_report(programme_report(rows=80, page_numbering="naskah_dinas")))

    assert len(pages) > 2
    assert "Halaman" not in " ".join(pages)
    assert "- 1 -" not in pages[0]
    for number, page in enumerate(pages[1:], 2):
        assert f"- {number} -" in page
    for page, following in zip(pages, pages[1:], strict=False):
        words = following.split()
        marker = re.fullmatch(r"(?:\d+|[A-Za-z]|[IVXLC]+)[.)]", words[0])
        expected = " ".join(words[:2] if marker else words[:1])
        assert page.endswith(f"{expected} …"), (expected, page[-60:])
    assert not pages[-1].endswith("…")


def test_dejavu_fonts_are_embedded_when_present(programme_report) -> None:
    if not (pdf.FONT_DIR / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    fonts = _fonts_used(pdf.render_programme_report(programme_report(rows=2)))
    assert any("DejaVuSans" in f for f in fonts)
    assert not any("Helvetica" in f for f in fonts)


def test_falls_back_to_helvetica_without_dejavu(
    programme_report, pdf_pages: Pages, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf_layout, "FONT_DIR", tmp_path)

    data = pdf.render_programme_report(programme_report(rows=30))

    assert {f.lstrip("/") for f in _fonts_used(data)} <= {"Helvetica", "Helvetica-Bold"}
    pages = pdf_pages(data)
    assert "I. PENDAHULUAN" in pages[0]
    assert f"Halaman 1 dari {len(pages)}" in pages[0]


def test_activity_report_tells_the_seed_story(activity_report, pdf_pages: Pages) -> None:
    data = pdf.render_activity_report(activity_report())

    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    text = " ".join(pages)
    for phrase in [
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA DAERAH JAWA TENGAH RESOR BLORA",
        "LAPORAN TENTANG PELAKSANAAN BAKTI SOSIAL DALAM RANGKA COOLING SYSTEM PEMILU 2024",
        "I. PELAKSANAAN",
        "Jenis kegiatan : Bakti sosial",
        "Hari/tanggal : Kamis, 30 November 2023",
        "Waktu : pukul 08.30 s.d. 11.00 WIB",
        "Pimpinan kegiatan : AKP Lilik Widiastuti, S.H., Kasat Binmas Polres Blora",
        "Bripka Agus Santoso, Briptu Dewi Lestari",
        "II. HASIL KEGIATAN",
        "1 Ponpes Al Alif Tunjungan Pondok pesantren KH. Nasir (pengasuh) 10 40 santri",
        "brosur 50 lembar",
        "JUMLAH 50 40",
        "a. Jaga persatuan dan kesatuan",
        "b. Jangan mudah percaya hoaks",
        "c. Jaga kerukunan",
        "a. KH. Nasir selaku pengasuh Ponpes Al Alif Tunjungan",
        "infodesanews, “Bakti Sosial Polres Blora”, 30 November 2023",
        "III. PENUTUP",
        "Blora, 30 November 2023",
        "LILIK WIDIASTUTI, S.H.",
        "AKP NRP 12345678",
        "LAMPIRAN",
        "Sowan ke KH. Nasir",
    ]:
        assert phrase in text, phrase
    for number, page in enumerate(pages, 1):
        assert f"Halaman {number} dari {len(pages)}" in page


def test_activity_report_with_nothing_to_list(activity_report, pdf_pages: Pages) -> None:
    report = activity_report(
        start_time=None,
        end_time=None,
        officers=(),
        programme="",
        visits=(),
        messages=(),
        partners=(),
        summary="",
        media=(),
        photos=(),
        report_number="",
    )
    text = " ".join(pdf_pages(pdf.render_activity_report(report)))
    assert "TENTANG PELAKSANAAN BAKTI SOSIAL" in text
    assert "DALAM RANGKA" not in text
    assert "Waktu" not in text  # no time given: the line is left out
    assert "Tidak ada data." in text
    assert text.count("Nihil.") == 4
    assert "LAMPIRAN" not in text


def test_activity_report_in_english(activity_report, pdf_pages: Pages) -> None:
    text = " ".join(pdf_pages(pdf.render_activity_report(activity_report(locale="en"))))
    assert "REPORT ON THE IMPLEMENTATION OF BAKTI SOSIAL AS PART OF COOLING SYSTEM PEMILU 2024" in text
    assert "Day/date : Thursday, 30 November 2023" in text
    assert "Time : 08:30 to 11:00 WIB" in text
    assert "a. KH. Nasir, pengasuh Ponpes Al Alif Tunjungan" in text
    assert "Page 1 of" in text


def test_text_pdf_for_a_press_release(pdf_pages: Pages) -> None:
    data = pdf.render_text_pdf(
        "Polres Blora Gelar Bakti Sosial <Cooling System>",
        [
            "BLORA – Polres Blora menggelar kegiatan bakti sosial pada Kamis (30/11/2023).",
            "",
            "Paragraf & dua.",
        ],
        subtitle="Siaran pers",
    )
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_pages(data))
    assert "Polres Blora Gelar Bakti Sosial <Cooling System>" in text
    assert "BLORA – Polres Blora menggelar kegiatan bakti sosial pada Kamis (30/11/2023)." in text
    assert "Paragraf & dua." in text
    assert "Halaman 1 dari 1" in text


def test_text_pdf_without_content_builds() -> None:
    assert pdf.render_text_pdf("", []).startswith(b"%PDF-")


def test_page_texts_helper_normalises_whitespace(programme_report) -> None:
    # the helper used above: one string per page, single spaces
    pages = page_texts(pdf.render_programme_report(programme_report(rows=1)))
    assert all("  " not in p and "\n" not in p for p in pages)
