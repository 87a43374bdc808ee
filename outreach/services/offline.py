"""Offline-first capture (issue 14): create-or-return an activity by the ``client_id`` its phone made.

A phone's outbox sends an activity until it hears an answer. When the answer is lost (the server stored the
activity, the network dropped the reply) the next send carries the same ``client_id``; it returns the activity
stored the first time instead of storing a second one. The same ``client_id`` with another body is refused
(:class:`~outreach.services.errors.Duplicate`, a 409 naming ``client_id``): answering with the first activity
would tell the client that its different second request was stored.

The body is compared by :func:`input_hash` of the validated input, so key order, spacing and defaults left
out do not matter; photos sent with the web form are not part of it (a retry re-sends the same files, and they
are stored only when the activity is created).

Two sends racing in (the phone retried while the first was still being stored) cannot both insert: the
unique index on ``activities.client_id`` refuses the second inside a savepoint, which then answers with the
first one.
"""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from outreach.extensions import db
from outreach.models import Activity, User
from outreach.services.errors import Duplicate
from outreach.services.schema.activity import ActivityInput


def input_hash(data: ActivityInput) -> str:
    """SHA-256 of the input as canonical JSON, ``client_id`` left out."""
    raw = data.model_dump(mode="json", by_alias=True, exclude={"client_id"})
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def client_fields(data: ActivityInput) -> dict[str, str | None]:
    """The columns a new activity gets from its input's ``client_id`` (none without one)."""
    if data.client_id is None:
        return {"client_id": None, "client_hash": None}
    return {"client_id": str(data.client_id), "client_hash": input_hash(data)}


def find_existing(actor: User, data: ActivityInput) -> Activity | None:
    """The activity made earlier with ``data.client_id``, if the same body made it; Duplicate otherwise."""
    if data.client_id is None:
        return None
    from outreach.services import activities

    found = db.session.scalar(select(Activity).where(Activity.client_id == str(data.client_id)))
    if found is None:
        return None
    if found.created_by_id != actor.id or found.deleted_at is not None:
        # Another account's id (or a deleted activity): say nothing about it, refuse the id.
        raise Duplicate(
            {"client_id": _("This client_id is already used. Make a new one for a new activity.")}
        )
    if found.client_hash != input_hash(data):
        raise Duplicate(
            {
                "client_id": _(
                    "This client_id was already used for an activity with different content. "
                    "Make a new one for a new activity."
                )
            }
        )
    return activities.get_activity(actor, found.id)


def create_or_return(actor: User, data: ActivityInput) -> tuple[Activity, bool]:
    """The activity for ``data`` and whether it was created now (False: returned from an earlier send)."""
    from outreach.services import activities

    existing = find_existing(actor, data)
    if existing is not None:
        return existing, False
    if data.client_id is None:
        return activities.create_activity(actor, data), True
    try:
        with db.session.begin_nested():
            activity = activities.create_activity(actor, data)
            db.session.flush()
    except IntegrityError:
        # A parallel send with the same client_id committed first (PostgreSQL waited for it; SQLite serialises
        # writers): answer with that one. Any other integrity error is not ours to explain.
        existing = find_existing(actor, data)
        if existing is None:
            raise
        return existing, False
    return activity, True
