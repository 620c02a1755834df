"""Data quality (fail-safe): no forecast, a stale one, or one that doesn't cover the run, the
thunder watch or the past days the ground depends on. None of these can ever give "go"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from backrun.safety import ground as gm
from backrun.safety import thresholds as th
from backrun.safety.rules.base import (
    CAUTION,
    CHECK_YOURSELF,
    UNKNOWN,
    Reason,
    RunConditions,
    iso,
    reason_code,
)
from backrun.weather.model import Step

NO_DATA = reason_code("no_data", hazard="data")
STALE_DATA = reason_code("stale_data", hazard="data")
MISSING_DATA = reason_code("missing_data", hazard="data")
MISSING_HISTORY = reason_code("missing_history", hazard="data")
RECENT_RAIN_UNKNOWN = reason_code("recent_rain_unknown", hazard="data")


def no_data() -> Reason:
    return Reason(NO_DATA, UNKNOWN, "We can't check the weather right now. " + CHECK_YOURSELF, {})


def stale_data(age_s: float) -> list[Reason]:
    if age_s <= th.STALE_AFTER_S:
        return []
    return [
        Reason(
            STALE_DATA,
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
            MISSING_DATA,
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
                MISSING_HISTORY,
                UNKNOWN,
                "It's cold enough for ice and we can't see the past days' weather, so we can't rule out "
                "ice on the ground. " + CHECK_YOURSELF,
                evidence,
            )
        ]
    return [
        Reason(
            RECENT_RAIN_UNKNOWN,
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
