"""Venue tables: the venues themselves, the OSM extracts they came from, and the Overpass tiles.

A venue's `source` says who owns the row: `extract:<area>` (an imported extract, e.g.
`extract:liechtenstein`) or `overpass:<tile>` (a live lookup). Re-importing an area or
refreshing a tile deletes only its own rows that were not seen again.

The spatial index is not a mapped table: on SQLite it is an R*Tree virtual table
(`venue_rtree`) kept in sync by triggers, on PostgreSQL an expression index; both are created
by migration 0002 and found at runtime by `backrun.venues.query`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from backrun.extensions import Model

EXTRACT_SOURCE_PREFIX = "extract:"
OVERPASS_SOURCE_PREFIX = "overpass:"


class Venue(Model):
    __tablename__ = "venue"
    __table_args__ = (
        UniqueConstraint("osm_type", "osm_id", name="uq_venue_osm"),
        # The bounding-box query where no R*Tree or PostgreSQL spatial index is available.
        Index("ix_venue_lat_lon", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    osm_type: Mapped[str] = mapped_column(String(8))  # node | way | relation
    osm_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))  # see backrun.venues.classify.KINDS
    name: Mapped[str | None] = mapped_column(String(255))
    # A representative point: inside the area, the middle of a track oval, or the node itself.
    lat: Mapped[float]
    lon: Mapped[float]
    area_m2: Mapped[float | None]
    perimeter_m: Mapped[float | None]  # of an area's outer rings, or a line's length
    surface: Mapped[str | None] = mapped_column(String(255))
    lit: Mapped[str | None] = mapped_column(String(255))
    access: Mapped[str | None] = mapped_column(String(255))
    opening_hours: Mapped[str | None] = mapped_column(String(255))
    fee: Mapped[str | None] = mapped_column(String(255))
    indoor: Mapped[bool]
    tags: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Cut at the edge of the imported data: area and perimeter are those of the available part.
    clipped: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The named feature an unnamed venue lies in or near ("Rheinpark"), for its title.
    place: Mapped[str | None] = mapped_column(String(255))
    # Points [[lat, lon], ...] whose elevations give the slope (open areas big enough to measure).
    samples: Mapped[list[list[float]] | None] = mapped_column(JSON(none_as_null=True))
    slope_pct: Mapped[float | None]  # from the elevation service; None: not known (yet)
    source: Mapped[str] = mapped_column(String(120), index=True)
    last_seen: Mapped[datetime]  # UTC: when an import or a lookup last saw it in OSM data

    @property
    def osm_ref(self) -> str:
        return f"{self.osm_type}/{self.osm_id}"


class VenueExtract(Model):
    """One row per imported area: what was imported last, so a re-import of the same file is a
    cheap no-op and a newer extract of the same area replaces the old one's venues."""

    __tablename__ = "venue_extract"
    __table_args__ = (UniqueConstraint("area", name="uq_venue_extract_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(120))
    file_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    osm_timestamp: Mapped[datetime | None]  # the data's replication time, from the file header
    south: Mapped[float]
    west: Mapped[float]
    north: Mapped[float]
    east: Mapped[float]
    venue_count: Mapped[int]
    imported_at: Mapped[datetime]


class Elevation(Model):
    """Ground height at a point, from the elevation service, kept for good: the terrain doesn't
    change, and the service's daily quota is better spent on new places. Points are rounded to
    4 decimals (about 10 m), far finer than the service's 90 m grid."""

    __tablename__ = "venue_elevation"
    __table_args__ = (UniqueConstraint("lat", "lon", name="uq_venue_elevation_point"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lat: Mapped[float]
    lon: Mapped[float]
    elevation_m: Mapped[float]
    fetched_at: Mapped[datetime]


class VenueTile(Model):
    """A grid cell whose venues were fetched from Overpass, and when."""

    __tablename__ = "venue_tile"
    __table_args__ = (UniqueConstraint("key", name="uq_venue_tile_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    south: Mapped[float]
    west: Mapped[float]
    north: Mapped[float]
    east: Mapped[float]
    venue_count: Mapped[int]
    fetched_at: Mapped[datetime]


# PostgreSQL's spatial indexes (GiST on an expression), made by migration 0002, not mapped here.
SPATIAL_INDEXES = frozenset({"ix_venue_geog", "ix_venue_earth"})


# Tables an extension made by migration 0002 owns (PostGIS's reference systems): the extension
# outlives a downgrade and is not the app's to map or to drop.
EXTENSION_TABLES = frozenset({"spatial_ref_sys"})


def include_in_autogenerate(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic `include_name` hook: the spatial index made by migration 0002 (SQLite's R*Tree
    tables, venue_rtree and its shadow tables; PostgreSQL's GiST expression index, and PostGIS's
    own table) is not mapped here and must never be autogenerated away."""
    if type_ == "table":
        return not ((name or "").startswith("venue_rtree") or name in EXTENSION_TABLES)
    return not (type_ == "index" and name in SPATIAL_INDEXES)
