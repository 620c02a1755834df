"""Coordinator: locks and throttles across threads and processes; Redis configured but down."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backrun.platform.coordination import FileCoordinator, RedisCoordinator, create_coordinator, reserve_slot

PROJECT_ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import sys
from backrun.platform.coordination import FileCoordinator
with FileCoordinator(sys.argv[1]).lock("shared", 10) as held:
    print("held" if held else "not held", flush=True)
    sys.stdin.readline()
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_reserve_slot():
    assert reserve_slot(100.0, None, 1.0, 0.0) == 100.0
    assert reserve_slot(100.0, 90.0, 1.0, 0.0) == 100.0  # long ago: go now
    assert reserve_slot(100.0, 99.5, 1.0, 1.0) == 100.5  # queue behind the previous one
    assert reserve_slot(100.0, 99.5, 1.0, 0.4) is None  # would wait too long


def test_lock_excludes_threads(tmp_path):
    coordinator = FileCoordinator(tmp_path)
    inside, most_inside = 0, 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most_inside
        with coordinator.lock("job", 5) as held:
            assert held
            with guard:
                inside += 1
                most_inside = max(most_inside, inside)
            time.sleep(0.01)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most_inside == 1


def test_lock_is_released_when_the_body_raises(tmp_path):
    coordinator = FileCoordinator(tmp_path)
    with pytest.raises(RuntimeError), coordinator.lock("job", 1):
        raise RuntimeError("boom")
    with coordinator.lock("job", 0) as held:
        assert held


def test_different_names_do_not_block_each_other(tmp_path):
    coordinator = FileCoordinator(tmp_path)
    with (
        coordinator.lock("weather:1.00,2.00", 1) as first,
        coordinator.lock("weather:1.00,2.01", 0) as second,
    ):
        assert first and second


def test_lock_excludes_another_process_and_times_out(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path)],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "held"
        coordinator = FileCoordinator(tmp_path)
        started = time.monotonic()
        with coordinator.lock("shared", 0.3) as held:
            assert not held
        assert 0.25 < time.monotonic() - started < 2.0
        child.communicate("\n", timeout=20)  # the child lets go and exits
        with coordinator.lock("shared", 1) as held:
            assert held
    finally:
        child.kill()
        child.wait()


def test_throttle_spaces_calls_across_coordinators(tmp_path):
    # Two coordinators on one directory share nothing in memory, like two worker processes.
    coordinators = [FileCoordinator(tmp_path), FileCoordinator(tmp_path)]
    permitted: list[float] = []
    guard = threading.Lock()

    def call(coordinator: FileCoordinator) -> None:
        assert coordinator.throttle("nominatim", 0.1, 5)
        with guard:
            permitted.append(time.monotonic())

    threads = [threading.Thread(target=call, args=(coordinators[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    permitted.sort()
    gaps = [later - earlier for earlier, later in zip(permitted, permitted[1:], strict=False)]
    assert len(permitted) == 6
    assert min(gaps) > 0.08  # 0.1 s apart, less timer slack


def test_throttle_says_busy_instead_of_waiting_too_long(tmp_path):
    coordinator = FileCoordinator(tmp_path)
    assert coordinator.throttle("overpass", 10, 0.5)
    started = time.monotonic()
    assert not coordinator.throttle("overpass", 10, 0.5)
    assert time.monotonic() - started < 0.4
    assert coordinator.throttle("other-service", 10, 0.5)


def test_file_backend_by_default(tmp_path):
    assert create_coordinator(tmp_path / "locks").backend == "file"
    assert (tmp_path / "locks").is_dir()


def test_redis_down_falls_back_to_file_locks(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="backrun.platform.coordination"):
        coordinator = create_coordinator(tmp_path, f"redis://127.0.0.1:{closed_port()}/0")

    assert isinstance(coordinator, RedisCoordinator)
    assert coordinator.backend == "redis-fallback"
    assert "Redis unreachable" in caplog.text
    with coordinator.lock("job", 1) as held:
        assert held
        # Still exclusive against other processes through the file lock.
        with FileCoordinator(tmp_path).lock("job", 0.1) as other:
            assert not other
    assert coordinator.throttle("nominatim", 0.05, 1)
