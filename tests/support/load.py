"""Load: 200 concurrent clients for 60 s on a mix of advice, venues and session posts, zero errors.

    .venv/bin/python -m bench.load [--duration 60] [--connections 200] [--workers 2] [--threads 1]
                                   [--database-url URL --cache-url URL] [--json FILE]

Backrun as deployed for many runners: gunicorn (`make serve`'s settings: `--workers 2`, sync
workers unless `--threads` > 1) over PostgreSQL and Redis, on 127.0.0.1. Without
`--database-url`/`--cache-url` a throwaway PostgreSQL cluster and redis-server are started (the
test suite's, tests/support/). The database is migrated, the Liechtenstein demo extract imported
(venues) and one runner with a personal token created. The weather comes from the suite's fake
Open-Meteo and MET Norway in this process: nothing leaves the machine.

wrk (`-c 200 -t 2`, a Lua script, bench/load.lua) sends, per request at random:

* 50 %  GET  /api/v1/advice at one of 40 places (about 1 km apart around Vaduz: the first request
         for each fetches the weather, the rest are cached);
* 30 %  GET  /api/v1/venues around one of 200 points near Vaduz (the spatial query in PostgreSQL);
* 20 %  POST /api/v1/runs, a new run with a fresh client UUID each time (a write).

"Errors" are everything wrk counts as one (a non-2xx/3xx status, a connect/read/write error or a
request over wrk's 10 s timeout). Afterwards the database must hold a row for every 201 the
posts got, and no more rows than posts sent (those in flight when wrk stops may be stored).
Prints a markdown report (stdout; progress on stderr) and exits 1 unless the run had zero
errors and every acknowledged post was stored.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.harness import (
    PROJECT_ROOT,
    Gunicorn,
    GunicornSettings,
    find_wrk,
    free_port,
    http_get,
    log,
    machine,
    parse_wrk,
    upstream_fakes,
)

LUA_TEMPLATE = PROJECT_ROOT / "bench" / "load.lua"
DEMO_EXTRACT = PROJECT_ROOT / "data" / "osm" / "liechtenstein-2022-07-24.osm.pbf"
VADUZ = (47.141, 9.521)
MIX = {"advice": 50, "venues": 30, "post": 20}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    p.add_argument("--connections", type=int, default=200, help="concurrent clients (default 200)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as make serve)")
    p.add_argument(
        "--threads", type=int, default=1, help="threads per worker; > 1 means gthread (default 1: sync)"
    )
    p.add_argument(
        "--database-url", help="a migrated-or-empty PostgreSQL database to use (default: a throwaway cluster)"
    )
    p.add_argument("--cache-url", help="Redis to use (default: a throwaway redis-server)")
    p.add_argument("--json", help="also write the results to this file")
    return p


@contextmanager
def services(database_url: str | None, cache_url: str | None):
    """(database URL, Redis URL): the ones given, or throwaway servers (stopped afterwards)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    with ExitStack() as stack:
        if not database_url:
            from tests.support.postgres import Databases, PostgresCluster

            cluster = PostgresCluster().start()
            stack.callback(cluster.stop)
            databases = Databases(cluster.admin_url)
            stack.callback(databases.close)
            database_url = databases.url(databases.create(template="template0", per_run=True))
        if not cache_url:
            from tests.support.redis_server import RedisServer

            redis_server = RedisServer().start()
            stack.callback(redis_server.close)
            cache_url = redis_server.url
        yield database_url, cache_url


def prepare_database(database_url: str) -> str:
    """Migrate, import the demo extract, create a runner; the runner's personal token."""
    from flask_migrate import upgrade

    from backrun import create_app
    from backrun.accounts import service as accounts
    from backrun.accounts import tokens
    from backrun.extensions import db
    from backrun.venues.osm_import import import_extract

    with tempfile.TemporaryDirectory(prefix="backrun-load-prep-") as instance:
        app = create_app(
            {
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "load",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "BACKRUN_CACHE_URL": "",
                "BACKRUN_OVERPASS_URL": "",
            }
        )
        with app.app_context():
            upgrade()
            import_extract(db.session, DEMO_EXTRACT)
            user = accounts.create_account(
                f"load-{random.getrandbits(32):08x}@example.org", "load test password"
            )
            _, token = tokens.create_token(user, "load test")
            db.session.remove()
            db.engine.dispose()
    return token


