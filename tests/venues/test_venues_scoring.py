"""The backward-running score: reasons, unknowns, modes (pure)."""

from __future__ import annotations

import math

import pytest

from backrun.venues.scoring import (
    VenueFacts,
    distance_penalty,
    incline_percent,
    lighting,
    offered,
    score_venue,
)

TARTAN_OVAL = VenueFacts(
    "track",
    False,
    {"area": "no", "lanes": "5", "leisure": "track", "lit": "yes", "sport": "running", "surface": "tartan"},
    None,
    409,
)
WOODCHIP_LOOP = VenueFacts("track", False, {"leisure": "track", "name": "Finnenbahn"}, 6445, 402)
PARK = VenueFacts("park", False, {"leisure": "park"}, 20_000, 600)
GRASS = VenueFacts("grass", False, {"landuse": "grass"}, 2500, 200)
SAND_BEACH = VenueFacts("beach", False, {"natural": "beach", "surface": "sand"}, 30_000, 900)
GYM = VenueFacts("gym", True, {"leisure": "fitness_centre", "name": "fitcoaching.li"})
SPORTS_HALL = VenueFacts("sports_hall", True, {"leisure": "sports_hall", "building": "yes"})


def codes(score):
    return [r.code for r in score.reasons]


def test_the_type_order_is_track_then_beach_then_park_then_grass():
    day = {
        name: score_venue(f, mode="day").quality
        for name, f in {"track": TARTAN_OVAL, "beach": SAND_BEACH, "park": PARK, "grass": GRASS}.items()
    }
    assert day["track"] > day["beach"] > day["park"] > day["grass"]


def test_tartan_oval_reasons():
    score = score_venue(TARTAN_OVAL, mode="day")
    assert codes(score)[:2] == ["kind_track", "surface_tartan"]
    assert {"standard_lap", "lanes"} <= set(codes(score))
    assert score.quality == 100 + 10 + 5 + 3
    assert score.unknowns == ("access unknown",)  # lit is tagged, access is not


def test_an_untagged_loop_is_marked_down_and_its_unknowns_shown():
    score = score_venue(WOODCHIP_LOOP, mode="day")
    assert "track_unconfirmed" in codes(score)
    assert set(score.unknowns) == {"surface unknown", "access unknown", "lighting unknown"}


def test_lighting_counts_only_at_night_and_outdoors():
    unlit = VenueFacts("track", False, {**TARTAN_OVAL.tags, "lit": "no"}, None, 409)
    unknown = VenueFacts("track", False, {k: v for k, v in TARTAN_OVAL.tags.items() if k != "lit"}, None, 409)
    day = [score_venue(f, mode="day").quality for f in (TARTAN_OVAL, unknown, unlit)]
    night = [score_venue(f, mode="night").quality for f in (TARTAN_OVAL, unknown, unlit)]
    assert day[0] == day[1] == day[2]
    assert night[0] > night[1] > night[2]
    assert night[0] - night[2] >= 50  # lit versus unlit matters a lot in the dark
    assert "lighting unknown" in score_venue(unknown, mode="night").unknowns
    assert "lighting unknown" in score_venue(unknown, mode="day").unknowns  # shown by day too, at no cost
    assert score_venue(GYM, mode="night").quality == score_venue(GYM, mode="day").quality


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("yes", "lit"),
        ("24/7", "lit"),
        ("automatic", "lit"),
        ("sunset-sunrise", "lit"),
        ("18:00-22:00", "lit"),
        ("no", "unlit"),
        ("disused", "unlit"),
        ("limited", "limited"),
        (None, "unknown"),
        ("maybe", "unknown"),
    ],
)
def test_lighting_values(raw, state):
    assert lighting({"lit": raw} if raw else {}) == state


def test_indoor_mode_offers_no_outdoor_venue():
    assert not offered(TARTAN_OVAL, "indoor") and not offered(PARK, "indoor")
    assert offered(GYM, "indoor") and offered(SPORTS_HALL, "indoor")
    assert offered(GYM, "day") and offered(TARTAN_OVAL, "night")


def test_indoor_venues_come_after_good_outdoor_ones_when_the_weather_allows_outside():
    assert score_venue(GYM, mode="day").quality < score_venue(PARK, mode="day").quality
    assert score_venue(GYM, mode="indoor").quality > score_venue(GYM, mode="day").quality
    assert score_venue(SPORTS_HALL, mode="indoor").quality > score_venue(GYM, mode="indoor").quality


@pytest.mark.parametrize(
    ("surface", "points"),
    [
        ("tartan", 10),
        ("artificial_turf", 5),
        ("grass", 0),
        ("woodchips", -5),
        ("dirt", -10),
        ("gravel", -30),
        ("pebbles", -40),
        ("rock", -50),
    ],
)
def test_surfaces(surface, points):
    score = score_venue(VenueFacts("park", False, {"surface": surface}, 2000), mode="day")
    assert next(r.points for r in score.reasons if r.code.startswith("surface_")) == points


