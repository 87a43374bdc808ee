"""Priority messages (issue 15, item 6): setting them, scope, and the coverage matrix against the raw rows."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from outreach.exports import anev as export
from outreach.exports.pdf import Signatory
from outreach.extensions import db
from outreach.models import Activity, ActivityMessage, AuditEntry, KamtibmasMessage, PriorityMessage
from outreach.services import anev, priorities
from outreach.services.errors import Forbidden, Invalid, NotFound
from outreach.services.filters import DEFAULT_STATUSES
from tests import factories
from tests.support.priorities import FROM, TO, seed


@pytest.fixture
def seeded(world: factories.World) -> tuple[KamtibmasMessage, KamtibmasMessage]:
    return seed(world)


def test_matrix_counts_match_the_raw_rows(
    world: factories.World, seeded: tuple[KamtibmasMessage, ...]
) -> None:
    money, hoax = seeded
    assert world.programme is not None
    report = priorities.coverage(
        world.users["commander.a1"],
        world.u("POLRES-A1"),
        programme_id=world.programme.id,
        date_from=FROM,
        date_to=TO,
    )
    assert [m.code for m in report.messages] == ["anti_hoaks_t", "tolak_politik_uang_t"]  # by label
    units = {r.key: r.cells for r in report.units}
    # the same counts straight from the rows
    raw = db.session.execute(
        select(Activity.unit_id, ActivityMessage.message_id, func.count())
        .join(Activity, Activity.id == ActivityMessage.activity_id)
        .where(
            Activity.status.in_(DEFAULT_STATUSES),
            Activity.occurred_on.between(FROM, TO),
            ActivityMessage.message_id.in_([money.id, hoax.id]),
        )
        .group_by(Activity.unit_id, ActivityMessage.message_id)
    ).all()
    expected = {(world.u("POLSEK-A1X").id, money.id): 2, (world.u("POLSEK-A1X").id, hoax.id): 1}
    assert {(r[0], r[1]): r[2] for r in raw} == expected
    assert units["POLSEK-A1X"] == {money.id: 2, hoax.id: 1}
    # POLSEK-A1Y delivered nothing of the Polres's priority: 0 ("belum"); the A1X-only priority does not apply
    assert units["POLSEK-A1Y"] == {money.id: 0, hoax.id: None}
    assert units["POLRES-A1"][money.id] == 0
    assert next(r for r in report.units if r.key == "POLSEK-A1Y").missing == 1
    districts = {r.key: r.cells for r in report.districts}
    assert districts["33.16.01"] == {money.id: 2, hoax.id: 1}
    assert districts["33.16.02"] == {money.id: 0, hoax.id: 0}  # visited, the priorities not delivered


def test_only_the_priorities_active_in_the_period(
    world: factories.World, seeded: tuple[KamtibmasMessage, ...]
) -> None:
    report = priorities.coverage(
        world.users["commander.a1"], world.u("POLRES-A1"), programme_id=None,
        date_from=date(2024, 2, 1), date_to=date(2024, 2, 28),
    )  # fmt: skip
    assert report.messages == () and report.units == ()


def test_scope_and_roles(world: factories.World, seeded: tuple[KamtibmasMessage, ...]) -> None:
    money, _hoax = seeded
    with pytest.raises(Forbidden):
        priorities.create(
            world.users["staff.a1"], unit_code="POLRES-A1", message_id=money.id, date_from=FROM, date_to=TO
        )
    with pytest.raises(Invalid) as exc:  # another Polres: not in the commander's area
        priorities.create(
            world.users["commander.a1"],
            unit_code="POLRES-B1",
            message_id=money.id,
            date_from=FROM,
            date_to=TO,
        )
    assert "unit" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        priorities.create(
            world.users["commander.a1"], unit_code="POLRES-A1", message_id=None, date_from=TO, date_to=FROM
        )
    assert set(exc.value.fields) == {"message_id", "to"}
    with pytest.raises(NotFound):
        priorities.coverage(
            world.users["commander.b1"], world.u("POLRES-A1"), programme_id=None, date_from=FROM, date_to=TO
        )
    # the Polsek commander sees the Polres's priority (it applies to them) but cannot remove it
    polsek = world.users["commander.a1x"]
    listed = db.session.scalars(priorities.list_query(polsek)).all()
    assert {p.message_id for p in listed} == {
        p.message_id for p in db.session.scalars(select(PriorityMessage))
    }
    polres_priority = next(p for p in listed if p.unit.code == "POLRES-A1")
    with pytest.raises(NotFound):
        priorities.remove(polsek, polres_priority.id)
    priorities.remove(world.users["commander.a1"], polres_priority.id)
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "priority_message")
    ).all()
    assert sorted(actions) == ["priority_message_add", "priority_message_add", "priority_message_remove"]


def test_anev_section_page_pdf_and_xlsx(world: factories.World, seeded: tuple[KamtibmasMessage, ...]) -> None:
    money, hoax = seeded
    assert world.programme is not None
    report = anev.build(world.users["commander.a1"], world.programme.id, "POLRES-A1", FROM, TO, today=TO)
    assert report.priorities is not None
    cells = {r.key: r.cells for r in report.priorities.units}
    assert cells["POLSEK-A1X"] == {money.id: 2, hoax.id: 1}
    assert cells["POLSEK-A1Y"] == {money.id: 0, hoax.id: None}
    data = anev.to_dict(report)["priority_messages"]
    assert [u["cells"] for u in data["units"] if u["key"] == "POLSEK-A1Y"] == [
        {str(money.id): 0, str(hoax.id): None}
    ]
    table = export.priority_table(report)
    assert table[0] == ["Satuan / kecamatan", hoax.label_id, money.label_id]
    assert len(table) == 1 + len(report.priorities.units) + len(report.priorities.districts)
    a1y = next(r for r in table if r[0] == world.u("POLSEK-A1Y").name)
    assert a1y[1:] == ["–", "belum"]
    ws = load_workbook(io.BytesIO(export.build_xlsx(report))).active
    rows = [[("" if c is None else str(c)) for c in row] for row in ws.iter_rows(values_only=True)]
    start = rows.index(["Pesan prioritas"] + [""] * (len(rows[0]) - 1)) + 1
    assert [r[: len(table[0])] for r in rows[start : start + len(table)]] == table
    pdf = export.build_pdf(report, ["KEPOLISIAN"], Signatory(position="KAPOLRES", name="Budi"), "Blora", TO)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "PESAN PRIORITAS" in text
    for row in table[1:]:
        assert re.search(r"\s*".join(re.escape(c) for c in row), text), (row, text[:1500])


def test_pr_counts_only_verified(world: factories.World, seeded: tuple[KamtibmasMessage, ...]) -> None:
    money, _hoax = seeded
    assert world.programme is not None
    report = anev.build(world.users["pr.a1"], world.programme.id, "POLRES-A1", FROM, TO, today=TO)
    assert report.priorities is not None
    cells = {r.key: r.cells for r in report.priorities.units}
    assert cells["POLSEK-A1X"][money.id] == 0  # two submitted deliveries, none verified yet
