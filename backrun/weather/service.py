"""The weather service: one forecast per ~1 km cell, cached, fetched once, with failover.

    cache (this process, then shared) -> lock for the cell -> cache again -> fetch -> store

* Cell: coordinates rounded to 2 decimals (~1 km), which is also what is sent upstream.
* Fresh for BACKRUN_WEATHER_FRESH_S after we got it. When a refresh fails, a forecast less than
  BACKRUN_WEATHER_KEEP_S old is served instead, with its original `fetched_at`, so the rules
  see its age.
* A refresh that failed is remembered for BACKRUN_WEATHER_FAILURE_S (with or without a kept
  forecast to serve): a dead upstream is not asked again by every request meanwhile.
* Single flight: the cell's lock from the coordinator is shared by threads and processes, so
  a crowd asking for one uncached cell makes one upstream call.
* Failover over a list of providers (backrun/weather/provider.py) in order of preference,
  `weather_providers`: Open-Meteo, then MET Norway. The next is asked as soon as the ones asked
  have failed, or alongside them once the last one asked has taken half the HTTP timeout. The
  whole fetch has a deadline of 1.75 x the timeout, enforced on the futures; each provider call
  has a total deadline of one timeout (backrun/platform/http.py), so a server dripping bytes can hold
  neither a request nor a fetch thread.
* Bulkhead and circuit breakers (backrun/platform/upstream.py): a fetch needs one of the process's
  upstream slots, and a provider whose circuit is open is not asked. Without a slot, or with
  every circuit open, the answer comes at once: no forecast, and errors that say why. Such
  an answer is not remembered as the cell's failure (nobody was asked).

Nothing here raises to the caller: provider failures come back in `ForecastResult.errors`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import Flask, current_app

from backrun.extensions import cache
from backrun.platform import coordination, upstream
from backrun.platform.columns import utc_now
from backrun.platform.coordination import Coordinator
from backrun.platform.http import make_client
from backrun.platform.upstream import Breaker, Upstreams, UpstreamUnavailable
from backrun.weather.met_no import MetNo, Store
from backrun.weather.model import Forecast, ProviderError
from backrun.weather.open_meteo import OpenMeteo
from backrun.weather.provider import WeatherProvider

log = logging.getLogger(__name__)

EXTENSION_KEY = "backrun.weather"
LOCAL_MAX_ENTRIES = 1024


@dataclass(frozen=True)
class WeatherSettings:
    open_meteo_url: str
    met_no_url: str
    timeout_s: float = 4.0
    fresh_s: float = 15 * 60
    keep_s: float = 2 * 60 * 60
    failure_s: float = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WeatherSettings:
        return cls(
            open_meteo_url=config["BACKRUN_OPEN_METEO_URL"],
            met_no_url=config["BACKRUN_MET_NO_URL"],
            timeout_s=float(config["BACKRUN_HTTP_TIMEOUT"]),
            fresh_s=float(config["BACKRUN_WEATHER_FRESH_S"]),
            keep_s=float(config["BACKRUN_WEATHER_KEEP_S"]),
            failure_s=float(config["BACKRUN_WEATHER_FAILURE_S"]),
        )

    @property
    def hedge_after_s(self) -> float:
        return self.timeout_s / 2

    @property
    def deadline_s(self) -> float:
        # MET starts at the latest at timeout/2 and gets a full timeout: 1.5 x, plus slack,
        # and still under the promised 2 x.
        return self.timeout_s * 1.75

    @property
    def lock_wait_s(self) -> float:
        # Waiters outlast the holder's fetch, then find its result in the cache.
        return self.deadline_s + 1.0


@dataclass(frozen=True)
class ForecastResult:
    """What the service could find out about a cell.

    `forecast` is None when nothing usable was had; it may be an old one (see its fetched_at).
    `errors` are the failures behind this answer: the providers', or ("backrun", "busy") when
    another request was fetching the cell for too long. `from_cache`: no provider was asked.
    """

    forecast: Forecast | None
    errors: list[ProviderError] = field(default_factory=list)
    from_cache: bool = False


@dataclass(frozen=True)
class Cell:
    latitude: float
    longitude: float

    @classmethod
    def of(cls, latitude: float, longitude: float) -> Cell:
        # "+ 0.0" turns -0.0 into 0.0, so both spell the same cache key.
        return cls(round(latitude, 2) + 0.0, round(longitude, 2) + 0.0)

    @property
    def key(self) -> str:
        return f"{self.latitude:.2f},{self.longitude:.2f}"


@dataclass(frozen=True)
class CachedForecast:
    forecast: Forecast
    stored_at: datetime  # when this process or another last got it from a provider

    def to_dict(self) -> dict[str, Any]:
        return {"forecast": self.forecast.to_dict(), "stored_at": self.stored_at.isoformat()}

    @classmethod
    def from_dict(cls, data: Any) -> CachedForecast | None:
        try:
            return cls(Forecast.from_dict(data["forecast"]), datetime.fromisoformat(data["stored_at"]))
        except (TypeError, KeyError, ValueError, AttributeError):
            return None


@dataclass(frozen=True)
class RememberedFailure:
    at: datetime
    errors: list[ProviderError]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "errors": [{"provider": e.provider, "kind": e.kind, "detail": e.detail} for e in self.errors],
        }

    @classmethod
    def from_dict(cls, data: Any) -> RememberedFailure | None:
        try:
            errors = [ProviderError(e["provider"], e["kind"], e.get("detail", "")) for e in data["errors"]]
            return cls(datetime.fromisoformat(data["at"]), errors)
        except (TypeError, KeyError, ValueError, AttributeError):
            return None


class SafeStore:
    """The shared cache with its failures logged and swallowed: a cache outage (Redis down)
    costs extra upstream calls, never a 500.

    After a failure the shared cache is left alone for `retry_after_s` (each process then lives
    on its own in-process cache), so an outage is logged once, not on every request, and no
    request waits for a dead server's timeout.
    """

    def __init__(self, backend: Store, retry_after_s: float | None = None) -> None:
        self._backend = backend
        self._retry_after_s = retry_after_s
        self._down_until = 0.0

    @property
    def usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def get(self, key: str) -> Any:
        if not self.usable:
            return None
        try:
            return self._backend.get(key)
        except Exception as exc:
            self._failed("read", key, exc)
            return None

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        if not self.usable:
            return
        try:
            self._backend.set(key, value, timeout=timeout)
        except Exception as exc:
            self._failed("write", key, exc)

    def _failed(self, what: str, key: str, exc: Exception) -> None:
        was_usable = self.usable
        pause_s = self._retry_after_s if self._retry_after_s is not None else coordination.REDIS_RETRY_AFTER_S
        self._down_until = time.monotonic() + pause_s
        if was_usable:
            log.warning(
                "shared cache %s failed for %s (%s): this process uses its own cache for %.0f s",
                what,
                key,
                exc,
                pause_s,
            )


def weather_providers(
    settings: WeatherSettings, client: requests.Session, store: Store
) -> list[WeatherProvider]:
    """The forecast providers in order of preference: Open-Meteo's richer data (15-minute steps,
    ground and sun variables) first, MET Norway when it fails or is slow."""
    return [
        OpenMeteo(client, settings.open_meteo_url, settings.timeout_s),
        MetNo(client, settings.met_no_url, settings.timeout_s, store),
    ]


class WeatherService:
    def __init__(
        self,
        settings: WeatherSettings,
        store: Store,
        coordinator: Coordinator,
        client: requests.Session,
        *,
        now: Callable[[], datetime] | None = None,
        upstreams: Upstreams | None = None,
        providers: Sequence[WeatherProvider] | None = None,
    ) -> None:
        """`providers` in order of preference; by default `weather_providers` (the settings' URLs)."""
        self._settings = settings
        self._store = SafeStore(store)
        self._coordinator = coordinator
        self._client = client
        self._now = now or utc_now
        self._upstreams = upstreams or Upstreams()
        if providers is None:
            providers = weather_providers(settings, client, self._store)
        self._providers = tuple(providers)
        self._rank = {provider.name: rank for rank, provider in enumerate(self._providers)}
        self._breakers: dict[str, Breaker] = {
            provider.name: self._upstreams.breaker(provider.name, _counts_against_provider)
            for provider in self._providers
        }
        # One thread per provider per fetch slot (the hedge), so a fetch never queues for a thread.
        self._pool = ThreadPoolExecutor(
            max_workers=len(self._providers) * self._upstreams.bulkhead.slots,
            thread_name_prefix="weather-fetch",
        )
        self._local: dict[str, CachedForecast] = {}
        self._local_lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    def forecast(self, latitude: float, longitude: float) -> ForecastResult:
        cell = Cell.of(latitude, longitude)
        answer = self._from_cache(cell)
        if answer is not None:
            return answer
        with self._coordinator.lock(f"weather:{cell.key}", self._settings.lock_wait_s) as acquired:
            answer = self._from_cache(cell)  # the previous holder may just have fetched it
            if answer is not None:
                return answer
            if not acquired:
                log.warning("weather for %s: gave up waiting for another fetch of the same cell", cell.key)
                return self._fallback(
                    cell, [ProviderError("backrun", "busy", "another fetch of this cell is slow")]
                )
            try:
                with self._upstreams.bulkhead.slot("weather"):
                    return self._refresh(cell)
            except UpstreamUnavailable as exc:
                log.warning("weather for %s: %s", cell.key, exc.detail)
                return self._fallback(cell, [ProviderError("backrun", exc.kind, exc.detail)])

    # --- cache ---------------------------------------------------------------------------
    def _from_cache(self, cell: Cell) -> ForecastResult | None:
        """A fresh forecast, or the remembered failure (with what is kept); None means fetch."""
        now = self._now()
        cached = self._local_get(cell, now)
        if cached is not None:
            return ForecastResult(cached.forecast, [], from_cache=True)
        cached = self._shared_get(cell)
        if cached is not None and self._is_fresh(cached, now):
            self._local_put(cell, cached)
            return ForecastResult(cached.forecast, [], from_cache=True)
        failure = RememberedFailure.from_dict(self._store.get(_failure_key(cell)))
        if failure is not None and now - failure.at < timedelta(seconds=self._settings.failure_s):
            return ForecastResult(self._keepable(cached, now), failure.errors, from_cache=True)
        return None

    def _fallback(self, cell: Cell, errors: list[ProviderError]) -> ForecastResult:
        kept = self._keepable(self._shared_get(cell), self._now())
        if kept is not None:
            log.info(
                "weather for %s: serving the forecast fetched at %s", cell.key, kept.fetched_at.isoformat()
            )
        return ForecastResult(kept, errors, from_cache=kept is not None)

    def _is_fresh(self, cached: CachedForecast, now: datetime) -> bool:
        return now - cached.stored_at < timedelta(seconds=self._settings.fresh_s)

    def _keepable(self, cached: CachedForecast | None, now: datetime) -> Forecast | None:
        if cached is None or now - cached.forecast.fetched_at >= timedelta(seconds=self._settings.keep_s):
            return None
        return cached.forecast

    def _shared_get(self, cell: Cell) -> CachedForecast | None:
        return CachedForecast.from_dict(self._store.get(_forecast_key(cell)))

    def _local_get(self, cell: Cell, now: datetime) -> CachedForecast | None:
        with self._local_lock:
            cached = self._local.get(cell.key)
        return cached if cached is not None and self._is_fresh(cached, now) else None

    def _local_put(self, cell: Cell, cached: CachedForecast) -> None:
        with self._local_lock:
            if len(self._local) >= LOCAL_MAX_ENTRIES:
                now = self._now()
                self._local = {k: v for k, v in self._local.items() if self._is_fresh(v, now)}
                if len(self._local) >= LOCAL_MAX_ENTRIES:
                    self._local.clear()
            self._local[cell.key] = cached

    # --- fetch ---------------------------------------------------------------------------
    def _refresh(self, cell: Cell) -> ForecastResult:
        now = self._now()
        forecast, errors = self._fetch_with_failover(cell, now)
        if forecast is None:
            if any(e.kind not in NOT_ASKED for e in errors):  # a provider really failed for this cell
                failure = RememberedFailure(now, errors)
                self._store.set(_failure_key(cell), failure.to_dict(), _seconds(self._settings.failure_s))
            return self._fallback(cell, errors)
        cached = CachedForecast(forecast, self._now())
        self._local_put(cell, cached)
        self._store.set(_forecast_key(cell), cached.to_dict(), _seconds(self._settings.keep_s))
        return ForecastResult(forecast, errors, from_cache=False)

    def _fetch_with_failover(self, cell: Cell, now: datetime) -> tuple[Forecast | None, list[ProviderError]]:
        settings = self._settings
        started = time.monotonic()
        deadline = started + settings.deadline_s
        waiting = list(self._providers)  # not asked yet, in order of preference
        running: dict[Future[Forecast], WeatherProvider] = {}
        errors: list[ProviderError] = []
        next_at = started  # when the next provider is asked even if the ones asked still run
        while running or waiting:
            if waiting and (not running or time.monotonic() >= next_at):
                asked_at = time.monotonic()
                if self._submit(running, errors, waiting.pop(0), cell, now) is not None:
                    next_at = asked_at + settings.hedge_after_s
                continue  # a provider whose circuit is open: ask the next at once
            until = min(next_at, deadline) if waiting else deadline
            done, _ = wait(running, timeout=max(until - time.monotonic(), 0.0), return_when=FIRST_COMPLETED)
            # In order of preference: if several answered at once, the preferred data wins.
            for future in sorted(done, key=lambda f: self._rank[running[f].name]):
                provider = running.pop(future)
                error = _error_of(future, provider.name)
                if error is None:
                    for slow in _stop(running):
                        if self._rank[slow] < self._rank[provider.name]:  # it lost by being slow
                            errors.append(_timed_out(slow, f"slower than {provider.name}"))
                    return future.result(), errors
                log.warning("weather provider %s failed: %s %s", error.provider, error.kind, error.detail)
                errors.append(error)
            if time.monotonic() >= deadline:
                break
        errors.extend(
            _timed_out(slow, f"no answer within {settings.deadline_s:g} s") for slow in _stop(running)
        )
        return None, errors

    def _submit(
        self,
        running: dict[Future[Forecast], WeatherProvider],
        errors: list[ProviderError],
        provider: WeatherProvider,
        cell: Cell,
        now: datetime,
    ) -> Future[Forecast] | None:
        """Start one provider's fetch through its breaker; None (and an error) while its circuit is open."""
        breaker = self._breakers[provider.name]
        try:
            breaker.check()
        except UpstreamUnavailable as exc:
            log.warning("weather provider %s not asked: %s", provider.name, exc.detail)
            errors.append(ProviderError(provider.name, exc.kind, exc.detail))
            return None
        future = self._pool.submit(breaker.call, _ask, provider, cell, now)
        running[future] = provider
        return future


def _ask(provider: WeatherProvider, cell: Cell, now: datetime) -> Forecast:
    forecast = provider.fetch(cell.latitude, cell.longitude, now)
    _require_current(forecast, now, provider.start_slack)
    return forecast


# Errors of requests that never reached a provider: no reason to remember a failure for the cell.
NOT_ASKED = frozenset({"busy", "circuit_open"})


def _counts_against_provider(exc: BaseException) -> bool:
    """A provider that is down, slow or refusing trips its breaker; data we can't use does not."""
    if isinstance(exc, UpstreamUnavailable):  # opened meanwhile: the breaker's own answer
        return False
    return not (isinstance(exc, ProviderError) and exc.kind == "malformed")


def _require_current(forecast: Forecast, now: datetime, slack: timedelta) -> None:
    """Data that parses but says nothing about now (an old or misdated answer) is unusable."""
    if not any(
        step.start <= now + slack and now < step.end for step in (*forecast.hours, *forecast.quarter_hours)
    ):
        raise ProviderError(forecast.source, "malformed", f"no data for {now.isoformat()}")


def _error_of(future: Future[Forecast], provider: str) -> ProviderError | None:
    exc = future.exception()
    if exc is None or isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, UpstreamUnavailable):  # the circuit opened between the check and the call
        return ProviderError(provider, exc.kind, exc.detail)
    # A bug in a parser must cost a failover, not a 500.
    log.error("weather provider %s raised unexpectedly", provider, exc_info=exc)
    return ProviderError(provider, "malformed", repr(exc))


