"""Activity pages: lists, detail, the form (create/edit), photos and the submit–verify workflow.

Each view authorises, parses, calls services, commits once and redirects with a flash (or renders).
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath
from typing import Any

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response

from outreach import download_audit
from outreach.activities import bp
from outreach.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    Choices,
    CommentForm,
    PhotoForm,
    ReasonForm,
    RowMap,
    apply_errors,
    fill_from_input,
    input_from_form,
)
from outreach.extensions import db
from outreach.i18n import current_language
from outreach.models import (
    RANKS,
    ActivityKind,
    ActivityStatus,
    IdempotencyKey,
    ItemKind,
    KamtibmasMessage,
    LocationKind,
    PartnerKind,
    Programme,
    Role,
)
from outreach.numerals import ascii_digits
from outreach.offline import answers as outbox
from outreach.security import ALL_FORM_FIELDS, reports_control_characters, role_required
from outreach.services import activities, catalogues, downloads, offline, pending_photos, photos, repeat
from outreach.services import filters as shared
from outreach.services.activity_list import ActivityFilter, ActivityPage, page_activities
from outreach.services.errors import Conflict, Invalid
from outreach.services.locations import search_locations
from outreach.services.policy import (
    can_delete,
    can_delete_photo,
    can_edit,
    can_reopen,
    can_repeat,
    can_restore,
    can_return,
    can_submit,
    can_verify,
)
from outreach.services.schema.activity import PersonInput
from outreach.services.scope import people_of, units_in_scope

WRITERS = (Role.STAFF, Role.COMMANDER)
#: The last page a list link may ask for (a larger number would overflow the database's OFFSET).
MAX_PAGE = 1_000_000
NONCE_PREFIX = "web-form:"


# --------------------------------------------------------------------------------------------- lists


def _choices() -> Choices:
    return Choices(
        units=units_in_scope(current_user),
        kinds=catalogues.active(ActivityKind),
        messages=catalogues.active(KamtibmasMessage),
        location_kinds=catalogues.active(LocationKind),
        item_kinds=catalogues.active(ItemKind),
        partner_kinds=catalogues.active(PartnerKind),
        lang=current_language(),
    )


def _programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.start_on.desc(), Programme.id)))


def _page(filters: ActivityFilter) -> ActivityPage:
    return page_activities(
        current_user,
        filters,
        page=min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE),
        per_page=current_app.config["OUTREACH_PAGE_SIZE"],
        count_cap=current_app.config["OUTREACH_LIST_COUNT_CAP"],
    )


@bp.route("/")
@login_required
@reports_control_characters(*shared.PARAMETERS)  # a NUL is a message next to its filter
def index() -> str:
    found, errors = shared.parse_lenient(request.args)
    form = ActivityFilterForm(request.args)
    form.set_choices(current_user, _choices(), _programmes())
    form.show(found, errors)
    filters = form.to_filter(found)
    drafts = None
    if current_user.role in WRITERS and not request.args:  # the phone home (issue 14): own drafts first
        drafts = page_activities(
            current_user,
            ActivityFilter(
                created_by_id=current_user.id,
                statuses=[ActivityStatus.DRAFT, ActivityStatus.RETURNED],
                sort="-updated",
            ),
            page=1,
            per_page=5,
            count_cap=current_app.config["OUTREACH_LIST_COUNT_CAP"],
        )
    return render_template(
        "activities/index.html",
        page=_page(filters),
        filters=filters,
        form=form,
        is_admin=current_user.role is Role.ADMIN,
        drafts=drafts,
        filtered=bool(errors) or any(v for k, v in request.args.items() if k != "page"),
    )


@bp.route("/mine")
@role_required(*WRITERS)
def mine() -> str:
    filters = ActivityFilter(
        created_by_id=current_user.id,
        statuses=[ActivityStatus.DRAFT, ActivityStatus.RETURNED],
        sort="-updated",
    )
    return render_template(
        "activities/list.html",
        page=_page(filters),
        heading=_("My drafts"),
        endpoint="activities.mine",
        empty_message=_("You have no drafts or returned activities."),
    )


@bp.route("/waiting")
@role_required(Role.COMMANDER)
def waiting() -> str:
    filters = ActivityFilter(statuses=[ActivityStatus.SUBMITTED], sort="date")
    return render_template(
        "activities/list.html",
        page=_page(filters),
        heading=_("Waiting for verification"),
        endpoint="activities.waiting",
        empty_message=_("Nothing is waiting for your verification."),
    )


@bp.route("/locations")
@role_required(*WRITERS)
def locations_search() -> Response:
    lang = current_language()
    found = search_locations(current_user, request.args.get("q", "")[:200])
    return jsonify(
        [
            {"id": loc.id, "name": loc.name, "address": loc.address, "kind": loc.kind.label(lang)}
            for loc in found
        ]
    )


# --------------------------------------------------------------------------------------------- detail


@bp.route("/<int:activity_id>")
@login_required
def detail(activity_id: int) -> str:
    activity = activities.get_activity(current_user, activity_id)
    return _render_detail(activity)


def _render_detail(activity: Any, status: int = 200, **forms: Any) -> Any:
    user = current_user
    return (
        render_template(
            "activities/detail.html",
            activity=activity,
            history=activities.history(activity),
            can={
                "edit": can_edit(user, activity),
                "submit": can_submit(user, activity),
                "verify": can_verify(user, activity),
                "return": can_return(user, activity),
                "reopen": can_reopen(user, activity),
                "delete": can_delete(user, activity),
                "restore": can_restore(user, activity),
                "repeat": can_repeat(user, activity),
                "delete_photo": user.role in WRITERS and can_delete_photo(user, activity),
            },
            comment_form=forms.get("comment_form") or CommentForm(),
            reason_form=forms.get("reason_form") or ReasonForm(),
            photo_form=forms.get("photo_form") or PhotoForm(),
        ),
        status,
    )


# --------------------------------------------------------------------------------------------- the form


def _prepare_form(form: ActivityForm) -> None:
    people = people_of(current_user.unit)
    locations = search_locations(current_user, limit=1000)
    form.set_choices(current_user, _choices(), _programmes(), locations, people)


def _render_form(
    form: ActivityForm,
    activity: Any = None,
    leftovers: list[str] | None = None,
    status: int = 200,
    pending: list[pending_photos.Pending] | None = None,
    repeated_from: Any = None,
) -> Any:
    _prepare_form(form)
    people = people_of(current_user.unit)
    tile_url = current_app.config.get("OUTREACH_MAP_TILE_URL") or ""
    if pending is None and request.method == "POST":  # a row button's round trip keeps the held photos
        pending = _posted_pending()
    return (
        render_template(
            "activities/form.html",
            form=form,
            activity=activity,
            ranks=RANKS,
            leftovers=leftovers or [],
            pending=pending or [],
            repeated_from=repeated_from,
            tiles={
                "url": tile_url,
                "attribution": current_app.config.get("OUTREACH_MAP_TILE_ATTRIBUTION") or "",
            }
            if tile_url
            else None,
            people=[
                {
                    "id": p.id,
                    "rank": p.rank,
                    "name": p.name,
                    "degrees": p.degrees or "",
                    "nrp": p.nrp or "",
                    "position": p.position or "",
                }
                for p in people
            ],
        ),
        status,
    )


def _row_action(form_data: MultiDict[str, str]) -> tuple[str, int] | None:
    """The no-JavaScript row buttons: add_visit, remove_visit_N, add_item_N, add_officer, add_partner,
    add_coverage."""
    for key in form_data:
        if key in ("add_visit", "add_officer", "add_partner", "add_coverage"):
            return key, -1
        for prefix in ("remove_visit_", "add_item_"):
            if key.startswith(prefix) and ascii_digits(key[len(prefix) :]):
                return prefix.rstrip("_"), int(key[len(prefix) :])
    return None


def _without_visit(form_data: MultiDict[str, str], index: int) -> MultiDict[str, str]:
    """The posted data with visit row ``index`` removed and the later rows renumbered."""
    kept: MultiDict[str, str] = MultiDict()
    for key, value in form_data.items(multi=True):
        if key.startswith("visits-"):
            number, _sep, rest = key[len("visits-") :].partition("-")
            if ascii_digits(number):
                n = int(number)
                if n == index:
                    continue
                if n > index:
                    key = f"visits-{n - 1}-{rest}"
        kept.add(key, value)
    return kept


def _handle_row_action(action: tuple[str, int], activity: Any = None) -> Any:
    """Re-render the form with a row added or removed and everything typed kept; nothing is saved."""
    name, index = action
    data = request.form.copy()
    if name == "remove_visit":
        data = _without_visit(data, index)
    form = ActivityForm(formdata=data)
    if name == "add_visit":
        form.visits.append_entry()
    elif name == "add_officer":
        form.officers.append_entry()
    elif name == "add_partner":
        form.partners.append_entry()
    elif name == "add_coverage":
        form.coverage.append_entry()
    elif name == "add_item" and index < len(form.visits):
        form.visits[index].form["items"].append_entry()
    if not form.visits.entries:
        form.visits.append_entry()
    return _render_form(form, activity)


def _posted_pending() -> list[pending_photos.Pending]:
    """The photos held from an earlier refused post of this form, less those the user left out."""
    dropped = set(request.form.getlist("pending_drop"))
    tokens = request.form.getlist("pending_photo")
    captions = request.form.getlist("pending_caption")
    kept = [(t, c) for t, c in zip(tokens, captions + [""] * len(tokens), strict=False) if t not in dropped]
    pending_photos.drop(current_user, sorted(dropped), current_app.config["OUTREACH_UPLOAD_DIR"])
    return pending_photos.load(
        current_user, [t for t, _c in kept], [c for _t, c in kept], current_app.config["OUTREACH_UPLOAD_DIR"]
    )


def _hold_photos(form: ActivityForm, earlier: list[pending_photos.Pending]) -> list[pending_photos.Pending]:
    """On a refused save: the photos just sent are re-encoded and held, so the form shows them again.

    A photo the checks refuse (too big, not an image) cannot be held: its message is on the photo field."""
    for upload in form.photos.data or []:
        if upload and getattr(upload, "stream", None) is not None:
            upload.stream.seek(0)  # already read once by the failed save
    try:
        fresh = _prepare_photos(form)
    except Invalid as exc:
        form.photos.errors = [*form.photos.errors, *exc.fields.values()]
        return earlier
    captions = request.form.getlist("photo_caption")
    return earlier + pending_photos.hold(
        current_user, fresh, captions, current_app.config["OUTREACH_UPLOAD_DIR"]
    )


def _caption_new_photos(activity: Any, captions: list[str]) -> None:
    """The captions typed on the form, on the photos just stored (the last ones of the activity)."""
    if not any(c.strip() for c in captions):
        return
    new = activity.photos[-len(captions) :]
    for photo, caption in zip(new, captions, strict=False):
        photo.caption = " ".join(caption.split())[: photos.MAX_CAPTION]


def _uploads(form: ActivityForm | PhotoForm) -> list[photos.Upload]:
    return [photos.Upload(f.filename or "", f.stream) for f in (form.photos.data or []) if f and f.filename]


def _prepare_photos(form: ActivityForm | PhotoForm) -> list[photos.Prepared]:
    return photos.prepare(
        _uploads(form),
        max_bytes=current_app.config["OUTREACH_UPLOAD_MAX_BYTES"],
        max_pixels=current_app.config["OUTREACH_PHOTO_MAX_PIXELS"],
        max_files=current_app.config["OUTREACH_PHOTO_MAX_FILES"],
        max_total_pixels=current_app.config["OUTREACH_PHOTO_MAX_TOTAL_PIXELS"],
    )


def _earlier_result(nonce: str) -> int | None:
    if not nonce:
        return None
    row = db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == NONCE_PREFIX + nonce
        )
    )
    return row.activity_id if row is not None else None


@bp.route("/new", methods=["GET", "POST"])
@role_required(*WRITERS)
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
def create() -> Any:
    if request.method == "POST":
        action = _row_action(request.form)
        if action is not None:
            return _handle_row_action(action)
    form = ActivityForm()
    if request.method == "GET":
        form.unit_code.data = current_user.unit.code
        repeat_of = request.args.get("from", type=int)
        if (
            repeat_of is not None
        ):  # "Ulangi kegiatan": the earlier activity's kind, places, officers, messages
            earlier_activity, data = repeat.repeat_input(current_user, repeat_of)
            fill_from_input(form, data)
            form.nonce.data = secrets.token_urlsafe(24)
            return _render_form(form, repeated_from=earlier_activity)
        plan_id = request.args.get("plan_id", type=int)
        if plan_id is not None:  # issue 15: realise an approved plan, the form prefilled from it
            from outreach.services import plans

            plan = plans.get_plan(current_user, plan_id)
            fill_from_input(form, plans.activity_input_from(plan, PersonInput(rank="", name="")))
        form.nonce.data = secrets.token_urlsafe(24)
        return _render_form(form)
    _prepare_form(form)
    earlier = _earlier_result(form.nonce.data or "")
    if earlier is not None and outbox.wanted():
        return outbox.stored(earlier, created=False)
    if earlier is not None:
        flash(_("This form was already sent; here is the activity it created."), "info")
        return redirect(url_for(".detail", activity_id=earlier))
    held = _posted_pending()
    if not form.validate():
        if outbox.wanted():
            return outbox.refused(422, outbox.form_errors(form.errors))
        return _render_form(form, status=422, pending=_hold_photos(form, held))
    rows = RowMap()
    written: list[Any] = []
    try:
        data = input_from_form(form, rows)
        prepared = _prepare_photos(form)
    except Invalid as exc:
        if outbox.wanted():
            return outbox.refused(exc.status, exc.fields)
        return _render_form(
            form, leftovers=apply_errors(form, exc.fields, rows), status=422, pending=_hold_photos(form, held)
        )
    folder = current_app.config["OUTREACH_UPLOAD_DIR"]
    try:
        # issue 14: the same client_id again (a resend after a lost answer) returns the first activity
        activity, created_now = offline.create_or_return(current_user, data)
        if not created_now:
            db.session.commit()
            pending_photos.drop(current_user, [p.token for p in held], folder)
            if outbox.wanted():
                return outbox.stored(activity.id, created=False)
            flash(_("This form was already sent; here is the activity it created."), "info")
            return redirect(url_for(".detail", activity_id=activity.id))
        kept = pending_photos.prepared(current_user, held, folder)
        written = photos.store(current_user, activity, kept + prepared, folder)
        _caption_new_photos(activity, [p.caption for p in held] + request.form.getlist("photo_caption"))
        if form.nonce.data:
            db.session.add(
                IdempotencyKey(
                    user_id=current_user.id, key=NONCE_PREFIX + form.nonce.data, activity_id=activity.id
                )
            )
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        photos.discard(written)
        if outbox.wanted():
            return outbox.refused(exc.status, exc.fields)
        if "client_id" in exc.fields:  # this page's id is taken (sent before, then changed): a fresh one
            form.client_id.data = ""
            exc.fields["client_id"] = _(
                "This form was already saved with other content. Save again to record it as a new activity."
            )
        return _render_form(
            form,
            leftovers=apply_errors(form, exc.fields, rows),
            status=422,
            pending=held
            + pending_photos.hold(current_user, prepared, request.form.getlist("photo_caption"), folder),
        )
    except Conflict as exc:  # the reporting lock (issue 15): its message on the form
        db.session.rollback()
        photos.discard(written)
        if outbox.wanted():
            return outbox.refused(409, message=exc.message)
        return _render_form(
            form,
            leftovers=[exc.message],
            status=409,
            pending=held
            + pending_photos.hold(current_user, prepared, request.form.getlist("photo_caption"), folder),
        )
    except IntegrityError:
        db.session.rollback()
        photos.discard(written)
        earlier = _earlier_result(form.nonce.data or "")
        if earlier is None:
            raise
        if outbox.wanted():
            return outbox.stored(earlier, created=False)
        return redirect(url_for(".detail", activity_id=earlier))
    except Exception:
        db.session.rollback()
        photos.discard(written)
        raise
    pending_photos.drop(current_user, [p.token for p in held], folder)
    if outbox.wanted():
        return outbox.stored(activity.id, created=True)
    flash(_("Activity saved as a draft. Submit it when it is complete."), "success")
    return redirect(url_for(".detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required(*WRITERS)
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
def edit(activity_id: int) -> Any:
    activity = activities.get_activity(current_user, activity_id)
    if not can_edit(current_user, activity):
        flash(_("This activity can no longer be edited."), "warning")
        return redirect(url_for(".detail", activity_id=activity.id))
    if request.method == "POST":
        action = _row_action(request.form)
        if action is not None:
            return _handle_row_action(action, activity)
    form = ActivityForm()
    if request.method == "GET":
        fill_from_input(form, activities.input_of(activity))
        form.version.data = str(activity.version)
        return _render_form(form, activity)
    _prepare_form(form)
    held = _posted_pending()
    if not form.validate():
        return _render_form(form, activity, status=422, pending=_hold_photos(form, held))
    rows = RowMap()
    version = int(form.version.data) if ascii_digits(form.version.data or "") else None
    written: list[Any] = []
    folder = current_app.config["OUTREACH_UPLOAD_DIR"]
    try:
        data = input_from_form(form, rows)
        prepared = _prepare_photos(form)
    except Invalid as exc:
        return _render_form(
            form, activity, leftovers=apply_errors(form, exc.fields, rows), status=422,
            pending=_hold_photos(form, held),
        )  # fmt: skip
    captions = request.form.getlist("photo_caption")
    try:
        activities.update_activity(current_user, activity, data, version=version)
        kept = pending_photos.prepared(current_user, held, folder)
        written = photos.store(current_user, activity, kept + prepared, folder)
        _caption_new_photos(activity, [p.caption for p in held] + captions)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        photos.discard(written)
        return _render_form(
            form, activity, leftovers=apply_errors(form, exc.fields, rows), status=422,
            pending=held + pending_photos.hold(current_user, prepared, captions, folder),
        )  # fmt: skip
    except Conflict as exc:
        db.session.rollback()
        photos.discard(written)
        return _render_form(
            form, activity, leftovers=[exc.message], status=409,
            pending=held + pending_photos.hold(current_user, prepared, captions, folder),
        )  # fmt: skip
    except Exception:
        db.session.rollback()
        photos.discard(written)
        raise
    pending_photos.drop(current_user, [p.token for p in held], folder)
    flash(_("Changes saved."), "success")
    return redirect(url_for(".detail", activity_id=activity.id))


# --------------------------------------------------------------------------------------------- photos


@bp.route("/<int:activity_id>/photos", methods=["POST"])
@role_required(*WRITERS)
def add_photos(activity_id: int) -> Any:
    activity = activities.get_activity(current_user, activity_id)
    form = PhotoForm()
    if not form.validate():
        return _render_detail(activity, 400, photo_form=form)
    written: list[Any] = []
    try:
        prepared = _prepare_photos(form)
        if not prepared:
            form.photos.errors = [_("Choose at least one photo.")]
            return _render_detail(activity, 422, photo_form=form)
        written = photos.store(current_user, activity, prepared, current_app.config["OUTREACH_UPLOAD_DIR"])
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        form.photos.errors = list(exc.fields.values())
        return _render_detail(activity, 422, photo_form=form)
    except Exception:
        db.session.rollback()
        photos.discard(written)
        raise
    flash(_("Photos added."), "success")
    return redirect(url_for(".detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/photos/captions", methods=["POST"])
@role_required(*WRITERS)
def photo_captions(activity_id: int) -> Any:
    """Save the photo captions (printed under each photo in the LAMPIRAN DOKUMENTASI)."""
    activity = activities.get_activity(current_user, activity_id)
    captions = {
        int(key.removeprefix("caption-")): value
        for key, value in request.form.items()
        if key.startswith("caption-") and ascii_digits(key.removeprefix("caption-"))
    }
    try:
        photos.set_captions(current_user, activity, captions)
    except Invalid as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()), "danger")
        return _render_detail(activity, 422)
    db.session.commit()
    flash(_("Captions saved."), "success")
    return redirect(url_for(".detail", activity_id=activity.id))


@bp.route("/photos/pending/<token>")
@role_required(*WRITERS)
def pending_photo(token: str) -> Response:
    """The thumbnail of a photo held for a form that did not save yet (only its uploader's)."""
    path = pending_photos.thumb(current_user, token, current_app.config["OUTREACH_UPLOAD_DIR"])
    response = send_from_directory(path.parent, path.name, mimetype="image/jpeg", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<int:activity_id>/photos/<int:photo_id>/delete", methods=["POST"])
@role_required(*WRITERS)
def delete_photo(activity_id: int, photo_id: int) -> Response:
    """Remove one photo until the activity is verified (issue 14); the files go after the commit."""
    activity = activities.get_activity(current_user, activity_id)
    try:
        files = pending_photos.delete_photo(
            current_user, activity, photo_id, current_app.config["OUTREACH_UPLOAD_DIR"]
        )
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(url_for(".detail", activity_id=activity.id))
    db.session.commit()
    photos.discard(files)
    flash(_("Photo removed."), "success")
    return redirect(url_for(".detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/photos/<int:photo_id>")
@bp.route("/<int:activity_id>/photos/<int:photo_id>/thumb", endpoint="photo_thumb", defaults={"thumb": True})
@login_required
def photo(activity_id: int, photo_id: int, thumb: bool = False) -> Response:
    activity = activities.get_activity(current_user, activity_id)
    found = next((p for p in activity.photos if p.id == photo_id), None)
    if found is None:
        raise HTTPNotFound()
    folder = current_app.config["OUTREACH_UPLOAD_DIR"]
    if thumb:
        name, mimetype = photos.thumb_path(folder, found.stored_name).name, "image/jpeg"
    else:
        name, mimetype = found.stored_name, found.content_type
    response = send_from_directory(folder, name, mimetype=mimetype, max_age=0)
    if not thumb:  # thumbnails are the detail page's own pictures; opening the photo itself is a download
        download_audit.record(
            current_user,
            downloads.Download(
                "photo",
                "photo" + PurePosixPath(found.stored_name).suffix,
                "web",
                {"photo_id": found.id},
                size_bytes=found.size_bytes,
                personal=True,
            ),
            entity_id=activity.id,
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


# --------------------------------------------------------------------------------------------- workflow


def _done(activity_id: int, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".detail", activity_id=activity_id))


@bp.route("/<int:activity_id>/submit", methods=["POST"])
@role_required(*WRITERS)
def submit(activity_id: int) -> Response:
    activity = activities.get_activity(current_user, activity_id)
    activities.submit_activity(current_user, activity)
    return _done(activity.id, _("Submitted for verification."))


@bp.route("/<int:activity_id>/verify", methods=["POST"])
@role_required(Role.COMMANDER)
def verify(activity_id: int) -> Response:
    activity = activities.get_activity(current_user, activity_id)
    activities.verify_activity(current_user, activity)
    return _done(activity.id, _("Activity verified."))


@role_required(Role.COMMANDER)
def return_(activity_id: int) -> Any:
    form = CommentForm()
    return _with_reason(
        activity_id, form, form.comment, "comment_form", activities.return_activity,
        _("Returned to the author with your comment."),
    )  # fmt: skip


def _with_reason(
    activity_id: int, form: Any, field: Any, form_key: str, action: Any, done_message: str
) -> Any:
    """A workflow step that needs a text (return comment, reopen reason): on a refusal the detail page comes
    back with the message at the text box and what was typed kept."""
    activity = activities.get_activity(current_user, activity_id)
    try:
        action(current_user, activity, field.data or "")
    except Invalid as exc:
        db.session.rollback()
        field.errors = list(exc.fields.values())
        activity = activities.get_activity(current_user, activity_id)
        return _render_detail(activity, 422, **{form_key: form})
    return _done(activity.id, done_message)


bp.add_url_rule("/<int:activity_id>/return", endpoint="return", view_func=return_, methods=["POST"])


@bp.route("/<int:activity_id>/reopen", methods=["POST"])
@role_required(Role.COMMANDER)
def reopen(activity_id: int) -> Any:
    form = ReasonForm()
    return _with_reason(
        activity_id, form, form.reason, "reason_form", activities.reopen_activity,
        _("Activity reopened for editing."),
    )  # fmt: skip


@bp.route("/<int:activity_id>/delete", methods=["POST"])
@role_required(*WRITERS)
def delete(activity_id: int) -> Response:
    activity = activities.get_activity(current_user, activity_id)
    activities.delete_activity(current_user, activity)
    db.session.commit()
    flash(_("Activity deleted. An administrator can restore it."), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:activity_id>/restore", methods=["POST"])
@role_required(Role.ADMIN)
def restore(activity_id: int) -> Response:
    activity = activities.get_activity(current_user, activity_id)
    activities.restore_activity(current_user, activity)
    return _done(activity.id, _("Activity restored."))
