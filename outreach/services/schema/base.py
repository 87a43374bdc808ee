"""The pieces every input schema is built from: text types, bounds, strict parsing and the error mapping.

Each concept's input (``activity.py``, ``registry.py`` …) is a pydantic model declared once: a field's Python
name is the name the services use, its ``alias`` the name on the wire (the API's contract, e.g. ``contact`` for
``contact_name``), its type and ``Field`` bounds the shape. :func:`parse` validates a wire payload strictly
(no ``"5"`` for 5, no ``true`` for 1, unknown keys refused) and turns pydantic's errors into one
:class:`~outreach.services.errors.Invalid` whose keys are the wire paths (``visits.0.contact``) and whose
messages are ours, translated (pydantic's English defaults never reach a user).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from flask_babel import format_decimal
from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import ErrorDetails, PydanticCustomError

from outreach.models.types import MAX_ID
from outreach.services.errors import Invalid

#: The most entries any list of an input takes.
MAX_LIST = 500
#: Upper bound for any count: far above any real activity, far below integer overflow.
MAX_COUNT = 1_000_000

#: C0 controls and DEL. A short text takes none of them; a long text keeps tab and newline.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_LONG = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(value: str, *, long: bool = False) -> bool:
    """Whether ``value`` holds a control character (``long``: tab, newline and CR allowed)."""
    return (_CONTROL_LONG if long else _CONTROL).search(value) is not None


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control_character", "control character")
    return value


def _long_text(value: str) -> str:
    if _CONTROL_LONG.search(value):
        raise PydanticCustomError("control_character", "control character")
    return value.replace("\r\n", "\n").replace("\r", "\n")


#: A one-line text: no control character. Each field adds its bound (``Field(max_length=…)``, the column's).
Line = Annotated[str, AfterValidator(_single_line)]
#: A multi-line text: tab and newline allowed (CR LF stored as LF), no other control character.
LongLine = Annotated[str, AfterValidator(_long_text)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
#: A catalogue code (activity kind, location kind, item kind, partner kind …).
Code = Annotated[Line, Field(max_length=40)]


class Schema(BaseModel):
    """Base of every input: strict on the wire, unknown keys refused, Python names usable in code."""

    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        allow_inf_nan=False,
        str_strip_whitespace=False,
    )


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, *, prefix: str = "") -> M:
    """``data`` (JSON-like: strings for dates and times) as ``model``, or :class:`Invalid` naming every bad field.

    The wire names are the only names accepted (the Python names are for code). Values must already have
    their JSON types: a form or a spreadsheet converts its cells before calling this.
    """
    try:
        payload = json.dumps(data, allow_nan=False, default=_default)
    except ValueError as exc:  # NaN or infinity
        raise Invalid({prefix or "body": _("Enter a number.")}, _("The request has invalid fields.")) from exc
    try:
        return model.model_validate_json(payload, strict=True, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise invalid(exc, prefix) from None


def _default(value: Any) -> Any:
    iso = getattr(value, "isoformat", None)
    if iso is None:
        raise TypeError(f"not JSON serialisable: {value!r}")
    return iso()


def invalid(exc: ValidationError, prefix: str = "") -> Invalid:
    """pydantic's errors as one :class:`Invalid`: the first message per wire path, in our words."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        loc = [part for part in error["loc"] if part != "[key]"]  # a bad dict key: its path is the key
        path = ".".join(str(part) for part in (*([prefix] if prefix else []), *loc)) or "body"
        fields.setdefault(path, message(error))
    return Invalid(fields, _("The request has invalid fields."))


def message(error: ErrorDetails | Mapping[str, Any]) -> str:
    """The translated message for one pydantic error."""
    return str(_message(error))


def _message(error: ErrorDetails | Mapping[str, Any]) -> Any:  # noqa: PLR0911, C901 - a table of cases
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if error.get("input", "") is None:
        return _("This field cannot be null.")
    if kind == "control_character":
        return _("Control characters (such as NUL) are not allowed.")
    if kind == "unit_code":
        return _("Use capital letters and digits joined by hyphens, e.g. POLRES-BLORA.")
    if kind == "unit_name":
        return _("Enter the unit's name.")
    if kind == "string_too_long":
        return _("At most %(n)d characters.", n=ctx.get("max_length", 0))
    if kind == "too_long":
        return _("At most %(n)d entries.", n=ctx.get("max_length", 0))
    if kind in ("greater_than_equal", "greater_than"):
        low = ctx.get("ge", ctx.get("gt"))
        return _("Cannot be negative.") if low == 0 else _("Must be at least %(n)s.", n=format_decimal(low))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(n)s.", n=format_decimal(ctx.get("le", ctx.get("lt"))))
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind.startswith("float"):
        return _("Enter a number.")
    if kind.startswith("bool"):
        return _("Expected true or false.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a real date as YYYY-MM-DD.")
    if kind.startswith("time"):
        return _("Enter a time as HH:MM.")
    if kind.startswith("string"):
        return _("Expected a text.")
    if kind.startswith("list") or kind.startswith("tuple"):
        return _("Expected a list.")
    if kind in ("model_type", "model_attributes_type", "dict_type", "dataclass_type"):
        return _("Expected an object.")
    if kind == "literal_error" or kind == "enum":
        return _(
            "Unknown value %(value)s; use one of: %(choices)s.",
            value=str(error.get("input", "")),
            choices=str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", "),
        )
    if kind == "union_tag_invalid" or kind.startswith("union"):
        return _("Expected a text or an object.")
    return _("Invalid value.")


def _drop_defaults(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


def partial(model: type[M], name: str, **extra: Any) -> type[M]:
    """The PATCH variant of ``model``: every field optional (omitted: unchanged), each with its own type, bounds
    and wire name — an explicit ``null`` is still refused where the full model refuses it. ``extra`` adds
    fields (``version=(int | None, None)``). :attr:`~pydantic.BaseModel.model_fields_set` tells which keys came.
    """
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    fields.update(extra)
    variant = create_model(
        name,
        __base__=model,
        __doc__=f"{(model.__doc__ or '').strip()} Any subset of the keys; those given replace the stored ones.",
        **fields,
    )
    variant.model_config = {**model.model_config, "json_schema_extra": _drop_defaults}
    variant.model_rebuild(force=True)
    return variant


REF_TEMPLATE = "#/components/schemas/{model}"


def schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    """Add ``model``'s JSON Schema (2020-12, wire names, as it validates) and its parts to ``components``;
    answer a ``$ref`` to it (what the OpenAPI document puts in a request body)."""
    schema = model.model_json_schema(by_alias=True, ref_template=REF_TEMPLATE, mode="validation")
    for name, part in schema.pop("$defs", {}).items():
        components.setdefault(name, part)
    components[model.__name__] = schema
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}
