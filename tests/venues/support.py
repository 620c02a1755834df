"""Real OSM extracts imported once per test session, copied for each test that needs them.

Both the venue tests and the browser tests use this module (not a conftest fixture, which the
e2e directory could not see), so the extracts are imported once per session, whichever runs first.
"""

from __future__ import annotations

from sqlalchemy import text

from backrun import PROJECT_ROOT
from backrun.extensions import db
from backrun.venues.osm_import import import_extract
from tests.conftest import make_app
from tests.support import backend

DATA = PROJECT_ROOT / "data" / "osm"
LIECHTENSTEIN = DATA / "liechtenstein-2022-07-24.osm.pbf"
ANDORRA = DATA / "andorra-2019.osm.pbf"

# Places in the extracts (WGS 84).
TARTAN_OVAL = "way/493738896"  # the lit tartan oval drawn as a closed line (area=no), Vaduz
TARTAN_OVAL_AT = (47.11030, 9.51958)
VADUZ = (47.1410, 9.5209)
ANDORRA_LA_VELLA_STADIUM = (42.5013, 1.5139)


def imported_database(tmp_path_factory, open_meteo, met_no, nominatim) -> str:
    """A migrated database with both real extracts imported, built once per run: a SQLite file,
    or a PostgreSQL template database in the PostgreSQL pass (tests/support/backend.py)."""

    def build(url: str) -> None:
        where = tmp_path_factory.mktemp("venue-template")
        app = make_app(where, open_meteo, met_no, nominatim, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            for extract in (LIECHTENSTEIN, ANDORRA):
                import_extract(db.session, extract)
            db.session.remove()
            db.engine.dispose()

    return backend.current().template("venues", build)


def app_with_venues(tmp_path, template: str, open_meteo, met_no, nominatim, **overrides):
    """An app on a private copy of the imported database."""
    return make_app(tmp_path, open_meteo, met_no, nominatim, database=template, **overrides)


def spatially_indexed_count(session) -> int:
    """How many venues the database's spatial index holds: SQLite's R*Tree rows, or on PostgreSQL
    the rows a whole-earth search finds through the GiST index (sequential scans switched off)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return session.execute(text("SELECT count(*) FROM venue_rtree")).scalar_one()
    indexes = set(session.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'venue'")).scalars())
    query = WHOLE_EARTH["ix_venue_geog" if "ix_venue_geog" in indexes else "ix_venue_earth"]
    session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        plan = "\n".join(session.execute(text(f"EXPLAIN {query}")).scalars())
        assert "ix_venue_earth" in plan or "ix_venue_geog" in plan, plan
        return session.execute(text(query)).scalar_one()
    finally:
        session.execute(text("RESET enable_seqscan"))


WHOLE_EARTH = {
    # earth_box's radius is a straight-line distance: 13,000 km reaches everything on the sphere.
    "ix_venue_earth": "SELECT count(*) FROM venue WHERE earth_box(ll_to_earth(0, 0), 13000000) @> ll_to_earth(lat, lon)",
    "ix_venue_geog": "SELECT count(*) FROM venue WHERE ST_DWithin(CAST(ST_SetSRID(ST_MakePoint(lon, lat), 4326) "
                     "AS geography), CAST(ST_SetSRID(ST_MakePoint(0, 0), 4326) AS geography), 21000000)",
}
