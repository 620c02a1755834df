"""Schemas of the push API (/api/v1/push): they validate subscriptions and describe them in OpenAPI."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from marshmallow import ValidationError, fields, post_load, validate, validates, validates_schema

from backrun.advice import limits
from backrun.logbook.schemas import StrictSchema
from backrun.push import schedule
from backrun.push.keys import b64url_decode
from backrun.push.origins import allowed

MAX_EXPIRATION_MS = 253402300799000  # 9999-12-31: anything later is not a date


class PushKeysSchema(StrictSchema):
    p256dh = fields.String(
        required=True,
        validate=validate.Length(1, 128),
        metadata={"description": "The browser's P-256 public key (uncompressed point), base64url."},
    )
    auth = fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "The 16-byte authentication secret, base64url."},
    )

    @validates("p256dh")
    def _a_p256_point(self, value, **kwargs):
        try:
            raw = b64url_decode(value)
            if len(raw) != 65 or raw[0] != 4:
                raise ValueError
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError as exc:
            raise ValidationError("Must be an uncompressed P-256 public key (65 bytes), base64url.") from exc

    @validates("auth")
    def _sixteen_bytes(self, value, **kwargs):
        try:
            if len(b64url_decode(value)) != 16:
                raise ValueError
        except ValueError as exc:
            raise ValidationError("Must be 16 bytes, base64url.") from exc


class BrowserSubscriptionSchema(StrictSchema):
    """PushSubscription.toJSON() as the browser gives it."""

    endpoint = fields.String(
        required=True,
        validate=validate.Length(1, 1024),
        metadata={
            "description": "The push service URL; only the push services in "
            "BACKRUN_PUSH_ALLOWED_ORIGINS are accepted."
        },
    )
    expirationTime = fields.Float(
        load_default=None,
        allow_none=True,
        allow_nan=False,
        validate=validate.Range(0, MAX_EXPIRATION_MS),
        metadata={"description": "Milliseconds since 1970, or null."},
    )
    keys = fields.Nested(PushKeysSchema, required=True)

    @validates("endpoint")
    def _a_known_push_service(self, value, **kwargs):
        if not allowed(value, current_app.config["BACKRUN_PUSH_ALLOWED_ORIGINS"]):
            raise ValidationError(
                "Not a push service Backrun sends to: the endpoint must be an https URL of a "
                "browser's push service."
            )


class PlaceSchema(StrictSchema):
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    name = fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "Shown in the notification, e.g. “Vaduz”."},
    )

    @post_load
    def _trimmed(self, data, **kwargs):
        data["name"] = data["name"].strip()
        if not data["name"]:
            raise ValidationError("Must not be blank.", "name")
        return data


class SubscribeSchema(StrictSchema):
    subscription = fields.Nested(BrowserSubscriptionSchema, required=True)
    place = fields.Nested(PlaceSchema, required=True)
    timezone = fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={
            "description": "IANA time zone of the runner, e.g. `Europe/Vaduz`.",
            "example": "Europe/Vaduz",
        },
    )
    briefing_at = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Local time of the morning briefing, HH:MM; null for none.",
            "example": "07:00",
        },
    )
    minutes = fields.Integer(
        load_default=limits.DEFAULT_MINUTES,
        strict=True,
        validate=validate.Range(limits.MIN_MINUTES, limits.MAX_MINUTES),
        metadata={
            "description": f"Planned run length in minutes ({limits.MIN_MINUTES}-{limits.MAX_MINUTES}),"
            " as for /api/v1/advice."
        },
    )
    safe_window_alerts = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Tell me when the next 15-minute window turns go "
            "after indoors/caution (once a day, not in quiet hours)."
        },
    )

    @validates("timezone")
    def _a_known_zone(self, value, **kwargs):
        if value not in schedule.known_time_zones():
            raise ValidationError("Unknown time zone: use an IANA name such as Europe/Vaduz.")

    @validates("briefing_at")
    def _a_time_of_day(self, value, **kwargs):
        if value is None:
            return
        try:
            schedule.parse_hhmm(value)
        except schedule.BadTime as exc:
            raise ValidationError(str(exc)) from exc

    @validates_schema
    def _something_to_send(self, data, **kwargs):
        if data.get("briefing_at") is None and not data.get("safe_window_alerts"):
            raise ValidationError("Ask for a briefing time, safe-window alerts or both.", "briefing_at")


class StoredPlaceSchema(StrictSchema):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    name = fields.String(required=True)


class StoredSubscriptionSchema(StrictSchema):
    id = fields.Integer(required=True)
    endpoint = fields.String(required=True)
    expiration_time = fields.String(allow_none=True, required=True, metadata={"format": "date-time"})
    place = fields.Nested(StoredPlaceSchema, required=True)
    timezone = fields.String(required=True)
    briefing_at = fields.String(allow_none=True, required=True)
    minutes = fields.Integer(required=True)
    safe_window_alerts = fields.Boolean(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})


class SubscriptionListSchema(StrictSchema):
    subscriptions = fields.List(fields.Nested(StoredSubscriptionSchema), required=True)


class PushKeySchema(StrictSchema):
    public_key = fields.String(
        required=True,
        metadata={
            "description": "The VAPID public key for pushManager.subscribe({applicationServerKey}), base64url."
        },
    )


class OldSubscriptionSchema(StrictSchema):
    endpoint = fields.String(required=True, validate=validate.Length(1, 1024))
    expirationTime = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    keys = fields.Nested(PushKeysSchema, required=True)


class RenewSchema(StrictSchema):
    """pushsubscriptionchange: the browser replaced its subscription; the old one's secret proves who asks."""

    old = fields.Nested(
        OldSubscriptionSchema,
        required=True,
        metadata={"description": "The replaced subscription's toJSON(): its endpoint and keys."},
    )
    subscription = fields.Nested(BrowserSubscriptionSchema, required=True)
