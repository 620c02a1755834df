"""Reading the (Multi)LineString and MultiPolygon WKB that pyosmium's WKBFactory writes. Pure.

pyosmium builds geometries in C++; reading them back from WKB with `struct` is several times
faster than walking the nodes of each way in Python, which is what keeps the import close to a
bare pass over the file. Coordinates come back as (lat, lon).
"""

from __future__ import annotations

import struct

from backrun.venues.geometry import LatLon

LINESTRING, POLYGON, MULTIPOLYGON = 2, 3, 6


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def header(self, expected: int) -> str:
        order = "<" if self.data[self.offset] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", self.data, self.offset + 1)
        if kind & 0xFFFF != expected:  # EWKB may carry SRID flags in the high bits
            raise ValueError(f"WKB type {kind}, expected {expected}")
        self.offset += 5
        if kind & 0x20000000:  # EWKB SRID follows
            self.offset += 4
        return order

    def count(self, order: str) -> int:
        (n,) = struct.unpack_from(order + "I", self.data, self.offset)
        self.offset += 4
        return n

    def points(self, order: str) -> list[LatLon]:
        n = self.count(order)
        coords = struct.unpack_from(f"{order}{2 * n}d", self.data, self.offset)
        self.offset += 16 * n
        return list(zip(coords[1::2], coords[0::2], strict=True))


def linestring(data: bytes | str) -> list[LatLon]:
    reader = _Reader(bytes.fromhex(data) if isinstance(data, str) else data)
    return reader.points(reader.header(LINESTRING))


def multipolygon(data: bytes | str) -> list[list[list[LatLon]]]:
    """Polygons, each a list of rings: the outer ring first, then its holes."""
    reader = _Reader(bytes.fromhex(data) if isinstance(data, str) else data)
    polygons = []
    for _ in range(reader.count(reader.header(MULTIPOLYGON))):
        order = reader.header(POLYGON)
        polygons.append([reader.points(order) for _ in range(reader.count(order))])
    return polygons
