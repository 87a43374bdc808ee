"""Keeping the rollup tables (:mod:`outreach.models.rollup`) equal to the raw activities.

One set of SQL statements defines what a rollup row holds: a ``SELECT … GROUP BY`` over the raw rows of the
activities chosen by a filter, multiplied by a sign. Every write path uses it:

- a write to some activities (:func:`tracking`): before the change, their current contribution is
  subtracted (sign −1); after it, their new contribution is added (sign +1), with an upsert that adds to the
  existing row; rows that fall to zero are then removed. All of it in the caller's transaction;
- moving a unit in the tree (:func:`moving_units`): the same, for the activities of the moved subtree,
  around the change of ``parent_id`` (their ancestors change);
- :func:`rebuild` (bench loads, ``flask rollups rebuild``): empty the tables, then add every activity;
- :func:`check`: the stored rows ``EXCEPT`` the rows the same statements compute from scratch, both ways.

So there is no second definition of a rollup to drift from the first. The ancestors of a unit come from a
recursive CTE over ``units.parent_id`` restricted to the units of the chosen activities.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, inspect, select, text

from outreach.extensions import db
from outreach.models import Activity, LocationRollup, Rollup, Unit

ROLLUP_KEYS = ("scope_unit_id", "dim", "day", "key_id", "programme_id", "status")
ROLLUP_VALUES = ("activities", "visits", "parcels", "beneficiaries", "amount")
LOCATION_KEYS = ("unit_id", "day", "location_id", "programme_id", "status")
LOCATION_VALUES = ("visits", "parcels", "beneficiaries")

#: Each chosen activity's unit paired with every ancestor-or-self (the scope) and the scope's child on the
#: way down to the unit (the unit itself when the scope is the unit).
_ANCESTRY = """
WITH RECURSIVE ancestry (unit_id, scope_id, child_id) AS (
    SELECT u.id, u.id, u.id FROM units u
    WHERE u.id IN (SELECT a.unit_id FROM activities a WHERE {where})
    UNION ALL
    SELECT an.unit_id, s.parent_id, an.scope_id FROM ancestry an JOIN units s ON s.id = an.scope_id
    WHERE s.parent_id IS NOT NULL
)"""

#: The five values of the activity-level dimensions (``{s}`` is the sign): activities, visits, parcels,
#: beneficiaries and messages.
_ACTIVITY_SUMS = (
    "{s} * count(*)",
    "{s} * sum(a.visit_count)",
    "{s} * sum(a.parcel_count)",
    "{s} * sum(a.beneficiary_count)",
    "{s} * sum(a.message_count)",
)

#: Who an activity's leader is (the key of :class:`~outreach.models.rollup.Leader`): the NRP when written,
#: else the person record, else rank and name within the activity's unit. Never rank and name alone: two
#: officers may share both.
_LEADER_IDENTITY = (
    "CASE WHEN nullif(a.leader_nrp, '') IS NOT NULL THEN 'nrp:' || a.leader_nrp"
    " WHEN a.leader_person_id IS NOT NULL THEN 'person:' || CAST(a.leader_person_id AS VARCHAR)"
    " ELSE 'unit:' || CAST(a.unit_id AS VARCHAR) || ':' || a.leader_rank || ':' || a.leader_name END"
)

#: dimension → (key expression, extra joins, the five value expressions).
_DIMENSIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "unit": (
        "an.child_id",
        "",
        _ACTIVITY_SUMS,
    ),
    "kind": (
        "a.kind_id",
        "",
        _ACTIVITY_SUMS,
    ),
    "item": (
        "coalesce(i.item_kind_id, 0)",
        "JOIN visits v ON v.activity_id = a.id JOIN visit_items i ON i.visit_id = v.id",
        ("{s} * count(DISTINCT a.id)", "0", "0", "0", "{s} * sum(i.quantity)"),
    ),
    "message": (
        "coalesce(m.message_id, 0)",
        "JOIN activity_messages m ON m.activity_id = a.id",
        ("{s} * count(DISTINCT a.id)", "0", "0", "0", "{s} * count(*)"),
    ),
    "leader": (
        "l.id",
        "JOIN leaders l ON l.person_key = " + _LEADER_IDENTITY,
        _ACTIVITY_SUMS,
    ),
}

#: The leaders of the chosen activities, added when new (the key of the ``leader`` dimension). Rank and name
#: of a new leader are the greatest of the batch (one value for a person in practice).
_LEADERS = f"""
INSERT INTO leaders (person_key, rank, name, degrees, nrp, unit_id)
SELECT person_key, max(leader_rank), max(leader_name), max(leader_degrees), max(nrp), max(unit_id)
FROM (
    SELECT {_LEADER_IDENTITY} AS person_key, a.leader_rank, a.leader_name, a.leader_degrees,
           nullif(a.leader_nrp, '') AS nrp,
           CASE WHEN nullif(a.leader_nrp, '') IS NULL AND a.leader_person_id IS NULL THEN a.unit_id END
               AS unit_id
    FROM activities a WHERE {{where}}
) AS found
WHERE 1 = 1
GROUP BY person_key
ON CONFLICT (person_key) DO UPDATE SET degrees = CASE
    WHEN leaders.degrees IS NULL OR excluded.degrees > leaders.degrees THEN excluded.degrees
    ELSE leaders.degrees END"""


def _rollup_select(dim: str, where: str, sign: int) -> str:
    key, joins, values = _DIMENSIONS[dim]
    columns = ", ".join(v.format(s=sign) for v in values)
    return f"""
