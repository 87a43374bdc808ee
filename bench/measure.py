# ruff: noqa: E501
"""The measurements: the app's own code paths, each beside a floor timed in the same run on the same data.

A floor is the least work that gives the same output without the app's layers, so that the ratio app/floor
measures only what the app adds. It must do the same amount of essential work: the XLSX floor writes the same
rows and the same 30 columns with values of the same types as the visits export (ints, dates, times, texts;
see :func:`_floor_visits_sql`), read by one bare SQL statement and appended to openpyxl's ``write_only``
sheet as they come. (Until 2026-11 it wrote 13 of the 30 columns: those cost less than half of the 30, so the
app looked 2.5–2.7× its floor when it was 1.2–1.3× an honest one.) What the app adds on top is its own: the
header row, number formats, the formula guard, the per-batch message lookup and the service's filters.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bench.generate import PASSWORD, PASSWORD_METHOD, ROUTINE_PROGRAMME, Dataset

ROOT = Path(__file__).resolve().parent.parent
#: (name, scope key, from, to): month-aligned periods, so the floor's monthly summary rows answer exactly.
SCENARIOS = (
    ("polsek_3mo", "polsek", date(2024, 1, 1), date(2024, 3, 31)),
    ("polres_3mo", "polres", date(2024, 1, 1), date(2024, 3, 31)),
    ("polda_12mo", "polda", date(2024, 1, 1), date(2024, 12, 31)),
    ("national_24mo", "mabes", date(2023, 1, 1), date(2024, 12, 31)),
)
COUNTED = ("submitted", "verified")


@dataclass
class Result:
    name: str
    db: str
    n: int
    median_s: float
    floor: str
    floor_median_s: float
    ratio: float
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("median_s", "floor_median_s"):
            d[key] = round(d[key], 6)
        d["ratio"] = round(d["ratio"], 2)
        return d


def median_time(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def _result(name: str, ds: Dataset, median: float, floor: str, floor_median: float, **extra: Any) -> Result:
    ratio = median / floor_median if floor_median > 0 else float("inf")
    return Result(name, ds.db, ds.n, median, floor, floor_median, ratio, extra)


def bench_app(ds: Dataset) -> Any:
    from outreach import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": ds.url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "OUTREACH_PASSWORD_METHOD": PASSWORD_METHOD,
            "OUTREACH_SQLITE_SYNCHRONOUS": "NORMAL",
            "OUTREACH_UPLOAD_DIR": tempfile.mkdtemp(prefix="outreach-bench-"),
        }
    )


def _user(username: str) -> Any:
    from outreach.extensions import db
    from outreach.models import User

    return db.session.scalar(select(User).where(User.username == username))


# --------------------------------------------------------------------------------------------- stats


def _floor_stats(conn: Any, root_id: int, prefix: str, start: date, end: date) -> dict[str, Any]:
    """A bare read of the bench's own monthly summary rows: totals, locations, by child unit, by month."""
    params = {"p": prefix + "%", "a": start.strftime("%Y-%m"), "b": end.strftime("%Y-%m"), "root": root_id}
    scope = "u.path LIKE :p AND m.status IN ('submitted', 'verified') AND m.month BETWEEN :a AND :b"
    totals = conn.execute(
        text(f"""
        SELECT coalesce(sum(m.activities), 0), coalesce(sum(m.visits), 0), coalesce(sum(m.parcels), 0),
               coalesce(sum(m.beneficiaries), 0), coalesce(sum(m.messages), 0)
        FROM bench_unit_month m JOIN units u ON u.id = m.unit_id WHERE {scope}"""),
        params,
    ).one()
    locations = conn.execute(
        text(f"""
        SELECT count(DISTINCT m.location_id) FROM bench_unit_month_location m JOIN units u ON u.id = m.unit_id
        WHERE {scope}"""),
        params,
    ).scalar()
    by_child = conn.execute(
        text(f"""
        SELECT c.id, sum(m.activities), sum(m.visits), sum(m.parcels)
        FROM bench_unit_month m JOIN units u ON u.id = m.unit_id
        JOIN units c ON c.parent_id = :root AND u.path LIKE c.path || '%'
        WHERE {scope} GROUP BY c.id"""),
        params,
    ).all()
    by_month = conn.execute(
        text(f"""
        SELECT m.month, sum(m.activities), sum(m.visits), sum(m.parcels)
        FROM bench_unit_month m JOIN units u ON u.id = m.unit_id WHERE {scope} GROUP BY m.month"""),
        params,
    ).all()
    keys = ("activities", "visits", "parcels", "beneficiaries", "messages")
    figures = {k: int(v) for k, v in zip(keys, totals, strict=True)} | {"locations": int(locations or 0)}
    return {"totals": figures, "by_child": len(by_child), "by_month": {r[0]: int(r[1]) for r in by_month}}