def session_count(database_url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM run")).scalar_one()
    finally:
        engine.dispose()


def lua_script(token: str, where: Path) -> Path:
    rng = random.Random(7)
    advice = [
        (round(VADUZ[0] + (i % 8) * 0.011, 3), round(VADUZ[1] + (i // 8) * 0.011, 3)) for i in range(40)
    ]
    venues = [
        (round(VADUZ[0] + rng.uniform(-0.08, 0.08), 4), round(VADUZ[1] + rng.uniform(-0.05, 0.05), 4))
        for _ in range(200)
    ]
    started = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")

    def lua_list(points):
        return "{" + ", ".join(f'"lat={lat}&lon={lon}"' for lat, lon in points) + "}"

    source = LUA_TEMPLATE.read_text()
    for name, value in {
        "TOKEN": json.dumps(token),
        "ADVICE": lua_list(advice),
        "VENUES": lua_list(venues),
        "STARTED_AT": json.dumps(started),
        "ADVICE_PCT": str(MIX["advice"]),
        "VENUES_PCT": str(MIX["venues"]),
    }.items():
        source = source.replace(f"--[[{name}]]", value)
    path = where / "load.lua"
    path.write_text(source)
    return path


def run_wrk_script(url: str, script: Path, *, duration_s: float, connections: int, threads: int = 2):
    wrk = find_wrk()
    if wrk is None:
        raise RuntimeError("wrk is needed for the load run (apt-get install wrk)")
    command = [
        wrk,
        "--latency",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration_s:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + 120)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    result = parse_wrk(done.stdout)
    counts = {}
    match = re.search(r"^mix: (.*)$", done.stdout, re.MULTILINE)
    if match:
        counts = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    return result, counts, done.stdout


def run(args: argparse.Namespace) -> dict:
    settings = GunicornSettings(
        workers=args.workers,
        worker_class="gthread" if args.threads > 1 else "sync",
        threads=max(args.threads, 1),
    )
    with (
        services(args.database_url, args.cache_url) as (database_url, cache_url),
        tempfile.TemporaryDirectory(prefix="backrun-load-") as tmp,
        upstream_fakes() as (open_meteo, met_no),
    ):
        log("preparing the database (migrate, import the demo extract, a runner) ...")
        token = prepare_database(database_url)
        before = session_count(database_url)
        env = {
            **{k: v for k, v in __import__("os").environ.items() if not k.startswith("BACKRUN_")},
            "BACKRUN_INSTANCE_PATH": str(Path(tmp) / "instance"),
            "DATABASE_URL": database_url,
            "BACKRUN_CACHE_URL": cache_url,
            "SECRET_KEY": "load-test-secret",
            "BACKRUN_OPEN_METEO_URL": open_meteo.endpoint,
            "BACKRUN_MET_NO_URL": met_no.endpoint,
            "BACKRUN_NOMINATIM_URL": f"http://127.0.0.1:{free_port()}",
            "BACKRUN_OVERPASS_URL": "",
            "BACKRUN_AIR_QUALITY_URL": "",
            "BACKRUN_CONTACT": "load-test@backrun.invalid",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        with Gunicorn("app:app", settings, env, ready_path="/healthz") as server:
            status, _ = http_get(server.url("/api/v1/venues?lat=47.141&lon=9.521"))
            if status != 200:
                raise RuntimeError(f"venues answered {status} before the run:\n{server.log_tail()}")
            script = lua_script(token, Path(tmp))
            log(f"wrk: {args.connections} connections for {args.duration:g} s on {settings.describe()} ...")
            result, counts, raw = run_wrk_script(
                server.base_url, script, duration_s=args.duration, connections=args.connections
            )
            server_log = server.log_tail(200)
        stored = session_count(database_url) - before
        upstream_calls = open_meteo.count() + met_no.count()
    errors = result.non_2xx + result.socket_errors
    posts_ok = counts.get("post_201", 0)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "gunicorn": settings.describe(),
        "connections": args.connections,
        "duration_s": result.duration_s,
        "requests": result.requests,
        "requests_per_s": result.requests_per_s,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "non_2xx": result.non_2xx,
        "socket_errors": result.socket_errors,
        "errors": errors,
        "mix": counts,
        "posts_acknowledged": posts_ok,
        "sessions_stored": stored,
        "upstream_calls": upstream_calls,
        # Every 201 stored; a post wrk sent but stopped waiting for at the end may be stored too.
        "ok": errors == 0
        and result.requests > 0
        and counts.get("other", 0) == 0
        and posts_ok <= stored <= counts.get("post", 0),
        "wrk_output": raw,
        "server_log_tail": "" if errors == 0 else server_log,
    }


def markdown(results: dict) -> str:
    mix = results["mix"]
    total = max(sum(mix.get(kind, 0) for kind in MIX), 1)  # requests sent, by kind
    lines = [
        f"{results['date']} UTC, {results['machine']}; {results['gunicorn']}; PostgreSQL and Redis on the same machine.",
        "",
        "| clients | duration | requests | req/s | p50 | p99 | errors | advice / venues / posts | posts stored / acknowledged |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
        f"| {results['connections']} | {results['duration_s']:.0f} s | {results['requests']:,} | "
        f"{results['requests_per_s']:.0f} | {results['p50_ms']:.1f} ms | {results['p99_ms']:.1f} ms | "
        f"**{results['errors']}** | {mix.get('advice', 0) / total:.0%} / {mix.get('venues', 0) / total:.0%} / "
        f"{mix.get('post', 0) / total:.0%} | {results['sessions_stored']:,} / {results['posts_acknowledged']:,} |",
        "",
        f"Upstream (fake Open-Meteo + MET Norway) calls during the run: {results['upstream_calls']}. "
        f"**{'Pass' if results['ok'] else 'FAIL'}**: zero errors, and every acknowledged post stored.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    results = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(dict(results.items()), indent=2))
    print(markdown(results))
    if not results["ok"]:
        print("\n```\n" + results["wrk_output"] + "\n```", file=sys.stderr)
        print(results["server_log_tail"], file=sys.stderr)
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
