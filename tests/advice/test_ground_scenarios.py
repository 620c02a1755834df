"""Issue 12 scenario classes, each both ways, in Open-Meteo's real JSON over the loopback fake and
through GET /api/v1/advice: the ORDER of wetting, freezing, thawing and drying decides the verdict.

Hour offsets are relative to the hour we are in (0); the run starts now and lasts 30 minutes.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from backrun.safety import indices
from tests.support.apps import daylit_location

NOT_GO = {"caution", "indoors", "unknown"}


def air(t: float, rh: float, surface: float | None = None, **more) -> dict:
    """Consistent air values: temperature, humidity, dew point and wet bulb (Stull 2011)."""
    dew_point = indices.dew_point_c(t, rh)
    wet_bulb = (
        t * math.atan(0.151977 * math.sqrt(rh + 8.313659))
        + math.atan(t + rh)
        - math.atan(rh - 1.676331)
        + 0.00391838 * rh**1.5 * math.atan(0.023101 * rh)
        - 4.686035
    )
    return {
        "temperature_2m": t,
        "relative_humidity_2m": rh,
        "dew_point_2m": round(dew_point, 1),
        "wet_bulb_temperature_2m": round(min(wet_bulb, t), 1),
        "soil_temperature_0cm": t if surface is None else surface,
        **more,
    }


DRY = {"precipitation": 0.0, "rain": 0.0, "snowfall": 0.0, "weather_code": 1, "precipitation_probability": 5}
CALM_GREY = {"wind_speed_10m": 6.0, "wind_gusts_10m": 12.0, "cloud_cover": 100, "shortwave_radiation": 40.0}
SUNNY_BREEZY = {
    "wind_speed_10m": 18.0,
    "wind_gusts_10m": 30.0,
    "cloud_cover": 15,
    "shortwave_radiation": 550.0,
}


def rain(mm: float, code: int = 63) -> dict:
    return {
        "precipitation": mm,
        "rain": mm,
        "snowfall": 0.0,
        "weather_code": code,
        "precipitation_probability": 90,
    }


def timeline(*spans):
    """spans: (first offset, last offset exclusive, values); later spans win. Unlisted hours: base."""

    def hours(offset: int) -> dict:
        values: dict = {}
        for first, last, given in spans:
            if first <= offset < last:
                values = {**values, **given}
        return values

    return hours


@pytest.fixture
def here():
    return daylit_location()


def advice(client, here, **params) -> dict:
    response = client.get("/api/v1/advice", query_string={"lat": here[0], "lon": here[1], **params})
    assert response.status_code == 200
    return response.json


def codes(body) -> list[str]:
    return [r["code"] for r in body["reasons"]]


# --- ice that formed days ago and stayed below zero ------------------------------------------------
FROZEN_SINCE = air(-3.0, 70, -4.0, **DRY, **CALM_GREY)


def test_ice_formed_days_ago_and_stayed_below_zero_is_indoors(client, open_meteo, here):
    open_meteo.set_weather(
        timeline(
            (-96, 30, FROZEN_SINCE),
            (-62, -58, {**air(1.0, 95, 1.0), **rain(2.0, 61)}),  # rain 62-58 h ago, then a hard frost
        )
    )
    body = advice(client, here)
    assert body["verdict"] == "indoors", body["reasons"]
    assert "black_ice" in codes(body)
    assert body["ground"]["state"] == "ice" and body["ground"]["ice_kind"] == "refrozen"
    assert datetime.fromisoformat(body["ground"]["since"]) < datetime.now(UTC) - timedelta(hours=50)
    assert "frozen since" in body["ground"]["story"].lower()


def test_cold_dry_days_without_moisture_are_not_ice(client, open_meteo, here):
    open_meteo.set_weather(timeline((-96, 30, FROZEN_SINCE)))
    body = advice(client, here)
    assert body["verdict"] != "indoors", body["reasons"]
    assert not {"black_ice", "frost", "freezing_rain", "snow_on_ground"} & set(codes(body))
    assert body["ground"]["state"] == "dry"


# --- ground thawed after a warm front --------------------------------------------------------------
FREEZING_RAIN_THEN_FROST = ((-96, 30, FROZEN_SINCE), (-70, -66, {**air(-1.0, 95, -1.5), **rain(2.5, 63)}))


def test_ground_thawed_and_dried_after_a_warm_front_is_not_indoors(client, open_meteo, here):
    warm = air(9.0, 75, 10.0, **DRY, **SUNNY_BREEZY)
    open_meteo.set_weather(timeline(*FREEZING_RAIN_THEN_FROST, (-30, 30, warm)))
    body = advice(client, here)
    assert body["verdict"] in ("go", "caution"), body["reasons"]
    assert not {"black_ice", "freezing_rain", "wet_surface"} & set(codes(body))
    assert body["ground"]["state"] == "dry"
    events = [e["state"] for e in body["ground"]["events"]]
    assert "ice" in events  # the story remembers the glaze and the thaw


def test_a_brief_mild_hour_does_not_thaw_the_glaze(client, open_meteo, here):
    open_meteo.set_weather(
        timeline(*FREEZING_RAIN_THEN_FROST, (-1, 0, air(1.5, 80, 1.0, **DRY, **CALM_GREY)))
    )
    body = advice(client, here)
    assert body["verdict"] == "indoors", body["reasons"]
    assert "freezing_rain" in codes(body) and body["ground"]["ice_kind"] == "glaze"


# --- snow cover with snow_depth null -----------------------------------------------------------------
SNOWFALL = {**air(-2.0, 92, -2.5), "precipitation": 2.9, "rain": 0.0, "snowfall": 2.0, "weather_code": 73}


def test_snow_cover_from_snowfall_when_snow_depth_is_null(client, open_meteo, here):
    open_meteo.null_variables("snow_depth")
    open_meteo.set_weather(timeline((-96, 30, air(-3.0, 75, -4.0, **DRY, **CALM_GREY)), (-30, -26, SNOWFALL)))
    body = advice(client, here)
    assert body["verdict"] == "indoors", body["reasons"]
    assert "snow_on_ground" in codes(body)
    assert body["ground"]["state"] in ("snow", "compacted_snow")
    assert not {"rain", "rain_likely", "wet_surface"} & set(codes(body))  # the phase is decided once


def test_snow_that_melted_in_a_mild_day_is_gone_when_snow_depth_is_null(client, open_meteo, here):
    open_meteo.null_variables("snow_depth")
    open_meteo.set_weather(
        timeline((-96, 30, air(10.0, 65, 12.0, **DRY, **SUNNY_BREEZY)), (-40, -37, SNOWFALL))
    )
    body = advice(client, here)
    assert body["verdict"] in ("go", "caution"), body["reasons"]
    assert "snow_on_ground" not in codes(body)


def test_snow_likely_after_the_snow_stopped_is_not_called_rain(client, open_meteo, here):
    cold = air(-1.5, 88, -2.0, **DRY, **CALM_GREY)
    open_meteo.set_weather(timeline((-96, 30, cold), (0, 3, {"precipitation_probability": 80})))
    body = advice(client, here)
    assert "snow_likely" in codes(body) and not {"rain", "rain_likely"} & set(codes(body)), body["reasons"]


def test_snow_falling_at_minus_one_and_a_half_is_snow_not_rain(client, open_meteo, here):
    cold = air(-1.5, 90, -2.0, **DRY, **CALM_GREY)
    open_meteo.set_weather(
        timeline(
            (-96, 30, cold), (-3, 3, {**SNOWFALL, **air(-1.5, 92, -2.0), "precipitation_probability": 95})
        )
    )
    body = advice(client, here)
    assert body["verdict"] == "indoors"
    assert "snow_falling" in codes(body)
    assert not {"rain", "rain_likely", "wet_surface"} & set(codes(body))
    hazards = [r["hazard"] for r in body["reasons"]]
    assert hazards == sorted(hazards, key=hazards.index)  # grouped: each hazard in one run


# --- rain that ended 2 h vs 5 h ago --------------------------------------------------------------------
def test_heavy_rain_that_ended_two_hours_ago_is_not_dry(client, open_meteo, here):
    grey = air(11.0, 92, 11.0, **DRY, **CALM_GREY)
    open_meteo.set_weather(timeline((-96, 30, grey), (-4, -2, {**air(11.0, 97, 11.0), **rain(4.0)})))
    body = advice(client, here)
    assert body["verdict"] in ("caution", "indoors"), body["reasons"]
    assert "wet_surface" in codes(body)


def test_rain_that_ended_five_hours_ago_under_sun_and_wind_has_dried(client, open_meteo, here):
    sunny = air(16.0, 60, 21.0, **DRY, **SUNNY_BREEZY)
    open_meteo.set_weather(timeline((-96, 30, sunny), (-7, -5, {**air(12.0, 97, 12.0), **rain(4.0)})))
    body = advice(client, here)
    assert body["verdict"] == "go", body["reasons"]
    assert body["ground"]["state"] == "dry"


# --- skin temperature below zero at the run start only --------------------------------------------------
def test_wet_ground_with_skin_below_zero_at_the_start_is_ice(client, open_meteo, here):
    mild_wet = air(3.0, 95, 3.0, **CALM_GREY)
    open_meteo.set_weather(
        timeline(
            (-96, 30, air(6.0, 70, 6.0, **DRY, **CALM_GREY)),
            (-2, 0, {**mild_wet, **rain(1.0, 61)}),
            (0, 1, {**air(2.0, 80, -1.0), **DRY}),  # the surface dips below zero for the run's hour only
        )
    )
    body = advice(client, here)
    assert body["verdict"] == "indoors", body["reasons"]
    assert "black_ice" in codes(body)


def test_dry_ground_with_skin_below_zero_at_the_start_is_not_ice(client, open_meteo, here):
    open_meteo.set_weather(
        timeline(
            (-96, 30, air(6.0, 55, 6.0, **DRY, **SUNNY_BREEZY)),
            (0, 1, {**air(2.0, 50, -1.0), **DRY}),
        )
    )
    body = advice(client, here)
    assert body["verdict"] in ("go", "caution"), body["reasons"]
    assert not {"black_ice", "frost", "freezing_rain"} & set(codes(body))


# --- hourly and 15-minute series that disagree: the worse one counts --------------------------------------
def test_hourly_thunder_counts_when_quarter_hours_say_clear(client, open_meteo, here):
    open_meteo.set_weather(
        {0: {"weather_code": 95}}, quarters=lambda q: {"weather_code": 1, "precipitation": 0.0}
    )
    body = advice(client, here)
    assert body["verdict"] == "indoors" and "thunder" in codes(body)


def test_quarter_hour_rain_counts_when_the_hour_says_dry(client, open_meteo, here):
    open_meteo.set_weather(
        {},
        quarters={
            0: {"weather_code": 63, "precipitation": 1.2},
            1: {"weather_code": 63, "precipitation": 1.2},
        },
    )
    body = advice(client, here)
    assert body["verdict"] == "indoors" and "rain" in codes(body)


def test_hourly_rain_counts_when_quarter_hours_show_none(client, open_meteo, here):
    open_meteo.set_weather({0: rain(2.0)}, quarters=lambda q: {"weather_code": 1, "precipitation": 0.0})
    body = advice(client, here)
    assert body["verdict"] == "indoors" and "rain" in codes(body)


def test_quarter_hour_rain_just_before_the_start_wets_the_ground(client, open_meteo, here):
    # The hour before says dry; its 15-minute steps (Open-Meteo gives the past hour) say 2.4 mm.
    grey = air(11.0, 92, 11.0, **DRY, **CALM_GREY)
    open_meteo.set_weather(
        lambda o: grey,
        quarters={
            -2: {"weather_code": 63, "precipitation": 1.2},
            -1: {"weather_code": 63, "precipitation": 1.2},
        },
    )
    body = advice(client, here)
    assert body["verdict"] in ("caution", "indoors") and "wet_surface" in codes(body), body["reasons"]


def test_hourly_and_quarter_hours_agreeing_on_dry_is_go(client, open_meteo, here):
    open_meteo.set_weather({}, quarters=lambda q: {"weather_code": 1, "precipitation": 0.0})
    assert advice(client, here)["verdict"] == "go"


# --- weather codes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", [4, 5, 10, 68, 79, 83, 100, -1])
def test_undocumented_weather_codes_are_unknown_never_go(client, open_meteo, here, code):
    open_meteo.set_weather({0: {"weather_code": code}})
    body = advice(client, here)
    assert body["verdict"] == "unknown", body["reasons"]
    assert "implausible_data" in codes(body)


@pytest.mark.parametrize("code", [91, 92, 93, 94, 95, 96, 97, 98, 99, 17, 29])
def test_every_thunder_code_is_indoors(client, open_meteo, here, code):
    open_meteo.set_weather({0: {"weather_code": code}})
    body = advice(client, here)
    assert body["verdict"] == "indoors" and "thunder" in codes(body)


def test_an_undocumented_code_days_ago_still_touches_the_ground(client, open_meteo, here):
    open_meteo.set_weather({-50: {"weather_code": 68}})
    assert advice(client, here)["verdict"] == "unknown"


def test_documented_codes_are_fine(client, open_meteo, here):
    open_meteo.set_weather({0: {"weather_code": 3}})
    assert advice(client, here)["verdict"] == "go"


# --- out-of-range values and a gap in the past --------------------------------------------------------------------
@pytest.mark.parametrize(
    "values",
    [
        {"relative_humidity_2m": 120},
        {"temperature_2m": 61.0},
        {"precipitation": -0.4},
        {"shortwave_radiation": 2500.0},
    ],
)
def test_out_of_range_values_in_the_past_days_are_unknown(client, open_meteo, here, values):
    open_meteo.set_weather({-40: values})
    assert advice(client, here)["verdict"] == "unknown"


def test_a_gap_in_the_past_block_is_never_go(client, open_meteo, here):
    open_meteo.set_weather({-30: {"precipitation": None}})
    body = advice(client, here)
    assert body["verdict"] == "caution" and codes(body) == ["recent_rain_unknown"]


def test_a_gap_in_the_past_block_with_unknown_temperature_is_unknown(client, open_meteo, here):
    open_meteo.set_weather({-30: {"temperature_2m": None}})
    body = advice(client, here)
    assert body["verdict"] == "unknown" and "missing_history" in codes(body)


def test_gust_reported_below_the_mean_wind_uses_the_gust_factor(client, open_meteo, here):
    open_meteo.set_weather(lambda o: {"wind_speed_10m": 30.0, "wind_gusts_10m": 20.0} if -1 <= o <= 2 else {})
    body = advice(client, here)
    [gust] = [r for r in body["reasons"] if r["code"] == "strong_gusts"]
    assert gust["evidence"]["gust_kmh"] == 45.0 and gust["evidence"]["gust_estimated"] is True


# --- MET Norway only ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ahead_h", [0, 3, 12])
def test_met_norway_only_is_never_go_for_any_start(client, open_meteo, met_no, here, ahead_h):
    open_meteo.fail_with(500)
    start = (datetime.now(UTC) + timedelta(hours=ahead_h)).replace(second=0, microsecond=0)
    body = advice(client, here, start=start.isoformat())
    assert body["source"] == "met-no"
    assert body["verdict"] in NOT_GO, body["reasons"]
    assert body["ground"]["confidence"] == "low"  # no past days to judge the ground by
    assert {"recent_rain_unknown", "missing_history"} & set(codes(body))


def test_met_norway_only_in_the_cold_is_unknown(client, open_meteo, met_no, here):
    open_meteo.fail_with(500)
    met_no.set_weather(hours=lambda o: {"air_temperature": -2.0, "relative_humidity": 60.0})
    start = (datetime.now(UTC) + timedelta(hours=3)).replace(second=0, microsecond=0)
    body = advice(client, here, start=start.isoformat())
    assert body["verdict"] in ("unknown", "indoors") and "missing_history" in codes(body)
