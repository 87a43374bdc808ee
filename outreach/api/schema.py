"""Strict parsing of JSON payloads and query strings into dataclasses; JSON Schema from the same classes.

One description serves both directions: the parser reads a dataclass's fields and type hints to check a
payload (reporting every field error at once, with API paths such as ``visits.0.parcels``), and
:func:`json_schema` turns the same fields into the OpenAPI components. Field metadata refines both:

- ``alias``: the name on the wire when it differs from the Python name (``from`` for ``date_from``);
- ``minimum`` / ``maximum``: bounds of an integer or a number;
- ``max_length``: the longest string accepted;
- ``choices``: the allowed values of a string (``multi``: a comma-separated list of them);
- ``keys``: the allowed keys of a ``dict[str, X]``;
- ``description``: text for the OpenAPI document.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import math
import re
import types
from collections.abc import Mapping
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from flask_babel import gettext as _

from outreach.services.errors import Invalid
from outreach.services.schema.base import has_control

MAX_LIST = 500
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_INT = re.compile(r"^-?\d{1,12}$")


class _Bad:
    """Marks a value that failed to parse (its error is already recorded)."""


BAD = _Bad()


def meta(**kw: Any) -> dict[str, Any]:
    return kw


def wire_name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("alias", f.name))


@cache
def hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _is_optional(tp: Any) -> tuple[bool, Any]:
    """(True, X) for ``X | None``; (False, tp) otherwise."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) < len(get_args(tp)):
            return True, (args[0] if len(args) == 1 else Union[tuple(args)])  # noqa: UP007
    return False, tp


def parse(cls: type, data: Any, *, query: bool = False) -> Any:
    """``data`` as an instance of ``cls``, or :class:`Invalid` naming every bad field."""
    errors: dict[str, str] = {}
    value = _parse_dataclass(cls, data, "", errors, query)
    if errors:
        raise Invalid(errors, _("The request has invalid fields."))
    return value


def _join(path: str, name: str | int) -> str:
    return f"{path}.{name}" if path else str(name)


def _parse_dataclass(cls: type, data: Any, path: str, errors: dict[str, str], query: bool) -> Any:
    if not isinstance(data, Mapping):
        errors[path or "body"] = _("Expected an object.")
        return BAD
    fields = dataclasses.fields(cls)
    known = {wire_name(f) for f in fields}
    if not query:
        for key in data:
            if key not in known:
                errors[_join(path, str(key))] = _("Unknown field.")
    kwargs: dict[str, Any] = {}
    ok = True
    for f in fields:
        name = wire_name(f)
        fpath = _join(path, name)
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in data or (query and data[name] == ""):
            if required:
                errors[fpath] = _("This field is required.")
                ok = False
            continue
        value = _parse_value(hints(cls)[f.name], data[name], fpath, errors, f.metadata, query)
        if value is BAD:
            ok = False
        else:
            kwargs[f.name] = value
    return cls(**kwargs) if ok else BAD


def _parse_value(
    tp: Any, value: Any, path: str, errors: dict[str, str], md: Mapping[str, Any], query: bool
) -> Any:
    optional, tp = _is_optional(tp)
    if value is None:
        if optional:
            return None
        errors[path] = _("This field cannot be null.")
        return BAD
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):  # str | SomeDataclass: pick by the JSON type
        for arm in get_args(tp):
            if (arm is str and isinstance(value, str)) or (
                dataclasses.is_dataclass(arm) and isinstance(value, Mapping)
            ):
                return _parse_value(arm, value, path, errors, md, query)
        errors[path] = _("Expected a text or an object.")
        return BAD
    if origin is list:
        if not isinstance(value, list):
            errors[path] = _("Expected a list.")
            return BAD
        if len(value) > MAX_LIST:
            errors[path] = _("At most %(n)d entries.", n=MAX_LIST)
            return BAD
        (item_tp,) = get_args(tp)
        items = [_parse_value(item_tp, v, _join(path, i), errors, md, query) for i, v in enumerate(value)]
        return BAD if any(i is BAD for i in items) else items
    if origin is dict:
        if not isinstance(value, Mapping):
            errors[path] = _("Expected an object.")
            return BAD
        _key_tp, value_tp = get_args(tp)
        allowed = md.get("keys")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if allowed is not None and key not in allowed:
                errors[_join(path, key)] = _("Unknown key; use one of: %(keys)s.", keys=", ".join(allowed))
                continue
            out[key] = _parse_value(value_tp, item, _join(path, key), errors, {**md, "keys": None}, query)
        return BAD if any(v is BAD for v in out.values()) or len(out) < len(value) else out
    if dataclasses.is_dataclass(tp):
        return _parse_dataclass(tp, value, path, errors, query)  # type: ignore[arg-type]
    return _parse_scalar(tp, value, path, errors, md, query)


