"""Wind: gale-force and strong gusts, and the wind values the other rules and the kit read."""

from __future__ import annotations

from typing import Any

from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.safety.rules.base import CAUTION, INDOORS, Reason, RunConditions, iso, reason_code
from backrun.weather.model import Step

GALE = reason_code("gale", hazard="wind")
STRONG_GUSTS = reason_code("strong_gusts", hazard="wind")


def gust_kmh(step: Step) -> tuple[float | None, bool]:
    """(gust, estimated?): the larger of the reported gust and mean wind × gust factor.

    A gust is the peak wind, so a reported gust below mean × factor (or missing) is replaced by that
    estimate; taking the larger always keeps "stronger gusts" from ever lowering the value.
    """
    estimate = indices.estimated_gust_kmh(step.wind_speed_kmh) if step.wind_speed_kmh is not None else None
    if step.wind_gusts_kmh is None:
        return estimate, estimate is not None
    if estimate is not None and estimate > step.wind_gusts_kmh:
        return estimate, True
    return step.wind_gusts_kmh, False


def mean_wind_kmh(step: Step) -> float | None:
    """The mean wind, estimated as gust ÷ GUST_FACTOR when only gusts are known."""
    if step.wind_speed_kmh is not None:
        return step.wind_speed_kmh
    if step.wind_gusts_kmh is not None:
        return step.wind_gusts_kmh / th.GUST_FACTOR
    return None


def gusts(c: RunConditions) -> list[Reason]:
    known = [(s, g, estimated) for s in c.run for g, estimated in [gust_kmh(s)] if g is not None]
    if not known:
        return []
    step, gust, estimated = max(known, key=lambda item: item[1])
    evidence: dict[str, Any] = {
        "at": iso(step.start),
        "gust_kmh": round(gust, 1),
        "gust_estimated": estimated,
    }
    if estimated:
        evidence |= {"wind_speed_kmh": step.wind_speed_kmh, "gust_factor": th.GUST_FACTOR}
    if gust >= th.GUST_GALE_KMH:
        return [
            Reason(
                GALE,
                INDOORS,
                f"Gale-force gusts up to {gust:.0f} km/h are forecast. They can knock you over when you "
                "can't see or brace for them. Run indoors.",
                evidence,
            )
        ]
    if gust >= th.GUST_STRONG_KMH:
        return [
            Reason(
                STRONG_GUSTS,
                CAUTION,
                f"Gusts up to {gust:.0f} km/h can push you off balance while you run backwards. Choose a "
                "sheltered route, shorten your stride and keep the run short.",
                evidence,
            )
        ]
    return []
