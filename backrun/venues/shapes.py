"""One geometry path: an OSM object's shape, however it arrived, becomes a venue record here.

The importer (pyosmium) and the live lookup (Overpass `out geom`) both hand over the same raw
geometry: a node's point, a way's points, a multipolygon's member ways. Rings are assembled,
measured, checked for shape and classified by the same code, so the same OSM object gives the same
venue, size and score from an extract and from Overpass. Pure, no I/O.

Clipped shapes: a way whose nodes are partly missing, or a multipolygon whose member ways are, is
cut at the edge of the data (an extract's border). It keeps its available part, closed across the
gap, and is marked `clipped`; its size is then a lower bound, so the size and strip thresholds
don't apply to it (the whole may well be a big park).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from backrun.venues.classify import Rejection, VenueKind, classify
from backrun.venues.geometry import (
    LatLon,
    Measured,
    assemble_rings,
    grid_samples,
    measure_line,
    measure_polygon,
    span_m,
)
from backrun.venues.naming import Landmark

# Kinds whose flatness is checked against elevation data. Tracks, athletics grounds and stadiums
# are flat by construction (World Athletics: at most 0.1 % along and 1 % across a track).
SLOPE_KINDS = frozenset({"park", "recreation_ground", "grass", "beach"})
SAMPLES_PER_SIDE = 3  # a 3 x 3 grid over the shape, the points inside it
MIN_SAMPLE_SPAN_M = 90.0  # one cell of the ~90 m Copernicus GLO-90 DEM: smaller shapes can't be measured
SAMPLE_DECIMALS = 4  # about 10 m: far below the DEM's cell, and the elevation cache's key
MULTIPOLYGON_TYPES = frozenset({"multipolygon", "boundary"})  # relations that are areas


@dataclass(frozen=True, slots=True)
class Shape:
    """Raw geometry of one OSM object. kind: point | line | polygon."""

    kind: str
    points: tuple[LatLon, ...] = ()  # point: one; line: its points
    outers: tuple[tuple[LatLon, ...], ...] = ()
    inners: tuple[tuple[LatLon, ...], ...] = ()
    clipped: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A classified venue with its geometry, before it gets a place name and is stored."""

    osm_type: str
    osm_id: int
    kind: str
    indoor: bool
    lat: float
    lon: float
    area_m2: float | None
    perimeter_m: float | None
    tags: Mapping[str, str]
    clipped: bool = False
    samples: tuple[LatLon, ...] = field(default=())
    outers: tuple[tuple[LatLon, ...], ...] = ()  # kept for naming: venues inside this one


def point_shape(lat: float, lon: float) -> Shape:
    return Shape("point", points=((lat, lon),))


def way_shape(points: Sequence[LatLon | None], closed: bool, tags: Mapping[str, str]) -> Shape | None:
    """A way from its node positions in order (None where a node is missing from the data).

    closed: its first and last node are the same node. A closed way of four or more nodes is an
    area unless tagged `area=no` (a track oval drawn as a line); other ways are lines.
    """
    present = _dedupe(p for p in points if p is not None)
    clipped = any(p is None for p in points)
    area = closed and len(points) >= 4 and (tags.get("area") or "").strip().lower() != "no"
    if area:
        ring = list(present)
        if ring and ring[0] != ring[-1]:
            ring.append(ring[0])
        if len(ring) < 4:
            return None
        return Shape("polygon", outers=(tuple(ring),), clipped=clipped)
    if len(present) < 2:
        return None
    return Shape("line", points=tuple(present), clipped=clipped)


def relation_shape(members: Sequence[tuple[str, Sequence[LatLon | None] | None]]) -> Shape | None:
    """A multipolygon from its way members: (role, node positions) with None for a way missing
    from the data (or a missing node). Role `inner` makes holes, any other role outer rings."""
    outer_chains: list[list[LatLon]] = []
    inner_chains: list[list[LatLon]] = []
    clipped = False
    for role, points in members:
        if points is None:
            clipped = True
            continue
        # A way with missing nodes is split at the gaps; the pieces are joined back below.
        piece: list[LatLon] = []
        pieces = []
        for p in points:
            if p is None:
                clipped = True
                if piece:
                    pieces.append(piece)
                piece = []
            else:
                piece.append(p)
        if piece:
            pieces.append(piece)
        pieces = [_dedupe(p) for p in pieces]
        (inner_chains if role == "inner" else outer_chains).extend(pieces)
    outers, outer_gaps = assemble_rings(outer_chains)
    inners, inner_gaps = assemble_rings(inner_chains)
    if not outers:
        return None
    return Shape(
        "polygon",
        outers=tuple(map(tuple, outers)),
        inners=tuple(map(tuple, inners)),
        clipped=clipped or outer_gaps or inner_gaps,
    )


def _dedupe(points: Iterable[LatLon]) -> list[LatLon]:
    """Without repeated consecutive points (two nodes on one spot), which add nothing."""
    out: list[LatLon] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def landmark(osm_type: str, osm_id: int, name: str, shape: Shape) -> Landmark:
    """A named object that isn't a venue, as a place to name venues after."""
    measured = measure(shape)
    outers = shape.outers if shape.kind == "polygon" else ()
    return Landmark((osm_type, osm_id), name, measured.lat, measured.lon, outers, shape.inners)


def measure(shape: Shape) -> Measured:
    if shape.kind == "point":
        lat, lon = shape.points[0]
        return Measured(lat, lon, None, None)
    if shape.kind == "line":
        return measure_line(shape.points)
    return measure_polygon(shape.outers, shape.inners)


def candidate(osm_type: str, osm_id: int, tags: Mapping[str, str], shape: Shape) -> Candidate | Rejection:
    """Measure and classify one object: the venue it is, or why it is not one."""
    measured = measure(shape)
    polygon = shape.kind == "polygon"
    if shape.clipped:
        # Only part of it is in the data: its size is unknown (a lower bound), and unknown sizes
        # are let through, never guessed. Its tags still decide.
        verdict = classify(tags, None, None, point=False)
    else:
        verdict = classify(
            tags, measured.area_m2 if polygon else None, measured.perimeter_m, point=shape.kind == "point"
        )
    if not isinstance(verdict, VenueKind):
        return verdict
    samples: tuple[LatLon, ...] = ()
    if polygon and verdict.kind in SLOPE_KINDS:
        samples = slope_samples(shape, (measured.lat, measured.lon))
    return Candidate(
        osm_type,
        osm_id,
        verdict.kind,
        verdict.indoor,
        measured.lat,
        measured.lon,
        measured.area_m2 if polygon else None,
        measured.perimeter_m,
        dict(tags),
        shape.clipped,
        samples,
        shape.outers if polygon else (),
    )


def slope_samples(shape: Shape, point: LatLon) -> tuple[LatLon, ...]:
    """Where to ask the elevation service: the venue's point and a small grid inside it, rounded.
    None of them for shapes smaller than one DEM cell: their slope can't be measured."""
    raw = [point, *grid_samples(shape.outers, shape.inners, SAMPLES_PER_SIDE)]
    rounded = list(
        dict.fromkeys((round(lat, SAMPLE_DECIMALS), round(lon, SAMPLE_DECIMALS)) for lat, lon in raw)
    )
    if len(rounded) < 3 or span_m(rounded) < MIN_SAMPLE_SPAN_M:
        return ()
    return tuple(rounded)
