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
_NWS_LIGHTNING = (
    "NWS Lightning Safety, 'When thunder roars, go indoors' (https://www.weather.gov/safety/lightning)"
)
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
_NWS_HEAT = (
    "NWS heat index chart and Rothfusz equation (https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml)"
)
_EC_WIND_CHILL = (
    "Environment Canada wind chill index (https://www.canada.ca/en/environment-climate-change/"
    "services/weather-health/wind-chill-cold-weather/wind-chill-index.html)"
)

# --- Data quality -------------------------------------------------------------------------------
STALE_AFTER_S = _threshold(
    "STALE_AFTER_S",
    7200,
    "s",
    _BACKRUN,
    "Showers and thunderstorms develop within hours; older data cannot clear a run.",
)
TEMPERATURE_MIN_C = _threshold(
    "TEMPERATURE_MIN_C",
    -90,
    "°C",
    "WMO world record low −89.2 °C (Vostok, 1983)",
    "Colder than any air temperature ever measured means the data is broken.",
)
TEMPERATURE_MAX_C = _threshold(
    "TEMPERATURE_MAX_C",
    60,
    "°C",
    "WMO world record high 56.7 °C (Death Valley, 1913)",
    "Hotter than any air temperature ever measured means the data is broken.",
)
SURFACE_TEMPERATURE_MIN_C = _threshold(
    "SURFACE_TEMPERATURE_MIN_C",
    -90,
    "°C",
    "as TEMPERATURE_MIN_C",
    "Ground colder than the coldest air ever measured is not plausible.",
)
SURFACE_TEMPERATURE_MAX_C = _threshold(
    "SURFACE_TEMPERATURE_MAX_C",
    80,
    "°C",
    "Satellite land-surface maxima are about 70 °C (Lut desert)",
    "Sunlit ground runs hotter than air, but not beyond this.",
)
SHORTWAVE_MAX_W_M2 = _threshold(
    "SHORTWAVE_MAX_W_M2",
    1400,
    "W/m²",
    "Solar constant ≈ 1361 W/m² (WMO/WRC): no more sunshine reaches the ground",
    "Global radiation above the solar constant means the data is broken.",
)
DEW_POINT_EXCESS_MAX_C = _threshold(
    "DEW_POINT_EXCESS_MAX_C",
    1,
    "°C",
    "Physics: dew point ≤ air temperature; margin for model rounding",
    "A dew point well above the air temperature is impossible, so the source is inconsistent.",
)

# --- Thunder -----------------------------------------------------------------------------------
THUNDER_MARGIN_MIN = _threshold(
    "THUNDER_MARGIN_MIN",
    30,
    "min",
    _NWS_LIGHTNING + "; 30-30 rule",
    "Wait 30 minutes after the last thunder; lightning strikes up to 10 miles from the storm.",
)
THUNDER_PROBABILITY_PCT = _threshold(
    "THUNDER_PROBABILITY_PCT",
    20,
    "%",
    _BACKRUN + " (MET Norway probability_of_thunder)",
    "One in five is too high a chance of lightning for an exposed runner.",
)

