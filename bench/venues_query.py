"""`GET /api/v1/venues` latency with 1,000,000 venues in the store against 10,000, in the same run.

    python -m bench.venues_query [--requests 2000] [--warmup 200] [--big 1000000] [--small 10000]
                                 [--no-fallback]

Two stores, each a migrated SQLite database served by its own gunicorn (one sync worker, the
app exactly as deployed) on 127.0.0.1:
* small: 10,000 synthetic venues spread over a 2° × 3° region around the Alps (about the density
  of real venues there: ~16 within the default 5 km);
* big: the same 10,000 plus 990,000 more spread over the rest of Europe (36–71° N, 10° W–40° E).
Queries go to random points well inside the region, so both stores hold exactly the same venues
near every query point (checked: both answers must list the same venues) and the only
difference is the store's size: what is measured is how the query scales with it. Requests
alternate between the two servers point by point, so noise on the machine hits both alike.
Each request is a fresh HTTP/1.1 connection from this process (gunicorn's sync worker closes
every connection); latency is measured end to end by the client, and also read from the app's
own request log (server time).

With --fallback (default on) a third server runs on a copy of the big store without the R*Tree
triggers, so the app falls back to the bounding-box query on the (lat, lon) B-tree index.

Targets: big-store p99 at most 20 ms, and big/small at most 1.5 for the median and the mean.
Exits 1 when a target is missed or the two stores answered differently.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.support.harness import (
    Gunicorn,
    GunicornSettings,
    free_port,
    fresh_instance,
    log,
    machine,
    percentile,
)

TARGET_P99_MS = 20.0
TARGET_RATIO = 1.5
REGION = (46.5, 8.5, 48.5, 11.5)  # south, west, north, east: where the small store's venues are
QUERY_BOX = (47.0, 9.0, 48.0, 11.0)  # query points: at least 50 km from the region's edge
EUROPE = (36.0, -10.0, 71.0, 40.0)
KINDS = [  # (kind, indoor, weight): roughly the mix of a real extract
    ("grass", False, 55),
    ("park", False, 12),
    ("recreation_ground", False, 5),
    ("beach", False, 2),
    ("track", False, 3),
    ("athletics_pitch", False, 2),
    ("stadium", False, 1),
    ("gym", True, 9),
    ("sports_hall", True, 6),
    ("sports_centre", True, 5),
]
TAGS = {
    "grass": {"landuse": "grass"},
    "park": {"leisure": "park"},
    "recreation_ground": {"landuse": "recreation_ground"},
    "beach": {"natural": "beach"},
    "track": {"leisure": "track", "sport": "running"},
    "athletics_pitch": {"leisure": "pitch", "sport": "athletics"},
    "stadium": {"leisure": "stadium"},
    "gym": {"leisure": "fitness_centre"},
    "sports_hall": {"leisure": "sports_hall"},
    "sports_centre": {"leisure": "sports_centre", "building": "yes"},
}
INSERT = (
    "INSERT INTO venue (osm_type, osm_id, kind, name, lat, lon, area_m2, perimeter_m, surface, lit, access, "
    "opening_hours, fee, indoor, tags, source, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SERVER_TIME = re.compile(r"GET /api/v1/venues 200 ([\d.]+)ms")


def synthetic_rows(
    rng: random.Random,
    count: int,
    box: tuple[float, float, float, float],
    first_id: int,
    avoid: tuple[float, float, float, float] | None = None,
):
    kinds, weights = [k[:2] for k in KINDS], [k[2] for k in KINDS]
    south, west, north, east = box
    made = 0
    while made < count:
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        if avoid and avoid[0] <= lat <= avoid[2] and avoid[1] <= lon <= avoid[3]:
            continue
        kind, indoor = rng.choices(kinds, weights)[0]
        tags = dict(TAGS[kind])
        for key, values in (
            ("surface", ["tartan", "grass", "asphalt", "sand"]),
            ("lit", ["yes", "no"]),
            ("access", ["yes", "customers"]),
        ):
            if rng.random() < 0.25:
                tags[key] = rng.choice(values)
        if rng.random() < 0.3:
            tags["name"] = f"Venue {first_id + made}"
        area = None if indoor else rng.uniform(2000, 80_000)
        perimeter = rng.uniform(150, 1200) if area or kind == "track" else None
        yield (
            "way",
            first_id + made,
            kind,
            tags.get("name"),
            lat,
            lon,
            area,
            perimeter,
            tags.get("surface"),
            tags.get("lit"),
            tags.get("access"),
            None,
            None,
            int(indoor),
            json.dumps(tags),
            "extract:synthetic",
            "2026-01-01 00:00:00.000000",
        )
        made += 1


def fill(database: Path, rows, total: int, label: str) -> None:
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    try:
        with connection:  # one transaction; the R*Tree triggers index every row
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    connection.executemany(INSERT, batch)
                    batch.clear()
            if batch:
                connection.executemany(INSERT, batch)
            connection.execute(
                "INSERT INTO venue_extract (area, file_name, size_bytes, mtime_ns, sha256, osm_timestamp, south, west, "
                "north, east, venue_count, imported_at) VALUES ('synthetic', 'synthetic', 0, 0, '', NULL, ?, ?, ?, ?, ?, "
                "'2026-01-01 00:00:00.000000')",
                (*EUROPE, total),
            )
        connection.execute("ANALYZE")
    finally:
        connection.close()
    log(
        f"{label}: {total:,} venues stored in {time.perf_counter() - started:.1f} s "
        f"({database.stat().st_size / 1e6:,.0f} MB)"
    )


def build_stores(args: argparse.Namespace) -> dict[str, object]:
    closed = f"http://127.0.0.1:{free_port()}"  # weather is never asked for here
    stores = {}
    for name, total in (("small", args.small), ("big", args.big)):
        instance = fresh_instance(closed, closed, BACKRUN_OVERPASS_URL="")
        database = instance.path / "backrun.sqlite3"
        rng = random.Random(20261121)  # the same local venues in both stores
        rows = synthetic_rows(rng, args.small, REGION, 1)
        if total > args.small:
            rows = _chain(
                rows, synthetic_rows(random.Random(7), total - args.small, EUROPE, 10_000_001, REGION)
            )
        fill(database, rows, total, name)
        stores[name] = instance
    if args.fallback:
        instance = fresh_instance(closed, closed, BACKRUN_OVERPASS_URL="")
        shutil.copyfile(stores["big"].path / "backrun.sqlite3", instance.path / "backrun.sqlite3")
        connection = sqlite3.connect(instance.path / "backrun.sqlite3")
        for trigger in ("venue_rtree_insert", "venue_rtree_update", "venue_rtree_delete"):
            connection.execute(f"DROP TRIGGER {trigger}")
        connection.commit()
        connection.close()
        stores["big-bbox"] = instance
    return stores


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def get(port: int, path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, response.status, body


def stats(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p90": round(percentile(values, 90), 2),
        "p99": round(percentile(values, 99), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def run(args: argparse.Namespace) -> dict:
    started = datetime.now(UTC)
    stores = build_stores(args)
    servers: dict[str, Gunicorn] = {}
    try:
        for name, instance in stores.items():
            servers[name] = Gunicorn(
                "app:app",
                GunicornSettings(workers=1),
                instance.env,
                ready_path="/healthz",
                name=f"venues-{name}",
            ).start()
        rng = random.Random(42)
        south, west, north, east = QUERY_BOX
        points = [
            (round(rng.uniform(south, north), 5), round(rng.uniform(west, east), 5))
            for _ in range(args.warmup + args.requests)
        ]
        names = list(servers)
        latencies: dict[str, list[float]] = {name: [] for name in names}
        answers_differ = errors = 0
        venues_per_answer: list[int] = []
        for i, (lat, lon) in enumerate(points):
            path = f"/api/v1/venues?lat={lat}&lon={lon}"
            order = names if i % 2 == 0 else names[::-1]
            answers = {}
            for name in order:
                ms, status, body = get(servers[name].port, path)
                if status != 200:
                    errors += 1
                    continue
                answers[name] = [v["osm"] for v in json.loads(body)["venues"]]
                if i >= args.warmup:
                    latencies[name].append(ms)
            if len({json.dumps(a) for a in answers.values()}) > 1:
                answers_differ += 1
            if i >= args.warmup:
                venues_per_answer.append(len(answers.get("small", [])))
        server_ms = {
            name: [float(m) for m in _SERVER_TIME.findall(server.log_path.read_text())][args.warmup :]
            for name, server in servers.items()
        }
    finally:
        for server in servers.values():
            server.stop()
        for instance in stores.values():
            instance.cleanup()

    client = {name: stats(values) for name, values in latencies.items()}
    server = {name: stats(values) for name, values in server_ms.items() if values}
    ratios = {key: round(client["big"][key] / client["small"][key], 2) for key in ("p50", "mean", "p99")}
    passed = (
        client["big"]["p99"] <= TARGET_P99_MS
        and ratios["p50"] <= TARGET_RATIO
        and ratios["mean"] <= TARGET_RATIO
        and answers_differ == 0
        and errors == 0
    )
    return {
        "date": started.strftime("%Y-%m-%d"),
        "machine": machine(),
        "requests": args.requests,
        "warmup": args.warmup,
        "stores": {"small": args.small, "big": args.big},
        "client_ms": client,
        "server_ms": server,
        "ratios": ratios,
        "venues_per_answer": round(statistics.fmean(venues_per_answer), 1) if venues_per_answer else 0,
        "answers_differ": answers_differ,
        "errors": errors,
        "passed": passed,
    }


def markdown(data: dict) -> str:
    labels = {
        "small": f"{data['stores']['small']:,} venues",
        "big": f"{data['stores']['big']:,} venues",
        "big-bbox": f"{data['stores']['big']:,}, B-tree fallback",
    }
    lines = [
        f"{data['date']}, {data['machine']}; {data['requests']:,} requests per store after {data['warmup']} warm-up "
        f"requests, alternating between the stores; {data['venues_per_answer']} venues per answer on average.",
        "",
        "| store (SQLite, R*Tree) | client p50 | p90 | p99 | max | mean | server p50 | server p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, c in data["client_ms"].items():
        s = data["server_ms"].get(name, {})
        lines.append(
            f"| {labels.get(name, name)} | {c['p50']:.2f} ms | {c['p90']:.2f} ms | {c['p99']:.2f} ms | "
            f"{c['max']:.1f} ms | {c['mean']:.2f} ms | {s.get('p50', float('nan')):.2f} ms | "
            f"{s.get('p99', float('nan')):.2f} ms |"
        )
    r = data["ratios"]
    big, small = data["stores"]["big"], data["stores"]["small"]
    lines += [
        "",
        f"{big:,} / {small:,} venues (client): median **{r['p50']:.2f}**, mean **{r['mean']:.2f}**, p99 {r['p99']:.2f} "
        f"(target ≤ {TARGET_RATIO}); {big:,}-venue p99 **{data['client_ms']['big']['p99']:.2f} ms** "
        f"(target ≤ {TARGET_P99_MS:g} ms); identical answers from both stores: "
        f"{'yes' if data['answers_differ'] == 0 else 'NO (' + str(data['answers_differ']) + ')'}; "
        f"{'pass' if data['passed'] else 'FAIL'}.",
    ]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--big", type=int, default=1_000_000)
    p.add_argument("--small", type=int, default=10_000)
    p.add_argument(
        "--no-fallback",
        dest="fallback",
        action="store_false",
        help="skip the third server that uses the bounding-box fallback",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    data = run(parser().parse_args(argv))
    print(markdown(data))
    return 0 if data["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