def _normalized(conn: Any, prefix: str, start: date, end: date) -> dict[str, int]:
    """The straightforward normalized query over raw rows: the figures every other path must equal."""
    row = conn.execute(
        text("""
        SELECT count(DISTINCT a.id), count(v.id), coalesce(sum(v.parcel_count), 0),
               coalesce(sum(v.beneficiary_count), 0), count(DISTINCT v.location_id)
        FROM activities a JOIN units u ON u.id = a.unit_id LEFT JOIN visits v ON v.activity_id = a.id
        WHERE u.path LIKE :p AND a.deleted_at IS NULL AND a.status IN ('submitted', 'verified')
          AND a.occurred_on BETWEEN :a AND :b"""),
        {"p": prefix + "%", "a": start, "b": end},
    ).one()
    messages = conn.execute(
        text("""
        SELECT count(m.id) FROM activities a JOIN units u ON u.id = a.unit_id
        JOIN activity_messages m ON m.activity_id = a.id
        WHERE u.path LIKE :p AND a.deleted_at IS NULL AND a.status IN ('submitted', 'verified')
          AND a.occurred_on BETWEEN :a AND :b"""),
        {"p": prefix + "%", "a": start, "b": end},
    ).scalar()
    keys = ("activities", "visits", "parcels", "beneficiaries", "locations")
    return {k: int(v) for k, v in zip(keys, row, strict=True)} | {"messages": int(messages or 0)}


