"""Operator commands under ``flask --app outreach``; each a thin wrapper that commits once."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import select

from outreach import download_audit
from outreach.extensions import db, writing
from outreach.models import Role, Unit, User
from outreach.services import users as user_service
from outreach.services.audit import AuditContext, audit_context
from outreach.services.errors import Invalid
from outreach.services.schema import parse
from outreach.services.schema.user import UserInput

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
tokens_cli = AppGroup("tokens", help="API tokens (Authorization: Bearer TOKEN).")


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
def users_create(
    username: str, role: str, unit_code: str | None, password: str | None, full_name: str
) -> None:
    """Create a user account."""
    with writing():
        if unit_code:
            unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        else:
            unit = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        if unit is None:
            _fail(
                f"unknown unit {unit_code!r}"
                if unit_code
                else "no units yet. Create the root unit first: `flask --app outreach units load-polri` "
                "(the Polri tree, Mabes Polri at its root) or `flask --app outreach units create MABES-POLRI "
                '--name "Mabes Polri" --level mabes`; then run this command again'
            )
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        assert unit is not None  # _fail exits
        try:
            data = parse(
                UserInput,
                {
                    "username": username,
                    "full_name": full_name,
                    "role": role,
                    "unit_id": unit.id,
                    "password": password,
                },
            )
            user = user_service.create_user(
                data.username, data.password, data.role, unit, full_name=data.full_name
            )
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
            revoked = user_service.set_password(user, password, reset=True)  # type: ignore[arg-type]
        except Invalid as exc:
            db.session.rollback()
            _fail(_invalid_message(exc))
        db.session.commit()
    click.echo(f"Password of {username} changed.")
    for token in revoked:
        click.echo(f"Revoked API token {token.prefix}… {token.name}".rstrip())


@users_cli.command("unlock")
@click.argument("username", required=False, default="")
@click.option("--address", default="", help="Also lift the locks on this client address.")
def users_unlock(username: str, address: str) -> None:
    """Lift the login locks of an account (and/or an address) before they expire; audited."""
    with writing():
        try:
            locks = user_service.unlock(username, address)
        except Invalid as exc:
            db.session.rollback()
            _fail(_invalid_message(exc))
        db.session.commit()
    for lock in locks:
        click.echo(f"Unlocked {lock.scope}: {lock.username or '-'} {lock.ip or '-'}")
    if not locks:
        click.echo("No lock was in force.")


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


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", default="", help="A label to tell tokens apart (e.g. the script using it).")
def tokens_create(username: str, name: str) -> None:
    """Create an API token for USERNAME and print it alone on stdout (it is shown only once)."""
    from outreach.services import tokens as token_service

    with writing():
        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            _fail(f"unknown user {username!r}")
        try:
            _token, raw = token_service.create_token(user, name)  # type: ignore[arg-type]
        except Invalid as exc:
            db.session.rollback()
            _fail(_invalid_message(exc))
        db.session.commit()
    click.echo(raw)


@tokens_cli.command("revoke")
@click.argument("token_or_prefix")
def tokens_revoke(token_or_prefix: str) -> None:
    """Revoke a token, given whole or by the prefix `tokens list` shows."""
    from outreach.services import tokens as token_service
    from outreach.services.errors import NotFound

    with writing():
        try:
            token = token_service.revoke_token(token_or_prefix)
        except (Invalid, NotFound) as exc:
            db.session.rollback()
            _fail(_invalid_message(exc) if isinstance(exc, Invalid) else exc.message)
        db.session.commit()
    click.echo(f"Revoked {token.prefix}… of {token.user.username}.")


@tokens_cli.command("list")
def tokens_list() -> None:
    """List API tokens (prefix, user, name, state, last use)."""
    from outreach.services import tokens as token_service

    for t in token_service.list_tokens():
        state = "revoked" if t.revoked_at else "live"
        used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never"
        click.echo(f"{t.prefix:13} {t.user.username:20} {state:8} {used:17} {t.name}")


# ------------------------------------------------------------------------------------------------------
# Reports, exports and imports (issue 5). The CLI acts as a user: --user USERNAME, by default the first
# active administrator (by id), so scope and role rules apply exactly as in the browser.
# ------------------------------------------------------------------------------------------------------

report_cli = AppGroup("report", help="Official PDF reports.")
export_cli = AppGroup("export", help="CSV/XLSX exports of activities and visits.")


def _acting_user(username: str | None) -> User:
    query = select(User).where(User.is_active_account.is_(True))
    if username:
        query = query.where(User.username == username.strip().lower())
    else:
        query = query.where(User.role == Role.ADMIN).order_by(User.id)
    user = db.session.scalar(query.limit(1))
    if user is None:
        _fail(f"unknown user {username!r}" if username else "no active administrator: pass --user USERNAME")
    return user  # type: ignore[return-value]


def _filter_options(func: Any) -> Any:
    """--programme, --unit, --from, --to, --status, --user (shared by report programme and export)."""
    options = [
        click.option("--user", "username", default=None, help="Act as this user (default: the first admin)."),
        click.option(
            "--status",
            default="",
            help="Statuses, comma-separated (as the web and API 'status' filter), or 'all'; "
            "default: submitted,verified.",
        ),
        click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None),
        click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None),
        click.option("--unit", "unit_code", default=None, help="Unit code (default: the user's unit)."),
        click.option("--programme", "programme_ref", required=True, help="Programme name or id."),
    ]
    for option in options:
        func = option(func)
    return func


def _report_args(programme_ref: str, unit_code: str | None, date_from: Any, date_to: Any, status: str) -> Any:
    from outreach.models import ActivityStatus
    from outreach.services import filters, reports
    from outreach.services.errors import Invalid

    programme = reports.find_programme(programme_ref)
    if programme is None:
        _fail(f"unknown programme {programme_ref!r}")
    statuses: Any = list(ActivityStatus)
    if status != "all":
        try:
            statuses = filters.parse({"status": status}, allowed=["status"]).statuses_or_default()
        except Invalid as exc:
            _fail(exc.fields["status"])
    filters = reports.report_filter(
        programme,
        unit_code=unit_code,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        statuses=statuses,
    )
    return programme, filters


@report_cli.command("programme")
@_filter_options
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def report_programme(
    programme_ref: str,
    unit_code: str | None,
    date_from: Any,
    date_to: Any,
    status: str,
    username: str | None,
    lang: str,
    output: str,
) -> None:
    """Write the programme report (laporan pelaksanaan): PDF, or DOCX when the output ends in .docx."""
    from outreach.services import downloads, reports
    from outreach.services.errors import DomainError

    user = _acting_user(username)
    programme, filters = _report_args(programme_ref, unit_code, date_from, date_to, status)
    build = (
        reports.programme_report_docx if output.lower().endswith(".docx") else reports.programme_report_pdf
    )
    try:
        data = build(
            user,
            programme,
            filters,
            lang,
            page_size=current_app.config["OUTREACH_REPORT_PAGE_SIZE"],
            agency=current_app.config["OUTREACH_AGENCY_NAME"],
        )
    except DomainError as exc:
        _fail(exc.message)
    with open(output, "wb") as fh:
        fh.write(data)
    download_audit.record(
        user,
        downloads.Download(
            "report",
            "programme.docx" if output.lower().endswith(".docx") else "programme.pdf",
            "cli",
            downloads.filter_summary(filters),
            rows=reports.count_activities(user, filters),
            size_bytes=len(data),
        ),
        entity_id=programme.id,
    )
    click.echo(f"Wrote {output} ({len(data)} bytes).")


@report_cli.command("activity")
@click.argument("activity_id", type=int)
@click.option("--user", "username", default=None, help="Act as this user (default: the first admin).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def report_activity(activity_id: int, username: str | None, lang: str, output: str) -> None:
    """Write the report of one activity as PDF."""
    from outreach.services import downloads, reports
    from outreach.services.errors import DomainError

    user = _acting_user(username)
    try:
        data = reports.activity_report_pdf(
            user,
            activity_id,
            lang,
            photo_dir=current_app.config["OUTREACH_UPLOAD_DIR"],
            page_size=current_app.config["OUTREACH_REPORT_PAGE_SIZE"],
            agency=current_app.config["OUTREACH_AGENCY_NAME"],
        )
    except DomainError as exc:
        _fail(exc.message)
    with open(output, "wb") as fh:
        fh.write(data)
    download_audit.record(
        user,
        downloads.Download("report", "activity.pdf", "cli", rows=1, size_bytes=len(data), personal=True),
        entity_id=activity_id,
    )
    click.echo(f"Wrote {output} ({len(data)} bytes).")


@report_cli.command("press")
@click.argument("activity_id", type=int)
@click.option("--user", "username", default=None, help="Act as this user (default: the first admin).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    show_default=True,
    help="FILE.txt, FILE.pdf or FILE.docx by its extension; '-' prints the text.",
)
def report_press(activity_id: int, username: str | None, lang: str, output: str) -> None:
    """Write the press release (siaran pers) of one activity: text, PDF or DOCX."""
    from outreach.services import reports
    from outreach.services.errors import DomainError

    user = _acting_user(username)
    suffix = output.rsplit(".", 1)[-1].lower() if "." in output else "txt"
    if output != "-" and suffix not in ("txt", "pdf", "docx"):
        _fail("the output must end in .txt, .pdf or .docx")
    agency = current_app.config["OUTREACH_AGENCY_NAME"]
    try:
        release = reports.press_release(user, activity_id, lang)
        if suffix == "pdf":
            data = reports.press_pdf(user, activity_id, lang, agency=agency)
        elif suffix == "docx":
            data = reports.press_docx(user, activity_id, lang, agency=agency)
        else:
            data = f"{release.kicker}\n\n{release.text}\n".encode()
    except DomainError as exc:
        _fail(exc.message)
    if output == "-":
        click.echo(data.decode(), nl=False)
        return
    with open(output, "wb") as fh:
        fh.write(data)
    click.echo(f"Wrote {output} ({len(data)} bytes).")


@report_cli.command("recap")
@click.option("--unit", "unit_code", required=True, help="Unit code, e.g. POLRES-BLORA.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option(
    "--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: the same day."
)
@click.option("--user", "username", default=None, help="Act as this user (default: the first admin).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
def report_recap(unit_code: str, date_from: Any, date_to: Any, username: str | None, lang: str) -> None:
    """Print the WhatsApp-ready recap of a unit's day or week."""
    from outreach.services import recap, reports
    from outreach.services.errors import DomainError

    user = _acting_user(username)
    try:
        text = recap.build_recap(
            user,
            unit_code,
            date_from.date(),
            date_to.date() if date_to else None,
            reports.press_gettext(lang),
            lang,
        )
    except DomainError as exc:
        _fail(exc.message)
    download_audit.record_recap(
        user, "cli", unit_code, date_from.date(), date_to.date() if date_to else None, text
    )
    click.echo(text)


