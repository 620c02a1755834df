"""Open-Meteo forecast API (https://open-meteo.com/en/docs), the primary weather provider.

`OpenMeteo`, a WeatherProvider (backrun/weather/provider.py), does the HTTP; `parse` is a pure
function from the JSON to a `Forecast`, tolerant of everything real responses do: nulls,
variables the model lacks, arrays shorter than `time`, legacy variable names, and times as
unix seconds or as local ISO 8601 plus `utc_offset_seconds`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from backrun.weather.model import Forecast, ProviderError, Step, as_number

PROVIDER = "open-meteo"
HOUR = timedelta(hours=1)
QUARTER_HOUR = timedelta(minutes=15)

HOURLY = (
    "temperature_2m,relative_humidity_2m,dew_point_2m,precipitation,precipitation_probability,"
    "snowfall,snow_depth,weather_code,wind_speed_10m,wind_gusts_10m,visibility,"
    "soil_temperature_0cm,uv_index,is_day,wet_bulb_temperature_2m,cloud_cover,shortwave_radiation"
)
PAST_HOURS = 96
MINUTELY_15 = "precipitation,snowfall,weather_code,wind_gusts_10m,visibility"


def _integer(value: Any) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def _flag(value: Any) -> bool | None:
    number = as_number(value)
    return None if number is None else bool(number)


# Step field -> (Open-Meteo names, current first then legacy; converter).
VARIABLES: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "temperature_c": (("temperature_2m",), as_number),
    "relative_humidity_pct": (("relative_humidity_2m", "relativehumidity_2m"), as_number),
    "dew_point_c": (("dew_point_2m", "dewpoint_2m"), as_number),
    "surface_temperature_c": (("soil_temperature_0cm",), as_number),
    "precipitation_mm": (("precipitation",), as_number),
    "snowfall_cm": (("snowfall",), as_number),
    "precipitation_probability_pct": (("precipitation_probability",), as_number),
    "snow_depth_m": (("snow_depth",), as_number),
    "weather_code": (("weather_code", "weathercode"), _integer),
    "wind_speed_kmh": (("wind_speed_10m", "windspeed_10m"), as_number),
    "wind_gusts_kmh": (("wind_gusts_10m", "windgusts_10m"), as_number),
    "visibility_m": (("visibility",), as_number),
    "uv_index": (("uv_index",), as_number),
    "is_day": (("is_day",), _flag),
    "wet_bulb_c": (("wet_bulb_temperature_2m",), as_number),
    "cloud_cover_pct": (("cloud_cover", "cloudcover"), as_number),
    "shortwave_w_m2": (("shortwave_radiation",), as_number),
}


def request_params(latitude: float, longitude: float) -> dict[str, str | int]:
    return {
        "latitude": str(round(latitude, 4)),
        "longitude": str(round(longitude, 4)),
        "hourly": HOURLY,
        "minutely_15": MINUTELY_15,
        # Four days back for the state of the ground (ice that formed days ago and stayed; FMI's
        # slipperiness model also looks back four days): 72 h before any start we accept, which
        # may be an hour in the past. The next day for "when is it safe later today".
        "past_hours": PAST_HOURS,
        "forecast_hours": 24,
        "past_minutely_15": 4,
        "forecast_minutely_15": 12,
        "timeformat": "unixtime",
    }


class OpenMeteo:
    """Open-Meteo as a weather provider: one request for the past 96 and the next 24 hours."""

    name = PROVIDER
    start_slack = timedelta(0)  # the hourly series always covers the current hour

    def __init__(self, client: requests.Session, base_url: str, timeout_s: float) -> None:
        self._client = client
        self._base_url = base_url
        self._timeout_s = timeout_s

    def fetch(self, latitude: float, longitude: float, now: datetime) -> Forecast:
        params = request_params(latitude, longitude)
        payload = get_json(self._client, self._base_url, params, self._timeout_s, PROVIDER)
        return parse(payload, latitude, longitude, now)


def get_json(
    client: requests.Session, base_url: str, params: dict[str, Any], timeout: float, provider: str
) -> Any:
    """GET one of Open-Meteo's APIs (forecast, air quality: the same errors) and return its JSON;
    ProviderError for a timeout, a failed connection, an error answer or a body that isn't JSON."""
    try:
        response = client.get(base_url, params=params, timeout=timeout)
    except requests.Timeout as exc:
        raise ProviderError(provider, "timeout", str(exc)) from exc
    except requests.RequestException as exc:
        raise ProviderError(provider, "connection", str(exc)) from exc
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if response.status_code != 200 or (isinstance(payload, dict) and payload.get("error")):
        kind = "rate_limited" if response.status_code == 429 else "http"
        raise ProviderError(provider, kind, f"{response.status_code} {_reason(payload, response)}".strip())
    if payload is None:
        raise ProviderError(provider, "malformed", "response is not JSON")
    return payload


def _reason(payload: Any, response: requests.Response) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("reason"), str):
        return payload["reason"]
    return response.reason or ""


def parse(payload: Any, latitude: float, longitude: float, fetched_at: datetime) -> Forecast:
    """Open-Meteo JSON -> Forecast. Raises ProviderError(malformed) when nothing usable is in it."""
    if not isinstance(payload, dict):
        raise ProviderError(PROVIDER, "malformed", f"expected a JSON object, got {type(payload).__name__}")
    offset = timedelta(seconds=as_number(payload.get("utc_offset_seconds")) or 0)
    hours = parse_block(payload.get("hourly"), HOUR, offset)
    quarter_hours = parse_block(payload.get("minutely_15"), QUARTER_HOUR, offset)
    if not hours and not quarter_hours:
        raise ProviderError(PROVIDER, "malformed", "no usable time series")
    return Forecast(
        source=PROVIDER,
        latitude=latitude,
        longitude=longitude,
        fetched_at=fetched_at,
        hours=hours,
        quarter_hours=quarter_hours,
        elevation_m=as_number(payload.get("elevation")),
    )


def parse_block(block: Any, period: timedelta, utc_offset: timedelta) -> tuple[Step, ...]:
    """One `hourly` or `minutely_15` block -> Steps, sorted.

    Open-Meteo stamps a period value with the END of its period: precipitation at 10:00 fell
    between 09:00 and 10:00. So the value at t becomes Step(t - period, t).
    """
    if not isinstance(block, dict) or not isinstance(block.get("time"), list):
        return ()
    columns = {field: _column(block, names) for field, (names, _) in VARIABLES.items()}
    steps = []
    for index, raw_time in enumerate(block["time"]):
        end = parse_time(raw_time, utc_offset)
        if end is None:
            continue
        values = {}
        for field, column in columns.items():
            if index < len(column):
                values[field] = VARIABLES[field][1](column[index])
        steps.append(Step(start=end - period, end=end, **values))
    return tuple(sorted(steps, key=lambda step: step.start))


def _column(block: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
    for name in names:
        if isinstance(block.get(name), list):
            return block[name]
    return []


def parse_time(raw: Any, utc_offset: timedelta) -> datetime | None:
    """Unix seconds (always UTC) or ISO 8601 local time (UTC + utc_offset) -> aware UTC."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            return datetime.fromtimestamp(raw, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return (moment - utc_offset).replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return None
