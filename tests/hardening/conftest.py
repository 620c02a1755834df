"""Backrun under gunicorn as `make serve` runs it (gunicorn.conf.py: 2 gthread workers), on this
pass's database (SQLite file, or PostgreSQL) with its cache (the file cache, or Redis), with the
weather providers behind FaultProxies that can hang or trickle."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bench.common import Gunicorn, GunicornSettings
from tests.conftest import make_app
from tests.support import backend
from tests.support.faults import FaultProxy
from tests.support.instances import app_env


@dataclass(frozen=True)
class ServeSettings(GunicornSettings):
    """gunicorn.conf.py (the workers, worker class and threads `make serve` uses), and `extra` arguments."""

    extra: tuple[str, ...] = ()

    def args(self) -> list[str]:
        return ["--config", "gunicorn.conf.py", *self.extra]


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


def answering_workers(server: Gunicorn, path_prefix: str) -> set[str]:
    """The worker pids that answered requests under `path_prefix` (from the access log: "pid status path")."""
    pids = set()
    for line in server.access_log_path.read_text().splitlines():
        pid, _status, path = (line.split(" ", 2) + ["", ""])[:3]
        if path.startswith(path_prefix):
            pids.add(pid)
    return pids
