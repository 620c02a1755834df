"""HTML pages: the home page and its advice fragment, plus /healthz."""

from flask import Blueprint

bp = Blueprint("web", __name__)

from backrun.web import health, views  # noqa: E402,F401  (routes register on import)
