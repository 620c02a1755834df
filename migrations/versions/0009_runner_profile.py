"""runner profile and kit feedback: experience, sensitivities and warmth on the account, how the
kit felt on a logged session

Revision ID: 0004_runner_profile
Revises: 0004_push
Create Date: 2026-12-06

Only nullable columns or columns with a server default, so existing rows need no backfill.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_runner_profile'
down_revision = '0004_push'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('experience', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('sensitivities', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('runs', sa.String(length=8), nullable=False, server_default='normal'))
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kit_feedback', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_column('kit_feedback')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('runs')
        batch_op.drop_column('sensitivities')
        batch_op.drop_column('experience')
