"""A runner on an app with CSRF protection on, as for the logbook tests (tests/logbook/helpers.py)."""

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
def token_a(runner_a):
    return runner_a.token()
