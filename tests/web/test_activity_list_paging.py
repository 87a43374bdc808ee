"""The activity lists page with a capped count: "1–25 of 2.500", "more than 10.000", and a pager without a count."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from outreach.extensions import db
from outreach.services import activities as svc
from outreach.services.activity_list import ActivityPage
from tests import factories


@pytest.fixture
def seven(world, app):
    """Seven activities of POLSEK-A1X, newest last made; lists show three a page."""
    app.config["OUTREACH_PAGE_SIZE"] = 3
    staff = world.users["staff.a1x"]
    unit, loc = world.u("POLSEK-A1X"), world.locations["POLSEK-A1X"]
    made = [
        factories.make_activity(
            staff, world.programme, unit, [loc], occurred_on=date(2023, 12, 1) + timedelta(d)
        )
        for d in range(7)
    ]
    db.session.commit()
    return made[::-1]  # the list's order: newest first


def total_text(html: str) -> str:
    found = re.search(r'data-testid="total">(.*?)</span>', html, re.S)
    assert found, "no total on the page"
    return " ".join(found.group(1).split())


def pager(html: str) -> str:
    found = re.search(r'<nav aria-label="[^"]*" data-testid="pagination">(.*?)</nav>', html, re.S)
    return found.group(1) if found else ""


def linked_pages(html: str) -> list[int]:
    """The page numbers the pager links to (previous and next included), in order."""
    return [int(n) for n in re.findall(r'href="[^"]*[?&]page=(\d+)[^"]*"', pager(html))]


def shown(html: str, activities) -> list[int]:
    return [i for i, a in enumerate(activities) if f'href="/activities/{a.id}"' in html]


def test_exact_total_under_the_cap_with_numbered_pages(world, login_as, seven):
    client = login_as("commander.a1")
    first = client.get("/activities/").get_data(as_text=True)
    assert total_text(first) == "1–3 dari 7 kegiatan"
    assert shown(first, seven) == [0, 1, 2]
    assert 'rel="prev"' not in first
    assert re.search(r'href="/activities/\?page=2" rel="next"', first)
    assert linked_pages(first) == [2, 3, 2]  # the numbered pages 2 and 3 (the last: the total is exact), next
    assert '<li class="page-item active" aria-current="page"><span class="page-link">1</span>' in first

    middle = client.get("/activities/?page=2").get_data(as_text=True)
    assert total_text(middle) == "4–6 dari 7 kegiatan"
    assert shown(middle, seven) == [3, 4, 5]
    assert linked_pages(middle) == [1, 1, 3, 3]  # previous, first, last, next

    last = client.get("/activities/?page=3").get_data(as_text=True)
    assert total_text(last) == "7–7 dari 7 kegiatan"
    assert shown(last, seven) == [6]
    assert 'rel="next"' not in last
    assert linked_pages(last) == [2, 1, 2]


def test_one_page_says_just_how_many(world, login_as, seven, app):
    app.config["OUTREACH_PAGE_SIZE"] = 25
    html = login_as("commander.a1").get("/activities/").get_data(as_text=True)
    assert total_text(html) == "7 kegiatan"
    assert pager(html) == ""


def test_capped_total_above_the_cap(world, login_as, seven, app):
    app.config["OUTREACH_LIST_COUNT_CAP"] = 4
    client = login_as("commander.a1")
    first = client.get("/activities/").get_data(as_text=True)
    assert total_text(first) == "1–3 dari lebih dari 4 kegiatan"
    assert shown(first, seven) == [0, 1, 2]
    assert linked_pages(first) == [2, 2]  # page 2 is known to exist; the last page is not known, so no link
    assert "page=3" not in first

    deep = client.get("/activities/?page=2").get_data(as_text=True)
    assert total_text(deep) == "4–6 dari lebih dari 4 kegiatan"
    assert linked_pages(deep) == [
        1,
        1,
        3,
        3,
    ]  # previous, first, the next page (known from the extra row), next

    last = client.get("/activities/?page=3").get_data(as_text=True)  # the last page: its total is known
    assert total_text(last) == "7–7 dari 7 kegiatan"


def test_filters_are_counted_and_kept_in_the_links(world, login_as, seven):
    svc.submit_activity(world.users["staff.a1x"], seven[0])
    svc.submit_activity(world.users["staff.a1x"], seven[5])
    db.session.commit()
    client = login_as("commander.a1")
    html = client.get("/activities/?status=draft&unit=POLSEK-A1X").get_data(as_text=True)
    assert total_text(html) == "1–3 dari 5 kegiatan"
    next_href = re.search(r'href="([^"]*)" rel="next"', html).group(1)
    assert "status=draft" in next_href
    assert "unit=POLSEK-A1X" in next_href
    assert "page=2" in next_href
    waiting = client.get("/activities/waiting").get_data(as_text=True)
    assert total_text(waiting) == "2 kegiatan"


def test_page_past_the_end_is_empty_with_a_way_back(world, login_as, seven, app):
    client = login_as("commander.a1")
    response = client.get("/activities/?page=9&kind=bakti_sosial")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="past-end"' in html
    assert 'data-testid="activity-table"' not in html
    assert total_text(html) == "7 kegiatan"
    back = re.search(r'href="([^"]*)" rel="last"', html).group(1)
    assert "page=3" in back
    assert "kind=bakti_sosial" in back

    app.config["OUTREACH_LIST_COUNT_CAP"] = 4
    capped = client.get("/activities/?page=9").get_data(as_text=True)
    assert total_text(capped) == "Lebih dari 4 kegiatan"
    assert re.search(r'href="/activities/\?page=1" rel="first"', capped)

    nothing = client.get("/activities/?page=2&from=2030-01-01").get_data(as_text=True)
    assert 'data-testid="empty"' in nothing  # no rows at all: the plain empty state
    assert 'data-testid="past-end"' not in nothing


@pytest.mark.parametrize("page", ["0", "-3", "x", ""])
def test_odd_page_numbers_show_the_first_page(world, login_as, seven, page):
    html = login_as("commander.a1").get(f"/activities/?page={page}").get_data(as_text=True)
    assert total_text(html) == "1–3 dari 7 kegiatan"


def _fake_page(monkeypatch, activity, *, page, total, exact, has_next=True):
    def fake(user, filters, page=page, per_page=25, count_cap=10_000):
        return ActivityPage(
            items=[activity] * 25, page=page, per_page=25, total=total, total_exact=exact, has_next=has_next
        )

    monkeypatch.setattr("outreach.activities.views.page_activities", fake)


def test_large_totals_use_the_locales_separators(world, login_as, seven, monkeypatch):
    """At scale (rendering only): "26–50 dari 2.500", "lebih dari 10.000", and the pager's numbers formatted."""
    client = login_as("commander.a1")
    _fake_page(monkeypatch, seven[0], page=2, total=2_500, exact=True)
    html = client.get("/activities/?page=2").get_data(as_text=True)
    assert total_text(html) == "26–50 dari 2.500 kegiatan"
    assert re.search(r'href="/activities/\?page=100">100<', html)  # the last page

    _fake_page(monkeypatch, seven[0], page=1_000, total=10_000, exact=False)
    html = client.get("/activities/?page=1000").get_data(as_text=True)
    assert total_text(html) == "24.976–25.000 dari lebih dari 10.000 kegiatan"
    assert '<span class="page-link">1.000</span>' in html
    assert re.search(r'href="/activities/\?page=1001">1.001<', html)
    assert 'page=400"' not in html  # no last page when the total is capped

    client.post("/language", data={"lang": "en", "next": "/activities/"})
    english = client.get("/activities/?page=1000").get_data(as_text=True)
    assert total_text(english) == "24,976–25,000 of more than 10,000 activities"


def test_mine_and_waiting_lists_page_the_same_way(world, login_as, seven):
    for activity in seven[:4]:
        svc.submit_activity(world.users["staff.a1x"], activity)
    db.session.commit()
    commander = login_as("commander.a1")
    waiting = commander.get("/activities/waiting").get_data(as_text=True)
    assert total_text(waiting) == "1–3 dari 4 kegiatan"
    assert re.search(r'href="/activities/waiting\?page=2" rel="next"', waiting)
    commander.post("/logout")
    mine = login_as("staff.a1x").get("/activities/mine?page=2").get_data(as_text=True)
    assert 'data-testid="past-end"' in mine  # the three drafts left fit on page 1
    assert total_text(mine) == "3 kegiatan"
