"""Issue 13, item 6: JSON bodies nested absurdly deep or carrying lone surrogates are a clear 400
on every route, signed in or not, and change nothing."""

from __future__ import annotations

import pytest

DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
ROUTES = ["/healthz", "/api/v1/sessions", "/api/v1/auth/token", "/login", "/api/v1/advice", "/no-such-page"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deep_nesting_is_a_400_everywhere(client, route, body):
    response = client.post(route, data=body, content_type="application/json")
    assert response.status_code == 400, response.data[:300]
    if response.is_json:  # pages for people (the sign-in form) refuse it too, here for its missing CSRF token
        assert "nested more than 32 levels" in response.get_json()["detail"]


@pytest.mark.parametrize("route", ["/api/v1/sessions", "/api/v1/auth/token", "/healthz"])
def test_a_lone_surrogate_is_a_400(client, route):
    body = b'{"email": "runner\\ud800@example.org", "password": "x\\udfffyyyyyyy", "name": "phone"}'
    response = client.post(route, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"
    assert "surrogate" in response.get_json()["detail"]


def test_a_surrogate_pair_is_ordinary_text(client):
    # "\ud83c\udfc3" is one character (a runner emoji): JSON's way to write it, not an error.
    body = b'{"email": "nobody@example.org", "password": "\\ud83c\\udfc3\\ud83c\\udfc3\\ud83c\\udfc3\\ud83c\\udfc3", "name": "x"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 401


def test_a_body_of_ordinary_depth_still_reaches_the_view(client):
    nested = (
        b'{"email": "nobody@example.org", "password": "long enough", "name": "x", "extra": '
        + b"[" * 20
        + b"]" * 20
        + b"}"
    )
    response = client.post("/api/v1/auth/token", data=nested, content_type="application/json")
    assert response.status_code == 422  # the schema's answer: an unknown field
