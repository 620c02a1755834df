"""Fixtures for the service tests: Backrun under gunicorn over this run's PostgreSQL and Redis.

Every module here sets `pytestmark = pytest.mark.service`: its tests run in the PostgreSQL pass of `make test` only
(deselected in the SQLite pass), starts real gunicorn processes, and has a time limit.
"""

from __future__ import annotations

import pytest

from tests.support import backend
from tests.support.instances import AppInstance, app_env, start_all


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
