"""Priority-message test data: two priorities under POLRES-A1 in January 2024 and their deliveries (issue 15)."""

from __future__ import annotations

from datetime import date

from outreach.extensions import db
from outreach.models import Activity, KamtibmasMessage
from outreach.services import activities as svc
from outreach.services import priorities
from tests import factories

FROM, TO = date(2024, 1, 1), date(2024, 1, 14)


def _message(code: str, label: str) -> KamtibmasMessage:
    row = KamtibmasMessage(code=code, label_id=label, label_en=label, sort_order=900)
    db.session.add(row)
    db.session.flush()
    return row


def _deliver(
    world: factories.World, unit: str, day: date, texts: list[str], *, submit: bool = True
) -> Activity:
    assert world.programme is not None
    staff = world.users["staff.a1x"] if unit == "POLSEK-A1X" else world.users["staff.a1y"]
    activity = factories.make_activity(
        staff, world.programme, world.u(unit), [world.locations[unit]], occurred_on=day, messages=texts
    )
    if submit:
        svc.submit_activity(staff, activity)
    return activity


def seed(world: factories.World) -> tuple[KamtibmasMessage, KamtibmasMessage]:
    money = _message("tolak_politik_uang_t", "Tolak politik uang (uji)")
    hoax = _message("anti_hoaks_t", "Jangan sebar hoaks (uji)")
    world.locations["POLSEK-A1X"].district_code = "33.16.01"
    world.locations["POLSEK-A1Y"].district_code = "33.16.02"
    commander = world.users["commander.a1"]
    priorities.create(commander, unit_code="POLRES-A1", message_id=money.id, date_from=FROM, date_to=TO)
    priorities.create(commander, unit_code="POLSEK-A1X", message_id=hoax.id, date_from=FROM, date_to=TO)
    _deliver(world, "POLSEK-A1X", date(2024, 1, 3), [money.label_id, hoax.label_id])
    _deliver(world, "POLSEK-A1X", date(2024, 1, 5), [money.label_id])
    _deliver(world, "POLSEK-A1X", date(2024, 1, 6), [money.label_id], submit=False)  # a draft: not counted
    _deliver(world, "POLSEK-A1X", date(2023, 12, 30), [money.label_id])  # before the priority: not counted
    _deliver(world, "POLSEK-A1Y", date(2024, 1, 4), ["Pesan lain yang bebas"])  # nothing of the priorities
    db.session.commit()
    return money, hoax
