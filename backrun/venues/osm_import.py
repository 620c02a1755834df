"""Import venues from an OSM extract (.osm.pbf, .osm, .osm.bz2 ...) with pyosmium.

One streaming pass over the file (two for the multipolygon relations, done by pyosmium): a C++
tag filter lets only candidate objects reach Python, where each one gets its geometry and is
classified. Areas come from pyosmium's area assembler (closed ways and multipolygons); closed
ways it doesn't turn into areas (a 400 m oval tagged `area=no`, or a broken polygon) and open
ways are measured as lines, so the best track in a country isn't lost for being drawn as one.

Each extract is an *area* (from `--area`, else the file name without its date: both
`liechtenstein-2022-07-24.osm.pbf` and `liechtenstein-latest.osm.pbf` are "liechtenstein").
Importing an area again updates its venues in place and removes the ones the new file no longer
has; importing the very same file again is a no-op, found by size and modification time, or by
its SHA-256 when those changed.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import osmium
import osmium.geom
from osmium.filter import TagFilter
from sqlalchemy import select
from sqlalchemy.orm import Session

from backrun.venues import elevation, extract_check, store
from backrun.venues import wkb as wkb_geometry
from backrun.venues.classify import READ_TAGS, REJECTION_LABELS, Rejection, read_kind
from backrun.venues.geometry import LatLon
from backrun.venues.models import EXTRACT_SOURCE_PREFIX, VenueExtract
from backrun.venues.naming import Landmark, place_names
from backrun.venues.shapes import (
    MULTIPOLYGON_TYPES,
    Candidate,
    candidate,
    landmark,
    point_shape,
    relation_shape,
    way_shape,
)

Progress = Callable[[str], None]
PROGRESS_EVERY_S = 2.0
LARGE_FILE_BYTES = 64 * 1024 * 1024
INCOMPLETE = "incomplete_geometry"
_DATE_SUFFIX = re.compile(r"[-_.](?:latest|\d{4}(?:-\d{2}(?:-\d{2})?)?|\d{6}|\d{8})$", re.IGNORECASE)
_EXTENSIONS = (".osm.pbf", ".osm.bz2", ".osm.gz", ".osm", ".pbf", ".o5m", ".opl")


class ImportRefused(Exception):
    """The file can't be imported as asked (missing, unreadable, older than what is imported)."""


@dataclass
class Scan:
    """What one pass over a file found."""

    records: dict[tuple[str, int], Candidate] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    candidates_seen: int = 0
    places: dict[tuple[str, int], str] = field(default_factory=dict)  # unnamed venue -> where it is

    def venue_records(self) -> list[store.VenueRecord]:
        return [store.record_of(c, self.places.get(key)) for key, c in self.records.items()]

    @property
    def clipped(self) -> int:
        return sum(1 for c in self.records.values() if c.clipped)

    @property
    def kept(self) -> Counter:
        return Counter(record.kind for record in self.records.values())


@dataclass
class ImportReport:
    area: str
    path: Path
    unchanged: bool = False
    kept: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    written: int = 0
    removed: int = 0
    clipped: int = 0
    slopes_unknown: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        if self.unchanged:
            return [
                f"{self.path.name}: already imported as area '{self.area}', nothing to do (use --force to re-import)."
            ]
        kept = ", ".join(f"{n} {kind}" for kind, n in self.kept.most_common()) or "none"
        lines = [
            f"{self.path.name} -> area '{self.area}' in {self.seconds:.1f} s",
            f"  kept {sum(self.kept.values())} venues: {kept}",
        ]
        lines.append(f"  dropped {sum(self.dropped.values())} candidates:")
        for reason, n in self.dropped.most_common():
            label = REJECTION_LABELS.get(
                reason, "geometry missing from the extract" if reason == INCOMPLETE else reason
            )
            lines.append(f"    {n:6d}  {label}")
        lines.append(f"  {self.written} rows written, {self.removed} venues no longer in the data removed")
        if self.clipped:
            lines.append(f"  {self.clipped} venues cut at the extract's edge, kept with their available part")
        if self.slopes_unknown:
            lines.append(
                f"  {self.slopes_unknown} open areas without a slope yet "
                "(`flask --app app venues elevation` looks them up)"
            )
        return lines


