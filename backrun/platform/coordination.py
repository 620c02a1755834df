"""Locks and throttles shared by every thread and every worker process of the app.

Gunicorn runs several processes, so a `threading.Lock` alone would let each worker call an
upstream service at once. By default the coordinator uses `fcntl` file locks under
`<instance>/locks/` (all workers on one machine); with BACKRUN_CACHE_URL it uses Redis (all
machines). A per-process thread lock sits in front of both so threads wait on it cheaply
instead of polling the file or Redis.

If Redis is configured but unreachable, the file implementation takes over and a warning is
logged: degraded coordination is better than a 500.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import cast

import redis
from flask import Flask, current_app

log = logging.getLogger(__name__)

EXTENSION_KEY = "backrun.platform.coordination"
POLL_S = 0.02  # how often a waiter retries a file or Redis lock held elsewhere
REDIS_RETRY_AFTER_S = 30.0  # after Redis failed, use the fallback this long before trying again
REDIS_SOCKET_TIMEOUT_S = 1.0
DEFAULT_LEASE_S = 60.0


class Coordinator(ABC):
    @property
    @abstractmethod
    def backend(self) -> str:
        """Which backend answers: "file", "redis" or "redis-fallback" (shown by /healthz)."""

    def check(self) -> None:  # noqa: B027 - a no-op by default: only a shared backend has something to ask
        """Find out now whether the shared backend answers (for /healthz); a no-op without one."""

    @abstractmethod
    def lock(self, name: str, timeout_s: float) -> AbstractContextManager[bool]:
        """Mutual exclusion across threads and processes; yields whether it was acquired within timeout_s."""

    @abstractmethod
    def throttle(self, name: str, min_interval_s: float, max_wait_s: float) -> bool:
        """Wait until min_interval_s after the previous permitted call named `name`.

        Returns False without waiting if that would take longer than max_wait_s.
        """


def reserve_slot(
    now: float, previous_slot: float | None, min_interval_s: float, max_wait_s: float
) -> float | None:
    """The time the next call may go, or None if that is more than max_wait_s away.

    Each permitted caller books the slot after the previous one, so waiters queue up in order
    and the lock is only held for the booking, not for the wait.
    """
    slot = now if previous_slot is None else max(now, previous_slot + min_interval_s)
    return slot if slot - now <= max_wait_s else None


class _ThreadLocks:
    """One threading.Lock per name, created on first use."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextmanager
    def hold(self, name: str, timeout_s: float) -> Iterator[bool]:
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        acquired = lock.acquire(timeout=max(timeout_s, 0.0))
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()


def _remaining(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.0)


class FileCoordinator(Coordinator):
    backend = "file"

    def __init__(self, lock_dir: Path | str) -> None:
        self._dir = Path(lock_dir)
        self._dir.mkdir(parents=True, exist_ok=True)
        self._threads = _ThreadLocks()

    @contextmanager
    def lock(self, name: str, timeout_s: float) -> Iterator[bool]:
        deadline = time.monotonic() + timeout_s
        with self._threads.hold(name, timeout_s) as held:
            if not held:
                yield False
                return
            # "a" creates the file without truncating; lock files are never deleted, because
            # removing one another process has open would split the lock in two.
            with open(self._path(name, ".lock"), "ab") as handle:
                locked = self._flock(handle.fileno(), deadline)
                try:
                    yield locked
                finally:
                    if locked:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def throttle(self, name: str, min_interval_s: float, max_wait_s: float) -> bool:
        stamp = self._path(name, ".next")
        with self.lock(f"throttle:{name}", max_wait_s) as held:
            if not held:
                return False
            now = time.time()  # wall clock: the one clock all processes share
            slot = reserve_slot(now, _read_float(stamp), min_interval_s, max_wait_s)
            if slot is None:
                return False
            stamp.write_text(repr(slot))
        time.sleep(max(slot - time.time(), 0.0))
        return True

    @staticmethod
    def _flock(fd: int, deadline: float) -> bool:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(POLL_S)

    def _path(self, name: str, suffix: str) -> Path:
        # Readable but safe file names; the hash keeps names that differ only in
        # punctuation apart.
        readable = re.sub(r"[^A-Za-z0-9.-]+", "_", name)[:60]
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        return self._dir / f"{readable}-{digest}{suffix}"


def _read_float(path: Path) -> float | None:
    try:
        return float(path.read_text())
    except (FileNotFoundError, ValueError):  # never written, or torn by a crash mid-write
        return None


