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

from outreach.models import ActivityStatus, Indicator, ProgrammeKind, UnitLevel
from outreach.models.types import MAX_ID
from outreach.services.activities import MAX_COUNT
from outreach.services.schema import partial
from outreach.services.schema.activity import ActivityInput

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


@dataclass
class CommentBody:
    """The commander's comment (required when returning an activity)."""

    comment: str = ""


@dataclass
class ReasonBody:
    """Why a verified activity is reopened."""

    reason: str = ""


# --------------------------------------------------------------------------------------------- registry


@dataclass
class UnitBody:
    """A Polri unit placed under ``parent_code`` (which must lie in the caller's area)."""

    code: str = field(metadata=meta(max_length=40))
    name: str = field(metadata=meta(max_length=160))
    level: str = field(metadata=meta(choices=[lv.value for lv in UnitLevel]))
    parent_code: str
    kind: str | None = field(default=None, metadata=meta(max_length=40))
    province: str | None = field(default=None, metadata=meta(max_length=120))
    regency: str | None = field(default=None, metadata=meta(max_length=120))
    district: str | None = field(default=None, metadata=meta(max_length=120))
    city: str | None = field(default=None, metadata=meta(max_length=120))
    timezone: str = field(default="WIB", metadata=meta(choices=["WIB", "WITA", "WIT"]))


@dataclass
class ProgrammeBody:
    """A programme (e.g. "Cooling System Pemilu 2024") with its overall targets."""

    name: str = field(metadata=meta(max_length=200))
    kind: str = field(metadata=meta(choices=[k.value for k in ProgrammeKind]))
    start_date: dt.date
    end_date: dt.date
    description: str = ""
    unit_code: str | None = None
    targets: dict[str, int] = field(
        default_factory=dict, metadata=meta(keys=[i.value for i in Indicator], minimum=0, maximum=100_000_000)
    )


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
class PressBody:
    """Humas' edit of the release: the headline, a blank line, then the paragraphs (empty: back to the draft)."""

    text: str = field(default="", metadata=meta(max_length=50_000))


@dataclass
class RecapQuery:
    """A unit and a day or week for the WhatsApp recap."""

    unit: str = field(metadata=meta(max_length=40))
    date_from: dt.date = field(metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))


def statuses(value: str | None) -> list[ActivityStatus]:
    return [ActivityStatus(s.strip()) for s in (value or "").split(",") if s.strip()]
