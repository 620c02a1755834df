"""Sizes, points and search boxes (pure)."""

from __future__ import annotations

import math

import pytest

from backrun.venues.geometry import (
    haversine_km,
    measure_line,
    measure_polygon,
    ring_area_m2,
    ring_length_m,
    ring_point,
    search_boxes,
)

M_PER_DEG_LAT = 111_195.0


def square(lat, lon, side_m):
    dlat = side_m / M_PER_DEG_LAT
    dlon = side_m / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
    return [(lat, lon), (lat, lon + dlon), (lat + dlat, lon + dlon), (lat + dlat, lon), (lat, lon)]


def oval(lat, lon, straight_m=84.39, radius_m=36.5, steps=40):
    """A standard 400 m track's inside line: two straights and two half circles."""
    points = []
    for i in range(steps + 1):
        a = math.pi * i / steps
        points.append((radius_m * math.sin(a) + straight_m / 2, -radius_m * math.cos(a)))
    for i in range(steps + 1):
        a = math.pi * i / steps
        points.append((-radius_m * math.sin(a) - straight_m / 2, radius_m * math.cos(a)))
    points.append(points[0])
    k = math.cos(math.radians(lat))
    return [(lat + y / M_PER_DEG_LAT, lon + x / (M_PER_DEG_LAT * k)) for x, y in points]


def test_haversine_matches_known_distance():
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, rel=1e-4)
    assert haversine_km(47.0, 9.5, 47.0, 9.5) == 0


def test_square_area_and_perimeter():
    ring = square(47.1, 9.5, 100)
    assert ring_area_m2(ring) == pytest.approx(10_000, rel=0.01)
    assert ring_length_m(ring) == pytest.approx(400, rel=0.01)
    assert ring_area_m2(ring[:-1]) == pytest.approx(10_000, rel=0.01)  # closing point implied


def test_oval_track_drawn_as_a_line_is_about_400_m_with_its_point_in_the_middle():
    ring = oval(47.11, 9.52)
    measured = measure_line(ring)
    assert measured.area_m2 is None
    assert measured.perimeter_m == pytest.approx(400, rel=0.01)
    assert haversine_km(measured.lat, measured.lon, 47.11, 9.52) < 0.005


def test_open_line_point_is_halfway_along():
    measured = measure_line([(47.0, 9.5), (47.0, 9.502), (47.0, 9.504)])
    assert measured.lon == pytest.approx(9.502, abs=1e-6)
    assert measured.perimeter_m == pytest.approx(2 * 151.6, rel=0.01)


def test_polygon_area_excludes_holes():
    outer, hole = square(47.1, 9.5, 200), square(47.1005, 9.5007, 50)
    measured = measure_polygon([outer], [hole])
    assert measured.area_m2 == pytest.approx(40_000 - 2_500, rel=0.01)
    assert measured.perimeter_m == pytest.approx(800, rel=0.01)


def test_point_of_an_l_shape_lies_inside_it():
    # An L: the centroid of this shape falls outside it, in the notch.
    d = 100 / M_PER_DEG_LAT
    ring = [(0, 0), (0, 10 * d), (d, 10 * d), (d, d), (10 * d, d), (10 * d, 0), (0, 0)]
    lat, lon = ring_point(ring)
    assert (0 <= lat <= d and 0 <= lon <= 10 * d) or (0 <= lon <= d and 0 <= lat <= 10 * d)


def test_search_box_contains_the_circle():
    ((south, west, north, east),) = search_boxes(47.0, 9.5, 5)
    for bearing in range(0, 360, 15):
        b = math.radians(bearing)
        lat = 47.0 + 5 / 111.195 * math.cos(b) * 0.999
        lon = 9.5 + 5 / (111.195 * math.cos(math.radians(lat))) * math.sin(b) * 0.999
        assert south <= lat <= north and west <= lon <= east


def test_search_boxes_split_at_the_antimeridian_and_cover_poles():
    boxes = search_boxes(10.0, 179.99, 5)
    assert len(boxes) == 2
    assert any(b[3] == 180.0 for b in boxes) and any(b[1] == -180.0 for b in boxes)
    assert search_boxes(89.99, 0, 5) == [(pytest.approx(89.945, abs=1e-3), -180.0, 90.0, 180.0)]
