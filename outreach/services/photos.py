"""Photos: check an upload, re-encode it with Pillow (dropping EXIF/GPS), store it under a server-made name.

Two steps so nothing touches the disk before every file of a request is known good: :func:`prepare` reads
and checks the uploads in memory and raises :class:`Invalid` (field ``photos``); :func:`store` writes the
files and adds the :class:`Photo` rows. The caller commits, and calls :func:`discard` with the written
paths if the transaction fails, so no orphan file stays behind.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Activity, Photo, User
from outreach.services import audit
from outreach.services.errors import Conflict, Invalid, NotFound
from outreach.services.policy import can_edit, can_view

#: Pillow format → (stored content type, file extension).
#: MPO is how Pillow reports the multi-picture JPEGs many phone cameras write; it is stored as a plain JPEG.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
THUMB_SIZE = (400, 400)
THUMB_SUFFIX = ".thumb.jpg"


@dataclass
class Upload:
    """One file as received: its name and a readable binary stream."""

    filename: str
    stream: IO[bytes]


@dataclass
class Prepared:
    """A checked, re-encoded photo, still in memory."""

    original_name: str
    content_type: str
    extension: str
    data: bytes
    thumb: bytes
    width: int
    height: int


def prepare(
    uploads: list[Upload],
    *,
    max_bytes: int,
    max_pixels: int,
    max_files: int = 10,
    max_total_pixels: int = 150_000_000,
) -> list[Prepared]:
    """Check and re-encode every upload; one message per refused file, all raised together.

    The request as a whole is bounded before any pixel is decoded: at most ``max_files`` files, and at most
    ``max_total_pixels`` summed over them, read from each file's header (Pillow's ``open`` is lazy)."""
    if len(uploads) > max_files:
        raise Invalid({"photos": _("At most %(n)d photos at a time.", n=max_files)})
    received: list[tuple[str, bytes]] = []
    problems: list[str] = []
    total_pixels = 0
    for upload in uploads:
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        # Control characters (NUL above all: PostgreSQL refuses it in text) never reach the database.
        name = "".join(ch for ch in name if ch.isprintable())[:255]
        raw = upload.stream.read(max_bytes + 1)
        if not raw:
            continue
        if len(raw) > max_bytes:
            problems.append(
                _("%(name)s is larger than %(mb)s MB.", name=name, mb=f"{max_bytes / 1_048_576:.0f}")
            )
            continue
        total_pixels += _header_pixels(raw)
        received.append((name, raw))
    if total_pixels > max_total_pixels:
        raise Invalid(
            {
                "photos": _(
                    "These photos hold more than %(n)s million pixels together: send fewer at a time.",
                    n=f"{max_total_pixels / 1_000_000:.0f}",
                )
            }
        )
    prepared: list[Prepared] = []
    for name, raw in received:
        try:
            prepared.append(_reencode(name, raw, max_pixels))
        except _Refused as refused:
            problems.append(refused.message)
    if problems:
        raise Invalid({"photos": " ".join(problems)})
    return prepared


def _header_pixels(raw: bytes) -> int:
    """Width × height from the file's header, decoding nothing (0 when unreadable: refused later)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as opened:
                width, height = opened.size
    except Exception:  # noqa: BLE001 - not an image, or a bomb Pillow refuses outright: _reencode says which
        return 0
    return max(width, 0) * max(height, 0)


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _reencode(name: str, raw: bytes, max_pixels: int) -> Prepared:
    not_image = _("%(name)s is not a JPEG, PNG or WebP photo.", name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(raw))
            if opened.format not in FORMATS:
                raise _Refused(not_image)
            width, height = opened.size
            if width <= 0 or height <= 0 or width * height > max_pixels:
                raise _Refused(_("%(name)s has too many pixels.", name=name))
            opened.load()
            content_type, extension = FORMATS[opened.format]
            image = ImageOps.exif_transpose(opened)
            data = _encode(image, extension)
            thumb = _thumbnail(image)
    except _Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused(_("%(name)s has too many pixels.", name=name)) from None
    except Exception:  # any decoder error means "not a usable photo"
        raise _Refused(not_image) from None
    return Prepared(
        original_name=name,
        content_type=content_type,
        extension=extension,
        data=data,
        thumb=thumb,
        width=image.width,
        height=image.height,
    )


