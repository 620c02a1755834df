"""training_session -> run: one word for a logged run

Revision ID: 0010_run
Revises: 0004_runner_profile
Create Date: 2026-12-06

A rename only: the rows, columns and types stay. The indexes carry the table's name, so they are
renamed with it (dropped and made again, the one way SQLite knows). On PostgreSQL the primary and
foreign keys' generated names carry it too (`training_session_pkey`, `..._user_id_fkey`): renamed,
so the schema reads as if the table had always been called `run`.
"""

from alembic import op

revision = "0010_run"
down_revision = "0004_runner_profile"
branch_labels = None
depends_on = None

INDEXES = (  # (name without the table prefix, columns)
    ("user_started", ["user_id", "started_at", "id"]),
    ("user_local_date", ["user_id", "local_date"]),
)


def _rename(old: str, new: str) -> None:
    for suffix, _ in INDEXES:
        op.drop_index(f"ix_{old}_{suffix}", table_name=old)
    op.rename_table(old, new)
    for suffix, columns in INDEXES:
        op.create_index(f"ix_{new}_{suffix}", new, columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for constraint in ("pkey", "user_id_fkey"):
            op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old}_{constraint} TO {new}_{constraint}")


def upgrade():
    _rename("training_session", "run")


def downgrade():
    _rename("run", "training_session")
