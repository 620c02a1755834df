"""Two instances over one PostgreSQL and one Redis, each with its push scheduler (RQ's cron) and an
RQ worker: every due briefing delivered exactly once, and nothing more on later runs."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.fakes.push_service import PushServiceFake, b64url
from tests.support.instances import app_env
from tests.support.processes import wait_for
from tests.support.push import subscribe
from tests.support.runners import FAST_HASH, Runner

pytestmark = [pytest.mark.service]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ZONES = ["Europe/Vaduz", "America/New_York", "Asia/Kolkata", "UTC"]


@pytest.mark.timeout(240)
def test_two_instances_with_rq_deliver_every_briefing_once(
    tmp_path, database_url, cache_url, open_meteo, met_no, nominatim
):
    from tests.support.apps import make_app

    key = ec.generate_private_key(ec.SECP256R1())
    vapid = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    with PushServiceFake() as push:
        app = make_app(
            tmp_path,
            open_meteo,
            met_no,
            nominatim,
            SQLALCHEMY_DATABASE_URI=database_url,
            BACKRUN_PUSH_ALLOWED_ORIGINS=(push.url,),
            BACKRUN_VAPID_PRIVATE_KEY=vapid,
            **FAST_HASH,
        )
        runners = [Runner(app, f"rq{n}@example.org").signup() for n in range(3)]
        tokens = [r.token() for r in runners]
        now = datetime.now(UTC)
        browsers = []
        for i in range(30):
            zone = ZONES[i % len(ZONES)]
            browser = push.new_subscription()
            subscribe(
                runners[i % 3],
                tokens[i % 3],
                browser,
                timezone=zone,
                lat=47.0 + (i % 5) * 0.3,
                lon=9.5,
                briefing_at=now.astimezone(ZoneInfo(zone)).strftime("%H:%M"),
            )
            browsers.append(browser)

        processes = []
        with contextlib.ExitStack() as logs:  # the processes' stderr files, closed once they have stopped
            try:
                for name in ("one", "two"):
                    env = app_env(
                        tmp_path / name,
                        database_url=database_url,
                        cache_url=cache_url,
                        open_meteo_url=open_meteo.endpoint,
                        met_no_url=met_no.endpoint,
                        nominatim_url=nominatim.url,
                        BACKRUN_PUSH_ALLOWED_ORIGINS=push.url,
                        BACKRUN_VAPID_PRIVATE_KEY=vapid,
                        BACKRUN_PUSH_TIMEOUT="2",
                    )
                    for command in (["scheduler", "--interval", "5"], ["worker"]):
                        processes.append(
                            subprocess.Popen(
                                [sys.executable, "-m", "flask", "--app", "app", "push", *command],
                                cwd=PROJECT_ROOT,
                                env=env,
                                stdout=subprocess.DEVNULL,
                                stderr=logs.enter_context(open(tmp_path / f"{name}-{command[0]}.log", "w")),
                            )
                        )
                wait_for(lambda: len(push.messages) >= 30, 120, "30 briefings")
                time.sleep(12)  # two more runs of each scheduler: nothing more may arrive
            finally:
                for process in processes:
                    process.send_signal(signal.SIGTERM)
                for process in processes:
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
        assert push.problems == []
        assert [len(push.messages_for(b)) for b in browsers] == [1] * 30
        assert len(push.messages) == 30
        worker_logs = (tmp_path / "one-worker.log").read_text() + (tmp_path / "two-worker.log").read_text()
        assert "send_due_job" in worker_logs  # the sending went through RQ's queue
