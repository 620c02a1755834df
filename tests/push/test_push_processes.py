"""Two `flask push send-due` processes at the same moment: every due message delivered exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.push.conftest import push_app
from tests.support.push import counts, subscribe
from tests.support.runners import Runner

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ZONES = ["Europe/Vaduz", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"]


def cli_env(app, push) -> dict[str, str]:
    config = app.config
    return {
        **os.environ,
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "BACKRUN_INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": config["SECRET_KEY"],
        "BACKRUN_CACHE_URL": config["BACKRUN_CACHE_URL"],
        "BACKRUN_OPEN_METEO_URL": config["BACKRUN_OPEN_METEO_URL"],
        "BACKRUN_MET_NO_URL": config["BACKRUN_MET_NO_URL"],
        "BACKRUN_NOMINATIM_URL": config["BACKRUN_NOMINATIM_URL"],
        "BACKRUN_OVERPASS_URL": "",
        "BACKRUN_CONTACT": config["BACKRUN_CONTACT"],
        "BACKRUN_PUSH_ALLOWED_ORIGINS": push.url,
        "BACKRUN_PUSH_TIMEOUT": "2",
        "BACKRUN_VAPID_PRIVATE_KEY": "",
    }


def test_two_send_due_processes_at_once_deliver_each_message_once(
    tmp_path, open_meteo, met_no, nominatim, push
):
    app = push_app(tmp_path, open_meteo, met_no, nominatim, push)
    runners = [Runner(app, f"runner{n}@example.org").signup() for n in range(4)]
    tokens = [r.token() for r in runners]
    moment = datetime.now(UTC).replace(second=0, microsecond=0)
    browsers = []
    for i in range(40):
        zone = ZONES[i % len(ZONES)]
        browser = push.new_subscription()
        local = moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        subscribe(
            runners[i % 4],
            tokens[i % 4],
            browser,
            timezone=zone,
            briefing_at=local,
            lat=46.0 + (i % 8) * 0.5,
            lon=9.0,
            name=f"Place {i}",
        )
        browsers.append(browser)
    push.reset()
    command = [sys.executable, "-m", "flask", "--app", "app", "push", "send-due", "--at", moment.isoformat()]
    env = cli_env(app, push)
    processes = [
        subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
    sent_lines = [line for out, _ in outputs for line in out.splitlines() if line.startswith("sent: ")]
    assert len(sent_lines) == 40
    assert push.problems == []
    assert [len(push.messages_for(b)) for b in browsers] == [1] * 40
    # A third run at the same moment finds nothing left to send.
    again = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 sent" in again.stdout
    assert len(push.messages) == 40
    assert counts(app) == (40, 40)
