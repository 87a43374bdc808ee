"""The Polri organisation: units (materialised-path hierarchy), people, users and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin, utcnow
from outreach.models.types import UTCDateTime, enum_column


class UnitLevel(enum.Enum):
    MABES = "mabes"
    POLDA = "polda"
    POLRES = "polres"
    POLSEK = "polsek"
    SATKER = "satker"  # functional unit inside a level: Sat Binmas, Ditbinmas, Bid Propam …


class Role(enum.Enum):
    STAFF = "staff"
    COMMANDER = "commander"
    PR = "pr"
    ADMIN = "admin"


#: Polri ranks, highest first, as Polri writes the abbreviation (DOMAIN.md). Civilian staff use ``ASN``.
RANKS: tuple[str, ...] = (
    "Jenderal Pol", "Komjen Pol", "Irjen Pol", "Brigjen Pol",
    "Kombes Pol", "AKBP", "Kompol",
    "AKP", "Iptu", "Ipda",
    "Aiptu", "Aipda",
    "Bripka", "Brigadir", "Briptu", "Bripda",
    "Abrip", "Abriptu", "Abripda", "Bharaka", "Bharatu", "Bharada",
    "ASN",
)  # fmt: skip
_RANKS_BY_KEY = {r.casefold(): r for r in RANKS} | {"brigpol": "Brigadir"}


def normalize_rank(value: str) -> str | None:
    """The canonical spelling of a rank typed in any case, or None when it is not a Polri rank."""
    return _RANKS_BY_KEY.get(" ".join(value.split()).casefold())


class Unit(TimestampMixin, Base):
    """A Polri unit. ``path`` is the materialised path of ids (``/1/4/9/``): a subtree is a prefix match."""

    __tablename__ = "units"
    __table_args__ = (Index("ix_units_path", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    level: Mapped[UnitLevel] = mapped_column(enum_column(UnitLevel))
    #: Subtype as written in the name: polres, polresta, polrestabes, polres_metro, sat_binmas, ditbinmas …
    kind: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="")
    depth: Mapped[int] = mapped_column(default=0)
    #: Territory (kept explicit: units do not always map 1:1 onto administrative areas).
    province: Mapped[str | None] = mapped_column(String(120))
    regency: Mapped[str | None] = mapped_column(String(120))
    district: Mapped[str | None] = mapped_column(String(120))
    #: Kemendagri code of the unit's territory: the province for a Polda ("33"), the regency or city for a
    #: Polres ("33.16"), the kecamatan for a Polsek ("33.16.09"); None when no single region matches.
    region_code: Mapped[str | None] = mapped_column(String(13))
    #: Place name used in signature blocks and press datelines ("Blora").
    city: Mapped[str | None] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(4), default="WIB")
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Person(TimestampMixin, Base):
    """An officer or civilian staff member. Rank, name, degrees, NRP and position are stored separately."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint("nrp IS NULL OR length(nrp) IN (8, 18)", name="nrp_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    rank: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(160))
    #: Academic titles written after the name, e.g. "S.H." or "S.I.K., M.H.".
    degrees: Mapped[str | None] = mapped_column(String(80))
    nrp: Mapped[str | None] = mapped_column(String(18), unique=True)
    position: Mapped[str | None] = mapped_column(String(160))
    is_active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship()

    @property
    def display_name(self) -> str:
        """ "AKP Lilik Widiastuti, S.H." — rank before the name, degrees after."""
        name = f"{self.name}, {self.degrees}" if self.degrees else self.name
        return f"{self.rank} {name}"


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(160), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: Preferred UI language ("id" or "en"); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    #: Bumped on logout-everywhere, password change and deactivation: sessions carrying an older value die.
    session_epoch: Mapped[int] = mapped_column(default=0)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()
    person: Mapped[Person | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.is_active_account

    def get_id(self) -> str:
        """Session identity: id plus epoch, so bumping the epoch ends every existing session."""
        return f"{self.id}:{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored. It acts with its user's role and unit."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, shown in listings so an operator can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
