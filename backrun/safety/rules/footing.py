"""Footing: ice, snow, frost and water on the ground, and air or ground close to freezing.

Most of these read the ground state from the ground model (backrun/safety/ground.py): the state
the run meets in the known pass and, when past precipitation is missing, in the worst-case pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from backrun.safety import ground as gm
from backrun.safety import thresholds as th
from backrun.safety.rules.base import (
    CAUTION,
    CHECK_YOURSELF,
    INDOORS,
    SEVERITY_RANK,
    UNKNOWN,
    Reason,
    RunConditions,
    code_evidence,
    iso,
    reason_code,
    rounded,
)
from backrun.safety.rules.precipitation import liquid_precipitation_mm
from backrun.safety.rules.visibility import is_foggy

FREEZING_RAIN = reason_code("freezing_rain", hazard="ground")
SNOW_ON_GROUND = reason_code("snow_on_ground", hazard="ground")
BLACK_ICE = reason_code("black_ice", hazard="ground")
FROST = reason_code("frost", hazard="ground")
FREEZING_FOG = reason_code("freezing_fog", hazard="ground")
WET_SURFACE = reason_code("wet_surface", hazard="ground")
NEAR_FREEZING = reason_code("near_freezing", hazard="ground")


def ground_of(c: RunConditions) -> tuple[gm.GroundState | None, tuple[gm.Event, ...]]:
    """The ground state the run meets, from advice's shared pass or computed here."""
    if c.ground is not None:
        return c.ground, c.ground_events
    return _own_pass(c)[:2]


def worst_ground_of(c: RunConditions) -> gm.GroundState | None:
    if c.ground is not None:
        return c.ground_worst
    return _own_pass(c)[2]


def _own_pass(c: RunConditions) -> tuple[gm.GroundState | None, tuple[gm.Event, ...], gm.GroundState | None]:
    hours = tuple(s for s in c.past if s.start < c.start) + tuple(s for s in c.run if s.start >= c.start)
    pass_ = gm.track(hours, c.start)
    state = pass_.during(c.start, c.end)
    return state, (pass_.events_until(c.end) if state else ()), pass_.worst_during(c.start, c.end)


def _ground_rule(
    c: RunConditions,
    fires: Callable[[gm.GroundState], bool],
    reason: Callable[[gm.GroundState, tuple[gm.Event, ...]], Reason],
) -> list[Reason]:
    """A ground hazard from the known pass; else, if only the worst-case pass (unknown past
    precipitation counted as heavy rain) shows it, the same hazard as "unknown"."""
    state, events = ground_of(c)
    found = [reason(state, events)] if state is not None and fires(state) else []
    worst = worst_ground_of(c)
    if worst is not None and fires(worst):
        known = reason(worst, ())
        if found and SEVERITY_RANK[found[0].severity] <= SEVERITY_RANK[known.severity]:
            return found  # the known data already says as much
        return found + [
            Reason(
                known.code,
                UNKNOWN,
                "Some past hours have no precipitation value, and if it rained then, this holds: "
                + known.message
                + " "
                + CHECK_YOURSELF,
                dict(known.evidence)
                | {
                    "assumed": "past hours without precipitation counted as "
                    f"{th.PRECIP_UNKNOWN_MM:g} mm of rain"
                },
            )
        ]
    return found


def _ground_evidence(state: gm.GroundState, events: Sequence[gm.Event]) -> dict[str, Any]:
    return {
        "ground_state": state.state,
        "since": iso(state.since),
        "at": iso(state.at),
        "confidence": state.confidence,
        "water_mm": state.water_mm,
        "snow_mm": state.snow_mm,
        "ice_mm": state.ice_mm,
        "surface_temperature_c": state.surface_c,
        "surface_estimated": state.surface_estimated,
        "story": gm.story(state, events),
    }


def freezing_rain(c: RunConditions) -> list[Reason]:
    """Freezing rain or drizzle during the run, or glaze it left that hasn't thawed."""
    for step in c.run:
        if step.weather_code in th.FREEZING_PRECIP_CODES:
            return [_freezing_rain_reason(code_evidence(step))]
        liquid = liquid_precipitation_mm(step)
        if liquid is None or liquid < th.FREEZING_PRECIP_MIN_MM:
            continue
        air_freezing = step.temperature_c is not None and step.temperature_c <= th.FREEZING_AIR_C
        surface, _ = gm.surface_c(step)
        ground_freezing = surface is not None and surface <= th.ICE_SURFACE_C
        if air_freezing or ground_freezing:
            return [
                _freezing_rain_reason(
                    {
                        "at": iso(step.start),
                        "liquid_precipitation_mm": rounded(liquid, 2),
                        "temperature_c": step.temperature_c,
                        "surface_temperature_c": step.surface_temperature_c,
                    },
                )
            ]
    return _ground_rule(
        c,
        lambda g: g.state == "ice" and g.ice_kind == "glaze",
        lambda state, events: Reason(
            FREEZING_RAIN,
            INDOORS,
            "Freezing rain glazed the ground and it hasn't thawed since. "
            "Clear ice you won't see behind you: run indoors.",
            _ground_evidence(state, events),
        ),
    )


