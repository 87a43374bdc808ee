"""Leaders are people: the ``leader`` rollups are keyed by NRP (else the person record, else rank and name
within the activity's unit), no longer by rank and name, which merged two officers sharing both.

Reviewed by hand: the ``leaders`` table is replaced (its rows are only the keys of the ``leader`` rollups,
rebuilt here), then the ``leader`` rollup rows are recomputed from the raw activities with the statements of
``outreach.services.rollups`` as they stand at this revision (copied, decision 19, so the migration never
imports application code). The downgrade restores the rank-and-name key the same way.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


_ANCESTRY = """
WITH RECURSIVE ancestry (unit_id, scope_id, child_id) AS (
    SELECT u.id, u.id, u.id FROM units u WHERE u.id IN (SELECT a.unit_id FROM activities a)
    UNION ALL
    SELECT an.unit_id, s.parent_id, an.scope_id FROM ancestry an JOIN units s ON s.id = an.scope_id
    WHERE s.parent_id IS NOT NULL
)"""
_ROLLUPS = """
INSERT INTO rollups (scope_unit_id, dim, day, key_id, programme_id, status,
                     activities, visits, parcels, beneficiaries, amount)
SELECT an.scope_id, 'leader', a.occurred_on, l.id, a.programme_id, a.status,
       count(*), sum(a.visit_count), sum(a.parcel_count), sum(a.beneficiary_count), sum(a.message_count)
FROM activities a JOIN ancestry an ON an.unit_id = a.unit_id {joins}
WHERE a.deleted_at IS NULL
GROUP BY an.scope_id, a.occurred_on, l.id, a.programme_id, a.status"""

_PERSON_KEY = (
    "CASE WHEN nullif(a.leader_nrp, '') IS NOT NULL THEN 'nrp:' || a.leader_nrp"
    " WHEN a.leader_person_id IS NOT NULL THEN 'person:' || CAST(a.leader_person_id AS VARCHAR)"
    " ELSE 'unit:' || CAST(a.unit_id AS VARCHAR) || ':' || a.leader_rank || ':' || a.leader_name END"
)
_LEADERS_BY_PERSON = f"""
INSERT INTO leaders (person_key, rank, name, degrees, nrp, unit_id)
SELECT person_key, max(leader_rank), max(leader_name), max(leader_degrees), max(nrp), max(unit_id)
FROM (
    SELECT {_PERSON_KEY} AS person_key, a.leader_rank, a.leader_name, a.leader_degrees,
           nullif(a.leader_nrp, '') AS nrp,
           CASE WHEN nullif(a.leader_nrp, '') IS NULL AND a.leader_person_id IS NULL THEN a.unit_id END
               AS unit_id
    FROM activities a
) AS found
GROUP BY person_key"""
_JOIN_BY_PERSON = "JOIN leaders l ON l.person_key = " + _PERSON_KEY

_LEADERS_BY_NAME = """
INSERT INTO leaders (rank, name, degrees)
SELECT a.leader_rank, a.leader_name, max(a.leader_degrees) FROM activities a
GROUP BY a.leader_rank, a.leader_name"""
_JOIN_BY_NAME = "JOIN leaders l ON l.rank = a.leader_rank AND l.name = a.leader_name"


def upgrade():
    op.execute("DELETE FROM rollups WHERE dim = 'leader'")
    op.drop_table('leaders')
    op.create_table('leaders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=220), nullable=False),
    sa.Column('rank', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('degrees', sa.String(length=80), nullable=True),
    sa.Column('nrp', sa.String(length=18), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_leaders_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leaders')),
    sa.UniqueConstraint('person_key', name=op.f('uq_leaders_person_key'))
    )
    op.execute(_LEADERS_BY_PERSON)
    op.execute(_ANCESTRY + _ROLLUPS.format(joins=_JOIN_BY_PERSON))


def downgrade():
    op.execute("DELETE FROM rollups WHERE dim = 'leader'")
    op.drop_table('leaders')
    op.create_table('leaders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('degrees', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leaders')),
    sa.UniqueConstraint('rank', 'name', name=op.f('uq_leaders_rank_name'))
    )
    op.execute(_LEADERS_BY_NAME)
    op.execute(_ANCESTRY + _ROLLUPS.format(joins=_JOIN_BY_NAME))
