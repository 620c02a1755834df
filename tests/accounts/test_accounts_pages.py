"""Accounts through their pages: sign up, sign in and out, remember me, settings, password, deletion."""

from __future__ import annotations

import ast
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from backrun import PROJECT_ROOT
from backrun.accounts.models import ApiToken, User
from backrun.extensions import db
from tests.support.runners import HTMX, PASSWORD, Runner, csrf_from, session_count


def _user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


class TestSignUp:
    def test_signs_up_signs_in_and_stores_only_a_hash(self, app):
        runner = Runner(app, "New.Runner@Example.org ").signup()
        assert runner.client.get("/log").status_code == 200
        user = _user(app, "new.runner@example.org")  # stored trimmed and lower-cased
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        assert user.time_zone == "Europe/Vaduz" and user.units == "km" and user.weekly_target == 3

    @pytest.mark.parametrize(
        ("email", "password", "message"),
        [
            ("", PASSWORD, "Enter your email address."),
            ("not-an-email", PASSWORD, "Enter an email address like name@example.org."),
            ("a@example.org", "short", "Use at least 8 characters."),
            ("a@example.org", "x" * 257, "Use at most 256 characters."),
        ],
    )
    def test_invalid_input_is_a_clear_422_and_no_account(self, app, email, password, message):
        client = app.test_client()
        token = csrf_from(client.get("/signup").get_data(as_text=True))
        response = client.post("/signup", data={"csrf_token": token, "email": email, "password": password})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert 'aria-invalid="true"' in html and re.search(r'aria-describedby="[^"]*-error"', html)
        assert 'role="alert"' in html
        with app.app_context():
            assert db.session.scalar(select(db.func.count()).select_from(User)) == 0

    def test_an_email_can_only_sign_up_once(self, app):
        Runner(app, "same@example.org").signup()
        client = app.test_client()
        token = csrf_from(client.get("/signup").get_data(as_text=True))
        response = client.post(
            "/signup", data={"csrf_token": token, "email": "SAME@example.org", "password": PASSWORD}
        )
        assert response.status_code == 422
        assert "already exists" in response.get_data(as_text=True)

    def test_an_unknown_time_zone_falls_back_to_utc(self, app):
        Runner(app, "tz@example.org").signup(tz="Mars/Olympus")
        assert _user(app, "tz@example.org").time_zone == "UTC"


class TestSignIn:
    def test_right_password_signs_in_and_wrong_one_says_so(self, app):
        Runner(app, "a@example.org").signup()
        fresh = Runner(app, "a@example.org")
        wrong = fresh.login(password="not the password")
        assert wrong.status_code == 422
        assert "don’t match an account" in wrong.get_data(as_text=True)
        assert fresh.client.get("/log").status_code == 303
        right = fresh.login()
        assert right.status_code == 303 and right.headers["Location"] == "/log"
        assert fresh.client.get("/log").status_code == 200

    def test_unknown_email_gets_the_same_answer_as_a_wrong_password(self, app):
        response = Runner(app, "nobody@example.org").login()
        assert response.status_code == 422
        assert "don’t match an account" in response.get_data(as_text=True)

    def test_remember_me_sets_a_long_lived_cookie(self, app):
        Runner(app, "r@example.org").signup()
        remembered = Runner(app, "r@example.org")
        remembered.login(remember="y")
        cookie = remembered.client.get_cookie("remember_token")
        assert cookie is not None and cookie.http_only
        assert cookie.expires is not None
        # A new browser session (session cookie gone) is still signed in thanks to it.
        remembered.client.delete_cookie("session")
        assert remembered.client.get("/log").status_code == 200
        forgetful = Runner(app, "r@example.org")
        forgetful.login()  # box unticked: no remember cookie
        assert forgetful.client.get_cookie("remember_token") is None

    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            ("/progress", "/progress"),
            ("//evil.example/steal", "/log"),
            ("https://evil.example/", "/log"),
            ("/\\evil.example", "/log"),
        ],
    )
    def test_next_only_goes_to_this_site(self, app, target, expected):
        Runner(app, "n@example.org").signup()
        runner = Runner(app, "n@example.org")
        response = runner.login(next=target)
        assert response.headers["Location"] == expected

    def test_pages_of_the_logbook_send_to_the_sign_in_page(self, app):
        client = app.test_client()
        for path in ("/log", "/log/new", "/progress", "/settings", "/data"):
            response = client.get(path)
            assert response.status_code == 303
            location = urlsplit(response.headers["Location"])
            assert location.path == "/login" and parse_qs(location.query)["next"] == [path]

    def test_htmx_requests_are_redirected_by_header_not_swapped(self, app):
        response = app.test_client().get("/log", headers=HTMX)
        assert response.status_code == 401
        assert response.headers["HX-Redirect"].startswith("/login?next=")

    def test_advice_needs_no_account(self, app):
        assert app.test_client().get("/").status_code == 200


