"""Classification and exclusions, on tags as they appear in real OSM data (pure, no I/O)."""

from __future__ import annotations

import pytest

from backrun.venues.classify import Rejection, VenueKind, classify


def kind_of(tags, area_m2=None, length_m=None):
    verdict = classify(tags, area_m2, length_m)
    return verdict.kind if isinstance(verdict, VenueKind) else verdict.reason


@pytest.mark.parametrize(
    ("tags", "length_m", "expected"),
    [
        # way/493738896 in Liechtenstein: the lit tartan oval drawn as a closed line.
        (
            {
                "area": "no",
                "lanes": "5",
                "leisure": "track",
                "lit": "yes",
                "sport": "running",
                "surface": "tartan",
            },
            409,
            "track",
        ),
        ({"leisure": "track", "sport": "athletics"}, 403, "track"),  # Andorra way/334463610
        ({"leisure": "track", "name": "Finnenbahn"}, 402, "track"),  # wood-chip loop, sport untagged
        ({"leisure": "track", "sport": "running;long_jump"}, 400, "track"),  # running wins
        # Ski piste in Andorra (way/152826450) and long-jump runways in Liechtenstein (way/677760842).
        (
            {"leisure": "track", "sport": "skiing", "piste:type": "downhill", "lit": "no"},
            900,
            "other_sport_track",
        ),
        ({"leisure": "track", "piste:type": "nordic"}, 2000, "other_sport_track"),
        (
            {"lanes": "3", "leisure": "track", "sport": "long_jump", "surface": "sand;artificial_turf"},
            146,
            "other_sport_track",
        ),
        ({"leisure": "track", "sport": "athletics", "athletics": "high_jump"}, 200, "other_sport_track"),
        ({"leisure": "track", "sport": "horse_racing"}, 1600, "other_sport_track"),
        ({"leisure": "track", "sport": "cycling"}, 250, "other_sport_track"),
        ({"leisure": "track", "sport": "motor"}, 3000, "other_sport_track"),
        ({"leisure": "track"}, 149, "too_small"),
        ({"leisure": "track"}, 150, "track"),
        ({"leisure": "track", "sport": "running", "indoor": "yes"}, 200, "indoor_track"),
    ],
)
def test_tracks(tags, length_m, expected):
    assert kind_of(tags, None, length_m) == expected


@pytest.mark.parametrize(
    ("tags", "area_m2", "expected"),
    [
        ({"leisure": "pitch", "sport": "athletics"}, 2500, "athletics_pitch"),
        ({"leisure": "pitch", "sport": "athletics"}, 400, "too_small"),  # a throwing circle
        ({"leisure": "pitch", "sport": "athletics", "athletics": "shot_put"}, 3000, "other_sport_track"),
        ({"leisure": "pitch", "sport": "soccer"}, 7000, "other_pitch"),
        ({"leisure": "pitch", "sport": "running", "indoor": "yes"}, 900, "indoor_track"),
        ({"leisure": "stadium", "name": "Rheinparkstadion"}, 20000, "stadium"),
        ({"leisure": "stadium", "building": "yes", "name": "Rheinparkstadion"}, 1800, "too_small"),  # a stand
        ({"natural": "beach", "surface": "sand"}, 9000, "beach"),
        ({"natural": "beach"}, 9000, "beach"),
        ({"natural": "beach", "surface": "pebbles"}, 9000, "stony_beach"),
        ({"natural": "beach", "surface": "shingle;sand"}, 9000, "stony_beach"),
        ({"natural": "beach", "surface": "gravel"}, 9000, "stony_beach"),
        ({"natural": "beach", "surface": "sand"}, 1500, "too_small"),
        ({"leisure": "park"}, 1999, "too_small"),
        ({"leisure": "park"}, 2000, "park"),
        ({"landuse": "recreation_ground"}, 30000, "recreation_ground"),
        ({"leisure": "recreation_ground"}, 30000, "recreation_ground"),
        ({"landuse": "grass"}, 600, "too_small"),  # a verge
        ({"landuse": "grass"}, 5000, "grass"),
        ({"leisure": "common"}, 5000, "grass"),
    ],
)
def test_outdoor_areas(tags, area_m2, expected):
    assert kind_of(tags, area_m2, 100.0) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"leisure": "fitness_centre", "name": "fitcoaching.li"}, "gym"),
        ({"amenity": "gym"}, "gym"),
        ({"leisure": "fitness_centre", "sport": "yoga"}, "other_sport_facility"),
        ({"building": "sports_centre", "leisure": "sports_hall", "name": "Turnhalle"}, "sports_hall"),
        ({"building": "sports_hall"}, "sports_hall"),
        ({"leisure": "sports_hall", "sport": "shooting"}, "other_sport_facility"),
        ({"leisure": "sports_centre", "sport": "fitness"}, "gym"),
        ({"leisure": "sports_centre", "building": "yes", "name": "Sporthaus"}, "sports_centre"),
        ({"leisure": "sports_centre", "indoor": "yes"}, "sports_centre"),
        ({"leisure": "sports_centre", "sport": "athletics"}, "sports_centre"),
        # "Skaterpark", "Schwimmbad", "Tennisclub" and ski areas in Liechtenstein and Andorra:
        ({"leisure": "sports_centre", "name": "Skaterpark", "sport": "multi"}, "no_indoor_sign"),
        (
            {"leisure": "sports_centre", "name": "Schwimmbad Mühleholz", "sport": "swimming"},
            "other_sport_facility",
        ),
        ({"leisure": "sports_centre", "building": "yes", "sport": "tennis"}, "other_sport_facility"),
        ({"leisure": "sports_centre", "name": "Grandvalira", "sport": "skiing"}, "other_sport_facility"),
        ({"leisure": "sports_centre", "name": "Skigebiet Malbun"}, "no_indoor_sign"),
    ],
)
def test_indoor_venues(tags, expected):
    verdict = classify(tags)
    if expected in ("gym", "sports_hall", "sports_centre"):
        assert verdict == VenueKind(expected, True)
    else:
        assert isinstance(verdict, Rejection) and verdict.reason == expected


@pytest.mark.parametrize("access", ["private", "no", " Private "])
def test_closed_access_is_never_offered(access):
    assert kind_of({"leisure": "track", "sport": "running", "access": access}, None, 400) == "closed_access"
    assert kind_of({"leisure": "fitness_centre", "access": access}) == "closed_access"


@pytest.mark.parametrize("access", ["yes", "customers", "permit", "permissive"])
def test_other_access_values_are_offered(access):
    assert kind_of({"leisure": "track", "sport": "running", "access": access}, None, 400) == "track"


def test_unknown_sizes_are_let_through():
    assert kind_of({"leisure": "park"}) == "park"
    assert kind_of({"leisure": "track"}) == "track"


def test_objects_without_venue_tags_are_not_venues():
    assert kind_of({"building": "yes"}) == "not_a_venue"
    assert kind_of({}) == "not_a_venue"


def test_the_first_matching_rule_decides_and_a_rejection_does_not_hide_a_later_match():
    # A football pitch mapped on a big grass area is still usable grass.
    assert kind_of({"leisure": "pitch", "sport": "soccer", "landuse": "grass"}, 8000, 400) == "grass"
