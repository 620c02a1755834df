"""A throwaway PostgreSQL cluster for the test run, and a fresh database for every test.

`PostgresCluster` runs Debian's PostgreSQL binaries (`/usr/lib/postgresql/<version>/bin`) on a
data directory under a temporary directory, listening on a free port on 127.0.0.1 only, with
trust authentication and durability switched off (fsync, full-page writes): nothing in it
outlives the run. PostgreSQL refuses to run as root, so as root the cluster belongs to the
`postgres` user that Debian's package creates, and its commands run through `runuser`.

`Databases` hands out databases: a fresh one per test, cloned with `CREATE DATABASE ... TEMPLATE`
from a template migrated once per run (a clone takes a few milliseconds; migrating takes a
second), and dropped again after the test.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.support.processes import as_user, chown_to, free_port, run

log = logging.getLogger(__name__)

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "400",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] %d '",
}


def find_bindir() -> Path | None:
    """The newest Debian PostgreSQL server binaries, or whatever initdb is on PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(re.sub(r"\D", "", p.parent.parent.name) or 0),
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PostgresCluster:
    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed: `make test` installs Debian's postgresql package"
            )
        self.user = "postgres" if os.geteuid() == 0 else None
        self.root: Path | None = None
        self.port = 0

    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        assert self.root is not None
        return self.root / "postgresql.log"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg(self, name: str, *args: str, timeout_s: float = 120) -> str:
        return run(
            as_user(self.user, [str(self.bindir / name), *args]), timeout_s=timeout_s, what=name
        ).stdout

    def start(self) -> PostgresCluster:
        self.root = Path(tempfile.mkdtemp(prefix="backrun-pg-", dir=fast_tmp_dir()))
        self.data_dir.mkdir()
        chown_to(self.root, self.user)
        self._pg(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.port = free_port()
        settings = {**SETTINGS, "port": str(self.port), "unix_socket_directories": f"'{self.root}'"}
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# backrun test cluster\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._ctl("start")
        return self

    def _ctl(self, action: str, *extra: str) -> None:
        args = ["-D", str(self.data_dir), "-l", str(self.log_path), "-w", "-t", "60", *extra, action]
        self._pg("pg_ctl", *args, timeout_s=90)

    def restart(self) -> None:
        """A fast restart: open connections are terminated, as when a server is restarted in production."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def fast_tmp_dir(need_bytes: int = 2 * 1024**3) -> str | None:
    """/dev/shm when it has room: on a disk, CREATE DATABASE takes about 200 ms even without
    fsync, in memory about 15 ms, and the suite makes one database per test."""
    try:
        stat = os.statvfs("/dev/shm")
    except OSError:
        return None
    return (
        "/dev/shm" if stat.f_bavail * stat.f_frsize >= need_bytes and os.access("/dev/shm", os.W_OK) else None
    )


def database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


class Databases:
    """Fresh databases on one PostgreSQL server (ours, or one given by BACKRUN_TEST_DATABASE_URL)."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._names = (f"backrun_t{os.getpid()}_{n}" for n in itertools.count(1))
        self._lock = threading.Lock()
        self._templates: dict[str, str] = {}
        self._per_test: list[str] = []
        self._per_run: list[str] = []
        self._server_version: int | None = None

    def url(self, name: str) -> str:
        return database_url(self.server_url, name)

    def create(self, *, template: str | None = None, per_run: bool = False) -> str:
        """A new database (a copy of `template`, or of the migrated one); its name.

        It is dropped at the end of the current test, or at the end of the run with per_run.
        """
        with self._lock:
            name = next(self._names)
            source = template or self._migrated()
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{self._copy_strategy()}')
            (self._per_run if per_run else self._per_test).append(name)
        return name

    def template(self, key: str, build: Callable[[str], None]) -> str:
        """A database built once per run by `build(url)` (which must close its connections)."""
        with self._lock:
            found = self._templates.get(key)
        if found is None:
            name = self.create(per_run=True)
            build(self.url(name))
            with self._lock:
                found = self._templates.setdefault(key, name)
        return found

    def drop_test_databases(self) -> None:
        with self._lock:
            names, self._per_test = self._per_test, []
            for name in names:
                self._drop(name)

    def close(self) -> None:
        self.drop_test_databases()
        with self._lock:
            for name in reversed(self._per_run):
                self._drop(name)
            self._per_run = []
        self._admin.dispose()

    def _migrated(self) -> str:
        """The template every fresh database copies: empty, migrated to the newest revision."""
        if "migrated" not in self._templates:
            name = next(self._names)
            self._execute(f'CREATE DATABASE "{name}"')
            self._per_run.append(name)
            migrate(self.url(name))
            self._templates["migrated"] = name
        return self._templates["migrated"]

    def _copy_strategy(self) -> str:
        # PostgreSQL 15+: copying the files beats WAL-logging every block for these small databases.
        if self._server_version is None:
            with self._admin.connect() as connection:
                self._server_version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
        return " STRATEGY FILE_COPY" if self._server_version >= 150000 else ""

    def _drop(self, name: str) -> None:
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:
            log.warning("could not drop test database %s: %s", name, exc)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(sql))


def migrate(url: str) -> None:
    """`flask db upgrade` on the database at `url`, then close every connection to it."""
    from flask_migrate import upgrade

    from backrun.extensions import db
    from tests.support.apps import bare_app

    instance = tempfile.mkdtemp(prefix="backrun-migrate-")
    try:
        app = bare_app(instance, url)
        with app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
