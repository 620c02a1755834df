"""Ranked venues near the runner: what the home page and /api/v1/venues both call.

store (and, where no extract covers the place, a live Overpass lookup) -> pure scoring in the
mode the weather chose -> the best venues first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from backrun.extensions import cache, db
from backrun.platform.http import make_client
from backrun.platform.upstream import Bulkhead, Upstreams, UpstreamUnavailable, get_upstreams
from backrun.safety.daylight import SunTracker, is_dark
from backrun.venues import live
from backrun.venues.classify import KIND_LABELS
from backrun.venues.geometry import Box, haversine_km
from backrun.venues.links import directions_url, osm_url
from backrun.venues.models import OVERPASS_SOURCE_PREFIX, VenueExtract
from backrun.venues.naming import title
from backrun.venues.overpass import (
    BackoffStore,
    OverpassClient,
    OverpassElement,
    OverpassError,
    OverpassFetcher,
)
from backrun.venues.query import NearbyVenue, spatial_search, venues_within
from backrun.venues.scoring import VenueScore, facts_of, lighting, offered, score_venue

DEFAULT_RADIUS_KM = 5.0
MAX_RADIUS_KM = 50.0
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
PAGE_LIMIT = 10  # under the verdict on a phone; the API gives up to MAX_LIMIT
SAME_PLACE_KM = 0.5  # same name and kind this close: one venue mapped several times (stadium parts)
ATTRIBUTION = {"text": "© OpenStreetMap contributors", "url": "https://www.openstreetmap.org/copyright"}
MODE_TEXT = {
    "day": "Outdoor venues first: tracks, then beaches, parks and grass.",
    "night": "It's dark: lit venues first, unknown lighting counts against a venue.",
    "indoor": "The weather says indoors: only indoor venues are listed.",
}
_CLIENT_KEY = "backrun.venues.overpass"


@dataclass(frozen=True, slots=True)
class RankedVenue:
    venue: NearbyVenue
    score: VenueScore
    rank: int

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.venue.kind, self.venue.kind)

    @property
    def title(self) -> str:
        return title(self.venue.name, self.label, self.venue.place)

    @property
    def source(self) -> str:
        return venue_source(self.venue.source)

    @property
    def lighting(self) -> str:
        return lighting(self.venue.tags)

    @property
    def osm_url(self) -> str:
        return osm_url(self.venue.osm_type, self.venue.osm_id)

    def directions_url(self, from_lat: float | None = None, from_lon: float | None = None) -> str:
        return directions_url(self.venue.lat, self.venue.lon, from_lat, from_lon)


@dataclass(frozen=True, slots=True)
class VenueList:
    venues: tuple[RankedVenue, ...]
    mode: str
    radius_km: float
    source: str  # extract | overpass | mixed | unavailable | none | pending (a live lookup is due)
    lat: float
    lon: float

    @property
    def attribution(self) -> dict[str, str]:
        return ATTRIBUTION

    @property
    def mode_text(self) -> str:
        return MODE_TEXT[self.mode]


def choose_mode(verdict: str | None, dark: bool, indoor: bool | None = None) -> str:
    if indoor or (indoor is None and verdict == "indoors"):
        return "indoor"
    return "night" if dark else "day"


def sun_is_down(lat: float, lon: float, when: datetime) -> bool:
    """Darker than civil twilight: the same test as the safety rules' darkness reason."""
    return is_dark(SunTracker(lat, lon).elevation_deg(when))


def nearby_venues(
    lat: float,
    lon: float,
    *,
    verdict: str | None,
    dark: bool,
    radius_km: float = DEFAULT_RADIUS_KM,
    limit: int = DEFAULT_LIMIT,
    indoor: bool | None = None,
    now: datetime | None = None,
    live_lookup: bool = True,
) -> VenueList:
    """The best venues within radius_km (capped at 50), best first.

    verdict and dark pick the mode: "indoors" lists indoor venues only, dark weighs lighting.
    indoor=True forces indoor venues only, indoor=False outdoor venues only.
    live_lookup=False never waits for Overpass: where a lookup is due the list comes back empty
    with source "pending", and the page fetches it in a request of its own.
    """
    now = now or datetime.now(UTC)
    # The precision the list links to venue pages with (`from=`), so both compute one distance.
    lat, lon = round(lat, 5), round(lon, 5)
    radius_km = min(max(radius_km, 0.0), MAX_RADIUS_KM)
    limit = min(max(limit, 1), MAX_LIMIT)
    mode = choose_mode(verdict, dark, indoor)
    session = db.session()  # the request's Session (db.session is its scoped proxy)
    source = "extract"
    if not covered_by_extract(session, lat, lon):
        client = overpass_client()
        if not live_lookup and client is not None and live.needs_lookup(session, lat, lon, radius_km, now):
            return VenueList((), mode, radius_km, "pending", lat, lon)
        status = live.ensure_tiles(session, client, lat, lon, radius_km, now)
        source = {"disabled": "none", "failed": "unavailable"}.get(status.state, "overpass")
    only_indoor = True if mode == "indoor" else (False if indoor is False else None)
    found = venues_within(
        session.connection(), spatial_search(db.engine), lat, lon, radius_km, indoor=only_indoor
    )
    ranked = rank(found, mode=mode)
    listed = tuple(ranked[:limit])
    return VenueList(listed, mode, radius_km, list_source(source, listed), lat, lon)


