"""met_no.parse, the symbol mapping and the dew point, on real-format data (no HTTP)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from backrun.weather.met_no import parse, weather_code
from backrun.weather.model import ProviderError

# ArtiomBoo/InfoScreen src/app/data/weather.ts: a saved compact answer for Oslo, first step verbatim.
OSLO = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [10.7338, 59.9212, 27]},
    "properties": {
        "meta": {
            "updated_at": "2023-11-17T18:40:09Z",
            "units": {
                "air_pressure_at_sea_level": "hPa",
                "air_temperature": "celsius",
                "cloud_area_fraction": "%",
                "precipitation_amount": "mm",
                "relative_humidity": "%",
                "wind_from_direction": "degrees",
                "wind_speed": "m/s",
            },
        },
        "timeseries": [
            {
                "time": "2023-11-17T19:00:00Z",
                "data": {
                    "instant": {
                        "details": {
                            "air_pressure_at_sea_level": 1025.2,
                            "air_temperature": -2.7,
                            "cloud_area_fraction": 7.1,
                            "relative_humidity": 83.8,
                            "wind_from_direction": 16.4,
                            "wind_speed": 1.5,
                        }
                    },
                    "next_12_hours": {"summary": {"symbol_code": "clearsky_night"}, "details": {}},
                    "next_1_hours": {
                        "summary": {"symbol_code": "clearsky_night"},
                        "details": {"precipitation_amount": 0.0},
                    },
                    "next_6_hours": {
                        "summary": {"symbol_code": "clearsky_night"},
                        "details": {"precipitation_amount": 0.0},
                    },
                },
            }
        ],
    },
}
FETCHED = datetime(2023, 11, 17, 18, 45, tzinfo=UTC)


def _entry(time: str, **data) -> dict:
    return {"time": time, "data": data}


def _with_entries(*entries: dict) -> dict:
    payload = copy.deepcopy(OSLO)
    payload["properties"]["timeseries"] = list(entries)
    return payload


def test_real_compact_step():
    forecast = parse(OSLO, 59.92, 10.73, FETCHED)

    (step,) = forecast.hours
    assert step.start == datetime(2023, 11, 17, 19, tzinfo=UTC)
    assert step.end == step.start + timedelta(hours=1)
    assert (step.temperature_c, step.relative_humidity_pct, step.precipitation_mm) == (-2.7, 83.8, 0.0)
    assert step.wind_speed_kmh == 5.4  # 1.5 m/s
    assert step.wind_gusts_kmh is None  # compact has no gusts: the rules estimate them
    assert step.symbol == "clearsky_night" and step.weather_code == 0
    assert step.dew_point_c is None  # compact has none; the safety rules derive it from T and RH
    assert forecast.source == "met-no" and forecast.elevation_m == 27.0
    assert forecast.fetched_at == FETCHED and forecast.quarter_hours == ()


def test_complete_format_extras():
    instant = {
        "details": {
            "air_temperature": 0.5,
            "relative_humidity": 97.0,
            "dew_point_temperature": 0.1,
            "wind_speed": 4.0,
            "wind_speed_of_gust": 11.0,
            "fog_area_fraction": 80.0,
            "ultraviolet_index_clear_sky": 0.4,
        }
    }
    hour = {
        "summary": {"symbol_code": "cloudy"},
        "details": {
            "precipitation_amount": 0.0,
            "probability_of_precipitation": 12.0,
            "probability_of_thunder": 3.0,
        },
    }
    payload = _with_entries(_entry("2023-11-17T19:00:00Z", instant=instant, next_1_hours=hour))

    (step,) = parse(payload, 0, 0, FETCHED).hours

    assert step.dew_point_c == 0.1
    assert (step.wind_speed_kmh, step.wind_gusts_kmh) == (14.4, 39.6)
    assert step.weather_code == 45  # cloudy symbol, but most of the area is in fog
    assert step.uv_index == 0.4
    assert (step.precipitation_probability_pct, step.thunder_probability_pct) == (12.0, 3.0)


def test_six_hour_blocks_are_kept_within_a_day_and_bare_instants_dropped():
    six = {"summary": {"symbol_code": "lightsnow"}, "details": {"precipitation_amount": 1.2}}
    payload = _with_entries(
        _entry("2023-11-17T19:00:00Z", instant={"details": {}}),  # no period: nothing to judge
        _entry("2023-11-18T00:00:00Z", instant={"details": {"air_temperature": -4.0}}, next_6_hours=six),
        _entry("2023-11-19T00:00:00Z", instant={"details": {}}, next_6_hours=six),  # beyond 24 h
    )

    (step,) = parse(payload, 0, 0, FETCHED).hours

    assert (step.start, step.end - step.start) == (datetime(2023, 11, 18, tzinfo=UTC), timedelta(hours=6))
    assert (step.weather_code, step.precipitation_mm, step.temperature_c) == (71, 1.2, -4.0)


def test_broken_entries_are_skipped():
    good = OSLO["properties"]["timeseries"][0]
    payload = _with_entries(
        "junk",
        {"time": "yesterday", "data": good["data"]},
        {"time": "2023-11-17T20:00:00Z", "data": None},
        _entry(
            "2023-11-17T21:00:00Z",
            instant=None,
            next_1_hours={"summary": None, "details": {"precipitation_amount": None}},
        ),
        good,
    )

    steps = parse(payload, 0, 0, FETCHED).hours

    assert [s.start.hour for s in steps] == [19, 21]
    assert steps[1].temperature_c is None and steps[1].symbol is None and steps[1].weather_code is None


@pytest.mark.parametrize(
    "payload",
    [None, [], {"type": "Feature"}, {"properties": {"timeseries": {}}}, _with_entries()],
)
def test_no_usable_timeseries_is_malformed(payload):
    with pytest.raises(ProviderError) as raised:
        parse(payload, 0, 0, FETCHED)
    assert (raised.value.provider, raised.value.kind) == ("met-no", "malformed")


@pytest.mark.parametrize(
    ("symbol", "code"),
    [
        ("clearsky_day", 0),
        ("fair_polartwilight", 1),
        ("partlycloudy_night", 2),
        ("cloudy", 3),
        ("fog", 45),
        ("lightrain", 61),
        ("rain", 63),
        ("heavyrain", 65),
        ("lightrainshowers_day", 80),
        ("rainshowers_night", 81),
        ("heavyrainshowers_day", 82),
        ("lightsleet", 71),  # sleet counts as snow: worse footing
        ("sleet", 73),
        ("heavysnow", 75),
        ("lightsnowshowers_day", 85),
        ("heavysleetshowers_night", 86),
        ("rainandthunder", 95),
        ("lightssleetshowersandthunder_day", 95),  # the documented typo
        ("lightssnowshowersandthunder_night", 95),
        ("somethingnew", None),
        (None, None),
    ],
)
def test_weather_code_from_symbol(symbol, code):
    assert weather_code(symbol) == code
