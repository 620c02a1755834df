"""Live lookup: venues from Overpass for places no imported extract covers, cached per tile.

The world is cut into 0.1° tiles (about 11 × 8 km in central Europe). A lookup fetches, in one
Overpass request, the tiles around the runner (within LIVE_RADIUS_KM) that were never fetched
or are older than TILE_FRESH, stores their venues in the venue table (source `overpass:<tile>`)
and stamps the tiles. Later searches there read the table like any import. When Overpass fails,
whatever the tiles held before is still served.

Overpass is asked for full geometry (`out geom`), and the answer goes through the importer's own
shape, classification and naming code (backrun.venues.shapes): the same OSM object gives the same
venue, size and score from a lookup as from an extract.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrun.venues import elevation, store
from backrun.venues.classify import READ_TAGS, read_kind
from backrun.venues.geometry import Box, search_boxes
from backrun.venues.models import OVERPASS_SOURCE_PREFIX, VenueTile
from backrun.venues.naming import Landmark, place_names
from backrun.venues.overpass import OverpassElement, OverpassError, OverpassFetcher
from backrun.venues.shapes import (
    MULTIPOLYGON_TYPES,
    Candidate,
    Shape,
    candidate,
    landmark,
    point_shape,
    relation_shape,
    way_shape,
)

log = logging.getLogger(__name__)

TILE_DEG = 0.1
TILE_FRESH = timedelta(days=7)
LIVE_RADIUS_KM = 5.0  # a lookup fetches at most the tiles this close: one modest Overpass request


@dataclass(frozen=True, slots=True)
class Tile:
    row: int
    col: int

    @property
    def key(self) -> str:
        return f"{TILE_DEG:g}:{self.row}:{self.col}"

    @property
    def box(self) -> Box:
        return (
            round(self.row * TILE_DEG, 6),
            round(self.col * TILE_DEG, 6),
            round((self.row + 1) * TILE_DEG, 6),
            round((self.col + 1) * TILE_DEG, 6),
        )

    @property
    def source(self) -> str:
        return OVERPASS_SOURCE_PREFIX + self.key

    @classmethod
    def at(cls, lat: float, lon: float) -> Tile:
        return cls(math.floor(lat / TILE_DEG), math.floor(lon / TILE_DEG))


@dataclass(frozen=True, slots=True)
class LiveStatus:
    state: str  # fresh | fetched | stale | failed | disabled
    detail: str = ""


def tiles_near(lat: float, lon: float, radius_km: float) -> list[list[Tile]]:
    """The tiles touching the search box, one group per box (two across the ±180° meridian)."""
    groups = []
    for south, west, north, east in search_boxes(lat, lon, min(radius_km, LIVE_RADIUS_KM)):
        low, high = Tile.at(south, west), Tile.at(north, min(east, 180.0 - 1e-9))
        groups.append(
            [Tile(r, c) for r in range(low.row, high.row + 1) for c in range(low.col, high.col + 1)]
        )
    return groups


def needs_lookup(session: Session, lat: float, lon: float, radius_km: float, now: datetime) -> bool:
    """Whether the tiles around (lat, lon) are missing or out of date, without fetching anything."""
    return bool(_stale_tiles(session, lat, lon, radius_km, _naive_utc(now))[0])


def _naive_utc(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


def _stale_tiles(
    session: Session, lat: float, lon: float, radius_km: float, now: datetime
) -> tuple[list[Tile], bool]:
    """The tiles of the runner's side that need a lookup, and whether any of them is known at all."""
    groups = tiles_near(lat, lon, radius_km)
    home = Tile.at(lat, lon)
    group = next((g for g in groups if home in g), groups[0])  # one request per lookup: the runner's side
    stamps = _fetched_at(session, group)
    missing = [t for t in group if t.key not in stamps or now - stamps[t.key] > TILE_FRESH]
    return missing, len(stamps) > 0


