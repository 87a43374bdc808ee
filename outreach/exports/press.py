"""Draft a press release (siaran pers) in Bahasa Indonesia from the facts of one activity.

The draft follows Indonesian press convention: a headline, a dateline (``BLORA –``), a lead answering
who/what/where/when (``Kamis (30/11/2023)``), the figures, the messages delivered, the partners met, the
summary written by the unit, and a closing appeal.

It states only what is in :class:`PressFacts`: an empty or zero field is simply left out (no
``0 paket sembako``, no invented quotes). Counts from one to ten are written in words, as the press does
(``lima lokasi``), larger ones in digits with Indonesian grouping (``2.500``). The result is a draft for
the public-relations officer to edit, not a publication.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from outreach.exports import fmt

__all__ = ["PressFacts", "PressLocation", "PressPartner", "PressRelease", "draft_press_release"]

_SMALL_WORDS = frozenset(
    {"dan", "di", "ke", "dari", "dalam", "untuk", "yang", "pada", "bagi", "atau", "serta"}
)


@dataclass(frozen=True, kw_only=True)
class PressLocation:
    """A place visited: its name (``Ponpes Al Alif Tunjungan``) and kind label (``pondok pesantren``)."""

    name: str
    kind_label: str = ""


@dataclass(frozen=True, kw_only=True)
class PressPartner:
    """A partner met: name (``KH. Nasir``) and role (``pengasuh Ponpes Al Alif Tunjungan``)."""

    name: str
    role: str = ""


@dataclass(frozen=True, kw_only=True)
class PressFacts:
    """The facts a press release may state about one activity.

    ``unit_name`` (``Polres Blora``) with an optional ``parent_unit_name`` (``Polda Jawa Tengah``); ``city``
    for the dateline (``BLORA``); ``on`` the activity date; ``kind_label`` (``bakti sosial``); ``title`` an
    optional headline chosen by the user (otherwise one is composed); the leader as ``leader_rank``,
    ``leader_name``, ``leader_degrees`` and ``leader_position`` (``Kasat Binmas Polres Blora``);
    ``programme_name`` (``Cooling System Pemilu 2024``); ``locations``; ``parcels_total`` counted in
    ``parcel_label`` units (``paket sembako``); ``beneficiaries_total`` described by ``beneficiary_group``
    (``warga``; default ``penerima manfaat``); ``messages`` the kamtibmas messages delivered; ``partners``
    met; ``summary`` free text from the unit, printed as its own paragraph.
    """

    unit_name: str
    on: date
    kind_label: str
    city: str = ""
    parent_unit_name: str = ""
    title: str = ""
    leader_rank: str = ""
    leader_name: str = ""
    leader_degrees: str = ""
    leader_position: str = ""
    programme_name: str = ""
    locations: Sequence[PressLocation] = ()
    parcels_total: int = 0
    parcel_label: str = "paket sembako"
    beneficiaries_total: int = 0
    beneficiary_group: str = ""
    messages: Sequence[str] = ()
    partners: Sequence[PressPartner] = ()
    summary: str = ""


@dataclass(frozen=True)
class PressRelease:
    """A drafted release: the headline and the body (paragraphs separated by a blank line)."""

    headline: str
    body: str

    @property
    def paragraphs(self) -> list[str]:
        """The body split into paragraphs (e.g. for :func:`outreach.exports.pdf.build_text_pdf`)."""
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def text(self) -> str:
        """Headline and body as one plain text."""
        return f"{self.headline}\n\n{self.body}"


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _join(items: Sequence[str]) -> str:
    """Indonesian list: ``A``, ``A dan B``, ``A, B, dan C``."""
    items = [i for i in items if i]
    if len(items) <= 2:
        return " dan ".join(items)
    return ", ".join(items[:-1]) + ", dan " + items[-1]


def _headline_case(text: str) -> str:
    """Capitalise the first letter of each word (keeping acronyms such as ``DDS``), small words lower."""
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if i > 0 and w.lower() in _SMALL_WORDS:
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return _stop(text[:1].upper() + text[1:])


def _stop(text: str) -> str:
    """End a sentence with one full stop (a name such as ``S.H.`` already ends with one)."""
    return text if text.endswith((".", "!", "?")) else text + "."


def _unique(items: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def draft_press_release(facts: PressFacts) -> PressRelease:
    """Compose a draft release stating only the facts given (see the module docstring)."""
    unit = _clean(facts.unit_name)
    unit_full = " ".join(x for x in (unit, _clean(facts.parent_unit_name)) if x)
    kind = _clean(facts.kind_label)
    kind_phrase = kind if kind.lower().startswith("kegiatan") else f"kegiatan {kind}" if kind else "kegiatan"
    programme = _clean(facts.programme_name)
    leader_name = fmt.officer_name(
        _clean(facts.leader_rank), _clean(facts.leader_name), _clean(facts.leader_degrees)
    )
    position = _clean(facts.leader_position)
    locations = [
        PressLocation(name=_clean(x.name), kind_label=_clean(x.kind_label))
        for x in facts.locations
        if _clean(x.name)
    ]
    messages = _unique([_clean(m).rstrip(".;") for m in facts.messages if _clean(m)])
    partners = [
        PressPartner(name=_clean(p.name), role=_clean(p.role)) for p in facts.partners if _clean(p.name)
    ]
    parcels = max(facts.parcels_total, 0)
    beneficiaries = max(facts.beneficiaries_total, 0)
    parcel_label = _clean(facts.parcel_label) or "paket"

    # Headline
    if _clean(facts.title):
        headline = _clean(facts.title)
    else:
        headline = f"{unit} Gelar {_headline_case(kind) if kind else 'Kegiatan'}"
        if programme:
            headline += f" dalam Rangka {programme}"

    paragraphs: list[str] = []

    # Lead: who, what, why (programme), when, where
    lead = f"{unit_full} menggelar {kind_phrase}"
    if programme:
        lead += f" dalam rangka {programme}"
    lead += f" pada {fmt.press_date(facts.on)}"
    if len(locations) == 1:
        lead += f" di {locations[0].name}"
    elif 1 < len(locations) <= 5:
        lead += f" di {fmt.count_words(len(locations))} lokasi, yaitu {_join([x.name for x in locations])}"
    elif len(locations) > 5:
        lead += f" di {fmt.count_words(len(locations))} lokasi"
    lead = _stop(lead)
    kinds = _unique([x.kind_label for x in locations if x.kind_label])
    if kinds and len(locations) > 1:
        lead += f" Sasaran kegiatan meliputi {_join(kinds)}."
    if leader_name or position:
        lead += " " + _stop(
            f"Kegiatan tersebut dipimpin oleh {' '.join(x for x in (position, leader_name) if x)}"
        )
    dateline = _clean(facts.city).upper()
    paragraphs.append(f"{dateline} – {lead}" if dateline else lead)

    # Figures
    if parcels:
        figures = f"Dalam kegiatan tersebut, petugas menyerahkan {fmt.count_words(parcels)} {parcel_label}"
        if len(locations) > 1:
            figures += f" di {fmt.count_words(len(locations))} lokasi"
        if beneficiaries:
            group = _clean(facts.beneficiary_group) or "penerima manfaat"
            figures += f" kepada {fmt.count_words(beneficiaries)} {group}"
        paragraphs.append(_stop(figures))
    elif beneficiaries:
        group = _clean(facts.beneficiary_group) or "penerima manfaat"
        paragraphs.append(_stop(f"Kegiatan tersebut menjangkau {fmt.count_words(beneficiaries)} {group}"))

    # Messages
    if messages:
        speaker = position or leader_name or "Petugas"
        noun = "pesan kamtibmas" if len(messages) == 1 else "sejumlah pesan kamtibmas"
        paragraphs.append(
            _stop(
                f"Dalam kesempatan tersebut, {speaker} juga menyampaikan {noun} kepada masyarakat, yaitu "
                f"{_join(messages)}"
            )
        )

    # Partners
    if partners:
        met = _join([f"{p.name} selaku {p.role}" if p.role else p.name for p in partners])
        paragraphs.append(_stop(f"Petugas juga bertemu dengan {met}"))

    # Summary written by the unit
    summary_paragraphs = [_sentence(_clean(p)) for p in re.split(r"\n\s*\n", facts.summary) if _clean(p)]
    paragraphs.extend(summary_paragraphs)

    # Closing appeal (the unit's standing appeal, not a quote)
    paragraphs.append(
        f"{unit} mengajak seluruh lapisan masyarakat untuk bersama-sama menjaga situasi kamtibmas "
        "agar tetap aman dan kondusif."
    )

    return PressRelease(headline=_clean(headline), body="\n\n".join(paragraphs))
