"""A fake Open-Meteo forecast API (`/v1/forecast`) serving the real JSON format.

    with OpenMeteoFake() as fake:
        app_config["BACKRUN_OPEN_METEO_URL"] = fake.endpoint
        fake.set_weather(hours={0: {"precipitation": 2.5, "weather_code": 63},
                                -3: {"temperature_2m": -2.0}})
        fake.fail_with(500)            # or 429, "timeout", "drop", "garbage", "wrong_shape", "empty"
        fake.fail_with(None)           # healthy again
        assert fake.count() == 1

API: `endpoint`, `set_weather(hours, quarters=, base=)`, `fail_with(mode, times=, delay_s=)`,
`set_delay(s)`, `set_time_format("unixtime" | "iso8601" | None, utc_offset_s)`,
`use_legacy_names()`, `drop_variables(*names)`, `null_variables(*names)`, `truncate_arrays(n)`,
`restore()` (all back to default), and from FakeService `count()`, `requests`, `reset()`.
A module-scoped server with `restore(); reset()` per test avoids the ~0.5 s a stop() takes.

Weather is given per hour, relative to now, in Open-Meteo's own variable names. Hour offset 0
is the hour we are in (Open-Meteo stamps it with the next full hour, because its period values
cover the hour before their timestamp), -1 the hour before, 1 the next one. `hours` is a dict
{offset: values} or a function offset -> values; values not given come from `base`, then from
a mild, dry, daylit default; dew point, wet bulb and skin temperature follow the temperature and
humidity given unless given themselves. 15-minute values come from the hour they fall in (sums split in
four) unless `quarters` gives them (offset 0 = the quarter hour we are in).

Like the real service it answers only the variables asked for, honours past_hours /
forecast_hours / past_minutely_15 / forecast_minutely_15, timeformat=unixtime and timezone,
and answers unknown variables with HTTP 400 and {"error": true, "reason": ...}.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.fakes.server import FakeService, Recorded, Reply

UTC = UTC
PATH = "/v1/forecast"
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)

Spec = Mapping[int, Mapping[str, Any]] | Callable[[int], Mapping[str, Any]]

DEFAULT_HOUR: dict[str, Any] = {
    "temperature_2m": 12.0,
    "relative_humidity_2m": 70,
    "dew_point_2m": 6.7,
    "apparent_temperature": 10.9,
    "precipitation": 0.0,
    "rain": 0.0,
    "showers": 0.0,
    "snowfall": 0.0,
    "precipitation_probability": 5,
    "snow_depth": 0.0,
    "weather_code": 1,
    "cloud_cover": 30,
    "wind_speed_10m": 10.0,
    "wind_gusts_10m": 18.0,
    "visibility": 24000.0,
    "soil_temperature_0cm": 12.0,
    "uv_index": 2.0,
    "is_day": 1,
    "wet_bulb_temperature_2m": 8.9,
    "shortwave_radiation": 250.0,
}
UNITS = {
    "temperature_2m": "°C",
    "relative_humidity_2m": "%",
    "dew_point_2m": "°C",
    "apparent_temperature": "°C",
    "precipitation": "mm",
    "rain": "mm",
    "showers": "mm",
    "snowfall": "cm",
    "precipitation_probability": "%",
    "snow_depth": "m",
    "weather_code": "wmo code",
    "cloud_cover": "%",
    "wind_speed_10m": "km/h",
    "wind_gusts_10m": "km/h",
    "visibility": "m",
    "soil_temperature_0cm": "°C",
    "uv_index": "",
    "is_day": "",
    "wet_bulb_temperature_2m": "°C",
    "shortwave_radiation": "W/m²",
}
SUMMED = {
    "precipitation",
    "rain",
    "showers",
    "snowfall",
}  # period sums: a quarter gets a quarter (radiation is a mean)
# Old names the API still accepts (and old fixtures use); the response echoes the name asked for.
LEGACY = {
    "weather_code": "weathercode",
    "wind_speed_10m": "windspeed_10m",
    "wind_gusts_10m": "windgusts_10m",
    "relative_humidity_2m": "relativehumidity_2m",
    "dew_point_2m": "dewpoint_2m",
    "cloud_cover": "cloudcover",
}
CURRENT_NAME = {legacy: name for name, legacy in LEGACY.items()}
FAILURES = {"timeout", "drop", "garbage", "wrong_shape", "empty"}
ERROR_REASONS = {  # real reasons (docs and open-meteo issues #439, #832)
    400: "Cannot initialize WeatherVariable from invalid String value tempeture_2m for key hourly",
    429: "Minutely API request limit exceeded",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def _floor(moment: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // step) * step


def _values(spec: Spec | None, offset: int) -> Mapping[str, Any]:
    if spec is None:
        return {}
    if callable(spec):
        return spec(offset) or {}
    return spec.get(offset, {})


def derive(row: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Fill what a test didn't give from what it did, as the real model's output hangs together:
    dew point (Magnus) and wet bulb (Stull 2011) from temperature and humidity, and a skin
    temperature equal to the air's. So a scenario that sets only `temperature_2m: -5` doesn't
    serve a 12 °C ground and a 6.7 °C dew point beside it."""
    t, rh = row.get("temperature_2m"), row.get("relative_humidity_2m")
    if "soil_temperature_0cm" not in given and "temperature_2m" in given:
        row["soil_temperature_0cm"] = t
    if t is None or rh is None or rh <= 0:
        return row
    if "dew_point_2m" not in given and ("temperature_2m" in given or "relative_humidity_2m" in given):
        gamma = math.log(rh / 100.0) + 17.27 * t / (237.7 + t)
        row["dew_point_2m"] = round(237.7 * gamma / (17.27 - gamma), 1)
    if "wet_bulb_temperature_2m" not in given and (
        "temperature_2m" in given or "relative_humidity_2m" in given
    ):
        wet_bulb = (
            t * math.atan(0.151977 * math.sqrt(rh + 8.313659))
            + math.atan(t + rh)
            - math.atan(rh - 1.676331)
            + 0.00391838 * rh**1.5 * math.atan(0.023101 * rh)
            - 4.686035
        )
        row["wet_bulb_temperature_2m"] = round(min(wet_bulb, t), 1)
    return row


