"""The pure pieces of the one geometry path: rings from member ways, strips, clipped shapes,
node-only indoor places, place names and slopes."""

from __future__ import annotations

import pytest

from backrun.venues.classify import Rejection, VenueKind, classify
from backrun.venues.elevation import slope_percent
from backrun.venues.geometry import assemble_rings, equivalent_width_m, ring_area_m2
from backrun.venues.naming import Landmark, place_names, title
from backrun.venues.shapes import SLOPE_KINDS, candidate, point_shape, relation_shape, way_shape

M = 1 / 111_195  # one metre of latitude in degrees


def rect(south, west, north_m, east_m):
    """A closed rectangle north_m x east_m metres from (south, west), at 47° N."""
    east_deg = east_m * M / 0.682  # cos(47°)
    corners = [
        (south, west),
        (south, west + east_deg),
        (south + north_m * M, west + east_deg),
        (south + north_m * M, west),
    ]
    return corners + corners[:1]


def test_rings_are_joined_from_ways_in_any_order_and_direction():
    ring = rect(47.0, 9.0, 100, 100)
    pieces = [ring[2:4], ring[0:2][::-1], ring[3:], ring[1:3]]
    [joined], gaps = assemble_rings(pieces)
    assert not gaps and joined[0] == joined[-1]
    assert ring_area_m2(joined) == pytest.approx(ring_area_m2(ring), rel=1e-9)


def test_whole_rings_are_kept_apart_from_the_pieces_of_a_cut_one():
    whole = rect(47.0, 9.0, 100, 100)
    cut = rect(47.01, 9.0, 100, 100)
    rings, gaps = assemble_rings(
        [cut[0:3], whole[0:3], whole[2:]]
    )  # the cut ring's first, then the whole one in two
    assert gaps and len(rings) == 2
    areas = sorted(ring_area_m2(r) for r in rings)
    assert areas[0] == pytest.approx(5_000, rel=0.01) and areas[1] == pytest.approx(10_000, rel=0.01)


def test_two_cut_rings_far_apart_are_not_bridged_into_one():
    west, east = rect(47.0, 9.0, 100, 100), rect(47.0, 9.01, 100, 100)  # 760 m apart
    rings, gaps = assemble_rings([west[0:4], east[0:4]])  # each lost its closing side
    assert gaps and sorted(round(ring_area_m2(r)) for r in rings) == [10_000, 10_000]


def test_the_pieces_of_one_cut_ring_are_chained_across_the_gaps():
    ring = rect(47.0, 9.0, 100, 100)
    [joined], gaps = assemble_rings([ring[0:2], ring[2:4]])  # two opposite sides, the others missing
    assert gaps and ring_area_m2(joined) == pytest.approx(10_000, rel=0.01)


def test_a_ring_with_a_missing_way_is_closed_across_the_gap():
    ring = rect(47.0, 9.0, 100, 100)
    [closed], gaps = assemble_rings([ring[0:3]])  # two sides of the four
    assert gaps and ring_area_m2(closed) == pytest.approx(ring_area_m2(ring) / 2, rel=0.01)


@pytest.mark.parametrize(("north_m", "east_m", "width"), [(6.7, 380, 6.7), (45, 45, 45), (20, 100, 20)])
def test_equivalent_width_is_the_short_side_of_a_rectangle(north_m, east_m, width):
    area, perimeter = north_m * east_m, 2 * (north_m + east_m)
    assert equivalent_width_m(area, perimeter) == pytest.approx(width, rel=1e-6)


def test_a_circle_counts_as_a_square_of_its_perimeter():
    import math

    r = 50
    assert equivalent_width_m(math.pi * r * r, 2 * math.pi * r) == pytest.approx(2 * math.pi * r / 4)


def test_a_verge_is_not_open_grass_but_a_square_of_the_same_area_is():
    verge = way_shape(rect(47.0, 9.0, 6.7, 380), True, {"landuse": "grass"})
    square = way_shape(rect(47.0, 9.0, 50.5, 50.5), True, {"landuse": "grass"})
    rejected = candidate("way", 1, {"landuse": "grass"}, verge)
    assert isinstance(rejected, Rejection) and rejected.reason == "strip"
    assert candidate("way", 2, {"landuse": "grass"}, square).kind == "grass"


def test_tracks_and_pitches_are_not_held_to_the_strip_width():
    assert classify({"leisure": "track", "sport": "running"}, 1200, 420) == VenueKind("track", False)


def test_sports_centres_mapped_as_nodes_with_a_sport_are_indoor_places():
    tags = {"leisure": "sports_centre", "sport": "badminton;volleyball"}
    assert classify(tags, point=True) == VenueKind("sports_centre", True)
    assert isinstance(classify(tags, 5000, 300), Rejection)  # an area without a building: outdoor pitches
    assert isinstance(classify({"leisure": "sports_centre"}, point=True), Rejection)  # no sign at all
    assert isinstance(classify({"leisure": "sports_centre", "sport": "swimming"}, point=True), Rejection)


