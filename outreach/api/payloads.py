"""What clients send that has no service schema yet: query strings and the registry's unit and programme bodies
(dataclasses read by :mod:`outreach.api.schema`), and the activity's PATCH variant of the service schema.

The activity and the location are validated by their one definition in :mod:`outreach.services.schema`; the
services then check the rules (scope, dates, duplicates) and raise :class:`~outreach.services.errors.Invalid`
with the same wire paths.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import Field

from outreach.models import ActivityStatus
from outreach.models.types import MAX_ID
from outreach.services.schema import partial
from outreach.services.schema.activity import ActivityInput
from outreach.services.schema.base import MAX_COUNT

from .schema import meta

COUNT = meta(minimum=0, maximum=MAX_COUNT)
#: Ids are 32-bit integers in the database (PostgreSQL ``integer``).
ID = meta(minimum=1, maximum=MAX_ID)


# --------------------------------------------------------------------------------------------- activities
# The activity's body (POST) and its partial variant (PATCH) are the services' one input definition,
# outreach.services.schema.activity.ActivityInput; the location's is outreach.services.schema.location.

ActivityPatch = partial(
    ActivityInput,
    "ActivityPatch",
    version=(
        int | None,
        Field(default=None, ge=1, le=MAX_ID, description="The version read; a stale one is refused (409)."),
    ),
)


# --------------------------------------------------------------------------------------------- registry


# The unit's and the programme's bodies are outreach.services.schema.registry.UnitInput / ProgrammeInput; the
# operations' bodies (targets, plans, verify-many, lock exceptions, priorities, press) are
# outreach.services.schema.operations.


# --------------------------------------------------------------------------------------------- queries


@dataclass
class PageQuery:
    page: int = field(default=1, metadata=meta(minimum=1, maximum=1_000_000))
    per_page: int = field(default=25, metadata=meta(minimum=1, maximum=100))


@dataclass
class SearchQuery(PageQuery):
    q: str = field(
        default="", metadata=meta(max_length=200, description="Searches name, village and district.")
    )


STATUSES = [s.value for s in ActivityStatus]


@dataclass
class ActivityQuery(PageQuery):
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = field(
        default=None, metadata=meta(description="Unit code: that unit and everything below it.")
    )
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
    status: str | None = field(
        default=None, metadata=meta(choices=STATUSES, multi=True, description="Comma-separated statuses.")
    )
    kind: str | None = None
    q: str = field(default="", metadata=meta(max_length=200))
    deleted: bool = field(default=False, metadata=meta(description="Admin only: list deleted activities."))


@dataclass
class StatsQuery:
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = None
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
    status: str | None = field(
        default=None,
        metadata=meta(
            choices=STATUSES, multi=True, description="Comma-separated; default submitted,verified."
        ),
    )


@dataclass
class ReportQuery(StatsQuery):
    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))


@dataclass
class ActivityReportQuery:
    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))


@dataclass
class PressQuery:
    """The press release as plain text (default), PDF or DOCX; Indonesian or the English working translation."""

    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))
    format: str = field(default="txt", metadata=meta(choices=["txt", "pdf", "docx"]))


@dataclass
class RecapQuery:
    """A unit and a day or week for the WhatsApp recap."""

    unit: str = field(metadata=meta(max_length=40))
    date_from: dt.date = field(metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))


def statuses(value: str | None) -> list[ActivityStatus]:
    return [ActivityStatus(s.strip()) for s in (value or "").split(",") if s.strip()]


@dataclass
class PlanQuery(PageQuery):
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = field(default=None, metadata=meta(description="Unit code: that unit and below it."))
    status: str | None = field(default=None, metadata=meta(choices=["submitted", "approved", "returned"]))
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))


@dataclass
class AnevQuery:
    programme_id: int = field(metadata=ID)
    date_from: dt.date = field(metadata=meta(alias="from"))
    date_to: dt.date = field(metadata=meta(alias="to"))
    unit: str | None = field(
        default=None, metadata=meta(description="Unit code (default: the caller's unit).")
    )


# issue 15, item 6: priority messages


@dataclass
class PriorityQuery(PageQuery):
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = field(
        default=None,
        metadata=meta(description="Unit code (default: the caller's unit): priorities concerning it."),
    )
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
