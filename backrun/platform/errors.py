"""Error pages: HTML for people, JSON for the API, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from backrun.platform.cache import ERRORS
from backrun.platform.cache import HEADER as CACHE_CONTROL

log = logging.getLogger(__name__)

TITLES = {
    400: "That request didn't make sense",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "That was too large",
    422: "Some fields need fixing",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "Service unavailable",
}


class ApiError(HTTPException):
    """An API error with a machine-readable `error` code and a human `detail`."""

    def __init__(self, status: int, error: str, detail: str, extra: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.error = error
        self.extra = extra or {}


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, ApiError):
        error, detail = exc.error, exc.description
    else:
        error = (exc.name or "error").lower().replace(" ", "_")
        detail = exc.description or TITLES.get(status, "")
    if status == 500:
        detail = "An unexpected error happened. It has been logged; please try again."
    response: Response | str  # JSON, or the rendered page
    if wants_json():
        body = {"error": error, "detail": detail}
        if isinstance(exc, ApiError):
            body.update(exc.extra)
        response = jsonify(body)
    else:
        response = render_template(
            "errors/error.html", status=status, title=TITLES.get(status, exc.name), detail=detail
        )
    return response, status, _error_headers(exc)


def _error_headers(exc: HTTPException) -> dict:
    headers = {CACHE_CONTROL: ERRORS.header()}
    for name, value in exc.get_headers():
        if name.lower() in {"allow", "retry-after", "www-authenticate"}:
            headers[name] = value
    return headers


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return error_response(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError())