def area_name(path: Path) -> str:
    name = path.name.lower()
    for extension in _EXTENSIONS:
        if name.endswith(extension):
            name = name[: -len(extension)]
            break
    while (stripped := _DATE_SUFFIX.sub("", name)) != name and stripped:
        name = stripped
    return name or "extract"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def scan(path: Path, progress: Progress | None = None) -> Scan:
    """Read the file and classify every candidate object (no database).

    Two passes: the multipolygon relations first (to know which ways they are made of), then the
    nodes and ways with their locations. Relations are assembled from their member ways by the
    same code as the live lookup's (backrun.venues.shapes), not by pyosmium's area assembler, so
    both paths give the same rings; and a relation or way cut at the extract's edge keeps its
    available part instead of being dropped.
    """
    result = Scan()
    ticker = _Ticker(progress)
    relations: dict[int, tuple[dict[str, str], list[tuple[int, str]]]] = {}
    members: dict[int, list[LatLon | None] | None] = {}
    if path.stat().st_size >= LARGE_FILE_BYTES:  # the first pass gives no sign of life otherwise
        ticker.say("reading multipolygon relations (first pass)…", force=True)
    for relation in osmium.FileProcessor(str(path), osmium.osm.RELATION).with_filter(TagFilter(*READ_TAGS)):
        if not isinstance(relation, osmium.osm.Relation):
            continue  # the processor reads relations only: this narrows the type
        result.candidates_seen += 1
        tags = dict(relation.tags)
        if tags.get("type") not in MULTIPOLYGON_TYPES:
            continue  # sites and routes have no area of their own
        ways = [(m.ref, m.role) for m in relation.members if m.type == "w"]
        relations[relation.id] = (tags, ways)
        for way_id, _ in ways:
            members[way_id] = None
    landmarks: list[Landmark] = []
    wkb = osmium.geom.WKBFactory()
    node_filter = TagFilter(*READ_TAGS)
    node_filter.enable_for(osmium.osm.NODE)
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(node_filter)
    )
    for obj in processor:
        if isinstance(obj, osmium.osm.Node):
            result.candidates_seen += 1
            location = obj.location
            if not location.valid():
                result.dropped[INCOMPLETE] += 1
                continue
            _consider(
                result, landmarks, "node", obj.id, dict(obj.tags), point_shape(location.lat, location.lon)
            )
            ticker.tick(obj, result)
            continue
        if not isinstance(obj, osmium.osm.Way):
            continue  # the processor reads nodes and ways only: this narrows the type
        way_id = obj.id
        member = way_id in members
        is_candidate, wanted = read_kind(obj.tags)
        if not (member or wanted):
            continue  # ways aren't filtered in C++ (members have no tags): skip the rest here
        points = _way_points(obj, wkb)
        if member:
            members[way_id] = points
        if wanted:
            result.candidates_seen += 1
            tags = dict(obj.tags)
            shape = way_shape(points, obj.is_closed(), tags)
            if shape is None:
                result.dropped[INCOMPLETE] += is_candidate
                continue
            _consider(result, landmarks, "way", way_id, tags, shape)
        ticker.tick(obj, result)
    for relation_id, (tags, ways) in relations.items():
        shape = relation_shape([(role, members.get(way_id)) for way_id, role in ways])
        if shape is None:
            result.dropped[INCOMPLETE] += read_kind(tags)[0]
            continue
        _consider(result, landmarks, "relation", relation_id, tags, shape)
    _name_places(result, landmarks)
    return result


def _way_points(way, wkb) -> list[LatLon | None]:
    """The way's node positions in order, None for nodes missing from the extract. WKB built in
    C++ and read with struct is the fast path; only broken ways are walked in Python."""
    try:
        return list(wkb_geometry.linestring(wkb.create_linestring(way, osmium.geom.use_nodes.ALL)))
    except (osmium.InvalidLocationError, RuntimeError):
        return [(n.location.lat, n.location.lon) if n.location.valid() else None for n in way.nodes]


def _consider(
    result: Scan, landmarks: list[Landmark], osm_type: str, osm_id: int, tags: dict[str, str], shape
) -> None:
    is_candidate, _ = read_kind(tags)
    name = tags.get("name")
    if is_candidate:
        verdict = candidate(osm_type, osm_id, tags, shape)
        if isinstance(verdict, Rejection):
            result.dropped[verdict.reason] += 1
        else:
            result.records[(osm_type, osm_id)] = verdict
            if name:
                landmarks.append(Landmark((osm_type, osm_id), name, verdict.lat, verdict.lon, verdict.outers))
            return
    if name:
        landmarks.append(landmark(osm_type, osm_id, name, shape))


def _name_places(result: Scan, landmarks: list[Landmark]) -> None:
    unnamed = [(key, c.lat, c.lon) for key, c in result.records.items() if not c.tags.get("name")]
    result.places = place_names(unnamed, landmarks)


