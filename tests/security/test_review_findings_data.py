"""Issue 13, part B: the outside review's findings on data and resources, each reproduced as an attack.

F2 (XLSX import bombs), F3 (photo uploads multiplying CPU), F4 (import undo past the workflow), F5/F6 (another
unit's places, ids and people), F8 (HTML in JavaScript sinks; the browser half is tests/e2e), F11 (four-eyes).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from PIL import Image
from sqlalchemy import func, select

from outreach.config import from_environment
from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, AuditEntry, ImportBatch, Person, Photo
from outreach.services import activities as svc
from outreach.services import imports, photos, tokens
from outreach.services.errors import Forbidden, Invalid
from outreach.services.policy import can_verify
from outreach.services.schema.activity import LocationInput, PersonInput, VisitInput
from tests import factories

ROOT = Path(__file__).resolve().parents[2]

KEYS = ["activity_id", "date", "programme", "unit_code", "kind", "leader_rank", "leader_name",
        "location_name", "location_kind", "regency", "parcels", "beneficiaries", "status"]  # fmt: skip


def _row(ref: str, **kw: Any) -> list[Any]:
    base = {
        "activity_id": ref, "date": date(2023, 12, 1), "programme": "Cooling System Pemilu 2024",
        "unit_code": "POLSEK-A1X", "kind": "sambang", "leader_rank": "Bripka", "leader_name": "Agus Santoso",
        "location_name": "Masjid Al Amin", "location_kind": "masjid", "regency": "Kabupaten A1",
        "parcels": 0, "beneficiaries": 40, "status": "draft",
    }  # fmt: skip
    base.update(kw)
    return [base[k] for k in KEYS]


def _book(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(KEYS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Kegiatan" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _hand_made_xlsx(rows_xml: str, shared: list[str]) -> bytes:
    """A workbook written part by part (as an attacker would), deflated: small on the wire, big unpacked."""
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet {_NS}><sheetData>{rows_xml}</sheetData></worksheet>"
        )
        zf.writestr(
            "xl/sharedStrings.xml",
            f'<sst {_NS} count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>',
        )
    return out.getvalue()


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{k}</t></is></c>' for i, k in enumerate(KEYS)
    )
    return f'<row r="1">{cells}</row>'


def _preview(client: FlaskClient, content: bytes, name: str = "x.xlsx") -> Any:
    return client.post(
        "/reports/imports/preview",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _stored_uploads(app: Flask) -> list[Path]:
    return sorted(p for p in (Path(app.instance_path) / "imports").rglob("*") if p.is_file())


# ------------------------------------------------------------------------------------------- F2


def test_f2_shared_string_bomb_is_refused_from_the_zip_directory(
    app: Flask, world: factories.World, login_as: Any, runner: Any, tmp_path: Path
) -> None:
    """A small workbook whose one shared string unpacks to far more than allowed (kept modest for speed:
    20 MB against a 4 MB limit; the review's 974 KB file unpacked to 1 GB) is refused, naming the limit."""
    app.config["OUTREACH_IMPORT_MAX_UNPACKED_BYTES"] = 4 * 1_048_576
    bomb = _hand_made_xlsx(
        _header_row() + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', ["A" * 20_000_000]
    )
    assert len(bomb) < 100_000
    with pytest.raises(imports.WorkbookTooLarge, match="4 MB"):
        imports.check(world.users["staff.a1x"], bomb)
    client = login_as("staff.a1x")
    before = _stored_uploads(app)
    response = _preview(client, bomb)
    assert response.status_code == 413
    assert "4 MB" in response.get_data(as_text=True)
    assert _stored_uploads(app) == before  # a refused upload is not kept
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    result = runner.invoke(args=["import", str(path), "--user", "staff.a1x", "--dry-run"])
    assert result.exit_code == 1
    assert "4 MB" in result.output


def test_f2_an_overlong_shared_string_is_refused_before_parsing(world: factories.World) -> None:
    """Within the size limit, a single text longer than a cell may hold (Excel: 32,767) is refused too."""
    book = _hand_made_xlsx(_header_row() + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', ["B" * 40_000])
    with pytest.raises(imports.WorkbookTooLarge, match="32767"):
        imports.check(world.users["staff.a1x"], book)


def test_f2_a_million_blank_rows_are_refused_with_the_row_limit(
    app: Flask, world: factories.World, login_as: Any
) -> None:
    """Blank rows count: the scan stops at the limit instead of walking a million rows (the review: 21.6 s)."""
    blank = "<row><c/></row>" * 1_000_000  # present but empty: read_xlsx skips them
    real = '<row><c t="inlineStr"><is><t>A1</t></is></c></row>'
    book = _hand_made_xlsx(_header_row() + blank + real, [])
    with pytest.raises(imports.WorkbookTooLarge, match="5000"):
        imports.check(world.users["staff.a1x"], book)
    response = _preview(login_as("staff.a1x"), book)
    assert response.status_code == 413
    assert "5000" in response.get_data(as_text=True)


def test_f2_row_numbers_and_dimension_count_before_blank_rows_are_skipped(world: factories.World) -> None:
    """One real row numbered far down (openpyxl would pad every row above it) and a declared dimension
    wider or longer than allowed are refused as well, both before openpyxl reads the sheet."""
    far = _header_row() + '<row r="900000"><c r="A900000" t="inlineStr"><is><t>A1</t></is></c></row>'
    with pytest.raises(imports.WorkbookTooLarge, match="5000"):
        imports.check(world.users["staff.a1x"], _hand_made_xlsx(far, []))
    wide = '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(imports.WorkbookTooLarge, match="100"):
        imports.check(world.users["staff.a1x"], _hand_made_xlsx(_header_row() + wide, []))


def test_f2_blank_rows_count_in_the_openpyxl_reader_too(world: factories.World) -> None:
    """A workbook written by a spreadsheet program: the limit counts its blank rows, not only filled ones."""
    wb = Workbook()
    ws = wb.active
    ws.append(KEYS)
    ws.append(_row("A"))
    ws.cell(row=9, column=1, value=None).style = "Normal"  # rows 3-9 blank, but present
    ws.append(_row("B"))
    out = io.BytesIO()
    wb.save(out)
    limits = imports.Limits(rows=5)
    with pytest.raises(imports.WorkbookTooLarge, match="5"):
        imports.check(world.users["staff.a1x"], out.getvalue(), limits=limits)
    assert (
        imports.check(world.users["staff.a1x"], out.getvalue(), limits=imports.Limits(rows=9)).row_count == 2
    )


def test_f2_a_part_with_a_dtd_is_not_a_workbook(world: factories.World) -> None:
    """Entities (billion laughs, XXE) need a DTD; no workbook part has one, so the scan refuses it."""
    laughs = '<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    book = _hand_made_xlsx(_header_row(), [])
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = (laughs + "<sst><si><t>&b;</t></si></sst>").encode()
            dst.writestr(info, data)
    result = imports.check(world.users["staff.a1x"], patched.getvalue())
    assert [e.row for e in result.errors] == [0]
    assert result.row_count == 0


def test_f2_confirm_imports_only_the_verified_copy_of_the_preview(
    app: Flask, world: factories.World, login_as: Any
) -> None:
    """The preview keeps the upload with its digest; a copy changed since is not imported."""
    client = login_as("staff.a1x")
    page = _preview(client, _book([_row("A")]))
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="token" type="hidden" value="')[1][:32]
    stored = next(p for p in _stored_uploads(app) if p.name == f"{token}.xlsx")
    stored.write_bytes(_book([_row("A"), _row("B", location_name="Pasar Baru", location_kind="pasar")]))
    done = client.post("/reports/imports/confirm", data={"token": token, "mode": "all"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


# ------------------------------------------------------------------------------------------- F3


@pytest.fixture(scope="module")
def big_png() -> bytes:
    """A few KB on the wire, 6300 × 6300 = 39.7 million pixels once decoded (under the per-file cap)."""
    out = io.BytesIO()
    Image.new("1", (6300, 6300)).save(out, "PNG", optimize=True)
    return out.getvalue()


def _photo_post(client: FlaskClient, activity_id: int, payload: bytes, copies: int) -> Any:
    files = [(io.BytesIO(payload), f"p{i}.png") for i in range(copies)]
    return client.post(
        f"/activities/{activity_id}/photos", data={"photos": files}, content_type="multipart/form-data"
    )


def test_f3_twenty_large_pngs_in_one_request_are_refused_before_decoding(
    app: Flask, world: factories.World, login_as: Any, big_png: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    original = photos._reencode

    def reencode(name: str, raw: Any, px: Any) -> Any:
        decoded.append(name)
        return original(name, raw, px)

    monkeypatch.setattr(photos, "_reencode", reencode)
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    db.session.commit()
    client = login_as("staff.a1x")
    response = _photo_post(client, activity.id, big_png, 20)
    assert response.status_code == 422
    assert 'id="photos-errors"' in response.get_data(as_text=True)
    assert "10" in response.get_data(as_text=True)  # the cap on files per request is named
    # Under the file cap, five of them still hold 198 million pixels: refused on their headers alone.
    response = _photo_post(client, activity.id, big_png, 5)
    assert response.status_code == 422
    assert "150" in response.get_data(as_text=True)
    assert decoded == []
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_f3_the_caps_are_in_the_service(big_png: bytes, app: Flask) -> None:
    uploads = [photos.Upload(f"p{i}.png", io.BytesIO(big_png)) for i in range(3)]
    with pytest.raises(Invalid) as refused:
        photos.prepare(uploads, max_bytes=1_000_000, max_pixels=40_000_000, max_total_pixels=100_000_000)
    assert "photos" in refused.value.fields
    with pytest.raises(Invalid):
        photos.prepare(uploads[:1] * 3, max_bytes=1_000_000, max_pixels=40_000_000, max_files=2)


# ------------------------------------------------------------------------------------------- F4


def test_f4_import_undo_keeps_what_staff_could_not_delete_and_lists_it(
    app: Flask, world: factories.World, login_as: Any, runner: Any
) -> None:
    staff = world.users["staff.a1x"]
    content = _book(
        [_row("A"), _row("B", location_name="Pasar Baru", location_kind="pasar", status="submitted")]
    )
    _check, outcome = imports.run(staff, content, "two.xlsx")
    assert outcome.batch is not None
    db.session.commit()
    batch_id = outcome.batch.id
    submitted = db.session.scalar(
        select(Activity).where(
            Activity.import_batch_id == batch_id, Activity.status == ActivityStatus.SUBMITTED
        )
    )
    assert submitted is not None
    svc.verify_activity(world.users["commander.a1x"], submitted)
    db.session.commit()
    verified_id = submitted.id
    client = login_as("staff.a1x")
    response = client.post(f"/reports/imports/{batch_id}/undo", follow_redirects=True)
    assert response.status_code == 200
    assert f"#{verified_id}" in response.get_data(as_text=True)  # listed as skipped
    verified = db.session.get(Activity, verified_id)
    assert verified is not None
    db.session.refresh(verified)
    assert verified.deleted_at is None  # DELETE answers 409 for it, so undo leaves it too
    batch = db.session.get(ImportBatch, batch_id)
    assert batch is not None
    assert batch.undone_at is None  # something is left: an administrator can finish
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "undo_import"))
    assert entry is not None
    assert entry.changes["skipped"] == [verified_id]
    again = runner.invoke(args=["import-undo", str(batch_id), "--user", "staff.a1x"])
    assert again.exit_code == 0, again.output
    assert f"skipped: activity {verified_id} (verified)" in again.output
    done = runner.invoke(args=["import-undo", str(batch_id), "--user", "admin"])
    assert done.exit_code == 0, done.output
    assert "Deleted 1 activities" in done.output
    db.session.expire_all()
    assert db.session.get(Activity, verified_id).deleted_at is not None
    assert db.session.get(ImportBatch, batch_id).undone_at is not None


# ------------------------------------------------------------------------------------------- F5 / F6


def _api(world: factories.World, username: str) -> dict[str, str]:
    _token, raw = tokens.create_token(world.users[username], "review")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_f5_inline_location_never_reuses_another_units_place(world: factories.World) -> None:
    other = world.locations["POLSEK-A1Y"]
    other.contact_name = "Pak Kyai Blora"
    other.latitude, other.longitude = -6.97, 111.42
    db.session.commit()
    staff = world.users["staff.a1x"]
    data = factories.activity_input(world.programme, world.u("POLSEK-A1X"), [])
    data.visits = [VisitInput(location=LocationInput(name=other.name, kind="masjid", regency=other.regency))]
    activity = svc.create_activity(staff, data)
    db.session.commit()
    place = activity.visits[0].location
    assert place.id != other.id
    assert place.unit_id == world.u("POLSEK-A1X").id
    assert place.contact_name is None and place.latitude is None
    # Within the area, the same name is reused (no duplicates in one's own registry).
    again = factories.activity_input(
        world.programme, world.u("POLSEK-A1X"), [], occurred_on=date(2023, 12, 2)
    )
    again.visits = [VisitInput(location=LocationInput(name=other.name, kind="masjid", regency=other.regency))]
    assert svc.create_activity(staff, again).visits[0].location.id == place.id
    db.session.commit()


def test_f5_registering_a_taken_name_never_names_another_units_location(
    app: Flask, world: factories.World, client: FlaskClient
) -> None:
    other = world.locations["POLSEK-A1Y"]
    headers = _api(world, "staff.a1x")
    body = {"name": other.name, "kind": "masjid", "regency": other.regency}
    first = client.post("/api/v1/locations", json=body, headers=headers)
    assert first.status_code == 201, first.get_data(as_text=True)
    own_id = first.get_json()["id"]
    assert own_id != other.id
    second = client.post("/api/v1/locations", json=body, headers=headers)
    assert second.status_code == 409
    text = second.get_data(as_text=True)
    assert f"{other.id})" not in text
    assert f"{own_id})" in text


def test_f6_import_duplicate_warnings_are_scoped(world: factories.World) -> None:
    other_staff = world.users["staff.a1y"]
    other = factories.make_activity(
        other_staff, world.programme, world.u("POLSEK-A1Y"), [world.locations["POLSEK-A1Y"]],
        occurred_on=date(2023, 12, 1),
    )  # fmt: skip
    db.session.commit()
    name = world.locations["POLSEK-A1Y"].name
    content = _book(
        [
            _row("A", unit_code="POLSEK-A1Y", location_name=name, location_kind="pondok_pesantren"),
            _row("B", unit_code="POLSEK-A1X", location_name=name, location_kind="pondok_pesantren"),
        ]
    )
    result = imports.check(world.users["staff.a1x"], content)
    assert any(e.column == "unit_code" for e in result.errors)  # the foreign unit is refused …
    assert result.warnings == []  # … and no duplicate check ran for it: nothing names the other activity
    assert other.id > 0


def test_f5_a_linked_person_must_belong_to_the_activitys_unit(
    app: Flask, world: factories.World, client: FlaskClient
) -> None:
    foreign = Person(name="Heri Setiawan", rank="AKP", unit=world.u("POLSEK-A1Y"))
    own = Person(name="Budi Santoso", rank="IPTU", unit=world.u("POLSEK-A1X"))
    db.session.add_all([foreign, own])
    db.session.commit()
    staff = world.users["staff.a1x"]
    loc = [world.locations["POLSEK-A1X"]]
    leader = PersonInput(rank="AKP", name="Heri Setiawan", person_id=foreign.id)
    with pytest.raises(Invalid) as refused:
        svc.create_activity(
            staff, factories.activity_input(world.programme, world.u("POLSEK-A1X"), loc, leader=leader)
        )
    assert "leader.person_id" in refused.value.fields
    db.session.rollback()
    officer = PersonInput(rank="AKP", name="Heri Setiawan", person_id=foreign.id)
    data = factories.activity_input(world.programme, world.u("POLSEK-A1X"), loc, officers=[officer])
    with pytest.raises(Invalid) as refused:
        svc.create_activity(staff, data)
    assert "officers.0.person_id" in refused.value.fields
    db.session.rollback()
    ok = PersonInput(rank="Iptu", name="Budi Santoso", person_id=own.id)
    created = svc.create_activity(
        staff, factories.activity_input(world.programme, world.u("POLSEK-A1X"), loc, leader=ok)
    )
    assert created.leader_person_id == own.id
    db.session.commit()
    # Through the API: 422 naming the field.
    headers = _api(world, "staff.a1x")
    body = {
        "programme_id": world.programme.id, "unit_code": "POLSEK-A1X", "kind": "sambang", "date": "2023-12-03",
        "leader": {"rank": "AKP", "name": "Heri Setiawan", "person_id": foreign.id},
        "visits": [{"location_id": world.locations["POLSEK-A1X"].id, "beneficiaries": 5}],
    }  # fmt: skip
    response = client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "leader.person_id" in response.get_json()["error"]["fields"]


# ------------------------------------------------------------------------------------------- F8


_JS = sorted((ROOT / "outreach" / "static" / "js").glob("*.js"))
_HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\$\(|\.html\(")


@pytest.mark.parametrize("path", _JS, ids=lambda p: p.name)
def test_f8_no_script_hands_text_to_an_html_sink(path: Path) -> None:
    """Every JS sink takes text or DOM nodes: no innerHTML & co.; Leaflet's bind* get a created element
    (a string there is parsed as HTML: the review's tooltip injection)."""
    source = path.read_text()
    assert not _HTML_SINKS.search(source), _HTML_SINKS.search(source)
    for match in re.finditer(
        r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(([^)]*)\)", source
    ):
        argument = match[2].strip()
        assert re.fullmatch(r"\w+", argument), match[0]
        assert re.search(rf"var {argument} = document\.createElement\(", source), match[0]


# ------------------------------------------------------------------------------------------- F11


def _submitted_by(world: factories.World, author: str, **kw: Any) -> Activity:
    activity = factories.make_activity(
        world.users[author], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]], **kw
    )
    svc.submit_activity(world.users[author], activity)
    db.session.commit()
    return activity


def test_f11_a_commander_cannot_verify_what_they_recorded_or_lead(
    app: Flask, world: factories.World, client: FlaskClient
) -> None:
    commander = world.users["commander.a1x"]
    own = _submitted_by(world, "commander.a1x")
    with pytest.raises(Forbidden):
        svc.verify_activity(commander, own)
    db.session.rollback()
    assert not can_verify(commander, own)
    headers = _api(world, "commander.a1x")
    response = client.post(f"/api/v1/activities/{own.id}/verify", headers=headers)
    assert response.status_code == 403
    # Led by the commander's own person, though recorded by staff: refused as well.
    person = Person(name="Agus Santoso", rank="AKP", unit=world.u("POLSEK-A1X"))
    db.session.add(person)
    db.session.flush()
    commander.person_id = person.id
    leader = PersonInput(rank="AKP", name="Agus Santoso", person_id=person.id)
    led = _submitted_by(world, "staff.a1x", leader=leader)
    with pytest.raises(Forbidden):
        svc.verify_activity(commander, led)
    db.session.rollback()
    # Another commander above may verify both.
    svc.verify_activity(world.users["commander.a1"], db.session.get(Activity, own.id))
    db.session.commit()


def test_f11_self_verification_when_allowed_is_audited(app: Flask, world: factories.World) -> None:
    assert from_environment({"OUTREACH_ALLOW_SELF_VERIFY": "1"}) == {"OUTREACH_ALLOW_SELF_VERIFY": True}
    app.config["OUTREACH_ALLOW_SELF_VERIFY"] = True
    own = _submitted_by(world, "commander.a1x")
    svc.verify_activity(world.users["commander.a1x"], own)
    db.session.commit()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "verify", AuditEntry.entity_id == own.id)
    )
    assert entry is not None
    assert entry.comment == "self-verification"


def test_f11_imported_verified_rows_of_their_own_author_stay_submitted(world: factories.World) -> None:
    commander = world.users["commander.a1x"]
    content = _book([_row("A", status="verified")])
    result, outcome = imports.run(commander, content, "v.xlsx")
    assert outcome.created == 1
    assert any(w.column == "status" for w in result.warnings)  # said up front, in the preview too
    activity = db.session.scalar(select(Activity).where(Activity.import_batch_id == outcome.batch.id))
    assert activity is not None
    assert activity.status is ActivityStatus.SUBMITTED
    db.session.commit()
