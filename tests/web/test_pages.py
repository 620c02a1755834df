"""The home page and the advice fragment: one URL, full page or fragment, with and without JS."""

from __future__ import annotations

import pytest

from tests.support.apps import daylit_location

HTMX = {"HX-Request": "true"}


@pytest.fixture
def here():
    return daylit_location()


def test_home_page_has_location_controls_and_basics(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="locate"' in html and "Use my location" in html
    assert '<label for="place">Place or address</label>' in html
    assert "Start with 30-second bouts" in html and "over alternating shoulders" in html
    assert "<main" in html and "<nav" in html and "<header" in html and "<footer" in html
    assert 'lang="en"' in html


def test_advice_fragment_for_htmx_and_full_page_otherwise(client, here):
    query = {"lat": here[0], "lon": here[1]}
    fragment = client.get("/advice", query_string=query, headers=HTMX)
    page = client.get("/advice", query_string=query)
    assert fragment.status_code == page.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'data-verdict="go"' in fragment.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True) and 'data-verdict="go"' in page.get_data(as_text=True)
    for response in (fragment, page):
        assert "HX-Request" in response.headers["Vary"]


def test_history_restore_gets_the_full_page(client, here):
    response = client.get(
        "/advice",
        query_string={"lat": here[0], "lon": here[1]},
        headers={**HTMX, "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_place_search_works_without_javascript(client, nominatim):
    response = client.get("/advice", query_string={"place": "Vaduz", "minutes": "45"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vaduz, Oberland, Liechtenstein" in html
    assert "data-verdict=" in html
    assert '<option value="45" selected>' in html
    assert "Weather data by Open-Meteo.com" in html and 'href="https://open-meteo.com/"' in html


def test_unknown_place_is_a_clear_message(client, nominatim):
    response = client.get("/advice", query_string={"place": "Atlantis under the sea"}, headers=HTMX)
    assert response.status_code == 404
    assert "No place called" in response.get_data(as_text=True)


def test_geocoder_down_is_a_clear_message(client, nominatim):
    """Nominatim failing is said plainly, never a 5xx of ours (issue 7), and never kept by a cache."""
    nominatim.fail_with(503)
    response = client.get("/advice", query_string={"place": "Vaduz"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "place search is unavailable" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Type a place or address to get advice."),  # no button named: without JavaScript there is none
        ({"lat": "91", "lon": "9"}, "Latitude must be between -90 and 90."),
        ({"lat": "47", "lon": "nan"}, "Longitude must be a finite number."),
        ({"lat": "47", "lon": "x"}, "Longitude must be a number"),
        ({"lat": "47"}, "Longitude is required."),
        ({"place": "Vaduz", "minutes": "7"}, "Choose a run length from the list."),
        ({"place": "Vaduz", "minutes": "seven"}, "Run length must be a whole number of minutes."),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, open_meteo, nominatim, query, message):
    response = client.get("/advice", query_string=query, headers=HTMX)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert open_meteo.count() == 0 and nominatim.count() == 0


def test_weather_unavailable_says_unknown(client, open_meteo, met_no, here):
    open_meteo.fail_with(500)
    met_no.fail_with(500)
    response = client.get("/advice", query_string={"lat": here[0], "lon": here[1]}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-verdict="unknown"' in html
    assert "check conditions yourself" in html.lower()
    assert "could not be had" in html


def test_indoors_advice_says_what_to_do_instead(client, open_meteo, here):
    open_meteo.set_weather({o: {"precipitation": 3.0, "rain": 3.0, "weather_code": 63} for o in range(-1, 8)})
    html = client.get("/advice", query_string={"lat": here[0], "lon": here[1]}, headers=HTMX).get_data(
        as_text=True
    )
    assert 'data-verdict="indoors"' in html
    assert "Treadmill with handrails" in html
    assert 'data-code="rain"' in html


def test_place_names_are_escaped(client, nominatim):
    html = client.get("/advice", query_string={"place": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_cli_prints_the_verdict_and_reasons(app, open_meteo, here):
    open_meteo.set_weather({o: {"wind_gusts_10m": 80.0, "wind_speed_10m": 50.0} for o in range(-1, 8)})
    result = app.test_cli_runner().invoke(args=["advice", str(here[0]), str(here[1])])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("INDOORS:")
    assert "[indoors]" in result.output and "gust" in result.output.lower()
    assert "Open-Meteo" in result.output


def test_cli_rejects_bad_coordinates(app):
    result = app.test_cli_runner().invoke(args=["advice", "100", "9"])
    assert result.exit_code == 2
    assert "Latitude must be between -90 and 90." in result.output


def test_place_searches_are_rate_limited_per_client(tmp_path, open_meteo, met_no, nominatim, here):
    from tests.support.apps import make_app

    client = make_app(
        tmp_path, open_meteo, met_no, nominatim, BACKRUN_GEOCODE_RATELIMIT="2/minute"
    ).test_client()
    assert client.get("/advice", query_string={"place": "Vaduz"}).status_code == 200
    assert client.get("/advice", query_string={"place": "Vaduz"}).status_code == 200
    limited = client.get("/advice", query_string={"place": "Vaduz"})
    assert limited.status_code == 429
    assert "Too many requests" in limited.get_data(as_text=True)
    # Coordinates need no geocoding and are not limited by it.
    assert client.get("/advice", query_string={"lat": here[0], "lon": here[1]}).status_code == 200
