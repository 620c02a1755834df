"""100 concurrent requests for one uncached location make exactly one upstream call.

    python -m bench.single_flight [--requests 100] [--rounds 3] [--delay 0.5]
                                  [--workers 2] [--threads 50]

gunicorn runs Backrun with several gthread workers (processes) of many threads, so the crowd
reaches the app at once in more than one process: the single flight must hold across threads
(per-process lock) and across processes (file lock in the instance directory). The fake
Open-Meteo takes `--delay` seconds to answer, so every request arrives while the first fetch is
still running. Each round asks for a different location that nobody has asked for yet (fresh
instance directory, empty cache) and then counts the calls the fakes received: Open-Meteo must
have been called exactly once and MET Norway (the fallback) never. Every response must be
HTTP 200 with a real verdict from Open-Meteo's data. The gunicorn access log records which
worker process answered each request, to show the crowd was spread over processes.

Exits 1 when any round fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from tests.support.harness import (
    Gunicorn,
    GunicornSettings,
    fresh_instance,
    get_json,
    log,
    machine,
    markdown_table,
    percentile,
    upstream_fakes,
)

# Places no earlier round asked for: each round starts with an uncached cell.
LOCATIONS = [(48.14, 11.58), (59.91, 10.75), (45.46, 9.19), (40.42, -3.70), (51.51, -0.13), (47.37, 8.54)]
VERDICTS = {"go", "caution", "indoors"}  # "unknown" would mean the weather wasn't had


def crowd(port: int, path: str, count: int) -> list[dict]:
    """`count` threads, released together by a barrier, each sending one GET on its own connection."""
    barrier = threading.Barrier(count)
    results: list[dict] = [{} for _ in range(count)]

    def one(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.connect()  # connect first, so the barrier releases requests, not handshakes
            barrier.wait(timeout=30)
            began = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            results[index] = {"status": response.status, "seconds": time.perf_counter() - began, "body": body}
        except Exception as exc:
            results[index] = {"status": None, "seconds": None, "error": repr(exc)}
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def served_by(access_log: str, since_line: int) -> tuple[Counter, int]:
    """Requests to /api/v1/advice per worker pid in the access log after `since_line`."""
    try:
        with open(access_log) as fh:
            lines = fh.read().splitlines()
    except OSError:
        return Counter(), since_line
    pids = Counter(
        line.split()[0].strip("<>") for line in lines[since_line:] if line.endswith("/api/v1/advice")
    )
    return pids, len(lines)


def run(args: argparse.Namespace) -> dict:
    settings = GunicornSettings(args.workers, "gthread", args.threads)
    started = datetime.now(UTC)
    rounds = []
    with upstream_fakes() as (open_meteo, met_no):
        open_meteo.set_delay(args.delay)
        instance = fresh_instance(open_meteo.endpoint, met_no.endpoint)
        try:
            with Gunicorn(
                "app:app",
                settings,
                instance.env,
                ready_path="/healthz",
                access_log=True,
                name="backrun-single-flight",
            ) as server:
                log(f"{settings.describe()}; Open-Meteo fake answers after {args.delay:g} s")
                for _ in range(4 * args.workers):  # let every worker finish its lazy imports
                    get_json(server.url("/healthz"))
                _, log_line = served_by(str(server.access_log_path), 0)
                for number in range(args.rounds):
                    lat, lon = LOCATIONS[number % len(LOCATIONS)]
                    open_meteo.reset()
                    met_no.reset()
                    path = f"/api/v1/advice?lat={lat}&lon={lon}"
                    began = time.perf_counter()
                    results = crowd(server.port, path, args.requests)
                    wall = time.perf_counter() - began
                    time.sleep(0.2)  # let the access log lines land
                    pids, log_line = served_by(str(server.access_log_path), log_line)
                    rounds.append(
                        check_round(
                            number + 1, (lat, lon), results, wall, open_meteo.count(), met_no.count(), pids
                        )
                    )
                    log(
                        f"round {number + 1}: {rounds[-1]['open_meteo_calls']} Open-Meteo call(s), "
                        f"{rounds[-1]['met_no_calls']} MET Norway, {rounds[-1]['ok']}/{args.requests} good answers, "
                        f"{len(pids)} worker process(es)"
                    )
        finally:
            instance.cleanup()
    summary = {
        "benchmark": "single_flight",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "settings": settings.describe(),
        "requests_per_round": args.requests,
        "upstream_delay_s": args.delay,
        "rounds": rounds,
        # A round answered by one process only proves the per-process lock; at least one must
        # have spread over processes for the file lock to have been exercised.
        "cross_process": any(len(r["worker_pids"]) > 1 for r in rounds),
    }
    summary["passed"] = all(r["passed"] for r in rounds) and (summary["cross_process"] or args.workers == 1)
    return summary


def check_round(
    number: int,
    location: tuple[float, float],
    results: list[dict],
    wall: float,
    open_meteo_calls: int,
    met_no_calls: int,
    pids: Counter,
) -> dict:
    verdicts: Counter = Counter()
    problems: list[str] = []
    ok = 0
    for result in results:
        if result.get("status") != 200:
            problems.append(f"HTTP {result.get('status')} {result.get('error', '')}".strip())
            continue
        try:
            body = json.loads(result["body"])
        except ValueError:
            problems.append("a 200 without JSON")
            continue
        verdicts[body.get("verdict")] += 1
        if body.get("verdict") in VERDICTS and body.get("source") == "open-meteo":
            ok += 1
        else:
            problems.append(f"verdict {body.get('verdict')!r} from {body.get('source')!r}")
    if open_meteo_calls != 1:
        problems.append(f"{open_meteo_calls} Open-Meteo calls, expected exactly 1")
    if met_no_calls:
        problems.append(f"{met_no_calls} MET Norway calls, expected none")
    seconds = [r["seconds"] for r in results if r.get("seconds") is not None]
    return {
        "round": number,
        "location": location,
        "open_meteo_calls": open_meteo_calls,
        "met_no_calls": met_no_calls,
        "upstream_calls": open_meteo_calls + met_no_calls,
        "ok": ok,
        "verdicts": dict(verdicts),
        "worker_pids": dict(pids),
        "wall_s": round(wall, 3),
        "p50_ms": round(percentile(seconds, 50) * 1000, 1) if seconds else None,
        "max_ms": round(max(seconds) * 1000, 1) if seconds else None,
        "problems": sorted(set(problems))[:10],
        "passed": not problems,
    }


def markdown(summary: dict) -> str:
    rows = [
        [
            r["round"],
            f"{r['location'][0]}, {r['location'][1]}",
            summary["requests_per_round"],
            f"**{r['upstream_calls']}** ({r['open_meteo_calls']} Open-Meteo, {r['met_no_calls']} MET)",
            f"{r['ok']}/{summary['requests_per_round']}",
            ", ".join(f"{k}: {v}" for k, v in r["verdicts"].items()),
            len(r["worker_pids"]),
            f"{r['p50_ms']} / {r['max_ms']}",
            "pass" if r["passed"] else "FAIL",
        ]
        for r in summary["rounds"]
    ]
    table = markdown_table(
        [
            "Round",
            "Location",
            "Concurrent requests",
            "Upstream calls",
            "200 with verdict",
            "Verdicts",
            "Worker processes that answered",
            "Latency p50 / max ms",
            "Result",
        ],
        rows,
    )
    problems = [f"round {r['round']}: {'; '.join(r['problems'])}" for r in summary["rounds"] if r["problems"]]
    if not summary["cross_process"]:
        problems.append(
            "no round was answered by more than one worker process: cross-process single flight "
            "not exercised (inconclusive)"
        )
    verdict = "PASS" if summary["passed"] else "FAIL: " + " | ".join(problems)
    return (
        f"{table}\n\n{summary['date']}, {summary['settings']}, fake Open-Meteo delay "
        f"{summary['upstream_delay_s']:g} s. Machine: {summary['machine']}.\n"
        f"Single flight (exactly one upstream call per round): {verdict}"
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--delay", type=float, default=0.5, help="seconds the fake Open-Meteo takes to answer")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=50, help="threads per gthread worker")
    p.add_argument("--json", help="also write the full results to this file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.rounds > len(LOCATIONS):
        raise SystemExit(f"at most {len(LOCATIONS)} rounds (one uncached location each)")
    summary = run(args)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(summary, fh, indent=2, default=str)
    print(markdown(summary))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
