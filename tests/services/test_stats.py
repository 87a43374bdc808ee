"""services.stats against hand-computed fixtures.

The data (built by :func:`build_stats_data` on top of the shared world, programme 19 Oct 2023 – 20 Oct 2024):

=====  ==========  ==========  =========  ==========================  =====  ======  ============
name   unit        date        status     visits (place: parcels/ben.)  kind   msgs    note
=====  ==========  ==========  =========  ==========================  =====  ======  ============
a1     POLSEK-A1X  2023-11-30  verified   locX 10/20, locX2 5/30      bakti  m1, m2
a2     POLSEK-A1X  2023-12-05  submitted  locX 0/40                   peny.  m1      zero parcels
a3     POLRES-A1   2023-12-20  verified   locR 0/100 (+150 brosur)    sosi.  –       zero parcels
a4     POLSEK-A1Y  2024-01-10  verified   locY 20/10                  bakti  –
draft  POLSEK-A1Y  2024-01-12  draft      gereja 99/99                bakti  –       not counted
gone   POLSEK-A1X  2024-01-15  deleted    locX 7/7                    bakti  –       not counted
a2x    POLRES-A2   2023-12-01  verified   locA2 1000/500              bakti  –       sibling
=====  ==========  ==========  =========  ==========================  =====  ======  ============

Commander A1 (POLRES-A1, submitted + verified): activities 4, verified 3, visits 5, distinct locations 4
(locX is visited twice), parcels 35, beneficiaries 200, messages 3.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from outreach.extensions import db
from outreach.models import ActivityStatus
from outreach.services import activities as svc
from outreach.services import stats
from outreach.services.errors import Invalid, NotFound
from outreach.services.schema.activity import PersonInput
from tests import factories
from tests.support.stats import StatsData, build_stats_data

TODAY = date(2024, 4, 19)  # day 184 of the 368-day programme: exactly half-way


@pytest.fixture
def data(world: factories.World) -> StatsData:
    return build_stats_data(world)


def _filters(data: StatsData, **kw: object) -> stats.StatsFilter:
    assert data.world.programme is not None
    return stats.StatsFilter(programme_id=data.world.programme.id, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ totals


def test_totals_for_a_polres_commander(data: StatsData) -> None:
    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    assert summary.totals == stats.Totals(
        activities=4, verified_activities=3, visits=5, locations=4, parcels=35, beneficiaries=200, messages=3
    )
    assert summary.unit.code == "POLRES-A1"
    assert summary.unit.parent_code == "POLDA-A"
    assert [(i.code, i.quantity) for i in summary.items] == [("brosur", 150)]


def test_including_drafts_on_request(data: StatsData) -> None:
    filters = _filters(data, statuses=[ActivityStatus.DRAFT])
    summary = stats.summarize(data.world.users["commander.a1"], filters, today=TODAY)
    assert (summary.totals.activities, summary.totals.parcels) == (1, 99)


def test_pr_sees_only_verified(data: StatsData) -> None:
    filters = _filters(data, statuses=[ActivityStatus.SUBMITTED, ActivityStatus.DRAFT])
    summary = stats.summarize(data.world.users["pr.a1"], filters, today=TODAY)
    assert summary.statuses == (ActivityStatus.VERIFIED,)
    assert summary.totals == stats.Totals(
        activities=3, verified_activities=3, visits=4, locations=4, parcels=35, beneficiaries=160, messages=2
    )


def test_period_filter(data: StatsData) -> None:
    filters = _filters(data, date_from=date(2023, 12, 1), date_to=date(2023, 12, 31))
    summary = stats.summarize(data.world.users["commander.a1"], filters, today=TODAY)
    assert (summary.totals.activities, summary.totals.visits, summary.totals.locations) == (2, 2, 2)
    assert summary.as_of == date(2023, 12, 31)


# ------------------------------------------------------------------------------------------ breakdowns


def test_by_unit_rolls_children_up(data: StatsData) -> None:
    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    rows = {r.code: r for r in summary.by_unit}
    assert list(rows) == ["POLRES-A1", "POLSEK-A1X", "POLSEK-A1Y"]
    own, x, y = rows["POLRES-A1"], rows["POLSEK-A1X"], rows["POLSEK-A1Y"]
    assert own.is_self
    assert not x.is_self
    assert (own.activities, own.visits, own.locations, own.parcels, own.beneficiaries) == (1, 1, 1, 0, 100)
    assert (x.activities, x.visits, x.locations, x.parcels, x.beneficiaries) == (2, 3, 2, 15, 90)
    assert (y.activities, y.visits, y.locations, y.parcels, y.beneficiaries) == (1, 1, 1, 20, 10)
    assert x.last_activity_on == date(2023, 12, 5)
    assert y.last_activity_on == date(2024, 1, 10)


def test_by_unit_three_levels(data: StatsData) -> None:
    """From Polda A the rows are its Polres, each rolled up over its Polsek."""
    admin = data.world.users["admin"]
    summary = stats.summarize(admin, _filters(data, unit_code="POLDA-A"), today=TODAY)
    rows = {r.code: r for r in summary.by_unit}
    assert list(rows) == ["POLRES-A1", "POLRES-A2"]
    assert (rows["POLRES-A1"].activities, rows["POLRES-A1"].parcels, rows["POLRES-A1"].locations) == (
        4,
        35,
        4,
    )
    assert (rows["POLRES-A2"].activities, rows["POLRES-A2"].parcels) == (1, 1000)
    assert rows["POLRES-A1"].has_children
    assert summary.totals.activities == 5
    # A unit with no activity still has its (empty) row.
    polsek = stats.summarize(admin, _filters(data, unit_code="POLRES-B1"), today=TODAY)
    assert [(r.code, r.activities, r.last_activity_on) for r in polsek.by_unit] == [
        ("POLSEK-B1X", 0, None),
        ("POLSEK-B1Y", 0, None),
    ]


def test_kind_location_kind_message_leaders(data: StatsData) -> None:
    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    assert [(r.code, r.activities, r.parcels) for r in summary.by_kind] == [
        ("bakti_sosial", 2, 35),
        ("penyuluhan", 1, 0),
        ("sosialisasi", 1, 0),
    ]
    kinds = {r.code: (r.visits, r.locations, r.parcels) for r in summary.by_location_kind}
    assert kinds == {"pondok_pesantren": (3, 2, 30), "panti_asuhan": (1, 1, 5), "pasar": (1, 1, 0)}
    assert [(r.code, r.deliveries) for r in summary.by_message] == [("jaga_persatuan", 2), ("tolak_hoaks", 1)]
    # Without an NRP a leader is known by rank and name within a unit: the factories' Kasat Binmas, written
    # without NRP in two Polsek, is two leaders.
    leaders = {(r.rank, r.name, r.distinction): r.activities for r in summary.leaders}
    assert leaders == {
        ("AKP", "Lilik Widiastuti", "Polsek A1X"): 2,
        ("AKP", "Lilik Widiastuti", "Polsek A1Y"): 1,
        ("Aipda", "Budi Santoso", "Polres A1"): 1,
    }
    assert summary.leaders[0].distinction == "Polsek A1X"


def test_trends_by_month_and_week(data: StatsData) -> None:
    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    assert [(r.period_start, r.activities, r.parcels) for r in summary.by_month] == [
        (date(2023, 11, 1), 1, 15),
        (date(2023, 12, 1), 2, 0),
        (date(2024, 1, 1), 1, 20),
    ]
    weeks = [(r.period_start, r.activities) for r in summary.by_week]
    # Mondays from the week of 30 Nov 2023 to the week of 10 Jan 2024, empty weeks filled with zero.
    assert weeks == [
        (date(2023, 11, 27), 1),
        (date(2023, 12, 4), 1),
        (date(2023, 12, 11), 0),
        (date(2023, 12, 18), 1),
        (date(2023, 12, 25), 0),
        (date(2024, 1, 1), 0),
        (date(2024, 1, 8), 1),
    ]


def test_targets_against_expected_pace(data: StatsData) -> None:
    """The programme (run by POLRES-A1 here) is scored against its programme-wide targets at its own unit."""
    assert data.world.programme is not None
    data.world.programme.unit = data.world.u("POLRES-A1")
    db.session.commit()
    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    targets = {t.indicator: t for t in summary.targets}
    # Programme-wide targets (no unit target for POLRES-A1): 10 activities, 100 parcels; half-way → 5 and 50.
    assert targets["activities"] == stats.TargetProgress("activities", 10, 4, 5, False, 40.0, "programme")
    assert targets["parcels"] == stats.TargetProgress("parcels", 100, 35, 50, False, 35.0, "programme")
    early = stats.summarize(data.world.users["commander.a1"], _filters(data), today=date(2023, 12, 1))
    assert {t.indicator: t.on_track for t in early.targets} == {"activities": True, "parcels": True}
    # Above the unit that runs it, the programme-wide target still applies; below it, never.
    above = stats.summarize(data.world.users["admin"], _filters(data, unit_code="POLDA-A"), today=TODAY)
    assert {t.indicator: t.scope for t in above.targets} == {
        "activities": "programme",
        "parcels": "programme",
    }
    below = stats.summarize(data.world.users["commander.a1"], _filters(data, unit_code="POLSEK-A1X"))
    assert below.targets == ()


def test_a_polsek_without_a_target_is_not_scored_against_the_programme(data: StatsData) -> None:
    """A national programme's targets (10 activities, 100 parcels) are the whole tree's: a Polsek without
    a target of its own has no target (not "behind" 100 parcels), a Polsek with one is scored against it."""
    from outreach.models import Indicator, ProgrammeTarget

    polsek = data.world.users["commander.a1x"]
    summary = stats.summarize(polsek, _filters(data), today=TODAY)
    assert summary.unit.code == "POLSEK-A1X"
    assert summary.targets == ()
    assert stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY).targets == ()
    national = stats.summarize(data.world.users["admin"], _filters(data), today=TODAY)
    assert {t.indicator: t.target for t in national.targets} == {"activities": 10, "parcels": 100}
    assert data.world.programme is not None
    db.session.add(
        ProgrammeTarget(
            programme=data.world.programme,
            unit=data.world.u("POLSEK-A1X"),
            indicator=Indicator.PARCELS,
            target=30,
        )
    )
    db.session.commit()
    own = stats.summarize(polsek, _filters(data), today=TODAY)
    assert [(t.indicator, t.target, t.achieved, t.scope) for t in own.targets] == [
        ("parcels", 30, 15, "unit")
    ]


def test_unit_targets_win_and_show_per_child(data: StatsData) -> None:
    from outreach.models import Indicator, ProgrammeTarget

    programme = data.world.programme
    assert programme is not None
    a1, a1x = data.world.u("POLRES-A1"), data.world.u("POLSEK-A1X")
    db.session.add_all(
        [
            ProgrammeTarget(programme=programme, unit=a1, indicator=Indicator.ACTIVITIES, target=6),
            ProgrammeTarget(programme=programme, unit=a1x, indicator=Indicator.PARCELS, target=20),
        ]
    )
    db.session.commit()
    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    assert [(t.indicator, t.target, t.expected, t.on_track, t.scope) for t in summary.targets] == [
        ("activities", 6, 3, True, "unit")
    ]
    row = next(r for r in summary.by_unit if r.code == "POLSEK-A1X")
    assert [(t.indicator, t.target, t.achieved, t.expected, t.on_track) for t in row.targets] == [
        ("parcels", 20, 15, 10, True)
    ]


# ------------------------------------------------------------------------------------------ scope


def test_sibling_polres_never_counts_and_cannot_be_chosen(data: StatsData) -> None:
    commander = data.world.users["commander.a1"]
    summary = stats.summarize(commander, _filters(data), today=TODAY)
    assert summary.totals.parcels == 35  # POLRES-A2's 1000 parcels are not here
    with pytest.raises(NotFound):
        stats.summarize(commander, _filters(data, unit_code="POLRES-A2"))
    with pytest.raises(NotFound):
        stats.gaps(commander, _filters(data, unit_code="POLRES-A2"))
    with pytest.raises(NotFound):
        stats.visited_map(commander, _filters(data, unit_code="POLDA-A"))


def test_drill_down_to_a_polsek(data: StatsData) -> None:
    summary = stats.summarize(
        data.world.users["commander.a1"], _filters(data, unit_code="POLSEK-A1X"), today=TODAY
    )
    assert (summary.totals.activities, summary.totals.visits, summary.totals.locations) == (2, 3, 2)
    assert summary.by_unit == (summary.by_unit[0],)
    assert summary.by_unit[0].is_self


def test_unknown_programme_is_not_found(data: StatsData) -> None:
    with pytest.raises(NotFound):
        stats.summarize(data.world.users["commander.a1"], stats.StatsFilter(programme_id=9999))


# ------------------------------------------------------------------------------------------ gaps and map


def test_gaps(data: StatsData) -> None:
    commander = data.world.users["commander.a1"]
    found = stats.gaps(commander, _filters(data), today=date(2024, 1, 20))
    # Cut-off 21 Dec 2023: A1X last active 5 Dec (idle 46 days); A1Y active 10 Jan.
    assert [(u.code, u.last_activity_on, u.days_idle) for u in found.idle_units] == [
        ("POLSEK-A1X", date(2023, 12, 5), 46)
    ]
    # Key kinds only; the church visited only by a draft is still a gap; the market is not a key kind.
    assert {loc.name for loc in found.unvisited_locations} == {"Panti Asuhan Sepi", "Gereja Draft"}
    assert found.unvisited_total == 2
    assert found.waiting == ()  # a2 was submitted just now
    later = stats.gaps(commander, _filters(data), now=datetime.now(UTC) + timedelta(days=10))
    assert later.reference_date == date(2024, 10, 20)  # the programme's end, not today
    assert [(w.occurred_on, w.days_waiting) for w in later.waiting] == [(date(2023, 12, 5), 10)]
    assert (
        stats.gaps(
            data.world.users["pr.a1"], _filters(data), now=datetime.now(UTC) + timedelta(days=10)
        ).waiting
        == ()
    )


def test_map_points(data: StatsData) -> None:
    points = stats.visited_map(data.world.users["commander.a1"], _filters(data)).points
    assert [(p.name, p.visits, p.parcels, p.latitude) for p in points] == [
        ("Ponpes POLSEK-A1X", 2, 10, -6.9262)
    ]


def test_map_points_keep_the_most_visited(data: StatsData) -> None:
    admin = data.world.users["admin"]
    every = stats.visited_map(admin, _filters(data)).points
    assert every
    assert stats.visited_map(admin, _filters(data), limit=1).points == every[:1]
    assert stats.visited_map(admin, _filters(data), limit=0).points == ()


@pytest.mark.parametrize(
    ("username", "unit_code"),
    [("admin", None), ("commander.a1", None), ("commander.a1", "POLSEK-A1X"), ("pr.a1", None)],
)
def test_visited_map_counts_the_summary_s_locations(
    data: StatsData, username: str, unit_code: str | None
) -> None:
    """The deferred map's "N most visited of M": M is the summary's distinct locations, with or without
    coordinates, whatever the limit that keeps the points."""
    user = data.world.users[username]
    filters = _filters(data, unit_code=unit_code)
    total = stats.summarize(user, filters, today=TODAY).totals.locations
    found = stats.visited_map(user, filters)
    assert found.locations == total
    assert len(found.points) < total  # places without coordinates count too
    if found.points:
        assert stats.visited_map(user, filters, limit=1) == (found.points[:1], total)
    assert stats.visited_map(user, filters, limit=0) == ((), 0)  # no row to read the total from


def test_gaps_roll_activity_up_the_whole_tree(data: StatsData) -> None:
    """National scope: a unit is active when anything in its subtree is, however deep."""
    found = stats.gaps(data.world.users["admin"], _filters(data), today=date(2024, 1, 20))
    idle = {u.code: (u.last_activity_on, u.days_idle) for u in found.idle_units}
    # POLDA-A and POLRES-A1 are active through POLSEK-A1Y (10 Jan), two and one levels down.
    for active in ("POLDA-A", "POLRES-A1", "POLSEK-A1Y"):
        assert active not in idle
    assert idle["POLSEK-A1X"] == (date(2023, 12, 5), 46)
    assert idle["POLRES-A2"] == (date(2023, 12, 1), 50)
    assert idle["POLDA-B"] == (None, None)
    assert "MABES" not in idle  # the chosen unit itself is never listed
    codes = [u.code for u in found.idle_units]
    paths = {u.code: u.path for u in data.world.units.values()}
    assert codes == sorted(codes, key=paths.__getitem__)  # tree order


def test_statement_count_does_not_depend_on_the_data(data: StatsData) -> None:
    """summarize and gaps issue a fixed, small number of statements (no per-unit or per-row queries)."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    admin = data.world.users["admin"]
    stats.summarize(admin, _filters(data))  # warm the identity map (user, unit, programme)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        stats.summarize(admin, _filters(data))
        in_summary = len(statements)
        stats.gaps(admin, _filters(data))
        in_gaps = len(statements) - in_summary
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert in_summary <= 12, statements  # 12: the by-kecamatan table (issue 12) is one more aggregate
    assert in_gaps <= 5, statements[in_summary:]
    # No prefix join between two unit rows (the pattern of a LIKE is always a bound parameter).
    assert not any(re.search(r"LIKE \(?\w+\.path", s) for s in statements), statements


