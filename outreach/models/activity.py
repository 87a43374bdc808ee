"""Activities and what hangs off them: visits (with items), messages, officers, partners, photos, coverage.

The counters on :class:`Activity` (``visit_count``, ``parcel_count`` …) are denormalised from the visits and
messages. Only ``services.activities`` writes them, in the same transaction as the rows they summarise, so
aggregates can read one row per activity instead of joining the detail tables.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin, utcnow
from outreach.models.catalogue import ActivityKind, ItemKind, KamtibmasMessage, PartnerKind
from outreach.models.location import Location
from outreach.models.org import Person, Unit, User
from outreach.models.programme import Programme
from outreach.models.types import UTCDateTime, enum_column


class ActivityStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    RETURNED = "returned"


class ImportBatch(Base):
    """One spreadsheet import; undoing it soft-deletes every activity it created."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    row_count: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship()


class Activity(TimestampMixin, Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("visit_count >= 0", name="visit_count_non_negative"),
        CheckConstraint("parcel_count >= 0", name="parcel_count_non_negative"),
        CheckConstraint("beneficiary_count >= 0", name="beneficiary_count_non_negative"),
        CheckConstraint("message_count >= 0", name="message_count_non_negative"),
        CheckConstraint(
            "end_time IS NULL OR start_time IS NULL OR end_time >= start_time", name="time_order"
        ),
        # The filters the list and the dashboard use; the trailing columns make these covering indexes
        # for the aggregate queries and the list's capped count (no table lookup per row).
        Index(
            "ix_activities_unit_date",
            "unit_id",
            "occurred_on",
            "status",
            "programme_id",
            "deleted_at",
            "visit_count",
            "parcel_count",
            "beneficiary_count",
            "message_count",
        ),
        Index("ix_activities_programme_date", "programme_id", "occurred_on"),
        # The lists' default order (newest first, id breaking ties) walked backwards, for any status or for
        # one status; the list filters follow, so they are checked in the index, and a page reads the table
        # only for the rows it shows (migration 0003, bench/analysis.md).
        Index("ix_activities_date", "occurred_on", "id", "deleted_at", "status", "programme_id", "unit_id"),
        Index(
            "ix_activities_status_date",
            "status",
            "occurred_on",
            "id",
            "deleted_at",
            "programme_id",
            "unit_id",
        ),
        # The dashboard's "waiting for verification" gap: submissions oldest first, filters checked in the index.
        Index(
            "ix_activities_status_submitted",
            "status",
            "submitted_at",
            "id",
            "deleted_at",
            "programme_id",
            "unit_id",
            "occurred_on",
        ),
        Index("ix_activities_kind", "kind_id"),
        # Issue 14: the phone's UUID for the activity; a retried send finds the one it made (create-or-return).
        Index("ix_activities_client_id", "client_id", unique=True),
        # "My drafts" and its badge in the navigation bar (on every page): an author's activities. One column
        # on purpose: with status and deleted_at after it, SQLite skip-scanned it for every list (status = ?
        # AND deleted_at IS NULL looked selective) and sorted the matches instead of walking the date index.
        Index("ix_activities_author", "created_by_id"),
        # The deleted rows only, in list order (the admins' list of deleted activities). A plain index on
        # deleted_at (mostly NULL) looked selective to SQLite's planner for "deleted_at IS NULL", which then
        # sorted every live activity for each page of every list.
        Index(
            "ix_activities_deleted_date",
            "occurred_on",
            "id",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("activity_kinds.id"))
    occurred_on: Mapped[date]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    title: Mapped[str] = mapped_column(String(250), default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    # The leader as recorded at the time (a report must not change when the person is later promoted).
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    leader_rank: Mapped[str] = mapped_column(String(20))
    leader_name: Mapped[str] = mapped_column(String(160))
    leader_degrees: Mapped[str | None] = mapped_column(String(80))
    leader_nrp: Mapped[str | None] = mapped_column(String(18))
    leader_position: Mapped[str] = mapped_column(String(160), default="")

    # An optional quote for the press release: who said it (as the release names them) and what.
    quote_by: Mapped[str] = mapped_column(String(160), default="", server_default="")
    quote_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The press release as last edited by Humas (headline, blank line, paragraphs); None: the draft.
    press_text: Mapped[str | None] = mapped_column(Text)

    status: Mapped[ActivityStatus] = mapped_column(enum_column(ActivityStatus), default=ActivityStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_comment: Mapped[str | None] = mapped_column(Text)

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    #: The approved plan this activity realises (issue 15), if any.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)

    visit_count: Mapped[int] = mapped_column(default=0)
    parcel_count: Mapped[int] = mapped_column(default=0)
    beneficiary_count: Mapped[int] = mapped_column(default=0)
    message_count: Mapped[int] = mapped_column(default=0)

    #: Optimistic lock: a stale edit or verification fails instead of overwriting a newer one.
    version: Mapped[int] = mapped_column(default=1)

    #: A UUID the client made for this activity (the phone's outbox, issue 14): the same one sent again returns
    #: this activity instead of storing a second one. ``client_hash`` is the SHA-256 of the input it was
    #: created from, so the same ``client_id`` with another body is told apart (a 409) from a plain retry.
    client_id: Mapped[str | None] = mapped_column(String(36))
    client_hash: Mapped[str | None] = mapped_column(String(64))

    programme: Mapped[Programme] = relationship()
    unit: Mapped[Unit] = relationship()
    kind: Mapped[ActivityKind] = relationship()
    leader_person: Mapped[Person | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    visits: Mapped[list[Visit]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Visit.position"
    )
    messages: Mapped[list[ActivityMessage]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityMessage.id"
    )
    officers: Mapped[list[ActivityOfficer]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityOfficer.id"
    )
    partners: Mapped[list[ActivityPartner]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityPartner.id"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Photo.id"
    )
    coverage: Mapped[list[MediaCoverage]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="MediaCoverage.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def leader_display(self) -> str:
        name = f"{self.leader_name}, {self.leader_degrees}" if self.leader_degrees else self.leader_name
        return f"{self.leader_rank} {name}"


class Visit(Base):
    """One location visited during an activity, with what was handed over and who was reached."""

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("activity_id", "location_id", name="uq_visits_activity_location"),
        CheckConstraint("parcel_count >= 0", name="parcel_count_non_negative"),
        CheckConstraint("beneficiary_count >= 0", name="beneficiary_count_non_negative"),
        Index("ix_visits_location", "location_id", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    position: Mapped[int] = mapped_column(default=0)
    parcel_count: Mapped[int] = mapped_column(default=0)
    beneficiary_count: Mapped[int] = mapped_column(default=0)
    beneficiary_group: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(160), default="")
    contact_role: Mapped[str] = mapped_column(String(160), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    activity: Mapped[Activity] = relationship(back_populates="visits")
    location: Mapped[Location] = relationship()
    items: Mapped[list[VisitItem]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitItem.id"
    )


class VisitItem(Base):
    """Anything other than the headline paket sembako: rice, leaflets, wheelchairs, cash aid …"""

    __tablename__ = "visit_items"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    item_kind_id: Mapped[int | None] = mapped_column(ForeignKey("item_kinds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    measure: Mapped[str] = mapped_column(String(20), default="")

    visit: Mapped[Visit] = relationship(back_populates="items")
    item_kind: Mapped[ItemKind | None] = relationship()


class ActivityMessage(Base):
    """A kamtibmas message delivered: a catalogue entry (``message_id``) or free text."""

    __tablename__ = "activity_messages"
    __table_args__ = (CheckConstraint("text <> ''", name="text_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("kamtibmas_messages.id"), index=True)
    text: Mapped[str] = mapped_column(Text)

    activity: Mapped[Activity] = relationship(back_populates="messages")
    message: Mapped[KamtibmasMessage | None] = relationship()


class ActivityOfficer(Base):
    """An officer taking part (from the unit's people, or typed)."""

    __tablename__ = "activity_officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    rank: Mapped[str] = mapped_column(String(20), default="")
    name: Mapped[str] = mapped_column(String(160))
    degrees: Mapped[str | None] = mapped_column(String(80))
    nrp: Mapped[str | None] = mapped_column(String(18))
    position: Mapped[str] = mapped_column(String(160), default="")

    activity: Mapped[Activity] = relationship(back_populates="officers")


class ActivityPartner(Base):
    """Someone present who is not police: Camat, Danramil, kepala desa, ulama …"""

    __tablename__ = "activity_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("partner_kinds.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")

    activity: Mapped[Activity] = relationship(back_populates="partners")
    kind: Mapped[PartnerKind | None] = relationship()


class Photo(Base):
    """A re-encoded photo stored under a server-generated name in the instance upload folder."""

    __tablename__ = "photos"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    caption: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[Activity] = relationship(back_populates="photos")


class MediaCoverage(Base):
    __tablename__ = "media_coverage"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(160))
    url: Mapped[str] = mapped_column(String(500), default="")
    published_on: Mapped[date | None]
    headline: Mapped[str] = mapped_column(String(300), default="")

    activity: Mapped[Activity] = relationship(back_populates="coverage")


class IdempotencyKey(Base):
    """Remembers a client's ``Idempotency-Key`` so a retried POST returns the first result."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: SHA-256 of the canonical JSON body the key was first used with: a reuse with another body is refused.
    request_hash: Mapped[str | None] = mapped_column(String(64))
