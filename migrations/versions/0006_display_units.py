"""account.temperature_unit and account.wind_unit: the runner's display units

Revision ID: 0005_display_units
Revises: 0004_session_pattern
Create Date: 2026-12-06

Display only: storage and the API stay metric. Existing runners keep °C and km/h.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_display_units'
down_revision = '0004_session_pattern'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account') as batch:
        batch.add_column(sa.Column('temperature_unit', sa.String(length=2), nullable=False, server_default='c'))
        batch.add_column(sa.Column('wind_unit', sa.String(length=4), nullable=False, server_default='kmh'))


def downgrade():
    with op.batch_alter_table('account') as batch:
        batch.drop_column('wind_unit')
        batch.drop_column('temperature_unit')
