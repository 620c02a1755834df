"""10,000 due morning briefings over 500 weather cells, sent to the loopback push service.

    python -m bench.push_briefings [--subscriptions 10000] [--cells 500]

One `send_due(at)` run (what `flask push send-due` and the scheduler do) with every subscription's
briefing due at `at`, spread over five time zones. The fake Open-Meteo and MET Norway and the
loopback push service (tests/support/fakes/push_service.py: it verifies each VAPID JWT and decrypts each
payload, so it costs CPU in this same process) all run here on 127.0.0.1. Reported:

* upstream weather calls during the run: must equal the number of cells (once per cell, however
  many runners share it);
* every message delivered exactly once, verified and decrypted, nothing else received;
* the time per 1,000 briefings (weather, advice, claim, encryption, VAPID, POST, bookkeeping),
  against the time to compute 1,000 verdicts from the cached weather in the same run (the
  `get_advice` path a page takes, 1,000 different (cell, run length, start) each, so no memo
  hits; the median of three rounds).

Exits 1 when upstream calls != cells or any message is missing, doubled or unreadable.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.harness import PROJECT_ROOT, fresh_instance, log, machine, markdown_table, upstream_fakes

ZONES = ["Europe/Vaduz", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--subscriptions", type=int, default=10_000)
    p.add_argument("--cells", type=int, default=500)
    return p


def cell_place(index: int) -> tuple[float, float]:
    """Distinct weather cells (0.01° apart or more) over Europe."""
    return round(40.0 + (index // 50) * 0.5, 2), round(-5.0 + (index % 50) * 0.5, 2)


def run(args: argparse.Namespace) -> dict:
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from sqlalchemy import insert

    from backrun import create_app
    from backrun.accounts.models import User
    from backrun.advice.service import get_advice
    from backrun.extensions import db
    from backrun.push.due import send_due
    from backrun.push.models import PushSubscription
    from tests.support.fakes.push_service import PushServiceFake

    started = datetime.now(UTC)
    with upstream_fakes() as (open_meteo, met_no), PushServiceFake() as push:
        instance = fresh_instance(open_meteo.endpoint, met_no.endpoint)
        os.environ.update(
            {
                k: v
                for k, v in instance.env.items()
                if k.startswith(("BACKRUN_", "DATABASE_URL", "SECRET_KEY"))
            }
        )
        app = create_app(
            {"BACKRUN_PUSH_ALLOWED_ORIGINS": (push.url,), "BACKRUN_CONTACT": "mailto:bench@backrun.invalid"}
        )
        at = datetime.now(UTC).replace(second=0, microsecond=0)
        log(f"making {args.subscriptions} subscriptions (a key pair each) over {args.cells} cells ...")
        browsers = [push.new_subscription() for _ in range(args.subscriptions)]
        with app.app_context():
            db.session.execute(
                insert(User),
                [
                    {
                        "id": 1,
                        "email": "bench@example.org",
                        "password_hash": "x",
                        "login_nonce": "n",
                        "units": "km",
                        "weekly_target": 3,
                        "time_zone": "UTC",
                        "created_at": at,
                    }
                ],
            )
            rows = []
            for i, browser in enumerate(browsers):
                lat, lon = cell_place(i % args.cells)
                zone = ZONES[i % len(ZONES)]
                keys = browser.to_json()["keys"]
                rows.append(
                    {
                        "user_id": 1,
                        "endpoint": browser.endpoint,
                        "p256dh": keys["p256dh"],
                        "auth": keys["auth"],
                        "place_name": f"Place {i}",
                        "latitude": lat,
                        "longitude": lon,
                        "time_zone": zone,
                        "briefing_at": at.astimezone(ZoneInfo(zone)).strftime("%H:%M"),
                        "minutes": 30,
                        "safe_window_alerts": False,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
            db.session.execute(insert(PushSubscription), rows)
            db.session.commit()

            open_meteo.reset()
            met_no.reset()
            log("send_due ...")
            began = time.perf_counter()
            report = send_due(at)
            send_s = time.perf_counter() - began
            upstream = open_meteo.count() + met_no.count()

            # Three rounds of 1,000 different (cell, run length, start): never a memo hit, never a
            # briefing's; the median round, as the machine's other load comes and goes.
            rounds = []
            for r in range(3):
                log(f"1,000 cached verdicts, round {r + 1} of 3 ...")
                start = at + timedelta(minutes=15 * (r + 1))
                pairs = [
                    (cell_place(i % args.cells), (15, 45, 60, 90, 120)[i // args.cells % 5])
                    for i in range(1000)
                ]
                began = time.perf_counter()
                for (lat, lon), minutes in pairs:
                    get_advice(lat, lon, minutes=minutes, start=start, now=at)
                rounds.append(time.perf_counter() - began)
            verdicts_s = sorted(rounds)[1]
            upstream_after = open_meteo.count() + met_no.count()

    per_browser = [len(push.messages_for(b)) for b in browsers]
    delivered_once = per_browser.count(1)
    passed = (
        upstream == args.cells
        and upstream_after == upstream
        and delivered_once == args.subscriptions
        and not push.problems
        and len(push.messages) == args.subscriptions
    )
    per_1000 = send_s / args.subscriptions * 1000
    return {
        "date": started.strftime("%Y-%m-%d"),
        "machine": machine(),
        "subscriptions": args.subscriptions,
        "cells": args.cells,
        "upstream_calls": upstream,
        "sent": len(report.sent),
        "delivered_once": delivered_once,
        "problems": len(push.problems),
        "send_s": round(send_s, 2),
        "per_1000_briefings_s": round(per_1000, 2),
        "per_1000_cached_verdicts_s": round(verdicts_s, 3),
        "verdict_rounds_s": [round(r, 2) for r in rounds],
        "ratio": round(per_1000 / verdicts_s, 1),
        "passed": passed,
    }


def markdown(result: dict) -> str:
    rows = [
        ["Subscriptions due / weather cells", f"{result['subscriptions']:,} / {result['cells']}"],
        ["Upstream weather calls in the run", f"{result['upstream_calls']} (target: = cells)"],
        [
            "Delivered exactly once, verified and decrypted",
            f"{result['delivered_once']:,} ({result['problems']} problems)",
        ],
        ["Whole run", f"{result['send_s']} s"],
        ["Time per 1,000 briefings", f"{result['per_1000_briefings_s']} s"],
        [
            "Time per 1,000 cached verdicts (same run, median of 3 rounds)",
            f"{result['per_1000_cached_verdicts_s']} s ({', '.join(map(str, result['verdict_rounds_s']))})",
        ],
        ["Briefings / cached verdicts", f"{result['ratio']} x"],
    ]
    return (
        f"{result['date']}, {result['machine']}.\n\n"
        + markdown_table(["Measure", "Result"], rows)
        + f"\n\nResult: {'pass' if result['passed'] else 'FAIL'}"
    )


def main(argv: list[str] | None = None) -> int:
    result = run(parser().parse_args(argv))
    print(markdown(result))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
