"""The activity form's answers to the phone's outbox (issue 14).

The outbox posts the same form a person submits (multipart, photos included) with the header
``X-Outreach-Outbox: 1``; instead of a redirect or a re-rendered page it gets JSON it can show on the record:
``{"id", "url", "created"}`` when stored (201, or 200 for a resend that found the first one) and
``{"message", "fields"}`` when refused (422 validation, 409 a closed period or a client_id with other content).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from werkzeug.wrappers import Response

HEADER = "X-Outreach-Outbox"


def wanted() -> bool:
    return request.headers.get(HEADER) == "1"


def stored(activity_id: int, *, created: bool) -> tuple[Response, int]:
    url = url_for("activities.detail", activity_id=activity_id)
    return jsonify({"id": activity_id, "url": url, "created": created}), 201 if created else 200


def refused(status: int, fields: dict[str, str] | None = None, message: str = "") -> tuple[Response, int]:
    fields = fields or {}
    text = message or " ".join(dict.fromkeys(fields.values()))
    return jsonify({"message": text, "fields": fields}), status


def form_errors(errors: Any, prefix: str = "") -> dict[str, str]:
    """WTForms' nested ``form.errors`` as ``{"visits-0-parcels": "message"}``."""
    flat: dict[str, str] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat |= form_errors(value, f"{prefix}{key}-" if prefix or key else prefix)
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if isinstance(value, str):
                flat.setdefault(prefix.rstrip("-") or "form", value)
            else:
                flat |= form_errors(value, f"{prefix}{i}-")
    return flat
