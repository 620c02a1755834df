"""Two runners, A and B, on one app with CSRF protection on (as in production).

The app uses a fresh database per test: SQLite, or PostgreSQL in the second pass of `make test`
(`pytest --backend=postgres`, see tests/support/backend.py).
"""

from __future__ import annotations

import pytest

from tests.logbook.helpers import FAST_HASH, Runner, make_logbook_app


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)


@pytest.fixture
def runner_a(app):
    return Runner(app, "alice@example.org").signup()


@pytest.fixture
def runner_b(app):
    return Runner(app, "bob@example.org").signup()


@pytest.fixture
def token_a(runner_a):
    return runner_a.token()


@pytest.fixture
def token_b(runner_b):
    return runner_b.token()
