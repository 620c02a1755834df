"""Overpass API client for live venue lookups where no extract is imported.

The public instance's rules (docs/venue-scoring.md, "Live lookup"): an identifying User-Agent,
no parallel requests, at least 30 s of silence after a 429, and few calls. So:

* one request at a time for the whole app: the coordinator's lock, shared by every thread and
  worker process (and every machine with Redis);
* a back-off shared the same way (in the app cache): ≥ 30 s after a 429 (longer when Retry-After
  says so), 60 s after a gateway error, a timeout or a broken answer. While it lasts no request
  is sent at all;
* a `remark` reporting a runtime error (such as "Query timed out") is a failure, not the empty
  result it looks like.

Every failure is an `OverpassError` with a `kind`; callers answer from what is stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from backrun.venues.geometry import Box

log = logging.getLogger(__name__)

LOCK_NAME = "overpass"
BACKOFF_KEY = "venues:overpass:backoff-until"
BACKOFF_AFTER_429_S = 30.0
BACKOFF_AFTER_FAILURE_S = 60.0
MAX_BACKOFF_S = 15 * 60.0
DEFAULT_QUERY_TIMEOUT_S = 10  # [timeout:N] in the query; the HTTP read timeout allows a little more
READ_MARGIN_S = 5.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # [maxsize:…] too


class OverpassError(Exception):
    """kind: disabled | backing_off | busy | rate_limited | gateway | timeout | refused | bad_response | unavailable"""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


Point = tuple[float, float] | None  # a node's (lat, lon); None where the answer has none


@dataclass(frozen=True, slots=True)
class OverpassElement:
    """One element of an `out geom` answer, with its full geometry."""

    osm_type: str
    osm_id: int
    tags: Mapping[str, str]
    lat: float | None = None  # nodes
    lon: float | None = None
    points: tuple[Point, ...] = ()  # ways: their nodes' positions in order
    closed: bool = False  # ways: the first and last node are the same node
    members: tuple[tuple[str, tuple[Point, ...] | None], ...] = ()  # relations: (role, way geometry)


def build_query(
    box: Box, tags: Iterable[tuple[str, str]], *, timeout_s: int = DEFAULT_QUERY_TIMEOUT_S
) -> str:
    """An Overpass QL query for the candidate tags in a box, with full geometry (`out geom`): ways
    with their nodes' positions, relations with their member ways', so sizes and shapes are
    measured exactly as the importer measures them."""
    south, west, north, east = box
    bbox = f"({south:.6f},{west:.6f},{north:.6f},{east:.6f})"
    lines = [f'  nwr["{key}"="{value}"]{bbox};' for key, value in tags]
    return (
        f"[out:json][timeout:{int(timeout_s)}][maxsize:{MAX_RESPONSE_BYTES}];\n(\n"
        + "\n".join(lines)
        + "\n);\nout geom qt;\n"
    )


def parse_response(payload: Any) -> list[OverpassElement]:
    """Elements of an Overpass JSON answer. Raises OverpassError for a runtime-error remark (a
    timed-out query comes back as HTTP 200 with no elements and such a remark) or a wrong shape."""
    if not isinstance(payload, dict) or not isinstance(payload.get("elements"), list):
        raise OverpassError("bad_response", "Overpass answered without an `elements` list")
    remark = payload.get("remark")
    if isinstance(remark, str) and _is_failure_remark(remark):
        kind = "timeout" if "timed out" in remark.lower() or "timeout" in remark.lower() else "bad_response"
        raise OverpassError(kind, f"Overpass: {remark.strip()[:200]}")
    elements = []
    for raw in payload["elements"]:
        element = _element(raw)
        if element is not None:
            elements.append(element)
    return elements


def _is_failure_remark(remark: str) -> bool:
    text = remark.lower()
    return text.startswith("runtime error") or "timed out" in text or "out of memory" in text


def _element(raw: Any) -> OverpassElement | None:
    if not isinstance(raw, dict) or raw.get("type") not in ("node", "way", "relation"):
        return None
    try:
        osm_id = int(raw["id"])
    except (KeyError, TypeError, ValueError):
        return None
    tags = raw.get("tags")
    if not isinstance(tags, dict) or not tags:
        return None
    tags = {str(k): str(v) for k, v in tags.items()}
    try:
        if raw["type"] == "node":
            return OverpassElement("node", osm_id, tags, lat=float(raw["lat"]), lon=float(raw["lon"]))
        if raw["type"] == "way":
            points = _geometry(raw.get("geometry"))
            if points is None:
                return None
            nodes = raw.get("nodes")
            if isinstance(nodes, list) and len(nodes) > 1:
                closed = nodes[0] == nodes[-1]
            else:  # an answer without node ids (`out tags geom`): the same first and last position
                closed = len(points) > 1 and points[0] is not None and points[0] == points[-1]
            return OverpassElement("way", osm_id, tags, points=points, closed=closed)
        members = raw.get("members")
        if not isinstance(members, list):
            return None
        ways = tuple(
            (str(m.get("role") or ""), _geometry(m.get("geometry")))
            for m in members
            if isinstance(m, dict) and m.get("type") == "way"
        )
        return OverpassElement("relation", osm_id, tags, members=ways)
    except (KeyError, TypeError, ValueError):
        return None  # a malformed element costs that element, not the answer


def _geometry(raw: Any) -> tuple[Point, ...] | None:
    """`geometry` of a way: [{"lat":…, "lon":…}, …]; a null entry is a node outside the data."""
    if not isinstance(raw, list):
        return None
    return tuple(None if p is None else (float(p["lat"]), float(p["lon"])) for p in raw)


class BackoffStore:
    """When the next request may go, shared by all workers through the app cache."""

    def __init__(self, cache: Any, clock: Callable[[], float] = time.time) -> None:
        self._cache = cache
        self._clock = clock

    def remaining_s(self) -> float:
        try:
            until = self._cache.get(BACKOFF_KEY)
        except Exception:
            log.warning("cache unavailable: Overpass back-off state unknown", exc_info=True)
            return 0.0
        return max(0.0, float(until) - self._clock()) if until else 0.0

    def back_off(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), MAX_BACKOFF_S)
        until = self._clock() + seconds
        try:
            current = self._cache.get(BACKOFF_KEY)
            if not current or float(current) < until:
                self._cache.set(BACKOFF_KEY, until, timeout=int(seconds) + 5)
        except Exception:
            log.warning("cache unavailable: Overpass back-off not shared", exc_info=True)


class OverpassFetcher(Protocol):
    """What a live lookup asks: the client itself, or the client behind the app's guards."""

    url: str

    def fetch(
        self, box: Box, tags: Iterable[tuple[str, str]], still_needed: Callable[[], bool] = ...
    ) -> list[OverpassElement] | None: ...


