"""The priority-message page (list, add, remove) and the matrix on the dashboard and the ANEV."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import PriorityMessage
from tests import factories
from tests.support.priorities import seed


def test_page_add_remove_and_matrix(world: factories.World, login_as: Any) -> None:
    money, hoax = seed(world)
    assert world.programme is not None
    client = login_as("commander.a1")
    query = f"programme_id={world.programme.id}&from=2024-01-01&to=2024-01-14"
    page = client.get(f"/dashboard/priorities?{query}").get_data(as_text=True)
    assert 'data-testid="priority-by-unit"' in page and 'data-testid="priority-by-district"' in page
    assert 'data-cell="belum"' in page  # POLSEK-A1Y has not delivered the Polres's priority
    # the dashboard shows the same matrix
    dashboard = client.get(f"/dashboard/?{query}").get_data(as_text=True)
    assert 'data-testid="priority-by-unit"' in dashboard and 'data-cell="2"' in dashboard
    # and so does the ANEV page
    anev_page = client.get(f"/dashboard/anev?{query}").get_data(as_text=True)
    assert 'data-testid="priority-by-unit"' in anev_page and 'data-cell="belum"' in anev_page
    # add: a bad period is a per-field error; a good one is stored
    bad = client.post(
        f"/dashboard/priorities?{query}",
        data={"unit": "POLSEK-A1Y", "message_id": str(hoax.id), "from": "2024-01-10", "to": "2024-01-01"},
    )
    assert bad.status_code == 422 and "is-invalid" in bad.get_data(as_text=True)
    ok = client.post(
        f"/dashboard/priorities?{query}",
        data={"unit": "POLSEK-A1Y", "message_id": str(hoax.id), "from": "2024-01-01", "to": "2024-01-14"},
    )
    assert ok.status_code == 302
    added = db.session.scalar(
        select(PriorityMessage).where(PriorityMessage.unit_id == world.u("POLSEK-A1Y").id)
    )
    assert added is not None
    # another Polres's commander cannot remove it
    client.post("/logout")
    assert login_as("commander.b1").post(f"/dashboard/priorities/{added.id}/delete").status_code == 404
    client.post("/logout")
    assert login_as("commander.a1").post(f"/dashboard/priorities/{added.id}/delete").status_code == 302
    assert db.session.get(PriorityMessage, added.id) is None
    assert money.id != hoax.id


def test_no_priority_in_the_period(world: factories.World, login_as: Any) -> None:
    seed(world)
    page = login_as("commander.a1").get("/dashboard/priorities?from=2024-03-01&to=2024-03-31")
    assert page.status_code == 200 and 'data-testid="priority-none"' in page.get_data(as_text=True)
    login_as("commander.a1").post("/logout")
    assert login_as("staff.a1x").get("/dashboard/priorities").status_code == 403
