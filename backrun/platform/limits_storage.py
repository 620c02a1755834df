"""Rate-limit counters shared by every worker process of one machine, without Redis.

Flask-Limiter's `memory://` storage counts in each process, so with two gunicorn workers every
limit let twice as many requests through (ten failed sign-ins a minute became twenty). This is a
`limits` storage (fixed windows, Flask-Limiter's default strategy) in a small SQLite file in the
instance folder: each hit is one short write transaction, and SQLite's file locking makes the
count exact across processes. With BACKRUN_CACHE_URL the counters live in Redis instead, shared by
every instance.

URI: `backrun-sqlite:///absolute/path/to/limits.sqlite3`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEME = "backrun-sqlite"
BUSY_TIMEOUT_S = 5.0


def _when_unlocked(statement):
    """Run `statement`, retrying while SQLite says the database is locked, for BUSY_TIMEOUT_S."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def uri_for(path: Path | str) -> str:
    return f"{SCHEME}://{Path(path).resolve()}"


class SQLiteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._path = (uri or "").split("://", 1)[1] if uri and "://" in uri else ":memory:"
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        _when_unlocked(
            lambda: self._connection().execute(
                "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL)"
            )
        )

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # isolation_level=None: transactions are spelled out (BEGIN IMMEDIATE takes the write lock first).
            connection = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            # Workers booting together race to switch a new file to WAL; SQLite answers that race
            # with "database is locked" at once, without waiting for the busy timeout.
            _when_unlocked(lambda: connection.execute("PRAGMA journal_mode=WAL"))
            connection.execute(
                "PRAGMA synchronous=NORMAL"
            )  # counters, not records: a crash may lose the last hits
            self._local.connection = connection
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM counter WHERE key = ? AND expires_at <= ?", (key, now))
            connection.execute(
                "INSERT INTO counter (key, hits, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET hits = hits + excluded.hits",
                (key, amount, now + expiry),
            )
            (hits,) = connection.execute("SELECT hits FROM counter WHERE key = ?", (key,)).fetchone()
            if now > getattr(self._local, "swept_at", 0.0) + 60:  # now and then, forget old windows
                connection.execute("DELETE FROM counter WHERE expires_at <= ?", (now,))
                self._local.swept_at = now
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return int(hits)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT hits FROM counter WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counter WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        cursor = self._connection().execute("DELETE FROM counter")
        return cursor.rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counter WHERE key = ?", (key,))
