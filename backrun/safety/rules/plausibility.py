"""Data quality (fail-safe): values that can't be right make the whole forecast untrustworthy."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields
from typing import Any, TypeGuard

from backrun.safety import thresholds as th
from backrun.safety.rules.base import CHECK_YOURSELF, UNKNOWN, Reason, iso, reason_code
from backrun.weather.model import Step

IMPLAUSIBLE_DATA = reason_code("implausible_data", hazard="data")

_RANGES: dict[str, tuple[float, float]] = {
    "temperature_c": (th.TEMPERATURE_MIN_C, th.TEMPERATURE_MAX_C),
    "dew_point_c": (th.TEMPERATURE_MIN_C, th.TEMPERATURE_MAX_C),
    "surface_temperature_c": (th.SURFACE_TEMPERATURE_MIN_C, th.SURFACE_TEMPERATURE_MAX_C),
    "relative_humidity_pct": (0, 100),
    "precipitation_probability_pct": (0, 100),
    "thunder_probability_pct": (0, 100),
    "precipitation_mm": (0, math.inf),
    "snowfall_cm": (0, math.inf),
    "snow_depth_m": (0, math.inf),
    "wind_speed_kmh": (0, math.inf),
    "wind_gusts_kmh": (0, math.inf),
    "visibility_m": (0, math.inf),
    "uv_index": (0, math.inf),
    "wet_bulb_c": (th.TEMPERATURE_MIN_C, th.TEMPERATURE_MAX_C),
    "cloud_cover_pct": (0, 100),
    "shortwave_w_m2": (0, th.SHORTWAVE_MAX_W_M2),
}
_NUMERIC_FIELDS = tuple(f.name for f in fields(Step) if f.name in _RANGES)
_CHECKS = tuple((name, *_RANGES[name]) for name in _NUMERIC_FIELDS)
_INFINITIES = (math.inf, -math.inf)


def step_problems(step: Step) -> list[str]:
    """Physically impossible or self-contradictory values in one step, as readable strings."""
    problems = []
    if step.end <= step.start:
        problems.append("step ends before it starts")
    for name, low, high in _CHECKS:
        value = getattr(step, name)
        # NaN fails every comparison; infinities are caught by the bounds or by the explicit test.
        if value is not None and not (low <= value <= high and value not in _INFINITIES):
            problems.append(f"{name}={value!r}")
    t, dp = step.temperature_c, step.dew_point_c
    if _finite(t) and _finite(dp) and dp - t > th.DEW_POINT_EXCESS_MAX_C:
        problems.append(f"dew_point_c={dp} above temperature_c={t}")
    wb = step.wet_bulb_c
    if _finite(t) and _finite(wb) and wb - t > th.DEW_POINT_EXCESS_MAX_C:
        problems.append(f"wet_bulb_c={wb} above temperature_c={t}")
    if step.weather_code is not None and step.weather_code not in th.DOCUMENTED_CODES:
        problems.append(f"weather_code={step.weather_code} is not a code the provider documents")
    # A gust below the mean wind is not an error here: gust_kmh uses mean × GUST_FACTOR instead.
    return problems


def _finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def implausible_data(problems: Sequence[tuple[Step, str]]) -> list[Reason]:
    if not problems:
        return []
    step, first = problems[0]
    return [
        Reason(
            IMPLAUSIBLE_DATA,
            UNKNOWN,
            "The forecast contains values that can't be right, so we can't trust it. " + CHECK_YOURSELF,
            {"at": iso(step.start), "problem": first, "problem_count": len(problems)},
        )
    ]
