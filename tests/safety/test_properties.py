"""Invariants of the safety engine over generated weather series (Hypothesis).

More precipitation, a colder surface after wetting, stronger gusts, lower visibility, a thunder
code nearer the run, or removing a variable's values never make the verdict less strict; shifting
every timestamp by a constant doesn't change it; out-of-range values never give "go".

Strictness: go < caution < unknown < indoors. For removing a *required* value (temperature,
precipitation, weather code) "unknown" also counts as at least as strict as "indoors": a hazard
computed from a value that is now missing can only give "unknown" (the product's rule for missing
data), which already tells the runner not to go out unchecked; never "go" or "caution" in its
place. Removing any other variable is held to the strict order.

The series are physically consistent, as a forecast model's are: gusts 1.5-2.5 x the mean wind,
the skin temperature at most SURFACE_BELOW_AIR_C below the air, snowfall only with snow codes,
dew point from the humidity. The place is Svalbard around midsummer, where the sun never sets, so
shifting the clock can't move a run into darkness.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.safety.verdict import advise
from backrun.weather.model import Forecast, Step

UTC = UTC
SVALBARD = (78.2, 15.6)
NOW = datetime(2026, 6, 21, 12, 20, tzinfo=UTC)
HOUR0 = NOW.replace(minute=0)
BEFORE, AFTER = 76, 8
RANK = {"go": 0, "caution": 1, "unknown": 2, "indoors": 3}

settings.register_profile(
    "safety",
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SETTINGS = settings.get_profile("safety")

CODES_DRY = (0, 1, 2, 3)
CODES_RAIN = (51, 53, 55, 61, 63, 65, 80, 81, 82)
CODES_SNOW = (71, 73, 75, 85, 86)


@st.composite
def weather(draw) -> dict:
    """One hour's weather, consistent with itself."""
    t = draw(st.floats(-12, 32, allow_nan=False).map(lambda v: round(v, 1)))
    rh = draw(st.floats(25, 100).map(lambda v: round(v, 0)))
    surface = round(t + draw(st.floats(-th.SURFACE_BELOW_AIR_C, 12)), 1)
    wind = draw(st.floats(0, 40).map(lambda v: round(v, 1)))
    gust = round(wind * draw(st.floats(th.GUST_FACTOR, 2.5)), 1)
    kind = draw(st.sampled_from(("dry", "dry", "rain", "snow", "freezing", "fog")))
    precipitation, snowfall, code = 0.0, 0.0, draw(st.sampled_from(CODES_DRY))
    if kind == "rain":
        precipitation, code = round(draw(st.floats(0.1, 6)), 1), draw(st.sampled_from(CODES_RAIN))
    elif kind == "snow":
        precipitation, code = round(draw(st.floats(0.1, 4)), 1), draw(st.sampled_from(CODES_SNOW))
        snowfall = round(precipitation * th.SNOWFALL_CM_PER_MM_WATER, 2)
    elif kind == "freezing":
        precipitation, code = round(draw(st.floats(0.1, 3)), 1), draw(st.sampled_from((56, 57, 66, 67)))
    elif kind == "fog":
        code = draw(st.sampled_from((45, 48)))
    dew_point = indices.dew_point_c(t, rh)
    return {
        "temperature_c": t,
        "relative_humidity_pct": rh,
        "dew_point_c": round(min(dew_point, t), 1),
        "surface_temperature_c": surface,
        "precipitation_mm": precipitation,
        "snowfall_cm": snowfall,
        "precipitation_probability_pct": draw(st.sampled_from((0.0, 10.0, 40.0, 80.0))),
        "snow_depth_m": draw(st.sampled_from((0.0, None))),
        "weather_code": code,
        "wind_speed_kmh": wind,
        "wind_gusts_kmh": gust,
        "visibility_m": draw(st.sampled_from((30000.0, 5000.0, 800.0, 150.0))),
        "uv_index": draw(st.sampled_from((1.0, 4.0, 9.0))),
        "cloud_cover_pct": draw(st.sampled_from((0.0, 50.0, 100.0))),
        "shortwave_w_m2": draw(st.sampled_from((0.0, 150.0, 600.0))),
    }


CALM = {
    "temperature_c": 14.0,
    "relative_humidity_pct": 60.0,
    "dew_point_c": 6.4,
    "surface_temperature_c": 16.0,
    "precipitation_mm": 0.0,
    "snowfall_cm": 0.0,
    "precipitation_probability_pct": 0.0,
    "snow_depth_m": 0.0,
    "weather_code": 1,
    "wind_speed_kmh": 8.0,
    "wind_gusts_kmh": 14.0,
    "visibility_m": 30000.0,
    "uv_index": 3.0,
    "cloud_cover_pct": 30.0,
    "shortwave_w_m2": 300.0,
}


