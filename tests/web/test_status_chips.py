"""The status filter is a row of checkbox chips (usable on a phone), on the list and on the dashboard."""

from __future__ import annotations

import re
from typing import Any

from tests import factories


def _checked(page: str) -> set[str]:
    return set(re.findall(r'name="status" value="(\w+)" autocomplete="off" checked', page))


def test_activity_list_chips(world: factories.World, login_as: Any) -> None:
    client = login_as("commander.a1")
    page = client.get("/activities/?status=submitted&status=verified").get_data(as_text=True)
    assert (
        'data-testid="status-chips"' in page
        and "<select" not in page.split('data-testid="status-chips"')[1][:600]
    )
    assert _checked(page) == {"submitted", "verified"}
    assert len(re.findall(r'type="checkbox" class="btn-check"[^>]*name="status"', page)) == 4


def test_dashboard_chips(world: factories.World, login_as: Any) -> None:
    assert world.programme is not None
    client = login_as("commander.a1")
    page = client.get(f"/dashboard/?programme_id={world.programme.id}").get_data(as_text=True)
    assert 'data-testid="status-chips"' in page
    assert _checked(page) == {"submitted", "verified"}  # the default statuses, stated as chips
