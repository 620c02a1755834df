"""Every hazard rule just below, at and just above its thresholds, called directly."""

from __future__ import annotations

import pytest

from backrun.safety import indices, rules
from backrun.safety import thresholds as th
from tests.support.forecasts import CALM, NOON, codes, conditions, step

NONE: list = []
IN = "indoors"
CA = "caution"
UN = "unknown"


def case(rule, expected, run=None, past=None, sun=60.0, base=CALM, id=None):
    return pytest.param(rule, run, past, sun, base, expected, id=id)


def check(rule, run, past, sun, base, expected):
    assert codes(rule(conditions(run, past=past, sun=sun, base=base))) == expected


# --- thunder ------------------------------------------------------------------------------------
THUNDER = [
    case(rules.thunder, NONE, {"weather_code": 3}, id="overcast"),
    *[case(rules.thunder, [("thunder", IN)], {"weather_code": c}, id=f"code {c}") for c in (95, 96, 99)],
    case(rules.thunder, [("thunder", IN)], {"symbol": "rainandthunder"}, id="MET rainandthunder"),
    case(
        rules.thunder, [("thunder", IN)], {"symbol": "lightssnowshowersandthunder_day"}, id="MET typo symbol"
    ),
    case(rules.thunder, NONE, {"symbol": "heavyrain"}, id="MET heavyrain"),
    case(rules.thunder, NONE, {"thunder_probability_pct": 19.9}, id="probability 19.9"),
    case(rules.thunder, [("thunder", IN)], {"thunder_probability_pct": 20}, id="probability 20"),
    case(rules.thunder, [("thunder", IN)], {"thunder_probability_pct": 20.1}, id="probability 20.1"),
]

# --- freezing rain --------------------------------------------------------------------------------
WET_RUN = {"precipitation_mm": 0.1}
RAIN_RUN = {"precipitation_mm": 0.1, "weather_code": 61}
FROZEN = {
    "temperature_c": -2.0,
    "surface_temperature_c": -3.0,
    "dew_point_c": -9.0,
    "relative_humidity_pct": 60.0,
}
THAWED = {"temperature_c": 8.0, "surface_temperature_c": 9.0}
GLAZE_30H_AGO_STILL_FROZEN = {
    -30: {**FROZEN, "precipitation_mm": 2.0, "weather_code": 66},
    **dict.fromkeys(range(-29, 0), FROZEN),
}
GLAZE_30H_AGO_THEN_THAW = {
    -30: {**FROZEN, "precipitation_mm": 2.0, "weather_code": 66},
    **dict.fromkeys(range(-29, -12), FROZEN),
    **dict.fromkeys(range(-12, 0), THAWED),
}
FREEZING_RAIN = [
    *[
        case(
            rules.freezing_rain,
            [("freezing_rain", IN)],
            {"weather_code": c, "precipitation_mm": 0},
            id=f"code {c}",
        )
        for c in (56, 57, 66, 67)
    ],
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        None,
        GLAZE_30H_AGO_STILL_FROZEN,
        id="glaze 30 h ago, frozen since",
    ),
    case(rules.freezing_rain, NONE, None, GLAZE_30H_AGO_THEN_THAW, id="glaze 30 h ago, thawed since"),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        FROZEN,
        {
            -20: {**FROZEN, "weather_code": 56, "precipitation_mm": 0.0},
            **dict.fromkeys(range(-19, 0), FROZEN),
        },
        id="freezing drizzle code with 0.0 mm 20 h ago, frozen since",
    ),
    case(
        rules.freezing_rain, NONE, {**WET_RUN, "temperature_c": 0.1, "surface_temperature_c": 5}, id="air 0.1"
    ),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        {**RAIN_RUN, "temperature_c": 0.0, "surface_temperature_c": 5},
        id="air 0.0",
    ),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        {**RAIN_RUN, "temperature_c": -0.1, "surface_temperature_c": 5},
        id="air -0.1",
    ),
    case(
        rules.freezing_rain,
        NONE,
        {**WET_RUN, "temperature_c": 2, "surface_temperature_c": 0.6},
        id="surface 0.6",
    ),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        {**WET_RUN, "temperature_c": 2, "surface_temperature_c": 0.5},
        id="surface 0.5",
    ),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        {**WET_RUN, "temperature_c": 2, "surface_temperature_c": 0.4},
        id="surface 0.4",
    ),
    case(rules.freezing_rain, NONE, {"precipitation_mm": 0.09, "temperature_c": -1}, id="0.09 mm at -1"),
    case(
        rules.freezing_rain,
        NONE,
        {"precipitation_mm": 1.0, "snowfall_cm": 0.7, "temperature_c": -2, "surface_temperature_c": -2},
        id="all of it is snow",
    ),
    case(
        rules.freezing_rain,
        NONE,
        {"precipitation_mm": 1.0, "snowfall_cm": None, "weather_code": 73, "temperature_c": -2},
        id="snow code, no snowfall value",
    ),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        {"precipitation_mm": 0.5, "snowfall_cm": None, "weather_code": 61, "temperature_c": -1},
        id="rain code below zero",
    ),
    case(
        rules.freezing_rain,
        [("freezing_rain", IN)],
        {"temperature_c": -1, "surface_temperature_c": -1},
        {
            -6: {**RAIN_RUN, "temperature_c": -1, "surface_temperature_c": -1},
            **{o: {"temperature_c": -1, "surface_temperature_c": -1} for o in range(-5, 0)},
        },
        id="rain at -1 °C 6 h ago, frozen since",
    ),
]