SELECT an.scope_id, '{dim}', a.occurred_on, {key}, a.programme_id, a.status, {columns}
FROM activities a JOIN ancestry an ON an.unit_id = a.unit_id {joins}
WHERE a.deleted_at IS NULL AND {where}
GROUP BY an.scope_id, a.occurred_on, {key}, a.programme_id, a.status"""


def _location_select(where: str, sign: int) -> str:
    return f"""
SELECT a.unit_id, a.occurred_on, v.location_id, a.programme_id, a.status,
       {sign} * count(*), {sign} * sum(v.parcel_count), {sign} * sum(v.beneficiary_count)
FROM visits v JOIN activities a ON a.id = v.activity_id
WHERE a.deleted_at IS NULL AND {where}
GROUP BY a.unit_id, a.occurred_on, v.location_id, a.programme_id, a.status"""


def _upsert(table: str, keys: Sequence[str], values: Sequence[str], select_sql: str, prefix: str = "") -> str:
    updates = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
    return (
        f"{prefix}\nINSERT INTO {table} ({', '.join((*keys, *values))}) {select_sql}\n"
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def _execute(conn: Connection, sql: str, params: dict[str, Any]) -> None:
    statement = text(sql)
    if "ids" in params:  # a list of ids, bound as ``IN (?, ?, …)``
        statement = statement.bindparams(bindparam("ids", expanding=True))
    conn.execute(statement, params)


def _apply(
    conn: Connection, sign: int, where: str, params: dict[str, Any], *, locations: bool = True
) -> None:
    """Add ``sign`` × the contribution of the activities matching ``where`` (SQL over alias ``a``)."""
    prefix = _ANCESTRY.format(where=where)
    if sign > 0:
        _execute(conn, _LEADERS.format(where=where), params)
    # One statement per dimension: as one UNION ALL, SQLite planned the leader arm as a scan (160 ms a write
    # at 1M against 3 ms for the five).
    for dim in _DIMENSIONS:
        _execute(
            conn,
            _upsert("rollups", ROLLUP_KEYS, ROLLUP_VALUES, _rollup_select(dim, where, sign), prefix),
            params,
        )
    if locations:
        _execute(
            conn,
            _upsert("location_rollups", LOCATION_KEYS, LOCATION_VALUES, _location_select(where, sign)),
            params,
        )


def _apply_ids(conn: Connection, sign: int, ids: Sequence[int]) -> None:
    if ids:
        _apply(conn, sign, "a.id IN :ids", {"ids": list(ids)})


#: The key of the PostgreSQL advisory lock that rollup writers hold until they commit.
_LOCK_KEY = 0x0D1A_7E57


def _serialize(conn: Connection) -> None:
    """One rollup writer at a time, until its transaction ends (PostgreSQL only).

    Nearly every write adds to the same few rows (Mabes and its Polda, that day), each statement in its own
    row order, so concurrent writers deadlocked on them. Serialising them is what SQLite's ``BEGIN
    IMMEDIATE`` already does; the rollup statements take milliseconds. Taken before the writer's first row
    lock, so it cannot be part of a lock cycle."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _footprint(activities: Iterable[Activity]) -> tuple[set[int], set[date]]:
    """Where the activities' rows live: the scopes (their units' ancestors-or-self) and the days."""
    scopes = _scopes_of([a.unit_id for a in activities if a.unit_id is not None])
    return scopes, {a.occurred_on for a in activities if a.occurred_on is not None}


