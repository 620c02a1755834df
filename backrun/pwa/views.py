"""The PWA's own URLs: the manifest, the service worker, the offline page and who is signed in."""

from __future__ import annotations

import json

from flask import Response, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from backrun.platform.cache import NO_STORE, PAGE, REVALIDATE, cache_policy
from backrun.pwa import bp
from backrun.pwa.build import content_version, service_worker_source
from backrun.pwa.manifest import web_app_manifest
from backrun.pwa.runner import current_runner_key


@bp.get("/manifest.webmanifest")
@cache_policy(REVALIDATE)
def manifest():
    return Response(json.dumps(web_app_manifest(), indent=1), mimetype="application/manifest+json")


@bp.get("/sw.js")
@cache_policy(REVALIDATE)
def service_worker():
    # At the root so its scope is the whole app; revalidated so a deploy is seen at the next visit.
    response = Response(service_worker_source(), mimetype="text/javascript")
    response.set_etag(content_version())
    return response.make_conditional(request)


@bp.get("/offline")
@cache_policy(PAGE)
def offline():
    # Kept at install (fetched without cookies) and shown for a page that was never kept: nobody's
    # data in it. A signed-in runner's copy is still marked theirs (PAGE), as every page of theirs.
    return render_template("pwa/offline.html")


@bp.get("/pwa/sign-in")
@bp.get("/pwa/session")  # its name until 2026-12: service workers installed before still ask it
@cache_policy(NO_STORE)
def sign_in_state():
    """For the outbox: is a runner signed in, which one, a CSRF token that is valid now, and their
    units and time zone.

    Pages kept offline carry old CSRF tokens, so a replay asks here first, with no cache between.
    """
    runner = current_runner_key()
    body = {"signed_in": runner is not None, "runner": runner}
    if runner:
        body["csrf_token"] = generate_csrf()
        # How the outbox reads a kept log form: distances in these units, a start without a
        # known zone in this one (what the form's handler would use).
        body["units"] = current_user.units
        body["time_zone"] = current_user.time_zone
    return jsonify(body)