@export_cli.command("activities")
@_filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=",",
    show_default=True,
    help="CSV field separator (';' for Excel with Indonesian regional settings).",
)
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_activities(**kwargs: Any) -> None:
    """Export the filtered activities, one row per activity."""
    _export("activities", **kwargs)


@export_cli.command("visits")
@_filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=",",
    show_default=True,
    help="CSV field separator (';' for Excel with Indonesian regional settings).",
)
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_visits(**kwargs: Any) -> None:
    """Export the filtered activities, one row per visit (the import format)."""
    _export("visits", **kwargs)


def _export(
    dataset: str,
    *,
    programme_ref: str,
    unit_code: str | None,
    date_from: Any,
    date_to: Any,
    status: str,
    username: str | None,
    fmt: str,
    delimiter: str,
    lang: str,
    output: str,
) -> None:
    from outreach.exports.tabular import write_csv, write_xlsx
    from outreach.services import downloads, exports
    from outreach.services.errors import DomainError

    user = _acting_user(username)
    programme, filters = _report_args(programme_ref, unit_code, date_from, date_to, status)
    columns = exports.columns(dataset, lang)  # type: ignore[arg-type]
    try:
        rows = download_audit.Counted(exports.rows(dataset, user, filters, lang))  # type: ignore[arg-type]
        if fmt == "csv":
            with open(output, "w", encoding="utf-8", newline="") as fh:
                sep = "\t" if delimiter == "tab" else delimiter
                for chunk in write_csv(columns, rows, bom=True, delimiter=sep):
                    fh.write(chunk)
        else:
            with open(output, "wb") as fh:
                write_xlsx(
                    columns,
                    rows,
                    exports.sheet_title(dataset, lang),  # type: ignore[arg-type]
                    fh,
                    extra_sheets=exports.extra_sheets(dataset, user, filters, lang),  # type: ignore[arg-type]
                )
    except DomainError as exc:
        _fail(exc.message)
    download = downloads.Download(
        "export",
        f"{dataset}.{fmt}",
        "cli",
        downloads.filter_summary(filters),
        rows=rows.count,
        size_bytes=os.path.getsize(output),
        personal=dataset == "visits",
    )
    download_audit.record(user, download, entity_id=programme.id)
    click.echo(f"Wrote {output} ({rows.count} rows).")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the workbook and report errors; write nothing.")
