"""Re-importing an area: a newer, smaller extract updates venues in place and removes the gone ones."""

from __future__ import annotations

import math

import osmium
import pytest
from sqlalchemy import func, select

from backrun.extensions import db
from backrun.venues.models import Venue, VenueExtract
from backrun.venues.osm_import import ImportRefused, import_extract
from tests.support.venues import spatially_indexed_count

M_PER_DEG = 111_195.0
LAT, LON = 46.95, 7.44  # somewhere no real extract covers


def _node(node_id: int, lat: float, lon: float, tags: dict | None = None) -> str:
    inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in (tags or {}).items())
    return f'  <node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{inner}</node>\n'


def _way(way_id: int, refs: list[int], tags: dict) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    inner = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'  <way id="{way_id}" version="1">{nds}{inner}</way>\n'


def oval_points(lat: float, lon: float) -> list[tuple[float, float]]:
    """A 400 m oval: 84.39 m straights, 36.5 m bends."""
    points = []
    for side in (1, -1):
        for i in range(12):
            a = math.pi * i / 11
            x, y = side * (36.5 * math.sin(a) + 42.2), -side * 36.5 * math.cos(a)
            points.append((lat + y / M_PER_DEG, lon + x / (M_PER_DEG * math.cos(math.radians(lat)))))
    return points


def square_points(lat: float, lon: float, side_m: float) -> list[tuple[float, float]]:
    dlat, dlon = side_m / M_PER_DEG, side_m / (M_PER_DEG * math.cos(math.radians(lat)))
    return [(lat, lon), (lat, lon + dlon), (lat + dlat, lon + dlon), (lat + dlat, lon)]


def extract_xml(*, park: bool, track_surface: str, hall: bool) -> str:
    """A small extract: an oval track drawn as a closed line, a park, a gym, and things never offered."""
    nodes, ways, next_id = [], [], [1000]

    def closed_way(way_id, points, tags):
        refs = []
        for lat, lon in points:
            next_id[0] += 1
            nodes.append(_node(next_id[0], lat, lon))
            refs.append(next_id[0])
        ways.append(_way(way_id, refs + refs[:1], tags))

    closed_way(
        1,
        oval_points(LAT, LON),
        {"leisure": "track", "area": "no", "sport": "running", "surface": track_surface, "lit": "yes"},
    )
    if park:
        closed_way(2, square_points(LAT + 0.004, LON, 80), {"leisure": "park", "name": "Testpark"})
    closed_way(3, square_points(LAT - 0.004, LON, 80), {"natural": "beach", "surface": "pebbles"})
    closed_way(4, oval_points(LAT, LON + 0.01), {"leisure": "track", "sport": "running", "access": "private"})
    if hall:
        closed_way(5, square_points(LAT, LON - 0.004, 40), {"leisure": "sports_hall", "building": "yes"})
    nodes.append(_node(900, LAT + 0.001, LON + 0.002, {"leisure": "fitness_centre", "name": "Testgym"}))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="backrun tests">\n'
        f'  <bounds minlat="{LAT - 0.05}" minlon="{LON - 0.05}" maxlat="{LAT + 0.05}" maxlon="{LON + 0.05}"/>\n'
        + "".join(nodes)
        + "".join(ways)
        + "</osm>\n"
    )


def by_ref() -> dict[str, Venue]:
    return {v.osm_ref: v for v in db.session.scalars(select(Venue).where(Venue.source == "extract:testland"))}


def test_a_newer_smaller_extract_of_the_same_area_removes_gone_venues(app, tmp_path):
    first = tmp_path / "testland-2024-01-01.osm"
    first.write_text(extract_xml(park=True, track_surface="asphalt", hall=False))
    second = tmp_path / "testland-2024-02-01.osm"
    second.write_text(extract_xml(park=False, track_surface="tartan", hall=True))
    with app.app_context():
        report = import_extract(db.session, first)
        venues = by_ref()
        assert set(venues) == {"way/1", "way/2", "node/900"}  # no pebble beach, no private track
        assert report.dropped == {"stony_beach": 1, "closed_access": 1}
        track = venues["way/1"]
        assert (
            track.kind == "track"
            and track.area_m2 is None
            and track.perimeter_m == pytest.approx(400, rel=0.02)
        )
        track_id, gym_id = track.id, venues["node/900"].id

        report = import_extract(db.session, second)
        assert report.area == "testland" and report.removed == 1
        db.session.expire_all()
        venues = by_ref()
        assert set(venues) == {"way/1", "way/5", "node/900"}  # the park is gone, the hall is new
        assert venues["way/1"].id == track_id and venues["way/1"].surface == "tartan"  # updated in place
        assert venues["node/900"].id == gym_id
        extract = db.session.execute(select(VenueExtract).where(VenueExtract.area == "testland")).scalar_one()
        assert extract.file_name == second.name and extract.venue_count == 3
        assert spatially_indexed_count(db.session) == 3


def test_other_areas_are_untouched_by_a_reimport(app, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = tmp_path / "a" / "testland.osm"
    one.write_text(extract_xml(park=True, track_surface="asphalt", hall=False))
    other = tmp_path / "b" / "otherland.osm"
    other.write_text(
        extract_xml(park=True, track_surface="asphalt", hall=False)
        .replace('id="900"', 'id="901"')
        .replace('<way id="', '<way id="7')
    )
    with app.app_context():
        import_extract(db.session, one)
        import_extract(db.session, other)
        smaller = tmp_path / "testland-2.osm"
        smaller.write_text(extract_xml(park=False, track_surface="asphalt", hall=False))
        assert import_extract(db.session, smaller, area="testland").removed == 1
        others = db.session.execute(
            select(func.count()).select_from(Venue).where(Venue.source == "extract:otherland")
        ).scalar_one()
        assert others == 3


def _pbf(path, timestamp: str, *, park: bool) -> None:
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", timestamp)
    # An extract's header gives its bounding box; the import refuses one without.
    header.add_box(
        osmium.osm.Box(
            osmium.osm.Location(LON - 0.05, LAT - 0.05), osmium.osm.Location(LON + 0.05, LAT + 0.05)
        )
    )
    with osmium.SimpleWriter(str(path), header=header) as writer:
        writer.add_node(
            osmium.osm.mutable.Node(
                id=1, location=(LON, LAT), version=1, tags={"leisure": "fitness_centre", "name": "Gym"}
            )
        )
        if park:
            refs = []
            for i, (lat, lon) in enumerate(square_points(LAT, LON, 80), start=10):
                writer.add_node(osmium.osm.mutable.Node(id=i, location=(lon, lat), version=1))
                refs.append(i)
            writer.add_way(
                osmium.osm.mutable.Way(id=2, nodes=refs + refs[:1], version=1, tags={"leisure": "park"})
            )


def test_older_data_is_refused_unless_forced(app, tmp_path):
    newer, older = tmp_path / "pbfland-2024-02-01.osm.pbf", tmp_path / "pbfland-2024-01-01.osm.pbf"
    _pbf(newer, "2024-02-01T00:00:00Z", park=True)
    _pbf(older, "2024-01-01T00:00:00Z", park=False)
    with app.app_context():
        import_extract(db.session, newer)
        with pytest.raises(ImportRefused, match="older than"):
            import_extract(db.session, older)
        assert len(db.session.scalars(select(Venue).where(Venue.source == "extract:pbfland")).all()) == 2
        assert import_extract(db.session, older, force=True).removed == 1
