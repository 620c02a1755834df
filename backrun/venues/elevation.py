"""Is a park a hillside? Slopes of open venues from the Open-Meteo Elevation API, cached for good.

Each open area big enough to measure carries sample points (shapes.slope_samples: its point and a
3 x 3 grid inside it). Their ground heights come from the elevation service (Copernicus DEM
GLO-90, about 90 m cells): up to 100 coordinates per request, one request at a time with a pause
between them, and every height is kept in `venue_elevation` for good (terrain doesn't change, and
the service asks for fewer than 10,000 calls a day). The slope is the gradient of the plane that
fits the heights best.

Imports never wait for the service: they fill in slopes from the cache only, and whatever isn't
cached stays "unknown" until `flask --app app venues elevation` asks the service. An unknown slope
is shown as unknown, never guessed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from backrun.venues.geometry import EARTH_RADIUS_M, LatLon, span_m
from backrun.venues.models import Elevation, Venue

log = logging.getLogger(__name__)

BATCH = 100  # coordinates per request: the Open-Meteo Elevation API's maximum
PAUSE_S = 1.0  # between requests: far below the service's 600 calls a minute
LOOKUP_CHUNK = 400  # points per cache query (bound parameters stay well below any database's limit)
# Requests per run at most: half the free tier's 10,000 calls a day, so a country-sized import
# spreads over days (run the command again) instead of being cut off by the service.
MAX_REQUESTS_PER_RUN = 5000

Progress = Callable[[str], None]


class ElevationError(Exception):
    """kind: rate_limited | refused | unavailable | bad_response"""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def slope_percent(points: Sequence[LatLon], heights: Sequence[float]) -> float | None:
    """The gradient, in percent, of the least-squares plane through the points' heights. None
    when the points don't span a plane (all on one line) or fewer than three."""
    if len(points) < 3 or len(points) != len(heights):
        return None
    lat0 = sum(p[0] for p in points) / len(points)
    lon0 = sum(p[1] for p in points) / len(points)
    k = math.pi / 180 * EARTH_RADIUS_M
    xs = [(p[1] - lon0) * k * math.cos(math.radians(lat0)) for p in points]
    ys = [(p[0] - lat0) * k for p in points]
    h0 = sum(heights) / len(heights)
    hs = [h - h0 for h in heights]
    sxx = sum(x * x for x in xs)
    syy = sum(y * y for y in ys)
    sxy = sum(x * y for x, y in zip(xs, ys, strict=True))
    sxh = sum(x * h for x, h in zip(xs, hs, strict=True))
    syh = sum(y * h for y, h in zip(ys, hs, strict=True))
    det = sxx * syy - sxy * sxy
    # Collinear points (a thin diagonal shape): no plane, only a profile along the line.
    if det <= 1e-6 * max(sxx * syy, 1e-9):
        span = span_m(points)
        return round(100 * (max(heights) - min(heights)) / span, 1) if span > 0 else None
    gx = (sxh * syy - syh * sxy) / det
    gy = (syh * sxx - sxh * sxy) / det
    return round(100 * math.hypot(gx, gy), 1)


