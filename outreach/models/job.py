"""Background export jobs (issue 17, item 3): a large export or report built by a worker, kept for a while.

A job is created by the request (status ``queued``), taken by a worker (``running``, with ``progress`` and a
``heartbeat_at`` it refreshes while writing), and ends ``done`` (its file complete under the export folder)
or ``failed`` (``error`` says why). Its id is a random token: it appears in URLs and must not be guessable.
Only the requester (and admins) may read a job or download its file; the file is purged at ``expires_at``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, utcnow
from outreach.models.org import User
from outreach.models.types import UTCDateTime

JOB_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(Base):
    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        Index("ix_export_jobs_requester_created", "requester_id", "created_at"),
        Index("ix_export_jobs_status_heartbeat", "status", "heartbeat_at"),
        Index("ix_export_jobs_expires_at", "expires_at"),
    )

    #: ``secrets.token_urlsafe``: unguessable, used in URLs
    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: ``activities`` / ``visits`` (tabular exports), ``programme`` (the laporan), ``anev``
    dataset: Mapped[str] = mapped_column(String(20))
    #: ``csv`` / ``xlsx`` / ``pdf`` / ``docx``
    format: Mapped[str] = mapped_column(String(8))
    #: the shared filter vocabulary's values and the export's options (language, separator, photos …)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``web`` or ``api``: the channel its download is audited under
    channel: Mapped[str] = mapped_column(String(8), default="web")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    #: the finished file's name inside the export folder (set only once the file is complete)
    file_path: Mapped[str | None] = mapped_column(String(200))
    #: the name the download is offered under
    file_name: Mapped[str | None] = mapped_column(String(200))
    row_count: Mapped[int | None]
    size_bytes: Mapped[int | None]
    #: how many times a worker started it (a job whose worker died is started again, up to a limit)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: refreshed by the worker while it writes: a running job whose heartbeat stopped lost its worker; for a
    #: queued job, when it was (last) queued: one queued too long lost its queue message (``jobs.exports.reap``)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    requester: Mapped[User] = relationship()