# --- snow ---------------------------------------------------------------------------------------
SNOW = [
    *[
        case(rules.snow_falling, [("snow_falling", IN)], {"weather_code": c}, id=f"code {c}")
        for c in (71, 73, 75, 77, 85, 86)
    ],
    case(rules.snow_falling, NONE, {"snowfall_cm": 0.0}, id="snowfall 0"),
    case(rules.snow_falling, [("snow_falling", IN)], {"snowfall_cm": 0.01}, id="snowfall 0.01"),
    case(rules.snow_falling, [("snow_falling", IN)], {"symbol": "lightsnow_day"}, id="MET lightsnow"),
    case(rules.snow_falling, [("snow_falling", IN)], {"symbol": "sleetshowers_night"}, id="MET sleet"),
    case(rules.snow_falling, NONE, {"symbol": "rain"}, id="MET rain"),
    case(rules.snow_on_ground, NONE, {"snow_depth_m": 0.002}, id="depth 0.002 (0.29 mm w.e.)"),
    case(
        rules.snow_on_ground,
        [("snow_on_ground", IN)],
        {"snow_depth_m": 0.0022},
        id="depth 0.0022 (0.31 mm w.e.)",
    ),
    case(rules.snow_on_ground, [("snow_on_ground", IN)], {"snow_depth_m": 0.05}, id="depth 0.05"),
    case(
        rules.snow_on_ground,
        [("snow_on_ground", IN)],
        None,
        {-1: {"snow_depth_m": 0.02}},
        id="depth last hour",
    ),
    case(rules.snow_on_ground, NONE, None, {-2: {"snow_depth_m": 0.02}}, id="depth 2 h ago, 0 since"),
    case(
        rules.snow_on_ground,
        [("snow_on_ground", IN)],
        FROZEN,
        {
            -40: {
                **FROZEN,
                "snowfall_cm": 3.0,
                "precipitation_mm": 4.3,
                "weather_code": 73,
                "snow_depth_m": None,
            },
            **{o: {**FROZEN, "snow_depth_m": None} for o in range(-39, 0)},
        },
        id="snowfall 40 h ago, snow_depth null, cold since",
    ),
    case(
        rules.snow_on_ground,
        NONE,
        THAWED,
        {
            -40: {
                **FROZEN,
                "snowfall_cm": 3.0,
                "precipitation_mm": 4.3,
                "weather_code": 73,
                "snow_depth_m": None,
            },
            **{o: {**THAWED, "snow_depth_m": None} for o in range(-39, 0)},
        },
        id="snowfall 40 h ago, snow_depth null, mild since",
    ),
]

# --- black ice: the ORDER of wetting, freezing and thawing counts ---------------------------------
HUMID_RAIN = {
    "precipitation_mm": 1.0,
    "weather_code": 61,
    "temperature_c": 3.0,
    "surface_temperature_c": 3.0,
    "relative_humidity_pct": 95.0,
    "dew_point_c": 2.3,
}
COLD_DRY_AIR = {"temperature_c": -2.0, "dew_point_c": -9.0, "relative_humidity_pct": 58.0}
COOL_DRY_AIR = {"temperature_c": 2.0, "dew_point_c": -9.0, "relative_humidity_pct": 44.0}


def wet_then(surface: float, wet_at: int = -3, cold_from: int = -2, until: int = 0):
    """Humid rain at `wet_at`, then dry air with the surface at `surface` °C from `cold_from`."""
    past = {wet_at: HUMID_RAIN}
    past |= {o: {**COLD_DRY_AIR, "surface_temperature_c": surface} for o in range(cold_from, until)}
    return past