# --- Ice, snow, freezing rain -------------------------------------------------------------------
FREEZING_AIR_C = _threshold(
    "FREEZING_AIR_C",
    0,
    "°C",
    "Freezing point of water; " + _OPEN_METEO_CODES,
    "Rain at or below 0 °C air temperature can freeze on contact; Open-Meteo rarely codes it outside the US.",
)
FREEZING_PRECIP_MIN_MM = _threshold(
    "FREEZING_PRECIP_MIN_MM",
    0.1,
    "mm",
    _OPEN_METEO_DOCS + " (precipitation probability counts > 0.1 mm)",
    "Smallest liquid amount we trust after subtracting snowfall; smaller values are rounding noise.",
)
SNOWFALL_CM_PER_MM_WATER = _threshold(
    "SNOWFALL_CM_PER_MM_WATER",
    0.7,
    "cm/mm",
    _OPEN_METEO_DOCS + " (snowfall: 'divide by 7' for water equivalent)",
    "Converts snowfall back to water so snow is not mistaken for rain.",
)
FROST_SURFACE_C = _threshold(
    "FROST_SURFACE_C",
    0,
    "°C",
    "Frost forms when the surface is at or below 0 °C and below the dew point",
    "Hoar frost and rime make surfaces slippery without any precipitation.",
)
FROST_DEW_POINT_MARGIN_C = _threshold(
    "FROST_DEW_POINT_MARGIN_C",
    1,
    "°C",
    _BACKRUN + " (dew point vs surface temperature)",
    "Frost deposits when the surface is colder than the dew point; 1 °C margin for model error.",
)
FROST_HUMIDITY_PCT = _threshold(
    "FROST_HUMIDITY_PCT", 90, "%", _BACKRUN, "Near-saturated air deposits frost on cold ground."
)
NEAR_FREEZING_AIR_C = _threshold(
    "NEAR_FREEZING_AIR_C",
    3,
    "°C",
    "RAC 'car thermometer 4 °C or lower' guidance; black ice often at 1–3 °C air",
    "Shaded spots, bridges and metal covers can ice over while the air is a few degrees above zero.",
)
NEAR_FREEZING_SURFACE_C = _threshold(
    "NEAR_FREEZING_SURFACE_C",
    1,
    "°C",
    _BACKRUN + " (1–2 °C margin on the model surface temperature)",
    "Model ground temperature just above zero still allows icy patches on real pavement.",
)