def measure_stats(app: Any, ds: Dataset, repeats: int, log: Any) -> list[Result]:
    from outreach.extensions import db
    from outreach.models import Unit
    from outreach.services import stats

    results: list[Result] = []
    client = app.test_client()
    logged_in: str | None = None
    for name, key, start, end in SCENARIOS:
        with app.app_context():
            user = _user(ds.users[key])
            unit = db.session.scalar(select(Unit).where(Unit.code == ds.scope[key]))
            root_id, prefix = unit.id, unit.path
            filters = stats.StatsFilter(date_from=start, date_to=end)
            summary = stats.summarize(user, filters)
            conn = db.session.connection()
            floor = _floor_stats(conn, root_id, prefix, start, end)
            started = time.perf_counter()
            normalized = _normalized(conn, prefix, start, end)
            normalized_s = time.perf_counter() - started
            t = summary.totals
            app_figures = {
                "activities": t.activities,
                "visits": t.visits,
                "parcels": t.parcels,
                "beneficiaries": t.beneficiaries,
                "locations": t.locations,
                "messages": t.messages,
            }
            app_months = {
                r.period_start.strftime("%Y-%m"): r.activities for r in summary.by_month if r.activities
            }
            equal = app_figures == normalized == floor["totals"] and app_months == floor["by_month"]
            stats_s = median_time(lambda: stats.summarize(user, filters), repeats)  # noqa: B023
            floor_s = median_time(lambda: _floor_stats(conn, root_id, prefix, start, end), repeats)  # noqa: B023
            db.session.rollback()
        results.append(
            _result(
                f"stats.summarize {name}",
                ds,
                stats_s,
                "bare SQL read of bench summary rows",
                floor_s,
                figures=normalized,
                figures_equal=equal,
                normalized_query_s=round(normalized_s, 4),
            )
        )
        log(
            f"  stats {name}: {stats_s * 1000:.1f} ms vs floor {floor_s * 1000:.2f} ms; figures equal: {equal}"
        )

        username = ds.users[key]
        if logged_in != username:
            client.post("/logout")
            response = client.post("/login", data={"username": username, "password": PASSWORD})
            assert response.status_code == 302, response.status_code
            logged_in = username
        query = f"?programme_id=&from={start.isoformat()}&to={end.isoformat()}"
        url, deferred = f"/dashboard/{query}", f"/dashboard/deferred{query}"
        fetch = {"X-Requested-With": "fetch"}  # as dashboard.js asks for the map and gaps after the figures
        for path, headers in ((url, {}), (deferred, fetch)):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        page_s = median_time(lambda: client.get(url), repeats)  # noqa: B023
        deferred_s = median_time(lambda: client.get(deferred, headers=fetch), repeats)  # noqa: B023
        results.append(
            _result(f"dashboard page {name}", ds, page_s, "bare SQL read of bench summary rows", floor_s)
        )
        results.append(
            _result(
                f"dashboard page + map and gaps {name}",
                ds,
                page_s + deferred_s,
                "the straightforward normalized GROUP BY (one run)",
                normalized_s,
                first_paint_s=round(page_s, 4),
                deferred_s=round(deferred_s, 4),
            )
        )
        log(
            f"  dashboard page {name}: {page_s * 1000:.1f} ms + map and gaps {deferred_s * 1000:.1f} ms"
            f" (normalized query {normalized_s * 1000:.0f} ms)"
        )
    client.post("/logout")
    return results


# --------------------------------------------------------------------------------------------- list


def measure_list(app: Any, ds: Dataset, repeats: int, log: Any) -> list[Result]:
    from outreach.extensions import db
    from outreach.models import ActivityStatus
    from outreach.services.activity_list import ActivityFilter, page_activities

    results = []
    with app.app_context():
        admin = _user(ds.users["admin"])
        filters = ActivityFilter(programme_id=ROUTINE_PROGRAMME, statuses=[ActivityStatus.VERIFIED])
        conn = db.session.connection()
        for page in (1, 500):

            def app_page(page: int = page) -> Any:  # the code path of the web list and the API
                p = page_activities(
                    admin, filters, page, per_page=25, count_cap=app.config["OUTREACH_LIST_COUNT_CAP"]
                )
                return [a.unit.code for a in p.items], p.total, p.total_exact

            def floor_page(page: int = page) -> Any:
                return conn.execute(
                    text("""
                    SELECT a.id, a.occurred_on, a.title, a.unit_id, a.kind_id, a.status, a.parcel_count
                    FROM activities a
                    WHERE a.deleted_at IS NULL AND a.status = 'verified' AND a.programme_id = :p
                    ORDER BY a.occurred_on DESC, a.id DESC LIMIT 25 OFFSET :o"""),
                    {"p": ROUTINE_PROGRAMME, "o": (page - 1) * 25},
                ).all()

            rows, total, total_exact = app_page()
            app_s = median_time(app_page, repeats)
            floor_s = median_time(floor_page, repeats)
            results.append(
                _result(
                    f"activity list page {page}",
                    ds,
                    app_s,
                    "bare LIMIT/OFFSET SELECT (no count)",
                    floor_s,
                    rows=len(rows),
                    total=total,
                    total_exact=total_exact,
                )
            )
            log(f"  list page {page}: {app_s * 1000:.1f} ms vs floor {floor_s * 1000:.2f} ms")
        db.session.rollback()
    return results


