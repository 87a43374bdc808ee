"""The dashboard page: roles, filters in the URL, figures, drill-down, scope and the query bound; its map and
gaps, loaded after the figures from /dashboard/deferred (as a fragment, or a page when opened directly)."""

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
from tests.support.demo import demo_copy
from tests.support.stats import StatsData, build_stats_data


@pytest.fixture
def data(world: factories.World) -> StatsData:
    return build_stats_data(world)


def _url(data: StatsData, path: str = "/dashboard/", **args: str) -> str:
    assert data.world.programme is not None
    query = "&".join(f"{k}={v}" for k, v in {"programme_id": str(data.world.programme.id), **args}.items())
    return f"{path}?{query}"


def _deferred(data: StatsData, **args: str) -> str:
    """The URL of the map and gaps for the same filters as ``_url(data, **args)``."""
    return _url(data, "/dashboard/deferred", **args)


#: What the dashboard's script sends: the map and gaps come as a fragment.
FETCH = {"X-Requested-With": "fetch"}


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
    assert client.get(_deferred(data), headers=FETCH).status_code == status


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
    assert re.search(r"<script>(?!</script>)", html) is None
    assert 'data-testid="trend-week"' in html
    # The map and the gaps come after the figures (dashboard.deferred), with the same filters.
    fragment = client.get(_deferred(data), headers=FETCH)
    assert fragment.status_code == 200
    assert "X-Requested-With" in fragment.headers["Vary"]
    part = fragment.get_data(as_text=True)
    assert "<html" not in part  # the sections alone, for the page to insert
    block = re.search(r'<script type="application/json" id="dashboard-map-data">(.*?)</script>', part, re.S)
    assert block
    payload = json.loads(block.group(1))
    assert payload["points"][0]["name"] == "Ponpes POLSEK-A1X"
    assert payload["tile_url"] == ""
    assert re.search(r"<script>(?!</script>)", part) is None
    assert 'data-testid="map-table"' in part
    assert 'data-testid="map-limited"' not in part  # every visited location fits
    assert "Panti Asuhan Sepi" in part  # a key location not yet visited
    assert "POLRES-A2" not in part
    assert "Ponpes POLSEK-A2X" not in part