@click.option("--valid-only", is_flag=True, help="Import the valid activities even when others have errors.")
@click.option("--user", "username", default=None, help="Act as this user (default: the first admin).")
def import_cmd(path: str, dry_run: bool, valid_only: bool, username: str | None) -> None:
    """Import activities from an XLSX workbook (one row per visit; see the template)."""
    from pathlib import Path

    from outreach.services import imports

    with writing():
        user = _acting_user(username)
        content = Path(path).read_bytes()
        try:
            if dry_run:
                result = imports.check(user, content)
                db.session.rollback()
            else:
                mode = "valid" if valid_only else "all"
                result, outcome = imports.run(user, content, Path(path).name, mode=mode)
                if outcome.batch is None:
                    db.session.rollback()
                else:
                    db.session.commit()
        except imports.WorkbookTooLarge as exc:
            db.session.rollback()
            _fail(exc.message)
            return
        for e in result.errors:
            click.echo(f"row {e.row} {e.column}: {e.message}", err=True)
        for w in result.warnings:
            click.echo(f"row {w.row} {w.column}: warning: {w.message}", err=True)
        valid = len(result.valid_groups)
        if dry_run:
            click.echo(f"{result.row_count} rows, {len(result.groups)} activities, {valid} valid (dry run).")
            if result.errors:
                sys.exit(1)
            return
        if outcome.batch is None:
            _fail("nothing imported")
        batch_id = outcome.batch.id
        click.echo(f"Imported {outcome.created} activities (batch {batch_id}, {outcome.skipped} skipped).")