def _stop(running: dict[Future[Forecast], WeatherProvider]) -> list[str]:
    """Stop waiting for these fetches; returns their providers' names."""
    for future in running:
        future.cancel()  # only stops one that has not started; a started request runs out alone
    return [provider.name for provider in running.values()]


def _timed_out(provider: str, detail: str) -> ProviderError:
    log.warning("weather provider %s: %s", provider, detail)
    return ProviderError(provider, "timeout", detail)


def _forecast_key(cell: Cell) -> str:
    return f"weather:{cell.key}"


def _failure_key(cell: Cell) -> str:
    return f"weather-failure:{cell.key}"


def _seconds(value: float) -> int:
    return max(1, math.ceil(value))


def init_app(app: Flask) -> None:
    store = app.extensions["cache"][cache]  # the backend itself: usable outside an app context
    if upstream.EXTENSION_KEY not in app.extensions:
        upstream.init_app(app)
    app.extensions[EXTENSION_KEY] = WeatherService(
        WeatherSettings.from_config(app.config),
        store,
        app.extensions[coordination.EXTENSION_KEY],
        make_client(app.config),
        upstreams=app.extensions[upstream.EXTENSION_KEY],
    )


def get_weather_service() -> WeatherService:
    return current_app.extensions[EXTENSION_KEY]
