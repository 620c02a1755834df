"""Issue 13, items 4, 5, 8 and 10 (account ids): sessions that end on the server, sign-in work
that doesn't depend on whether the account exists, limits on sign-ups and on guessing the
current password, account ids never reused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backrun.accounts import passwords
from backrun.accounts.models import SignIn, User
from backrun.extensions import db
from tests.logbook.helpers import PASSWORD, Runner, csrf_from, make_logbook_app


def _copy_cookies(source, target) -> None:
    for name in ("session", "remember_token"):
        cookie = source.client.get_cookie(name)
        if cookie is not None:
            target.client.set_cookie(name, cookie.value)


def _sign_ins(app, user_id: int) -> int:
    with app.app_context():
        return len(db.session.scalars(select(SignIn).where(SignIn.user_id == user_id)).all())


class TestSignOutEndsTheSessionOnTheServer:
    def test_copied_cookies_are_useless_after_sign_out(self, app):
        runner = Runner(app, "copied@example.org").signup()
        runner.client.post(
            "/logout", data={"csrf_token": runner.csrf}
        )  # signed in via sign-up: sign in again
        assert runner.login(remember="y").status_code == 303
        thief = Runner(app, runner.email)
        _copy_cookies(runner, thief)
        assert thief.client.get("/log").status_code == 200  # a copy works while the runner is signed in

        assert runner.post("/logout").status_code == 303
        assert thief.client.get("/log").status_code == 303  # to the sign-in page
        thief.client.delete_cookie("session")  # the remember cookie alone: useless as well
        assert thief.client.get("/log").status_code == 303
        assert _sign_ins(app, runner.user_id) == 0

    def test_sign_out_ends_only_this_device(self, app):
        phone = Runner(app, "two@example.org").signup()
        laptop = Runner(app, phone.email)
        laptop.login(remember="y")
        phone.post("/logout")
        assert laptop.client.get("/log").status_code == 200

    def test_sign_out_everywhere(self, app):
        phone = Runner(app, "all@example.org").signup()
        laptop = Runner(app, phone.email)
        laptop.login(remember="y")
        assert 'action="/settings/sign-out-everywhere"' in phone.client.get("/settings").get_data(
            as_text=True
        )
        assert phone.post("/settings/sign-out-everywhere").status_code == 303
        assert phone.client.get("/log").status_code == 303
        assert laptop.client.get("/log").status_code == 303
        laptop.client.delete_cookie("session")
        assert laptop.client.get("/log").status_code == 303  # its remember cookie too
        assert _sign_ins(app, phone.user_id) == 0
        assert phone.login().status_code == 303  # and signing in again works

    def test_a_new_password_signs_every_other_device_out(self, app):
        phone = Runner(app, "pw@example.org").signup()
        laptop = Runner(app, phone.email)
        laptop.login(remember="y")
        response = phone.post(
            "/settings/password", {"current_password": PASSWORD, "new_password": "a brand new one"}
        )
        assert response.status_code == 303
        assert phone.client.get("/log").status_code == 200
        assert laptop.client.get("/log").status_code == 303
        assert _sign_ins(app, phone.user_id) == 1  # this device's new one


def test_sign_in_does_the_same_hash_work_for_known_and_unknown_accounts(app, monkeypatch):
    Runner(app, "known@example.org").signup()
    checks: list[str] = []
    real_check = passwords.check_password_hash

    def counting_check(stored_hash, password):
        checks.append(stored_hash.split("$", 1)[0])
        return real_check(stored_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting_check)
    work = {}
    for email in ("known@example.org", "nobody@example.org"):
        for password in ("x" * 300, "wrong password"):
            checks.clear()
            assert Runner(app, email).login(password=password).status_code == 422
            work[email, len(password)] = list(checks)
    # One scrypt check with the configured parameters each time, whatever the account or the length.
    assert all(len(done) == 1 for done in work.values()), work
    assert len({tuple(done) for done in work.values()}) == 1, work


class TestGuessingLimits:
    @pytest.fixture
    def app(self, tmp_path, open_meteo, met_no, nominatim):
        return make_logbook_app(
            tmp_path,
            open_meteo,
            met_no,
            nominatim,
            BACKRUN_SIGNUP_RATELIMIT="3/minute",
            BACKRUN_PASSWORD_CHECK_RATELIMIT="3/minute",
        )

    def test_sign_ups_are_limited_per_address(self, app):
        statuses = []
        for _ in range(6):  # one address probing whether an email has an account
            client = app.test_client()
            token = csrf_from(client.get("/signup").get_data(as_text=True))
            response = client.post(
                "/signup", data={"csrf_token": token, "email": "taken@example.org", "password": PASSWORD}
            )
            statuses.append(response.status_code)
        assert statuses[:3] == [303, 422, 422] and statuses[3:] == [429, 429, 429], statuses

    @pytest.mark.parametrize(
        ("route", "field"),
        [("/settings/password", "current_password"), ("/settings/delete", "delete_password")],
    )
    def test_wrong_current_passwords_are_limited_per_account(self, app, route, field):
        runner = Runner(app, "guessed@example.org").signup()
        statuses = [
            runner.post(route, {field: f"guess number {n}", "new_password": "another password"}).status_code
            for n in range(5)
        ]
        assert statuses == [422, 422, 422, 429, 429], statuses
        # From another address (a copied cookie used elsewhere) the account's count still holds.
        other = runner.post(
            route,
            {field: "guess from elsewhere", "new_password": "another password"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
        assert other.status_code == 429
        with app.app_context():
            assert db.session.get(User, runner.user_id) is not None


def test_a_deleted_accounts_id_is_never_given_again(app):
    first = Runner(app, "first@example.org").signup()
    second = Runner(app, "second@example.org").signup()
    assert second.post("/settings/delete", {"delete_password": PASSWORD}).status_code == 200
    third = Runner(app, "third@example.org").signup()
    assert third.user_id > second.user_id > first.user_id


def test_sign_ins_older_than_any_cookie_are_cleared_at_the_next_sign_in(app):
    from datetime import timedelta

    from backrun.accounts.columns import utc_now

    runner = Runner(app, "old@example.org").signup()
    with app.app_context():
        db.session.add(
            SignIn(user_id=runner.user_id, key_hash="0" * 64, created_at=utc_now() - timedelta(days=400))
        )
        db.session.commit()
    assert _sign_ins(app, runner.user_id) == 2
    Runner(app, runner.email).login()
    assert _sign_ins(app, runner.user_id) == 2  # the old one gone, the new one there
