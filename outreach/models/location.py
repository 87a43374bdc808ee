"""The registry of places visited: institutions, markets, hamlets, whole villages."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin
from outreach.models.catalogue import LocationKind
from outreach.models.org import Unit


class Location(TimestampMixin, Base):
    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        Index("ix_locations_name_regency", "name", "regency"),
        Index("ix_locations_unit_kind", "unit_id", "kind_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind_id: Mapped[int] = mapped_column(ForeignKey("location_kinds.id"), index=True)
    #: desa / kelurahan
    village: Mapped[str | None] = mapped_column(String(120))
    #: kecamatan
    district: Mapped[str | None] = mapped_column(String(120))
    #: kabupaten / kota
    regency: Mapped[str | None] = mapped_column(String(120))
    #: provinsi
    province: Mapped[str | None] = mapped_column(String(120))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    contact_name: Mapped[str | None] = mapped_column(String(160))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    #: The unit whose area the place lies in (drives scope and the "not yet visited" gap list).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    kind: Mapped[LocationKind] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def address(self) -> str:
        parts = [self.village, self.district, self.regency, self.province]
        return ", ".join(p for p in parts if p)
