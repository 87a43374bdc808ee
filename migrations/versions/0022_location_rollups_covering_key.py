"""The location rollups' primary key carries their values on PostgreSQL (issue 17).

A Polda's dashboard groups its location rollups over a period: ~36,000 rows for a year at 1M activities,
scattered over ~21,000 heap pages on PostgreSQL (rows are written as activities come, not in key order), so
the read cost one page per row (148 ms). With ``visits``, ``parcels`` and ``beneficiaries`` in the primary
key's index (``INCLUDE``) the same read is an index-only scan of ~800 pages (29 ms). SQLite's table has no
rowid: its primary key already holds the rows. Nothing changes there.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_KEY = "unit_id, day, location_id, programme_id, status"


def _primary_key(include: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE location_rollups DROP CONSTRAINT pk_location_rollups, "
        f"ADD CONSTRAINT pk_location_rollups PRIMARY KEY ({_KEY}){include}"
    )


def upgrade():
    _primary_key(" INCLUDE (visits, parcels, beneficiaries)")


def downgrade():
    _primary_key("")