class OverpassClient:
    def __init__(
        self,
        url: str,
        client: requests.Session,
        coordinator: Any,
        backoff: BackoffStore,
        *,
        connect_timeout_s: float,
        query_timeout_s: int = DEFAULT_QUERY_TIMEOUT_S,
        read_timeout_s: float | None = None,
        lock_wait_s: float = 5.0,
    ) -> None:
        self.url = url
        self._client = client
        self._coordinator = coordinator
        self._backoff = backoff
        self._connect_timeout_s = connect_timeout_s
        self._query_timeout_s = query_timeout_s
        # Overpass only answers once its own [timeout:N] has run out, so wait a little longer.
        self._read_timeout_s = read_timeout_s or query_timeout_s + READ_MARGIN_S
        self._lock_wait_s = lock_wait_s

    def fetch(
        self, box: Box, tags: Iterable[tuple[str, str]], still_needed: Callable[[], bool] = lambda: True
    ) -> list[OverpassElement] | None:
        """The elements in `box`, or None when `still_needed()` says (under the lock) that another
        request already got them. Raises OverpassError."""
        if not self.url:
            raise OverpassError("disabled", "live lookup is disabled (BACKRUN_OVERPASS_URL is empty)")
        self._raise_if_backing_off()
        with self._coordinator.lock(LOCK_NAME, self._lock_wait_s) as acquired:
            if not acquired:
                raise OverpassError("busy", "another Overpass request is still running")
            self._raise_if_backing_off()  # set by whoever held the lock before us
            if not still_needed():
                return None
            return self._request(build_query(box, tags, timeout_s=self._query_timeout_s))

    def _raise_if_backing_off(self) -> None:
        remaining = self._backoff.remaining_s()
        if remaining > 0:
            raise OverpassError("backing_off", f"not asking Overpass for another {remaining:.0f} s")

    def _request(self, query: str) -> list[OverpassElement]:
        started = time.monotonic()
        try:
            response = self._client.post(
                self.url,
                data={"data": query},
                timeout=(self._connect_timeout_s, self._read_timeout_s),
                stream=True,
            )
            # The read timeout is per read: a server dripping a byte at a time would never hit it.
            # The whole answer must arrive within it.
            _read_within(response, started + self._read_timeout_s)
        except requests.Timeout:
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise OverpassError("timeout", "Overpass did not answer in time") from None
        except requests.RequestException as exc:
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise OverpassError("unavailable", f"Overpass unreachable: {type(exc).__name__}") from None
        log.info("overpass %s in %.2f s", response.status_code, time.monotonic() - started)
        status = response.status_code
        if status == 429:
            wait = max(BACKOFF_AFTER_429_S, _retry_after(response.headers.get("Retry-After")))
            self._fail(wait)
            raise OverpassError("rate_limited", f"Overpass rate limit: waiting {wait:.0f} s")
        if status in (502, 503, 504):
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise OverpassError("gateway", f"Overpass is overloaded (HTTP {status})")
        if status in (400, 403, 406):
            # Our query or our User-Agent was refused: a bug or a ban, not load. Log it loudly.
            log.error("Overpass refused the request (HTTP %s): %s", status, response.text[:300])
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise OverpassError("refused", f"Overpass refused the request (HTTP {status})")
        if status != 200:
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise OverpassError("unavailable", f"Overpass answered HTTP {status}")
        try:
            payload = response.json()
        except ValueError:
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise OverpassError("bad_response", "Overpass answered something that is not JSON") from None
        try:
            return parse_response(payload)
        except OverpassError:
            self._fail(BACKOFF_AFTER_FAILURE_S)
            raise

    def _fail(self, seconds: float) -> None:
        self._backoff.back_off(seconds)


def _read_within(response: requests.Response, deadline: float) -> None:
    """Read the whole body before `deadline` (monotonic) and at most MAX_RESPONSE_BYTES of it,
    else raise a requests error; afterwards `response.content`, `.text` and `.json()` work as usual."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise requests.exceptions.ContentDecodingError(
                    f"answer larger than {MAX_RESPONSE_BYTES} bytes"
                )
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout("the answer is still arriving after the read timeout")
    finally:
        response.close()
    response._content = b"".join(chunks)  # what requests itself does when it reads the body


def _retry_after(raw: str | None) -> float:
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0  # an HTTP date: the 30 s minimum applies
