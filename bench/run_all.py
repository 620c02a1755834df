"""Run every benchmark and print a markdown summary (what `make bench` does).

    python -m bench.run_all [--json results.json]

Progress goes to stderr, the markdown report to stdout; paste it into docs/benchmarks.md.
Exits 1 if any benchmark missed its target, so a human looks at it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from bench import (
    advice_throughput,
    logbook_pages,
    push_briefings,
    single_flight,
    venues_import,
    venues_query,
    verdict_compute,
)
from tests.support.harness import PROJECT_ROOT, log


def commit() -> str:
    """The commit measured, with a note when the tree differs from it (read-only git).

    BENCH_COMMIT overrides it, for a copy of the code outside the repository (`git archive`).
    """
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" + uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", help="also write every benchmark's full results to this file")
    args = p.parse_args(argv)

    code = commit()
    log("advice throughput (cached) vs hello world ...")
    throughput = advice_throughput.run(advice_throughput.parser().parse_args([]))
    log("verdict computation (advise) on a full Open-Meteo answer ...")
    verdicts = verdict_compute.run(verdict_compute.parser().parse_args([]))
    log("single flight ...")
    flight = single_flight.run(single_flight.parser().parse_args([]))
    log("venue query: 1,000,000 against 10,000 venues ...")
    query = venues_query.run(venues_query.parser().parse_args([]))
    log("venue import against a bare pyosmium pass ...")
    imports = venues_import.run(venues_import.parser().parse_args([]))
    log("logbook pages with 10,000 sessions ...")
    logbook_text, logbook_ok = logbook_pages.report(logbook_pages.run())
    log("push: 10,000 briefings over 500 cells ...")
    push = push_briefings.run(push_briefings.parser().parse_args([]))

    print(f"# Benchmark results ({throughput['date']}, code: {code})\n")
    print("## Advice: cached throughput against hello world\n")
    print(advice_throughput.markdown(throughput))
    print("\n## Advice: verdict computation (uncached)\n")
    print(verdict_compute.markdown(verdicts))
    print("\n## Advice: single flight for an uncached location\n")
    print(single_flight.markdown(flight))
    print("\n## Venues: query with 1,000,000 against 10,000 venues\n")
    print(venues_query.markdown(query))
    print("\n## Venues: import against a bare pyosmium pass\n")
    print(venues_import.markdown(imports))
    print("\n## Logbook: list and progress pages\n")
    print(logbook_text)
    print("\n## Push: 10,000 briefings over 500 cells\n")
    print(push_briefings.markdown(push))
    print("\n## Summary\n")
    print(
        f"- Cached advice throughput ratio {throughput['ratio']:.2f} (target >= {advice_throughput.TARGET_RATIO}): "
        f"{'pass' if throughput['passed'] else 'FAIL'}"
    )
    print(
        f"- Verdict computation, slowest scenario <= {verdict_compute.BUDGET_MS:g} ms: "
        f"{'pass' if verdicts['passed'] else 'FAIL'}"
    )
    calls = ", ".join(str(r["upstream_calls"]) for r in flight["rounds"])
    print(
        f"- Upstream calls per {flight['requests_per_round']} concurrent requests: {calls} "
        f"(target: exactly 1 each): {'pass' if flight['passed'] else 'FAIL'}"
    )
    print(f"- Venue query (p99 <= 20 ms, 1M/10k <= 1.5): {'pass' if query['passed'] else 'FAIL'}")
    print(f"- Venue import (>= 0.5 x bare pyosmium): {'pass' if imports['passed'] else 'FAIL'}")
    print(f"- Logbook pages (p95 <= 50 ms, bounded queries): {'pass' if logbook_ok else 'FAIL'}")
    print(
        f"- Push: upstream calls = cells, every briefing once: {'pass' if push['passed'] else 'FAIL'} "
        f"({push['ratio']} x a cached verdict per briefing)"
    )

    if args.json:
        with open(args.json, "w") as fh:
            json.dump(
                {
                    "commit": code,
                    "advice_throughput": throughput,
                    "verdict_compute": verdicts,
                    "single_flight": flight,
                    "venues_query": query,
                    "venues_import": imports,
                    "push_briefings": push,
                },
                fh,
                indent=2,
                default=str,
            )
    passed = (
        throughput["passed"]
        and verdicts["passed"]
        and flight["passed"]
        and query["passed"]
        and imports["passed"]
        and logbook_ok
        and push["passed"]
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
