"""Pure weather formulas: humidity, heat stress, wind chill and gust estimates.

Units: °C, %, hPa, km/h. No I/O, no state; each function is a direct transcription of the
cited formula.
"""

from __future__ import annotations

import math

from backrun.safety import thresholds as th

# Magnus coefficients as used by the Australian BoM and Open-Meteo (Meteorology.swift).
_MAGNUS_A_HPA = 6.105
_MAGNUS_B = 17.27
_MAGNUS_C_C = 237.7


def saturation_vapour_pressure_hpa(temperature_c: float) -> float:
    """Saturation vapour pressure over water (Magnus form)."""
    return _MAGNUS_A_HPA * math.exp(_MAGNUS_B * temperature_c / (_MAGNUS_C_C + temperature_c))


def vapour_pressure_hpa(temperature_c: float, relative_humidity_pct: float) -> float:
    """Actual vapour pressure e = RH/100 · es(T) (BoM apparent-temperature formula)."""
    return relative_humidity_pct / 100.0 * saturation_vapour_pressure_hpa(temperature_c)


def dew_point_c(temperature_c: float, relative_humidity_pct: float) -> float | None:
    """Magnus dew point; None for RH ≤ 0 where the logarithm is undefined."""
    if relative_humidity_pct <= 0:
        return None
    gamma = math.log(relative_humidity_pct / 100.0) + _MAGNUS_B * temperature_c / (
        _MAGNUS_C_C + temperature_c
    )
    return _MAGNUS_C_C * gamma / (_MAGNUS_B - gamma)


def relative_humidity_from_dew_point_pct(temperature_c: float, dew_point: float) -> float:
    """Inverse of dew_point_c, capped at 100 % (dew point can exceed T by rounding)."""
    ratio = saturation_vapour_pressure_hpa(dew_point) / saturation_vapour_pressure_hpa(temperature_c)
    return min(100.0, 100.0 * ratio)


def wbgt_screening_c(temperature_c: float, vapour_pressure: float) -> float:
    """ACSM/BoM screening WBGT estimate for shade and light wind: 0.567·T + 0.393·e + 3.94.

    No sun or wind term, so in full sun the real WBGT is higher; that is why the rule uses the
    ACSM flag levels without any extra allowance.
    """
    return 0.567 * temperature_c + 0.393 * vapour_pressure + 3.94


def heat_index_c(temperature_c: float, relative_humidity_pct: float) -> float:
    """NWS heat index (WPC heatindex_equation page), returned in °C.

    The simple Steadman formula is averaged with the temperature first; only if that reaches
    80 °F is the Rothfusz regression used, with the NWS low- and high-humidity adjustments.
    """
    t = temperature_c * 9.0 / 5.0 + 32.0
    rh = relative_humidity_pct
    simple = 0.5 * (t + 61.0 + (t - 68.0) * 1.2 + rh * 0.094)
    heat_index_f = (simple + t) / 2.0
    if heat_index_f >= 80.0:
        heat_index_f = _rothfusz_f(t, rh) + _rothfusz_adjustment_f(t, rh)
    return (heat_index_f - 32.0) * 5.0 / 9.0


def _rothfusz_f(t: float, rh: float) -> float:
    return (
        -42.379
        + 2.04901523 * t
        + 10.14333127 * rh
        - 0.22475541 * t * rh
        - 0.00683783 * t * t
        - 0.05481717 * rh * rh
        + 0.00122874 * t * t * rh
        + 0.00085282 * t * rh * rh
        - 0.00000199 * t * t * rh * rh
    )


def _rothfusz_adjustment_f(t: float, rh: float) -> float:
    if rh < 13.0 and 80.0 <= t <= 112.0:
        return -((13.0 - rh) / 4.0) * math.sqrt((17.0 - abs(t - 95.0)) / 17.0)
    if rh > 85.0 and 80.0 <= t <= 87.0:
        return ((rh - 85.0) / 10.0) * ((87.0 - t) / 5.0)
    return 0.0


def wind_chill_c(temperature_c: float, wind_speed_kmh: float) -> float | None:
    """Environment Canada / NWS 2001 wind chill; None outside its validity (T ≤ 10 °C, V ≥ 4.8 km/h)."""
    if temperature_c > th.WIND_CHILL_MAX_AIR_C or wind_speed_kmh < th.WIND_CHILL_MIN_WIND_KMH:
        return None
    v016: float = wind_speed_kmh**0.16  # float ** float is typed Any
    return 13.12 + 0.6215 * temperature_c - 11.37 * v016 + 0.3965 * temperature_c * v016


def estimated_gust_kmh(wind_speed_kmh: float) -> float:
    """Gust estimate from the mean wind when the source has no gusts (MET Norway compact)."""
    return wind_speed_kmh * th.GUST_FACTOR


def snowfall_water_mm(snowfall_cm: float) -> float:
    """Water equivalent of snowfall with Open-Meteo's own ratio (0.7 cm of snow per mm of water)."""
    return snowfall_cm / th.SNOWFALL_CM_PER_MM_WATER
