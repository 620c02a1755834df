"""A runner on an app with CSRF protection on, as for the logbook tests (tests/logbook/helpers.py)."""

from __future__ import annotations

import pytest

from tests.support.runner_fixtures import runner_a, token_a  # noqa: F401 - fixtures
from tests.support.runners import FAST_HASH, make_logbook_app


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)
