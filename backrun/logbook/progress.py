"""Training progress from a runner's log: pure functions, plain data in and out.

No Flask, no database: `backrun/logbook/stats.py` reads the numbers (summed per week), this module
decides what they mean. The rules and their sources are explained in docs/training.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WEEK = timedelta(days=7)
CHART_WEEKS = 12

# Progression (docs/training.md, "Next step").
START_BOUT_S = 30
WEEKLY_INCREASE = 0.10
ROUND_TO_S = 5
COMFORTABLE_MAX_EFFORT = 4  # "somewhat hard" on the session-RPE scale (Foster et al. 2001)
HARD_EFFORT = 8
BREAK_DAYS = 14

# Energy (docs/training.md, "Energy estimate"). 1 MET = 1 kcal per kg per hour.
FORWARD_RUN_8KMH_MET = 8.3  # 2011 Compendium, code 12030: running, 5 mph (8 km/h)
BACKWARD_COST_FACTOR = 1.35  # backward running costs ~35 % more at the same speed (Wright & Weyand 2001)
BACKWARD_RUN_MET = round(FORWARD_RUN_8KMH_MET * BACKWARD_COST_FACTOR, 1)  # 11.2
RECOVERY_MET = 3.5  # 2011 Compendium, code 17190: walking, 3.0 mph, level, moderate pace


@dataclass(frozen=True, slots=True)
class WeekTotals:
    """What the runner did in one week (Monday to Sunday of their own calendar)."""

    week_start: date
    runs: int
    duration_s: int
    backward_s: int
    longest_bout_s: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One recent run, as much as the next-step rule needs."""

    day: date
    longest_bout_s: int
    effort: int | None
    soreness: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeekBar:
    start: date
    runs: int
    backward_s: int
    met_target: bool

    @property
    def minutes(self) -> float:
        return self.backward_s / 60


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str  # "start" | "progress" | "hold" | "rest"
    bout_s: int
    headline: str
    detail: str


@dataclass(frozen=True, slots=True)
class Energy:
    this_week_kcal: float
    total_kcal: float
    body_weight_kg: float


@dataclass(frozen=True, slots=True)
class Progress:
    week_start: date
    runs_this_week: int
    weekly_target: int
    streak_weeks: int
    total_runs: int
    total_backward_s: int
    longest_bout_s: int
    weeks: tuple[WeekBar, ...]
    suggestion: Suggestion
    energy: Energy | None

    @property
    def target_met_this_week(self) -> bool:
        return self.runs_this_week >= self.weekly_target

    @property
    def runs_to_go(self) -> int:
        return max(0, self.weekly_target - self.runs_this_week)


def week_start(day: date) -> date:
    """Monday of the ISO week the day is in."""
    return day - timedelta(days=day.weekday())


def run_energy_kcal(duration_s: int, backward_s: int, body_weight_kg: float) -> float:
    """Backward bouts at the backward-running MET, the rest of the run at a walking MET."""
    backward_h = min(backward_s, duration_s) / 3600
    recovery_h = max(0, duration_s - backward_s) / 3600
    return body_weight_kg * (BACKWARD_RUN_MET * backward_h + RECOVERY_MET * recovery_h)


def weekly_totals(weeks: Iterable[WeekTotals]) -> dict[date, tuple[int, int]]:
    """{Monday: (runs, backward seconds)}."""
    totals: dict[date, tuple[int, int]] = {}
    for w in weeks:
        runs, seconds = totals.get(w.week_start, (0, 0))
        totals[w.week_start] = (runs + w.runs, seconds + w.backward_s)
    return totals


def streak(weeks: dict[date, tuple[int, int]], this_week: date, target: int) -> int:
    """Consecutive weeks that met the target, up to this week; an unfinished week doesn't break it."""
    current = this_week if weeks.get(this_week, (0, 0))[0] >= target else this_week - WEEK
    count = 0
    while weeks.get(current, (0, 0))[0] >= target:
        count += 1
        current -= WEEK
    return count


def chart_weeks(
    weeks: dict[date, tuple[int, int]], this_week: date, target: int, count: int = CHART_WEEKS
) -> tuple[WeekBar, ...]:
    bars = []
    for back in range(count - 1, -1, -1):
        start = this_week - back * WEEK
        runs, seconds = weeks.get(start, (0, 0))
        bars.append(WeekBar(start, runs, seconds, runs >= target))
    return tuple(bars)


def _round_up(seconds: float) -> int:
    # round() first: 100 * 1.1 is 110.00000000000001, which must stay 110, not become 115.
    return int(math.ceil(round(seconds / ROUND_TO_S, 6)) * ROUND_TO_S)


def _bout(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds}-second"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}-minute" if not rest else f"{minutes} min {rest} s"


