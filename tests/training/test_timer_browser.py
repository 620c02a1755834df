"""The interval timer in a real Chromium: a 2 x 3 s workout end to end, and a page hidden mid-run.

What is measured:
- every cue's scheduled time (from the engine: start + its second in the schedule) and the time
  the audio clock played it (read back when its first tone ended, see static/js/timer/audio.js);
- when each phase showed on screen;
- what the log form received and what the server stored.
The start is a real tap: no autoplay flag, the tap unlocks the audio.
"""

from __future__ import annotations

import math
import re
import time

import pytest
from playwright.sync_api import expect

from tests.support.apps import daylit_location
from tests.support.pwa import (
    sign_up,
    stored_sessions,
    wait_for_empty_outbox,
    wait_for_worker,
    wait_until,
    wait_until_kept,
)

pytestmark = pytest.mark.e2e

TOLERANCE_MS = 100


def set_workout(
    page, *, bouts: int, backward_s: int, recovery_s: int, warm_up_min: float = 0, cool_down_min: float = 0
):
    page.get_by_label("Bouts").fill(str(bouts))
    page.get_by_label("Backward seconds each").fill(str(backward_s))
    page.get_by_label("Recovery seconds between").fill(str(recovery_s))
    page.get_by_label("Warm-up minutes").fill(f"{warm_up_min:g}")
    page.get_by_label("Cool-down minutes").fill(f"{cool_down_min:g}")


def test_a_2_by_3_s_workout_cues_on_time_and_logs_itself(page, live_server):
    base = live_server.url
    sign_up(page, base, "timer@example.org")
    lat, lon = daylit_location()
    page.goto(f"{base}/timer?lat={lat}&lon={lon}&minutes=30&setting=outdoor&place=Vaduz")
    expect(page.locator("#timer-context")).to_contain_text("Vaduz")
    set_workout(page, bouts=2, backward_s=3, recovery_s=3)
    page.get_by_role("button", name="Start").click()

    expect(page.locator("#timer-phase")).to_have_text("Backwards")
    assert page.evaluate("window.backrun.timer.audioState()") == "running", "the tap unlocked the audio"
    expect(page.locator("#timer-done-heading")).to_have_text("Done: well run", timeout=15_000)
    # Every cue reports when the audio clock played it (the finish tone ends 0.2 s after the end).
    wait_until(
        page, "window.backrun.timer.cues.filter((c) => !c.cancelled).every((c) => c.firedAt !== null)", 2
    )
    timer = page.evaluate(
        "({cues: window.backrun.timer.cues, phases: window.backrun.timer.phases, "
        "state: window.backrun.timer.state()})"
    )
    started_at = timer["state"]["startedAt"]

    cues = [c for c in timer["cues"] if not c["cancelled"]]
    assert [(c["kind"], c["atS"]) for c in cues] == [
        ("turn-around", 0),
        ("countdown", 1),
        ("countdown", 2),
        ("phase", 3),
        ("countdown", 4),
        ("countdown", 5),
        ("turn-around", 6),
        ("countdown", 7),
        ("countdown", 8),
        ("finish", 9),
    ]
    for cue in cues:
        assert abs(cue["scheduledAt"] - (started_at + cue["atS"] * 1000)) <= TOLERANCE_MS, cue
        assert abs(cue["firedAt"] - cue["scheduledAt"]) <= TOLERANCE_MS, cue
    fired = [c["firedAt"] for c in cues]
    assert fired == sorted(fired), "sounded in order"

    phases = timer["phases"]
    assert [(p["kind"], p["bout"]) for p in phases] == [("backward", 1), ("recovery", 1), ("backward", 2)]
    for phase in phases:
        assert abs(phase["shownAt"] - phase["expectedAt"]) <= TOLERANCE_MS, phase

    # The log form opens by itself, pre-filled.
    expect(page).to_have_url(re.compile(r"/log/new\?"), timeout=10_000)
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    expect(page.get_by_label("Duration")).to_have_value("0:09")
    expect(page.get_by_label("Bouts")).to_have_value("2")
    expect(page.get_by_label("Backward seconds each")).to_have_value("3")
    expect(page.get_by_label("Recovery seconds between")).to_have_value("3")
    expect(page.get_by_label("Outdoor venue")).to_be_checked()
    expect(page.get_by_label("Venue (optional)")).to_have_value("Vaduz")
    expect(page.locator(".weather-snapshot")).to_contain_text("Weather advice when you set off: Go")
    expect(page.get_by_label("Start")).to_have_value(local_minute(page, started_at))  # when the run began

    # The runner adds effort and soreness, and saves.
    page.get_by_label("Effort (optional)").select_option("3")
    page.get_by_label("Calves").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged.")).to_be_visible()

    [session] = stored_sessions(live_server.app)
    assert (session.duration_s, session.bouts, session.backward_s, session.recovery_s) == (9, 2, 3, 3)
    assert (session.effort, session.soreness, session.setting, session.venue_name) == (
        3,
        ["calves"],
        "outdoor",
        "Vaduz",
    )
    assert session.weather and session.weather["verdict"] == "go"
    assert abs(session.started_at.timestamp() - started_at / 1000) < 60  # logged to the minute
    assert not page.console_errors


def local_minute(page, epoch_ms: float) -> str:
    """The browser's own local time for an instant, as a datetime-local input shows it."""
    return page.evaluate(
        """(ms) => { const d = new Date(ms), p = (n) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`; }""",
        epoch_ms,
    )


