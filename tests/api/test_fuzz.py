"""Random and mutated payloads never cause a 5xx, and a refused payload writes nothing."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Location, Visit
from tests.api.conftest import activity_payload
from tests.support.strategies import json_values

PATHS = [
    ("programme_id",),
    ("unit_code",),
    ("kind",),
    ("date",),
    ("start_time",),
    ("leader",),
    ("leader", "rank"),
    ("leader", "name"),
    ("leader", "nrp"),
    ("visits",),
    ("visits", 0),
    ("visits", 0, "parcels"),
    ("visits", 0, "location_id"),
    ("visits", 1, "location"),
    ("visits", 1, "location", "kind"),
    ("visits", 1, "location", "latitude"),
    ("visits", 1, "items", 0, "quantity"),
    ("visits", 1, "beneficiaries"),
    ("messages",),
    ("messages", 0),
    ("partners", 1),
    ("officers",),
    ("title",),
]


def _set(payload, path, value):
    """Put ``value`` at ``path``; a path an earlier mutation already broke is left alone."""
    node = payload
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        fits = isinstance(node, dict) if isinstance(key, str) else isinstance(node, list) and key < len(node)
        if not fits or (not last and isinstance(key, str) and key not in node):
            return
        if last:
            node[key] = value
        else:
            node = node[key]


def _counts():
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Activity, Visit, Location))


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutations=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=3))
def test_mutated_payloads(api_as_staff, world, mutations):
    api = api_as_staff
    payload = copy.deepcopy(activity_payload(world))
    for path, value in mutations:
        _set(payload, path, value)
    before = _counts()
    response = api.post("/api/v1/activities", payload)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json
    if response.status_code >= 400:
        assert response.status_code in (400, 422), response.get_data(as_text=True)
        assert response.get_json()["error"]["fields"] or response.status_code == 400
        assert _counts() == before
    else:
        assert response.status_code == 201


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=json_values | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
def test_random_bodies(api_as_staff, world, body):
    before = _counts()
    data = body if isinstance(body, str) else json.dumps(body)
    response = api_as_staff.post(
        "/api/v1/activities", data=data, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert _counts() == before
