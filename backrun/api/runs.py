"""/api/v1/runs: the runner's logbook as JSON, for the offline outbox and other clients.

POST is idempotent on the client's id (the same id again answers 200 with the stored run and
never makes a second row). Another runner's run answers 404, exactly like a missing one.

The paths under /api/v1/sessions (from before runs were called runs) stay as aliases for
existing clients: the same views, documented as deprecated, whose links stay on the old paths.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from flask import jsonify, request, url_for
from marshmallow import ValidationError

from backrun.api import bp
from backrun.api.auth import AUTH_ERRORS, AUTH_NOTE, api_user, json_body
from backrun.api.openapi import SIGNED_IN, ErrorSchema, documented
from backrun.api.run_schemas import (
    RunListQuery,
    RunListSchema,
    RunSchema,
    ValidationErrorSchema,
)
from backrun.api.validation import parse_query
from backrun.logbook import service, snapshot
from backrun.logbook.filters import month_start
from backrun.logbook.json_format import run_to_json
from backrun.logbook.schemas import load_run
from backrun.platform.cache import PRIVATE_NO_STORE, cache_policy
from backrun.platform.errors import ApiError
from backrun.platform.resilience import retry_safe

NOT_FOUND = {404: (ErrorSchema, "No such run in your log (also when it is another runner's).")}
INVALID = {422: (ValidationErrorSchema, "Invalid run: a message per field; nothing was stored.")}


def _with_server_weather(payload: object, user, stored_weather: dict | None = None) -> object:
    """The body with its weather as Backrun gave it, never as a client wrote it (the log form's rule).

    `weather_token` (the signed snapshot from `GET /api/v1/advice` or the log form) becomes the
    `weather`; a plain `weather` object is accepted only unchanged from the stored run (what a
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
        return load_run(payload, partial_id=partial_id)
    except ValidationError as exc:
        raise ApiError(
            422, "invalid_session", "Some fields are invalid; nothing was stored.", {"fields": exc.messages}
        ) from exc


def _own_or_404(run_id: uuid.UUID):
    run = service.get_own(api_user(), run_id)
    if run is None:
        raise ApiError(404, "not_found", "There is no session with this id in your log.")
    return run


@bp.get("/runs")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="List your runs",
    description="Newest first, a page at a time. Follow `next` (a URL) until it is null. " + AUTH_NOTE,
    tags=["runs"],
    security=SIGNED_IN,
    query=RunListQuery,
    responses={
        200: (RunListSchema, "A page of runs (under the key `sessions`, as before the rename)."),
        400: (ErrorSchema, "Invalid parameters."),
        **AUTH_ERRORS,
    },
)
def list_runs():
    user = api_user()
    args = parse_query(RunListQuery)
    filters = service.Filters(
        month=month_start(args["month"]) if args["month"] else None, setting=args["setting"]
    )
    try:
        page = service.list_runs(user, filters, cursor=args["cursor"], limit=args["limit"])
    except service.BadCursor as exc:
        raise ApiError(400, "invalid_parameters", str(exc), {"fields": {"cursor": [str(exc)]}}) from exc
    next_url = None
    if page.next_cursor:
        params = {k: v for k, v in {"month": args["month"], "setting": args["setting"]}.items() if v}
        next_url = _link("list_runs", cursor=page.next_cursor, limit=args["limit"], **params)
    return jsonify({"sessions": [run_to_json(s) for s in page.runs], "next": next_url})


@bp.post("/runs")
@cache_policy(PRIVATE_NO_STORE)
@retry_safe  # idempotent on the client's id: run again after a dropped connection, stored once
@documented(
    summary="Log a run (idempotent on its id)",
    description="The client generates the UUID `id`. Posting an id that is already in your log answers 200 "
    "with the stored run and changes nothing (an outbox can retry safely); a new id answers 201. "
    "`created_at` and `updated_at` are set by the server and ignored when sent. " + AUTH_NOTE,
    tags=["runs"],
    security=SIGNED_IN,
    body=RunSchema,
    responses={
        201: (RunSchema, "Created."),
        200: (RunSchema, "Already in your log: the stored run, unchanged."),
        409: (ErrorSchema, "The id is used by another runner's run: generate a new UUID."),
        **INVALID,
        **AUTH_ERRORS,
    },
)
def create_run():
    user = api_user()
    body = json_body()
    body_id = _body_id(body)
    existing = service.get_own(user, body_id) if body_id is not None else None
    data = _validated(_with_server_weather(body, user, existing.weather if existing is not None else None))
    try:
        run, created = service.create_run(user, data)
    except service.IdTaken as exc:
        raise ApiError(
            409, "id_taken", "This id is already used. Generate a new UUID for this session."
        ) from exc
    response = jsonify(run_to_json(run))
    response.status_code = 201 if created else 200
    response.headers["Location"] = _link("get_run", run_id=str(run.id))
    return response


def _body_id(body: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(body["id"]) if isinstance(body, dict) and isinstance(body.get("id"), str) else None
    except ValueError:
        return None


def _run_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise ApiError(404, "not_found", "There is no session with this id in your log.") from exc


@bp.get("/runs/<run_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Read one of your runs",
    tags=["runs"],
    security=SIGNED_IN,
    description=AUTH_NOTE,
    responses={200: (RunSchema, "The run."), **NOT_FOUND, **AUTH_ERRORS},
)
def get_run(run_id: str):
    return jsonify(run_to_json(_own_or_404(_run_id(run_id))))


@bp.put("/runs/<run_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Replace one of your runs",
    description="Send the whole run. `id` may be left out; when sent it must match the URL. " + AUTH_NOTE,
    tags=["runs"],
    security=SIGNED_IN,
    body=RunSchema,
    responses={200: (RunSchema, "Updated."), **NOT_FOUND, **INVALID, **AUTH_ERRORS},
)
def replace_run(run_id: str):
    run = _own_or_404(_run_id(run_id))
    data = _validated(_with_server_weather(json_body(), api_user(), run.weather), partial_id=True)
    if data.setdefault("id", run.id) != run.id:
        raise ApiError(
            422,
            "invalid_session",
            "The id in the body doesn't match the URL; nothing was stored.",
            {"fields": {"id": ["Must match the id in the URL."]}},
        )
    return jsonify(run_to_json(service.update_run(run, data)))


@bp.delete("/runs/<run_id>")
@cache_policy(PRIVATE_NO_STORE)
@documented(
    summary="Delete one of your runs",
    tags=["runs"],
    security=SIGNED_IN,
    description=AUTH_NOTE,
    responses={204: (None, "Deleted."), **NOT_FOUND, **AUTH_ERRORS},
)
def delete_run(run_id: str):
    service.delete_run(_own_or_404(_run_id(run_id)))
    return "", 204


# --- the old paths -------------------------------------------------------------------------

# New endpoint -> (old endpoint, old rule). The old rules keep their `session_id` parameter.
OLD_PATHS = {
    "list_runs": ("list_sessions", "/sessions"),
    "create_run": ("create_session", "/sessions"),
    "get_run": ("get_session", "/sessions/<session_id>"),
    "replace_run": ("replace_session", "/sessions/<session_id>"),
    "delete_run": ("delete_session", "/sessions/<session_id>"),
}
_OLD_ENDPOINTS = {f"api.{old}" for old, _ in OLD_PATHS.values()}


def _link(endpoint: str, **values: Any) -> str:
    """A URL in the family the request came by, so a client of the old paths stays on them."""
    if request.endpoint in _OLD_ENDPOINTS:
        endpoint = OLD_PATHS[endpoint][0]
        if "run_id" in values:
            values["session_id"] = values.pop("run_id")
    return url_for(f"api.{endpoint}", **values)


def _alias(view: Callable, method: str) -> None:
    old_endpoint, rule = OLD_PATHS[view.__name__]

    @functools.wraps(view)  # keeps the marks (retry_safe) of the view
    def old_path(**values: str):
        if "session_id" in values:
            values["run_id"] = values.pop("session_id")
        return view(**values)

    new_rule = rule.replace("/sessions", "/runs").replace("session_id", "run_id")
    old_path.openapi_operations = [  # type: ignore[attr-defined]
        {
            **operation,
            "deprecated": True,
            "description": f"The old path of `{method} /api/v1{new_rule}`, kept for existing clients. "
            + operation.get("description", ""),
        }
        for operation in view.openapi_operations  # type: ignore[attr-defined]
    ]
    bp.add_url_rule(rule, endpoint=old_endpoint, view_func=old_path, methods=[method])


for _view, _method in (
    (list_runs, "GET"),
    (create_run, "POST"),
    (get_run, "GET"),
    (replace_run, "PUT"),
    (delete_run, "DELETE"),
):
    _alias(_view, _method)
