"""Every page a runner reaches fits a phone: 320, 360 and 390 px wide, light and dark, signed in and out.

No sideways scrolling, no text over text, tap targets of 44 px with room around destructive ones,
and on the advice page the verdict, its top reason and the temperature on the first screen.
One app and one browser for the module; a context per size and scheme walks all its pages.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import LiveServer
from tests.support.phone_walk import (
    SIZES,
    WEATHER,
    Screen,
    new_phone,
    problems_on,
    screens,
    seed_runner,
    sign_in,
)
from tests.support.venues import TARTAN_OVAL, TARTAN_OVAL_AT, app_with_venues, imported_database

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def walk(tmp_path_factory, open_meteo, met_no, nominatim):
    template = imported_database(tmp_path_factory, open_meteo, met_no, nominatim)
    app = app_with_venues(
        tmp_path_factory.mktemp("phone-walk"), template, open_meteo, met_no, nominatim, per_run=True
    )  # module-scoped: its database outlives each test
    session_id = seed_runner(app)
    with LiveServer(app) as server:
        server.screens = screens(session_id, "/venues/" + TARTAN_OVAL)
        yield server


@pytest.fixture(autouse=True)
def _weather(open_meteo):
    open_meteo.set_weather(WEATHER)  # before any page asks (the app keeps the first answer a while)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(SIZES))
@pytest.mark.parametrize("who", ["out", "in"])
def test_every_page_fits_the_phone(browser, walk, who, width, scheme):
    context = new_phone(browser, width, scheme)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if who == "in":
            sign_in(page, walk.url)
        problems: list[str] = []
        for screen in walk.screens[who]:
            response = page.goto(walk.url + screen.path)
            assert response.status == 200, f"{screen.path}: {response.status}"
            problems += problems_on(page, screen)
        assert problems == [], "\n".join(problems)
        assert errors == []
    finally:
        context.close()


def test_the_advice_after_use_my_location_fits_the_first_screen(browser, walk):
    """The htmx path: the result swapped in under a folded, one-line location form."""
    context = new_phone(browser, 360, "light")
    try:
        lat, lon = TARTAN_OVAL_AT
        context.grant_permissions(["geolocation"], origin=walk.url)
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 20})
        page = context.new_page()
        page.goto(walk.url + "/")
        expect(page.locator("#location")).to_have_attribute("open", "")
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("#verdict-heading")).to_be_focused()
        expect(page.locator("#location")).not_to_have_attribute("open", "")
        expect(page.locator(".location-summary")).to_contain_text("Your location")
        expect(page.locator(".location-summary")).to_contain_text("30 min")

        assert problems_on(page, Screen("advice after locating", "/", advice=True)) == []
        page.get_by_text("Change").click()
        expect(page.get_by_label("Place or address")).to_be_visible()
    finally:
        context.close()


def test_use_my_location_offline_says_so(browser, walk):
    context = new_phone(browser, 360, "light")
    try:
        page = context.new_page()
        page.goto(walk.url + "/")
        context.set_offline(True)
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("#locate-status")).to_contain_text("You’re offline")
    finally:
        context.close()


def test_at_most_three_reasons_open_the_rest_behind_more(browser, walk):
    context = new_phone(browser, 390, "light")
    try:
        page = context.new_page()
        page.goto(walk.url + "/advice?place=Vaduz")
        open_reasons = page.locator(".reasons > .reason-list > .reason")
        assert 1 <= open_reasons.count() <= 3
        total = page.locator(".reason").count()
        if total > 3:
            more = page.locator(".more-reasons")
            expect(more.locator("summary")).to_have_text(f"{total - 3} more reason{'s' if total > 4 else ''}")
            expect(more.locator(".reason").first).to_be_hidden()
            more.locator("summary").click()
            expect(more.locator(".reason").first).to_be_visible()
        # The top reason on the card is the first reason, in one sentence.
        code = page.locator(".verdict-headline").get_attribute("data-code")
        assert code == open_reasons.first.get_attribute("data-code")
    finally:
        context.close()


def test_stop_needs_a_second_tap_and_the_header_steps_aside(browser, walk):
    context = new_phone(browser, 360, "dark")
    try:
        page = context.new_page()
        page.goto(walk.url + "/timer")
        page.get_by_role("button", name="Start").click()
        expect(page.locator("header.site-header")).to_be_hidden()
        stop = page.locator("#timer-stop")
        stop.click()
        expect(stop).to_have_text("Tap again to stop")
        expect(page.locator("#timer-run")).to_be_visible()  # one tap ends nothing
        stop.click()
        expect(page.locator("#timer-done-heading")).to_have_text("Stopped")
        expect(page.locator("header.site-header")).to_be_visible()
    finally:
        context.close()


def test_the_dark_header_is_calm(browser, walk):
    context = new_phone(browser, 390, "dark")
    try:
        page = context.new_page()
        page.goto(walk.url + "/")
        rgb = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        channels = [int(c) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        assert max(channels) < 40, rgb  # a dark bar at night, not the bright accent
    finally:
        context.close()


FAKE_INSTALL_OFFER = """() => {
    const offer = new Event("beforeinstallprompt", { cancelable: true });
    offer.prompt = () => { window.promptShown = true; };
    offer.userChoice = Promise.resolve({ outcome: "accepted" });
    window.dispatchEvent(offer);
}"""


def test_the_install_invitation_comes_on_the_second_visit(browser, walk):
    context = new_phone(browser, 360, "light")
    try:
        first = context.new_page()
        first.goto(walk.url + "/")
        first.evaluate(FAKE_INSTALL_OFFER)
        expect(first.locator("#install-invite")).to_be_hidden()  # not on a first visit
        first.close()
        second = context.new_page()  # a new tab: a second visit
        second.goto(walk.url + "/")
        second.evaluate(FAKE_INSTALL_OFFER)
        invite = second.locator("#install-invite")
        expect(invite).to_be_visible()
        invite.get_by_role("button", name="Install").click()
        assert second.evaluate("window.promptShown") is True
        third = context.new_page()
        third.goto(walk.url + "/")
        third.evaluate(FAKE_INSTALL_OFFER)
        third.locator("#install-invite").get_by_role("button", name="Not now").click()
        expect(third.locator("#install-invite")).to_be_hidden()
        fourth = context.new_page()
        fourth.goto(walk.url + "/")
        fourth.evaluate(FAKE_INSTALL_OFFER)
        expect(fourth.locator("#install-invite")).to_be_hidden()  # "Not now" holds
    finally:
        context.close()


def test_safari_gets_the_manual_steps_in_the_invitation(browser, walk):
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1"
    )
    context = new_phone(browser, 390, "dark", user_agent=iphone)
    try:
        context.new_page().goto(walk.url + "/")
        page = context.new_page()
        page.goto(walk.url + "/")
        expect(page.locator("#install-invite-ios")).to_contain_text("Add to Home Screen")
        expect(page.locator("#install-invite-yes")).to_be_hidden()
        assert problems_on(page, Screen("home with the invitation", "/")) == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_import_preview_fits_the_narrowest_phone(browser, walk, scheme):
    csv = (
        "started_at,duration_s,distance_m,setting,notes\r\n"
        "2026-02-01T08:00:00+00:00,900,2500,treadmill,a note typed in a spreadsheet that goes on for a while\r\n"
        "not a date,abc,,somewhere,\r\n"
    )
    context = new_phone(browser, 320, scheme)
    try:
        page = context.new_page()
        sign_in(page, walk.url)
        page.goto(walk.url + "/data")
        page.get_by_label("CSV file").set_input_files(
            files=[{"name": "log.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
        )
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
        expect(page.locator(".import-preview li")).to_contain_text("2.5 km")  # the runner's units (km here)
        expect(page.locator(".import-problems li").first).to_contain_text("Line 3")
        assert problems_on(page, Screen("import preview", "/data/import")) == []
    finally:
        context.close()


def test_the_map_numbers_its_pins_like_the_list_and_says_when_tiles_fail(browser, walk):
    context = new_phone(browser, 360, "light")
    # No tile can be had (a phone without a signal, a blocked tile server): refused here.
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(walk.url) else route.abort()
    )
    try:
        page = context.new_page()
        page.goto(walk.url + "/advice?place=Vaduz")
        numbers = page.locator(".venue-list .venue-number").all_inner_texts()
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and numbers
        page.get_by_role("button", name="Show on a map").click()
        pins = page.locator("#venues-map .venue-pin")
        expect(pins).to_have_count(len(numbers))
        assert sorted(pins.all_inner_texts(), key=int) == numbers
        expect(page.locator("#venues-map path.venue-map-origin")).to_have_count(1)
        expect(page.locator("#venues-map .venue-map-you")).to_have_text("You")
        expect(page.locator("#venues-map .venue-map-no-tiles")).to_be_visible()
        expect(page.locator("#venues-map .venue-map-no-tiles")).to_contain_text("can’t be loaded")
        for button in page.locator("#venues-map .leaflet-control-zoom a").all():
            box = button.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44
    finally:
        context.close()


def test_the_checks_catch_what_they_look_for(browser, walk):
    """The walk's checks really fail on a page that breaks each rule (built here with the DOM)."""
    context = new_phone(browser, 320, "light")
    try:
        page = context.new_page()
        page.goto(walk.url + "/timer")
        assert problems_on(page, Screen("timer", "/timer")) == []
        page.evaluate("""() => {
            const main = document.querySelector("main");
            const wide = document.createElement("p");
            wide.textContent = "x".repeat(80);
            wide.style.whiteSpace = "nowrap";
            const small = document.createElement("button");
            small.textContent = "ok";
            small.style.cssText = "min-height: 0; height: 20px; padding: 0";
            const over = document.createElement("p");
            over.textContent = "drawn over the heading";
            over.style.cssText = "position: absolute; top: 0; left: 0; margin: 0";
            main.style.position = "relative";
            const heading = document.createElement("p");
            heading.textContent = "under it";
            heading.style.margin = "0";
            main.prepend(heading, over);
            main.append(wide, small);
        }""")
        found = "\n".join(problems_on(page, Screen("broken", "/timer", advice=True)))
        assert "scrolls sideways" in found and "text past the screen's edge" in found
        assert "text over text" in found and "tap target" in found
        assert "#verdict-heading" in found  # no verdict on the timer page: reported missing
    finally:
        context.close()
