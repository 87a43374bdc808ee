"""The unit's and the programme's input definitions, as the API takes them (``parent_code``/``unit_code`` name
the units; the admin pages pick them from a list, validate the same fields here and build
:mod:`outreach.services.admin`'s inputs)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from outreach.models import Indicator, ProgrammeKind, UnitLevel

from .base import Code, Line, LongLine, Schema

Target = Annotated[int, Field(ge=0, le=100_000_000)]

#: A unit's code: capital letters and digits joined by hyphens (or underscores), e.g. POLRES-BLORA.
UNIT_CODE_RE = re.compile(r"^[A-Z0-9]+(?:[-_][A-Z0-9]+)*$")


def _unit_code(value: str) -> str:
    code = value.strip().upper()
    if not UNIT_CODE_RE.fullmatch(code):
        raise PydanticCustomError("unit_code", "unit code")
    return code


def _unit_name(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("unit_name", "unit name")
    return value


#: A new unit's code, upper-cased (``polres-blora`` is POLRES-BLORA), at most 40 characters.
UnitCode = Annotated[Line, Field(max_length=40), AfterValidator(_unit_code)]


class UnitFields(Schema):
    """What describes a unit, whoever writes it: its name, level, kind, territory and time zone.

    The admin unit forms validate these (they name the parent by id and the edit form keeps the code); the
    API's :class:`UnitInput` adds the code and the parent's code, and the CLI's unit rows (``units create``,
    ``units import``, ``units load-polri``) are checked by :class:`UnitInput` too, cell by column."""

    name: Annotated[Line, AfterValidator(_unit_name)] = Field(max_length=160)
    level: UnitLevel
    kind: Code | None = None
    province: Line | None = Field(default=None, max_length=120)
    regency: Line | None = Field(default=None, max_length=120)
    district: Line | None = Field(default=None, max_length=120)
    city: Line | None = Field(default=None, max_length=120)
    timezone: Literal["WIB", "WITA", "WIT"] = "WIB"


class UnitInput(UnitFields):
    """A Polri unit placed under ``parent_code`` (which must lie in the caller's area)."""

    code: UnitCode
    parent_code: Code


class ProgrammeInput(Schema):
    """A programme (e.g. "Cooling System Pemilu 2024") with its overall targets."""

    name: Line = Field(max_length=200)
    kind: ProgrammeKind
    start_date: dt.date
    end_date: dt.date
    description: LongLine = Field(default="", max_length=5000)
    unit_code: Code | None = None
    targets: dict[Indicator, Target] = Field(
        default_factory=dict, description="Overall targets by indicator."
    )
    lock_after_days: Annotated[int, Field(ge=0, le=366)] | None = Field(
        default=None, description="Reporting lock: days after a month ends (issue 15); null: never locked."
    )
    anev_good_min: int = Field(default=90, ge=1, le=100, description="ANEV band Baik from this score (%).")
    anev_fair_min: int = Field(default=50, ge=1, le=99, description="ANEV band Cukup from this score (%).")
