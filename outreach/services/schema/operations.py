"""The operations' request bodies (targets, plans, bulk verification, lock exceptions, priority messages, the
press release's edit), declared once: the API validates them with :func:`~outreach.services.schema.parse` and
the OpenAPI document is generated from the same models, so an error names the wire field the document shows.

The class names are the OpenAPI components' names (``TargetsBody`` …), kept from the API's first version.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from outreach.models import Indicator

from .base import MAX_LIST, Code, Count, Id, Line, LongLine, Schema

if TYPE_CHECKING:
    from outreach.services.plans import PlanInput

Target = Annotated[int, Field(ge=0, le=100_000_000)]


class TargetsBody(Schema):
    """A unit's whole allocation of its parent's programme targets (PUT replaces it): an indicator that is
    left out or null has no target."""

    activities: Target | None = None
    visits: Target | None = None
    locations: Target | None = None
    parcels: Target | None = None
    beneficiaries: Target | None = None
    messages: Target | None = None

    def wanted(self) -> dict[Indicator, int | None]:
        return {ind: getattr(self, ind.value) for ind in Indicator}


class VerifyManyBody(Schema):
    """The activities to verify at once (duplicates count once)."""

    ids: list[Id] = Field(max_length=MAX_LIST)


class PlanBody(Schema):
    """A plan (rencana kegiatan) filed for a commander's approval."""

    programme_id: Id
    unit_code: Code
    kind: Code = Field(description="Activity kind code, e.g. bakti_sosial, sambang.")
    date: dt.date
    title: Line = Field(max_length=250)
    places: list[Annotated[Line, Field(max_length=200)]] = Field(
        default_factory=list, max_length=MAX_LIST, description="Intended places."
    )
    messages: list[Annotated[Line, Field(max_length=500)]] = Field(
        default_factory=list, max_length=MAX_LIST, description="Intended kamtibmas messages."
    )
    expected_parcels: Count = 0

    def plan_input(self) -> PlanInput:
        """The services' plan input (places and messages one per line)."""
        from outreach.services.plans import PlanInput

        return PlanInput(
            programme_id=self.programme_id,
            unit_code=self.unit_code,
            kind=self.kind,
            planned_on=self.date,
            title=self.title,
            places="\n".join(self.places),
            messages="\n".join(self.messages),
            expected_parcels=self.expected_parcels,
        )


class LockExceptionBody(Schema):
    """Reopen one month (any day of it) for a unit and the units below it, despite the reporting lock."""

    unit_code: Code
    month: dt.date
    reason: LongLine = Field(max_length=2000)


class PriorityBody(Schema):
    """Mark a catalogue message as the priority for a unit (the caller's or below) and a period."""

    unit: Code
    message_id: Id
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    programme_id: Id | None = None


class PressBody(Schema):
    """Humas' edit of the release: the headline, a blank line, then the paragraphs (empty: back to the draft)."""

    text: LongLine = Field(default="", max_length=50_000)
