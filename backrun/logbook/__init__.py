"""The backward-running logbook: log form, list, and your data in and out (progress is training's)."""

from flask import Blueprint

bp = Blueprint("logbook", __name__)

from backrun.logbook import data_views, template_filters, views  # noqa: E402,F401