BLACK_ICE = [
    case(rules.black_ice, [("black_ice", IN)], None, wet_then(0.5), id="wet, then surface 0.5"),
    case(rules.black_ice, [("black_ice", IN)], None, wet_then(-0.1), id="wet, then surface -0.1"),
    case(
        rules.black_ice,
        NONE,
        {"surface_temperature_c": 5},
        {
            -3: HUMID_RAIN,
            -2: {**COOL_DRY_AIR, "surface_temperature_c": 0.6},
            -1: {**COOL_DRY_AIR, "surface_temperature_c": 0.6},
        },
        id="wet, then surface 0.6 (above ICE_SURFACE_C), air 2",
    ),
    case(
        rules.black_ice,
        [("black_ice", IN)],
        None,
        {
            -3: HUMID_RAIN,
            -2: {**COLD_DRY_AIR, "surface_temperature_c": 4.0},
            -1: {**COLD_DRY_AIR, "surface_temperature_c": 4.0},
        },
        id="wet, then air -2 over a 4 °C skin: the colder counts",
    ),
    case(
        rules.black_ice,
        [("black_ice", IN)],
        {**COLD_DRY_AIR, "surface_temperature_c": -3},
        wet_then(-3, wet_at=-50, cold_from=-49),
        id="froze 49 h ago, frozen since",
    ),
    case(
        rules.black_ice,
        NONE,
        {"surface_temperature_c": 10},
        {
            **wet_then(-3, wet_at=-50, cold_from=-49, until=-12),
            **{o: {"temperature_c": 8, "surface_temperature_c": 10} for o in range(-12, 0)},
        },
        id="froze 49 h ago, thawed 12 h ago",
    ),
    case(
        rules.black_ice,
        NONE,
        None,
        {
            -30: HUMID_RAIN,
            **{
                o: {
                    "temperature_c": -3,
                    "surface_temperature_c": -4,
                    "dew_point_c": -12,
                    "relative_humidity_pct": 50,
                }
                for o in range(-10, 0)
            },
        },
        id="rain dried before the cold",
    ),
    case(
        rules.black_ice,
        [("black_ice", IN)],
        {**COLD_DRY_AIR, "surface_temperature_c": -1},
        {-1: HUMID_RAIN},
        id="freezing during the run",
    ),
    case(
        rules.black_ice,
        NONE,
        {"temperature_c": -5, "surface_temperature_c": -6, "dew_point_c": -12, "relative_humidity_pct": 55},
        {
            o: {
                "temperature_c": -5,
                "surface_temperature_c": -6,
                "dew_point_c": -12,
                "relative_humidity_pct": 55,
            }
            for o in range(-72, 0)
        },
        id="cold dry days: no ice",
    ),
]

# --- frost --------------------------------------------------------------------------------------
HUMID = {"relative_humidity_pct": 95.0, "dew_point_c": None}
CLEAR_NIGHT = {
    "temperature_c": -2.0,
    "surface_temperature_c": -6.0,
    "relative_humidity_pct": 85.0,
    "dew_point_c": -4.2,
    "wind_speed_kmh": 3.0,
    "wind_gusts_kmh": 6.0,
    "cloud_cover_pct": 0.0,
    "shortwave_w_m2": 0.0,
}
DRY_SUNNY_COLD = {
    "temperature_c": -1.0,
    "surface_temperature_c": -2.0,
    "relative_humidity_pct": 50.0,
    "dew_point_c": -9.9,
    "wind_speed_kmh": 15.0,
    "wind_gusts_kmh": 25.0,
    "shortwave_w_m2": 400.0,
}
COLD_SKIN = {"temperature_c": 3, "surface_temperature_c": -2}


def two_hour_frost_case(expected, run, id):
    """Frost needs time to deposit (FROST_MIN_MM): the same values the hour before the run too."""
    return case(rules.frost, expected, run, {-1: run}, id=id)


