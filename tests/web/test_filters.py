"""One filter vocabulary for every page and endpoint (services.filters), and no filter value gives a 500.

The parser is tested directly; then a hypothesis test sends generated query strings (valid values, out-of-range
ids, impossible dates, unknown statuses, NUL bytes, long and odd text) to the dashboard, the activity list,
the reports page and its downloads, and the API's list, stats and report: never a 500, and every malformed
value is named — next to its filter on a page (200), as a 400 for a download, in the 422's ``fields`` on the
API.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus
from outreach.services import activities as svc
from outreach.services import filters as shared
from outreach.services import tokens
from outreach.services.errors import Invalid
from tests import factories
from tests.conftest import login

# ------------------------------------------------------------------------------------------ the parser


def test_parse_reads_the_whole_vocabulary() -> None:
    args = MultiDict(
        [("programme_id", "7"), ("unit", "POLSEK-A1X"), ("from", "2023-11-01"), ("to", "2023-11-30"),
         ("status", "submitted,verified"), ("status", "draft"), ("kind", "bakti_sosial"), ("q", " ponpes ")]
    )  # fmt: skip
    found = shared.parse(args)
    assert found == shared.Filters(
        programme_id=7,
        unit="POLSEK-A1X",
        date_from=date(2023, 11, 1),
        date_to=date(2023, 11, 30),
        statuses=(ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED, ActivityStatus.DRAFT),
        kind="bakti_sosial",
        q="ponpes",
    )
    # to_args gives a query string that parses back to the same filters (a link reproduces the page).
    assert shared.parse(found.to_args()) == found
    assert shared.parse({"status": "all"}).statuses == tuple(ActivityStatus)
    assert shared.parse({}).statuses_or_default() == (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ({"programme_id": "99999999999999999999"}, "programme_id"),
        ({"programme_id": "2147483648"}, "programme_id"),
        ({"programme_id": "-1"}, "programme_id"),
        ({"programme_id": "1e3"}, "programme_id"),
        ({"from": "2023-02-30"}, "from"),
        ({"to": "20231101"}, "to"),
        ({"from": "2023-12-01", "to": "2023-11-01"}, "to"),
        ({"status": "bogus"}, "status"),
        ({"status": "verified,bogus"}, "status"),
        ({"unit": "POLSEK\x00A1X"}, "unit"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"kind": "<script>"}, "kind"),
        (MultiDict([("unit", "A"), ("unit", "B")]), "unit"),
    ],
)
def test_malformed_values_are_named(args: Any, named: str) -> None:
    found, errors = shared.parse_lenient(args)
    assert list(errors) == [named]
    with pytest.raises(Invalid) as caught:
        shared.parse(args)
    assert list(caught.value.fields) == [named]
    assert found.to_args().get(named) in (None, "verified")  # left out (a valid status beside it stays)


def test_figures_refuse_list_only_filters() -> None:
    _found, errors = shared.parse_lenient(
        {"kind": "bakti_sosial", "q": "x"}, allowed=shared.FIGURE_PARAMETERS
    )
    assert set(errors) == {"kind", "q"}


# ------------------------------------------------------------------------------------------ every surface


@pytest.fixture
def filtered_world(world: factories.World) -> factories.World:
    """Two verified activities of POLSEK-A1X, one in November and one in December 2023."""
    staff, commander = world.users["staff.a1"], world.users["commander.a1"]
    for day in (date(2023, 11, 30), date(2023, 12, 5)):
        activity = factories.make_activity(
            staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]], occurred_on=day
        )
        svc.submit_activity(staff, activity)
        svc.verify_activity(commander, activity)
    db.session.commit()
    return world


#: (path, kind, the parameters it applies): "page" renders the form (200 with the message), "download"
#: answers 400, "api" answers 422 naming the parameter.
SURFACES: list[tuple[str, str, tuple[str, ...]]] = [
    ("/dashboard/", "page", shared.FIGURE_PARAMETERS),
    ("/activities/", "page", shared.PARAMETERS),
    ("/reports/", "page", shared.FIGURE_PARAMETERS),
    ("/reports/programme.pdf", "download", shared.FIGURE_PARAMETERS),
    ("/reports/export/visits.csv", "download", shared.FIGURE_PARAMETERS),
    ("/api/v1/activities", "api", shared.PARAMETERS),
    ("/api/v1/stats", "api", shared.FIGURE_PARAMETERS),
    ("/api/v1/programmes/{programme_id}/report.pdf", "api", shared.FIGURE_PARAMETERS),
]

ODD_VALUES = [
    "", "0", "-1", "1", "2147483647", "2147483648", "99999999999999999999", "1e3", " 1 ",
    "2023-11-30", "2023-02-30", "2024-02-29", "0001-01-01", "9999-12-31", "2023-1-1", "20231130",
    "draft", "submitted", "verified", "returned", "all", "submitted,verified", "verified,bogus", "bogus", ",,",
    "POLRES-A1", "POLSEK-A1X", "POLRES-A2", "MABES", "bakti_sosial", "penyuluhan",
    "\x00", "a\x00b", "\x7f", "\n", "ü", "名字", "' OR 1=1 --", "%", "_", "\\", "<script>", "x" * 250,
]  # fmt: skip

queries = st.lists(
    st.tuples(
        st.sampled_from([*shared.PARAMETERS, "page"]),
        st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=20)),
    ),
    max_size=5,
)


@pytest.mark.parametrize(("path", "kind", "allowed"), SURFACES, ids=[s[0] for s in SURFACES])
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=queries, with_programme=st.booleans())
def test_no_filter_value_gives_a_500(
    client: FlaskClient,
    filtered_world: factories.World,
    path: str,
    kind: str,
    allowed: tuple[str, ...],
    pairs: list[tuple[str, str]],
    with_programme: bool,
) -> None:
    world = filtered_world
    assert world.programme is not None
    if with_programme:  # a valid programme first; a generated one after it is a second value (an error)
        pairs = [("programme_id", str(world.programme.id)), *pairs]
    args = MultiDict(pairs)
    _found, expected = shared.parse_lenient(args, allowed=allowed)
    url = path.format(programme_id=world.programme.id)
    if kind == "api":
        if not hasattr(client, "_filters_token"):
            _row, raw = tokens.create_token(world.users["commander.a1"], "filters")
            db.session.commit()
            client._filters_token = raw  # type: ignore[attr-defined]
        headers = {"Authorization": f"Bearer {client._filters_token}"}  # type: ignore[attr-defined]
        response = client.get(url, query_string=args, headers=headers)
    else:
        if not hasattr(client, "_filters_login"):
            assert login(client, "commander.a1").status_code == 302
            client._filters_login = True  # type: ignore[attr-defined]
        response = client.get(url, query_string=args)
    status = response.status_code
    assert status < 500, (url, pairs, response.get_data(as_text=True)[:500])
    outside = [name for name, value in pairs if name not in shared.PARAMETERS and "\x00" in name + value]
    if kind == "api":
        assert status in (200, 404, 422), (url, pairs, status)
        if outside:  # the app-wide NUL guard answers first, naming what is outside the filters
            assert status == 422 and set(response.get_json()["error"]["fields"]) <= {
                n.replace("\x00", "\\0")[:60] for n in outside
            }, (url, pairs)
            return
        if expected:
            assert status == 422, (url, pairs)
            fields = response.get_json()["error"]["fields"]
            assert set(expected) <= set(fields), (fields, expected)
            assert set(fields) <= {name for name, _value in pairs}, fields
    elif kind == "download":
        assert status in (200, 400, 404), (url, pairs, status)
        if expected:
            assert status == 400, (url, pairs)
    else:
        if outside:
            assert status == 400, (url, pairs, status)  # outside the filters: the app-wide NUL guard
            return
        if path == "/dashboard/" and "programme_id" not in args:
            assert status == 302  # the default programme goes into the URL first
            return
        assert status in (200, 404), (url, pairs, status)
        if expected and status == 200:
            page = html.unescape(response.get_data(as_text=True))
            for message in expected.values():
                assert message in page, (url, pairs, message)


def test_dashboard_out_of_range_programme_is_a_message(client: FlaskClient, filtered_world: Any) -> None:
    """The issue's 500: an id beyond the database's INTEGER range is a message next to the filter."""
    assert login(client, "commander.a1").status_code == 302
    response = client.get("/dashboard/?programme_id=99999999999999999999")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Program tidak valid." in page or "Not a valid programme." in page


def test_a_link_works_on_every_page(client: FlaskClient, filtered_world: factories.World) -> None:
    """The same query string filters the list, the dashboard, the reports page and the API alike."""
    world = filtered_world
    assert world.programme is not None
    query = {"programme_id": world.programme.id, "unit": "POLSEK-A1X", "from": "2023-11-01",
             "to": "2023-11-30", "status": "submitted,verified"}  # fmt: skip
    assert login(client, "commander.a1").status_code == 302
    ids = db.session.scalars(select(Activity.id).order_by(Activity.occurred_on)).all()
    listed = client.get("/activities/", query_string=query).get_data(as_text=True)
    assert f'/activities/{ids[0]}"' in listed
    assert f'/activities/{ids[1]}"' not in listed
    dashboard = client.get("/dashboard/", query_string=query).get_data(as_text=True)
    assert 'data-testid="figure-activities">1<' in dashboard
    reports_page = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert 'data-testid="report-totals"' in reports_page
    _row, raw = tokens.create_token(world.users["commander.a1"], "link")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/stats", query_string=query, headers=headers).get_json()["activities"] == 1
    assert client.get("/api/v1/activities", query_string=query, headers=headers).get_json()["total"] == 1


@pytest.mark.parametrize("value", ODD_VALUES)
def test_admin_lists_take_any_value(client: FlaskClient, world: factories.World, value: str) -> None:
    """The admin lists read ``unit`` (a unit code, as every filter) and the audit log's free-text filters:
    no value gives a 500."""
    assert login(client, "admin").status_code == 302
    for url, name in (("/admin/users", "unit"), ("/admin/people", "unit"), ("/admin/people/new", "unit"),
                      ("/admin/audit", "action"), ("/admin/audit", "entity"), ("/admin/audit", "user")):  # fmt: skip
        response = client.get(url, query_string={name: value})
        # a NUL is refused by the app-wide guard (400 naming the parameter); anything else lists
        assert response.status_code == (400 if "\x00" in value else 200), (url, name, value)


def test_cli_status_uses_the_vocabulary(runner: Any, filtered_world: factories.World, tmp_path: Any) -> None:
    """``--status`` takes the same values as the ``status`` filter; a bad one is named, not a traceback."""
    assert filtered_world.programme is not None
    base = ["export", "activities", "--programme", str(filtered_world.programme.id), "--format", "csv"]
    ok = runner.invoke(args=[*base, "--status", "submitted,verified", "-o", str(tmp_path / "a.csv")])
    assert ok.exit_code == 0, ok.output
    assert len((tmp_path / "a.csv").read_text(encoding="utf-8-sig").strip().splitlines()) == 3
    bad = runner.invoke(args=[*base, "--status", "bogus", "-o", str(tmp_path / "b.csv")])
    assert bad.exit_code == 1
    assert "bogus" in bad.output


@pytest.mark.parametrize(
    "path", ["/dashboard/anev", "/dashboard/anev.pdf", "/dashboard/anev.xlsx", "/dashboard/priorities",
             "/dashboard/targets", "/dashboard/locks"],
)  # fmt: skip
@pytest.mark.parametrize(
    "query",
    ["programme_id=99999999999999999999", "programme_id=-1", "from=2023-02-30", "to=x", "unit=%3Cscript%3E",
     "from=2023-12-01&to=2023-11-01"],
)  # fmt: skip
def test_operations_pages_read_the_shared_vocabulary(
    client: FlaskClient, filtered_world: factories.World, path: str, query: str
) -> None:
    """The commanders' operations pages take ``programme_id``, ``unit``, ``from``, ``to`` through the same
    parser: an out-of-range id (a 500 on PostgreSQL before) or a bad date is not applied, never a 500."""
    assert login(client, "commander.a1").status_code == 302
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 404, 422), (
        path,
        query,
        response.status_code,
    )  # 422: named on the page
