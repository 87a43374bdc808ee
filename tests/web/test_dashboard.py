"""The dashboard page: roles, filters in the URL, figures, drill-down, scope and the query bound."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from outreach.extensions import db
from outreach.services import activities as svc
from outreach.services import stats
from tests import factories
from tests.support.stats import StatsData, build_stats_data


@pytest.fixture
def data(world: factories.World) -> StatsData:
    return build_stats_data(world)


def _url(data: StatsData, **args: str) -> str:
    assert data.world.programme is not None
    query = "&".join(f"{k}={v}" for k, v in {"programme_id": str(data.world.programme.id), **args}.items())
    return f"/dashboard/?{query}"


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-testid="figure-{key}">([^<]*)<', html)
    assert match, key
    return match.group(1)


@contextmanager
def count_statements(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


# ------------------------------------------------------------------------------------------ access


@pytest.mark.parametrize(
    ("username", "status"), [("commander.a1", 200), ("pr.a1", 200), ("admin", 200), ("staff.a1", 403)]
)
def test_roles(data: StatsData, login_as, username: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client = login_as(username)
    assert client.get(_url(data)).status_code == status


def test_anonymous_is_sent_to_login(client: FlaskClient, data: StatsData) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_home_lands_commanders_on_the_dashboard(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    assert client.get("/").headers["Location"].startswith("/dashboard/")
    client.post("/logout")
    client = login_as("staff.a1")
    assert client.get("/").headers["Location"].startswith("/activities/")


def test_default_programme_goes_into_the_url(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    response = client.get("/dashboard/?unit=POLSEK-A1X")
    assert response.status_code == 302
    assert data.world.programme is not None
    location = response.headers["Location"]
    assert f"programme_id={data.world.programme.id}" in location
    assert "unit=POLSEK-A1X" in location


# ------------------------------------------------------------------------------------------ figures


def test_a_polsek_without_a_target_is_not_behind_the_programme(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    """At the top of the tree the national targets apply (1,035 of 100 parcels: on track); at a Polsek
    without a target of its own, "no target", never the programme's 100."""
    html = login_as("admin").get(_url(data)).get_data(as_text=True)
    assert 'data-testid="on-track-parcels"' in html
    login_as("admin").post("/logout")
    polsek = login_as("commander.a1x").get(_url(data)).get_data(as_text=True)
    assert 'data-testid="behind-parcels"' not in polsek
    assert 'data-testid="no-target-parcels"' in polsek
    assert 'data-testid="no-target-activities"' in polsek


