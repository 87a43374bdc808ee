"""Draft a press release (siaran pers) from the facts of one activity, as a Polri Humas officer writes it.

The draft follows Humas convention: a headline, a dateline (``BLORA –``), a lede answering who/what/when with
the attribution chain (``Kapolres Blora AKBP … melalui Kasat Binmas Polres Blora AKP …``), the places, the
figures, the kamtibmas messages phrased as an appeal (``mengimbau warga agar …``), the partners met, an optional
quote, and a closing paragraph. The unit's internal summary is not pasted in: the facts already say it.

It states only what is in :class:`PressFacts`: an empty or zero field is left out (no ``0 paket sembako``, no
invented quote). Counts from one to ten are written in words (``lima lokasi``), larger ones in digits with the
locale's grouping (``2.500``). Lists are joined ``A, B, dan C``; no sentence chains three ``dan`` (a long list
is split over two sentences). All fixed wording is an English msgid translated by the ``gettext`` passed in
(Indonesian is the release's language; English is a working translation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date

from outreach.exports import fmt

__all__ = [
    "PressFacts",
    "PressLocation",
    "PressMessage",
    "PressPartner",
    "PressPerson",
    "PressRelease",
    "and_count",
    "draft_press_release",
    "join_list",
]

Gettext = Callable[[str], str]

_SMALL_WORDS = frozenset(
    {
        "dan",
        "di",
        "ke",
        "dari",
        "dalam",
        "untuk",
        "yang",
        "pada",
        "bagi",
        "atau",
        "serta",
        "and",
        "of",
        "for",
        "in",
        "at",
    }
)
_EN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_AND = {"id": "dan", "en": "and"}
#: A sentence holds at most this many "dan": a third one makes the reader lose the thread.
MAX_AND = 2


@dataclass(frozen=True, kw_only=True)
class PressPerson:
    """An officer as a release names them: ``Kasat Binmas Polres Blora AKP Lilik Widiastuti, S.H.``."""

    rank: str = ""
    name: str = ""
    degrees: str = ""
    position: str = ""

    @property
    def full_name(self) -> str:
        return fmt.officer_name(_clean(self.rank), _clean(self.name), _clean(self.degrees))

    @property
    def styled(self) -> str:
        """Position then rank, name and degrees, as a lede names someone."""
        return " ".join(x for x in (_clean(self.position), self.full_name) if x)

    def same_as(self, other: PressPerson | None) -> bool:
        return other is not None and _clean(self.name).casefold() == _clean(other.name).casefold()


@dataclass(frozen=True, kw_only=True)
class PressLocation:
    """A place visited: its name (``Ponpes Al Alif Tunjungan``) and kind in prose (``pondok pesantren``)."""

    name: str
    kind_label: str = ""


@dataclass(frozen=True, kw_only=True)
class PressPartner:
    """A partner met: name (``KH. Nasir``) and role (``pengasuh Ponpes Al Alif Tunjungan``)."""

    name: str
    role: str = ""


@dataclass(frozen=True, kw_only=True)
class PressMessage:
    """A message delivered: its appeal clause (``tidak mudah percaya hoaks``) or, for free text, its label."""

    appeal: str = ""
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class PressFacts:
    """The facts a press release may state about one activity.

    ``unit_name`` (``Polres Blora``) with an optional ``parent_unit_name`` (``Polda Jawa Tengah``); ``city`` for
    the dateline; ``on`` the date; ``kind_label`` in prose (``bakti sosial``); ``commander`` the unit's head
    (Kapolres/Kapolsek) and ``leader`` who led the activity (the release says the first acted "melalui" the
    second); ``locations``; ``parcels_total`` in ``parcel_label`` units; ``beneficiaries_total`` described by
    ``beneficiary_groups``; ``messages``; ``partners``; ``quote_by``/``quote_text`` an optional quote.
    """

    unit_name: str
    on: date
    kind_label: str
    locale: str = "id"
    city: str = ""
    parent_unit_name: str = ""
    title: str = ""
    commander: PressPerson | None = None
    leader: PressPerson | None = None
    programme_name: str = ""
    locations: Sequence[PressLocation] = ()
    parcels_total: int = 0
    parcel_label: str = "paket sembako"
    beneficiaries_total: int = 0
    beneficiary_groups: Sequence[str] = ()
    messages: Sequence[PressMessage] = ()
    partners: Sequence[PressPartner] = ()
    quote_by: str = ""
    quote_text: str = ""


@dataclass(frozen=True)
class PressRelease:
    """A drafted release: the headline and the body (paragraphs separated by a blank line)."""

    headline: str
    body: str
    kicker: str = field(default="SIARAN PERS")

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def text(self) -> str:
        """Headline and body as one plain text (the form the Humas officer edits)."""
        return f"{self.headline}\n\n{self.body}"


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _prose(label: str, locale: str) -> str:
    """A catalogue label inside a sentence: ``Desa / kelurahan`` → ``desa atau kelurahan``."""
    text = _clean(re.sub(r"\s*\([^)]*\)", "", label) if locale == "en" else label)
    text = re.sub(r"\s*/\s*", " atau " if locale != "en" else " or ", text)
    if len(text) > 1 and text[1:2].islower():
        text = text[:1].lower() + text[1:]
    return text


def and_count(sentence: str, locale: str = "id") -> int:
    """How many times the word "dan" ("and") occurs in ``sentence``."""
    return len(re.findall(rf"\b{_AND.get(locale, 'dan')}\b", sentence, flags=re.IGNORECASE))


def join_list(items: Sequence[str], locale: str = "id", last: str = "") -> str:
    """``A``, ``A dan B``, ``A, B, dan C`` (``last`` replaces the final "dan", e.g. "serta")."""
    items = [i for i in items if i]
    word = last or _AND.get(locale, "dan")
    if len(items) <= 2:
        return f" {word} ".join(items)
    return ", ".join(items[:-1]) + f", {word} " + items[-1]


def _chunks(items: Sequence[str], base: str, locale: str, last: str = "") -> list[list[str]]:
    """Split ``items`` into runs each of which, joined and set in ``base``, keeps at most MAX_AND "dan"."""
    runs: list[list[str]] = []
    run: list[str] = []
    for item in items:
        trial = [*run, item]
        if run and and_count(base + " " + join_list(trial, locale, last), locale) > MAX_AND:
            runs.append(run)
            run = [item]
        else:
            run = trial
    if run:
        runs.append(run)
    return runs


def _count(n: int, locale: str) -> str:
    """Journalist's numbers: one to ten in words, larger in digits with grouping."""
    if locale == "en":
        return _EN_WORDS[n] if 1 <= n <= 10 else fmt.number(n, "en")
    return fmt.count_words(n)


