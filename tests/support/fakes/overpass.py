"""A fake Overpass API (`/api/interpreter`) answering in the real JSON format, failures included.

    with OverpassFake() as fake:
        app_config["BACKRUN_OVERPASS_URL"] = fake.endpoint
        fake.fail_with(429, retry_after=None)   # or 504, 406, 400, "remark", "timeout", "garbage"
        fake.fail_with(None)                    # healthy again
        fake.queries                            # the Overpass QL it was sent
        fake.max_in_flight                      # most requests it ever served at once

Like the public instance it reads the query from the POSTed form field `data`, answers the
elements with the query's `nwr["key"="value"]` tags inside its bounding box `(s,w,n,e)`, in the
shape `out geom;` gives (nodes with `lat`/`lon`; ways with `bounds`, `nodes` and `geometry`;
relations with `bounds` and their member ways' `geometry`), and refuses requests without an
identifying User-Agent with HTTP 406 (its rule since April 2026). The elements are derived from
real extracts in data/osm (tests/support/fakes/overpass_data.py; © OpenStreetMap contributors, ODbL),
Liechtenstein unless others are given. Failure bodies follow the research's real examples: a 504
HTML page from the dispatcher, and a 200 JSON with a `remark` and no elements for a query that
timed out.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

from tests.support.fakes.overpass_data import elements_from_extract
from tests.support.fakes.server import FakeService, Recorded, Reply

PATH = "/api/interpreter"
EXTRACTS = (Path(__file__).resolve().parents[3] / "data" / "osm" / "liechtenstein-2022-07-24.osm.pbf",)
_TAG = re.compile(r'\["([^"]+)"="([^"]+)"\]')
_BBOX = re.compile(
    r"\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)"
)
HEADER = {
    "version": 0.6,
    "generator": "Overpass API 0.7.62.1 084b4234",
    "osm3s": {
        "timestamp_osm_base": "2022-07-24T20:21:51Z",
        "copyright": "The data included in this document is from www.openstreetmap.org. "
        "The data is made available under ODbL.",
    },
}
GATEWAY_TIMEOUT_PAGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" '
    b'xml:lang="en" lang="en"><head><title>OSM3S Response</title></head><body>\n'
    b'<p><strong style="color:#FF0000">Error</strong>: runtime error: open64: 0 Success /osm3s_osm_base '
    b"Dispatcher_Client::request_read_and_idx::timeout. The server is probably too busy to handle your "
    b"request. </p>\n</body></html>\n"
)
TOO_MANY_PAGE = (
    b"<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1>"
    b"<p>Rate limit exceeded. Please wait before sending the next request.</p></body></html>\n"
)
TIMEOUT_REMARK = 'runtime error: Query timed out in "query" at line 4 after 2 seconds.'
STOCK_AGENTS = ("python-requests", "python-urllib", "curl/", "wget/")


class OverpassFake(FakeService):
    def __init__(self, extracts: tuple[Path, ...] = EXTRACTS) -> None:
        super().__init__()
        self.extracts = tuple(extracts)
        self.queries: list[str] = []
        self.max_in_flight = 0
        self._busy: list[float] = []  # when the answers being prepared will go out
        self._body = threading.local()
        self._failure: int | str | None = None
        self._failures_left: int | None = None
        self._retry_after: str | None = None
        self._delay_s = 0.0
        self._state = threading.Lock()

    def prepare(self, tags) -> None:
        """Derive the answers for these tags now, so no request waits for it (about a second per extract)."""
        for path in self.extracts:
            elements_from_extract(path, tags)

    @property
    def endpoint(self) -> str:
        return self.url + PATH

    def fail_with(
        self,
        mode: int | str | None,
        *,
        times: int | None = None,
        retry_after: str | None = None,
        delay_s: float = 3.0,
    ) -> None:
        """429/504/406/400/500, "remark" (a timed-out query as 200 JSON), "timeout" (answer after
        delay_s) or "garbage" (not JSON); `times` failures, then healthy again (None: until reset)."""
        with self._state:
            self._failure, self._failures_left, self._retry_after = mode, times, retry_after
            self._delay_s = delay_s if mode == "timeout" else 0.0

    def set_delay(self, seconds: float) -> None:
        with self._state:
            self._delay_s = seconds

    def restore(self) -> None:
        self.fail_with(None)
        with self._state:
            self.queries.clear()
            self.max_in_flight = 0
            self._busy.clear()

    # The base class reads and drops the request body; Overpass queries arrive in it.
    def _handle(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        self._body.value = handler.rfile.read(length) if length else b""
        del handler.headers["Content-Length"]
        super()._handle(handler)

    def _count_in_flight(self, answer_delay_s: float) -> None:
        """Requests overlap when one arrives before an earlier one's answer has gone out."""
        now = time.monotonic()
        self._busy = [end for end in self._busy if end > now]
        self.max_in_flight = max(self.max_in_flight, len(self._busy) + 1)
        self._busy.append(now + answer_delay_s)

    def respond(self, request: Recorded) -> Reply:
        if request.path != PATH:
            return Reply(404, b"not found")
        query = (parse_qs(getattr(self._body, "value", b"").decode()).get("data") or [""])[0]
        with self._state:
            self.queries.append(query)
            failure = self._take_failure()
            delay = self._delay_s
            self._count_in_flight(delay)
        agent = request.headers.get("User-Agent", "")
        if not agent or agent.lower().startswith(STOCK_AGENTS):
            return Reply(
                406, b"<html><body><h1>406 Not Acceptable</h1></body></html>", {"Content-Type": "text/html"}
            )
        if failure == 429:
            headers = {"Content-Type": "text/html"}
            if self._retry_after:
                headers["Retry-After"] = self._retry_after
            return Reply(429, TOO_MANY_PAGE, headers)
        if failure == 504:
            return Reply(504, GATEWAY_TIMEOUT_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        if isinstance(failure, int):
            return Reply(failure, b"<html><body><p>Error</p></body></html>", {"Content-Type": "text/html"})
        if failure == "remark":
            return Reply.json({**HEADER, "elements": [], "remark": TIMEOUT_REMARK})
        if failure == "garbage":
            return Reply(200, b"<html>surprise</html>", {"Content-Type": "application/json"})
        box = _bbox(query)
        if box is None:
            return Reply(
                400, b"<p><strong>Error</strong>: line 1: parse error</p>", {"Content-Type": "text/html"}
            )
        tags = set(_TAG.findall(query))
        elements = [
            e for path in self.extracts for e in elements_from_extract(path, tags) if _intersects(e, box)
        ]
        reply = Reply.json({**HEADER, "elements": elements})
        reply.delay_s = delay
        return reply

    def _take_failure(self) -> int | str | None:
        if self._failure is None or self._failure == "timeout":
            return None
        if self._failures_left is not None:
            if self._failures_left <= 0:
                return None
            self._failures_left -= 1
        return self._failure


def _bbox(query: str) -> tuple[float, float, float, float] | None:
    match = _BBOX.search(query)
    return tuple(float(g) for g in match.groups()) if match else None  # type: ignore[return-value]


def _intersects(element: dict, box: tuple[float, float, float, float]) -> bool:
    south, west, north, east = box
    if element["type"] == "node":
        return south <= element["lat"] <= north and west <= element["lon"] <= east
    b = element["bounds"]
    return not (b["maxlat"] < south or b["minlat"] > north or b["maxlon"] < west or b["minlon"] > east)
