"""Shared fixtures: an app on a real database migrated with Alembic, and fake upstreams.

The database is a fresh SQLite file per test, or with `pytest --backend=postgres` (the second
pass of `make test`) a fresh PostgreSQL database per test and Redis as the shared cache: see
tests/support/backend.py. Tests marked `postgres` or `service` need that pass and are
deselected in the SQLite one.

The fakes are real HTTP servers on 127.0.0.1 that speak each service's format (see
tests/fakes). They start once per session and are reset before every test.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade

from backrun import create_app
from tests.fakes.air_quality import air_quality_started, shared_air_quality
from tests.fakes.met_no import MetNoFake
from tests.fakes.nominatim import NominatimFake
from tests.fakes.open_meteo import OpenMeteoFake
from tests.support import backend

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
        shared_air_quality().restore()
        shared_air_quality().reset()
    for name in ("open_meteo", "met_no", "nominatim"):
        if name in request.fixturenames:
            fake = request.getfixturevalue(name)
            fake.restore()
            fake.reset()


def make_app(
    tmp_path,
    open_meteo,
    met_no,
    nominatim,
    *,
    database: str | None = None,
    per_run: bool = False,
    **overrides,
):
    """An app on a fresh, migrated database of this run's backend (a copy of the `database`
    template when given, see backend.template) and, in the PostgreSQL pass, Redis as its cache.
    `per_run`: the database outlives the test (module-scoped apps: the PostgreSQL pass drops a
    test's databases after it)."""
    current = backend.current()
    if "SQLALCHEMY_DATABASE_URI" not in overrides:
        overrides["SQLALCHEMY_DATABASE_URI"] = current.database_url(
            tmp_path, template=database, per_run=per_run
        )
    overrides.setdefault("BACKRUN_CACHE_URL", current.cache_url)
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "BACKRUN_OPEN_METEO_URL": open_meteo.endpoint,
        "BACKRUN_MET_NO_URL": met_no.endpoint,
        "BACKRUN_AIR_QUALITY_URL": shared_air_quality().endpoint,
        "BACKRUN_NOMINATIM_URL": nominatim.url,
        "BACKRUN_OVERPASS_URL": "",  # no live venue lookups unless a test starts the Overpass fake
        "BACKRUN_ELEVATION_URL": "",  # no elevation lookups unless a test starts the elevation fake
        "BACKRUN_HTTP_TIMEOUT": 1.0,
        "BACKRUN_CONTACT": "tests@backrun.invalid",
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_app(tmp_path, open_meteo, met_no, nominatim)


@pytest.fixture
def client(app):
    return app.test_client()


def daylit_location(now: datetime | None = None) -> tuple[float, float]:
    """A point on land-ish latitudes where the sun is high right now (local solar noon).

    The darkness rule uses the real sun position, so a test that expects "go" must ask about a
    place where it is day whenever the suite happens to run.
    """
    now = now or datetime.now(UTC)
    hours = now.hour + now.minute / 60
    longitude = ((12 - hours) * 15 + 180) % 360 - 180
    return 5.0, round(longitude, 4)
