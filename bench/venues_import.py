"""Venue import speed against a bare pyosmium pass over the same file, in the same run.

    python -m bench.venues_import [--rounds 5] [FILE ...]      (default: both shipped extracts)

For each extract, rounds alternate:
* the bare pass: `for obj in osmium.FileProcessor(path)` — every object of the file handed to
  Python and dropped (the baseline of docs/benchmarks.md and of the research's §3.3);
* the import: `import_extract(..., force=True)` into a freshly migrated SQLite database — file
  header, SHA-256, two pyosmium passes (multipolygon relations, then nodes and ways with their
  locations; the tag filter in C++ for nodes and relations), ring assembly, shape, classification,
  place names, upsert, removal of gone venues, slopes from the elevation cache, commit.
Speed is objects of the file per second; the medians are compared. The target: the import takes
at most 4 times as long as the bare pass (speed ratio >= 0.25). Also shown, for context: a decode-only pass
(`osmium.apply` with the C++ EmptyTagFilter: nothing reaches Python), which no importer that looks
at the data can match.

Exits 1 when an extract misses the target.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import osmium
import osmium.version

from tests.support.harness import PROJECT_ROOT, log, machine

TARGET_RATIO = 0.25  # import within 4x the bare pass's time
EXTRACTS = [
    PROJECT_ROOT / "data" / "osm" / "liechtenstein-2022-07-24.osm.pbf",
    PROJECT_ROOT / "data" / "osm" / "andorra-2019.osm.pbf",
]


def bare_pass(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    objects = 0
    for _ in osmium.FileProcessor(str(path)):
        objects += 1
    return time.perf_counter() - started, objects


def decode_only(path: Path) -> float:
    started = time.perf_counter()
    osmium.apply(str(path), osmium.filter.EmptyTagFilter())
    return time.perf_counter() - started


def timed_import(path: Path) -> tuple[float, int]:
    """Seconds for one full import into a fresh database, and how many venues it kept."""
    from flask_migrate import upgrade

    from backrun import create_app
    from backrun.extensions import db
    from backrun.venues.osm_import import import_extract

    where = Path(tempfile.mkdtemp(prefix="backrun-bench-import-"))
    try:
        app = create_app(
            {
                "INSTANCE_PATH": str(where),
                "SECRET_KEY": "bench",
                "BACKRUN_OVERPASS_URL": "",
                "BACKRUN_ELEVATION_URL": "",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{where / 'bench.sqlite3'}",
            }
        )
        with app.app_context():
            logging.disable(logging.WARNING)  # alembic's INFO lines, once per round
            try:
                upgrade()
            finally:
                logging.disable(logging.NOTSET)
            started = time.perf_counter()
            report = import_extract(db.session, path, force=True)
            seconds = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
        return seconds, sum(report.kept.values())
    finally:
        shutil.rmtree(where, ignore_errors=True)


def run(args: argparse.Namespace) -> dict:
    results = []
    for path in args.files:
        path = Path(path)
        bare, imports, decodes, objects, kept = [], [], [], 0, 0
        log(f"{path.name}: warming up")
        bare_pass(path)
        timed_import(path)
        for round_no in range(args.rounds):
            order = ("bare", "import") if round_no % 2 == 0 else ("import", "bare")
            for what in order:
                if what == "bare":
                    seconds, objects = bare_pass(path)
                    bare.append(seconds)
                else:
                    seconds, kept = timed_import(path)
                    imports.append(seconds)
            decodes.append(decode_only(path))
            log(f"{path.name}: round {round_no + 1}: bare {bare[-1]:.3f} s, import {imports[-1]:.3f} s")
        bare_s, import_s, decode_s = (
            statistics.median(bare),
            statistics.median(imports),
            statistics.median(decodes),
        )
        ratio = bare_s / import_s  # speed ratio: import objects/s over bare objects/s
        results.append(
            {
                "file": path.name,
                "bytes": path.stat().st_size,
                "objects": objects,
                "venues_kept": kept,
                "bare_s": round(bare_s, 3),
                "import_s": round(import_s, 3),
                "decode_only_s": round(decode_s, 3),
                "bare_objects_per_s": round(objects / bare_s),
                "import_objects_per_s": round(objects / import_s),
                "decode_objects_per_s": round(objects / decode_s),
                "ratio": round(ratio, 2),
                "passed": ratio >= TARGET_RATIO,
            }
        )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "rounds": args.rounds,
        "osmium": osmium.version.pyosmium_release,
        "results": results,
        "passed": all(r["passed"] for r in results),
    }


def markdown(data: dict) -> str:
    lines = [
        f"{data['date']}, {data['machine']}, pyosmium {data['osmium']}, median of {data['rounds']} rounds.",
        "",
        "| extract | objects | venues kept | bare pass | import | import / bare speed | decode only (C++) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in data["results"]:
        lines.append(
            f"| {r['file']} | {r['objects']:,} | {r['venues_kept']:,} | {r['bare_s']:.3f} s "
            f"({r['bare_objects_per_s'] / 1000:,.0f} k obj/s) | {r['import_s']:.3f} s "
            f"({r['import_objects_per_s'] / 1000:,.0f} k obj/s) | **{r['ratio']:.2f}** "
            f"({'pass' if r['passed'] else 'FAIL'}, target ≥ {TARGET_RATIO}) | {r['decode_only_s']:.3f} s |"
        )
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", default=[str(p) for p in EXTRACTS])
    p.add_argument("--rounds", type=int, default=5)
    return p


def main(argv: list[str] | None = None) -> int:
    data = run(parser().parse_args(argv))
    print(markdown(data))
    return 0 if data["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