def ensure_tiles(
    session: Session, client: OverpassFetcher | None, lat: float, lon: float, radius_km: float, now: datetime
) -> LiveStatus:
    """Make the tiles around (lat, lon) fresh if they aren't; never raises for upstream trouble."""
    now = _naive_utc(now)
    missing, known = _stale_tiles(session, lat, lon, radius_km, now)
    if not missing:
        return LiveStatus("fresh")
    if client is None:
        return LiveStatus("stale" if known else "disabled", "live lookup is disabled")
    box = _union(missing)

    def still_needed() -> bool:  # another worker may have fetched them while we waited for the lock
        fresh = _fetched_at(session, missing)
        return any(t.key not in fresh or now - fresh[t.key] > TILE_FRESH for t in missing)

    try:
        elements = client.fetch(box, READ_TAGS, still_needed)
    except OverpassError as exc:
        log.warning("live venue lookup failed (%s): %s", exc.kind, exc)
        return LiveStatus("stale" if known else "failed", exc.kind)
    if elements is None:
        return LiveStatus("fresh")
    store_tiles(session, missing, elements, now)
    return LiveStatus("fetched")


def store_tiles(session: Session, tiles: list[Tile], elements: list[OverpassElement], now: datetime) -> None:
    """Replace the tiles' venues with what Overpass returned, in one transaction."""
    by_key = {t.key: t for t in tiles}
    records: dict[str, list[store.VenueRecord]] = {t.key: [] for t in tiles}
    for record in venue_records(elements):
        tile = Tile.at(record.lat, record.lon)
        if tile.key in records:  # objects reaching in from a neighbouring tile belong to it
            records[tile.key].append(record)
    seen_at = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    try:
        for key, tile_records in records.items():
            tile = by_key[key]
            store.upsert(session, tile_records, source=tile.source, seen_at=seen_at, only_replace_live=True)
            store.delete_unseen(session, tile.source, seen_at)
            _stamp(session, tile, len(tile_records), seen_at)
        session.commit()
    except Exception:
        session.rollback()
        raise
    for tile in tiles:  # slopes the elevation cache already knows; never the service on a request
        elevation.fill_slopes(session, None, source=tile.source)


def element_shape(element: OverpassElement) -> Shape | None:
    if element.osm_type == "node":
        if element.lat is None or element.lon is None:
            return None
        return point_shape(element.lat, element.lon)
    if element.osm_type == "way":
        return way_shape(list(element.points), element.closed, element.tags)
    if element.tags.get("type") not in MULTIPOLYGON_TYPES:
        return None  # sites and routes have no area of their own (the importer skips them too)
    return relation_shape(
        [(role, None if points is None else list(points)) for role, points in element.members]
    )


def venue_records(elements: list[OverpassElement]) -> list[store.VenueRecord]:
    """Measure, classify and name the elements of an answer: the importer's code, on the same shapes."""
    found: dict[tuple[str, int], Candidate] = {}
    landmarks: list[Landmark] = []
    for element in elements:
        shape = element_shape(element)
        if shape is None:
            continue
        key = (element.osm_type, element.osm_id)
        is_candidate, _ = read_kind(element.tags)
        name = element.tags.get("name")
        verdict = candidate(element.osm_type, element.osm_id, element.tags, shape) if is_candidate else None
        if isinstance(verdict, Candidate):
            found[key] = verdict
            if name:
                landmarks.append(Landmark(key, name, verdict.lat, verdict.lon, verdict.outers))
        elif name:
            landmarks.append(landmark(element.osm_type, element.osm_id, name, shape))
    places = place_names([(k, c.lat, c.lon) for k, c in found.items() if not c.tags.get("name")], landmarks)
    return [store.record_of(c, places.get(k)) for k, c in found.items()]


def venue_record(element: OverpassElement) -> store.VenueRecord | None:
    """One element alone as a venue (no place name): None when it isn't one."""
    records = venue_records([element])
    return records[0] if records else None


def _fetched_at(session: Session, tiles: list[Tile]) -> dict[str, datetime]:
    rows = session.execute(
        select(VenueTile.key, VenueTile.fetched_at).where(VenueTile.key.in_([t.key for t in tiles]))
    )
    return {key: fetched.replace(tzinfo=None) for key, fetched in rows}


def _stamp(session: Session, tile: Tile, count: int, fetched_at: datetime) -> None:
    row = session.execute(select(VenueTile).where(VenueTile.key == tile.key)).scalar_one_or_none()
    if row is None:
        south, west, north, east = tile.box
        session.add(
            VenueTile(
                key=tile.key,
                south=south,
                west=west,
                north=north,
                east=east,
                venue_count=count,
                fetched_at=fetched_at,
            )
        )
    else:
        row.venue_count, row.fetched_at = count, fetched_at


def _union(tiles: list[Tile]) -> Box:
    boxes = [t.box for t in tiles]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
