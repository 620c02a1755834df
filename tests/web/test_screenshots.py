"""Screenshots of the main screens at phone size, light and dark: what the README shows.

`make screenshots` runs this with BACKRUN_SCREENSHOTS=docs/screenshots; otherwise the pictures go
to a temporary folder and the test checks they were taken at the right size. The app, its venues
and the weather are the same as the layout walk's (tests/support/phone_walk.py): nothing leaves the machine.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import LiveServer
from tests.support.phone_walk import SIZES, WEATHER, new_phone, seed_runner, sign_in
from tests.support.venues import app_with_venues, imported_database

pytestmark = pytest.mark.e2e

VARIANTS = [(320, "light"), (320, "dark"), (390, "light"), (390, "dark")]


@pytest.fixture(scope="module")
def server(tmp_path_factory, open_meteo, met_no, nominatim):
    template = imported_database(tmp_path_factory, open_meteo, met_no, nominatim)
    app = app_with_venues(
        tmp_path_factory.mktemp("screenshots"), template, open_meteo, met_no, nominatim, per_run=True
    )  # module-scoped: its database outlives each test
    server = LiveServer(app)
    server.session_id = seed_runner(app)
    with server:
        yield server


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    target = os.environ.get("BACKRUN_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def _no_outside_requests(context, base_url: str) -> None:
    # Map tiles can't be had here (as on a phone without a signal): the map says so.
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort()
    )


@pytest.mark.parametrize(("width", "scheme"), VARIANTS)
def test_screenshots_of_the_main_screens(browser, server, folder, open_meteo, width, scheme):
    open_meteo.set_weather(WEATHER)
    context = new_phone(browser, width, scheme, locale="en-IE")  # metric, as in Liechtenstein
    _no_outside_requests(context, server.url)
    taken: list[Path] = []

    def shot(page, name: str) -> None:
        path = folder / f"{name}-{width}-{scheme}.png"
        page.evaluate("document.activeElement?.blur()")
        page.screenshot(path=path)
        taken.append(path)

    try:
        page = context.new_page()
        page.goto(server.url + "/advice?place=Vaduz&minutes=30")
        shot(page, "advice")
        page.locator("#venues-heading").scroll_into_view_if_needed()
        page.evaluate("document.getElementById('venues-heading').scrollIntoView({block: 'start'})")
        shot(page, "venues")
        page.get_by_role("button", name="Show on a map").click()
        expect(page.locator("#venues-map .leaflet-marker-icon").first).to_be_visible()
        page.evaluate("document.getElementById('venues-map').scrollIntoView({block: 'center'})")
        expect(page.locator(".venue-map-no-tiles")).to_be_visible()
        shot(page, "map")
        page.goto(server.url + "/timer")
        page.get_by_role("button", name="Start").click()
        expect(page.locator("#timer-run")).to_be_visible()
        shot(page, "timer")
        sign_in(page, server.url)
        for name, path in (
            ("settings", "/settings"),
            ("log", "/log"),
            ("session", f"/log/{server.session_id}"),
            ("progress", "/progress"),
        ):
            page.goto(server.url + path)
            shot(page, name)
        page.evaluate("document.getElementById('chart-heading').scrollIntoView({block: 'start'})")
        shot(page, "chart")
        page.goto(server.url + "/log/new")
        page.evaluate("document.querySelector('fieldset.intervals').scrollIntoView({block: 'start'})")
        shot(page, "log-form")
    finally:
        context.close()
    for path in taken:
        assert png_size(path) == (width, SIZES[width]), path
