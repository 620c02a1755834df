"""Open-Meteo Air Quality API (https://open-meteo.com/en/docs/air-quality-api): AQI, particles,
ozone and pollen (Europe only) per hour, cached per ~1 km cell like the forecast.

`OpenMeteoAirQuality`, a provider of the forecast providers' shape (backrun/weather/provider.py),
does the HTTP; `parse` is a pure function from the JSON to an `AirQuality`. The service keeps
the forecast's manners: one upstream call per cell (the coordinator's lock, shared by threads
and processes), fresh / keep / failure times from the weather settings, a hard deadline on the
fetch, and nothing raised to the caller. An outage is an answer too: `air` is None and
the advice says air quality is unknown (the weather verdict stands).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import Flask, current_app

from backrun.extensions import cache
from backrun.platform import coordination
from backrun.platform.columns import utc_now
from backrun.platform.coordination import Coordinator
from backrun.platform.http import make_client
from backrun.weather.model import HOURLY, AirHour, AirQuality, ProviderError, as_number
from backrun.weather.open_meteo import get_json, parse_time
from backrun.weather.provider import Provider
from backrun.weather.service import Cell, SafeStore

log = logging.getLogger(__name__)

PROVIDER = "open-meteo-air-quality"
EXTENSION_KEY = "backrun.air_quality"
LOCAL_MAX_ENTRIES = 1024


def request_params(latitude: float, longitude: float) -> dict[str, str | int]:
    return {
        "latitude": str(round(latitude, 4)),
        "longitude": str(round(longitude, 4)),
        "hourly": ",".join(HOURLY),
        "past_hours": 1,  # the hour a run that started a little while ago is in
        "forecast_hours": 24,
        "timeformat": "unixtime",
    }


class OpenMeteoAirQuality:
    """Open-Meteo's air quality as a Provider[AirQuality]: a product of its own, not a fallback
    for the forecast, so its service asks this one provider."""

    name = PROVIDER

    def __init__(self, client: requests.Session, base_url: str, timeout_s: float) -> None:
        self._client = client
        self._base_url = base_url
        self._timeout_s = timeout_s

    def fetch(self, latitude: float, longitude: float, now: datetime) -> AirQuality:
        params = request_params(latitude, longitude)
        payload = get_json(self._client, self._base_url, params, self._timeout_s, PROVIDER)
        return parse(payload, latitude, longitude, now)


def parse(payload: Any, latitude: float, longitude: float, fetched_at: datetime) -> AirQuality:
    """Air Quality JSON -> AirQuality; ProviderError(malformed) when no hour carries a value.

    Variables the model lacks (pollen outside Europe) come as null arrays or not at all.
    """
    if not isinstance(payload, dict):
        raise ProviderError(PROVIDER, "malformed", f"expected a JSON object, got {type(payload).__name__}")
    block = payload.get("hourly")
    if not isinstance(block, dict) or not isinstance(block.get("time"), list):
        raise ProviderError(PROVIDER, "malformed", "no hourly block")
    offset = timedelta(seconds=as_number(payload.get("utc_offset_seconds")) or 0)
    columns = {name: block[name] if isinstance(block.get(name), list) else [] for name in HOURLY}
    hours = []
    for index, raw_time in enumerate(block["time"]):
        when = parse_time(raw_time, offset)
        if when is None:
            continue
        values = {name: as_number(column[index]) for name, column in columns.items() if index < len(column)}
        if any(v is not None and v >= 0 for v in values.values()):
            # Negative concentrations or indices are broken data: dropped, never "clean air".
            hours.append(
                AirHour(when, **{k: (v if v is not None and v >= 0 else None) for k, v in values.items()})
            )
    if not hours:
        raise ProviderError(PROVIDER, "malformed", "no usable hour")
    return AirQuality(latitude, longitude, fetched_at, tuple(sorted(hours, key=lambda h: h.time)))


# --- service ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AirQualitySettings:
    url: str  # empty: air quality is not asked for (always "unknown")
    timeout_s: float = 4.0
    fresh_s: float = 15 * 60
    keep_s: float = 2 * 60 * 60
    failure_s: float = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AirQualitySettings:
        return cls(
            url=config.get("BACKRUN_AIR_QUALITY_URL", ""),
            timeout_s=float(config["BACKRUN_HTTP_TIMEOUT"]),
            fresh_s=float(config["BACKRUN_WEATHER_FRESH_S"]),
            keep_s=float(config["BACKRUN_WEATHER_KEEP_S"]),
            failure_s=float(config["BACKRUN_WEATHER_FAILURE_S"]),
        )

    @property
    def deadline_s(self) -> float:
        # One request with its timeout, plus slack; a server dripping bytes is cut off here.
        return self.timeout_s * 1.5

    @property
    def lock_wait_s(self) -> float:
        return self.deadline_s + 1.0

    @property
    def collect_after_s(self) -> float:
        # The weather fetch may take 1.75 x the timeout; air quality gets as long, plus slack.
        return self.timeout_s * 2


@dataclass(frozen=True)
class Pending:
    future: Future[AirQualityResult]
    started: float  # time.monotonic() at start


@dataclass(frozen=True)
class AirQualityResult:
    air: AirQuality | None
    errors: list[ProviderError] = field(default_factory=list)
    from_cache: bool = False


@dataclass(frozen=True)
class _Cached:
    air: AirQuality
    stored_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"air": self.air.to_dict(), "stored_at": self.stored_at.isoformat()}

    @classmethod
    def from_dict(cls, data: Any) -> _Cached | None:
        try:
            return cls(AirQuality.from_dict(data["air"]), datetime.fromisoformat(data["stored_at"]))
        except (TypeError, KeyError, ValueError, AttributeError):
            return None


class AirQualityService:
    def __init__(
        self,
        settings: AirQualitySettings,
        store: Any,
        coordinator: Coordinator,
        client: requests.Session,
        *,
        now: Callable[[], datetime] | None = None,
        max_workers: int = 8,
        provider: Provider[AirQuality] | None = None,
    ) -> None:
        """`provider`: by default Open-Meteo's air quality at the settings' URL."""
        self._settings = settings
        self._store = SafeStore(store)
        self._coordinator = coordinator
        self._client = client
        self._now = now or utc_now
        self._provider = provider or OpenMeteoAirQuality(client, settings.url, settings.timeout_s)
        # Two pools: requests wait in the first while their fetch runs in the second, so a crowd
        # of waiters can never starve the fetch that would answer them.
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="air-quality")
        self._fetch_pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="air-quality-fetch")
        self._local: dict[str, _Cached] = {}
        self._local_lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._settings.url)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._fetch_pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    def start(self, latitude: float, longitude: float) -> Pending | None:
        """Begin finding out (alongside the weather fetch); `collect` the answer."""
        if not self.enabled:
            return None
        return Pending(self._pool.submit(self.air_quality, latitude, longitude), time.monotonic())

    def collect(self, pending: Pending | None) -> AirQualityResult:
        """The answer, waiting at most until `collect_after_s` after `start`: air quality never
        keeps the advice waiting longer than the weather's own worst case."""
        if pending is None:
            return AirQualityResult(
                None, [ProviderError(self._provider.name, "disabled", "BACKRUN_AIR_QUALITY_URL is empty")]
            )
        remaining = pending.started + self._settings.collect_after_s - time.monotonic()
        try:
            return pending.future.result(timeout=max(remaining, 0.0))
        except FutureTimeout:
            return AirQualityResult(
                None, [ProviderError(self._provider.name, "timeout", "no answer in time")]
            )
        except Exception as exc:
            log.exception("air quality failed unexpectedly")
            return AirQualityResult(None, [ProviderError(self._provider.name, "malformed", repr(exc))])

    def air_quality(self, latitude: float, longitude: float) -> AirQualityResult:
        cell = Cell.of(latitude, longitude)
        answer = self._from_cache(cell)
        if answer is not None:
            return answer
        with self._coordinator.lock(f"air:{cell.key}", self._settings.lock_wait_s) as acquired:
            answer = self._from_cache(cell)
            if answer is not None:
                return answer
            if not acquired:
                return self._fallback(
                    cell, [ProviderError("backrun", "busy", "another fetch of this cell is slow")]
                )
            return self._refresh(cell)

    def _from_cache(self, cell: Cell) -> AirQualityResult | None:
        now = self._now()
        with self._local_lock:
            local = self._local.get(cell.key)
        if local is not None and self._fresh(local, now):
            return AirQualityResult(local.air, from_cache=True)
        shared = _Cached.from_dict(self._store.get(_key(cell)))
        if shared is not None and self._fresh(shared, now):
            self._put_local(cell, shared)
            return AirQualityResult(shared.air, from_cache=True)
        failed_at = self._store.get(_failure_key(cell))
        if isinstance(failed_at, (int, float)) and now.timestamp() - failed_at < self._settings.failure_s:
            return AirQualityResult(
                self._keepable(shared, now),
                [ProviderError(self._provider.name, "recently_failed")],
                from_cache=True,
            )
        return None

    def _fresh(self, cached: _Cached, now: datetime) -> bool:
        return now - cached.stored_at < timedelta(seconds=self._settings.fresh_s)

    def _keepable(self, cached: _Cached | None, now: datetime) -> AirQuality | None:
        if cached is None or now - cached.air.fetched_at >= timedelta(seconds=self._settings.keep_s):
            return None
        return cached.air

    def _fallback(self, cell: Cell, errors: list[ProviderError]) -> AirQualityResult:
        kept = self._keepable(_Cached.from_dict(self._store.get(_key(cell))), self._now())
        return AirQualityResult(kept, errors, from_cache=kept is not None)

    def _put_local(self, cell: Cell, cached: _Cached) -> None:
        with self._local_lock:
            if len(self._local) >= LOCAL_MAX_ENTRIES:
                self._local.clear()
            self._local[cell.key] = cached

    def _refresh(self, cell: Cell) -> AirQualityResult:
        now = self._now()
        try:
            air = self._fetch_with_deadline(cell, now)
        except ProviderError as error:
            log.warning("air quality for %s failed: %s %s", cell.key, error.kind, error.detail)
            self._store.set(_failure_key(cell), now.timestamp(), _seconds(self._settings.failure_s))
            return self._fallback(cell, [error])
        cached = _Cached(air, self._now())
        self._put_local(cell, cached)
        self._store.set(_key(cell), cached.to_dict(), _seconds(self._settings.keep_s))
        return AirQualityResult(air)

    def _fetch_with_deadline(self, cell: Cell, now: datetime) -> AirQuality:
        settings, name = self._settings, self._provider.name
        future = self._fetch_pool.submit(self._provider.fetch, cell.latitude, cell.longitude, now)
        try:
            return future.result(timeout=settings.deadline_s)
        except FutureTimeout as exc:
            future.cancel()
            raise ProviderError(name, "timeout", f"no answer within {settings.deadline_s:g} s") from exc
        except ProviderError:
            raise
        except Exception as exc:
            raise ProviderError(name, "malformed", repr(exc)) from exc


def _key(cell: Cell) -> str:
    return f"air:{cell.key}"


def _failure_key(cell: Cell) -> str:
    return f"air-failure:{cell.key}"


def _seconds(value: float) -> int:
    return max(1, math.ceil(value))


def init_app(app: Flask) -> None:
    store = app.extensions["cache"][cache]
    app.extensions[EXTENSION_KEY] = AirQualityService(
        AirQualitySettings.from_config(app.config),
        store,
        app.extensions[coordination.EXTENSION_KEY],
        make_client(app.config),
    )


def get_air_quality_service() -> AirQualityService:
    return current_app.extensions[EXTENSION_KEY]