class _Ticker:
    """Progress lines on long imports, at most every PROGRESS_EVERY_S seconds."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._started = time.monotonic()
        self._next = self._started + PROGRESS_EVERY_S

    def say(self, message: str, force: bool = False) -> None:
        if self._progress is not None and (force or time.monotonic() >= self._next):
            self._progress(f"[{time.monotonic() - self._started:5.1f} s] {message}")
            self._next = time.monotonic() + PROGRESS_EVERY_S

    def tick(self, obj, result: Scan) -> None:
        if self._progress is not None and time.monotonic() >= self._next:
            kind = {"n": "nodes", "w": "ways", "r": "relations", "a": "areas"}.get(obj.type_str(), "objects")
            self.say(
                f"reading {kind} (at id {obj.id}): {len(result.records)} venues kept, "
                f"{sum(result.dropped.values())} dropped"
            )


@dataclass(frozen=True)
class _FileFacts:
    size: int
    mtime_ns: int
    osm_timestamp: datetime | None
    box: tuple[float, float, float, float] | None  # south, west, north, east from the header


def _file_facts(path: Path) -> _FileFacts:
    stat = path.stat()
    header = osmium.io.Reader(str(path), osmium.osm.NOTHING).header()
    raw_time = header.get("osmosis_replication_timestamp") or header.get("timestamp")
    osm_time = None
    if raw_time:
        try:
            osm_time = (
                datetime.fromisoformat(raw_time.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
            )
        except ValueError:
            osm_time = None
    box = header.box()
    bounds = None
    if box.valid():
        bounds = (box.bottom_left.lat, box.bottom_left.lon, box.top_right.lat, box.top_right.lon)
    return _FileFacts(stat.st_size, stat.st_mtime_ns, osm_time, bounds)


def import_extract(
    session: Session,
    path: Path | str,
    *,
    area: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import one extract into the venue table, in one transaction (committed here)."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file")
    area = (area or area_name(path)).strip().lower()
    report = ImportReport(area=area, path=path)
    started = time.perf_counter()
    try:
        facts = _file_facts(path)
    except RuntimeError as exc:  # pyosmium: not an OSM file, or a format it can't read
        raise ImportRefused(f"{path}: can't read it as OSM data ({exc})") from None
    problem = extract_check.file_problem(path, facts.box, force=force)  # cut short, no bounding box
    if problem:
        raise ImportRefused(problem)

    previous = session.execute(select(VenueExtract).where(VenueExtract.area == area)).scalar_one_or_none()
    digest: str | None = None
    if previous is not None and not force:
        if (previous.size_bytes, previous.mtime_ns) == (facts.size, facts.mtime_ns):
            report.unchanged = True
            return report
        digest = sha256_of(path)
        if digest == previous.sha256:
            previous.mtime_ns = facts.mtime_ns  # touched or copied: remember, so next time is cheaper
            session.commit()
            report.unchanged = True
            return report
        if previous.osm_timestamp and facts.osm_timestamp and facts.osm_timestamp < previous.osm_timestamp:
            raise ImportRefused(
                f"{path.name} holds data from {facts.osm_timestamp:%Y-%m-%d}, older than the "
                f"{previous.osm_timestamp:%Y-%m-%d} data imported for '{area}' (use --force to import it anyway)"
            )

    try:
        scanned = scan(path, progress)
    except RuntimeError as exc:
        raise ImportRefused(f"{path}: reading failed ({exc})") from None
    seen_at = (now or datetime.now(UTC)).replace(tzinfo=None)
    source = EXTRACT_SOURCE_PREFIX + area
    try:
        report.written = store.upsert(session, scanned.venue_records(), source=source, seen_at=seen_at)
        report.removed = store.delete_unseen(session, source, seen_at)
        problem = extract_check.removal_problem(
            area, previous.venue_count if previous else 0, report.removed, force=force
        )
        if problem:
            raise ImportRefused(problem)  # rolled back below: the area's venues stay as they were
        _remember_extract(
            session,
            previous,
            area,
            path,
            facts,
            digest or sha256_of(path),
            scanned,
            seen_at,
            store.count(session, source),
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    report.kept, report.dropped, report.clipped = scanned.kept, scanned.dropped, scanned.clipped
    # Slopes from the elevation cache only: an import never waits for the service.
    report.slopes_unknown = _cached_slopes(session, source)
    report.seconds = time.perf_counter() - started
    return report


def _cached_slopes(session: Session, source: str) -> int:
    """Fill in slopes from the elevation cache; how many venues still lack one."""
    filled = elevation.fill_slopes(session, None, source=source)
    return filled.venues - filled.slopes


def _remember_extract(
    session: Session,
    previous: VenueExtract | None,
    area: str,
    path: Path,
    facts: _FileFacts,
    digest: str,
    scanned: Scan,
    imported_at: datetime,
    venue_count: int,
) -> None:
    box = facts.box or _box_of(scanned)
    row = previous or VenueExtract(area=area)
    row.file_name = path.name[:255]
    row.size_bytes, row.mtime_ns, row.sha256 = facts.size, facts.mtime_ns, digest
    row.osm_timestamp = facts.osm_timestamp
    row.south, row.west, row.north, row.east = box
    row.venue_count = venue_count
    row.imported_at = imported_at
    if previous is None:
        session.add(row)


def _box_of(scanned: Scan) -> tuple[float, float, float, float]:
    """Without a header box (plain .osm files often lack one), the venues' own extent."""
    points = [(c.lat, c.lon) for c in scanned.records.values()]
    if not points:
        return (0.0, 0.0, 0.0, 0.0)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons), max(lats), max(lons))
