"""Issue 13, item 9: a database that answers but refuses writes is reported by /healthz, and reads
with a personal token keep working (noting the token's use is only bookkeeping).

The database is a SQLite file the second app opens read-only (`mode=ro`), as when the file or its
disk refuses writes: the tests run as root, for whom file permissions refuse nothing.
"""

from __future__ import annotations

from tests.support.runners import Runner, make_logbook_app


def test_a_read_only_database_is_reported_and_token_reads_still_work(tmp_path, open_meteo, met_no, nominatim):
    path = tmp_path / "backrun.sqlite3"
    writable = make_logbook_app(
        tmp_path / "rw", open_meteo, met_no, nominatim, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"
    )
    runner = Runner(writable, "reader@example.org").signup()
    token = runner.token()
    runner.log(token)
    assert writable.test_client().get("/healthz").json["checks"]["database"] == "ok"

    read_only = make_logbook_app(
        tmp_path / "ro",
        open_meteo,
        met_no,
        nominatim,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{path}?mode=ro&uri=true",
    )
    client = read_only.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["status"] == "degraded" and health.json["checks"]["database"] == "read-only"

    # The token was never used from this app: its first use would note last_used_at, which fails.
    listed = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.json
    assert len(listed.json["sessions"]) == 1
