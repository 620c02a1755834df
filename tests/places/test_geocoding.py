"""Place names through geopy's Nominatim client against a fake Nominatim on 127.0.0.1."""

from __future__ import annotations

import pytest

from backrun.places.geocoding import GeocodingError, geocode, normalise_query
from backrun.places.models import GeocodedPlace


def test_finds_a_place_and_sends_an_identifying_user_agent(app, nominatim):
    with app.app_context():
        place = geocode("Vaduz")
    assert place.name == "Vaduz, Oberland, Liechtenstein"
    assert (round(place.latitude, 4), round(place.longitude, 4)) == (47.1393, 9.5228)
    request = nominatim.requests[-1]
    assert request.path == "/search"
    assert request.headers["User-Agent"].startswith("Backrun/")
    assert "tests@backrun.invalid" in request.headers["User-Agent"]


def test_results_are_cached_in_the_database(app, nominatim):
    with app.app_context():
        geocode("Vaduz")
        geocode("  VADUZ ")
        assert GeocodedPlace.query.count() == 1
    assert nominatim.count("/search") == 1


def test_not_found_is_clear_and_cached(app, nominatim):
    with app.app_context():
        for _ in range(2):
            with pytest.raises(GeocodingError) as caught:
                geocode("Atlantis under the sea")
            assert caught.value.kind == "not_found"
            assert "No place called" in caught.value.message
    assert nominatim.count("/search") == 1


@pytest.mark.parametrize("failure", [503, 500, "garbage"])
def test_service_failures_are_unavailable(app, nominatim, failure):
    nominatim.fail_with(failure)
    try:
        with app.app_context(), pytest.raises(GeocodingError) as caught:
            geocode("Vaduz")
        assert caught.value.kind == "unavailable"
        assert "unavailable" in caught.value.message
    finally:
        nominatim.fail_with(None)


def test_rate_limited_upstream_is_busy(app, nominatim):
    nominatim.fail_with(429)
    try:
        with app.app_context(), pytest.raises(GeocodingError) as caught:
            geocode("Vaduz")
        assert caught.value.kind == "busy"
    finally:
        nominatim.fail_with(None)


def test_timeout_is_unavailable_within_the_configured_timeout(app, nominatim):
    import time

    nominatim.fail_with("timeout")
    try:
        started = time.monotonic()
        with app.app_context(), pytest.raises(GeocodingError) as caught:
            geocode("Vaduz")
        assert caught.value.kind == "unavailable"
        assert time.monotonic() - started < 5 * app.config["BACKRUN_HTTP_TIMEOUT"]
    finally:
        nominatim.fail_with(None)


def test_failures_are_not_cached(app, nominatim):
    nominatim.fail_with(503)
    with app.app_context(), pytest.raises(GeocodingError):
        geocode("Vaduz")
    nominatim.fail_with(None)
    with app.app_context():
        assert geocode("Vaduz").name.startswith("Vaduz")


def test_at_most_one_request_a_second(app, nominatim):
    import time

    with app.app_context():
        started = time.monotonic()
        geocode("Vaduz")
        geocode("Andorra la Vella")
        elapsed = time.monotonic() - started
    assert nominatim.count("/search") == 2
    assert elapsed >= 0.95  # the second lookup waited for its slot


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "Type a place name"), ("   ", "Type a place name"), ("x" * 201, "at most 200")],
)
def test_invalid_queries_never_reach_nominatim(app, nominatim, query, message):
    with app.app_context(), pytest.raises(GeocodingError) as caught:
        geocode(query)
    assert caught.value.kind == "invalid" and message in caught.value.message
    assert nominatim.count() == 0


def test_normalise_query_folds_case_space_and_unicode_forms():
    assert normalise_query("  Zürich\u00a0 HB ") == normalise_query("zürich hb")
