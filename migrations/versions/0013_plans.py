"""Plans (rencana kegiatan) and the plan an activity realises.

A new table ``plans`` and a nullable ``activities.plan_id`` (indexed: the realised/overdue counts look plans'
activities up by it). Reviewed by hand: ``activities`` is NOT copied in batch mode on SQLite — with foreign
keys on, dropping the old table would cascade-delete every visit, message and photo row. SQLite adds (and
drops, 3.35+) a nullable column with its REFERENCES clause in place; PostgreSQL's ADD COLUMN rewrites nothing
(nullable, no default).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=250), nullable=False),
    sa.Column('places', sa.Text(), nullable=False),
    sa.Column('messages', sa.Text(), nullable=False),
    sa.Column('expected_parcels', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'approved', 'returned', name='planstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('return_comment', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expected_parcels >= 0', name=op.f('ck_plans_expected_parcels_non_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_plans_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_plans_decided_by_id_users')),
    sa.ForeignKeyConstraint(['kind_id'], ['activity_kinds.id'], name=op.f('fk_plans_kind_id_activity_kinds')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_plans_programme_id_programmes')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_plans_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index('ix_plans_programme_date', ['programme_id', 'planned_on'], unique=False)
        batch_op.create_index('ix_plans_unit_date', ['unit_id', 'planned_on'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE activities ADD COLUMN plan_id INTEGER '
            'CONSTRAINT fk_activities_plan_id_plans REFERENCES plans (id)'
        )
    else:
        op.add_column('activities', sa.Column('plan_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_activities_plan_id_plans'), 'activities', 'plans', ['plan_id'], ['id'])
    op.create_index(op.f('ix_activities_plan_id'), 'activities', ['plan_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_activities_plan_id'), table_name='activities')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE activities DROP COLUMN plan_id')  # in place (SQLite 3.35+), no table copy
    else:
        op.drop_constraint(op.f('fk_activities_plan_id_plans'), 'activities', type_='foreignkey')
        op.drop_column('activities', 'plan_id')

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_unit_date')
        batch_op.drop_index('ix_plans_programme_date')

    op.drop_table('plans')
