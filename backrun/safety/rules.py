"""One small pure function per hazard. Each returns zero or more `Reason`s.

A rule sees a `RunConditions`: the steps overlapping the run, the steps around it for lightning,
the past 24 h of hourly steps and the lowest sun elevation during the run. Rules never decide the
final verdict; `advice.advise` ranks what they return. Every number comes from `thresholds`.

Unknown values never count as "fine": a rule that cannot see a value does not fire, and the
data-quality rules at the bottom turn the gap into an "unknown" verdict instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, Literal

from backrun.safety import ground as gm
from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.safety.daylight import is_dark
from backrun.weather.model import Step

Severity = Literal["indoors", "unknown", "caution"]
INDOORS: Severity = "indoors"
UNKNOWN: Severity = "unknown"
CAUTION: Severity = "caution"

SEVERITY_RANK: dict[str, int] = {"indoors": 0, "unknown": 1, "caution": 2, "go": 3}

CHECK_YOURSELF = "Check conditions yourself before heading out, or run indoors."


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    severity: Severity
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def hazard(self) -> str:
        return HAZARD_OF.get(self.code, "other")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "hazard": self.hazard,
            "message": self.message,
            "evidence": dict(self.evidence),
        }


# Reasons are shown grouped by hazard (the group with the most severe reason first).
HAZARD_OF: dict[str, str] = {
    "thunder": "lightning",
    "freezing_rain": "ground",
    "black_ice": "ground",
    "snow_on_ground": "ground",
    "frost": "ground",
    "wet_surface": "ground",
    "near_freezing": "ground",
    "freezing_fog": "ground",
    "snow_falling": "precipitation",
    "rain": "precipitation",
    "rain_likely": "precipitation",
    "snow_likely": "precipitation",
    "gale": "wind",
    "strong_gusts": "wind",
    "fog": "visibility",
    "darkness": "light",
    "uv": "sun",
    "heat": "heat",
    "wind_chill": "cold",
    "no_data": "data",
    "stale_data": "data",
    "missing_data": "data",
    "implausible_data": "data",
    "missing_history": "data",
    "recent_rain_unknown": "data",
    "air_quality": "air",
    "pollen": "air",
    "heat_sensitive": "heat",  # issue 18: air.py, personal.py
}


@dataclass(frozen=True, slots=True)
class RunConditions:
    start: datetime
    end: datetime
    run: tuple[Step, ...]  # quarter-hours where they cover the run, hourly otherwise
    around_run: tuple[Step, ...]  # every step (both resolutions) within the thunder margin
    past: tuple[Step, ...]  # hourly steps overlapping the GROUND_HISTORY_H before the start
    lowest_sun: tuple[datetime, float] | None = None  # (when, elevation °) during the run
    # The worst ground state the run meets and the transitions before it (advice computes the
    # pass once per forecast; rules called on their own compute it from past + run).
    ground: gm.GroundState | None = None
    ground_events: tuple[gm.Event, ...] = ()
    # The same in the worst-case pass (past hours without precipitation counted as heavy rain).
    ground_worst: gm.GroundState | None = None

    def past_within(self, hours: float) -> tuple[Step, ...]:
        since = self.start - timedelta(hours=hours)
        return tuple(s for s in self.past if s.end > since)


Rule = Callable[[RunConditions], list[Reason]]


# --- small helpers -----------------------------------------------------------------------------


def iso(when: datetime) -> str:
    return when.isoformat()


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def symbol_base(step: Step) -> str:
    """MET symbol without its _day/_night/_polartwilight suffix ('' when absent)."""
    return (step.symbol or "").split("_", 1)[0]


def _symbol_has(step: Step, *words: str) -> bool:
    base = symbol_base(step)
    return any(word in base for word in words)


def _snow_signal(step: Step) -> bool:
    return (
        gm.phase(step).solid_mm > 0
        or step.weather_code in th.SNOW_CODES
        or _symbol_has(step, "snow", "sleet")
        or (step.snowfall_cm is not None and step.snowfall_cm > 0)
    )


def liquid_precipitation_mm(step: Step) -> float | None:
    """Precipitation that is not snow, with the phase decided once (ground.phase)."""
    if step.precipitation_mm is None:
        return None
    return gm.phase(step).liquid_mm


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


def _mean_wind_kmh(step: Step) -> float | None:
    if step.wind_speed_kmh is not None:
        return step.wind_speed_kmh
    if step.wind_gusts_kmh is not None:
        return step.wind_gusts_kmh / th.GUST_FACTOR
    return None


def _dew_point(step: Step) -> float | None:
    return gm.dew_point_c(step)


def _humidity_pct(step: Step) -> float | None:
    if step.relative_humidity_pct is not None:
        return step.relative_humidity_pct
    if step.temperature_c is not None and step.dew_point_c is not None:
        return indices.relative_humidity_from_dew_point_pct(step.temperature_c, step.dew_point_c)
    return None


def _is_foggy(step: Step) -> bool:
    return (
        step.weather_code in th.FOG_CODES
        or (step.visibility_m is not None and step.visibility_m < th.FOG_VISIBILITY_M)
        or symbol_base(step) == "fog"
    )


def _code_evidence(step: Step) -> dict[str, Any]:
    evidence: dict[str, Any] = {"at": iso(step.start)}
    if step.weather_code is not None:
        evidence["weather_code"] = step.weather_code
    if step.symbol is not None:
        evidence["symbol"] = step.symbol
    return evidence


# --- hazards -----------------------------------------------------------------------------------


def thunder(c: RunConditions) -> list[Reason]:
    for step in c.around_run:
        probability = step.thunder_probability_pct
        coded = step.weather_code in th.THUNDER_CODES or _symbol_has(step, "thunder")
        likely = probability is not None and probability >= th.THUNDER_PROBABILITY_PCT
        if coded or likely:
            evidence = _code_evidence(step) | {"margin_min": th.THUNDER_MARGIN_MIN}
            if probability is not None:
                evidence["thunder_probability_pct"] = probability
            return [
                Reason(
                    "thunder",
                    INDOORS,
                    "Thunderstorms are forecast within 30 minutes of your run, and lightning strikes miles "
                    "from the storm. Run indoors, and wait 30 minutes after the last thunder before going out.",
                    evidence,
                )
            ]
    return []


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
            return [_freezing_rain_reason(step, c, _code_evidence(step))]
        liquid = liquid_precipitation_mm(step)
        if liquid is None or liquid < th.FREEZING_PRECIP_MIN_MM:
            continue
        air_freezing = step.temperature_c is not None and step.temperature_c <= th.FREEZING_AIR_C
        surface, _ = gm.surface_c(step)
        ground_freezing = surface is not None and surface <= th.ICE_SURFACE_C
        if air_freezing or ground_freezing:
            return [
                _freezing_rain_reason(
                    step,
                    c,
                    {
                        "at": iso(step.start),
                        "liquid_precipitation_mm": _r(liquid, 2),
                        "temperature_c": step.temperature_c,
                        "surface_temperature_c": step.surface_temperature_c,
                    },
                )
            ]
    return _ground_rule(
        c,
        lambda g: g.state == "ice" and g.ice_kind == "glaze",
        lambda state, events: Reason(
            "freezing_rain",
            INDOORS,
            "Freezing rain glazed the ground and it hasn't thawed since. "
            "Clear ice you won't see behind you: run indoors.",
            _ground_evidence(state, events),
        ),
    )


def _freezing_rain_reason(step: Step, c: RunConditions, evidence: dict[str, Any]) -> Reason:
    return Reason(
        "freezing_rain",
        INDOORS,
        "Freezing rain or drizzle during your run can glaze paths with clear ice you won't see "
        "behind you. Run indoors.",
        evidence,
    )


def snow_falling(c: RunConditions) -> list[Reason]:
    for step in c.run:
        if _snow_signal(step):
            evidence = _code_evidence(step)
            if step.snowfall_cm is not None:
                evidence["snowfall_cm"] = step.snowfall_cm
            return [
                Reason(
                    "snow_falling",
                    INDOORS,
                    "Snow or sleet is forecast during your run. It hides ice and makes every step behind "
                    "you a guess. Run indoors.",
                    evidence,
                )
            ]
    return []


_SNOW_KINDS = {"snow": "snow", "compacted_snow": "packed snow", "slush": "slush"}


def snow_on_ground(c: RunConditions) -> list[Reason]:
    return _ground_rule(
        c,
        lambda g: g.state in _SNOW_KINDS,
        lambda state, events: Reason(
            "snow_on_ground",
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
            "black_ice",
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
            "frost",
            INDOORS,
            "Frost is likely on the ground: it's at or below freezing and the air is humid enough to deposit "
            "it. Frosty paths are slippery and you can't check them behind you. Run indoors.",
            _ground_evidence(state, events) | {"dew_point_c": _r(_dew_point(c.run[0])) if c.run else None},
        ),
    )


def near_freezing(c: RunConditions) -> list[Reason]:
    for step in c.run:
        air, surface = step.temperature_c, gm.surface_c(step)[0]
        if (air is not None and air <= th.NEAR_FREEZING_AIR_C) or (
            surface is not None and surface <= th.NEAR_FREEZING_SURFACE_C
        ):
            return [
                Reason(
                    "near_freezing",
                    CAUTION,
                    "It's close to freezing. Icy patches can hide in shade, on bridges and on metal covers: "
                    "slow down and stick to a short, familiar route.",
                    {"at": iso(step.start), "temperature_c": air, "surface_temperature_c": surface},
                )
            ]
    return []


def rain(c: RunConditions) -> list[Reason]:
    amounts = [mm for s in c.run if (mm := liquid_precipitation_mm(s)) is not None]
    total = sum(amounts)
    coded = next((s for s in c.run if s.weather_code in th.RAIN_CODES or _symbol_has(s, "rain")), None)
    if total < th.RAIN_MM and coded is None:
        return []
    evidence = _code_evidence(coded) if coded else {"at": iso(c.run[0].start)}
    evidence["precipitation_mm"] = round(total, 2)
    return [
        Reason(
            "rain",
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
    what, code = ("Snow", "snow_likely") if snow else ("Rain", "rain_likely")
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


def wet_surface(c: RunConditions) -> list[Reason]:
    return _ground_rule(c, lambda g: g.state in ("water_film", "wet"), _wet_reason)


def _wet_reason(state: gm.GroundState, events: tuple[gm.Event, ...]) -> Reason:
    evidence = _ground_evidence(state, events)
    if state.state == "water_film":
        return Reason(
            "wet_surface",
            INDOORS,
            "The ground is still soaked: standing water and puddles you "
            "can't see behind you. Run indoors until it has dried.",
            evidence,
        )
    return Reason(
        "wet_surface",
        CAUTION,
        "The ground hasn't dried yet. Slow down and check the surface of your route before you start.",
        evidence,
    )


def freezing_fog(c: RunConditions) -> list[Reason]:
    for step in c.run:
        freezing = step.temperature_c is not None and step.temperature_c <= th.FREEZING_FOG_C
        if step.weather_code == th.RIME_FOG_CODE or (_is_foggy(step) and freezing):
            evidence = _code_evidence(step) | {
                "temperature_c": step.temperature_c,
                "visibility_m": step.visibility_m,
            }
            return [
                Reason(
                    "freezing_fog",
                    INDOORS,
                    "Freezing fog is forecast: it leaves rime ice on the ground and hides you from others. "
                    "Run indoors.",
                    evidence,
                )
            ]
    return []


def fog(c: RunConditions) -> list[Reason]:
    foggy = [s for s in c.run if _is_foggy(s)]
    if not foggy:
        return []
    step = min(foggy, key=lambda s: math.inf if s.visibility_m is None else s.visibility_m)
    evidence = _code_evidence(step) | {"visibility_m": step.visibility_m}
    if step.visibility_m is not None and step.visibility_m < th.DENSE_FOG_VISIBILITY_M:
        return [
            Reason(
                "fog",
                INDOORS,
                f"Thick fog (visibility about {step.visibility_m:.0f} m): others can't see you in time and "
                "you can't see them over your shoulder. Run indoors.",
                evidence,
            )
        ]
    return [
        Reason(
            "fog",
            CAUTION,
            "Fog is forecast. Cyclists and drivers will see you late: stay on a closed track or a "
            "traffic-free path and wear something bright.",
            evidence,
        )
    ]


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
                "gale",
                INDOORS,
                f"Gale-force gusts up to {gust:.0f} km/h are forecast. They can knock you over when you "
                "can't see or brace for them. Run indoors.",
                evidence,
            )
        ]
    if gust >= th.GUST_STRONG_KMH:
        return [
            Reason(
                "strong_gusts",
                CAUTION,
                f"Gusts up to {gust:.0f} km/h can push you off balance while you run backwards. Choose a "
                "sheltered route, shorten your stride and keep the run short.",
                evidence,
            )
        ]
    return []


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
    humidity = _humidity_pct(step)
    if humidity is None:
        if temperature < th.WBGT_CAUTION_C:
            return None
        return Reason(
            "heat",
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
        "relative_humidity_pct": _r(humidity),
        "wbgt_estimate_c": round(wbgt, 1),
        "heat_index_c": round(heat_index, 1),
    }
    if wbgt >= th.WBGT_INDOORS_C or heat_index >= th.HEAT_INDEX_INDOORS_C:
        return Reason(
            "heat",
            INDOORS,
            "Dangerous heat and humidity: heat stroke is a real risk. Run indoors somewhere cool, or move "
            "your run to early morning.",
            evidence,
        )
    if wbgt >= th.WBGT_CAUTION_C or heat_index >= th.HEAT_INDEX_CAUTION_C:
        return Reason(
            "heat",
            CAUTION,
            "Hot and humid. Slow down, shorten the run, drink regularly and stay in the shade.",
            evidence,
        )
    return None


def wind_chill(c: RunConditions) -> list[Reason]:
    values = [(s, feels, wind) for s in c.run for feels, wind in [_feels_cold_c(s)] if feels is not None]
    if not values:
        return []
    step, feels, wind = min(values, key=lambda item: item[1])
    evidence = {
        "at": iso(step.start),
        "wind_chill_c": round(feels, 1),
        "temperature_c": step.temperature_c,
        "wind_speed_kmh": _r(wind),
    }
    if feels <= th.WIND_CHILL_INDOORS_C:
        return [
            Reason(
                "wind_chill",
                INDOORS,
                f"Wind chill of {feels:.0f} °C: exposed skin can get frostbite. Run indoors.",
                evidence,
            )
        ]
    if feels <= th.WIND_CHILL_CAUTION_C:
        return [
            Reason(
                "wind_chill",
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
    wind = _mean_wind_kmh(step)
    chill = indices.wind_chill_c(temperature, wind) if wind is not None else None
    return (chill if chill is not None else temperature), wind


def darkness(c: RunConditions) -> list[Reason]:
    if c.lowest_sun is None:
        return []
    when, sun_elevation = c.lowest_sun
    if not is_dark(sun_elevation):
        return []
    return [
        Reason(
            "darkness",
            CAUTION,
            "It will be dark during your run. Only run backwards on a well-lit track you know, and wear "
            "lights or reflective kit.",
            {"at": iso(when), "sun_elevation_deg": round(sun_elevation, 1)},
        )
    ]


def uv(c: RunConditions) -> list[Reason]:
    known = [(s, s.uv_index) for s in c.run if s.uv_index is not None]
    if not known:
        return []
    step, index = max(known, key=lambda pair: pair[1])
    if index < th.UV_VERY_HIGH:
        return []
    return [
        Reason(
            "uv",
            CAUTION,
            f"Very high UV (index {index:.0f}). Wear sunscreen and a cap, and avoid the midday hours if "
            "you can.",
            {"at": iso(step.start), "uv_index": index},
        )
    ]


# Order here is the order reasons of equal severity are shown in.
HAZARD_RULES: tuple[Rule, ...] = (
    thunder,
    freezing_rain,
    snow_falling,
    snow_on_ground,
    black_ice,
    frost,
    freezing_fog,
    rain,
    rain_likely,
    wet_surface,
    gusts,
    fog,
    heat,
    wind_chill,
    near_freezing,
    darkness,
    uv,
)

# The same rules, cheapest first (run-window only, then lookbacks): for "is anything wrong?"
# checks that stop at the first reason.
QUICK_CHECK_ORDER: tuple[Rule, ...] = (
    rain,
    rain_likely,
    thunder,
    snow_falling,
    gusts,
    darkness,
    near_freezing,
    heat,
    wind_chill,
    fog,
    freezing_fog,
    uv,
    wet_surface,
    snow_on_ground,
    frost,
    freezing_rain,
    black_ice,
)

ICE_CODES = frozenset(
    {"freezing_rain", "snow_falling", "snow_on_ground", "black_ice", "frost", "freezing_fog"}
)

# A reason is dropped when a more specific one covers the same hazard.
SUPERSEDED_BY: dict[str, frozenset[str]] = {
    "near_freezing": ICE_CODES,
    "fog": frozenset({"freezing_fog"}),
    "rain_likely": frozenset({"rain", "snow_falling", "freezing_rain"}),
    "snow_likely": frozenset({"rain", "snow_falling", "freezing_rain"}),
    # Precipitation during the run already says the ground will be wet; the ground reason then
    # adds nothing. (Ice and snow on the ground are never superseded.)
    "wet_surface": frozenset({"rain", "snow_falling", "freezing_rain"}),
}

# Cautions a runner can manage in daylight but cannot see coming in the dark.
DARKNESS_AGGRAVATES = frozenset({"near_freezing", "wet_surface", "fog", "strong_gusts"})


def combine(reasons: Sequence[Reason]) -> list[Reason]:
    """Drop superseded reasons and escalate darkness when it stacks with a surface, visibility or
    wind caution."""
    codes = {r.code for r in reasons}
    kept = [r for r in reasons if not (SUPERSEDED_BY.get(r.code, frozenset()) & codes)]
    stacked = sorted({r.code for r in kept if r.code in DARKNESS_AGGRAVATES and r.severity == CAUTION})
    if not stacked:
        return kept
    return [_escalated_darkness(r, stacked) if r.code == "darkness" else r for r in kept]


def _escalated_darkness(reason: Reason, stacked: list[str]) -> Reason:
    return Reason(
        "darkness",
        INDOORS,
        "It will be dark, and the ground, fog or wind need care that you can't give them when you can't "
        "see behind you. Run indoors or wait for daylight.",
        dict(reason.evidence) | {"combined_with": stacked},
    )


# --- data quality -------------------------------------------------------------------------------


def no_data() -> Reason:
    return Reason("no_data", UNKNOWN, "We can't check the weather right now. " + CHECK_YOURSELF, {})


def stale_data(age_s: float) -> list[Reason]:
    if age_s <= th.STALE_AFTER_S:
        return []
    return [
        Reason(
            "stale_data",
            UNKNOWN,
            f"The latest forecast we have is {age_s / 3600:.1f} hours old, too old to clear a run. "
            + CHECK_YOURSELF,
            {"data_age_s": round(age_s), "max_age_s": th.STALE_AFTER_S},
        )
    ]


REQUIRED_FOR_RUN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("temperature_c", ("temperature_c",)),
    ("precipitation_mm", ("precipitation_mm",)),
    ("weather_code", ("weather_code",)),
    ("wind", ("wind_gusts_kmh", "wind_speed_kmh")),
)


def missing_data(
    run: Sequence[Step],
    start: datetime,
    end: datetime,
    around_run: Sequence[Step],
    watch_from: datetime,
    watch_to: datetime,
) -> list[Reason]:
    """The run must be fully covered with the required variables, and the thunder margin must be
    covered with weather codes from `watch_from` (not before now: past-only sources have no past)."""
    evidence: dict[str, Any] = {}
    gap = first_gap(run, start, end)
    if gap:
        evidence |= {"uncovered_from": iso(gap[0]), "uncovered_to": iso(gap[1])}
    missing = sorted(
        {
            name
            for s in run
            for name, options in REQUIRED_FOR_RUN
            if all(getattr(s, o) is None for o in options)
        }
    )
    if missing:
        evidence["missing_variables"] = missing
    if watch_from < watch_to:
        coded = [s for s in around_run if s.weather_code is not None or s.symbol is not None]
        thunder_gap = first_gap(coded, watch_from, watch_to)
        if thunder_gap:
            evidence |= {
                "thunder_watch_uncovered_from": iso(thunder_gap[0]),
                "thunder_watch_uncovered_to": iso(thunder_gap[1]),
            }
    if not evidence:
        return []
    return [
        Reason(
            "missing_data",
            UNKNOWN,
            "The forecast doesn't fully cover your run, so we can't clear it. " + CHECK_YOURSELF,
            evidence,
        )
    ]


def first_gap(steps: Sequence[Step], start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The first part of [start, end) that no step covers, or None when fully covered."""
    covered_to = start
    for step in sorted(steps, key=lambda s: s.start):
        if step.start > covered_to:
            break
        covered_to = max(covered_to, step.end)
        if covered_to >= end:
            return None
    if covered_to >= end:
        return None
    next_start = min((s.start for s in steps if s.start > covered_to), default=end)
    return covered_to, min(next_start, end)


