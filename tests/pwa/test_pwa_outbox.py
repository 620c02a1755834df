"""Logging with no signal: the outbox keeps every session until the server has it, exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.pwa import (
    DropsPosts,
    FlakySync,
    fire_background_sync,
    runner_caches,
    session_count,
    sign_in,
    sign_up,
    stored_sessions,
    wait_for,
    wait_for_empty_outbox,
    wait_for_worker,
    wait_until_kept,
)

pytestmark = pytest.mark.e2e


def open_the_app_signed_in(page, base_url: str, email: str) -> None:
    """Sign up, then one more page with a signal: the worker keeps the log form for this runner."""
    sign_up(page, base_url, email)
    wait_for_worker(page)
    page.goto(base_url + "/")
    wait_until_kept(page, "/log/new")


def log_offline(page, notes: str, duration: str = "12") -> None:
    page.get_by_label("Duration").fill(duration)
    page.get_by_label("Treadmill").check()
    page.get_by_label("Notes (optional)").fill(notes)
    page.get_by_role("button", name="Save session").click()
    expect(page.locator("#saved-offline")).to_contain_text("Saved on this phone")
    expect(page.get_by_label("Notes (optional)")).to_have_value("")  # ready for the next one


def flush_until_empty(page, rounds: int = 12) -> list[dict]:
    reports = []
    for _ in range(rounds):
        reports.append(page.evaluate("window.backrun.flushOutbox()"))
        if page.evaluate("window.backrun.outboxCount()") == 0:
            break
    return reports


def test_twenty_sessions_logged_offline_arrive_exactly_once_through_a_flaky_network(
    context, page, live_server
):
    app = live_server.app
    base = live_server.url
    open_the_app_signed_in(page, base, "track@example.org")

    context.set_offline(True)
    page.goto(base + "/log/new")  # never opened with a signal: kept by the worker after sign-in
    number = 0
    for batch in (7, 7, 6):
        for _ in range(batch):
            number += 1
            log_offline(page, f"offline session {number}")
            expect(page.locator("#outbox-count")).to_have_text(str(number))
        page.reload()  # still offline: the form and the waiting count come back from the phone
        expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
        expect(page.locator("#outbox-count")).to_have_text(str(number))
    expect(page.locator("#outbox-status")).to_contain_text("20 sessions saved on this phone")
    assert session_count(app) == 0

    flaky = FlakySync(app.wsgi_app, "/api/v1/runs")  # the outbox sends to the JSON API
    app.wsgi_app = flaky
    context.set_offline(False)
    reports = flush_until_empty(page)

    notes = Counter(session.notes for session in stored_sessions(app))
    assert notes == Counter({f"offline session {n}": 1 for n in range(1, 21)}), notes
    assert page.evaluate("window.backrun.outboxCount()") == 0
    expect(page.locator("#outbox-status")).to_be_hidden()
    # The network really failed, both before and after storing, and nothing was doubled.
    assert flaky.failed_before >= 4 and flaky.failed_after >= 2, (flaky.posts, reports)
    assert sum(report["sent"] for report in reports if report) <= 20


def test_an_expired_sign_in_keeps_sessions_until_the_runner_signs_in_again(context, page, live_server):
    app = live_server.app
    base = live_server.url
    open_the_app_signed_in(page, base, "expired@example.org")
    context.set_offline(True)
    page.goto(base + "/log/new")
    log_offline(page, "before the sign-in expired")
    log_offline(page, "also before")

    context.clear_cookies()  # the sign-in expires while the phone is offline
    context.set_offline(False)
    report = page.evaluate("window.backrun.flushOutbox()")
    assert report["signIn"] is True and report["waiting"] == 2
    expect(page.locator("#outbox-count")).to_have_text("2")
    sign_in_link = page.get_by_role("link", name="Sign in to send them")
    expect(sign_in_link).to_be_visible()
    assert session_count(app) == 0

    sign_in_link.click()
    sign_in(page, "expired@example.org")
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()  # back where they were
    wait_for_empty_outbox(page)  # sent as the app started, no tap needed
    expect(page.locator("#outbox-status")).to_be_hidden()
    assert sorted(session.notes for session in stored_sessions(app)) == [
        "also before",
        "before the sign-in expired",
    ]


def test_a_session_the_server_refuses_stays_until_the_runner_discards_it(context, page, live_server):
    open_the_app_signed_in(page, live_server.url, "refused@example.org")
    context.set_offline(True)
    page.goto(live_server.url + "/log/new")
    log_offline(page, "zero minutes", duration="0")  # looks filled in; only the server can say no
    context.set_offline(False)
    report = page.evaluate("window.backrun.flushOutbox()")
    assert report["refused"] == 1 and report["waiting"] == 0
    refused = page.locator("#outbox-refused li")
    expect(refused).to_contain_text("Not accepted")
    expect(refused).to_contain_text("Duration: Must be more than 0 seconds")  # the API's message
    page.evaluate("window.backrun.flushOutbox()")
    assert page.evaluate("window.backrun.outboxCount()") == 1  # never dropped by the machine
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Discard it").click()
    expect(page.locator("#outbox-status")).to_be_hidden()
    assert session_count(live_server.app) == 0


def test_online_the_form_still_posts_the_normal_way(context, page, live_server):
    open_the_app_signed_in(page, live_server.url, "online@example.org")
    page.goto(live_server.url + "/log/new")
    page.get_by_label("Duration").fill("20")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged.")).to_be_visible()
    assert session_count(live_server.app) == 1
    assert page.evaluate("window.backrun.outboxCount()") == 0
    assert page.console_errors == []


def test_a_connection_lost_while_saving_keeps_the_session(page, live_server):
    app = live_server.app
    open_the_app_signed_in(page, live_server.url, "liefi@example.org")
    page.goto(live_server.url + "/log/new")
    dropper = DropsPosts(app.wsgi_app, "/log/new", "/api/v1/runs")  # the form's and the outbox's
    app.wsgi_app = dropper  # the phone says it is online, but the save never gets an answer
    page.get_by_label("Duration").fill("15")
    page.get_by_label("Notes (optional)").fill("saved as the signal dropped")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator("#saved-offline")).to_contain_text("the connection dropped")
    expect(page.locator("#outbox-count")).to_have_text("1")
    assert dropper.dropped >= 1 and session_count(app) == 0

    app.wsgi_app = dropper.wsgi_app  # the signal is back
    page.evaluate("window.backrun.flushOutbox()")
    assert [session.notes for session in stored_sessions(app)] == ["saved as the signal dropped"]
    assert page.evaluate("window.backrun.outboxCount()") == 0


def test_signing_out_drops_the_runners_kept_pages(context, page, live_server):
    base = live_server.url
    open_the_app_signed_in(page, base, "leaving@example.org")
    first_runner = runner_caches(page)
    assert first_runner
    page.goto(base + "/settings")  # Sign out sits in the settings, away from the header's links
    page.get_by_role("button", name="Sign out", exact=True).click()
    wait_for(lambda: runner_caches(page) == [], message="the runner's pages to go")

    sign_up(page, base, "next@example.org")  # another runner on the same phone
    page.goto(base + "/")
    wait_until_kept(page, "/log/new")
    assert runner_caches(page) and not set(runner_caches(page)) & set(first_runner)

    page.goto(base + "/settings")  # Sign out sits in the settings, away from the header's links
    page.get_by_role("button", name="Sign out", exact=True).click()
    wait_for(lambda: runner_caches(page) == [], message="the runner's pages to go")
    context.set_offline(True)
    page.goto(base + "/log/new")
    expect(page.get_by_role("heading", name="You’re offline")).to_be_visible()


def test_background_sync_sends_them_with_the_app_closed(context, page, live_server):
    open_the_app_signed_in(page, live_server.url, "sync@example.org")
    context.set_offline(True)
    page.goto(live_server.url + "/log/new")
    log_offline(page, "sent by the worker")
    page.close()  # the runner closes the app; no page is left to send anything
    context.set_offline(False)
    blank = context.new_page()
    fire_background_sync(context, blank, live_server.url)
    wait_for(lambda: session_count(live_server.app) == 1, message="the worker to send the session")
    assert [session.notes for session in stored_sessions(live_server.app)] == ["sent by the worker"]
    blank.goto(live_server.url + "/")
    wait_for_empty_outbox(blank)


def test_a_form_kept_offline_arrives_as_the_form_would_have_stored_it(context, page, live_server):
    """The outbox reads the form (minutes:seconds, a decimal comma, intervals, the start in the
    form's time zone) into the API's run the way the form's handler does."""
    open_the_app_signed_in(page, live_server.url, "reader@example.org")
    context.set_offline(True)
    page.goto(live_server.url + "/log/new")
    page.get_by_label("Start", exact=True).fill("2026-07-01T06:15")
    page.get_by_label("Bouts", exact=True).fill("6")
    page.get_by_label("Backward seconds").fill("30")
    page.get_by_label("Distance in kilometres (optional)", exact=True).fill("2,5")
    log_offline(page, "read like the form", duration="12:30")
    context.set_offline(False)
    report = page.evaluate("window.backrun.flushOutbox()")
    assert report["sent"] == 1, report
    (run,) = stored_sessions(live_server.app)
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert (run.duration_s, run.distance_m, run.bouts, run.backward_s, run.recovery_s, run.pattern) == (
        750,
        2500.0,
        6,
        30,
        0,
        "intervals",
    )
    assert run.local_start.strftime("%Y-%m-%dT%H:%M") == "2026-07-01T06:15"
    expected = datetime(2026, 7, 1, 6, 15, tzinfo=ZoneInfo(zone)).utcoffset()
    assert run.local_start.utcoffset() == expected
