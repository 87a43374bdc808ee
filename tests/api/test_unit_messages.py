"""Issue 11 item 1 for units: one bad value, one message, whether it comes by the CLI, the admin form or the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Unit


def test_bad_unit_code_gets_the_same_message_everywhere(world, api_as, runner, login_as):
    before = db.session.scalar(select(func.count(Unit.id)))
    body = {"code": "polsek baru!", "name": "Polsek Baru", "level": "polsek", "parent_code": "POLRES-A1"}
    response = api_as("admin").post("/api/v1/units", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    api_message = response.get_json()["error"]["fields"]["code"]

    cli = runner.invoke(
        args=["units", "create", "polsek baru!", "--name", "Polsek Baru", "--level", "polsek",
              "--parent", "POLRES-A1"]
    )  # fmt: skip
    assert cli.exit_code == 1
    assert f"error code: {api_message}" in cli.output

    form = {"code": "polsek baru!", "name": "Polsek Baru", "level": "polsek",
            "parent_id": world.u("POLRES-A1").id, "timezone": "WIB"}  # fmt: skip
    html = login_as("admin").post("/admin/units/new", data=form).get_data(as_text=True)
    assert 'id="code-errors"' in html
    assert api_message in html

    assert "POLRES-BLORA" in api_message  # the code rule's message (in the app's language), not a generic one
    assert db.session.scalar(select(func.count(Unit.id))) == before


def test_import_rows_are_checked_by_the_units_schema(world, runner, tmp_path):
    """Each cell's message is the schema's (as the API gives it); the file's own rules stay (region code)."""
    from outreach.services import schema
    from outreach.services.errors import Invalid
    from outreach.services.schema.registry import UnitInput

    long_name = "N" * 161
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,level,parent_code,timezone,region_code\n"
        "POLSEK-OK,Polsek Ok,polsek,POLRES-A1,wita,33.16.10\n"
        f"POLSEK-BAD,{long_name},kodim,POLRES-A1,WITX,33-16\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["units", "import", str(path), "--dry-run"])
    assert result.exit_code == 1
    body = {"code": "POLSEK-BAD", "name": long_name, "level": "kodim", "parent_code": "POLRES-A1",
            "timezone": "WITX"}  # fmt: skip
    with pytest.raises(Invalid) as raised:
        schema.parse(UnitInput, body)
    expected = raised.value.fields
    assert set(expected) == {"name", "level", "timezone"}
    for column, message in expected.items():
        assert f"line 3 {column}: {message}" in result.output
    assert "line 3 region_code:" in result.output
    assert "line 2" not in result.output  # "wita" is WITA, as before
