"""GET /healthz: is the app up and can it reach its database?"""

from __future__ import annotations

import logging

from flask import jsonify
from sqlalchemy import text

from backrun.coordination import get_coordinator
from backrun.extensions import db
from backrun.web import bp

log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    checks = {"database": "ok", "cache": get_coordinator().backend}
    status = 200
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not healthy", never a 500 page
        log.error("health check: database unreachable: %s", exc)
        db.session.rollback()
        checks["database"] = "unreachable"
        status = 503
    body = {"status": "ok" if status == 200 else "degraded", "checks": checks}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status
