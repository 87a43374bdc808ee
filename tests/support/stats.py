"""The hand-computed stats data set (its table is in tests/services/test_stats.py's docstring), shared by the
stats service tests and the dashboard tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import KamtibmasMessage, Location
from outreach.services import activities as svc
from outreach.services.schema.activity import ItemInput, PersonInput
from tests import factories


@dataclass
class StatsData:
    world: factories.World
    loc_x: Location
    loc_x2: Location
    loc_r: Location
    loc_y: Location
    panti: Location
    gereja: Location


def build_stats_data(world: factories.World) -> StatsData:
    programme = world.programme
    assert programme is not None
    u, users = world.u, world.users
    staff, commander, admin = users["staff.a1"], users["commander.a1"], users["admin"]
    messages = list(db.session.scalars(select(KamtibmasMessage.id).order_by(KamtibmasMessage.sort_order)))
    loc_x = world.locations["POLSEK-A1X"]
    loc_x.latitude, loc_x.longitude = -6.9262, 111.3951
    loc_x2 = factories.make_location("Panti Asuhan Kasih", "panti_asuhan", u("POLSEK-A1X"))
    loc_r = factories.make_location("Pasar Kota", "pasar", u("POLRES-A1"))
    loc_y = world.locations["POLSEK-A1Y"]
    panti = factories.make_location("Panti Asuhan Sepi", "panti_asuhan", u("POLSEK-A1Y"))
    gereja = factories.make_location("Gereja Draft", "gereja", u("POLSEK-A1Y"))
    factories.make_location("Pasar Sepi", "pasar", u("POLSEK-A1Y"))  # not a key kind: never a gap

    def make(
        unit: str, day: date, locations: list[Location], parcels: list[int], benef: list[int], **kw: object
    ):
        return factories.make_activity(
            admin if unit == "POLRES-A2" else staff,
            programme,
            u(unit),
            locations,
            occurred_on=day,
            parcels=parcels,
            beneficiaries=benef,
            **kw,
        )

    a1 = make("POLSEK-A1X", date(2023, 11, 30), [loc_x, loc_x2], [10, 5], [20, 30], message_ids=messages[:2])
    a2 = make(
        "POLSEK-A1X", date(2023, 12, 5), [loc_x], [0], [40], kind="penyuluhan", message_ids=messages[:1]
    )
    data = factories.activity_input(
        programme, u("POLRES-A1"), [loc_r], parcels=[0], beneficiaries=[100], kind="sosialisasi",
        occurred_on=date(2023, 12, 20),
        leader=PersonInput(rank="Aipda", name="Budi Santoso", position="Bhabinkamtibmas"),
    )  # fmt: skip
    data.visits[0].items = [
        ItemInput(name="Brosur pemilu damai", quantity=150, kind="brosur", measure="lembar")
    ]
    a3 = svc.create_activity(staff, data)
    a4 = make("POLSEK-A1Y", date(2024, 1, 10), [loc_y], [20], [10])
    make("POLSEK-A1Y", date(2024, 1, 12), [gereja], [99], [99])  # a draft
    gone = make("POLSEK-A1X", date(2024, 1, 15), [loc_x], [7], [7])
    loc_a2 = world.locations["POLSEK-A2X"]
    a2x = make("POLRES-A2", date(2023, 12, 1), [loc_a2], [1000], [500])
    for activity in (a1, a2, a3, a4, gone):
        svc.submit_activity(staff, activity)
    for activity in (a1, a3, a4):
        svc.verify_activity(commander, activity)
    svc.submit_activity(admin, a2x)
    svc.verify_activity(admin, a2x)
    svc.delete_activity(admin, gone)
    db.session.commit()
    return StatsData(world, loc_x, loc_x2, loc_r, loc_y, panti, gereja)
