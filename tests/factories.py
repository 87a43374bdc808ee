"""Plain builders with sensible defaults; they flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from outreach.extensions import db
from outreach.models import (
    Activity,
    Indicator,
    Location,
    LocationKind,
    Programme,
    ProgrammeKind,
    ProgrammeTarget,
    Role,
    Unit,
    UnitLevel,
    User,
)
from outreach.services import activities as svc
from outreach.services import users
from outreach.services.schema.activity import ActivityInput, PersonInput, VisitInput
from outreach.services.scope import set_path

PASSWORD = "correct horse battery"


def make_unit(code: str, level: UnitLevel, parent: Unit | None = None, **kw: Any) -> Unit:
    unit = Unit(
        code=code, name=kw.pop("name", code.replace("-", " ").title()), level=level, parent=parent, **kw
    )
    db.session.add(unit)
    db.session.flush()
    set_path(unit)
    db.session.flush()
    return unit


def make_user(username: str, role: Role, unit: Unit, password: str = PASSWORD) -> User:
    return users.create_user(username, password, role, unit, full_name=username)


def make_programme(name: str = "Cooling System Pemilu 2024", **kw: Any) -> Programme:
    programme = Programme(
        name=name,
        kind=kw.pop("kind", ProgrammeKind.PEMILU),
        start_on=kw.pop("start_on", date(2023, 10, 19)),
        end_on=kw.pop("end_on", date(2024, 10, 20)),
        **kw,
    )
    db.session.add(programme)
    db.session.flush()
    return programme


def make_location(name: str, kind: str = "pondok_pesantren", unit: Unit | None = None, **kw: Any) -> Location:
    from sqlalchemy import select

    kind_row = db.session.scalar(select(LocationKind).where(LocationKind.code == kind))
    location = Location(
        name=name, kind=kind_row, unit=unit, regency=kw.pop("regency", "Kabupaten Blora"), **kw
    )
    db.session.add(location)
    db.session.flush()
    return location


def activity_input(programme: Programme, unit: Unit, locations: list[Location], **kw: Any) -> ActivityInput:
    parcels = kw.pop("parcels", [10] * len(locations))
    beneficiaries = kw.pop("beneficiaries", [20] * len(locations))
    return ActivityInput(
        programme_id=programme.id,
        unit_code=unit.code,
        kind=kw.pop("kind", "bakti_sosial"),
        occurred_on=kw.pop("occurred_on", date(2023, 11, 30)),
        leader=kw.pop(
            "leader",
            PersonInput(rank="AKP", name="Lilik Widiastuti", degrees="S.H.", position="Kasat Binmas"),
        ),
        visits=[
            VisitInput(location_id=loc.id, parcels=p, beneficiaries=b)
            for loc, p, b in zip(locations, parcels, beneficiaries, strict=True)
        ],
        **kw,
    )


def make_activity(
    actor: User, programme: Programme, unit: Unit, locations: list[Location], **kw: Any
) -> Activity:
    return svc.create_activity(actor, activity_input(programme, unit, locations, **kw))


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    programme: Programme | None = None

    def u(self, code: str) -> Unit:
        return self.units[code]


def build_world() -> World:
    """Mabes > 2 Polda > 2 Polres each > 2 Polsek each; per Polres and Polsek a user of every role."""
    w = World()
    root = make_unit("MABES", UnitLevel.MABES)
    w.units["MABES"] = root
    w.users["admin"] = make_user("admin", Role.ADMIN, root)
    for p in ("A", "B"):
        polda = make_unit(f"POLDA-{p}", UnitLevel.POLDA, root)
        w.units[polda.code] = polda
        for r in ("1", "2"):
            polres = make_unit(f"POLRES-{p}{r}", UnitLevel.POLRES, polda, regency=f"Kabupaten {p}{r}")
            w.units[polres.code] = polres
            for s in ("x", "y"):
                polsek = make_unit(
                    f"POLSEK-{p}{r}{s}".upper(), UnitLevel.POLSEK, polres, district=f"Kec {p}{r}{s}"
                )
                w.units[polsek.code] = polsek
                w.locations[polsek.code] = make_location(
                    f"Ponpes {polsek.code}", unit=polsek, regency=f"Kabupaten {p}{r}"
                )
    for code in ("POLRES-A1", "POLSEK-A1X", "POLSEK-A1Y", "POLRES-B1"):
        suffix = code.split("-")[1].lower()
        for role in (Role.STAFF, Role.COMMANDER, Role.PR):
            username = f"{role.value}.{suffix}"
            w.users[username] = make_user(username, role, w.units[code])
    programme = make_programme()
    programme.targets.append(ProgrammeTarget(indicator=Indicator.ACTIVITIES, target=10))
    programme.targets.append(ProgrammeTarget(indicator=Indicator.PARCELS, target=100))
    w.programme = programme
    db.session.flush()
    return w