@click.command("import-undo")
@click.argument("batch_id", type=int)
@click.option("--user", "username", default=None, help="Act as this user (default: the first admin).")
def import_undo_cmd(batch_id: int, username: str | None) -> None:
    """Undo an import: delete its activities the user could delete one by one; list the ones left."""
    from outreach.services import imports
    from outreach.services.errors import DomainError

    with writing():
        user = _acting_user(username)
        try:
            undo = imports.undo_batch(user, batch_id)
        except DomainError as exc:
            db.session.rollback()
            _fail(exc.message)
            return
        db.session.commit()
        click.echo(f"Deleted {len(undo.deleted)} activities of batch {batch_id}.")
        for activity_id, status in undo.skipped:
            click.echo(f"skipped: activity {activity_id} ({status}): {user.username} cannot delete it")


# ------------------------------------------------------------------------------------------------------
# end of the reports block
# ------------------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------------------
# Backup and restore (issue 7): one .tar.gz with the database, the uploads folder and a manifest.
# ------------------------------------------------------------------------------------------------------


photos_cli = AppGroup("photos", help="Photo files in the upload folder.")


@photos_cli.command("sweep")
@click.option("--older-than-minutes", default=60, show_default=True, help="Leave younger files alone.")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def photos_sweep(older_than_minutes: int, dry_run: bool) -> None:
    """Delete photo files that no activity refers to (left by a crash between upload and commit)."""
    from outreach.services import photos

    removed = photos.sweep_orphans(
        current_app.config["OUTREACH_UPLOAD_DIR"], older_than_s=older_than_minutes * 60, dry_run=dry_run
    )
    for path in removed:
        click.echo(path.name)
    click.echo(f"{len(removed)} orphan file(s) {'found' if dry_run else 'deleted'}.")