# --- The ground model (backrun/safety/ground.py) ---------------------------------------------------
_METRO = (
    "Environment Canada METRo road-weather model (Crevier & Delage, J. Appl. Meteor. 40, 2001; "
    "framagit.org/metroprojects/metro)"
)
_HOCK = (
    "Hock, 'Temperature index melt modelling in mountain areas', J. Hydrology 282 (2003), degree-day factors"
)
_TEB = (
    "TEB town energy balance (Masson, Boundary-Layer Meteorol. 94, 2000; SURFEX: road water store max 1 mm)"
)
_FAO24 = (
    "FAO Irrigation and Drainage Paper 24 (Doorenbos & Pruitt 1977): Penman wind function 0.27(1 + U2/100)"
)
GROUND_HISTORY_H = _threshold(
    "GROUND_HISTORY_H",
    72,
    "h",
    _FMI + " (the model reads the past four days)",
    "Ice that formed two or three days ago is still there if the ground has stayed frozen since.",
)
ICE_SURFACE_C = _threshold(
    "ICE_SURFACE_C",
    0.5,
    "°C",
    "UK gritting practice: road surface 'towards 0 °C' (Met Office via Nottinghamshire CC); "
    + _METRO
    + " (ice when the road is at or below 0 °C)",
    "Water on a surface at or below this freezes, and ice on it does not melt; margin because the model's skin "
    "temperature is for natural ground, not for colder paths and bridges.",
)
SURFACE_BELOW_AIR_C = _threshold(
    "SURFACE_BELOW_AIR_C",
    4,
    "°C",
    "RAC: at 4 °C air or lower the road may be near or below freezing; " + _METRO,
    "Without a skin temperature we assume the ground is this much colder than the air, as on a clear calm night.",
)
WATER_HOLD_MAX_MM = _threshold(
    "WATER_HOLD_MAX_MM", 1.0, "mm", _TEB, "A paved surface holds about a millimetre of water; more runs off."
)
WATER_FILM_MM = _threshold(
    "WATER_FILM_MM",
    0.8,
    "mm",
    _BACKRUN + "; " + _TEB,
    "A surface near its holding limit has standing water and puddles you can't see behind you.",
)
WET_MM = _threshold(
    "WET_MM",
    0.1,
    "mm",
    _BACKRUN + " (as RAIN_MM: the smallest amount Open-Meteo's probabilities count)",
    "Enough water to make the surface wet and slick.",
)
DAMP_MM = _threshold(
    "DAMP_MM", 0.02, "mm", _BACKRUN, "Traces of water: not slick now, but enough to freeze into thin ice."
)
FREEZE_WATER_MIN_MM = _threshold(
    "FREEZE_WATER_MIN_MM",
    0.02,
    "mm",
    _METRO + " (water on a road below 0 °C turns to ice)",
    "Even a damp surface that freezes leaves thin, invisible ice.",
)
ICE_MIN_MM = _threshold(
    "ICE_MIN_MM", 0.02, "mm", _BACKRUN, "Less than this is counted as gone once the surface thaws."
)
ICE_MELT_MM_PER_DEGREE_DAY = _threshold(
    "ICE_MELT_MM_PER_DEGREE_DAY",
    7,
    "mm/(°C·day)",
    _HOCK + " (ice 6.6–20; low end: slow thaw is the safe guess)",
    "Ice melts only while the surface is above 0 °C, and the warmer, the faster: a thaw needs time.",
)
SNOW_MELT_MM_PER_DEGREE_DAY = _threshold(
    "SNOW_MELT_MM_PER_DEGREE_DAY",
    4,
    "mm/(°C·day)",
    _HOCK + " (snow 2.5–11.6 mm w.e.)",
    "Snow cover shrinks with the warmth of the air (and of the ground) over time, not at once.",
)
SNOW_COVER_MIN_MM = _threshold(
    "SNOW_COVER_MIN_MM",
    0.3,
    "mm w.e.",
    _BACKRUN + " (about 0.2 cm of fresh snow at Open-Meteo's 0.7 cm/mm)",
    "A thin layer of snow already hides what is under it.",
)
SNOW_COMPACTED_H = _threshold(
    "SNOW_COMPACTED_H",
    24,
    "h",
    _FMI + " ('snow becomes hard-packed slippery')",
    "Snow that has lain a day on paths is trodden into packed snow.",
)
SNOW_WET_BULB_C = _threshold(
    "SNOW_WET_BULB_C",
    1,
    "°C",
    "Wet-bulb rain/snow partition near 1 °C (Ding et al., J. Hydrology 513, 2014)",
    "Decides the phase when neither the weather code nor the snowfall says.",
)
SNOW_AIR_C = _threshold(
    "SNOW_AIR_C",
    1,
    "°C",
    "Air-temperature rain/snow partition 1–2 °C (Ding et al., J. Hydrology 513, 2014); lower end",
    "Used for the phase when the wet-bulb temperature is unknown.",
)
DEW_MM_PER_H = _threshold(
    "DEW_MM_PER_H",
    0.03,
    "mm/h",
    "Dew yields rarely exceed about 0.5 mm per night (Beysens, 'Dew Water', 2018)",
    "A surface below the dew point wets slowly; below 0 °C the same moisture is frost.",
)
DEW_WATER_MAX_MM = _threshold(
    "DEW_WATER_MAX_MM",
    0.05,
    "mm",
    _BACKRUN + " (dew forms droplets, not a film)",
    "Dew alone leaves a surface damp, not wet: a dewy night is not a rainy one (but the damp can freeze).",
)
FROST_MIN_MM = _threshold(
    "FROST_MIN_MM",
    0.05,
    "mm",
    _BACKRUN + " (about two hours of deposition at DEW_MM_PER_H)",
    "A surface dipping below the dew point for a moment grows no frost worth the name; a cold humid night "
    "does.",
)
WIND_2M_FACTOR = _threshold(
    "WIND_2M_FACTOR",
    0.75,
    "×",
    "Open-Meteo Meteorology.swift (ws2m = 0.75 · ws10m)",
    "The evaporation formula wants the wind at 2 m; forecasts give it at 10 m.",
)
EVAPORATION_WIND_A = _threshold(
    "EVAPORATION_WIND_A",
    0.27,
    "mm/(day·hPa)",
    _FAO24,
    "Evaporation grows with the vapour-pressure difference between the surface and the air and with wind.",
)
SUN_EVAPORATION_SHARE = _threshold(
    "SUN_EVAPORATION_SHARE",
    0.15,
    "fraction",
    _BACKRUN + " (energy-limited evaporation, FAO-56 latent heat)",
    "Part of the sunshine reaching wet pavement goes into evaporating it; most heats the ground.",
)
PRECIP_UNKNOWN_MM = _threshold(
    "PRECIP_UNKNOWN_MM",
    7.6,
    "mm",
    _OPEN_METEO_CODES + " (heavy rain, code 65, from 7.6 mm/h)",
    "An hour without a precipitation value is counted as heavy rain: missing data must never clear the ground.",
)
LATENT_HEAT_J_PER_KG = _threshold(
    "LATENT_HEAT_J_PER_KG",
    2450000,
    "J/kg",
    "FAO Irrigation and Drainage Paper 56 (Allen et al. 1998), λ = 2.45 MJ/kg",
    "Turns sunshine (W/m²) into evaporated water (mm/h).",
)

