"""The conditions at a glance on the verdict card: temperature and feels-like, wind and gusts,
rain or snow and since when, daylight left. Pure: a forecast and a moment in, plain data out.

This only describes the weather; the verdict and its reasons stay the safety rules' (backrun/safety).
A value the forecast lacks stays None and the card leaves it out: never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.safety.daylight import SunTracker, is_dark
from backrun.weather.model import Forecast, Step

DAYLIGHT_SEARCH = timedelta(hours=24)
DAYLIGHT_STEP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Conditions:
    temperature_c: float | None
    feels_like_c: float | None  # wind chill or heat index when they apply, else None
    wind_kmh: float | None
    gusts_kmh: float | None
    sky: str  # "rain" | "snow" | "dry" | "unknown"
    since: datetime | None  # when the present rain, snow or dry spell began (within the last day)
    all_day: bool  # the same for the whole day before: "dry for over a day"
    dark: bool | None
    light_changes_at: datetime | None  # dusk when light, dawn when dark; None: not within a day


def _step_at(steps: Sequence[Step], when: datetime) -> Step | None:
    return next((s for s in steps if s.start <= when < s.end), None)


def sky_of(step: Step) -> str:
    if step.weather_code in th.SNOW_CODES or (step.snowfall_cm or 0) > 0:
        return "snow"
    if step.precipitation_mm is None:
        return "unknown"
    return "rain" if step.precipitation_mm >= th.RAIN_MM else "dry"


def feels_like_c(step: Step) -> float | None:
    t = step.temperature_c
    if t is None:
        return None
    if step.wind_speed_kmh is not None:
        chill = indices.wind_chill_c(t, step.wind_speed_kmh)
        if chill is not None:
            return chill
    if step.relative_humidity_pct is not None and t >= 27:  # the NWS heat index starts at 80 °F
        return indices.heat_index_c(t, step.relative_humidity_pct)
    return None


def _spell(hours: Sequence[Step], now: datetime, sky: str) -> tuple[datetime | None, bool]:
    """When the present sky began, looking back through the hourly steps up to now."""
    past = [s for s in hours if s.start <= now and now - s.start <= timedelta(hours=24)]
    since = None
    for step in sorted(past, key=lambda s: s.start, reverse=True):
        if sky_of(step) != sky:
            return since, False
        since = step.start
    earliest = min((s.start for s in past), default=None)
    return since, since is not None and earliest is not None and now - earliest >= timedelta(hours=23)


def _light_change(sun: SunTracker, now: datetime) -> tuple[bool, datetime | None]:
    dark_now = is_dark(sun.elevation_deg(now))
    when = now
    while when - now < DAYLIGHT_SEARCH:
        when += DAYLIGHT_STEP
        if is_dark(sun.elevation_deg(when)) != dark_now:
            return dark_now, when
    return dark_now, None  # polar day or night


def conditions_now(forecast: Forecast | None, now: datetime) -> Conditions | None:
    if forecast is None:
        return None
    step = _step_at(forecast.quarter_hours, now) or _step_at(forecast.hours, now)
    if step is None:
        return None
    hour = _step_at(forecast.hours, now) or step
    # Quarter-hours can lack variables the hour has (humidity, gusts): fill from the hour.
    temperature = step.temperature_c if step.temperature_c is not None else hour.temperature_c
    wind = step.wind_speed_kmh if step.wind_speed_kmh is not None else hour.wind_speed_kmh
    gusts = step.wind_gusts_kmh if step.wind_gusts_kmh is not None else hour.wind_gusts_kmh
    filled = Step(
        step.start,
        step.end,
        temperature_c=temperature,
        wind_speed_kmh=wind,
        relative_humidity_pct=step.relative_humidity_pct
        if step.relative_humidity_pct is not None
        else hour.relative_humidity_pct,
    )
    sky = sky_of(step)
    since, all_day = _spell(forecast.hours, now, sky) if sky != "unknown" else (None, False)
    dark, change = _light_change(SunTracker(forecast.latitude, forecast.longitude), now)
    return Conditions(temperature, feels_like_c(filled), wind, gusts, sky, since, all_day, dark, change)
