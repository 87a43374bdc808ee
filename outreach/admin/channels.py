"""Notification channels (issue 17, admin only): add, change, test, disable the Apprise URLs recaps leave by.

The URL is a secret: the list shows only its scheme and host, the edit form never fills it back in (an
empty URL keeps the stored one) and the audit trail records only the masked form.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Length

from outreach.admin import bp
from outreach.extensions import db
from outreach.form_messages import NoControlCharacters
from outreach.security import ALL_FORM_FIELDS, admin_required, reports_control_characters
from outreach.services import channels
from outreach.services.errors import Invalid

URL_HELP = _l(
    "An Apprise URL, e.g. mailto://user:password@smtp.polri.local:25?from=binmas@polri.local&to=kapolres@polri.local"
    " or ntfy://ntfy.polri.local/binmas-rekap. It is stored as a secret and never shown again."
)


class ChannelForm(NoControlCharacters, FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=channels.MAX_NAME)])
    # A password field: the stored URL is never rendered back into the page.
    url = PasswordField(
        _l("Apprise URL"),
        validators=[Length(max=channels.MAX_URL)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    is_enabled = BooleanField(_l("Enabled"), default=True)

    def data_input(self) -> channels.ChannelInput:
        return channels.ChannelInput(
            name=self.name.data or "", url=self.url.data or "", is_enabled=bool(self.is_enabled.data)
        )


def _show_errors(form: ChannelForm, exc: Invalid) -> None:
    db.session.rollback()
    for name, message in exc.fields.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            flash(message, "danger")


@bp.route("/channels", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form names the field
def channels_index() -> Any:
    form = ChannelForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                channel = channels.create_channel(current_user, form.data_input())
            except Invalid as exc:
                _show_errors(form, exc)
            else:
                db.session.commit()
                flash(_("Channel %(name)s added.", name=channel.name), "success")
                return redirect(url_for("admin.channels_index"))
    return render_template(
        "admin/channels.html",
        rows=channels.channels_with_usage(),
        form=form,
        mask=channels.mask_url,
        url_help=URL_HELP,
    ), status


@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)
def channel_edit(channel_id: int) -> Any:
    channel = channels.get_channel(current_user, channel_id)
    form = ChannelForm(obj=channel if request.method == "GET" else None)
    form.url.data = "" if request.method == "GET" else form.url.data
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                channels.update_channel(current_user, channel, form.data_input())
            except Invalid as exc:
                _show_errors(form, exc)
            else:
                db.session.commit()
                flash(_("Channel %(name)s saved.", name=channel.name), "success")
                return redirect(url_for("admin.channels_index"))
    return render_template(
        "admin/channel_form.html",
        form=form,
        channel=channel,
        masked=channels.mask_url(channel.url),
        url_help=URL_HELP,
    ), status


@bp.route("/channels/<int:channel_id>/toggle", methods=["POST"])
@admin_required
def channel_toggle(channel_id: int) -> Any:
    channel = channels.get_channel(current_user, channel_id)
    channels.set_enabled(current_user, channel, not channel.is_enabled)
    db.session.commit()
    if channel.is_enabled:
        flash(_("Channel %(name)s enabled.", name=channel.name), "success")
    else:
        flash(_("Channel %(name)s disabled: nothing is sent through it.", name=channel.name), "success")
    return redirect(url_for("admin.channels_index"))


@bp.route("/channels/<int:channel_id>/test", methods=["POST"])
@admin_required
def channel_test(channel_id: int) -> Any:
    """Send a test message through the channel (disabled ones too: that is how an admin checks it first)."""
    channel = channels.get_channel(current_user, channel_id)
    db.session.commit()  # no transaction (on SQLite: no write lock) stays open during the network call
    error = channels.test_channel(current_user, channel)
    db.session.commit()
    if error:
        flash(_("The test message could not be sent: %(error)s", error=error), "danger")
    else:
        flash(_("Test message sent through %(name)s.", name=channel.name), "success")
    return redirect(url_for("admin.channels_index"))
