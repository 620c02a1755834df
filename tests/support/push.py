"""Helpers for the push tests: a stopped clock for the weather, subscribing, running send-due."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from backrun.extensions import cache, db
from backrun.platform import coordination
from backrun.platform.http import make_client
from backrun.push.models import PushDelivery, PushSubscription
from backrun.weather import service as weather_service

UTC = UTC


class Clock:
    """Stands still until a test moves it; the weather fake and the app's weather service share it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC).replace(second=0, microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when.astimezone(UTC)
        return self.now


def use_clock(app, clock: Clock) -> None:
    """The app's weather service on the test's clock (the fake upstream serves weather around it too)."""
    old = app.extensions[weather_service.EXTENSION_KEY]
    old.close()
    app.extensions[weather_service.EXTENSION_KEY] = weather_service.WeatherService(
        weather_service.WeatherSettings.from_config(app.config),
        app.extensions["cache"][cache],
        app.extensions[coordination.EXTENSION_KEY],
        make_client(app.config),
        now=clock,
    )


def subscription_body(
    browser,
    *,
    lat=5.0,
    lon=0.0,
    name="Track",
    timezone="Europe/Vaduz",
    briefing_at="07:00",
    minutes=30,
    safe_window_alerts=False,
) -> dict:
    return {
        "subscription": browser.to_json(),
        "place": {"lat": lat, "lon": lon, "name": name},
        "timezone": timezone,
        "briefing_at": briefing_at,
        "minutes": minutes,
        "safe_window_alerts": safe_window_alerts,
    }


def subscribe(runner, token, browser, **kwargs) -> dict:
    response = runner.api(
        "POST", "/api/v1/push/subscriptions", token, json=subscription_body(browser, **kwargs)
    )
    assert response.status_code == 201, response.json
    return response.json


def send_due(app, at: datetime, clock: Clock | None = None):
    from backrun.push.due import send_due as run

    if clock is not None:
        clock.set(at)
    with app.app_context():
        return run(at)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(PushSubscription)),
            db.session.scalar(select(func.count()).select_from(PushDelivery)),
        )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
