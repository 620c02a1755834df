"""API self-description."""

from flask import current_app, jsonify

from backrun.api import bp
from backrun.api.openapi import build_spec
from backrun.platform.cache import REVALIDATE, cache_policy


@bp.get("/openapi.json")
@cache_policy(REVALIDATE)
def openapi_document():
    spec = current_app.extensions.get("backrun.openapi")
    if spec is None:
        spec = current_app.extensions["backrun.openapi"] = build_spec(current_app)
    return jsonify(spec)
