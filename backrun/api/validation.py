"""Request validation with the same marshmallow schemas the OpenAPI document is built from."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from backrun.platform.errors import ApiError


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, (list, tuple)):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)


@cache
def _instance(schema: type[Schema]) -> Schema:
    # Schemas are stateless once built, and building one per request is measurable on hot routes.
    return schema()


def parse_query(schema: type[Schema]) -> dict[str, Any]:
    """Validated query arguments, or a 400 `{error: "invalid_parameters", detail, fields}`."""
    try:
        return _instance(schema).load(request.args.to_dict(flat=True))
    except ValidationError as exc:
        raise ApiError(400, "invalid_parameters", _flatten(exc.messages), {"fields": exc.messages}) from exc
