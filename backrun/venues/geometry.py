"""Sizes, representative points and search boxes on the sphere. Pure functions, no I/O.

Venues are small (a 400 m track, a park of a few hectares), so areas are computed on a local
equirectangular projection around the shape: at venue scale its error is far below the
accuracy of the OSM data itself, and it needs no projection library. Distances between the
runner and a venue use the haversine formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
EARTH_RADIUS_KM = EARTH_RADIUS_M / 1000
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180

LatLon = tuple[float, float]
Ring = Sequence[LatLon]  # closed or not; the closing edge is implied


@dataclass(frozen=True, slots=True)
class Measured:
    """Where a venue is and how big: a point inside it (or on it) and its size where it has one."""

    lat: float
    lon: float
    area_m2: float | None
    perimeter_m: float | None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def line_length_m(points: Sequence[LatLon]) -> float:
    return 1000 * sum(haversine_km(a[0], a[1], b[0], b[1]) for a, b in zip(points, points[1:]))


def ring_length_m(ring: Ring) -> float:
    if len(ring) < 2:
        return 0.0
    closed = list(ring) if ring[0] == ring[-1] else [*ring, ring[0]]
    return line_length_m(closed)


class _Projection:
    """Metres east and north of an origin; longitudes are unwrapped so ±180° does not tear shapes."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0, self.lon0 = lat0, lon0
        self.k = math.pi / 180 * EARTH_RADIUS_M
        self.kx = self.k * math.cos(math.radians(lat0))

    def forward(self, lat: float, lon: float) -> tuple[float, float]:
        dlon = (lon - self.lon0 + 540.0) % 360.0 - 180.0
        return dlon * self.kx, (lat - self.lat0) * self.k

    def inverse(self, x: float, y: float) -> LatLon:
        lon = self.lon0 + (x / self.kx if self.kx else 0.0)
        return self.lat0 + y / self.k, (lon + 540.0) % 360.0 - 180.0


@dataclass(frozen=True, slots=True)
class _RingMetrics:
    projection: _Projection
    xy: list[tuple[float, float]]  # without the closing point
    area_m2: float
    length_m: float  # including the closing edge
    centroid: tuple[float, float]  # projected


def _ring_metrics(ring: Ring) -> _RingMetrics:
    """Area, perimeter and centroid in one pass over a local projection (exact enough for
    venues: the projection's scale error over a few kilometres is far below 0.1 %)."""
    lat0 = sum(p[0] for p in ring) / len(ring)
    projection = _Projection(lat0, ring[0][1])
    xy = [projection.forward(lat, lon) for lat, lon in ring]
    if len(xy) > 1 and xy[0] == xy[-1]:
        xy.pop()
    area2 = cx = cy = length = 0.0
    for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1]):
        cross = x1 * y2 - x2 * y1
        area2 += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
        length += math.hypot(x2 - x1, y2 - y1)
    if abs(area2) < 1e-9:  # degenerate ring: fall back to the vertex mean
        centroid = (sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy))
    else:
        centroid = (cx / (3 * area2), cy / (3 * area2))
    return _RingMetrics(projection, xy, abs(area2) / 2, length, centroid)


def ring_area_m2(ring: Ring) -> float:
    return _ring_metrics(ring).area_m2 if len(ring) >= 3 else 0.0


def _inside(x: float, y: float, xy: list[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _widest_span_midpoint(y: float, xy: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Midpoint of the widest stretch of the horizontal line at y that lies inside the ring."""
    crossings = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1])
        if (y1 > y) != (y2 > y)
    )
    spans = list(zip(crossings[0::2], crossings[1::2]))
    if not spans:
        return None
    left, right = max(spans, key=lambda span: span[1] - span[0])
    return (left + right) / 2, y


def _point_of(metrics: _RingMetrics) -> LatLon:
    cx, cy = metrics.centroid
    if not _inside(cx, cy, metrics.xy):
        inner = _widest_span_midpoint(cy, metrics.xy)
        if inner is not None:
            cx, cy = inner
    return metrics.projection.inverse(cx, cy)


def ring_point(ring: Ring) -> LatLon:
    """A point for the ring: its centroid when that lies inside (the middle of a track oval or of
    a park), else a point on the widest inside stretch through the centroid (L- or U-shaped parks)."""
    if len(ring) < 3:
        return ring[0]
    return _point_of(_ring_metrics(ring))


def measure_polygon(outers: Sequence[Ring], inners: Sequence[Ring] = ()) -> Measured:
    """An area (multi)polygon: area without its holes, perimeter of the outer rings, and a point
    in the largest outer ring."""
    rings = [_ring_metrics(ring) for ring in outers if len(ring) >= 3]
    if not rings:
        raise ValueError("a polygon needs at least one outer ring")
    holes = sum(_ring_metrics(ring).area_m2 for ring in inners if len(ring) >= 3)
    area = max(0.0, sum(r.area_m2 for r in rings) - holes)
    lat, lon = _point_of(max(rings, key=lambda r: r.area_m2))
    return Measured(lat, lon, area, sum(r.length_m for r in rings))


def measure_line(points: Sequence[LatLon]) -> Measured:
    """A way drawn as a line: its length, and for a closed line (a track oval tagged area=no) the
    middle of the loop, else the point halfway along it. Lines have no area."""
    if not points:
        raise ValueError("a line needs at least one point")
    if len(points) >= 4 and points[0] == points[-1]:
        metrics = _ring_metrics(points)
        lat, lon = _point_of(metrics)
        return Measured(lat, lon, None, metrics.length_m)
    length = line_length_m(points)
    lat, lon = _point_along(points, length / 2)
    return Measured(lat, lon, None, length)


def _point_along(points: Sequence[LatLon], distance_m: float) -> LatLon:
    walked = 0.0
    for a, b in zip(points, points[1:]):
        step = 1000 * haversine_km(a[0], a[1], b[0], b[1])
        if step > 0 and walked + step >= distance_m:
            t = (distance_m - walked) / step
            return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        walked += step
    return points[-1]


def bbox_point(south: float, west: float, north: float, east: float) -> LatLon:
    """The centre of a bounding box (what Overpass reports as `center`)."""
    return (south + north) / 2, (west + east) / 2


def bbox_size(south: float, west: float, north: float, east: float) -> tuple[float, float]:
    """Width and height of a bounding box in metres."""
    lat = math.radians((south + north) / 2)
    height = (north - south) * KM_PER_DEGREE_LAT * 1000
    width = ((east - west) % 360) * KM_PER_DEGREE_LAT * 1000 * math.cos(lat)
    return width, height


Box = tuple[float, float, float, float]  # south, west, north, east (degrees)


def search_boxes(lat: float, lon: float, radius_km: float) -> list[Box]:
    """Bounding boxes that contain every point within radius_km of (lat, lon).

    One box normally; two when the circle crosses the ±180° meridian; the whole band of
    longitudes when it reaches a pole. Candidates still need an exact distance check.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = math.cos(math.radians(max(abs(south), abs(north))))
    if north >= 90.0 or south <= -90.0 or cos_lat <= 1e-9:
        return [(south, -180.0, north, 180.0)]
    dlon = radius_km / (KM_PER_DEGREE_LAT * cos_lat)
    if dlon >= 180.0:
        return [(south, -180.0, north, 180.0)]
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        return [(south, west + 360.0, north, 180.0), (south, -180.0, north, east)]
    if east > 180.0:
        return [(south, west, north, 180.0), (south, -180.0, north, east - 360.0)]
    return [(south, west, north, east)]
