"""Geometry of the weekly-minutes chart: an SVG with a text label on every bar (no colour needed)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from backrun.logbook.progress import WeekBar

WIDTH, HEIGHT = 360, 220
TOP, BOTTOM, LEFT = 30, 66, 4  # room for the value labels above and the week labels below
GAP = 6
# Weeks drawn: six bars keep their labels readable on a 320 px phone (the table under it has all).
PHONE_WEEKS = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value_label: str
    week_label: str
    met_target: bool
    runs: int
    description: str


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 10.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bars(weeks: tuple[WeekBar, ...]) -> list[Bar]:
    plot_height = HEIGHT - TOP - BOTTOM
    top = _nice_ceiling(max((w.minutes for w in weeks), default=0))
    slot = (WIDTH - LEFT) / max(len(weeks), 1)
    result = []
    for index, week in enumerate(weeks):
        height = plot_height * week.minutes / top
        x = LEFT + index * slot + GAP / 2
        minutes = round(week.minutes)
        result.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(slot - GAP, 1),
                height=round(height, 1),
                label_x=round(x + (slot - GAP) / 2, 1),
                value_label=f"{minutes}" if week.minutes >= 1 or week.minutes == 0 else "<1",
                week_label=f"{week.start.day} {week.start:%b}",
                met_target=week.met_target,
                runs=week.runs,
                description=(
                    f"Week of {week.start.day} {week.start:%B}: {minutes} backward minutes, "
                    f"{week.runs} session{'s' if week.runs != 1 else ''}"
                    f"{', target met' if week.met_target else ''}."
                ),
            )
        )
    return result


BASELINE_Y = HEIGHT - BOTTOM
