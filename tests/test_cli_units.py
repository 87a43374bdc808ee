"""`units create|import|list|load-polri` and the first admin on a database without demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import AuditEntry, Unit, UnitLevel, User
from outreach.services import units as unit_service

PASSWORD = "Hook-Check-12345-Panjang"


def _unit(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _count(level: UnitLevel | None = None) -> int:
    query = select(func.count(Unit.id))
    if level is not None:
        query = query.where(Unit.level == level)
    return int(db.session.scalar(query) or 0)


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------------------------------ first admin


def test_first_admin_without_units_is_told_which_command_to_run(runner):
    result = runner.invoke(args=["users", "create", "kepala", "--role", "admin", "--password", PASSWORD])
    assert result.exit_code == 1
    assert "units load-polri" in result.output
    assert "units create MABES-POLRI" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_hook_check_sequence(runner):
    """The exact commands an operator's check runs on an empty database (after `db upgrade`)."""
    created = runner.invoke(
        args=["units", "create", "MABES-POLRI", "--name", "Mabes Polri", "--level", "mabes"]
    )
    assert created.exit_code == 0, created.output
    admin = runner.invoke(args=["users", "create", "first.admin", "--role", "admin", "--password", PASSWORD])
    assert admin.exit_code == 0, admin.output
    user = db.session.scalar(select(User).where(User.username == "first.admin"))
    assert user.unit.code == "MABES-POLRI"
    assert user.unit.parent_id is None


# ------------------------------------------------------------------------------------------ units create


def test_units_create_builds_a_tree_with_level_rules(runner):
    def create(*args: str):
        return runner.invoke(args=["units", "create", *args])

    assert create("MABES-POLRI", "--name", "Mabes Polri", "--level", "mabes").exit_code == 0
    ok = create("polda-jateng", "--name", "Polda Jawa Tengah", "--level", "polda", "--parent", "MABES-POLRI",
                "--region-code", "33")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    polda = _unit("POLDA-JATENG")
    expected_path = f"/{polda.parent_id}/{polda.id}/"
    assert (polda.parent.code, polda.region_code, polda.path) == ("MABES-POLRI", "33", expected_path)

    second_root = create("POLDA-JATIM", "--name", "Polda Jawa Timur", "--level", "polda")
    assert second_root.exit_code == 1
    assert "MABES-POLRI" in second_root.output
    wrong_level = create(
        "POLSEK-CEPU", "--name", "Polsek Cepu", "--level", "polsek", "--parent", "POLDA-JATENG"
    )
    assert wrong_level.exit_code == 1
    assert "parent_code" in wrong_level.output
    unknown_parent = create("POLRES-BLORA", "--name", "Polres Blora", "--level", "polres", "--parent", "NOPE")
    assert unknown_parent.exit_code == 1
    assert "NOPE" in unknown_parent.output
    taken = create("POLDA-JATENG", "--name", "Lagi", "--level", "polda", "--parent", "MABES-POLRI")
    assert taken.exit_code == 1
    bad = create("polres blora!", "--name", " ", "--level", "polres", "--parent", "POLDA-JATENG",
                 "--region-code", "33-16")  # fmt: skip
    assert bad.exit_code == 1
    for column in ("code", "name", "region_code"):
        assert column in bad.output
    assert _count() == 2


# ------------------------------------------------------------------------------------------ units import

GOOD = """code,name,level,parent_code,region_code,regency,district
POLSEK-CEPU,Polsek Cepu,polsek,POLRES-BLORA,33.16.10,Kabupaten Blora,Cepu
POLRES-BLORA,Polres Blora,polres,POLDA-JATENG,33.16,Kabupaten Blora,
POLDA-JATENG,Polda Jawa Tengah,polda,MABES-POLRI,33,,
MABES-POLRI,Mabes Polri,mabes,,,,
"""


