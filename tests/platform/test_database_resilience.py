"""The database going away under the app (backrun/platform/resilience.py).

* unreachable: 503 with Retry-After and a JSON body, not a 500 (both backends);
* a connection that dies mid-request (PostgreSQL: the server terminates it after the pool handed
  it out): reads and the idempotent session POST run once more and succeed; other writes get a
  503 and are not repeated.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from backrun.extensions import db
from tests.support import backend
from tests.support.apps import bare_app, make_app
from tests.support.processes import free_port
from tests.support.runners import FAST_HASH, Runner, session_count, session_payload


def test_an_unreachable_database_is_a_503_with_retry_after(tmp_path, open_meteo, met_no, nominatim):
    if backend.current().name == "postgres":
        uri = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    else:
        uri = f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"
    broken = _app_on(tmp_path, open_meteo, met_no, nominatim, uri)
    response = broken.test_client().get("/api/v1/venues?lat=47.14&lon=9.52")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"] == "service_unavailable"
    page = broken.test_client().get("/api/v1/sessions", headers={"Authorization": "Bearer brt_" + "x" * 43})
    assert page.status_code == 503


def _app_on(tmp_path, open_meteo, met_no, nominatim, uri):
    return bare_app(
        tmp_path / "broken",
        uri,
        BACKRUN_OPEN_METEO_URL=open_meteo.endpoint,
        BACKRUN_MET_NO_URL=met_no.endpoint,
        BACKRUN_NOMINATIM_URL=nominatim.url,
        BACKRUN_DB_CONNECT_TIMEOUT=2,
    )


class ConnectionKiller:
    """Terminates the server side of the next `count` connections right after the pool hands them
    out (after pre-ping), so the request's first statement meets a dead connection."""

    def __init__(self, app, count: int = 1) -> None:
        self.remaining = count
        self.killed = 0
        self._lock = threading.Lock()
        self._admin = create_engine(
            app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "checkout", self._on_checkout)

    def _on_checkout(self, dbapi_connection, record, proxy) -> None:
        with self._lock:
            if self.remaining <= 0:
                return
            self.remaining -= 1
        pid = dbapi_connection.info.backend_pid
        with self._admin.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            # Wait until the server has really gone from that connection.
            for _ in range(100):
                alive = admin.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                )
                if alive.scalar_one() == 0:
                    break
        self.killed += 1

    def close(self) -> None:
        event.remove(self.engine, "checkout", self._on_checkout)
        self._admin.dispose()


@pytest.fixture
def pg_app(tmp_path, open_meteo, met_no, nominatim):
    return make_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)


@pytest.mark.postgres
def test_a_read_that_loses_its_connection_is_run_again(pg_app):
    runner = Runner(pg_app, "dropped@example.org").signup()
    token = runner.token()
    runner.log(token)
    killer = ConnectionKiller(pg_app)
    try:
        response = runner.api("GET", "/api/v1/sessions", token)
    finally:
        killer.close()
    assert killer.killed == 1
    assert response.status_code == 200 and len(response.json["sessions"]) == 1


@pytest.mark.postgres
def test_the_idempotent_session_post_is_run_again_and_stored_once(pg_app):
    runner = Runner(pg_app, "dropped-post@example.org").signup()
    token = runner.token()
    killer = ConnectionKiller(pg_app)
    try:
        response = runner.api("POST", "/api/v1/sessions", token, json=session_payload())
    finally:
        killer.close()
    assert killer.killed == 1
    assert response.status_code == 201
    assert session_count(pg_app, runner.user_id) == 1


@pytest.mark.postgres
def test_other_writes_are_not_repeated_but_answered_503(pg_app):
    runner = Runner(pg_app, "dropped-token@example.org").signup()
    killer = ConnectionKiller(pg_app)
    try:
        response = pg_app.test_client().post(
            "/api/v1/auth/token", json={"email": runner.email, "password": runner.password}
        )
    finally:
        killer.close()
    assert killer.killed == 1
    assert response.status_code == 503 and response.json["error"] == "service_unavailable"


@pytest.mark.postgres
def test_a_connection_that_dies_after_the_view_answered_does_not_turn_the_answer_into_a_500(pg_app):
    """The restart can land between the view's answer and the end of the request, where the
    session's teardown rolls back on the dead connection: the runner still gets the answer."""
    admin = create_engine(
        pg_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    armed = {"kill": False, "killed": 0}

    @pg_app.after_request
    def kill_the_connection_the_view_used(response):
        if armed["kill"]:
            armed["kill"] = False
            pid = db.session.connection().connection.dbapi_connection.info.backend_pid
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                for _ in range(100):
                    if (
                        conn.execute(
                            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                        ).scalar_one()
                        == 0
                    ):
                        break
            armed["killed"] += 1
        return response

    runner = Runner(pg_app, "late-drop@example.org").signup()  # hooks first: Flask refuses them later
    token = runner.token()
    runner.log(token)
    try:
        armed["kill"] = True
        response = runner.api("GET", "/api/v1/sessions", token)
        assert armed["killed"] == 1
        assert response.status_code == 200 and len(response.json["sessions"]) == 1
        # The dead connection is gone from the pool: the next request is served normally.
        again = runner.api("GET", "/api/v1/sessions", token)
        assert again.status_code == 200 and len(again.json["sessions"]) == 1
    finally:
        admin.dispose()
