"""The runner profile and the kit list on a phone (390 x 844): kept on the phone when signed out,
a settings form when signed in, and the kit under the conditions on the verdict card."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.apps import daylit_location
from tests.support.pwa import sign_up

pytestmark = pytest.mark.e2e

GUSTS = {offset: {"wind_gusts_10m": 48.0, "wind_speed_10m": 28.0} for offset in range(-2, 10)}


def tap_use_my_location(page):
    """After a result the location form is folded to one line (issue 14): open it, then tap."""
    if page.locator("#location").get_attribute("open") is None:
        page.locator("#location summary").click()
    page.get_by_role("button", name="Use my location").click()


def locate(context, page, live_server):
    lat, lon = daylit_location()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 20})
    tap_use_my_location(page)


def test_signed_out_profile_is_kept_on_the_phone_and_tightens_the_verdict(
    context, page, live_server, open_meteo, air_quality
):
    air_quality.set_air(base={"us_aqi": 120})  # unhealthy for sensitive groups
    page.goto(live_server.url + "/")
    locate(context, page, live_server)
    expect(page.locator("#verdict-heading")).to_have_text("Caution")
    card = page.locator(".verdict-card")
    expect(card.locator(".air-line")).to_contain_text("US AQI 120")
    kit = card.locator(".kit-list")
    expect(kit.locator("li[data-kit=gloves]")).to_be_visible()
    expect(kit.locator("li[data-kit=shoes]")).to_contain_text("Flat running shoes")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling

    page.locator("#profile-card summary").click()
    page.get_by_label("Asthma or another breathing condition").check()
    page.get_by_label("Experience").select_option("beginner")
    page.get_by_label("Cold", exact=True).check()
    expect(page.locator("#profile-status")).to_contain_text("Saved on this phone")
    stored = page.evaluate("JSON.parse(localStorage.getItem('backrun.profile'))")
    assert stored == {"experience": "beginner", "sensitivity": "respiratory", "runs": "cold"}

    tap_use_my_location(page)
    expect(page.locator("#verdict-heading")).to_have_text("Indoors")
    expect(page.locator(".reason[data-code=air_quality]")).to_contain_text("respiratory sensitivity")
    expect(page.locator(".profile-note")).to_contain_text("beginner")
    assert "sensitivity=respiratory" in page.url and "experience=beginner" in page.url

    # A new visit on the same phone starts from what was kept.
    page.reload()
    page.locator("#profile-card summary").click()
    expect(page.get_by_label("Asthma or another breathing condition")).to_be_checked()
    expect(page.get_by_label("Experience")).to_have_value("beginner")
    assert page.console_errors == []


def test_air_quality_outage_says_unknown_and_keeps_the_weather_verdict(
    context, page, live_server, open_meteo, air_quality
):
    open_meteo.set_weather(GUSTS)
    air_quality.fail_with(500)
    page.goto(live_server.url + "/")
    locate(context, page, live_server)
    expect(page.locator("#verdict-heading")).to_have_text("Caution")
    expect(page.locator(".air-line")).to_contain_text("Air quality unknown")
    expect(page.locator(".kit-list li")).not_to_have_count(0)


def test_signed_in_profile_settings_on_a_phone(context, page, live_server, open_meteo):
    open_meteo.set_weather(GUSTS)
    sign_up(page, live_server.url, "phone@example.org")
    page.goto(live_server.url + "/")
    expect(page.locator("#profile-card")).to_have_count(0)
    locate(context, page, live_server)
    # A new runner is in week 1 of the plan: gusts are indoors for them, and it says why.
    expect(page.locator("#verdict-heading")).to_have_text("Indoors")
    expect(page.locator(".reason[data-code=strong_gusts]")).to_contain_text("week 1 of the beginner plan")

    page.goto(live_server.url + "/settings")
    section = page.locator(".runner-profile")
    section.scroll_into_view_if_needed()
    section.get_by_label("Experience").select_option("regular")
    section.get_by_label("Hot", exact=True).check()
    section.get_by_role("button", name="Save profile").click()
    expect(page.locator(".flashes")).to_contain_text("Runner profile saved")
    expect(page.locator(".runner-profile").get_by_label("Experience")).to_have_value("regular")

    page.goto(live_server.url + "/")
    locate(context, page, live_server)
    expect(page.locator("#verdict-heading")).to_have_text("Caution")
    expect(page.locator(".kit-note")).to_contain_text("+3 °C")
    assert page.console_errors == []
