"""Concise builders for Steps, Forecasts and RunConditions in the safety tests.

Times are built around NOON (Vaduz, midsummer, sun ~65° up) unless a test says otherwise.
Hour offsets are relative to the whole hour of `now`: offset 0 is [hh:00, hh+1:00), -1 the hour
before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from backrun.safety.rules import Reason, RunConditions
from backrun.safety.verdict import Advice, advise
from backrun.weather.model import Forecast, Step

UTC = UTC
VADUZ = (47.14, 9.52)
NOON = datetime(2026, 6, 21, 12, 0, tzinfo=UTC)  # Vaduz: sun ~66° up
JUNE_NIGHT = datetime(2026, 6, 21, 23, 0, tzinfo=UTC)  # Vaduz: 01:00 local, sun ~-19°
DEC_NOON = datetime(2026, 12, 21, 12, 0, tzinfo=UTC)  # Vaduz: sun ~19° up
DEC_NIGHT = datetime(2026, 12, 21, 23, 0, tzinfo=UTC)  # Vaduz: sun ~-65°

# Mild, dry, calm: no rule fires on this.
CALM: dict[str, Any] = {
    "temperature_c": 15.0,
    "relative_humidity_pct": 60.0,
    "dew_point_c": 7.3,
    "surface_temperature_c": 17.0,
    "precipitation_mm": 0.0,
    "snowfall_cm": 0.0,
    "precipitation_probability_pct": 0.0,
    "snow_depth_m": 0.0,
    "weather_code": 1,
    "wind_speed_kmh": 8.0,
    "wind_gusts_kmh": 15.0,
    "visibility_m": 30000.0,
    "uv_index": 3.0,
}

# What MET Norway compact gives: no gusts, surface temperature, visibility, dew point, snow.
MET_CALM: dict[str, Any] = {
    "temperature_c": 15.0,
    "relative_humidity_pct": 60.0,
    "precipitation_mm": 0.0,
    "weather_code": 1,
    "wind_speed_kmh": 8.0,
    "symbol": "fair_day",
}


def step(start: datetime, minutes: int = 60, base: Mapping[str, Any] = CALM, **values: Any) -> Step:
    return Step(start=start, end=start + timedelta(minutes=minutes), **{**base, **values})


def whole_hour(when: datetime) -> datetime:
    return when.replace(minute=0, second=0, microsecond=0)


def hourly(
    now: datetime,
    *,
    before: int = 76,
    after: int = 12,
    base: Mapping[str, Any] = CALM,
    every: Mapping[str, Any] | None = None,
    changes: Mapping[int, Mapping[str, Any]] | None = None,
) -> tuple[Step, ...]:
    """Hourly steps from `before` hours before the hour of `now` to `after` hours after it."""
    first = whole_hour(now)
    changes = changes or {}
    return tuple(
        step(first + timedelta(hours=offset), 60, base, **{**(every or {}), **changes.get(offset, {})})
        for offset in range(-before, after)
    )


def quarters(
    first: datetime,
    count: int,
    base: Mapping[str, Any] | None = None,
    changes: Mapping[int, Mapping[str, Any]] | None = None,
) -> tuple[Step, ...]:
    """Quarter-hour steps; by default they carry only precipitation and weather code."""
    base = base if base is not None else {"precipitation_mm": 0.0, "weather_code": 1}
    changes = changes or {}
    return tuple(
        step(first + timedelta(minutes=15 * i), 15, base, **changes.get(i, {})) for i in range(count)
    )


def forecast(
    now: datetime = NOON,
    *,
    hours: Iterable[Step] | None = None,
    quarter_hours: Iterable[Step] = (),
    age: timedelta = timedelta(minutes=10),
    source: str = "open-meteo",
    **hourly_kwargs: Any,
) -> Forecast:
    steps = tuple(hours) if hours is not None else hourly(now, **hourly_kwargs)
    return Forecast(
        source=source,
        latitude=VADUZ[0],
        longitude=VADUZ[1],
        fetched_at=now - age,
        hours=steps,
        quarter_hours=tuple(quarter_hours),
    )


def run_advice(
    fc: Forecast | None,
    now: datetime = NOON,
    *,
    start: datetime | None = None,
    minutes: int = 60,
    location: tuple[float, float] = VADUZ,
) -> Advice:
    return advise(
        fc, latitude=location[0], longitude=location[1], start=start or now, minutes=minutes, now=now
    )


def conditions(
    run: Mapping[str, Any] | None = None,
    *,
    past: Mapping[int, Mapping[str, Any]] | None = None,
    start: datetime = NOON,
    minutes: int = 60,
    sun: float | None = 60.0,
    base: Mapping[str, Any] = CALM,
) -> RunConditions:
    """One run step starting at `start` with `run` values, and 24 calm hourly steps before it.

    `past` changes hours before the start: -1 is the hour just before it.
    """
    run_step = step(start, minutes, base, **(run or {}))
    past = past or {}
    past_steps = tuple(step(start + timedelta(hours=o), 60, base, **past.get(o, {})) for o in range(-72, 0))
    lowest = None if sun is None else (start, sun)
    return RunConditions(start, run_step.end, (run_step,), (run_step,), past_steps, lowest)


def codes(reasons: Iterable[Reason]) -> list[tuple[str, str]]:
    return [(r.code, r.severity) for r in reasons]
