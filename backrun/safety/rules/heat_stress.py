"""Heat: heat stress from temperature and humidity (WBGT estimate and heat index)."""

from __future__ import annotations

from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.safety.rules.base import (
    CAUTION,
    CHECK_YOURSELF,
    INDOORS,
    SEVERITY_RANK,
    UNKNOWN,
    Reason,
    RunConditions,
    iso,
    reason_code,
    rounded,
)
from backrun.weather.model import Step

HEAT = reason_code("heat", hazard="heat")


def humidity_pct(step: Step) -> float | None:
    """Relative humidity, from temperature and dew point when the source gives no humidity."""
    if step.relative_humidity_pct is not None:
        return step.relative_humidity_pct
    if step.temperature_c is not None and step.dew_point_c is not None:
        return indices.relative_humidity_from_dew_point_pct(step.temperature_c, step.dew_point_c)
    return None


def heat(c: RunConditions) -> list[Reason]:
    worst: Reason | None = None
    for step in c.run:
        reason = _heat_at(step)
        if reason and (worst is None or SEVERITY_RANK[reason.severity] < SEVERITY_RANK[worst.severity]):
            worst = reason
    return [worst] if worst else []


def _heat_at(step: Step) -> Reason | None:
    temperature = step.temperature_c
    if temperature is None:
        return None
    humidity = humidity_pct(step)
    if humidity is None:
        if temperature < th.WBGT_CAUTION_C:
            return None
        return Reason(
            HEAT,
            UNKNOWN,
            f"It's {temperature:.0f} °C and we don't know the humidity, so we can't judge the heat "
            "stress. " + CHECK_YOURSELF,
            {"at": iso(step.start), "temperature_c": temperature},
        )
    wbgt = indices.wbgt_screening_c(temperature, indices.vapour_pressure_hpa(temperature, humidity))
    heat_index = indices.heat_index_c(temperature, humidity)
    evidence = {
        "at": iso(step.start),
        "temperature_c": temperature,
        "relative_humidity_pct": rounded(humidity),
        "wbgt_estimate_c": round(wbgt, 1),
        "heat_index_c": round(heat_index, 1),
    }
    if wbgt >= th.WBGT_INDOORS_C or heat_index >= th.HEAT_INDEX_INDOORS_C:
        return Reason(
            HEAT,
            INDOORS,
            "Dangerous heat and humidity: heat stroke is a real risk. Run indoors somewhere cool, or move "
            "your run to early morning.",
            evidence,
        )
    if wbgt >= th.WBGT_CAUTION_C or heat_index >= th.HEAT_INDEX_CAUTION_C:
        return Reason(
            HEAT,
            CAUTION,
            "Hot and humid. Slow down, shorten the run, drink regularly and stay in the shade.",
            evidence,
        )
    return None
