"""MET Norway Locationforecast 2.0 (https://api.met.no/weatherapi/locationforecast/2.0/documentation),
the fallback weather provider.

Its terms are strict, so `MetNo`, a WeatherProvider (backrun/weather/provider.py), follows
them: an identifying User-Agent (the client's), coordinates with at most 4 decimals, no new
request before `Expires`, and revalidation with `If-Modified-Since`. The last response is kept
in the shared cache for that, as plain JSON.

`parse` is a pure function from the GeoJSON to a `Forecast`. It reads the `compact` format and
also the extra variables of `complete` when they are there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import requests

from backrun.weather.model import Forecast, ProviderError, Step, as_number

log = logging.getLogger(__name__)

PROVIDER = "met-no"
STORE_TIMEOUT_S = 6 * 60 * 60  # long enough to revalidate with If-Modified-Since after Expires
HORIZON = timedelta(hours=24)  # the engine looks at today; later 6-hour blocks are dropped
FOG_FRACTION_PCT = 50.0  # `complete` fog_area_fraction above which the step counts as fog (45)


class Store(Protocol):
    """The part of a cachelib/Flask-Caching backend used here."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


@dataclass(frozen=True)
class StoredResponse:
    body: Any
    last_modified: str | None
    expires: datetime
    confirmed_at: datetime  # when MET last said this body is current (200 or 304)

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "last_modified": self.last_modified,
            "expires": self.expires.isoformat(),
            "confirmed_at": self.confirmed_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Any) -> StoredResponse | None:
        try:
            return cls(
                body=data["body"],
                last_modified=data.get("last_modified"),
                expires=datetime.fromisoformat(data["expires"]),
                confirmed_at=datetime.fromisoformat(data["confirmed_at"]),
            )
        except (TypeError, KeyError, ValueError, AttributeError):
            return None  # nothing stored, or an older layout: fetch afresh


def coordinates(latitude: float, longitude: float) -> tuple[float, float]:
    # The terms: "truncate all coordinates to max 4 decimals"; 5+ decimals get a 403.
    return round(latitude, 4), round(longitude, 4)


class MetNo:
    """MET Norway as a weather provider; `store` keeps the last response for its terms."""

    name = PROVIDER
    start_slack = timedelta(hours=1)  # the series may start at the next full hour

    def __init__(self, client: requests.Session, base_url: str, timeout_s: float, store: Store) -> None:
        self._client = client  # its User-Agent identifies Backrun, as the terms ask
        self._base_url = base_url
        self._timeout_s = timeout_s
        self._store = store

    def fetch(self, latitude: float, longitude: float, now: datetime) -> Forecast:
        lat, lon = coordinates(latitude, longitude)
        key = f"met-no:{lat},{lon}"
        stored = StoredResponse.from_dict(self._store.get(key))
        if stored is not None and now < stored.expires:
            return parse(stored.body, latitude, longitude, stored.confirmed_at)

        headers = {"If-Modified-Since": stored.last_modified} if stored and stored.last_modified else {}
        try:
            response = self._client.get(
                self._base_url,
                params={"lat": str(lat), "lon": str(lon)},
                headers=headers,
                timeout=self._timeout_s,
            )
        except requests.Timeout as exc:
            raise ProviderError(PROVIDER, "timeout", str(exc)) from exc
        except requests.RequestException as exc:
            raise ProviderError(PROVIDER, "connection", str(exc)) from exc

        if response.status_code == 304 and stored is not None:
            body, last_modified = stored.body, stored.last_modified
        elif response.status_code in (200, 203):
            if response.status_code == 203:
                log.warning("MET Norway answered 203: this product version is deprecated or beta")
            try:
                body = response.json()
            except ValueError as exc:
                raise ProviderError(PROVIDER, "malformed", "response is not JSON") from exc
            last_modified = response.headers.get("Last-Modified")
        else:
            kind = "rate_limited" if response.status_code == 429 else "http"
            raise ProviderError(PROVIDER, kind, f"{response.status_code} {response.reason or ''}".strip())

        forecast = parse(body, latitude, longitude, now)  # before storing: never keep a body we can't read
        expires = _http_date(response.headers.get("Expires")) or now
        self._store.set(
            key, StoredResponse(body, last_modified, expires, now).to_dict(), timeout=STORE_TIMEOUT_S
        )
        return forecast


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse(payload: Any, latitude: float, longitude: float, fetched_at: datetime) -> Forecast:
    """Locationforecast GeoJSON -> Forecast. Raises ProviderError(malformed) if nothing is usable."""
    try:
        timeseries = payload["properties"]["timeseries"]
    except (TypeError, KeyError) as exc:
        raise ProviderError(PROVIDER, "malformed", "no properties.timeseries") from exc
    if not isinstance(timeseries, list):
        raise ProviderError(PROVIDER, "malformed", "properties.timeseries is not a list")
    steps = [step for entry in timeseries if (step := parse_entry(entry)) is not None]
    steps = [step for step in steps if step.start < fetched_at + HORIZON]
    if not steps:
        raise ProviderError(PROVIDER, "malformed", "no usable time steps")
    coords = _get(_get(payload, "geometry"), "coordinates")  # [lon, lat, altitude]
    elevation = as_number(coords[2]) if isinstance(coords, list) and len(coords) > 2 else None
    return Forecast(
        source=PROVIDER,
        latitude=latitude,
        longitude=longitude,
        fetched_at=fetched_at,
        hours=tuple(sorted(steps, key=lambda step: step.start)),
        elevation_m=elevation,
    )


