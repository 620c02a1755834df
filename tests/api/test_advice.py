"""GET /api/v1/advice end to end: real HTTP fakes of Open-Meteo and MET Norway on 127.0.0.1."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.apps import daylit_location

SEVERE = {"indoors": 3, "unknown": 2, "caution": 1, "go": 0}


def each(hours, values):
    """The same values for every hour offset in `hours`."""
    return dict.fromkeys(hours, values)


RUN = range(-1, 3)  # the hours around a 30-minute run starting now, with the thunder margin

SCENARIOS = {
    "rain": (
        each(RUN, {"precipitation": 2.4, "rain": 2.4, "weather_code": 63, "precipitation_probability": 90}),
        "indoors",
        "rain",
    ),
    "drizzle": (each(RUN, {"precipitation": 0.3, "rain": 0.3, "weather_code": 51}), "indoors", "rain"),
    "snow": (
        each(
            RUN,
            {
                "temperature_2m": -1.5,
                "dew_point_2m": -2.5,
                "soil_temperature_0cm": -1.0,
                "snowfall": 1.2,
                "precipitation": 1.7,
                "weather_code": 73,
            },
        ),
        "indoors",
        "snow_falling",
    ),
    "freezing_rain": (
        each(
            RUN,
            {
                "temperature_2m": -0.5,
                "soil_temperature_0cm": -1.0,
                "precipitation": 1.0,
                "rain": 1.0,
                "weather_code": 66,
            },
        ),
        "indoors",
        "freezing_rain",
    ),
    "black_ice_after_rain": (
        {
            **each(
                range(-12, -6),
                {
                    "temperature_2m": 4.0,
                    "soil_temperature_0cm": 4.0,
                    "precipitation": 1.5,
                    "rain": 1.5,
                    "weather_code": 63,
                },
            ),
            **each(
                range(-6, 4),
                {
                    "temperature_2m": -2.0,
                    "dew_point_2m": -4.0,
                    "relative_humidity_2m": 85,
                    "soil_temperature_0cm": -3.0,
                    "weather_code": 0,
                    "precipitation": 0.0,
                },
            ),
        },
        "indoors",
        "black_ice",
    ),
    "thunder": ({1: {"weather_code": 95, "precipitation": 3.0, "rain": 3.0}}, "indoors", "thunder"),
    "gale": (each(RUN, {"wind_speed_10m": 45.0, "wind_gusts_10m": 78.0}), "indoors", "gale"),
    "strong_gusts": (each(RUN, {"wind_speed_10m": 28.0, "wind_gusts_10m": 48.0}), "caution", "strong_gusts"),
    "heat": (
        each(
            RUN,
            {
                "temperature_2m": 36.0,
                "relative_humidity_2m": 60,
                "dew_point_2m": 27.0,
                "soil_temperature_0cm": 45.0,
            },
        ),
        "indoors",
        "heat",
    ),
    "dense_fog": (
        each(
            RUN, {"visibility": 120.0, "weather_code": 45, "relative_humidity_2m": 100, "dew_point_2m": 12.0}
        ),
        "indoors",
        "fog",
    ),
    "freezing_fog": (
        each(
            RUN,
            {
                "visibility": 400.0,
                "weather_code": 48,
                "temperature_2m": -1.0,
                "dew_point_2m": -1.0,
                "soil_temperature_0cm": -1.0,
            },
        ),
        "indoors",
        "freezing_fog",
    ),
    "wind_chill": (
        each(
            range(-24, 4),
            {
                "temperature_2m": -25.0,
                "dew_point_2m": -30.0,
                "relative_humidity_2m": 60,
                "soil_temperature_0cm": -20.0,
                "wind_speed_10m": 30.0,
                "wind_gusts_10m": 35.0,
            },
        ),
        "indoors",
        "wind_chill",
    ),
}


@pytest.fixture
def here():
    return daylit_location()


def ask(client, lat, lon, **params):
    return client.get("/api/v1/advice", query_string={"lat": lat, "lon": lon, **params})


def test_clear_mild_day_is_go_with_the_documented_shape(client, open_meteo, here):
    response = ask(client, *here)
    assert response.status_code == 200
    body = response.json
    assert body["verdict"] == "go", body["reasons"]
    assert body["reasons"] == []
    assert set(body) == {
        "verdict",
        "reasons",
        "window",
        "outlook",
        "next_safe_window",
        "source",
        "fetched_at",
        "stale",
        "data_age_s",
        "attribution",
        "location",
        "ground",
        "weather_errors",
        "air_quality",
        "profile",
        "kit",
    }
    ground = body["ground"]
    assert (
        ground["state"] == "dry" and ground["confidence"] == "high" and ground["surface_estimated"] is False
    )
    assert ground["story"].endswith(": dry ground") and ground["events"][-1]["state"] == "dry"
    assert body["source"] == "open-meteo" and body["stale"] is False and body["weather_errors"] == []
    assert body["attribution"] == {"text": "Weather data by Open-Meteo.com", "url": "https://open-meteo.com/"}
    start = datetime.fromisoformat(body["window"]["start"])
    end = datetime.fromisoformat(body["window"]["end"])
    assert end - start == timedelta(minutes=30) and start.tzinfo is not None
    assert len(body["outlook"]) == 6 and all(h["verdict"] in SEVERE for h in body["outlook"])
    assert body["next_safe_window"] is None
    assert open_meteo.count() == 1
    request = open_meteo.requests[-1]
    assert request.headers["User-Agent"].startswith("Backrun/")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_dangerous_scenarios_never_go(client, open_meteo, here, name):
    hours, verdict, code = SCENARIOS[name]
    open_meteo.set_weather(hours)
    body = ask(client, *here).json
    assert body["verdict"] == verdict, body["reasons"]
    codes = [r["code"] for r in body["reasons"]]
    assert code in codes
    # Most severe first.
    ranks = [SEVERE[r["severity"]] for r in body["reasons"]]
    assert ranks == sorted(ranks, reverse=True)
    for reason in body["reasons"]:
        assert reason["message"] and isinstance(reason["evidence"], dict)


@pytest.mark.parametrize("variable", ["temperature_2m", "precipitation", "weather_code"])
def test_missing_data_is_unknown_never_go(client, open_meteo, here, variable):
    open_meteo.null_variables(variable)
    body = ask(client, *here).json
    assert body["verdict"] == "unknown"
    assert "missing_data" in [r["code"] for r in body["reasons"]]


def test_rain_clearing_later_gives_a_next_safe_window(client, open_meteo, here):
    # Rain until the next hour, then dry breezy sunshine: the ground dries by evaporation.
    open_meteo.set_weather(
        each(range(-1, 2), {"precipitation": 1.5, "rain": 1.5, "weather_code": 61}),
        base={
            "relative_humidity_2m": 45,
            "dew_point_2m": 0.5,
            "wet_bulb_temperature_2m": 6.5,
            "wind_speed_10m": 18.0,
            "wind_gusts_10m": 30.0,
            "shortwave_radiation": 600.0,
            "soil_temperature_0cm": 20.0,
        },
    )
    body = ask(client, *here).json
    assert body["verdict"] == "indoors"
    assert body["next_safe_window"] is not None
    assert datetime.fromisoformat(body["next_safe_window"]["start"]) > datetime.now(UTC)


@pytest.mark.parametrize("failure", [500, 429, "timeout", "garbage", "drop", "wrong_shape"])
def test_open_meteo_failing_falls_back_to_met_norway(client, open_meteo, met_no, here, failure):
    open_meteo.fail_with(failure, delay_s=3.0)
    response = ask(client, *here)
    assert response.status_code == 200
    body = response.json
    assert body["source"] == "met-no"
    assert body["attribution"]["url"] == "https://api.met.no/"
    assert body["verdict"] != "go"  # MET Norway has no past hours: recent rain can't be ruled out
    assert met_no.count() >= 1


@pytest.mark.parametrize("failure", [500, "timeout", "garbage"])
def test_both_failing_is_unknown_in_under_twice_the_timeout(client, app, open_meteo, met_no, here, failure):
    open_meteo.fail_with(failure, delay_s=5.0)
    met_no.fail_with(failure, delay_s=5.0)
    started = time.monotonic()
    response = ask(client, *here)
    took = time.monotonic() - started
    assert response.status_code == 200
    body = response.json
    assert body["verdict"] == "unknown" and body["source"] is None and body["stale"] is True
    assert [r["code"] for r in body["reasons"]] == ["no_data"]
    assert took < 2 * app.config["BACKRUN_HTTP_TIMEOUT"]


def test_cached_weather_makes_no_second_upstream_call(client, open_meteo, here):
    ask(client, *here)
    ask(client, here[0] + 0.001, here[1] + 0.001)  # same ~1 km cell
    ask(client, *here, minutes=60)
    assert open_meteo.count() == 1


def test_start_and_minutes_shape_the_window(client, here):
    start = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    body = ask(client, *here, minutes=45, start=start.isoformat()).json
    assert datetime.fromisoformat(body["window"]["start"]) == start
    assert datetime.fromisoformat(body["window"]["end"]) == start + timedelta(minutes=45)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lon": "9.5"}, "lat"),
        ({"lat": "47.1"}, "lon"),
        ({"lat": "abc", "lon": "9.5"}, "lat"),
        ({"lat": "", "lon": "9.5"}, "lat"),
        ({"lat": "90.01", "lon": "9.5"}, "lat"),
        ({"lat": "-91", "lon": "9.5"}, "lat"),
        ({"lat": "nan", "lon": "9.5"}, "lat"),
        ({"lat": "inf", "lon": "9.5"}, "lat"),
        ({"lat": "47.1", "lon": "180.5"}, "lon"),
        ({"lat": "47.1", "lon": "-inf"}, "lon"),
        ({"lat": "47.1", "lon": "1e400"}, "lon"),
        ({"lat": "47.1", "lon": "9.5", "minutes": "0"}, "minutes"),
        ({"lat": "47.1", "lon": "9.5", "minutes": "-30"}, "minutes"),
        ({"lat": "47.1", "lon": "9.5", "minutes": "1000"}, "minutes"),
        ({"lat": "47.1", "lon": "9.5", "minutes": "thirty"}, "minutes"),
        ({"lat": "47.1", "lon": "9.5", "minutes": "30.5"}, "minutes"),
        ({"lat": "47.1", "lon": "9.5", "start": "tomorrow"}, "start"),
        ({"lat": "47.1", "lon": "9.5", "start": "2020-01-01T10:00:00+00:00"}, "start"),
        ({"lat": "47.1", "lon": "9.5", "start": "2999-01-01T10:00:00+00:00"}, "start"),
        ({"lat": "47.1", "lon": "9.5", "cheese": "1"}, "cheese"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, open_meteo, params, field):
    response = client.get("/api/v1/advice", query_string=params)
    assert response.status_code == 400
    body = response.json
    assert body["error"] == "invalid_parameters"
    assert field in body["fields"]
    assert field in body["detail"]
    assert open_meteo.count() == 0  # bad input never reaches upstream


def test_naive_start_is_taken_as_utc(client, here):
    start = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0, tzinfo=None)
    body = ask(client, *here, start=start.isoformat()).json
    assert datetime.fromisoformat(body["window"]["start"]) == start.replace(tzinfo=UTC)
