"""Offline: the shell and the last advice from the service worker's caches, with their age."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.apps import daylit_location
from tests.support.pwa import kept_urls, wait_for_worker, wait_until_kept

pytestmark = pytest.mark.e2e


def advice_by_location(context, page, base_url: str) -> str:
    lat, lon = daylit_location()
    context.grant_permissions(["geolocation"], origin=base_url)
    context.set_geolocation({"latitude": lat, "longitude": lon})
    page.goto(base_url + "/")
    wait_for_worker(page)
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#verdict-heading")).to_have_text("Go")
    expect(page.locator(".as-of")).to_be_hidden()  # fresh: no age to point out
    path = re.sub(r"^https?://[^/]+", "", page.url)
    wait_until_kept(page, path, "fragment")
    wait_until_kept(page, path, "page")  # the URL htmx pushed must reload offline too
    return path


def test_an_offline_reload_shows_the_shell_and_the_kept_advice_with_its_age(
    context, page, live_server, open_meteo
):
    path = advice_by_location(context, page, live_server.url)
    upstream_calls = open_meteo.count()

    context.set_offline(True)
    page.reload()
    expect(page.locator(".site-header")).to_contain_text("Backrun")
    expect(page.locator("#verdict-heading")).to_have_text("Go")
    expect(page.locator(".as-of")).to_have_text(
        re.compile(r"^As of \d\d:\d\d \(0 min ago\), saved on this phone\.$")
    )
    expect(page.locator(".venues, .outlook").first).to_be_visible()

    # The installed app opens on the home page: the last place checked comes back from the cache.
    page.goto(live_server.url + "/")
    expect(page.locator("#verdict-heading")).to_have_text("Go")
    expect(page.locator(".as-of")).to_contain_text("saved on this phone")

    # A page never visited: the offline page, in the shell.
    page.goto(live_server.url + "/venues/nearby?lat=1&lon=2")
    expect(page.get_by_role("heading", name="You’re offline")).to_be_visible()
    assert open_meteo.count() == upstream_calls
    assert path.startswith("/advice?")
    assert page.console_errors == []


def test_kept_advice_older_than_two_hours_is_never_go(context, page, live_server):
    advice_by_location(context, page, live_server.url)
    context.set_offline(True)
    # Three hours later, still no signal.
    page.clock.install(time=datetime.now(UTC) + timedelta(hours=3))
    page.reload()
    heading = page.locator("#verdict-heading")
    expect(heading).to_have_text("Unknown")
    expect(page.locator(".verdict-card")).to_have_class(re.compile(r"\bverdict-unknown\b"))
    expect(page.locator(".verdict-headline")).to_contain_text("check conditions yourself")
    expect(page.locator(".as-of")).to_contain_text("3 h 0 min ago")
    expect(page.locator(".outlook-list [data-verdict=go]")).to_have_count(0)
    expect(page.locator(".outlook-list .outlook-word").first).to_have_text("Unknown")
    expect(page.locator(".advice-result .verdict-go")).to_have_count(0)


def test_sign_in_pages_are_never_kept(context, page, live_server):
    page.goto(live_server.url + "/")
    wait_for_worker(page)
    page.goto(live_server.url + "/login")
    page.goto(live_server.url + "/signup")
    page.goto(live_server.url + "/")
    kept = [url for urls in kept_urls(page).values() for url in urls]
    assert not [url for url in kept if url.startswith(("/login", "/signup", "/settings", "/api/"))], kept
    context.set_offline(True)
    page.goto(live_server.url + "/login")
    expect(page.get_by_role("heading", name="You’re offline")).to_be_visible()
