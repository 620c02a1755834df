"""One question for the database: which venues lie within R km of a point, nearest first.

Behind it, the fastest index this database has, found at runtime (and remembered per engine):

* SQLite with the R*Tree module and migration 0002's `venue_rtree` table and triggers:
  an R*Tree bounding-box lookup (about 0.05 ms on a million points);
* PostgreSQL: the GiST index on a PostGIS geography (`ST_DWithin`) or on earthdistance's
  `ll_to_earth` (`earth_box @>`), whichever migration 0002 could create;
* anything else: a bounding-box query on the (lat, lon) B-tree index.

Every path only narrows the candidates; the exact great-circle distance is computed here, so
all paths answer the same.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from backrun.venues.geometry import Box, haversine_km, search_boxes

log = logging.getLogger(__name__)

RTREE_TRIGGERS = ("venue_rtree_insert", "venue_rtree_update", "venue_rtree_delete")
COLUMNS = (
    "id",
    "osm_type",
    "osm_id",
    "kind",
    "name",
    "lat",
    "lon",
    "area_m2",
    "perimeter_m",
    "surface",
    "lit",
    "access",
    "opening_hours",
    "fee",
    "indoor",
    "tags",
    "source",
    "clipped",
    "place",
    "samples",
    "slope_pct",
)
# The SQL below is built with f-strings from constant fragments only (these columns, the indoor
# clause); every value is a bound parameter. Hence bandit's B608 is silenced on those lines.
_SELECT = ", ".join(f"v.{c}" for c in COLUMNS)
# PostGIS measures on the spheroid and earthdistance on a 6378.168 km sphere, we on a 6371.009 km
# one: widen their radius by 1 % so they never miss a venue our distance keeps.
SPHERE_MARGIN = 1.01


@dataclass(frozen=True, slots=True)
class NearbyVenue:
    id: int
    osm_type: str
    osm_id: int
    kind: str
    name: str | None
    lat: float
    lon: float
    area_m2: float | None
    perimeter_m: float | None
    surface: str | None
    lit: str | None
    access: str | None
    opening_hours: str | None
    fee: str | None
    indoor: bool
    tags: dict[str, str]
    source: str
    distance_km: float
    clipped: bool = False
    place: str | None = None
    slope_measurable: bool = False  # it has sample points (an open area big enough for the DEM)
    slope_pct: float | None = None

    @property
    def osm_ref(self) -> str:
        return f"{self.osm_type}/{self.osm_id}"


class SpatialSearch:
    """Rows (as tuples in COLUMNS order) whose point may lie within the given boxes."""

    name = "bbox"

    def candidates(
        self,
        connection: Connection,
        lat: float,
        lon: float,
        radius_km: float,
        boxes: Sequence[Box],
        indoor: bool | None,
    ) -> Sequence[Sequence[Any]]:
        rows: list[Sequence[Any]] = []
        for south, west, north, east in boxes:
            sql = (
                f"SELECT {_SELECT} FROM venue v WHERE v.lat BETWEEN :s AND :n "  # nosec B608
                f"AND v.lon BETWEEN :w AND :e{_indoor_clause(indoor)}"
            )
            rows += connection.execute(text(sql), _params(south, west, north, east, indoor)).all()
        return rows


class RTreeSearch(SpatialSearch):
    name = "sqlite-rtree"

    def candidates(
        self,
        connection: Connection,
        lat: float,
        lon: float,
        radius_km: float,
        boxes: Sequence[Box],
        indoor: bool | None,
    ) -> Sequence[Sequence[Any]]:
        rows: list[Sequence[Any]] = []
        for south, west, north, east in boxes:
            sql = (
                f"SELECT {_SELECT} FROM venue_rtree r JOIN venue v ON v.id = r.id "  # nosec B608
                "WHERE r.max_lat >= :s AND r.min_lat <= :n AND r.max_lon >= :w AND r.min_lon <= :e"
                f"{_indoor_clause(indoor)}"
            )
            rows += connection.execute(text(sql), _params(south, west, north, east, indoor)).all()
        return rows


class PostgisSearch(SpatialSearch):
    name = "postgis"
    # Must repeat ix_venue_geog's expression word for word, or the index is not used.
    _POINT = "CAST(ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326) AS geography)"

    def candidates(
        self,
        connection: Connection,
        lat: float,
        lon: float,
        radius_km: float,
        boxes: Sequence[Box],
        indoor: bool | None,
    ) -> Sequence[Sequence[Any]]:
        sql = (
            f"SELECT {_SELECT} FROM venue v WHERE ST_DWithin({self._POINT}, "  # nosec B608
            "CAST(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geography), :radius_m)"
            f"{_indoor_clause(indoor)}"
        )
        return connection.execute(text(sql), _circle_params(lat, lon, radius_km, indoor)).all()


class EarthdistanceSearch(SpatialSearch):
    name = "earthdistance"

    def candidates(
        self,
        connection: Connection,
        lat: float,
        lon: float,
        radius_km: float,
        boxes: Sequence[Box],
        indoor: bool | None,
    ) -> Sequence[Sequence[Any]]:
        # earth_box is a cube around the sphere point: a superset of the circle, like the other boxes.
        sql = (
            f"SELECT {_SELECT} FROM venue v WHERE earth_box(ll_to_earth(:lat, :lon), :radius_m) "  # nosec B608
            f"@> ll_to_earth(v.lat, v.lon){_indoor_clause(indoor)}"
        )
        return connection.execute(text(sql), _circle_params(lat, lon, radius_km, indoor)).all()


def _circle_params(lat: float, lon: float, radius_km: float, indoor: bool | None) -> dict[str, Any]:
    """The bound parameters of a search around a point (PostGIS and earthdistance alike)."""
    params: dict[str, Any] = {
        "lat": _centimetres(lat),
        "lon": _centimetres(lon),
        "radius_m": _candidate_radius_m(radius_km),
    }
    if indoor is not None:
        params["indoor"] = indoor
    return params


def _candidate_radius_m(radius_km: float) -> float:
    """The radius the database searches: a little wider than asked (SPHERE_MARGIN), and never
    below a metre, because PostgreSQL's float8 arithmetic raises "underflow" on a tiny denormal
    radius such as 5e-324 km (the exact distance filter here keeps the answer exact anyway)."""
    return max(radius_km * 1000 * SPHERE_MARGIN, 1.0)


def _centimetres(degrees: float) -> float:
    """A coordinate rounded to 7 decimals (about a centimetre): a denormal such as 5e-324 becomes 0
    instead of an "underflow" error in PostgreSQL's trigonometry."""
    return round(degrees, 7) + 0.0