class ElevationClient:
    """GET {url}?latitude=a,b&longitude=x,y -> {"elevation": [ha, hb]} (the Open-Meteo format)."""

    def __init__(
        self,
        url: str,
        client: requests.Session,
        *,
        timeout_s: float,
        pause_s: float = PAUSE_S,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self._client = client
        self._timeout_s = timeout_s
        self._pause_s = pause_s
        self._sleep = sleep
        self._last: float | None = None
        self.requests = 0

    def heights(self, points: Sequence[LatLon]) -> list[float | None]:
        """Heights for up to BATCH points, in order; None where the service has none."""
        if len(points) > BATCH:
            raise ValueError(f"at most {BATCH} points per request")
        if self._last is not None:
            wait = self._pause_s - (time.monotonic() - self._last)
            if wait > 0:
                self._sleep(wait)
        params = {
            "latitude": ",".join(f"{p[0]:.4f}" for p in points),
            "longitude": ",".join(f"{p[1]:.4f}" for p in points),
        }
        try:
            response = self._client.get(self.url, params=params, timeout=self._timeout_s)
        except requests.RequestException as exc:
            raise ElevationError(
                "unavailable", f"elevation service unreachable: {type(exc).__name__}"
            ) from None
        finally:
            self._last = time.monotonic()
            self.requests += 1
        if response.status_code == 429:
            raise ElevationError("rate_limited", "elevation service: too many requests, try again later")
        if response.status_code == 400:
            raise ElevationError("refused", f"elevation service refused the request: {_reason(response)}")
        if response.status_code != 200:
            raise ElevationError("unavailable", f"elevation service answered HTTP {response.status_code}")
        try:
            values = response.json()["elevation"]
        except (ValueError, KeyError, TypeError):
            raise ElevationError(
                "bad_response", "elevation service answered without an `elevation` list"
            ) from None
        if not isinstance(values, list) or len(values) != len(points):
            raise ElevationError("bad_response", "elevation service answered a list of the wrong length")
        return [
            float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None
            for v in values
        ]


def _reason(response: requests.Response) -> str:
    try:
        return str(response.json().get("reason", ""))[:200]
    except (ValueError, AttributeError):
        return response.text[:200]


@dataclass
class FillReport:
    venues: int = 0  # venues waiting for a slope
    slopes: int = 0  # slopes computed now
    fetched: int = 0  # heights fetched from the service
    requests: int = 0
    failure: str | None = None  # why the service stopped answering, if it did
    budget_spent: bool = False  # stopped at the most requests for one run

    def lines(self) -> list[str]:
        lines = [
            f"{self.venues} venues needed a slope: {self.slopes} measured, "
            f"{self.fetched} heights fetched in {self.requests} requests"
        ]
        if self.failure:
            lines.append(
                f"  stopped: {self.failure}; the rest stays 'slope unknown' (run the command again later)"
            )
        elif self.budget_spent:
            lines.append(
                f"  paused after {self.requests} requests, the most for one run: the rest stays "
                "'slope unknown' until the command runs again (e.g. tomorrow)"
            )
        return lines


def fill_slopes(
    session: Session,
    client: ElevationClient | None,
    *,
    source: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    max_requests: int = MAX_REQUESTS_PER_RUN,
) -> FillReport:
    """Give every venue with sample points and no slope its slope: from the cache, and from the
    service for what isn't cached (client None: from the cache only). Commits as it goes, so the
    heights already fetched are kept if the service fails halfway."""
    report = FillReport()
    query = select(Venue).where(Venue.samples.is_not(None), Venue.slope_pct.is_(None))
    if source is not None:
        query = query.where(Venue.source == source)
    # The venues that have sample points, each with its points (the column can be NULL or empty).
    sampled = [(v, v.samples) for v in session.scalars(query) if v.samples]
    report.venues = len(sampled)
    if not sampled:
        return report
    wanted = list(dict.fromkeys((float(p[0]), float(p[1])) for _, samples in sampled for p in samples))
    known = cached_heights(session, wanted)
    missing = [p for p in wanted if p not in known]
    if client is not None and missing:
        fetched_at = (now or datetime.now(UTC)).replace(tzinfo=None)
        for start in range(0, len(missing), BATCH):
            if report.requests >= max_requests:
                report.budget_spent = True
                break
            batch = missing[start : start + BATCH]
            try:
                heights = client.heights(batch)
            except ElevationError as exc:
                log.warning("elevation lookup stopped (%s): %s", exc.kind, exc)
                report.failure = str(exc)
                break
            finally:
                report.requests += 1
            for point, height in zip(batch, heights, strict=True):
                if height is not None:
                    known[point] = height
                    session.add(
                        Elevation(lat=point[0], lon=point[1], elevation_m=height, fetched_at=fetched_at)
                    )
                    report.fetched += 1
            session.commit()
            if progress is not None:
                progress(f"elevation: {min(start + BATCH, len(missing))} of {len(missing)} points")
    for venue, samples in sampled:
        points = [(float(p[0]), float(p[1])) for p in samples]
        if all(p in known for p in points):
            venue.slope_pct = slope_percent(points, [known[p] for p in points])
            if venue.slope_pct is not None:
                report.slopes += 1
    session.commit()
    return report


def cached_heights(session: Session, points: Iterable[LatLon]) -> dict[LatLon, float]:
    points = list(points)
    found: dict[LatLon, float] = {}
    for start in range(0, len(points), LOOKUP_CHUNK):
        chunk = points[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            select(Elevation.lat, Elevation.lon, Elevation.elevation_m).where(
                tuple_(Elevation.lat, Elevation.lon).in_(chunk)
            )
        )
        for lat, lon, height in rows:
            found[(lat, lon)] = height
    return found