class RedisCoordinator(Coordinator):
    def __init__(
        self, client: redis.Redis, fallback: FileCoordinator, lease_s: float = DEFAULT_LEASE_S
    ) -> None:
        self._client = client
        self._fallback = fallback
        # A holder that dies keeps the lock until the lease expires, so it must outlast
        # the longest critical section (a weather fetch with failover).
        self._lease_s = lease_s
        self._threads = _ThreadLocks()
        self._down_until = 0.0
        self._state_lock = threading.Lock()

    @property
    def backend(self) -> str:
        return "redis" if self._redis_usable() else "redis-fallback"

    def check(self) -> None:
        """Ping Redis now, so a dead server is noticed (and logged) at startup and by /healthz."""
        if self._redis_usable():
            try:
                self._client.ping()
            except redis.RedisError as exc:
                self._mark_down(exc)

    @contextmanager
    def lock(self, name: str, timeout_s: float) -> Iterator[bool]:
        deadline = time.monotonic() + timeout_s
        with self._threads.hold(name, timeout_s) as held:
            if not held:
                yield False
                return
            redis_lock: redis.lock.Lock | None = None
            acquired = False
            if self._redis_usable():
                try:
                    redis_lock = self._client.lock(
                        f"backrun:lock:{name}", timeout=self._lease_s, sleep=POLL_S
                    )
                    acquired = redis_lock.acquire(blocking_timeout=_remaining(deadline))
                except redis.RedisError as exc:
                    self._mark_down(exc)
                    redis_lock = None
            if redis_lock is None:
                with self._fallback.lock(name, _remaining(deadline)) as locked:
                    yield locked
                return
            try:
                yield acquired
            finally:
                if acquired:
                    self._release(name, redis_lock)

    def throttle(self, name: str, min_interval_s: float, max_wait_s: float) -> bool:
        if self._redis_usable():
            try:
                return self._throttle_with_redis(name, min_interval_s, max_wait_s)
            except redis.RedisError as exc:
                self._mark_down(exc)
        return self._fallback.throttle(name, min_interval_s, max_wait_s)

    def _throttle_with_redis(self, name: str, min_interval_s: float, max_wait_s: float) -> bool:
        key = f"backrun:throttle:{name}"
        with self.lock(f"throttle:{name}", max_wait_s) as held:
            if not held:
                return False
            # redis-py types each command's answer for its sync and asyncio clients at once
            # (`Awaitable | Any`); this client is the sync one.
            seconds, micros = cast(tuple[int, int], self._client.time())  # the clock all machines share
            now = seconds + micros / 1e6
            stored = cast(bytes | None, self._client.get(key))
            slot = reserve_slot(now, float(stored) if stored else None, min_interval_s, max_wait_s)
            if slot is None:
                return False
            keep_ms = int((slot - now + min_interval_s) * 1000) + 1000
            self._client.set(key, repr(slot), px=keep_ms)
        time.sleep(max(slot - now, 0.0))
        return True

    def _release(self, name: str, redis_lock: redis.lock.Lock) -> None:
        # Lock.release deletes the key only while it still holds our token (a Lua script),
        # so a lease that expired and was taken by someone else is left alone.
        try:
            redis_lock.release()
        except redis.RedisError as exc:
            log.warning("could not release Redis lock %s: %s", name, exc)

    def _redis_usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _mark_down(self, exc: Exception) -> None:
        with self._state_lock:
            was_up = self._redis_usable()
            self._down_until = time.monotonic() + REDIS_RETRY_AFTER_S
        if was_up:
            log.warning(
                "Redis unreachable (%s): using file locks in this process for %.0f s",
                exc,
                REDIS_RETRY_AFTER_S,
            )


def create_coordinator(
    lock_dir: Path | str, cache_url: str = "", lease_s: float = DEFAULT_LEASE_S
) -> Coordinator:
    files = FileCoordinator(lock_dir)
    if not cache_url:
        return files
    client = redis.Redis.from_url(
        cache_url, socket_timeout=REDIS_SOCKET_TIMEOUT_S, socket_connect_timeout=REDIS_SOCKET_TIMEOUT_S
    )
    coordinator = RedisCoordinator(client, files, lease_s)
    coordinator.check()
    return coordinator


def init_app(app: Flask) -> None:
    # The weather fetch (up to 2 x the HTTP timeout) is the longest thing done under a lock.
    lease_s = max(DEFAULT_LEASE_S, 4 * float(app.config["BACKRUN_HTTP_TIMEOUT"]))
    app.extensions[EXTENSION_KEY] = create_coordinator(
        Path(app.instance_path) / "locks", app.config.get("BACKRUN_CACHE_URL", ""), lease_s
    )


def get_coordinator() -> Coordinator:
    return current_app.extensions[EXTENSION_KEY]
