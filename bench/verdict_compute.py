"""The verdict computation itself: `advise()` on a full Open-Meteo answer (96 past hours, 24 ahead,
15-minute steps), as every uncached verdict and every step of the 6-hour outlook run it.

    python -m bench.verdict_compute [--repeat 200]

The forecasts are parsed from the fake Open-Meteo's real-format JSON (no server needed), in three
scenarios: mild and dry ("go": no search for a later window), rain now that clears later (the
search for the next safe window walks quarter-hours to the horizon) and ice that formed two days
ago (the 72-hour ground pass carries it). For each: the median CPU time of one `advise()` call and
of the ground pass alone (`ground.track`), best of 5 rounds. Exits 1 when a verdict takes longer
than BUDGET_MS: an uncached verdict also waits for an upstream fetch, so a few milliseconds here
are noise, but tens would not be.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime

from backrun.safety import ground
from backrun.safety.verdict import advise
from backrun.weather import open_meteo
from tests.support.harness import log, machine

BUDGET_MS = 20.0
LAT, LON = 52.52, 13.40


def _query() -> dict[str, list[str]]:
    params = open_meteo.request_params(LAT, LON)
    return {key: [str(value)] for key, value in params.items()}


def scenarios(now: datetime) -> dict[str, object]:
    from tests.support.fakes.open_meteo import OpenMeteoFake

    fake = OpenMeteoFake(clock=lambda: now)
    rain = {"precipitation": 2.0, "rain": 2.0, "weather_code": 63, "relative_humidity_2m": 95}
    frozen = {"temperature_2m": -3.0, "relative_humidity_2m": 70, "soil_temperature_0cm": -4.0}
    made = {
        "mild, dry (go)": {},
        "rain now, clearing later": dict.fromkeys(range(-2, 3), rain),
        "ice from two days ago": lambda o: {
            **frozen,
            **(
                {
                    "precipitation": 2.0,
                    "rain": 2.0,
                    "weather_code": 61,
                    "temperature_2m": 1.0,
                    "soil_temperature_0cm": 1.0,
                }
                if -52 <= o < -48
                else {}
            ),
        },
    }
    forecasts = {}
    for name, hours in made.items():
        fake.set_weather(hours)
        forecasts[name] = open_meteo.parse(fake.payload(_query()), LAT, LON, now)
    return forecasts


def _time_us(call, repeat: int) -> float:
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(repeat):
            call()
        rounds.append((time.process_time() - started) / repeat * 1e6)
    return min(rounds)


def run(args: argparse.Namespace) -> dict:
    now = datetime.now(UTC).replace(hour=11, minute=20, second=0, microsecond=0)
    results = []
    for name, forecast in scenarios(now).items():

        def one(fc=forecast):
            return advise(fc, latitude=LAT, longitude=LON, start=now, minutes=45, now=now)

        verdict = one().verdict
        advise_us = _time_us(one, args.repeat)
        pass_us = _time_us(lambda fc=forecast: ground.track(fc.hours, now), args.repeat)
        log(f"{name}: {verdict}, advise {advise_us:.0f} µs, ground pass {pass_us:.0f} µs")
        results.append(
            {
                "scenario": name,
                "verdict": verdict,
                "hourly_steps": len(forecast.hours),
                "quarter_steps": len(forecast.quarter_hours),
                "advise_us": round(advise_us),
                "ground_pass_us": round(pass_us),
            }
        )
    worst_ms = max(r["advise_us"] for r in results) / 1000
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "results": results,
        "budget_ms": BUDGET_MS,
        "passed": worst_ms <= BUDGET_MS,
    }


def markdown(summary: dict) -> str:
    lines = [
        "| Scenario | verdict | steps (hourly / 15-min) | `advise()` µs | ground pass µs |",
        "|---|---|---|---|---|",
    ]
    for r in summary["results"]:
        lines.append(
            f"| {r['scenario']} | {r['verdict']} | {r['hourly_steps']} / {r['quarter_steps']} | "
            f"{r['advise_us']} | {r['ground_pass_us']} |"
        )
    lines.append("")
    lines.append(
        f"CPU time per call, best of 5 rounds; {summary['date']}; {summary['machine']}. Budget "
        f"{summary['budget_ms']:g} ms per verdict: {'pass' if summary['passed'] else 'FAIL'}."
    )
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=100, help="calls per round")
    p.add_argument("--json", help="also write the results to this file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    summary = run(args)
    print(markdown(summary))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(summary, fh, indent=2)
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
