"""Round trip: an activity written through the API is unchanged after its browser edit form is saved as it is.

For generated activities (item kinds and measures, partner kinds, officers' degrees, inline places, messages,
coverage …): API create → GET the web edit form → post back every input, select and textarea with its
current value → the API reads the identical record.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import lxml.html
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from outreach.extensions import db
from outreach.models import RANKS, ItemKind, KamtibmasMessage, PartnerKind
from outreach.services import catalogues
from outreach.services.activities import ItemCatalogue

_ALPHABET = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" .,'-—&<>\"/()", max_codepoint=0x2014
)
NAME = st.text(_ALPHABET, min_size=1, max_size=30).filter(lambda s: s.strip() != "")
TEXT = st.text(_ALPHABET, max_size=30)
LONG = st.lists(TEXT, max_size=3).map("\n".join)
NRP = st.one_of(st.just(""), st.from_regex(r"\A\d{8}\Z"))
TIMES = st.times().map(lambda t: time(t.hour, t.minute))


def person() -> Any:
    return st.fixed_dictionaries(
        {
            "rank": st.sampled_from(RANKS),
            "name": NAME,
            "degrees": TEXT,
            "nrp": NRP,
            "position": TEXT,
        }
    )


def activity(world: Any, item_kinds: list[str], partner_kinds: list[str], message_ids: list[int]) -> Any:
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
            "notes": LONG,
            "items": st.lists(item, max_size=3),
        }
    )
    place = st.fixed_dictionaries({"name": NAME, "kind": st.just("panti_asuhan"), "regency": TEXT})
    partner = st.fixed_dictionaries(
        {"name": NAME, "role": TEXT, "kind": st.one_of(st.none(), st.sampled_from(partner_kinds))}
    )
    coverage = st.fixed_dictionaries(
        {
            "outlet": NAME,
            "url": st.one_of(st.just(""), st.from_regex(r"\Ahttps://news\.example/[a-z0-9]{1,12}\Z")),
            "published_on": st.one_of(st.none(), st.dates(date(2023, 10, 19), date(2023, 12, 31)).map(str)),
            "headline": TEXT,
        }
    )
    return st.fixed_dictionaries(
        {
            "programme_id": st.just(world.programme.id),
            "unit_code": st.just("POLSEK-A1X"),
            "kind": st.sampled_from(["bakti_sosial", "sambang"]),
            "date": st.dates(date(2023, 10, 19), date(2023, 12, 31)).map(str),
            "title": TEXT,
            "summary": LONG,
            "times": st.one_of(st.none(), st.tuples(TIMES, TIMES).map(sorted)),
            "leader": person(),
            "officers": st.lists(person(), max_size=3),
            "visits": st.tuples(visit, st.one_of(st.none(), st.tuples(visit, place))),
            "messages": st.lists(NAME, max_size=2),
            # In catalogue order: the form lists the catalogue's messages as checkboxes, in that order.
            "message_ids": st.sets(st.sampled_from(message_ids), max_size=2).map(
                lambda ids: [m for m in message_ids if m in ids]
            ),
            "partners": st.lists(partner, max_size=3),
            "coverage": st.lists(coverage, max_size=2),
        }
    )


def _payload(drawn: dict[str, Any], world: Any) -> dict[str, Any]:
    body = dict(drawn)
    times = body.pop("times")
    if times:
        body["start_time"], body["end_time"] = (t.strftime("%H:%M") for t in times)
    first, second = body.pop("visits")
    visits = [{**first, "location_id": world.locations["POLSEK-A1X"].id}]
    if second is not None:
        visit, place = second
        visits.append({**visit, "location": place})
    body["visits"] = visits
    return body


def form_values(html: str) -> MultiDict[str, str]:
    """Every successful control of the page's activity form with its current value, as a browser posts it."""
    doc = lxml.html.fromstring(html)
    (form,) = doc.xpath("//form[.//*[@name='programme_id']]")
    values: MultiDict[str, str] = MultiDict()
    for el in form.xpath(".//input|.//select|.//textarea"):
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        if el.tag == "input":
            kind = (el.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if el.get("checked") is not None:
                    values.add(name, el.get("value", "on"))
                continue
            values.add(name, el.get("value", ""))
        elif el.tag == "select":
            options = el.xpath(".//option")
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and el.get("multiple") is None:
                chosen = options[:1]
            for option in chosen:
                values.add(name, option.get("value", option.text_content()))
        else:
            text = el.text or ""
            values.add(name, text[1:] if text.startswith("\n") else text)
    return values


_CHANGING = ("version", "updated_at")


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a web round trip takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_api_record_survives_its_edit_form_saved_unchanged(world, client, api_as, login_as, data):
    item_kinds = [k.code for k in catalogues.active(ItemKind)]
    partner_kinds = [k.code for k in catalogues.active(PartnerKind)]
    message_ids = [m.id for m in catalogues.active(KamtibmasMessage)]
    assert item_kinds
    assert partner_kinds
    api = api_as("staff.a1x")
    body = _payload(data.draw(activity(world, item_kinds, partner_kinds, message_ids)), world)
    created = api.post("/api/v1/activities", body)
    assert created.status_code == 201, (created.get_json(), body)
    activity_id = created.get_json()["id"]
    before = api.get(f"/api/v1/activities/{activity_id}").get_json()

    login_as("staff.a1x")
    page = client.get(f"/activities/{activity_id}/edit")
    assert page.status_code == 200
    posted = client.post(f"/activities/{activity_id}/edit", data=form_values(page.get_data(as_text=True)))
    assert posted.status_code == 302, posted.get_data(as_text=True)[:3000]
    client.post("/logout")
    db.session.expire_all()

    after = api.get(f"/api/v1/activities/{activity_id}").get_json()
    for key in _CHANGING:
        before.pop(key), after.pop(key)
    assert after == before, (body, before, after)
    assert [o["degrees"] for o in after["officers"]] == [o["degrees"].strip() for o in body["officers"]]
    kinds = [i["kind"] for v in after["visits"] for i in v["items"]]
    catalogue = (
        ItemCatalogue.load()
    )  # a picked kind stays; a bare name is classified, the same from every way in
    assert kinds == [catalogue.kind_of(i["kind"], i["name"]) for v in body["visits"] for i in v["items"]]
    assert [p["kind"] for p in after["partners"]] == [p["kind"] for p in body["partners"]]
