"""GET /healthz: is the app up, can it read and write its database, and is the shared cache (Redis) there?

200 {"status": "ok"} when everything answers; 200 {"status": "degraded"} with `checks.cache`
"redis-fallback" when BACKRUN_CACHE_URL is set but Redis is down (the app keeps answering with
per-process caches and file locks); 503 "degraded" with `checks.database` "read-only" when the
database answers but refuses writes (a read-only file, a full disk: sessions can't be logged);
503 with "unreachable" when it can't be reached.

The write check updates the one row of `health_check`, at most every WRITE_CHECK_EVERY_S seconds
per process (load balancers poll often; a commit costs a disk sync).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any, cast

from flask import current_app, jsonify
from sqlalchemy import CursorResult, text, update
from sqlalchemy.orm import Mapped, mapped_column

from backrun.extensions import Model, db
from backrun.platform.cache import NO_STORE, cache_policy
from backrun.platform.columns import UtcDateTime, utc_now
from backrun.platform.coordination import get_coordinator
from backrun.web import bp

log = logging.getLogger(__name__)

WRITE_CHECK_EVERY_S = 5.0


class HealthCheck(Model):
    """One row, rewritten by /healthz to prove the database takes writes."""

    __tablename__ = "health_check"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class _WriteCheck:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at = float("-inf")
        self._ok = True

    def writable(self) -> bool:
        with self._lock:
            if time.monotonic() - self._at < WRITE_CHECK_EVERY_S:
                return self._ok
            self._at = time.monotonic()  # one check at a time; others use the last answer meanwhile
        try:
            # An UPDATE gives a CursorResult (with rowcount); Session.execute is typed for any statement.
            updated = cast(
                CursorResult[Any],
                db.session.execute(
                    update(HealthCheck).where(HealthCheck.id == 1).values(checked_at=utc_now())
                ),
            )
            if not updated.rowcount:
                db.session.add(HealthCheck(id=1))
            db.session.commit()
            ok = True
        except Exception as exc:
            log.error("health check: the database refuses writes: %s", exc)
            db.session.rollback()
            ok = False
        with self._lock:
            self._ok = ok
        return ok


def _write_check() -> _WriteCheck:
    check = current_app.extensions.get("backrun.health_write_check")
    if check is None:
        check = current_app.extensions.setdefault("backrun.health_write_check", _WriteCheck())
    return check


@bp.get("/healthz")
@cache_policy(NO_STORE)
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
    else:
        if not _write_check().writable():
            checks["database"] = "read-only"
            status = 503
    # Redis down is "degraded" but still 200: the app answers (per-process caches and locks), and
    # a load balancer must not take every instance out of service because the cache is away.
    healthy = status == 200 and checks["cache"] != "redis-fallback"
    body = {"status": "ok" if healthy else "degraded", "checks": checks}
    return jsonify(body), status
