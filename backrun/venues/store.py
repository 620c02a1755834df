"""Writing venues: upsert by OSM identity, and removing what a newer source no longer has.

Both the extract importer and the Overpass lookup write through here. Rows are keyed by
(osm_type, osm_id), so a venue is updated in place (same row id) whichever way it comes back,
and is never duplicated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from backrun.venues.models import OVERPASS_SOURCE_PREFIX, Venue

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

BATCH = 1000
MAX_TEXT = 255  # the String(255) columns; OSM values can be longer
# Columns copied from the tags for display and filtering; the full tags stay in `tags`.
TAG_COLUMNS = ("name", "surface", "lit", "access", "opening_hours", "fee")
_UPDATED = (
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
    "last_seen",
    "clipped",
    "place",
    "samples",
    "slope_pct",
)


@dataclass(frozen=True, slots=True)
class VenueRecord:
    """A classified venue with its geometry, ready to store."""

    osm_type: str
    osm_id: int
    kind: str
    indoor: bool
    lat: float
    lon: float
    area_m2: float | None
    perimeter_m: float | None
    tags: Mapping[str, str]
    clipped: bool = False  # cut at the edge of the data: only its available part is measured
    place: str | None = None  # the named feature it lies in or near (naming.place_names)
    samples: tuple[tuple[float, float], ...] = ()  # where its slope is measured (shapes.slope_samples)
    slope_pct: float | None = None  # from elevation data; None: unknown or not measurable

    @property
    def osm_ref(self) -> str:
        return f"{self.osm_type}/{self.osm_id}"


def record_of(candidate, place: str | None = None) -> VenueRecord:
    """A measured and classified candidate (backrun.venues.shapes.Candidate), ready to store."""
    c = candidate
    return VenueRecord(
        c.osm_type,
        c.osm_id,
        c.kind,
        c.indoor,
        c.lat,
        c.lon,
        c.area_m2,
        c.perimeter_m,
        c.tags,
        clipped=c.clipped,
        place=place,
        samples=c.samples,
    )


def venue_row(record: VenueRecord, source: str, seen_at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {
        "osm_type": record.osm_type,
        "osm_id": record.osm_id,
        "kind": record.kind,
        "lat": record.lat,
        "lon": record.lon,
        "area_m2": None if record.area_m2 is None else round(record.area_m2, 1),
        "perimeter_m": None if record.perimeter_m is None else round(record.perimeter_m, 1),
        "indoor": record.indoor,
        "tags": dict(record.tags),
        "clipped": record.clipped,
        "place": record.place[:MAX_TEXT] if record.place else None,
        "samples": [list(p) for p in record.samples] or None,
        "slope_pct": record.slope_pct,
        "source": source,
        "last_seen": seen_at,
    }
    for key in TAG_COLUMNS:
        value = record.tags.get(key)
        row[key] = value[:MAX_TEXT] if value else None
    return row


def _insert_for(session: Session) -> Callable[[Any], sqlite.Insert | postgresql.Insert]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    else:  # pragma: no cover - the app supports SQLite and PostgreSQL
        raise NotImplementedError(f"venue upsert is not implemented for {dialect}")


def upsert(
    session: Session,
    records: Iterable[VenueRecord],
    *,
    source: str,
    seen_at: datetime,
    only_replace_live: bool = False,
) -> int:
    """Insert or update the records; returns how many were written.

    only_replace_live: leave rows that an extract owns alone (a live lookup must not take over
    venues an import manages, or the next re-import could not tell they are its own).
    """
    insert = _insert_for(session)
    table = Venue.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["osm_type", "osm_id"],
        set_={column: statement.excluded[column] for column in _UPDATED},
        where=table.c.source.like(OVERPASS_SOURCE_PREFIX + "%") if only_replace_live else None,
    )
    written = 0
    for batch in _batches((venue_row(r, source, seen_at) for r in records), BATCH):
        session.execute(statement, batch)
        written += len(batch)
    return written


def delete_unseen(session: Session, source: str, seen_before: datetime) -> int:
    """Remove this source's venues that the latest import or lookup did not see again."""
    # A DELETE gives a CursorResult (with rowcount); Session.execute is typed for any statement.
    result = cast(
        CursorResult[Any],
        session.execute(delete(Venue).where(Venue.source == source, Venue.last_seen < seen_before)),
    )
    return result.rowcount or 0


def count(session: Session, source: str) -> int:
    return session.execute(select(func.count()).select_from(Venue).where(Venue.source == source)).scalar_one()


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
