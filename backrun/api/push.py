"""/api/v1/push: the VAPID key and the runner's push subscriptions (briefings and safe-window alerts).

Invalid input of any kind (a foreign endpoint, a malformed key, an unknown time zone, an impossible
time) is a 400 with a message per field, and nothing is stored.
"""

from __future__ import annotations

from flask import jsonify, url_for
from marshmallow import ValidationError

from backrun.api import bp
from backrun.api.auth import AUTH_ERRORS, AUTH_NOTE, api_user, json_body
from backrun.api.openapi import SIGNED_IN, ErrorSchema, documented
from backrun.api.push_schemas import (
    PushKeySchema,
    RenewSchema,
    StoredSubscriptionSchema,
    SubscribeSchema,
    SubscriptionListSchema,
)
from backrun.platform.cache import PRIVATE_NO_STORE, PUBLIC_SHORT, cache_policy
from backrun.platform.errors import ApiError
from backrun.platform.resilience import retry_safe
from backrun.push import service
from backrun.push.keys import application_server_key


@bp.get("/push/key")
@cache_policy(PUBLIC_SHORT)
@documented(
    summary="The VAPID public key to subscribe with",
    tags=["push"],
    description="Pass it as `applicationServerKey` to `pushManager.subscribe()`. Public; no sign-in needed.",
    responses={200: (PushKeySchema, "The key.")},
)
def push_key():
    return jsonify({"public_key": application_server_key()})


@bp.post("/push/subscriptions")
@cache_policy(PRIVATE_NO_STORE)
@retry_safe  # idempotent on the endpoint: the same subscription again updates the one row
@documented(
    summary="Subscribe to the morning briefing and/or safe-window alerts",
    description="Send the browser's `PushSubscription.toJSON()` with the place, the runner's time zone, the "
    "briefing time (HH:MM local, or null) and whether to be told when it turns safe. A new endpoint answers "
    "201; an endpoint already stored answers 200 and is updated (never two rows). The endpoint must belong to "
    "a known push service (BACKRUN_PUSH_ALLOWED_ORIGINS). " + AUTH_NOTE,
    tags=["push"],
    security=SIGNED_IN,
    body=SubscribeSchema,
    responses={
        201: (StoredSubscriptionSchema, "Subscribed."),
        200: (StoredSubscriptionSchema, "This endpoint was already subscribed: updated."),
        400: (
            ErrorSchema,
            "Invalid subscription (foreign endpoint, malformed key, unknown time zone, impossible "
            "time...): a message per field; nothing was stored.",
        ),
        409: (ErrorSchema, "Too many subscriptions, or the endpoint is another runner's with other keys."),
        **AUTH_ERRORS,
    },
)
def subscribe():
    user = api_user()
    try:
        data = SubscribeSchema().load(json_body())
    except ValidationError as exc:
        raise ApiError(
            400,
            "invalid_subscription",
            "Some fields are invalid; nothing was stored.",
            {"fields": exc.messages},
        ) from exc
    try:
        sub, created = service.subscribe(user, data)
    except service.TooMany as exc:
        raise ApiError(409, "too_many_subscriptions", str(exc)) from exc
    except service.EndpointTaken as exc:
        raise ApiError(409, "endpoint_taken", str(exc)) from exc
    response = jsonify(service.to_json(sub))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.push_subscriptions")
    return response


@bp.get("/push/subscriptions")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="List your push subscriptions",
    tags=["push"],
    security=SIGNED_IN,
    description=AUTH_NOTE,
    responses={200: (SubscriptionListSchema, "Your subscriptions, oldest first."), **AUTH_ERRORS},
)
def push_subscriptions():
    user = api_user()
    return jsonify({"subscriptions": [service.to_json(s) for s in service.subscriptions_of(user)]})


@bp.delete("/push/subscriptions/<subscription_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Remove one of your push subscriptions",
    tags=["push"],
    security=SIGNED_IN,
    description=AUTH_NOTE,
    responses={
        204: (None, "Removed."),
        404: (ErrorSchema, "No such subscription of yours (also when it is another runner's)."),
        **AUTH_ERRORS,
    },
)
def delete_push_subscription(subscription_id: str):
    user = api_user()
    sub = (
        service.get_own(user, int(subscription_id))
        if subscription_id.isdigit() and len(subscription_id) < 12
        else None
    )
    if sub is None:
        raise ApiError(404, "not_found", "You have no push subscription with this id.")
    service.remove(sub)
    return "", 204


@bp.post("/push/subscriptions/renew")
@cache_policy(PRIVATE_NO_STORE)
@retry_safe
@documented(
    summary="Move a subscription to the browser's new one (pushsubscriptionchange)",
    description="Sent by the service worker when the browser replaces a push subscription. No sign-in: the old "
    "subscription's endpoint and auth secret (known only to that browser and Backrun) identify the row, "
    "which keeps its place, times and owner. The new endpoint must belong to a known push service.",
    tags=["push"],
    body=RenewSchema,
    responses={
        200: (StoredSubscriptionSchema, "Moved to the new subscription."),
        400: (ErrorSchema, "Invalid subscription; nothing was changed."),
        404: (ErrorSchema, "No subscription with that endpoint and secret."),
    },
)
def renew_push_subscription():
    try:
        data = RenewSchema().load(json_body())
    except ValidationError as exc:
        raise ApiError(
            400,
            "invalid_subscription",
            "Some fields are invalid; nothing was changed.",
            {"fields": exc.messages},
        ) from exc
    sub = service.renew(data["old"], data["subscription"])
    if sub is None:
        raise ApiError(404, "not_found", "No subscription with that endpoint and secret.")
    return jsonify(service.to_json(sub))
