"""Runners for the account and logbook tests: each has its own browser-like client (cookies, CSRF).

Everything goes through real requests (Flask's test client, or real HTTP where a test says so),
with CSRF protection on, as in production.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select

from backrun.extensions import db
from backrun.logbook.models import Run

PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HTMX = {"HX-Request": "true"}
# Cheaper scrypt for tests that aren't about passwords (the accounts tests use the default).
FAST_HASH = {"BACKRUN_PASSWORD_METHOD": "scrypt:1024:8:1"}


def make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **overrides):
    """The suite's app: a fresh database of this run's backend (SQLite, or PostgreSQL in the
    second pass of `make test`; see tests/support/backend.py)."""
    from tests.support.apps import make_app

    return make_app(tmp_path, open_meteo, met_no, nominatim, **overrides)


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def session_payload(**overrides) -> dict:
    """A valid session in the API's JSON."""
    body = {
        "id": str(uuid.uuid4()),
        "started_at": (datetime.now(UTC) - timedelta(hours=2))
        .astimezone(timezone(timedelta(hours=2)))
        .isoformat(timespec="seconds"),
        "duration_s": 1200,
        "distance_m": 2500.0,
        "setting": "outdoor",
        "venue": {"osm": "way/123456", "name": "Town track"},
        "surface": "synthetic_track",
        "intervals": {"bouts": 6, "backward_s": 30, "recovery_s": 60},
        "effort": 3,
        "soreness": [],
        "notes": "Felt good.",
        "weather": None,
    }
    body.update(overrides)
    return body


def session_count(app, user_id: int | None = None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Run)
        if user_id is not None:
            query = query.where(Run.user_id == user_id)
        return db.session.scalar(query)


class Runner:
    """A runner with their own client: signs up, signs in, posts forms with CSRF, calls the API."""

    def __init__(self, app, email: str, password: str = PASSWORD):
        self.app = app
        self.email = email
        self.password = password
        self.client = app.test_client()
        self._csrf: str | None = None
        self.user_id: int | None = None

    # --- accounts ---
    def signup(self, **extra):
        page = self.client.get("/signup")
        response = self.client.post(
            "/signup",
            data={
                "csrf_token": csrf_from(page.get_data(as_text=True)),
                "email": self.email,
                "password": self.password,
                "tz": "Europe/Vaduz",
                **extra,
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        self._remember_id()
        return self

    def login(self, password: str | None = None, **extra):
        page = self.client.get("/login")
        return self.client.post(
            "/login",
            data={
                "csrf_token": csrf_from(page.get_data(as_text=True)),
                "email": self.email,
                "password": password or self.password,
                **extra,
            },
        )

    def _remember_id(self) -> None:
        from backrun.accounts.models import User

        with self.app.app_context():
            self.user_id = db.session.scalar(select(User.id).where(User.email == self.email))

    @property
    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = csrf_from(self.client.get("/settings").get_data(as_text=True))
        return self._csrf

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def token(self) -> str:
        response = self.client.post(
            "/api/v1/auth/token", json={"email": self.email, "password": self.password}
        )
        assert response.status_code == 200, response.json
        return response.json["token"]

    # --- API with a personal token (no cookies involved) ---
    def api(self, method: str, url: str, token: str, **kwargs):
        client = self.app.test_client()  # a separate client: no session cookie
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return client.open(url, method=method, headers=headers, **kwargs)

    def weather_token(self, token: str, lat: float = 47.14, lon: float = 9.52) -> str:
        """A signed snapshot of the advice for a place, as GET /api/v1/advice gives it to a signed-in client."""
        response = self.api("GET", f"/api/v1/advice?lat={lat}&lon={lon}", token)
        assert response.status_code == 200 and response.json.get("weather_token"), response.json
        return response.json["weather_token"]

    def log(self, token: str, **overrides) -> dict:
        response = self.api("POST", "/api/v1/runs", token, json=session_payload(**overrides))
        assert response.status_code == 201, response.json
        return response.json


def seed_sessions(app, user_id: int, count: int, *, end: datetime | None = None) -> None:
    """`count` varied sessions for a runner, one every ~14 hours back from `end`, in one bulk insert."""
    from tests.support.bulk import generated_sessions

    with app.app_context():
        generated_sessions(user_id, count, end=end or datetime.now(UTC))
