"""The edge side of audited downloads (web, API and CLI): write the audit entry, count the metrics.

A download is a read; its audit entry is written in a short write transaction of its own after the data was
gathered (the read transaction is ended first, as the API does for a token's last use), so that SQLite takes
its write lock only for that one insert. Streamed exports are recorded when the stream ends — with the rows
and bytes that actually left, and ``complete: false`` when the client went away before the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from outreach import metrics
from outreach.extensions import db, writing
from outreach.models import User
from outreach.services import downloads
from outreach.services.audit import AuditContext, audit_context

log = logging.getLogger(__name__)
T = TypeVar("T")


def record(actor: User, download: downloads.Download, *, entity_id: int | None = None) -> None:
    """Audit ``download`` and count it; commits (the request's or command's one write)."""
    db.session.commit()  # ends the read transaction that gathered the data; nothing is pending
    with writing():
        downloads.record_download(actor, download, entity_id=entity_id)
        db.session.commit()
    metrics.observe_download(download.kind, download.channel, download.size_bytes, download.rows)


def record_recap(actor: User, channel: str, unit: str, date_from: Any, date_to: Any, text: str) -> None:
    """The WhatsApp recap taken out (page, API or CLI): it names places and officers, not people met."""
    record(
        actor,
        downloads.Download(
            "recap",
            "recap.txt",
            channel,
            {"unit": unit, "date_from": date_from, "date_to": date_to or date_from},
            size_bytes=len(text.encode("utf-8")),
        ),
    )


class Counted(Iterable[T]):
    """Passes the rows through and counts them."""

    def __init__(self, rows: Iterable[T]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        for row in self._rows:
            self.count += 1
            yield row


def stream(
    chunks: Iterable[str | bytes],
    actor: User,
    make: Callable[[int, bool], downloads.Download],
    *,
    entity_id: int | None = None,
) -> Iterator[str | bytes]:
    """Yield ``chunks``; at the end (or when the client goes away) audit ``make(size_bytes, complete)``."""
    context = audit_context.get()
    size, complete = 0, False
    try:
        for chunk in chunks:
            size += len(chunk.encode("utf-8")) if isinstance(chunk, str) else len(chunk)
            yield chunk
        complete = True
    finally:
        audit_context.set(AuditContext(ip=context.ip, request_id=context.request_id))
        try:
            record(actor, make(size, complete), entity_id=entity_id)
        except Exception:  # the data has left already: a failed audit write must be seen, not hidden
            db.session.rollback()
            log.exception("could not audit a streamed download (%s bytes)", size)


def real_user(user: Any) -> User:
    """The user object behind flask_login's proxy (kept past the request for streamed downloads)."""
    getter = getattr(user, "_get_current_object", None)
    return getter() if getter is not None else user  # type: ignore[no-any-return]
