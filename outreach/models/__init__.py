"""Every model, imported once: the single import point for the app, Alembic and the tests."""

from outreach.models.activity import (
    Activity,
    ActivityMessage,
    ActivityOfficer,
    ActivityPartner,
    ActivityStatus,
    IdempotencyKey,
    ImportBatch,
    MediaCoverage,
    Photo,
    Visit,
    VisitItem,
)
from outreach.models.audit import AuditEntry, LoginAttempt, LoginLock
from outreach.models.base import Base, utcnow
from outreach.models.catalogue import ActivityKind, ItemKind, KamtibmasMessage, LocationKind, PartnerKind
from outreach.models.job import JOB_STATUSES, ExportJob
from outreach.models.location import Location
from outreach.models.org import RANKS, ApiToken, Person, Role, Unit, UnitLevel, User, normalize_rank
from outreach.models.plan import Plan, PlanStatus
from outreach.models.priority import PriorityMessage
from outreach.models.programme import (
    AnevDirective,
    Indicator,
    LockException,
    Programme,
    ProgrammeKind,
    ProgrammeTarget,
    ReportSection,
    ReportText,
)
from outreach.models.recap import (
    DeliveryStatus,
    NotificationChannel,
    RecapDelivery,
    RecapFrequency,
    RecapSubscription,
)
from outreach.models.rollup import Leader, LocationRollup, Rollup

__all__ = [
    "RANKS", "Activity", "ActivityKind", "ActivityMessage", "ActivityOfficer", "ActivityPartner",
    "ActivityStatus", "ApiToken", "AuditEntry", "Base", "IdempotencyKey", "ImportBatch", "Indicator",
    "ItemKind", "KamtibmasMessage", "Leader", "Location", "LocationKind", "LocationRollup", "LoginAttempt",
    "LoginLock", "MediaCoverage", "PartnerKind", "Person", "Photo", "Programme", "ProgrammeKind", "ProgrammeTarget",
    "ReportSection", "ReportText", "Role", "Rollup", "Unit", "UnitLevel", "User", "Visit", "VisitItem",
    "normalize_rank", "utcnow",
    "AnevDirective", "LockException", "Plan", "PlanStatus",  # issue 15
    "PriorityMessage",  # issue 15, item 6
    "JOB_STATUSES", "ExportJob",  # issue 17, item 3
    "DeliveryStatus", "NotificationChannel", "RecapDelivery", "RecapFrequency", "RecapSubscription",  # issue 17
]  # fmt: skip