# --- Rain and wet surfaces -----------------------------------------------------------------------
RAIN_MM = _threshold(
    "RAIN_MM",
    0.1,
    "mm",
    _OPEN_METEO_DOCS + " (precipitation probability is for > 0.1 mm)",
    "Any measurable rain makes the ground slick, and you can't see puddles behind you.",
)
RAIN_LIKELY_CAUTION_PCT = _threshold(
    "RAIN_LIKELY_CAUTION_PCT",
    30,
    "%",
    "dawn-running-weather uses 40 %; " + _BACKRUN,
    "A real chance of getting caught by rain; have an indoor backup.",
)
RAIN_LIKELY_INDOORS_PCT = _threshold(
    "RAIN_LIKELY_INDOORS_PCT",
    60,
    "%",
    _BACKRUN,
    "Rain is more likely than not; if it comes you run on a wet surface, which we already call indoors.",
)

# --- Fog and visibility --------------------------------------------------------------------------
FOG_VISIBILITY_M = _threshold(
    "FOG_VISIBILITY_M",
    1000,
    "m",
    "MET Norway FAQ and WMO: fog is visibility below 1 km",
    "In fog, cyclists and drivers see you late.",
)
DENSE_FOG_VISIBILITY_M = _threshold(
    "DENSE_FOG_VISIBILITY_M",
    200,
    "m",
    _BACKRUN + " (research notes §6 row 12)",
    "Below 200 m others cannot see you in time, and you can't see them over your shoulder.",
)
FREEZING_FOG_C = _threshold(
    "FREEZING_FOG_C",
    0,
    "°C",
    "WMO code 48 'depositing rime fog'",
    "Fog droplets freeze on the ground and leave rime you cannot see.",
)

# --- Wind ---------------------------------------------------------------------------------------
GUST_STRONG_KMH = _threshold(
    "GUST_STRONG_KMH",
    40,
    "km/h",
    _BEAUFORT + " (force 6 starts at 39–40 km/h)",
    "Gusts this strong can push a backward runner off balance.",
)
GUST_GALE_KMH = _threshold(
    "GUST_GALE_KMH",
    62,
    "km/h",
    _BEAUFORT + " (force 8 gale: 'generally impedes progress')",
    "Gale-force gusts can knock you over when you can't see or brace for them.",
)
GUST_FACTOR = _threshold(
    "GUST_FACTOR",
    1.5,
    "×",
    "Durst (1960) 2-s gust / 10-min mean ≈ 1.4 over open terrain, as summarised in "
    "Masters et al., J. Appl. Meteor. Climatol. 48(3), doi:10.1175/2008JAMC1906.1; ESDU 1.52/1.05 ≈ 1.45",
    "Estimates gusts when the source gives only the mean wind; rounded up to err on the windy side.",
)

# --- Heat ---------------------------------------------------------------------------------------
WBGT_INDOORS_C = _threshold(
    "WBGT_INDOORS_C",
    28,
    "°C",
    _ACSM_WBGT + " (black flag: cancel)",
    "Above this, races are cancelled because of heat collapse risk.",
)
WBGT_CAUTION_C = _threshold(
    "WBGT_CAUTION_C",
    23,
    "°C",
    _ACSM_WBGT + " (red flag)",
    "High risk of heat illness; slow down and shorten the run.",
)
HEAT_INDEX_INDOORS_C = _threshold(
    "HEAT_INDEX_INDOORS_C",
    39.4,
    "°C",
    _NWS_HEAT + " (Danger from 103 °F)",
    "Heat cramps and exhaustion likely, heat stroke possible with exertion.",
)
HEAT_INDEX_CAUTION_C = _threshold(
    "HEAT_INDEX_CAUTION_C",
    32,
    "°C",
    _NWS_HEAT + " (Extreme Caution from 90 °F)",
    "Heat exhaustion possible with prolonged exertion.",
)

