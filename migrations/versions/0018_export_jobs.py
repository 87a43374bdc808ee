"""Background export jobs (issue 17, item 3): large exports and reports built by a worker.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_jobs',
    sa.Column('id', sa.String(length=48), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('dataset', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('file_path', sa.String(length=200), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_jobs_status_known')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_export_jobs_progress_percent')),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_export_jobs_requester_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_export_jobs_requester_created', ['requester_id', 'created_at'], unique=False)
        batch_op.create_index('ix_export_jobs_status_heartbeat', ['status', 'heartbeat_at'], unique=False)
        batch_op.create_index('ix_export_jobs_expires_at', ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_export_jobs_expires_at')
        batch_op.drop_index('ix_export_jobs_status_heartbeat')
        batch_op.drop_index('ix_export_jobs_requester_created')

    op.drop_table('export_jobs')
