"""Migration 0002 on SQLite: tables, R*Tree and triggers up, and all of it down again."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from backrun import create_app
from backrun.extensions import db


def test_upgrade_and_downgrade(tmp_path, open_meteo, met_no, nominatim):
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}", "BACKRUN_OVERPASS_URL": "",
    })
    with app.app_context():
        upgrade(revision="0002")
        names = set(inspect(db.engine).get_table_names())
        assert {"venue", "venue_extract", "venue_tile", "venue_rtree"} <= names
        triggers = set(db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        assert triggers == {"venue_rtree_insert", "venue_rtree_update", "venue_rtree_delete"}
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("venue")}
        assert {"ix_venue_lat_lon", "ix_venue_source"} <= indexes
        db.session.remove()

        downgrade(revision="0001")
        names = set(inspect(db.engine).get_table_names())
        assert not {n for n in names if n.startswith("venue")}
        assert not db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
        db.session.remove()

        upgrade(revision="0002")
        assert "venue_rtree" in set(inspect(db.engine).get_table_names())


def test_the_models_match_migration_0002(app):
    """Autogenerate finds nothing to change for the venue tables (the R*Tree excluded by the hook
    that migrations/env.py passes to Alembic)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from backrun.venues.models import include_in_autogenerate

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_in_autogenerate,
                                                               "compare_type": True})
        diffs = compare_metadata(context, db.metadata)
    assert [d for d in diffs if "venue" in repr(d)] == []
