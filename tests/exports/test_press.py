"""Press-release drafts (only the facts given, Humas style) and the formatting helpers they rely on."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.exports import fmt
from outreach.exports.press import (
    PressFacts,
    PressLocation,
    PressMessage,
    PressPartner,
    PressPerson,
    and_count,
    draft_press_release,
    join_list,
)
from outreach.services.reports import press_gettext

ID = press_gettext("id")
EN = press_gettext("en")

SEED = PressFacts(
    unit_name="Polres Blora",
    parent_unit_name="Polda Jawa Tengah",
    city="Blora",
    on=date(2023, 11, 30),
    kind_label="Bakti sosial",
    commander=PressPerson(
        rank="AKBP", name="Wawan Andi Susanto", degrees="S.I.K., M.H.", position="Kapolres Blora"
    ),
    leader=PressPerson(
        rank="AKP", name="Lilik Widiastuti", degrees="S.H.", position="Kasat Binmas Polres Blora"
    ),
    programme_name="Cooling System Pemilu 2024",
    locations=(
        PressLocation(name="Ponpes Al Alif Tunjungan", kind_label="Pondok pesantren"),
        PressLocation(name="Ponpes Khozinatul Ulum", kind_label="Pondok pesantren"),
        PressLocation(name="Panti Asuhan Darul Hadlonah", kind_label="Panti asuhan"),
        PressLocation(name="Ponpes Al Muttaqin", kind_label="Pondok pesantren"),
        PressLocation(name="Balai Desa Tempellemahbang", kind_label="Desa / kelurahan"),
    ),
    parcels_total=50,
    parcel_label="paket sembako",
    beneficiaries_total=67,
    beneficiary_groups=("santri yatim", "anak asuh", "lansia", "warga kurang mampu"),
    messages=(
        PressMessage(appeal="tetap menjaga persatuan dan kesatuan", label="Jaga persatuan dan kesatuan"),
        PressMessage(
            appeal="tidak mudah percaya hoaks atau berita bohong",
            label="Jangan mudah percaya hoaks / berita bohong",
        ),
        PressMessage(appeal="menolak politik uang", label="Tolak politik uang"),
        PressMessage(appeal="menjaga kerukunan dan toleransi antarumat beragama", label="Jaga kerukunan"),
        PressMessage(appeal="turut mewujudkan pemilu yang aman, damai, dan sejuk", label="Pemilu damai"),
        PressMessage(label="Jangan golput"),
    ),
    partners=(PressPartner(name="KH. Nasir", role="Pengasuh Ponpes Al Alif Tunjungan"),),
    quote_by="AKP Lilik",
    quote_text="Tadi kita bagikan 50 paket sembako di lima lokasi berbeda.",
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?”])\s+", text) if s.strip()]


def test_seed_story_release_reads_like_humas_text() -> None:
    release = draft_press_release(SEED, ID)

    assert release.kicker == "SIARAN PERS"
    assert release.headline == "Polres Blora Gelar Bakti Sosial dalam Rangka Cooling System Pemilu 2024"
    body = release.body
    assert body.startswith(
        "BLORA – Kapolres Blora AKBP Wawan Andi Susanto, S.I.K., M.H. melalui Kasat Binmas Polres Blora "
        "AKP Lilik Widiastuti, S.H. menggelar bakti sosial dalam rangka Cooling System Pemilu 2024 "
        "pada Kamis (30/11/2023)."
    )
    for fact in [
        "di lima lokasi, yaitu Ponpes Al Alif Tunjungan, Ponpes Khozinatul Ulum, Panti Asuhan Darul Hadlonah, "
        "Ponpes Al Muttaqin, dan Balai Desa Tempellemahbang.",
        "desa atau kelurahan",
        "menyerahkan 50 paket sembako kepada 67 penerima",
        "Kasat Binmas mengimbau warga agar tetap menjaga persatuan dan kesatuan, tidak mudah percaya hoaks atau "
        "berita bohong",
        "Petugas juga menyampaikan pesan “Jangan golput”.",
        "Kasat Binmas juga bersilaturahmi dengan KH. Nasir selaku pengasuh Ponpes Al Alif Tunjungan.",
        "“Tadi kita bagikan 50 paket sembako di lima lokasi berbeda,” ujar AKP Lilik.",
    ]:
        assert fact in body, fact
    assert " / " not in body
    assert "S.H.." not in body
    for sentence in _sentences(body):
        assert and_count(sentence) <= 2, sentence


def test_english_working_translation() -> None:
    release = draft_press_release(PressFacts(**{**SEED.__dict__, "locale": "en"}), EN)
    assert release.kicker == "PRESS RELEASE"
    assert "through Kasat Binmas Polres Blora" in release.body
    assert "on Thursday, 30 November 2023" in release.body
    assert "five places" in release.body


def test_join_list() -> None:
    assert join_list(["A"]) == "A"
    assert join_list(["A", "B"]) == "A dan B"
    assert join_list(["A", "B", "C"]) == "A, B, dan C"
    assert join_list(["A", "B", "C"], "en") == "A, B, and C"
    assert join_list(["A", "B", "C"], last="serta") == "A, B, serta C"


def test_commander_leading_himself_is_named_once_and_no_leader_means_the_unit() -> None:
    commander = PressPerson(rank="AKBP", name="Wawan Andi Susanto", position="Kapolres Blora")
    release = draft_press_release(PressFacts(**{**SEED.__dict__, "leader": commander}), ID)
    assert "melalui" not in release.body
    assert release.body.count("Wawan Andi Susanto") == 1
    release = draft_press_release(PressFacts(**{**SEED.__dict__, "leader": None, "commander": None}), ID)
    assert release.body.startswith("BLORA – Polres Blora Polda Jawa Tengah menggelar bakti sosial")


def test_activity_without_parcels_never_mentions_parcels() -> None:
    release = draft_press_release(PressFacts(**{**SEED.__dict__, "parcels_total": 0, "quote_text": ""}), ID)
    assert "paket" not in release.body
    assert "menjangkau 67 warga" in release.body


_words = st.text(alphabet="abcdefgh dan", min_size=0, max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    parcels=st.integers(min_value=0, max_value=5000),
    beneficiaries=st.integers(min_value=0, max_value=5000),
    locations=st.lists(_words, max_size=8),
    appeals=st.lists(_words, max_size=6),
    partners=st.lists(st.tuples(_words, _words), max_size=3),
    leader=_words,
)
def test_never_states_a_zero_or_an_empty_fact_nor_three_dan(
    parcels: int,
    beneficiaries: int,
    locations: list[str],
    appeals: list[str],
    partners: list[tuple[str, str]],
    leader: str,
) -> None:
    facts = PressFacts(
        unit_name="Polres Blora",
        on=date(2023, 11, 30),
        kind_label="sambang",
        city="Blora",
        leader=PressPerson(name=leader),
        locations=tuple(PressLocation(name=n) for n in locations),
        parcels_total=parcels,
        beneficiaries_total=beneficiaries,
        messages=tuple(PressMessage(appeal=a) for a in appeals),
        partners=tuple(PressPartner(name=n, role=r) for n, r in partners),
    )
    body = draft_press_release(facts, ID).body

    assert "None" not in body
    assert " 0 " not in body
    assert "nol" not in body.split()
    assert ("paket sembako" in body) == (parcels > 0)
    assert ("mengimbau" in body) == any(a.strip(" .;") for a in appeals)
    assert ("bersilaturahmi" in body) == any(n.strip() for n, _ in partners)
    assert "  " not in body
    assert ", ," not in body
    assert " ." not in body
    for sentence in _sentences(body):
        # a single item may itself hold "dan"s; a sentence never chains a third one through our joins
        own = max(
            (and_count(x) for x in [*appeals, *locations, *(p for pair in partners for p in pair), leader]),
            default=0,
        )
        assert and_count(sentence) <= max(2, own + 1), sentence


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
    from outreach.exports.pdf import render_text_pdf

    from .conftest import page_texts

    release = draft_press_release(SEED, ID)
    text = " ".join(page_texts(render_text_pdf(release.headline, release.paragraphs, kicker=release.kicker)))
    assert "SIARAN PERS" in text
    assert release.headline in text
    assert "50 paket sembako" in text


def test_release_as_docx_reopens() -> None:
    import io

    from docx import Document

    from outreach.exports.docx import build_text_docx

    release = draft_press_release(SEED, ID)
    data = build_text_docx(
        release.headline, release.paragraphs, kop=("RESOR BLORA", "SEKSI HUMAS"), kicker="SIARAN PERS"
    )
    assert data.startswith(b"PK")
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert texts[:2] == ["RESOR BLORA", "SEKSI HUMAS"]
    assert "SIARAN PERS" in texts
    assert release.paragraphs[0] in texts
