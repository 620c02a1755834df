"""What a run is, as data: one marshmallow schema validates the API, the log form and CSV import.

The API documents it in OpenAPI (backrun/api/run_schemas.py), so the rules below are the
rules everywhere. Types are strict: `"30"` is not a duration and `true` is not a number.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from backrun.advice.kit import FEEDBACK as KIT_FEEDBACK
from backrun.logbook.fields import API_FIELDS, READ_ONLY_FIELDS
from backrun.logbook.models import PATTERNS, SETTINGS, SORENESS_PLACES, SURFACES
from backrun.platform.request_guard import contains_nul
from backrun.safety.verdict import VERDICTS

MAX_DURATION_S = 12 * 60 * 60
MAX_NOTES = 10_000
MAX_START_AHEAD = timedelta(days=1)
EARLIEST_START = datetime(1900, 1, 1, tzinfo=UTC)
MAX_DISTANCE_M = 200_000
# Faster than anyone has run backwards (the 100 m record is about 13 s): a typo, not a run.
MAX_SPEED_M_S = 10.0
MAX_BOUTS = 500
OSM_REF = re.compile(r"^(node|way|relation)/[1-9][0-9]{0,14}$")


class StrictNumber(fields.Float):
    """A JSON number, never a string that looks like one; finite."""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _validated(self, value):
        if isinstance(value, str):
            raise self.make_error("invalid", input=value)
        result = super()._validated(value)
        if result is not None and not math.isfinite(result):
            raise self.make_error("special")
        return result


class StrictInteger(fields.Integer):
    """A JSON integer: no strings, no booleans, no 30.5."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


