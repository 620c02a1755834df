"""Air quality, pollen and the runner's profile: the bands at and around every threshold, for each
profile, the outage rule, and the beginner / sensitivity tightening with its explanations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backrun.safety import thresholds as th
from backrun.safety.air import reading_for
from backrun.safety.profile import DEFAULT_PROFILE, Profile, parse_sensitivities
from backrun.safety.verdict import advise
from backrun.weather.model import AirHour, AirQuality
from tests.support.forecasts import DEC_NIGHT, NOON, VADUZ, forecast, whole_hour

RESPIRATORY = Profile(sensitivities=frozenset({"respiratory"}))
POLLEN = Profile(sensitivities=frozenset({"pollen"}))
HEAT = Profile(sensitivities=frozenset({"heat"}))
BEGINNER = Profile("beginner", plan_week=2)
EXPERIENCED = Profile("experienced")
PROFILES = {
    "default": DEFAULT_PROFILE,
    "experienced": EXPERIENCED,
    "beginner": BEGINNER,
    "respiratory": RESPIRATORY,
    "pollen": POLLEN,
    "heat": HEAT,
}


def air(now=NOON, *, hours: int = 12, **values) -> AirQuality:
    first = whole_hour(now) - timedelta(hours=1)
    base = {"us_aqi": 30.0, "european_aqi": 20.0, "pm2_5": 5.0, "pm10": 10.0, "ozone": 40.0}
    return AirQuality(
        VADUZ[0],
        VADUZ[1],
        now,
        tuple(AirHour(first + timedelta(hours=i), **{**base, **values}) for i in range(hours)),
    )


def verdict(profile: Profile, air_quality: AirQuality | None, fc=None, now=NOON) -> tuple[str, list[str]]:
    advice = advise(
        fc or forecast(now),
        latitude=VADUZ[0],
        longitude=VADUZ[1],
        start=now,
        minutes=60,
        now=now,
        profile=profile,
        air_quality=air_quality,
    )
    return advice.verdict, [r.code for r in advice.reasons]


# (US AQI, expected verdict per profile). Each threshold, one below it and at it.
US_BANDS = [
    (th.US_AQI_MODERATE - 1, {"default": "go", "respiratory": "go"}),
    (th.US_AQI_MODERATE, {"default": "go", "respiratory": "go"}),
    (th.US_AQI_SENSITIVE - 1, {"default": "go", "respiratory": "go"}),
    (th.US_AQI_SENSITIVE, {"default": "caution", "respiratory": "indoors"}),
    (th.US_AQI_UNHEALTHY - 1, {"default": "caution", "respiratory": "indoors"}),
    (th.US_AQI_UNHEALTHY, {"default": "indoors", "respiratory": "indoors"}),
    (301, {"default": "indoors", "respiratory": "indoors"}),
]


@pytest.mark.parametrize(("value", "expected"), US_BANDS)
@pytest.mark.parametrize("name", sorted(PROFILES))
def test_us_aqi_bands_for_every_profile(value, expected, name):
    profile = PROFILES[name]
    want = expected["respiratory"] if profile.has("respiratory") else expected["default"]
    got, codes = verdict(profile, air(us_aqi=float(value)))
    assert got == want, (value, name, codes)
    assert ("air_quality" in codes) == (want != "go")


EU_BANDS = [
    (th.EU_AQI_MODERATE - 1, {"default": "go", "respiratory": "go"}),
    (th.EU_AQI_MODERATE, {"default": "go", "respiratory": "go"}),
    (th.EU_AQI_POOR - 0.5, {"default": "go", "respiratory": "go"}),
    (th.EU_AQI_POOR, {"default": "caution", "respiratory": "indoors"}),
    (th.EU_AQI_VERY_POOR - 0.5, {"default": "caution", "respiratory": "indoors"}),
    (th.EU_AQI_VERY_POOR, {"default": "indoors", "respiratory": "indoors"}),
    (120, {"default": "indoors", "respiratory": "indoors"}),
]


@pytest.mark.parametrize(("value", "expected"), EU_BANDS)
@pytest.mark.parametrize("name", ["default", "respiratory", "beginner"])
def test_european_aqi_bands(value, expected, name):
    profile = PROFILES[name]
    want = expected["respiratory"] if profile.has("respiratory") else expected["default"]
    assert verdict(profile, air(european_aqi=float(value)))[0] == want


def test_the_stricter_of_the_two_indices_counts():
    assert verdict(DEFAULT_PROFILE, air(us_aqi=40.0, european_aqi=85.0))[0] == "indoors"
    assert verdict(DEFAULT_PROFILE, air(us_aqi=160.0, european_aqi=10.0))[0] == "indoors"


def test_only_one_index_known_is_enough():
    assert verdict(DEFAULT_PROFILE, air(us_aqi=None, european_aqi=65.0))[0] == "caution"


def test_the_worst_hour_of_the_run_counts():
    quality = air()
    hours = list(quality.hours)
    hours[2] = AirHour(
        hours[2].time, us_aqi=170.0
    )  # NOON + 1 h: the run's second half is 12:00-13:00 -> hour 12
    spiked = AirQuality(quality.latitude, quality.longitude, quality.fetched_at, tuple(hours))
    later = advise(
        forecast(NOON),
        latitude=VADUZ[0],
        longitude=VADUZ[1],
        start=NOON,
        minutes=60,
        now=NOON,
        air_quality=spiked,
    )
    assert later.verdict == "go"  # 13:00 is after the run
    assert "indoors" in [h.verdict for h in later.outlook]  # but the outlook sees it


POLLEN_LEVELS = [
    ("birch_pollen", th.POLLEN_TREE_HIGH, th.POLLEN_TREE_VERY_HIGH),
    ("alder_pollen", th.POLLEN_TREE_HIGH, th.POLLEN_TREE_VERY_HIGH),
    ("olive_pollen", th.POLLEN_TREE_HIGH, th.POLLEN_TREE_VERY_HIGH),
    ("grass_pollen", th.POLLEN_GRASS_HIGH, th.POLLEN_GRASS_VERY_HIGH),
    ("mugwort_pollen", th.POLLEN_WEED_HIGH, th.POLLEN_WEED_VERY_HIGH),
    ("ragweed_pollen", th.POLLEN_WEED_HIGH, th.POLLEN_WEED_VERY_HIGH),
]


@pytest.mark.parametrize(("kind", "high", "very_high"), POLLEN_LEVELS)
def test_pollen_levels_only_for_a_pollen_allergy(kind, high, very_high):
    for value, allergic in (
        (high - 1, "go"),
        (high, "caution"),
        (very_high - 1, "caution"),
        (very_high, "indoors"),
    ):
        assert verdict(POLLEN, air(**{kind: float(value)}))[0] == allergic, (kind, value)
        for name in ("default", "respiratory", "beginner", "experienced"):
            assert verdict(PROFILES[name], air(**{kind: float(value)}))[0] == "go", (kind, value, name)


def test_pollen_reason_names_the_kind_and_why():
    advice = advise(
        forecast(NOON),
        latitude=VADUZ[0],
        longitude=VADUZ[1],
        start=NOON,
        minutes=60,
        now=NOON,
        profile=POLLEN,
        air_quality=air(grass_pollen=50.0),
    )
    reason = advice.reasons[0]
    assert reason.code == "pollen" and "grass" in reason.message
    assert reason.evidence["stricter_for"] == "pollen"


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_air_quality_outage_leaves_the_weather_verdict_alone(name):
    for fc in (forecast(NOON), forecast(NOON, changes={0: {"wind_gusts_kmh": 45}}), None):
        with_air = advise(
            fc,
            latitude=VADUZ[0],
            longitude=VADUZ[1],
            start=NOON,
            minutes=60,
            now=NOON,
            profile=PROFILES[name],
            air_quality=None,
        )
        clean = advise(
            fc,
            latitude=VADUZ[0],
            longitude=VADUZ[1],
            start=NOON,
            minutes=60,
            now=NOON,
            profile=PROFILES[name],
            air_quality=air(),
        )
        assert with_air.verdict == clean.verdict
        assert with_air.air is None and clean.air is not None


def test_air_that_does_not_cover_the_run_is_unknown_not_clean():
    short = air(hours=1)  # only 11:00-12:00: the run 12:00-13:00 is not covered
    assert reading_for(short, NOON, NOON + timedelta(hours=1)) is None
    nulls = air(us_aqi=None, european_aqi=None)
    assert reading_for(nulls, NOON, NOON + timedelta(hours=1)) is None
    assert reading_for(air(), NOON + timedelta(minutes=20), NOON + timedelta(minutes=50)).complete


def test_partly_covered_air_still_counts_what_is_known():
    partial = air(hours=2, us_aqi=170.0)  # 11:00 and 12:00 only: a 90-minute run from noon is half covered
    reading = reading_for(partial, NOON, NOON + timedelta(minutes=90))
    assert reading is not None and not reading.complete and reading.us_aqi == 170
    assert verdict(DEFAULT_PROFILE, partial)[0] == "indoors"


# --- beginner and heat tightening --------------------------------------------------------------
FOOTING = {
    "near_freezing": {
        "every": {
            "temperature_c": 2.0,
            "surface_temperature_c": 3.0,
            "dew_point_c": -8.0,
            "relative_humidity_pct": 45.0,
        }
    },
    "strong_gusts": {"changes": {0: {"wind_gusts_kmh": 45.0}}},
}


@pytest.mark.parametrize("code", sorted(FOOTING))
def test_beginner_footing_cautions_are_indoors_and_say_why(code):
    fc = forecast(NOON, **FOOTING[code])
    default = advise(fc, latitude=VADUZ[0], longitude=VADUZ[1], start=NOON, minutes=60, now=NOON)
    beginner = advise(
        fc, latitude=VADUZ[0], longitude=VADUZ[1], start=NOON, minutes=60, now=NOON, profile=BEGINNER
    )
    assert default.verdict == "caution" and code in [r.code for r in default.reasons]
    assert beginner.verdict == "indoors"
    reason = next(r for r in beginner.reasons if r.code == code)
    assert "because you're in week 2" in reason.message
    assert reason.evidence["stricter_for"] == "beginner" and reason.evidence["default_severity"] == "caution"
    chosen = advise(
        fc,
        latitude=VADUZ[0],
        longitude=VADUZ[1],
        start=NOON,
        minutes=60,
        now=NOON,
        profile=Profile("beginner"),
    )
    assert "because you chose beginner" in next(r for r in chosen.reasons if r.code == code).message
    experienced = advise(
        fc, latitude=VADUZ[0], longitude=VADUZ[1], start=NOON, minutes=60, now=NOON, profile=EXPERIENCED
    )
    assert experienced.verdict == default.verdict


def test_beginner_darkness_is_indoors():
    now = DEC_NIGHT
    fc = forecast(
        now,
        every={
            "temperature_c": 8.0,
            "surface_temperature_c": 8.0,
            "dew_point_c": 0.0,
            "relative_humidity_pct": 57.0,
            "uv_index": 0.0,
        },
    )
    default = advise(fc, latitude=VADUZ[0], longitude=VADUZ[1], start=now, minutes=30, now=now)
    beginner = advise(
        fc, latitude=VADUZ[0], longitude=VADUZ[1], start=now, minutes=30, now=now, profile=BEGINNER
    )
    assert default.verdict == "caution" and [r.code for r in default.reasons] == ["darkness"]
    assert beginner.verdict == "indoors" and beginner.reasons[0].evidence["stricter_for"] == "beginner"


def test_heat_sensitivity_adds_a_yellow_flag_caution_and_hardens_the_heat_caution():
    warm = forecast(
        NOON,
        every={
            "temperature_c": 20.0,
            "relative_humidity_pct": 60.0,
            "dew_point_c": 12.0,
            "surface_temperature_c": 24.0,
        },
    )  # screening WBGT about 20.8 °C
    assert verdict(DEFAULT_PROFILE, None, warm)[0] == "go"
    got, codes = verdict(HEAT, None, warm)
    assert got == "caution" and codes == ["heat_sensitive"]
    hot = forecast(
        NOON,
        every={
            "temperature_c": 25.0,
            "relative_humidity_pct": 55.0,
            "dew_point_c": 15.3,
            "surface_temperature_c": 30.0,
        },
    )  # WBGT about 24.9 °C: the red-flag caution
    assert verdict(DEFAULT_PROFILE, None, hot)[0] == "caution"
    assert verdict(HEAT, None, hot)[0] == "indoors"


def test_profile_values_are_checked():
    with pytest.raises(ValueError, match="experience must be one of"):
        Profile("expert")
    with pytest.raises(ValueError, match="dust"):
        parse_sensitivities("respiratory,dust")
    assert parse_sensitivities(" Respiratory, pollen ,") == frozenset({"respiratory", "pollen"})
    assert parse_sensitivities("") == frozenset()
