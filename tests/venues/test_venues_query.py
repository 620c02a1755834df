"""The spatial query: R*Tree and bounding-box paths answer the same; the index follows every write."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from backrun.extensions import db
from backrun.venues import store
from backrun.venues.query import (
    EarthdistanceSearch,
    PostgisSearch,
    RTreeSearch,
    SpatialSearch,
    forget_spatial_search,
    spatial_search,
    venues_within,
)
from tests.support.venues import ANDORRA_LA_VELLA_STADIUM, TARTAN_OVAL_AT, VADUZ, spatially_indexed_count


def within(search, lat, lon, radius_km, indoor=None):
    return venues_within(db.session.connection(), search, lat, lon, radius_km, indoor=indoor)


# The spatial index each database gets from migration 0002 (PostgreSQL: earthdistance from
# postgresql-contrib; PostGIS instead where it is installed).
INDEXED_SEARCH = {"sqlite": (RTreeSearch,), "postgresql": (EarthdistanceSearch, PostgisSearch)}


def test_the_spatial_index_is_used_when_it_is_there(venues_app):
    with venues_app.app_context():
        assert isinstance(spatial_search(db.engine), INDEXED_SEARCH[db.engine.dialect.name])


@pytest.mark.parametrize(
    ("place", "radius"),
    [
        (VADUZ, 1),
        (VADUZ, 5),
        (TARTAN_OVAL_AT, 3),
        (VADUZ, 50),
        (ANDORRA_LA_VELLA_STADIUM, 20),
        ((0.0, 0.0), 5),
    ],
)
@pytest.mark.parametrize("indoor", [None, True, False])
def test_index_and_bbox_paths_give_the_same_answer(venues_app, place, radius, indoor):
    with venues_app.app_context():
        by_index = within(spatial_search(db.engine), *place, radius, indoor)
        assert isinstance(spatial_search(db.engine), INDEXED_SEARCH[db.engine.dialect.name])
        by_bbox = within(SpatialSearch(), *place, radius, indoor)
        assert [v.id for v in by_index] == [v.id for v in by_bbox]
        assert [v.distance_km for v in by_index] == sorted(v.distance_km for v in by_index)
        assert all(v.distance_km <= radius for v in by_index)
        if indoor is not None:
            assert all(v.indoor is indoor for v in by_index)


def test_nearest_first_and_exact_radius(venues_app):
    with venues_app.app_context():
        found = within(spatial_search(db.engine), *TARTAN_OVAL_AT, 3)
        assert found[0].osm_ref == "way/493738896" and found[0].distance_km < 0.01
        wider = within(spatial_search(db.engine), *TARTAN_OVAL_AT, 3.5)
        assert len(wider) > len(found)


def _record(osm_id, lat, lon):
    return store.VenueRecord("node", osm_id, "gym", True, lat, lon, None, None, {"leisure": "fitness_centre"})


def test_the_index_follows_inserts_updates_and_deletes_across_the_antimeridian(app):
    seen = datetime(2026, 1, 1)
    with app.app_context():
        search = spatial_search(db.engine)
        store.upsert(
            db.session,
            [_record(1, -16.5, 179.999), _record(2, -16.5, -179.999)],
            source="extract:fiji",
            seen_at=seen,
        )
        db.session.commit()
        assert {v.osm_id for v in within(search, -16.5, 179.9999, 2)} == {1, 2}
        store.upsert(db.session, [_record(1, -16.5, 178.0)], source="extract:fiji", seen_at=seen)  # moved
        db.session.commit()
        assert {v.osm_id for v in within(search, -16.5, 179.9999, 2)} == {2}
        assert {v.osm_id for v in within(search, -16.5, 178.0, 1)} == {1}
        store.delete_unseen(db.session, "extract:fiji", datetime(2026, 1, 2))
        db.session.commit()
        assert spatially_indexed_count(db.session) == 0


def test_a_missing_index_falls_back_to_the_bbox_query(venues_app):
    """SQLite: one of the R*Tree's triggers gone (the index would go stale); PostgreSQL: the GiST index gone."""
    with venues_app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER venue_rtree_update"))
        else:
            db.session.execute(text("DROP INDEX IF EXISTS ix_venue_earth"))
            db.session.execute(text("DROP INDEX IF EXISTS ix_venue_geog"))
        db.session.commit()
        forget_spatial_search(db.engine)
        try:
            search = spatial_search(db.engine)
            assert type(search) is SpatialSearch
            assert within(search, *TARTAN_OVAL_AT, 3)[0].osm_ref == "way/493738896"
        finally:
            forget_spatial_search(db.engine)
