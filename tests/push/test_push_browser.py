"""Web Push in Chromium: subscribe through the real page, then a briefing shown by the service worker.

Headless Chromium can't reach a real push service here (no network): in a normal profile
`pushManager.subscribe()` waits forever for Google's servers, in Playwright's private context it
is refused. So the page's PushManager hands out a subscription of the loopback push service
instead (an init script with a key pair made by the test); everything else is real: the tap, the
permission asked only then, the page's POST with its CSRF token, send-due encrypting for that key,
the loopback service verifying VAPID and decrypting, and the very payload it decrypted delivered
to the service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`), which
shows it as a notification (`registration.getNotifications()`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backrun.extensions import db
from backrun.push.models import PushSubscription
from tests.push.conftest import push_app
from tests.support.apps import daylit_location
from tests.support.browser import LiveServer
from tests.support.fakes.push_service import PushServiceFake
from tests.support.push import send_due
from tests.support.pwa import sign_up, wait_for_worker, wait_until

pytestmark = pytest.mark.e2e

# Replaces only the browser's transport to a push service: subscribe() answers with the test's
# subscription and remembers the applicationServerKey it was given; requestPermission is counted.
STUB = """
(() => {
  const json = %s;
  window.__push = { permissionAsks: 0, serverKey: null };
  if (!self.PushManager) return;
  let current = null;
  const subscription = { endpoint: json.endpoint, expirationTime: null, toJSON: () => json, options: {} };
  PushManager.prototype.subscribe = async function (options) {
    window.__push.serverKey = Array.from(new Uint8Array(options.applicationServerKey));
    current = subscription;
    return subscription;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => { window.__push.permissionAsks += 1; return ask(...args); };
})();
"""


@pytest.fixture(scope="module")
def push_service():
    with PushServiceFake() as fake:
        yield fake


@pytest.fixture
def server(tmp_path, open_meteo, met_no, nominatim, push_service):
    push_service.restore()
    push_service.reset()
    app = push_app(tmp_path, open_meteo, met_no, nominatim, push_service)
    with LiveServer(app) as live:
        yield live


def worker_registration(context, page):
    """A DevTools session on the page and the id of its service worker registration."""
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if any(not r["isDeleted"] for r in registrations):
            break
        page.wait_for_timeout(100)  # lets Playwright deliver the protocol's events
    live = [r["registrationId"] for r in registrations if not r["isDeleted"]]
    assert live, "no service worker registration"
    return cdp, live[0]


def test_subscribe_in_the_page_then_a_briefing_is_shown_as_a_notification(
    context, page, server, push_service
):
    browser_keys = push_service.new_subscription()
    context.add_init_script(STUB % json.dumps(browser_keys.to_json()))
    context.grant_permissions(["notifications"], origin=server.url)

    sign_up(page, server.url, "push@example.org")
    wait_for_worker(page)
    lat, lon = daylit_location()
    page.goto(f"{server.url}/advice?lat={lat}&lon={lon}&minutes=45")
    offer = page.locator(".push-offer")
    expect(offer).to_be_visible()
    assert page.evaluate("window.__push.permissionAsks") == 0  # never asked on load

    now_vaduz = datetime.now(UTC).astimezone(ZoneInfo("Europe/Vaduz"))
    page.get_by_label("Briefing at").fill(now_vaduz.strftime("%H:%M"))
    page.get_by_role("button", name="Morning briefing").click()
    expect(offer.locator(".push-status")).to_contain_text("Done: a briefing")
    assert page.evaluate("window.__push.permissionAsks") == 1  # asked on the tap

    app = server.app
    with app.app_context():
        [stored] = db.session.scalars(select(PushSubscription)).all()
        assert stored.endpoint == browser_keys.endpoint
        assert (stored.time_zone, stored.briefing_at, stored.minutes) == (
            "Europe/Vaduz",
            now_vaduz.strftime("%H:%M"),
            45,
        )
        from backrun.push.keys import application_server_key, b64url_decode

        assert bytes(page.evaluate("window.__push.serverKey")) == b64url_decode(application_server_key())

    send_due(app, datetime.now(UTC))
    assert push_service.problems == []
    [message] = push_service.messages_for(browser_keys)
    payload = message.payload
    assert payload["kind"] == "briefing"

    cdp, registration = worker_registration(context, page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration, "data": json.dumps(payload)},
    )
    wait_until(
        page,
        "() => navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((n) => n.length === 1)",
    )
    [shown] = (
        page.evaluate("""() => navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((list) =>
        list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data })))""")
    )
    assert shown["title"] == payload["title"] and payload["verdict"] in (
        "go",
        "caution",
        "indoors",
        "unknown",
    )
    assert shown["body"] == payload["body"]
    assert shown["tag"] == payload["tag"]
    assert shown["data"]["url"] == f"/advice?lat={lat:.4f}&lon={lon:.4f}&minutes=45"

    # A newer message for the same place replaces the shown one (same tag), never piles up.
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.url,
            "registrationId": registration,
            "data": json.dumps({**payload, "body": "Newer."}),
        },
    )
    wait_until(
        page,
        """() => navigator.serviceWorker.ready.then((r) => r.getNotifications())
        .then((n) => n.length === 1 && n[0].body === 'Newer.')""",
    )

    # The click target opens the advice for the place.
    page.goto(server.url + shown["data"]["url"])
    expect(page.locator("#verdict-heading")).to_be_visible()


def test_settings_shows_and_removes_the_subscription(context, page, server, push_service):
    browser_keys = push_service.new_subscription()
    context.add_init_script(STUB % json.dumps(browser_keys.to_json()))
    context.grant_permissions(["notifications"], origin=server.url)
    sign_up(page, server.url, "settings@example.org")
    wait_for_worker(page)
    lat, lon = daylit_location()
    page.goto(f"{server.url}/advice?lat={lat}&lon={lon}")
    page.get_by_role("button", name="Morning briefing").click()
    expect(page.locator(".push-status")).to_contain_text("Done")
    page.goto(server.url + "/settings")
    section = page.locator("section", has=page.get_by_role("heading", name="Notifications"))
    expect(section.get_by_label("Briefing at")).to_have_value("07:00")
    section.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("No notifications yet")).to_be_visible()
