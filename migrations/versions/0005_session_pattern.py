"""training_session.pattern: intervals, continuous or mixed backward running

Revision ID: 0004_session_pattern
Revises: 0004
Create Date: 2026-12-06

Sessions logged before this had no way to say "one continuous backward run": those with intervals
become `intervals`, the rest `mixed` (backward time not known), so the coach no longer credits a
whole session as one backward bout unless the runner says so.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_session_pattern'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_session') as batch:
        batch.add_column(sa.Column('pattern', sa.String(length=16), nullable=False, server_default='mixed'))
    op.execute("UPDATE training_session SET pattern = 'intervals' WHERE bouts IS NOT NULL")


def downgrade():
    with op.batch_alter_table('training_session') as batch:
        batch.drop_column('pattern')
