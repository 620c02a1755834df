"""The advice page in a real Chromium: geolocation, typed places, failures, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.apps import daylit_location

pytestmark = pytest.mark.e2e


def test_use_my_location_shows_the_verdict(context, page, live_server, open_meteo):
    lat, lon = daylit_location()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 20})
    page.goto(live_server.url + "/")
    expect(page.locator("#verdict-heading")).to_have_count(0)  # nothing asked on load
    assert open_meteo.count() == 0
    page.get_by_role("button", name="Use my location").click()
    verdict = page.locator("#verdict-heading")
    expect(verdict).to_have_text("Go")
    expect(verdict).to_be_focused()
    expect(page.locator(".verdict-card")).to_contain_text("Good conditions to run backwards")
    expect(page.get_by_role("link", name="Weather data by Open-Meteo.com")).to_be_visible()
    expect(page.locator(".outlook-list li")).to_have_count(6)
    assert re.search(r"/advice\?lat=5\.0+&lon=", page.url)
    # Times are shown in the browser's own zone, not as UTC.
    expect(page.locator(".verdict-meta time").first).not_to_contain_text("UTC")
    # Issue 12: the ground's story in one line, its times in the browser's zone too.
    story = page.locator(".ground-story")
    expect(story).to_have_count(1)
    expect(story).to_contain_text(": dry ground")
    expect(story.locator("time").first).not_to_contain_text("UTC")
    assert page.console_errors == []


def test_typed_place_shows_advice_for_it(page, live_server, nominatim, open_meteo):
    open_meteo.set_weather(
        {o: {"precipitation": 2.0, "rain": 2.0, "weather_code": 63} for o in range(-2, 10)}
    )
    page.goto(live_server.url + "/")
    page.get_by_label("Place or address").fill("Vaduz")
    page.get_by_label("Run length").select_option("45")
    page.get_by_role("button", name="Get advice").click()
    expect(page.locator("#verdict-heading")).to_have_text("Indoors")
    expect(page.locator(".verdict-meta")).to_contain_text("Vaduz, Oberland, Liechtenstein")
    expect(page.locator(".reason[data-code=rain]")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do instead")).to_be_visible()
    assert "place=Vaduz" in page.url and "minutes=45" in page.url
    assert page.console_errors == []


def test_weather_unavailable_is_a_clear_unknown(context, page, live_server, open_meteo, met_no):
    open_meteo.fail_with(500)
    met_no.fail_with(503)
    lat, lon = daylit_location()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": lat, "longitude": lon})
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#verdict-heading")).to_have_text("Unknown")
    expect(page.locator(".verdict-card")).to_contain_text("the weather can’t be checked")
    expect(page.locator(".reason[data-code=no_data]")).to_be_visible()


def test_unknown_place_is_said_plainly(page, live_server, nominatim):
    page.goto(live_server.url + "/")
    page.get_by_label("Place or address").fill("Atlantis under the sea")
    page.get_by_role("button", name="Get advice").click()
    expect(page.get_by_role("alert")).to_contain_text("No place called “Atlantis under the sea” was found")


def test_denied_geolocation_points_to_the_place_field(page, live_server):
    page.goto(live_server.url + "/")  # no permission granted: Chromium denies
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#locate-status")).to_have_text(
        "Location permission was denied. Type a place instead."
    )
    expect(page.get_by_label("Place or address")).to_be_focused()


def test_place_form_works_without_javascript(browser, live_server, nominatim):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
        page.get_by_label("Place or address").fill("Vaduz")
        page.get_by_role("button", name="Get advice").click()
        page.wait_for_url(re.compile(r"/advice\?place=Vaduz"))
        expect(page.locator("#verdict-heading")).to_have_count(1)
        expect(page.locator(".verdict-meta")).to_contain_text("Vaduz")
    finally:
        context.close()


def test_back_button_restores_the_previous_advice(context, page, live_server, nominatim, open_meteo):
    page.goto(live_server.url + "/")
    page.get_by_label("Place or address").fill("Vaduz")
    page.get_by_role("button", name="Get advice").click()
    expect(page.locator(".verdict-meta")).to_contain_text("Vaduz")
    page.get_by_text("Change").click()  # after a result the form folds into one line
    page.get_by_label("Place or address").fill("Andorra la Vella")
    page.get_by_role("button", name="Get advice").click()
    expect(page.locator(".verdict-meta")).to_contain_text("Andorra la Vella")
    page.go_back()
    # A real navigation to the full page, never a bare fragment.
    expect(page.locator(".verdict-meta")).to_contain_text("Vaduz")
    expect(page.locator("header.site-header")).to_be_visible()
