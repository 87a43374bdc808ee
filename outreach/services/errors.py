"""Domain exceptions. The web edge maps them to 404/403/409/form errors, the API to its JSON envelope."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Unknown id, or an id outside the caller's unit subtree (the two are indistinguishable on purpose)."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The caller's role does not allow the action."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The record is not in a state that allows the action, or changed since it was read."""

    code = "conflict"
    status = 409


class Invalid(DomainError):
    """Validation failed; ``fields`` maps a field path (``visits.1.parcels``) to a message."""

    code = "validation_error"
    status = 422

    def __init__(self, fields: dict[str, str], message: str = "") -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class Duplicate(Invalid):
    """A value that must be unique is taken. A form shows it on its field like any validation error; the API
    answers 409 (the request is valid, it collides with an existing record), naming the field."""

    code = "conflict"
    status = 409