FROST = [
    case(
        rules.frost,
        NONE,
        {**HUMID, "temperature_c": 3, "surface_temperature_c": -1},
        id="one humid hour at -1: not yet",
    ),
    two_hour_frost_case(NONE, {**HUMID, "temperature_c": 3, "surface_temperature_c": 0.1}, id="surface 0.1"),
    two_hour_frost_case(
        [("frost", IN)], {**HUMID, "temperature_c": 3, "surface_temperature_c": 0.0}, id="surface 0.0"
    ),
    two_hour_frost_case(
        [("frost", IN)], {**HUMID, "temperature_c": 3, "surface_temperature_c": -0.1}, id="surface -0.1"
    ),
    two_hour_frost_case(
        [("frost", IN)],
        {**COLD_SKIN, "dew_point_c": -3.0, "relative_humidity_pct": 50},
        id="dew point = surface - 1",
    ),
    two_hour_frost_case(
        NONE,
        {**COLD_SKIN, "dew_point_c": -3.1, "relative_humidity_pct": 50},
        id="dew point below surface - 1",
    ),
    two_hour_frost_case(NONE, {**COLD_SKIN, "dew_point_c": -10, "relative_humidity_pct": 89.9}, id="RH 89.9"),
    two_hour_frost_case(
        [("frost", IN)], {**COLD_SKIN, "dew_point_c": -10, "relative_humidity_pct": 90}, id="RH 90"
    ),
    two_hour_frost_case(
        [("frost", IN)],
        {**COLD_SKIN, "dew_point_c": None, "relative_humidity_pct": None},
        id="humidity unknown",
    ),
    two_hour_frost_case(
        NONE,
        {**HUMID, "temperature_c": 4.1, "surface_temperature_c": None},
        id="no surface, air 4.1 (estimate 0.1)",
    ),
    two_hour_frost_case(
        [("frost", IN)],
        {**HUMID, "temperature_c": 4.0, "surface_temperature_c": None},
        id="no surface, air 4.0 (estimate 0.0)",
    ),
    case(
        rules.frost,
        [("frost", IN)],
        None,
        {-2: {**HUMID, "surface_temperature_c": -1}, -1: {**HUMID, "surface_temperature_c": -1}},
        id="frost in the last 2 h",
    ),
    case(
        rules.frost,
        NONE,
        None,
        {-2: {**HUMID, "surface_temperature_c": -1}},
        id="frost 2 h ago, thawed since",
    ),
    case(
        rules.frost,
        [("frost", IN)],
        None,
        {
            o: {
                "weather_code": 48,
                "visibility_m": 300,
                "temperature_c": -2,
                "surface_temperature_c": -2,
                "dew_point_c": -9,
                "relative_humidity_pct": 60,
            }
            for o in (-3, -2, -1)
        },
        id="freezing fog left rime (dry dew point)",
    ),
    case(
        rules.frost,
        [("frost", IN)],
        CLEAR_NIGHT,
        dict.fromkeys(range(-8, 0), CLEAR_NIGHT),
        id="clear calm night, skin below the dew point",
    ),
    case(
        rules.frost,
        [("frost", IN)],
        DRY_SUNNY_COLD,
        {**dict.fromkeys(range(-10, -1), CLEAR_NIGHT), -1: DRY_SUNNY_COLD},
        id="frost from the night, first dry hour",
    ),
    case(
        rules.frost,
        NONE,
        DRY_SUNNY_COLD,
        {**dict.fromkeys(range(-12, -4), CLEAR_NIGHT), **dict.fromkeys(range(-4, 0), DRY_SUNNY_COLD)},
        id="frost from the night sublimated in dry sunshine",
    ),
]

NEAR_FREEZING = [
    case(rules.near_freezing, NONE, {"temperature_c": 3.1, "surface_temperature_c": 5}, id="air 3.1"),
    case(
        rules.near_freezing,
        [("near_freezing", CA)],
        {"temperature_c": 3.0, "surface_temperature_c": 5},
        id="air 3.0",
    ),
    case(
        rules.near_freezing,
        [("near_freezing", CA)],
        {"temperature_c": 2.9, "surface_temperature_c": 5},
        id="air 2.9",
    ),
    case(rules.near_freezing, NONE, {"temperature_c": 6, "surface_temperature_c": 1.1}, id="surface 1.1"),
    case(
        rules.near_freezing,
        [("near_freezing", CA)],
        {"temperature_c": 6, "surface_temperature_c": 1.0},
        id="surface 1.0",
    ),
    case(
        rules.near_freezing,
        [("near_freezing", CA)],
        {"temperature_c": 5.0, "surface_temperature_c": None},
        id="no surface, air 5.0 (estimate 1.0)",
    ),
    case(
        rules.near_freezing,
        NONE,
        {"temperature_c": 5.1, "surface_temperature_c": None},
        id="no surface, air 5.1 (estimate 1.1)",
    ),
]

HUMID_RAIN_15 = {
    "weather_code": 61,
    "temperature_c": 15.0,
    "surface_temperature_c": 15.0,
    "relative_humidity_pct": 95.0,
    "dew_point_c": 14.2,
}
OVERCAST_HUMID = {
    "temperature_c": 14.0,
    "surface_temperature_c": 14.0,
    "relative_humidity_pct": 92.0,
    "dew_point_c": 12.7,
    "wind_speed_kmh": 8.0,
    "cloud_cover_pct": 100.0,
    "shortwave_w_m2": 60.0,
}
SUNNY_BREEZY = {
    "temperature_c": 16.0,
    "surface_temperature_c": 22.0,
    "relative_humidity_pct": 65.0,
    "dew_point_c": 9.4,
    "wind_speed_kmh": 18.0,
    "wind_gusts_kmh": 30.0,
    "cloud_cover_pct": 20.0,
    "shortwave_w_m2": 550.0,
}

