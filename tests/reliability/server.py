"""A real gunicorn serving the app on 127.0.0.1 for the concurrency and crash tests, plus a tiny client.

The server runs in its own process group (so the whole of it can be SIGKILLed at once), reads its settings
from an instance folder's ``config.py`` (database URL, upload folder, no API rate limit), and logs to a file
the tests search for ``database is locked`` and tracebacks. Every wait is bounded in time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Response:
    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.status = status
        self.body = body
        self.headers = headers

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    timeout: float = 30.0,
) -> Response:
    """One request on a fresh connection (sync workers close it anyway); OSError when the server is gone."""
    all_headers = dict(headers or {})
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=all_headers)
        resp = conn.getresponse()
        payload = resp.read()
        return Response(resp.status, payload, {k.lower(): v for k, v in resp.getheaders()})
    except http.client.HTTPException as exc:  # a half-read response from a killed worker
        raise ConnectionError(str(exc)) from exc
    finally:
        conn.close()


class Server:
    """``gunicorn -w N`` on a free port of 127.0.0.1 against ``database_url``."""

    def __init__(
        self,
        workdir: Path,
        database_url: str,
        *,
        workers: int = 4,
        upload_dir: Path | None = None,
        extra_config: dict[str, Any] | None = None,
    ) -> None:
        self.workdir = workdir
        self.instance = workdir / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "gunicorn.log"
        self.workers = workers
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        config = {
            "SECRET_KEY": "reliability-test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "OUTREACH_UPLOAD_DIR": str(upload_dir or workdir / "uploads"),
            "OUTREACH_API_RATE_LIMIT": 0,  # the clients here are deliberately faster than any person
            "OUTREACH_PASSWORD_METHOD": "pbkdf2:sha256:1000",
        } | (extra_config or {})
        (self.instance / "config.py").write_text(
            "".join(f"{key} = {value!r}\n" for key, value in config.items()), encoding="utf-8"
        )

    # ------------------------------------------------------------------------------------- lifecycle

    def start(self, timeout: float = 60.0) -> None:
        assert self.proc is None, "already running"
        for _attempt in range(3):
            self.port = free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
            env["OUTREACH_INSTANCE_PATH"] = str(self.instance)
            log = self.log_path.open("ab")
            try:
                self.proc = subprocess.Popen(  # noqa: S603 - fixed argv, our own venv's gunicorn
                    [
                        str(GUNICORN),
                        "--workers",
                        str(self.workers),
                        "--worker-class",
                        "sync",
                        "--bind",
                        f"{HOST}:{self.port}",
                        "--timeout",
                        "60",
                        "--graceful-timeout",
                        "5",
                        "--no-control-socket",  # gunicorn 27 shares one per user by default
                        "--preload",  # import once (≈10 s on a busy 2-core box), then fork: fast (re)starts
                        "outreach:create_app()",
                    ],
                    cwd=str(Path(__file__).resolve().parents[2]),
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: killpg reaches the arbiter and workers
                )
            finally:
                log.close()
            if self._wait_ready(timeout):
                return
            self.kill()
        raise RuntimeError(f"gunicorn did not become ready; log:\n{self.log()[-3000:]}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                if request(self.port, "GET", "/api/v1/openapi.json", timeout=5).status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def worker_pids(self) -> list[int]:
        """The arbiter's live children (the sync workers)."""
        if self.proc is None:
            return []
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def kill(self) -> None:
        """SIGKILL the whole process group (arbiter and workers) and reap the arbiter."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        finally:
            self.proc = None

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL after 10 s."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ----------------------------------------------------------------------------------------- test world


class Deployment:
    """A database prepared in the test process for a gunicorn to serve: world, extra locations, API tokens."""

    def __init__(self, app: Any, uri: str, sqlite_path: Path | None) -> None:
        self.app = app
        self.uri = uri
        self.sqlite_path = sqlite_path
        self.programme_id = 0
        #: unit code → three location ids of that Polsek
        self.locations: dict[str, list[int]] = {}
        self.tokens: dict[str, list[str]] = {}

    def token(self, username: str, index: int = 0) -> str:
        return self.tokens[username][index]

    def activity_body(self, unit: str, title: str, seed: int) -> dict[str, Any]:
        """A valid POST /api/v1/activities body with three visits; the counts derive from ``seed``."""
        return {
            "programme_id": self.programme_id,
            "unit_code": unit,
            "kind": "bakti_sosial",
            "date": "2023-11-30",
            "title": title,
            "leader": {"rank": "AKP", "name": "Lilik Widiastuti", "position": "Kasat Binmas"},
            "visits": [
                {
                    "location_id": loc,
                    "parcels": parcels(seed, i),
                    "beneficiaries": beneficiaries(seed, i),
                    "items": [{"name": "Beras", "quantity": 5 + i, "kind": "beras", "measure": "kg"}],
                }
                for i, loc in enumerate(self.locations[unit])
            ],
            "messages": ["Jaga persatuan dan kesatuan", "Jangan golput"],
        }


def parcels(seed: int, i: int) -> int:
    return (seed * 7 + i * 3) % 13


def beneficiaries(seed: int, i: int) -> int:
    return (seed * 5 + i * 11) % 29 + 1


def prepare(tmp: Path, pg_url: str, tokens_per_user: dict[str, int]) -> Deployment:
    """Schema, catalogues, the factories' world, three locations per Polsek A1X/A1Y and API tokens.

    PostgreSQL: the public schema is dropped and rebuilt with ``create_all`` (as tests/conftest.py does), and
    left in that state. The app's context stays pushed; the caller pops it (``finish``).
    """
    from sqlalchemy import create_engine, text

    from outreach import create_app
    from outreach.extensions import db
    from outreach.models import Base
    from outreach.services import tokens
    from outreach.services.catalogues import seed_catalogues
    from tests import factories
    from tests.conftest import base_config

    sqlite_path = None
    if pg_url:
        uri = pg_url
        engine = create_engine(uri)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        sqlite_path = tmp / "outreach.db"
        uri = f"sqlite:///{sqlite_path}"
        engine = create_engine(uri)
    Base.metadata.create_all(engine)
    engine.dispose()

    app = create_app(base_config(tmp, uri))
    ctx = app.app_context()
    ctx.push()
    deployment = Deployment(app, uri, sqlite_path)
    deployment._ctx = ctx  # type: ignore[attr-defined]
    seed_catalogues()
    world = factories.build_world()
    for code in ("POLSEK-A1X", "POLSEK-A1Y"):
        unit = world.u(code)
        extra = [factories.make_location(f"Desa {code} {n}", "desa", unit=unit) for n in (1, 2)]
        deployment.locations[code] = [world.locations[code].id] + [loc.id for loc in extra]
    assert world.programme is not None
    deployment.programme_id = world.programme.id
    for username, count in tokens_per_user.items():
        deployment.tokens[username] = [
            tokens.create_token(world.users[username], f"reliability {n}")[1] for n in range(count)
        ]
    db.session.commit()
    db.session.remove()
    return deployment


def finish(deployment: Deployment) -> None:
    from outreach.extensions import db

    db.session.remove()
    db.engine.dispose()
    deployment._ctx.pop()  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------------- invariants

ORPHAN_QUERIES = {
    "visits without activity": "SELECT COUNT(*) FROM visits v LEFT JOIN activities a ON a.id = v.activity_id "
    "WHERE a.id IS NULL",
    "visit_items without visit": "SELECT COUNT(*) FROM visit_items i LEFT JOIN visits v ON v.id = i.visit_id "
    "WHERE v.id IS NULL",
    "messages without activity": "SELECT COUNT(*) FROM activity_messages m "
    "LEFT JOIN activities a ON a.id = m.activity_id WHERE a.id IS NULL",
    "photos without activity": "SELECT COUNT(*) FROM photos p LEFT JOIN activities a ON a.id = p.activity_id "
    "WHERE a.id IS NULL",
    "idempotency keys pointing nowhere": "SELECT COUNT(*) FROM idempotency_keys k "
    "LEFT JOIN activities a ON a.id = k.activity_id WHERE k.activity_id IS NOT NULL AND a.id IS NULL",
    "activities without their create audit row": "SELECT COUNT(*) FROM activities a WHERE NOT EXISTS "
    "(SELECT 1 FROM audit_entries e WHERE e.entity_type = 'activity' AND e.action = 'create' "
    "AND e.entity_id = a.id)",
    "activities whose counters disagree with their rows": """
        SELECT COUNT(*) FROM activities a
        LEFT JOIN (SELECT activity_id, COUNT(*) AS n, SUM(parcel_count) AS p, SUM(beneficiary_count) AS b
                   FROM visits GROUP BY activity_id) v ON v.activity_id = a.id
        LEFT JOIN (SELECT activity_id, COUNT(*) AS n FROM activity_messages GROUP BY activity_id) m
               ON m.activity_id = a.id
        WHERE a.visit_count <> COALESCE(v.n, 0) OR a.parcel_count <> COALESCE(v.p, 0)
           OR a.beneficiary_count <> COALESCE(v.b, 0) OR a.message_count <> COALESCE(m.n, 0)""",
}


def invariant_problems() -> dict[str, int]:
    """Every orphan/counter check with a non-zero count (empty when the database is consistent)."""
    from sqlalchemy import text

    from outreach.extensions import db

    db.session.remove()
    with db.engine.connect() as conn:
        found = {name: int(conn.execute(text(sql)).scalar_one()) for name, sql in ORPHAN_QUERIES.items()}
    return {name: n for name, n in found.items() if n}


def stored_by_title(titles: list[str]) -> dict[str, list[dict[str, Any]]]:
    """title → the stored activities with that title (id, status, counters, counted visits)."""
    from sqlalchemy import bindparam, text

    from outreach.extensions import db

    db.session.remove()
    found: dict[str, list[dict[str, Any]]] = {t: [] for t in titles}
    query = text(
        "SELECT a.id, a.title, a.status, a.visit_count, a.parcel_count, a.beneficiary_count, "
        "a.message_count, "
        "(SELECT COUNT(*) FROM visits v WHERE v.activity_id = a.id) AS visits "
        "FROM activities a WHERE a.title IN :titles"
    ).bindparams(bindparam("titles", expanding=True))
    with db.engine.connect() as conn:
        for start in range(0, len(titles), 500):
            for row in conn.execute(query, {"titles": titles[start : start + 500]}).mappings():
                found[row["title"]].append(dict(row))
    return found
