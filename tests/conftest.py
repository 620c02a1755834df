"""Shared fixtures: an app on a real database migrated with Alembic, and fake upstreams.

The database is a fresh SQLite file per test, or with `pytest --backend=postgres` (the second
pass of `make test`) a fresh PostgreSQL database per test and Redis as the shared cache: see
tests/support/backend.py. Tests marked `postgres` or `service` need that pass and are
deselected in the SQLite one.

The fakes are real HTTP servers on 127.0.0.1 that speak each service's format (see
tests/support/fakes). They start once per session and are reset before every test.
"""

from __future__ import annotations

import pytest

from tests.support import backend
from tests.support.apps import make_app
from tests.support.fakes.air_quality import air_quality_started, shared_air_quality
from tests.support.fakes.met_no import MetNoFake
from tests.support.fakes.nominatim import NominatimFake
from tests.support.fakes.open_meteo import OpenMeteoFake

# The browser fixtures (Chromium through Playwright) for the browser tests in every package.
pytest_plugins = ["tests.support.browser"]

POSTGRES_ONLY_MARKERS = ("postgres", "service")


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=backend.BACKENDS,
        default=None,
        help="sqlite (default) or postgres: PostgreSQL and Redis for every app (tests/support/backend.py)",
    )


def pytest_configure(config):
    backend.configure(config.getoption("--backend") or backend.default_backend())


def pytest_unconfigure(config):
    backend.shutdown()


def pytest_report_header(config):
    return f"backend: {backend.current().name}"


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL (and Redis, gunicorn) run in the PostgreSQL pass only: deselected,
    not skipped, in the SQLite one."""
    if backend.current().name == "postgres":
        return
    keep, drop = [], []
    for item in items:
        (drop if any(item.get_closest_marker(m) for m in POSTGRES_ONLY_MARKERS) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _fresh_backend_state():
    """Redis flushed before each test (PostgreSQL pass); the test's databases dropped after it."""
    current = backend.current()
    current.before_test()
    yield
    current.after_test()


@pytest.fixture(scope="session")
def open_meteo():
    with OpenMeteoFake() as fake:
        yield fake


@pytest.fixture(scope="session")
def met_no():
    with MetNoFake() as fake:
        yield fake


@pytest.fixture(scope="session")
def nominatim():
    with NominatimFake() as fake:
        yield fake


@pytest.fixture
def air_quality():
    """The one Air Quality fake every app from `make_app` asks (see `shared_air_quality`)."""
    return shared_air_quality()


@pytest.fixture(autouse=True)
def _reset_fakes(request):
    # Reset only the fakes this test (or its fixtures) uses, before it runs: healthy, default
    # weather, no recorded requests.
    if air_quality_started():
        shared_air_quality().fresh()
    for name in ("open_meteo", "met_no", "nominatim"):
        if name in request.fixturenames:
            request.getfixturevalue(name).fresh()


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_app(tmp_path, open_meteo, met_no, nominatim)


@pytest.fixture
def client(app):
    return app.test_client()
