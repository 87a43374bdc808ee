"""App-wide error handlers: JSON under /api, HTML elsewhere; a 500 rolls back and shows an incident code.

The incident code is the request id (``outreach.logs``): the same value is in the ``X-Request-ID`` response
header, in every log line of the request and in its audit entries, so a user's complaint leads to the line.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from outreach.extensions import db
from outreach.services.errors import DomainError, Invalid

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> tuple[Any, int]:
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        db.session.rollback()
        if wants_json():
            return json_error(400, "csrf", exc.description)
        return render_template(
            "errors/error.html",
            code=400,
            message=_(
                "The form expired or was sent from elsewhere. Go back, reload the page and send it again."
            ),
        ), 400

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Any:
        db.session.rollback()
        if wants_json():
            fields = exc.fields if isinstance(exc, Invalid) else None
            return json_error(exc.status, exc.code, exc.message, fields)
        return render_template("errors/error.html", code=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if isinstance(exc, InternalServerError):
            return _server_error(exc)
        code = exc.code or 500
        if wants_json():
            return json_error(code, (exc.name or "error").lower().replace(" ", "_"), exc.description or "")
        response = exc.get_response()
        response.set_data(render_template("errors/error.html", code=code, message=_http_message(code)))
        response.mimetype = "text/html"
        return response

    @app.errorhandler(Exception)
    def _server_error(exc: BaseException) -> Any:
        db.session.rollback()
        incident = getattr(g, "request_id", None) or str(uuid.uuid4())
        log.exception("incident %s", incident, exc_info=exc)
        if wants_json():
            return json_error(500, "internal_error", _("Internal error, incident code %(id)s.", id=incident))
        return render_template(
            "errors/error.html",
            code=500,
            message=_(
                "Something went wrong on our side. Incident code: %(id)s. Quote it when you report the problem.",
                id=incident,
            ),
        ), 500


def _http_message(code: int) -> str:
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or it lies outside your area."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Wait a moment and try again."),
    }.get(code, _("The request could not be completed."))
