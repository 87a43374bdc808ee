"""The user account's input definition: what the admin page and ``flask users create`` both build.

The password's strength is a rule of :func:`outreach.services.users.validate_password` (policy, not shape)."""

from __future__ import annotations

from pydantic import Field

from outreach.models import Role

from .base import Id, Line, Schema


class UserInput(Schema):
    """A new account: a login name, the person's name, a role and the unit whose subtree it sees."""

    username: Line = Field(min_length=1, max_length=60)
    full_name: Line = Field(default="", max_length=160)
    role: Role
    unit_id: Id
    password: Line = Field(max_length=128)
    must_change_password: bool = False
