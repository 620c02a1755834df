"""Sun elevation with astral, at times that are unambiguously day or night in Vaduz."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backrun.safety import daylight
from backrun.safety.daylight import SunTracker, is_dark, sample_times
from tests.support.forecasts import DEC_NIGHT, DEC_NOON, JUNE_NIGHT, NOON, UTC, VADUZ


@pytest.mark.parametrize(
    ("when", "dark"), [(NOON, False), (DEC_NOON, False), (JUNE_NIGHT, True), (DEC_NIGHT, True)]
)
def test_vaduz_day_and_night(when, dark):
    assert is_dark(SunTracker(*VADUZ).elevation_deg(when)) is dark


@pytest.mark.parametrize(("elevation", "dark"), [(-5.9, False), (-6.0, False), (-6.1, True)])
def test_darker_than_civil_twilight(elevation, dark):
    assert is_dark(elevation) is dark


@pytest.mark.parametrize("latitude", [90.0, -90.0, 89.999, 78.2])
@pytest.mark.parametrize("when", [NOON, DEC_NOON])
def test_poles_do_not_raise(latitude, when):
    elevation = SunTracker(latitude, 15.6).elevation_deg(when)
    assert -90 <= elevation <= 90


def test_polar_day_and_night():
    north = SunTracker(90.0, 0.0)
    assert not is_dark(north.elevation_deg(JUNE_NIGHT))
    assert is_dark(north.elevation_deg(DEC_NOON))


def test_lowest_sample_in_a_window_crossing_dusk():
    # Vaduz midsummer: civil dusk ~20:05 UTC. A run 19:30-20:30 ends in the dark.
    tracker = SunTracker(*VADUZ)
    start = datetime(2026, 6, 21, 19, 30, tzinfo=UTC)
    when, elevation = tracker.lowest(start, start + timedelta(hours=1))
    assert when == start + timedelta(hours=1)
    assert is_dark(elevation)
    assert not is_dark(tracker.elevation_deg(start))


def test_sample_times_hit_quarter_hours_inside():
    start = datetime(2026, 6, 21, 10, 20, tzinfo=UTC)
    times = sample_times(start, start + timedelta(minutes=50))
    assert [t.strftime("%H:%M") for t in times] == ["10:20", "10:30", "10:45", "11:00", "11:10"]


def test_sample_times_on_boundaries():
    start = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
    times = sample_times(start, start + timedelta(minutes=30))
    assert [t.strftime("%H:%M") for t in times] == ["10:00", "10:15", "10:30"]


def test_elevations_are_memoised(monkeypatch):
    calls = []
    real = daylight.elevation
    monkeypatch.setattr(daylight, "elevation", lambda obs, when: calls.append(when) or real(obs, when))
    tracker = SunTracker(*VADUZ)
    tracker.lowest(NOON, NOON + timedelta(hours=1))
    tracker.lowest(NOON + timedelta(minutes=15), NOON + timedelta(hours=1, minutes=15))
    assert len(calls) == len(set(calls)) == tracker.calls == 6
