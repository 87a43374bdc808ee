"""Writing the audit trail, in the same transaction as the change it describes."""

from __future__ import annotations

import contextvars
import enum
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from outreach.extensions import db
from outreach.models import AuditEntry, User


@dataclass(frozen=True)
class AuditContext:
    """Where the change came from; the web edge sets it per request, the CLI once per command."""

    ip: str = ""
    request_id: str = ""


audit_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context",
    default=AuditContext(),  # noqa: B039 - a frozen dataclass, immutable
)


def jsonable(value: Any) -> Any:
    """A value as it is stored in the audit JSON (dates as ISO strings, enums as their value)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [before, after]}`` for every field whose value changed."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    unit_id: int | None = None,
    changes: dict[str, Any] | None = None,
    comment: str = "",
    username: str | None = None,
) -> AuditEntry:
    ctx = audit_context.get()
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        # a failed login's username is whatever was typed: one inert line, within the column's 60
        actor_username=actor.username if actor else _single_line(username or "")[:60],
        actor_role=actor.role.value if actor else "",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        unit_id=unit_id,
        changes=jsonable(changes or {}),
        comment=_single_line(comment)[:1000],
        ip=ctx.ip[:64],
        request_id=ctx.request_id,
    )
    db.session.add(entry)
    return entry


def _single_line(text: str) -> str:
    """CR/LF would let a value forge extra lines in a log view; keep them visible but inert."""
    return text.replace("\r", "\\r").replace("\n", "\\n")
