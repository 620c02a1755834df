"""Schemas of the venues API: they validate the query and describe the answer in OpenAPI."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from backrun.api.schemas import AttributionSchema, LatLonQuery
from backrun.venues.classify import KINDS
from backrun.venues.service import DEFAULT_LIMIT, DEFAULT_RADIUS_KM, MAX_LIMIT, MAX_RADIUS_KM

SOURCES = ["extract", "overpass", "mixed", "unavailable", "none"]
VENUE_SOURCES = ["extract", "overpass"]


class VenueQuery(LatLonQuery):
    radius_km = fields.Float(
        load_default=DEFAULT_RADIUS_KM,
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, error="must be a positive number of kilometres."),
        metadata={
            "description": f"Search radius in km, default {DEFAULT_RADIUS_KM:g}. "
            f"Larger values are capped at {MAX_RADIUS_KM:g}."
        },
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"At most this many venues, 1 to {MAX_LIMIT}."},
    )
    indoor = fields.Boolean(
        load_default=None,
        truthy={"1", "true"},
        falsy={"0", "false"},
        metadata={
            "description": "`1`: indoor venues only (the mode for an `indoors` verdict); "
            "`0`: outdoor venues only; absent: both."
        },
    )

    @post_load
    def _cap_radius(self, data, **kwargs):
        data["radius_km"] = min(data["radius_km"], MAX_RADIUS_KM)
        return data


class VenueReasonSchema(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "Stable code, e.g. `kind_track`, `surface_tartan`, `lighting_unknown`, `distance`."
        },
    )
    points = fields.Float(
        required=True, metadata={"description": "What it adds to (or takes from) the score."}
    )
    message = fields.String(required=True)
    # `unknown` is Schema's own setting for unknown input fields: the field takes another attribute name.
    unknown_ = fields.Boolean(
        data_key="unknown",
        required=True,
        metadata={"description": "A fact OSM doesn't have, e.g. lighting unknown."},
    )


class VenueSchema(Schema):
    osm = fields.String(
        required=True, metadata={"description": "`type/id` on openstreetmap.org.", "example": "way/493738896"}
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = fields.String(allow_none=True, required=True, metadata={"description": "OSM `name`, as tagged."})
    title = fields.String(
        required=True,
        metadata={
            "description": "What to call it: its name, else its kind and the named place it lies in or near "
            "(`Running track, Rheinpark`).",
            "example": "Running track, Rheinpark",
        },
    )
    source = fields.String(
        required=True,
        validate=validate.OneOf(VENUE_SOURCES),
        metadata={"description": "`extract`: from an imported OSM extract; `overpass`: looked up live."},
    )
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    distance_km = fields.Float(required=True)
    score = fields.Float(
        required=True,
        metadata={
            "description": "Higher is better and safer, in whole points: "
            "`quality` minus 10 points per km of distance "
            "(docs/venue-scoring.md). The same on the venue's page."
        },
    )
    quality = fields.Float(required=True, metadata={"description": "The score before distance."})
    surface = fields.String(
        allow_none=True, required=True, metadata={"description": "OSM `surface`, as tagged."}
    )
    lit = fields.String(allow_none=True, required=True, metadata={"description": "OSM `lit`, as tagged."})
    access = fields.String(
        allow_none=True, required=True, metadata={"description": "OSM `access`, as tagged."}
    )
    indoor = fields.Boolean(required=True)
    area_m2 = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "Area of an area venue; null for points and lines (size unknown)."},
    )
    clipped = fields.Boolean(
        required=True,
        metadata={
            "description": "Cut at the edge of the imported data: only its available part is measured."
        },
    )
    slope_pct = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Slope of an open area from elevation data; null: unknown "
            "or not measured (tracks, halls, small areas)."
        },
    )
    reasons = fields.List(
        fields.Nested(VenueReasonSchema),
        required=True,
        metadata={"description": "Why it scores as it does, unknowns included."},
    )


class VenueListSchema(Schema):
    venues = fields.List(fields.Nested(VenueSchema), required=True, metadata={"description": "Best first."})
    source = fields.String(
        required=True,
        validate=validate.OneOf(SOURCES),
        metadata={
            "description": "`extract`: an imported OSM extract covers the place; "
            "`overpass`: live OSM data, cached per tile; `unavailable`: the "
            "live lookup failed; `none`: no data for this place; "
            "`mixed`: venues from both. `unavailable` and `none` only "
            "with an empty list."
        },
    )
    attribution = fields.Nested(AttributionSchema, required=True)
