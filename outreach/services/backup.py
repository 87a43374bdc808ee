"""Backup and restore: one ``.tar.gz`` holding the database, the uploads folder and a manifest.

SQLite is copied with the online backup API in ONE step (a page-stepped backup of a busy database restarts
on every foreign write and starves; docs/OPERATIONS.md), PostgreSQL with ``pg_dump --format=custom`` inside
an exported snapshot so the manifest's table hashes describe exactly the dumped data. A restore checks every
archive member against the manifest before it touches anything, then replaces the database and the uploads
and compares ``PRAGMA integrity_check`` (SQLite) and every table's hash with the manifest.

These functions work on engines and files, not on ``db.session``; they neither flush nor commit ORM state.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from outreach.models import Base, Photo

FORMAT = "outreach-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
UPLOADS = "uploads"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is meant for the operator."""


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    missing_photos: list[str] = field(default_factory=list)


@dataclass
class Staged:
    """A verified archive extracted into a staging folder (removed when the context ends)."""

    manifest: dict[str, Any]
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / str(self.manifest["database"]["member"])

    @property
    def uploads(self) -> Path:
        return self.folder / UPLOADS


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    integrity: str
    mismatches: list[str]


# ----------------------------------------------------------------------------------------------------------
# Content hashes
# ----------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A value normalised to text; None stays None (JSON null) so NULL and '' differ."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def table_hashes(conn: Connection) -> dict[str, TableDigest]:
    """Row count and SHA-256 of the rows of every model table, ordered by primary key, values as text."""
    present = set(inspect(conn).get_table_names())
    digests: dict[str, TableDigest] = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        count = 0
        result = conn.execution_options(yield_per=5000).execute(select(*table.columns).order_by(*order))
        for row in result:
            line = json.dumps([_text(v) for v in row], ensure_ascii=False, separators=(",", ":"))
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
            count += 1
        digests[table.name] = TableDigest(count, digest.hexdigest())
    return digests


def _alembic_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _photo_names(conn: Connection) -> list[str]:
    if not inspect(conn).has_table(Photo.__tablename__):
        return []
    return list(conn.execute(select(Photo.__table__.c.stored_name)).scalars())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------------------------------------
# Engines
# ----------------------------------------------------------------------------------------------------------


def engine_kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database engine {name!r}")
    return name


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("the SQLite database must be a file given by path")
    return Path(database)


def libpq_url(url: URL) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as a libpq URI without the password, and the environment carrying the password."""
    env = {}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql")._replace(password=None)  # set() ignores None
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> None:
    exe = shutil.which(args[0])
    if exe is None:
        raise BackupError(f"{args[0]} not found on PATH (install the PostgreSQL client tools)")
    proc = subprocess.run(  # noqa: S603 - fixed program, arguments from the configuration
        [exe, *args[1:]], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise BackupError(f"{args[0]} failed: {proc.stderr.strip() or proc.returncode}")


# ----------------------------------------------------------------------------------------------------------
# Backup
# ----------------------------------------------------------------------------------------------------------


def _snapshot_sqlite(engine: Engine, target: Path, busy_timeout_ms: int) -> None:
    """Copy the live database in ONE backup step (a consistent snapshot even while others write)."""
    source = sqlite3.connect(_sqlite_path(engine), timeout=busy_timeout_ms / 1000)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # pages=-1: one step, never restarted by concurrent writers
            dest.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file in the archive
            check = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
    finally:
        source.close()
    if check != "ok":
        raise BackupError(f"the copied database failed quick_check: {check}")


def _database_facts(conn: Connection) -> tuple[dict[str, TableDigest], str | None, list[str]]:
    return table_hashes(conn), _alembic_revision(conn), _photo_names(conn)


def _upload_files(upload_dir: Path) -> list[tuple[str, Path]]:
    if not upload_dir.is_dir():
        return []
    files = []
    for path in sorted(upload_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files.append((path.relative_to(upload_dir).as_posix(), path))
    return files


class _HashingReader:
    """Reads a file for tarfile, hashing exactly the bytes handed over."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.fh.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> tuple[str, int]:
    """Add ``path`` as ``name``; returns the SHA-256 and size of the bytes archived."""
    with path.open("rb") as fh:
        stat = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return reader.digest.hexdigest(), info.size


def create_backup(
    engine: Engine, upload_dir: str | Path, output: str | Path, *, busy_timeout_ms: int = 10_000
) -> BackupResult:
    """Write a backup archive to ``output`` (atomically: a temp file renamed into place)."""
    kind = engine_kind(engine)
    output = Path(output)
    upload_dir = Path(upload_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".outreach-backup-", dir=output.parent) as tmp:
        work = Path(tmp)
        if kind == "sqlite":
            member = SQLITE_MEMBER
            _snapshot_sqlite(engine, work / member, busy_timeout_ms)
            copy = create_engine(f"sqlite:///{work / member}", poolclass=NullPool)
            try:
                with copy.connect() as conn:
                    tables, revision, photos = _database_facts(conn)
            finally:
                copy.dispose()
        else:
            member = PG_MEMBER
            url, env = libpq_url(engine.url)
            with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                # Only the app's own schema: a database shared with other schemas (another app's, a test
                # run's) is neither copied nor, on restore, dropped and recreated in one transaction.
                schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--schema={schema}",
                        f"--file={work / member}",
                        url,
                    ],
                    env,
                )
                tables, revision, photos = _database_facts(conn)
                conn.rollback()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": kind,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "alembic_revision": revision,
            "database": {
                "member": member,
                "sha256": file_sha256(work / member),
                "size": (work / member).stat().st_size,
            },
            "tables": {name: {"rows": d.rows, "sha256": d.sha256} for name, d in tables.items()},
            "files": [],
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_file(tar, member, work / member)
            for rel, path in _upload_files(upload_dir):
                try:
                    sha, size = _add_file(tar, f"{UPLOADS}/{rel}", path)
                except FileNotFoundError:
                    continue  # deleted while we were copying: not referenced by the snapshot any more
                manifest["files"].append({"path": rel, "sha256": sha, "size": size})
            stored = {f["path"] for f in manifest["files"]}
            missing = sorted(name for name in photos if name not in stored)
            manifest["missing_photos"] = missing
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    return BackupResult(output, manifest, missing)