def missing_history(c: RunConditions, history_gap: tuple[datetime, datetime] | None) -> list[Reason]:
    """Without the past GROUND_HISTORY_H we can't know the state of the ground: ice that formed days
    ago, or rain an hour ago. A source without history (MET Norway has none) or a gap in the past
    block can therefore never clear a run as `go`, for any start time: where it's cold enough for
    ice it's unknown, in mild weather a caution to look at the ground first.
    """
    if history_gap is None:
        return []
    evidence = {
        "uncovered_from": iso(history_gap[0]),
        "uncovered_to": iso(history_gap[1]),
        "history_h": th.GROUND_HISTORY_H,
    }
    if _cold_enough_for_ice((*c.past, *c.run)):
        return [
            Reason(
                "missing_history",
                UNKNOWN,
                "It's cold enough for ice and we can't see the past days' weather, so we can't rule out "
                "ice on the ground. " + CHECK_YOURSELF,
                evidence,
            )
        ]
    return [
        Reason(
            "recent_rain_unknown",
            CAUTION,
            "We can't see the past hours' weather, so the ground may still be wet. Look at the surface "
            "before you start and turn back if it's slick.",
            evidence,
        )
    ]


def history_steps(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Past steps the ground model can use: a step without temperature or precipitation is a gap."""
    return tuple(s for s in steps if s.temperature_c is not None and s.precipitation_mm is not None)


def _cold_enough_for_ice(steps: Sequence[Step]) -> bool:
    for step in steps:
        air, surface = step.temperature_c, gm.surface_c(step)[0]
        if air is None or air <= th.NEAR_FREEZING_AIR_C:
            return True
        if surface is not None and surface <= th.NEAR_FREEZING_SURFACE_C:
            return True
    return False


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


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def implausible_data(problems: Sequence[tuple[Step, str]]) -> list[Reason]:
    if not problems:
        return []
    step, first = problems[0]
    return [
        Reason(
            "implausible_data",
            UNKNOWN,
            "The forecast contains values that can't be right, so we can't trust it. " + CHECK_YOURSELF,
            {"at": iso(step.start), "problem": first, "problem_count": len(problems)},
        )
    ]