def _split(raw: list[str] | None) -> list[str]:
    return [name for value in raw or [] for name in value.split(",") if name]


class OpenMeteoFake(FakeService):
    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.clock = clock
        self._settings_lock = threading.Lock()
        self.restore()

    @property
    def endpoint(self) -> str:
        """The URL to configure as BACKRUN_OPEN_METEO_URL."""
        return self.url + PATH

    # --- what to serve -------------------------------------------------------------------
    def set_weather(
        self,
        hours: Spec | None = None,
        *,
        quarters: Spec | None = None,
        base: Mapping[str, Any] | None = None,
    ) -> None:
        """Serve this weather from now on (see the module docstring). A value may be None (null)."""
        with self._settings_lock:
            self._hours, self._quarters = hours, quarters
            self._base = {**DEFAULT_HOUR, **(base or {})}
            self._given_base = dict(base or {})

    def fail_with(self, mode: int | str | None, *, times: int | None = None, delay_s: float = 5.0) -> None:
        """Misbehave until `fail_with(None)`, or for the next `times` requests.

        An int: that HTTP status with Open-Meteo's JSON error body (429 is its rate limit).
        "timeout": the normal answer, but only after `delay_s` (make it longer than the client's timeout).
        "drop": close the connection without answering. "garbage": 200 with an HTML body.
        "wrong_shape": 200 with a JSON list. "empty": 200 with the metadata but no time series.
        """
        if mode is not None and not isinstance(mode, int) and mode not in FAILURES:
            raise ValueError(f"unknown failure mode {mode!r}")
        with self._settings_lock:
            self._failure, self._failure_times, self._delay_s = mode, times, delay_s

    def set_delay(self, seconds: float) -> None:
        """Take this long over every answer (a slow but working service); 0 for no delay."""
        with self._settings_lock:
            self._answer_delay_s = seconds

    def set_time_format(self, time_format: str | None, utc_offset_s: int = 0) -> None:
        """Answer in "unixtime" or "iso8601" whatever was asked (None: as asked).

        `utc_offset_s` is the location's offset: local times in iso8601, and in any format the
        `utc_offset_seconds` field (unix times stay UTC, as in the real API).
        """
        with self._settings_lock:
            self._time_format, self._utc_offset_s = time_format, utc_offset_s

    def use_legacy_names(self, legacy: bool = True) -> None:
        """Name variables the old way in the answer (weathercode, windspeed_10m, ...)."""
        with self._settings_lock:
            self._legacy = legacy

    def drop_variables(self, *names: str) -> None:
        """Leave these variables out of the answer even when asked for."""
        with self._settings_lock:
            self._dropped = set(names)

    def null_variables(self, *names: str) -> None:
        """Answer these with all-null arrays and unit "undefined", as for variables a model lacks."""
        with self._settings_lock:
            self._nulled = set(names)

    def truncate_arrays(self, length: int | None) -> None:
        """Cut every variable's array (not `time`) to `length` entries; None: full length."""
        with self._settings_lock:
            self._truncate = length

    def restore(self) -> None:
        """Back to the default: healthy, default weather, answering in the format asked for."""
        self.set_weather()
        self.fail_with(None)
        self.set_delay(0)
        self.set_time_format(None)
        self.use_legacy_names(False)
        self.drop_variables()
        self.null_variables()
        self.truncate_arrays(None)

    # --- serving -------------------------------------------------------------------------
    def respond(self, request: Recorded) -> Reply:
        failure, delay_s = self._take_failure()
        reply = self._reply(request, failure, delay_s)
        with self._settings_lock:
            reply.delay_s = max(reply.delay_s, self._answer_delay_s)
        return reply

    def _reply(self, request: Recorded, failure: int | str | None, delay_s: float) -> Reply:
        if isinstance(failure, int):
            reason = ERROR_REASONS.get(failure, "Internal server error")
            return Reply.json({"error": True, "reason": reason}, status=failure)
        if failure == "drop":
            return Reply(drop=True)
        if failure == "garbage":
            return Reply(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})

        error = self._invalid(request.query)
        if error:
            return Reply.json({"error": True, "reason": error}, status=400)
        payload = self.payload(request.query)
        if failure == "wrong_shape":
            return Reply.json([payload])
        if failure == "empty":
            for block in ("hourly", "hourly_units", "minutely_15", "minutely_15_units"):
                payload.pop(block, None)
        reply = Reply.json(payload)
        reply.delay_s = delay_s if failure == "timeout" else 0.0
        return reply

    def payload(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        """The JSON body for a request's query parameters (also handy for unit tests)."""
        with self._settings_lock:
            now = self.clock()
            fmt = self._time_format or ("unixtime" if query.get("timeformat") == ["unixtime"] else "iso8601")
            offset_s = self._utc_offset_s if (self._time_format or "timezone" in query) else 0
            lat, lon = float(query["latitude"][0]), float(query["longitude"][0])
            payload: dict[str, Any] = {
                "latitude": round(lat, 4),
                "longitude": round(lon, 4),
                "generationtime_ms": 0.12,
                "utc_offset_seconds": offset_s,
                "timezone": "GMT",
                "timezone_abbreviation": f"GMT{offset_s // 3600:+d}" if offset_s else "GMT",
                "elevation": 38.0,
            }
            hour0, quarter0 = _floor(now, HOUR), _floor(now, QUARTER)
            hourly = _split(query.get("hourly"))
            if hourly:
                stamps = self._stamps(hour0, HOUR, query, "past_hours", "forecast_hours", 24)
                rows = [self._hour(round((stamp - HOUR - hour0) / HOUR)) for stamp in stamps]
                payload["hourly_units"], payload["hourly"] = self._block(hourly, stamps, rows, fmt, offset_s)
            quarterly = _split(query.get("minutely_15"))
            if quarterly:
                stamps = self._stamps(
                    quarter0, QUARTER, query, "past_minutely_15", "forecast_minutely_15", 96
                )
                rows = [self._quarter(stamp - QUARTER, quarter0, hour0) for stamp in stamps]
                units, block = self._block(quarterly, stamps, rows, fmt, offset_s)
                payload["minutely_15_units"], payload["minutely_15"] = units, block
            return payload

    # --- internals -----------------------------------------------------------------------
    def _take_failure(self) -> tuple[int | str | None, float]:
        with self._settings_lock:
            failure, delay_s = self._failure, self._delay_s
            if failure is not None and self._failure_times is not None:
                self._failure_times -= 1
                if self._failure_times <= 0:
                    self._failure = None
            return failure, delay_s

    def _invalid(self, query: Mapping[str, list[str]]) -> str | None:
        for key in ("latitude", "longitude"):
            try:
                float(query[key][0])
            except (KeyError, ValueError):
                return f"Parameter '{key}' is missing or not a number"
        for key in ("hourly", "minutely_15"):
            for name in _split(query.get(key)):
                if CURRENT_NAME.get(name, name) not in DEFAULT_HOUR:
                    return f"Cannot initialize WeatherVariable from invalid String value {name} for key {key}"
        return None

    @staticmethod
    def _stamps(
        anchor: datetime,
        step: timedelta,
        query: Mapping[str, list[str]],
        past_key: str,
        forecast_key: str,
        default_forecast: int,
    ) -> list[datetime]:
        past = int(query.get(past_key, ["0"])[0])
        forecast = int(query.get(forecast_key, [str(default_forecast)])[0])
        return [anchor + i * step for i in range(-past, forecast)]

    def _hour(self, offset: int) -> dict[str, Any]:
        given = {**self._given_base, **_values(self._hours, offset)}
        return derive({**self._base, **given}, given)

    def _quarter(self, start: datetime, quarter0: datetime, hour0: datetime) -> dict[str, Any]:
        hour = self._hour((start - hour0) // HOUR)
        derived = {
            name: value / 4 if name in SUMMED and value is not None else value for name, value in hour.items()
        }
        return {**derived, **_values(self._quarters, round((start - quarter0) / QUARTER))}

    def _block(
        self, names: list[str], stamps: list[datetime], rows: list[dict[str, Any]], fmt: str, offset_s: int
    ) -> tuple[dict[str, str], dict[str, list[Any]]]:
        if fmt == "unixtime":
            times: list[Any] = [int(stamp.timestamp()) for stamp in stamps]
        else:
            times = [(stamp + timedelta(seconds=offset_s)).strftime("%Y-%m-%dT%H:%M") for stamp in stamps]
        units: dict[str, str] = {"time": fmt}
        block: dict[str, list[Any]] = {"time": times}
        for asked in names:
            name = CURRENT_NAME.get(asked, asked)
            if name in self._dropped or asked in self._dropped:
                continue
            key = LEGACY.get(name, name) if self._legacy else asked
            nulled = name in self._nulled or asked in self._nulled
            column = [None if nulled else row.get(name) for row in rows]
            block[key] = column if self._truncate is None else column[: self._truncate]
            units[key] = "undefined" if nulled else UNITS[name]
        return units, block
