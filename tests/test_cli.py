"""Operator commands."""

from sqlalchemy import select
from werkzeug.security import check_password_hash

from outreach.extensions import db
from outreach.models import Role, User


def test_users_create_list_set_password(runner, world):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "baru",
            "--role",
            "staff",
            "--unit",
            "POLSEK-A1X",
            "--password",
            "panjang sekali",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "baru"))
    assert user.role is Role.STAFF and user.unit.code == "POLSEK-A1X"
    assert user.password_hash.startswith(
        ("scrypt:", "pbkdf2:")
    )  # cheap pbkdf2 in tests, scrypt in production

    listing = runner.invoke(args=["users", "list"])
    assert "baru" in listing.output and "POLSEK-A1X" in listing.output

    epoch = user.session_epoch
    result = runner.invoke(args=["users", "set-password", "baru", "--password", "kata sandi rahasia"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == "baru"))
    assert check_password_hash(user.password_hash, "kata sandi rahasia")
    assert user.session_epoch == epoch + 1


def test_users_create_prompts_and_refuses_bad_input(runner, world):
    result = runner.invoke(
        args=["users", "create", "tanya", "--role", "pr", "--unit", "POLRES-A1"],
        input="rahasia panjang\nrahasia panjang\n",
    )
    assert result.exit_code == 0, result.output
    bad_unit = runner.invoke(
        args=["users", "create", "x", "--role", "pr", "--unit", "NOPE", "--password", "12345678"]
    )
    assert bad_unit.exit_code == 1 and "unknown unit" in bad_unit.output
    short = runner.invoke(
        args=["users", "create", "y", "--role", "pr", "--unit", "POLRES-A1", "--password", "short"]
    )
    assert short.exit_code == 1 and "password" in short.output
    duplicate = runner.invoke(
        args=["users", "create", "tanya", "--role", "pr", "--password", "rahasia panjang"]
    )
    assert duplicate.exit_code == 1
    assert db.session.scalar(select(User).where(User.username == "y")) is None


def test_demo_load_command(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "Demo data loaded" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already present" in second.output