# ------------------------------------------------------------------------------------------ filters and JSON


def test_from_args_parses_the_shared_parameters() -> None:
    args = MultiDict(
        [("programme_id", "3"), ("unit", "POLRES-A1"), ("from", "2023-11-01"), ("to", "2023-12-31"),
         ("status", "verified,submitted"), ("status", "draft")]
    )  # fmt: skip
    f = stats.StatsFilter.from_args(args)
    assert f == stats.StatsFilter(
        programme_id=3,
        unit_code="POLRES-A1",
        date_from=date(2023, 11, 1),
        date_to=date(2023, 12, 31),
        statuses=[ActivityStatus.VERIFIED, ActivityStatus.SUBMITTED, ActivityStatus.DRAFT],
    )
    assert stats.StatsFilter.from_args({}) == stats.StatsFilter()
    assert stats.StatsFilter.from_args({"status": "verified"}).statuses == [ActivityStatus.VERIFIED]
    assert stats.StatsFilter.from_args(f.to_args()) == f


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"programme_id": "x"}, "programme_id"),
        ({"from": "30/11/2023"}, "from"),
        ({"from": "2024-01-02", "to": "2024-01-01"}, "to"),
        ({"status": "verified,bogus"}, "status"),
    ],
)
def test_from_args_rejects_bad_values(args: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as exc:
        stats.StatsFilter.from_args(args)
    assert field in exc.value.fields


def test_summary_to_dict(data: StatsData) -> None:
    import json

    summary = stats.summarize(data.world.users["commander.a1"], _filters(data), today=TODAY)
    out = stats.summary_to_dict(summary)
    json.dumps(out)
    assert (out["activities"], out["visits"], out["locations"], out["parcels"], out["beneficiaries"]) == (
        4, 5, 4, 35, 200,
    )  # fmt: skip
    assert out["items"] == [
        {"code": "brosur", "label_id": "Brosur / selebaran", "label_en": "Leaflets", "quantity": 150}
    ]
    assert out["by_unit"][1]["code"] == "POLSEK-A1X"
    assert out["by_unit"][1]["last_activity_on"] == "2023-12-05"
    assert out["by_month"][0] == {
        "period_start": "2023-11-01", "activities": 1, "visits": 2, "parcels": 15, "beneficiaries": 50,
    }  # fmt: skip
    assert out["filters"]["status"] == ["submitted", "verified"]
    assert {"by_kind", "by_location_kind", "by_message", "by_week", "leaders", "targets"} <= set(out)


def test_default_programme_is_the_main_one_of_the_area(world: factories.World) -> None:
    assert world.programme is not None
    commander = world.users["commander.a1"]
    assert stats.default_programme_id(commander) == world.programme.id
    newer = factories.make_programme(
        "Cooling System Pilkada 2024", start_on=date(2024, 8, 27), end_on=date(2024, 12, 15)
    )
    # No activities anywhere yet: the latest-starting programme.
    assert stats.default_programme_id(commander) == newer.id
    factories.make_activity(
        world.users["staff.a1x"], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    # The programme with activities in the area wins over a newer empty one.
    assert stats.default_programme_id(commander) == world.programme.id
    # …but only activities inside the user's subtree count.
    factories.make_activity(
        world.users["staff.b1"],
        newer,
        world.u("POLSEK-B1X"),
        [world.locations["POLSEK-B1X"]],
        occurred_on=date(2024, 9, 1),
    )
    factories.make_activity(
        world.users["staff.b1"],
        newer,
        world.u("POLSEK-B1Y"),
        [world.locations["POLSEK-B1Y"]],
        occurred_on=date(2024, 9, 2),
    )
    assert stats.default_programme_id(commander) == world.programme.id
    assert stats.default_programme_id(world.users["commander.b1"]) == newer.id
    newer.is_active = False
    assert stats.default_programme_id(world.users["commander.b1"]) == world.programme.id


# ------------------------------------------------------------------------------------------ leaders are people


def _budi(world: factories.World, unit: str, nrp: str, day: date) -> None:
    assert world.programme is not None
    data = factories.activity_input(
        world.programme, world.u(unit), [world.locations[unit]], occurred_on=day,
        leader=PersonInput(rank="Aipda", name="Budi Rahayu", nrp=nrp, position="Bhabinkamtibmas"),
    )  # fmt: skip
    activity = svc.create_activity(world.users["staff.a1"], data)
    svc.submit_activity(world.users["staff.a1"], activity)


def test_leaders_with_the_same_rank_and_name_are_two_people(world: factories.World) -> None:
    """Two "Aipda Budi Rahayu" with different NRP are two leaders, each with their own count and their NRP
    as the label's distinction; the same NRP twice is one leader; without an NRP the unit tells them apart."""
    _budi(world, "POLSEK-A1X", "76030412", date(2023, 11, 1))
    _budi(world, "POLSEK-A1X", "76030412", date(2023, 11, 2))
    _budi(world, "POLSEK-A1Y", "80010203", date(2023, 11, 3))
    _budi(world, "POLSEK-A1X", "", date(2023, 11, 4))
    _budi(world, "POLSEK-A1Y", "", date(2023, 11, 5))
    db.session.commit()
    assert world.programme is not None
    summary = stats.summarize(
        world.users["commander.a1"], stats.StatsFilter(programme_id=world.programme.id), today=TODAY
    )
    budi = sorted((r.activities, r.distinction) for r in summary.leaders if r.name == "Budi Rahayu")
    assert budi == [(1, "NRP 80010203"), (1, "Polsek A1X"), (1, "Polsek A1Y"), (2, "NRP 76030412")]
    out = stats.summary_to_dict(summary)
    assert sorted(r["nrp"] or "" for r in out["leaders"] if r["name"] == "Budi Rahayu") == [
        "", "", "76030412", "80010203"
    ]  # fmt: skip


def test_top_leaders_are_the_first_ten_by_activities_visits_then_name(world: factories.World) -> None:
    """The top-ten cut falls inside a tie: the leaders with as many activities and visits are taken by name."""
    assert world.programme is not None
    counts = {"Wahyu": 3, "Agus": 1, "Sri": 2, "Budi": 2, "Yuni": 1, "Dwi": 1, "Eko": 2, "Rina": 1,
              "Hadi": 1, "Fitri": 3, "Tono": 1, "Citra": 1}  # fmt: skip
    day = date(2023, 11, 1)
    for name, count in counts.items():
        for _ in range(count):
            data = factories.activity_input(
                world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]], occurred_on=day,
                leader=PersonInput(rank="Bripka", name=name, nrp="", position="Bhabinkamtibmas"),
            )  # fmt: skip
            svc.submit_activity(world.users["staff.a1"], svc.create_activity(world.users["staff.a1"], data))
    db.session.commit()
    summary = stats.summarize(
        world.users["commander.a1"], stats.StatsFilter(programme_id=world.programme.id), today=TODAY
    )
    ours = [(r.name, r.activities) for r in summary.leaders if r.name in counts]
    expected = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    assert len(summary.leaders) == stats.TOP_LEADERS
    assert ours == expected[: len(ours)]
    assert ("Tono", 1) not in ours and ("Yuni", 1) not in ours


def test_monthly_pages_open_on_a_month_of_the_programme(world: factories.World) -> None:
    """ANEV and the priority matrix open on this month while the programme runs, else on its last (or first)
    month: a commander never lands on an empty month outside the programme."""
    programme = world.programme
    assert programme is not None
    programme.start_on, programme.end_on = date(2023, 10, 19), date(2024, 10, 20)
    db.session.flush()
    assert stats.default_month(programme.id, date(2024, 3, 15)) == (date(2024, 3, 1), date(2024, 3, 15))
    assert stats.default_month(programme.id, date(2026, 12, 1)) == (date(2024, 10, 1), date(2024, 10, 20))
    assert stats.default_month(programme.id, date(2023, 1, 5)) == (date(2023, 10, 19), date(2023, 10, 31))
    assert stats.default_month(None, date(2026, 12, 1)) == (date(2026, 12, 1), date(2026, 12, 1))
    assert stats.default_month(2**40, date(2026, 12, 9)) == (date(2026, 12, 1), date(2026, 12, 9))