def test_several_surfaces_count_as_the_worst():
    score = score_venue(
        VenueFacts("track", False, {"surface": "tartan;gravel", "sport": "running"}, None, 400), mode="day"
    )
    assert "surface_gravel" in codes(score)


def test_smoothness_slope_access_and_fee():
    facts = VenueFacts(
        "park", False, {"smoothness": "bad", "incline": "8%", "access": "customers", "fee": "yes"}, 2000
    )
    score = score_venue(facts, mode="day")
    assert {"smoothness_bad", "sloped", "access_restricted", "fee"} <= set(codes(score))
    assert score.quality == 50 - 20 - 20 - 10 - 5
    open_park = score_venue(VenueFacts("park", False, {"access": "yes", "fee": "no"}, 2000), mode="day")
    assert {"access_open", "free"} <= set(codes(open_park)) and "access unknown" not in open_park.unknowns


@pytest.mark.parametrize(
    ("raw", "percent"),
    [("5%", 5), ("-3 %", 3), ("4", 4), ("up", math.inf), ("10°", 17.6), ("steep", None), (None, None)],
)
def test_incline_values(raw, percent):
    value = incline_percent(raw)
    assert value == (pytest.approx(percent, abs=0.1) if percent not in (None, math.inf) else percent)


def test_size_adds_up_to_ten_points_for_open_areas():
    small = score_venue(VenueFacts("park", False, {}, 2000), mode="day").quality
    big = score_venue(VenueFacts("park", False, {}, 200_000), mode="day").quality
    huge = score_venue(VenueFacts("park", False, {}, 20_000_000), mode="day").quality
    assert big - small == pytest.approx(10) and huge == big
    assert "size unknown" in score_venue(VenueFacts("park", False, {}), mode="day").unknowns


def test_distance_costs_ten_points_per_km_whatever_the_radius():
    assert distance_penalty(5) == 50 and distance_penalty(2.5) == 25 and distance_penalty(0.1) == 1
    near = score_venue(PARK, mode="day", distance_km=0.1)
    far = score_venue(PARK, mode="day", distance_km=4.9)
    assert near.quality == far.quality and near.score - far.score == 48
    assert codes(far)[-1] == "distance"


def test_scores_are_whole_points_so_equal_venues_tie_and_the_nearer_is_listed_first():
    assert (
        score_venue(PARK, mode="day", distance_km=0.23).score
        == score_venue(PARK, mode="day", distance_km=0.2).score
    )
    assert float(score_venue(PARK, mode="day", distance_km=1.234).score).is_integer()


def test_an_equal_track_farther_away_never_outranks_the_near_one():
    near = score_venue(TARTAN_OVAL, mode="day", distance_km=0.2)
    far = score_venue(TARTAN_OVAL, mode="day", distance_km=3.3)
    assert near.score - far.score == 31


def test_a_far_track_still_beats_near_grass():
    track = score_venue(TARTAN_OVAL, mode="day", distance_km=3)
    grass = score_venue(GRASS, mode="day", distance_km=0)
    assert track.score > grass.score


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError, match="mode must be one of"):
        score_venue(PARK, mode="dusk")


def test_a_narrow_open_area_is_marked_down_unless_only_part_of_it_is_known():
    narrow = VenueFacts("park", False, {}, 20 * 200, 2 * (20 + 200))
    assert "narrow" in codes(score_venue(narrow, mode="day"))
    wide = VenueFacts("park", False, {}, 60 * 200, 2 * (60 + 200))
    assert "narrow" not in codes(score_venue(wide, mode="day"))
    clipped = VenueFacts("park", False, {}, 20 * 200, 2 * (20 + 200), clipped=True)
    result = score_venue(clipped, mode="day")
    assert (
        "narrow" not in codes(result)
        and "only partly in the imported map data: it may be larger" in result.unknowns
    )


def test_slope_from_elevation_data():
    def slope(pct):
        return score_venue(
            VenueFacts("park", False, {}, 50_000, 900, slope_measurable=True, slope_pct=pct), mode="day"
        )

    assert "slope unknown (elevation not looked up yet)" in slope(None).unknowns
    assert "flat_measured" in codes(slope(2.9))
    assert slope(3.1).quality == slope(2.9).quality - 20 and "hilly" in codes(slope(3.1))
    assert slope(6.5).quality == slope(2.9).quality - 40 and "steep" in codes(slope(6.5))
    track = score_venue(VenueFacts("track", False, {"sport": "running"}, None, 400), mode="day")
    assert not any(c.startswith(("slope", "flat", "hilly", "steep")) for c in codes(track))
