"""The installable, offline-first app: manifest, service worker, offline page, runner partition.

The service worker (static/sw.js) decides what to keep from what the server says in each
response, not from a list of routes: `no-store` is never kept, a page for a signed-in runner
carries `X-Backrun-Runner` and is kept apart and dropped when another runner (or nobody) is seen.
shell.py lists the files the app needs with no signal. Nothing here knows about weather, venues
or the logbook beyond the names of the pages that shell.py keeps.
"""

from flask import Blueprint

bp = Blueprint("pwa", __name__)

from backrun.pwa import runner, views  # noqa: E402,F401  (routes and hooks register on import)
