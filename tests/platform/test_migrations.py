"""Every migration up and down on this run's database (SQLite, and PostgreSQL in the second pass),
and the newest schema is exactly what the models describe."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from backrun import PROJECT_ROOT
from backrun.extensions import db
from backrun.venues.models import EXTENSION_TABLES, include_in_autogenerate
from tests.support import backend
from tests.support.apps import bare_app


def test_all_the_way_down_and_up_again(tmp_path):
    app = bare_app(tmp_path / "instance", backend.current().empty_database_url(tmp_path))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"account", "run", "venue", "geocoded_place"} <= tables
        db.session.remove()

        downgrade(revision="base")
        # What is left: Alembic's bookkeeping, and the tables of an extension (PostGIS), which stays.
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version", *EXTENSION_TABLES}
        db.session.remove()

        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": include_in_autogenerate, "compare_type": True}
            )
            assert compare_metadata(context, db.metadata) == []
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_instances_starting_together_migrate_one_at_a_time(tmp_path):
    """`make serve` on several machines runs `flask db upgrade` at once: PostgreSQL's advisory lock
    (migrations/env.py) lets one migrate while the others wait and then find nothing to do."""
    url = backend.current().empty_database_url(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKRUN_")}
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=PROJECT_ROOT,
            env={
                **env,
                "DATABASE_URL": url,
                "SECRET_KEY": "x",
                "BACKRUN_INSTANCE_PATH": str(tmp_path / f"instance-{n}"),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(3)
    ]
    outputs = [process.communicate(timeout=90)[0] for process in upgrades]
    assert [process.returncode for process in upgrades] == [0, 0, 0], outputs
    assert sum("Running upgrade  -> 0001" in output for output in outputs) == 1, outputs
