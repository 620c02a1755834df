"""Real OSM extracts imported once per test session, copied for each test that needs them.

Both the venue tests and the browser tests use this module (not a conftest fixture, which the
e2e directory could not see), so the extracts are imported once per session, whichever runs first.
"""

from __future__ import annotations

from sqlalchemy import text

from backrun import PROJECT_ROOT
from backrun.extensions import db
from backrun.venues.osm_import import import_extract
from tests.support import backend
from tests.support.apps import make_app

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
    indexes = set(
        session.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'venue'")).scalars()
    )
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


def cut_extract(source, target, box) -> None:
    """Cut an extract at a bounding box (south, west, north, east) the simple way, as `osmium extract
    --strategy simple` does: the nodes inside, every way with a node inside (its references to the
    nodes outside stay, dangling), every relation with a member kept. Areas crossing the edge
    arrive cut: ways missing nodes, multipolygons missing member ways."""
    import osmium

    south, west, north, east = box
    nodes: set[int] = set()
    ways: set[int] = set()
    # Like `osmium extract`, the cut's header gives its bounding box (an import refuses a file without).
    header = osmium.io.Header()
    header.add_box(osmium.osm.Box(osmium.osm.Location(west, south), osmium.osm.Location(east, north)))
    writer = osmium.SimpleWriter(str(target), header=header)
    try:
        for obj in osmium.FileProcessor(str(source)):
            if obj.is_node():
                if (
                    obj.location.valid()
                    and south <= obj.location.lat <= north
                    and west <= obj.location.lon <= east
                ):
                    nodes.add(obj.id)
                    writer.add_node(obj)
            elif obj.is_way():
                if any(n.ref in nodes for n in obj.nodes):
                    ways.add(obj.id)
                    writer.add_way(obj)
            elif obj.is_relation() and any(
                (m.type == "w" and m.ref in ways) or (m.type == "n" and m.ref in nodes) for m in obj.members
            ):
                writer.add_relation(obj)
    finally:
        writer.close()
