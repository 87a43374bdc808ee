"""Photos stored without the upload view (for activities in any state)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from PIL import Image

from outreach.extensions import db
from outreach.models import Activity, Photo, User
from outreach.services import photos


def add_photo(activity: Activity, actor: User, upload_dir: str) -> int:
    """A stored photo (file, thumbnail, row) on any activity, whatever its state; committed."""
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(image, "JPEG")
    stored_name = f"{uuid.uuid4().hex}.jpg"
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_name).write_bytes(image.getvalue())
    photos.thumb_path(folder, stored_name).write_bytes(image.getvalue())
    photo = Photo(
        activity_id=activity.id,
        stored_name=stored_name,
        original_name="warga.jpg",
        content_type="image/jpeg",
        width=64,
        height=48,
        size_bytes=len(image.getvalue()),
        created_by_id=actor.id,
    )
    db.session.add(photo)
    db.session.commit()
    return photo.id
