"""Whose page is this? The partition key the service worker keeps a signed-in runner's pages under.

Every HTML answer for a signed-in runner says `X-Backrun-Runner: <key>`; its view's cache policy
(backrun/platform/cache.py) makes it `private` or `no-store`, so no shared cache keeps a page with
their name and CSRF token in it. The service worker keeps such pages only in that runner's cache
and deletes it as soon as it sees a page for someone else or for nobody (after signing out, or
when the sign-in expired). The key is an HMAC of the account id: stable, opaque, and useless to
anyone who reads it.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_login import current_user

from backrun.pwa import bp

RUNNER_HEADER = "X-Backrun-Runner"


def runner_key(user_id: int) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"backrun.pwa.runner:{user_id}".encode(), hashlib.sha256).hexdigest()[:24]


def current_runner_key() -> str | None:
    return runner_key(current_user.id) if current_user.is_authenticated else None


@bp.app_context_processor
def _runner_in_templates():
    return {"pwa_runner_key": current_runner_key}


@bp.after_app_request
def _mark_runner_pages(response):
    # HTML only: static files and JSON never say whose they are (and loading the user there
    # would cost a database query per file).
    if response.mimetype != "text/html" or not current_user.is_authenticated:
        return response
    response.headers[RUNNER_HEADER] = runner_key(current_user.id)
    return response