def _prune(scopes: set[int], days: set[date] | None) -> None:
    """Remove the rows a change left at zero (a row that counts anything counts at least one activity or
    visit), in these scopes (a unit is one of its own scopes) and on these days (None: any day)."""
    if not scopes or days == set():
        return
    # Scope, dimension and day: the primary key (scope, dim, day, …) then finds the rows; without the
    # dimension the national scope's rows were scanned on every write.
    on_days = [Rollup.day.in_(days)] if days is not None else []
    db.session.execute(
        delete(Rollup).where(
            Rollup.scope_unit_id.in_(scopes),
            Rollup.dim.in_(list(_DIMENSIONS)),
            *on_days,
            Rollup.activities == 0,
        )
    )
    on_days = [LocationRollup.day.in_(days)] if days is not None else []
    db.session.execute(
        delete(LocationRollup).where(LocationRollup.unit_id.in_(scopes), *on_days, LocationRollup.visits == 0)
    )


@contextmanager
def tracking(activities: Sequence[Activity]) -> Iterator[None]:
    """Keep the rollups equal to the raw rows through whatever the block does to ``activities``.

    Wrap the whole change (new activities may still lack an id on entry; they are flushed on exit)::

        with rollups.tracking([activity]):
            activity.status = ActivityStatus.VERIFIED
    """
    conn = db.session.connection()
    _serialize(conn)
    stored = [a for a in activities if inspect(a).persistent]
    if stored:  # what they count now is taken away first
        db.session.flush()
        scopes, days = _footprint(stored)
        _apply_ids(conn, -1, [a.id for a in stored])
    yield
    db.session.flush()
    _apply_ids(conn, +1, [a.id for a in activities])
    if stored:  # only a subtraction can leave a row at zero: new activities only add
        new_scopes, new_days = _footprint(activities)
        _prune(scopes | new_scopes, days | new_days)


@contextmanager
def moving_units(unit_ids: Sequence[int]) -> Iterator[None]:
    """Around a change of ``parent_id`` for these units (a moved subtree): their activities' ancestors change,
    so their contribution is taken from the old scopes and added to the new ones. Location rollups are keyed
    by the activity's own unit and stay as they are."""
    conn = db.session.connection()
    _serialize(conn)
    db.session.flush()
    params = {"ids": list(unit_ids)}
    scopes = _scopes_of(unit_ids)
    _apply(conn, -1, "a.unit_id IN :ids", params, locations=False)
    yield
    db.session.flush()
    _apply(conn, +1, "a.unit_id IN :ids", params, locations=False)
    _prune(scopes | _scopes_of(unit_ids), None)


def _scopes_of(unit_ids: Iterable[int]) -> set[int]:
    """The units and all their ancestors (read from the materialised paths)."""
    scopes: set[int] = set()
    unit_ids = set(unit_ids)
    if not unit_ids:
        return scopes
    for path in db.session.scalars(select(Unit.path).where(Unit.id.in_(unit_ids))):
        scopes |= {int(part) for part in path.strip("/").split("/")}
    return scopes


def rebuild(conn: Connection) -> None:
    """Recompute both tables from the raw rows (bench loads, restores from old backups, repairs)."""
    _serialize(conn)
    conn.execute(text("DELETE FROM rollups"))
    conn.execute(text("DELETE FROM location_rollups"))
    _apply(conn, +1, "1 = 1", {})


@dataclass(frozen=True)
class Drift:
    """Rows stored but not computed from the raw data (``extra``) and computed but not stored (``missing``),
    per table; all zero when the rollups are exact."""

    extra: dict[str, int]
    missing: dict[str, int]

    @property
    def ok(self) -> bool:
        return not any(self.extra.values()) and not any(self.missing.values())


def check(conn: Connection) -> Drift:
    """Compare the stored rollups with a fresh computation, in SQL (``EXCEPT`` both ways)."""
    prefix = _ANCESTRY.format(where="1 = 1")
    computed = " UNION ALL ".join(_rollup_select(dim, "1 = 1", 1) for dim in _DIMENSIONS)
    stored = f"SELECT {', '.join((*ROLLUP_KEYS, *ROLLUP_VALUES))} FROM rollups"
    stored_loc = f"SELECT {', '.join((*LOCATION_KEYS, *LOCATION_VALUES))} FROM location_rollups"
    computed_loc = _location_select("1 = 1", 1)

    def count(sql: str) -> int:
        return int(conn.execute(text(f"SELECT count(*) FROM ({sql}) AS d")).scalar() or 0)

    return Drift(
        extra={
            "rollups": count(f"{prefix} {stored} EXCEPT SELECT * FROM ({computed}) AS c"),
            "location_rollups": count(f"{stored_loc} EXCEPT {computed_loc}"),
        },
        missing={
            "rollups": count(f"{prefix} SELECT * FROM ({computed}) AS c EXCEPT {stored}"),
            "location_rollups": count(f"{computed_loc} EXCEPT {stored_loc}"),
        },
    )
