"""The input of a background export (``POST /api/v1/exports``): what to export, in which format, filtered how.

The filters are the shared vocabulary's (:mod:`outreach.services.filters`) under the same wire names as the
query strings (``from``, ``to``, ``status`` …); :func:`outreach.jobs.exports.filters_of` checks them with
that module, so a bad value is named exactly as the synchronous exports name it. Whether the programme exists
and the unit lies in the caller's area is the service's question (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from .base import Code, Id, Line, Schema


class ExportInput(Schema):
    """A background export of the activities (one row per activity) or the visits (one row per visit)."""

    dataset: Literal["activities", "visits"]
    format: Literal["csv", "xlsx"]
    programme_id: Id | None = None
    unit: Line | None = Field(default=None, max_length=60, description="A unit code: that unit and below.")
    date_from: dt.date | None = Field(default=None, alias="from")
    date_to: dt.date | None = Field(default=None, alias="to")
    status: Annotated[Line, Field(max_length=200)] | Annotated[list[Code], Field(max_length=10)] | None = (
        Field(
            default=None,
            description="Statuses (a list, or comma-separated; `all`); default submitted and verified, as /stats.",
        )
    )
    kind: Code | None = None
    q: Line | None = Field(default=None, max_length=200)
    lang: Literal["id", "en"] = "id"
    #: CSV only: ``semicolon`` for Excel with Indonesian settings
    sep: Literal["comma", "semicolon"] = "comma"