# --- rain ---------------------------------------------------------------------------------------
RAIN = [
    case(rules.rain, NONE, {"precipitation_mm": 0.09}, id="0.09 mm"),
    case(rules.rain, [("rain", IN)], {"precipitation_mm": 0.1}, id="0.1 mm"),
    case(rules.rain, [("rain", IN)], {"precipitation_mm": 0.11}, id="0.11 mm"),
    *[
        case(rules.rain, [("rain", IN)], {"weather_code": c}, id=f"code {c}")
        for c in (51, 53, 55, 61, 63, 65, 80, 81, 82)
    ],
    case(rules.rain, [("rain", IN)], {"symbol": "lightrainshowers_day"}, id="MET light rain showers"),
    case(
        rules.rain,
        NONE,
        {"precipitation_mm": 2.0, "snowfall_cm": 1.4, "weather_code": 73},
        id="snow, not rain",
    ),
    case(rules.rain_likely, NONE, {"precipitation_probability_pct": 29.9}, id="29.9 %"),
    case(rules.rain_likely, [("rain_likely", CA)], {"precipitation_probability_pct": 30}, id="30 %"),
    case(rules.rain_likely, [("rain_likely", CA)], {"precipitation_probability_pct": 59.9}, id="59.9 %"),
    case(rules.rain_likely, [("rain_likely", IN)], {"precipitation_probability_pct": 60}, id="60 %"),
    case(rules.rain_likely, [("rain_likely", IN)], {"precipitation_probability_pct": 60.1}, id="60.1 %"),
    case(
        rules.rain_likely,
        [("snow_likely", IN)],
        {"precipitation_probability_pct": 70, "temperature_c": -1.5},
        id="70 % at -1.5 °C: snow, not rain",
    ),
    case(
        rules.rain_likely,
        [("snow_likely", CA)],
        {"precipitation_probability_pct": 40, "temperature_c": 3, "wet_bulb_c": 0.8},
        id="40 %, wet bulb 0.8: snow",
    ),
    case(
        rules.rain_likely,
        [("rain_likely", CA)],
        {"precipitation_probability_pct": 40, "temperature_c": 3, "wet_bulb_c": 1.2},
        id="40 %, wet bulb 1.2: rain",
    ),
    case(
        rules.wet_surface, NONE, None, {-1: {**HUMID_RAIN_15, "precipitation_mm": 0.05}}, id="0.05 mm: damp"
    ),
    case(
        rules.wet_surface,
        [("wet_surface", CA)],
        None,
        {-1: {**HUMID_RAIN_15, "precipitation_mm": 0.3}},
        id="0.3 mm last hour, humid",
    ),
    case(
        rules.wet_surface,
        [("wet_surface", IN)],
        None,
        {-1: {**HUMID_RAIN_15, "precipitation_mm": 3.0}},
        id="3 mm last hour, humid: standing water",
    ),
    case(
        rules.wet_surface,
        [("wet_surface", IN)],
        None,
        {-3: {**HUMID_RAIN_15, "precipitation_mm": 3.0}, -2: OVERCAST_HUMID, -1: OVERCAST_HUMID},
        id="heavy rain ended 2 h ago, humid and grey: still soaked",
    ),
    case(
        rules.wet_surface,
        NONE,
        SUNNY_BREEZY,
        {-6: {**HUMID_RAIN_15, "precipitation_mm": 3.0}, **dict.fromkeys(range(-5, 0), SUNNY_BREEZY)},
        id="heavy rain ended 5 h ago, sun and wind: dry",
    ),
    case(
        rules.wet_surface,
        [("wet_surface", CA)],
        None,
        {-3: {"precipitation_mm": 5}},
        id="5 mm 3 h ago, mild air, no sun: drying, still wet",
    ),
    case(rules.wet_surface, NONE, None, {-6: {"precipitation_mm": 5}}, id="5 mm 6 h ago, mild air: dry"),
    case(
        rules.wet_surface,
        [("wet_surface", UN)],
        None,
        {-1: {"precipitation_mm": None}},
        id="no precipitation value last hour: soaked can't be ruled out",
    ),
    case(
        rules.black_ice,
        [("black_ice", UN)],
        FROZEN,
        {
            -3: {**FROZEN, "temperature_c": 3.0, "surface_temperature_c": 3.0, "precipitation_mm": None},
            -2: FROZEN,
            -1: FROZEN,
        },
        id="no precipitation value, then frozen: ice can't be ruled out",
    ),
]

