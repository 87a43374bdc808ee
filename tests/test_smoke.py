from outreach.extensions import db
from outreach.services.activity_list import ActivityFilter, list_activities_query
from tests import factories
from tests.conftest import login


def test_staff_creates_activity_and_kasat_sees_it(client, world):
    staff = world.users["staff.a1"]
    activity = factories.make_activity(
        staff,
        world.programme,
        world.u("POLSEK-A1X"),
        [world.locations["POLSEK-A1X"], world.locations["POLSEK-A1Y"]],
    )
    db.session.commit()
    assert activity.parcel_count == 20
    assert login(client, "commander.a1").status_code == 302
    page = client.get(f"/activities/{activity.id}")
    assert page.status_code == 200
    assert "Kamis, 30 November 2023" in page.get_data(as_text=True)
    other = client.get("/activities/")
    assert other.status_code == 200


def test_sibling_polsek_cannot_see(client, world):
    activity = factories.make_activity(
        world.users["staff.a1x"], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    db.session.commit()
    login(client, "staff.a1y")
    assert client.get(f"/activities/{activity.id}").status_code == 404
    # The list is scoped too: the rules' query leaves the sibling's activity out, the owner's includes it.
    other = db.session.scalars(list_activities_query(world.users["staff.a1y"], ActivityFilter()))
    assert activity not in other.all()
    own = db.session.scalars(list_activities_query(world.users["staff.a1x"], ActivityFilter()))
    assert activity in own.all()
    assert f"/activities/{activity.id}" not in client.get("/activities/").get_data(as_text=True)
