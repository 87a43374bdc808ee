"""Photo captions (issue 16): editable on the activity page while the activity can be edited; audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import ActivityStatus, AuditEntry, Photo
from outreach.services import activities as svc
from tests import factories
from tests.conftest import login


def _activity_with_photos(world: factories.World, n: int = 2) -> Any:
    staff = world.users["staff.a1"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    for i in range(n):
        activity.photos.append(
            Photo(
                stored_name=f"x{i}.jpg",
                original_name=f"x{i}.jpg",
                content_type="image/jpeg",
                width=10,
                height=10,
                size_bytes=10,
                created_by_id=staff.id,
            )
        )
    db.session.commit()
    return activity


def test_staff_sets_captions_while_editable(world: factories.World, client: Any) -> None:
    activity = _activity_with_photos(world)
    first, second = activity.photos
    assert login(client, "staff.a1").status_code == 302
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert f'name="caption-{first.id}"' in page
    response = client.post(
        f"/activities/{activity.id}/photos/captions",
        data={f"caption-{first.id}": "  Penyerahan   paket sembako ", f"caption-{second.id}": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Photo, first.id).caption == "Penyerahan paket sembako"  # type: ignore[union-attr]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "photo_captions"))
    assert entry is not None

    too_long = client.post(
        f"/activities/{activity.id}/photos/captions", data={f"caption-{first.id}": "x" * 301}
    )
    assert too_long.status_code == 422


def test_captions_frozen_once_verified(world: factories.World, client: Any) -> None:
    activity = _activity_with_photos(world, 1)
    svc.submit_activity(world.users["staff.a1"], activity)
    svc.verify_activity(world.users["commander.a1"], activity)
    db.session.commit()
    assert activity.status is ActivityStatus.VERIFIED
    assert login(client, "staff.a1").status_code == 302
    assert 'data-testid="caption-form"' not in client.get(f"/activities/{activity.id}").get_data(as_text=True)
    response = client.post(
        f"/activities/{activity.id}/photos/captions", data={f"caption-{activity.photos[0].id}": "late"}
    )
    assert response.status_code == 409
