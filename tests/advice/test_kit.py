"""The kit list: layers across feels-like bands, gloves always, sun by UV, light in the dark, and
the runner's offset from "runs hot / cold" and post-run feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backrun.advice import kit
from backrun.advice.kit import KitWeather, kit_for, offset_c, weather_for_kit
from backrun.safety.rules import RunConditions
from tests.support.forecasts import NOON, step


def weather(feels=15.0, *, wind=5.0, uv=1.0, dark=False, wet=False) -> KitWeather:
    return KitWeather(feels, wind, uv, dark, wet)


@pytest.mark.parametrize(
    ("feels", "top"),
    [
        (25, "T-shirt or singlet"),
        (20, "T-shirt or singlet"),
        (19.9, "T-shirt"),
        (12, "T-shirt"),
        (11.9, "Long-sleeved top"),
        (6, "Long-sleeved top"),
        (5.9, "Long-sleeved base layer and a light jacket"),
        (0, "Long-sleeved base layer and a light jacket"),
        (-0.1, "Thermal base layer and a windproof jacket"),
        (-8, "Thermal base layer and a windproof jacket"),
        (-8.1, "Thermal base layer, a warm mid layer and a windproof jacket"),
    ],
)
def test_layers_follow_the_feels_like_bands(feels, top):
    items = {i.code: i.text for i in kit_for(weather(feels)).items}
    assert items["top"] == top


def test_gloves_and_flat_shoes_are_always_on_the_list():
    for feels in (-20, 0, 10, 30):
        listed = kit_for(weather(feels))
        assert "gloves" in listed.codes() and listed.codes()[-1] == "shoes"
    assert "Warm gloves" in {i.code: i.text for i in kit_for(weather(3)).items}["gloves"]
    assert "Thin gloves" in {i.code: i.text for i in kit_for(weather(20)).items}["gloves"]


def test_warm_hat_in_the_cold_and_a_cap_in_sun_or_rain():
    assert "hat" in kit_for(weather(1)).codes() and "cap" not in kit_for(weather(1)).codes()
    assert "cap" in kit_for(weather(18, uv=5)).codes()
    assert "cap" in kit_for(weather(18, wet=True)).codes()
    assert not {"hat", "cap"} & set(kit_for(weather(18, uv=1)).codes())


def test_sun_protection_by_uv():
    assert "sun" not in kit_for(weather(20, uv=2.9)).codes()
    assert "sun" in kit_for(weather(20, uv=3)).codes()
    very_high = {i.code: i.text for i in kit_for(weather(20, uv=9)).items}["sun"]
    assert "very high" in very_high


def test_bright_kit_and_a_light_only_in_the_dark():
    assert "bright" in kit_for(weather(10, dark=True)).codes()
    assert "bright" not in kit_for(weather(10, dark=False)).codes()


def test_windproof_layer_when_windy_and_cool():
    assert "windproof" in kit_for(weather(10, wind=25)).codes()
    assert "windproof" not in kit_for(weather(10, wind=10)).codes()
    assert "windproof" not in kit_for(weather(20, wind=25)).codes()


def test_without_weather_the_basics_every_backward_run_needs():
    listed = kit_for(None)
    assert listed.codes() == ["gloves", "bright", "shoes"]
    assert "don't know the weather" in listed.note


def test_offsets_from_running_warm_or_cold_and_feedback():
    assert offset_c() == 0
    assert offset_c("hot") == kit.WARMTH_OFFSET_C["hot"] > 0
    assert offset_c("cold") < 0
    assert offset_c("normal", ["too_warm", "too_warm"]) == 2 * kit.FEEDBACK_STEP_C
    assert offset_c("normal", ["too_cold", "right", "too_cold"]) == -2 * kit.FEEDBACK_STEP_C
    # Only the newest answers count, and the offset is bounded.
    assert offset_c("normal", ["right"] * kit.FEEDBACK_RUNS + ["too_cold"] * 10) == 0
    assert offset_c("hot", ["too_warm"] * 10) == kit.MAX_OFFSET_C


def test_feedback_moves_the_list():
    # 7 °C: a long-sleeved top. Too cold twice and running cold: dressed for 2 °C, a jacket and warm gloves.
    before = kit_for(weather(7))
    after = kit_for(weather(7), offset_c("cold", ["too_cold", "too_cold"]))
    assert {i.code: i.text for i in before.items}["top"] == "Long-sleeved top"
    assert {i.code: i.text for i in after.items}["top"] == "Long-sleeved base layer and a light jacket"
    assert after.dress_for_c == 2 and "−5 °C" in after.note
    lighter = kit_for(weather(10), offset_c("hot", ["too_warm"]))
    assert {i.code: i.text for i in lighter.items}["top"] == "T-shirt"


def test_weather_for_kit_reads_the_run():
    run = (
        step(NOON, temperature_c=2.0, wind_speed_kmh=20.0, uv_index=0.5),
        step(
            NOON + timedelta(hours=1),
            temperature_c=5.0,
            wind_speed_kmh=10.0,
            precipitation_probability_pct=40.0,
        ),
    )
    c = RunConditions(NOON, NOON + timedelta(hours=2), run, run, (), (NOON, -10.0))
    summary = weather_for_kit(c)
    assert summary.feels_like_c < 0  # wind chill at 2 °C and 20 km/h
    assert summary.wind_kmh == 20.0 and summary.uv_index == 3.0  # the second step keeps the CALM 3.0
    assert summary.dark and summary.wet
    assert weather_for_kit(None) is None


def test_the_note_never_says_minus_zero():
    assert "−0" not in kit_for(weather(-0.3)).note and "-0" not in kit_for(weather(-0.3)).note
    assert "−4 °C" in kit_for(weather(-4.2)).note
