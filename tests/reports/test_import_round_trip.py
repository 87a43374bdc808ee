"""Export → import reproduces an activity: officers (with degrees and NRP), partners (with kinds), items (with
kinds and measures), notes, messages and every field the visits export carries, for generated activities."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from outreach.exports.tabular import xlsx_bytes
from outreach.extensions import db
from outreach.models import RANKS, Activity, ItemKind, KamtibmasMessage, PartnerKind
from outreach.services import activities as svc
from outreach.services import catalogues, exports, imports
from outreach.services.activity_list import ActivityFilter
from outreach.services.cells import format_cell, parse_cell
from outreach.services.schema import parse
from outreach.services.schema.activity import ActivityInput

_ALPHABET = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" .,:'-—&|[]()=+@\"", max_codepoint=0x2014
)
NAME = st.text(_ALPHABET, min_size=1, max_size=25).filter(lambda s: s.strip() != "")
TEXT = st.text(_ALPHABET, max_size=25)
NRP = st.one_of(st.just(""), st.from_regex(r"\A\d{8}\Z"))


def _person() -> Any:
    return st.fixed_dictionaries(
        {"rank": st.sampled_from(RANKS), "name": NAME, "degrees": TEXT, "nrp": NRP, "position": TEXT}
    )


def _activity(world: Any, item_kinds: list[str], partner_kinds: list[str], message_ids: list[int]) -> Any:
    item = st.fixed_dictionaries(
        {
            "name": NAME,
            "quantity": st.integers(0, 10_000),
            "kind": st.one_of(st.none(), st.sampled_from(item_kinds)),
            "measure": st.text(_ALPHABET, max_size=20),
        }
    )
    visit = st.fixed_dictionaries(
        {
            "parcels": st.integers(0, 1000),
            "beneficiaries": st.integers(0, 1000),
            "beneficiary_group": TEXT,
            "contact": TEXT,
            "contact_role": TEXT,
            "notes": st.lists(TEXT, max_size=3).map("\n".join),
            "items": st.lists(item, max_size=3),
        }
    )
    # ASCII place names: the registry's reuse by name compares with SQL lower(), which SQLite applies to ASCII
    # only (a known limit of the location registry, outside this test's subject).
    place = st.fixed_dictionaries(
        {
            "name": st.from_regex(r"\A[A-Za-z][A-Za-z0-9 .]{0,20}\Z"),
            "kind": st.just("panti_asuhan"),
            "regency": st.just("Kabupaten A1"),
        }
    )
    return st.fixed_dictionaries(
        {
            "programme_id": st.just(world.programme.id),
            "unit_code": st.just("POLSEK-A1X"),
            "kind": st.sampled_from(["bakti_sosial", "sambang"]),
            "date": st.dates(date(2023, 10, 19), date(2023, 12, 31)).map(str),
            "title": TEXT,
            "summary": st.lists(TEXT, max_size=3).map("\n".join),
            "start_time": st.one_of(st.none(), st.just(time(8, 30).isoformat())),
            "leader": _person(),
            "officers": st.lists(_person(), max_size=3),
            "visits": st.tuples(visit, st.lists(st.tuples(visit, place), max_size=1)).map(
                lambda v: (
                    [{**v[0], "location_id": world.locations["POLSEK-A1X"].id}]
                    + [{**extra, "location": where} for extra, where in v[1]]
                )
            ),
            "messages": st.lists(NAME.filter(lambda s: "|" not in s), max_size=2),
            "message_ids": st.sets(st.sampled_from(message_ids), max_size=2).map(sorted),
            "partners": st.lists(
                st.fixed_dictionaries(
                    {"name": NAME, "role": TEXT, "kind": st.one_of(st.none(), st.sampled_from(partner_kinds))}
                ),
                max_size=3,
            ),
        }
    )


def _record(activity: Any) -> dict[str, Any]:
    """What the visits export carries of an activity, as the service reads it back."""
    data = svc.input_of(activity).model_dump()
    data.pop("coverage")  # not in the visits export
    for visit in data["visits"]:
        visit.pop("location")  # location_id says where: the import finds the same registered place
    return data


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_export_then_import_reproduces_the_activity(world, data):
    item_kinds = [k.code for k in catalogues.active(ItemKind)]
    partner_kinds = [k.code for k in catalogues.active(PartnerKind)]
    message_ids = [m.id for m in catalogues.active(KamtibmasMessage)]
    staff = world.users["staff.a1"]
    body = data.draw(_activity(world, item_kinds, partner_kinds, message_ids))
    original = svc.create_activity(staff, parse(ActivityInput, body))
    db.session.commit()
    expected = _record(original)

    rows = [
        r
        for r in exports.rows("visits", world.users["commander.a1"], ActivityFilter(), "id")
        if r["activity_id"] == original.id
    ]
    content = xlsx_bytes(exports.columns("visits", "id"), rows, "visits")
    svc.delete_activity(staff, original)
    db.session.commit()
    result, outcome = imports.run(staff, content, "roundtrip.xlsx")
    db.session.commit()
    assert not result.errors, (result.errors, rows)
    assert outcome.created == 1
    assert outcome.batch is not None
    copy = db.session.scalar(select(Activity).where(Activity.import_batch_id == outcome.batch.id))
    assert _record(copy) == expected, rows


def test_list_cells_read_as_a_person_writes_them():
    officers = parse_cell(
        "officers", "Aipda Budi Santoso, S.H. (NRP 12345678) — Bhabinkamtibmas | Kombes Pol Ani"
    )
    assert officers == [
        {
            "rank": "Aipda",
            "name": "Budi Santoso",
            "degrees": "S.H.",
            "nrp": "12345678",
            "position": "Bhabinkamtibmas",
        },
        {"rank": "Kombes Pol", "name": "Ani", "degrees": "", "nrp": "", "position": ""},
    ]
    assert parse_cell("items", "Beras: 50 kg [beras] | Brosur: 3") == [
        {"name": "Beras", "quantity": 50, "measure": "kg", "kind": "beras"},
        {"name": "Brosur", "quantity": 3, "measure": "", "kind": None},
    ]
    assert parse_cell("partners", "Camat Jepon — Camat [camat] | KH. Nasir") == [
        {"name": "Camat Jepon", "role": "Camat", "kind": "camat"},
        {"name": "KH. Nasir", "role": "", "kind": None},
    ]
    ambiguous = [{"name": "A | B — C", "role": "", "kind": None}]
    cell = format_cell("partners", ambiguous)
    assert cell.startswith("[")
    assert parse_cell("partners", cell) == ambiguous
