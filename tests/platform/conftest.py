"""Backrun as deployed, in processes of its own: gunicorn as `make serve` runs it (gunicorn.conf.py:
2 gthread workers) on this pass's database (SQLite file, or PostgreSQL) with its cache (the file
cache, or Redis), the weather behind FaultProxies that can hang or trickle (`serve`); and several
instances over one PostgreSQL and Redis (`instances`: modules marked `service` run in the
PostgreSQL pass of `make test` only).
"""

from __future__ import annotations

import pytest

from tests.support import backend
from tests.support.apps import make_app
from tests.support.faults import FaultProxy
from tests.support.harness import Gunicorn, ServeSettings
from tests.support.instances import AppInstance, app_env, start_all


@pytest.fixture
def weather_proxies(open_meteo, met_no):
    with FaultProxy(open_meteo.url) as om, FaultProxy(met_no.url) as mn:
        yield om, mn


@pytest.fixture
def serve(tmp_path, open_meteo, met_no, nominatim, weather_proxies):
    """serve(**env) -> a started gunicorn (stopped afterwards); the weather goes through the proxies."""
    started: list[Gunicorn] = []
    om_proxy, mn_proxy = weather_proxies

    def start(
        *,
        cache_url: str | None = None,
        http_timeout_s: float = 2.0,
        gunicorn_args: tuple[str, ...] = (),
        **extra: str,
    ) -> Gunicorn:
        name = f"served-{len(started) + 1}"
        database_url = backend.current().database_url(tmp_path / name / "db")
        make_app(
            tmp_path / name / "migrate", open_meteo, met_no, nominatim, SQLALCHEMY_DATABASE_URI=database_url
        )
        env = app_env(
            tmp_path / name / "instance",
            database_url=database_url,
            cache_url=backend.current().cache_url if cache_url is None else cache_url,
            open_meteo_url=om_proxy.endpoint(open_meteo.endpoint),
            met_no_url=mn_proxy.endpoint(met_no.endpoint),
            nominatim_url=nominatim.url,
            http_timeout_s=http_timeout_s,
            WEB_CONCURRENCY="2",
            **extra,
        )
        server = Gunicorn(
            "app:app",
            ServeSettings(workers=2, extra=gunicorn_args),
            env,
            ready_path="/healthz",
            log_dir=tmp_path / "logs",
            access_log=True,
            name=name,
        )
        (tmp_path / "logs").mkdir(exist_ok=True)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def database_url(tmp_path):
    """A fresh, migrated database of this run (PostgreSQL in the pass these tests run in)."""
    return backend.current().database_url(tmp_path / "db")


@pytest.fixture
def cache_url():
    return backend.current().cache_url


@pytest.fixture
def instances(tmp_path, database_url, cache_url, open_meteo, met_no, nominatim):
    """start(n, **env) -> n gunicorn instances sharing the database and Redis; all stopped afterwards."""
    started: list[AppInstance] = []

    def start(
        count: int = 2,
        *,
        workers: int = 2,
        threads: int = 16,
        database: str | None = None,
        cache: str | None = None,
        **extra_env: str,
    ) -> list[AppInstance]:
        batch = []
        for _ in range(count):
            name = f"instance-{len(started) + len(batch) + 1}"
            env = app_env(
                tmp_path / name,
                database_url=database or database_url,
                cache_url=cache_url if cache is None else cache,
                open_meteo_url=open_meteo.endpoint,
                met_no_url=met_no.endpoint,
                nominatim_url=nominatim.url,
                **extra_env,
            )
            batch.append(AppInstance(name, env, tmp_path / "logs", workers=workers, threads=threads))
        (tmp_path / "logs").mkdir(exist_ok=True)
        start_all(batch)
        started.extend(batch)
        return batch

    yield start
    for instance in started:
        instance.stop()
