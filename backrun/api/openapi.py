"""OpenAPI 3 generated from the code.

A view declares its contract with `@documented(...)`: marshmallow schemas for the query, the
body and each response. The same schemas validate requests (see `validation.py`), so the
document cannot drift from what the code accepts. `build_spec()` walks the app's URL map and
turns every documented API view into a path item with apispec.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema, fields

OPENAPI_VERSION = "3.0.3"
_FLASK_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


# How a runner authenticates (backrun/api/auth.py): a personal token, or Backrun's own pages'
# session cookie (which needs the X-CSRFToken header for anything but a read).
SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal token from `POST /api/v1/auth/token` (or Settings).",
    },
    "cookieAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The session cookie of Backrun's own pages, plus the page's CSRF token in "
        "the `X-CSRFToken` header for anything but a read.",
    },
}
SIGNED_IN: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"cookieAuth": []}]


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "Machine-readable error code."})
    detail = fields.Raw(required=True, metadata={"description": "What was wrong, for people."})
    fields_ = fields.Dict(
        data_key="fields", metadata={"description": "Invalid input: the messages per parameter."}
    )
    login_url = fields.String(
        metadata={"description": "A signed-out browser session: where to sign in again."}
    )


def documented(
    *,
    summary: str,
    tags: list[str],
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    responses: dict[int, tuple[type[Schema] | None, str]],
    description: str = "",
    security: list[dict] | None = None,
) -> Callable:
    """Attach an OpenAPI operation to a view function (for every method the route serves)."""

    def decorate(view: Callable) -> Callable:
        operation: dict[str, Any] = {"summary": summary, "tags": tags, "responses": {}}
        if description:
            operation["description"] = description
        if query is not None:
            operation["parameters"] = [{"in": "query", "schema": query}]
        if body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        if security is not None:
            operation["security"] = security
        for status, (schema, text) in responses.items():
            response: dict[str, Any] = {"description": text}
            if schema is not None:
                response["content"] = {"application/json": {"schema": schema}}
            operation["responses"][str(status)] = response
        view.__dict__.setdefault("openapi_operations", []).append(operation)
        return view

    return decorate


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Backrun API",
        version="1",
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Weather advice, venues and a logbook for backward runners. "
            "Weather data by Open-Meteo.com and MET Norway; venues © OpenStreetMap contributors.",
        },
        servers=[{"url": "/"}],
    )
    spec.components.schema("Error", schema=ErrorSchema)
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        operations = getattr(view, "openapi_operations", None)
        if not operations:
            continue
        methods = sorted(m.lower() for m in (rule.methods or set()) - {"HEAD", "OPTIONS"})
        by_method = {}
        # strict=False: a route may have fewer documented operations than methods
        for method, operation in zip(methods, _spread(operations, len(methods)), strict=False):
            by_method[method] = _with_path_params(rule, _with_default_errors(operation))
        spec.path(path=_FLASK_PARAM.sub(r"{\1}", rule.rule), operations=by_method)
    return spec.to_dict()


def _spread(operations: list[dict], count: int) -> list[dict]:
    # One decorator documents every method of a route; stacked decorators map in order.
    return operations * count if len(operations) == 1 else operations


def _with_default_errors(operation: dict) -> dict:
    operation = {**operation, "responses": dict(operation["responses"])}
    error = {"description": "", "content": {"application/json": {"schema": "Error"}}}
    if (
        "requestBody" in operation
    ):  # backrun/api/auth.py json_body() and MAX_CONTENT_LENGTH, for every JSON body
        operation["responses"].setdefault("400", {**error, "description": "The body is not valid JSON."})
        operation["responses"].setdefault("413", {**error, "description": "The body is too large."})
        operation["responses"].setdefault("415", {**error, "description": "The body is not sent as JSON."})
    operation["responses"].setdefault("429", {**error, "description": "Too many requests."})
    operation["responses"].setdefault(
        "500", {**error, "description": "Unexpected error (never a traceback)."}
    )
    return operation


def _with_path_params(rule, operation: dict) -> dict:
    names = _FLASK_PARAM.findall(rule.rule)
    if not names:
        return operation
    params = list(operation.get("parameters", []))
    params += [{"in": "path", "name": n, "required": True, "schema": {"type": "string"}} for n in names]
    return {**operation, "parameters": params}
