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
    return 1000 * sum(haversine_km(a[0], a[1], b[0], b[1]) for a, b in zip(points, points[1:], strict=False))


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
    # The origin depends on the ring's extent, not its first vertex or repeated points, so the same
    # ring measures the same whichever node it starts at (imported and live shapes agree).
    lats = [p[0] for p in ring]
    projection = _Projection((min(lats) + max(lats)) / 2, min(p[1] for p in ring))
    xy = [projection.forward(lat, lon) for lat, lon in ring]
    if len(xy) > 1 and xy[0] == xy[-1]:
        xy.pop()
    area2 = cx = cy = length = 0.0
    for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True):
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
    for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _widest_span_midpoint(y: float, xy: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Midpoint of the widest stretch of the horizontal line at y that lies inside the ring."""
    crossings = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True)
        if (y1 > y) != (y2 > y)
    )
    spans = list(zip(crossings[0::2], crossings[1::2], strict=False))
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
    for a, b in zip(points, points[1:], strict=False):
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


def polygon_bounds(rings: Sequence[Ring]) -> Box:
    lats = [p[0] for ring in rings for p in ring]
    lons = [p[1] for ring in rings for p in ring]
    return min(lats), min(lons), max(lats), max(lons)


def point_in_rings(lat: float, lon: float, outers: Sequence[Ring], inners: Sequence[Ring] = ()) -> bool:
    """Inside one of the outer rings and in none of the holes (even-odd test on lat/lon: fine at
    venue scale, away from the ±180° meridian)."""

    def inside(ring: Ring) -> bool:
        hit = False
        for (y1, x1), (y2, x2) in zip(ring, list(ring[1:]) + [ring[0]], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
        return hit

    return any(inside(r) for r in outers if len(r) >= 3) and not any(inside(r) for r in inners if len(r) >= 3)


def assemble_rings(chains: Sequence[Sequence[LatLon]]) -> tuple[list[list[LatLon]], bool]:
    """Closed rings from the ways of a multipolygon, joined where their ends meet.

    Returns the rings and whether some had to be closed by a straight line: a ring whose ways are
    partly missing (cut at an extract's edge) keeps its available part, closed across the gap.
    Both the importer and the live lookup assemble relations here, so they get the same rings.
    """
    rings: list[list[LatLon]] = []
    open_chains: list[list[LatLon]] = []
    for chain in chains:
        points = list(chain)
        if len(points) < 2:
            continue
        if points[0] == points[-1]:
            if len(points) >= 4:
                rings.append(points)
            continue
        open_chains.append(points)
    # Exact joins first: a ring drawn as several ways.
    leftover: list[list[LatLon]] = []
    while open_chains:
        current = open_chains.pop(0)
        joined = True
        while joined and current[0] != current[-1]:
            joined = False
            for i, other in enumerate(open_chains):
                if other[0] == current[-1]:
                    current = current + other[1:]
                elif other[-1] == current[-1]:
                    current = current + other[::-1][1:]
                elif other[-1] == current[0]:
                    current = other + current[1:]
                elif other[0] == current[0]:
                    current = other[::-1] + current[1:]
                else:
                    continue
                open_chains.pop(i)
                joined = True
                break
        if current[0] == current[-1]:
            if len(current) >= 4:
                rings.append(current)
        else:
            leftover.append(current)
    if not leftover:
        return rings, False

    # What is left has gaps. Chain the pieces end to nearest start while that gap is shorter than
    # the one that would close the chain on itself; then close it: each ring cut at the edge
    # keeps its available part, and two cut rings far apart are not bridged into one.
    def gap(a: LatLon, b: LatLon) -> float:
        return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2

    pieces = leftover
    while pieces:
        current = pieces.pop(0)
        while pieces:
            best, best_d, flip = 0, math.inf, False
            for i, piece in enumerate(pieces):
                for reverse, start in ((False, piece[0]), (True, piece[-1])):
                    d = gap(current[-1], start)
                    if d < best_d:
                        best, best_d, flip = i, d, reverse
            if len(current) >= 3 and gap(current[-1], current[0]) < best_d:
                break
            piece = pieces.pop(best)
            current = current + (piece[::-1] if flip else piece)
        if len(current) >= 3:
            rings.append(current + [current[0]])
    return rings, True


def equivalent_width_m(area_m2: float | None, perimeter_m: float | None) -> float | None:
    """The width of the rectangle with the same area and perimeter: 6.7 m for a 6.7 m x 380 m
    verge, the side for a square. Compact shapes (P² < 16 A, e.g. circles) count as squares."""
    if not area_m2 or not perimeter_m:
        return None
    disc = perimeter_m**2 - 16 * area_m2
    if disc <= 0:
        return perimeter_m / 4
    return (perimeter_m - math.sqrt(disc)) / 4


def grid_samples(outers: Sequence[Ring], inners: Sequence[Ring], per_side: int) -> list[LatLon]:
    """Points on a per_side x per_side grid over the shape's bounding box that lie inside it."""
    south, west, north, east = polygon_bounds(outers)
    points = []
    for i in range(per_side):
        for j in range(per_side):
            lat = south + (north - south) * (i + 0.5) / per_side
            lon = west + (east - west) * (j + 0.5) / per_side
            if point_in_rings(lat, lon, outers, inners):
                points.append((lat, lon))
    return points


def span_m(points: Sequence[LatLon]) -> float:
    """The largest distance between two of the points, in metres."""
    return max(
        (1000 * haversine_km(a[0], a[1], b[0], b[1]) for i, a in enumerate(points) for b in points[i + 1 :]),
        default=0.0,
    )
