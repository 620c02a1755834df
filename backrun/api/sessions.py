"""/api/v1/sessions: the runner's logbook as JSON, for the offline outbox and other clients.

POST is idempotent on the client's id (the same id again answers 200 with the stored session and
never makes a second row). Another runner's session answers 404, exactly like a missing one.
"""

from __future__ import annotations

import uuid

from flask import jsonify, url_for
from marshmallow import ValidationError

from backrun.api import bp
from backrun.api.auth import api_user, json_body
from backrun.api.openapi import SIGNED_IN, ErrorSchema, documented
from backrun.api.session_schemas import (
    SessionListQuery,
    SessionListSchema,
    SessionSchema,
    ValidationErrorSchema,
)
from backrun.api.validation import parse_query
from backrun.logbook import service, snapshot
from backrun.logbook.filters import month_start
from backrun.logbook.json_format import session_to_json
from backrun.logbook.schemas import load_session
from backrun.platform.cache import PRIVATE_NO_STORE, cache_policy
from backrun.platform.errors import ApiError
from backrun.platform.resilience import retry_safe

AUTH_ERRORS = {
    401: (ErrorSchema, "No valid token or session."),
    403: (ErrorSchema, "Signed in by cookie without the X-CSRFToken header."),
}
AUTH_NOTE = (
    "Authenticate with `Authorization: Bearer <token>`, or from Backrun's own pages with the session "
    "cookie plus the `X-CSRFToken` header for anything but a read."
)
NOT_FOUND = {404: (ErrorSchema, "No such session in your log (also when it is another runner's).")}
INVALID = {422: (ValidationErrorSchema, "Invalid session: a message per field; nothing was stored.")}


def _with_server_weather(payload: object, user, stored_weather: dict | None = None) -> object:
    """The body with its weather as Backrun gave it, never as a client wrote it (the log form's rule).

    `weather_token` (the signed snapshot from `GET /api/v1/advice` or the log form) becomes the
    `weather`; a plain `weather` object is accepted only unchanged from the stored session (what a
    GET returned, PUT back), else refused: a client can't slip in advice Backrun never gave.
    """
    if not isinstance(payload, dict):
        return payload
    payload = dict(payload)
    token = payload.pop("weather_token", None)
    if token is not None:
        weather = snapshot.verify(token, user.id) if isinstance(token, str) else None
        if weather is None:
            raise ApiError(
                422,
                "invalid_session",
                "Some fields are invalid; nothing was stored.",
                {
                    "fields": {
                        "weather_token": ["Not a weather snapshot Backrun gave you in the last two days."]
                    }
                },
            )
        payload["weather"] = weather
    elif payload.get("weather") is not None and payload["weather"] != stored_weather:
        raise ApiError(
            422,
            "invalid_session",
            "Some fields are invalid; nothing was stored.",
            {
                "fields": {
                    "weather": [
                        "Only weather Backrun gave is kept: send `weather_token` from GET /api/v1/advice "
                        "(signed in) instead, or null."
                    ]
                }
            },
        )
    return payload


def _validated(payload: object, *, partial_id: bool = False) -> dict:
    try:
        return load_session(payload, partial_id=partial_id)
    except ValidationError as exc:
        raise ApiError(
            422, "invalid_session", "Some fields are invalid; nothing was stored.", {"fields": exc.messages}
        ) from exc


def _own_or_404(session_id: uuid.UUID):
    session = service.get_own(api_user(), session_id)
    if session is None:
        raise ApiError(404, "not_found", "There is no session with this id in your log.")
    return session


