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
from outreach.models.audit import AuditEntry, LoginAttempt
from outreach.models.base import Base, utcnow
from outreach.models.catalogue import ActivityKind, ItemKind, KamtibmasMessage, LocationKind, PartnerKind
from outreach.models.location import Location
from outreach.models.org import RANKS, ApiToken, Person, Role, Unit, UnitLevel, User, normalize_rank
from outreach.models.programme import (
    Indicator,
    Programme,
    ProgrammeKind,
    ProgrammeTarget,
    ReportSection,
    ReportText,
)

__all__ = [
    "RANKS", "Activity", "ActivityKind", "ActivityMessage", "ActivityOfficer", "ActivityPartner",
    "ActivityStatus", "ApiToken", "AuditEntry", "Base", "IdempotencyKey", "ImportBatch", "Indicator",
    "ItemKind", "KamtibmasMessage", "Location", "LocationKind", "LoginAttempt", "MediaCoverage",
    "PartnerKind", "Person", "Photo", "Programme", "ProgrammeKind", "ProgrammeTarget", "ReportSection",
    "ReportText", "Role", "Unit", "UnitLevel", "User", "Visit", "VisitItem", "normalize_rank", "utcnow",
]  # fmt: skip
