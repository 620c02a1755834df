"""The OpenMeteo provider against the fake Open-Meteo server on 127.0.0.1."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from backrun.platform.http import make_client
from backrun.weather import open_meteo
from backrun.weather.model import Forecast, ProviderError, Step
from tests.support.fakes.open_meteo import OpenMeteoFake

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def server():
    with OpenMeteoFake() as started:
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


def fetch(session, fake) -> Forecast:
    return open_meteo.OpenMeteo(session, fake.endpoint, TIMEOUT).fetch(52.52, 13.41, datetime.now(UTC))


def step_now(steps: tuple[Step, ...]) -> Step:
    now = datetime.now(UTC)
    (step,) = [s for s in steps if s.start <= now < s.end]
    return step


def step_hours_ago(steps: tuple[Step, ...], hours: int) -> Step:
    current = step_now(steps)
    (step,) = [s for s in steps if (current.start - s.start).total_seconds() == hours * 3600]
    return step


def test_request_asks_for_the_documented_variables_and_window(session, fake):
    fetch(session, fake)

    (request,) = fake.requests
    query = {key: values[0] for key, values in request.query.items()}
    assert query["latitude"] == "52.52" and query["longitude"] == "13.41"
    assert set(query["hourly"].split(",")) == {
        "temperature_2m",
        "relative_humidity_2m",
        "dew_point_2m",
        "precipitation",
        "precipitation_probability",
        "snowfall",
        "snow_depth",
        "weather_code",
        "wind_speed_10m",
        "wind_gusts_10m",
        "visibility",
        "soil_temperature_0cm",
        "uv_index",
        "is_day",
        # issue 12: the ground model's phase (wet bulb) and drying (sun)
        "wet_bulb_temperature_2m",
        "cloud_cover",
        "shortwave_radiation",
    }
    assert set(query["minutely_15"].split(",")) == {
        "precipitation",
        "snowfall",
        "weather_code",
        "wind_gusts_10m",
        "visibility",
    }
    # issue 12: 72 h of ground history before any start we accept (up to an hour back), in one request
    assert (query["past_hours"], query["forecast_hours"]) == ("96", "24")
    assert query["timeformat"] == "unixtime"
    assert request.headers["User-Agent"].startswith("Backrun/")
    assert "https://example.org/backrun-tests" in request.headers["User-Agent"]
    assert "gzip" in request.headers["Accept-Encoding"]


def test_scenario_values_land_on_the_right_hours(session, fake):
    fake.set_weather(hours={0: {"precipitation": 2.5, "weather_code": 63}, -3: {"temperature_2m": -2.0}})

    forecast = fetch(session, fake)

    assert len(forecast.hours) == 120  # the past four days and the next day
    now_step = step_now(forecast.hours)
    assert (now_step.precipitation_mm, now_step.weather_code) == (2.5, 63)
    assert step_hours_ago(forecast.hours, 3).temperature_c == -2.0
    assert step_hours_ago(forecast.hours, 1).precipitation_mm == 0.0
    quarter = step_now(forecast.quarter_hours)
    assert quarter.precipitation_mm == pytest.approx(2.5 / 4)
    assert (quarter.end - quarter.start).total_seconds() == 15 * 60


@pytest.mark.parametrize("utc_offset_s", [0, 7200, -5 * 3600 - 1800])
def test_local_iso_times_and_unix_times_give_the_same_forecast(session, fake, utc_offset_s):
    fake.set_weather(hours=lambda offset: {"temperature_2m": float(offset)})
    fake.set_time_format("unixtime", utc_offset_s)
    unix = fetch(session, fake)
    fake.set_time_format("iso8601", utc_offset_s)
    local = fetch(session, fake)

    assert [s.start for s in local.hours] == [s.start for s in unix.hours]
    assert [s.start for s in local.quarter_hours] == [s.start for s in unix.quarter_hours]
    assert step_now(local.hours).temperature_c == 0.0
    assert step_hours_ago(local.hours, 5).temperature_c == -5.0


def test_legacy_names(session, fake):
    fake.set_weather(base={"weather_code": 71, "wind_gusts_10m": 55.0, "relative_humidity_2m": 91})
    fake.use_legacy_names()

    step = step_now(fetch(session, fake).hours)

    assert (step.weather_code, step.wind_gusts_kmh, step.relative_humidity_pct) == (71, 55.0, 91.0)


def test_nulls_missing_variables_and_short_arrays(session, fake):
    fake.set_weather(hours={0: {"temperature_2m": None}})
    fake.null_variables("soil_temperature_0cm")
    fake.drop_variables("visibility")
    fake.truncate_arrays(110)  # `time` has 120 hourly entries (96 past, 24 ahead)

    forecast = fetch(session, fake)

    assert len(forecast.hours) == 120
    assert all(s.surface_temperature_c is None and s.visibility_m is None for s in forecast.hours)
    assert [s.wind_speed_kmh is not None for s in forecast.hours] == [True] * 110 + [False] * 10
    assert step_hours_ago(forecast.hours, 1).temperature_c == 12.0
    assert step_now(forecast.hours).temperature_c is None


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (500, "http"),
        (503, "http"),
        (400, "http"),
        (429, "rate_limited"),
        ("drop", "connection"),
        ("garbage", "malformed"),
        ("wrong_shape", "malformed"),
        ("empty", "malformed"),
    ],
)
def test_failures_raise_provider_errors(session, fake, failure, kind):
    fake.fail_with(failure)

    with pytest.raises(ProviderError) as raised:
        fetch(session, fake)

    assert (raised.value.provider, raised.value.kind) == ("open-meteo", kind)


def test_the_json_error_reason_is_kept(session, fake):
    fake.fail_with(429)

    with pytest.raises(ProviderError, match="Minutely API request limit exceeded"):
        fetch(session, fake)


def test_slow_answer_is_a_timeout(session, fake):
    fake.fail_with("timeout", delay_s=TIMEOUT + 2)

    with pytest.raises(ProviderError) as raised:
        fetch(session, fake)

    assert raised.value.kind == "timeout"


def test_nothing_listening_is_a_connection_error(session):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: nobody listens

    nobody = open_meteo.OpenMeteo(session, f"http://127.0.0.1:{port}/v1/forecast", TIMEOUT)
    with pytest.raises(ProviderError) as raised:
        nobody.fetch(52.52, 13.41, datetime.now(UTC))

    assert raised.value.kind == "connection"


def test_failing_once_then_recovering(session, fake):
    fake.fail_with(500, times=1)

    with pytest.raises(ProviderError):
        fetch(session, fake)
    assert fetch(session, fake).hours
    assert fake.count() == 2
