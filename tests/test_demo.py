"""The demo data: the seed story, idempotent and deterministic loading."""

from datetime import date

from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Location, Unit, User
from outreach.services.demo import load_demo
from tests.conftest import login

DEMO_PW = "demo-outreach"


def _fingerprint():
    return db.session.execute(
        select(
            func.count(Activity.id),
            func.sum(Activity.parcel_count),
            func.sum(Activity.visit_count),
            func.min(Activity.occurred_on),
            func.max(Activity.occurred_on),
        )
    ).one()


def test_demo_load_is_idempotent_and_has_the_seed_story(app, client):
    first = load_demo(DEMO_PW)
    db.session.commit()
    assert first.created and first.activities > 300
    before = _fingerprint()
    again = load_demo(DEMO_PW)
    db.session.commit()
    assert not again.created
    assert _fingerprint() == before

    units = set(db.session.scalars(select(Unit.code)))
    assert {"POLDA-JATENG", "POLRES-BLORA", "SATBINMAS-BLORA", "POLSEK-CEPU", "POLSEK-TUNJUNGAN"} <= units
    assert {"admin", "staf.blora", "kasat.blora", "humas.blora"} <= set(
        db.session.scalars(select(User.username))
    )

    seed = db.session.scalar(
        select(Activity).where(Activity.occurred_on == date(2023, 11, 30), Activity.parcel_count == 50)
    )
    assert seed is not None and seed.visit_count == 5
    assert seed.leader_display == "AKP Lilik Widiastuti, S.H."
    names = [v.location.name for v in seed.visits]
    assert "Ponpes Al Alif Tunjungan" in names
    assert any(v.contact_name == "KH. Nasir" for v in seed.visits)
    assert seed.coverage[0].outlet == "INFODESANEWS"
    kinds = set(db.session.scalars(select(Activity.kind_id).distinct()))
    assert len(kinds) >= 5
    assert (
        db.session.scalar(select(func.count()).where(Activity.parcel_count == 0)) > 50
    )  # not all hand out parcels

    assert login(client, "kasat.blora", DEMO_PW).status_code == 302
    page = client.get(f"/activities/{seed.id}").get_data(as_text=True)
    assert "Ponpes Al Alif Tunjungan" in page and "Kamis, 30 November 2023" in page
    assert 'data-testid="total-parcels">50<' in page
    assert 'data-testid="total-locations">5<' in page


def test_demo_is_deterministic(app):
    load_demo(DEMO_PW)
    db.session.commit()
    rows = db.session.execute(
        select(Activity.occurred_on, Activity.parcel_count, Activity.visit_count, Activity.status).order_by(
            Activity.id
        )
    ).all()
    locations = db.session.scalars(select(Location.name).order_by(Location.id)).all()
    # A second database loaded from scratch gives the same rows.
    from outreach.models import Base

    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()
    from outreach.services.catalogues import seed_catalogues

    seed_catalogues()
    load_demo(DEMO_PW)
    db.session.commit()
    again = db.session.execute(
        select(Activity.occurred_on, Activity.parcel_count, Activity.visit_count, Activity.status).order_by(
            Activity.id
        )
    ).all()
    assert again == rows
    assert db.session.scalars(select(Location.name).order_by(Location.id)).all() == locations
