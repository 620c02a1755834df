"""Two runners, A and B, on one app with CSRF protection on and the real password hashing."""

from __future__ import annotations

import pytest

from tests.support.runner_fixtures import runner_a, runner_b, token_a, token_b  # noqa: F401 - fixtures
from tests.support.runners import make_logbook_app


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim)
