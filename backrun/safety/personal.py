"""The hook that fits the weather advice to the runner: air quality, pollen and the profile.

`extra_reasons` adds what the weather rules don't know about (air, pollen, heat for a
heat-sensitive runner); `tighten` makes reasons stricter for a beginner or a heat-sensitive
runner, each with a sentence saying why. Both can only add reasons or raise a severity, never
remove or lower one, so no profile is ever less strict than the default (a property test checks).
"""

from __future__ import annotations

from collections.abc import Sequence

from backrun.safety import air, indices
from backrun.safety import thresholds as th
from backrun.safety.profile import Profile
from backrun.safety.rules import CAUTION, INDOORS, Reason, RunConditions, humidity_pct, reason_code
from backrun.weather.model import AirQuality

HEAT_SENSITIVE = reason_code("heat_sensitive", hazard="heat")

# Footing rules a beginner gets one step stricter: caution becomes indoors.
BEGINNER_STRICTER = {
    "near_freezing": "near freezing",
    "strong_gusts": "gusty",
    "darkness": "dark",
}


def extra_reasons(c: RunConditions, air_quality: AirQuality | None, profile: Profile) -> list[Reason]:
    reading = air.reading_for(air_quality, c.start, c.end)
    return [*air.air_quality(reading, profile), *air.pollen(reading, profile), *heat_sensitive(c, profile)]


def heat_sensitive(c: RunConditions, profile: Profile) -> list[Reason]:
    """From ACSM's yellow flag, a caution for a runner who marked a heat sensitivity."""
    if not profile.has("heat"):
        return []
    for step in c.run:
        humidity = humidity_pct(step)
        if step.temperature_c is None or humidity is None:
            continue
        wbgt = indices.wbgt_screening_c(
            step.temperature_c, indices.vapour_pressure_hpa(step.temperature_c, humidity)
        )
        if wbgt >= th.WBGT_HEAT_SENSITIVE_C:
            return [
                Reason(
                    HEAT_SENSITIVE,
                    CAUTION,
                    "Warm enough to strain a heat-sensitive runner: go slower, shorter and in the shade, and "
                    "drink before you're thirsty. Stricter for you because you marked a heat sensitivity.",
                    {
                        "at": step.start.isoformat(),
                        "wbgt_estimate_c": round(wbgt, 1),
                        "temperature_c": step.temperature_c,
                        "stricter_for": "heat",
                    },
                )
            ]
    return []


def tighten(reasons: Sequence[Reason], profile: Profile) -> list[Reason]:
    return [_tightened(r, profile) for r in reasons]


def _tightened(reason: Reason, profile: Profile) -> Reason:
    if reason.severity != CAUTION:
        return reason
    if profile.beginner and reason.code in BEGINNER_STRICTER:
        return Reason(
            reason.code,
            INDOORS,
            f"{reason.message} Stricter for you {profile.beginner_why}: while you're learning, "
            f"{BEGINNER_STRICTER[reason.code]} means indoors.",
            dict(reason.evidence) | {"stricter_for": "beginner", "default_severity": CAUTION},
        )
    if profile.has("heat") and reason.code == "heat":
        return Reason(
            reason.code,
            INDOORS,
            f"{reason.message} Stricter for you because you marked a heat sensitivity: run indoors "
            "somewhere cool.",
            dict(reason.evidence) | {"stricter_for": "heat", "default_severity": CAUTION},
        )
    return reason