def _parse_scalar(
    tp: Any, value: Any, path: str, errors: dict[str, str], md: Mapping[str, Any], query: bool
) -> Any:
    if tp is bool:
        if query and isinstance(value, str) and value.lower() in ("1", "true", "0", "false"):
            return value.lower() in ("1", "true")
        if not isinstance(value, bool):
            errors[path] = _("Expected true or false.")
            return BAD
        return value
    if tp is int:
        if query and isinstance(value, str) and _INT.match(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            errors[path] = _("Enter a whole number.")
            return BAD
        return _bounded(value, path, errors, md)
    if tp is float:
        if query and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            errors[path] = _("Enter a number.")
            return BAD
        return _bounded(float(value), path, errors, md)
    if tp is str:
        if not isinstance(value, str):
            errors[path] = _("Expected a text.")
            return BAD
        if has_control(value, long=True):  # the input schemas' rule (services.schema.base)
            errors[path] = _("Control characters (such as NUL) are not allowed.")
            return BAD
        limit = md.get("max_length")
        if limit is not None and len(value) > limit:
            errors[path] = _("At most %(n)d characters.", n=limit)
            return BAD
        choices = md.get("choices")
        if choices is not None:
            parts = [p.strip() for p in value.split(",") if p.strip()] if md.get("multi") else [value]
            wrong = [p for p in parts if p not in choices]
            if wrong:
                errors[path] = _(
                    "Unknown value %(value)s; use one of: %(choices)s.",
                    value=wrong[0],
                    choices=", ".join(choices),
                )
                return BAD
        return value
    if tp is dt.date:
        if isinstance(value, str) and _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        errors[path] = _("Enter a real date as YYYY-MM-DD.")
        return BAD
    if tp is dt.time:
        if isinstance(value, str) and _TIME.match(value):
            try:
                return dt.time.fromisoformat(value)
            except ValueError:
                pass
        errors[path] = _("Enter a time as HH:MM.")
        return BAD
    raise TypeError(f"unsupported field type {tp!r}")  # a programming error, not a client error


def _bounded(value: int | float, path: str, errors: dict[str, str], md: Mapping[str, Any]) -> Any:
    low, high = md.get("minimum"), md.get("maximum")
    if low is not None and value < low:
        errors[path] = _("Cannot be negative.") if low == 0 else _("Must be at least %(n)s.", n=low)
        return BAD
    if high is not None and value > high:
        errors[path] = _("Must be at most %(n)s.", n=high)
        return BAD
    return value


# --------------------------------------------------------------------------------------------- output


def to_json(value: Any) -> Any:
    """Dataclasses, dates, times, enums and containers as JSON-ready values (wire names kept)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {wire_name(f): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------------------------- JSON Schema


def json_schema(tp: Any, components: dict[str, Any], md: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of ``tp``; dataclasses become named components."""
    md = md or {}
    optional, tp = _is_optional(tp)
    schema = _schema_of(tp, components, md)
    if optional:
        schema = {"anyOf": [schema, {"type": "null"}]}
    if md.get("description"):
        schema = {**schema, "description": str(md["description"])}
    return schema


def _schema_of(tp: Any, components: dict[str, Any], md: Mapping[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return {"anyOf": [json_schema(a, components, {**md, "description": None}) for a in get_args(tp)]}
    if origin is list:
        (item_tp,) = get_args(tp)
        return {
            "type": "array",
            "items": json_schema(item_tp, components, {**md, "description": None}),
            "maxItems": MAX_LIST,
        }
    if origin is dict:
        _k, value_tp = get_args(tp)
        out: dict[str, Any] = {
            "type": "object",
            "additionalProperties": json_schema(value_tp, components, {}),
        }
        if md.get("keys"):
            out["propertyNames"] = {"enum": list(md["keys"])}
        return out
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in components:
            components[name] = {}  # reserve first: recursive types terminate
            props: dict[str, Any] = {}
            required: list[str] = []
            for f in dataclasses.fields(tp):
                props[wire_name(f)] = json_schema(hints(tp)[f.name], components, f.metadata)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    required.append(wire_name(f))
            body: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
            if required:
                body["required"] = required
            if tp.__doc__ and not tp.__doc__.startswith(f"{name}("):
                body["description"] = " ".join(tp.__doc__.split())
            components[name] = body
        return {"$ref": f"#/components/schemas/{name}"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return _with_bounds({"type": "integer"}, md)
    if tp is float:
        return _with_bounds({"type": "number"}, md)
    if tp is str:
        out = {"type": "string"}
        if md.get("max_length") is not None:
            out["maxLength"] = md["max_length"]
        if md.get("choices") is not None and not md.get("multi"):
            out["enum"] = list(md["choices"])
        return out
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    if tp is dt.time:
        return {"type": "string", "format": "time"}
    if tp is dt.datetime:
        return {"type": "string", "format": "date-time"}
    if tp is Any:
        return {}
    raise TypeError(f"unsupported field type {tp!r}")


def _with_bounds(schema: dict[str, Any], md: Mapping[str, Any]) -> dict[str, Any]:
    if md.get("minimum") is not None:
        schema["minimum"] = md["minimum"]
    if md.get("maximum") is not None:
        schema["maximum"] = md["maximum"]
    return schema
