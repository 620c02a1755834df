"""Surviving a database that goes away (a PostgreSQL restart, a failover, a network blip).

* Pre-ping (config.STATIC_DEFAULTS): every connection is tested as it leaves the pool, so the
  connections a restart killed are replaced before a request uses them.
* A connection that dies *during* a request: a request that is safe to repeat runs once more on
  a fresh connection. Safe are reads (GET, HEAD) and views marked `@retry_safe`, such as
  `POST /api/v1/sessions`, which is idempotent on the client's id: whether or not the first
  attempt's commit got through, the second stores the session exactly once.
* A connection that dies after the view answered (while the session closes): the answer goes
  out; the dead connection is dropped.
* The database unreachable: 503 with `Retry-After` (JSON for the API, a page for people), never
  a 500 with a traceback in the log for what is an outage. The app keeps running and answers
  again as soon as the database is back, without a restart.
* PostgreSQL: connections give up after BACKRUN_DB_CONNECT_TIMEOUT seconds instead of hanging
  on an unreachable host.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TypeGuard

from flask import Flask, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError
from werkzeug.exceptions import InternalServerError

from backrun.extensions import db
from backrun.platform.errors import ApiError, error_response

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_AFTER_S = 5


class DatabaseUnavailable(ApiError):
    def __init__(self) -> None:
        super().__init__(
            503,
            "service_unavailable",
            "The database can't be reached right now. Nothing was lost; try again in a few seconds.",
        )

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("Retry-After", str(RETRY_AFTER_S))]


def retry_safe(view: Callable) -> Callable:
    """Mark a view whose request may be run twice (idempotent) when its connection drops."""
    view.retry_safe = True  # type: ignore[attr-defined]  # a mark on the function, read by _with_retry
    return view


def engine_options(app: Flask) -> None:
    """Driver options that depend on the database: PostgreSQL's connect timeout."""
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    if uri.startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(app.config.get("BACKRUN_DB_CONNECT_TIMEOUT", 5)))
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def dropped_connection(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def unreachable(exc: BaseException) -> TypeGuard[DBAPIError | PendingRollbackError]:
    # PendingRollbackError: a session still holding a connection the restart killed.
    return isinstance(exc, (OperationalError, InterfaceError, PendingRollbackError)) or dropped_connection(
        exc
    )


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:
        _discard_session()


def _discard_session() -> None:
    """Drop the session and its connection without talking to the database (it may be gone)."""
    try:
        db.session.registry().invalidate()  # the connection is closed, not returned to the pool
    except Exception as exc:
        log.debug("the broken session could not be invalidated either: %s", exc)
    finally:
        db.session.registry.clear()  # the next request on this thread gets a fresh session


def _close_session_whatever_its_connection(_exc: BaseException | None) -> None:
    """Close the request's session even when its connection died after the view answered.

    Closing rolls back on the connection; when a restart killed it in between, that rollback
    raises after the response exists, and the runner would get a bare 500 for an answer that
    was ready (a commit that succeeded included).
    """
    try:
        db.session.remove()
    except DBAPIError as exc:
        # App-context teardown: the request context is already gone, hence no path here.
        log.warning("database connection lost while closing the session after the answer: %s", exc.orig)
        _discard_session()


def _with_retry(view: Callable) -> Callable:
    marked = getattr(view, "retry_safe", False)

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DBAPIError as exc:
            if not dropped_connection(exc) or not (marked or request.method in SAFE_METHODS):
                raise
            log.warning(
                "database connection lost during %s %s; trying once more: %s",
                request.method,
                request.path,
                exc.orig,
            )
            _rollback()
            return view(*args, **kwargs)

    return run


def init_app(app: Flask) -> None:
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _with_retry(view)

    def _database_error(exc: DBAPIError | PendingRollbackError):
        _rollback()
        if unreachable(exc):
            log.error(
                "database unreachable on %s %s: %s", request.method, request.path, getattr(exc, "orig", exc)
            )
            return error_response(DatabaseUnavailable())
        # Any other database error is a bug: logged with its traceback, a plain 500 for the client.
        log.exception("database error on %s %s", request.method, request.path)
        return error_response(InternalServerError())

    def _server_error(exc: InternalServerError):
        # Errors raised outside the view (after_request hooks, teardown) reach Flask as a 500
        # wrapping the original: a lost database is still a 503, not a bug.
        original = exc.original_exception
        if original is not None and unreachable(original):
            return _database_error(original)
        return error_response(exc)

    # Registered after db.init_app, so it runs before Flask-SQLAlchemy's own teardown.
    app.teardown_appcontext(_close_session_whatever_its_connection)

    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(PendingRollbackError, _database_error)
    app.register_error_handler(InternalServerError, _server_error)
