"""One small pure function per hazard. Each returns zero or more `Reason`s.

A rule sees a `RunConditions`: the steps overlapping the run, the steps around it for lightning,
the hourly steps of the past GROUND_HISTORY_H hours and the lowest sun elevation during the run.
Rules never decide the final verdict; `verdict.advise` ranks what they return. Every number comes
from `thresholds`.

Unknown values never count as "fine": a rule that cannot see a value does not fire, and the
data-quality rules turn the gap into an "unknown" verdict instead.

The rules live in one module per hazard family (lightning, precipitation, footing, wind,
heat_stress, cold, visibility, sun, data_quality, plausibility); this module is the one entry
point: the order the rules run in and how their reasons combine.
"""

from __future__ import annotations

from collections.abc import Sequence

from backrun.safety.rules.base import (
    CAUTION,
    CHECK_YOURSELF,
    HAZARD_OF,
    INDOORS,
    SEVERITY_RANK,
    UNKNOWN,
    Reason,
    ReasonCode,
    Rule,
    RunConditions,
    Severity,
    iso,
    reason_code,
    symbol_base,
)
from backrun.safety.rules.cold import wind_chill
from backrun.safety.rules.data_quality import (
    REQUIRED_FOR_RUN,
    first_gap,
    history_steps,
    missing_data,
    missing_history,
    no_data,
    stale_data,
)
from backrun.safety.rules.footing import (
    BLACK_ICE,
    FREEZING_FOG,
    FREEZING_RAIN,
    FROST,
    NEAR_FREEZING,
    SNOW_ON_GROUND,
    WET_SURFACE,
    black_ice,
    freezing_fog,
    freezing_rain,
    frost,
    ground_of,
    near_freezing,
    snow_on_ground,
    wet_surface,
    worst_ground_of,
)
from backrun.safety.rules.heat_stress import heat, humidity_pct
from backrun.safety.rules.lightning import thunder
from backrun.safety.rules.plausibility import implausible_data, step_problems
from backrun.safety.rules.precipitation import (
    RAIN,
    RAIN_LIKELY,
    SNOW_FALLING,
    SNOW_LIKELY,
    liquid_precipitation_mm,
    rain,
    rain_likely,
    snow_falling,
)
from backrun.safety.rules.sun import uv
from backrun.safety.rules.visibility import DARKNESS, FOG, darkness, escalated_darkness, fog
from backrun.safety.rules.wind import STRONG_GUSTS, gust_kmh, gusts, mean_wind_kmh

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

ICE_CODES = frozenset({FREEZING_RAIN, SNOW_FALLING, SNOW_ON_GROUND, BLACK_ICE, FROST, FREEZING_FOG})

# A reason is dropped when a more specific one covers the same hazard.
SUPERSEDED_BY: dict[str, frozenset[str]] = {
    NEAR_FREEZING: ICE_CODES,
    FOG: frozenset({FREEZING_FOG}),
    RAIN_LIKELY: frozenset({RAIN, SNOW_FALLING, FREEZING_RAIN}),
    SNOW_LIKELY: frozenset({RAIN, SNOW_FALLING, FREEZING_RAIN}),
    # Precipitation during the run already says the ground will be wet; the ground reason then
    # adds nothing. (Ice and snow on the ground are never superseded.)
    WET_SURFACE: frozenset({RAIN, SNOW_FALLING, FREEZING_RAIN}),
}

# Cautions a runner can manage in daylight but cannot see coming in the dark.
DARKNESS_AGGRAVATES = frozenset({NEAR_FREEZING, WET_SURFACE, FOG, STRONG_GUSTS})


def combine(reasons: Sequence[Reason]) -> list[Reason]:
    """Drop superseded reasons and escalate darkness when it stacks with a surface, visibility or
    wind caution."""
    codes = {r.code for r in reasons}
    kept = [r for r in reasons if not (SUPERSEDED_BY.get(r.code, frozenset()) & codes)]
    stacked = sorted({r.code for r in kept if r.code in DARKNESS_AGGRAVATES and r.severity == CAUTION})
    if not stacked:
        return kept
    return [escalated_darkness(r, stacked) if r.code == DARKNESS else r for r in kept]


__all__ = [
    "CAUTION",
    "CHECK_YOURSELF",
    "DARKNESS_AGGRAVATES",
    "HAZARD_OF",
    "HAZARD_RULES",
    "ICE_CODES",
    "INDOORS",
    "QUICK_CHECK_ORDER",
    "REQUIRED_FOR_RUN",
    "SEVERITY_RANK",
    "SUPERSEDED_BY",
    "UNKNOWN",
    "Reason",
    "ReasonCode",
    "Rule",
    "RunConditions",
    "Severity",
    "black_ice",
    "combine",
    "darkness",
    "first_gap",
    "fog",
    "freezing_fog",
    "freezing_rain",
    "frost",
    "ground_of",
    "gust_kmh",
    "gusts",
    "heat",
    "history_steps",
    "humidity_pct",
    "implausible_data",
    "iso",
    "liquid_precipitation_mm",
    "mean_wind_kmh",
    "missing_data",
    "missing_history",
    "near_freezing",
    "no_data",
    "rain",
    "rain_likely",
    "reason_code",
    "snow_falling",
    "snow_on_ground",
    "stale_data",
    "step_problems",
    "symbol_base",
    "thunder",
    "uv",
    "wet_surface",
    "wind_chill",
    "worst_ground_of",
]
