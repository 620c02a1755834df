"""Personal API tokens and sign-in limits: POST /api/v1/auth/token, the settings page, revocation."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from backrun.accounts.models import ApiToken
from backrun.extensions import db
from tests.support.runners import PASSWORD, Runner, make_logbook_app


def _tokens(app, user_id):
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)))


class TestTokenEndpoint:
    def test_email_and_password_give_a_working_token(self, app, runner_a):
        response = app.test_client().post(
            "/api/v1/auth/token", json={"email": runner_a.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        token = response.json["token"]
        assert set(response.json) == {"token"}
        assert runner_a.api("GET", "/api/v1/sessions", token).status_code == 200

    def test_only_a_hash_of_the_token_is_stored(self, app, runner_a, token_a):
        (row,) = _tokens(app, runner_a.user_id)
        assert row.token_hash == hashlib.sha256(token_a.encode()).hexdigest()
        assert token_a not in (row.token_hash, row.prefix, row.name)
        assert token_a.startswith(row.prefix)

    @pytest.mark.parametrize(
        "body",
        [
            {"email": "alice@example.org", "password": "not the password"},
            {"email": "nobody@example.org", "password": PASSWORD},
        ],
    )
    def test_wrong_credentials_are_401(self, app, runner_a, body):
        response = app.test_client().post("/api/v1/auth/token", json=body)
        assert response.status_code == 401
        assert response.json["error"] == "invalid_credentials"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert _tokens(app, runner_a.user_id) == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"email": "alice@example.org"}, "password"),
            ({"email": "alice@example.org", "password": PASSWORD, "admin": True}, "admin"),
            ({"email": 42, "password": PASSWORD}, "email"),
            ([], "_schema"),
        ],
    )
    def test_bad_bodies_are_422(self, app, runner_a, body, field):
        response = app.test_client().post("/api/v1/auth/token", json=body)
        assert response.status_code == 422
        assert field in response.json["fields"]

    def test_not_json_is_a_clear_4xx(self, app):
        client = app.test_client()
        assert client.post("/api/v1/auth/token", data="email=a").status_code == 415
        response = client.post("/api/v1/auth/token", data="{nope", content_type="application/json")
        assert response.status_code == 400 and response.json["error"] == "invalid_json"


class TestBearer:
    @pytest.mark.parametrize(
        "header", ["Bearer", "Bearer ", "Basic abc", "Bearer brt_made-up", "Bearer nonsense"]
    )
    def test_bad_or_unknown_tokens_are_401(self, app, header):
        response = app.test_client().get("/api/v1/sessions", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json["error"] == "invalid_token"

    def test_no_credentials_is_401_with_a_hint(self, app):
        response = app.test_client().get("/api/v1/sessions")
        assert response.status_code == 401
        assert response.json["error"] == "authentication_required"
        assert "Bearer" in response.headers["WWW-Authenticate"]

    def test_a_bad_token_is_refused_even_with_a_signed_in_cookie(self, runner_a):
        response = runner_a.client.get("/api/v1/sessions", headers={"Authorization": "Bearer brt_wrong"})
        assert response.status_code == 401


class TestTokensInSettings:
    def test_create_shows_the_token_once_and_lists_it(self, app, runner_a):
        response = runner_a.post("/settings/tokens", {"token_name": "phone"})
        html = response.get_data(as_text=True)
        assert response.status_code == 201
        token = re.search(r'<code id="new-token">(brt_[^<]+)</code>', html).group(1)
        assert runner_a.api("GET", "/api/v1/sessions", token).status_code == 200
        listing = runner_a.client.get("/settings").get_data(as_text=True)
        assert "phone" in listing and token[:10] in listing and token not in listing

    def test_revoked_tokens_stop_working(self, app, runner_a, token_a):
        assert runner_a.api("GET", "/api/v1/sessions", token_a).status_code == 200
        (row,) = _tokens(app, runner_a.user_id)
        response = runner_a.post(f"/settings/tokens/{row.id}/revoke")
        assert response.status_code == 303
        refused = runner_a.api("GET", "/api/v1/sessions", token_a)
        assert refused.status_code == 401 and refused.json["error"] == "invalid_token"
        assert _tokens(app, runner_a.user_id) == []

    def test_another_runners_token_cannot_be_revoked(self, app, runner_a, runner_b, token_a):
        (row,) = _tokens(app, runner_a.user_id)
        assert runner_b.post(f"/settings/tokens/{row.id}/revoke").status_code == 404
        assert runner_a.api("GET", "/api/v1/sessions", token_a).status_code == 200
        assert runner_a.email not in runner_b.client.get("/settings").get_data(as_text=True)

    def test_a_token_needs_a_name(self, runner_a):
        response = runner_a.post("/settings/tokens", {"token_name": "   "})
        assert response.status_code == 422
        assert "Give the token a name" in response.get_data(as_text=True)


class TestSignInLimits:
    @pytest.fixture
    def app(self, tmp_path, open_meteo, met_no, nominatim):
        return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_LOGIN_RATELIMIT="3/minute")

    def test_failed_attempts_are_limited_per_client(self, app, runner_a):
        for _ in range(3):
            assert Runner(app, runner_a.email).login(password="guess guess").status_code == 422
        blocked = Runner(app, runner_a.email).login()  # even the right password, for now
        assert blocked.status_code == 429
        api = app.test_client().post(
            "/api/v1/auth/token", json={"email": runner_a.email, "password": PASSWORD}
        )
        assert api.status_code == 429 and api.json["error"] == "too_many_requests"

    def test_successful_sign_ins_do_not_count(self, app, runner_a):
        for _ in range(5):
            assert Runner(app, runner_a.email).login().status_code == 303
        assert (
            app.test_client()
            .post("/api/v1/auth/token", json={"email": runner_a.email, "password": PASSWORD})
            .status_code
            == 200
        )