rollups_cli = AppGroup("rollups", help="The summary tables the dashboard and the reports read.")


@rollups_cli.command("check")
def rollups_check() -> None:
    """Compare the rollup tables with a fresh computation from the raw activities (exit 1 on drift)."""
    from outreach.services import rollups

    drift = rollups.check(db.session.connection())
    db.session.rollback()
    if not drift.ok:
        click.echo(
            f"Drift: rows stored but not computed {drift.extra}, computed but not stored {drift.missing}."
        )
        click.echo("Run `flask --app outreach rollups rebuild`.")
        raise SystemExit(1)
    click.echo("Rollups match the activities.")


@rollups_cli.command("rebuild")
def rollups_rebuild() -> None:
    """Recompute the rollup tables from the raw activities (after a bulk change made outside the app)."""
    from outreach.services import rollups

    with writing():
        rollups.rebuild(db.session.connection())
        db.session.commit()
    click.echo("Rollups rebuilt.")


recaps_cli = AppGroup("recaps", help="Scheduled recaps sent through the notification channels (issue 17).")


@recaps_cli.command("send-due")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Act as if it were this moment (ISO 8601 with an offset, e.g. 2026-12-01T07:05+07:00).",
)
def recaps_send_due(now_text: str | None) -> None:
    """Create the recaps that are due and send every delivery that may go now (retries included); an
    operator's cron can run it every few minutes, as the worker's periodic task does."""
    from datetime import UTC, datetime

    from outreach.services import recap_delivery

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            _fail(f"--now: not an ISO 8601 moment: {now_text!r}")
        if now.tzinfo is None:
            _fail("--now needs a UTC offset, e.g. +07:00.")
        now = now.astimezone(UTC)
    sent = recap_delivery.deliver_due(now)
    click.echo(f"Recaps sent: {sent}.")


privacy_cli = AppGroup("privacy", help="Personal data of people met: retention (docs/PRIVACY.md).")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be anonymised or removed.")
def privacy_purge(dry_run: bool) -> None:
    """Anonymise contacts and partners' names and delete photos of activities older than
    OUTREACH_RETENTION_MONTHS (counts and figures are kept; the run is audited)."""
    from pathlib import Path

    from outreach.services import photos, privacy
    from outreach.services.clock import local_today

    months = current_app.config.get("OUTREACH_RETENTION_MONTHS")
    if not months:
        click.echo("OUTREACH_RETENTION_MONTHS is not set: personal data is kept. Nothing to do.")
        return
    try:
        months = int(months)
        cutoff = privacy.cutoff_for(months, local_today())
    except (TypeError, ValueError):
        _fail(f"OUTREACH_RETENTION_MONTHS must be a whole number of months (1 or more), not {months!r}.")
    if dry_run:
        plan = privacy.plan(cutoff)
        db.session.rollback()
        _echo_purge_plan(plan)
        click.echo("Dry run, nothing changed.")
        return
    with writing():
        result = privacy.purge(cutoff, months=months)
        db.session.commit()
    folder = Path(current_app.config["OUTREACH_UPLOAD_DIR"])
    for name in result.photo_files:  # after the commit: a crash here leaves orphans for `photos sweep`
        for path in (folder / name, photos.thumb_path(folder, name)):
            path.unlink(missing_ok=True)
    _echo_purge_plan(result.plan)
    click.echo(f"Done; {result.audit_entries} audit snapshot(s) scrubbed.")


