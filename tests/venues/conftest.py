"""Fixtures for the venue tests: the real extracts imported once, a fake Overpass server."""

from __future__ import annotations

import pytest

from backrun.venues.classify import READ_TAGS
from tests.support.fakes.overpass import OverpassFake
from tests.support.venues import ANDORRA, LIECHTENSTEIN, app_with_venues, imported_database


@pytest.fixture(scope="session")
def venue_template(tmp_path_factory, open_meteo, met_no, nominatim):
    return imported_database(tmp_path_factory, open_meteo, met_no, nominatim)


@pytest.fixture
def venues_app(tmp_path, venue_template, open_meteo, met_no, nominatim):
    return app_with_venues(tmp_path, venue_template, open_meteo, met_no, nominatim)


@pytest.fixture
def venues_client(venues_app):
    return venues_app.test_client()


@pytest.fixture(scope="session")
def overpass_server():
    with OverpassFake(extracts=(LIECHTENSTEIN, ANDORRA)) as fake:
        fake.prepare(READ_TAGS)
        yield fake


@pytest.fixture
def overpass(overpass_server):
    return overpass_server.fresh()