# --------------------------------------------------------------------------------------------- writes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def _load(
    port: int,
    method: str,
    path: str,
    body: Callable[[], bytes | None],
    headers: dict[str, str],
    threads: int,
    per_thread: int,
) -> dict[str, Any]:
    """A bounded client loop: ``threads`` × ``per_thread`` requests, each on a new connection."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(per_thread):
            try:
                status, elapsed = _request(port, method, path, body(), headers)
            except OSError:
                status, elapsed = -1, 0.0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status > 0:
                    latencies.append(elapsed)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": threads * per_thread,
        "req_per_s": round(threads * per_thread / wall, 1),
        "p50_s": latencies[len(latencies) // 2] if latencies else 0.0,
        "p99_s": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def measure_writes(app: Any, ds: Dataset, per_thread: int, log: Any) -> list[Result]:
    from outreach.extensions import db
    from outreach.models import Activity, ActivityKind
    from outreach.services.tokens import create_token

    with app.app_context():
        staff = _user(ds.users["staff"])
        _, token = create_token(staff, "bench")
        kind = db.session.scalar(select(ActivityKind.code).order_by(ActivityKind.id))
        db.session.commit()
        before = db.session.scalar(select(func.count(Activity.id)))
        db.session.remove()
        db.engine.dispose()
    port = _free_port()
    env = os.environ | {
        "OUTREACH_BENCH": "1",
        "OUTREACH_DATABASE_URL": ds.url,
        "OUTREACH_SECRET_KEY": "bench",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.wsgi:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _request(port, "GET", "/bench/hello", None, {})[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        locations = ds.staff_locations[:3]
        payload = json.dumps(
            {
                "programme_id": ROUTINE_PROGRAMME,
                "unit_code": ds.staff_unit,
                "kind": kind,
                "date": "2024-05-01",
                "leader": {"rank": "AKP", "name": "Lilik Widiastuti", "degrees": "S.H."},
                "visits": [{"location_id": lid, "parcels": 10, "beneficiaries": 25} for lid in locations],
                "messages": ["Jaga persatuan dan kesatuan"],
            }
        ).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        _load(port, "GET", "/bench/hello", lambda: None, {}, 2, 20)  # warm-up
        hello = _load(port, "GET", "/bench/hello", lambda: None, {}, 4, per_thread * 4)
        _load(port, "POST", "/api/v1/activities", lambda: payload, headers, 1, 3)  # warm-up
        created = _load(port, "POST", "/api/v1/activities", lambda: payload, headers, 4, per_thread)
        template = _last_activity_id(app)
        bare = _bare_inserts(ds, template, per_thread * 4)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            _, err = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    with app.app_context():
        after = db.session.scalar(select(func.count(Activity.id)))
        db.session.remove()
    ok = created["statuses"].get("201", 0)
    locked = err.decode(errors="replace").count("database is locked")
    log(
        f"  API create: {created['req_per_s']} req/s p50 {created['p50_s'] * 1000:.1f} ms "
        f"p99 {created['p99_s'] * 1000:.1f} ms; hello {hello['req_per_s']} req/s; statuses {created['statuses']}"
    )
    return [
        _result(
            "API create activity (3 visits), gunicorn 2 sync workers, 4 clients",
            ds,
            created["p50_s"],
            "GET /bench/hello (minimal JSON route, same app)",
            hello["p50_s"],
            req_per_s=created["req_per_s"],
            p99_s=round(created["p99_s"], 5),
            statuses=created["statuses"],
            floor_req_per_s=hello["req_per_s"],
            floor_p99_s=round(hello["p99_s"], 5),
            rows_created=after - before - 3,
            responses_201=ok,
            database_locked_in_log=locked,
        ),
        _result(
            "API create rate vs bare inserts of the same rows (time per activity)",
            ds,
            1 / created["req_per_s"],
            "bare INSERTs of the same rows, one transaction per activity",
            bare["s_per_activity"],
            req_per_s=created["req_per_s"],
            floor_per_s=round(1 / bare["s_per_activity"], 1),
            share_of_floor=round(created["req_per_s"] * bare["s_per_activity"], 3),
            floor_rows=bare["per_activity"],
        ),
    ]


#: What one API create stores besides the rollups it maintains (the rows a bare insert has to write too).
_BARE_TABLES = (
    ("visits", "activity_id"),
    ("activity_messages", "activity_id"),
    ("audit_entries", "entity_id"),
)


def _last_activity_id(app: Any) -> int:
    from outreach.extensions import db
    from outreach.models import Activity

    with app.app_context():
        found = db.session.scalar(select(func.max(Activity.id)))
        db.session.remove()
    return int(found)


def _bare_inserts(ds: Dataset, template: int, count: int) -> dict[str, Any]:
    """The floor of a create: ``count`` copies of the rows one API create stored (the activity, its visits,
    its messages and its audit entry, not the rollups), each copy one transaction of plain ``INSERT … SELECT``
    statements on one driver connection, with the production durability (SQLite WAL + ``synchronous=FULL``,
    PostgreSQL's defaults). The copies are deleted afterwards."""
    from outreach.models import Activity, ActivityMessage, AuditEntry, Visit

    tables = {
        "activities": Activity,
        "visits": Visit,
        "activity_messages": ActivityMessage,
        "audit_entries": AuditEntry,
    }
    columns = {
        name: [c.name for c in model.__table__.columns if c.name != "id"] for name, model in tables.items()
    }
    unique_activity = {"client_id", "client_hash"}
    if ds.db == "sqlite":
        import sqlite3

        conn: Any = sqlite3.connect(ds.url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        mark, begin = "?", "BEGIN IMMEDIATE"
    else:
        import psycopg

        conn = psycopg.connect(ds.url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        mark, begin = "%s", "BEGIN"
    activity_cols = ", ".join(columns["activities"])
    activity_vals = ", ".join("NULL" if c in unique_activity else c for c in columns["activities"])
    copies: list[str] = [
        f"INSERT INTO activities ({activity_cols}) SELECT {activity_vals} FROM activities WHERE id = {mark}"
        " RETURNING id"
    ]
    for table, link in _BARE_TABLES:
        cols = [c for c in columns[table] if c != link]
        where = f"{link} = {mark}" + (" AND entity_type = 'activity'" if table == "audit_entries" else "")
        copies.append(
            f"INSERT INTO {table} ({link}, {', '.join(cols)}) SELECT {mark}, {', '.join(cols)} FROM {table}"
            f" WHERE {where}"
        )
    per_activity = 1 + sum(
        conn.execute(f"SELECT count(*) FROM {t} WHERE {link} = {mark}", (template,)).fetchone()[0]
        for t, link in _BARE_TABLES
    )
    made: list[int] = []
    started = time.perf_counter()
    for _ in range(count):
        conn.execute(begin)
        new_id = conn.execute(copies[0], (template,)).fetchone()[0]
        for sql in copies[1:]:
            conn.execute(sql, (new_id, template))
        conn.execute("COMMIT")
        made.append(new_id)
    elapsed = time.perf_counter() - started
    conn.execute(begin)
    for table, link in reversed(_BARE_TABLES):
        only = " AND entity_type = 'activity'" if table == "audit_entries" else ""
        conn.execute(f"DELETE FROM {table} WHERE {link} >= {mark}{only}", (made[0],))
    conn.execute(f"DELETE FROM activities WHERE id >= {mark}", (made[0],))
    conn.execute("COMMIT")
    conn.close()
    return {"s_per_activity": elapsed / count, "per_activity": per_activity}


# --------------------------------------------------------------------------------------------- exports


def _cutoff(conn: Any, sql: str, nth: int) -> date | None:
    value = conn.execute(text(sql), {"o": nth - 1, "p": ROUTINE_PROGRAMME}).scalar()
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _floor_pdf(rows: list[list[str]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=2.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.whitesmoke]),
        ]
    )
    widths = [2.2 * cm, 4 * cm, 3 * cm, 4.5 * cm, 7.5 * cm, 1.8 * cm, 1.8 * cm]
    header = ["Tanggal", "Satuan", "Jenis", "Pimpinan", "Lokasi", "Paket", "Penerima"]
    story = [
        Table([header, *rows[i : i + 500]], colWidths=widths, repeatRows=1, style=style)
        for i in range(0, len(rows), 500)
    ]
    doc.build(story)
    return out.getvalue()


def _floor_visits_sql(dialect: str) -> Any:
    """The XLSX floor's statement: the export's 30 visit columns, in its order and of its types, as bare SQL.

    Same joins as the app (activity, unit, programme, activity kind, visit, location, location kind; the
    Indonesian labels), the messages of each activity joined into one text by a correlated aggregate, dates and
    times typed (SQLite returns them as text otherwise). The floor appends each row to openpyxl as it comes:
    no number formats, no formula guard, empty texts written as empty cells, NULL messages left empty.
    """
    from sqlalchemy import Date, Time

    if dialect == "postgresql":
        messages = "SELECT string_agg(m.text, ' | ' ORDER BY m.id) FROM activity_messages m WHERE m.activity_id = a.id"
    else:  # SQLite: group_concat's order is unspecified, which a floor may ignore
        messages = "SELECT group_concat(m.text, ' | ') FROM activity_messages m WHERE m.activity_id = a.id"
    return text(f"""
        SELECT a.id, a.occurred_on AS occurred_on, a.start_time AS start_time, a.end_time AS end_time, p.name,
               u.code, u.name, k.code, k.label_id, a.title, a.status, a.leader_rank, a.leader_name,
               a.leader_degrees, a.leader_nrp, a.leader_position, l.name, lk.code, lk.label_id, l.village,
               l.district, l.regency, l.province, v.parcel_count, v.beneficiary_count, v.beneficiary_group,
               v.contact_name, v.contact_role, ({messages}), a.summary
        FROM visits v JOIN activities a ON a.id = v.activity_id JOIN units u ON u.id = a.unit_id
        JOIN programmes p ON p.id = a.programme_id JOIN activity_kinds k ON k.id = a.kind_id
        JOIN locations l ON l.id = v.location_id JOIN location_kinds lk ON lk.id = l.kind_id
        WHERE a.deleted_at IS NULL AND a.status IN ('submitted', 'verified') AND a.occurred_on <= :e
        ORDER BY a.occurred_on, a.id, v.position""").columns(occurred_on=Date, start_time=Time, end_time=Time)


def measure_exports(app: Any, ds: Dataset, repeats: int, log: Any, *, full: bool) -> list[Result]:
    from outreach.exports.tabular import write_xlsx
    from outreach.extensions import db
    from outreach.models import ActivityStatus, Programme
    from outreach.services import exports
    from outreach.services.activity_list import ActivityFilter
    from outreach.services.reports import iter_activity_rows, programme_report_pdf

    results = []
    counted = [ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED]
    with app.app_context():
        admin = _user(ds.users["admin"])
        programme = db.session.get(Programme, ROUTINE_PROGRAMME)
        conn = db.session.connection()
        scoped = (
            "FROM activities a WHERE a.programme_id = :p AND a.deleted_at IS NULL "
            "AND a.status IN ('submitted', 'verified')"
        )

        # The programme PDF for ~10,000 activities.
        def pdf_filter(n_rows: int) -> ActivityFilter:
            end = _cutoff(
                conn, f"SELECT a.occurred_on {scoped} ORDER BY a.occurred_on LIMIT 1 OFFSET :o", n_rows
            )
            return ActivityFilter(
                programme_id=ROUTINE_PROGRAMME,
                statuses=counted,
                date_from=programme.start_on,
                date_to=end or programme.end_on,
            )

        def row_texts(filters: ActivityFilter) -> list[list[str]]:
            return [
                [
                    r.on.isoformat(),
                    r.unit,
                    r.kind,
                    r.leader,
                    r.locations,
                    str(r.parcels),
                    str(r.beneficiaries),
                ]
                for r in iter_activity_rows(admin, filters)
            ]

        pdf_runs = max(1, min(repeats, 3))
        sizes = (10_000, 5_000) if full else (10_000,)
        pdf_times: dict[int, float] = {}
        for size in sizes:
            filters = pdf_filter(size)
            rows = row_texts(filters)
            app_s = median_time(lambda: programme_report_pdf(admin, programme, filters), pdf_runs, warmup=0)  # noqa: B023
            pdf_times[len(rows)] = app_s
            floor_s = median_time(lambda: _floor_pdf(rows), pdf_runs, warmup=0)  # noqa: B023
            extra: dict[str, Any] = {"activities": len(rows)}
            if size == 10_000:
                extra["peak_mb"] = round(_peak_mb(lambda: programme_report_pdf(admin, programme, filters)), 1)  # noqa: B023
                extra["floor_peak_mb"] = round(_peak_mb(lambda: _floor_pdf(rows)), 1)  # noqa: B023
            results.append(
                _result(
                    f"programme PDF {len(rows)} activities",
                    ds,
                    app_s,
                    "bare chunked reportlab build (tables of 500 rows) of the same rows",
                    floor_s,
                    **extra,
                )
            )
            log(f"  PDF {len(rows)} activities: {app_s:.2f} s vs floor {floor_s:.2f} s")

        # XLSX of ~100,000 visits, streamed to a file.
        def xlsx_filter(n_visits: int) -> ActivityFilter:
            end = _cutoff(
                conn,
                "SELECT a.occurred_on FROM visits v JOIN activities a ON a.id = v.activity_id "
                "WHERE a.deleted_at IS NULL AND a.status IN ('submitted', 'verified') "
                "ORDER BY a.occurred_on LIMIT 1 OFFSET :o",
                n_visits,
            )
            return ActivityFilter(statuses=counted, date_to=end)

        def app_xlsx(filters: ActivityFilter) -> int:
            count = 0

            def counting() -> Any:
                nonlocal count
                for row in exports.visit_rows(admin, filters):
                    count += 1
                    yield row

            with tempfile.TemporaryFile() as fh:
                write_xlsx(exports.columns("visits"), counting(), "Kunjungan", fh)
            return count

        def floor_xlsx(filters: ActivityFilter) -> int:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Kunjungan")
            count = 0
            for row in conn.execute(
                _floor_visits_sql(conn.dialect.name), {"e": filters.date_to or date(2100, 1, 1)}
            ):
                ws.append(list(row))
                count += 1
            with tempfile.TemporaryFile() as fh:
                wb.save(fh)
            return count

        filters = xlsx_filter(100_000)
        visits = app_xlsx(filters)
        floor_visits = floor_xlsx(filters)
        xlsx_runs = max(1, min(repeats, 3))
        app_s = median_time(lambda: app_xlsx(filters), xlsx_runs, warmup=0)
        floor_s = median_time(lambda: floor_xlsx(filters), xlsx_runs, warmup=0)
        peak = _peak_mb(lambda: app_xlsx(filters))
        small = xlsx_filter(10_000)
        small_peak = _peak_mb(lambda: app_xlsx(small))
        small_visits = app_xlsx(small)
        results.append(
            _result(
                f"XLSX export {visits} visits",
                ds,
                app_s,
                f"bare SQL rows into openpyxl write_only (the same {len(exports.columns('visits'))} columns)",
                floor_s,
                visits=visits,
                floor_visits=floor_visits,
                peak_mb=round(peak, 1),
                peak_mb_at_10k_visits=round(small_peak, 1),
                visits_small=small_visits,
                columns=len(exports.columns("visits")),
            )
        )
        log(
            f"  XLSX {visits} visits: {app_s:.2f} s vs floor {floor_s:.2f} s; peak {peak:.1f} MB "
            f"({small_peak:.1f} MB at {small_visits} visits)"
        )
        db.session.rollback()
    return results