def _echo_purge_plan(plan: Any) -> None:
    """Ids, dates and counts only: the listing must not itself spread the personal data."""
    for a in plan.activities:
        click.echo(
            f"activity {a.activity_id} of {a.occurred_on.isoformat()} ({a.unit_code}): "
            f"{a.contacts} contact(s), {a.partners} partner name(s), {a.photos} photo(s)"
        )
    for location_id in plan.location_ids:
        click.echo(f"location {location_id}: contact name and phone")
    click.echo(
        f"{len(plan.activities)} activities dated before {plan.cutoff.isoformat()}: {plan.contacts} contact(s), "
        f"{plan.partners} partner name(s), {plan.photos} photo(s); {len(plan.location_ids)} place contact(s)."
    )


regions_cli = AppGroup("regions", help="Kemendagri regions (provinsi, kabupaten/kota, kecamatan, desa).")


@regions_cli.command("search")
@click.argument("query")
@click.option("--level", type=click.IntRange(1, 4), help="1 province, 2 regency/city, 3 district, 4 village.")
@click.option("--parent", help="Only inside this region (its code, e.g. 33.16).")
def regions_search(query: str, level: int | None, parent: str | None) -> None:
    """Look a region up by name: its code and where it lies."""
    from outreach.services import regions

    for region in regions.search(query, level=level, parent=parent, limit=20):
        click.echo(f"{region.code}\t{regions.label(region.code)}")


@regions_cli.command("place-locations")
def regions_place_locations() -> None:
    """Give Kemendagri codes to the places registered before codes existed (after upgrading to migration
    0007); names that match no region are kept and flagged in the admin location registry."""
    from outreach.services import admin

    with writing():
        report = admin.place_unplaced_locations()
        db.session.commit()
    click.echo(f"{report.placed} place(s) placed, {report.unmatched} flagged for an admin.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH when it exists.")
def backup_cmd(path: str, force: bool) -> None:
    """Write a backup of the database and the uploads folder to PATH (.tar.gz)."""
    from pathlib import Path

    from outreach.services import backup

    if Path(path).exists() and not force:
        _fail(f"{path} exists; pass --force to overwrite it")
    db.session.remove()
    try:
        result = backup.create_backup(
            db.engine,
            current_app.config["OUTREACH_UPLOAD_DIR"],
            path,
            busy_timeout_ms=current_app.config["OUTREACH_SQLITE_BUSY_TIMEOUT_MS"],
        )
    except backup.BackupError as exc:
        _fail(str(exc))
    manifest = result.manifest
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(
        f"Wrote {result.path}: {manifest['engine']} database, {len(manifest['tables'])} tables, "
        f"{rows} rows, {len(manifest['files'])} files."
    )
    if result.missing_photos:
        click.echo(
            f"Warning: {len(result.missing_photos)} photo(s) in the database have no file in the uploads "
            f"folder: {', '.join(result.missing_photos[:5])}",
            err=True,
        )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_cmd(path: str, yes: bool) -> None:
    """Replace the database and the uploads folder with the backup in PATH (stop the server first)."""
    from outreach.services import backup

    upload_dir = current_app.config["OUTREACH_UPLOAD_DIR"]
    db.session.remove()
    try:
        with backup.staged_archive(path, db.engine, upload_dir) as staged:
            manifest = staged.manifest
            click.echo(
                f"Backup of {manifest['created_at']} ({manifest['engine']}, revision "
                f"{manifest['alembic_revision'] or 'unknown'}): {len(manifest['tables'])} tables, "
                f"{len(manifest['files'])} files; all members match the manifest."
            )
            if not yes:
                click.confirm(
                    f"Replace the database {db.engine.url.render_as_string()} and the uploads folder "
                    f"{upload_dir} with this backup?",
                    abort=True,
                )
            result = backup.restore_staged(
                staged,
                db.engine,
                upload_dir,
                busy_timeout_ms=current_app.config["OUTREACH_SQLITE_BUSY_TIMEOUT_MS"],
            )
    except backup.BackupError as exc:
        _fail(str(exc))
    if result.integrity != "ok":
        _fail(f"integrity check of the restored database failed: {result.integrity}")
    if result.mismatches:
        _fail("restored content differs from the backup: " + "; ".join(result.mismatches))
    click.echo(
        f"Restored {result.rows} rows in {result.tables} tables and {result.files} files; integrity ok, "
        "every table matches the backup. Run `flask --app outreach db upgrade` if the backup is older than "
        "this version."
    )


