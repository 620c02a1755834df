"""Venue pages: the detail page of one venue, and the list shown under the advice verdict."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import abort, render_template, request
from sqlalchemy import select

from backrun.extensions import db
from backrun.places.coordinates import InvalidCoordinates, parse_lat_lon
from backrun.platform.cache import PAGE, cache_policy
from backrun.platform.pages import render_page_or_fragment
from backrun.venues import bp
from backrun.venues.classify import KIND_LABELS
from backrun.venues.geometry import haversine_km
from backrun.venues.links import directions_url, edit_url, osm_url
from backrun.venues.models import Venue
from backrun.venues.naming import title
from backrun.venues.scoring import facts_of, lighting, score_venue
from backrun.venues.service import (
    ATTRIBUTION,
    PAGE_LIMIT,
    nearby_venues,
    sun_is_down,
    venue_source,
)

log = logging.getLogger(__name__)


OSM_TYPES = ("node", "way", "relation")
MODES = ("day", "night", "indoor")


@bp.get("/nearby")
@cache_policy(PAGE)
def nearby():
    """The venue list alone, in the mode the advice chose; it may wait for a live lookup."""
    try:
        lat, lon = parse_lat_lon(request.args.get("lat"), request.args.get("lon"))
    except InvalidCoordinates as exc:
        abort(400, description=str(exc))
    mode = request.args.get("mode", "day")
    if mode not in MODES:
        abort(400, description="mode must be day, night or indoor.")
    venues = nearby_venues(
        lat,
        lon,
        verdict="indoors" if mode == "indoor" else None,
        dark=mode == "night",
        indoor=True if mode == "indoor" else None,
        limit=PAGE_LIMIT,
    )
    return render_page_or_fragment("venues/nearby.html", "venues/_list.html", venues=venues)


@bp.get("/<osm_type>/<int:osm_id>")
@cache_policy(PAGE)
def detail(osm_type: str, osm_id: int):
    if osm_type not in OSM_TYPES:
        abort(404)
    venue = db.session.execute(
        select(Venue).where(Venue.osm_type == osm_type, Venue.osm_id == osm_id)
    ).scalar_one_or_none()
    if venue is None:
        abort(404, description="No such venue here. It may not be a venue Backrun offers, or not imported.")
    origin = _origin()
    distance_km = haversine_km(origin[0], origin[1], venue.lat, venue.lon) if origin else None
    facts = facts_of(venue)
    now = datetime.now(UTC)
    modes = ("day", "night", "indoor") if venue.indoor else ("day", "night")
    # The list links here with its mode, so the score is the one the list showed; otherwise an
    # indoor venue is judged as the indoors-day option it is, an outdoor one by the light now.
    asked = request.args.get("mode")
    if asked is not None and asked in modes:
        mode_now = asked
    else:
        mode_now = "indoor" if venue.indoor else "night" if sun_is_down(venue.lat, venue.lon, now) else "day"
    scores = {mode: score_venue(facts, mode=mode) for mode in modes}
    label = KIND_LABELS.get(venue.kind, venue.kind)
    return render_template(
        "venues/detail.html",
        venue=venue,
        label=label,
        title=title(venue.name, label, venue.place),
        source=venue_source(venue.source),
        lighting=lighting(venue.tags or {}),
        scores=scores,
        mode_now=mode_now,
        score_now=score_venue(facts, mode=mode_now, distance_km=distance_km),
        distance_km=distance_km,
        origin=origin,
        osm_url=osm_url(venue.osm_type, venue.osm_id),
        edit_url=edit_url(venue.osm_type, venue.osm_id),
        directions=directions_url(venue.lat, venue.lon, *(origin or (None, None))),
        attribution=ATTRIBUTION,
    )


def _origin() -> tuple[float, float] | None:
    """The runner's position when the list linked here with it (`?from=lat,lon`); else None."""
    raw = request.args.get("from", "")
    if "," not in raw:
        return None
    try:
        return parse_lat_lon(*raw.split(",", 1))
    except InvalidCoordinates:
        return None
