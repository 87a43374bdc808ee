"""A schemathesis-style run driven by the OpenAPI document: every operation, random inputs, never a 5xx."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.strategies import json_values


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_operation_answers_5xx(client, api_as_admin, world, data):
    doc = client.get("/api/v1/openapi.json").get_json()
    operations = sorted(
        (path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()
    )
    path, method, op = data.draw(st.sampled_from(operations))
    ids = st.sampled_from([1, 2, world.programme.id, 999999, 2**31, 2**63])
    url = re.sub(r"{\w+}", lambda _m: str(data.draw(ids)), path)
    query = {}
    for param in op.get("parameters", []):
        if param["in"] == "query" and data.draw(st.booleans()):
            query[param["name"]] = data.draw(
                st.sampled_from(
                    ["1", "0", "-5", "x", "2023-02-30", "2023-11-30", "draft,verified", "POLRES-A1", ""]
                )
                | st.text(max_size=8)
            )
    body = data.draw(json_values) if "requestBody" in op else None
    response = api_as_admin.request(method.upper(), url, body, query_string=query)
    assert response.status_code < 500, (method, url, query, body, response.get_data(as_text=True)[:500])
