"""The scheduler: `flask push scheduler` sends what is due by itself on the embedded default, and
stops cleanly on SIGTERM (as `make run` stops it)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.push.conftest import push_app
from tests.push.test_push_processes import PROJECT_ROOT, cli_env
from tests.support.processes import wait_for
from tests.support.push import subscribe
from tests.support.runners import Runner


def test_once_sends_what_is_due_now(tmp_path, open_meteo, met_no, nominatim, push):
    app = push_app(tmp_path, open_meteo, met_no, nominatim, push, BACKRUN_CACHE_URL="")
    runner = Runner(app, "erin@example.org").signup()
    browser = push.new_subscription()
    now = datetime.now(UTC)
    subscribe(
        runner,
        runner.token(),
        browser,
        timezone="Asia/Tokyo",
        briefing_at=now.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M"),
    )
    result = app.test_cli_runner().invoke(args=["push", "scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(push.messages_for(browser)) == 1 and push.problems == []


def test_the_scheduler_process_sends_and_stops_on_sigterm(tmp_path, open_meteo, met_no, nominatim, push):
    app = push_app(tmp_path, open_meteo, met_no, nominatim, push, BACKRUN_CACHE_URL="")
    runner = Runner(app, "fay@example.org").signup()
    browser = push.new_subscription()
    now = datetime.now(UTC)
    subscribe(
        runner,
        runner.token(),
        browser,
        timezone="America/Sao_Paulo",
        briefing_at=now.astimezone(ZoneInfo("America/Sao_Paulo")).strftime("%H:%M"),
    )
    env = {**cli_env(app, push), "BACKRUN_CACHE_URL": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "push", "scheduler", "--interval", "5"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: push.messages_for(browser), 60, "the scheduler's briefing")
        time.sleep(6)  # at least one more run of the schedule, which must find nothing left to send
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err[-2000:]
    assert "send-due every 5 s" in out
    assert len(push.messages_for(browser)) == 1
