"""Ranking on the real extracts in day, night and indoor modes."""

from __future__ import annotations

import math

import pytest

from backrun.venues.service import choose_mode, nearby_venues
from tests.support.venues import ANDORRA_LA_VELLA_STADIUM, TARTAN_OVAL, TARTAN_OVAL_AT, VADUZ


def refs(found):
    return [r.venue.osm_ref for r in found.venues]


def offset(lat, lon, km, bearing_deg):
    b = math.radians(bearing_deg)
    return (
        lat + km / 111.195 * math.cos(b),
        lon + km / (111.195 * math.cos(math.radians(lat))) * math.sin(b),
    )


@pytest.mark.parametrize("dark", [False, True])
def test_the_lit_tartan_oval_ranks_first_or_second_within_3_km_of_it(venues_app, dark):
    with venues_app.app_context():
        found = nearby_venues(*TARTAN_OVAL_AT, verdict="go", dark=dark, radius_km=3)
        assert found.source == "extract" and found.mode == ("night" if dark else "day")
        assert TARTAN_OVAL in refs(found)[:2]
        oval = found.venues[refs(found).index(TARTAN_OVAL)]
        assert oval.venue.kind == "track"


@pytest.mark.parametrize("km", [0.5, 1.0, 2.0, 2.9])
@pytest.mark.parametrize("bearing", [0, 90, 180, 270])
def test_from_anywhere_within_3_km_the_oval_is_first_or_second(venues_app, km, bearing):
    here = offset(*TARTAN_OVAL_AT, km, bearing)
    with venues_app.app_context():
        for dark in (False, True):
            for radius in (3, 5):
                assert (
                    TARTAN_OVAL
                    in refs(nearby_venues(*here, verdict="caution", dark=dark, radius_km=radius))[:2]
                )


def test_day_ranking_puts_tracks_before_parks_and_grass(venues_app):
    with venues_app.app_context():
        found = nearby_venues(*VADUZ, verdict="go", dark=False, radius_km=5)
        kinds = [r.venue.kind for r in found.venues]
        assert kinds[0] == "track" and kinds.index("grass") > kinds.index("track")
        assert [r.score.score for r in found.venues] == sorted(
            (r.score.score for r in found.venues), reverse=True
        )
        assert all(r.venue.distance_km <= 5 for r in found.venues)
        assert len(found.venues) == 20


def test_night_ranking_puts_lit_venues_first_and_shows_unknown_lighting(venues_app):
    with venues_app.app_context():
        day = nearby_venues(*VADUZ, verdict="go", dark=False, radius_km=5, limit=100)
        night = nearby_venues(*VADUZ, verdict="caution", dark=True, radius_km=5, limit=100)
        assert night.mode == "night"
        tracks = [r.lighting for r in night.venues if r.venue.kind == "track"]
        assert tracks[:2] == ["lit", "lit"] and "lit" not in tracks[2:]  # every lit track before the others
        unlit_loop = next(r for r in night.venues if r.venue.osm_ref == "way/246470373")
        assert "lighting unknown" in unlit_loop.score.unknowns
        day_loop = next(r for r in day.venues if r.venue.osm_ref == "way/246470373")
        assert unlit_loop.score.score < day_loop.score.score - 10


def test_indoor_mode_lists_gyms_and_halls_and_no_outdoor_venue(venues_app):
    with venues_app.app_context():
        found = nearby_venues(*VADUZ, verdict="indoors", dark=False, radius_km=10, limit=100)
        assert found.mode == "indoor" and found.venues
        assert all(r.venue.indoor for r in found.venues)
        kinds = {r.venue.kind for r in found.venues}
        assert "gym" in kinds and "sports_hall" in kinds
        assert "fitcoaching.li" in [r.venue.name for r in found.venues]
        andorra = nearby_venues(
            *ANDORRA_LA_VELLA_STADIUM, verdict="indoors", dark=True, radius_km=10, limit=100
        )
        assert all(r.venue.indoor for r in andorra.venues)
        assert {"Next Health Club", "Urban Gym"} <= {r.venue.name for r in andorra.venues}


def test_andorra_tracks_rank_first_and_ski_pistes_never_appear(venues_app):
    with venues_app.app_context():
        for dark in (False, True):
            found = nearby_venues(*ANDORRA_LA_VELLA_STADIUM, verdict="go", dark=dark, radius_km=50, limit=100)
            tracks = [r.venue.osm_ref for r in found.venues if r.venue.kind == "track"]
            assert set(tracks) == {"way/334463610", "relation/8886358"}
            assert refs(found)[0] in tracks
            assert not any("skiing" in (r.venue.tags.get("sport") or "") for r in found.venues)


def test_the_outdoor_only_and_indoor_only_switches(venues_app):
    with venues_app.app_context():
        outdoor = nearby_venues(*VADUZ, verdict="indoors", dark=False, indoor=False, limit=100)
        assert outdoor.mode == "day" and not any(r.venue.indoor for r in outdoor.venues)
        indoor = nearby_venues(*VADUZ, verdict="go", dark=False, indoor=True, limit=100)
        assert indoor.mode == "indoor" and all(r.venue.indoor for r in indoor.venues)


def test_the_same_venue_mapped_twice_is_listed_once(venues_app):
    with venues_app.app_context():
        found = nearby_venues(*TARTAN_OVAL_AT, verdict="indoors", dark=False, radius_km=3, limit=100)
        names = [r.venue.name for r in found.venues if r.venue.name]
        assert names.count("Freizeitpark Blumenau") == 1


def test_radius_is_capped_and_limit_respected(venues_app):
    with venues_app.app_context():
        found = nearby_venues(*VADUZ, verdict="go", dark=False, radius_km=500, limit=3)
        assert found.radius_km == 50 and len(found.venues) == 3


@pytest.mark.parametrize(
    ("verdict", "dark", "indoor", "mode"),
    [
        ("go", False, None, "day"),
        ("caution", True, None, "night"),
        ("indoors", False, None, "indoor"),
        ("indoors", True, None, "indoor"),
        ("unknown", False, None, "day"),
        ("go", False, True, "indoor"),
        ("indoors", True, False, "night"),
        (None, False, None, "day"),
    ],
)
def test_mode_from_the_verdict(verdict, dark, indoor, mode):
    assert choose_mode(verdict, dark, indoor) == mode
