"""The one HTTP client setup for talking to upstream services (weather, geocoding, Overpass).

Every call passes `timeout=`: requests has no session-wide timeout. In a session made here that
timeout is a **total** deadline for the whole exchange (connect, headers and body), not only a
limit per socket read: a server that drips a byte every second would otherwise never hit a read
timeout and would pin the calling thread for as long as it likes. A `(connect, read)` pair
allows `connect + read` in all.

How: the session arms a timer per call; the connections a call uses register with it, and when
the deadline passes the timer shuts their sockets down. The blocked read returns at once, the
thread is free, and the call raises `requests.Timeout`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


def user_agent(contact: str) -> str:
    # MET Norway bans generic or missing User-Agents; Nominatim asks for the same.
    try:
        backrun_version = version("backrun")
    except PackageNotFoundError:  # running from a source checkout that was never installed
        backrun_version = "dev"
    return f"Backrun/{backrun_version} (+{contact})"


class _Deadline:
    """One call's deadline and the connections it has used so far."""

    def __init__(self, total_s: float) -> None:
        self.total_s = total_s
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[HTTPConnection] = []
        self._timer = threading.Timer(total_s, self.expire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            connection._backrun_deadline = self  # type: ignore[attr-defined]
            self._connections.append(connection)
            late = self.expired
        if late:  # connected just as the deadline passed
            _shut(connection)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            # Only connections still serving this call: one back in the pool may serve another.
            mine = [c for c in self._connections if getattr(c, "_backrun_deadline", None) is self]
        for connection in mine:
            _shut(connection)


def _shut(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is None:
        return
    # socket.socket's own shutdown, also for TLS sockets: SSLSocket.shutdown would drop its
    # TLS object under the reading thread's feet. The reader sees end-of-file at once.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_current = threading.local()


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline: _Deadline | None = getattr(_current, "deadline", None)
        self._backrun_deadline = deadline  # None: an earlier call's timer must leave it alone
        super().request(*args, **kwargs)  # connects first when needed
        if deadline is not None:
            deadline.watch(self)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = WATCHED_POOLS  # behind an HTTP(S)_PROXY too
        return manager


def total_seconds(timeout: Any) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        parts = [float(t) for t in timeout if t is not None]
        return sum(parts) if len(parts) == len(timeout) else None
    return float(timeout)


class DeadlineSession(requests.Session):
    """A requests session whose `timeout` bounds the whole call (see the module's docstring).

    With `stream=True` the deadline stays armed until it passes, so reading the body is bounded
    too; close the response when done.
    """

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        total = total_seconds(kwargs.get("timeout"))
        if total is None or getattr(_current, "deadline", None) is not None:
            return super().send(request, **kwargs)  # no deadline asked, or a redirect inside one
        deadline = _Deadline(total)
        started = time.monotonic()
        _current.deadline = deadline
        deadline.start()
        try:
            return super().send(request, **kwargs)
        except requests.RequestException as exc:
            if deadline.expired:
                raise requests.exceptions.ReadTimeout(
                    f"no complete answer within {total:g} s (took {time.monotonic() - started:.1f} s)",
                    request=request,
                ) from exc
            raise
        finally:
            _current.deadline = None
            if not kwargs.get("stream"):
                deadline.cancel()


def mount_deadline_adapters(session: requests.Session) -> None:
    # No retries: a 429 must not be repeated, and the weather service fails over to the
    # other provider instead of spending its deadline on a second try.
    adapter = DeadlineAdapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)


def make_client(app_config: Mapping[str, Any]) -> requests.Session:
    """The HTTP client every upstream adapter uses: a total deadline per call, our User-Agent."""
    client = DeadlineSession()
    client.headers["User-Agent"] = user_agent(app_config["BACKRUN_CONTACT"])
    client.headers["Accept-Encoding"] = "gzip"
    mount_deadline_adapters(client)
    return client
