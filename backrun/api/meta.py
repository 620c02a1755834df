"""API self-description."""

from flask import current_app, jsonify

from backrun.api import bp
from backrun.api.openapi import build_spec


@bp.get("/openapi.json")
def openapi_document():
    spec = current_app.extensions.get("backrun.openapi")
    if spec is None:
        spec = current_app.extensions["backrun.openapi"] = build_spec(current_app)
    return jsonify(spec)
