"""Redis stopped while the app runs: it keeps answering on per-process fallbacks, logs it once, and
/healthz says so; when Redis is back, the app uses it again.

Each test starts a redis-server of its own (the run's shared one stays up for everyone else)
and really kills it: SIGKILL, the port closed.
"""

from __future__ import annotations

import time

import pytest
import requests

from backrun.platform import coordination
from tests.support.apps import make_app
from tests.support.instances import create_runner
from tests.support.redis_server import RedisServer

pytestmark = [pytest.mark.service]


@pytest.fixture
def private_redis():
    with RedisServer() as server:
        yield server


def _health(instance) -> dict:
    response = requests.get(instance.url("/healthz"), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.timeout(240)
def test_the_app_keeps_answering_when_redis_dies(
    instances, private_redis, database_url, open_meteo, nominatim
):
    (instance,) = instances(
        1,
        cache=private_redis.url,
        BACKRUN_LOGIN_RATELIMIT="5/minute",
        BACKRUN_GEOCODE_RATELIMIT="1000/minute",
    )
    email = "redis-down@example.org"
    create_runner(database_url, email)
    assert _health(instance) == {"status": "ok", "checks": {"database": "ok", "cache": "redis"}}
    first = requests.get(instance.url("/api/v1/advice?lat=47.14&lon=9.52"), timeout=30)
    assert first.status_code == 200 and first.json()["source"] == "open-meteo"
    assert private_redis.client().keys("backrun:weather:*")  # the forecast went to Redis

    private_redis.stop()

    # The weather: a place already seen and a new one (fetched once, kept in this process).
    for lat, lon in [(47.14, 9.52), (46.5, 8.5), (46.5, 8.5)]:
        response = requests.get(instance.url(f"/api/v1/advice?lat={lat}&lon={lon}"), timeout=30)
        assert response.status_code == 200 and response.json()["verdict"] != "unknown", response.text
    # The Nominatim throttle (file locks now) and the place search.
    response = requests.get(instance.url("/advice?place=Vaduz"), timeout=30)
    assert response.status_code == 200 and "Vaduz" in response.text
    # Flask-Limiter's counters: in memory per process; failed sign-ins are still limited.
    statuses = [
        requests.post(
            instance.url("/api/v1/auth/token"), json={"email": email, "password": "wrong"}, timeout=30
        ).status_code
        for _ in range(11)
    ]
    assert set(statuses) <= {401, 429} and 429 in statuses, statuses  # 2 workers x 5 allowed < 11
    # Pages and the logbook API.
    assert requests.get(instance.url("/"), timeout=30).status_code == 200

    assert _health(instance) == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "redis-fallback"},
    }
    log = instance.log_text()
    assert "Redis unreachable" in log
    assert "Traceback" not in log


@pytest.mark.timeout(120)
def test_back_to_redis_when_it_returns(tmp_path, private_redis, open_meteo, met_no, nominatim, monkeypatch):
    """In this process, with the retry pause shortened from 30 s: down, fallback, back again."""
    monkeypatch.setattr(coordination, "REDIS_RETRY_AFTER_S", 0.5)
    app = make_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_CACHE_URL=private_redis.url)
    client = app.test_client()
    assert client.get("/healthz").json["checks"]["cache"] == "redis"

    private_redis.stop()
    assert client.get("/healthz").json == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "redis-fallback"},
    }
    assert client.get("/api/v1/advice?lat=45.1&lon=7.1").status_code == 200

    private_redis.start()  # same port
    time.sleep(0.6)
    assert client.get("/healthz").json == {"status": "ok", "checks": {"database": "ok", "cache": "redis"}}
    assert client.get("/api/v1/advice?lat=45.3&lon=7.3").status_code == 200
    assert private_redis.client().keys("backrun:weather:*")  # used again
