"""Which database and shared cache a test run uses. One mechanism for the whole suite.

`make test` runs the suite twice:

* `pytest` (backend "sqlite"): every app gets a fresh SQLite file migrated with Alembic and the
  per-machine file cache, as `make run` deploys it.
* `pytest --backend=postgres`: a throwaway PostgreSQL cluster and a redis-server are started
  for the run (tests/support/postgres.py, redis_server.py). Every app gets a fresh PostgreSQL
  database (a clone of one migrated once) and `BACKRUN_CACHE_URL` pointing at the Redis server,
  which is flushed before every test. Tests marked `postgres` or `service` run only here.

Servers of your own instead of throwaway ones: `BACKRUN_TEST_DATABASE_URL=postgresql://...`
(a role allowed to create databases) and optionally `BACKRUN_TEST_CACHE_URL=redis://...`
(flushed before every test: use a database of its own!). Tests that restart PostgreSQL need
the throwaway cluster and are skipped with a server of your own.

`tests/support/apps.py:make_app` asks `current()` for each app's database URL and cache URL.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from tests.support.postgres import Databases, PostgresCluster
from tests.support.redis_server import RedisServer

BACKENDS = ("sqlite", "postgres")
SQLITE_FILE = "test.sqlite3"


def default_backend() -> str:
    name = os.environ.get("BACKRUN_TEST_BACKEND", "").strip().lower()
    if name:
        return name
    return "postgres" if os.environ.get("BACKRUN_TEST_DATABASE_URL", "").strip() else "sqlite"


class Backend:
    name = "sqlite"

    def __init__(self) -> None:
        self._templates: dict[str, str] = {}
        self._template_dir: Path | None = None
        self._lock = threading.Lock()

    @property
    def cache_url(self) -> str:
        return ""

    def database_url(self, tmp_path: Path, template: str | None = None, *, per_run: bool = False) -> str:
        """A fresh database for one app (a copy of `template` when given). `per_run`: it outlives
        the test that made it (for module-scoped apps; a file lives as long as its folder)."""
        tmp_path.mkdir(parents=True, exist_ok=True)
        path = tmp_path / SQLITE_FILE
        if template is not None:
            shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    def empty_database_url(self, tmp_path: Path) -> str:
        """A fresh database without any tables (for migration tests)."""
        tmp_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"

    def template(self, key: str, build: Callable[[str], None]) -> str:
        """A database built once per run by `build(url)`, for `database_url(..., template=...)`."""
        with self._lock:
            if key not in self._templates:
                if self._template_dir is None:
                    self._template_dir = Path(tempfile.mkdtemp(prefix="backrun-templates-"))
                path = self._template_dir / f"{key}.sqlite3"
                build(f"sqlite:///{path}")
                self._templates[key] = str(path)
            return self._templates[key]

    def before_test(self) -> None:
        pass

    def after_test(self) -> None:
        pass

    def close(self) -> None:
        if self._template_dir is not None:
            shutil.rmtree(self._template_dir, ignore_errors=True)
            self._template_dir = None


class PostgresBackend(Backend):
    """PostgreSQL + Redis, started lazily on first use (collecting tests starts nothing)."""

    name = "postgres"

    def __init__(self) -> None:
        super().__init__()
        self.cluster: PostgresCluster | None = None
        self.redis: RedisServer | None = None
        self._databases: Databases | None = None
        self._external_cache_url = os.environ.get("BACKRUN_TEST_CACHE_URL", "").strip()
        self._redis_client = None

    @property
    def databases(self) -> Databases:
        with self._lock:
            if self._databases is None:
                server_url = os.environ.get("BACKRUN_TEST_DATABASE_URL", "").strip()
                if server_url:
                    from backrun.config import postgres_driver_url

                    server_url = postgres_driver_url(server_url)
                else:
                    self.cluster = PostgresCluster().start()
                    server_url = self.cluster.admin_url
                self._databases = Databases(server_url)
            return self._databases

    @property
    def cache_url(self) -> str:
        if self._external_cache_url:
            return self._external_cache_url
        with self._lock:
            if self.redis is None:
                self.redis = RedisServer().start()
            return self.redis.url

    @property
    def restartable(self) -> bool:
        """Whether tests may restart the PostgreSQL server (only our own throwaway cluster)."""
        self.databases  # noqa: B018 - starts the cluster when it is ours
        return self.cluster is not None

    def database_url(self, tmp_path: Path, template: str | None = None, *, per_run: bool = False) -> str:
        tmp_path.mkdir(parents=True, exist_ok=True)
        return self.databases.url(self.databases.create(template=template, per_run=per_run))

    def empty_database_url(self, tmp_path: Path) -> str:
        tmp_path.mkdir(parents=True, exist_ok=True)
        return self.databases.url(self.databases.create(template="template0"))

    def template(self, key: str, build: Callable[[str], None]) -> str:
        return self.databases.template(key, build)

    def before_test(self) -> None:
        import redis

        if self._redis_client is None:
            self._redis_client = redis.Redis.from_url(self.cache_url, socket_timeout=5)
        self._redis_client.flushdb()

    def after_test(self) -> None:
        if self._databases is not None:
            self._databases.drop_test_databases()

    def close(self) -> None:
        try:
            if self._databases is not None:
                self._databases.close()
        finally:
            self._databases = None
            if self.cluster is not None:
                self.cluster.stop()
                self.cluster = None
            if self.redis is not None:
                self.redis.close()
                self.redis = None
            super().close()


_current: Backend | None = None


def configure(name: str) -> Backend:
    global _current
    if name not in BACKENDS:
        raise ValueError(f"unknown test backend {name!r}: choose one of {', '.join(BACKENDS)}")
    if _current is not None and _current.name == name:
        return _current
    shutdown()
    _current = PostgresBackend() if name == "postgres" else Backend()
    return _current


def current() -> Backend:
    return _current if _current is not None else configure(default_backend())


def shutdown() -> None:
    global _current
    if _current is not None:
        backend, _current = _current, None
        backend.close()


atexit.register(shutdown)