# --- Cold ---------------------------------------------------------------------------------------
WIND_CHILL_INDOORS_C = _threshold(
    "WIND_CHILL_INDOORS_C",
    -27,
    "°C",
    _EC_WIND_CHILL + "; ACSM position stand 2006 (PubMed 17095937)",
    "Risk of frostbite in prolonged exposure.",
)
WIND_CHILL_CAUTION_C = _threshold(
    "WIND_CHILL_CAUTION_C",
    -10,
    "°C",
    "ECMWF thermofeel wind chill guide ('moderate risk' from −10)",
    "Uncomfortably cold; exposed skin at risk on a long run.",
)
WIND_CHILL_MAX_AIR_C = _threshold(
    "WIND_CHILL_MAX_AIR_C",
    10,
    "°C",
    _EC_WIND_CHILL + " (formula valid at or below 10 °C)",
    "The wind chill formula is only defined for cold air.",
)
WIND_CHILL_MIN_WIND_KMH = _threshold(
    "WIND_CHILL_MIN_WIND_KMH",
    4.8,
    "km/h",
    _EC_WIND_CHILL + " (formula valid from 4.8 km/h)",
    "Below this the wind adds no chill and we use the air temperature.",
)

# --- Light and sun ------------------------------------------------------------------------------
CIVIL_TWILIGHT_DEG = _threshold(
    "CIVIL_TWILIGHT_DEG",
    -6,
    "°",
    "astral Depression.CIVIL; civil twilight ends at −6°",
    "Below this you need artificial light to see the ground.",
)
UV_VERY_HIGH = _threshold(
    "UV_VERY_HIGH",
    8,
    "UV index",
    "Environment and Climate Change Canada / WHO UV index scale (Very High 8–10)",
    "Unprotected skin burns in well under an hour.",
)


# WMO weather codes as Open-Meteo returns them (docs table and WeatherCode.swift). Thunder takes
# every WMO 4677 thunderstorm code a provider may send (13 lightning, 17 and 29 thunderstorm,
# 91-99 thunderstorm with rain, snow or hail), not only Open-Meteo's 95/96/99.
THUNDER_CODES = frozenset({13, 17, 29, 91, 92, 93, 94, 95, 96, 97, 98, 99})
FREEZING_PRECIP_CODES = frozenset({56, 57, 66, 67})
SNOW_CODES = frozenset({71, 73, 75, 77, 85, 86})
RAIN_CODES = frozenset({51, 53, 55, 61, 63, 65, 80, 81, 82})
FOG_CODES = frozenset({45, 48})
RIME_FOG_CODE = 48

CLEAR_CODES = frozenset({0, 1, 2, 3})
# The codes Open-Meteo documents, plus the thunder family; any other code is data we can't read.
DOCUMENTED_CODES = CLEAR_CODES | FOG_CODES | RAIN_CODES | FREEZING_PRECIP_CODES | SNOW_CODES | THUNDER_CODES

CODE_GROUPS: dict[str, frozenset[int]] = {
    "THUNDER_CODES": THUNDER_CODES,
    "FREEZING_PRECIP_CODES": FREEZING_PRECIP_CODES,
    "SNOW_CODES": SNOW_CODES,
    "RAIN_CODES": RAIN_CODES,
    "FOG_CODES": FOG_CODES,
    "CLEAR_CODES": CLEAR_CODES,
}


# --- Air quality, pollen and the runner's profile (issue 18; rules in backrun/safety/air.py) ----
_EPA_AQI = (
    "US EPA AirNow AQI activity guidance (https://www3.epa.gov/airnow/mobile/AQItable.htm); "
    "Open-Meteo Air Quality API us_aqi bands"
)
_EEA_AQI = (
    "European Environment Agency European Air Quality Index bands and health messages "
    "(https://airindex.eea.europa.eu); Open-Meteo Air Quality API european_aqi bands"
)
_AAAAI_POLLEN = (
    "AAAAI National Allergy Bureau pollen levels (trees 15/90/1500, grasses 5/20/200, "
    "weeds 10/50/500 grains/m³ for moderate/high/very high), as published by Canton Health "
    "(http://cantonhealth.org/lab/?pg=255)"
)
_ACSM_FLAGS = _ACSM_WBGT + " (yellow flag: moderate risk)"

