"""The registry of places visited: institutions, markets, hamlets, whole villages."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false
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
    #: Kemendagri codes of the four regions above (dotted: "33", "33.16", "33.16.09", "33.16.09.2001"), set by
    #: ``services.regions.place`` where the names matched; the names stay beside them (official when matched).
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(5))
    district_code: Mapped[str | None] = mapped_column(String(8))
    village_code: Mapped[str | None] = mapped_column(String(13))
    #: A region name was written that matched no Kemendagri region (or several): kept as written, for an admin.
    is_region_unmatched: Mapped[bool] = mapped_column(default=False, server_default=false())
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: How far off the position may be, in metres, when a phone's Geolocation API gave it (issue 14).
    position_accuracy_m: Mapped[float | None]
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
