"""Photos of a form that did not save yet (issue 14), and deleting a photo before verification.

A photo chosen on the activity form used to be lost when the server refused the form (a missing field): the
browser does not send a file input again. Now the re-encoded photo is held in ``<upload dir>/pending/`` under a
random token, the form comes back showing it with its caption, and the token rides along in a hidden field until
the activity is saved. Files are named ``<user id>-<token>.<ext>``, so a token only works for the user who
uploaded it; stale ones are removed by :func:`sweep` (also called on each hold).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from outreach.extensions import db
from outreach.models import Activity, User
from outreach.services import audit
from outreach.services.errors import Conflict, NotFound
from outreach.services.photos import Prepared, thumb_path
from outreach.services.policy import can_delete_photo, can_view

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
#: A held photo older than this is swept away (the form was abandoned).
MAX_AGE_S = 24 * 3600


@dataclass
class Pending:
    token: str
    name: str
    caption: str = ""


def _folder(upload_dir: str | Path) -> Path:
    return Path(upload_dir) / "pending"


def _files(upload_dir: str | Path, user: User, token: str) -> tuple[Path, Path] | None:
    """The data and the metadata file of a held photo of ``user``; None for a malformed token."""
    if not TOKEN.match(token or ""):
        return None
    base = _folder(upload_dir) / f"{user.id}-{token}"
    return base.with_suffix(".bin"), base.with_suffix(".json")


def hold(user: User, prepared: list[Prepared], captions: list[str], upload_dir: str | Path) -> list[Pending]:
    """Keep re-encoded photos for a later save of the same form; returns their tokens in order."""
    folder = _folder(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    sweep(upload_dir)
    held: list[Pending] = []
    for i, item in enumerate(prepared):
        token = secrets.token_urlsafe(18)
        paths = _files(upload_dir, user, token)
        assert paths is not None
        data, meta = paths
        data.write_bytes(item.data)
        data.with_suffix(".thumb").write_bytes(item.thumb)
        caption = " ".join((captions[i] if i < len(captions) else "").split())[:300]
        meta.write_text(
            json.dumps(
                {
                    "original_name": item.original_name,
                    "content_type": item.content_type,
                    "extension": item.extension,
                    "width": item.width,
                    "height": item.height,
                }
            )
        )
        held.append(Pending(token, item.original_name, caption))
    return held


def load(user: User, tokens: list[str], captions: list[str], upload_dir: str | Path) -> list[Pending]:
    """The held photos named by ``tokens`` that still exist (unknown or foreign tokens are skipped)."""
    found: list[Pending] = []
    for i, token in enumerate(tokens):
        paths = _files(upload_dir, user, token)
        if paths is None or not paths[0].exists() or not paths[1].exists():
            continue
        meta = json.loads(paths[1].read_text())
        caption = " ".join((captions[i] if i < len(captions) else "").split())[:300]
        found.append(Pending(token, str(meta.get("original_name", "")), caption))
    return found


def prepared(user: User, pending: list[Pending], upload_dir: str | Path) -> list[Prepared]:
    """The held photos as :class:`Prepared` again, ready for :func:`outreach.services.photos.store`."""
    out: list[Prepared] = []
    for p in pending:
        paths = _files(upload_dir, user, p.token)
        if paths is None:
            continue
        meta = json.loads(paths[1].read_text())
        out.append(
            Prepared(
                original_name=str(meta["original_name"]),
                content_type=str(meta["content_type"]),
                extension=str(meta["extension"]),
                data=paths[0].read_bytes(),
                thumb=paths[0].with_suffix(".thumb").read_bytes(),
                width=int(meta["width"]),
                height=int(meta["height"]),
            )
        )
    return out


def thumb(user: User, token: str, upload_dir: str | Path) -> Path:
    """The thumbnail of a held photo of ``user`` (NotFound for anything else)."""
    paths = _files(upload_dir, user, token)
    if paths is None or not paths[0].with_suffix(".thumb").exists():
        raise NotFound(_("Photo not found."))
    return paths[0].with_suffix(".thumb")


def drop(user: User, tokens: list[str], upload_dir: str | Path) -> None:
    """Forget held photos (saved with the activity, or left out by the user)."""
    for token in tokens:
        paths = _files(upload_dir, user, token)
        if paths is None:
            continue
        for path in (paths[0], paths[0].with_suffix(".thumb"), paths[1]):
            path.unlink(missing_ok=True)


def sweep(upload_dir: str | Path, older_than_s: float = MAX_AGE_S) -> int:
    """Remove held photos older than ``older_than_s`` seconds; returns how many files went."""
    folder = _folder(upload_dir)
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than_s
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# ------------------------------------------------------------------------------------- deleting a photo


def delete_photo(user: User, activity: Activity, photo_id: int, upload_dir: str | Path) -> list[Path]:
    """Remove one photo's row (flushed, audited); returns its files, to unlink after the commit."""
    if not can_view(user, activity):
        raise NotFound(_("Activity not found."))
    photo = next((p for p in activity.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound(_("Photo not found."))
    if not can_delete_photo(user, activity):
        raise Conflict(_("A photo can only be removed until the activity is verified."))
    files = [Path(upload_dir) / photo.stored_name, thumb_path(upload_dir, photo.stored_name)]
    audit.record(
        user,
        "photo_delete",
        "activity",
        activity.id,
        unit_id=activity.unit_id,
        changes={"photo": [photo.original_name, None]},
    )
    activity.photos.remove(photo)
    db.session.delete(photo)
    db.session.flush()
    return files