def test_units_import_creates_in_parent_order_then_updates_without_duplicates(runner, tmp_path):
    path = _csv(tmp_path, GOOD)
    dry = runner.invoke(args=["units", "import", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would create POLSEK-CEPU" in dry.output
    assert "dry run" in dry.output
    assert _count() == 0

    done = runner.invoke(args=["units", "import", path])
    assert done.exit_code == 0, done.output
    assert "4 created" in done.output
    cepu = _unit("POLSEK-CEPU")
    assert (cepu.parent.code, cepu.parent.parent.code, cepu.region_code, cepu.district) == (
        "POLRES-BLORA", "POLDA-JATENG", "33.16.10", "Cepu",
    )  # fmt: skip
    assert cepu.path.startswith(_unit("MABES-POLRI").path)

    renamed = GOOD.replace("Polsek Cepu,", "Polsek Cepu Kota,")
    again = runner.invoke(args=["units", "import", _csv(tmp_path, renamed)])
    assert again.exit_code == 0, again.output
    assert "updated POLSEK-CEPU" in again.output
    assert "0 created, 1 updated, 3 unchanged" in again.output
    assert _count() == 4
    assert _unit("POLSEK-CEPU").name == "Polsek Cepu Kota"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity_type == "unit")) == 5


def test_units_import_reports_every_bad_row_by_line_and_writes_nothing(runner, tmp_path):
    runner.invoke(args=["units", "create", "MABES-POLRI", "--name", "Mabes Polri", "--level", "mabes"])
    text = """code,name,level,parent_code,timezone
POLDA-JATENG,Polda Jawa Tengah,polda,MABES-POLRI,WIB
POLRES-BLORA,,polres,POLDA-JATENG,WIB
POLRES-REMBANG,Polres Rembang,kabupaten,POLDA-JATENG,WIB
POLSEK-CEPU,Polsek Cepu,polsek,POLDA-JATENG,WIB
POLDA-JATENG,Polda lagi,polda,MABES-POLRI,WIB
POLSEK-X,Polsek X,polsek,POLRES-NOWHERE,XYZ
OTHER-ROOT,Root,mabes,,WIB
"""
    result = runner.invoke(args=["units", "import", _csv(tmp_path, text)])
    assert result.exit_code == 1
    out = result.output
    for expected in (
        "line 3 name",
        "line 4 level",
        "line 5 parent_code",
        "line 6 code",
        "line 7 parent_code",
        "line 7 timezone",
        "line 8 parent_code",
    ):
        assert expected in out, (expected, out)
    assert "line 2 " not in out
    assert "nothing imported" in out
    assert _count() == 1


def test_units_import_reads_semicolons_and_a_bom(runner, tmp_path):
    """A spreadsheet set to Indonesian saves "CSV" with semicolons, often behind a byte-order mark."""
    text = (
        "\ufeffcode;name;level;parent_code\n"
        "MABES-POLRI;Mabes Polri;mabes;\n"
        "POLDA-JATENG;Polda Jawa Tengah;polda;MABES-POLRI\n"
    )
    result = runner.invoke(args=["units", "import", _csv(tmp_path, text)])
    assert result.exit_code == 0, result.output
    assert _unit("POLDA-JATENG").parent.code == "MABES-POLRI"


def test_units_import_refuses_a_file_that_is_not_utf8(runner, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "code,name,level,parent_code\nPOLSEK-CEPU,Polsek Cépu,polsek,POLRES-BLORA\n".encode("latin-1")
    )
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 1
    assert "UTF-8" in result.output
    assert "No units yet" in runner.invoke(args=["units", "list"]).output


def test_units_import_rejects_a_wrong_header(runner, tmp_path):
    result = runner.invoke(args=["units", "import", _csv(tmp_path, "code,name,parent\nA,B,C\n")])
    assert result.exit_code == 1
    assert "line 1 header" in result.output
    assert "level" in result.output and "parent" in result.output


