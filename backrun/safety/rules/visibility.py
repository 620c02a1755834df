"""Seeing and being seen: fog, and darkness (alone a caution, indoors when it stacks with another
caution the runner can't manage without seeing)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from backrun.safety import thresholds as th
from backrun.safety.daylight import is_dark
from backrun.safety.rules.base import (
    CAUTION,
    INDOORS,
    Reason,
    RunConditions,
    code_evidence,
    iso,
    reason_code,
    symbol_base,
)
from backrun.weather.model import Step

FOG = reason_code("fog", hazard="visibility")
DARKNESS = reason_code("darkness", hazard="light")


def is_foggy(step: Step) -> bool:
    return (
        step.weather_code in th.FOG_CODES
        or (step.visibility_m is not None and step.visibility_m < th.FOG_VISIBILITY_M)
        or symbol_base(step) == "fog"
    )


def fog(c: RunConditions) -> list[Reason]:
    foggy = [s for s in c.run if is_foggy(s)]
    if not foggy:
        return []
    step = min(foggy, key=lambda s: math.inf if s.visibility_m is None else s.visibility_m)
    evidence = code_evidence(step) | {"visibility_m": step.visibility_m}
    if step.visibility_m is not None and step.visibility_m < th.DENSE_FOG_VISIBILITY_M:
        return [
            Reason(
                FOG,
                INDOORS,
                f"Thick fog (visibility about {step.visibility_m:.0f} m): others can't see you in time and "
                "you can't see them over your shoulder. Run indoors.",
                evidence,
            )
        ]
    return [
        Reason(
            FOG,
            CAUTION,
            "Fog is forecast. Cyclists and drivers will see you late: stay on a closed track or a "
            "traffic-free path and wear something bright.",
            evidence,
        )
    ]


def darkness(c: RunConditions) -> list[Reason]:
    if c.lowest_sun is None:
        return []
    when, sun_elevation = c.lowest_sun
    if not is_dark(sun_elevation):
        return []
    return [
        Reason(
            DARKNESS,
            CAUTION,
            "It will be dark during your run. Only run backwards on a well-lit track you know, and wear "
            "lights or reflective kit.",
            {"at": iso(when), "sun_elevation_deg": round(sun_elevation, 1)},
        )
    ]


def escalated_darkness(reason: Reason, stacked: Sequence[str]) -> Reason:
    """The darkness reason made indoors, when it stacks with the cautions in `stacked`."""
    return Reason(
        DARKNESS,
        INDOORS,
        "It will be dark, and the ground, fog or wind need care that you can't give them when you can't "
        "see behind you. Run indoors or wait for daylight.",
        dict(reason.evidence) | {"combined_with": stacked},
    )
