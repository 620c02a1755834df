"""Marshmallow schemas: they validate requests and describe responses in the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from backrun.advice import limits
from backrun.advice.kit import WARMTHS
from backrun.safety.profile import EXPERIENCES, SENSITIVITIES, parse_sensitivities
from backrun.safety.verdict import VERDICTS

SEVERITIES = ["indoors", "unknown", "caution"]
MAX_START_AHEAD = timedelta(hours=18)
MAX_START_BEHIND = timedelta(hours=1)


class LatLonQuery(Schema):
    lat = fields.Float(
        required=True,
        allow_nan=False,
        validate=validate.Range(-90, 90),
        metadata={"description": "Latitude in decimal degrees, WGS 84.", "example": 47.141},
    )
    lon = fields.Float(
        required=True,
        allow_nan=False,
        validate=validate.Range(-180, 180),
        metadata={"description": "Longitude in decimal degrees, WGS 84.", "example": 9.521},
    )


class AdviceQuery(LatLonQuery):
    minutes = fields.Integer(
        load_default=30,
        validate=validate.Range(limits.MIN_MINUTES, limits.MAX_MINUTES),
        metadata={
            "description": f"Planned run length in minutes ({limits.MIN_MINUTES}-{limits.MAX_MINUTES})."
        },
    )
    start = fields.AwareDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={
            "description": "Planned start, ISO 8601 (UTC when no offset is given); "
            "default now. At most 1 hour ago and 18 hours ahead."
        },
    )

    experience = fields.String(
        load_default=None,
        validate=validate.OneOf(EXPERIENCES),
        metadata={
            "description": "`beginner` gets stricter footing rules (near freezing, gusts, darkness: indoors). Default: "
            "for a signed-in runner their setting, else `beginner` during the six-week plan; `regular` "
            "otherwise. `experienced` is never less strict than `regular`."
        },
    )
    sensitivity = fields.String(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={
            "description": "Comma-separated, any of `respiratory`, `pollen`, `heat`; they tighten the air-quality, "
            "pollen and heat rules. Empty for none. Default: a signed-in runner's setting, else none.",
            "example": "respiratory,pollen",
        },
    )
    warmth = fields.String(
        data_key="runs",
        load_default=None,
        validate=validate.OneOf(WARMTHS),
        metadata={
            "description": "`hot`, `normal` or `cold`: moves the `kit` list lighter or warmer. Never changes the verdict."
        },
    )

    @validates("sensitivity")
    def _known_sensitivities(self, value, **kwargs):
        if value is None:
            return
        try:
            parse_sensitivities(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    @post_load
    def _sensitivity_set(self, data, **kwargs):
        if data.get("sensitivity") is not None:
            data["sensitivity"] = parse_sensitivities(data["sensitivity"])
        return data

    @validates_schema
    def _start_in_forecast_range(self, data, **kwargs):
        start = data.get("start")
        if start is None:
            return
        now = datetime.now(UTC)
        if start < now - MAX_START_BEHIND:
            raise ValidationError("must be at most 1 hour in the past.", "start")
        if start > now + MAX_START_AHEAD:
            raise ValidationError(
                "must be at most 18 hours ahead: the forecast doesn't reach further.", "start"
            )


GROUND_STATES = ["ice", "slush", "snow", "compacted_snow", "frost", "water_film", "wet", "damp", "dry"]


class ReasonSchema(Schema):
    code = fields.String(
        required=True, metadata={"description": "Stable code, e.g. `rain`, `black_ice`, `no_data`."}
    )
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    hazard = fields.String(
        metadata={
            "description": "The hazard the reason belongs to (`ground`, `lightning`, "
            "`precipitation`, `wind`, `data`...); reasons come grouped by it."
        }
    )
    message = fields.String(required=True)
    evidence = fields.Dict(
        required=True, metadata={"description": "The values that fired the rule, units in the key names."}
    )


class WindowSchema(Schema):
    start = fields.String(required=True, metadata={"format": "date-time"})
    end = fields.String(required=True, metadata={"format": "date-time"})


class OutlookSchema(Schema):
    time = fields.String(required=True, metadata={"format": "date-time"})
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))


class AttributionSchema(Schema):
    text = fields.String(required=True)
    url = fields.String(required=True)


class WeatherErrorSchema(Schema):
    provider = fields.String(
        required=True, metadata={"description": "`open-meteo`, `met-no`, or `backrun` itself."}
    )
    kind = fields.String(
        required=True,
        metadata={
            "description": "`timeout`, `http`, `rate_limited`, `malformed`, `connection`; `busy` (no free upstream "
            "fetch slot) or `circuit_open` (the provider failed repeatedly and is not asked for a few "
            "seconds): then it was not asked at all."
        },
    )
    detail = fields.String(required=True)


class GroundEventSchema(Schema):
    at = fields.String(required=True, metadata={"format": "date-time"})
    state = fields.String(required=True, validate=validate.OneOf(GROUND_STATES))
    label = fields.String(required=True)


class GroundSchema(Schema):
    state = fields.String(
        required=True,
        validate=validate.OneOf(GROUND_STATES),
        metadata={"description": "The worst state of the ground the run meets."},
    )
    label = fields.String(required=True)
    since = fields.String(
        required=True, metadata={"format": "date-time", "description": "When the ground entered it."}
    )
    confidence = fields.String(
        required=True,
        validate=validate.OneOf(["high", "medium", "low"]),
        metadata={
            "description": "`medium` when the surface temperature is estimated from "
            "the air; `low` after a gap in the data."
        },
    )
    surface_temperature_c = fields.Float(allow_none=True, required=True)
    surface_estimated = fields.Boolean(required=True)
    water_mm = fields.Float(required=True)
    snow_mm = fields.Float(required=True, metadata={"description": "Snow on the ground, water equivalent."})
    ice_mm = fields.Float(required=True)
    ice_kind = fields.String(allow_none=True, required=True, validate=validate.OneOf(["glaze", "refrozen"]))
    story = fields.String(
        required=True,
        metadata={
            "description": "One line, times in UTC: "
            '"Standing water since 19:00, frozen since 22:00: ice likely".'
        },
    )
    events = fields.List(
        fields.Nested(GroundEventSchema),
        required=True,
        metadata={"description": "The state changes that led there, oldest first."},
    )


class AirQualitySchema(Schema):
    known = fields.Boolean(
        required=True,
        metadata={
            "description": "False when air quality could not be had: then the verdict is the weather's alone."
        },
    )
    message = fields.String(allow_none=True, required=True)
    us_aqi = fields.Float(
        allow_none=True, required=True, metadata={"description": "Worst US AQI over the run."}
    )
    european_aqi = fields.Float(
        allow_none=True, required=True, metadata={"description": "Worst European AQI."}
    )
    pm2_5 = fields.Float(allow_none=True, required=True, metadata={"description": "µg/m³"})
    pm10 = fields.Float(allow_none=True, required=True, metadata={"description": "µg/m³"})
    ozone = fields.Float(allow_none=True, required=True, metadata={"description": "µg/m³"})
    pollen = fields.Dict(
        required=True, metadata={"description": "grains/m³ per kind where the model has it (Europe)."}
    )
    complete = fields.Boolean(
        required=True,
        metadata={
            "description": "False when only part of the run has air-quality data (what is known still counts)."
        },
    )
    attribution = fields.Nested(AttributionSchema, required=True)


class KitItemSchema(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "Stable: top, legs, windproof, gloves, hat, cap, sun, rain_jacket, bright, shoes."
        },
    )
    text = fields.String(required=True)


class KitSchema(Schema):
    items = fields.List(fields.Nested(KitItemSchema), required=True)
    feels_like_c = fields.Float(
        allow_none=True, required=True, metadata={"description": "Coldest feels-like in the run."}
    )
    dress_for_c = fields.Float(
        allow_none=True, required=True, metadata={"description": "Feels-like plus the offset."}
    )
    offset_c = fields.Float(
        required=True, metadata={"description": "From `runs` and post-run feedback; + dresses lighter."}
    )
    note = fields.String(required=True)


class ProfileSchema(Schema):
    experience = fields.String(required=True, validate=validate.OneOf(EXPERIENCES))
    sensitivity = fields.List(fields.String(validate=validate.OneOf(SENSITIVITIES)), required=True)
    plan_week = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "The beginner-plan week that made this runner a beginner, if that is why."},
    )
    warmth = fields.String(data_key="runs", required=True, validate=validate.OneOf(WARMTHS))


class AdviceSchema(Schema):
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    reasons = fields.List(
        fields.Nested(ReasonSchema), required=True, metadata={"description": "Most severe first."}
    )
    window = fields.Nested(WindowSchema, required=True)
    outlook = fields.List(
        fields.Nested(OutlookSchema), required=True, metadata={"description": "Next 6 hours."}
    )
    next_safe_window = fields.Nested(WindowSchema, allow_none=True, required=True)
    source = fields.String(allow_none=True, required=True, validate=validate.OneOf(["open-meteo", "met-no"]))
    fetched_at = fields.String(allow_none=True, required=True, metadata={"format": "date-time"})
    stale = fields.Boolean(
        required=True, metadata={"description": "True when the data is missing or over 2 hours old."}
    )
    data_age_s = fields.Float(
        allow_none=True, required=True, metadata={"description": "Age of the weather data in seconds."}
    )
    attribution = fields.Nested(AttributionSchema, allow_none=True, required=True)
    location = fields.Dict(required=True, metadata={"description": "`{lat, lon}` as asked."})
    weather_token = fields.String(
        metadata={
            "description": "Only when signed in: this advice, signed for you. Send it as `weather_token` with a "
            "run you log (POST /api/v1/runs) within two days to keep the advice with it."
        }
    )
    weather_errors = fields.List(
        fields.Nested(WeatherErrorSchema),
        required=True,
        metadata={
            "description": "Why the weather data is missing or came from the fallback provider; empty when all went well."
        },
    )
    ground = fields.Nested(
        GroundSchema,
        allow_none=True,
        required=True,
        metadata={
            "description": "The state of the ground from the past 72 h of weather; "
            "`null` without weather data."
        },
    )
    air_quality = fields.Nested(AirQualitySchema, required=True)
    profile = fields.Nested(
        ProfileSchema, required=True, metadata={"description": "Who the verdict is fitted to."}
    )
    kit = fields.Nested(KitSchema, required=True, metadata={"description": "What to wear and carry."})
