"""Place name -> coordinates with geopy's Nominatim client.

Nominatim's usage policy: an identifying User-Agent, at most one request per second for the
whole application, and cached results. The throttle is shared by every worker process (and
every instance when Redis is configured) through the coordinator.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app
from geopy.adapters import RequestsAdapter
from geopy.exc import GeocoderQueryError, GeocoderRateLimited, GeopyError
from geopy.geocoders import Nominatim
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backrun.extensions import db
from backrun.places.models import GeocodedPlace
from backrun.platform.coordination import get_coordinator
from backrun.platform.http import DeadlineSession, mount_deadline_adapters, user_agent
from backrun.platform.upstream import UpstreamUnavailable, get_upstreams

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
FOUND_KEEP = timedelta(days=30)
NOT_FOUND_KEEP = timedelta(days=1)
# Nominatim's policy: an absolute maximum of 1 request per second.
MIN_INTERVAL_S = 1.0
MAX_WAIT_S = 5.0


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float


class GeocodingError(Exception):
    """`kind` is "invalid", "not_found", "busy" or "unavailable"; the message is for people."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def normalise_query(query: str) -> str:
    text = unicodedata.normalize("NFKC", query or "")
    return " ".join(text.split()).casefold()


def geocode(query: str) -> Place:
    key = normalise_query(query)
    if not key:
        raise GeocodingError("invalid", "Type a place name, for example a town or a park.")
    if len(key) > MAX_QUERY_LENGTH:
        raise GeocodingError("invalid", f"Place names are at most {MAX_QUERY_LENGTH} characters.")
    now = datetime.now(UTC).replace(tzinfo=None)
    cached = db.session.scalar(select(GeocodedPlace).where(GeocodedPlace.query_key == key))
    if cached is not None and now - cached.looked_up_at < (FOUND_KEEP if cached.found else NOT_FOUND_KEEP):
        return _place_or_not_found(cached, query)

    place = _ask_nominatim(key)
    _remember(cached, key, place, now)
    if place is None:
        raise GeocodingError(
            "not_found", f"No place called “{query.strip()}” was found. Try adding the town or country."
        )
    return place


def _place_or_not_found(row: GeocodedPlace, query: str) -> Place:
    if not row.found or row.latitude is None or row.longitude is None:
        raise GeocodingError(
            "not_found", f"No place called “{query.strip()}” was found. Try adding the town or country."
        )
    return Place(row.display_name or query, row.latitude, row.longitude)


def _ask_nominatim(key: str) -> Place | None:
    upstreams = get_upstreams()
    try:
        with upstreams.bulkhead.slot("nominatim"):
            return upstreams.breaker("nominatim", _counts_against_nominatim).call(_ask_within_slot, key)
    except UpstreamUnavailable as exc:
        log.warning("nominatim not asked: %s", exc.detail)
        raise GeocodingError(
            "busy", "The place search is busy right now. Try again in a few seconds, or use your location."
        ) from None


def _counts_against_nominatim(exc: BaseException) -> bool:
    return isinstance(exc, GeocodingError) and exc.kind == "unavailable"


def _ask_within_slot(key: str) -> Place | None:
    if not get_coordinator().throttle("nominatim", MIN_INTERVAL_S, MAX_WAIT_S):
        raise GeocodingError(
            "busy", "The place search is busy right now. Try again in a few seconds, or use your location."
        )
    try:
        location = _client().geocode(key, exactly_one=True, language="en")
    except GeocoderQueryError:
        return None
    except GeocoderRateLimited:
        log.warning("nominatim rate-limited us")
        raise GeocodingError(
            "busy", "The place search is busy right now. Try again in a minute, or use your location."
        ) from None
    except (GeopyError, ValueError, KeyError, TypeError) as exc:
        # ValueError/KeyError/TypeError: a malformed answer that geopy could not read.
        log.warning("nominatim unavailable: %s", exc)
        raise GeocodingError(
            "unavailable",
            "The place search is unavailable right now. Use your location instead, or try again later.",
        ) from None
    if location is None:
        return None
    return Place(location.address, float(location.latitude), float(location.longitude))


def _remember(row: GeocodedPlace | None, key: str, place: Place | None, now: datetime) -> None:
    if row is None:
        row = GeocodedPlace(query_key=key)
        db.session.add(row)
    row.found = place is not None
    row.display_name = place.name if place else None
    row.latitude = place.latitude if place else None
    row.longitude = place.longitude if place else None
    row.looked_up_at = now
    try:
        db.session.commit()
    except IntegrityError:
        # Another request cached the same query a moment ago; theirs is as good as ours.
        db.session.rollback()


class _DeadlineRequestsAdapter(RequestsAdapter):
    """geopy's requests adapter on a session whose timeout is a total deadline (backrun/platform/http.py)."""

    session: requests.Session  # geopy's, then ours

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        proxies = self.session.proxies
        self.session.close()
        self.session = DeadlineSession()
        self.session.trust_env = False  # as geopy's: no system proxies
        self.session.proxies = proxies
        mount_deadline_adapters(self.session)


def _client() -> Nominatim:
    config = current_app.config
    parts = urlsplit(config["BACKRUN_NOMINATIM_URL"])
    return Nominatim(
        user_agent=user_agent(config["BACKRUN_CONTACT"]),
        domain=parts.netloc + parts.path.rstrip("/"),
        scheme=parts.scheme or "https",
        timeout=config["BACKRUN_HTTP_TIMEOUT"],
        adapter_factory=_DeadlineRequestsAdapter,
    )