# --- fog ----------------------------------------------------------------------------------------
FOG = [
    case(rules.freezing_fog, [("freezing_fog", IN)], {"weather_code": 48, "temperature_c": 5}, id="code 48"),
    case(rules.freezing_fog, [("freezing_fog", IN)], {"weather_code": 45, "temperature_c": 0}, id="45 at 0"),
    case(rules.freezing_fog, NONE, {"weather_code": 45, "temperature_c": 0.1}, id="45 at 0.1"),
    case(
        rules.freezing_fog,
        [("freezing_fog", IN)],
        {"visibility_m": 999, "temperature_c": -1},
        id="999 m at -1",
    ),
    case(rules.freezing_fog, NONE, {"visibility_m": 1000, "temperature_c": -1}, id="1000 m at -1"),
    case(
        rules.freezing_fog, [("freezing_fog", IN)], {"symbol": "fog", "temperature_c": -1}, id="MET fog at -1"
    ),
    case(rules.fog, NONE, {"visibility_m": 1000}, id="1000 m"),
    case(rules.fog, [("fog", CA)], {"visibility_m": 999.9}, id="999.9 m"),
    case(rules.fog, [("fog", CA)], {"visibility_m": 200}, id="200 m"),
    case(rules.fog, [("fog", IN)], {"visibility_m": 199.9}, id="199.9 m"),
    case(rules.fog, [("fog", CA)], {"weather_code": 45}, id="code 45"),
    case(rules.fog, [("fog", CA)], {"symbol": "fog", "visibility_m": None}, id="MET fog"),
]

# --- wind ---------------------------------------------------------------------------------------
WIND = [
    case(rules.gusts, NONE, {"wind_gusts_kmh": 39.9}, id="gust 39.9"),
    case(rules.gusts, [("strong_gusts", CA)], {"wind_gusts_kmh": 40}, id="gust 40"),
    case(rules.gusts, [("strong_gusts", CA)], {"wind_gusts_kmh": 61.9}, id="gust 61.9"),
    case(rules.gusts, [("gale", IN)], {"wind_gusts_kmh": 62}, id="gust 62"),
    case(rules.gusts, [("gale", IN)], {"wind_gusts_kmh": 62.1}, id="gust 62.1"),
    case(rules.gusts, NONE, {"wind_gusts_kmh": None, "wind_speed_kmh": 26.6}, id="estimated 39.9"),
    case(
        rules.gusts,
        [("strong_gusts", CA)],
        {"wind_gusts_kmh": None, "wind_speed_kmh": 26.7},
        id="estimated 40.05",
    ),
    case(rules.gusts, [("gale", IN)], {"wind_gusts_kmh": None, "wind_speed_kmh": 41.4}, id="estimated 62.1"),
]

# --- cold: calm air (< 4.8 km/h) so the wind chill is the air temperature -----------------------
CALM_AIR = {"wind_speed_kmh": 3.0, "wind_gusts_kmh": 5.0}
COLD = [
    case(rules.wind_chill, NONE, {**CALM_AIR, "temperature_c": -9.9}, id="-9.9 calm"),
    case(rules.wind_chill, [("wind_chill", CA)], {**CALM_AIR, "temperature_c": -10}, id="-10 calm"),
    case(rules.wind_chill, [("wind_chill", CA)], {**CALM_AIR, "temperature_c": -26.9}, id="-26.9 calm"),
    case(rules.wind_chill, [("wind_chill", IN)], {**CALM_AIR, "temperature_c": -27}, id="-27 calm"),
    case(
        rules.wind_chill,
        [("wind_chill", IN)],
        {"temperature_c": -20, "wind_speed_kmh": 30, "wind_gusts_kmh": 45},
        id="-20 with 30 km/h = -32.6",
    ),
    case(
        rules.wind_chill,
        [("wind_chill", CA)],
        {"temperature_c": -5, "wind_speed_kmh": 20, "wind_gusts_kmh": 30},
        id="-5 with 20 km/h = -11.6",
    ),
    case(
        rules.wind_chill,
        NONE,
        {"temperature_c": -5, "wind_speed_kmh": 4.7, "wind_gusts_kmh": 8},
        id="-5 below 4.8 km/h",
    ),
    case(
        rules.wind_chill,
        NONE,
        {"temperature_c": 10.1, "wind_speed_kmh": 80, "wind_gusts_kmh": 90},
        id="above 10 °C",
    ),
    case(
        rules.wind_chill,
        [("wind_chill", CA)],
        {"temperature_c": -8, "wind_speed_kmh": None, "wind_gusts_kmh": 30},
        id="mean wind from gusts",
    ),
]

# --- light --------------------------------------------------------------------------------------
LIGHT = [
    case(rules.darkness, NONE, sun=-5.9, id="sun -5.9"),
    case(rules.darkness, NONE, sun=-6.0, id="sun -6.0"),
    case(rules.darkness, [("darkness", CA)], sun=-6.1, id="sun -6.1"),
    case(rules.darkness, NONE, sun=None, id="no sun sample"),
    case(rules.uv, NONE, {"uv_index": 7.9}, id="UV 7.9"),
    case(rules.uv, [("uv", CA)], {"uv_index": 8}, id="UV 8"),
    case(rules.uv, [("uv", CA)], {"uv_index": 8.1}, id="UV 8.1"),
]


