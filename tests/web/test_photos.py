"""Photo uploads: re-encoded without EXIF, refused when not an image, too big or a decompression bomb."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Photo
from tests import factories
from tests.support.forms import base_form


def jpeg_with_exif(size=(1200, 800)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 58.0, 0.0), 3: "E", 4: (111.0, 25.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bomb(width=20000, height=20000) -> bytes:
    """A tiny PNG whose header claims 20000×20000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


def _make(world, username="staff.a1x", unit="POLSEK-A1X"):
    activity = factories.make_activity(
        world.users[username], world.programme, world.u(unit), [world.locations[unit]]
    )
    db.session.commit()
    return activity


def _upload(client, activity_id, payload: bytes, name: str):
    return client.post(
        f"/activities/{activity_id}/photos",
        data={"photos": [(io.BytesIO(payload), name)]},
        content_type="multipart/form-data",
    )


def _photo_files(app) -> list[Path]:
    folder = Path(app.config["OUTREACH_UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upload_reencodes_and_strips_exif(world, login_as, app):
    activity = _make(world)
    client = login_as("staff.a1x")
    original = jpeg_with_exif()
    assert b"SecretCam" in original
    response = _upload(client, activity.id, original, "IMG_0001.jpg")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    photo = db.session.scalar(select(Photo))
    assert photo.content_type == "image/jpeg"
    assert photo.original_name == "IMG_0001.jpg"
    assert photo.stored_name != "IMG_0001.jpg"
    assert (photo.width, photo.height) == (1200, 800)
    served = client.get(f"/activities/{activity.id}/photos/{photo.id}")
    assert served.status_code == 200
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.mimetype == "image/jpeg"
    assert b"SecretCam" not in served.data
    with Image.open(io.BytesIO(served.data)) as img:
        assert not img.getexif()
    served.close()
    thumb = client.get(f"/activities/{activity.id}/photos/{photo.id}/thumb")
    assert thumb.status_code == 200
    with Image.open(io.BytesIO(thumb.data)) as img:
        assert max(img.size) == 400
    thumb.close()
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert f"/activities/{activity.id}/photos/{photo.id}/thumb" in page


def test_photos_with_the_activity_form(world, login_as, app):
    client = login_as("staff.a1x")
    png = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(png, "PNG")
    data = base_form(world)
    data["photos"] = [
        (io.BytesIO(jpeg_with_exif((300, 200))), "a.jpg"),
        (io.BytesIO(png.getvalue()), "b.png"),
    ]
    response = client.post("/activities/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert [p.content_type for p in db.session.scalars(select(Photo).order_by(Photo.id))] == [
        "image/jpeg",
        "image/png",
    ]
    assert len(_photo_files(app)) == 4  # two photos, two thumbnails


def test_bad_photo_in_form_keeps_input_and_writes_nothing(world, login_as, app):
    client = login_as("staff.a1x")
    data = base_form(world, title="Tetap")
    data["photos"] = [(io.BytesIO(b"not really a jpeg"), "evil.jpg")]
    response = client.post("/activities/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="photos-errors"' in html
    assert 'value="Tetap"' in html
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0
    assert _photo_files(app) == []


def test_text_file_renamed_jpg_refused(world, login_as, app):
    activity = _make(world)
    client = login_as("staff.a1x")
    response = _upload(client, activity.id, b"hello, I am plain text\n" * 20, "photo.jpg")
    assert response.status_code == 422
    assert "photo.jpg" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert _photo_files(app) == []


def test_oversize_file_refused(world, login_as, app):
    app.config["OUTREACH_UPLOAD_MAX_BYTES"] = 10_000
    activity = _make(world)
    client = login_as("staff.a1x")
    noisy = Image.effect_noise((400, 400), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 10_000
    response = _upload(client, activity.id, out.getvalue(), "big.jpg")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_decompression_bomb_refused(world, login_as, app):
    activity = _make(world)
    client = login_as("staff.a1x")
    response = _upload(client, activity.id, png_bomb(), "bomb.png")
    assert response.status_code == 422
    assert 'id="photos-errors"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_pixel_limit_below_pillow_default(world, login_as, app):
    app.config["OUTREACH_PHOTO_MAX_PIXELS"] = 100 * 100
    activity = _make(world)
    client = login_as("staff.a1x")
    assert _upload(client, activity.id, jpeg_with_exif((200, 200)), "a.jpg").status_code == 422


def test_sibling_cannot_fetch_or_upload(world, login_as, app):
    activity = _make(world)
    client = login_as("staff.a1x")
    _upload(client, activity.id, jpeg_with_exif((100, 100)), "a.jpg")
    photo = db.session.scalar(select(Photo))
    client.post("/logout")
    client = login_as("staff.a1y")
    assert client.get(f"/activities/{activity.id}/photos/{photo.id}").status_code == 404
    assert client.get(f"/activities/{activity.id}/photos/{photo.id}/thumb").status_code == 404
    assert _upload(client, activity.id, jpeg_with_exif((100, 100)), "b.jpg").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1


def test_photo_of_other_activity_not_served_through_mine(world, login_as, app):
    mine = _make(world)
    theirs = _make(world, "staff.b1", "POLSEK-B1X")
    client = login_as("staff.b1")
    _upload(client, theirs.id, jpeg_with_exif((100, 100)), "a.jpg")
    photo = db.session.scalar(select(Photo))
    client.post("/logout")
    client = login_as("staff.a1x")
    assert client.get(f"/activities/{mine.id}/photos/{photo.id}").status_code == 404


def test_files_removed_when_the_transaction_fails(world, login_as, app, monkeypatch):
    client = login_as("staff.a1x")
    data = base_form(world)
    data["photos"] = [(io.BytesIO(jpeg_with_exif((120, 80))), "a.jpg")]

    def broken_commit() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = client.post("/activities/new", data=data, content_type="multipart/form-data")
    monkeypatch.undo()
    assert response.status_code == 500
    assert _photo_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0
