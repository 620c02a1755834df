"""What keeps a slow or dead upstream service from taking the app down with it.

* A bulkhead: at most BACKRUN_UPSTREAM_SLOTS upstream fetches in flight per process. A request
  that finds every slot taken doesn't queue behind them: it gets "busy" at once (the weather is
  then "unknown", saying so), so threads stay free for cached answers, pages and /healthz.
* A circuit breaker per upstream (the `circuitbreaker` library): after BREAKER_FAILURES failures
  in a row the service is not asked for BREAKER_RECOVERY_S seconds; requests meanwhile are told
  "circuit open" at once. Then calls go through again, and the first success closes it.
  The recovery time is short so that a service that is back is used again within seconds.

Each call's own time is bounded by the total deadline of backrun/platform/http.py's session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from circuitbreaker import STATE_OPEN, CircuitBreaker
from flask import Flask, current_app

EXTENSION_KEY = "backrun.platform.upstream"
DEFAULT_SLOTS = 4
BREAKER_FAILURES = 3
BREAKER_RECOVERY_S = 3

T = TypeVar("T")


class UpstreamUnavailable(Exception):
    """Not asked at all: `kind` is "busy" (no free slot) or "circuit_open"."""

    def __init__(self, upstream: str, kind: str, detail: str) -> None:
        super().__init__(f"{upstream}: {detail}")
        self.upstream = upstream
        self.kind = kind
        self.detail = detail


class Bulkhead:
    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self, upstream: str) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise UpstreamUnavailable(
                upstream, "busy", f"all {self.slots} upstream fetch slots of this process are in use"
            )
        try:
            yield
        finally:
            self._free.release()


class Breaker:
    """One upstream's circuit breaker; `is_failure(exc)` tells which errors count."""

    def __init__(
        self,
        name: str,
        is_failure: Callable[[BaseException], bool] = lambda exc: True,
        failures: int = BREAKER_FAILURES,
        recovery_s: int = BREAKER_RECOVERY_S,
    ) -> None:
        self.name = name
        self._breaker = CircuitBreaker(
            failure_threshold=failures,
            recovery_timeout=recovery_s,
            name=name,
            expected_exception=lambda _type, exc: is_failure(exc),
        )

    @property
    def state(self) -> str:
        return self._breaker.state

    def check(self) -> None:
        """Raise UpstreamUnavailable while the circuit is open."""
        if self._breaker.state == STATE_OPEN:
            raise UpstreamUnavailable(
                self.name,
                "circuit_open",
                f"{self.name} failed {self._breaker.failure_count} times in a row; not asked for "
                f"{max(self._breaker.open_remaining, 1)} s",
            )

    def call(self, func: Callable[..., T], *args, **kwargs) -> T:
        self.check()
        return self._breaker.call(func, *args, **kwargs)


class Upstreams:
    """The process's bulkhead and one breaker per upstream, created on first use."""

    def __init__(self, slots: int = DEFAULT_SLOTS) -> None:
        self.bulkhead = Bulkhead(slots)
        self._breakers: dict[str, Breaker] = {}
        self._lock = threading.Lock()

    def breaker(self, name: str, is_failure: Callable[[BaseException], bool] = lambda exc: True) -> Breaker:
        with self._lock:
            breaker = self._breakers.get(name)
            if breaker is None:
                breaker = self._breakers[name] = Breaker(name, is_failure)
            return breaker

    def states(self) -> dict[str, str]:
        with self._lock:
            return {name: breaker.state for name, breaker in self._breakers.items()}


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Upstreams(int(app.config.get("BACKRUN_UPSTREAM_SLOTS", DEFAULT_SLOTS)))


def get_upstreams() -> Upstreams:
    return current_app.extensions[EXTENSION_KEY]
