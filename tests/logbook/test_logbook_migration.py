"""The logbook's migrations (0003 made it, 0010 renamed training_session to run) create exactly
what the models describe, and go down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from backrun.extensions import db

LOGBOOK_TABLES = {"account", "api_token", "run"}


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
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("run")}
        assert {"ix_run_user_started", "ix_run_user_local_date"} <= indexes


def _names(table: str) -> tuple[set, set]:
    inspector = inspect(db.engine)
    indexes = {i["name"] for i in inspector.get_indexes(table)}
    keys = {inspector.get_pk_constraint(table)["name"]} | {
        fk["name"] for fk in inspector.get_foreign_keys(table)
    }
    return indexes, keys - {None}  # SQLite's keys have no names


def test_the_rename_to_run_keeps_every_row_both_ways(app, runner_a, token_a):
    logged = runner_a.log(token_a)["id"]
    with app.app_context():
        downgrade(revision="0004_runner_profile")
        tables = set(inspect(db.engine).get_table_names())
        assert "training_session" in tables and "run" not in tables
        indexes, keys = _names("training_session")
        assert {"ix_training_session_user_started", "ix_training_session_user_local_date"} <= indexes
        assert all("training_session" in name for name in keys)
        (kept,) = db.session.execute(text("SELECT notes FROM training_session")).scalars().all()
        db.session.remove()

        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert "run" in tables and "training_session" not in tables
        indexes, keys = _names("run")
        assert indexes == {"ix_run_user_started", "ix_run_user_local_date"}
        assert not any("training_session" in name for name in keys)
        assert db.session.execute(text("SELECT notes FROM run")).scalars().all() == [kept]
        db.session.remove()
    assert runner_a.api("GET", f"/api/v1/runs/{logged}", token_a).status_code == 200
