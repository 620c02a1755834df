"""Shared fixtures: an app on a real SQLite file migrated with Alembic, and fake upstreams.

The fakes are real HTTP servers on 127.0.0.1 that speak each service's format (see
tests/fakes). They start once per session and are reset before every test.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask_migrate import upgrade

from backrun import create_app
from tests.fakes.met_no import MetNoFake
from tests.fakes.nominatim import NominatimFake
from tests.fakes.open_meteo import OpenMeteoFake


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


@pytest.fixture(autouse=True)
def _reset_fakes(request):
    # Reset only the fakes this test (or its fixtures) uses, before it runs: healthy, default
    # weather, no recorded requests.
    for name in ("open_meteo", "met_no", "nominatim"):
        if name in request.fixturenames:
            fake = request.getfixturevalue(name)
            fake.restore()
            fake.reset()


def make_app(tmp_path, open_meteo, met_no, nominatim, **overrides):
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "BACKRUN_OPEN_METEO_URL": open_meteo.endpoint,
        "BACKRUN_MET_NO_URL": met_no.endpoint,
        "BACKRUN_NOMINATIM_URL": nominatim.url,
        "BACKRUN_OVERPASS_URL": "",  # no live venue lookups unless a test starts the Overpass fake
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
    now = now or datetime.now(timezone.utc)
    hours = now.hour + now.minute / 60
    longitude = ((12 - hours) * 15 + 180) % 360 - 180
    return 5.0, round(longitude, 4)