def test_a_node_gym_has_no_size():
    gym = candidate("node", 1, {"leisure": "fitness_centre"}, point_shape(47.0, 9.0))
    assert gym.indoor and gym.area_m2 is None and gym.samples == ()


def test_a_way_with_missing_nodes_is_clipped_and_keeps_its_available_part():
    ring = rect(47.0, 9.0, 100, 200)
    full = candidate("way", 1, {"leisure": "park"}, way_shape(ring, True, {}))
    cut = candidate(
        "way", 1, {"leisure": "park"}, way_shape([ring[0], ring[1], ring[2], None, ring[4]], True, {})
    )
    assert not full.clipped and cut.clipped and cut.kind == "park"
    assert cut.area_m2 == pytest.approx(full.area_m2 / 2, rel=0.01)


def test_a_clipped_corner_of_a_park_is_kept_however_small_its_available_part():
    ring = rect(47.0, 9.0, 20, 30)  # 600 m² are in the data, the rest is beyond the edge
    corner = candidate("way", 1, {"leisure": "park"}, way_shape([*ring[:4], None, ring[4]], True, {}))
    assert corner.kind == "park" and corner.clipped and corner.area_m2 == pytest.approx(600, rel=0.01)
    whole = candidate("way", 1, {"leisure": "park"}, way_shape(ring, True, {}))
    assert isinstance(whole, Rejection) and whole.reason == "too_small"
    # Its tags still decide.
    assert isinstance(
        candidate(
            "way", 2, {"leisure": "pitch", "sport": "soccer"}, way_shape([*ring[:4], None, ring[4]], True, {})
        ),
        Rejection,
    )


def test_a_multipolygon_with_holes_and_a_missing_member():
    outer = rect(47.0, 9.0, 200, 200)
    hole = rect(47.0 + 50 * M, 9.0 + 50 * M / 0.682, 50, 50)
    park = candidate(
        "relation",
        1,
        {"leisure": "park"},
        relation_shape([("outer", outer[:3]), ("outer", outer[2:]), ("inner", hole)]),
    )
    assert not park.clipped and park.area_m2 == pytest.approx(200 * 200 - 50 * 50, rel=0.01)
    cut = relation_shape([("outer", outer[:3]), ("outer", None), ("inner", hole)])
    assert cut.clipped
    assert relation_shape([("outer", None)]) is None


def test_open_areas_get_slope_samples_only_when_the_dem_can_see_them():
    big = candidate("way", 1, {"leisure": "park"}, way_shape(rect(47.0, 9.0, 300, 300), True, {}))
    small = candidate("way", 2, {"leisure": "park"}, way_shape(rect(47.0, 9.0, 50, 50), True, {}))
    track = candidate(
        "way", 3, {"leisure": "track", "sport": "running"}, way_shape(rect(47.0, 9.0, 300, 300), True, {})
    )
    assert len(big.samples) >= 9 and small.samples == () and track.samples == ()
    assert {"park", "grass", "beach", "recreation_ground"} == SLOPE_KINDS


def test_slope_is_the_gradient_of_the_best_plane():
    points = [(47.0 + i * 100 * M, 9.0 + j * 100 * M / 0.682) for i in range(3) for j in range(3)]
    heights = [400 + 0.05 * (p[0] - 47.0) / M for p in points]  # 5 % rising north
    assert slope_percent(points, heights) == pytest.approx(5, abs=0.2)
    assert slope_percent(points, [400.0] * len(points)) == 0
    line = [(47.0 + i * 100 * M, 9.0) for i in range(3)]
    assert slope_percent(line, [400, 404, 408]) == pytest.approx(4, abs=0.1)
    assert slope_percent(points[:2], [1, 2]) is None


def test_an_unnamed_venue_is_named_after_the_smallest_area_around_it_or_the_nearest_feature():
    park = Landmark(("way", 10), "Rheinpark", 47.0015, 9.003, (tuple(rect(47.0, 9.0, 400, 400)),))
    stadium = Landmark(("way", 11), "Rheinparkstadion", 47.0005, 9.001, (tuple(rect(47.0, 9.0, 150, 150)),))
    school = Landmark(("node", 12), "Schule", 47.02, 9.02)
    names = place_names(
        [
            (("way", 1), 47.0005, 9.0005),
            (("way", 2), 47.003, 9.004),
            (("way", 3), 47.0215, 9.02),
            (("way", 4), 47.1, 9.1),
            (("way", 11), 47.0005, 9.001),
        ],
        [park, stadium, school],
    )
    assert names == {
        ("way", 1): "Rheinparkstadion",
        ("way", 2): "Rheinpark",
        ("way", 3): "Schule",
        ("way", 11): "Rheinpark",
    }  # never after itself
    assert title(None, "Running track", "Rheinpark") == "Running track, Rheinpark"
    assert title("Stadion", "Stadium", "Rheinpark") == "Stadion"
    assert title(None, "Park", None) == "Unnamed park"
