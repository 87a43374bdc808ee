"""Audited downloads: who took which data out, when, with which filter and how many rows.

Every export, report, press release, recap and photo download — from the browser, the API or the CLI —
writes one audit entry: ``action = "download"``, ``entity_type`` = the kind, and in ``changes`` what was
downloaded, the format, the filter, the row count, the size, the channel, whether it was complete, and
whether it holds personal data of people met (contact names, photos: see docs/PRIVACY.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import AuditEntry, User
from outreach.services import audit
from outreach.services.activity_list import ActivityFilter
from outreach.services.clock import local_today

ACTION = "download"
#: the kinds of download (the audit entry's ``entity_type``)
KINDS = ("export", "report", "press_release", "recap", "photo")
CHANNELS = ("web", "api", "cli", "schedule")  # schedule: a recap sent by the outbox (issue 17)


@dataclass(frozen=True)
class Download:
    kind: str
    #: what was taken out: ``activities.csv``, ``visits.xlsx``, ``programme.pdf``, ``activity.pdf`` …
    what: str
    channel: str
    filters: dict[str, Any] = field(default_factory=dict)
    rows: int | None = None
    size_bytes: int | None = None
    #: holds personal data of people met (visit contacts, partners' names, photos)
    personal: bool = False
    #: False when the client went away before the end (streamed exports)
    complete: bool = True


def filter_summary(filters: ActivityFilter) -> dict[str, Any]:
    """The filter as recorded: only what narrows the data, in stable JSON terms."""
    summary: dict[str, Any] = {
        "programme_id": filters.programme_id,
        "unit": filters.unit_code,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "statuses": [s.value for s in filters.statuses] or None,
        "kind": filters.kind,
        "location_kind": filters.location_kind,
        "q": filters.q or None,
    }
    return {k: v for k, v in audit.jsonable(summary).items() if v is not None}


def record_download(
    actor: User, download: Download, *, entity_id: int | None = None, unit_id: int | None = None
) -> AuditEntry:
    if download.kind not in KINDS:
        raise ValueError(f"unknown download kind {download.kind!r}")
    if download.channel not in CHANNELS:
        raise ValueError(f"unknown channel {download.channel!r}")
    changes: dict[str, Any] = {
        "what": download.what,
        "channel": download.channel,
        "filter": download.filters,
        "personal_data": download.personal,
    }
    if download.rows is not None:
        changes["rows"] = download.rows
    if download.size_bytes is not None:
        changes["bytes"] = download.size_bytes
    if not download.complete:
        changes["complete"] = False
    return audit.record(
        actor, ACTION, download.kind, entity_id, unit_id=unit_id if unit_id is not None else actor.unit_id,
        changes=changes,
    )  # fmt: skip


# ----------------------------------------------------------------------------------- reading the log


@dataclass(frozen=True)
class Period:
    date_from: date | None = None
    date_to: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """UTC instants of the period's ends, the dates read in Western Indonesia (UTC+7) as the UI does."""
        wib = timedelta(hours=7)
        start = datetime.combine(self.date_from, time.min) - wib if self.date_from else None
        end = datetime.combine(self.date_to + timedelta(days=1), time.min) - wib if self.date_to else None
        return (start.replace(tzinfo=UTC) if start else None, end.replace(tzinfo=UTC) if end else None)


#: actions of sign-in and account security events
SECURITY_ACTIONS = (
    "login", "login_failed", "login_throttled", "login_locked", "logout", "end_sessions", "activate",
    "deactivate", "set_password", "unlock",
)  # fmt: skip
#: the groups the admin audit page filters by (``kind``); ``download:<kind>`` narrows to one kind
AUDIT_KINDS = ("change", "security", "download", "personal", *(f"download:{k}" for k in KINDS))


def _personal() -> Any:
    return AuditEntry.changes["personal_data"].as_boolean().is_(True)


def audit_conditions(kind: str, period: Period) -> list[Any]:
    """WHERE conditions on AuditEntry for a group of entries and a period (unknown kinds: no condition)."""
    conditions: list[Any] = []
    download_kind = kind.removeprefix("download:")
    if kind == "download":
        conditions.append(AuditEntry.action == ACTION)
    elif kind == "personal":
        conditions += [AuditEntry.action == ACTION, _personal()]
    elif kind.startswith("download:") and download_kind in KINDS:
        conditions += [AuditEntry.action == ACTION, AuditEntry.entity_type == download_kind]
    elif kind == "security":
        conditions.append(AuditEntry.action.in_(SECURITY_ACTIONS))
    elif kind == "change":
        conditions.append(AuditEntry.action.not_in((ACTION, *SECURITY_ACTIONS)))
    start, end = period.bounds()
    if start is not None:
        conditions.append(AuditEntry.at >= start)
    if end is not None:
        conditions.append(AuditEntry.at < end)
    return conditions


@dataclass(frozen=True)
class PersonalDataExporter:
    username: str
    role: str
    downloads: int
    rows: int
    last_at: datetime


def personal_data_exporters(period: Period) -> list[PersonalDataExporter]:
    """Who downloaded personal data in ``period``: per user, how many downloads and rows, and the last one."""
    rows_sum = func.sum(func.coalesce(AuditEntry.changes["rows"].as_integer(), 0))
    query = (
        select(
            AuditEntry.actor_username,
            AuditEntry.actor_role,
            func.count(AuditEntry.id),
            rows_sum,
            func.max(AuditEntry.at),
        )
        .where(*audit_conditions("personal", period))
        .group_by(AuditEntry.actor_username, AuditEntry.actor_role)
    )
    found = [
        PersonalDataExporter(username, role, int(count), int(rows or 0), last)
        for username, role, count, rows, last in db.session.execute(query)
    ]
    return sorted(found, key=lambda e: (-e.downloads, e.username))


def default_period() -> Period:
    """The last 30 days, today included."""
    today = local_today()
    return Period(today - timedelta(days=29), today)