def venue_source(source: str) -> str:
    """extract | overpass: where a stored venue came from (its row's `extract:<area>` or
    `overpass:<tile>`)."""
    return "overpass" if source.startswith(OVERPASS_SOURCE_PREFIX) else "extract"


def list_source(status: str, listed: tuple[RankedVenue, ...]) -> str:
    """What the list as a whole came from. The venues' own sources win: "none" or "unavailable"
    (no live lookup possible, or it failed) only when nothing is listed."""
    sources = {r.source for r in listed}
    if not sources:
        return status
    return sources.pop() if len(sources) == 1 else "mixed"


def rank(found: list[NearbyVenue], *, mode: str) -> list[RankedVenue]:
    scored = []
    for venue in found:
        facts = facts_of(venue)
        if offered(facts, mode):
            scored.append((venue, score_venue(facts, mode=mode, distance_km=venue.distance_km)))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].distance_km, pair[0].osm_type, pair[0].osm_id))
    kept: list[tuple[NearbyVenue, VenueScore]] = []
    for venue, score in scored:
        if not _duplicate(venue, kept):
            kept.append((venue, score))
    return [RankedVenue(venue, score, i) for i, (venue, score) in enumerate(kept, start=1)]


def _duplicate(venue: NearbyVenue, kept: list[tuple[NearbyVenue, VenueScore]]) -> bool:
    """The same name and kind close by: one venue mapped in parts (a stadium and its stands).
    Unnamed objects are all listed: two tracks on one spot may be one oval mapped twice, or an
    athletics ring and its running lanes, and OSM can't tell us which."""
    if not venue.name:
        return False
    return any(
        other.name == venue.name
        and other.kind == venue.kind
        and haversine_km(other.lat, other.lon, venue.lat, venue.lon) <= SAME_PLACE_KM
        for other, _ in kept
    )


def covered_by_extract(session: Session, lat: float, lon: float) -> bool:
    """Inside the bounding box of an imported extract: its data is the answer, no live lookup."""
    hit = session.execute(
        select(VenueExtract.id)
        .where(
            VenueExtract.south <= lat,
            VenueExtract.north >= lat,
            VenueExtract.west <= lon,
            VenueExtract.east >= lon,
        )
        .limit(1)
    ).first()
    return hit is not None


class GuardedOverpass:
    """The Overpass client behind a bulkhead and a circuit breaker of its own (backrun/platform/upstream.py):
    no free slot or an open circuit is an OverpassError at once.

    Overpass is asked one request at a time for the whole app (the client's lock), so its own
    few slots bound the threads of this process that wait for that lock, apart from the weather's.
    """

    SLOTS = 2

    # Failures of Overpass itself; "busy" and "backing_off" never reached it.
    FAILURE_KINDS = frozenset({"gateway", "timeout", "unavailable", "bad_response", "rate_limited"})

    def __init__(self, client: OverpassClient, upstreams: Upstreams) -> None:
        self._client = client
        self._upstreams = upstreams
        self._bulkhead = Bulkhead(self.SLOTS)
        self.url = client.url

    def fetch(
        self, box: Box, tags: Iterable[tuple[str, str]], still_needed: Callable[[], bool] = lambda: True
    ) -> list[OverpassElement] | None:
        breaker = self._upstreams.breaker(
            "overpass", lambda exc: isinstance(exc, OverpassError) and exc.kind in self.FAILURE_KINDS
        )
        try:
            with self._bulkhead.slot("overpass"):
                return breaker.call(self._client.fetch, box, tags, still_needed)
        except UpstreamUnavailable as exc:
            raise OverpassError("busy" if exc.kind == "busy" else "circuit_open", exc.detail) from None


def overpass_client() -> OverpassFetcher | None:
    """The app's Overpass client, or None when BACKRUN_OVERPASS_URL is empty."""
    app = current_app
    client = app.extensions.get(_CLIENT_KEY)
    if client is None:
        url = app.config["BACKRUN_OVERPASS_URL"]
        if not url:
            return None
        from backrun.platform.coordination import get_coordinator

        client = OverpassClient(
            url,
            make_client(app.config),
            get_coordinator(),
            BackoffStore(cache),
            connect_timeout_s=float(app.config["BACKRUN_HTTP_TIMEOUT"]),
            query_timeout_s=int(app.config["BACKRUN_OVERPASS_TIMEOUT"]),
            read_timeout_s=app.config["BACKRUN_OVERPASS_READ_TIMEOUT"],
        )
        client = GuardedOverpass(client, get_upstreams())
        app.extensions[_CLIENT_KEY] = client
    return client