def test_hidden_for_20_s_mid_workout_the_phase_and_time_left_are_right(context, page, live_server):
    """The page is hidden and its JavaScript stops entirely (the debugger holds it) for 20 s, as a
    locked phone or a frozen background tab would: on return the screen is right at once, and the
    beeps due meanwhile came on time from the audio clock."""
    # 3 x 10 s backwards, 10 s walking: 50 s. Hidden from about 3 s to 23 s: back in bout 2.
    page.goto(live_server.url + "/timer")
    set_workout(page, bouts=3, backward_s=10, recovery_s=10)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#timer-bouts")).to_have_text("Bout 1 of 3")
    wait_until(page, "window.backrun.timer.state().positionS >= 3")

    cdp = context.new_cdp_session(page)
    page.evaluate("""() => {
        window.__hidden = true;
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (window.__hidden ? "hidden" : "visible") });
        Object.defineProperty(document, "hidden", { configurable: true, get: () => window.__hidden });
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    cdp.send("Debugger.enable")
    cdp.send("Debugger.pause")  # no timer, no frame, no script runs until resumed
    hidden_at = time.time()
    time.sleep(20)
    cdp.send("Debugger.resume")
    cdp.send("Debugger.disable")
    assert time.time() - hidden_at >= 20
    page.evaluate(
        """() => { window.__hidden = false; document.dispatchEvent(new Event("visibilitychange")); }"""
    )

    shown = page.evaluate("""() => ({ phase: document.getElementById("timer-phase").textContent,
        remaining: document.getElementById("timer-remaining").textContent,
        bouts: document.getElementById("timer-bouts").textContent,
        now: Date.now(), startedAt: window.backrun.timer.state().startedAt })""")
    position = (shown["now"] - shown["startedAt"]) / 1000
    assert 23 <= position < 28, position
    # Bout 2 runs from 20 s to 30 s.
    assert shown["phase"] == "Backwards"
    assert shown["bouts"] == "Bout 2 of 3"
    # As rendered a moment before `now` was read: the same second, or the one before at a boundary.
    assert shown["remaining"] in (
        f"0:{math.ceil(30 - position):02d}",
        f"0:{math.ceil(30 - position) + 1:02d}",
    )
    # Nothing ran while hidden: the recovery between the bouts was never on screen.
    phases = page.evaluate("window.backrun.timer.phases")
    assert [(p["kind"], p["bout"]) for p in phases] == [("backward", 1), ("backward", 2)]

    # The beeps due while the page was held came from the audio clock, on time.
    wait_until(
        page,
        "window.backrun.timer.cues.filter((c) => !c.cancelled && c.atS <= 22).every((c) => c.firedAt !== null)",
    )
    cues = page.evaluate("window.backrun.timer.cues.filter((c) => !c.cancelled && c.atS <= 22)")
    assert [(c["kind"], c["atS"]) for c in cues] == [
        ("turn-around", 0),
        ("countdown", 7),
        ("countdown", 8),
        ("countdown", 9),
        ("phase", 10),
        ("countdown", 17),
        ("countdown", 18),
        ("countdown", 19),
        ("turn-around", 20),
    ]
    for cue in cues:
        assert abs(cue["firedAt"] - (shown["startedAt"] + cue["atS"] * 1000)) <= TOLERANCE_MS, cue
    assert not page.console_errors


def test_with_no_signal_the_timer_runs_and_its_log_entry_waits_in_the_outbox(context, page, live_server):
    """Offline from the start of the workout: the timer comes from the service worker's caches,
    the log form too (the blank copy, filled in from the URL by log-prefill.js), and the entry
    reaches the server once the signal is back."""
    base = live_server.url
    sign_up(page, base, "offline-timer@example.org")
    wait_for_worker(page)
    page.goto(base + "/")  # a page with a signal: the worker keeps this runner's pages
    wait_until_kept(page, "/log/new")
    wait_until_kept(page, "/timer")

    context.set_offline(True)
    page.goto(base + "/timer?setting=treadmill&venue_name=Hotel%20gym")
    expect(page.get_by_role("heading", name="Interval timer")).to_be_visible()
    set_workout(page, bouts=1, backward_s=2, recovery_s=0)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#timer-done-heading")).to_have_text("Done: well run", timeout=10_000)

    expect(page).to_have_url(re.compile(r"/log/new\?"), timeout=10_000)
    expect(page.get_by_label("Duration")).to_have_value("0:02")
    expect(page.get_by_label("Bouts")).to_have_value("1")
    expect(page.get_by_label("Backward seconds each")).to_have_value("2")
    expect(page.get_by_label("Treadmill")).to_be_checked()
    expect(page.get_by_label("Venue (optional)")).to_have_value("Hotel gym")
    page.get_by_label("Effort (optional)").select_option("2")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator("#saved-offline")).to_contain_text("Saved on this phone")

    context.set_offline(False)
    page.evaluate("window.backrun.flushOutbox()")
    wait_for_empty_outbox(page)
    [session] = stored_sessions(live_server.app)
    assert (session.duration_s, session.bouts, session.backward_s, session.recovery_s) == (2, 1, 2, 0)
    assert (session.setting, session.venue_name, session.effort) == ("treadmill", "Hotel gym", 2)


def test_signed_out_and_offline_the_timer_opens_from_an_advice_link(context, page, live_server):
    """The advice page links to /timer with the place in the query; offline, the precached
    timer still answers, whatever the query says."""
    base = live_server.url
    page.goto(base + "/")
    wait_for_worker(page)
    context.set_offline(True)
    page.goto(base + "/timer?lat=5.0000&lon=20.0000&minutes=30&setting=outdoor&place=Vaduz")
    expect(page.get_by_role("heading", name="Interval timer")).to_be_visible()
    expect(page.get_by_role("button", name="Start")).to_be_visible()
