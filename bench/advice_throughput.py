"""Cached `/api/v1/advice` throughput against a Flask hello world, side by side in one run.

    python -m bench.advice_throughput [--rounds 5] [--duration 5] [--connections 8]
                                      [--workers 2] [--worker-class sync] [--threads 1]

Both apps run at the same time under the same gunicorn settings, each on its own port; only one
is under load at a time. The weather for one location is fetched once from the fake Open-Meteo
(in this process) and then served from the cache, so what is measured is the cached path:
request parsing, memoised advice, JSON. Rounds alternate the order (hello, advice / advice,
hello / ...) and each round pairs the two apps measured seconds apart, so a burst of noise from
other processes on the machine hurts both alike. The headline ratio is the median of the
per-round ratios (the ratio of the median req/s is shown too). Server CPU time per request
(gunicorn master + workers, from /proc) is reported as well: it hardly moves with the machine's
load, so it tells whether a change in req/s is the code or the neighbours.

Default settings, `--workers 2 --worker-class sync`, are what `make serve` deploys (README,
"Deployment"): one worker process per core on the 2-core machine. The cached path is pure CPU,
so threads would only add GIL hand-offs, and a sync worker is the cheapest way to serve it.
wrk runs on the same 2 cores; it costs both apps the same.

Exits 1 when advice serves less than 50% of hello world's req/s, when any response was not 2xx,
or when the weather was fetched again during the measurement (then it wasn't the cached path).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime

from tests.support.harness import (
    Gunicorn,
    GunicornSettings,
    fresh_instance,
    get_json,
    load,
    load_tool,
    log,
    machine,
    markdown_table,
    median,
    upstream_fakes,
)

TARGET_RATIO = 0.5
LAT, LON = 52.52, 13.40  # Berlin; any valid point works


def measure(url: str, server: Gunicorn, args: argparse.Namespace) -> dict:
    cpu_before = server.cpu_seconds()
    result = load(url, duration_s=args.duration, connections=args.connections, threads=args.wrk_threads)
    cpu = server.cpu_seconds() - cpu_before
    data = result.to_dict()
    data["server_cpu_us_per_request"] = round(cpu / result.requests * 1e6) if result.requests else None
    return data


def run(args: argparse.Namespace) -> dict:
    settings = GunicornSettings(args.workers, args.worker_class, args.threads)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    with upstream_fakes() as (open_meteo, met_no):
        instance = fresh_instance(open_meteo.endpoint, met_no.endpoint)
        try:
            with (
                Gunicorn("bench.hello_app:app", settings, instance.env, name="hello") as hello,
                Gunicorn("app:app", settings, instance.env, ready_path="/healthz", name="backrun") as backrun,
            ):
                advice_url = backrun.url(f"/api/v1/advice?lat={LAT}&lon={LON}")
                hello_url = hello.url("/")
                log(f"{settings.describe()}; load generator: {load_tool()}")

                # Warm the weather cache: exactly one upstream call, and a real verdict.
                status, body = get_json(advice_url)
                if (
                    status != 200
                    or body.get("verdict") not in {"go", "caution", "indoors"}
                    or body.get("source") != "open-meteo"
                ):
                    raise RuntimeError(f"warming the cache failed: HTTP {status} {json.dumps(body)[:300]}")
                warm_calls = open_meteo.count() + met_no.count()

                # Warm both servers (imports, per-worker caches and memo) before measuring.
                for url in (hello_url, advice_url):
                    load(url, duration_s=args.warmup, connections=args.connections, threads=args.wrk_threads)

                calls_before = open_meteo.count() + met_no.count()
                rounds = []
                for number in range(args.rounds):
                    order = [("hello", hello, hello_url), ("advice", backrun, advice_url)]
                    if number % 2:
                        order.reverse()
                    one = {}
                    for name, server, url in order:
                        one[name] = measure(url, server, args)
                    one["ratio"] = round(one["advice"]["requests_per_s"] / one["hello"]["requests_per_s"], 3)
                    log(
                        f"round {number + 1}/{args.rounds}: hello {one['hello']['requests_per_s']:.0f} req/s, "
                        f"advice {one['advice']['requests_per_s']:.0f} req/s, ratio {one['ratio']:.2f}"
                    )
                    rounds.append(one)
                upstream_during = open_meteo.count() + met_no.count() - calls_before

                status, body = get_json(advice_url)
                still_ok = status == 200 and body.get("verdict") in {"go", "caution", "indoors"}
        finally:
            instance.cleanup()

    def med(name: str, key: str) -> float:
        return median([r[name][key] for r in rounds])

    summary = {
        "benchmark": "advice_throughput",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "settings": settings.describe(),
        "load": (
            f"wrk -t {args.wrk_threads} -c {args.connections}"
            if load_tool() == "wrk"
            else f"python load generator, {args.wrk_threads} processes, {args.connections} connections"
        )
        + f", {args.rounds} rounds x "
        f"{args.duration:g} s each, alternating order, after {args.warmup:g} s warm-up",
        "url": f"/api/v1/advice?lat={LAT}&lon={LON}",
        "hello_rps": round(med("hello", "requests_per_s")),
        "advice_rps": round(med("advice", "requests_per_s")),
        "hello_p50_ms": med("hello", "p50_ms"),
        "hello_p99_ms": med("hello", "p99_ms"),
        "advice_p50_ms": med("advice", "p50_ms"),
        "advice_p99_ms": med("advice", "p99_ms"),
        "hello_cpu_us": med("hello", "server_cpu_us_per_request"),
        "advice_cpu_us": med("advice", "server_cpu_us_per_request"),
        "warm_upstream_calls": warm_calls,
        "upstream_calls_during_measurement": upstream_during,
        "non_2xx_or_errors": sum(
            r[n]["non_2xx"] + r[n]["socket_errors"] for r in rounds for n in ("hello", "advice")
        ),
        "rounds": rounds,
    }
    summary["round_ratios"] = [r["ratio"] for r in rounds]
    summary["ratio"] = round(median(summary["round_ratios"]), 3)
    summary["ratio_of_medians"] = round(summary["advice_rps"] / summary["hello_rps"], 3)
    problems = []
    if summary["ratio"] < TARGET_RATIO:
        problems.append(
            f"advice serves {summary['ratio']:.0%} of hello world's req/s (target: at least "
            f"{TARGET_RATIO:.0%})"
        )
    if summary["non_2xx_or_errors"]:
        problems.append(f"{summary['non_2xx_or_errors']} non-2xx responses or socket errors")
    if upstream_during:
        problems.append(f"{upstream_during} upstream calls while measuring: not the cached path")
    if warm_calls != 1:
        problems.append(f"warming the cache made {warm_calls} upstream calls, expected 1")
    if not still_ok:
        problems.append("advice no longer answered 200 with a verdict after the load")
    summary["problems"] = problems
    summary["passed"] = not problems
    return summary


def markdown(summary: dict) -> str:
    row = [
        summary["date"],
        summary["settings"].split(" (")[0].removeprefix("gunicorn "),
        summary["hello_rps"],
        summary["advice_rps"],
        f"**{summary['ratio']:.2f}** ({summary['ratio_of_medians']:.2f})",
        f"{summary['hello_p50_ms']:.2f} / {summary['hello_p99_ms']:.2f}",
        f"{summary['advice_p50_ms']:.2f} / {summary['advice_p99_ms']:.2f}",
        f"{summary['hello_cpu_us']:.0f} / {summary['advice_cpu_us']:.0f}",
        summary["upstream_calls_during_measurement"],
    ]
    table = markdown_table(
        [
            "Date",
            "gunicorn",
            "hello req/s",
            "advice req/s",
            "ratio (of medians)",
            "hello p50/p99 ms",
            "advice p50/p99 ms",
            "server CPU µs/req hello / advice",
            "upstream calls while measuring",
        ],
        [row],
    )
    verdict = "PASS" if summary["passed"] else "FAIL: " + "; ".join(summary["problems"])
    if summary["load"].startswith("python"):
        verdict += (
            " (measured with the Python fallback load generator: it competes with the servers for "
            "the 2 cores, which favours the slower app; treat the ratio as indicative, install wrk)"
        )
    return (
        f"{table}\n\nLoad: {summary['load']}. Per-round ratios: "
        f"{', '.join(f'{r:.2f}' for r in summary['round_ratios'])}. Machine: {summary['machine']}; "
        f"load average before {summary['load_average_before'][0]}, after {summary['load_average_after'][0]}.\n"
        f"Cached advice throughput (target ratio >= {TARGET_RATIO}): {verdict}"
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--duration", type=float, default=3.0, help="seconds of load per app per round")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of load per app before measuring")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    p.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    p.add_argument("--json", help="also write the full results to this file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    summary = run(args)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(summary, fh, indent=2)
    print(markdown(summary))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