@pytest.mark.parametrize(
    ("rule", "run", "past", "sun", "base", "expected"),
    THUNDER + FREEZING_RAIN + SNOW + BLACK_ICE + FROST + NEAR_FREEZING + RAIN + FOG + WIND + COLD + LIGHT,
)
def test_rule_thresholds(rule, run, past, sun, base, expected):
    check(rule, run, past, sun, base, expected)


def test_calm_conditions_fire_no_rule():
    c = conditions()
    assert [r for rule in rules.HAZARD_RULES for r in rule(c)] == []


# --- heat: thresholds checked on the index values the rule sees ---------------------------------
@pytest.mark.parametrize(
    ("wbgt", "heat_index", "expected"),
    [
        (22.99, 0.0, NONE),
        (23.0, 0.0, [("heat", CA)]),
        (27.99, 0.0, [("heat", CA)]),
        (28.0, 0.0, [("heat", IN)]),
        (28.01, 0.0, [("heat", IN)]),
        (0.0, 31.99, NONE),
        (0.0, 32.0, [("heat", CA)]),
        (0.0, 39.39, [("heat", CA)]),
        (0.0, 39.4, [("heat", IN)]),
        (0.0, 39.41, [("heat", IN)]),
    ],
)
def test_heat_thresholds(monkeypatch, wbgt, heat_index, expected):
    monkeypatch.setattr(indices, "wbgt_screening_c", lambda t, e: wbgt)
    monkeypatch.setattr(indices, "heat_index_c", lambda t, rh: heat_index)
    assert codes(rules.heat(conditions({"temperature_c": 30}))) == expected


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        pytest.param({"temperature_c": 15, "relative_humidity_pct": 60}, NONE, id="mild"),
        pytest.param(
            {"temperature_c": 27, "relative_humidity_pct": 40, "dew_point_c": 12.2},
            [("heat", CA)],
            id="27 °C 40 % (WBGT 24.4)",
        ),
        pytest.param(
            {"temperature_c": 35, "relative_humidity_pct": 60, "dew_point_c": 26},
            [("heat", IN)],
            id="35 °C 60 %",
        ),
        pytest.param(
            {"temperature_c": 30, "relative_humidity_pct": None, "dew_point_c": 24},
            [("heat", IN)],
            id="humidity from dew point",
        ),
        pytest.param(
            {"temperature_c": 22.9, "relative_humidity_pct": None, "dew_point_c": None},
            NONE,
            id="22.9 °C humidity unknown",
        ),
        pytest.param(
            {"temperature_c": 23, "relative_humidity_pct": None, "dew_point_c": None},
            [("heat", UN)],
            id="23 °C humidity unknown",
        ),
    ],
)
def test_heat_with_real_indices(run, expected):
    assert codes(rules.heat(conditions(run))) == expected


def test_heat_reports_the_worst_step():
    c = conditions({"temperature_c": 30, "relative_humidity_pct": None, "dew_point_c": None}, minutes=30)
    later = step(c.end, 30, temperature_c=36, relative_humidity_pct=60, dew_point_c=26.8)
    both = rules.RunConditions(c.start, later.end, c.run + (later,), c.around_run, c.past, c.lowest_sun)
    assert codes(rules.heat(both)) == [("heat", IN)]


# --- evidence -----------------------------------------------------------------------------------
def test_estimated_gust_says_so_in_the_evidence():
    [reason] = rules.gusts(conditions({"wind_gusts_kmh": None, "wind_speed_kmh": 43.2}))
    assert reason.code == "gale"
    assert reason.evidence["gust_kmh"] == 64.8
    assert reason.evidence["gust_estimated"] is True
    assert reason.evidence["gust_factor"] == th.GUST_FACTOR
    assert reason.evidence["at"] == "2026-06-21T12:00:00+00:00"


def test_measured_gust_evidence():
    [reason] = rules.gusts(conditions({"wind_gusts_kmh": 64.8}))
    assert reason.evidence == {"at": "2026-06-21T12:00:00+00:00", "gust_kmh": 64.8, "gust_estimated": False}


