"""The OpenAPI document: valid 3.1 structure, every /api/v1 route documented, every $ref resolvable."""

from __future__ import annotations

import re

from outreach.api.openapi import openapi_path


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_covers_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"]
    assert doc["info"]["version"]
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (openapi_path(rule.rule), method.lower()) in documented, (rule.rule, method)
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, ref
    operation_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path, ops in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for op in ops.values():
            assert names == {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert op["responses"]


def test_schemas_follow_the_service_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    body = schemas["ActivityInput"]
    assert {"programme_id", "unit_code", "kind", "date", "leader", "visits"} <= set(body["required"])
    assert body["properties"]["date"]["type"] == "string"
    assert body["properties"]["date"]["format"] == "date"
    visit = schemas["VisitInput"]["properties"]
    assert visit["parcels"]["type"] == "integer"
    assert visit["parcels"]["minimum"] == 0
    assert visit["contact"]["maxLength"] == 160  # the wire name, bounded like the model column
    assert "contact_name" not in visit
    post = doc["paths"]["/api/v1/activities"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ActivityInput"
    }
    assert {"201", "400", "401", "403", "413", "422"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    listing = doc["paths"]["/api/v1/activities"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "programme_id",
        "unit",
        "from",
        "to",
        "status",
        "kind",
        "q",
        "page",
        "per_page",
    }
    assert doc["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_activity_list_documents_its_capped_total(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    envelope = doc["paths"]["/api/v1/activities"]["get"]["responses"]["200"]["content"]["application/json"]
    schema = envelope["schema"]
    assert {"items", "total", "page", "per_page", "total_exact", "pages", "has_next"} <= set(
        schema["required"]
    )
    assert schema["properties"]["total_exact"] == {"type": "boolean"}
    assert schema["properties"]["pages"]["type"] == ["integer", "null"]
    units = doc["paths"]["/api/v1/units"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "total_exact" not in units["properties"]


def test_patch_schema_is_what_the_view_parses(client):
    """The advertised PATCH body is the partial variant the view validates: same keys and bounds, none
    required, plus ``version``."""
    from outreach.api.payloads import ActivityPatch
    from outreach.services.schema.activity import ActivityInput

    doc = client.get("/api/v1/openapi.json").get_json()
    patch = doc["paths"]["/api/v1/activities/{activity_id}"]["patch"]
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    advertised = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert ref.endswith("/ActivityPatch")
    assert "required" not in advertised
    assert advertised["additionalProperties"] is False
    full = doc["components"]["schemas"]["ActivityInput"]["properties"]
    assert set(advertised["properties"]) == set(full) | {"version"}
    for name, prop in full.items():
        assert {k: v for k, v in advertised["properties"][name].items() if k != "default"} == {
            k: v for k, v in prop.items() if k != "default"
        }, name
    generated = ActivityPatch.model_json_schema(
        by_alias=True, ref_template="#/components/schemas/{model}", mode="validation"
    )
    generated.pop("$defs", None)
    assert generated == advertised
    assert set(ActivityInput.model_json_schema(by_alias=True)["properties"]) == set(full)