def test_figures_and_breakdowns(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    response = client.get(_url(data))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _figure(html, "activities") == "4"
    assert _figure(html, "locations") == "4"
    assert _figure(html, "parcels") == "35"
    assert _figure(html, "beneficiaries") == "200"
    # The programme is national: its targets (100 parcels) are not POLRES-A1's, which has none of its own.
    assert 'data-testid="behind-parcels"' not in html
    assert 'data-testid="no-target-parcels"' in html
    assert 'data-testid="drill-POLSEK-A1X"' in html
    assert "POLRES-A2" not in html
    assert "Ponpes POLSEK-A2X" not in html
    # Filters are kept in the URL with the API's names; the drill-down link keeps them and adds unit=.
    assert f'href="/dashboard/?programme_id={data.world.programme.id}&amp;unit=POLSEK-A1X"' in html  # type: ignore[union-attr]
    # Charts get their data from a JSON block, never from inline script.
    block = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    assert block
    payload = json.loads(block.group(1))
    assert [r["activities"] for r in payload["by_month"]] == [1, 2, 1]
    assert payload["points"][0]["name"] == "Ponpes POLSEK-A1X"
    assert payload["tile_url"] == ""
    assert re.search(r"<script>(?!</script>)", html) is None
    assert 'data-testid="trend-week"' in html
    assert 'data-testid="map-table"' in html
    assert 'data-testid="map-limited"' not in html  # every visited location fits
    assert "Panti Asuhan Sepi" in html  # a key location not yet visited


def test_figures_formatted_indonesian_style(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    from outreach.models import Location

    big = factories.make_location("Lapangan Besar", "ruang_publik", data.world.u("POLSEK-A1X"))
    assert isinstance(big, Location)
    staff = data.world.users["staff.a1"]
    assert data.world.programme is not None
    activity = factories.make_activity(
        staff, data.world.programme, data.world.u("POLSEK-A1X"), [big], parcels=[2465], beneficiaries=[2300],
        occurred_on=date(2024, 2, 1),
    )  # fmt: skip
    svc.submit_activity(staff, activity)
    db.session.commit()
    client = login_as("commander.a1")
    html = client.get(_url(data), headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert _figure(html, "parcels") == "2.500"
    assert _figure(html, "beneficiaries") == "2.500"


def test_drill_down_one_level(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    html = client.get(_url(data, unit="POLSEK-A1X")).get_data(as_text=True)
    assert _figure(html, "activities") == "2"
    assert _figure(html, "visits") == "3"
    assert _figure(html, "locations") == "2"
    assert 'data-testid="drill-up"' in html
    assert 'data-testid="dashboard-unit">Polsek A1X<' in html


def test_pr_sees_only_verified(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("pr.a1")
    html = client.get(_url(data, status="submitted,draft")).get_data(as_text=True)
    assert _figure(html, "activities") == "3"
    assert _figure(html, "beneficiaries") == "160"


def test_sibling_polres_is_not_found(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    assert client.get(_url(data, unit="POLRES-A2")).status_code == 404
    assert client.get(_url(data, unit="NOPE")).status_code == 404


def test_bad_filter_values_show_errors(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    response = client.get(_url(data, **{"from": "30-11-2023"}))
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)


# ------------------------------------------------------------------------------------------ query bound


def _add_activities(data: StatsData, n: int) -> None:
    staff = data.world.users["staff.a1"]
    assert data.world.programme is not None
    for i in range(n):
        unit = data.world.u("POLSEK-A1X" if i % 2 else "POLSEK-A1Y")
        location = factories.make_location(
            f"Tempat {i}", "masjid", unit, latitude=-6.9 - i / 1000, longitude=111.4
        )
        activity = factories.make_activity(
            staff,
            data.world.programme,
            unit,
            [location],
            occurred_on=date(2024, 2, 1 + i % 28),
            message_ids=[],
        )
        svc.submit_activity(staff, activity)
    db.session.commit()


def test_query_count_is_bounded(app: Flask, data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    url = _url(data)
    client.get(url)  # warm up (session, first-request work)
    db.session.commit()  # both measured requests start from expired objects, as a fresh request does
    with count_statements(app) as small:
        assert client.get(url).status_code == 200
    _add_activities(data, 30)
    with count_statements(app) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert _figure(response.get_data(as_text=True), "activities") == "34"
    assert len(small) == len(large)
    assert len(large) <= 30


# ------------------------------------------------------------------------------------------ demo


def test_demo_dashboard_for_kasat_blora(app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import select

    from outreach.models import Programme
    from outreach.services.demo import DEMO_PROGRAMME, load_demo

    load_demo("demo-password-1")
    db.session.commit()
    response = client.post("/login", data={"username": "kasat.blora", "password": "demo-password-1"})
    assert response.status_code == 302
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="dashboard-unit">Polres Blora<' in html
    assert DEMO_PROGRAMME in html  # offered in the programme filter
    pemilu = db.session.scalar(select(Programme.id).where(Programme.name == DEMO_PROGRAMME))
    html = client.get(f"/dashboard/?programme_id={pemilu}").get_data(as_text=True)
    assert f'data-testid="dashboard-programme">{DEMO_PROGRAMME}<' in html
    assert int(_figure(html, "activities").replace(".", "")) > 0
    assert int(_figure(html, "parcels").replace(".", "")) >= 50  # the seed story alone hands out 50
    assert 'data-testid="card-parcels"' in html and "Target" in html or "Sasaran" in html
    match = re.search(r'href="(/dashboard/\?programme_id=\d+&amp;unit=POLSEK-TUNJUNGAN)"', html)
    assert match
    polsek = client.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'data-testid="dashboard-unit">Polsek Tunjungan<' in polsek
    assert int(_figure(polsek, "activities").replace(".", "")) > 0


def test_map_shows_the_most_visited_and_says_so(
    data: StatsData, login_as, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A national map would hold every visited location; it keeps the most visited and tells the reader."""
    monkeypatch.setattr(stats, "MAP_POINT_LIMIT", 1)  # what the page says
    monkeypatch.setattr("outreach.services.stats.gaps_map.MAP_POINT_LIMIT", 1)  # what the query takes
    html = login_as("commander.a1").get(_url(data)).get_data(as_text=True)
    assert 'data-testid="map-limited"' in html
    assert "Peta dan tabel ini menampilkan 1 lokasi yang paling sering dikunjungi dari 4 lokasi" in html