def _encode(image: Image.Image, extension: str) -> bytes:
    """A fresh file with the pixels only: no EXIF, GPS, ICC comments or other metadata carried over."""
    out = io.BytesIO()
    if extension == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif extension == "png":
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "PNG", optimize=True)
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "WEBP", quality=85)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.convert("RGB")
    thumb.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()


def store(actor: User, activity: Activity, prepared: list[Prepared], upload_dir: str | Path) -> list[Path]:
    """Write the files and add their rows (flushed, not committed); returns every path written."""
    if not can_view(actor, activity):
        raise NotFound(_("Activity not found."))
    if prepared and not can_edit(actor, activity):
        raise Conflict(_("Photos can only be added while the activity can be edited."))
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for item in prepared:
            stored_name = f"{uuid.uuid4().hex}.{item.extension}"
            for path, data in (
                (folder / stored_name, item.data),
                (thumb_path(folder, stored_name), item.thumb),
            ):
                path.write_bytes(data)
                written.append(path)
            activity.photos.append(
                Photo(
                    stored_name=stored_name,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    width=item.width,
                    height=item.height,
                    size_bytes=len(item.data),
                    created_by_id=actor.id,
                )
            )
        db.session.flush()
    except Exception:
        discard(written)
        raise
    return written


#: The caption column's length (models.activity.Photo.caption).
MAX_CAPTION = 300


def set_captions(actor: User, activity: Activity, captions: dict[int, str]) -> int:
    """Set the captions of the activity's photos (``photo id → text``) while it can be edited; audited.

    Returns how many captions changed. Unknown photo ids are ignored (a photo deleted meanwhile).
    """
    if not can_view(actor, activity):
        raise NotFound(_("Activity not found."))
    if not can_edit(actor, activity):
        raise Conflict(_("Captions can only be changed while the activity can be edited."))
    errors = {
        f"caption-{pid}": _("At most %(n)d characters.", n=MAX_CAPTION)
        for pid, text in captions.items()
        if len(" ".join(text.split())) > MAX_CAPTION
    }
    if errors:
        raise Invalid(errors)
    changed: dict[str, list[str]] = {}
    for photo in activity.photos:
        if photo.id in captions:
            text = " ".join(captions[photo.id].split())
            if text != photo.caption:
                changed[str(photo.id)] = [photo.caption, text]
                photo.caption = text
    if changed:
        audit.record(
            actor, "photo_captions", "activity", activity.id, unit_id=activity.unit_id, changes=changed
        )
        db.session.flush()
    return len(changed)


def thumb_path(folder: str | Path, stored_name: str) -> Path:
    return Path(folder) / (stored_name.rsplit(".", 1)[0] + THUMB_SUFFIX)


def discard(paths: list[Path]) -> None:
    """Remove files written for a transaction that did not commit."""
    for path in paths:
        path.unlink(missing_ok=True)


def sweep_orphans(upload_dir: str | Path, *, older_than_s: float = 3600, dry_run: bool = False) -> list[Path]:
    """Delete photo files no row refers to, left by a process killed between writing and committing.

    Files are written before the commit (so a committed row never lacks its file); a crash in between leaves
    files without a row. Only files older than ``older_than_s`` are touched, so uploads in flight are safe.
    Looks names up in batches: memory and queries stay bounded however many photos there are.
    """
    import time

    folder = Path(upload_dir)
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than_s
    candidates: dict[str, list[Path]] = {}
    for path in folder.iterdir():
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        stem = path.name.removesuffix(THUMB_SUFFIX).split(".", 1)[0]
        candidates.setdefault(stem, []).append(path)
    removed: list[Path] = []
    stems = sorted(candidates)
    for start in range(0, len(stems), 500):
        batch = stems[start : start + 500]
        wanted = [f"{stem}.{ext}" for stem in batch for _type, ext in FORMATS.values()]
        known = {
            name.split(".", 1)[0]
            for name in db.session.scalars(select(Photo.stored_name).where(Photo.stored_name.in_(wanted)))
        }
        for stem in batch:
            if stem not in known:
                for path in candidates[stem]:
                    if not dry_run:
                        path.unlink(missing_ok=True)
                    removed.append(path)
    return removed
