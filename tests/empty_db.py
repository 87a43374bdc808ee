"""An empty database for tests that start from nothing (`db upgrade` included): a SQLite file in the test's
folder, or on PostgreSQL a schema of its own in the test database (the shared ``public`` schema is the per-test
``app`` fixture's)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tests.conftest import PG_URL


@contextmanager
def empty_database(tmp_path: Path, tag: str) -> Iterator[str]:
    """The URL of an empty database, dropped afterwards (PostgreSQL)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / f'{tag}.db'}"
        return
    name = "e_" + re.sub(r"\W", "_", tag.lower())[:40]
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()
