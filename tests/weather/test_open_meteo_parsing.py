"""open_meteo.parse on real and realistically broken Open-Meteo answers (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backrun.weather.model import ProviderError
from backrun.weather.open_meteo import parse, parse_time

FETCHED = datetime(2026, 10, 3, 10, 31, tzinfo=UTC)

# frenck/python-open-meteo tests/fixtures/forecast.json (Enschede), the hourly keys this app
# uses, verbatim: local times, UTC+2.
ENSCHEDE = {
    "latitude": 52.276,
    "longitude": 6.8729997,
    "generationtime_ms": 138.76497745513916,
    "utc_offset_seconds": 7200,
    "timezone": "Europe/Amsterdam",
    "timezone_abbreviation": "GMT+2",
    "elevation": 29.0,
    "hourly": {
        "time": ["2026-10-03T00:00", "2026-10-03T01:00", "2026-10-03T02:00"],
        "apparent_temperature": [10.4, 9.8, 9.9],
        "dew_point_2m": [9.7, 9.6, 9.7],
        "is_day": [0, 0, 0],
        "precipitation": [0.0, 0.0, 0.0],
        "precipitation_probability": [0, 0, 0],
        "snow_depth": [0.0, 0.0, 0.0],
        "snowfall": [0.0, 0.0, 0.0],
        "soil_temperature_0cm": [9.0, 8.7, 8.7],
        "temperature_2m": [11.8, 11.2, 11.0],
        "uv_index": [0.0, 0.0, 0.0],
        "visibility": [50000.0, 8340.0, 7260.0],
        "weather_code": [0, 1, 1],
        "wind_gusts_10m": [14.8, 14.0, 11.5],
        "wind_speed_10m": [9.0, 8.3, 6.8],
    },
}

# frenck/python-open-meteo tests/fixtures/forecast_minutely_15.json, whole file: no hourly block.
ENSCHEDE_15 = {
    "latitude": 52.276,
    "longitude": 6.8729997,
    "generationtime_ms": 0.07200241088867188,
    "utc_offset_seconds": 7200,
    "timezone": "Europe/Amsterdam",
    "timezone_abbreviation": "GMT+2",
    "elevation": 29.0,
    "minutely_15_units": {
        "time": "iso8601",
        "temperature_2m": "\u00b0C",
        "precipitation": "mm",
        "is_day": "",
    },
    "minutely_15": {
        "time": ["2026-10-03T12:30", "2026-10-03T12:45", "2026-10-03T13:00", "2026-10-03T13:15"],
        "temperature_2m": [17.7, 18.1, 18.5, 18.9],
        "precipitation": [0.0, 0.0, 0.0, 0.0],
        "is_day": [1, 1, 1, 1],
    },
}


def test_real_hourly_answer_in_local_time_becomes_utc_periods_ending_at_the_stamp():
    forecast = parse(ENSCHEDE, 52.28, 6.87, FETCHED)

    first = forecast.hours[0]
    # 00:00 in UTC+2 is 22:00 UTC the day before; the value covers the hour before it.
    assert first.end == datetime(2026, 10, 2, 22, 0, tzinfo=UTC)
    assert first.start == first.end - timedelta(hours=1)
    assert (first.temperature_c, first.dew_point_c, first.surface_temperature_c) == (11.8, 9.7, 9.0)
    assert (first.wind_speed_kmh, first.wind_gusts_kmh, first.visibility_m) == (9.0, 14.8, 50000.0)
    assert first.weather_code == 0 and first.is_day is False
    assert first.relative_humidity_pct is None  # not in this capture
    assert [s.weather_code for s in forecast.hours] == [0, 1, 1]
    assert forecast.source == "open-meteo" and forecast.elevation_m == 29.0
    assert (forecast.latitude, forecast.longitude, forecast.fetched_at) == (52.28, 6.87, FETCHED)
    assert forecast.quarter_hours == ()


def test_real_minutely_15_answer_without_hourly_is_usable():
    forecast = parse(ENSCHEDE_15, 52.28, 6.87, FETCHED)

    assert forecast.hours == ()
    assert [s.end for s in forecast.quarter_hours] == [
        datetime(2026, 10, 3, 10, 30, tzinfo=UTC) + timedelta(minutes=15 * i) for i in range(4)
    ]
    assert forecast.quarter_hours[0].start == datetime(2026, 10, 3, 10, 15, tzinfo=UTC)
    assert forecast.quarter_hours[0].temperature_c == 17.7
    assert forecast.quarter_hours[0].is_day is True


def test_unix_times_are_utc_even_when_an_offset_is_reported():
    payload = {"utc_offset_seconds": 7200, "hourly": {"time": [1791000000], "temperature_2m": [3.5]}}

    step = parse(payload, 0, 0, FETCHED).hours[0]

    assert step.end == datetime.fromtimestamp(1791000000, UTC)
    assert step.temperature_c == 3.5


def test_legacy_variable_names_are_read():
    payload = {
        "hourly": {
            "time": ["2026-10-03T10:00"],
            "weathercode": [61],
            "windspeed_10m": [20.0],
            "windgusts_10m": [41.0],
            "relativehumidity_2m": [93],
            "dewpoint_2m": [1.5],
        }
    }

    step = parse(payload, 0, 0, FETCHED).hours[0]

    assert (step.weather_code, step.wind_speed_kmh, step.wind_gusts_kmh) == (61, 20.0, 41.0)
    assert (step.relative_humidity_pct, step.dew_point_c) == (93.0, 1.5)


def test_nulls_missing_variables_and_short_arrays_become_none():
    payload = {
        "hourly": {
            "time": ["2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00"],
            "temperature_2m": [1.0, None, 3.0],
            "precipitation": [0.2],  # ends early
            "weather_code": [3.0, "x", True],  # floats are fine; junk is unknown
            "visibility": None,  # not a list at all
        }
    }

    steps = parse(payload, 0, 0, FETCHED).hours

    assert [s.temperature_c for s in steps] == [1.0, None, 3.0]
    assert [s.precipitation_mm for s in steps] == [0.2, None, None]
    assert [s.weather_code for s in steps] == [3, None, None]
    assert all(s.visibility_m is None and s.snowfall_cm is None for s in steps)


def test_bad_timestamps_are_skipped_and_steps_come_out_sorted():
    payload = {
        "hourly": {
            "time": ["2026-10-03T12:00", None, "not a time", "2026-10-03T11:00"],
            "temperature_2m": [2, 9, 9, 1],
        }
    }

    steps = parse(payload, 0, 0, FETCHED).hours

    assert [s.temperature_c for s in steps] == [1.0, 2.0]


@pytest.mark.parametrize(
    "payload",
    [
        [ENSCHEDE],  # several locations answer with a list
        "nope",
        {"latitude": 52.5},  # no time series at all
        {"hourly": {"temperature_2m": [1.0]}},  # values without times
        {"hourly": {"time": []}, "minutely_15": "x"},
    ],
)
def test_answers_without_a_usable_time_series_are_malformed(payload):
    with pytest.raises(ProviderError) as raised:
        parse(payload, 0, 0, FETCHED)
    assert (raised.value.provider, raised.value.kind) == ("open-meteo", "malformed")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-03T00:00", datetime(2026, 10, 2, 22, 0, tzinfo=UTC)),
        ("2026-10-03T00:00Z", datetime(2026, 10, 3, 0, 0, tzinfo=UTC)),  # an explicit zone wins
        (1791000000, datetime.fromtimestamp(1791000000, UTC)),
        (None, None),
        (True, None),
        ("03/10/2026", None),
    ],
)
def test_parse_time(raw, expected):
    assert parse_time(raw, timedelta(hours=2)) == expected
