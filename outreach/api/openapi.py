"""A route registry for the API and the OpenAPI 3.1 document generated from it.

Views register through :func:`api_route`, which both adds the Flask route and records what the route takes
and answers (the services' pydantic input schemas, dataclasses from :mod:`outreach.api.payloads` and
:mod:`outreach.api.serializers`). The
document is built from those records, so it cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint
from pydantic import BaseModel

from outreach.services.schema import schema_ref

from .schema import hints, json_schema, wire_name

F = TypeVar("F", bound=Callable[..., Any])

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class RouteDoc:
    rule: str
    methods: tuple[str, ...]
    endpoint: str
    summary: str
    tag: str
    body: type | None = None
    query: type | None = None
    response: Any = None  # a dataclass, a dict schema, or None
    status: int = 200
    many: bool = False
    #: A list whose total is counted only up to a cap (``total_exact``, ``pages``, ``has_next`` added).
    capped_total: bool = False
    public: bool = False
    media_type: str = "application/json"
    errors: tuple[int, ...] = ()
    headers: tuple[str, ...] = field(default=())


ROUTES: list[RouteDoc] = []


def api_route(
    bp: Blueprint,
    rule: str,
    methods: Sequence[str] = ("GET",),
    *,
    summary: str,
    tag: str,
    body: type | None = None,
    query: type | None = None,
    response: Any = None,
    status: int = 200,
    many: bool = False,
    capped_total: bool = False,
    public: bool = False,
    media_type: str = "application/json",
    errors: Sequence[int] = (),
    headers: Sequence[str] = (),
) -> Callable[[F], F]:
    """``bp.route`` that also records the route for the OpenAPI document."""

    def decorator(view: F) -> F:
        doc = RouteDoc(
            rule=rule,
            methods=tuple(methods),
            endpoint=f"{bp.name}.{view.__name__}",
            summary=summary,
            tag=tag,
            body=body,
            query=query,
            response=response,
            status=status,
            many=many,
            capped_total=capped_total,
            public=public,
            media_type=media_type,
            errors=tuple(errors),
            headers=tuple(headers),
        )
        if all((d.rule, d.methods) != (doc.rule, doc.methods) for d in ROUTES):
            ROUTES.append(doc)
        return bp.route(rule, methods=list(methods))(view)

    return decorator


def openapi_path(rule: str) -> str:
    """Flask's ``/activities/<int:activity_id>`` as OpenAPI's ``/activities/{activity_id}``."""
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule)


_ERROR_TEXT = {
    400: "Malformed JSON or a body that is not an object.",
    401: "No token, or an unknown or revoked one, or a deactivated account.",
    403: "The caller's role does not allow this.",
    404: "Unknown id, or outside the caller's unit subtree.",
    409: "The record's state does not allow this, it changed meanwhile, or a unique value is taken (see `fields`).",
    413: "The request body is too large.",
    422: "Validation failed; `fields` names each bad field.",
    429: "Rate limit exceeded; see Retry-After.",
}


def build_document(prefix: str, version: str, title: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every registered route."""
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "fields"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                }
            },
        }
    }
    paths: dict[str, Any] = {}
    for doc in ROUTES:
        path = paths.setdefault(prefix + openapi_path(doc.rule), {})
        for method in doc.methods:
            path[method.lower()] = _operation(doc, method, schemas)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def _operation(doc: RouteDoc, method: str, schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{doc.endpoint.split('.', 1)[1]}_{method.lower()}"
        if len(doc.methods) > 1
        else doc.endpoint.split(".", 1)[1],
        "summary": doc.summary,
        "tags": [doc.tag],
    }
    params: list[dict[str, Any]] = []
    for conv, name in _CONVERTER.findall(doc.rule):
        params.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer"} if conv == "int" else {"type": "string"},
            }
        )
    if doc.query is not None:
        for f in dataclasses.fields(doc.query):
            schema = json_schema(hints(doc.query)[f.name], schemas, {**f.metadata, "description": None})
            param: dict[str, Any] = {"name": wire_name(f), "in": "query", "required": False, "schema": schema}
            if f.metadata.get("description"):
                param["description"] = str(f.metadata["description"])
            params.append(param)
    for header in doc.headers:
        params.append(
            {
                "name": header,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
            }
        )
    if params:
        op["parameters"] = params
    if doc.body is not None:
        body_schema = (
            schema_ref(doc.body, schemas)
            if issubclass(doc.body, BaseModel)
            else json_schema(doc.body, schemas)
        )
        op["requestBody"] = {
            "required": method != "PATCH",
            "content": {"application/json": {"schema": body_schema}},
        }
    op["responses"] = {str(doc.status): _success(doc, schemas)}
    codes = set(doc.errors) | {429} if not doc.public else set(doc.errors)
    if not doc.public:
        codes.add(401)
    if doc.body is not None:
        codes |= {400, 413, 422}
    if doc.query is not None:
        codes.add(422)
    for code in sorted(codes):
        op["responses"][str(code)] = {
            "description": _ERROR_TEXT[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    if doc.public:
        op["security"] = []
    return op


def _success(doc: RouteDoc, schemas: dict[str, Any]) -> dict[str, Any]:
    if doc.status == 204:
        return {"description": "Done; no content."}
    if doc.media_type != "application/json":
        return {
            "description": "The document.",
            "content": {doc.media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    if doc.response is None:
        schema: dict[str, Any] = {"type": "object"}
    elif isinstance(doc.response, dict):
        schema = doc.response
    else:
        schema = json_schema(doc.response, schemas)
    if doc.many:
        schema = {
            "type": "object",
            "required": ["items", "total", "page", "per_page"],
            "properties": {
                "items": {"type": "array", "items": schema},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
            },
        }
        if doc.capped_total:
            schema["required"] += ["total_exact", "pages", "has_next"]
            schema["properties"]["total"]["description"] = (
                "Exact when `total_exact`; otherwise the cap (10,000 by default): there are more."
            )
            schema["properties"] |= {
                "total_exact": {"type": "boolean"},
                "pages": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "description": "The number of pages; null when the total is not exact.",
                },
                "has_next": {"type": "boolean", "description": "Whether the next page has rows."},
            }
    return {"description": "Success.", "content": {"application/json": {"schema": schema}}}
