"""The JSON API under /api/v1, described by an OpenAPI 3 document generated from the code."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from backrun.api import advice, auth, meta, push, runs, venues  # noqa: E402,F401  (routes register on import)
