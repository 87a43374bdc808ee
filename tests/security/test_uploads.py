"""T7 extras beyond tests/web/test_photos.py: hostile names, polyglots, scripts, empty files, many parts."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Photo
from tests.security.conftest import OWN_UNIT, SecWorld, jpeg, populate
from tests.support.app import build_app

STORED = re.compile(r"^[0-9a-f]{32}\.(jpg|png)$")


@pytest.fixture(scope="module")
def usec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecWorld]:
    app = build_app(tmp_path_factory.mktemp("uploads"))
    with app.app_context():
        yield populate(app)
        db.session.remove()
        db.engine.dispose()


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _post(sec: SecWorld, activity_id: int, files: list[tuple[Any, str]] | list[tuple[Any, str, str]]) -> Any:
    return sec.clients["staff"].post(
        f"/activities/{activity_id}/photos", data={"photos": files}, content_type="multipart/form-data"
    )


def _photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo)) or 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shell.php", b"<?php system($_GET['c']); ?>"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("a.jpg.php", b"<?php echo 1; ?>"),
        ("polyglot.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<script>alert(1)</script>" * 10),
        ("gif.jpg", b"GIF89a<script>alert(1)</script>"),
    ],
)
def test_non_images_are_refused(usec: SecWorld, name: str, content: bytes) -> None:
    activity = usec.fresh_activity(OWN_UNIT)
    root = Path(usec.app.config["OUTREACH_UPLOAD_DIR"]).parent
    before_files, before_rows = _files(root), _photo_count()
    response = _post(usec, activity, [(io.BytesIO(content), name)])
    assert response.status_code == 422, name
    assert _photo_count() == before_rows
    assert _files(root) == before_files


@pytest.mark.parametrize(
    "name",
    [
        "../../x.jpg",
        "..\\..\\x.jpg",
        "/etc/passwd.jpg",
        "a.jpg.php",
        "shell.php",
        "a\x00.php.jpg",
        "ﬁle ☃.jpg",
        "x" * 400,
    ],
)
def test_hostile_names_never_reach_the_disk(usec: SecWorld, name: str) -> None:
    activity = usec.fresh_activity(OWN_UNIT)
    upload_dir = Path(usec.app.config["OUTREACH_UPLOAD_DIR"])
    root = upload_dir.parent
    before = _files(root)
    response = _post(usec, activity, [(io.BytesIO(jpeg()), name)])
    assert response.status_code in (302, 422), name
    new = _files(root) - before
    assert all(p.parent.is_relative_to(upload_dir) for p in new), new
    for photo in db.session.scalars(select(Photo).where(Photo.activity_id == activity)):
        assert STORED.match(photo.stored_name), photo.stored_name
        assert "/" not in photo.original_name
        assert "\\" not in photo.original_name
        assert "\x00" not in photo.original_name
        assert len(photo.original_name) <= 255
    assert not (root / "x.jpg").exists()
    assert not any(p.name == "x.jpg" for p in root.parent.iterdir())


def test_an_empty_file_part_stores_nothing(usec: SecWorld) -> None:
    # An empty part is what a browser sends for an untouched file input: it is skipped, not an error.
    activity = usec.fresh_activity(OWN_UNIT)
    root = Path(usec.app.config["OUTREACH_UPLOAD_DIR"]).parent
    before_files, before_rows = _files(root), _photo_count()
    assert _post(usec, activity, [(io.BytesIO(b""), "empty.jpg")]).status_code in (302, 422)
    assert _photo_count() == before_rows
    assert _files(root) == before_files


def test_html_after_a_real_jpeg_is_stripped_by_reencoding(usec: SecWorld) -> None:
    activity = usec.fresh_activity(OWN_UNIT)
    payload = jpeg() + b"<html><script>alert(1)</script></html>"
    response = _post(usec, activity, [(io.BytesIO(payload), "poly.jpg", "text/html")])
    assert response.status_code == 302
    photo = db.session.scalar(select(Photo).where(Photo.activity_id == activity))
    stored = Path(usec.app.config["OUTREACH_UPLOAD_DIR"]) / photo.stored_name
    assert b"<script" not in stored.read_bytes()
    served = usec.clients["staff"].get(f"/activities/{activity}/photos/{photo.id}")
    assert served.mimetype == "image/jpeg"  # the declared text/html was not trusted
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith(("inline", "attachment"))
    assert b"<script" not in served.data
    served.close()


def test_too_many_form_parts_is_413_not_500(usec: SecWorld) -> None:
    activity = usec.fresh_activity(OWN_UNIT)
    before = _photo_count()
    # Plain fields: with file parts Werkzeug leaves its spooled temp files to the garbage collector.
    fields = {f"caption-{i}": "x" for i in range(1100)}
    response = usec.clients["staff"].post(
        f"/activities/{activity}/photos", data=fields, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert _photo_count() == before


def test_nothing_executable_in_the_upload_folder(usec: SecWorld) -> None:
    upload_dir = Path(usec.app.config["OUTREACH_UPLOAD_DIR"])
    for path in upload_dir.rglob("*"):
        if path.is_file():
            assert path.suffix in (".jpg", ".png"), path
            assert not os.access(path, os.X_OK), path