@st.composite
def series(draw) -> list[dict]:
    """Hourly values from BEFORE hours before HOUR0 to AFTER after it: a calm base with a few
    weather spells laid over it, so dangerous and harmless histories are both common."""
    hours = [dict(CALM) for _ in range(BEFORE + AFTER)]
    for _ in range(draw(st.integers(0, 5))):
        first = draw(st.integers(0, BEFORE + AFTER - 1))
        length = draw(st.integers(1, 30))
        spell = draw(weather())
        for i in range(first, min(first + length, len(hours))):
            hours[i] = dict(spell)
    return hours


def forecast(hours: list[dict], shift: timedelta = timedelta(0)) -> Forecast:
    first = HOUR0 - timedelta(hours=BEFORE) + shift
    steps = tuple(
        Step(first + timedelta(hours=i), first + timedelta(hours=i + 1), **values)
        for i, values in enumerate(hours)
    )
    return Forecast("open-meteo", SVALBARD[0], SVALBARD[1], NOW + shift - timedelta(minutes=10), steps)


def verdict(hours: list[dict], shift: timedelta = timedelta(0), minutes: int = 45) -> str:
    return advise(
        forecast(hours, shift),
        latitude=SVALBARD[0],
        longitude=SVALBARD[1],
        start=NOW + shift,
        minutes=minutes,
        now=NOW + shift,
    ).verdict


def at_least_as_strict(new: str, old: str) -> bool:
    return RANK[new] >= RANK[old]


def index(offset: int) -> int:
    """List index of the hour at `offset` from HOUR0."""
    return BEFORE + offset


@SETTINGS
@given(series(), st.data())
def test_more_precipitation_is_never_less_strict(hours, data):
    chosen = data.draw(st.lists(st.integers(0, len(hours) - 1), min_size=1, max_size=8, unique=True))
    extra = data.draw(st.floats(0.1, 10))
    wetter = [dict(h) for h in hours]
    for i in chosen:
        h = wetter[i]
        h["precipitation_mm"] = round(h["precipitation_mm"] + extra, 1)
        if h["snowfall_cm"]:  # snow stays snow: more of it
            h["snowfall_cm"] = round(h["precipitation_mm"] * th.SNOWFALL_CM_PER_MM_WATER, 2)
    assert at_least_as_strict(verdict(wetter), verdict(hours))


@SETTINGS
@given(series(), st.data())
def test_colder_surface_after_wetting_is_never_less_strict(hours, data):
    wet = data.draw(st.integers(0, index(1)))
    hours[wet] = {**hours[wet], "precipitation_mm": max(hours[wet]["precipitation_mm"], 1.0)}
    if hours[wet]["weather_code"] in CODES_DRY + (45, 48):
        hours[wet]["weather_code"] = 61
    colder_by = data.draw(st.floats(0.5, 15))
    until = data.draw(st.integers(wet + 1, len(hours)))
    colder = [dict(h) for h in hours]
    for i in range(wet + 1, until):
        colder[i]["surface_temperature_c"] = round(colder[i]["surface_temperature_c"] - colder_by, 1)
    assert at_least_as_strict(verdict(colder), verdict(hours))


@SETTINGS
@given(series(), st.data())
def test_stronger_gusts_are_never_less_strict(hours, data):
    chosen = data.draw(
        st.lists(st.integers(index(-2), index(AFTER - 1)), min_size=1, max_size=6, unique=True)
    )
    extra = data.draw(st.floats(1, 60))
    gustier = [dict(h) for h in hours]
    for i in chosen:
        gustier[i]["wind_gusts_kmh"] = round(gustier[i]["wind_gusts_kmh"] + extra, 1)
    assert at_least_as_strict(verdict(gustier), verdict(hours))


@SETTINGS
@given(series(), st.data())
def test_lower_visibility_is_never_less_strict(hours, data):
    chosen = data.draw(
        st.lists(st.integers(index(-2), index(AFTER - 1)), min_size=1, max_size=6, unique=True)
    )
    factor = data.draw(st.floats(0.01, 0.99))
    murkier = [dict(h) for h in hours]
    for i in chosen:
        murkier[i]["visibility_m"] = round(murkier[i]["visibility_m"] * factor, 0)
    assert at_least_as_strict(verdict(murkier), verdict(hours))


def distance_to_run(i: int, minutes: int = 45) -> timedelta:
    """Time between hour i and the run (zero when they overlap): in time, not in hour indexes, so
    an hour ending 20 minutes before the start counts as nearer than one starting 55 minutes after
    the end."""
    start = HOUR0 + timedelta(hours=i - BEFORE)
    end, run_end = start + timedelta(hours=1), NOW + timedelta(minutes=minutes)
    if end <= NOW:
        return NOW - end
    if start >= run_end:
        return start - run_end
    return timedelta(0)