# ------------------------------------------------------------------------------------------------------
# end of the backup block
# ------------------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------------------
# Units from the command line and the operator's check (issue 12).
# ------------------------------------------------------------------------------------------------------

units_cli = AppGroup("units", help="The unit tree: create, import, list, load the Polri tree.")
_LEVELS = ["mabes", "polda", "polres", "polsek", "satker"]


def _echo_errors(errors: Any) -> None:
    for e in errors:
        where = f"line {e.line}" if e.line else "error"
        click.echo(f"{where} {e.column}: {e.message}", err=True)


@units_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help='The unit\'s name, e.g. "Polres Blora".')
@click.option("--level", type=click.Choice(_LEVELS), required=True)
@click.option("--parent", "parent_code", default=None, help="Code of the unit above (none for the root).")
@click.option("--region-code", default=None, help="Kemendagri code of its territory (33, 33.16, 33.16.09).")
def units_create(code: str, name: str, level: str, parent_code: str | None, region_code: str | None) -> None:
    """Create one unit (the first one, without --parent, is the root of the tree)."""
    from outreach.services import units

    with writing():
        unit, errors = units.create_unit(code, name, level, parent_code, region_code=region_code or "")
        if errors or unit is None:
            db.session.rollback()
            _echo_errors(errors)
            sys.exit(1)
        db.session.commit()
        click.echo(f"Created {unit.code} ({unit.level.value}, {unit.name}).")


@units_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; write nothing.")
def units_import(path: str, dry_run: bool) -> None:
    """Create or update units from a CSV file: code,name,level,parent_code[,kind,region_code,province,
    regency,district,city,timezone]. An existing code is updated; a bad row stops the whole import."""
    from pathlib import Path

    from outreach.services import units

    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"{path} is not UTF-8 text (save the sheet as CSV UTF-8)")
    with writing():
        rows, errors = units.read_rows(text)
        result = units.apply_rows(rows) if not errors else units.ImportResult(errors=errors)
        if result.errors or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    _echo_errors(result.errors)
    if result.errors:
        _fail(f"{len(result.errors)} error(s); nothing imported")
    verb = "would create" if dry_run else "created"
    for code in result.created:
        click.echo(f"{verb} {code}")
    for code in result.updated:
        click.echo(f"{'would update' if dry_run else 'updated'} {code}")
    click.echo(
        f"{len(result.created)} {verb}, {len(result.updated)} {'would be ' if dry_run else ''}updated, "
        f"{len(result.unchanged)} unchanged{' (dry run: nothing written)' if dry_run else ''}."
    )


@units_cli.command("list")
@click.option("--under", "under_code", default=None, help="Only this unit and the units below it.")
def units_list(under_code: str | None) -> None:
    """List units in tree order: code, level, region code, name."""
    from outreach.services import units

    under = None
    if under_code:
        under = units.get_unit(under_code)
        if under is None:
            _fail(f"unknown unit {under_code!r}")
    found = units.list_units(under)
    if not found:
        click.echo("No units yet: run `flask --app outreach units load-polri` or `units create`.")
    base = under.depth if under else 0
    for u in found:
        click.echo(
            f"{'  ' * (u.depth - base)}{u.code:32} {u.level.value:7} {u.region_code or '-':13} {u.name}"
        )
    db.session.rollback()