# ----------------------------------------------------------------------------------------------------------
# Restore
# ----------------------------------------------------------------------------------------------------------


def _safe_member_name(name: str) -> str:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or name.startswith("/") or "\\" in name:
        raise BackupError(f"unsafe path in archive: {name!r}")
    return pure.as_posix()


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        fh = tar.extractfile(member)
        if fh is None:
            raise KeyError(MANIFEST)
        manifest = json.loads(fh.read().decode("utf-8"))
    except KeyError:
        raise BackupError("not an Outreach backup: manifest.json is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError("the manifest is not valid JSON: the archive is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not an Outreach backup (unknown manifest format)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"unsupported backup format version {manifest.get('format_version')!r}")
    return manifest


def _extract_verified(archive: Path, folder: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _read_manifest(tar)
            database = manifest["database"]
            expected = {database["member"]: database["sha256"]}
            expected.update(
                {f"{UPLOADS}/{_safe_member_name(f['path'])}": f["sha256"] for f in manifest["files"]}
            )
            seen: set[str] = set()
            for member in tar:
                name = _safe_member_name(member.name)
                if name == MANIFEST:
                    continue
                if not member.isfile():
                    raise BackupError(f"unexpected member type in archive: {name!r}")
                if name not in expected:
                    raise BackupError(f"archive member {name!r} is not listed in the manifest")
                source = tar.extractfile(member)
                assert source is not None
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[name]:
                    raise BackupError(
                        f"archive member {name!r} does not match its SHA-256 in the manifest: damaged"
                    )
                seen.add(name)
            absent = sorted(set(expected) - seen)
            if absent:
                raise BackupError(f"archive is incomplete; missing: {', '.join(absent[:5])}")
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, KeyError, TypeError, ValueError) as exc:
        raise BackupError(
            f"the archive cannot be read ({exc.__class__.__name__}: {exc}): damaged or not a backup"
        ) from None
    return manifest


@contextmanager
def staged_archive(archive: str | Path, engine: Engine, upload_dir: str | Path) -> Iterator[Staged]:
    """Extract ``archive`` beside the upload folder and verify every member; nothing live is touched."""
    kind = engine_kind(engine)
    parent = Path(upload_dir).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".outreach-restore-", dir=parent))
    try:
        manifest = _extract_verified(Path(archive), folder)
        if manifest["engine"] != kind:
            raise BackupError(
                f"this backup is of a {manifest['engine']} database but the configured database is {kind}; "
                "restore into the same engine"
            )
        yield Staged(manifest, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _restore_sqlite(engine: Engine, source: Path, busy_timeout_ms: int) -> str:
    live = _sqlite_path(engine)
    engine.dispose()
    src = sqlite3.connect(source)
    try:
        dest = sqlite3.connect(live, timeout=busy_timeout_ms / 1000)
        try:
            src.backup(dest)
            result = [row[0] for row in dest.execute("PRAGMA integrity_check")]
        finally:
            dest.close()
    finally:
        src.close()
    return "ok" if result == ["ok"] else "; ".join(result[:10])


def _restore_postgresql(engine: Engine, source: Path) -> str:
    url, env = libpq_url(engine.url)
    engine.dispose()
    # a session still holding locks makes the restore fail instead of hang
    env["PGOPTIONS"] = "-c lock_timeout=30000"
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={url}",
            str(source),
        ],
        env,
    )
    return "ok"


def _replace_uploads(staged_uploads: Path, upload_dir: Path) -> int:
    upload_dir.mkdir(parents=True, exist_ok=True)
    incoming = {rel for rel, _ in _upload_files(staged_uploads)}
    for rel, path in _upload_files(upload_dir):
        if rel not in incoming:
            path.unlink()
    for rel in sorted(incoming):
        target = upload_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged_uploads / rel, target)
    for folder in sorted((p for p in upload_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return len(incoming)


def restore_staged(
    staged: Staged, engine: Engine, upload_dir: str | Path, *, busy_timeout_ms: int = 10_000
) -> RestoreResult:
    """Replace the database, then the uploads, then verify against the manifest."""
    manifest = staged.manifest
    if manifest["engine"] == "sqlite":
        integrity = _restore_sqlite(engine, staged.database, busy_timeout_ms)
    else:
        integrity = _restore_postgresql(engine, staged.database)
    files = _replace_uploads(staged.uploads, Path(upload_dir))
    with engine.connect() as conn:
        actual = table_hashes(conn)
        conn.rollback()
    mismatches = []
    for name, want in manifest["tables"].items():
        got = actual.get(name)
        if got is None:
            mismatches.append(f"{name}: table missing after restore")
        elif (got.rows, got.sha256) != (want["rows"], want["sha256"]):
            mismatches.append(
                f"{name}: {got.rows} rows restored, {want['rows']} in the backup, or content differs"
            )
    return RestoreResult(
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        files=files,
        integrity=integrity,
        mismatches=mismatches,
    )