@SETTINGS
@given(series(), st.data())
def test_thunder_nearer_the_run_is_never_less_strict(hours, data):
    positions = st.integers(index(-4), index(AFTER - 1))
    a, b = data.draw(positions), data.draw(positions)
    far, near = sorted((a, b), key=distance_to_run, reverse=True)
    code = data.draw(st.sampled_from(sorted(th.THUNDER_CODES)))
    # A dry, quiet hour either way, so only where the thunder is differs: the thunder's code takes
    # the place of the hour's own, which must not be another signal (freezing drizzle's, say).
    for i in (far, near):
        hours[i] = {
            **hours[i],
            "precipitation_mm": 0.0,
            "snowfall_cm": 0.0,
            "weather_code": CALM["weather_code"],
        }
    thunder_far = [dict(h) for h in hours]
    thunder_far[far]["weather_code"] = code
    thunder_near = [dict(h) for h in hours]
    thunder_near[near]["weather_code"] = code
    assert at_least_as_strict(verdict(thunder_near), verdict(thunder_far))


# Values the verdict needs: without them the answer is "unknown" (see the module docstring).
REQUIRED = ("temperature_c", "precipitation_mm", "weather_code")
# Values the engine can do without: it assumes the worst in their place, so strictly never less strict.
OPTIONAL = (
    "relative_humidity_pct",
    "dew_point_c",
    "surface_temperature_c",
    "snowfall_cm",
    "snow_depth_m",
    "wind_speed_kmh",
    "cloud_cover_pct",
    "shortwave_w_m2",
)


def remove(hours: list[dict], name: str, data) -> list[dict]:
    everywhere = data.draw(st.booleans())
    chosen = (
        range(len(hours))
        if everywhere
        else data.draw(st.lists(st.integers(0, len(hours) - 1), min_size=1, max_size=12, unique=True))
    )
    removed = [dict(h) for h in hours]
    for i in chosen:
        removed[i][name] = None
    return removed


@SETTINGS
@given(series(), st.sampled_from(OPTIONAL), st.data())
def test_removing_an_optional_variables_values_is_never_less_strict(hours, name, data):
    before, after = verdict(hours), verdict(remove(hours, name, data))
    assert at_least_as_strict(after, before), (name, before, after)


@SETTINGS
@given(series(), st.sampled_from(REQUIRED), st.data())
def test_removing_a_required_variables_values_is_never_less_strict(hours, name, data):
    before, after = verdict(hours), verdict(remove(hours, name, data))
    assert at_least_as_strict(after, before) or (after == "unknown" and before == "indoors"), (
        name,
        before,
        after,
    )


@SETTINGS
@given(series(), st.integers(-20 * 24 * 60, 20 * 24 * 60))
def test_shifting_every_timestamp_does_not_change_the_verdict(hours, minutes):
    assert verdict(hours, timedelta(minutes=minutes)) == verdict(hours)


OUT_OF_RANGE = [
    ("relative_humidity_pct", 100.5),
    ("relative_humidity_pct", -3.0),
    ("temperature_c", 60.5),
    ("temperature_c", -95.0),
    ("precipitation_mm", -0.2),
    ("snowfall_cm", -1.0),
    ("snow_depth_m", -0.5),
    ("wind_speed_kmh", -4.0),
    ("wind_gusts_kmh", -1.0),
    ("visibility_m", -10.0),
    ("uv_index", -1.0),
    ("surface_temperature_c", 95.0),
    ("precipitation_probability_pct", 140.0),
    ("weather_code", 4),
    ("weather_code", 68),
    ("weather_code", 101),
    ("cloud_cover_pct", 130.0),
    ("shortwave_w_m2", 2000.0),
    ("dew_point_c", 70.0),
    ("temperature_c", float("nan")),
    ("wind_gusts_kmh", float("inf")),
]


@SETTINGS
@given(series(), st.sampled_from(OUT_OF_RANGE), st.integers(index(-th.GROUND_HISTORY_H), index(1)))
def test_out_of_range_values_never_give_go(hours, bad, i):
    name, value = bad
    hours[i] = {**hours[i], name: value}
    assert verdict(hours) != "go"


def test_the_generated_calm_series_is_go():
    """The base the series are built on is harmless, so "go" is reachable for the invariants."""
    assert verdict([dict(CALM) for _ in range(BEFORE + AFTER)]) == "go"


def test_forecast_helper_keeps_steps_contiguous():
    fc = forecast([dict(CALM) for _ in range(BEFORE + AFTER)])
    assert all(a.end == b.start for a, b in zip(fc.hours, fc.hours[1:], strict=False))
    assert replace(fc.hours[0]).start == HOUR0 - timedelta(hours=BEFORE)