class IsoDateTimeText(fields.String):
    """An ISO 8601 date-time with an offset, kept as text (it lives in a JSON snapshot)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError("Not a valid ISO 8601 date-time.") from exc
        if parsed.tzinfo is None:
            raise ValidationError("Needs a UTC offset, e.g. 2026-05-21T07:30:00+02:00.")
        return parsed.isoformat()


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class RunVenueSchema(StrictSchema):
    osm = fields.String(
        validate=validate.Regexp(OSM_REF, error="Must be an OpenStreetMap element like way/123456."),
        metadata={"description": "A suggested venue: its OpenStreetMap element.", "example": "way/123456"},
    )
    name = fields.String(
        validate=validate.Length(1, 200), metadata={"description": "The venue's name, or free text."}
    )

    @validates_schema
    def _osm_or_name(self, data, **kwargs):
        if not data:
            raise ValidationError("Give `osm` (a suggested venue), `name` (free text) or both.")


class IntervalsSchema(StrictSchema):
    bouts = StrictInteger(
        required=True,
        validate=validate.Range(1, MAX_BOUTS),
        metadata={"description": "Number of backward bouts."},
    )
    backward_s = StrictInteger(
        required=True,
        validate=validate.Range(1, MAX_DURATION_S),
        metadata={"description": "Seconds of each backward bout."},
    )
    recovery_s = StrictInteger(
        required=True,
        validate=validate.Range(0, MAX_DURATION_S),
        metadata={"description": "Seconds of recovery (walking, forward jogging) between bouts."},
    )


class SnapshotReasonSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(1, 64))
    severity = fields.String(required=True, validate=validate.OneOf(("indoors", "unknown", "caution")))
    message = fields.String(required=True, validate=validate.Length(0, 500))


class SnapshotWindowSchema(StrictSchema):
    start = IsoDateTimeText(required=True)
    end = IsoDateTimeText(required=True)


class SnapshotLocationSchema(StrictSchema):
    lat = StrictNumber(required=True, validate=validate.Range(-90, 90))
    lon = StrictNumber(required=True, validate=validate.Range(-180, 180))


class WeatherSnapshotSchema(StrictSchema):
    """The weather advice when the runner set off ("I'm going")."""

    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    reasons = fields.List(
        fields.Nested(SnapshotReasonSchema), load_default=list, validate=validate.Length(max=40)
    )
    source = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(("open-meteo", "met-no"))
    )
    fetched_at = IsoDateTimeText(allow_none=True, load_default=None)
    taken_at = IsoDateTimeText(
        allow_none=True, load_default=None, metadata={"description": "When the snapshot was taken."}
    )
    stale = fields.Boolean(load_default=False)
    window = fields.Nested(SnapshotWindowSchema, allow_none=True, load_default=None)
    location = fields.Nested(
        SnapshotLocationSchema,
        allow_none=True,
        load_default=None,
        metadata={"description": "Rounded to about 1 km."},
    )


class RunSchema(StrictSchema):
    """A run as the API speaks it (and as the form and CSV import are checked)."""

    id = fields.UUID(
        required=True,
        metadata={"description": "Generated by the client (UUID), so offline entries sync once."},
    )
    started_at = fields.AwareDateTime(
        required=True,
        error_messages={"invalid_awareness": "Needs a UTC offset, e.g. 2026-05-21T07:30:00+02:00."},
        metadata={"description": "Start, ISO 8601 with an offset; at most a day in the future."},
    )
    duration_s = StrictInteger(
        required=True,
        validate=validate.Range(
            1, MAX_DURATION_S, error="Must be more than 0 seconds and at most 12 hours (43200 s)."
        ),
        metadata={"description": "Whole run, seconds (1 to 43200)."},
    )
    distance_m = StrictNumber(
        allow_none=True,
        load_default=None,
        validate=validate.Range(
            0, MAX_DISTANCE_M, min_inclusive=False, error="Must be more than 0 and at most 200 km."
        ),
        metadata={"description": "Metres, optional (treadmills without a display, for one)."},
    )
    setting = fields.String(required=True, validate=validate.OneOf(SETTINGS))
    venue = fields.Nested(RunVenueSchema, allow_none=True, load_default=None)
    surface = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(SURFACES))
    intervals = fields.Nested(
        IntervalsSchema,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "Bouts x backward seconds / recovery seconds; null: no intervals (see `pattern`)."
        },
    )
    pattern = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(PATTERNS),
        metadata={
            "description": "`intervals` (with `intervals`), `continuous` (one continuous backward run: the whole "
            "run counts as one bout) or `mixed` (backward time not known, not credited). "
            "Default: `intervals` when intervals are given, else `mixed`."
        },
    )
    effort = StrictInteger(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 10, error="Must be a whole number from 1 to 10 (RPE)."),
        metadata={"description": "Rating of perceived exertion, 1 (very easy) to 10 (maximal)."},
    )
    soreness = fields.List(
        fields.String(validate=validate.OneOf(SORENESS_PLACES)),
        load_default=list,
        metadata={"description": "Where it is sore afterwards; empty: nothing."},
    )
    notes = fields.String(
        load_default="", validate=validate.Length(max=MAX_NOTES, error="At most 10,000 characters.")
    )
    weather = fields.Nested(WeatherSnapshotSchema, allow_none=True, load_default=None)
    kit_feedback = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(KIT_FEEDBACK),
        metadata={
            "description": "How the clothes felt: `too_warm`, `right` or `too_cold`. "
            "Moves the runner's kit offset (docs/kit.md)."
        },
    )
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)

    @validates_schema
    def _consistent(self, data, **kwargs):
        errors = {}  # field -> messages
        started_at = data.get("started_at")
        if started_at is not None:
            if started_at > datetime.now(UTC) + MAX_START_AHEAD:
                errors["started_at"] = ["Can’t be more than a day in the future."]
            elif started_at < EARLIEST_START:
                errors["started_at"] = ["Can’t be before 1900."]
            elif abs(started_at.utcoffset().total_seconds()) > 14 * 3600:
                errors["started_at"] = ["The UTC offset must be between -14:00 and +14:00."]
            elif started_at.utcoffset().total_seconds() % 60:
                # Stored in whole minutes: +01:00:30 would silently become +01:00.
                errors["started_at"] = ["The UTC offset must be whole minutes, like +01:00 or +05:45."]
        duration = data.get("duration_s")
        intervals = data.get("intervals")
        if intervals and duration and intervals["bouts"] * intervals["backward_s"] > duration:
            errors["intervals"] = ["The backward bouts add up to more than the whole session."]
        pattern = data.get("pattern")
        if intervals and pattern not in (None, "intervals"):
            errors["pattern"] = ["Must be `intervals` when intervals are given."]
        elif not intervals and pattern == "intervals":
            errors["pattern"] = ["Give the intervals (bouts and seconds), or say `continuous` or `mixed`."]
        distance = data.get("distance_m")
        if distance and duration and distance / duration > MAX_SPEED_M_S:
            errors["distance_m"] = [
                "That is faster than anyone runs backwards: check the distance and duration."
            ]
        soreness = data.get("soreness") or []
        if len(set(soreness)) != len(soreness):
            errors["soreness"] = ["List each place once."]
        if errors:
            raise ValidationError(errors)


def load_run(payload: object, *, partial_id: bool = False) -> dict:
    """The validated run, or ValidationError with a message per field.

    Read-only fields (`created_at`, `updated_at`) are ignored, so what GET returns can be PUT back.
    """
    if isinstance(payload, dict):
        payload = {k: v for k, v in payload.items() if k not in READ_ONLY_FIELDS}
        # PostgreSQL can't store NUL in text; a CSV import reaches here without the request guard.
        nul = sorted(k for k, v in payload.items() if contains_nul(v) or contains_nul(k))
        if nul:
            raise ValidationError({k: ["Text may not contain NUL characters."] for k in nul})
    schema = RunSchema(partial=("id",) if partial_id else False)
    return schema.load(payload)  # type: ignore[arg-type]  # a body that is no object: the schema refuses it


if tuple(RunSchema._declared_fields) != API_FIELDS:  # the field table (fields.py) and the rules agree
    raise RuntimeError("RunSchema and backrun/logbook/fields.py list different fields")
