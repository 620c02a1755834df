"""Migration 0003 creates exactly what the models describe, and goes down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from backrun.extensions import db

LOGBOOK_TABLES = {"account", "api_token", "training_session"}


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
    return [d for d in diffs if any(t in repr(d) for t in LOGBOOK_TABLES)]


def test_the_migration_matches_the_models(app):
    assert _differences(app) == []


def test_down_and_up_again(app):
    with app.app_context():
        downgrade(revision="0002")
        assert not LOGBOOK_TABLES & set(inspect(db.engine).get_table_names())
        upgrade()
        assert set(inspect(db.engine).get_table_names()) >= LOGBOOK_TABLES
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("training_session")}
        assert {"ix_training_session_user_started", "ix_training_session_user_local_date"} <= indexes
