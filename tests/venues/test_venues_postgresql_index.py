"""PostgreSQL's two spatial indexes for venues: PostGIS where it can be had, earthdistance else.

make test installs PostGIS, so migration 0002 puts the venue index on a PostGIS geography. A
database whose owner may not create PostGIS (it is not a trusted extension) gets earthdistance's
index where an administrator created earthdistance, and a plain bounding box else: all of them
are exercised here, the two index searches on real imported venues, and they answer alike.
"""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from backrun.extensions import db
from backrun.venues.models import SPATIAL_INDEXES
from backrun.venues.query import (
    EarthdistanceSearch,
    PostgisSearch,
    SpatialSearch,
    spatial_search,
    venues_within,
)
from tests.support import backend
from tests.support.apps import bare_app
from tests.support.venues import ANDORRA_LA_VELLA_STADIUM, TARTAN_OVAL_AT, VADUZ

pytestmark = pytest.mark.postgres

PLACES = [
    (VADUZ, 1),
    (VADUZ, 5),
    (TARTAN_OVAL_AT, 3),
    (VADUZ, 50),
    (ANDORRA_LA_VELLA_STADIUM, 20),
    ((0.0, 0.0), 5),
]


def _available(connection, extension: str) -> bool:
    return (
        connection.execute(
            text("SELECT count(*) FROM pg_available_extensions WHERE name = :name"), {"name": extension}
        ).scalar_one()
        == 1
    )


def test_the_migration_puts_the_index_on_postgis_where_postgis_is_installed(venues_app):
    with venues_app.app_context():
        connection = db.session.connection()
        assert _available(connection, "postgis"), "make test installs PostGIS (postgresql-<major>-postgis-3)"
        indexes = {i["name"] for i in inspect(connection).get_indexes("venue")} & SPATIAL_INDEXES
        assert indexes == {"ix_venue_geog"}
        assert isinstance(spatial_search(db.engine), PostgisSearch)


@pytest.mark.parametrize("indoor", [None, True, False])
def test_postgis_and_earthdistance_find_the_same_venues_as_the_plain_query(venues_app, indoor):
    with venues_app.app_context():
        connection = db.session.connection()
        # Both indexes on one database, so both searches really run against real venues.
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS cube"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS earthdistance"))
        connection.execute(
            text("CREATE INDEX IF NOT EXISTS ix_venue_earth ON venue USING gist (ll_to_earth(lat, lon))")
        )
        for place, radius in PLACES:
            answers = {
                search.name: venues_within(connection, search, *place, radius, indoor=indoor)
                for search in (PostgisSearch(), EarthdistanceSearch(), SpatialSearch())
            }
            ids = {name: [venue.id for venue in found] for name, found in answers.items()}
            assert ids["postgis"] == ids["earthdistance"] == ids["bbox"], (place, radius)
            assert all(venue.distance_km <= radius for venue in answers["postgis"])
        near_the_oval = venues_within(connection, PostgisSearch(), *TARTAN_OVAL_AT, 3)
        assert near_the_oval and near_the_oval[0].osm_ref == "way/493738896"


@pytest.fixture
def plain_owner_database(request):
    """A database whose owner is no superuser, so it may not create PostGIS or earthdistance
    (neither is a trusted extension), like many managed PostgreSQL services; `request.param`
    lists the extensions an administrator created in it beforehand."""
    server_url = backend.current().databases.server_url
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    suffix = uuid.uuid4().hex[:10]
    role, name = f"venue_owner_{suffix}", f"backrun_plain_{suffix}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER PASSWORD 'plain'"))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER "{role}" TEMPLATE template0'))
    as_admin = create_engine(
        make_url(server_url).set(database=name), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with as_admin.connect() as connection:
        for extension in request.param:
            connection.execute(text(f"CREATE EXTENSION {extension}"))
    as_admin.dispose()
    url = make_url(server_url).set(database=name, username=role, password="plain")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.mark.parametrize(
    ("plain_owner_database", "index", "search"),
    [
        (("cube", "earthdistance"), {"ix_venue_earth"}, EarthdistanceSearch),
        ((), set(), SpatialSearch),  # no spatial index at all: the bounding box on the B-tree
    ],
    indirect=["plain_owner_database"],
    ids=["earthdistance-preinstalled", "no-extensions"],
)
def test_a_migration_not_allowed_to_create_postgis_falls_back(tmp_path, plain_owner_database, index, search):
    app = bare_app(tmp_path / "instance", plain_owner_database)
    with app.app_context():
        upgrade()  # never fails for want of an extension
        connection = db.session.connection()
        assert _available(connection, "postgis")  # installed, but this owner may not create it
        extensions = set(connection.execute(text("SELECT extname FROM pg_extension")).scalars())
        assert "postgis" not in extensions
        assert {i["name"] for i in inspect(connection).get_indexes("venue")} & SPATIAL_INDEXES == index
        assert type(spatial_search(db.engine)) is search
        db.session.remove()
        db.engine.dispose()
