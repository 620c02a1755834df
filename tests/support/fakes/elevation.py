"""A fake Open-Meteo Elevation API (`/v1/elevation`) in the real format, failures included.

    with ElevationFake() as fake:
        app_config["BACKRUN_ELEVATION_URL"] = fake.endpoint
        fake.terrain = lambda lat, lon: 450 + ...   # ground height in metres (default: flat, 450 m)
        fake.fail_with(429)                          # or 400, 500, "garbage"; None: healthy again
        fake.points                                  # every (lat, lon) it was asked for

Like the real service: `GET /v1/elevation?latitude=52.52,48.85&longitude=13.41,2.35` answers
`{"elevation":[38.0,35.0]}` (heights rounded to 0.1 m), at most 100 coordinates per request;
errors are `{"error":true,"reason":"…"}` with HTTP 400 (and 429 when over the rate limit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from tests.support.fakes.server import FakeService, Recorded, Reply

PATH = "/v1/elevation"
MAX_COORDINATES = 100


class ElevationFake(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.terrain: Callable[[float, float], float] = lambda lat, lon: 450.0
        self.points: list[tuple[float, float]] = []
        self._failure: int | str | None = None
        self._state = threading.Lock()

    @property
    def endpoint(self) -> str:
        return self.url + PATH

    def fail_with(self, mode: int | str | None) -> None:
        with self._state:
            self._failure = mode

    def restore(self) -> None:
        with self._state:
            self._failure = None
            self.points.clear()
        self.terrain = lambda lat, lon: 450.0

    def respond(self, request: Recorded) -> Reply:
        if request.path != PATH:
            return Reply(404, b"not found")
        with self._state:
            failure = self._failure
        if failure == 429:
            return Reply.json(
                {
                    "error": True,
                    "reason": "Minutely API request limit exceeded. Please try again in one minute.",
                },
                429,
            )
        if isinstance(failure, int):
            return Reply(failure, b"<html><body>Error</body></html>", {"Content-Type": "text/html"})
        if failure == "garbage":
            return Reply(200, b"<html>surprise</html>", {"Content-Type": "application/json"})
        try:
            lats = [float(v) for v in request.query["latitude"][0].split(",")]
            lons = [float(v) for v in request.query["longitude"][0].split(",")]
        except (KeyError, ValueError):
            return Reply.json(
                {"error": True, "reason": "Parameter 'latitude' and 'longitude' must be set"}, 400
            )
        if len(lats) != len(lons):
            return Reply.json(
                {
                    "error": True,
                    "reason": "Parameter 'latitude' and 'longitude' must have the same number of elements",
                },
                400,
            )
        if len(lats) > MAX_COORDINATES:
            return Reply.json(
                {
                    "error": True,
                    "reason": f"Only up to {MAX_COORDINATES} coordinates can be requested at once",
                },
                400,
            )
        with self._state:
            self.points.extend(zip(lats, lons, strict=True))
        return Reply.json(
            {"elevation": [round(self.terrain(lat, lon), 1) for lat, lon in zip(lats, lons, strict=True)]}
        )
