"""advise(): verdict ranking, fail-safes, composite scenarios, MET-like input, outlook and the next
safe window."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from backrun.safety import daylight
from backrun.safety.rules import Reason
from backrun.safety.verdict import advise, approximate_local_midnight, outlook_times, sort_reasons, verdict_of
from tests.support.forecasts import (
    DEC_NOON,
    JUNE_NIGHT,
    MET_CALM,
    NOON,
    VADUZ,
    codes,
    forecast,
    hourly,
    quarters,
    run_advice,
    whole_hour,
)

RAIN = {"precipitation_mm": 1.2, "weather_code": 61}


def reason_codes(advice) -> list[str]:
    return [r.code for r in advice.reasons]


# --- the happy path and the output shape -----------------------------------------------------------
def test_clear_mild_dry_calm_day_is_go():
    advice = run_advice(forecast())
    assert advice.verdict == "go"
    assert advice.reasons == ()
    assert [h.verdict for h in advice.outlook] == ["go"] * 6
    assert advice.next_safe_window is None
    assert advice.data_age_s == 600.0
    assert (advice.window_start, advice.window_end) == (NOON, NOON + timedelta(minutes=60))


def test_to_dict_is_json_ready_with_iso_offsets():
    data = run_advice(forecast(changes={0: {"wind_gusts_kmh": 45}, 1: RAIN}), start=NOON).to_dict()
    json.dumps(data)
    assert set(data) == {
        "verdict",
        "reasons",
        "window_start",
        "window_end",
        "outlook",
        "next_safe_window",
        "data_age_s",
        "ground",
    }
    assert data["verdict"] == "caution"
    assert data["window_start"] == "2026-06-21T12:00:00+00:00"
    assert data["window_end"] == "2026-06-21T13:00:00+00:00"
    assert data["reasons"] == [
        {
            "code": "strong_gusts",
            "severity": "caution",
            "hazard": "wind",
            "message": data["reasons"][0]["message"],
            "evidence": {"at": "2026-06-21T12:00:00+00:00", "gust_kmh": 45, "gust_estimated": False},
        }
    ]
    assert data["outlook"][0] == {"time": "2026-06-21T13:00:00+00:00", "verdict": "indoors"}
    assert data["ground"]["state"] == "dry" and data["ground"]["confidence"] == "high"
    assert data["ground"]["story"].endswith(": dry ground")
    assert len(data["outlook"]) == 6
    assert data["next_safe_window"] is None or set(data["next_safe_window"]) == {"start", "end"}
    assert data["data_age_s"] == 600.0


def test_to_dict_next_safe_window_shape():
    data = run_advice(forecast(changes={0: {"wind_gusts_kmh": 45}})).to_dict()
    assert data["next_safe_window"] == {
        "start": "2026-06-21T13:00:00+00:00",
        "end": "2026-06-21T14:00:00+00:00",
    }


def test_start_and_now_are_returned_in_utc():
    cest = timezone(timedelta(hours=2))
    advice = advise(
        forecast(),
        latitude=VADUZ[0],
        longitude=VADUZ[1],
        start=NOON.astimezone(cest),
        minutes=30,
        now=NOON.astimezone(cest),
    )
    assert advice.window_start == NOON and advice.window_start.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": NOON.replace(tzinfo=None)},
        {"now": NOON.replace(tzinfo=None)},
        {"minutes": 0},
        {"minutes": -5},
    ],
)
def test_invalid_arguments(kwargs):
    args = {"latitude": 47.1, "longitude": 9.5, "start": NOON, "minutes": 30, "now": NOON} | kwargs
    with pytest.raises(ValueError, match="timezone-aware|minutes must be positive"):
        advise(forecast(), **args)


# --- ranking and ordering -------------------------------------------------------------------------
# Codes of one hazard group ("ground"), so only severity and rule order decide the order.
GROUND = ["frost", "black_ice", "wet_surface", "near_freezing", "freezing_rain"]


def reason(code, severity):
    return Reason(code, severity, "m.", {})


@pytest.mark.parametrize(
    ("severities", "verdict"),
    [
        ([], "go"),
        (["caution"], "caution"),
        (["caution", "unknown"], "unknown"),
        (["unknown", "indoors", "caution"], "indoors"),
        (["caution", "indoors"], "indoors"),
    ],
)
def test_verdict_ranking(severities, verdict):
    assert verdict_of([reason(code, s) for code, s in zip(GROUND, severities, strict=False)]) == verdict


def test_reasons_sorted_most_severe_first_and_stable_within():
    given = [
        reason("frost", "caution"),
        reason("black_ice", "indoors"),
        reason("wet_surface", "unknown"),
        reason("near_freezing", "caution"),
        reason("freezing_rain", "indoors"),
    ]
    assert [r.code for r in sort_reasons(given)] == [
        "black_ice",
        "freezing_rain",
        "wet_surface",
        "frost",
        "near_freezing",
    ]


def test_mixed_severities_in_a_real_advice():
    run = {**RAIN, "temperature_c": 24, "relative_humidity_pct": None, "dew_point_c": None, "uv_index": 9}
    advice = run_advice(forecast(changes={0: run}))
    assert codes(advice.reasons) == [("rain", "indoors"), ("heat", "unknown"), ("uv", "caution")]
    assert advice.verdict == "indoors"


# --- fail-safes -----------------------------------------------------------------------------------
def test_no_forecast_is_unknown():
    advice = run_advice(None)
    assert advice.verdict == "unknown"
    assert codes(advice.reasons) == [("no_data", "unknown")]
    assert "check conditions yourself" in advice.reasons[0].message.lower()
    assert [h.verdict for h in advice.outlook] == ["unknown"] * 6
    assert advice.next_safe_window is None and advice.data_age_s is None


@pytest.mark.parametrize(
    ("age", "verdict"),
    [
        (timedelta(hours=1, minutes=59), "go"),
        (timedelta(hours=2), "go"),
        (timedelta(hours=2, minutes=1), "unknown"),
    ],
)
def test_stale_after_two_hours(age, verdict):
    advice = run_advice(forecast(age=age))
    assert advice.verdict == verdict
    assert ("stale_data" in reason_codes(advice)) is (verdict == "unknown")


def test_stale_data_blocks_outlook_and_next_window_but_hazards_still_count():
    advice = run_advice(forecast(age=timedelta(hours=3), changes={0: RAIN}))
    assert codes(advice.reasons) == [("rain", "indoors"), ("stale_data", "unknown")]
    assert all(h.verdict != "go" for h in advice.outlook)
    assert advice.next_safe_window is None
    assert advice.reasons[1].evidence == {"data_age_s": 10800, "max_age_s": 7200}


def test_no_steps_for_the_run_is_missing_data():
    hours = [s for s in hourly(NOON) if s.start != NOON]
    advice = run_advice(forecast(hours=hours))
    assert advice.verdict == "unknown"
    [missing] = advice.reasons
    assert missing.code == "missing_data"
    assert missing.evidence["uncovered_from"] == "2026-06-21T12:00:00+00:00"
    assert missing.evidence["uncovered_to"] == "2026-06-21T13:00:00+00:00"


def test_forecast_ending_mid_run_is_missing_data():
    advice = run_advice(forecast(after=1), minutes=90)
    assert advice.verdict == "unknown" and "missing_data" in reason_codes(advice)


def test_uncovered_thunder_margin_after_the_run_is_missing_data():
    advice = run_advice(forecast(after=1), minutes=60)
    [missing] = advice.reasons
    assert missing.evidence == {
        "thunder_watch_uncovered_from": "2026-06-21T13:00:00+00:00",
        "thunder_watch_uncovered_to": "2026-06-21T13:30:00+00:00",
    }


@pytest.mark.parametrize(
    ("blank", "verdict"),
    [
        (("temperature_c",), "unknown"),
        (("precipitation_mm",), "unknown"),
        (("weather_code",), "unknown"),
        (("wind_gusts_kmh", "wind_speed_kmh"), "unknown"),
        (("wind_gusts_kmh",), "go"),  # estimated from the mean wind
        (("wind_speed_kmh",), "go"),
        (
            (
                "surface_temperature_c",
                "visibility_m",
                "dew_point_c",
                "uv_index",
                "snow_depth_m",
                "snowfall_cm",
                "precipitation_probability_pct",
            ),
            "go",
        ),
    ],
)
def test_required_variables(blank, verdict):
    advice = run_advice(forecast(changes={0: dict.fromkeys(blank)}))
    assert advice.verdict == verdict
    if verdict == "unknown":
        assert codes(advice.reasons) == [("missing_data", "unknown")]


def test_a_blank_variable_in_any_overlapping_step_counts():
    advice = run_advice(forecast(changes={1: {"temperature_c": None}}), start=NOON + timedelta(minutes=30))
    assert advice.reasons[0].evidence["missing_variables"] == ["temperature_c"]


def test_thunder_with_missing_data_is_indoors():
    advice = run_advice(forecast(changes={0: {"weather_code": 95, "temperature_c": None}}))
    assert advice.verdict == "indoors"
    assert codes(advice.reasons) == [("thunder", "indoors"), ("missing_data", "unknown")]


@pytest.mark.parametrize(
    "values",
    [
        {"relative_humidity_pct": 120},
        {"precipitation_mm": -0.5},
        {"temperature_c": 10, "dew_point_c": 14},
        {"temperature_c": 61},
        {"temperature_c": -91},
        {"visibility_m": float("nan")},
        {"weather_code": 4},  # WMO 4677 haze: not a code Open-Meteo documents
        {"weather_code": 68},
        {"temperature_c": 10, "wet_bulb_c": 12},
        {"shortwave_w_m2": 2000},
        {"cloud_cover_pct": 101},
    ],
)
def test_implausible_values_are_unknown(values):
    advice = run_advice(forecast(changes={0: values}))
    assert advice.verdict in ("unknown", "indoors")
    assert advice.verdict != "go"
    assert "implausible_data" in reason_codes(advice)


def test_implausible_value_in_the_past_day_counts():
    advice = run_advice(forecast(changes={-20: {"relative_humidity_pct": 150}}))
    assert reason_codes(advice) == ["implausible_data"]
    assert advice.reasons[0].evidence["at"] == "2026-06-20T16:00:00+00:00"


def test_implausible_value_far_from_the_run_is_ignored():
    advice = run_advice(forecast(changes={6: {"relative_humidity_pct": 150}}))  # 18:00-19:00
    assert advice.verdict == "go"
    # Runs from 17:00 (thunder watch to 18:30) and 18:00 read that step.
    assert [h.verdict for h in advice.outlook] == ["go", "go", "go", "go", "unknown", "unknown"]


def test_implausible_plus_gale_is_indoors():
    advice = run_advice(forecast(changes={0: {"wind_gusts_kmh": 80, "relative_humidity_pct": 130}}))
    assert codes(advice.reasons)[:2] == [("gale", "indoors"), ("implausible_data", "unknown")]


# --- dangerous composite scenarios never give "go" -----------------------------------------------
def black_ice_night(now: datetime):
    """Evening rain, then a clear frosty night; now just above freezing."""
    changes = {
        o: {
            "precipitation_mm": 1.5,
            "weather_code": 61,
            "temperature_c": 4.0,
            "surface_temperature_c": 4.0,
            "relative_humidity_pct": 95.0,
            "dew_point_c": 3.3,
        }
        for o in range(-16, -13)
    }
    changes |= {
        o: {
            "temperature_c": -2.0,
            "surface_temperature_c": -4.0,
            "relative_humidity_pct": 70.0,
            "dew_point_c": -6.8,
        }
        for o in range(-13, -1)
    }
    return forecast(
        now,
        every={
            "temperature_c": 2.5,
            "surface_temperature_c": 1.5,
            "relative_humidity_pct": 70.0,
            "dew_point_c": -2.2,
            "uv_index": 1.0,
        },
        changes=changes,
    )


DANGEROUS = {
    "rain": (NOON, forecast(changes={0: RAIN}), "indoors", "rain"),
    "snow": (
        NOON,
        forecast(
            changes={
                0: {
                    "weather_code": 73,
                    "snowfall_cm": 0.5,
                    "precipitation_mm": 0.7,
                    "temperature_c": -2,
                    "surface_temperature_c": -3,
                    "dew_point_c": -3,
                }
            }
        ),
        "indoors",
        "snow_falling",
    ),
    "freezing rain": (
        NOON,
        forecast(
            changes={
                0: {
                    "weather_code": 61,
                    "precipitation_mm": 0.8,
                    "temperature_c": -0.5,
                    "surface_temperature_c": -1,
                    "dew_point_c": -1,
                }
            }
        ),
        "indoors",
        "freezing_rain",
    ),
    "black ice": (
        DEC_NOON.replace(hour=10),
        black_ice_night(DEC_NOON.replace(hour=10)),
        "indoors",
        "black_ice",
    ),
    "gale": (NOON, forecast(changes={0: {"wind_gusts_kmh": 75, "wind_speed_kmh": 45}}), "indoors", "gale"),
    "heat": (
        NOON,
        forecast(changes={0: {"temperature_c": 34, "relative_humidity_pct": 55, "dew_point_c": 23.8}}),
        "indoors",
        "heat",
    ),
    "thick fog": (NOON, forecast(changes={0: {"visibility_m": 150, "weather_code": 45}}), "indoors", "fog"),
    "fog": (NOON, forecast(changes={0: {"visibility_m": 600, "weather_code": 45}}), "caution", "fog"),
    "night": (JUNE_NIGHT, forecast(JUNE_NIGHT), "caution", "darkness"),
    "night, wet ground": (
        JUNE_NIGHT,
        forecast(JUNE_NIGHT, changes={-1: {"precipitation_mm": 0.5}}),
        "indoors",
        "darkness",
    ),
}


@pytest.mark.parametrize(("now", "fc", "verdict", "code"), DANGEROUS.values(), ids=DANGEROUS.keys())
def test_dangerous_scenarios_are_never_go(now, fc, verdict, code):
    advice = run_advice(fc, now)
    assert advice.verdict == verdict != "go"
    assert code in reason_codes(advice)


def test_black_ice_scenario_reasons():
    now = DEC_NOON.replace(hour=10)
    advice = run_advice(black_ice_night(now), now)
    assert codes(advice.reasons) == [("black_ice", "indoors")]
    evidence = advice.reasons[0].evidence
    assert evidence["ground_state"] == "ice" and evidence["since"] == "2026-12-20T22:00:00+00:00"
    assert evidence["story"] == "Standing water since 19:00, frozen since 22:00: ice likely"
    assert advice.ground_story == evidence["story"]


def test_darkness_with_wet_ground_says_why():
    advice = run_advice(forecast(JUNE_NIGHT, changes={-1: {"precipitation_mm": 0.5}}), JUNE_NIGHT)
    assert codes(advice.reasons) == [("darkness", "indoors"), ("wet_surface", "caution")]
    assert advice.reasons[0].evidence["combined_with"] == ["wet_surface"]


def test_thunder_20_minutes_after_the_run_in_quarter_hours():
    qs = quarters(NOON, 6, changes={4: {"weather_code": 95}})  # 13:00-13:15; run ends 12:40
    advice = run_advice(forecast(quarter_hours=qs), minutes=40)
    assert advice.verdict == "indoors" and reason_codes(advice) == ["thunder"]
    assert advice.reasons[0].evidence["at"] == "2026-06-21T13:00:00+00:00"


def test_thunder_20_minutes_after_the_run_in_hourly_steps():
    advice = run_advice(forecast(changes={1: {"weather_code": 95}}), minutes=40)
    assert advice.verdict == "indoors" and reason_codes(advice) == ["thunder"]


@pytest.mark.parametrize(("minutes", "verdict"), [(29, "go"), (30, "go"), (31, "indoors")])
def test_thunder_margin_boundary(minutes, verdict):
    # Thunder in [13:00, 14:00): a run ending 12:30 has its margin end exactly at 13:00.
    advice = run_advice(forecast(changes={1: {"weather_code": 95}}), minutes=minutes)
    assert advice.verdict == verdict


def test_thunder_30_minutes_before_the_run_counts():
    advice = run_advice(forecast(changes={-1: {"weather_code": 96}}), start=NOON + timedelta(minutes=29))
    assert "thunder" in reason_codes(advice)
    advice = run_advice(forecast(changes={-1: {"weather_code": 96}}), start=NOON + timedelta(minutes=30))
    assert "thunder" not in reason_codes(advice)


# --- MET Norway-like input -------------------------------------------------------------------------
def met_forecast(now: datetime, **changes):
    """Steps [t, t+1h) from the current hour on: no history, gusts, surface temperature or visibility."""
    return forecast(now, before=0, base=MET_CALM, source="met-no", **changes)


def test_met_like_calm_dry_mild_day_is_a_caution_without_recent_history():
    # MET Norway has no past hours: recent rain can't be ruled out, so never "go".
    now = NOON + timedelta(minutes=20)
    advice = run_advice(met_forecast(now), now)
    assert advice.verdict == "caution", advice.reasons
    assert codes(advice.reasons) == [("recent_rain_unknown", "caution")]


def test_met_like_calm_dry_mild_day_with_known_dry_history_is_go():
    now = NOON + timedelta(minutes=20)
    met = met_forecast(now)
    dry_past = hourly(now, before=76, after=0, base=MET_CALM)
    advice = run_advice(replace(met, hours=dry_past + met.hours), now)
    assert advice.verdict == "go", advice.reasons


@pytest.mark.parametrize(
    ("values", "code"),
    [
        (
            {"symbol": "heavysnow", "weather_code": 75, "precipitation_mm": 2.0, "temperature_c": -1},
            "snow_falling",
        ),
        (
            {"symbol": "lightsnow_day", "weather_code": 1, "precipitation_mm": 0.3, "temperature_c": 0.5},
            "snow_falling",
        ),
        ({"symbol": "rainandthunder", "weather_code": 95, "precipitation_mm": 1.0}, "thunder"),
        (
            {"symbol": "lightssleetshowersandthunder_night", "weather_code": 1, "precipitation_mm": 0.2},
            "thunder",
        ),
        ({"symbol": "lightrain", "weather_code": 61, "precipitation_mm": 0.3}, "rain"),
        ({"wind_speed_kmh": 45}, "gale"),  # estimated gust 67.5 km/h
    ],
)
def test_met_like_hazards_are_indoors(values, code):
    now = NOON + timedelta(minutes=20)
    advice = run_advice(met_forecast(now, changes={0: values, 1: values}), now)
    assert advice.verdict == "indoors"
    assert code in reason_codes(advice)


def test_met_like_without_history_in_the_cold_is_unknown():
    now = NOON + timedelta(minutes=20)
    advice = run_advice(met_forecast(now, every={"temperature_c": 2.0, "relative_humidity_pct": 60}), now)
    assert codes(advice.reasons) == [("missing_history", "unknown"), ("near_freezing", "caution")]


def test_met_like_estimated_gust_evidence():
    now = NOON + timedelta(minutes=20)
    advice = run_advice(met_forecast(now, every={"wind_speed_kmh": 30}), now)
    [gusts] = [r for r in advice.reasons if r.code != "recent_rain_unknown"]
    assert gusts.code == "strong_gusts"
    assert gusts.evidence["gust_estimated"] is True and gusts.evidence["gust_kmh"] == 45.0


# --- quarter-hours --------------------------------------------------------------------------------
def test_quarter_hours_preferred_when_they_cover_the_run():
    # The hour has 1 mm, but it all fell in the first quarter; the run starts at 12:30.
    fc = forecast(changes={0: RAIN}, quarter_hours=quarters(NOON, 8, changes={0: RAIN}))
    advice = run_advice(fc, start=NOON + timedelta(minutes=30), minutes=30)
    assert "rain" not in reason_codes(advice)
    assert reason_codes(advice) == ["wet_surface"]  # it did rain just before the start


def test_hourly_used_when_quarter_hours_stop_short():
    fc = forecast(changes={0: RAIN}, quarter_hours=quarters(NOON, 3, changes={0: RAIN}))
    advice = run_advice(fc, start=NOON + timedelta(minutes=30), minutes=30)
    assert "rain" in reason_codes(advice)


def test_quarter_hours_take_missing_values_from_the_hour():
    fc = forecast(changes={0: {"wind_gusts_kmh": 70}}, quarter_hours=quarters(NOON, 8))
    advice = run_advice(fc, minutes=45)
    assert reason_codes(advice) == ["gale"]


# --- outlook ------------------------------------------------------------------------------------
def test_outlook_hours_and_values():
    now = NOON + timedelta(minutes=20)
    advice = run_advice(forecast(now, changes={3: RAIN}), now)
    assert [h.time for h in advice.outlook] == [whole_hour(now) + timedelta(hours=i) for i in range(1, 7)]
    # 1.2 mm at 15:00-16:00: soaked at 16:00, wet until it has evaporated (0.25 mm/h here).
    assert [h.verdict for h in advice.outlook] == ["go", "go", "indoors", "indoors", "caution", "caution"]


def test_outlook_evaluates_darkness_at_each_hour():
    now = NOON.replace(hour=18, minute=20)  # civil dusk in Vaduz ~20:01 UTC
    advice = run_advice(forecast(now), now)
    assert [h.verdict for h in advice.outlook] == [
        "go",
        "caution",
        "caution",
        "caution",
        "caution",
        "caution",
    ]


def test_outlook_past_the_forecast_is_unknown():
    advice = run_advice(forecast(after=4))
    assert [h.verdict for h in advice.outlook] == ["go", "go", "unknown", "unknown", "unknown", "unknown"]


def test_outlook_times_are_the_next_whole_hours():
    assert outlook_times(NOON) == [NOON + timedelta(hours=i) for i in range(1, 7)]
    assert outlook_times(NOON + timedelta(minutes=59))[0] == NOON + timedelta(hours=1)


# --- next safe window -----------------------------------------------------------------------------
def test_rain_now_clearing_in_three_hours():
    now = NOON + timedelta(minutes=20)
    advice = run_advice(forecast(now, changes={0: RAIN, 1: RAIN, 2: RAIN}), now)
    assert advice.verdict == "indoors"
    # Rain stops at 15:00; the ground dries by evaporation (mild, 60 %, light wind) by 19:00.
    assert advice.next_safe_window == (NOON.replace(hour=19), NOON.replace(hour=20))


def test_gusts_easing_gives_a_quarter_hour_aligned_window():
    now = NOON + timedelta(minutes=7)
    advice = run_advice(forecast(now, changes={0: {"wind_gusts_kmh": 50}}), now, minutes=30)
    assert advice.verdict == "caution"
    assert advice.next_safe_window == (NOON.replace(hour=13), NOON.replace(hour=13, minute=30))


def test_no_safe_window_before_dark():
    now = NOON + timedelta(minutes=20)
    rainy = dict.fromkeys(range(0, 8), RAIN)  # rain until 20:00, dark from ~20:01
    assert run_advice(forecast(now, changes=rainy), now).next_safe_window is None


def test_search_stops_at_local_midnight_under_the_midnight_sun():
    svalbard = (78.2, 15.6)  # sun never below -6° on 21 June; local midnight ≈ 22:58 UTC
    now = NOON.replace(hour=18)
    until_23 = dict.fromkeys(range(0, 5), RAIN)  # rain until 23:00 → dry ground from 01:00
    fc = forecast(now, changes=until_23, after=12)
    assert run_advice(fc, now, location=svalbard).next_safe_window is None
    until_18 = {-1: RAIN}  # rain until 18:00 → dried by 22:00
    fc = forecast(now, changes=until_18, after=12)
    assert run_advice(fc, now, location=svalbard).next_safe_window == (
        NOON.replace(hour=22),
        NOON.replace(hour=23),
    )


def test_approximate_local_midnight():
    assert approximate_local_midnight(NOON, 0.0) == NOON.replace(day=22, hour=0)
    assert approximate_local_midnight(NOON.replace(hour=10), -150.0) == NOON.replace(day=22, hour=10)
    assert approximate_local_midnight(NOON, 15.0) == NOON.replace(hour=23)


# --- work done (speed itself is measured in bench/, never asserted here) ---------------------
def test_astral_calls_stay_modest(monkeypatch):
    calls = []
    real = daylight.elevation
    monkeypatch.setattr(daylight, "elevation", lambda obs, when: calls.append(when) or real(obs, when))
    run_advice(forecast())
    assert len(calls) <= 40
    calls.clear()
    now = NOON + timedelta(minutes=20)
    run_advice(forecast(now, changes=dict.fromkeys(range(0, 12), RAIN)), now)  # searches to the horizon
    assert len(calls) <= 80


def test_older_history_missing_in_mild_weather_is_never_go():
    # Issue 12: the ground depends on the past 72 h; a gap in them is never "go".
    now = NOON + timedelta(minutes=20)
    advice = run_advice(forecast(now, before=3), now)
    assert codes(advice.reasons) == [("recent_rain_unknown", "caution")]


def test_recent_history_missing_in_mild_weather_is_a_caution():
    now = NOON + timedelta(minutes=20)
    advice = run_advice(forecast(now, before=0), now)
    assert codes(advice.reasons) == [("recent_rain_unknown", "caution")]
