"""Bad input by hand, beside the generated kind (test_api_fuzz.py): oversized bodies are a 413,
malformed JSON a 400, NUL characters (which PostgreSQL can't store) a 400 before any view runs."""

from __future__ import annotations

import pytest

from tests.support.runners import FAST_HASH, Runner, make_logbook_app, session_count, session_payload


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)


@pytest.fixture
def runner(app):
    return Runner(app, "bad-input@example.org").signup()


@pytest.fixture
def token(runner):
    return runner.token()


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["error"], str) and body["detail"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/auth/token"])
def test_an_oversized_body_is_a_413_in_json(app, token, path):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"notes": "' + "x" * limit + '"}'
    response = app.test_client().post(
        path, data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    _json_error(response, 413)


def test_an_oversized_form_is_a_413_page(app, runner):
    response = runner.post("/log/new", data={"notes": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("body", ['{"id": ', "not json at all", "{'single': 'quotes'}", "[1, 2,]", "\x00"])
@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/auth/token"])
def test_malformed_json_is_a_400(app, token, body, path):
    response = app.test_client().post(
        path, data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    _json_error(response, 400)


def test_a_body_that_isnt_json_is_a_415(app, token):
    response = app.test_client().post(
        "/api/v1/sessions",
        data="id=1",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {token}"},
    )
    _json_error(response, 415)


def test_nul_in_json_text_is_a_400_and_stores_nothing(app, runner, token):
    response = app.test_client().post(
        "/api/v1/sessions",
        json=session_payload(notes="felt\x00good"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert _json_error(response, 400)["error"] == "invalid_input"
    response = app.test_client().post(
        "/api/v1/auth/token", json={"email": "a\x00@example.org", "password": "x"}
    )
    _json_error(response, 400)
    assert session_count(app, runner.user_id) == 0


def test_nul_in_a_query_or_a_form_is_a_400(app, runner):
    _json_error(app.test_client().get("/api/v1/venues?lat=47.1&lon=9.5&indoor=1%00"), 400)
    response = runner.post("/log/new", data={"notes": "felt\x00good"})
    assert response.status_code == 400
    assert session_count(app, runner.user_id) == 0


def test_a_csv_import_with_nul_is_refused_per_row(app, runner):
    from marshmallow import ValidationError

    from backrun.logbook.schemas import load_run

    with pytest.raises(ValidationError, match="NUL"):
        load_run(session_payload(notes="felt\x00good"))
