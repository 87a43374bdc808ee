"""One filter object and one query-string vocabulary for every page and endpoint that filters activities.

The dashboard, the activity list, the reports page, its PDF and exports, ``/api/v1/activities``,
``/api/v1/stats`` and ``/api/v1/programmes/<id>/report.pdf`` all read the same parameters, so a link copied
from one works on the others:

============== ============================================================================================
``programme_id`` a programme id
``unit``         a unit code: that unit and everything below it (within the caller's area)
``from``, ``to`` the period, ``YYYY-MM-DD``, both days included
``status``       activity statuses, repeatable (``status=a&status=b``) or comma-separated (``status=a,b``);
                 ``all`` for every one; none given means the consumer's default (:data:`DEFAULT_STATUSES`
                 for figures and reports, every status for lists)
``kind``         an activity kind code (lists only)
``q``            free-text search (lists only)
============== ============================================================================================

:func:`parse` turns a query string (a ``MultiDict``, or any mapping) into a frozen :class:`Filters`, or
raises :class:`~outreach.services.errors.Invalid` naming each bad parameter; :func:`parse_lenient` returns
what was valid together with the errors, for pages that show the message next to the filter and still
render. Neither touches the database: whether a programme or unit exists (and is in the caller's area) is
the consumer's question, answered with ``NotFound``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from outreach.i18n import enum_label
from outreach.models import ActivityStatus
from outreach.models.types import parse_id
from outreach.services.errors import Invalid

#: The statuses figures count when the caller names none: the dashboard, ``/api/v1/stats``, the laporan and
#: the exports alike (PR users only ever see verified activities, whatever they ask for).
DEFAULT_STATUSES: tuple[ActivityStatus, ...] = (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED)

#: Every parameter of the vocabulary, as written in a query string.
PARAMETERS: tuple[str, ...] = ("programme_id", "unit", "from", "to", "status", "kind", "q")
#: The parameters figures (dashboard, stats, laporan) can apply: kind and search narrow lists only.
FIGURE_PARAMETERS: tuple[str, ...] = ("programme_id", "unit", "from", "to", "status")
#: What the operations pages take (ANEV, priority messages, targets, locks): a programme, a unit, a period.
PAGE_PARAMETERS: tuple[str, ...] = ("programme_id", "unit", "from", "to")

#: ``status=all``: every status (a shorthand for listing them all).
ALL_STATUSES = "all"
MAX_Q = 200
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Filters:
    """Which activities a page or endpoint speaks about (see the module docstring for the wire names)."""

    programme_id: int | None = None
    unit: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    #: Empty: the consumer's default.
    statuses: tuple[ActivityStatus, ...] = ()
    kind: str | None = None
    q: str = ""

    def statuses_or_default(self) -> tuple[ActivityStatus, ...]:
        return self.statuses or DEFAULT_STATUSES

    def to_args(self) -> dict[str, str]:
        """The query parameters that reproduce these filters (for links; empty values left out)."""
        args: dict[str, str] = {}
        if self.programme_id is not None:
            args["programme_id"] = str(self.programme_id)
        if self.unit:
            args["unit"] = self.unit
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        if self.statuses:
            args["status"] = ",".join(s.value for s in self.statuses)
        if self.kind:
            args["kind"] = self.kind
        if self.q:
            args["q"] = self.q
        return args

    def activity_fields(self) -> dict[str, Any]:
        """The matching keyword arguments of ``services.activity_list.ActivityFilter``."""
        return {
            "programme_id": self.programme_id,
            "unit_code": self.unit,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "statuses": list(self.statuses),
            "kind": self.kind,
            "q": self.q,
        }


def _values(args: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    if callable(getlist):
        return [str(v) for v in getlist(name)]
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _one(args: Mapping[str, Any], name: str, errors: dict[str, str]) -> str:
    """The parameter's single value, stripped ('' when absent); an error when it is unreadable."""
    values = [v.strip() for v in _values(args, name)]
    values = [v for v in values if v]
    if not values:
        return ""
    if len(set(values)) > 1:
        errors[name] = _("Give this filter once.")
        return ""
    if _CONTROL.search(values[0]):
        errors[name] = _("Contains characters that are not allowed.")
        return ""
    return values[0]


def _date(args: Mapping[str, Any], name: str, errors: dict[str, str]) -> date | None:
    raw = _one(args, name, errors)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad_date()
    except ValueError:
        errors[name] = _("Not a valid date (YYYY-MM-DD).")
        return None


