"""GET /api/v1/venues: safe flat venues near a point, best first."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify

from backrun.api import bp
from backrun.api.openapi import ErrorSchema, documented
from backrun.api.validation import parse_query
from backrun.api.venue_schemas import VenueListSchema, VenueQuery
from backrun.platform.cache import PRIVATE_SHORT, cache_policy
from backrun.venues.service import RankedVenue, VenueList, nearby_venues, sun_is_down


@bp.get("/venues")
@cache_policy(PRIVATE_SHORT)
@documented(
    summary="Safe flat venues for backward running near a point",
    description="Venues from OpenStreetMap within `radius_km`, best first, each with the reasons for its score "
    "and what OSM doesn't say (lighting, access, surface unknown). Without `indoor`, outdoor and indoor venues "
    "are ranked together and lighting counts when the sun is down; pass `indoor=1` when /advice says `indoors`. "
    "Each venue says where it came from (`source`: `extract` or `overpass`). No venue data for the place "
    "(or a failed live lookup) is still 200, with an empty list and `source` saying why. Data © OpenStreetMap contributors, ODbL.",
    tags=["venues"],
    query=VenueQuery,
    responses={200: (VenueListSchema, "The venues."), 400: (ErrorSchema, "Invalid parameters.")},
)
def venues():
    args = parse_query(VenueQuery)
    now = datetime.now(UTC)
    found = nearby_venues(
        args["lat"],
        args["lon"],
        verdict=None,
        dark=sun_is_down(args["lat"], args["lon"], now),
        radius_km=args["radius_km"],
        limit=args["limit"],
        indoor=args["indoor"],
        now=now,
    )
    return jsonify(venue_list_json(found))


def venue_list_json(found: VenueList) -> dict:
    return {
        "venues": [venue_json(ranked) for ranked in found.venues],
        "source": found.source,
        "attribution": found.attribution,
    }


def venue_json(ranked: RankedVenue) -> dict:
    venue = ranked.venue
    return {
        "osm": venue.osm_ref,
        "kind": venue.kind,
        "name": venue.name,
        "title": ranked.title,
        "source": ranked.source,
        "lat": round(venue.lat, 6),
        "lon": round(venue.lon, 6),
        "distance_km": round(venue.distance_km, 2),
        "score": ranked.score.score,
        "quality": ranked.score.quality,
        "surface": venue.surface,
        "lit": venue.lit,
        "access": venue.access,
        "indoor": venue.indoor,
        "area_m2": venue.area_m2,
        "clipped": venue.clipped,
        "slope_pct": venue.slope_pct,
        "reasons": [reason.to_dict() for reason in ranked.score.reasons],
    }
