"""Login, logout, password change and the language switch."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from outreach.auth import bp
from outreach.auth.forms import LanguageForm, LoginForm, PasswordForm
from outreach.extensions import db
from outreach.i18n import LANG_COOKIE
from outreach.models import Role
from outreach.security import is_safe_next, reports_control_characters
from outreach.services import audit, users
from outreach.services.errors import Invalid


@bp.route("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role in (Role.COMMANDER, Role.PR, Role.ADMIN):
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("activities.index"))


#: A signed cookie naming the account that last logged in from this browser (OWASP's "device cookie"): that
#: browser skips the per-account backoff, so the owner is never locked out by someone else's guessing.
DEVICE_COOKIE = "outreach_device"
DEVICE_MAX_AGE = 180 * 86400


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="outreach.login-device")


def _is_trusted_device(username: str) -> bool:
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw:
        return False
    try:
        named = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return False
    return bool(named) and named == username.strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@reports_control_characters("username", "password")
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        username = form.username.data or ""
        user = users.authenticate(
            username,
            form.password.data or "",
            request.remote_addr or "",
            trusted_device=_is_trusted_device(username),
        )
        db.session.commit()
        if user is None:
            # One message whatever went wrong: unknown user, wrong password, locked or throttled.
            flash(
                _("Wrong username or password, or too many attempts. Wait a few minutes and try again."),
                "danger",
            )
            return render_template("auth/login.html", form=form), 200
        session.clear()  # a fresh session on login (no fixation)
        login_user(user)
        session.permanent = True
        target = form.next.data
        if user.must_change_password:
            flash(_("Your password must be changed before you continue."), "warning")
            response = redirect(url_for("auth.password"))
        else:
            response = redirect(target if is_safe_next(target) else url_for("auth.home"))
        response.set_cookie(
            DEVICE_COOKIE,
            _device_serializer().dumps(user.username),
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
        return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if current_user.is_authenticated:
        # Ending every session of the account server-side: a copied cookie dies with this one.
        users.end_sessions(current_user)
        audit.record(current_user, "logout", "user", current_user.id, unit_id=current_user.unit_id)
        db.session.commit()
    logout_user()
    session.clear()
    session["offline_purge"] = True  # issue 14: the next page clears this phone's outbox and cached pages
    flash(_("You are logged out."), "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"storage"'  # the same, by the browser itself where it can
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Response | str:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(
                current_user, form.current_password.data or "", form.new_password.data or ""
            )
        except Invalid as exc:
            for name, message in exc.fields.items():
                target = form.current_password if name == "current_password" else form.new_password
                target.errors = [*target.errors, message]
        else:
            db.session.commit()
            login_user(
                current_user._get_current_object()
            )  # re-issue this session with the new epoch; all others are ended
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form, min_password=users.MIN_PASSWORD)


@bp.route("/language", methods=["POST"])
def language() -> Response:
    form = LanguageForm()
    target = form.next.data if is_safe_next(form.next.data) else url_for("auth.home")
    response = redirect(target)
    if form.validate_on_submit() and form.lang.data in current_app.config["OUTREACH_LANGUAGES"]:
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
        response.set_cookie(LANG_COOKIE, form.lang.data, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
