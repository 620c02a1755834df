"""The load run (bench/load.py) as a test: 200 concurrent clients for 60 s on a mix of advice,
venues and session posts, against gunicorn over this run's PostgreSQL and Redis: zero errors, and
every acknowledged post stored. The numbers go to docs/benchmarks.md ("Load") from a run of
`make load`; here only the outcome is checked (no timing asserts).

BACKRUN_LOAD_SECONDS shortens the run for a quick local check; `make test` runs the full 60 s.
"""

from __future__ import annotations

import os

import pytest

from tests.support import load

pytestmark = [pytest.mark.service]

SECONDS = float(os.environ.get("BACKRUN_LOAD_SECONDS", "60"))


@pytest.mark.timeout(SECONDS + 240)
def test_200_concurrent_clients_on_the_mix_get_no_error(database_url, cache_url):
    args = load.parser().parse_args(
        [
            "--duration",
            f"{SECONDS:g}",
            "--connections",
            "200",
            "--database-url",
            database_url,
            "--cache-url",
            cache_url,
        ]
    )
    results = load.run(args)
    print("\n" + load.markdown(results))
    assert results["errors"] == 0, results["wrk_output"] + "\n" + results["server_log_tail"]
    assert results["mix"].get("other", 0) == 0, results["mix"]
    assert results["requests"] > 1000 and results["duration_s"] >= SECONDS * 0.95
    # Every kind of request was part of it, and every acknowledged post is in the database.
    assert all(results["mix"].get(kind, 0) > 0 for kind in ("advice", "venues", "post")), results["mix"]
    assert results["posts_acknowledged"] <= results["sessions_stored"] <= results["mix"]["post"], results
