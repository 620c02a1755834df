"""Backrun as deployed: gunicorn instances over this run's database and Redis, for the service tests.

Each instance is `gunicorn app:app` (tests/support/harness.py's Gunicorn: its own process group, a free
port, ready when every worker has booted and /healthz answers 200), with an instance directory of
its own, so the only things two instances share are the ones a real deployment shares: the
PostgreSQL database and Redis.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from tests.support.harness import Gunicorn, GunicornSettings

SECRET_KEY = "service-tests-secret"


def app_env(
    instance_dir: Path,
    *,
    database_url: str,
    cache_url: str,
    open_meteo_url: str,
    met_no_url: str,
    nominatim_url: str,
    overpass_url: str = "",
    http_timeout_s: float = 2.0,
    **extra: str,
) -> dict[str, str]:
    instance_dir.mkdir(parents=True, exist_ok=True)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BACKRUN_", "DATABASE_URL", "SECRET_KEY"))
    }
    env.update(
        {
            "BACKRUN_INSTANCE_PATH": str(instance_dir),
            "DATABASE_URL": database_url,
            "BACKRUN_CACHE_URL": cache_url,
            "SECRET_KEY": SECRET_KEY,  # the same on every instance, as the README says
            "BACKRUN_OPEN_METEO_URL": open_meteo_url,
            "BACKRUN_MET_NO_URL": met_no_url,
            "BACKRUN_NOMINATIM_URL": nominatim_url,
            "BACKRUN_OVERPASS_URL": overpass_url,
            "BACKRUN_AIR_QUALITY_URL": "",  # air quality off: these tests are about the weather path
            "BACKRUN_HTTP_TIMEOUT": str(http_timeout_s),
            "BACKRUN_CONTACT": "tests@backrun.invalid",
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra,
        }
    )
    return env


@dataclass(frozen=True)
class InstanceSettings(GunicornSettings):
    """gthread workers that each take at most `threads` connections at a time, so a crowd of
    requests is spread over every worker process instead of queueing in the first one."""

    worker_class: str = "gthread"

    def args(self) -> list[str]:
        return [*super().args(), "--worker-connections", str(self.threads)]


class AppInstance(Gunicorn):
    def __init__(
        self, name: str, env: dict[str, str], log_dir: Path, *, workers: int = 2, threads: int = 16
    ) -> None:
        super().__init__(
            "app:app",
            InstanceSettings(workers=workers, threads=threads),
            env,
            ready_path="/healthz",
            log_dir=log_dir,
            access_log=True,
            name=name,
        )

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as when the machine dies."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM to the master: gunicorn's graceful shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def answering_pids(self, path_prefix: str = "/") -> Counter:
        """How many requests under `path_prefix` each worker process answered (from the access
        log, one `<pid> status path` line per request)."""
        if self.access_log_path is None or not self.access_log_path.exists():
            return Counter()
        found = Counter()
        for line in self.access_log_path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].startswith(path_prefix):
                found[parts[0]] += 1
        return found

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def start_all(instances: list[AppInstance]) -> None:
    """Start several instances at once (each takes a couple of seconds to boot)."""
    errors: list[BaseException] = []

    def start(instance: AppInstance) -> None:
        try:
            instance.start(ready_timeout_s=90)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(instance,)) for instance in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        for instance in instances:
            instance.stop()
        raise errors[0]


def http_session(pool: int = 64) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool, pool_maxsize=pool, max_retries=0)
    session.mount("http://", adapter)
    return session


def create_runner(database_url: str, email: str = "runner@example.org") -> tuple[int, str]:
    """(user id, personal API token) of a new runner, written straight into the database."""
    import tempfile

    from backrun.accounts import service as accounts
    from backrun.accounts import tokens
    from backrun.extensions import db
    from tests.support.apps import bare_app

    with tempfile.TemporaryDirectory() as instance:
        app = bare_app(
            instance, database_url, SECRET_KEY=SECRET_KEY, BACKRUN_PASSWORD_METHOD="scrypt:1024:8:1"
        )
        with app.app_context():
            user = accounts.create_account(email, "service tests password", "Europe/Vaduz")
            _, token = tokens.create_token(user, "service tests")
            user_id = user.id
            db.session.remove()
            db.engine.dispose()
    return user_id, token


def session_body(session_id: str | None = None, n: int = 0) -> dict:
    """A valid run for POST /api/v1/runs; the notes say which post it was."""
    started = datetime.now(UTC) - timedelta(hours=2, minutes=n % 600)
    return {
        "id": session_id or str(uuid.uuid4()),
        "started_at": started.isoformat(timespec="seconds"),
        "duration_s": 600 + n % 1200,
        "distance_m": 1000.0 + n % 5000,
        "setting": "outdoor",
        "surface": "synthetic_track",
        "intervals": {"bouts": 6, "backward_s": 30, "recovery_s": 60},
        "effort": 3,
        "soreness": [],
        "notes": f"post {n}",
        "weather": None,
    }


def stored_sessions(database_url: str) -> dict[str, tuple[int, str]]:
    """{id: (how many rows, notes)} of every training session in the database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT CAST(id AS TEXT), count(*), min(notes) FROM run GROUP BY id")
            ).all()
    finally:
        engine.dispose()
    return {str(uuid.UUID(row[0])): (row[1], row[2]) for row in rows}


@dataclass
class Outcome:
    """What one request got: an HTTP status, or the exception that stood for none."""

    target: str
    status: int | None = None
    error: str = ""
    body: dict = field(default_factory=dict)

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post_session(
    session: requests.Session, base_url: str, token: str, body: dict, timeout_s: float = 15
) -> Outcome:
    try:
        response = session.post(
            f"{base_url}/api/v1/runs",
            json=body,
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {token}"},
        )
    except requests.RequestException as exc:
        return Outcome(base_url, error=type(exc).__name__)
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    return Outcome(base_url, response.status_code, body=payload)
