"""Column helpers shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator

from outreach.numerals import ascii_digits

#: Largest id a client may send: primary keys are 32-bit INTEGER on PostgreSQL, and larger numbers overflow
#: SQLite's driver. Every edge (URL converter, form coercion, API schema) refuses anything above it.
MAX_ID = 2**31 - 1


def parse_id(value: Any) -> int | None:
    """An id from untrusted text (or an int already): a whole number of ASCII digits in 1..MAX_ID, else None.

    ``int()`` alone would also read ``" 7"``, ``"+7"``, ``"7_0"`` and the Arabic-Indic ``"٧"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and ascii_digits(value) and len(value) <= 12:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_cls: type[enum.Enum], **kw: Any) -> Enum:
    """A portable enum column storing the members' lowercase string *values* (VARCHAR + CHECK)."""
    return Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.value) for m in enum_cls),
        name=enum_cls.__name__.lower(),
        **kw,
    )
