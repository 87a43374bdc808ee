"""Outreach: the activity tracker for Polri community-outreach (Binmas) units."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def _template_folder() -> str:
    """Templates live at the top of a checkout; a built wheel carries them inside the package."""
    packaged = PACKAGE_DIR / "templates"
    return str(packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, hooks — in that order."""
    instance_path = os.environ.get("OUTREACH_INSTANCE_PATH") or None
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=_template_folder(),
    )
    _load_config(app, overrides or {})
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_hooks(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind ``OUTREACH_TRUSTED_PROXIES`` reverse proxies, take the client's address and scheme from the
    headers they add (Werkzeug's ProxyFix trusts exactly that many hops, so a client cannot forge its own)."""
    hops = int(app.config.get("OUTREACH_TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise RuntimeError("OUTREACH_TRUSTED_PROXIES cannot be negative.")
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _load_config(app: Flask, overrides: dict[str, Any]) -> None:
    from outreach.config import Defaults, engine_options, from_environment

    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ))
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'outreach.db'}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)  # the OUTREACH_DB_* settings
    if not app.config.get("OUTREACH_UPLOAD_DIR"):
        app.config["OUTREACH_UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if app.config.get("SESSION_COOKIE_SECURE") and app.config.get("SESSION_COOKIE_NAME") == "session":
        # HTTPS: a __Host- cookie cannot be set by a subdomain or over plain HTTP (Path=/, no Domain).
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise RuntimeError(
                "OUTREACH_SECRET_KEY is not set. Set the environment variable or SECRET_KEY in "
                f"{Path(app.instance_path) / 'config.py'} (`make run` writes one for you)."
            )
        app.config["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105 - debug/testing only


def _init_extensions(app: Flask) -> None:
    from outreach import assets, form_messages, i18n, security
    from outreach.extensions import babel, bootstrap, configure_sqlite, csrf, db, login_manager, migrate

    assets.init_app(app)  # first: compression's after_request hook then runs last, on the final response
    db.init_app(app)
    migrations_dir = PACKAGE_DIR / "migrations"
    if not migrations_dir.is_dir():
        migrations_dir = PACKAGE_DIR.parent / "migrations"
    migrate.init_app(app, db, directory=str(migrations_dir), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    form_messages.init_app(app)
    security.init_login(app, login_manager)
    from outreach import jobs

    jobs.init_app(app)  # issue 17: the Huey queue made from the config
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(
                db.engine,
                app.config["OUTREACH_SQLITE_BUSY_TIMEOUT_MS"],
                app.config["OUTREACH_SQLITE_SYNCHRONOUS"],
            )


def _register_blueprints(app: Flask) -> None:
    from werkzeug.routing import IntegerConverter

    from outreach.models.types import MAX_ID

    class BoundedInt(IntegerConverter):
        """``<int:…>`` ids above the database's range are simply not found (404), never an overflow (500)."""

        def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("max", MAX_ID)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = BoundedInt
    from outreach.activities import bp as activities_bp
    from outreach.admin import bp as admin_bp
    from outreach.api import bp as api_bp
    from outreach.auth import bp as auth_bp
    from outreach.dashboard import bp as dashboard_bp
    from outreach.offline import bp as offline_bp
    from outreach.ops import bp as ops_bp
    from outreach.regions import bp as regions_bp
    from outreach.reports import bp as reports_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(offline_bp)  # issue 14: manifest, service worker, the outbox's session check


def _register_cli(app: Flask) -> None:
    from outreach import cli

    cli.register(app)


def _register_hooks(app: Flask) -> None:
    from outreach import errors, logs, metrics, security, templating

    logs.register(app)  # first: the request id and the clock start before any other hook
    metrics.register(app)
    errors.register(app)
    security.register_hooks(app)
    templating.register(app)
