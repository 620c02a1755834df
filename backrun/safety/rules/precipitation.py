"""Precipitation during the run: rain, snow or sleet falling, and rain or snow likely."""

from __future__ import annotations

from typing import Any

from backrun.safety import ground as gm
from backrun.safety import thresholds as th
from backrun.safety.rules.base import (
    CAUTION,
    INDOORS,
    Reason,
    RunConditions,
    code_evidence,
    iso,
    reason_code,
    symbol_has,
)
from backrun.weather.model import Step

RAIN = reason_code("rain", hazard="precipitation")
RAIN_LIKELY = reason_code("rain_likely", hazard="precipitation")
SNOW_LIKELY = reason_code("snow_likely", hazard="precipitation")
SNOW_FALLING = reason_code("snow_falling", hazard="precipitation")


def liquid_precipitation_mm(step: Step) -> float | None:
    """Precipitation that is not snow, with the phase decided once (ground.phase)."""
    if step.precipitation_mm is None:
        return None
    return gm.phase(step).liquid_mm


def snow_signal(step: Step) -> bool:
    return (
        gm.phase(step).solid_mm > 0
        or step.weather_code in th.SNOW_CODES
        or symbol_has(step, "snow", "sleet")
        or (step.snowfall_cm is not None and step.snowfall_cm > 0)
    )


def snow_falling(c: RunConditions) -> list[Reason]:
    for step in c.run:
        if snow_signal(step):
            evidence = code_evidence(step)
            if step.snowfall_cm is not None:
                evidence["snowfall_cm"] = step.snowfall_cm
            return [
                Reason(
                    SNOW_FALLING,
                    INDOORS,
                    "Snow or sleet is forecast during your run. It hides ice and makes every step behind "
                    "you a guess. Run indoors.",
                    evidence,
                )
            ]
    return []


def rain(c: RunConditions) -> list[Reason]:
    amounts = [mm for s in c.run if (mm := liquid_precipitation_mm(s)) is not None]
    total = sum(amounts)
    coded = next((s for s in c.run if s.weather_code in th.RAIN_CODES or symbol_has(s, "rain")), None)
    if total < th.RAIN_MM and coded is None:
        return []
    evidence: dict[str, Any] = code_evidence(coded) if coded else {"at": iso(c.run[0].start)}
    evidence["precipitation_mm"] = round(total, 2)
    return [
        Reason(
            RAIN,
            INDOORS,
            "Rain is forecast during your run. Wet ground and puddles you can't see behind you make "
            "backward running unsafe. Run indoors.",
            evidence,
        )
    ]


def rain_likely(c: RunConditions) -> list[Reason]:
    probable = [(s, p) for s in c.run if (p := s.precipitation_probability_pct) is not None]
    if not probable:
        return []
    step, probability = max(probable, key=lambda pair: pair[1])
    snow = gm.snow_by_temperature(step)  # the phase, decided the same way as on the ground
    what, code = ("Snow", SNOW_LIKELY) if snow else ("Rain", RAIN_LIKELY)
    evidence = {"at": iso(step.start), "precipitation_probability_pct": probability}
    if probability >= th.RAIN_LIKELY_INDOORS_PCT:
        return [
            Reason(
                code,
                INDOORS,
                f"{what} is more likely than not during your run ({probability:.0f} %). If it comes you'll "
                "be on slippery ground you can't see. Plan an indoor run.",
                evidence,
            )
        ]
    if probability >= th.RAIN_LIKELY_CAUTION_PCT:
        return [
            Reason(
                code,
                CAUTION,
                f"There's a {probability:.0f} % chance of {what.lower()} during your run. Pick a short loop "
                "near shelter and switch indoors if it starts.",
                evidence,
            )
        ]
    return []
