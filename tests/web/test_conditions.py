"""The conditions on the verdict card, from a forecast: what is known, and nothing guessed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backrun.weather.model import Forecast, Step
from backrun.web.conditions import conditions_now

NOW = datetime(2026, 12, 6, 12, 20, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _forecast(values_by_offset, lat=47.14, lon=9.52, quarters=()):
    start = NOW.replace(minute=0)
    hours = tuple(
        Step(start + o * HOUR, start + (o + 1) * HOUR, **values)
        for o, values in sorted(values_by_offset.items())
    )
    return Forecast("open-meteo", lat, lon, NOW, hours=hours, quarter_hours=quarters)


def test_temperature_feels_like_wind_and_gusts():
    c = conditions_now(
        _forecast(
            {
                0: {
                    "temperature_c": 2.0,
                    "wind_speed_kmh": 20.0,
                    "wind_gusts_kmh": 45.0,
                    "precipitation_mm": 0.0,
                }
            }
        ),
        NOW,
    )
    assert (c.temperature_c, c.wind_kmh, c.gusts_kmh) == (2.0, 20.0, 45.0)
    assert -3.5 < c.feels_like_c < -2.5  # Environment Canada wind chill at 2 °C and 20 km/h


def test_mild_weather_has_no_feels_like():
    c = conditions_now(
        _forecast({0: {"temperature_c": 15.0, "wind_speed_kmh": 10.0, "precipitation_mm": 0.0}}), NOW
    )
    assert c.feels_like_c is None


def test_raining_since_the_hour_it_began():
    hours = {o: {"precipitation_mm": 0.0} for o in range(-24, 0)}
    hours.update({-2: {"precipitation_mm": 1.2}, -1: {"precipitation_mm": 0.4}, 0: {"precipitation_mm": 0.8}})
    c = conditions_now(_forecast(hours), NOW)
    assert c.sky == "rain" and c.since == NOW.replace(minute=0) - 2 * HOUR and not c.all_day


def test_dry_for_over_a_day():
    c = conditions_now(_forecast({o: {"precipitation_mm": 0.0} for o in range(-24, 3)}), NOW)
    assert c.sky == "dry" and c.all_day


def test_snow_is_snow_whatever_the_water():
    c = conditions_now(
        _forecast({-1: {"precipitation_mm": 0.0}, 0: {"precipitation_mm": 0.3, "snowfall_cm": 0.2}}), NOW
    )
    assert c.sky == "snow" and c.since == NOW.replace(minute=0)


def test_unknown_precipitation_is_not_called_dry():
    c = conditions_now(_forecast({0: {"temperature_c": 5.0}}), NOW)
    assert c.sky == "unknown" and c.since is None


def test_daylight_left_until_civil_dusk_in_vaduz():
    c = conditions_now(_forecast({0: {"precipitation_mm": 0.0}}), NOW)
    assert c.dark is False
    # Civil dusk in Vaduz on 6 December is about 16:15 UTC (sunset 15:40 UTC).
    assert (
        datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
        < c.light_changes_at
        < datetime(2026, 12, 6, 16, 35, tzinfo=UTC)
    )


def test_polar_night_has_no_light_within_a_day():
    c = conditions_now(_forecast({0: {"precipitation_mm": 0.0}}, lat=78.2, lon=15.6), NOW)  # Longyearbyen
    assert c.dark is True and c.light_changes_at is None


def test_quarter_hours_come_first_and_the_hour_fills_gaps():
    quarter = Step(NOW.replace(minute=15), NOW.replace(minute=30), temperature_c=3.5, precipitation_mm=0.0)
    c = conditions_now(
        _forecast(
            {0: {"temperature_c": 3.0, "wind_speed_kmh": 12.0, "precipitation_mm": 0.0}}, quarters=(quarter,)
        ),
        NOW,
    )
    assert c.temperature_c == 3.5 and c.wind_kmh == 12.0


def test_nothing_without_a_forecast_or_a_step_now():
    assert conditions_now(None, NOW) is None
    assert conditions_now(_forecast({5: {"temperature_c": 3.0}}), NOW) is None