def _date(d: date, locale: str) -> str:
    if locale == "en":
        return format_date(d, "EEEE, d MMMM y", locale="en")
    return fmt.press_date(d)


def _headline_case(text: str) -> str:
    words = text.split()
    out = []
    for i, w in enumerate(words):
        out.append(w.lower() if i > 0 and w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:])
    return " ".join(out)


def _stop(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unique(items: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _short_position(position: str, unit_name: str) -> str:
    """``Kasat Binmas Polres Blora`` → ``Kasat Binmas`` (a second mention drops the unit)."""
    position = _clean(position)
    for suffix in (unit_name, unit_name.replace("Polres ", "")):
        if suffix and position.casefold().endswith(" " + suffix.casefold()):
            return position[: -len(suffix) - 1]
    return position


def _quote(text: str) -> str:
    """The quoted words with the comma Indonesian and English put inside the closing quote."""
    text = _clean(text).strip('“”"')
    if text.endswith("."):
        text = text[:-1]
    return text if text.endswith(("?", "!", ",")) else text + ","


def draft_press_release(facts: PressFacts, gettext: Gettext | None = None) -> PressRelease:
    """Compose a draft release stating only the facts given (see the module docstring)."""
    t: Gettext = gettext or (lambda s: s)
    loc = "en" if facts.locale == "en" else "id"
    unit = _clean(facts.unit_name)
    unit_full = " ".join(x for x in (unit, _clean(facts.parent_unit_name)) if x)
    kind = _prose(facts.kind_label, loc)
    programme = _clean(facts.programme_name)
    locations = [
        PressLocation(name=_clean(x.name), kind_label=_prose(x.kind_label, loc))
        for x in facts.locations
        if _clean(x.name)
    ]
    groups = _unique([_clean(g) for g in facts.beneficiary_groups])
    parcels = max(facts.parcels_total, 0)
    beneficiaries = max(facts.beneficiaries_total, 0)
    parcel_label = _prose(facts.parcel_label, loc) or t("parcels")
    leader, commander = facts.leader, facts.commander
    if leader is not None and not (leader.full_name or leader.position):
        leader = None
    if commander is not None and (not commander.full_name or commander.same_as(leader)):
        commander = None
    # The speaker on second mention: "Kasat Binmas" (or the unit when nobody is named).
    speaker = _short_position(leader.position, unit) if leader else ""
    speaker = speaker or (leader.full_name if leader else "") or unit

    # Headline
    values = {"unit": unit, "kind": _headline_case(kind), "programme": programme}
    if _clean(facts.title):
        headline = _clean(facts.title)
    elif programme:
        headline = t("%(unit)s Holds %(kind)s for %(programme)s") % values
    else:
        headline = t("%(unit)s Holds %(kind)s") % values

    paragraphs: list[str] = []

    # Lede: who (with the attribution chain), what, why, when.
    values = {"unit": unit_full, "kind": kind, "programme": programme, "date": _date(facts.on, loc)}
    if commander is not None and leader is not None:
        values |= {"commander": commander.styled, "leader": leader.styled}
        lede = t("%(commander)s, through %(leader)s, held %(kind)s") % values
    elif leader is not None:
        values |= {"leader": leader.styled}
        lede = t("%(unit)s held %(kind)s led by %(leader)s") % values
    else:
        lede = t("%(unit)s held %(kind)s") % values
    if programme:
        lede += " " + t("as part of %(programme)s") % values
    lede = _stop(lede + " " + t("on %(date)s") % values)
    city = _clean(facts.city).upper()
    paragraphs.append(f"{city} – {lede}" if city else lede)

    # Where: the places, and the kinds of place the activity reached.
    if locations:
        kinds = _unique([x.kind_label for x in locations if x.kind_label])
        names = [x.name for x in locations]
        values = {"count": _count(len(locations), loc), "kinds": join_list(kinds, loc)}
        if len(locations) == 1:
            values |= {"place": names[0]}
            where = t("The activity took place at %(place)s") % values
            sentences = [_stop(where)]
        else:
            base = t("The activity reached %(count)s places") % values
            if kinds and and_count(base + " " + join_list(kinds, loc), loc) <= MAX_AND:
                base = t("The activity reached %(kinds)s at %(count)s places") % values
            runs = _chunks(names, base, loc)
            sentences = [_stop(base + ", " + t("namely %(places)s") % {"places": join_list(runs[0], loc)})]
            sentences += [
                _stop(t("Also visited were %(places)s") % {"places": join_list(r, loc)}) for r in runs[1:]
            ]
        paragraphs.append(" ".join(sentences))

    # Figures
    values = {
        "parcels": _count(parcels, loc),
        "label": parcel_label,
        "people": _count(beneficiaries, loc),
        "groups": join_list(groups, loc),
    }
    if parcels and beneficiaries:
        figures = (
            t("During the activity, officers handed over %(parcels)s %(label)s to %(people)s recipients")
            % values
        )
        if groups and and_count(figures + join_list(groups, loc), loc) <= MAX_AND:
            figures += ", " + t("among them %(groups)s") % values
        paragraphs.append(_stop(figures))
    elif parcels:
        paragraphs.append(
            _stop(t("During the activity, officers handed over %(parcels)s %(label)s") % values)
        )
    elif beneficiaries:
        paragraphs.append(_stop(t("The activity reached %(people)s residents") % values))

    # Messages, as an appeal
    appeals = _unique([_clean(m.appeal).rstrip(".;") for m in facts.messages if _clean(m.appeal)])
    quoted = _unique(
        [_clean(m.label).rstrip(".;") for m in facts.messages if not _clean(m.appeal) and _clean(m.label)]
    )
    message_sentences: list[str] = []
    if appeals:
        opener = t("On that occasion, %(speaker)s urged residents to") % {"speaker": speaker}
        runs = _chunks(appeals, opener, loc, t("and also"))
        message_sentences.append(_stop(f"{opener} {join_list(runs[0], loc, t('and also'))}"))
        again = t("%(speaker)s also asked residents to") % {"speaker": _cap(speaker)}
        message_sentences += [_stop(f"{again} {join_list(r, loc, t('and also'))}") for r in runs[1:]]
    for label in quoted:
        message_sentences.append(
            _stop(t("The officers also passed on the message “%(message)s”") % {"message": label})
        )
    if message_sentences:
        paragraphs.append(" ".join(message_sentences))

    # Partners
    partners = [
        PressPartner(name=_clean(p.name), role=_prose(p.role, loc)) for p in facts.partners if _clean(p.name)
    ]
    if partners:
        met = [
            t("%(name)s, %(role)s") % {"name": p.name, "role": p.role} if p.role else p.name for p in partners
        ]
        opener = t("%(speaker)s also met %(partners)s") % {"speaker": _cap(speaker), "partners": ""}
        runs = _chunks(met, opener, loc)
        paragraphs.append(
            " ".join(
                _stop(
                    t("%(speaker)s also met %(partners)s")
                    % {"speaker": _cap(speaker), "partners": join_list(r, loc)}
                )
                for r in runs
            )
        )

    # Quote
    if _clean(facts.quote_text) and _clean(facts.quote_by):
        paragraphs.append(
            f"“{_quote(facts.quote_text)}” " + _stop(t("said %(name)s") % {"name": _clean(facts.quote_by)})
        )

    # Closing
    place = _clean(facts.city) or unit
    paragraphs.append(
        _stop(
            t(
                "Through this activity, %(unit)s hopes to bring the police closer to the community "
                "and to keep %(place)s safe and orderly"
            )
            % {"unit": unit, "place": place}
        )
    )
    return PressRelease(headline=_clean(headline), body="\n\n".join(paragraphs), kicker=t("PRESS RELEASE"))
