"""Logbook pages for a runner with 10,000 sessions: latency over real HTTP, and SQL queries per page.

    .venv/bin/python -m bench.logbook_pages [--sessions 10000] [--requests 300]

1. A fresh instance (SQLite in a temp dir, migrated with `flask db upgrade`), one runner with a
   deterministic 10,000-session log (tests/support/bulk.py) and a second runner with 2,000,
   so every query has to pick one runner's rows out of the table.
2. gunicorn (one sync worker, as in production) serves the app; one signed-in client asks for
   each page `--requests` times in a row, after a warm-up. p50/p95/max come from the client's
   clock (HTTP included). The target is p95 <= 50 ms.
3. The same pages through the app in this process, with a SQLAlchemy `before_cursor_execute`
   listener counting the SQL statements each one runs, for the small and the large log: the
   count must be the same (bounded by the page, not by the log).

Prints a Markdown report (stdout); exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import requests

from tests.support.harness import (
    Gunicorn,
    GunicornSettings,
    free_port,
    fresh_instance,
    log,
    machine,
    percentile,
)

P95_TARGET_MS = 50.0
PASSWORD = "benchmark password"
# The pages measured, and the most SQL statements each may run (sign-in + the page's reads).
PAGES = {
    "list, newest": ("/log", 2),
    "list, page 100 (keyset)": ("{deep_page}", 2),
    "list, month + setting": ("/log?month={month}&setting=treadmill", 2),
    "progress": ("/progress", 3),
    "API list (50)": ("/api/v1/runs?limit=50", 2),
}


def _env_for(instance_env: dict[str, str]) -> None:
    for key in (
        "BACKRUN_INSTANCE_PATH",
        "DATABASE_URL",
        "SECRET_KEY",
        "BACKRUN_OPEN_METEO_URL",
        "BACKRUN_MET_NO_URL",
        "BACKRUN_NOMINATIM_URL",
        "BACKRUN_CACHE_URL",
        "BACKRUN_RATELIMIT_DEFAULT",
    ):
        os.environ[key] = instance_env[key]


def seed(app, sessions: int) -> dict[str, int]:
    """Two runners; returns {email: user id}."""
    from backrun.accounts import service as accounts
    from tests.support.bulk import generated_sessions

    ids = {}
    with app.app_context():
        for email, count in (("heavy@bench.invalid", sessions), ("other@bench.invalid", 2000)):
            user = accounts.create_account(email, PASSWORD, "Europe/Vaduz")
            generated_sessions(user.id, count, end=datetime.now(UTC))
            ids[email] = user.id
    return ids


def signed_in(base_url: str, email: str) -> requests.Session:
    client = requests.Session()
    page = client.get(base_url + "/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    done = client.post(
        base_url + "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    if done.status_code != 303:
        raise RuntimeError(f"sign-in failed: {done.status_code}")
    return client


def deep_page_url(client: requests.Session, base_url: str, pages: int) -> str:
    """The URL of list page `pages` (following "Show older sessions"), to time a deep keyset page."""
    url = "/log"
    for _ in range(pages - 1):
        html = client.get(base_url + url, timeout=10).text
        url = re.search(r'<a class="button" href="([^"]+)" hx-get=', html).group(1).replace("&amp;", "&")
    return url


def time_pages(client: requests.Session, base_url: str, urls: dict[str, str], requests_per_page: int) -> dict:
    results = {}
    for name, url in urls.items():
        for _ in range(10):  # warm-up
            client.get(base_url + url, timeout=10)
        timings = []
        for _ in range(requests_per_page):
            began = time.perf_counter()
            response = client.get(base_url + url, timeout=10)
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
        results[name] = {
            "p50": statistics.median(timings),
            "p95": percentile(timings, 95),
            "max": max(timings),
            "bytes": len(response.content),
        }
    return results


@contextmanager
def counting(engine):
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def count_queries(app, email: str, urls: dict[str, str]) -> dict[str, int]:
    """SQL statements per page for one runner, through the app in this process."""
    from backrun.extensions import db

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    counts = {}
    for name, url in urls.items():
        client.get(url)
        with counting(engine) as statements:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        counts[name] = len(statements)
    return counts


def run(sessions: int = 10_000, requests_per_page: int = 300) -> dict:
    closed = f"http://127.0.0.1:{free_port()}"  # no weather is fetched by these pages
    instance = fresh_instance(closed, closed, BACKRUN_LOGIN_RATELIMIT="1000/minute")
    try:
        _env_for(instance.env)
        from backrun import create_app

        app = create_app()
        started = time.perf_counter()
        seed(app, sessions)
        log(f"seeded {sessions} + 2000 sessions in {time.perf_counter() - started:.1f} s")
        settings = GunicornSettings(workers=1)
        with Gunicorn("app:app", settings, instance.env, ready_path="/healthz", name="logbook") as server:
            client = signed_in(server.base_url, "heavy@bench.invalid")
            month = datetime.now(UTC).strftime("%Y-%m")
            urls = {
                name: url.format(deep_page=deep_page_url(client, server.base_url, 100), month=month)
                for name, (url, _) in PAGES.items()
            }
            timings = time_pages(client, server.base_url, urls, requests_per_page)
        heavy = count_queries(app, "heavy@bench.invalid", urls)
        with app.app_context():
            from backrun.accounts import service as accounts
            from tests.support.bulk import generated_sessions

            small = accounts.create_account("small@bench.invalid", PASSWORD, "Europe/Vaduz")
            generated_sessions(small.id, 5, end=datetime.now(UTC))
        # A 5-session log has no page 100: its first page stands in for it.
        small_urls = {**urls, "list, page 100 (keyset)": "/log"}
        light = count_queries(app, "small@bench.invalid", small_urls)
        return {
            "sessions": sessions,
            "requests": requests_per_page,
            "timings": timings,
            "queries": heavy,
            "queries_small_log": light,
            "settings": settings.describe(),
            "machine": machine(),
        }
    finally:
        instance.cleanup()


def report(result: dict) -> tuple[str, bool]:
    ok = True
    lines = [
        f"Runner with {result['sessions']:,} sessions (plus another runner with 2,000), SQLite, "
        f"{result['settings']}, {result['requests']} sequential requests per page after a warm-up; {result['machine']}.",
        "",
        "| Page | p50 ms | p95 ms | max ms | SQL queries (10,000 / 5 sessions) | Target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, (_, max_queries) in PAGES.items():
        t = result["timings"][name]
        heavy, light = result["queries"][name], result["queries_small_log"][name]
        met = t["p95"] <= P95_TARGET_MS and heavy <= max_queries and heavy == light
        ok &= met
        lines.append(
            f"| {name} | {t['p50']:.1f} | {t['p95']:.1f} | {t['max']:.1f} | {heavy} / {light} | "
            f"p95 <= {P95_TARGET_MS:.0f} ms, <= {max_queries} queries: {'met' if met else '**missed**'} |"
        )
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    text, ok = report(run(args.sessions, args.requests))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
