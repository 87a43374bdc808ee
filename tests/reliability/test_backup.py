"""Backup and restore (issue 7 item 4, T12): round trip, refusal of a damaged archive, backup under writes."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from outreach.extensions import db, writing
from outreach.models import Activity, Photo, Unit, User
from outreach.services import activities as svc
from outreach.services import backup, rollups
from tests import factories
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(
    bool(PG_URL) and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="PostgreSQL test database configured but pg_dump/pg_restore are not on PATH",
)


def _hashes() -> dict[str, backup.TableDigest]:
    db.session.remove()
    with db.engine.connect() as conn:
        return backup.table_hashes(conn)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _build(app, world) -> Path:
    """Three activities (one submitted), a photo row with its files, and a nested upload."""
    staff = world.users["staff.a1x"]
    unit, location = world.u("POLSEK-A1X"), world.locations["POLSEK-A1X"]
    acts = [factories.make_activity(staff, world.programme, unit, [location]) for _ in range(3)]
    svc.submit_activity(staff, acts[0])
    db.session.add(
        Photo(
            activity_id=acts[0].id,
            stored_name="aa11.jpg",
            original_name="kegiatan.jpg",
            content_type="image/jpeg",
            width=2,
            height=2,
            size_bytes=4,
            created_by_id=staff.id,
        )
    )
    db.session.commit()
    uploads = Path(app.config["OUTREACH_UPLOAD_DIR"])
    (uploads / "sub").mkdir(parents=True)
    (uploads / "aa11.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    (uploads / "aa11_thumb.jpg").write_bytes(b"\xff\xd8thumb")
    (uploads / "sub" / "catatan.txt").write_text("berkas lain", encoding="utf-8")
    return uploads


def _mutate(uploads: Path) -> None:
    """Change, delete and add rows and files."""
    with writing():
        db.session.execute(update(Unit).where(Unit.code == "POLDA-A").values(name="Diubah"))
        db.session.execute(delete(Photo))
        last = db.session.scalar(select(func.max(Activity.id)))
        db.session.execute(delete(Activity).where(Activity.id == last))
        rollups.rebuild(
            db.session.connection()
        )  # a change made outside the services: rebuild, as an operator would
        db.session.commit()
    (uploads / "aa11.jpg").write_bytes(b"overwritten")
    (uploads / "sub" / "catatan.txt").unlink()
    (uploads / "baru.png").write_bytes(b"new file")


def test_round_trip_restores_every_table_and_file(app, world, runner, tmp_path):
    uploads = _build(app, world)
    before, files_before = _hashes(), _files(uploads)
    archive = tmp_path / "out" / "backup.tar.gz"

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "3 files" in result.output
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["engine"] == db.engine.dialect.name
    assert manifest["tables"] == {n: {"rows": d.rows, "sha256": d.sha256} for n, d in before.items()}
    assert manifest["tables"]["activities"]["rows"] == 3
    assert {f["path"] for f in manifest["files"]} == set(files_before)
    assert manifest["missing_photos"] == []

    again = runner.invoke(args=["backup", str(archive)])
    assert again.exit_code == 1
    assert "--force" in again.output

    _mutate(uploads)
    changed, files_changed = _hashes(), _files(uploads)
    assert changed != before
    assert files_changed != files_before

    declined = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert declined.exit_code == 1
    assert "Replace the database" in declined.output
    assert _hashes() == changed
    assert _files(uploads) == files_changed

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    assert _hashes() == before
    assert _files(uploads) == files_before
    assert not list(uploads.parent.glob(".outreach-restore-*"))  # staging removed
    assert db.session.scalar(select(Unit.name).where(Unit.code == "POLDA-A")) != "Diubah"
    # the app keeps working on the restored database
    staff = db.session.scalar(select(User).where(User.username == "staff.a1x"))
    factories.make_activity(staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]])
    db.session.commit()


def _rewrite(archive: Path, target: Path, member: str) -> None:
    """Copy the archive, flipping one byte in ``member`` but keeping the manifest as it was."""
    out = io.BytesIO()
    with tarfile.open(archive) as src, tarfile.open(fileobj=out, mode="w:gz") as dst:
        for info in src:
            data = bytearray(src.extractfile(info).read())  # type: ignore[union-attr]
            if info.name == member:
                data[len(data) // 2] ^= 0x01
            dst.addfile(info, io.BytesIO(bytes(data)))
    target.write_bytes(out.getvalue())


@pytest.mark.parametrize("damage", ["database", "upload", "gzip"])
def test_damaged_archive_is_refused_and_changes_nothing(app, world, runner, tmp_path, damage):
    uploads = _build(app, world)
    archive = tmp_path / "good.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    _mutate(uploads)
    changed, files_changed = _hashes(), _files(uploads)

    bad = tmp_path / "bad.tar.gz"
    if damage == "gzip":
        raw = bytearray(archive.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        bad.write_bytes(bytes(raw))
    else:
        with tarfile.open(archive) as tar:
            names = tar.getnames()
        member = (
            next(n for n in names if n.startswith("database."))
            if damage == "database"
            else "uploads/aa11.jpg"
        )
        _rewrite(archive, bad, member)

    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code == 1
    assert "Error:" in result.output
    if damage != "gzip":
        assert "does not match its SHA-256" in result.output
    assert _hashes() == changed
    assert _files(uploads) == files_changed
    assert not list(uploads.parent.glob(".outreach-restore-*"))


def test_not_a_backup_is_refused(app, runner, tmp_path):
    plain = tmp_path / "x.tar.gz"
    with gzip.open(plain, "wb") as fh:
        fh.write(b"not a tar")
    result = runner.invoke(args=["restore", str(plain), "--yes"])
    assert result.exit_code == 1
    assert "Error:" in result.output


@pytest.mark.skipif(bool(PG_URL), reason="the online backup API under concurrent writers is SQLite-specific")
def test_backup_while_writing_passes_integrity_check(app, world, runner, tmp_path):
    ids = {
        "actor": world.users["staff.a1x"].id,
        "programme": world.programme.id,
        "unit": world.u("POLSEK-A1X").id,
        "location": world.locations["POLSEK-A1X"].id,
    }
    # some bulk so the copy takes a moment
    staff = world.users["staff.a1x"]
    for _ in range(40):
        factories.make_activity(
            staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
        )
    db.session.commit()
    db.session.remove()

    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with app.app_context(), writing():
                from outreach.models import Location, Programme

                actor = db.session.get(User, ids["actor"])
                programme = db.session.get(Programme, ids["programme"])
                unit = db.session.get(Unit, ids["unit"])
                location = db.session.get(Location, ids["location"])
                deadline = time.monotonic() + 15
                while not stop.is_set() and time.monotonic() < deadline:
                    act = factories.make_activity(actor, programme, unit, [location])
                    db.session.commit()
                    written.append(act.id)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3 and thread.is_alive():
            time.sleep(0.01)
        archive = tmp_path / "busy.tar.gz"
        result = runner.invoke(args=["backup", str(archive)])
        during = len(written)
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join(20)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert during >= 3  # the writer was committing when the backup started (about 8 commits land during it)

    extract = tmp_path / "extract"
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        (extract).mkdir()
        (extract / "db.sqlite3").write_bytes(tar.extractfile("database.sqlite3").read())  # type: ignore[union-attr]
    conn = sqlite3.connect(extract / "db.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        activities = conn.execute("SELECT count(*) FROM activities").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM activities a"
            " WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.activity_id = a.id)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert activities == manifest["tables"]["activities"]["rows"] >= 43
    assert orphans == 0

    # the copy is a consistent snapshot: restoring it reproduces the manifest exactly
    restored = runner.invoke(args=["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output


def test_libpq_url_drops_driver_and_password():
    from sqlalchemy.engine import make_url

    url, env = backup.libpq_url(make_url("postgresql+psycopg://out:p%40ss@db:5433/outreach?sslmode=require"))
    assert url == "postgresql://out@db:5433/outreach?sslmode=require"
    assert env == {"PGPASSWORD": "p@ss"}


@pytest.mark.skipif(not PG_URL, reason="schemas beside the app's are a PostgreSQL matter")
def test_postgresql_backup_holds_only_the_apps_schema(app, world, runner, tmp_path):
    """Another schema in the same database (another app's, or many: the lock table of one restore
    transaction is finite) is neither copied nor dropped and recreated by a restore."""
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS t_neighbour CASCADE; CREATE SCHEMA t_neighbour"))
        conn.execute(text("CREATE TABLE t_neighbour.notes (id integer PRIMARY KEY, body text)"))
        conn.execute(text("INSERT INTO t_neighbour.notes VALUES (1, 'tetap')"))
    try:
        _build(app, world)
        archive = tmp_path / "app-only.tar.gz"
        assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
        with tarfile.open(archive) as tar:
            (tmp_path / "db.pgdump").write_bytes(tar.extractfile("database.pgdump").read())  # type: ignore[union-attr]
        listing = subprocess.run(
            ["pg_restore", "--list", str(tmp_path / "db.pgdump")], capture_output=True, text=True, check=True
        ).stdout
        assert " activities " in listing
        assert "t_neighbour" not in listing

        with db.engine.begin() as conn:
            conn.execute(text("UPDATE t_neighbour.notes SET body = 'diubah sesudah cadangan'"))
        result = runner.invoke(args=["restore", str(archive), "--yes"])
        assert result.exit_code == 0, result.output
        with db.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT body FROM t_neighbour.notes")).scalar_one()
                == "diubah sesudah cadangan"
            )
    finally:
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS t_neighbour CASCADE"))
