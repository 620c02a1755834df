"""Venues in a real Chromium: the list under the verdict, and the map with its markers.

Nothing leaves the machine: every request not to the live server is answered here, map tiles
with a blank image (and counted, so we know the map asked for them).
"""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import LiveServer
from tests.support.pwa import wait_until
from tests.support.venues import TARTAN_OVAL, TARTAN_OVAL_AT, VADUZ, app_with_venues, imported_database

pytestmark = pytest.mark.e2e

BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
RAIN = {
    offset: {"precipitation": 2.4, "rain": 2.4, "weather_code": 63, "precipitation_probability": 90}
    for offset in range(-2, 8)
}


@pytest.fixture
def venues_server(tmp_path, tmp_path_factory, open_meteo, met_no, nominatim):
    template = imported_database(tmp_path_factory, open_meteo, met_no, nominatim)
    app = app_with_venues(tmp_path / "app", template, open_meteo, met_no, nominatim)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def offline(context, venues_server):
    """Requests the page makes: tiles answered blank, anything else off the machine refused."""
    seen = {"tiles": 0, "leaflet": 0, "outside": []}

    def route(route):
        url = route.request.url
        if url.startswith("https://tile.openstreetmap.org/"):
            seen["tiles"] += 1
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        elif url.startswith(venues_server.url):
            if url.endswith(("/leaflet.js", "/leaflet.css")):
                seen["leaflet"] += 1
            route.continue_()
        else:
            seen["outside"].append(url)
            route.abort()

    context.route("**/*", route)
    return seen


def show_advice(context, page, server, lat, lon):
    context.grant_permissions(["geolocation"], origin=server.url)
    context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 20})
    page.goto(server.url + "/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#verdict-heading")).to_have_count(1)


def test_venues_are_listed_under_the_verdict(context, page, venues_server, offline, open_meteo):
    show_advice(context, page, venues_server, *TARTAN_OVAL_AT)
    heading = page.get_by_role("heading", name="Safe flat places near you")
    expect(heading).to_be_visible()
    items = page.locator(".venue-list > .venue")
    expect(items).to_have_count(10)
    first = items.first
    expect(first).to_have_attribute("data-osm", TARTAN_OVAL)
    expect(first).to_contain_text("Running track")
    expect(first).to_contain_text("tartan")
    expect(first.get_by_role("link", name="On OpenStreetMap")).to_have_attribute(
        "href", "https://www.openstreetmap.org/way/493738896"
    )
    # From the runner (the page sends 4 decimals) to the venue.
    expect(first.get_by_role("link", name="Directions")).to_have_attribute(
        "href",
        re.compile(
            r"^https://www\.openstreetmap\.org/directions\?engine=fossgis_osrm_foot&route=47\.1103\d*%2C9\.5196\d*"
            r"%3B47\.11030%2C9\.51958$"
        ),
    )
    expect(page.locator(".venues").get_by_role("link", name="© OpenStreetMap contributors")).to_be_visible()
    verdict_box = page.locator(".verdict-card").bounding_box()
    assert heading.bounding_box()["y"] > verdict_box["y"] + verdict_box["height"]
    assert offline["leaflet"] == 0 and offline["tiles"] == 0  # no map until asked for
    assert offline["outside"] == []
    assert page.console_errors == []


def test_the_map_opens_on_demand_and_shows_the_venues(context, page, venues_server, offline, open_meteo):
    show_advice(context, page, venues_server, *VADUZ)
    items = page.locator(".venue-list > .venue")
    expect(items).to_have_count(10)
    assert offline["leaflet"] == 0
    button = page.get_by_role("button", name="Show on a map")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    map_box = page.locator("#venues-map")
    expect(map_box).to_be_visible()
    expect(map_box.locator(".leaflet-marker-icon")).to_have_count(10)
    expect(map_box.locator("path.venue-map-origin")).to_have_count(1)
    expect(map_box.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap contributors")
    expect(page.get_by_role("button", name="Hide the map")).to_have_attribute("aria-expanded", "true")
    assert offline["leaflet"] == 2  # leaflet.js and leaflet.css, from our own static files
    wait_until(page, "() => document.querySelectorAll('#venues-map img.leaflet-tile-loaded').length > 0")
    assert offline["tiles"] > 0 and offline["outside"] == []
    map_box.locator(".leaflet-marker-icon").first.click()
    expect(map_box.locator(".leaflet-popup-content a")).to_have_attribute("href", f"/venues/{TARTAN_OVAL}")
    page.get_by_role("button", name="Hide the map").click()
    expect(map_box).to_be_hidden()
    assert page.console_errors == []  # no CSP violation from Leaflet either


def test_an_indoors_verdict_lists_indoor_venues_only(context, page, venues_server, offline, open_meteo):
    open_meteo.set_weather(RAIN)
    show_advice(context, page, venues_server, *VADUZ)
    expect(page.locator("#verdict-heading")).to_have_text("Indoors")
    expect(page.get_by_role("heading", name="Indoor places near you")).to_be_visible()
    kinds = page.locator(".venue-list > .venue").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds and set(kinds) <= {"gym", "sports_hall", "sports_centre", "indoor_track"}
    assert page.console_errors == []


def test_the_detail_page_and_its_map(page, venues_server, offline):
    page.goto(venues_server.url + f"/venues/{TARTAN_OVAL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Running track, Freizeitpark Blumenau"
    )  # named after where it is
    expect(page.get_by_role("link", name="© OpenStreetMap contributors")).to_be_visible()
    page.get_by_role("button", name="Show on a map").click()
    expect(page.locator("#venue-map .leaflet-marker-icon")).to_have_count(1)
    assert offline["outside"] == [] and page.console_errors == []
