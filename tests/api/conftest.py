"""Fixtures of the API tests: tokens per user and a client that sends them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from outreach.extensions import db
from outreach.services import tokens
from tests import factories


class Api:
    """The test client with a bearer token and JSON bodies."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def request(
        self,
        method: str,
        url: str,
        json: Any = None,
        *,
        data: Any = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Any:
        return self.client.open(
            url, method=method, json=json, data=data, headers=self._headers(headers), **kw
        )

    def get(self, url: str, **kw: Any) -> Any:
        return self.request("GET", url, **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.request("POST", url, json, **kw)

    def patch(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.request("PATCH", url, json, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.request("DELETE", url, **kw)


@pytest.fixture
def make_token(world: factories.World) -> Callable[[str], str]:
    def _make(username: str) -> str:
        _token, raw = tokens.create_token(world.users[username], "test")
        db.session.commit()
        return raw

    return _make


@pytest.fixture
def api_as(client: FlaskClient, make_token: Callable[[str], str]) -> Callable[[str], Api]:
    def _api(username: str) -> Api:
        return Api(client, make_token(username))

    return _api


def activity_payload(world: factories.World, unit: str = "POLSEK-A1X", **overrides: Any) -> dict[str, Any]:
    """A valid POST /api/v1/activities body for ``unit``."""
    body: dict[str, Any] = {
        "programme_id": world.programme.id,
        "unit_code": unit,
        "kind": "bakti_sosial",
        "date": "2023-11-30",
        "title": "Bakti sosial Cooling System",
        "leader": {"rank": "AKP", "name": "Lilik Widiastuti", "position": "Kasat Binmas"},
        "visits": [
            {"location_id": world.locations[unit].id, "parcels": 10, "beneficiaries": 25},
            {
                "location": {
                    "name": "Panti Asuhan Harapan",
                    "kind": "panti_asuhan",
                    "regency": "Kabupaten A1",
                },
                "parcels": 5,
                "items": [{"name": "Beras", "quantity": 50, "kind": "beras", "measure": "kg"}],
            },
        ],
        "messages": ["Jaga persatuan dan kesatuan", "Jangan golput"],
        "partners": ["KH. Nasir", {"name": "Camat Jepon", "role": "Camat", "kind": "camat"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def api_as_staff(api_as: Callable[[str], Api]) -> Api:
    return api_as("staff.a1x")


@pytest.fixture
def api_as_admin(api_as: Callable[[str], Api]) -> Api:
    return api_as("admin")
