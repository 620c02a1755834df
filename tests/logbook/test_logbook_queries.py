"""A bounded number of SQL queries per page, however long the log (counted, not timed)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from backrun.extensions import db
from tests.support.runners import seed_sessions

# Sign-in (load the runner) + the page's own reads.
MAX_QUERIES = {"/log": 2, "/log?month=2025-01&setting=treadmill": 2, "/progress": 3, "/api/v1/sessions": 2}


@contextmanager
def counted(app):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("path", list(MAX_QUERIES))
def test_query_count_does_not_grow_with_the_log(app, runner_a, runner_b, path):
    seed_sessions(app, runner_a.user_id, 10)
    seed_sessions(app, runner_b.user_id, 600)
    counts = []
    for runner in (runner_a, runner_b):
        runner.client.get(path)  # warm-up: the first request may load things once per process
        with counted(app) as statements:
            response = runner.client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= MAX_QUERIES[path], counts
