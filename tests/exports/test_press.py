"""Press-release drafts (only the facts given) and the formatting helpers they rely on."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.exports import fmt
from outreach.exports.press import PressFacts, PressLocation, PressPartner, draft_press_release

SEED = PressFacts(
    unit_name="Polres Blora",
    parent_unit_name="Polda Jawa Tengah",
    city="Blora",
    on=date(2023, 11, 30),
    kind_label="bakti sosial",
    leader_rank="AKP",
    leader_name="Lilik Widiastuti",
    leader_degrees="S.H.",
    leader_position="Kasat Binmas Polres Blora",
    programme_name="Cooling System Pemilu 2024",
    locations=(
        PressLocation(name="Ponpes Al Alif Tunjungan", kind_label="pondok pesantren"),
        PressLocation(name="Ponpes Khozinatul Ulum", kind_label="pondok pesantren"),
        PressLocation(name="Panti Asuhan Darul Hadlonah", kind_label="panti asuhan"),
        PressLocation(name="Ponpes Al Muttaqin", kind_label="pondok pesantren"),
        PressLocation(name="Panti Asuhan Muhammadiyah", kind_label="panti asuhan"),
    ),
    parcels_total=50,
    messages=("jaga persatuan dan kesatuan", "jangan mudah percaya hoaks", "jaga kerukunan"),
    partners=(PressPartner(name="KH. Nasir", role="pengasuh Ponpes Al Alif Tunjungan"),),
)


def test_seed_story_release_states_the_facts() -> None:
    release = draft_press_release(SEED)

    assert release.headline == "Polres Blora Gelar Bakti Sosial dalam Rangka Cooling System Pemilu 2024"
    body = release.body
    assert body.startswith("BLORA – Polres Blora Polda Jawa Tengah menggelar kegiatan bakti sosial")
    for fact in [
        "dalam rangka Cooling System Pemilu 2024",
        "pada Kamis (30/11/2023)",
        "di lima lokasi, yaitu Ponpes Al Alif Tunjungan, Ponpes Khozinatul Ulum, "
        "Panti Asuhan Darul Hadlonah, "
        "Ponpes Al Muttaqin, dan Panti Asuhan Muhammadiyah.",
        "pondok pesantren dan panti asuhan",
        "dipimpin oleh Kasat Binmas Polres Blora AKP Lilik Widiastuti, S.H.",
        "50 paket sembako di lima lokasi",
        "jaga persatuan dan kesatuan, jangan mudah percaya hoaks, dan jaga kerukunan.",
        "KH. Nasir selaku pengasuh Ponpes Al Alif Tunjungan",
    ]:
        assert fact in body, fact
    assert "S.H.." not in body
    assert "penerima" not in body  # no beneficiaries count was given
    assert not re.search(r"[\"“”]", body)  # no quotes: nothing is attributed to anyone
    assert release.paragraphs[0].startswith("BLORA – ")
    assert release.paragraphs[-1].startswith("Polres Blora mengajak")
    assert release.text.startswith(release.headline + "\n\n")


def test_activity_without_parcels_never_mentions_parcels() -> None:
    facts = replace(SEED, kind_label="penyuluhan", parcels_total=0, beneficiaries_total=0)
    body = draft_press_release(facts).body
    assert "paket" not in body
    assert "sembako" not in body
    assert not re.search(r"\b0\b", body)


def test_empty_fields_are_left_out() -> None:
    facts = PressFacts(unit_name="Polsek Cepu", on=date(2024, 2, 9), kind_label="Jumat Curhat")
    release = draft_press_release(facts)

    assert release.headline == "Polsek Cepu Gelar Jumat Curhat"
    assert release.paragraphs == [
        "Polsek Cepu menggelar kegiatan Jumat Curhat pada Jumat (09/02/2024).",
        "Polsek Cepu mengajak seluruh lapisan masyarakat untuk bersama-sama menjaga situasi kamtibmas agar "
        "tetap aman dan kondusif.",
    ]
    for absent in ["dipimpin", "pesan", "bertemu", "lokasi", "paket", "dalam rangka", "–"]:
        assert absent not in release.body


def test_beneficiaries_without_parcels() -> None:
    facts = replace(SEED, parcels_total=0, beneficiaries_total=200, beneficiary_group="warga pesisir")
    body = draft_press_release(facts).body
    assert "Kegiatan tersebut menjangkau 200 warga pesisir." in body
    assert "paket" not in body


def test_parcels_with_beneficiaries_and_a_custom_item() -> None:
    facts = replace(
        SEED,
        locations=SEED.locations[:1],
        parcels_total=3,
        parcel_label="kursi roda",
        beneficiaries_total=2500,
    )
    body = draft_press_release(facts).body
    assert "pada Kamis (30/11/2023) di Ponpes Al Alif Tunjungan." in body
    assert "menyerahkan tiga kursi roda kepada 2.500 penerima manfaat." in body
    assert "lokasi" not in body
    assert "Sasaran kegiatan" not in body  # one location: its kind adds nothing


def test_many_locations_are_counted_not_listed() -> None:
    locations = tuple(PressLocation(name=f"Desa {i}", kind_label="desa/kelurahan") for i in range(12))
    body = draft_press_release(replace(SEED, locations=locations)).body
    assert "di 12 lokasi." in body
    assert "Desa 11" not in body
    assert "50 paket sembako di 12 lokasi." in body


def test_summary_is_its_own_paragraph_and_title_overrides_headline() -> None:
    facts = replace(
        SEED,
        title="Bakti Sosial Polres Blora, Menguatkan Cooling System Pemilu 2024",
        summary="kegiatan juga menjadi sarana silaturahmi\n\nbantuan diharapkan bermanfaat bagi warga",
    )
    release = draft_press_release(facts)
    assert release.headline == "Bakti Sosial Polres Blora, Menguatkan Cooling System Pemilu 2024"
    assert "Kegiatan juga menjadi sarana silaturahmi." in release.paragraphs
    assert "Bantuan diharapkan bermanfaat bagi warga." in release.paragraphs


def test_partners_without_role_and_single_message() -> None:
    facts = replace(
        SEED,
        leader_position="",
        messages=("tolak politik uang",),
        partners=(PressPartner(name="Camat Cepu"), PressPartner(name="Danramil Cepu", role="TNI")),
    )
    body = draft_press_release(facts).body
    assert "dipimpin oleh AKP Lilik Widiastuti, S.H." in body
    assert (
        "AKP Lilik Widiastuti, S.H. juga menyampaikan pesan kamtibmas kepada masyarakat, "
        "yaitu tolak politik uang." in body
    )
    assert "bertemu dengan Camat Cepu dan Danramil Cepu selaku TNI." in body


_words = st.text(alphabet=st.sampled_from("abcdefghij KLMN "), max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    parcels=st.integers(min_value=0, max_value=5000),
    beneficiaries=st.integers(min_value=0, max_value=5000),
    locations=st.lists(_words, max_size=8),
    messages=st.lists(_words, max_size=4),
    partners=st.lists(st.tuples(_words, _words), max_size=3),
    leader=_words,
)
def test_never_states_a_zero_or_an_empty_fact(
    parcels: int,
    beneficiaries: int,
    locations: list[str],
    messages: list[str],
    partners: list[tuple[str, str]],
    leader: str,
) -> None:
    facts = PressFacts(
        unit_name="Polres Blora",
        on=date(2023, 11, 30),
        kind_label="sambang",
        city="Blora",
        leader_name=leader,
        locations=tuple(PressLocation(name=n) for n in locations),
        parcels_total=parcels,
        beneficiaries_total=beneficiaries,
        messages=tuple(messages),
        partners=tuple(PressPartner(name=n, role=r) for n, r in partners),
    )
    release = draft_press_release(facts)
    body = release.body

    assert "None" not in body
    assert " 0 " not in body
    assert "nol" not in body.split()
    assert ("paket sembako" in body) == (parcels > 0)
    assert ("penerima manfaat" in body) == (beneficiaries > 0)
    assert ("pesan kamtibmas" in body) == any(m.strip(" .;") for m in messages)
    assert ("bertemu" in body) == any(n.strip() for n, _ in partners)
    assert "  " not in body
    assert ", ," not in body
    assert " ." not in body


# -- formatting helpers (outreach.exports.fmt) ----


def test_long_date() -> None:
    assert fmt.long_date(date(2023, 11, 30), "id") == "Kamis, 30 November 2023"
    assert fmt.long_date(date(2023, 11, 30), "en") == "Thursday, 30 November 2023"
    assert fmt.plain_date(date(2024, 2, 14)) == "14 Februari 2024"


def test_press_and_short_dates() -> None:
    assert fmt.press_date(date(2023, 11, 30)) == "Kamis (30/11/2023)"
    assert fmt.press_date(date(2024, 2, 4)) == "Minggu (04/02/2024)"
    assert fmt.short_date(date(2024, 2, 4), "id") == "04/02/2024"
    assert fmt.short_date(date(2024, 2, 4), "en") == "4 Feb 2024"
    assert fmt.month_label(date(2023, 12, 1), "id") == "Des 2023"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (2500, "id", "2.500"),
        (2500, "en", "2,500"),
        (1234.5, "id", "1.234,5"),
        (1234.5, "en", "1,234.5"),
        (-1_000_000, "id", "-1.000.000"),
        (7, "id", "7"),
    ],
)
def test_number(value: float, locale: str, expected: str) -> None:
    assert fmt.number(value, locale) == expected


def test_time_labels() -> None:
    assert fmt.time_label(time(8, 30), "WIB") == "pukul 08.30 WIB"
    assert fmt.time_label(time(14, 5), "WITA", "en") == "14:05 WITA"
    assert fmt.time_range_label(time(8, 30), time(11, 0), "WIB") == "pukul 08.30 s.d. 11.00 WIB"
    assert fmt.time_range_label(time(8, 30), None, "WIT") == "pukul 08.30 WIT s.d. selesai"


def test_names() -> None:
    assert fmt.signature_name("Lilik Widiastuti", "S.H.") == "LILIK WIDIASTUTI, S.H."
    assert fmt.signature_name("Wawan  Andi Susanto", "S.I.K., M.H.") == "WAWAN ANDI SUSANTO, S.I.K., M.H."
    assert fmt.signature_name("Budi", "") == "BUDI"
    assert fmt.officer_name("AKP", "Lilik Widiastuti", "S.H.") == "AKP Lilik Widiastuti, S.H."
    assert fmt.officer_name("", "Siti", "") == "Siti"
    assert fmt.rank_id_line("AKP", "12345678") == "AKP NRP 12345678"
    assert fmt.rank_id_line("Penata", "198501012010011001") == "Penata NIP 198501012010011001"
    assert fmt.rank_id_line("AKP", "") == "AKP"


def test_count_words() -> None:
    assert [fmt.count_words(n) for n in (1, 5, 10)] == ["satu", "lima", "sepuluh"]
    assert fmt.count_words(11) == "11"
    assert fmt.count_words(2500) == "2.500"


def test_release_renders_as_a_text_pdf() -> None:
    from outreach.exports.pdf import build_text_pdf

    from .conftest import page_texts

    release = draft_press_release(SEED)
    text = " ".join(page_texts(build_text_pdf(release.headline, release.paragraphs)))
    assert release.headline in text
    assert "BLORA – Polres Blora Polda Jawa Tengah menggelar kegiatan bakti sosial" in text
    assert "50 paket sembako di lima lokasi" in text
