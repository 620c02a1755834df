"""sign-ins stored on the server; account ids never reused on SQLite; a row for /healthz to write

Revision ID: 0007_sign_ins
Revises: 0005_display_units
Create Date: 2026-12-06

* `sign_in`: one row per signed-in device (backrun/accounts/signins.py). Signing out deletes it,
  so copies of that device's cookies stop working. Sessions from before this revision carry no
  sign-in key: those runners sign in once more.
* `account` on SQLite is rebuilt with AUTOINCREMENT, so a deleted account's id is never handed to
  a new sign-up. PostgreSQL's sequences never reuse ids: nothing to do there.
* `health_check`: one row that /healthz rewrites to prove the database takes writes.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_sign_ins'
down_revision = '0005_display_units'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_user_id'), ['user_id'], unique=False)

    health_check = op.create_table('health_check',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(health_check, [{'id': 1, 'checked_at': datetime.now(timezone.utc).replace(tzinfo=None)}])

    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # SQLite can't add AUTOINCREMENT to a table: batch mode copies it into a new one.
        with op.batch_alter_table('account', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass
        # Start after the highest id still in use (ids deleted earlier can't be known any more).
        bind.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'account', COALESCE(MAX(id), 0) FROM account "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'account')")


def downgrade():
    op.drop_table('health_check')
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_user_id'))
    op.drop_table('sign_in')
