"""GET /healthz: is the app up, can it reach its database, and is the shared cache (Redis) there?

200 {"status": "ok"} when everything answers; 200 {"status": "degraded"} with `checks.cache`
"redis-fallback" when BACKRUN_CACHE_URL is set but Redis is down (the app keeps answering with
per-process caches and file locks); 503 when the database is unreachable.
"""

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
    coordinator = get_coordinator()
    coordinator.check()  # Redis configured: ping it (a second at most), else report the fallback
    checks = {"database": "ok", "cache": coordinator.backend}
    status = 200
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not healthy", never a 500 page
        log.error("health check: database unreachable: %s", exc)
        db.session.rollback()
        checks["database"] = "unreachable"
        status = 503
    # Redis down is "degraded" but still 200: the app answers (per-process caches and locks), and
    # a load balancer must not take every instance out of service because the cache is away.
    healthy = status == 200 and checks["cache"] != "redis-fallback"
    body = {"status": "ok" if healthy else "degraded", "checks": checks}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status