class TestSignOut:
    def test_sign_out_is_a_post_with_csrf(self, runner_a):
        assert runner_a.client.get("/logout").status_code == 405
        assert runner_a.client.post("/logout").status_code == 400  # no CSRF token
        assert runner_a.client.get("/log").status_code == 200
        response = runner_a.post("/logout")
        assert response.status_code == 303
        assert runner_a.client.get("/log").status_code == 303

    def test_nav_shows_sign_in_or_the_logbook(self, app, runner_a):
        anonymous = app.test_client().get("/").get_data(as_text=True)
        assert ">Sign in</a>" in anonymous and ">Log</a>" not in anonymous
        signed_in = runner_a.client.get("/").get_data(as_text=True)
        assert ">Log</a>" in signed_in and ">Progress</a>" in signed_in and ">Settings</a>" in signed_in
        # Sign out sits in the settings, away from the header's everyday links (issue 14: cold hands).
        assert 'action="/logout"' not in signed_in
        settings = runner_a.client.get("/settings").get_data(as_text=True)
        assert re.search(r'<form class="sign-out" method="post" action="/logout">', settings)


class TestCsrf:
    @pytest.mark.parametrize(
        "path",
        [
            "/login",
            "/signup",
            "/settings",
            "/settings/password",
            "/settings/delete",
            "/settings/tokens",
            "/log/new",
            "/logout",
        ],
    )
    def test_forms_refuse_posts_without_the_token(self, runner_a, path):
        response = runner_a.client.post(
            path,
            data={
                "email": "x@example.org",
                "password": PASSWORD,
                "delete_password": PASSWORD,
                "token_name": "x",
            },
        )
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
        assert _user(runner_a.app, runner_a.email) is not None

    def test_a_token_from_another_session_does_not_count(self, app, runner_a, runner_b):
        response = runner_a.client.post(
            "/settings/delete", data={"csrf_token": runner_b.csrf, "delete_password": PASSWORD}
        )
        assert response.status_code == 400
        assert _user(app, runner_a.email) is not None


