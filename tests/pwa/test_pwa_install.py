"""Installable: manifest, icons, the service worker's headers, Chromium's own installability check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import CHROMIUM_FLAGS, chromium_path
from tests.support.pwa import wait_for_worker, wait_until

pytestmark = pytest.mark.e2e

REQUIRED_MEMBERS = {
    "id",
    "name",
    "short_name",
    "description",
    "start_url",
    "scope",
    "display",
    "theme_color",
    "background_color",
    "icons",
    "screenshots",
}


def test_chromium_finds_nothing_in_the_way_of_installing(playwright_instance, live_server, tmp_path):
    # A persistent profile: the default, incognito-like context always reports "in-incognito".
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(live_server.url + "/")
        wait_for_worker(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [], manifest["errors"]
        assert manifest["url"] == live_server.url + "/manifest.webmanifest"
        assert errors == []
    finally:
        context.close()


def test_manifest_icons_and_screenshots_are_what_they_say(page, live_server):
    page.goto(live_server.url + "/")
    response = page.request.get(live_server.url + "/manifest.webmanifest")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest.keys() >= REQUIRED_MEMBERS
    assert manifest["display"] == "standalone" and manifest["scope"] == "/" and manifest["id"] == "/"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    } <= purposes
    assert {shot["form_factor"] for shot in manifest["screenshots"]} == {"narrow", "wide"}

    apple_icon = page.locator('head link[rel="apple-touch-icon"]').get_attribute("href")
    assert re.fullmatch(r"/static/([0-9a-f]+/)?icons/apple-touch-icon\.png", apple_icon)
    images = (
        manifest["icons"]
        + manifest["screenshots"]
        + [{"src": apple_icon, "sizes": "180x180", "type": "image/png"}]
    )
    for image in images:
        served = page.request.get(live_server.url + image["src"])
        assert served.status == 200, image["src"]
        assert served.headers["content-type"] == image["type"] == "image/png"
        # Decoded by the browser itself, not just a file that starts like a PNG.
        width, height = page.evaluate(
            """async (src) => {
            const bitmap = await createImageBitmap(await (await fetch(src)).blob());
            return [bitmap.width, bitmap.height];
        }""",
            image["src"],
        )
        assert f"{width}x{height}" == image["sizes"], image["src"]

    head = page.locator("head")
    expect(head.locator('link[rel="manifest"]')).to_have_attribute("href", "/manifest.webmanifest")
    for name in ("apple-mobile-web-app-capable", "mobile-web-app-capable", "apple-mobile-web-app-title"):
        expect(head.locator(f'meta[name="{name}"]')).to_have_count(1)


def test_the_service_worker_is_served_fresh_from_the_root(page, live_server):
    response = page.request.get(live_server.url + "/sw.js")
    assert response.status == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")
    assert '"version":"' in response.text() and "/* build */" not in response.text()
    page.goto(live_server.url + "/")
    wait_for_worker(page)
    assert (
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => new URL(r.scope).pathname)")
        == "/"
    )
    assert page.console_errors == []


def test_the_first_install_controls_the_open_page_without_a_reload(page, live_server):
    page.goto(live_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # No reload: the worker's clients.claim() takes the page the runner is looking at.
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "navigate"
    assert page.console_errors == []


def test_the_install_button_uses_the_browsers_prompt(page, live_server):
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Install Backrun on this device")
    expect(button).to_be_hidden()
    # Chromium decides by itself when to offer installing; the page's part is to take the offer.
    page.evaluate("""() => {
        const offer = new Event("beforeinstallprompt", { cancelable: true });
        offer.prompt = () => { window.promptShown = true; };
        offer.userChoice = Promise.resolve({ outcome: "accepted" });
        window.dispatchEvent(offer);
    }""")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_be_hidden()
    assert page.evaluate("window.promptShown") is True


def test_ios_safari_gets_the_steps_instead(browser, live_server):
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1"
    )
    context = browser.new_context(user_agent=iphone, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.locator("#install-ios")).to_contain_text("Add to Home Screen")
    finally:
        context.close()
