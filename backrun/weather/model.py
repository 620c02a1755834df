"""The one internal weather model both providers are normalised into.

Metric units throughout: °C, %, mm, cm (snowfall), m (snow depth, visibility), km/h.
Every value is optional: real responses carry nulls, miss variables and end early, and the
safety rules treat a missing value as "unknown", never as "fine".

A `Step` is a period [start, end) in UTC. Period values (precipitation, snowfall, gust
maximum, weather code, precipitation probability) describe the whole period; instant values
(temperature, humidity, wind speed, visibility...) are the provider's sample nearest to it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Step:
    start: datetime
    end: datetime
    temperature_c: float | None = None
    relative_humidity_pct: float | None = None
    dew_point_c: float | None = None
    # Open-Meteo soil_temperature_0cm: model skin temperature, the best stand-in for the ground.
    surface_temperature_c: float | None = None
    precipitation_mm: float | None = None
    snowfall_cm: float | None = None
    precipitation_probability_pct: float | None = None
    snow_depth_m: float | None = None
    weather_code: int | None = None  # WMO code as Open-Meteo uses it
    wind_speed_kmh: float | None = None
    wind_gusts_kmh: float | None = None
    visibility_m: float | None = None
    uv_index: float | None = None
    is_day: bool | None = None
    thunder_probability_pct: float | None = None
    symbol: str | None = None  # MET Norway symbol_code, kept for the evidence shown to runners
    # For the ground model (issue 12): phase of precipitation, and drying by sun.
    wet_bulb_c: float | None = None
    cloud_cover_pct: float | None = None
    shortwave_w_m2: float | None = None  # mean global radiation over the preceding period

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["start"] = datetime.fromisoformat(data["start"])
        values["end"] = datetime.fromisoformat(data["end"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Forecast:
    source: str  # "open-meteo" | "met-no"
    latitude: float
    longitude: float
    fetched_at: datetime  # when Backrun last confirmed this data with the provider (UTC)
    hours: tuple[Step, ...] = ()  # hourly steps, sorted, past 24 h and the next hours
    quarter_hours: tuple[Step, ...] = field(default=())  # 15-minute steps where the model has them
    elevation_m: float | None = None

    def age(self, now: datetime) -> timedelta:
        return now - self.fetched_at

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "fetched_at": self.fetched_at.isoformat(),
            "elevation_m": self.elevation_m,
            "hours": [s.to_dict() for s in self.hours],
            "quarter_hours": [s.to_dict() for s in self.quarter_hours],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Forecast:
        return cls(
            source=data["source"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            fetched_at=datetime.fromisoformat(data["fetched_at"]),
            elevation_m=data.get("elevation_m"),
            hours=tuple(Step.from_dict(s) for s in data.get("hours", ())),
            quarter_hours=tuple(Step.from_dict(s) for s in data.get("quarter_hours", ())),
        )


def as_number(value: Any) -> float | None:
    """A JSON number as a float; None for null, booleans, strings and NaN (all seen in the wild)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


class ProviderError(Exception):
    """An upstream weather service failed: HTTP error, timeout, rate limit or malformed data."""

    def __init__(self, provider: str, kind: str, detail: str = ""):
        self.provider = provider
        self.kind = kind  # "http", "timeout", "rate_limited", "malformed", "connection"
        self.detail = detail
        super().__init__(f"{provider}: {kind} {detail}".strip())


# --- air quality (Open-Meteo Air Quality API's variables) -----------------------------------------

AIR_QUALITY_PROVIDER = "open-meteo-air-quality"
POLLEN = ("alder_pollen", "birch_pollen", "grass_pollen", "mugwort_pollen", "olive_pollen", "ragweed_pollen")
HOURLY = ("us_aqi", "european_aqi", "pm2_5", "pm10", "ozone", *POLLEN)


@dataclass(frozen=True, slots=True)
class AirHour:
    """The model's values at `time` (instant values: they stand for the hour that follows)."""

    time: datetime
    us_aqi: float | None = None
    european_aqi: float | None = None
    pm2_5: float | None = None  # µg/m³
    pm10: float | None = None  # µg/m³
    ozone: float | None = None  # µg/m³
    alder_pollen: float | None = None  # grains/m³, Europe only
    birch_pollen: float | None = None
    grass_pollen: float | None = None
    mugwort_pollen: float | None = None
    olive_pollen: float | None = None
    ragweed_pollen: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = self.time.isoformat()
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AirHour:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["time"] = datetime.fromisoformat(data["time"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class AirQuality:
    latitude: float
    longitude: float
    fetched_at: datetime
    hours: tuple[AirHour, ...] = ()
    source: str = AIR_QUALITY_PROVIDER

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "fetched_at": self.fetched_at.isoformat(),
            "hours": [h.to_dict() for h in self.hours],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AirQuality:
        return cls(
            latitude=data["latitude"],
            longitude=data["longitude"],
            fetched_at=datetime.fromisoformat(data["fetched_at"]),
            hours=tuple(AirHour.from_dict(h) for h in data.get("hours", ())),
            source=data.get("source", AIR_QUALITY_PROVIDER),
        )
