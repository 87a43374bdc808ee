"""Models and what the database itself enforces."""

from datetime import date
from typing import cast

import pytest
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from outreach.extensions import db
from outreach.models import Activity, ActivityKind, Base, Person, Unit, UnitLevel, Visit, normalize_rank
from tests import factories


def _fails(statement):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(statement)


def test_every_model_is_registered():
    names = set(Base.metadata.tables)
    for table in (
        "units",
        "people",
        "users",
        "programmes",
        "programme_targets",
        "locations",
        "activities",
        "visits",
        "visit_items",
        "activity_messages",
        "photos",
        "media_coverage",
        "audit_entries",
        "activity_kinds",
        "location_kinds",
        "item_kinds",
        "kamtibmas_messages",
        "api_tokens",
    ):
        assert table in names


def test_database_refuses_negative_counts_and_duplicate_visits(world):
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    db.session.flush()
    loc = world.locations["POLSEK-A1X"].id
    _fails(insert(Visit).values(activity_id=activity.id, location_id=loc, parcel_count=1))
    _fails(
        insert(Visit).values(
            activity_id=activity.id, location_id=world.locations["POLSEK-A1Y"].id, parcel_count=-1
        )
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            cast(Table, Activity.__table__).update().where(Activity.id == activity.id).values(parcel_count=-5)
        )


def test_unique_codes_and_foreign_keys(world):
    _fails(insert(ActivityKind).values(code="sambang", label_id="x", label_en="x"))
    _fails(insert(Unit).values(code="POLDA-A", name="dup", level="polda", path="/x/", depth=1))
    _fails(insert(Person).values(unit_id=999_999, rank="AKP", name="Nobody"))
    _fails(insert(Person).values(unit_id=world.u("POLDA-A").id, rank="AKP", name="Short NRP", nrp="123"))


def test_enum_stored_as_lowercase_value(world):
    unit = db.session.scalar(select(Unit).where(Unit.code == "POLDA-A"))
    raw = db.session.execute(select(Unit.__table__.c.level).where(Unit.id == unit.id)).scalar()
    assert unit.level is UnitLevel.POLDA
    assert str(raw).lower().endswith("polda")


def test_unit_paths_form_a_tree(world):
    polsek = world.u("POLSEK-A1X")
    assert polsek.path.startswith(world.u("POLRES-A1").path)
    assert polsek.path.startswith(world.u("POLDA-A").path)
    assert not polsek.path.startswith(world.u("POLRES-A2").path)


def test_rank_normalisation():
    assert normalize_rank("akp") == "AKP"
    assert normalize_rank("kombes pol") == "Kombes Pol"
    assert normalize_rank("Brigpol") == "Brigadir"
    assert normalize_rank("Kapten") is None


def test_timestamps_are_aware_utc(world):
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Activity, activity.id)
    assert again.created_at.tzinfo is not None
    assert again.occurred_on == date(2023, 11, 30)
