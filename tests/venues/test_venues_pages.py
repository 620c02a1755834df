"""Venues on the pages: the ranked list under the verdict, the detail page, attribution, failures."""

from __future__ import annotations

import re

import pytest

from backrun import PROJECT_ROOT
from backrun.venues.classify import INDOOR_KINDS
from tests.support.venues import TARTAN_OVAL_AT, VADUZ

HTMX = {"HX-Request": "true"}
RAIN = {
    offset: {"precipitation": 2.4, "rain": 2.4, "weather_code": 63, "precipitation_probability": 90}
    for offset in range(-2, 8)
}
ATTRIBUTION = (
    '<a href="https://www.openstreetmap.org/copyright" rel="noopener">© OpenStreetMap contributors</a>'
)


def advice_html(client, lat, lon, **headers):
    response = client.get("/advice", query_string={"lat": lat, "lon": lon}, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def venue_items(html):
    return re.findall(r'<li class="venue" data-venue-marker data-osm="([^"]+)" data-kind="([^"]+)"', html)


def test_venues_are_listed_under_the_verdict_with_links_and_what_is_known(venues_client, open_meteo):
    html = advice_html(venues_client, *TARTAN_OVAL_AT, **HTMX)
    assert html.index('id="verdict-heading"') < html.index('id="venues-heading"')
    items = venue_items(html)
    assert items[0] == ("way/493738896", "track")
    assert len(items) == 10  # PAGE_LIMIT
    assert 'href="https://www.openstreetmap.org/way/493738896"' in html
    assert "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&amp;route=" in html
    # The venue's page gets the list's mode and origin, so it shows the same score.
    assert re.search(r'href="/venues/way/493738896\?mode=(day|night)&amp;from=', html)
    # Distance first, numbered like the map's pins; then only what is known (issue 14: no "unknown" noise).
    first = html[
        html.index('data-osm="way/493738896"') : html.index("</li>", html.index('data-osm="way/493738896"'))
    ]
    assert re.search(
        r'<span class="venue-number" aria-hidden="true">1</span>\s*<span class="venue-heading-text">'
        r'<span class="venue-distance">0 m</span>',
        first,
    )
    assert '<p class="venue-meta">tartan · lit</p>' in first
    assert (
        "unknown" not in html[html.index('class="venue-list"') :]
        and "score" not in html[html.index('class="venue-list"') :]
    )
    assert ATTRIBUTION in html
    assert "data-venue-map-open" in html and 'id="venues-map"' in html
    assert "leaflet" not in html.lower()  # the map library only loads when the runner opens the map


def test_full_page_has_the_list_too(venues_client, open_meteo):
    html = advice_html(venues_client, *VADUZ)
    assert "<html" in html and 'id="venues-heading"' in html and ATTRIBUTION in html


def test_an_indoors_verdict_lists_only_indoor_venues(venues_client, open_meteo):
    open_meteo.set_weather(RAIN)
    html = advice_html(venues_client, *VADUZ, **HTMX)
    assert 'data-verdict="indoors"' in html
    assert "Indoor places near you" in html and 'data-mode="indoor"' in html
    items = venue_items(html)
    assert items and {kind for _, kind in items} <= set(INDOOR_KINDS)
    assert "gym" in {kind for _, kind in items}


def test_venues_still_listed_when_the_weather_is_unknown(venues_client, open_meteo, met_no):
    open_meteo.fail_with(500)
    met_no.fail_with(500)
    html = advice_html(venues_client, *VADUZ, **HTMX)
    assert 'data-verdict="unknown"' in html and venue_items(html)


def test_no_data_here_is_said_plainly(client, open_meteo):
    html = advice_html(client, *VADUZ, **HTMX)  # an empty database, live lookup disabled
    assert "Backrun has no venue data for this area yet." in html and ATTRIBUTION in html


def test_a_venue_failure_costs_the_list_not_the_advice(venues_client, open_meteo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("backrun.advice.venues.nearby_venues", broken)
    html = advice_html(venues_client, *VADUZ, **HTMX)
    assert 'id="verdict-heading"' in html and 'id="venues-heading"' not in html


def test_detail_page(venues_client):
    response = venues_client.get("/venues/way/493738896", query_string={"from": "47.14100,9.52090"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # Unnamed in OSM: named after the park it lies in.
    assert '<h1 id="venue-heading">Running track, Freizeitpark Blumenau</h1>' in html
    assert "3.4 km away" in html and "409 m" in html
    assert "Even tartan surface" in html and "access unknown" in html
    assert 'href="https://www.openstreetmap.org/way/493738896"' in html
    assert 'href="https://www.openstreetmap.org/edit?way=493738896"' in html
    assert "route=47.14100%2C9.52090%3B47.11030%2C9.51958" in html
    assert '<th scope="row">surface</th><td>tartan</td>' in html
    assert ATTRIBUTION in html
    assert "data-venue-map-open" in html


def test_detail_page_of_a_named_gym_without_origin(venues_client):
    html = venues_client.get("/venues/node/9837941664").get_data(as_text=True)
    assert (
        "fitcoaching.li" in html
        and "opening hours unknown" in html
        and 'Why it scores <span class="venue-score">65</span> on an indoors day' in html
    )
    assert "size unknown (mapped as a point)" in html
    assert "https://www.openstreetmap.org/directions?to=" in html


@pytest.mark.parametrize(
    "path",
    [
        "/venues/way/1",
        "/venues/area/493738896",
        "/venues/way/abc",
        "/venues/way/677760842",
        "/venues/way/493738896/extra",
    ],
)
def test_unknown_venues_are_404(venues_client, path):
    response = venues_client.get(path)
    assert response.status_code == 404 and "Traceback" not in response.get_data(as_text=True)


def test_bad_origin_is_ignored(venues_client):
    response = venues_client.get("/venues/way/493738896", query_string={"from": "999,abc"})
    assert response.status_code == 200 and "km away" not in response.get_data(as_text=True)


def test_venue_templates_have_no_inline_scripts_or_styles():
    for template in (PROJECT_ROOT / "templates" / "venues").glob("*.html"):
        text = template.read_text()
        assert "style=" not in text and "<style" not in text, template
        assert "<script" not in text and " on" + "click=" not in text, template


def test_leaflet_is_served_from_static_with_its_licence(venues_client):
    for path in (
        "vendor/leaflet-1.9.4/leaflet.js",
        "vendor/leaflet-1.9.4/leaflet.css",
        "vendor/leaflet-1.9.4/images/marker-icon.png",
        "js/venues-map.js",
        "css/venues.css",
    ):
        response = venues_client.get(f"/static/{path}")
        assert response.status_code == 200, path
        response.close()
    licence = (PROJECT_ROOT / "static" / "vendor" / "leaflet-1.9.4" / "LICENSE").read_text()
    assert "BSD 2-Clause License" in licence


def test_distances_in_miles_for_a_visitor_from_the_us(venues_client, open_meteo):
    html = advice_html(venues_client, *VADUZ, **{**HTMX, "Accept-Language": "en-US"})
    listed = html[html.index('class="venue-list"') :]
    assert (
        re.search(r'<span class="venue-distance">(< 0\.1|\d+(\.\d)?) mi</span>', listed)
        and " km<" not in listed
    )
    detail = venues_client.get(
        "/venues/way/493738896",
        query_string={"from": "47.14100,9.52090"},
        headers={"Accept-Language": "en-US"},
    ).get_data(as_text=True)
    assert "2.1 mi away" in detail
