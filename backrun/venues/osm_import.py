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
from datetime import datetime, timezone
from pathlib import Path

import osmium
import osmium.geom
from osmium.filter import TagFilter
from sqlalchemy import select
from sqlalchemy.orm import Session

from backrun.venues import extract_check, store
from backrun.venues import wkb as wkb_geometry
from backrun.venues.classify import CANDIDATE_TAGS, REJECTION_LABELS, Rejection, classify
from backrun.venues.geometry import measure_line, measure_polygon
from backrun.venues.models import EXTRACT_SOURCE_PREFIX, VenueExtract

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

    records: dict[tuple[str, int], store.VenueRecord] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    candidates_seen: int = 0

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
    seconds: float = 0.0

    def lines(self) -> list[str]:
        if self.unchanged:
            return [f"{self.path.name}: already imported as area '{self.area}', nothing to do (use --force to re-import)."]
        kept = ", ".join(f"{n} {kind}" for kind, n in self.kept.most_common()) or "none"
        lines = [f"{self.path.name} -> area '{self.area}' in {self.seconds:.1f} s",
                 f"  kept {sum(self.kept.values())} venues: {kept}"]
        lines.append(f"  dropped {sum(self.dropped.values())} candidates:")
        for reason, n in self.dropped.most_common():
            label = REJECTION_LABELS.get(reason, "geometry missing from the extract" if reason == INCOMPLETE else reason)
            lines.append(f"    {n:6d}  {label}")
        lines.append(f"  {self.written} rows written, {self.removed} venues no longer in the data removed")
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
    """Read the file and classify every candidate object (no database)."""
    result = Scan()
    # Closed ways the area assembler should hand back as areas right after them: kept (as a
    # linestring WKB, cheap to make in C++) only until their area arrives.
    pending_closed: dict[int, tuple[dict[str, str], bytes]] = {}
    wkb = osmium.geom.WKBFactory()
    ticker = _Ticker(progress)
    processor = (osmium.FileProcessor(str(path))
                 .with_areas(TagFilter(*CANDIDATE_TAGS))
                 .with_filter(TagFilter(*CANDIDATE_TAGS)))
    if path.stat().st_size >= LARGE_FILE_BYTES:  # the first pass gives no sign of life otherwise
        ticker.say("reading multipolygon relations (first pass)…", force=True)
    for obj in processor:
        result.candidates_seen += 1
        if obj.is_area():
            _take_area(obj, wkb, result, pending_closed)
        elif obj.is_way():
            _take_way(obj, wkb, result, pending_closed)
        elif obj.is_node():
            _take_node(obj, result)
        ticker.tick(obj, result)
    # Closed ways the assembler didn't turn into areas (invalid rings): measure the ring ourselves.
    for way_id, (tags, line) in pending_closed.items():
        ring = wkb_geometry.linestring(line)
        _keep(result, "way", way_id, tags, lambda ring=ring: measure_polygon([ring]), polygon=True)
    return result


def _take_node(node, result: Scan) -> None:
    location = node.location
    tags = dict(node.tags)
    if not location.valid():
        result.dropped[INCOMPLETE] += 1
        return
    verdict = classify(tags)
    if isinstance(verdict, Rejection):
        result.dropped[verdict.reason] += 1
        return
    result.records[("node", node.id)] = store.VenueRecord("node", node.id, verdict.kind, verdict.indoor,
                                                          location.lat, location.lon, None, None, tags)


def _take_way(way, wkb, result: Scan, pending_closed) -> None:
    tags = dict(way.tags)
    try:
        line = wkb.create_linestring(way)
    except (osmium.InvalidLocationError, RuntimeError):  # nodes missing from the extract, or < 2 points
        result.dropped[INCOMPLETE] += 1
        return
    if way.is_closed() and len(way.nodes) >= 4 and tags.get("area") != "no":
        pending_closed[way.id] = (tags, line)
        return
    points = wkb_geometry.linestring(line)
    _keep(result, "way", way.id, tags, lambda: measure_line(points), polygon=False)


def _take_area(area, wkb, result: Scan, pending_closed) -> None:
    osm_type = "way" if area.from_way() else "relation"
    osm_id = area.orig_id()
    if osm_type == "way":
        pending_closed.pop(osm_id, None)
    tags = dict(area.tags)
    try:
        polygons = wkb_geometry.multipolygon(wkb.create_multipolygon(area))
    except (osmium.InvalidLocationError, RuntimeError):
        result.dropped[INCOMPLETE] += 1
        return
    outers = [rings[0] for rings in polygons if rings]
    inners = [ring for rings in polygons for ring in rings[1:]]
    if not outers:
        result.dropped[INCOMPLETE] += 1
        return
    _keep(result, osm_type, osm_id, tags, lambda: measure_polygon(outers, inners), polygon=True)


def _keep(result: Scan, osm_type: str, osm_id: int, tags: dict[str, str], measure, *, polygon: bool) -> None:
    measured = measure()
    verdict = classify(tags, measured.area_m2 if polygon else None, measured.perimeter_m)
    if isinstance(verdict, Rejection):
        result.dropped[verdict.reason] += 1
        return
    result.records[(osm_type, osm_id)] = store.VenueRecord(
        osm_type, osm_id, verdict.kind, verdict.indoor, measured.lat, measured.lon,
        measured.area_m2, measured.perimeter_m, tags,
    )


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
            self.say(f"reading {kind} (at id {obj.id}): {len(result.records)} venues kept, "
                     f"{sum(result.dropped.values())} dropped")


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
            osm_time = datetime.fromisoformat(raw_time.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
        except ValueError:
            osm_time = None
    box = header.box()
    bounds = None
    if box.valid():
        bounds = (box.bottom_left.lat, box.bottom_left.lon, box.top_right.lat, box.top_right.lon)
    return _FileFacts(stat.st_size, stat.st_mtime_ns, osm_time, bounds)


def import_extract(session: Session, path: Path | str, *, area: str | None = None, force: bool = False,
                   progress: Progress | None = None, now: datetime | None = None) -> ImportReport:
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
                f"{previous.osm_timestamp:%Y-%m-%d} data imported for '{area}' (use --force to import it anyway)")

    try:
        scanned = scan(path, progress)
    except RuntimeError as exc:
        raise ImportRefused(f"{path}: reading failed ({exc})") from None
    seen_at = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    source = EXTRACT_SOURCE_PREFIX + area
    try:
        report.written = store.upsert(session, scanned.records.values(), source=source, seen_at=seen_at)
        report.removed = store.delete_unseen(session, source, seen_at)
        problem = extract_check.removal_problem(area, previous.venue_count if previous else 0, report.removed,
                                                force=force)
        if problem:
            raise ImportRefused(problem)  # rolled back below: the area's venues stay as they were
        _remember_extract(session, previous, area, path, facts, digest or sha256_of(path), scanned, seen_at,
                          store.count(session, source))
        session.commit()
    except Exception:
        session.rollback()
        raise
    report.kept, report.dropped = scanned.kept, scanned.dropped
    report.seconds = time.perf_counter() - started
    return report


def _remember_extract(session: Session, previous: VenueExtract | None, area: str, path: Path, facts: _FileFacts,
                      digest: str, scanned: Scan, imported_at: datetime, venue_count: int) -> None:
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
    points = [(r.lat, r.lon) for r in scanned.records.values()]
    if not points:
        return (0.0, 0.0, 0.0, 0.0)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons), max(lats), max(lons))
