"""The runner profile for signed-in runners: a beginner by default during the plan ("week 1"),
the settings form, post-run kit feedback moving the kit offset, and the page's own rules
(account settings signed in, the phone's query parameters signed out)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backrun.accounts.models import User
from backrun.advice.kit import FEEDBACK_STEP_C, WARMTH_OFFSET_C
from backrun.extensions import db
from tests.support.apps import daylit_location
from tests.support.runners import HTMX

GUSTS = {offset: {"wind_gusts_10m": 48.0, "wind_speed_10m": 28.0} for offset in range(-1, 3)}


@pytest.fixture
def here():
    return daylit_location()


def advice(runner, token, here, **params):
    response = runner.api(
        "GET", "/api/v1/advice", token, query_string={"lat": here[0], "lon": here[1], **params}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_a_new_runner_is_a_beginner_in_week_one_and_it_says_so(runner_a, token_a, open_meteo, here):
    open_meteo.set_weather(GUSTS)
    body = advice(runner_a, token_a, here)
    assert body["profile"]["experience"] == "beginner" and body["profile"]["plan_week"] == 1
    assert body["verdict"] == "indoors"
    gusts = next(r for r in body["reasons"] if r["code"] == "strong_gusts")
    assert "because you're in week 1 of the beginner plan" in gusts["message"]
    # A parameter wins over the account, as for any API client; anonymous callers get the default.
    assert advice(runner_a, token_a, here, experience="regular")["verdict"] == "caution"
    anonymous = (
        runner_a.app.test_client().get("/api/v1/advice", query_string={"lat": here[0], "lon": here[1]}).json
    )
    assert anonymous["verdict"] == "caution" and anonymous["profile"]["experience"] == "regular"


def test_settings_save_the_profile_and_the_advice_follows(runner_a, token_a, air_quality, here):
    page = runner_a.client.get("/settings").get_data(as_text=True)
    assert 'id="profile-heading"' in page
    response = runner_a.post(
        "/settings/profile",
        {"experience": "experienced", "sensitivity": ["respiratory", "heat"], "runs": "cold"},
    )
    assert response.status_code == 303
    with runner_a.app.app_context():
        user = db.session.get(User, runner_a.user_id)
        assert (user.experience, user.sensitivities, user.warmth) == (
            "experienced",
            "respiratory,heat",
            "cold",
        )
    air_quality.set_air(base={"us_aqi": 120})
    body = advice(runner_a, token_a, here)
    assert body["profile"] == {
        "experience": "experienced",
        "sensitivity": ["heat", "respiratory"],
        "plan_week": None,
        "runs": "cold",
    }
    assert body["verdict"] == "indoors" and body["reasons"][0]["code"] == "air_quality", body["reasons"]
    assert body["kit"]["offset_c"] == WARMTH_OFFSET_C["cold"]
    # Back to automatic: a beginner again while the plan runs.
    runner_a.post("/settings/profile", {"experience": "auto", "runs": "normal"})
    assert advice(runner_a, token_a, here)["profile"]["experience"] == "beginner"


@pytest.mark.parametrize(
    "data",
    [
        {"experience": "expert", "runs": "normal"},
        {"experience": "auto", "runs": "normal", "sensitivity": ["dust"]},
        {"experience": "auto", "runs": "boiling"},
        {"experience": "auto", "runs": "normal", "sensitivity": ["heat", "heat"]},
    ],
)
def test_bad_profile_settings_change_nothing(runner_a, data):
    response = runner_a.post("/settings/profile", data)
    assert response.status_code == 422
    with runner_a.app.app_context():
        user = db.session.get(User, runner_a.user_id)
        assert (user.experience, user.sensitivities, user.warmth) == (None, "", "normal")


def test_post_run_feedback_moves_the_kit_offset(runner_a, token_a, here):
    start = datetime.now(UTC) - timedelta(days=3)
    for i, answer in enumerate(["too_cold", "too_cold", "right"]):
        runner_a.log(
            token_a,
            started_at=(start + timedelta(hours=i)).isoformat(timespec="seconds"),
            kit_feedback=answer,
        )
    body = advice(runner_a, token_a, here)
    assert body["kit"]["offset_c"] == -2 * FEEDBACK_STEP_C
    assert body["kit"]["dress_for_c"] == pytest.approx(
        body["kit"]["feels_like_c"] - 2 * FEEDBACK_STEP_C, abs=0.11
    )
    bad = runner_a.api(
        "POST",
        "/api/v1/sessions",
        token_a,
        json={
            "id": "5b0f4a4e-9d8a-4c0e-9f57-0a4f3e6d2b11",
            "started_at": start.isoformat(timespec="seconds"),
            "duration_s": 600,
            "setting": "outdoor",
            "kit_feedback": "sweaty",
        },
    )
    assert bad.status_code == 422 and "kit_feedback" in bad.json["fields"]


def test_the_log_form_keeps_the_kit_feedback(runner_a, token_a):
    stored = runner_a.log(token_a, kit_feedback="too_warm")
    page = runner_a.client.get(f"/log/{stored['id']}/edit").get_data(as_text=True)
    assert 'name="kit_feedback" value="too_warm" checked' in page


def test_the_page_uses_the_account_signed_in_and_the_phone_signed_out(app, runner_a, air_quality, here):
    air_quality.set_air(base={"us_aqi": 120})
    query = {"lat": here[0], "lon": here[1], "sensitivity": "respiratory"}
    signed_out = app.test_client().get("/advice", query_string=query, headers=HTMX)
    html = signed_out.get_data(as_text=True)
    assert signed_out.status_code == 200 and 'data-verdict="indoors"' in html
    assert 'data-kit="gloves"' in html and 'data-air-known="true"' in html
    # Signed in, the account (no sensitivity yet) decides, not what a phone might send along.
    signed_in = runner_a.client.get("/advice", query_string=query, headers=HTMX).get_data(as_text=True)
    assert 'class="verdict-card verdict-caution"' in signed_in and "week 1 of the plan" in signed_in
    bad = app.test_client().get("/advice", query_string={**query, "experience": "expert"}, headers=HTMX)
    assert bad.status_code == 400
