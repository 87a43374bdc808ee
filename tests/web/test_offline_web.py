"""Issue 14 on the server side of the web app: the manifest, the service worker, the outbox's session check
and JSON answers, the form's client_id (create-or-return), the edit's version, the purge at logout."""

from __future__ import annotations

import io
import uuid

from PIL import Image
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Photo
from tests.support.forms import base_form

OUTBOX = {"X-Outreach-Outbox": "1", "Accept": "application/json"}


def _count() -> int:
    return int(db.session.scalar(select(func.count(Activity.id))) or 0)


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def test_manifest_names_the_app_its_icons_and_the_form(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    body = response.get_json()
    assert body["name"] == "Outreach"
    assert body["start_url"] == "/activities/new"
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200
            assert image.mimetype == "image/png"


def test_service_worker_is_served_at_the_root_with_workbox_from_our_static_files(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    script = response.get_data(as_text=True)
    assert "/static/vendor/workbox/workbox-sw.js" in script
    assert "googleapis" not in script  # never the CDN
    assert "/activities/new" in script
    with client.get("/static/vendor/workbox/workbox-routing.prod.js") as module:
        assert module.status_code == 200


def test_pages_link_the_manifest_and_the_outbox(world, login_as):
    client = login_as("staff.a1x")
    html = client.get("/activities/new").get_data(as_text=True)
    assert 'rel="manifest"' in html
    assert "data-outbox-panel" in html
    assert 'name="client_id"' in html
    assert "vendor/idb/umd.js" in html
    assert 'data-text-waiting="Menunggu dikirim"' in html


def test_outbox_session_gives_the_user_and_a_fresh_token(world, login_as):
    client = login_as("staff.a1x")
    body = client.get("/offline/session").get_json()
    assert body["user_id"] == world.users["staff.a1x"].id
    assert body["csrf_token"]


def test_the_form_creates_or_returns_by_client_id_and_stores_the_photo_once(world, login_as):
    client = login_as("staff.a1x")
    client_id = str(uuid.uuid4())

    def send():
        data = base_form(world, client_id=client_id, nonce="")
        data["photos"] = (_jpeg(), "foto.jpg")
        return client.post("/activities/new", data=data, headers=OUTBOX, content_type="multipart/form-data")

    first = send()
    assert first.status_code == 201, first.get_data(as_text=True)
    again = send()
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["created"] is False
    assert first.get_json()["url"].endswith(f"/activities/{first.get_json()['id']}")
    assert _count() == 1
    assert db.session.scalar(select(func.count(Photo.id))) == 1
    # without the outbox header a resend is a redirect to the activity, like the nonce's
    plain = client.post("/activities/new", data=base_form(world, client_id=client_id, nonce=""))
    assert plain.status_code == 302
    assert plain.headers["Location"].endswith(f"/activities/{first.get_json()['id']}")
    assert _count() == 1


def test_the_outbox_gets_the_refusal_with_its_reason(world, login_as):
    client = login_as("staff.a1x")
    client_id = str(uuid.uuid4())
    assert (
        client.post("/activities/new", data=base_form(world, client_id=client_id), headers=OUTBOX).status_code
        == 201
    )
    other = client.post(
        "/activities/new", data=base_form(world, client_id=client_id, title="Lain"), headers=OUTBOX
    )
    assert other.status_code == 409
    assert "client_id" in other.get_json()["fields"]
    assert other.get_json()["message"]
    invalid = client.post(
        "/activities/new", data=base_form(world, client_id=str(uuid.uuid4()), leader_name=""), headers=OUTBOX
    )
    assert invalid.status_code == 422
    assert invalid.get_json()["message"]
    assert _count() == 1


def test_a_stale_edit_is_refused_and_overwrites_nothing(world, login_as):
    client = login_as("staff.a1x")
    created = client.post("/activities/new", data=base_form(world), headers=OUTBOX).get_json()
    aid = created["id"]
    html = client.get(f"/activities/{aid}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in html
    ok = client.post(f"/activities/{aid}/edit", data=base_form(world, title="Pertama", version="1"))
    assert ok.status_code == 302
    stale = client.post(f"/activities/{aid}/edit", data=base_form(world, title="Kedua", version="1"))
    assert stale.status_code == 409
    assert "baru saja diubah oleh orang lain" in stale.get_data(as_text=True)
    assert db.session.get(Activity, aid).title == "Pertama"


def test_logout_clears_the_phones_outbox_and_caches(world, login_as):
    client = login_as("staff.a1x")
    response = client.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"storage"'
    page = client.get("/login").get_data(as_text=True)
    assert "data-purge" in page
    assert "data-purge" not in client.get("/login").get_data(as_text=True)  # once


def test_a_changed_form_sent_again_gets_a_fresh_id_and_a_plain_message(world, login_as):
    client = login_as("staff.a1x")
    client_id = str(uuid.uuid4())
    assert client.post("/activities/new", data=base_form(world, client_id=client_id)).status_code == 302
    again = client.post("/activities/new", data=base_form(world, client_id=client_id, title="Lain"))
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert "Simpan lagi untuk mencatatnya sebagai kegiatan baru" in html
    assert f'value="{client_id}"' not in html  # the page's JavaScript makes a new one
    assert _count() == 1
