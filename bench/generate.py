# ruff: noqa: E501
"""A deterministic national data set written straight into the app's schema (no ORM on the hot path).

Shape (whatever N): Mabes → 34 Polda → 460 Polres → 4,300 Polsek; ``min(100k, max(10k, N))`` registered
locations spread over the Polsek; N activities uniform over 2023-01-01..2024-12-31, each with 1–5 visits to
distinct locations of one Polres, 0–3 kamtibmas messages and an item on ~10 % of visits, led by one of six
officers of the unit's own roster. The denormalised
counters on ``activities`` are filled exactly as ``services.activities`` fills them. Everything comes from
``random.Random(seed)``: the same N and seed give the same rows on SQLite and PostgreSQL.

Bulk load: SQLite ``executemany`` in 50k-row batches with ``journal_mode=OFF, synchronous=OFF``, secondary
indexes dropped during the load and rebuilt after, then ``ANALYZE`` and WAL; PostgreSQL ``COPY`` then
``VACUUM ANALYZE``. The app's rollup tables are then filled by ``services.rollups.rebuild`` (the same
statements the services run per write, over every activity at once). Finally the bench builds its own
summary tables (``bench_unit_month``, ``bench_unit_month_location``): the floor the stats measurements are
compared with.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from werkzeug.security import generate_password_hash

from outreach.models import ActivityKind, Base, ItemKind, KamtibmasMessage, LocationKind
from outreach.services import rollups

SEED = 42
N_POLDA = 34
N_POLRES = 460
N_POLSEK = 4300
MAX_LOCATIONS = 100_000
FIRST_DAY = date(2023, 1, 1)
DAYS = 731  # 2023-01-01 .. 2024-12-31
BATCH = 50_000
PASSWORD = "bench-password"  # noqa: S105 - the generated bench accounts only
PASSWORD_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
PG_ADMIN = ["-h", "127.0.0.1", "-U", "postgres"]
PG_DATABASE = "outreach_bench"
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The programme every measured report and export uses (the routine programme spans the whole period).
ROUTINE_PROGRAMME = 1
#: The officers who lead a unit's activities (a Polsek's Kapolsek, Kanit Binmas and Bhabinkamtibmas).
LEADER_ROSTER = 6
PEMILU = (date(2023, 10, 19), date(2024, 10, 20))
STATUSES = (("verified", 70), ("submitted", 15), ("draft", 10), ("returned", 5))
RANKS = ("Bripka", "Brigadir", "Aipda", "Aiptu", "Ipda", "Iptu", "AKP", "Kompol", "AKBP")
FIRST = ("Agus", "Budi", "Dwi", "Eko", "Hadi", "Joko", "Lilik", "Rina", "Sri", "Teguh", "Wahyu", "Yuni",
         "Slamet", "Bambang", "Siti", "Ahmad", "Nur", "Dian", "Rudi", "Fitri")  # fmt: skip
LAST = ("Santoso", "Widiastuti", "Prasetyo", "Susanto", "Wibowo", "Hidayat", "Saputra", "Lestari",
        "Kurniawan", "Setiawan", "Rahayu", "Nugroho", "Handayani", "Purnomo")  # fmt: skip
PLACE_PREFIX = ("Ponpes", "Panti Asuhan", "Masjid", "Gereja", "SMA Negeri", "Pasar", "Balai Desa", "Dusun")


@dataclass
class Dataset:
    """What the measurements need to know about the generated data."""

    n: int
    db: str
    url: str
    seed: int = SEED
    counts: dict[str, int] = field(default_factory=dict)
    load_s: float = 0.0
    index_s: float = 0.0
    #: Filling the app's rollup tables from the loaded rows (``services.rollups.rebuild``).
    rollup_s: float = 0.0
    size_mb: float = 0.0
    #: Scenario unit codes: polsek, polres, polda, mabes.
    scope: dict[str, str] = field(default_factory=dict)
    #: username per scope ("commander" of each scenario unit) plus "admin" and "staff".
    users: dict[str, str] = field(default_factory=dict)
    staff_unit: str = ""
    staff_locations: list[int] = field(default_factory=list)


def sqlite_url(n: int) -> str:
    return f"sqlite:///{DATA_DIR / f'bench-{n}.db'}"


def postgres_url() -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1/{PG_DATABASE}"


def _recreate_postgres() -> None:
    subprocess.run(["dropdb", *PG_ADMIN, "--if-exists", PG_DATABASE], check=True)
    subprocess.run(["createdb", *PG_ADMIN, PG_DATABASE], check=True)


def _ts(day: date, hour: int, pg: bool) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00" + ("+00" if pg else ".000000")


# --------------------------------------------------------------------------------------------- units


@dataclass
class _Org:
    rows: list[tuple[Any, ...]]
    polda: list[int]
    polres: list[int]
    polsek: list[int]
    parent: dict[int, int]
    code: dict[int, str]


def _split(total: int, parts: int, r: random.Random) -> list[int]:
    base, extra = divmod(total, parts)
    sizes = [base + 1] * extra + [base] * (parts - extra)
    r.shuffle(sizes)
    return sizes


def _org(r: random.Random, now: str) -> _Org:
    rows: list[tuple[Any, ...]] = []
    parent: dict[int, int] = {}
    code: dict[int, str] = {}
    polda: list[int] = []
    polres: list[int] = []
    polsek: list[int] = []

    def add(
        uid: int, c: str, name: str, level: str, kind: str | None, pid: int | None, path: str, depth: int
    ) -> None:
        rows.append((uid, c, name, level, kind, pid, path, depth, "WIB", 1, now, now))
        code[uid] = c
        if pid is not None:
            parent[uid] = pid

    add(1, "MABES", "Mabes Polri", "mabes", None, None, "/1/", 0)
    next_id = 2
    polres_sizes = _split(N_POLRES, N_POLDA, r)
    polsek_sizes = iter(_split(N_POLSEK, N_POLRES, r))
    for d in range(N_POLDA):
        did, dpath = next_id, f"/1/{next_id}/"
        next_id += 1
        add(did, f"POLDA-{d + 1:02d}", f"Polda {d + 1:02d}", "polda", "polda", 1, dpath, 1)
        polda.append(did)
        for s in range(polres_sizes[d]):
            rid, rpath = next_id, f"{dpath}{next_id}/"
            next_id += 1
            add(
                rid,
                f"POLRES-{d + 1:02d}-{s + 1:02d}",
                f"Polres {d + 1:02d}.{s + 1:02d}",
                "polres",
                "polres",
                did,
                rpath,
                2,
            )
            polres.append(rid)
            for k in range(next(polsek_sizes)):
                sid = next_id
                next_id += 1
                add(
                    sid,
                    f"POLSEK-{d + 1:02d}-{s + 1:02d}-{k + 1:02d}",
                    f"Polsek {d + 1:02d}.{s + 1:02d}.{k + 1:02d}",
                    "polsek",
                    "polsek",
                    rid,
                    f"{rpath}{sid}/",
                    3,
                )
                polsek.append(sid)
    return _Org(rows, polda, polres, polsek, parent, code)


# --------------------------------------------------------------------------------------------- writing


class _Writer:
    """Bulk insert of plain tuples: sqlite3 executemany or psycopg COPY."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.raw = engine.raw_connection()
        if not self.pg:
            cur = self.raw.cursor()
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.close()

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        count = 0
        cur = self.raw.cursor()
        if self.pg:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:  # type: ignore[attr-defined]
                for row in rows:
                    cp.write_row(row)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cur.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cur.executemany(sql, batch)
                count += len(batch)
        cur.close()
        self.raw.commit()
        return count

    def close(self) -> None:
        self.raw.close()


