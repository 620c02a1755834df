"""Air quality in /api/v1/advice end to end, against a loopback fake of the Open-Meteo Air Quality
API in its real format: the documented bands with and without a profile, outages of every kind
(never a 500, never a changed weather verdict), caching and single flight, the query parameters."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from backrun.weather.air_quality import HOURLY, parse
from backrun.weather.model import ProviderError
from tests.support.apps import daylit_location

STRICTNESS = {"indoors": 0, "unknown": 1, "caution": 2, "go": 3}


@pytest.fixture
def here():
    return daylit_location()


def ask(client, lat, lon, **params):
    return client.get("/api/v1/advice", query_string={"lat": lat, "lon": lon, **params})


# (values, default verdict, respiratory verdict, beginner verdict) on a calm, dry, daylit day.
BANDS = [
    ({"us_aqi": 20, "european_aqi": 15}, "go", "go", "go"),
    ({"us_aqi": 50, "european_aqi": 39}, "go", "go", "go"),
    ({"us_aqi": 51, "european_aqi": 30}, "go", "go", "go"),
    ({"us_aqi": 100, "european_aqi": 30}, "go", "go", "go"),
    ({"us_aqi": 101, "european_aqi": 30}, "caution", "indoors", "caution"),
    ({"us_aqi": 150, "european_aqi": 30}, "caution", "indoors", "caution"),
    ({"us_aqi": 151, "european_aqi": 30}, "indoors", "indoors", "indoors"),
    ({"us_aqi": 250, "european_aqi": 30}, "indoors", "indoors", "indoors"),
    ({"us_aqi": 400, "european_aqi": 30}, "indoors", "indoors", "indoors"),
    ({"us_aqi": 30, "european_aqi": 45}, "go", "go", "go"),
    ({"us_aqi": 65, "european_aqi": 44}, "go", "go", "go"),  # the captured fixture's moderate hour
    ({"us_aqi": 30, "european_aqi": 60}, "caution", "indoors", "caution"),
    ({"us_aqi": 30, "european_aqi": 80}, "indoors", "indoors", "indoors"),
]


@pytest.mark.parametrize(("values", "default", "respiratory", "beginner"), BANDS)
def test_verdicts_follow_the_documented_bands(
    client, air_quality, here, values, default, respiratory, beginner
):
    air_quality.set_air(base=values)
    plain = ask(client, *here).json
    sensitive = ask(client, *here, sensitivity="respiratory").json
    new = ask(client, *here, experience="beginner").json
    both = ask(client, *here, experience="beginner", sensitivity="respiratory").json
    assert (plain["verdict"], sensitive["verdict"], new["verdict"]) == (default, respiratory, beginner), plain
    assert STRICTNESS[both["verdict"]] <= min(STRICTNESS[sensitive["verdict"]], STRICTNESS[new["verdict"]])
    assert plain["air_quality"]["known"] is True and plain["air_quality"]["us_aqi"] == values["us_aqi"]
    assert (
        sensitive["profile"]["sensitivity"] == ["respiratory"] and new["profile"]["experience"] == "beginner"
    )
    if default != "go":
        assert plain["reasons"][0]["code"] == "air_quality"
    for body in (plain, sensitive, new, both):
        assert body["kit"]["items"] and "air_quality" in body


@pytest.mark.parametrize("mode", [500, 429, 404, "timeout", "drop", "garbage", "wrong_shape", "empty"])
def test_an_outage_keeps_the_weather_verdict_and_says_air_quality_is_unknown(
    client, air_quality, open_meteo, here, mode
):
    open_meteo.set_weather(
        {
            0: {"wind_gusts_10m": 48.0, "wind_speed_10m": 28.0},
            1: {"wind_gusts_10m": 48.0, "wind_speed_10m": 28.0},
        }
    )
    air_quality.fail_with(mode, delay_s=4.0)
    for params in ({}, {"sensitivity": "respiratory,pollen,heat", "experience": "beginner"}):
        response = ask(client, *here, **params)
        assert response.status_code == 200
        body = response.json
        assert body["air_quality"]["known"] is False
        assert "Air quality unknown" in body["air_quality"]["message"]
        assert "air_quality" not in [r["code"] for r in body["reasons"]]
        assert body["verdict"] == (
            "indoors" if params else "caution"
        )  # gusts; a beginner's gusts are indoors
        assert body["kit"]["items"]


def test_outage_never_turns_anything_into_go(client, air_quality, here):
    air_quality.fail_with(500)
    clean = ask(client, *here).json
    assert clean["verdict"] == "go" and clean["air_quality"]["known"] is False  # the weather's own verdict


def test_one_upstream_call_per_cell_then_the_cache(client, air_quality, here):
    for _ in range(3):
        assert ask(client, *here).status_code == 200
    assert air_quality.count() == 1
    request = air_quality.requests[0]
    assert request.path == "/v1/air-quality"
    assert request.query["hourly"][0].split(",") == list(HOURLY)
    assert request.headers["User-Agent"].startswith("Backrun/")


def test_a_crowd_on_one_cold_cell_makes_one_upstream_call(app, air_quality, here):
    air_quality.set_air(base={"us_aqi": 120})
    verdicts, errors = [], []

    def one():
        try:
            with app.test_client() as c:
                verdicts.append(ask(c, *here).json["verdict"])
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and verdicts == ["caution"] * 8
    assert air_quality.count() == 1


def test_a_failure_is_remembered_briefly_instead_of_asked_again(client, air_quality, here):
    air_quality.fail_with(500)
    ask(client, *here)
    ask(client, *here)
    assert air_quality.count() == 1


def test_pollen_counts_only_for_a_pollen_allergy_and_is_absent_outside_europe(client, air_quality, here):
    air_quality.set_air(base={"grass_pollen": 45.0})
    assert ask(client, *here).json["verdict"] == "go"
    allergic = ask(client, *here, sensitivity="pollen").json
    assert allergic["verdict"] == "caution" and allergic["reasons"][0]["code"] == "pollen"
    assert allergic["air_quality"]["pollen"]["grass_pollen"] == 45.0


def test_no_pollen_outside_europe_is_not_an_error(client, air_quality, here):
    air_quality.outside_europe()
    body = ask(client, *here, sensitivity="pollen").json
    assert body["verdict"] == "go" and body["air_quality"]["known"] is True
    assert body["air_quality"]["pollen"] == {}


@pytest.mark.parametrize(
    "params",
    [
        {"experience": "expert"},
        {"experience": ""},
        {"sensitivity": "dust"},
        {"sensitivity": "respiratory,smoke"},
        {"runs": "warm"},
        {"sensitivity": "x" * 200},
    ],
)
def test_invalid_profile_parameters_are_a_400(client, air_quality, here, params):
    response = ask(client, *here, **params)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_parameters"
    assert set(response.json["fields"]) == set(params)
    assert air_quality.count() == 0


def test_runs_cold_dresses_warmer(client, here):
    normal = ask(client, *here).json["kit"]
    cold = ask(client, *here, runs="cold").json["kit"]
    assert cold["offset_c"] < 0 == normal["offset_c"]
    assert cold["dress_for_c"] < normal["dress_for_c"]


def test_parse_reads_the_real_format_in_both_time_formats(air_quality):
    query = {"latitude": ["47.14"], "longitude": ["9.52"], "past_hours": ["1"], "forecast_hours": ["3"]}
    now = datetime.now(UTC)
    for extra in ({}, {"timeformat": ["unixtime"]}):
        payload = air_quality.payload({**query, **extra}, list(HOURLY))
        parsed = parse(payload, 47.14, 9.52, now)
        assert len(parsed.hours) == 4 and parsed.hours[0].us_aqi == 40 and parsed.hours[0].grass_pollen == 0.0
        assert parsed.hours[0].time.tzinfo is not None


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"hourly": {"time": []}},
        {"hourly": {"time": [1, 2], "us_aqi": [None, None]}},
        {"hourly": {"time": [1700000000], "us_aqi": [-5]}},
        {"hourly": "x"},
        "x",
    ],
)
def test_parse_rejects_what_holds_nothing_usable(payload):
    with pytest.raises(ProviderError):
        parse(payload, 0, 0, datetime.now(UTC))


def test_an_empty_url_turns_air_quality_off_and_says_unknown(
    tmp_path, open_meteo, met_no, nominatim, air_quality, here
):
    from tests.support.apps import make_app

    app = make_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_AIR_QUALITY_URL="")
    body = ask(app.test_client(), *here, sensitivity="respiratory").json
    assert body["verdict"] == "go" and body["air_quality"]["known"] is False
    assert air_quality.count() == 0


def test_air_known_for_part_of_the_run_still_counts(client, air_quality, here):
    air_quality.set_air(
        base={"us_aqi": None, "european_aqi": None}, hours={0: {"us_aqi": 170, "european_aqi": 90}}
    )  # only the current hour's stamp has values
    body = ask(client, *here, minutes=90).json
    assert body["air_quality"]["known"] is True and body["air_quality"]["complete"] is False
    assert "part of your run" in body["air_quality"]["message"]
    assert body["verdict"] == "indoors"


def test_no_air_quality_for_any_of_the_run_is_unknown(client, air_quality, here):
    air_quality.set_air(base={"us_aqi": None, "european_aqi": None})
    body = ask(client, *here).json
    assert body["air_quality"]["known"] is False and body["verdict"] == "go"
