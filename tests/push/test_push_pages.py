"""The push parts of the pages: the offers under a verdict, the Settings section, and the
service worker's renewal call (pushsubscriptionchange)."""

from __future__ import annotations

from tests.support.push import counts, subscribe


def test_settings_lists_changes_and_removes_subscriptions(app, runner_a, token_a, runner_b, push):
    sub = subscribe(runner_a, token_a, push.new_subscription(), name="Rheinpark", briefing_at="07:00")
    page = runner_a.client.get("/settings").get_data(as_text=True)
    assert 'id="push-heading"' in page and "Rheinpark" in page and 'value="07:00"' in page

    saved = runner_a.post(
        f"/settings/push/{sub['id']}",
        {"place_name": "Stadium", "briefing_at": "06:30", "minutes": "45", "safe_window_alerts": "on"},
    )
    assert saved.status_code == 303
    [listed] = runner_a.api("GET", "/api/v1/push/subscriptions", token_a).json["subscriptions"]
    assert (
        listed["place"]["name"],
        listed["briefing_at"],
        listed["minutes"],
        listed["safe_window_alerts"],
    ) == ("Stadium", "06:30", 45, True)

    bad = runner_a.post(
        f"/settings/push/{sub['id']}",
        {"place_name": "Stadium", "briefing_at": "25:00", "minutes": "45"},
        follow_redirects=True,
    )
    assert "must be a time of day" in bad.get_data(as_text=True)
    [unchanged] = runner_a.api("GET", "/api/v1/push/subscriptions", token_a).json["subscriptions"]
    assert unchanged["briefing_at"] == "06:30"

    assert runner_b.post(f"/settings/push/{sub['id']}/delete").status_code == 404  # not B's
    assert counts(app) == (1, 0)
    assert runner_a.post(f"/settings/push/{sub['id']}/delete").status_code == 303
    assert counts(app) == (0, 0)
    assert "No notifications yet" in runner_a.client.get("/settings").get_data(as_text=True)


def test_settings_forms_need_the_csrf_token(app, runner_a, token_a, push):
    sub = subscribe(runner_a, token_a, push.new_subscription())
    assert runner_a.client.post(f"/settings/push/{sub['id']}/delete").status_code == 400
    assert counts(app) == (1, 0)


def test_the_offers_show_for_signed_in_runners_and_safe_only_when_not_go(
    app, runner_a, push, timed_open_meteo
):
    from tests.support.apps import daylit_location
    from tests.support.push import Clock, use_clock

    use_clock(app, Clock())  # these pages are about now
    timed_open_meteo.clock.set(Clock().now)
    lat, lon = daylit_location()
    page = runner_a.client.get(f"/advice?lat={lat}&lon={lon}").get_data(as_text=True)
    assert 'id="push-briefing"' in page and 'id="push-safe-window"' not in page
    timed_open_meteo.set_weather(
        hours={
            -1: {"precipitation": 3.0, "weather_code": 63},
            0: {"precipitation": 3.0, "weather_code": 63},
            1: {"precipitation": 3.0, "weather_code": 63},
        }
    )
    rainy = runner_a.client.get(f"/advice?lat={lat}&lon={lon + 0.5}").get_data(as_text=True)
    assert 'id="push-safe-window"' in rainy
    signed_out = app.test_client().get(f"/advice?lat={lat}&lon={lon}").get_data(as_text=True)
    assert "push-offer" not in signed_out


def test_renew_moves_the_row_to_the_new_subscription_with_the_old_secret(app, runner_a, token_a, push):
    old, new = push.new_subscription(), push.new_subscription()
    sub = subscribe(runner_a, token_a, old, briefing_at="06:45")
    client = app.test_client()
    wrong = {
        "old": {**old.to_json(), "keys": {**old.to_json()["keys"], "auth": new.to_json()["keys"]["auth"]}},
        "subscription": new.to_json(),
    }
    assert client.post("/api/v1/push/subscriptions/renew", json=wrong).status_code == 404
    foreign = {"old": old.to_json(), "subscription": {**new.to_json(), "endpoint": "https://evil.example/x"}}
    assert client.post("/api/v1/push/subscriptions/renew", json=foreign).status_code == 400
    response = client.post(
        "/api/v1/push/subscriptions/renew", json={"old": old.to_json(), "subscription": new.to_json()}
    )
    assert response.status_code == 200
    assert response.json["id"] == sub["id"] and response.json["endpoint"] == new.endpoint
    assert response.json["briefing_at"] == "06:45"
    assert counts(app) == (1, 0)


def test_the_worker_imports_the_push_handlers(app):
    source = app.test_client().get("/sw.js").get_data(as_text=True)
    assert 'import "/static/js/push-sw.js";' in source
    handlers = app.test_client().get("/static/js/push-sw.js").get_data(as_text=True)
    for event in ("push", "notificationclick", "pushsubscriptionchange"):
        assert f'addEventListener("{event}"' in handlers
