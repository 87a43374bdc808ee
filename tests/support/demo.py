"""The demo data set for tests that start from it, loaded for real once per process and copied after that.

``load_demo`` goes through the services as a user's records would: 421 activities, about 22,000 statements, 5 s
on SQLite and 15 s on PostgreSQL, paid again by every test that starts from the demo. Those tests call
:func:`demo_copy` instead: the first call in a process (an xdist worker) runs ``load_demo`` and keeps every
table's rows; the next ones empty the test's fresh database and insert the kept rows (ids included) in one
transaction, then move PostgreSQL's sequences past them (with the per-test emptying's own helpers). The result
is the database ``load_demo`` would have left, rollups included; the check after every test (tests/conftest.py)
proves the rollups still equal the rows. ``tests/test_demo.py`` and the migration tests keep calling
``load_demo`` itself: the demo is what they test.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, select

from outreach.extensions import db
from outreach.models import Base
from outreach.services.demo import load_demo
from tests.support.app import delete_every_row, follow_sequences

#: (database dialect, password) → every table's rows after ``load_demo``, parents before children.
_KEPT: dict[tuple[str, str], list[tuple[Table, list[dict[str, Any]]]]] = {}


def demo_copy(password: str) -> None:
    """Give the test's (fresh) database the demo data set, as ``load_demo(password)`` and a commit would."""
    key = (db.engine.dialect.name, password)
    kept = _KEPT.get(key)
    if kept is None:
        load_demo(password)
        db.session.commit()
        _KEPT[key] = [
            (
                table,
                [
                    dict(row)
                    for row in db.session.execute(select(table).order_by(*table.primary_key)).mappings()
                ],
            )
            for table in Base.metadata.sorted_tables
        ]
        return
    db.session.expunge_all()
    conn = db.session.connection()
    delete_every_row(conn)
    for table, rows in kept:
        if rows:
            conn.execute(insert(table), rows)
    if conn.dialect.name == "postgresql":
        follow_sequences(conn)
    db.session.commit()