def parse_entry(entry: Any) -> Step | None:
    """One timeseries entry at t -> Step(t, t + 1 h), or t + 6 h where only next_6_hours exists."""
    start = _time(_get(entry, "time"))
    data = _get(entry, "data")
    if start is None or not isinstance(data, dict):
        return None
    if isinstance(data.get("next_1_hours"), dict):
        period, length = data["next_1_hours"], timedelta(hours=1)
    elif isinstance(data.get("next_6_hours"), dict):
        period, length = data["next_6_hours"], timedelta(hours=6)
    else:
        return None  # an instant without a period: no precipitation or symbol to judge by
    instant = _details(data.get("instant"))
    details = _details(period)
    symbol = _get(_get(period, "summary"), "symbol_code")
    symbol = symbol if isinstance(symbol, str) else None

    temperature = as_number(instant.get("air_temperature"))
    humidity = as_number(instant.get("relative_humidity"))
    dew_point = as_number(instant.get("dew_point_temperature"))
    code = weather_code(symbol)
    fog = as_number(instant.get("fog_area_fraction"))
    if fog is not None and fog >= FOG_FRACTION_PCT and (code is None or code < 45):
        code = 45
    return Step(
        start=start,
        end=start + length,
        temperature_c=temperature,
        relative_humidity_pct=humidity,
        dew_point_c=dew_point,  # the safety rules derive it from T and RH when absent
        precipitation_mm=as_number(details.get("precipitation_amount")),
        precipitation_probability_pct=as_number(details.get("probability_of_precipitation")),
        thunder_probability_pct=as_number(details.get("probability_of_thunder")),
        weather_code=code,
        wind_speed_kmh=_kmh(instant.get("wind_speed")),
        wind_gusts_kmh=_kmh(instant.get("wind_speed_of_gust")),  # `complete` only; compact has none
        # Clear-sky UV is an upper bound: the cautious choice for a sun warning.
        uv_index=as_number(instant.get("ultraviolet_index_clear_sky")),
        symbol=symbol,
    )


def weather_code(symbol: str | None) -> int | None:
    """Approximate WMO code for a MET symbol_code such as "lightsleetshowers_day".

    Matches substrings, which also covers the documented typos ("lightssleetshowersandthunder").
    Sleet counts as snow: for a runner's footing it is the more dangerous of the two. MET has
    no drizzle or freezing-rain symbols, so those codes never come from here.
    """
    if not symbol:
        return None
    base = symbol.split("_", 1)[0]  # drop _day / _night / _polartwilight
    intensity = 0 if base.startswith("light") else 2 if base.startswith("heavy") else 1
    showers = "showers" in base
    if "thunder" in base:
        return 95
    if "snow" in base or "sleet" in base:
        return (85, 85, 86)[intensity] if showers else (71, 73, 75)[intensity]
    if "rain" in base:
        return (80, 81, 82)[intensity] if showers else (61, 63, 65)[intensity]
    return {"fog": 45, "clearsky": 0, "fair": 1, "partlycloudy": 2, "cloudy": 3}.get(base)


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _details(obj: Any) -> dict[str, Any]:
    details = _get(obj, "details")
    return details if isinstance(details, dict) else {}


def _kmh(metres_per_second: Any) -> float | None:
    value = as_number(metres_per_second)
    return None if value is None else round(value * 3.6, 1)


def _time(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
