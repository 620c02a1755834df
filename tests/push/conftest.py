"""Push tests: the loopback push service, an app that may send to it, runners A and B.

Most tests run send-due at chosen moments (`--at`): the weather fake and the app's weather
service then share a stopped clock (`clock`), so the forecast is about that moment.
"""

from __future__ import annotations

import pytest

from tests.support.fakes.open_meteo import OpenMeteoFake
from tests.support.fakes.push_service import PushServiceFake
from tests.support.push import Clock, use_clock
from tests.support.runner_fixtures import runner_a, runner_b, token_a, token_b  # noqa: F401 - fixtures
from tests.support.runners import FAST_HASH, make_logbook_app


@pytest.fixture(scope="session")
def push_service():
    with PushServiceFake() as fake:
        yield fake


@pytest.fixture
def push(push_service):
    return push_service.fresh()


@pytest.fixture(scope="session")
def _timed_weather():
    clock = Clock()
    with OpenMeteoFake(clock=clock) as fake:
        yield fake, clock


@pytest.fixture
def clock(_timed_weather):
    fake, clock = _timed_weather
    fake.restore()
    fake.reset()
    return clock


@pytest.fixture
def timed_open_meteo(_timed_weather, clock):
    return _timed_weather[0]


def push_app(tmp_path, open_meteo, met_no, nominatim, push, **overrides):
    config = {
        **FAST_HASH,
        "BACKRUN_PUSH_ALLOWED_ORIGINS": (push.url,),
        "BACKRUN_PUSH_TIMEOUT": 1.0,
        **overrides,
    }
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **config)


@pytest.fixture
def app(tmp_path, timed_open_meteo, clock, met_no, nominatim, push):
    app = push_app(tmp_path, timed_open_meteo, met_no, nominatim, push)
    use_clock(app, clock)
    return app