US_AQI_MODERATE = _threshold(
    "US_AQI_MODERATE",
    51,
    "US AQI",
    _EPA_AQI + " (Moderate 51–100)",
    "Band boundary shown in the evidence; no rule fires: EPA asks only 'unusually sensitive' people to "
    "consider less exertion here, and addresses sensitive groups (asthma included) from 101.",
)
US_AQI_SENSITIVE = _threshold(
    "US_AQI_SENSITIVE",
    101,
    "US AQI",
    _EPA_AQI + " (Unhealthy for Sensitive Groups 101–150)",
    "'Take a walk instead of a run' for sensitive groups: caution for everyone, indoors for a runner with a "
    "respiratory sensitivity.",
)
US_AQI_UNHEALTHY = _threshold(
    "US_AQI_UNHEALTHY",
    151,
    "US AQI",
    _EPA_AQI + " (Unhealthy 151–200)",
    "Unhealthy for everyone, 'a good day to work out at the gym': indoors.",
)
EU_AQI_MODERATE = _threshold(
    "EU_AQI_MODERATE",
    40,
    "EAQI",
    _EEA_AQI + " (Moderate 40–60)",
    "Band boundary shown in the evidence; no rule fires: the EEA's advice here is conditional on symptoms.",
)
EU_AQI_POOR = _threshold(
    "EU_AQI_POOR",
    60,
    "EAQI",
    _EEA_AQI + " (Poor 60–80)",
    "Everyone should consider reducing intense outdoor activity: caution; sensitive groups reduce physical "
    "activity outdoors: indoors for a respiratory sensitivity.",
)
EU_AQI_VERY_POOR = _threshold(
    "EU_AQI_VERY_POOR",
    80,
    "EAQI",
    _EEA_AQI + " (Very poor 80–100); " + _BACKRUN,
    "A run is intense activity and the EEA tells sensitive groups to reduce it outdoors from here: indoors "
    "for everyone, in line with US 'Unhealthy'.",
)
POLLEN_TREE_HIGH = _threshold(
    "POLLEN_TREE_HIGH",
    90,
    "grains/m³",
    _AAAAI_POLLEN + " (trees: alder, birch, olive)",
    "Most people with a tree-pollen allergy get symptoms: caution for a runner who marked a pollen allergy.",
)
POLLEN_TREE_VERY_HIGH = _threshold(
    "POLLEN_TREE_VERY_HIGH",
    1500,
    "grains/m³",
    _AAAAI_POLLEN,
    "Almost everyone allergic gets symptoms, some severe: indoors for a runner who marked a pollen allergy.",
)
POLLEN_GRASS_HIGH = _threshold(
    "POLLEN_GRASS_HIGH",
    20,
    "grains/m³",
    _AAAAI_POLLEN + " (grasses)",
    "Most people with a grass-pollen allergy get symptoms: caution for a pollen allergy.",
)
POLLEN_GRASS_VERY_HIGH = _threshold(
    "POLLEN_GRASS_VERY_HIGH",
    200,
    "grains/m³",
    _AAAAI_POLLEN,
    "Almost everyone allergic gets symptoms: indoors for a pollen allergy.",
)
POLLEN_WEED_HIGH = _threshold(
    "POLLEN_WEED_HIGH",
    50,
    "grains/m³",
    _AAAAI_POLLEN + " (weeds: mugwort, ragweed)",
    "Most people with a weed-pollen allergy get symptoms: caution for a pollen allergy.",
)
POLLEN_WEED_VERY_HIGH = _threshold(
    "POLLEN_WEED_VERY_HIGH",
    500,
    "grains/m³",
    _AAAAI_POLLEN,
    "Almost everyone allergic gets symptoms: indoors for a pollen allergy.",
)
WBGT_HEAT_SENSITIVE_C = _threshold(
    "WBGT_HEAT_SENSITIVE_C",
    18,
    "°C",
    _ACSM_FLAGS,
    "From the yellow flag, heat-sensitive runners are at risk before others: caution for a heat sensitivity "
    "(and the usual heat caution becomes indoors).",
)
BEGINNER_PLAN_WEEKS = _threshold(
    "BEGINNER_PLAN_WEEKS",
    6,
    "weeks",
    "Backrun's six-week beginner plan (docs/training.md)",
    "Signed-in runners count as beginners until they finish the plan, unless they choose otherwise.",
)