def _bad_date() -> date:
    raise ValueError


def parse_lenient(
    args: Mapping[str, Any], *, allowed: Iterable[str] = PARAMETERS
) -> tuple[Filters, dict[str, str]]:
    """The valid filters in ``args`` and a message per bad parameter (the bad ones are left out).

    A parameter of the vocabulary that this consumer cannot apply (not in ``allowed``) is an error too, so a
    link copied from a list onto the dashboard says that its kind or search was not applied.
    """
    errors: dict[str, str] = {}
    allowed = set(allowed)
    for name in PARAMETERS:
        if name not in allowed and any(v.strip() for v in _values(args, name)):
            errors[name] = _("This filter does not apply here.")

    programme_id: int | None = None
    raw = _one(args, "programme_id", errors) if "programme_id" in allowed else ""
    if raw and (programme_id := parse_id(raw)) is None:
        errors["programme_id"] = _("Not a valid programme.")

    unit = _one(args, "unit", errors) if "unit" in allowed else ""
    if unit and not _CODE.match(unit):
        errors["unit"] = _("Unit not found.")
        unit = ""

    date_from = _date(args, "from", errors) if "from" in allowed else None
    date_to = _date(args, "to", errors) if "to" in allowed else None
    if date_from and date_to and date_from > date_to:
        errors["to"] = _("The end of the period lies before its start.")
        date_to = None

    statuses: list[ActivityStatus] = []
    if "status" in allowed:
        by_value = {s.value: s for s in ActivityStatus}
        codes = [c.strip() for chunk in _values(args, "status") for c in chunk.split(",") if c.strip()]
        for code in codes:
            if code == ALL_STATUSES:
                statuses.extend(s for s in ActivityStatus if s not in statuses)
                continue
            status = by_value.get(code)
            if status is None:
                errors["status"] = _("Unknown status: %(status)s.", status=_CONTROL.sub("?", code)[:40])
            elif status not in statuses:
                statuses.append(status)

    kind = _one(args, "kind", errors) if "kind" in allowed else ""
    if kind and not _CODE.match(kind):
        errors["kind"] = _("Unknown kind of activity.")
        kind = ""

    q = _one(args, "q", errors) if "q" in allowed else ""
    if len(q) > MAX_Q:
        errors["q"] = _("At most %(n)d characters.", n=MAX_Q)
        q = ""

    found = Filters(
        programme_id=programme_id,
        unit=unit or None,
        date_from=date_from,
        date_to=date_to,
        statuses=tuple(statuses),
        kind=kind or None,
        q=q,
    )
    return found, errors


def describe_statuses(statuses: Iterable[ActivityStatus]) -> str:
    """The line that says what figures count, in the current locale ("Dihitung: kegiatan diajukan dan
    terverifikasi"): printed by the dashboard and the laporan under their figures."""
    labels = [str(enum_label(s)).lower() for s in ActivityStatus if s in set(statuses)]
    return str(
        _("Counted: %(statuses)s activities", statuses=format_list(labels, locale=get_locale() or "id"))
    )


def parse(args: Mapping[str, Any], *, allowed: Iterable[str] = PARAMETERS) -> Filters:
    """The filters in ``args``, or :class:`Invalid` naming every bad parameter (the API's way)."""
    found, errors = parse_lenient(args, allowed=allowed)
    if errors:
        raise Invalid(errors, _("The request has invalid fields."))
    return found


def period_errors(
    date_from: date | None, date_to: date | None, errors: dict[str, str], *, max_days: int
) -> None:
    """A period of at most ``max_days`` days, both ends given, the end not before the start: else messages
    under ``from`` / ``to`` (the filter vocabulary's names)."""
    if date_from is None:
        errors["from"] = _("Enter the start of the period.")
    if date_to is None:
        errors["to"] = _("Enter the end of the period.")
    if date_from and date_to:
        if date_to < date_from:
            errors["to"] = _("The end must not be before the start.")
        elif (date_to - date_from).days >= max_days:
            errors["to"] = _("At most %(n)s days.", n=max_days)


__all__ = [
    "DEFAULT_STATUSES", "FIGURE_PARAMETERS", "PAGE_PARAMETERS", "PARAMETERS", "Filters", "describe_statuses",
    "parse",
    "parse_lenient",
    "period_errors",
]  # fmt: skip


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE ... ESCAPE '\\': a ``%`` or ``_`` the user typed matches only itself."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
