"""The push API: the VAPID key, subscribing (idempotent on the endpoint), listing, removing, and
bad input answered 400 with nothing stored."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.fakes.push_service import b64url
from tests.support.push import counts, subscribe, subscription_body


def test_the_key_is_a_p256_point_kept_in_the_instance_folder(app, tmp_path):
    response = app.test_client().get("/api/v1/push/key")
    assert response.status_code == 200
    raw = base64.urlsafe_b64decode(response.json["public_key"] + "==")
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)  # raises unless a P-256 point
    assert len(raw) == 65 and raw[0] == 4
    assert (tmp_path / "instance" / "vapid_private_key.pem").exists()

    from backrun import create_app

    again = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    assert again.test_client().get("/api/v1/push/key").json == response.json


def test_a_key_from_the_environment_wins(monkeypatch, tmp_path):
    from backrun import config

    key = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    monkeypatch.setenv("BACKRUN_VAPID_PRIVATE_KEY", raw)
    assert config.from_environment(str(tmp_path))["BACKRUN_VAPID_PRIVATE_KEY"] == raw
    assert not (tmp_path / "vapid_private_key.pem").exists()

    from backrun.push.keys import load_vapid

    public = key.public_key().public_numbers()
    assert load_vapid(raw).public_key.public_numbers() == public


def test_subscribe_then_the_same_endpoint_again_updates_one_row(app, runner_a, token_a, push):
    browser = push.new_subscription()
    first = subscribe(runner_a, token_a, browser, briefing_at="07:00")
    assert first["briefing_at"] == "07:00" and first["place"]["name"] == "Track"
    again = runner_a.api(
        "POST",
        "/api/v1/push/subscriptions",
        token_a,
        json=subscription_body(browser, briefing_at="06:15", name="Park", safe_window_alerts=True),
    )
    assert again.status_code == 200
    assert again.json["id"] == first["id"]
    assert (again.json["briefing_at"], again.json["place"]["name"], again.json["safe_window_alerts"]) == (
        "06:15",
        "Park",
        True,
    )
    assert counts(app) == (1, 0)
    listed = runner_a.api("GET", "/api/v1/push/subscriptions", token_a).json["subscriptions"]
    assert [s["id"] for s in listed] == [first["id"]]


def test_runners_see_and_remove_only_their_own(app, runner_a, token_a, runner_b, token_b, push):
    mine = subscribe(runner_a, token_a, push.new_subscription())
    assert runner_b.api("GET", "/api/v1/push/subscriptions", token_b).json == {"subscriptions": []}
    assert runner_b.api("DELETE", f"/api/v1/push/subscriptions/{mine['id']}", token_b).status_code == 404
    assert counts(app) == (1, 0)
    assert runner_a.api("DELETE", f"/api/v1/push/subscriptions/{mine['id']}", token_a).status_code == 204
    assert counts(app) == (0, 0)
    assert runner_a.api("DELETE", f"/api/v1/push/subscriptions/{mine['id']}", token_a).status_code == 404


def test_signed_in_by_cookie_needs_the_csrf_header(app, runner_a, push):
    body = subscription_body(push.new_subscription())
    assert runner_a.client.post("/api/v1/push/subscriptions", json=body).status_code == 403
    assert counts(app) == (0, 0)
    response = runner_a.client.post(
        "/api/v1/push/subscriptions", json=body, headers={"X-CSRFToken": runner_a.csrf}
    )
    assert response.status_code == 201
    assert (
        runner_a.client.get("/api/v1/push/subscriptions").json["subscriptions"][0]["id"]
        == response.json["id"]
    )


def test_signed_out_is_401(app, push):
    response = app.test_client().post(
        "/api/v1/push/subscriptions", json=subscription_body(push.new_subscription())
    )
    assert response.status_code == 401
    assert counts(app) == (0, 0)


def _not_on_the_curve() -> str:
    return b64url(b"\x04" + b"\x01" * 64)


BAD = [
    (
        "foreign endpoint",
        lambda b: {"subscription": {**b["subscription"], "endpoint": "https://evil.example/push/1"}},
        "endpoint",
    ),
    (
        "plain http push service",
        lambda b: {"subscription": {**b["subscription"], "endpoint": "http://fcm.googleapis.com/fcm/send/x"}},
        "endpoint",
    ),
    (
        "look-alike host",
        lambda b: {
            "subscription": {**b["subscription"], "endpoint": "https://fcm.googleapis.com.evil.example/x"}
        },
        "endpoint",
    ),
    (
        "user info",
        lambda b: {
            "subscription": {**b["subscription"], "endpoint": "https://fcm.googleapis.com@evil.example/x"}
        },
        "endpoint",
    ),
    (
        "internal address",
        lambda b: {"subscription": {**b["subscription"], "endpoint": "http://169.254.169.254/latest"}},
        "endpoint",
    ),
    (
        "not a URL",
        lambda b: {"subscription": {**b["subscription"], "endpoint": "javascript:alert(1)"}},
        "endpoint",
    ),
    (
        "p256dh not base64url",
        lambda b: {
            "subscription": {
                **b["subscription"],
                "keys": {**b["subscription"]["keys"], "p256dh": "not base64!"},
            }
        },
        "p256dh",
    ),
    (
        "p256dh too short",
        lambda b: {
            "subscription": {
                **b["subscription"],
                "keys": {**b["subscription"]["keys"], "p256dh": b64url(b"\x04" + b"\x01" * 31)},
            }
        },
        "p256dh",
    ),
    (
        "p256dh off the curve",
        lambda b: {
            "subscription": {
                **b["subscription"],
                "keys": {**b["subscription"]["keys"], "p256dh": _not_on_the_curve()},
            }
        },
        "p256dh",
    ),
    (
        "auth wrong length",
        lambda b: {
            "subscription": {
                **b["subscription"],
                "keys": {**b["subscription"]["keys"], "auth": b64url(b"x" * 8)},
            }
        },
        "auth",
    ),
    ("keys missing", lambda b: {"subscription": {"endpoint": b["subscription"]["endpoint"]}}, "keys"),
    ("unknown time zone", lambda b: {"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ("time zone path trick", lambda b: {"timezone": "../../etc/passwd"}, "timezone"),
    ("hour 24", lambda b: {"briefing_at": "24:00"}, "briefing_at"),
    ("minute 60", lambda b: {"briefing_at": "07:60"}, "briefing_at"),
    ("no leading zero", lambda b: {"briefing_at": "7:00"}, "briefing_at"),
    ("seconds", lambda b: {"briefing_at": "07:00:00"}, "briefing_at"),
    ("nothing to send", lambda b: {"briefing_at": None, "safe_window_alerts": False}, "briefing_at"),
    ("run too long", lambda b: {"minutes": 241}, "minutes"),
    ("run length not a number", lambda b: {"minutes": "30"}, "minutes"),
    (
        "expiration not a number",
        lambda b: {"subscription": {**b["subscription"], "expirationTime": "soon"}},
        "expirationTime",
    ),
    ("latitude out of range", lambda b: {"place": {"lat": 91, "lon": 0, "name": "x"}}, "place"),
    ("blank place name", lambda b: {"place": {"lat": 1, "lon": 0, "name": "   "}}, "place"),
    ("unknown field", lambda b: {"surprise": 1}, "surprise"),
]


@pytest.mark.parametrize(("change", "field"), [(c, f) for _, c, f in BAD], ids=[name for name, _, _ in BAD])
def test_bad_input_is_a_400_and_stores_nothing(app, runner_a, token_a, push, change, field):
    body = subscription_body(push.new_subscription())
    body.update(change(body))
    response = runner_a.api("POST", "/api/v1/push/subscriptions", token_a, json=body)
    assert response.status_code == 400, response.json
    assert response.json["error"] == "invalid_subscription"
    assert field in repr(response.json["fields"])
    assert counts(app) == (0, 0)


def test_not_json_is_refused(app, runner_a, token_a):
    response = runner_a.api(
        "POST", "/api/v1/push/subscriptions", token_a, data="x", content_type="text/plain"
    )
    assert response.status_code == 415
    assert counts(app) == (0, 0)


def test_the_push_endpoints_are_in_the_openapi_document(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert {
        "/api/v1/push/key",
        "/api/v1/push/subscriptions",
        "/api/v1/push/subscriptions/{subscription_id}",
    } <= set(spec["paths"])
    post = spec["paths"]["/api/v1/push/subscriptions"]["post"]
    assert {"200", "201", "400", "401", "403"} <= set(post["responses"])


def test_deleting_the_account_removes_its_subscriptions(app, runner_a, token_a, push):
    subscribe(runner_a, token_a, push.new_subscription())
    from backrun.accounts import service as accounts
    from backrun.accounts.models import User
    from backrun.extensions import db

    with app.app_context():
        accounts.delete_account(db.session.get(User, runner_a.user_id))
    assert counts(app) == (0, 0)


def test_the_same_browser_signed_in_as_another_runner_moves_its_subscription(
    app, runner_a, token_a, runner_b, token_b, push
):
    browser = push.new_subscription()
    first = subscribe(runner_a, token_a, browser)
    moved = runner_b.api("POST", "/api/v1/push/subscriptions", token_b, json=subscription_body(browser))
    assert moved.status_code == 200 and moved.json["id"] == first["id"]
    assert runner_a.api("GET", "/api/v1/push/subscriptions", token_a).json == {"subscriptions": []}
    # Someone else's endpoint with other keys is refused, and changes nothing.
    other_keys = push.new_subscription().to_json()["keys"]
    body = subscription_body(browser)
    body["subscription"]["keys"] = other_keys
    assert runner_a.api("POST", "/api/v1/push/subscriptions", token_a, json=body).status_code == 409
    [kept] = runner_b.api("GET", "/api/v1/push/subscriptions", token_b).json["subscriptions"]
    assert kept["id"] == first["id"]
