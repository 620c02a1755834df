"""The MetNo provider against the fake MET Norway server: format, terms (Expires, If-Modified-Since), failures."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
from flask_caching.backends.filesystemcache import FileSystemCache

from backrun.platform.http import make_client
from backrun.weather import met_no
from backrun.weather.model import Forecast, ProviderError
from tests.support.fakes.met_no import MetNoFake

TIMEOUT = 1.0
LAT, LON = 59.9212, 10.7338


@pytest.fixture(scope="module")
def server():
    with MetNoFake() as started:
        yield started


@pytest.fixture
def fake(server):
    server.restore()
    server.reset()
    return server


@pytest.fixture
def session():
    with make_client({"BACKRUN_CONTACT": "https://example.org/backrun-tests"}) as s:
        yield s


@pytest.fixture
def store(tmp_path):
    return FileSystemCache(str(tmp_path / "cache"))


def now() -> datetime:
    return datetime.now(UTC)


def fetch(session, fake, store, at: datetime | None = None, lat: float = LAT, lon: float = LON) -> Forecast:
    return met_no.MetNo(session, fake.endpoint, TIMEOUT, store).fetch(lat, lon, at or now())


def test_request_follows_the_terms(session, fake, store):
    fetch(session, fake, store, lat=59.912345678, lon=-10.73384999)

    (request,) = fake.requests
    assert request.query == {"lat": ["59.9123"], "lon": ["-10.7338"]}  # at most 4 decimals
    assert request.headers["User-Agent"].startswith("Backrun/")
    assert "If-Modified-Since" not in request.headers


def test_an_unidentified_client_is_refused(fake, store):
    with requests.Session() as anonymous, pytest.raises(ProviderError) as raised:
        met_no.MetNo(anonymous, fake.endpoint, TIMEOUT, store).fetch(LAT, LON, now())
    assert raised.value.kind == "http" and "403" in str(raised.value)


def test_scenario_maps_to_steps(session, fake, store):
    fake.set_weather(
        hours={
            0: {"symbol_code": "lightsleetshowers_day", "precipitation_amount": 0.6, "air_temperature": 0.4}
        },
        base={"wind_speed": 10.0, "relative_humidity": 90.0},
    )
    at = now()

    forecast = fetch(session, fake, store, at)

    current = next(s for s in forecast.hours if s.start <= at < s.end)
    assert current.end - current.start == timedelta(hours=1)
    assert (current.symbol, current.weather_code, current.precipitation_mm) == (
        "lightsleetshowers_day",
        85,
        0.6,
    )
    assert current.temperature_c == 0.4 and current.wind_speed_kmh == 36.0
    assert current.relative_humidity_pct is not None and current.dew_point_c is None  # derived by the rules
    assert forecast.hours[-1].start < at + timedelta(hours=24)  # later blocks are not needed
    assert forecast.fetched_at == at and forecast.source == "met-no"


def test_no_second_request_before_expires(session, fake, store):
    first_at = now()
    first = fetch(session, fake, store, first_at)

    again = fetch(session, fake, store, first_at + timedelta(minutes=29))

    assert fake.count() == 1
    assert again.hours == first.hours
    assert again.fetched_at == first_at  # confirmed then, not since


def test_after_expiry_revalidates_and_a_304_confirms_the_stored_copy(session, fake, store):
    first_at = now()
    first = fetch(session, fake, store, first_at)
    later = first_at + timedelta(minutes=31)
    fake.expires_s = 3600

    again = fetch(session, fake, store, later)

    assert fake.count() == 2
    assert fake.requests[1].headers["If-Modified-Since"] == fake.last_modified
    assert again.hours[0] == first.hours[0]  # the stored body (the 24-h horizon moved on with now)
    assert again.fetched_at == later  # the 304 confirmed the data now
    # The 304's new Expires (an hour from the fake's now) counts: no third request before it.
    fetch(session, fake, store, later + timedelta(minutes=5))
    assert fake.count() == 2


def test_a_new_model_run_is_fetched_after_expiry(session, fake, store):
    first_at = now()
    fetch(session, fake, store, first_at)
    fake.set_weather(base={"air_temperature": -8.0})

    again = fetch(session, fake, store, first_at + timedelta(minutes=31))

    assert again.hours[0].temperature_c == -8.0
    stored = store.get(f"met-no:{LAT},{LON}")
    json.dumps(stored)  # plain JSON, nothing pickled but a dict
    assert stored["last_modified"] == fake.last_modified


def test_203_is_logged_and_used(session, fake, store, caplog):
    fake.fail_with(203)

    with caplog.at_level(logging.WARNING, logger="backrun.weather.met_no"):
        forecast = fetch(session, fake, store)

    assert forecast.hours
    assert "203" in caplog.text


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (429, "rate_limited"),
        (500, "http"),
        (503, "http"),
        ("drop", "connection"),
        ("garbage", "malformed"),
        ("wrong_shape", "malformed"),
    ],
)
def test_failures_raise_provider_errors(session, fake, store, failure, kind):
    fake.fail_with(failure)

    with pytest.raises(ProviderError) as raised:
        fetch(session, fake, store)

    assert (raised.value.provider, raised.value.kind) == ("met-no", kind)
    assert store.get(f"met-no:{LAT},{LON}") is None  # nothing unreadable is kept


def test_slow_answer_is_a_timeout(session, fake, store):
    fake.fail_with("timeout", delay_s=TIMEOUT + 2)

    with pytest.raises(ProviderError) as raised:
        fetch(session, fake, store)

    assert raised.value.kind == "timeout"


def test_a_failed_revalidation_keeps_the_stored_copy(session, fake, store):
    first_at = now()
    fetch(session, fake, store, first_at)
    fake.fail_with(500, times=1)

    with pytest.raises(ProviderError):
        fetch(session, fake, store, first_at + timedelta(minutes=31))
    again = fetch(session, fake, store, first_at + timedelta(minutes=32))

    assert fake.requests[-1].headers["If-Modified-Since"] == fake.last_modified
    assert again.hours
