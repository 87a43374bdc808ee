"""services.activity_list.page_activities: LIMIT/OFFSET pages with a total counted only up to a cap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from outreach.extensions import db
from outreach.models import Role, UnitLevel
from outreach.services.activity_list import MAX_PAGE, ActivityFilter, ActivityPage, page_activities
from outreach.services.scope import is_whole_tree
from tests import factories


@pytest.fixture
def seven(world):
    """Seven activities of POLSEK-A1X on consecutive days, two of them on the same day (the id breaks the tie)."""
    staff = world.users["staff.a1x"]
    unit, loc = world.u("POLSEK-A1X"), world.locations["POLSEK-A1X"]
    days = [date(2023, 12, 1) + timedelta(days=d) for d in (0, 1, 2, 3, 4, 5, 5)]
    made = [factories.make_activity(staff, world.programme, unit, [loc], occurred_on=day) for day in days]
    db.session.commit()
    return sorted(made, key=lambda a: (a.occurred_on, a.id), reverse=True)


def _ids(page):
    return [a.id for a in page.items]


def test_exact_total_under_the_cap(world, seven):
    user = world.users["commander.a1"]
    page = page_activities(user, ActivityFilter(), page=2, per_page=3)
    assert _ids(page) == [a.id for a in seven[3:6]]
    assert (page.total, page.total_exact, page.pages) == (7, True, 3)
    assert (page.has_prev, page.prev_num, page.has_next, page.next_num) == (True, 1, True, 3)
    assert (page.first, page.last) == (4, 6)
    assert page.numbers() == [1, 2, 3]


def test_last_page_knows_its_total_without_counting(world, seven):
    user = world.users["commander.a1"]
    page = page_activities(user, ActivityFilter(), page=3, per_page=3, count_cap=2)
    assert _ids(page) == [seven[6].id]
    assert (page.total, page.total_exact, page.has_next) == (7, True, False)
    assert (page.first, page.last) == (7, 7)


def test_capped_total_above_the_cap(world, seven):
    user = world.users["commander.a1"]
    page = page_activities(user, ActivityFilter(), page=1, per_page=2, count_cap=3)
    assert _ids(page) == [a.id for a in seven[:2]]
    assert (page.total, page.total_exact, page.pages) == (3, False, None)
    assert page.has_next
    assert page.numbers() == [1, 2]  # more than 3 rows: two full pages are known to exist, no last page
    exactly = page_activities(user, ActivityFilter(), page=1, per_page=2, count_cap=7)
    assert (exactly.total, exactly.total_exact) == (7, True)


def test_past_the_cap_needs_no_count(world, seven):
    user = world.users["commander.a1"]
    page = page_activities(user, ActivityFilter(), page=2, per_page=2, count_cap=3)
    assert _ids(page) == [a.id for a in seven[2:4]]
    assert (page.total, page.total_exact, page.has_next) == (3, False, True)
    assert page.numbers() == [1, 2, 3]


def test_page_past_the_end_is_empty_and_says_where_the_list_ends(world, seven):
    user = world.users["commander.a1"]
    page = page_activities(user, ActivityFilter(), page=9, per_page=3)
    assert page.items == []
    assert (page.total, page.total_exact, page.pages, page.has_next) == (7, True, 3, False)
    assert (page.first, page.last) == (0, 0)
    capped = page_activities(user, ActivityFilter(), page=9, per_page=3, count_cap=5)
    assert (capped.items, capped.total, capped.total_exact) == ([], 5, False)


def test_page_numbers_below_one_or_absurd_are_clamped(world, seven):
    user = world.users["commander.a1"]
    assert page_activities(user, ActivityFilter(), page=0, per_page=3).page == 1
    far = page_activities(user, ActivityFilter(), page=10**30, per_page=3)
    assert (far.page, far.items, far.total) == (MAX_PAGE, [], 7)


def test_filters_and_scope_are_those_of_the_list_query(world, seven):
    staff_b = world.users["staff.b1"]
    other = factories.make_activity(
        staff_b, world.programme, world.u("POLRES-B1"), [world.locations["POLSEK-B1X"]]
    )
    db.session.commit()
    admin = page_activities(world.users["admin"], ActivityFilter(), page=1, per_page=50)
    assert (admin.total, admin.total_exact) == (8, True)
    assert other.id in _ids(admin)
    a1 = page_activities(world.users["commander.a1"], ActivityFilter(), page=1, per_page=50)
    assert other.id not in _ids(a1)
    dated = ActivityFilter(date_from=date(2023, 12, 6))
    assert page_activities(world.users["commander.a1"], dated, page=1, per_page=50).total == 2
    assert page_activities(world.users["admin"], ActivityFilter(unit_code="POLRES-B1"), 1, 50).total == 1
    empty = page_activities(world.users["commander.a1"], ActivityFilter(unit_code="POLRES-B1"), 1, 50)
    assert (empty.items, empty.total, empty.total_exact, empty.numbers()) == ([], 0, True, [])


def test_whole_tree_is_the_one_root(world):
    assert is_whole_tree(world.u("MABES"))
    assert not is_whole_tree(world.u("POLDA-A"))
    second = factories.make_unit("MABES-2", UnitLevel.MABES)
    assert not is_whole_tree(world.u("MABES"))
    assert not is_whole_tree(second)


def test_admin_of_a_second_root_still_sees_only_the_first_tree(world, seven):
    """With the unit filter left out for the whole tree, a second root must not leak into the first one's lists."""
    root2 = factories.make_unit("MABES-2", UnitLevel.MABES)
    unit2 = factories.make_unit("POLSEK-Z", UnitLevel.POLSEK, root2)
    staff2 = factories.make_user("staff.z", Role.STAFF, unit2)
    loc2 = factories.make_location("Ponpes Z", unit=unit2)
    theirs = factories.make_activity(staff2, world.programme, unit2, [loc2])
    db.session.commit()
    page = page_activities(world.users["admin"], ActivityFilter(), page=1, per_page=50)
    assert theirs.id not in _ids(page)
    assert page.total == 7


@pytest.mark.parametrize(
    ("page_no", "total", "exact", "has_next", "expected"),
    [
        (8, 30, True, True, [1, None, 6, 7, 8, 9, 10, None, 15]),
        (1, 30, True, True, [1, 2, 3, None, 15]),
        (15, 30, True, False, [1, None, 13, 14, 15]),
        (3, 5, False, True, [1, 2, 3, 4]),  # more than 5 (per_page 2): pages 1–3 exist, and 4 (next)
        (40, 5, False, True, [1, None, 38, 39, 40, 41]),
        (20, 30, True, False, [1, None, 15]),  # past the end: the way back
    ],
)
def test_page_numbers(page_no, total, exact, has_next, expected):
    page = ActivityPage(items=[], page=page_no, per_page=2, total=total, total_exact=exact, has_next=has_next)
    assert page.numbers() == expected