@bp.get("/sessions")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="List your sessions",
    description="Newest first, a page at a time. Follow `next` (a URL) until it is null. " + AUTH_NOTE,
    tags=["sessions"],
    security=SIGNED_IN,
    query=SessionListQuery,
    responses={
        200: (SessionListSchema, "A page of sessions."),
        400: (ErrorSchema, "Invalid parameters."),
        **AUTH_ERRORS,
    },
)
def list_sessions():
    user = api_user()
    args = parse_query(SessionListQuery)
    filters = service.Filters(
        month=month_start(args["month"]) if args["month"] else None, setting=args["setting"]
    )
    try:
        page = service.list_sessions(user, filters, cursor=args["cursor"], limit=args["limit"])
    except service.BadCursor as exc:
        raise ApiError(400, "invalid_parameters", str(exc), {"fields": {"cursor": [str(exc)]}}) from exc
    next_url = None
    if page.next_cursor:
        params = {k: v for k, v in {"month": args["month"], "setting": args["setting"]}.items() if v}
        next_url = url_for("api.list_sessions", cursor=page.next_cursor, limit=args["limit"], **params)
    return jsonify({"sessions": [session_to_json(s) for s in page.sessions], "next": next_url})


@bp.post("/sessions")
@cache_policy(PRIVATE_NO_STORE)
@retry_safe  # idempotent on the client's id: run again after a dropped connection, stored once
@documented(
    summary="Log a session (idempotent on its id)",
    description="The client generates the UUID `id`. Posting an id that is already in your log answers 200 "
    "with the stored session and changes nothing (an outbox can retry safely); a new id answers 201. "
    "`created_at` and `updated_at` are set by the server and ignored when sent. " + AUTH_NOTE,
    tags=["sessions"],
    security=SIGNED_IN,
    body=SessionSchema,
    responses={
        201: (SessionSchema, "Created."),
        200: (SessionSchema, "Already in your log: the stored session, unchanged."),
        409: (ErrorSchema, "The id is used by another runner's session: generate a new UUID."),
        **INVALID,
        **AUTH_ERRORS,
    },
)
def create_session():
    user = api_user()
    body = json_body()
    body_id = _body_id(body)
    existing = service.get_own(user, body_id) if body_id is not None else None
    data = _validated(_with_server_weather(body, user, existing.weather if existing is not None else None))
    try:
        session, created = service.create_session(user, data)
    except service.IdTaken as exc:
        raise ApiError(
            409, "id_taken", "This id is already used. Generate a new UUID for this session."
        ) from exc
    response = jsonify(session_to_json(session))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_session", session_id=str(session.id))
    return response


def _body_id(body: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(body["id"]) if isinstance(body, dict) and isinstance(body.get("id"), str) else None
    except ValueError:
        return None


def _session_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise ApiError(404, "not_found", "There is no session with this id in your log.") from exc


@bp.get("/sessions/<session_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Read one of your sessions",
    tags=["sessions"],
    security=SIGNED_IN,
    description=AUTH_NOTE,
    responses={200: (SessionSchema, "The session."), **NOT_FOUND, **AUTH_ERRORS},
)
def get_session(session_id: str):
    return jsonify(session_to_json(_own_or_404(_session_id(session_id))))


@bp.put("/sessions/<session_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Replace one of your sessions",
    description="Send the whole session. `id` may be left out; when sent it must match the URL. " + AUTH_NOTE,
    tags=["sessions"],
    security=SIGNED_IN,
    body=SessionSchema,
    responses={200: (SessionSchema, "Updated."), **NOT_FOUND, **INVALID, **AUTH_ERRORS},
)
def replace_session(session_id: str):
    session = _own_or_404(_session_id(session_id))
    data = _validated(_with_server_weather(json_body(), api_user(), session.weather), partial_id=True)
    if data.setdefault("id", session.id) != session.id:
        raise ApiError(
            422,
            "invalid_session",
            "The id in the body doesn't match the URL; nothing was stored.",
            {"fields": {"id": ["Must match the id in the URL."]}},
        )
    return jsonify(session_to_json(service.update_session(session, data)))


@bp.delete("/sessions/<session_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Delete one of your sessions",
    tags=["sessions"],
    security=SIGNED_IN,
    description=AUTH_NOTE,
    responses={204: (None, "Deleted."), **NOT_FOUND, **AUTH_ERRORS},
)
def delete_session(session_id: str):
    service.delete_session(_own_or_404(_session_id(session_id)))
    return "", 204