class TestSettings:
    def test_preferences_are_saved(self, app, runner_a):
        response = runner_a.post(
            "/settings",
            {"units": "mi", "weekly_target": "4", "body_weight": "154.3", "time_zone": "America/New_York"},
        )
        assert response.status_code == 303
        user = _user(app, runner_a.email)
        assert (user.units, user.weekly_target, user.time_zone) == ("mi", 4, "America/New_York")
        assert user.body_weight_kg == pytest.approx(70.0, abs=0.05)  # entered in pounds, stored in kg
        page = runner_a.client.get("/settings").get_data(as_text=True)
        assert "Settings saved." in page and 'value="154.3"' in page

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("weekly_target", "0", "Choose 1 to 14 sessions a week."),
            ("weekly_target", "many", "Not a valid integer value."),
            ("body_weight", "5", "Enter a weight from 20 to 400 kg"),
            ("units", "furlongs", "Choose kilometres or miles."),
            ("time_zone", "Mars/Olympus", "Choose a time zone from the list."),
        ],
    )
    def test_invalid_preferences_change_nothing(self, app, runner_a, field, value, message):
        data = {"units": "km", "weekly_target": "3", "body_weight": "", "time_zone": "UTC", field: value}
        response = runner_a.post("/settings", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        user = _user(app, runner_a.email)
        assert (user.units, user.weekly_target, user.body_weight_kg, user.time_zone) == (
            "km",
            3,
            None,
            "Europe/Vaduz",
        )

    def test_each_runner_sees_and_changes_only_their_own_settings(self, app, runner_a, runner_b):
        runner_b.post(
            "/settings", {"units": "mi", "weekly_target": "5", "body_weight": "", "time_zone": "UTC"}
        )
        page = runner_a.client.get("/settings").get_data(as_text=True)
        assert runner_a.email in page and runner_b.email not in page
        assert _user(app, runner_a.email).units == "km" and _user(app, runner_a.email).weekly_target == 3


class TestPassword:
    def test_change_needs_the_current_password(self, app, runner_a):
        response = runner_a.post(
            "/settings/password", {"current_password": "wrong one!", "new_password": "a brand new one"}
        )
        assert response.status_code == 422
        assert "That isn’t your current password." in response.get_data(as_text=True)
        assert Runner(app, runner_a.email).login().status_code == 303

    def test_change_signs_out_other_devices_and_keeps_this_one(self, app, runner_a):
        other_device = Runner(app, runner_a.email)
        other_device.login(remember="y")
        assert other_device.client.get("/log").status_code == 200
        response = runner_a.post(
            "/settings/password", {"current_password": PASSWORD, "new_password": "a brand new one"}
        )
        assert response.status_code == 303
        assert runner_a.client.get("/log").status_code == 200
        assert other_device.client.get("/log").status_code == 303  # session and remember cookie both invalid
        assert Runner(app, runner_a.email).login().status_code == 422
        assert Runner(app, runner_a.email).login(password="a brand new one").status_code == 303

    def test_a_stronger_configured_hash_is_applied_at_the_next_sign_in(self, app, runner_a):
        app.config["BACKRUN_PASSWORD_METHOD"] = "scrypt:65536:8:1"
        assert Runner(app, runner_a.email).login().status_code == 303
        assert _user(app, runner_a.email).password_hash.startswith("scrypt:65536:8:1$")


class TestDeleteAccount:
    def test_wrong_password_deletes_nothing(self, app, runner_a, token_a):
        runner_a.log(token_a)
        response = runner_a.post("/settings/delete", {"delete_password": "not it at all"})
        assert response.status_code == 422
        assert "Nothing was deleted" in response.get_data(as_text=True)
        assert _user(app, runner_a.email) is not None and session_count(app) == 1

    def test_deletes_the_account_sessions_and_tokens(self, app, runner_a, runner_b, token_a, token_b):
        runner_a.log(token_a)
        runner_b.log(token_b)
        response = runner_a.post("/settings/delete", {"delete_password": PASSWORD})
        assert response.status_code == 200
        assert "Your account is deleted" in response.get_data(as_text=True)
        assert _user(app, runner_a.email) is None
        assert session_count(app, runner_a.user_id) == 0
        with app.app_context():
            assert (
                db.session.scalar(
                    select(db.func.count()).select_from(ApiToken).where(ApiToken.user_id == runner_a.user_id)
                )
                == 0
            )
        assert runner_a.api("GET", "/api/v1/sessions", token_a).status_code == 401
        assert runner_a.client.get("/log").status_code == 303
        # Runner B keeps everything.
        assert session_count(app, runner_b.user_id) == 1
        assert runner_b.api("GET", "/api/v1/sessions", token_b).status_code == 200


def test_accounts_imports_none_of_the_packages_that_keep_a_runners_data():
    """Deleting an account reaches the logbook and push through accounts.signals.account_deleting:
    accounts imports neither, not even inside a function (nor training, which reads the logbook)."""
    upward = ("backrun.logbook", "backrun.push", "backrun.training")
    found = []
    for path in sorted((PROJECT_ROOT / "backrun" / "accounts").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.name}: {name}" for name in names if name.startswith(upward)]
    assert found == []