def _freezing_rain_reason(evidence: dict[str, Any]) -> Reason:
    return Reason(
        FREEZING_RAIN,
        INDOORS,
        "Freezing rain or drizzle during your run can glaze paths with clear ice you won't see "
        "behind you. Run indoors.",
        evidence,
    )


_SNOW_KINDS = {"snow": "snow", "compacted_snow": "packed snow", "slush": "slush"}


def snow_on_ground(c: RunConditions) -> list[Reason]:
    return _ground_rule(
        c,
        lambda g: g.state in _SNOW_KINDS,
        lambda state, events: Reason(
            SNOW_ON_GROUND,
            INDOORS,
            f"There's {_SNOW_KINDS[state.state]} on the ground. Packed snow and slush "
            "hide ice. Run indoors until paths are clear.",
            _ground_evidence(state, events),
        ),
    )


def black_ice(c: RunConditions) -> list[Reason]:
    return _ground_rule(
        c,
        lambda g: g.state == "ice" and g.ice_kind != "glaze",
        lambda state, events: Reason(
            BLACK_ICE,
            INDOORS,
            "Water on the ground has frozen and the surface hasn't thawed since. "
            "Refrozen puddles and black ice are likely. Run indoors.",
            _ground_evidence(state, events),
        ),
    )


def frost(c: RunConditions) -> list[Reason]:
    return _ground_rule(
        c,
        lambda g: g.state == "frost",
        lambda state, events: Reason(
            FROST,
            INDOORS,
            "Frost is likely on the ground: it's at or below freezing and the air is humid enough to deposit "
            "it. Frosty paths are slippery and you can't check them behind you. Run indoors.",
            _ground_evidence(state, events)
            | {"dew_point_c": rounded(gm.dew_point_c(c.run[0])) if c.run else None},
        ),
    )


def freezing_fog(c: RunConditions) -> list[Reason]:
    for step in c.run:
        freezing = step.temperature_c is not None and step.temperature_c <= th.FREEZING_FOG_C
        if step.weather_code == th.RIME_FOG_CODE or (is_foggy(step) and freezing):
            evidence = code_evidence(step) | {
                "temperature_c": step.temperature_c,
                "visibility_m": step.visibility_m,
            }
            return [
                Reason(
                    FREEZING_FOG,
                    INDOORS,
                    "Freezing fog is forecast: it leaves rime ice on the ground and hides you from others. "
                    "Run indoors.",
                    evidence,
                )
            ]
    return []


def wet_surface(c: RunConditions) -> list[Reason]:
    return _ground_rule(c, lambda g: g.state in ("water_film", "wet"), _wet_reason)


def _wet_reason(state: gm.GroundState, events: tuple[gm.Event, ...]) -> Reason:
    evidence = _ground_evidence(state, events)
    if state.state == "water_film":
        return Reason(
            WET_SURFACE,
            INDOORS,
            "The ground is still soaked: standing water and puddles you "
            "can't see behind you. Run indoors until it has dried.",
            evidence,
        )
    return Reason(
        WET_SURFACE,
        CAUTION,
        "The ground hasn't dried yet. Slow down and check the surface of your route before you start.",
        evidence,
    )


def near_freezing(c: RunConditions) -> list[Reason]:
    for step in c.run:
        air, surface = step.temperature_c, gm.surface_c(step)[0]
        if (air is not None and air <= th.NEAR_FREEZING_AIR_C) or (
            surface is not None and surface <= th.NEAR_FREEZING_SURFACE_C
        ):
            return [
                Reason(
                    NEAR_FREEZING,
                    CAUTION,
                    "It's close to freezing. Icy patches can hide in shade, on bridges and on metal covers: "
                    "slow down and stick to a short, familiar route.",
                    {"at": iso(step.start), "temperature_c": air, "surface_temperature_c": surface},
                )
            ]
    return []
