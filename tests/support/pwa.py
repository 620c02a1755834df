"""Helpers for the offline-app browser tests: the service worker, its caches, a flaky sync server."""

from __future__ import annotations

import re
import socket
import threading
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from backrun.extensions import db
from backrun.logbook.models import Run

PASSWORD = "correct horse battery"


def wait_until(page, script: str, timeout_s: float = 10.0) -> None:
    """Poll `script` from the test, never with page.wait_for_function: that polls with eval() in
    the page, which Backrun's CSP (script-src 'self') refuses. page.evaluate goes through the
    DevTools protocol, which the CSP doesn't govern."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if page.evaluate(script):
                return
        except PlaywrightError:
            pass  # a navigation replaced the document mid-call: ask the new one
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.05)


def wait_for_worker(page) -> None:
    """Until a service worker controls the page.

    The first install claims the open page without a reload, but only a page whose document
    exists when the worker activates: a navigation that was already on its way then (the test
    typing faster than the worker installs) starts uncontrolled, and only its next load is
    controlled. That is what a runner's phone does too, so reload once in that case.
    """
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    try:
        wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout_s=3.0)
    except AssertionError:
        page.reload()
        wait_until(page, "() => navigator.serviceWorker.controller !== null")


def kept_urls(page) -> dict[str, list[str]]:
    """Every URL in Backrun's caches, by cache name."""
    return page.evaluate("""async () => {
        const out = {};
        for (const name of await caches.keys()) {
            out[name] = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname + new URL(request.url).search);
        }
        return out;
    }""")


def wait_until_kept(page, path: str, kind: str = "page", timeout_s: float = 10) -> None:
    """The worker keeps answers after handing them to the page: wait until `path` is in a cache."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(
            path in urls
            for name, urls in kept_urls(page).items()
            if name.endswith(kind + "s-v1") or name.endswith("-" + kind)
        ):
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} never kept as a {kind}: {kept_urls(page)}")


def wait_for_empty_outbox(page, timeout_s: float = 10) -> None:
    wait_until(page, "() => typeof window.backrun?.outboxCount === 'function'")  # the module has run
    deadline = time.monotonic() + timeout_s
    while page.evaluate("window.backrun.outboxCount()") != 0:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{page.evaluate('window.backrun.outboxCount()')} sessions still in the outbox"
            )
        time.sleep(0.1)


def sign_up(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/log$"))
    expect(page.get_by_role("heading", name="Your log")).to_be_visible()


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def stored_sessions(app) -> list[Run]:
    with app.app_context():
        return list(db.session.scalars(select(Run)))


def session_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Run))


class FlakySync:
    """WSGI middleware that really fails 3 in 10 POSTs to one path with a 503.

    Two of them fail before the app sees the request; the third is stored by the app and then
    its answer is lost (the worst case for duplicates: the client must send it again).
    """

    FAIL_BEFORE = {2, 5}
    FAIL_AFTER = {8}

    def __init__(self, wsgi_app, path: str) -> None:
        self.wsgi_app = wsgi_app
        self.path = path
        self.lock = threading.Lock()
        self.posts = 0
        self.failed_before = 0
        self.failed_after = 0

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or environ.get("PATH_INFO") != self.path:
            return self.wsgi_app(environ, start_response)
        with self.lock:
            slot = self.posts % 10
            self.posts += 1
        if slot in self.FAIL_BEFORE:
            self.failed_before += 1
            return self._unavailable(start_response)
        if slot in self.FAIL_AFTER:
            answer = self.wsgi_app(environ, lambda *args, **kwargs: None)
            try:
                b"".join(answer)  # the app runs to the end and stores the session...
            finally:
                getattr(answer, "close", lambda: None)()
            self.failed_after += 1
            return self._unavailable(start_response)  # ...and the client never hears of it
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _unavailable(start_response):
        body = b'{"error": "unavailable", "detail": "Try again later."}'
        start_response(
            "503 Service Unavailable",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


class DropsPosts:
    """WSGI middleware that closes the connection on POSTs to these paths without an answer: the
    phone lost its signal in the middle of saving (werkzeug's dev server exposes the socket)."""

    def __init__(self, wsgi_app, *paths: str) -> None:
        self.wsgi_app = wsgi_app
        self.paths = paths
        self.dropped = 0

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ.get("PATH_INFO") in self.paths:
            self.dropped += 1
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("the signal dropped")
        return self.wsgi_app(environ, start_response)


def runner_caches(page) -> list[str]:
    return [name for name in kept_urls(page) if name.startswith("backrun-runner-")]


def wait_for(check, timeout_s: float = 10, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.1)


def fire_background_sync(context, page, base_url: str, tag: str = "backrun-outbox") -> None:
    """What Chromium does when the connection comes back (Playwright's set_offline(False) doesn't):
    a Background Sync event in the service worker, through the DevTools protocol."""
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)  # lets Playwright deliver the protocol's events
    live = [r for r in registrations if not r["isDeleted"]]
    assert live, "no service worker registration"
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": base_url, "registrationId": live[0]["registrationId"], "tag": tag, "lastChance": False},
    )
