"""Issue 14, the phone-first form on the server side: catalogue items, people labels, positions with accuracy,
"Ulangi kegiatan", photos held across a refused save and deleting a photo until verification."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, Location, Person, Photo, VisitItem
from tests import factories
from tests.support.app import login
from tests.support.forms import base_form


def _jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 140, 60)).save(out, "JPEG")
    return out.getvalue()


def _post(client, data, url="/activities/new"):
    return client.post(url, data=data, content_type="multipart/form-data")


def test_items_typed_as_a_name_count_as_their_catalogue_kind(world, login_as):
    client = login_as("staff.a1x")
    data = base_form(
        world,
        **{
            "visits-0-items-0-name": "Beras 50 kg",
            "visits-0-items-0-quantity": "50",
            "visits-0-items-1-kind": "brosur",
            "visits-0-items-1-quantity": "100",
            "visits-0-items-2-name": "Sarung",
            "visits-0-items-2-quantity": "10",
        },
    )
    response = _post(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    items = db.session.scalars(select(VisitItem).order_by(VisitItem.id)).all()
    assert [(i.item_kind.code, i.name, i.measure) for i in items] == [
        ("beras", "Beras 50 kg", "kg"),
        ("brosur", "Brosur / selebaran", "lembar"),  # a catalogue pick needs no typed name
        ("lainnya", "Sarung", ""),
    ]


def test_measure_is_not_called_satuan_and_people_show_nrp_and_unit(world, login_as):
    unit = world.u("POLSEK-A1X")
    for nrp in ("87010001", "87010002"):
        db.session.add(Person(unit_id=unit.id, rank="Bripka", name="Agus Riyanto", nrp=nrp))
    db.session.commit()
    html = login_as("staff.a1x").get("/activities/new").get_data(as_text=True)
    assert "Takaran (kg, lembar …)" in html
    assert html.count(">Satuan <") + html.count(">Satuan<") <= 1  # the police unit only
    assert f"Bripka Agus Riyanto · NRP 87010001 · {unit.name}" in html
    assert f"Bripka Agus Riyanto · NRP 87010002 · {unit.name}" in html
    assert '<option selected value="POLSEK-A1X">' in html  # the user's own unit


def test_new_place_keeps_its_position_and_accuracy(world, login_as):
    client = login_as("staff.a1x")
    data = base_form(
        world,
        **{
            "visits-0-location_id": "",
            "visits-0-new_name": "Musala Al Ikhlas Uji",
            "visits-0-new_kind": "masjid",
            "visits-0-new_latitude": "-6.9701",
            "visits-0-new_longitude": "111.4189",
            "visits-0-new_accuracy": "12.4",
        },
    )
    response = _post(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    place = db.session.scalar(select(Location).where(Location.name == "Musala Al Ikhlas Uji"))
    assert (place.latitude, place.longitude, place.position_accuracy_m) == (-6.9701, 111.4189, 12.4)


def test_a_bad_latitude_is_a_field_error(world, login_as):
    data = base_form(
        world, **{"visits-0-location_id": "", "visits-0-new_name": "X", "visits-0-new_latitude": "91"}
    )
    response = _post(login_as("staff.a1x"), data)
    assert response.status_code == 422
    assert 'id="visits-0-new_latitude-errors"' in response.get_data(as_text=True)


def test_repeat_starts_from_an_earlier_activity_within_scope(world, login_as):
    staff = world.users["staff.a1x"]
    earlier = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]],
        kind="sambang", title="Sambang mingguan", message_ids=[], messages=["Jaga kerukunan"],
    )  # fmt: skip
    other = factories.make_activity(
        world.users["staff.b1"], world.programme, world.u("POLRES-B1"), [world.locations["POLSEK-B1X"]]
    )
    db.session.commit()
    client = login_as("staff.a1x")
    response = client.get(f"/activities/new?from={earlier.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="repeated-from"' in html
    assert 'value="Sambang mingguan"' in html
    assert "Jaga kerukunan" in html
    assert f'<option selected value="{world.locations["POLSEK-A1X"].id}"' in html
    assert 'name="visits-0-parcels" type="number" value="0"' in html  # the day's figures start empty
    assert client.get(f"/activities/new?from={other.id}").status_code == 404
    assert f"/activities/new?from={earlier.id}" in client.get(f"/activities/{earlier.id}").get_data(
        as_text=True
    )


def test_a_photo_survives_a_refused_save_with_its_caption(world, login_as, app):
    client = login_as("staff.a1x")
    data = base_form(world, kind="")
    data["photos"] = [(io.BytesIO(_jpeg()), "baksos.jpg")]
    data["photo_caption"] = "Penyerahan paket sembako"
    refused = _post(client, data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'data-testid="pending-photos"' in html
    token = html.split('name="pending_photo" value="', 1)[1].split('"', 1)[0]
    assert 'value="Penyerahan paket sembako"' in html
    thumb = client.get(f"/activities/photos/pending/{token}")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    thumb.close()
    stranger = app.test_client()
    login(stranger, "staff.a1y")
    assert stranger.get(f"/activities/photos/pending/{token}").status_code == 404  # only its uploader's
    saved = _post(client, base_form(world, pending_photo=token, pending_caption="Penyerahan paket sembako"))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    photo = db.session.scalar(select(Photo))
    assert (photo.original_name, photo.caption) == ("baksos.jpg", "Penyerahan paket sembako")
    assert not any((Path(app.config["OUTREACH_UPLOAD_DIR"]) / "pending").iterdir())


def test_a_photo_can_be_deleted_until_verified(world, login_as, app):
    client = login_as("staff.a1x")
    data = base_form(world)
    data["photos"] = [(io.BytesIO(_jpeg()), "a.jpg"), (io.BytesIO(_jpeg()), "b.jpg")]
    assert _post(client, data).status_code == 302
    activity = db.session.scalar(select(Activity))
    first, second = activity.photos
    response = client.post(f"/activities/{activity.id}/photos/{first.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
    assert not (Path(app.config["OUTREACH_UPLOAD_DIR"]) / first.stored_name).exists()
    assert client.post(f"/activities/{activity.id}/submit").status_code == 302
    boss = app.test_client()
    login(boss, "commander.a1x")
    assert boss.post(f"/activities/{activity.id}/verify").status_code == 302
    db.session.expire_all()
    assert activity.status is ActivityStatus.VERIFIED
    client.post(f"/activities/{activity.id}/photos/{second.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1


def test_the_programme_period_message_writes_indonesian_dates(world, login_as):
    response = _post(login_as("staff.a1x"), base_form(world, occurred_on="2019-01-01"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    start, end = world.programme.start_on, world.programme.end_on
    assert start.isoformat() not in html
    assert f"{start.day} " in html and f" {end.year})" in html


def test_units_are_listed_as_a_tree_with_siblings_by_name():
    from types import SimpleNamespace as Unit

    from outreach.activities.forms import tree_order

    polres = Unit(id=4, path="/1/4/", name="Polres Blora")
    units = [
        polres,
        Unit(id=10, path="/1/4/10/", name="Polsek Japah"),
        Unit(id=9, path="/1/4/9/", name="Sat Binmas Polres Blora"),
        Unit(id=30, path="/1/4/30/", name="Polsek Banjarejo"),
        Unit(id=31, path="/1/4/10/31/", name="Pos Japah"),
    ]
    assert [u.name for u in tree_order(units)] == [
        "Polres Blora", "Polsek Banjarejo", "Polsek Japah", "Pos Japah", "Sat Binmas Polres Blora",
    ]  # fmt: skip
