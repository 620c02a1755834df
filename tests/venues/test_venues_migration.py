"""Migration 0002 on this run's database: tables and spatial index up, and all of it down again.

SQLite: an R*Tree table kept in step by three triggers. PostgreSQL: a GiST index on
earthdistance's ll_to_earth(lat, lon) (cube and earthdistance ship with PostgreSQL's contrib), or
on a PostGIS geography where PostGIS is installed.
"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from backrun.extensions import db
from backrun.venues.models import SPATIAL_INDEXES
from tests.support import backend
from tests.support.apps import bare_app


def _sqlite_triggers() -> set[str]:
    return set(db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())


def _spatial_indexes() -> set[str]:
    return {i["name"] for i in inspect(db.engine).get_indexes("venue")} & SPATIAL_INDEXES


def test_upgrade_and_downgrade(tmp_path):
    app = bare_app(tmp_path / "instance", backend.current().empty_database_url(tmp_path))
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        upgrade(revision="0002")
        names = set(inspect(db.engine).get_table_names())
        assert {"venue", "venue_extract", "venue_tile"} <= names
        if sqlite:
            assert "venue_rtree" in names
            assert _sqlite_triggers() == {"venue_rtree_insert", "venue_rtree_update", "venue_rtree_delete"}
        else:
            assert len(_spatial_indexes()) == 1
            extensions = set(db.session.execute(text("SELECT extname FROM pg_extension")).scalars())
            assert {"cube", "earthdistance"} <= extensions or "postgis" in extensions
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("venue")}
        assert {"ix_venue_lat_lon", "ix_venue_source"} <= indexes
        db.session.remove()

        downgrade(revision="0001")
        names = set(inspect(db.engine).get_table_names())
        assert not {n for n in names if n.startswith("venue")}
        if sqlite:
            assert not _sqlite_triggers()
        db.session.remove()

        upgrade(revision="0002")
        if sqlite:
            assert "venue_rtree" in set(inspect(db.engine).get_table_names())
        else:
            assert len(_spatial_indexes()) == 1
        db.session.remove()
        db.engine.dispose()


def test_the_models_match_migration_0002(app):
    """Autogenerate finds nothing to change for the venue tables (the R*Tree excluded by the hook
    that migrations/env.py passes to Alembic)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from backrun.venues.models import include_in_autogenerate

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_in_autogenerate, "compare_type": True}
        )
        diffs = compare_metadata(context, db.metadata)
    assert [d for d in diffs if "venue" in repr(d)] == []