@pytest.mark.parametrize(
    ("rule", "run", "past", "sun"),
    [
        (rules.thunder, {"weather_code": 95}, None, 60.0),
        (rules.freezing_rain, {"weather_code": 66}, None, 60.0),
        (rules.snow_falling, {"weather_code": 73}, None, 60.0),
        (rules.snow_on_ground, {"snow_depth_m": 0.05}, None, 60.0),
        (rules.black_ice, None, wet_then(-2), 60.0),
        (
            rules.frost,
            {"surface_temperature_c": -2, "relative_humidity_pct": 95},
            {-1: {"surface_temperature_c": -2, "relative_humidity_pct": 95}},
            60.0,
        ),
        (rules.near_freezing, {"temperature_c": 2}, None, 60.0),
        (rules.rain, {"precipitation_mm": 1}, None, 60.0),
        (rules.rain_likely, {"precipitation_probability_pct": 40}, None, 60.0),
        (rules.wet_surface, None, {-1: {"precipitation_mm": 1}}, 60.0),
        (rules.freezing_fog, {"weather_code": 48}, None, 60.0),
        (rules.fog, {"visibility_m": 500}, None, 60.0),
        (rules.gusts, {"wind_gusts_kmh": 50}, None, 60.0),
        (rules.heat, {"temperature_c": 35, "relative_humidity_pct": 60, "dew_point_c": 26}, None, 60.0),
        (rules.wind_chill, {"temperature_c": -30}, None, 60.0),
        (rules.darkness, None, None, -20.0),
        (rules.uv, {"uv_index": 9}, None, 60.0),
    ],
)
def test_every_reason_is_complete_and_json_ready(rule, run, past, sun):
    import json

    [reason] = rule(conditions(run, past=past, sun=sun))
    assert reason.code.isidentifier() and reason.code == reason.code.lower()
    assert reason.severity in ("indoors", "caution", "unknown")
    assert len(reason.message) > 40 and reason.message.endswith(".")
    assert reason.evidence, "evidence must say what fired the rule"
    json.dumps(reason.to_dict())


# --- composition ----------------------------------------------------------------------------------
def r(code, severity="caution"):
    return rules.Reason(code, severity, f"{code}.", {"at": "x"})


@pytest.mark.parametrize(
    ("present", "dropped"),
    [
        (["frost", "near_freezing"], "near_freezing"),
        (["black_ice", "near_freezing"], "near_freezing"),
        (["freezing_fog", "fog"], "fog"),
        (["rain", "rain_likely"], "rain_likely"),
    ],
)
def test_superseded_reasons_are_dropped(present, dropped):
    kept = [x.code for x in rules.combine([r(code) for code in present])]
    assert dropped not in kept and len(kept) == len(present) - 1


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("near_freezing", "indoors"),
        ("wet_surface", "indoors"),
        ("fog", "indoors"),
        ("strong_gusts", "indoors"),
        ("uv", "caution"),
        ("rain_likely", "caution"),
        ("wind_chill", "caution"),
    ],
)
def test_darkness_escalates_only_with_surface_visibility_or_wind(other, expected):
    darkness = next(x for x in rules.combine([r("darkness"), r(other)]) if x.code == "darkness")
    assert darkness.severity == expected
    if expected == "indoors":
        assert darkness.evidence["combined_with"] == [other]


def test_darkness_does_not_escalate_on_an_indoors_reason_of_the_same_code():
    out = rules.combine([r("darkness"), r("fog", "indoors")])
    assert next(x for x in out if x.code == "darkness").severity == "caution"


def test_quick_check_order_has_every_rule_once():
    assert sorted(f.__name__ for f in rules.QUICK_CHECK_ORDER) == sorted(
        f.__name__ for f in rules.HAZARD_RULES
    )


# --- data quality helpers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({}, True),
        ({"relative_humidity_pct": 100}, True),
        ({"relative_humidity_pct": 100.1}, False),
        ({"relative_humidity_pct": -0.1}, False),
        ({"precipitation_mm": -0.1}, False),
        ({"snowfall_cm": -1}, False),
        ({"snow_depth_m": -0.01}, False),
        ({"visibility_m": -5}, False),
        ({"uv_index": -1}, False),
        ({"precipitation_probability_pct": 101}, False),
        ({"thunder_probability_pct": -1}, False),
        ({"wind_speed_kmh": -1}, False),
        ({"temperature_c": 60, "dew_point_c": 20}, True),
        ({"temperature_c": 60.1}, False),
        ({"temperature_c": -90, "dew_point_c": -90, "surface_temperature_c": -90}, True),
        ({"temperature_c": -90.1}, False),
        ({"surface_temperature_c": 80}, True),
        ({"surface_temperature_c": 80.1}, False),
        ({"temperature_c": 10, "dew_point_c": 11}, True),
        ({"temperature_c": 10, "dew_point_c": 11.1}, False),
        ({"wind_speed_kmh": 30, "wind_gusts_kmh": 20}, True),
        # A gust below the mean is no longer an error: gust_kmh uses mean × GUST_FACTOR instead (issue 12).
        ({"wind_speed_kmh": 30, "wind_gusts_kmh": 19.9}, True),
        ({"weather_code": 4}, False),
        ({"weather_code": 91}, True),
        ({"weather_code": 0}, True),
        ({"temperature_c": 5, "wet_bulb_c": 6.1}, False),
        ({"shortwave_w_m2": 1401}, False),
        ({"temperature_c": float("nan")}, False),
        ({"wind_gusts_kmh": float("inf")}, False),
    ],
)
def test_step_problems(values, ok):
    assert (rules.step_problems(step(NOON, **values)) == []) is ok
