"""The backward-running logbook: log form, list, progress, and your data in and out."""

from flask import Blueprint

bp = Blueprint("logbook", __name__)

from backrun.logbook import data_views, progress_views, template_filters, views  # noqa: E402,F401