def test_the_page_loads_its_map_and_gaps_after_the_figures(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    """The page holds the figures; the map and the gaps are fetched from a container, with the page's filters
    (multi-valued ones too), and a plain link opens them without JavaScript."""
    client = login_as("commander.a1")
    html = client.get(_url(data, unit="POLSEK-A1X", status="submitted&status=verified")).get_data(
        as_text=True
    )
    assert _figure(html, "activities") == "2"
    assert 'data-testid="map-table"' not in html
    assert 'id="dashboard-map"' not in html
    assert 'data-testid="gaps-idle"' not in html and 'id="gaps-title"' not in html
    container = re.search(r'<div id="dashboard-deferred" data-src="([^"]*)" aria-busy="true"([^>]*)>', html)
    assert container
    src = container.group(1).replace("&amp;", "&")
    assert data.world.programme is not None
    assert src.startswith("/dashboard/deferred?")
    assert f"programme_id={data.world.programme.id}" in src
    assert "unit=POLSEK-A1X" in src
    assert "status=submitted&status=verified" in src
    assert 'data-error="Peta dan daftar perlu perhatian tidak dapat dimuat."' in container.group(2)
    assert 'data-retry="Coba lagi"' in container.group(2)
    assert "Memuat peta dan daftar perlu perhatian…" in html
    link = re.search(
        r'<a href="([^"]*)"[^>]*data-testid="deferred-link">Tampilkan peta dan daftar perlu perhatian</a>',
        html,
    )
    assert link and link.group(1) == container.group(1)
    # The fragment answers for the drilled-down unit.
    part = client.get(src, headers=FETCH).get_data(as_text=True)
    assert "Ponpes POLSEK-A1X" in part and 'data-testid="map-table"' in part


def test_the_map_and_gaps_open_on_a_page_of_their_own(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    """Without the script's header (the no-JavaScript link) the sections come in the base layout, with the map's
    script and a way back to the dashboard with the same filters."""
    client = login_as("commander.a1")
    response = client.get(_deferred(data, unit="POLSEK-A1X"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" in html and 'data-testid="logout"' in html
    assert "<h1" in html and "Peta dan daftar perlu perhatian" in html
    assert 'data-testid="map-table"' in html and 'id="dashboard-map-data"' in html
    assert "js/dashboard" in html and "leaflet" in html
    assert data.world.programme is not None
    back = f'href="/dashboard/?programme_id={data.world.programme.id}&amp;unit=POLSEK-A1X"'
    assert back in html


def test_the_map_and_gaps_take_the_default_programme_as_the_page_does(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    with_default = client.get(_deferred(data), headers=FETCH).get_data(as_text=True)
    assert client.get("/dashboard/deferred", headers=FETCH).get_data(as_text=True) == with_default
    bad = client.get("/dashboard/deferred?programme_id=x", headers=FETCH).get_data(as_text=True)
    assert bad == with_default


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
    # The map and gaps answer as the page does.
    for headers in (FETCH, {}):
        assert client.get(_deferred(data, unit="POLRES-A2"), headers=headers).status_code == 404
        assert client.get(_deferred(data, unit="NOPE"), headers=headers).status_code == 404


@pytest.mark.parametrize("extra", ["_anchor=x", "_method=POST", "_external=1&_scheme=javascript"])
def test_parameters_named_like_url_for_s_own_are_passed_on_as_text(
    data: StatsData, login_as, extra: str
) -> None:  # type: ignore[no-untyped-def]
    """The links to the map and gaps and back, and the default programme's redirect, copy the query string
    as it came: a parameter such as ``_anchor`` is never a keyword of ``url_for`` (a 500 before)."""
    assert data.world.programme is not None
    query = f"programme_id={data.world.programme.id}&amp;{extra.replace('&', '&amp;')}"
    client = login_as("commander.a1")
    redirected = client.get(f"/dashboard/?{extra}")
    assert redirected.status_code == 302
    assert redirected.headers["Location"].startswith(f"/dashboard/?{extra}&programme_id=")
    html = client.get(f"{_url(data)}&{extra}").get_data(as_text=True)
    assert f'data-src="/dashboard/deferred?{query}"' in html
    page = client.get(f"{_deferred(data)}&{extra}")
    assert page.status_code == 200
    assert f'href="/dashboard/?{query}"' in page.get_data(as_text=True)


def test_bad_filter_values_are_left_out_of_the_map_and_gaps(data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    good = client.get(_deferred(data), headers=FETCH).get_data(as_text=True)
    response = client.get(_deferred(data, **{"from": "30-11-2023", "kind": "x"}), headers=FETCH)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == good


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


def test_the_map_and_gaps_query_count_is_bounded(app: Flask, data: StatsData, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as("commander.a1")
    url = _deferred(data)
    client.get(url, headers=FETCH)
    db.session.commit()
    with count_statements(app) as small:
        assert client.get(url, headers=FETCH).status_code == 200
    _add_activities(data, 30)
    with count_statements(app) as large:
        response = client.get(url, headers=FETCH)
    assert response.status_code == 200
    assert "Tempat 29" in response.get_data(as_text=True)
    assert len(small) == len(large)
    assert len(large) <= 15


# ------------------------------------------------------------------------------------------ demo


def test_demo_dashboard_for_kasat_blora(app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import select

    from outreach.models import Programme
    from outreach.services.demo import DEMO_PROGRAMME

    demo_copy("demo-password-1")
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
    client = login_as("commander.a1")
    assert _figure(client.get(_url(data)).get_data(as_text=True), "locations") == "4"
    html = client.get(_deferred(data), headers=FETCH).get_data(as_text=True)
    assert 'data-testid="map-limited"' in html
    # The total is the page's distinct locations, places without coordinates included (one of four has them).
    assert "Peta dan tabel ini menampilkan 1 lokasi yang paling sering dikunjungi dari 4 lokasi" in html