def _indoor_clause(indoor: bool | None) -> str:
    return "" if indoor is None else " AND v.indoor = :indoor"


def _params(south: float, west: float, north: float, east: float, indoor: bool | None) -> dict[str, Any]:
    params: dict[str, Any] = {"s": south, "w": west, "n": north, "e": east}
    if indoor is not None:
        params["indoor"] = indoor
    return params


_strategies: weakref.WeakKeyDictionary[Engine, SpatialSearch] = weakref.WeakKeyDictionary()
_strategies_lock = threading.Lock()


def spatial_search(engine: Engine) -> SpatialSearch:
    """The search this database supports, probed once per engine."""
    with _strategies_lock:
        found = _strategies.get(engine)
    if found is None:
        with engine.connect() as connection:
            found = _probe(connection)
        log.info("venue search on %s uses %s", engine.dialect.name, found.name)
        with _strategies_lock:
            _strategies[engine] = found
    return found


def forget_spatial_search(engine: Engine) -> None:
    """Probe again next time (after a migration created or dropped the index)."""
    with _strategies_lock:
        _strategies.pop(engine, None)


def _probe(connection: Connection) -> SpatialSearch:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return RTreeSearch() if sqlite_rtree_ready(connection) else SpatialSearch()
    if dialect == "postgresql":
        names = set(
            connection.execute(
                text(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'venue' AND schemaname = current_schema()"
                )
            ).scalars()
        )
        if "ix_venue_geog" in names:
            return PostgisSearch()
        if "ix_venue_earth" in names:
            return EarthdistanceSearch()
    return SpatialSearch()


def sqlite_rtree_ready(connection: Connection) -> bool:
    """R*Tree compiled into this SQLite, and the table and all three triggers in place (a batch
    migration that rebuilt `venue` would have dropped the triggers: then the index is stale)."""
    options = {row[0] for row in connection.exec_driver_sql("PRAGMA compile_options")}
    if "ENABLE_RTREE" not in options:
        return False
    names = set(
        connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE (type = 'table' AND name = 'venue_rtree') OR type = 'trigger'"
        ).scalars()
    )
    missing = {"venue_rtree", *RTREE_TRIGGERS} - names
    if missing and "venue_rtree" in names:
        log.warning("venue_rtree exists but %s are missing: using the bounding-box query", sorted(missing))
    return not missing


def venues_within(
    connection: Connection,
    search: SpatialSearch,
    lat: float,
    lon: float,
    radius_km: float,
    *,
    indoor: bool | None = None,
) -> list[NearbyVenue]:
    """Venues whose point lies within radius_km of (lat, lon), nearest first.

    indoor=True: indoor venues only; False: outdoor only; None: both.
    """
    boxes = search_boxes(lat, lon, radius_km)
    found: dict[int, NearbyVenue] = {}
    for row in search.candidates(connection, lat, lon, radius_km, boxes, indoor):
        distance = haversine_km(lat, lon, row[5], row[6])
        if distance <= radius_km and row[0] not in found:
            found[row[0]] = _venue(row, distance)
    return sorted(found.values(), key=lambda venue: (venue.distance_km, venue.id))


def _venue(row: Sequence[Any], distance_km: float) -> NearbyVenue:
    tags = row[15]
    if isinstance(tags, str):  # SQLite hands JSON back as text through text() queries
        tags = json.loads(tags)
    return NearbyVenue(
        id=row[0],
        osm_type=row[1],
        osm_id=row[2],
        kind=row[3],
        name=row[4],
        lat=row[5],
        lon=row[6],
        area_m2=row[7],
        perimeter_m=row[8],
        surface=row[9],
        lit=row[10],
        access=row[11],
        opening_hours=row[12],
        fee=row[13],
        indoor=bool(row[14]),
        tags=tags or {},
        source=row[16],
        distance_km=distance_km,
        clipped=bool(row[17]),
        place=row[18],
        slope_measurable=bool(_json(row[19])),
        slope_pct=row[20],
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
