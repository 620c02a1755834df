"""Cold: wind chill on exposed skin."""

from __future__ import annotations

from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.safety.rules.base import CAUTION, INDOORS, Reason, RunConditions, iso, reason_code, rounded
from backrun.safety.rules.wind import mean_wind_kmh
from backrun.weather.model import Step

WIND_CHILL = reason_code("wind_chill", hazard="cold")


def wind_chill(c: RunConditions) -> list[Reason]:
    values = [(s, feels, wind) for s in c.run for feels, wind in [_feels_cold_c(s)] if feels is not None]
    if not values:
        return []
    step, feels, wind = min(values, key=lambda item: item[1])
    evidence = {
        "at": iso(step.start),
        "wind_chill_c": round(feels, 1),
        "temperature_c": step.temperature_c,
        "wind_speed_kmh": rounded(wind),
    }
    if feels <= th.WIND_CHILL_INDOORS_C:
        return [
            Reason(
                WIND_CHILL,
                INDOORS,
                f"Wind chill of {feels:.0f} °C: exposed skin can get frostbite. Run indoors.",
                evidence,
            )
        ]
    if feels <= th.WIND_CHILL_CAUTION_C:
        return [
            Reason(
                WIND_CHILL,
                CAUTION,
                f"Wind chill of {feels:.0f} °C. Cover your skin, wear gloves and a hat, and keep the loop "
                "short so you're never far from warmth.",
                evidence,
            )
        ]
    return []


def _feels_cold_c(step: Step) -> tuple[float | None, float | None]:
    """Wind chill where the formula is valid; the air temperature in calm cold air."""
    temperature = step.temperature_c
    if temperature is None or temperature > th.WIND_CHILL_MAX_AIR_C:
        return None, None
    wind = mean_wind_kmh(step)
    chill = indices.wind_chill_c(temperature, wind) if wind is not None else None
    return (chill if chill is not None else temperature), wind
