"""Where an unnamed venue is: the named OSM feature around it, or the nearest one. Pure.

Most tracks, pitches and grass in OSM have no name; "Unnamed running track" tells the runner
nothing. Both the importer and the live lookup call `place_names` with the named objects they
read (venues, rejected candidates such as a named sports centre, schools), so a track inside the
Rheinpark stadium becomes "Running track, Rheinparkstadion" either way.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backrun.venues.geometry import LatLon, haversine_km, point_in_rings, polygon_bounds, ring_area_m2

NEAR_M = 300.0  # the nearest named feature names a venue only this close (a few minutes' walk)
CELL_DEG = 0.01  # about 1.1 km north-south: a venue's neighbours within NEAR_M are in its 3 x 3 cells


@dataclass(frozen=True, slots=True)
class Landmark:
    key: tuple[str, int]  # (osm_type, osm_id): a venue is never named after itself
    name: str
    lat: float
    lon: float
    outers: tuple[tuple[LatLon, ...], ...] = ()
    inners: tuple[tuple[LatLon, ...], ...] = ()

    @property
    def area_m2(self) -> float:
        return sum(ring_area_m2(r) for r in self.outers)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


class PlaceIndex:
    def __init__(self, landmarks: Iterable[Landmark]) -> None:
        self._areas: dict[tuple[int, int], list[Landmark]] = defaultdict(list)
        self._points: dict[tuple[int, int], list[Landmark]] = defaultdict(list)
        self._size: dict[tuple[str, int], float] = {}
        for mark in landmarks:
            self._points[_cell(mark.lat, mark.lon)].append(mark)
            if mark.outers:
                self._size[mark.key] = mark.area_m2
                south, west, north, east = polygon_bounds(mark.outers)
                (r0, c0), (r1, c1) = _cell(south, west), _cell(north, east)
                if (r1 - r0 + 1) * (c1 - c0 + 1) > 400:  # a huge area (a whole town): not a useful name
                    continue
                for row in range(r0, r1 + 1):
                    for col in range(c0, c1 + 1):
                        self._areas[(row, col)].append(mark)

    def place_of(self, key: tuple[str, int], lat: float, lon: float) -> str | None:
        around = [
            m
            for m in self._areas.get(_cell(lat, lon), ())
            if m.key != key and point_in_rings(lat, lon, m.outers, m.inners)
        ]
        if around:
            return min(around, key=lambda m: (self._size[m.key], m.key)).name
        row, col = _cell(lat, lon)
        best: tuple[float, tuple[str, int], str] | None = None
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for mark in self._points.get((row + dr, col + dc), ()):
                    if mark.key == key:
                        continue
                    distance = 1000 * haversine_km(lat, lon, mark.lat, mark.lon)
                    if distance <= NEAR_M and (best is None or (distance, mark.key) < best[:2]):
                        best = (distance, mark.key, mark.name)
        return best[2] if best else None


def place_names(
    venues: Sequence[tuple[tuple[str, int], float, float]], landmarks: Iterable[Landmark]
) -> dict[tuple[str, int], str]:
    """For each (key, lat, lon) the name of the smallest named area around it, else of the nearest
    named feature within NEAR_M; venues with neither are left out."""
    index = PlaceIndex(landmarks)
    names = {}
    for key, lat, lon in venues:
        place = index.place_of(key, lat, lon)
        if place:
            names[key] = place
    return names


def title(name: str | None, label: str, place: str | None) -> str:
    """What a venue is called in lists: its own name, else its kind and where it is."""
    if name:
        return name
    if place:
        return f"{label}, {place}"
    return f"Unnamed {label.lower()}"
