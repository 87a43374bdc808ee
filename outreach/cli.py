"""Operator commands under ``flask --app outreach``; each a thin wrapper that commits once."""

from __future__ import annotations

import secrets
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import select

from outreach.extensions import db, writing
from outreach.models import Role, Unit, User
from outreach.services import users as user_service
from outreach.services.audit import AuditContext, audit_context
from outreach.services.errors import Invalid

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _invalid_message(exc: Invalid) -> str:
    return "; ".join(f"{name}: {msg}" for name, msg in exc.fields.items())


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the root unit).")
@click.option("--password", default=None, help="Prompted for when omitted.")
@click.option("--name", "full_name", default="", help="Full name shown in the interface.")
def users_create(username: str, role: str, unit_code: str | None, password: str | None, full_name: str) -> None:
    """Create a user account."""
    with writing():
        if unit_code:
            unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        else:
            unit = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        if unit is None:
            _fail(f"unknown unit {unit_code!r}" if unit_code else "no units yet: load the demo data or create a unit")
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = user_service.create_user(username, password, Role(role), unit, full_name=full_name)  # type: ignore[arg-type]
        except Invalid as exc:
            db.session.rollback()
            _fail(_invalid_message(exc))
        db.session.commit()
    click.echo(f"Created {user.username} ({user.role.value}, {user.unit.code}).")


@users_cli.command("list")
def users_list() -> None:
    """List user accounts."""
    rows = db.session.execute(
        select(User.username, User.role, Unit.code, User.is_active_account).join(Unit).order_by(User.username)
    ).all()
    for username, role, code, active in rows:
        click.echo(f"{username:20} {role.value:10} {code:24} {'active' if active else 'inactive'}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password", default=None, help="Prompted for when omitted.")
def users_set_password(username: str, password: str | None) -> None:
    """Set a user's password (ends the user's sessions)."""
    with writing():
        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            _fail(f"unknown user {username!r}")
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user_service.set_password(user, password)  # type: ignore[arg-type]
        except Invalid as exc:
            db.session.rollback()
            _fail(_invalid_message(exc))
        db.session.commit()
    click.echo(f"Password of {username} changed.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo data (idempotent: does nothing when it is already there)."""
    from outreach.services.demo import load_demo

    with writing():
        result = load_demo(current_app.config["OUTREACH_DEMO_PASSWORD"])
        db.session.commit()
    if result.created:
        click.echo(f"Demo data loaded: {result.activities} activities.")
    else:
        click.echo("Demo data already present; nothing to do.")


@demo_cli.command("secret")
def demo_secret() -> None:
    """Print a new random secret key (for instance/config.py)."""
    click.echo(secrets.token_hex(32))


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    audit_context.set(AuditContext(ip="cli"))


def main(argv: Any = None) -> None:
    """The ``outreach`` console script: the same commands as ``flask --app outreach``."""
    from outreach import create_app

    FlaskGroup(create_app=create_app)(args=argv)
