"""A deploy: the new service worker waits, the page says "Update available", one tap moves to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.apps import daylit_location
from tests.support.pwa import wait_for_worker, wait_until, wait_until_kept

pytestmark = pytest.mark.e2e


def shell_caches(page) -> list[str]:
    return page.evaluate(
        "caches.keys().then((names) => names.filter((name) => name.startsWith('backrun-shell-')))"
    )


def test_a_new_version_waits_for_the_tap_then_takes_over(page, live_server):
    page.goto(live_server.url + "/")
    wait_for_worker(page)
    old_version = page.request.get(live_server.url + "/sw.js").headers["etag"].removeprefix("W/").strip('"')
    assert shell_caches(page) == [f"backrun-shell-{old_version}"]
    expect(page.get_by_text("Update available")).to_be_hidden()

    live_server.app.config["BACKRUN_RELEASE"] = "the next deploy"  # a byte-different /sw.js
    new_version = page.request.get(live_server.url + "/sw.js").headers["etag"].removeprefix("W/").strip('"')
    assert new_version != old_version
    page.evaluate("window.backrun.checkForUpdate()")
    expect(page.get_by_text("Update available")).to_be_visible()
    # Installed but waiting: the old version still serves the open page.
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")

    with page.expect_navigation():
        page.get_by_role("button", name="Update now").click()
    wait_for_worker(page)
    expect(page.get_by_text("Update available")).to_be_hidden()
    assert page.evaluate("""navigator.serviceWorker.getRegistration()
        .then((r) => r.waiting === null && r.active.state === 'activated')""")
    assert shell_caches(page) == [f"backrun-shell-{new_version}"]
    assert page.console_errors == []


def test_a_page_kept_before_a_deploy_still_works_offline_after_it(context, page, live_server, monkeypatch):
    lat, lon = daylit_location()
    kept = f"/advice?lat={lat}&lon={lon}&minutes=30"
    page.goto(live_server.url + "/")
    wait_for_worker(page)
    page.goto(live_server.url + kept)  # kept with this release's static URLs
    wait_until_kept(page, kept)
    old_css = page.locator('link[rel="stylesheet"]').first.get_attribute("href")

    # A deploy that changed static files: every static URL (and the worker) is new.
    static_version = live_server.app.extensions["backrun.static_version"]
    monkeypatch.setattr(static_version, "current", lambda: "0123456789ab")
    live_server.app.config["BACKRUN_RELEASE"] = "static files changed"
    page.goto(live_server.url + "/")
    page.evaluate("window.backrun.checkForUpdate()")
    with page.expect_navigation():
        page.get_by_role("button", name="Update now").click()
    wait_for_worker(page)
    assert "0123456789ab" in page.locator('link[rel="stylesheet"]').first.get_attribute("href")

    context.set_offline(True)
    page.goto(live_server.url + kept)
    assert page.locator('link[rel="stylesheet"]').first.get_attribute("href") == old_css
    expect(page.locator("#verdict-heading")).to_have_text("Go")
    # Styled and scripted by the current shell's copies of the files the old page names.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgb(11, 93, 75)"
    )
    wait_until(page, "() => typeof window.backrun?.flushOutbox === 'function'")
    expect(page.locator(".as-of")).to_contain_text("saved on this phone")
