"""Scheduled recaps (issue 17): a commander's subscriptions, the preview, "Kirim sekarang" and the delivery log.

The recap itself is the WhatsApp recap of the humas page (services.recap); channels are set up by an
administrator (admin/channels.py); the outbox that sends is services.recap_delivery.
"""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from outreach import download_audit
from outreach.extensions import db
from outreach.form_messages import NoControlCharacters
from outreach.models import RecapFrequency, Role, utcnow
from outreach.reports import bp
from outreach.security import ALL_FORM_FIELDS, reports_control_characters, role_required
from outreach.services import channels, recap_delivery, recap_subscriptions
from outreach.services.errors import Invalid
from outreach.services.recap_subscriptions import subscription_slot


def _int_or_none(value: Any) -> int | None:
    """A select's value as a number ("0" is a number here: midnight, Monday); empty or junk is None."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _frequency_labels() -> dict[str, str]:
    return {RecapFrequency.DAILY.value: _("Daily"), RecapFrequency.WEEKLY.value: _("Weekly")}


def _status_labels() -> dict[str, str]:
    return {"pending": _("Pending"), "sent": _("Sent"), "failed": _("Failed")}


def _weekday_names() -> dict[int, str]:
    return dict(get_day_names("wide", locale=str(get_locale() or "id")))


class RecapSubscriptionForm(NoControlCharacters, FlaskForm):
    """Shape only; services.recap_subscriptions checks scope, channel, frequency and hour."""

    unit = SelectField(_l("Unit"), validate_choice=False)
    channel_id = SelectField(_l("Channel"), coerce=_int_or_none, validate_choice=False)
    frequency = SelectField(_l("Frequency"), validate_choice=False)
    weekday = SelectField(_l("Day of the week (weekly)"), coerce=_int_or_none, validate_choice=False)
    hour = SelectField(_l("Hour (WIB)"), coerce=_int_or_none, validate_choice=False)
    is_active = BooleanField(_l("Active"), default=True)

    def fill_choices(self) -> None:
        self.unit.choices = [
            (code, "\u00a0" * (depth * 2) + name)
            for code, name, depth in recap_subscriptions.unit_choices(current_user)
        ]
        self.channel_id.choices = [
            (c.id, c.name) for c in db.session.scalars(channels.enabled_channels_query())
        ]
        self.frequency.choices = list(_frequency_labels().items())
        self.weekday.choices = list(_weekday_names().items())
        self.hour.choices = [(h, f"{h:02d}.00") for h in range(24)]

    def data_input(self) -> recap_subscriptions.SubscriptionInput:
        return recap_subscriptions.SubscriptionInput(
            unit_code=self.unit.data or "",
            channel_id=self.channel_id.data,
            frequency=self.frequency.data or "",
            weekday=self.weekday.data,
            hour=self.hour.data,
            is_active=bool(self.is_active.data),
        )


def _show_errors(form: RecapSubscriptionForm, exc: Invalid) -> None:
    db.session.rollback()
    for name, message in exc.fields.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            flash(message, "danger")


def _save(form: RecapSubscriptionForm, sub: Any = None) -> Any:
    """Create or change from a posted form: a redirect when saved, else None (the errors are on the form)."""
    if not form.validate():
        return None
    try:
        if sub is None:
            recap_subscriptions.create_subscription(current_user, form.data_input())
        else:
            recap_subscriptions.update_subscription(current_user, sub, form.data_input())
    except Invalid as exc:
        _show_errors(form, exc)
        return None
    db.session.commit()
    flash(_("Recap subscription saved."), "success")
    return redirect(url_for("reports.recaps_index"))


@bp.route("/recaps")
@role_required(Role.COMMANDER)
def recaps_index() -> Any:
    subs = db.session.scalars(recap_subscriptions.subscriptions_query(current_user)).all()
    now = utcnow()
    upcoming = {s.id: subscription_slot(s, now, upcoming=True) for s in subs}
    log = db.paginate(recap_subscriptions.deliveries_query(current_user), per_page=25, error_out=False)
    has_channels = db.session.scalar(channels.enabled_channels_query().limit(1)) is not None
    return render_template(
        "reports/recaps.html",
        subscriptions=subs,
        upcoming=upcoming,
        log=log,
        has_channels=has_channels,
        frequencies=_frequency_labels(),
        weekdays=_weekday_names(),
        statuses=_status_labels(),
    )


@bp.route("/recaps/new", methods=["GET", "POST"])
@role_required(Role.COMMANDER)
@reports_control_characters(ALL_FORM_FIELDS)  # the form names the field
def recap_subscription_create() -> Any:
    form = RecapSubscriptionForm()
    form.fill_choices()
    if request.method == "GET":
        form.unit.data = current_user.unit.code
        form.frequency.data = RecapFrequency.DAILY.value
        form.hour.data = 7
    elif saved := _save(form):
        return saved
    status = 422 if request.method == "POST" else 200
    return render_template("reports/recap_subscription_form.html", form=form, subscription=None), status


@bp.route("/recaps/<int:subscription_id>/edit", methods=["GET", "POST"])
@role_required(Role.COMMANDER)
@reports_control_characters(ALL_FORM_FIELDS)
def recap_subscription_edit(subscription_id: int) -> Any:
    sub = recap_subscriptions.get_subscription(current_user, subscription_id)
    form = RecapSubscriptionForm()
    form.fill_choices()
    if request.method == "GET":
        form.unit.data = sub.unit.code
        form.channel_id.data = sub.channel_id
        form.frequency.data = sub.frequency.value
        form.weekday.data = sub.weekday
        form.hour.data = sub.hour
        form.is_active.data = sub.is_active
    elif saved := _save(form, sub):
        return saved
    status = 422 if request.method == "POST" else 200
    return render_template("reports/recap_subscription_form.html", form=form, subscription=sub), status


@bp.route("/recaps/<int:subscription_id>/delete", methods=["POST"])
@role_required(Role.COMMANDER)
def recap_subscription_delete(subscription_id: int) -> Any:
    sub = recap_subscriptions.get_subscription(current_user, subscription_id)
    recap_subscriptions.delete_subscription(current_user, sub)
    db.session.commit()
    flash(_("Recap subscription deleted."), "success")
    return redirect(url_for("reports.recaps_index"))


@bp.route("/recaps/<int:subscription_id>/preview")
@role_required(Role.COMMANDER)
def recap_subscription_preview(subscription_id: int) -> Any:
    """The next recap's text as recorded so far (what "Kirim sekarang" sends)."""
    sub = recap_subscriptions.get_subscription(current_user, subscription_id)
    slot = subscription_slot(sub, utcnow(), upcoming=True)
    text, error = "", ""
    try:
        text = recap_delivery.build_text(sub, slot.period_start, slot.period_end)
    except Invalid as exc:
        error = "; ".join(exc.fields.values())
    if text:
        download_audit.record_recap(
            current_user, "web", sub.unit.code, slot.period_start, slot.period_end, text
        )
    return render_template(
        "reports/recap_subscription_preview.html",
        subscription=sub,
        slot=slot,
        text=text,
        error=error,
        frequencies=_frequency_labels(),
        weekdays=_weekday_names(),
    )


@bp.route("/recaps/<int:subscription_id>/send", methods=["POST"])
@role_required(Role.COMMANDER)
def recap_subscription_send(subscription_id: int) -> Any:
    """ "Kirim sekarang": send the next recap (as recorded so far) at once; logged and audited."""
    sub = recap_subscriptions.get_subscription(current_user, subscription_id)
    try:
        delivery = recap_delivery.request_now(current_user, sub)
    except Invalid as exc:
        db.session.rollback()
        flash("; ".join(exc.fields.values()), "danger")
        return redirect(url_for("reports.recaps_index"))
    db.session.commit()
    if recap_delivery.attempt(delivery.id):  # sends and records in its own short transactions
        flash(_("The recap was sent."), "success")
    else:
        flash(_("The recap could not be sent; see the delivery log."), "danger")
    return redirect(url_for("reports.recaps_index"))
