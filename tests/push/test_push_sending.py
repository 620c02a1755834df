"""send-due: briefings at the runner's local time, safe-window alerts, and what push services answer.

Every message goes to the loopback push service, which verifies the VAPID JWT and decrypts the
payload with the subscription's own private key (tests/support/fakes/push_service.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backrun.extensions import db
from backrun.push import claims
from backrun.push.models import PushDelivery
from tests.support.push import at, counts, send_due, subscribe

# A place where the sun is high at 05:00 UTC (07:00 in Vaduz in summer): "go" needs daylight.
SUNNY_AT_5Z = {"lat": 5.0, "lon": 105.0}
SUMMER_7_VADUZ = at("2026-06-15T07:00:00+02:00")
RAIN = {"precipitation": 3.0, "rain": 3.0, "weather_code": 63, "precipitation_probability": 95}


def test_a_briefing_goes_once_at_its_local_time(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    sub = subscribe(
        runner_a,
        token_a,
        browser,
        briefing_at="07:00",
        timezone="Europe/Vaduz",
        minutes=45,
        name="Rheinpark",
        **SUNNY_AT_5Z,
    )
    assert send_due(app, SUMMER_7_VADUZ - timedelta(minutes=1), clock).sent == []
    report = send_due(app, SUMMER_7_VADUZ, clock)
    assert len(report.sent) == 1 and push.problems == []
    [message] = push.messages_for(browser)
    payload = message.payload
    assert payload["kind"] == "briefing"
    assert payload["verdict"] == "go"
    assert payload["title"].startswith("✓ Go") and "Rheinpark" in payload["title"]
    assert "12 °C" in payload["body"] and "dry" in payload["body"]
    assert payload["url"] == "/advice?lat=5.0000&lon=105.0000&minutes=45"
    assert payload["tag"] == f"backrun-place-{sub['id']}"
    assert payload["window"]["start"] == SUMMER_7_VADUZ.isoformat()
    # RFC 8030 headers: how long to keep it, how urgent, and a topic so a newer briefing replaces it.
    assert int(message.headers["ttl"]) > 0 and message.headers["urgency"] == "normal"
    assert message.headers["topic"] == f"briefing-{sub['id']}"
    assert message.claims["sub"] == "mailto:tests@backrun.invalid"
    with app.app_context():
        from backrun.push.keys import application_server_key

        assert message.vapid_key == application_server_key()
    # Later runs the same day (within the grace period and after) send nothing more.
    for minutes in (0, 1, 15, 29, 30, 120):
        assert send_due(app, SUMMER_7_VADUZ + timedelta(minutes=minutes), clock).sent == []
    assert len(push.messages_for(browser)) == 1
    # And the next day's briefing goes again.
    assert len(send_due(app, SUMMER_7_VADUZ + timedelta(days=1), clock).sent) == 1


def test_a_briefing_on_a_bad_morning_names_the_reason_and_the_next_safe_window(
    app, runner_a, token_a, push, clock, timed_open_meteo
):
    browser = push.new_subscription()
    subscribe(runner_a, token_a, browser, briefing_at="07:00", timezone="Europe/Vaduz", **SUNNY_AT_5Z)
    # Wet now; then warm, dry, sunny and breezy, so the ground dries within hours (the ground model
    # dries by evaporation: under a mild, humid sky a soaked track stays wet into the evening).
    drying = {
        "temperature_2m": 22.0,
        "dew_point_2m": 8.0,
        "relative_humidity_2m": 41,
        "apparent_temperature": 21.0,
        "shortwave_radiation": 700.0,
        "wind_speed_10m": 15.0,
        "wind_gusts_10m": 25.0,
    }
    timed_open_meteo.set_weather(hours={0: RAIN, 1: RAIN}, base=drying)
    send_due(app, SUMMER_7_VADUZ, clock)
    [message] = push.messages_for(browser)
    payload = message.payload
    assert payload["verdict"] in ("indoors", "caution")
    assert payload["reason"]
    assert "Next safe window: " in payload["body"]
    assert payload["next_safe_window"] is not None


def test_briefings_across_time_zones_and_a_dst_day(app, runner_a, token_a, push, clock):
    """Each runner's 07:00 is a different instant; on 8 March 2026 New York moves to EDT (UTC-4)
    and a 02:30 briefing in Vaduz on 29 March (a time that doesn't exist) comes at 03:30 CEST."""
    cases = {
        "America/New_York": ("07:00", at("2026-03-08T11:00:00Z")),  # EDT already: 11:00Z, not 12:00Z
        "Asia/Kolkata": ("07:00", at("2026-03-08T01:30:00Z")),  # UTC+5:30
        "Pacific/Auckland": ("07:00", at("2026-03-07T18:00:00Z")),  # NZDT, UTC+13
        "Europe/Vaduz": ("02:30", at("2026-03-29T01:30:00Z")),  # spring forward: 02:30 is skipped
    }
    browsers = {}
    for zone, (local, _) in cases.items():
        browsers[zone] = push.new_subscription()
        subscribe(runner_a, token_a, browsers[zone], briefing_at=local, timezone=zone, lat=47.1, lon=9.5)
    sent_at = {}
    moment = at("2026-03-07T12:00:00Z")
    while moment <= at("2026-03-29T12:00:00Z"):
        before = {zone: len(push.messages_for(b)) for zone, b in browsers.items()}
        send_due(app, moment, clock)
        for zone, browser in browsers.items():
            if len(push.messages_for(browser)) > before[zone]:
                sent_at.setdefault(zone, []).append(moment)
        # Every 15 minutes around the expected instants, hourly otherwise (cheaper, same answer).
        near = any(abs((moment - when).total_seconds()) <= 3600 for _, when in cases.values())
        moment += timedelta(minutes=15) if near else timedelta(hours=1)
    assert push.problems == []
    for zone, (_, expected) in cases.items():
        assert expected in sent_at[zone], (zone, sent_at.get(zone))
    # One a day: New York's 8 March briefing went at 11:00Z and not again at 12:00Z.
    ny = [m for m in sent_at["America/New_York"] if m.date() == expected_date("2026-03-08")]
    assert ny == [at("2026-03-08T11:00:00Z")]


def expected_date(text):
    from datetime import date

    return date.fromisoformat(text)


def _alerts(browser, push):
    return [m for m in push.messages_for(browser) if m.payload["kind"] == "safe_window"]


def test_safe_window_alert_after_rain_once_a_day_and_never_in_quiet_hours(
    app, runner_a, token_a, push, clock, timed_open_meteo
):
    # Solar noon at 10:00 UTC (lon 30); Africa/Nairobi is UTC+3, so 13:00 local.
    browser = push.new_subscription()
    subscribe(
        runner_a,
        token_a,
        browser,
        briefing_at=None,
        safe_window_alerts=True,
        timezone="Africa/Nairobi",
        lat=-1.3,
        lon=30.0,
    )
    noon = at("2026-06-15T10:00:00Z")
    timed_open_meteo.set_weather(hours={-1: RAIN, 0: RAIN, 1: RAIN})
    assert send_due(app, noon, clock).sent == []  # indoors/caution: remembered, nothing sent
    timed_open_meteo.set_weather()  # dry again
    report = send_due(app, noon + timedelta(minutes=15), clock)
    assert len(report.sent) == 1 and push.problems == []
    [alert] = _alerts(browser, push)
    assert alert.payload["verdict"] == "go" and alert.payload["title"].startswith("✓ It's safe now")
    assert alert.headers["urgency"] == "high"
    # Rain and dry again the same day: no second alert.
    timed_open_meteo.set_weather(hours={-1: RAIN, 0: RAIN, 1: RAIN})
    send_due(app, noon + timedelta(minutes=30), clock)
    timed_open_meteo.set_weather()
    report = send_due(app, noon + timedelta(minutes=45), clock)
    assert report.sent == [] and len(_alerts(browser, push)) == 1

    # Quiet hours (21:00-07:00 local): rain at 20:30, dry at 21:30 -> nothing until 07:00.
    evening = at("2026-06-15T17:30:00Z")  # 20:30 in Nairobi
    timed_open_meteo.set_weather(hours={-1: RAIN, 0: RAIN, 1: RAIN})
    send_due(app, evening, clock)
    timed_open_meteo.set_weather()
    for hours in (1, 3, 6, 9):  # 21:30 ... 05:30 local
        assert send_due(app, evening + timedelta(hours=hours), clock).sent == []
    assert len(_alerts(browser, push)) == 1
    # 07:00 local the next day (04:00 UTC), the end of quiet hours: still dry, so now it is told.
    send_due(app, at("2026-06-16T03:59:00Z"), clock)
    assert len(_alerts(browser, push)) == 1
    send_due(app, at("2026-06-16T04:00:00Z"), clock)
    alerts = _alerts(browser, push)
    assert len(alerts) == 2 and alerts[1].payload["window"]["start"] == "2026-06-16T04:00:00+00:00"


def test_no_alert_on_unknown_data(app, runner_a, token_a, push, clock, timed_open_meteo, met_no):
    browser = push.new_subscription()
    subscribe(
        runner_a,
        token_a,
        browser,
        briefing_at=None,
        safe_window_alerts=True,
        timezone="Africa/Nairobi",
        lat=-1.3,
        lon=30.0,
    )
    noon = at("2026-06-15T10:00:00Z")
    timed_open_meteo.set_weather(hours={-1: RAIN, 0: RAIN, 1: RAIN})
    send_due(app, noon, clock)
    timed_open_meteo.fail_with(500)
    met_no.fail_with(500)
    report = send_due(app, noon + timedelta(minutes=20), clock)  # a new cache period: both providers fail
    assert report.sent == [] and _alerts(browser, push) == []


def test_quiet_hours_are_configurable(tmp_path, timed_open_meteo, clock, met_no, nominatim, push):
    from tests.push.conftest import push_app
    from tests.support.push import use_clock
    from tests.support.runners import Runner

    app = push_app(
        tmp_path, timed_open_meteo, met_no, nominatim, push, BACKRUN_PUSH_QUIET_HOURS="09:00-17:00"
    )
    use_clock(app, clock)
    runner = Runner(app, "carol@example.org").signup()
    browser = push.new_subscription()
    subscribe(
        runner,
        runner.token(),
        browser,
        briefing_at=None,
        safe_window_alerts=True,
        timezone="Africa/Nairobi",
        lat=-1.3,
        lon=30.0,
    )
    noon = at("2026-06-15T10:00:00Z")  # 13:00 in Nairobi: quiet now
    timed_open_meteo.set_weather(hours={-1: RAIN, 0: RAIN, 1: RAIN})
    send_due(app, noon - timedelta(hours=5), clock)  # 08:00 local: not quiet, rain seen
    timed_open_meteo.set_weather()
    assert send_due(app, noon, clock).sent == []
    assert len(send_due(app, at("2026-06-15T14:00:00Z"), clock).sent) == 1  # 17:00 local


def test_410_removes_the_subscription(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    subscribe(runner_a, token_a, browser, **SUNNY_AT_5Z)
    push.answer(410, path=browser.path)
    report = send_due(app, SUMMER_7_VADUZ, clock)
    assert len(report.removed) == 1 and report.sent == []
    assert counts(app) == (0, 0)
    assert runner_a.api("GET", "/api/v1/push/subscriptions", token_a).json == {"subscriptions": []}


def test_404_removes_the_subscription_too(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    subscribe(runner_a, token_a, browser, **SUNNY_AT_5Z)
    push.answer(404, path=browser.path)
    send_due(app, SUMMER_7_VADUZ, clock)
    assert counts(app) == (0, 0)


def test_429_is_retried_after_retry_after_and_sent_once(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    subscribe(runner_a, token_a, browser, **SUNNY_AT_5Z)
    push.answer(429, path=browser.path, times=1, retry_after="120")
    report = send_due(app, SUMMER_7_VADUZ, clock)
    assert report.sent == [] and len(report.retried) == 1
    assert send_due(app, SUMMER_7_VADUZ + timedelta(seconds=119), clock).sent == []  # Retry-After honoured
    assert len(send_due(app, SUMMER_7_VADUZ + timedelta(seconds=120), clock).sent) == 1
    assert send_due(app, SUMMER_7_VADUZ + timedelta(minutes=10), clock).sent == []
    assert len(push.messages_for(browser)) == 1 and push.problems == []


def test_5xx_backs_off_and_gives_up_after_the_last_attempt(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    subscribe(runner_a, token_a, browser, **SUNNY_AT_5Z)
    push.answer(503, path=browser.path)
    moment, retried, failed = SUMMER_7_VADUZ, 0, 0
    gaps = []
    for _ in range(60):
        report = send_due(app, moment, clock)
        retried += len(report.retried)
        failed += len(report.failed)
        if failed:
            break
        with app.app_context():
            lease = db.session.scalar(select(PushDelivery.lease_until))
        gaps.append(lease - moment)
        moment = lease
    assert (retried, failed) == (app.config["BACKRUN_PUSH_MAX_ATTEMPTS"] - 1, 1)
    assert gaps == sorted(gaps) and gaps[0] < gaps[-1]  # exponential back-off
    assert send_due(app, moment + timedelta(hours=2), clock).sent == []  # given up: not sent later
    assert push.messages_for(browser) == []


def test_a_hanging_push_service_costs_its_timeout_and_is_retried(app, runner_a, token_a, push, clock):
    slow, fine = push.new_subscription(), push.new_subscription()
    subscribe(runner_a, token_a, slow, **SUNNY_AT_5Z)
    subscribe(runner_a, token_a, fine, **SUNNY_AT_5Z)
    push.answer("hang", path=slow.path, times=1, hang_s=5.0)  # longer than BACKRUN_PUSH_TIMEOUT (1 s)
    report = send_due(app, SUMMER_7_VADUZ, clock)
    assert len(report.sent) == 1 and len(report.retried) == 1
    assert len(push.messages_for(fine)) == 1
    report = send_due(app, SUMMER_7_VADUZ + timedelta(minutes=5), clock)
    assert len(report.sent) == 1


def test_a_claim_left_by_a_dead_sender_is_sent_once_after_its_lease(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    sub = subscribe(runner_a, token_a, browser, **SUNNY_AT_5Z)
    lease = timedelta(seconds=app.config["BACKRUN_PUSH_LEASE_S"])
    with app.app_context():  # what a sender that crashed right after claiming leaves behind
        claim = claims.claim(
            sub["id"],
            "briefing",
            "2026-06-15",
            {"kind": "briefing", "verdict": "go", "title": "t", "body": "b", "url": "/"},
            now=SUMMER_7_VADUZ,
            lease=lease,
        )
        assert claim is not None
    assert send_due(app, SUMMER_7_VADUZ + timedelta(minutes=1), clock).sent == []  # still leased
    report = send_due(app, SUMMER_7_VADUZ + lease, clock)
    assert len(report.sent) == 1
    [message] = push.messages_for(browser)
    assert message.payload["title"] == "t"  # the stored payload, as decided when claimed
    assert send_due(app, SUMMER_7_VADUZ + 2 * lease, clock).sent == []


def test_the_cli_prints_what_it_sent_and_skipped(app, runner_a, token_a, push, clock):
    subscribe(runner_a, token_a, push.new_subscription(), **SUNNY_AT_5Z)
    clock.set(SUMMER_7_VADUZ)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["push", "send-due", "--at", "2026-06-15T07:00:00+02:00"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "sent: briefing #" in result.output and "1 sent, 0 skipped" in result.output
    again = runner.invoke(args=["push", "send-due", "--at", "2026-06-15T07:01:00+02:00"])
    assert "0 sent" in again.output
    bad = runner.invoke(args=["push", "send-due", "--at", "2026-02-30T07:00"])
    assert bad.exit_code == 2 and "not an ISO 8601" in bad.output


def test_an_endpoint_no_longer_allowed_is_never_posted_to(app, runner_a, token_a, push, clock):
    browser = push.new_subscription()
    subscribe(runner_a, token_a, browser, **SUNNY_AT_5Z)
    app.config["BACKRUN_PUSH_ALLOWED_ORIGINS"] = ("https://fcm.googleapis.com",)  # the operator dropped it
    report = send_due(app, SUMMER_7_VADUZ, clock)
    assert report.sent == [] and report.retried == [] and len(report.failed) == 1
    assert push.count() == 0


def test_a_minute_with_nothing_due_fetches_no_weather(app, runner_a, token_a, push, clock, timed_open_meteo):
    subscribe(runner_a, token_a, push.new_subscription(), briefing_at="07:00", **SUNNY_AT_5Z)
    subscribe(
        runner_a,
        token_a,
        push.new_subscription(),
        briefing_at=None,
        safe_window_alerts=True,
        timezone="Africa/Nairobi",
        lat=-1.3,
        lon=30.0,
    )
    timed_open_meteo.reset()
    send_due(
        app, at("2026-06-15T20:00:00Z"), clock
    )  # 22:00 in Vaduz and 23:00 in Nairobi: quiet, no briefing
    assert timed_open_meteo.count() == 0
    send_due(app, SUMMER_7_VADUZ, clock)  # the briefing's cell, and the alert's (12:00 in Nairobi)
    assert timed_open_meteo.count() == 2
