"""Every number the safety rules use, with its unit, its source and why it is set where it is.

The rules read values only from here. docs/safety-rules.md lists the same table for users and
reviewers, and a unit test checks that every name and value below also appears there.

Comparison direction (≥, >, <, ≤) is part of each rule, and is documented next to the value in
docs/safety-rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Threshold:
    name: str
    value: float
    unit: str
    source: str
    why: str


THRESHOLDS: dict[str, Threshold] = {}


def _threshold(name: str, value: float, unit: str, source: str, why: str) -> float:
    THRESHOLDS[name] = Threshold(name, value, unit, source, why)
    return value


# Short names for the sources cited most often.
_NWS_LIGHTNING = "NWS Lightning Safety, 'When thunder roars, go indoors' (https://www.weather.gov/safety/lightning)"
_OPEN_METEO_DOCS = "Open-Meteo forecast API docs (https://open-meteo.com/en/docs)"
_OPEN_METEO_CODES = "Open-Meteo WeatherCode.swift (github.com/open-meteo/open-meteo)"
_FMI = (
    "FMI pedestrian slipperiness model, Hippi et al., Meteorol. Appl. 2020, doi:10.1002/met.1955 "
    "(https://en.ilmatieteenlaitos.fi/slipperiness_and_pedestrian_weather)"
)
_BACKRUN = "Backrun proposal (research notes §6), no published threshold"
_BEAUFORT = "Beaufort scale land descriptions, Met Office (https://www.metoffice.gov.uk/weather/guides/coast-and-sea/beaufort-scale)"
_ACSM_WBGT = (
    "ACSM race WBGT flags (Road Race Management summary, "
    "https://www.rrm.com/act/newsarchives/newsarchives23/23_acsmheat.asp)"
)
_NWS_HEAT = "NWS heat index chart and Rothfusz equation (https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml)"
_EC_WIND_CHILL = (
    "Environment Canada wind chill index (https://www.canada.ca/en/environment-climate-change/"
    "services/weather-health/wind-chill-cold-weather/wind-chill-index.html)"
)

# --- Data quality -------------------------------------------------------------------------------
STALE_AFTER_S = _threshold(
    "STALE_AFTER_S", 7200, "s", _BACKRUN,
    "Showers and thunderstorms develop within hours; older data cannot clear a run.")
TEMPERATURE_MIN_C = _threshold(
    "TEMPERATURE_MIN_C", -90, "°C", "WMO world record low −89.2 °C (Vostok, 1983)",
    "Colder than any air temperature ever measured means the data is broken.")
TEMPERATURE_MAX_C = _threshold(
    "TEMPERATURE_MAX_C", 60, "°C", "WMO world record high 56.7 °C (Death Valley, 1913)",
    "Hotter than any air temperature ever measured means the data is broken.")
SURFACE_TEMPERATURE_MIN_C = _threshold(
    "SURFACE_TEMPERATURE_MIN_C", -90, "°C", "as TEMPERATURE_MIN_C",
    "Ground colder than the coldest air ever measured is not plausible.")
SURFACE_TEMPERATURE_MAX_C = _threshold(
    "SURFACE_TEMPERATURE_MAX_C", 80, "°C", "Satellite land-surface maxima are about 70 °C (Lut desert)",
    "Sunlit ground runs hotter than air, but not beyond this.")
DEW_POINT_EXCESS_MAX_C = _threshold(
    "DEW_POINT_EXCESS_MAX_C", 1, "°C", "Physics: dew point ≤ air temperature; margin for model rounding",
    "A dew point well above the air temperature is impossible, so the source is inconsistent.")
GUST_DEFICIT_MAX_KMH = _threshold(
    "GUST_DEFICIT_MAX_KMH", 10, "km/h", "Definition: a gust is the peak wind, so gust ≥ mean wind",
    "A gust far below the mean wind contradicts itself; small deficits are timing/rounding noise.")

# --- Thunder -----------------------------------------------------------------------------------
THUNDER_MARGIN_MIN = _threshold(
    "THUNDER_MARGIN_MIN", 30, "min", _NWS_LIGHTNING + "; 30-30 rule",
    "Wait 30 minutes after the last thunder; lightning strikes up to 10 miles from the storm.")
THUNDER_PROBABILITY_PCT = _threshold(
    "THUNDER_PROBABILITY_PCT", 20, "%", _BACKRUN + " (MET Norway probability_of_thunder)",
    "One in five is too high a chance of lightning for an exposed runner.")

# --- Ice, snow, freezing rain -------------------------------------------------------------------
ICE_LOOKBACK_H = _threshold(
    "ICE_LOOKBACK_H", 12, "h", _FMI + " (the model looks back four days; we use 12 h for freezing rain and frost-cold)",
    "Glaze from freezing rain overnight is still on the ground in the morning.")
FREEZING_AIR_C = _threshold(
    "FREEZING_AIR_C", 0, "°C", "Freezing point of water; " + _OPEN_METEO_CODES,
    "Rain at or below 0 °C air temperature can freeze on contact; Open-Meteo rarely codes it outside the US.")
FREEZING_SURFACE_C = _threshold(
    "FREEZING_SURFACE_C", 0.5, "°C", "UK gritting practice: road surface 'towards 0 °C' (Met Office via Nottinghamshire CC)",
    "Model skin temperature is for natural ground; keep a margin for colder paths and bridges.")
FREEZING_PRECIP_MIN_MM = _threshold(
    "FREEZING_PRECIP_MIN_MM", 0.1, "mm", _OPEN_METEO_DOCS + " (precipitation probability counts > 0.1 mm)",
    "Smallest liquid amount we trust after subtracting snowfall; smaller values are rounding noise.")
SNOWFALL_CM_PER_MM_WATER = _threshold(
    "SNOWFALL_CM_PER_MM_WATER", 0.7, "cm/mm", _OPEN_METEO_DOCS + " (snowfall: 'divide by 7' for water equivalent)",
    "Converts snowfall back to water so snow is not mistaken for rain.")
SNOW_DEPTH_M = _threshold(
    "SNOW_DEPTH_M", 0.01, "m", "gtsc/run-weather scoring engine (snow depth ≥ 0.01 m); " + _FMI,
    "Even a thin layer of snow or slush hides ice you cannot see behind you.")
SNOW_DEPTH_LOOKBACK_H = _threshold(
    "SNOW_DEPTH_LOOKBACK_H", 1, "h", _BACKRUN,
    "Snow reported on the ground in the hour before you start is still there when you set off.")
BLACK_ICE_LOOKBACK_H = _threshold(
    "BLACK_ICE_LOOKBACK_H", 24, "h", _FMI,
    "Water from yesterday's rain or melt can refreeze into black ice overnight.")
BLACK_ICE_PRECIP_MM = _threshold(
    "BLACK_ICE_PRECIP_MM", 0.2, "mm", _BACKRUN + "; " + _FMI,
    "Enough water in the last 24 h to leave puddles and films that can freeze.")
BLACK_ICE_TEMP_C = _threshold(
    "BLACK_ICE_TEMP_C", 0, "°C", _FMI + " ('temperature crosses 0 °C and there is precipitation')",
    "Water on the ground freezes at 0 °C; we use the colder of air and surface temperature.")
FROST_SURFACE_C = _threshold(
    "FROST_SURFACE_C", 0, "°C", "Frost forms when the surface is at or below 0 °C and below the dew point",
    "Hoar frost and rime make surfaces slippery without any precipitation.")
FROST_AIR_C = _threshold(
    "FROST_AIR_C", 1, "°C", "RAC: at 4 °C air or lower the road may be near or below freezing; " + _BACKRUN,
    "Without a surface temperature, clear nights cool the ground below the air, so 1 °C air can mean frost.")
FROST_DEW_POINT_MARGIN_C = _threshold(
    "FROST_DEW_POINT_MARGIN_C", 1, "°C", _BACKRUN + " (dew point vs surface temperature)",
    "Frost deposits when the surface is colder than the dew point; 1 °C margin for model error.")
FROST_HUMIDITY_PCT = _threshold(
    "FROST_HUMIDITY_PCT", 90, "%", _BACKRUN,
    "Near-saturated air deposits frost on cold ground.")
FROST_LOOKBACK_H = _threshold(
    "FROST_LOOKBACK_H", 1, "h", _BACKRUN,
    "Frost that formed just before you start is still on the ground when you set off.")
NEAR_FREEZING_AIR_C = _threshold(
    "NEAR_FREEZING_AIR_C", 3, "°C", "RAC 'car thermometer 4 °C or lower' guidance; black ice often at 1–3 °C air",
    "Shaded spots, bridges and metal covers can ice over while the air is a few degrees above zero.")
NEAR_FREEZING_SURFACE_C = _threshold(
    "NEAR_FREEZING_SURFACE_C", 1, "°C", _BACKRUN + " (1–2 °C margin on the model surface temperature)",
    "Model ground temperature just above zero still allows icy patches on real pavement.")

# --- Rain and wet surfaces -----------------------------------------------------------------------
RAIN_MM = _threshold(
    "RAIN_MM", 0.1, "mm", _OPEN_METEO_DOCS + " (precipitation probability is for > 0.1 mm)",
    "Any measurable rain makes the ground slick, and you can't see puddles behind you.")
RAIN_LIKELY_CAUTION_PCT = _threshold(
    "RAIN_LIKELY_CAUTION_PCT", 30, "%", "dawn-running-weather uses 40 %; " + _BACKRUN,
    "A real chance of getting caught by rain; have an indoor backup.")
RAIN_LIKELY_INDOORS_PCT = _threshold(
    "RAIN_LIKELY_INDOORS_PCT", 60, "%", _BACKRUN,
    "Rain is more likely than not; if it comes you run on a wet surface, which we already call indoors.")
WET_SURFACE_LOOKBACK_H = _threshold(
    "WET_SURFACE_LOOKBACK_H", 2, "h", _BACKRUN + " (no authoritative drying time found)",
    "Surfaces stay wet for a while after rain stops.")
WET_SURFACE_CAUTION_MM = _threshold(
    "WET_SURFACE_CAUTION_MM", 0.2, "mm", _BACKRUN,
    "Enough recent rain to leave damp, slick patches.")
WET_SURFACE_INDOORS_MM = _threshold(
    "WET_SURFACE_INDOORS_MM", 2, "mm", "gtsc/run-weather rain penalty saturates at 2 mm/h; " + _BACKRUN,
    "Heavy recent rain leaves puddles and running water you cannot see behind you.")

# --- Fog and visibility --------------------------------------------------------------------------
FOG_VISIBILITY_M = _threshold(
    "FOG_VISIBILITY_M", 1000, "m", "MET Norway FAQ and WMO: fog is visibility below 1 km",
    "In fog, cyclists and drivers see you late.")
DENSE_FOG_VISIBILITY_M = _threshold(
    "DENSE_FOG_VISIBILITY_M", 200, "m", _BACKRUN + " (research notes §6 row 12)",
    "Below 200 m others cannot see you in time, and you can't see them over your shoulder.")
FREEZING_FOG_C = _threshold(
    "FREEZING_FOG_C", 0, "°C", "WMO code 48 'depositing rime fog'",
    "Fog droplets freeze on the ground and leave rime you cannot see.")

# --- Wind ---------------------------------------------------------------------------------------
GUST_STRONG_KMH = _threshold(
    "GUST_STRONG_KMH", 40, "km/h", _BEAUFORT + " (force 6 starts at 39–40 km/h)",
    "Gusts this strong can push a backward runner off balance.")
GUST_GALE_KMH = _threshold(
    "GUST_GALE_KMH", 62, "km/h", _BEAUFORT + " (force 8 gale: 'generally impedes progress')",
    "Gale-force gusts can knock you over when you can't see or brace for them.")
GUST_FACTOR = _threshold(
    "GUST_FACTOR", 1.5, "×", "Durst (1960) 2-s gust / 10-min mean ≈ 1.4 over open terrain, as summarised in "
    "Masters et al., J. Appl. Meteor. Climatol. 48(3), doi:10.1175/2008JAMC1906.1; ESDU 1.52/1.05 ≈ 1.45",
    "Estimates gusts when the source gives only the mean wind; rounded up to err on the windy side.")

# --- Heat ---------------------------------------------------------------------------------------
WBGT_INDOORS_C = _threshold(
    "WBGT_INDOORS_C", 28, "°C", _ACSM_WBGT + " (black flag: cancel)",
    "Above this, races are cancelled because of heat collapse risk.")
WBGT_CAUTION_C = _threshold(
    "WBGT_CAUTION_C", 23, "°C", _ACSM_WBGT + " (red flag)",
    "High risk of heat illness; slow down and shorten the run.")
HEAT_INDEX_INDOORS_C = _threshold(
    "HEAT_INDEX_INDOORS_C", 39.4, "°C", _NWS_HEAT + " (Danger from 103 °F)",
    "Heat cramps and exhaustion likely, heat stroke possible with exertion.")
HEAT_INDEX_CAUTION_C = _threshold(
    "HEAT_INDEX_CAUTION_C", 32, "°C", _NWS_HEAT + " (Extreme Caution from 90 °F)",
    "Heat exhaustion possible with prolonged exertion.")

# --- Cold ---------------------------------------------------------------------------------------
WIND_CHILL_INDOORS_C = _threshold(
    "WIND_CHILL_INDOORS_C", -27, "°C", _EC_WIND_CHILL + "; ACSM position stand 2006 (PubMed 17095937)",
    "Risk of frostbite in prolonged exposure.")
WIND_CHILL_CAUTION_C = _threshold(
    "WIND_CHILL_CAUTION_C", -10, "°C", "ECMWF thermofeel wind chill guide ('moderate risk' from −10)",
    "Uncomfortably cold; exposed skin at risk on a long run.")
WIND_CHILL_MAX_AIR_C = _threshold(
    "WIND_CHILL_MAX_AIR_C", 10, "°C", _EC_WIND_CHILL + " (formula valid at or below 10 °C)",
    "The wind chill formula is only defined for cold air.")
WIND_CHILL_MIN_WIND_KMH = _threshold(
    "WIND_CHILL_MIN_WIND_KMH", 4.8, "km/h", _EC_WIND_CHILL + " (formula valid from 4.8 km/h)",
    "Below this the wind adds no chill and we use the air temperature.")

# --- Light and sun ------------------------------------------------------------------------------
CIVIL_TWILIGHT_DEG = _threshold(
    "CIVIL_TWILIGHT_DEG", -6, "°", "astral Depression.CIVIL; civil twilight ends at −6°",
    "Below this you need artificial light to see the ground.")
UV_VERY_HIGH = _threshold(
    "UV_VERY_HIGH", 8, "UV index", "Environment and Climate Change Canada / WHO UV index scale (Very High 8–10)",
    "Unprotected skin burns in well under an hour.")


# WMO weather codes as Open-Meteo returns them (docs table and WeatherCode.swift).
THUNDER_CODES = frozenset({95, 96, 99})
FREEZING_PRECIP_CODES = frozenset({56, 57, 66, 67})
SNOW_CODES = frozenset({71, 73, 75, 77, 85, 86})
RAIN_CODES = frozenset({51, 53, 55, 61, 63, 65, 80, 81, 82})
FOG_CODES = frozenset({45, 48})
RIME_FOG_CODE = 48

CODE_GROUPS: dict[str, frozenset[int]] = {
    "THUNDER_CODES": THUNDER_CODES,
    "FREEZING_PRECIP_CODES": FREEZING_PRECIP_CODES,
    "SNOW_CODES": SNOW_CODES,
    "RAIN_CODES": RAIN_CODES,
    "FOG_CODES": FOG_CODES,
}


# --- Air quality, pollen and the runner's profile (issue 18; rules in backrun/safety/air.py) ----
_EPA_AQI = ("US EPA AirNow AQI activity guidance (https://www3.epa.gov/airnow/mobile/AQItable.htm); "
            "Open-Meteo Air Quality API us_aqi bands")
_EEA_AQI = ("European Environment Agency European Air Quality Index bands and health messages "
            "(https://airindex.eea.europa.eu); Open-Meteo Air Quality API european_aqi bands")
_AAAAI_POLLEN = ("AAAAI National Allergy Bureau pollen levels (trees 15/90/1500, grasses 5/20/200, "
                 "weeds 10/50/500 grains/m³ for moderate/high/very high), as published by Canton Health "
                 "(http://cantonhealth.org/lab/?pg=255)")
_ACSM_FLAGS = _ACSM_WBGT + " (yellow flag: moderate risk)"

US_AQI_MODERATE = _threshold(
    "US_AQI_MODERATE", 51, "US AQI", _EPA_AQI + " (Moderate 51–100)",
    "Band boundary shown in the evidence; no rule fires: EPA asks only 'unusually sensitive' people to "
    "consider less exertion here, and addresses sensitive groups (asthma included) from 101.")
US_AQI_SENSITIVE = _threshold(
    "US_AQI_SENSITIVE", 101, "US AQI", _EPA_AQI + " (Unhealthy for Sensitive Groups 101–150)",
    "'Take a walk instead of a run' for sensitive groups: caution for everyone, indoors for a runner with a "
    "respiratory sensitivity.")
US_AQI_UNHEALTHY = _threshold(
    "US_AQI_UNHEALTHY", 151, "US AQI", _EPA_AQI + " (Unhealthy 151–200)",
    "Unhealthy for everyone, 'a good day to work out at the gym': indoors.")
EU_AQI_MODERATE = _threshold(
    "EU_AQI_MODERATE", 40, "EAQI", _EEA_AQI + " (Moderate 40–60)",
    "Band boundary shown in the evidence; no rule fires: the EEA's advice here is conditional on "
    "symptoms.")
EU_AQI_POOR = _threshold(
    "EU_AQI_POOR", 60, "EAQI", _EEA_AQI + " (Poor 60–80)",
    "Everyone should consider reducing intense outdoor activity: caution; sensitive groups reduce physical "
    "activity outdoors: indoors for a respiratory sensitivity.")
EU_AQI_VERY_POOR = _threshold(
    "EU_AQI_VERY_POOR", 80, "EAQI", _EEA_AQI + " (Very poor 80–100); " + _BACKRUN,
    "A run is intense activity and the EEA tells sensitive groups to reduce it outdoors from here: indoors "
    "for everyone, in line with US 'Unhealthy'.")
POLLEN_TREE_HIGH = _threshold(
    "POLLEN_TREE_HIGH", 90, "grains/m³", _AAAAI_POLLEN + " (trees: alder, birch, olive)",
    "Most people with a tree-pollen allergy get symptoms: caution for a runner who marked a pollen allergy.")
POLLEN_TREE_VERY_HIGH = _threshold(
    "POLLEN_TREE_VERY_HIGH", 1500, "grains/m³", _AAAAI_POLLEN,
    "Almost everyone allergic gets symptoms, some severe: indoors for a runner who marked a pollen allergy.")
POLLEN_GRASS_HIGH = _threshold(
    "POLLEN_GRASS_HIGH", 20, "grains/m³", _AAAAI_POLLEN + " (grasses)",
    "Most people with a grass-pollen allergy get symptoms: caution for a pollen allergy.")
POLLEN_GRASS_VERY_HIGH = _threshold(
    "POLLEN_GRASS_VERY_HIGH", 200, "grains/m³", _AAAAI_POLLEN,
    "Almost everyone allergic gets symptoms: indoors for a pollen allergy.")
POLLEN_WEED_HIGH = _threshold(
    "POLLEN_WEED_HIGH", 50, "grains/m³", _AAAAI_POLLEN + " (weeds: mugwort, ragweed)",
    "Most people with a weed-pollen allergy get symptoms: caution for a pollen allergy.")
POLLEN_WEED_VERY_HIGH = _threshold(
    "POLLEN_WEED_VERY_HIGH", 500, "grains/m³", _AAAAI_POLLEN,
    "Almost everyone allergic gets symptoms: indoors for a pollen allergy.")
WBGT_HEAT_SENSITIVE_C = _threshold(
    "WBGT_HEAT_SENSITIVE_C", 18, "°C", _ACSM_FLAGS,
    "From the yellow flag, heat-sensitive runners are at risk before others: caution for a heat sensitivity "
    "(and the usual heat caution becomes indoors).")
BEGINNER_PLAN_WEEKS = _threshold(
    "BEGINNER_PLAN_WEEKS", 6, "weeks", "Backrun's six-week beginner plan (docs/training.md)",
    "Signed-in runners count as beginners until they finish the plan, unless they choose otherwise.")
