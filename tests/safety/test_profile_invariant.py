"""The invariant of issue 18: no profile and no air reading ever makes advice less strict than the
default profile without air data, for the verdict, every outlook hour and the next safe window."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrun.safety.profile import DEFAULT_PROFILE, EXPERIENCES, SENSITIVITIES, Profile
from backrun.safety.rules import SEVERITY_RANK
from backrun.safety.verdict import advise
from backrun.weather.model import POLLEN, AirHour, AirQuality, Forecast
from tests.support.forecasts import CALM, DEC_NIGHT, NOON, VADUZ, step, whole_hour

maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731 - a local shorthand

STEP_VALUES = st.fixed_dictionaries(
    {
        "temperature_c": maybe(st.floats(-15, 38)),
        "relative_humidity_pct": maybe(st.floats(10, 100)),
        "surface_temperature_c": maybe(st.floats(-15, 45)),
        "precipitation_mm": maybe(st.sampled_from([0.0, 0.0, 0.0, 0.05, 0.3, 3.0])),
        "precipitation_probability_pct": maybe(st.sampled_from([0.0, 10.0, 35.0, 70.0])),
        "weather_code": maybe(st.sampled_from([0, 1, 2, 3, 45, 61, 71, 95])),
        "wind_gusts_kmh": maybe(st.floats(0, 80)),
        "uv_index": maybe(st.floats(0, 11)),
    }
)
AIR_VALUES = st.fixed_dictionaries(
    {
        "us_aqi": maybe(st.integers(0, 400).map(float)),
        "european_aqi": maybe(st.integers(0, 130).map(float)),
        **{
            name: maybe(st.sampled_from([0.0, 10.0, 25.0, 60.0, 95.0, 250.0, 600.0, 1600.0]))
            for name in POLLEN
        },
    }
)
PROFILES = st.builds(
    Profile,
    experience=st.sampled_from(EXPERIENCES),
    sensitivities=st.frozensets(st.sampled_from(SENSITIVITIES)),
    plan_week=st.one_of(st.none(), st.integers(1, 6)),
)


def strictness(advice) -> list[int]:
    """Lower is stricter: the verdict, then each outlook hour."""
    return [SEVERITY_RANK[advice.verdict], *(SEVERITY_RANK[h.verdict] for h in advice.outlook)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    now=st.sampled_from([NOON, DEC_NIGHT, NOON + timedelta(minutes=37)]),
    minutes=st.sampled_from([15, 45, 90]),
    base=STEP_VALUES,
    spikes=st.dictionaries(st.integers(-24, 11), STEP_VALUES, max_size=4),
    air_base=maybe(AIR_VALUES),
    air_spikes=st.dictionaries(st.integers(-1, 11), AIR_VALUES, max_size=3),
    profile=PROFILES,
)
def test_no_profile_and_no_air_reading_is_ever_less_strict_than_the_default(
    now, minutes, base, spikes, air_base, air_spikes, profile
):
    first = whole_hour(now)
    hours = tuple(
        step(first + timedelta(hours=i), 60, {**CALM, **base}, **spikes.get(i, {})) for i in range(-24, 12)
    )
    forecast = Forecast("open-meteo", VADUZ[0], VADUZ[1], now - timedelta(minutes=5), hours)
    air = None
    if air_base is not None:
        air = AirQuality(
            VADUZ[0],
            VADUZ[1],
            now,
            tuple(
                AirHour(first + timedelta(hours=i), **{**air_base, **air_spikes.get(i, {})})
                for i in range(-1, 12)
            ),
        )

    def run(p, a):
        return advise(
            forecast,
            latitude=VADUZ[0],
            longitude=VADUZ[1],
            start=now,
            minutes=minutes,
            now=now,
            profile=p,
            air_quality=a,
        )

    plain = run(DEFAULT_PROFILE, None)
    default_with_air = run(DEFAULT_PROFILE, air)
    fitted = run(profile, air)
    for stricter, looser in ((default_with_air, plain), (fitted, default_with_air), (fitted, plain)):
        assert all(s <= lo for s, lo in zip(strictness(stricter), strictness(looser), strict=True)), (
            stricter.verdict,
            looser.verdict,
            [r.code for r in stricter.reasons],
        )
        if looser.verdict != "go" and looser.next_safe_window is None:
            assert stricter.next_safe_window is None
        if stricter.next_safe_window is not None and looser.next_safe_window is not None:
            assert stricter.next_safe_window[0] >= looser.next_safe_window[0]
    # Every stricter reason says why it is stricter.
    plain_codes = {(r.code, r.severity) for r in default_with_air.reasons}
    for reason in fitted.reasons:
        if (reason.code, reason.severity) not in plain_codes and reason.code in {
            "near_freezing",
            "strong_gusts",
            "darkness",
            "heat",
        }:
            assert reason.evidence.get("stricter_for") and "Stricter for you" in reason.message