def test_units_list_under_a_unit(runner, tmp_path):
    runner.invoke(args=["units", "import", _csv(tmp_path, GOOD)])
    result = runner.invoke(args=["units", "list", "--under", "POLRES-BLORA"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("POLRES-BLORA")
    assert lines[1].strip().startswith("POLSEK-CEPU")
    assert "33.16.10" in lines[1]
    assert "MABES" not in result.output
    assert runner.invoke(args=["units", "list"]).output.count("\n") == 4
    assert runner.invoke(args=["units", "list", "--under", "NOPE"]).exit_code == 1


# ------------------------------------------------------------------------------------------ load-polri


@pytest.mark.slow
def test_load_polri_builds_the_tree_once_and_keeps_admin_changes(runner):
    dry = runner.invoke(args=["units", "load-polri", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would add POLRES-BLORA" in dry.output
    assert _count() == 0

    assert runner.invoke(args=["units", "load-polri"]).exit_code == 0
    assert _count(UnitLevel.MABES) == 1
    assert _count(UnitLevel.POLDA) == 34
    assert _count(UnitLevel.POLRES) == 508
    assert _count(UnitLevel.SATKER) == 26
    blora = _unit("POLRES-BLORA")
    assert (blora.name, blora.parent.code, blora.region_code, blora.regency, blora.city) == (
        "Polres Blora", "POLDA-JATENG", "33.16", "Kabupaten Blora", "Blora",
    )  # fmt: skip
    assert _unit("POLDA-JATENG").name == "Polda Jawa Tengah"
    assert _unit("POLRESTABES-SEMARANG").region_code == "33.74"  # the city
    assert _unit("POLRES-SEMARANG").region_code == "33.22"  # the regency
    assert _unit("POLRES-PEKALONGAN-KOTA").regency == "Kota Pekalongan"
    assert _unit("POLRES-METRO-JAKARTA-PUSAT").region_code is None  # listed in docs/POLRI-UNITS.md
    assert _unit("POLDA-PAPUA").timezone == "WIT"
    assert _unit("BAHARKAM-POLRI").parent.code == "MABES-POLRI"

    blora.name = "Polres Blora (diubah admin)"
    db.session.commit()
    again = runner.invoke(args=["units", "load-polri"])
    assert again.exit_code == 0
    assert "0 unit(s) added, 569 already there" in again.output
    assert _unit("POLRES-BLORA").name == "Polres Blora (diubah admin)"
    assert _count() == 569


def test_load_polri_refuses_a_foreign_root(runner):
    runner.invoke(args=["units", "create", "POLRES-BLORA", "--name", "Polres Blora", "--level", "polres"])
    result = runner.invoke(args=["units", "load-polri"])
    assert result.exit_code == 1
    assert "POLRES-BLORA" in result.output and "MABES-POLRI" in result.output
    assert _count() == 1


def test_polsek_for_offers_one_per_kecamatan_and_imports(runner, tmp_path):
    rows = [r for r in unit_service.polri_rows() if r.code in ("MABES-POLRI", "POLDA-JATENG", "POLRES-BLORA")]
    assert not unit_service.apply_rows(rows).errors
    db.session.commit()
    out = tmp_path / "polsek.csv"
    offered = runner.invoke(args=["units", "load-polri", "--polsek-for", "POLRES-BLORA", "-o", str(out)])
    assert offered.exit_code == 0, offered.output
    assert "units import" in offered.output
    parsed, errors = unit_service.read_rows(out.read_text(encoding="utf-8"))
    assert not errors
    assert len(parsed) == 16  # the kecamatan of Kabupaten Blora
    names = {r.name for r in parsed}
    assert {"Polsek Blora Kota", "Polsek Cepu", "Polsek Tunjungan"} <= names
    assert all(
        r.parent_code == "POLRES-BLORA" and r.values["region_code"].startswith("33.16.") for r in parsed
    )

    imported = runner.invoke(args=["units", "import", str(out)])
    assert imported.exit_code == 0, imported.output
    assert _count(UnitLevel.POLSEK) == 16
    assert _unit("POLSEK-CEPU").district == "Cepu"

    no_region = runner.invoke(args=["units", "load-polri", "--polsek-for", "POLDA-JATENG"])
    assert no_region.exit_code == 1


def test_shipped_polri_table_is_valid():
    rows = unit_service.polri_rows()
    assert len(rows) == 569
    assert len({r.code for r in rows}) == len(rows)
    assert all(len(r.code) <= 40 and r.name for r in rows)


SHARED_LIST = Path("/work/shared/data/polri-units.csv")


@pytest.mark.skipif(not SHARED_LIST.exists(), reason="the source list is not on this machine")
def test_shipped_table_is_what_the_generator_makes():
    """outreach/data/polri_units.csv is the generator's output, unedited (scripts/polri_units.py)."""
    import csv
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "polri_units.py"
    spec = importlib.util.spec_from_file_location("polri_units_script", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows, unplaced, newer = module.build(SHARED_LIST)
    with unit_service.POLRI_TABLE.open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == rows
    doc = (Path(__file__).resolve().parents[1] / "docs" / "POLRI-UNITS.md").read_text(encoding="utf-8")
    assert doc == module.document(rows, unplaced, newer)
    assert any(code == "POLRES-METRO-JAKARTA-PUSAT" for code, _name, _why in unplaced)
