"""Metric inside, the runner's units on screen: conversions and display formats."""

from __future__ import annotations

M_PER_MILE = 1609.344
M_PER_KM = 1000.0


def metres_per_unit(units: str) -> float:
    return M_PER_MILE if units == "mi" else M_PER_KM


def distance_in_units(metres: float | None, units: str) -> float | None:
    if metres is None:
        return None
    return metres / metres_per_unit(units)


def format_distance(metres: float | None, units: str) -> str:
    value = distance_in_units(metres, units)
    if value is None:
        return ""
    return f"{value:.2f} {units}"


def format_duration(seconds: int | None) -> str:
    """`45 s`, `12 min`, `12 min 30 s`, `1 h 05 min`."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if not secs else f"{minutes} min {secs} s"


def format_minutes(seconds: int | float) -> str:
    minutes = seconds / 60
    return f"{minutes:.0f} min" if minutes >= 10 or minutes == int(minutes) else f"{minutes:.1f} min"
