"""A fake MET Norway Locationforecast 2.0 (`/weatherapi/locationforecast/2.0/compact`).

    with MetNoFake() as fake:
        app_config["BACKRUN_MET_NO_URL"] = fake.endpoint
        fake.set_weather(hours={0: {"symbol_code": "lightsleetshowers_day", "precipitation_amount": 0.6}})
        fake.fail_with(429)            # or 500, 203, "timeout", "drop", "garbage", "wrong_shape"
        fake.fail_with(None)           # healthy again
        assert fake.count() == 1

API: `endpoint`, `set_weather(hours, base=)`, `fail_with(mode, times=, delay_s=)`, `set_delay(s)`,
`expires_s` (attribute, default 1800), `last_modified` (the header value), `restore()`, and
from FakeService `count()`, `requests`, `reset()`.

It serves the real GeoJSON: a timeseries starting at the current hour, hourly for 48 hours
(instant + next_1_hours + next_6_hours + next_12_hours), then 6-hourly entries with only
next_6_hours, as the real series thins out. Weather is given per hour relative to now (offset
0 = the hour we are in) in MET's names: air_temperature, relative_humidity, wind_speed (m/s),
precipitation_amount, symbol_code, ... The `complete` variables (dew_point_temperature,
wind_speed_of_gust, fog_area_fraction, ultraviolet_index_clear_sky, probability_of_precipitation,
probability_of_thunder) appear when a test gives them.

The terms are enforced like the real service: 403 without an identifying User-Agent or with
more than 4 decimals; `Expires` and `Last-Modified` on every answer; 304 when If-Modified-Since
matches Last-Modified. `set_weather` counts as a model update (new Last-Modified).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from tests.support.fakes.server import FakeService, Recorded, Reply

UTC = UTC
PATH = "/weatherapi/locationforecast/2.0/compact"
HOUR = timedelta(hours=1)
HOURLY_ENTRIES = 48
SIX_HOURLY_ENTRIES = 4

Spec = Mapping[int, Mapping[str, Any]] | Callable[[int], Mapping[str, Any]]

DEFAULT_HOUR: dict[str, Any] = {
    "air_pressure_at_sea_level": 1015.0,
    "air_temperature": 12.0,
    "cloud_area_fraction": 40.0,
    "relative_humidity": 70.0,
    "wind_from_direction": 200.0,
    "wind_speed": 3.0,
    "precipitation_amount": 0.0,
    "symbol_code": "partlycloudy_day",
}
INSTANT = {
    "air_pressure_at_sea_level",
    "air_temperature",
    "cloud_area_fraction",
    "relative_humidity",
    "wind_from_direction",
    "wind_speed",
    "dew_point_temperature",
    "fog_area_fraction",
    "wind_speed_of_gust",
    "ultraviolet_index_clear_sky",
}
PERIOD = {"precipitation_amount", "probability_of_precipitation", "probability_of_thunder"}
UNITS = {
    "air_pressure_at_sea_level": "hPa",
    "air_temperature": "celsius",
    "cloud_area_fraction": "%",
    "precipitation_amount": "mm",
    "relative_humidity": "%",
    "wind_from_direction": "degrees",
    "wind_speed": "m/s",
}
FAILURES = {"timeout", "drop", "garbage", "wrong_shape"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _values(spec: Spec | None, offset: int) -> Mapping[str, Any]:
    if spec is None:
        return {}
    if callable(spec):
        return spec(offset) or {}
    return spec.get(offset, {})


class MetNoFake(FakeService):
    def __init__(self, clock: Callable[[], datetime] = utc_now, expires_s: float = 1800) -> None:
        super().__init__()
        self.clock = clock
        self._default_expires_s = expires_s
        self._settings_lock = threading.Lock()
        self.restore()

    @property
    def endpoint(self) -> str:
        """The URL to configure as BACKRUN_MET_NO_URL."""
        return self.url + PATH

    def set_weather(self, hours: Spec | None = None, *, base: Mapping[str, Any] | None = None) -> None:
        """Serve this weather from now on; also a new model run, so Last-Modified changes."""
        with self._settings_lock:
            self._hours = hours
            self._base = {**DEFAULT_HOUR, **(base or {})}
            # HTTP dates have whole seconds; a new run must look newer than the previous one.
            now = self.clock().replace(microsecond=0)
            previous = getattr(self, "_last_modified", None)
            self._last_modified = (
                now if previous is None or now > previous else previous + timedelta(seconds=1)
            )

    def fail_with(self, mode: int | str | None, *, times: int | None = None, delay_s: float = 5.0) -> None:
        """Misbehave until `fail_with(None)`, or for the next `times` requests.

        An int: that HTTP status with a plain-text body; 203 instead serves the data with status
        203 (a deprecated product version). "timeout": the normal answer after `delay_s`.
        "drop": close the connection. "garbage": 200 with a non-JSON body. "wrong_shape": 200
        with GeoJSON that has no timeseries.
        """
        if mode is not None and not isinstance(mode, int) and mode not in FAILURES:
            raise ValueError(f"unknown failure mode {mode!r}")
        with self._settings_lock:
            self._failure, self._failure_times, self._delay_s = mode, times, delay_s

    def set_delay(self, seconds: float) -> None:
        """Take this long over every answer (a slow but working service); 0 for no delay."""
        with self._settings_lock:
            self._answer_delay_s = seconds

    def restore(self) -> None:
        """Back to the default: healthy, default weather (as a new model run), no delay."""
        self.expires_s = self._default_expires_s  # how long each answer says it stays valid
        self.set_weather()
        self.fail_with(None)
        self.set_delay(0)

    @property
    def last_modified(self) -> str:
        with self._settings_lock:
            return http_date(self._last_modified)

    # --- serving -------------------------------------------------------------------------
    def respond(self, request: Recorded) -> Reply:
        failure, delay_s = self._take_failure()
        reply = self._reply(request, failure, delay_s)
        with self._settings_lock:
            reply.delay_s = max(reply.delay_s, self._answer_delay_s)
        return reply

    def _reply(self, request: Recorded, failure: int | str | None, delay_s: float) -> Reply:
        if failure == "drop":
            return Reply(drop=True)
        if isinstance(failure, int) and failure != 203:
            return Reply(
                failure, f"{failure} error from fake MET Norway".encode(), {"Content-Type": "text/plain"}
            )
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal

        with self._settings_lock:
            now = self.clock()
            last_modified = self._last_modified
        headers = {
            "Expires": http_date(now + timedelta(seconds=self.expires_s)),
            "Last-Modified": http_date(last_modified),
        }
        if _not_modified_since(request.headers.get("If-Modified-Since"), last_modified):
            return Reply(304, b"", headers)
        if failure == "garbage":
            return Reply(
                200, b'{"type": "Feature", "geometry":', {"Content-Type": "application/json", **headers}
            )
        payload = self.payload(float(request.query["lat"][0]), float(request.query["lon"][0]))
        if failure == "wrong_shape":
            del payload["properties"]["timeseries"]
        status = 203 if failure == 203 else 200
        reply = Reply(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers})
        reply.delay_s = delay_s if failure == "timeout" else 0.0
        return reply

    def payload(self, lat: float, lon: float) -> dict[str, Any]:
        """The GeoJSON body for a location (also handy for unit tests)."""
        with self._settings_lock:
            now = self.clock()
            hour0 = now.replace(minute=0, second=0, microsecond=0)
            offsets = list(range(HOURLY_ENTRIES)) + [
                HOURLY_ENTRIES + 6 * i for i in range(SIX_HOURLY_ENTRIES)
            ]
            timeseries = [self._entry(hour0, offset, hourly=offset < HOURLY_ENTRIES) for offset in offsets]
            return {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat, 27]},
                "properties": {
                    "meta": {
                        "updated_at": self._last_modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "units": UNITS,
                    },
                    "timeseries": timeseries,
                },
            }

    # --- internals -----------------------------------------------------------------------
    def _take_failure(self) -> tuple[int | str | None, float]:
        with self._settings_lock:
            failure, delay_s = self._failure, self._delay_s
            if failure is not None and self._failure_times is not None:
                self._failure_times -= 1
                if self._failure_times <= 0:
                    self._failure = None
            return failure, delay_s

    @staticmethod
    def _refusal(request: Recorded) -> Reply | None:
        agent = request.headers.get("User-Agent", "")
        if not agent or agent.startswith(("python-requests", "python-urllib", "curl")):
            return Reply(
                403, b"403 Forbidden: identify yourself in the User-Agent", {"Content-Type": "text/plain"}
            )
        for key in ("lat", "lon"):
            raw = request.query.get(key, [""])[0]
            try:
                float(raw)
            except ValueError:
                return Reply(400, f"400 Bad Request: {key} missing".encode(), {"Content-Type": "text/plain"})
            if "." in raw and len(raw.split(".", 1)[1]) > 4:
                return Reply(
                    403, b"403 Forbidden: max 4 decimals in coordinates", {"Content-Type": "text/plain"}
                )
        return None

    def _hour(self, offset: int) -> dict[str, Any]:
        return {**self._base, **_values(self._hours, offset)}

    def _entry(self, hour0: datetime, offset: int, hourly: bool) -> dict[str, Any]:
        values = self._hour(offset)
        six = [self._hour(offset + i) for i in range(6)]
        data: dict[str, Any] = {
            "instant": {"details": {k: v for k, v in values.items() if k in INSTANT}},
            "next_12_hours": {"summary": {"symbol_code": values["symbol_code"]}, "details": {}},
            "next_6_hours": {
                "summary": {"symbol_code": values["symbol_code"]},
                "details": {
                    "precipitation_amount": round(sum(h.get("precipitation_amount") or 0 for h in six), 1)
                },
            },
        }
        if hourly:
            data["next_1_hours"] = {
                "summary": {"symbol_code": values["symbol_code"]},
                "details": {k: v for k, v in values.items() if k in PERIOD},
            }
        time = (hour0 + offset * HOUR).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"time": time, "data": data}


def _not_modified_since(header: str | None, last_modified: datetime) -> bool:
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since >= last_modified
