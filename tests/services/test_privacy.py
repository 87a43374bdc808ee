"""Issue 18: personal-data retention — `privacy purge` anonymises what is older and keeps every figure."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import ActivityPartner, AuditEntry, Location, Photo, Visit
from outreach.services import activities as svc
from outreach.services import privacy, stats
from outreach.services.clock import local_today
from outreach.services.schema.activity import PartnerInput
from tests import factories
from tests.support.photos import add_photo

OLD, RECENT = date(2023, 11, 30), local_today() - timedelta(days=10)


@pytest.fixture
def aged(world: factories.World, app: Flask) -> dict[str, Any]:
    """An old verified activity with a contact, a partner and a photo; a recent one with the same."""
    w = world
    w.programme.end_on = local_today() + timedelta(days=30)  # the programme still runs
    staff, commander = w.users["staff.a1"], w.users["commander.a1"]
    old_place, shared = w.locations["POLSEK-A1X"], w.locations["POLSEK-A1Y"]
    for place in (old_place, shared):
        place.contact_name, place.contact_phone = "Pak Kades", "0812-0000-0000"
    made: dict[str, Any] = {}
    for name, when, places in (("old", OLD, [old_place, shared]), ("recent", RECENT, [shared])):
        data = factories.activity_input(
            w.programme,
            w.u("POLSEK-A1X"),
            places,
            occurred_on=when,
            partners=[PartnerInput(name="KH. Nasir", role="Pengasuh Ponpes")],
        )
        for visit in data.visits:
            visit.contact_name, visit.contact_role = "Ibu Siti", "Ketua RT"
        activity = svc.create_activity(staff, data)
        svc.submit_activity(staff, activity)
        svc.verify_activity(commander, activity)
        made[name] = activity
    db.session.commit()
    made["old_photo"] = add_photo(made["old"], staff, app.config["OUTREACH_UPLOAD_DIR"])
    made["recent_photo"] = add_photo(made["recent"], staff, app.config["OUTREACH_UPLOAD_DIR"])
    return made


def _figures(world: factories.World) -> Any:
    admin = world.users["admin"]
    return stats.summarize(admin, stats.StatsFilter(programme_id=world.programme.id), today=local_today())


def _numbers(html: str) -> list[str]:
    body = html[html.index("<main") :]
    return re.findall(r">\s*([\d.,]+)\s*<", body)


def test_cutoff_counts_calendar_months() -> None:
    assert privacy.cutoff_for(24, date(2026, 12, 1)) == date(2024, 12, 1)
    assert privacy.cutoff_for(1, date(2024, 3, 31)) == date(2024, 2, 29)
    assert privacy.cutoff_for(13, date(2025, 1, 15)) == date(2023, 12, 15)
    with pytest.raises(ValueError, match="at least 1"):
        privacy.cutoff_for(0, date(2024, 1, 1))


def test_without_a_retention_period_nothing_happens(aged: dict[str, Any], runner: Any) -> None:
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0
    assert "not set" in result.output
    db.session.expire_all()
    assert db.session.get(Photo, aged["old_photo"]) is not None


def test_dry_run_lists_and_changes_nothing(aged: dict[str, Any], runner: Any, app: Flask) -> None:
    app.config["OUTREACH_RETENTION_MONTHS"] = 6
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    old = aged["old"]
    assert f"activity {old.id} of 2023-11-30 (POLSEK-A1X): 2 contact(s), 1 partner name(s), 1 photo(s)" in (
        result.output
    )
    assert f"activity {aged['recent'].id} " not in result.output
    assert "Dry run, nothing changed" in result.output
    assert "Ibu Siti" not in result.output and "KH. Nasir" not in result.output  # ids, never the data
    db.session.expire_all()
    assert {v.contact_name for v in db.session.scalars(select(Visit))} == {"Ibu Siti"}
    assert db.session.get(Photo, aged["old_photo"]) is not None
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy_purge")).all()


def test_purge_anonymises_the_old_and_keeps_every_figure(
    aged: dict[str, Any], world: factories.World, runner: Any, app: Flask, login_as: Any
) -> None:
    app.config["OUTREACH_RETENTION_MONTHS"] = 6
    before = _figures(world)
    client = login_as("commander.a1")
    page_before = client.get(f"/dashboard/?programme_id={world.programme.id}").get_data(as_text=True)
    folder = Path(app.config["OUTREACH_UPLOAD_DIR"])
    old_file = db.session.get(Photo, aged["old_photo"]).stored_name
    assert (folder / old_file).is_file()

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 activities dated before" in result.output

    db.session.expire_all()
    old, recent = aged["old"], aged["recent"]
    old_visits = db.session.scalars(select(Visit).where(Visit.activity_id == old.id)).all()
    assert [(v.contact_name, v.contact_role) for v in old_visits] == [("", "")] * 2
    recent_visits = db.session.scalars(select(Visit).where(Visit.activity_id == recent.id)).all()
    assert [(v.contact_name, v.contact_role) for v in recent_visits] == [("Ibu Siti", "Ketua RT")]
    partners = {p.activity_id: (p.name, p.role) for p in db.session.scalars(select(ActivityPartner))}
    assert partners == {old.id: (privacy.ANONYMISED, ""), recent.id: ("KH. Nasir", "Pengasuh Ponpes")}
    assert db.session.get(Photo, aged["old_photo"]) is None
    assert not (folder / old_file).exists()
    assert db.session.get(Photo, aged["recent_photo"]) is not None
    # the place visited only by the old activity loses its contact; the one visited recently keeps it
    only_old = db.session.get(Location, world.locations["POLSEK-A1X"].id)
    shared = db.session.get(Location, world.locations["POLSEK-A1Y"].id)
    assert (only_old.contact_name, only_old.contact_phone) == (None, None)
    assert (shared.contact_name, shared.contact_phone) == ("Pak Kades", "0812-0000-0000")
    # the audit snapshots of the old activity no longer name the partner; the recent one's still do
    old_entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "activity", AuditEntry.entity_id == old.id)
    ).all()
    assert "KH. Nasir" not in repr([e.changes for e in old_entries])
    create = next(e for e in old_entries if e.action == "create")
    assert create.changes["partners"] == [privacy.ANONYMISED]
    # what was done is audited (counts only)
    (run,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy_purge")).all()
    assert run.changes["activities"] == 1
    assert run.changes["visit_contacts"] == 2
    assert run.changes["photos"] == 1
    assert run.changes["locations"] == 1
    assert run.changes["retention_months"] == 6
    # every figure is unchanged: the service's summary and the numbers on the dashboard page
    assert _figures(world) == before
    page_after = client.get(f"/dashboard/?programme_id={world.programme.id}").get_data(as_text=True)
    assert {"2", "3", "30", "60"} <= set(_numbers(page_before))  # activities, visits, parcels, beneficiaries
    assert _numbers(page_after) == _numbers(page_before)
    assert old.visit_count == 2 and db.session.get(type(old), old.id).beneficiary_count == 40

    # a second run finds nothing left to do and writes no audit entry
    again = runner.invoke(args=["privacy", "purge"])
    assert "0 activities dated before" in again.output
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy_purge")).all()) == 1
