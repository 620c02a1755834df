"""Worker processes booting at the same moment open the shared rate-limit file together.

Found by CI: two gunicorn workers creating the counters' SQLite file at once, one of them failed
to boot with "database is locked" (switching a new file to WAL answers that race at once, without
waiting for the busy timeout). Every process must come up and every hit must count.
"""

from __future__ import annotations

import multiprocessing

from backrun.platform.limits_storage import SQLiteStorage, uri_for

PROCESSES = 12
ROUNDS = 5


def _boot_and_hit(uri: str, barrier, results) -> None:
    try:
        barrier.wait(timeout=30)
        storage = SQLiteStorage(uri)
        storage.incr("sign-in/127.0.0.1", 60)
        results.put("ok")
    except Exception as exc:  # reported to the test, which fails on anything but "ok"
        results.put(f"{type(exc).__name__}: {exc}")


def test_workers_opening_a_new_counter_file_at_once_all_come_up_and_count(tmp_path):
    context = multiprocessing.get_context("fork")
    for round_ in range(ROUNDS):
        uri = uri_for(tmp_path / f"limits-{round_}.sqlite3")
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        processes = [
            context.Process(target=_boot_and_hit, args=(uri, barrier, results)) for _ in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        assert outcomes == ["ok"] * PROCESSES, outcomes
        assert SQLiteStorage(uri).get("sign-in/127.0.0.1") == PROCESSES