def next_step(recent: Sequence[RunSummary], today: date, plan_bout_s: int | None = None) -> Suggestion:
    """What to do next time, from the most recent runs (newest first).

    `plan_bout_s`: the bout length of the beginner plan's next step while the plan runs (None once
    it is complete). No suggestion goes past it: tendons and calves adapt more slowly than fitness,
    so a long continuous run doesn't skip the plan's weeks. Sessions logged as mixed (bout 0) credit
    no bout length.
    """
    first = plan_bout_s or START_BOUT_S
    if not recent:
        return Suggestion(
            "start",
            first,
            f"Start with {_bout(first)} backward bouts",
            f"Alternate {_bout(first).replace('-', ' ')}s backwards with forward walking or jogging, "
            "2–3 times a week.",
        )

    def capped(seconds: int) -> int:
        seconds = seconds or first  # nothing credited yet: the plan's step (or the first bout)
        return min(seconds, plan_bout_s) if plan_bout_s else seconds

    latest = recent[0]
    if (today - latest.day).days > BREAK_DAYS:
        back = capped(latest.longest_bout_s)
        return Suggestion(
            "hold",
            back,
            f"Welcome back: repeat {_bout(back)} bouts",
            "After a break of more than two weeks, repeat your last bout length before building up again.",
        )

    last_week = [s for s in recent if (today - s.day).days < 7]
    sore_week = [s for s in last_week if s.soreness]
    credited = max(s.longest_bout_s for s in last_week) if last_week else latest.longest_bout_s
    bout = capped(credited)
    if sore_week:
        two_in_a_row = len(recent) >= 2 and bool(recent[0].soreness) and bool(recent[1].soreness)
        knees = "knees" in latest.soreness
        hard_and_sore = bool(latest.soreness) and (latest.effort or 0) >= HARD_EFFORT
        if knees or two_in_a_row or hard_and_sore:
            why = (
                "Knee pain is not the usual muscle soreness: if it lasts, see a physiotherapist. "
                if knees
                else ""
            )
            return Suggestion(
                "rest",
                bout,
                "Rest for 2–3 days",
                why + "Give soreness time to clear (it peaks 1–3 days after unaccustomed exercise), "
                f"then pick up again at {_bout(bout)} bouts.",
            )
        return Suggestion(
            "hold",
            bout,
            f"Hold at {_bout(bout)} bouts",
            "Something was sore this week: keep the same bout length until a session leaves nothing sore.",
        )

    if not credited:
        return Suggestion(
            "hold",
            bout,
            f"Try {_bout(bout)} bouts",
            "Your recent sessions have no timed backward bouts, so they count as sessions but not as "
            "bout lengths. Run with the timer, or log your bouts, and the coach builds on them.",
        )
    if latest.effort is None:
        return Suggestion(
            "hold",
            bout,
            f"Hold at {_bout(bout)} bouts",
            "Log how hard each session felt (effort 1–10) to get a suggestion for building up.",
        )
    if latest.effort > COMFORTABLE_MAX_EFFORT:
        return Suggestion(
            "hold",
            bout,
            f"Hold at {_bout(bout)} bouts",
            f"Your last session felt hard (effort {latest.effort}). Repeat this length until it feels "
            f"comfortable ({COMFORTABLE_MAX_EFFORT} or less).",
        )

    if plan_bout_s and credited >= plan_bout_s:
        return Suggestion(
            "hold",
            plan_bout_s,
            f"Stay with the plan: {_bout(plan_bout_s)} bouts",
            "You already run bouts as long as the plan's next step. Lengthen them one plan week at a "
            "time: calves and tendons adapt more slowly than your breath does.",
        )
    week_before = [s.longest_bout_s for s in recent if 7 <= (today - s.day).days < 14]
    if week_before and bout >= max(week_before) * (1 + WEEKLY_INCREASE):
        return Suggestion(
            "hold",
            bout,
            f"Hold at {_bout(bout)} bouts this week",
            "You already lengthened your bouts this week; build up again next week.",
        )
    longer = capped(max(_round_up(bout * (1 + WEEKLY_INCREASE)), bout + ROUND_TO_S))
    return Suggestion(
        "progress",
        longer,
        f"Try {_bout(longer)} bouts",
        "Comfortable and nothing sore: lengthen your backward bouts by about 10 % this week.",
    )


def progress(
    log: Sequence[WeekTotals],
    recent: Sequence[RunSummary],
    *,
    today: date,
    weekly_target: int,
    body_weight_kg: float | None,
    plan_bout_s: int | None = None,
) -> Progress:
    """Everything the progress page shows. `log` is the whole log by week; `recent` newest first;
    `plan_bout_s` the beginner plan's next bout length while the plan runs (see `next_step`)."""
    this_week = week_start(today)
    weeks = weekly_totals(log)
    energy = None
    if body_weight_kg:
        # The estimate is linear in time, so summing per week is exact.
        total = sum(run_energy_kcal(w.duration_s, w.backward_s, body_weight_kg) for w in log)
        week = sum(
            run_energy_kcal(w.duration_s, w.backward_s, body_weight_kg)
            for w in log
            if w.week_start == this_week
        )
        energy = Energy(round(week), round(total), body_weight_kg)
    return Progress(
        week_start=this_week,
        runs_this_week=weeks.get(this_week, (0, 0))[0],
        weekly_target=weekly_target,
        streak_weeks=streak(weeks, this_week, weekly_target),
        total_runs=sum(w.runs for w in log),
        total_backward_s=sum(w.backward_s for w in log),
        longest_bout_s=max((w.longest_bout_s for w in log), default=0),
        weeks=chart_weeks(weeks, this_week, weekly_target),
        suggestion=next_step(recent, today, plan_bout_s),
        energy=energy,
    )
