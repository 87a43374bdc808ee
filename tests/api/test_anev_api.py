"""GET /api/v1/anev: the ANEV rows (unit, name, score, band, rank …) as JSON."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.services import anev
from tests import factories
from tests.support.anev import seed


@pytest.fixture
def report(world: factories.World) -> anev.Anev:
    return seed(world)


def test_api_anev(world: factories.World, report: anev.Anev, api_as: Any) -> None:
    assert world.programme is not None
    api = api_as("commander.a1")
    r = api.get(f"/api/v1/anev?programme_id={world.programme.id}&from=2023-12-01&to=2023-12-31")
    assert r.status_code == 200, r.get_json()
    rows = {row["unit"]: row for row in r.get_json()["rows"]}
    assert rows["POLSEK-A1X"]["score"] == 50.0 and rows["POLSEK-A1X"]["band"] == "cukup"
    assert rows["POLSEK-A1X"]["rank"] == 1 and rows["POLSEK-A1Y"]["plans"]["planned"] == 2
    assert (
        api.get(f"/api/v1/anev?programme_id={world.programme.id}&from=2023-12-31&to=2023-12-01").status_code
        == 422
    )
    assert api.get("/api/v1/anev?from=2023-12-01&to=2023-12-31").status_code in (400, 422)
    assert (
        api_as("staff.a1")
        .get(f"/api/v1/anev?programme_id={world.programme.id}&from=2023-12-01&to=2023-12-31")
        .status_code
        == 403
    )
