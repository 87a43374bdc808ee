"""Migrations build the schema the models describe, and run down and up again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from outreach.extensions import db
from outreach.models import Base


def _diff(app):
    with app.app_context(), db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(ctx, Base.metadata)


def test_upgrade_builds_the_models_schema(empty_app):
    with empty_app.app_context():
        upgrade()
    assert _diff(empty_app) == []


def test_downgrade_and_upgrade_round_trip(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "activities" in inspect(db.engine).get_table_names()
    assert _diff(empty_app) == []


def test_rollup_migration_fills_from_existing_activities(empty_app):
    """0002 sums the activities already recorded into the new rollup tables, exactly as the services would."""
    from outreach.models import Rollup
    from outreach.services import rollups
    from outreach.services.demo import load_demo

    with empty_app.app_context():
        upgrade()
        load_demo("demo password 2024")
        db.session.commit()
        stored = db.session.scalar(text("SELECT count(*) FROM rollups"))
        assert stored > 0
        db.session.remove()  # end the read transaction: on PostgreSQL it would block the DROP TABLE
        downgrade(revision="0001")
        assert "rollups" not in inspect(db.engine).get_table_names()
        upgrade()
        assert db.session.query(Rollup).count() == stored
        with db.engine.connect() as conn:
            assert rollups.check(conn).ok
        db.session.remove()


def test_leader_migration_rekeys_leaders_by_person(empty_app):
    """0012 replaces the rank-and-name leaders with one per person and rebuilds the ``leader`` rollups: the
    demo's two "Aipda Budi Rahayu" (different NRP) become two leaders; down and up again stays exact."""
    from outreach.services import rollups
    from outreach.services.demo import load_demo

    def budi_count():
        return db.session.scalar(
            text("SELECT count(*) FROM leaders WHERE rank = 'Aipda' AND name = 'Budi Rahayu'")
        )

    with empty_app.app_context():
        upgrade()
        load_demo("demo password 2024")
        db.session.commit()
        assert budi_count() == 2
        db.session.remove()
        downgrade(revision="0004")
        assert budi_count() == 1  # the old key merged them
        db.session.remove()
        upgrade()
        assert budi_count() == 2
        with db.engine.connect() as conn:
            assert rollups.check(conn).ok
        db.session.remove()


def test_location_rollups_key_carries_the_values_on_postgresql(empty_app):
    """0022: on PostgreSQL the location rollups' primary key INCLUDEs their values (index-only reads of a
    period); down removes them, up adds them again. SQLite's key is the table itself: nothing to check."""

    def key_definition():
        return db.session.scalar(text("SELECT pg_get_indexdef('pk_location_rollups'::regclass)"))

    with empty_app.app_context():
        upgrade()
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite keeps the rows in the primary key")
        assert key_definition().endswith(
            "(unit_id, day, location_id, programme_id, status) INCLUDE (visits, parcels, beneficiaries)"
        )
        db.session.remove()
        downgrade(revision="0021")
        assert "INCLUDE" not in key_definition()
        db.session.remove()
        upgrade()
        assert "INCLUDE (visits, parcels, beneficiaries)" in key_definition()
        db.session.remove()
