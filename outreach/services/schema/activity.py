"""The activity's one input definition: the activity with its visits, items, officers, partners, messages and
coverage.

The place a visit describes inline is :class:`~outreach.services.schema.location.LocationInput`.

The browser form, the API (POST and PATCH), the importer, the demo and the CLI all build these models, and
:mod:`outreach.services.activities` takes them. Python names are the services' (``occurred_on``,
``contact_name``); aliases are the API's wire names (``date``, ``contact``), which are also the paths of the
errors. Bounds follow the model columns. Rules that need the database (a known programme, a unit in the
caller's area, a date inside the programme, a known catalogue code) stay in the services, which report them
under the same wire paths.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .base import MAX_LIST, Code, Count, Id, Line, LongLine, Schema
from .location import LocationInput as LocationInput


class ItemInput(Schema):
    """Something handed over besides the headline parcels (rice, leaflets, cash aid …)."""

    name: Line = Field(max_length=200)
    quantity: Count
    kind: Code | None = Field(default=None, description="Item kind code, e.g. beras, brosur.")
    measure: Line = Field(default="", max_length=20)


class VisitInput(Schema):
    """One location visited: give ``location_id`` of a registered place or describe it in ``location``."""

    location_id: Id | None = None
    location: LocationInput | None = None
    parcels: Count = 0
    beneficiaries: Count = 0
    beneficiary_group: Line = Field(default="", max_length=200)
    contact_name: Line = Field(
        max_length=160,
        default="",
        alias="contact",
        description="The person met (e.g. the head of the ponpes).",
    )
    contact_role: Line = Field(default="", max_length=160)
    notes: LongLine = Field(default="", max_length=5000)
    items: list[ItemInput] = Field(default_factory=list, max_length=MAX_LIST)


class PersonInput(Schema):
    """An officer: rank as Polri writes it (AKP, Bripka, Kombes Pol …), name, optional NRP (8 digits)."""

    rank: Line = Field(max_length=20)
    name: Line = Field(max_length=160)
    position: Line = Field(default="", max_length=160)
    nrp: Line = Field(default="", max_length=18)
    degrees: Line = Field(default="", max_length=80)
    person_id: Id | None = None


class PartnerInput(Schema):
    """Someone present who is not police (Camat, Danramil, kepala desa …)."""

    name: Line = Field(max_length=200)
    role: Line = Field(default="", max_length=200)
    kind: Code | None = Field(default=None, description="Partner kind code, e.g. camat, tni, tokoh_agama.")


def _partner_from_text(value: Any) -> Any:
    """A bare text is a partner's name (the API has always taken ``"Camat Blora"`` for a partner)."""
    return {"name": value} if isinstance(value, str) else value


Partner = Annotated[
    PartnerInput, BeforeValidator(_partner_from_text, json_schema_input_type=str | PartnerInput)
]


class CoverageInput(Schema):
    """A news item about the activity."""

    outlet: Line = Field(max_length=160)
    url: Line = Field(default="", max_length=500)
    published_on: dt.date | None = None
    headline: Line = Field(default="", max_length=300)


class ActivityInput(Schema):
    """An activity with its visits, as POST /api/v1/activities takes it (PATCH: any subset of the keys)."""

    programme_id: Id
    unit_code: Code
    kind: Code = Field(description="Activity kind code, e.g. bakti_sosial, sambang, penyuluhan.")
    occurred_on: dt.date = Field(alias="date")
    leader: PersonInput
    visits: list[VisitInput] = Field(max_length=MAX_LIST)
    title: Line = Field(default="", max_length=250)
    summary: LongLine = Field(default="", max_length=20_000)
    quote_by: Line = Field(
        default="", max_length=160, description="Who is quoted in the press release, e.g. AKP Lilik."
    )
    quote_text: LongLine = Field(
        default="", max_length=2_000, description="The quote, without quotation marks."
    )
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    officers: list[PersonInput] = Field(default_factory=list, max_length=MAX_LIST)
    messages: list[Annotated[Line, Field(max_length=1000)]] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Kamtibmas messages; a text equal to a catalogue entry links to it.",
    )
    message_ids: list[Id] = Field(default_factory=list, max_length=MAX_LIST)
    partners: list[Partner] = Field(default_factory=list, max_length=MAX_LIST)
    coverage: list[CoverageInput] = Field(default_factory=list, max_length=MAX_LIST)
    plan_id: Id | None = Field(
        default=None, description="The approved plan (rencana kegiatan) this realises."
    )
    client_id: uuid.UUID | None = Field(
        default=None,
        description=(
            "A UUID the client made for this activity (a phone's outbox). Sent again with the same body, "
            "the activity stored the first time is returned (201 again, with `Idempotent-Replayed: true`) "
            "instead of a second one; with a different body it is a 409 naming client_id."
        ),
    )


class CommentInput(Schema):
    """The commander's comment (required when returning an activity)."""

    comment: LongLine = Field(default="", max_length=2000)


class ReasonInput(Schema):
    """Why a verified activity is reopened."""

    reason: LongLine = Field(default="", max_length=2000)