@units_cli.command("load-polri")
@click.option("--dry-run", is_flag=True, help="Only say what would be added.")
@click.option(
    "--polsek-for",
    "polsek_for",
    default=None,
    metavar="POLRES-CODE",
    help="Instead: write one Polsek per kecamatan of this Polres's regency as a CSV to review and import.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default=None, help="With --polsek-for: the file."
)
def units_load_polri(dry_run: bool, polsek_for: str | None, output: str | None) -> None:
    """Add Mabes Polri, the 34 Polda and their 508 Polres (docs/POLRI-UNITS.md); existing codes stay as they are."""
    from outreach.services import units

    if polsek_for:
        polres = units.get_unit(polsek_for)
        if polres is None:
            _fail(f"unknown unit {polsek_for!r}")
        try:
            text = units.write_rows(units.offer_polsek(polres))  # type: ignore[arg-type]
        except Invalid as exc:
            _fail(_invalid_message(exc))
        db.session.rollback()
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            click.echo(
                f"Wrote {output}. Review it (names, codes, which kecamatan each Polsek covers), then run"
            )
            click.echo(f"  flask --app outreach units import {output}")
        else:
            click.echo(text, nl=False)
        return
    with writing():
        try:
            result = units.load_polri()
        except Invalid as exc:
            db.session.rollback()
            _fail(_invalid_message(exc))
        if result.errors or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    _echo_errors(result.errors)
    if result.errors:
        _fail("the Polri table does not fit this database; nothing loaded")
    if dry_run:
        for code in result.created:
            click.echo(f"would add {code}")
    click.echo(
        f"{len(result.created)} unit(s) {'would be added' if dry_run else 'added'}, "
        f"{len(result.unchanged)} already there."
    )


@click.command("doctor")
@with_appcontext
@click.option("--backup-days", type=int, default=None, help="Oldest acceptable backup (default: config).")
def doctor_cmd(backup_days: int | None) -> None:
    """Check this deployment: secret key, HTTPS cookies, migrations, uploads, catalogues, admin, backups,
    SQLite journal mode. Prints each problem with its fix; exits 1 when something is wrong."""
    from outreach.services import doctor

    findings = doctor.run_checks(current_app, backup_days=backup_days)
    db.session.rollback()
    for f in findings:
        click.echo(f"[{f.status.upper():4}] {f.title}: {f.detail}")
        if f.fix:
            click.echo(f"       fix: {f.fix}")
    failed = sum(1 for f in findings if f.status == "fail")
    warned = sum(1 for f in findings if f.status == "warn")
    click.echo(f"{failed} problem(s), {warned} warning(s).")
    if failed:
        sys.exit(1)


# ------------------------------------------------------------------------------------------------------
# end of the units and doctor block
# ------------------------------------------------------------------------------------------------------


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(recaps_cli)  # issue 17: scheduled recaps
    app.cli.add_command(export_cli)
    app.cli.add_command(import_cmd)
    app.cli.add_command(import_undo_cmd)
    app.cli.add_command(backup_cmd)
    app.cli.add_command(restore_cmd)
    app.cli.add_command(photos_cli)
    app.cli.add_command(rollups_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(units_cli)
    app.cli.add_command(doctor_cmd)
    app.cli.add_command(regions_cli)
    from outreach.jobs.cli import worker_cmd  # issue 17: the job queue's consumer

    app.cli.add_command(worker_cmd)
    audit_context.set(AuditContext(ip="cli"))


def main(argv: Any = None) -> None:
    """The ``outreach`` console script: the same commands as ``flask --app outreach``."""
    from outreach import create_app

    FlaskGroup(create_app=create_app)(args=argv)
