"""The main path shared by the home page, the JSON API and the CLI.

forecast (cached, one upstream call per cell, failover) -> pure safety rules -> Advice.
Computed advice is memoised per process for a minute: the rules are cheap but not free, and
the same cell is asked for again and again by everyone at one venue.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

from flask import current_app

from backrun.advice.kit import Kit, kit_for, weather_for_kit
from backrun.safety.profile import DEFAULT_PROFILE, Profile
from backrun.safety.verdict import Advice, advise
from backrun.weather.air_quality import AirQualityResult, get_air_quality_service
from backrun.weather.service import ForecastResult, get_weather_service

ATTRIBUTION = {
    "open-meteo": {"text": "Weather data by Open-Meteo.com", "url": "https://open-meteo.com/"},
    "met-no": {"text": "Weather data from MET Norway", "url": "https://api.met.no/"},
}
# Open-Meteo's air quality data comes from CAMS, which must be credited.
AIR_ATTRIBUTION = {
    "text": "Air quality by Open-Meteo.com from CAMS (Copernicus Atmosphere Monitoring Service)",
    "url": "https://open-meteo.com/en/docs/air-quality-api",
}
MEMO_TTL = timedelta(seconds=60)
MEMO_MAX = 2048
STALE_AFTER = timedelta(hours=2)


@dataclass(frozen=True)
class AdviceResult:
    advice: Advice
    weather: ForecastResult
    latitude: float
    longitude: float
    air: AirQualityResult | None = None
    kit: Kit | None = None
    # Values derived once per memoised result by the views that serve it (e.g. the JSON body).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def advice_dict(self) -> dict:
        """advice.to_dict(), built once per memoised result: the cached path serves it many times.
        Callers must not modify it."""
        return self.advice.to_dict()

    @property
    def source(self) -> str | None:
        return self.weather.forecast.source if self.weather.forecast else None

    @property
    def fetched_at(self) -> datetime | None:
        return self.weather.forecast.fetched_at if self.weather.forecast else None

    def is_stale(self, now: datetime) -> bool:
        fetched = self.fetched_at
        return fetched is None or now - fetched > STALE_AFTER

    @property
    def attribution(self) -> dict | None:
        return ATTRIBUTION.get(self.source or "")


class _Memo:
    def __init__(self) -> None:
        self.entries: dict[tuple, tuple[datetime, AdviceResult]] = {}
        self.lock = threading.Lock()


def _memo() -> _Memo:
    memo = current_app.extensions.get("backrun.advice_memo")
    if memo is None:
        memo = current_app.extensions.setdefault("backrun.advice_memo", _Memo())
    return memo


def get_advice(
    latitude: float,
    longitude: float,
    *,
    minutes: int = 30,
    start: datetime | None = None,
    now: datetime | None = None,
    profile: Profile = DEFAULT_PROFILE,
    kit_offset_c: float = 0.0,
) -> AdviceResult:
    now = now or datetime.now(UTC)
    start = start or now
    air_service = get_air_quality_service()
    air_pending = air_service.start(latitude, longitude)  # alongside the weather, not after it
    weather = get_weather_service().forecast(latitude, longitude)
    air = air_service.collect(air_pending)
    forecast = weather.forecast
    if forecast is not None and forecast.fetched_at > now:
        # Fetched after `now` was read: the data is brand new, not from the future (no negative age).
        now = forecast.fetched_at
    key = (
        round(latitude, 2),
        round(longitude, 2),
        minutes,
        start.replace(second=0, microsecond=0),
        forecast.source if forecast else None,
        forecast.fetched_at if forecast else None,
        air.air.fetched_at if air.air else None,
        profile,
        kit_offset_c,
    )
    memo = _memo()
    with memo.lock:
        hit = memo.entries.get(key)
    if hit is not None and now - hit[0] < MEMO_TTL:
        return hit[1]

    advice = advise(
        forecast,
        latitude=latitude,
        longitude=longitude,
        start=start,
        minutes=minutes,
        now=now,
        profile=profile,
        air_quality=air.air,
    )
    kit = kit_for(weather_for_kit(advice.conditions), kit_offset_c)
    result = AdviceResult(advice, weather, latitude, longitude, air, kit)
    with memo.lock:
        if len(memo.entries) >= MEMO_MAX:
            memo.entries.clear()  # crude but bounded; entries live for a minute anyway
        memo.entries[key] = (now, result)
    return result
