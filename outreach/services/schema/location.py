"""The location's one input definition: a place in the registry (a visit may describe one inline)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Code, Line, Schema


class LocationInput(Schema):
    """A place: an institution, a market, a hamlet, a whole village."""

    name: Line = Field(max_length=200)
    kind: Code = Field(description="Location kind code, e.g. pondok_pesantren, panti_asuhan, masjid.")
    village: Line = Field(default="", max_length=120)
    district: Line = Field(default="", max_length=120)
    regency: Line = Field(default="", max_length=120)
    province: Line = Field(default="", max_length=120)
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    accuracy_m: Annotated[float, Field(ge=0, le=100_000)] | None = Field(
        default=None, description="How far off the position may be, in metres (a phone's Geolocation API)."
    )
    contact_name: Line = Field(default="", max_length=160)
    #: Kemendagri codes may stand for the names (or beside them); a name alone is matched to its code
    #: (services.regions); a code fills the names in their official spelling.
    village_code: Line = Field(
        default="", max_length=13, description="Kemendagri code of the village, e.g. 33.16.09.1015."
    )
    district_code: Line = Field(
        default="", max_length=8, description="Kemendagri code of the district, e.g. 33.16.09."
    )
    regency_code: Line = Field(
        default="", max_length=5, description="Kemendagri code of the regency/city, e.g. 33.16."
    )
    province_code: Line = Field(
        default="", max_length=2, description="Kemendagri code of the province, e.g. 33."
    )


class LocationCreateInput(LocationInput):
    """A place to register; ``unit_code`` (default: the caller's unit) is the unit whose area it lies in."""

    unit_code: Code | None = None
