"""A fake Open-Meteo Air Quality API (`/v1/air-quality`) serving the real JSON format.

    with AirQualityFake() as fake:
        app_config["BACKRUN_AIR_QUALITY_URL"] = fake.endpoint
        fake.set_air(hours={0: {"us_aqi": 160, "european_aqi": 85}})
        fake.set_air(base={"grass_pollen": 80})      # every hour
        fake.fail_with(500)            # or 429, "timeout", "drop", "garbage", "wrong_shape", "empty"
        fake.fail_with(None)           # healthy again

The format follows a captured response (frenck/python-open-meteo tests/fixtures/air_quality.json):
`hourly_units` and `hourly` with `time` plus one array per asked variable, metadata around them,
pollen in grains/m³ (null outside Europe: `outside_europe()`), times as unix seconds when
`timeformat=unixtime` is asked, else local ISO 8601. Values are instant: the value stamped
10:00 is the model's state at 10:00. Hour offset 0 is the current hour's stamp (now floored to
the hour), 1 the next. Unknown variables get HTTP 400 with {"error": true, "reason": ...}.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.fakes.server import FakeService, Recorded, Reply

UTC = UTC
PATH = "/v1/air-quality"
HOUR = timedelta(hours=1)
Spec = Mapping[int, Mapping[str, Any]] | Callable[[int], Mapping[str, Any]]

DEFAULT_HOUR: dict[str, Any] = {  # a clean, pollen-free autumn hour (values from the captured fixture)
    "pm10": 25.1,
    "pm2_5": 20.5,
    "carbon_monoxide": 263.0,
    "nitrogen_dioxide": 20.7,
    "sulphur_dioxide": 1.3,
    "ozone": 33.0,
    "dust": 0.0,
    "uv_index": 0.0,
    "alder_pollen": 0.0,
    "birch_pollen": 0.0,
    "grass_pollen": 0.0,
    "mugwort_pollen": 0.0,
    "olive_pollen": 0.0,
    "ragweed_pollen": 0.0,
    "european_aqi": 30,
    "european_aqi_pm2_5": 30,
    "european_aqi_pm10": 27,
    "us_aqi": 40,
    "us_aqi_pm2_5": 40,
    "us_aqi_pm10": 19,
}
POLLEN = ("alder_pollen", "birch_pollen", "grass_pollen", "mugwort_pollen", "olive_pollen", "ragweed_pollen")
UNITS = {
    name: (
        "grains/m³"
        if name in POLLEN
        else "EAQI"
        if name.startswith("european_aqi")
        else "USAQI"
        if name.startswith("us_aqi")
        else ""
        if name == "uv_index"
        else "μg/m³"
    )
    for name in DEFAULT_HOUR
}
FAILURES = {"timeout", "drop", "garbage", "wrong_shape", "empty"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


class AirQualityFake(FakeService):
    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.clock = clock
        self._settings_lock = threading.Lock()
        self.restore()

    @property
    def endpoint(self) -> str:
        """The URL to configure as BACKRUN_AIR_QUALITY_URL."""
        return self.url + PATH

    def set_air(self, hours: Spec | None = None, *, base: Mapping[str, Any] | None = None) -> None:
        """Serve these values from now on: per hour offset, over `base`, over a clean default."""
        with self._settings_lock:
            self._hours, self._base = hours, {**DEFAULT_HOUR, **(base or {})}

    def outside_europe(self, outside: bool = True) -> None:
        """Pollen as null arrays with unit "undefined", as the global model answers."""
        with self._settings_lock:
            self._no_pollen = outside

    def fail_with(self, mode: int | str | None, *, delay_s: float = 5.0) -> None:
        """An HTTP status with the JSON error body, "timeout" (answer after `delay_s`), "drop"
        (close without answering), "garbage" (HTML), "wrong_shape" (a JSON list) or "empty"
        (metadata without the hourly block). None: healthy."""
        if mode is not None and not isinstance(mode, int) and mode not in FAILURES:
            raise ValueError(f"unknown failure mode {mode!r}")
        with self._settings_lock:
            self._failure, self._delay_s = mode, delay_s

    def restore(self) -> None:
        self.set_air()
        self.outside_europe(False)
        self.fail_with(None)

    def respond(self, request: Recorded) -> Reply:
        with self._settings_lock:
            failure, delay_s = self._failure, self._delay_s
        if isinstance(failure, int):
            reason = "Minutely API request limit exceeded" if failure == 429 else "Internal server error"
            return Reply.json({"error": True, "reason": reason}, status=failure)
        if failure == "drop":
            return Reply(drop=True)
        if failure == "garbage":
            return Reply(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
        names = [n for v in request.query.get("hourly", []) for n in v.split(",") if n]
        unknown = next((n for n in names if n not in DEFAULT_HOUR), None)
        if unknown:
            return Reply.json(
                {
                    "error": True,
                    "reason": f"Cannot initialize AirQualityVariable from invalid String "
                    f"value {unknown} for key hourly",
                },
                status=400,
            )
        payload = self.payload(request.query, names)
        if failure == "wrong_shape":
            return Reply.json([payload])
        if failure == "empty":
            payload.pop("hourly", None)
            payload.pop("hourly_units", None)
        reply = Reply.json(payload)
        reply.delay_s = delay_s if failure == "timeout" else 0.0
        return reply

    def payload(self, query: Mapping[str, list[str]], names: list[str]) -> dict[str, Any]:
        with self._settings_lock:
            now = self.clock()
            lat, lon = float(query["latitude"][0]), float(query["longitude"][0])
            past = int(query.get("past_hours", ["0"])[0])
            ahead = int(query.get("forecast_hours", ["120"])[0])
            hour0 = _floor_hour(now)
            stamps = [hour0 + i * HOUR for i in range(-past, ahead)]
            unix = query.get("timeformat") == ["unixtime"]
            times: list[Any] = [int(s.timestamp()) if unix else s.strftime("%Y-%m-%dT%H:%M") for s in stamps]
            rows = [{**self._base, **self._values(i)} for i in range(-past, ahead)]
            units: dict[str, str] = {"time": "unixtime" if unix else "iso8601"}
            hourly: dict[str, list[Any]] = {"time": times}
            for name in names:
                nulled = self._no_pollen and name in POLLEN
                hourly[name] = [None if nulled else row.get(name) for row in rows]
                units[name] = "undefined" if nulled else UNITS[name]
            return {
                "latitude": round(lat, 4),
                "longitude": round(lon, 4),
                "generationtime_ms": 7.74,
                "utc_offset_seconds": 0,
                "timezone": "GMT",
                "timezone_abbreviation": "GMT",
                "elevation": 29.0,
                "hourly_units": units,
                "hourly": hourly,
            }

    def _values(self, offset: int) -> Mapping[str, Any]:
        spec = self._hours
        if spec is None:
            return {}
        return (spec(offset) if callable(spec) else spec.get(offset, {})) or {}


# One fake for the whole run, started on first use: every app from `make_app` asks it, with no
# fixture to pass along (the apps of benchmarks and tools included), and a test sets it up through
# the `air_quality` fixture, which hands out this same one.
_SHARED: AirQualityFake | None = None
_SHARED_LOCK = threading.Lock()


def shared_air_quality() -> AirQualityFake:
    """The fake every test app asks (clean air unless a test says otherwise), so no test reaches
    the real service."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = AirQualityFake().start()
        return _SHARED


def air_quality_started() -> bool:
    return _SHARED is not None
