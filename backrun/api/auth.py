"""Who is calling the API: a personal token, or the browser's session cookie plus its CSRF token.

The api blueprint is exempt from the global CSRF check (token clients have no cookie to forge),
so a call that relies on the session cookie must prove it comes from Backrun's own pages: for
anything but a read it needs the `X-CSRFToken` header. `POST /auth/token` trades an email and
password for a personal token.
"""

from __future__ import annotations

from flask import g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from marshmallow import ValidationError
from wtforms.validators import ValidationError as CsrfInvalid

from backrun.accounts import service as accounts
from backrun.accounts import tokens
from backrun.accounts.limits import login_attempts
from backrun.accounts.models import User
from backrun.api import bp
from backrun.api.openapi import ErrorSchema, documented
from backrun.api.run_schemas import TokenRequestSchema, TokenSchema, ValidationErrorSchema
from backrun.platform.cache import NO_STORE, cache_policy
from backrun.platform.errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# What every signed-in operation says about signing in (the runs and push APIs).
AUTH_ERRORS = {
    401: (ErrorSchema, "No valid token or session."),
    403: (ErrorSchema, "Signed in by cookie without the X-CSRFToken header."),
}
AUTH_NOTE = (
    "Authenticate with `Authorization: Bearer <token>`, or from Backrun's own pages with the session "
    "cookie plus the `X-CSRFToken` header for anything but a read."
)


class Unauthorized(ApiError):
    def __init__(self, error: str, detail: str):
        super().__init__(401, error, detail)

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", 'Bearer realm="backrun"')]


def api_user() -> User:
    """The runner behind this API request, or a 401/403 ApiError."""
    cached = g.get("api_user")
    if cached is not None:
        return cached
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("invalid_token", "Send the token as `Authorization: Bearer <token>`.")
        user = tokens.user_for_token(token.strip())
        if user is None:
            raise Unauthorized("invalid_token", "This token is unknown or has been revoked.")
    elif current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            _require_csrf_header()
        user = current_user._get_current_object()
    else:
        raise Unauthorized(
            "authentication_required", "Sign in, or send a personal token as `Authorization: Bearer <token>`."
        )
    g.api_user = user
    return user


def _require_csrf_header() -> None:
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except CsrfInvalid as exc:
        raise ApiError(
            403,
            "csrf_failed",
            "Calls signed in with the browser's session need the page's CSRF token in the "
            "X-CSRFToken header.",
        ) from exc


def json_body() -> object:
    """The parsed JSON body, or a 400 when there is none or it isn't JSON."""
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json)."
        )
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.")
    return body


@bp.post("/auth/token")
@cache_policy(NO_STORE)
@login_attempts
@documented(
    summary="Get a personal API token",
    description="Trade an email and password for a token to send as `Authorization: Bearer <token>`. "
    "The token is shown once; the runner can list and revoke tokens in Settings. "
    "Failed attempts are rate-limited per client address.",
    tags=["accounts"],
    body=TokenRequestSchema,
    responses={
        200: (TokenSchema, "The new token."),
        401: (ErrorSchema, "Email and password don't match an account."),
        422: (ValidationErrorSchema, "The body is missing a field, has a wrong type or an unknown field."),
    },
)
def create_token():
    try:
        data = TokenRequestSchema().load(json_body())
    except ValidationError as exc:
        raise ApiError(
            422, "invalid_request", "Send {email, password} as JSON.", {"fields": exc.messages}
        ) from exc
    user = accounts.authenticate(data["email"], data["password"])
    if user is None:
        raise Unauthorized("invalid_credentials", "That email and password don’t match an account.")
    try:
        _, token = tokens.create_token(user, data["name"].strip() or "API client")
    except tokens.TooManyTokens as exc:
        raise ApiError(409, "too_many_tokens", str(exc)) from exc
    return jsonify({"token": token})
