"""Apps for tests and benchmarks: `make_app`, on a fresh migrated database of this run's backend
with the fake upstreams; `bare_app`, on a database exactly as given (not migrated), with no
weather, venue or shared-cache services, for helpers that migrate, seed or inspect a database
themselves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from tests.support import backend
from tests.support.fakes.air_quality import shared_air_quality


def bare_app(instance_path: Path | str, database_url: str, **config) -> Flask:
    from backrun import create_app

    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_path),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BACKRUN_CACHE_URL": "",
            "BACKRUN_OVERPASS_URL": "",
            "BACKRUN_AIR_QUALITY_URL": "",
            **config,
        }
    )


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
    from backrun import create_app

    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def daylit_location(now: datetime | None = None) -> tuple[float, float]:
    """A point on land-ish latitudes where the sun is high right now (local solar noon).

    The darkness rule uses the real sun position, so a test that expects "go" must ask about a
    place where it is day whenever the suite happens to run.
    """
    now = now or datetime.now(UTC)
    hours = now.hour + now.minute / 60
    longitude = ((12 - hours) * 15 + 180) % 360 - 180
    return 5.0, round(longitude, 4)