_BIG_TABLES = ("activities", "visits", "activity_messages", "visit_items", "locations")


def _secondary_indexes() -> list[Any]:
    return [idx for name in _BIG_TABLES for idx in Base.metadata.tables[name].indexes]


# --------------------------------------------------------------------------------------------- generate


def generate(n: int, db: str, *, seed: int = SEED, log: Any = print) -> Dataset:
    """Build the data set for ``n`` activities into a fresh SQLite file or the ``outreach_bench`` database."""
    if db == "postgresql":
        _recreate_postgres()
        url = postgres_url()
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / f"bench-{n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = sqlite_url(n)
    engine = create_engine(url)
    pg = db == "postgresql"
    ds = Dataset(n=n, db=db, url=url, seed=seed)
    started = time.perf_counter()
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for idx in _secondary_indexes():
            idx.drop(conn)
    r = random.Random(seed)
    now = _ts(date(2025, 1, 1), 0, pg)
    w = _Writer(engine)

    # Catalogues through the app's own seed, so codes and labels are the real ones.
    from outreach import create_app
    from outreach.extensions import db as app_db
    from outreach.services.catalogues import seed_catalogues

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        seed_catalogues()
        app_db.session.commit()
        kind_ids = list(app_db.session.scalars(select(ActivityKind.id).order_by(ActivityKind.id)))
        loc_kinds = list(app_db.session.scalars(select(LocationKind.id).order_by(LocationKind.id)))
        messages = list(app_db.session.execute(select(KamtibmasMessage.id, KamtibmasMessage.label_id)))
        items = list(app_db.session.execute(select(ItemKind.id, ItemKind.label_id, ItemKind.measure)))
        app_db.session.remove()
        app_db.engine.dispose()

    org = _org(r, now)
    w.write(
        "units",
        (
            "id",
            "code",
            "name",
            "level",
            "kind",
            "parent_id",
            "path",
            "depth",
            "timezone",
            "is_active",
            "created_at",
            "updated_at",
        ),
        org.rows,
    )
    w.write(
        "programmes",
        ("id", "name", "kind", "start_on", "end_on", "description", "is_active", "created_at", "updated_at"),
        [
            (1, "Binmas Rutin 2023-2024", "other", "2023-01-01", "2024-12-31", "", 1, now, now),
            (
                2,
                "Cooling System Pemilu 2024",
                "pemilu",
                PEMILU[0].isoformat(),
                PEMILU[1].isoformat(),
                "",
                1,
                now,
                now,
            ),
        ],
    )

    # Locations, round-robin over the Polsek first so every Polsek has some, then at random.
    n_loc = min(MAX_LOCATIONS, max(10_000, n))
    polsek_order = list(org.polsek)
    r.shuffle(polsek_order)
    loc_polsek: list[int] = []
    pool: dict[int, list[int]] = {pid: [] for pid in org.polres}
    loc_rows = []
    for lid in range(1, n_loc + 1):
        sid = polsek_order[lid - 1] if lid <= len(polsek_order) else r.choice(org.polsek)
        loc_polsek.append(sid)
        pool[org.parent[sid]].append(lid)
        has_coords = r.random() < 0.3
        loc_rows.append(
            (
                lid,
                f"{r.choice(PLACE_PREFIX)} {r.choice(LAST)} {lid}",
                r.choice(loc_kinds),
                f"Desa {lid % 977}",
                f"Kec. {sid}",
                f"Kab. {org.parent[sid]}",
                f"Prov. {org.parent[org.parent[sid]]}",
                round(r.uniform(-8.5, 3.5), 5) if has_coords else None,
                round(r.uniform(95.0, 140.0), 5) if has_coords else None,
                sid,
                now,
                now,
            )
        )
    w.write(
        "locations",
        (
            "id",
            "name",
            "kind_id",
            "village",
            "district",
            "regency",
            "province",
            "latitude",
            "longitude",
            "unit_id",
            "created_at",
            "updated_at",
        ),
        loc_rows,
    )
    ds.counts["locations"] = n_loc
    ds.counts["units"] = len(org.rows)
    polres_with_pool = [pid for pid in org.polres if pool[pid]]

    # Scenario units: the Polsek with the most registered locations, its Polres and its Polda.
    per_polsek: dict[int, int] = {}
    for sid in loc_polsek:
        per_polsek[sid] = per_polsek.get(sid, 0) + 1
    staff_polsek = max(per_polsek, key=lambda sid: (per_polsek[sid], -sid))
    polres_id = org.parent[staff_polsek]
    ds.scope = {
        "polsek": org.code[staff_polsek],
        "polres": org.code[polres_id],
        "polda": org.code[org.parent[polres_id]],
        "mabes": "MABES",
    }
    ds.staff_unit = org.code[staff_polsek]
    ds.staff_locations = [lid for lid in pool[polres_id] if loc_polsek[lid - 1] == staff_polsek][:3]
    unit_ids = {v: k for k, v in org.code.items()}
    user_rows = []
    pw = generate_password_hash(PASSWORD, PASSWORD_METHOD)
    uid = 1
    for role, username, unit_code in [
        ("admin", "bench.admin", "MABES"),
        ("staff", "bench.staff", ds.staff_unit),
        *[("commander", f"bench.commander.{k}", c) for k, c in ds.scope.items()],
    ]:
        user_rows.append((uid, username, pw, username, role, unit_ids[unit_code], 1, 0, 0, 0, now, now))
        suffix = username.rsplit(".", 1)[-1]
        ds.users[suffix if suffix in ds.scope else role] = username
        uid += 1
    # One author per unit (the unit's Binmas staff): activities are created by their unit's author, so an
    # author's "My drafts" holds hundreds of activities, not all of them.
    author_of: dict[int, int] = {}
    for unit_id in sorted(org.code):
        author_of[unit_id] = uid
        username = f"bench.author.{unit_id}"
        user_rows.append((uid, username, pw, username, "staff", unit_id, 1, 0, 0, 0, now, now))
        uid += 1
    w.write(
        "users",
        (
            "id",
            "username",
            "password_hash",
            "full_name",
            "role",
            "unit_id",
            "is_active",
            "session_epoch",
            "must_change_password",
            "failed_login_count",
            "created_at",
            "updated_at",
        ),
        user_rows,
    )
    staff_id = 2

    leaders = [(r.choice(RANKS), f"{r.choice(FIRST)} {r.choice(LAST)}") for _ in range(5_000)]

    def leader_of(unit: int) -> tuple[str, str]:
        """One of the unit's own roster of LEADER_ROSTER officers (until 2026-12 any of 5,000 names nationally,
        so nearly every activity had a leader of its own: 932,623 leaders for 1M activities)."""
        return leaders[(unit * 31 + r.randrange(LEADER_ROSTER) * 997) % len(leaders)]

    status_names = [s for s, _ in STATUSES]
    status_weights = [wt for _, wt in STATUSES]
    counts = {"activities": 0, "visits": 0, "activity_messages": 0, "visit_items": 0}
    visits: list[tuple[Any, ...]] = []
    msgs: list[tuple[Any, ...]] = []
    item_rows: list[tuple[Any, ...]] = []
    vid = mid = iid = 0

    def activities() -> Iterator[tuple[Any, ...]]:
        nonlocal vid, mid, iid
        for aid in range(1, n + 1):
            polres = r.choice(polres_with_pool)
            locs = pool[polres]
            chosen = r.sample(locs, min(len(locs), r.randint(1, 5)))
            polsek = loc_polsek[chosen[0] - 1]
            pick = r.random()
            unit = polsek if pick < 0.8 else polres if pick < 0.97 else org.parent[polres]
            day = FIRST_DAY + timedelta(days=r.randrange(DAYS))
            programme = 2 if PEMILU[0] <= day <= PEMILU[1] and r.random() < 0.3 else 1
            status = r.choices(status_names, status_weights)[0]
            parcels = beneficiaries = 0
            for pos, lid in enumerate(chosen):
                vid += 1
                p = r.randint(1, 50) if r.random() < 0.5 else 0
                b = r.randint(0, 200)
                parcels += p
                beneficiaries += b
                visits.append((vid, aid, lid, pos, p, b, "warga" if b else "", "", "", ""))
                if r.random() < 0.1:
                    iid += 1
                    ik = r.choice(items)
                    item_rows.append((iid, vid, ik.id, ik.label_id, r.randint(1, 100), ik.measure or ""))
            n_msgs = r.randint(0, 3)
            for m in r.sample(messages, n_msgs):
                mid += 1
                msgs.append((mid, aid, m.id, m.label_id))
            rank, name = leader_of(unit)
            created = _ts(day, 8, pg)
            submitted = created if status in ("submitted", "verified") else None
            verified = created if status == "verified" else None
            deleted = created if status == "draft" and r.random() < 0.15 else None
            yield (
                aid,
                programme,
                unit,
                r.choice(kind_ids),
                day.isoformat(),
                f"Kegiatan {aid}",
                "",
                rank,
                name,
                "Bhabinkamtibmas",
                status,
                submitted,
                staff_id if submitted else None,
                verified,
                author_of[unit],
                deleted,
                staff_id if deleted else None,
                len(chosen),
                parcels,
                beneficiaries,
                n_msgs,
                1,
                created,
                created,
            )

    a_cols = (
        "id",
        "programme_id",
        "unit_id",
        "kind_id",
        "occurred_on",
        "title",
        "summary",
        "leader_rank",
        "leader_name",
        "leader_position",
        "status",
        "submitted_at",
        "submitted_by_id",
        "verified_at",
        "created_by_id",
        "deleted_at",
        "deleted_by_id",
        "visit_count",
        "parcel_count",
        "beneficiary_count",
        "message_count",
        "version",
        "created_at",
        "updated_at",
    )
    gen = activities()
    while True:
        chunk = [row for _, row in zip(range(BATCH), gen, strict=False)]
        if not chunk:
            break
        counts["activities"] += w.write("activities", a_cols, chunk)
        counts["visits"] += w.write(
            "visits",
            (
                "id",
                "activity_id",
                "location_id",
                "position",
                "parcel_count",
                "beneficiary_count",
                "beneficiary_group",
                "contact_name",
                "contact_role",
                "notes",
            ),
            visits,
        )
        counts["activity_messages"] += w.write(
            "activity_messages", ("id", "activity_id", "message_id", "text"), msgs
        )
        counts["visit_items"] += w.write(
            "visit_items", ("id", "visit_id", "item_kind_id", "name", "quantity", "measure"), item_rows
        )
        visits.clear()
        msgs.clear()
        item_rows.clear()
        log(f"  {db}: {counts['activities']:,} / {n:,} activities")
    w.close()
    ds.counts.update(counts)
    ds.load_s = time.perf_counter() - started

    started = time.perf_counter()
    with engine.begin() as conn:
        for idx in _secondary_indexes():
            idx.create(conn)
        if pg:
            for table in (
                "units",
                "users",
                "programmes",
                "locations",
                "activities",
                "visits",
                "activity_messages",
                "visit_items",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    ds.index_s = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as conn:
        rollups.rebuild(conn)
    ds.rollup_s = time.perf_counter() - started
    log(f"  {db}: rollups filled in {ds.rollup_s:.1f} s")
    started = time.perf_counter()
    build_summary_tables(engine)
    if pg:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            ds.size_mb = conn.scalar(text("SELECT pg_database_size(current_database())")) / 1e6
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        ds.size_mb = Path(url.removeprefix("sqlite:///")).stat().st_size / 1e6
    ds.index_s += time.perf_counter() - started
    engine.dispose()
    save_meta(ds)
    return ds


def month_expr(column: str, pg: bool) -> str:
    return f"to_char({column}, 'YYYY-MM')" if pg else f"substr({column}, 1, 7)"


def build_summary_tables(engine: Engine) -> None:
    """The floor's own summary rows: unit × programme × status × month sums, and distinct locations per month."""
    pg = engine.dialect.name == "postgresql"
    month = month_expr("a.occurred_on", pg)
    with engine.begin() as conn:
        for name in ("bench_unit_month", "bench_unit_month_location"):
            conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
        conn.execute(
            text(f"""
            CREATE TABLE bench_unit_month AS
            SELECT a.unit_id, a.programme_id, a.status, {month} AS month,
                   count(*) AS activities, sum(a.visit_count) AS visits, sum(a.parcel_count) AS parcels,
                   sum(a.beneficiary_count) AS beneficiaries, sum(a.message_count) AS messages
            FROM activities a WHERE a.deleted_at IS NULL
            GROUP BY a.unit_id, a.programme_id, a.status, {month}""")
        )
        conn.execute(
            text(f"""
            CREATE TABLE bench_unit_month_location AS
            SELECT DISTINCT a.unit_id, a.programme_id, a.status, {month} AS month, v.location_id
            FROM activities a JOIN visits v ON v.activity_id = a.id WHERE a.deleted_at IS NULL""")
        )
        conn.execute(
            text(
                "CREATE INDEX ix_bench_um ON bench_unit_month "
                "(unit_id, month, status, activities, visits, parcels, beneficiaries, messages)"
            )
        )
        conn.execute(
            text(
                "CREATE INDEX ix_bench_uml ON bench_unit_month_location (unit_id, month, status, location_id)"
            )
        )


def _meta_path(n: int, db: str) -> Path:
    return DATA_DIR / f"dataset-{db}-{n}.json"


def save_meta(ds: Dataset) -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _meta_path(ds.n, ds.db).write_text(json.dumps(asdict(ds), indent=1))


def reuse(n: int, db: str) -> Dataset:
    """The data set generated earlier for ``n`` (its description is kept beside the data)."""
    return Dataset(**json.loads(_meta_path(n, db).read_text()))
