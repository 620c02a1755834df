"""The six-week beginner plan, and where a runner is in it: pure functions, plain data in and out.

No Flask, no database: backrun/training/history.py reads the log, this module decides what it
means. The plan and its rules, with their sources, are in docs/training.md ("Beginner plan").

Where a runner is follows from their log alone, replayed oldest first: a comfortable session with
nothing sore counts towards the week; a hard one (or a sore one) holds the week, so it starts over;
soreness that is serious (knees, very hard and sore, sore twice in a row) steps back a week. A week
is done after 2-3 sessions (the runner's weekly target), and the next week never starts in the
same calendar week: one step up a week at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backrun.logbook.progress import (
    BREAK_DAYS,
    COMFORTABLE_MAX_EFFORT,
    HARD_EFFORT,
    RunSummary,
    week_start,
)

WARM_UP_S = 5 * 60
COOL_DOWN_S = 5 * 60
MIN_SESSIONS_PER_WEEK = 2
MAX_SESSIONS_PER_WEEK = 3


@dataclass(frozen=True, slots=True)
class Workout:
    """One interval session: bouts backwards with forward recovery between them."""

    bouts: int
    backward_s: int
    recovery_s: int
    warm_up_s: int = WARM_UP_S
    cool_down_s: int = COOL_DOWN_S
    recovery_mode: str = "walk"  # "walk" | "jog" (forwards)

    @property
    def backward_total_s(self) -> int:
        return self.bouts * self.backward_s

    @property
    def total_s(self) -> int:
        return self.warm_up_s + self.backward_total_s + (self.bouts - 1) * self.recovery_s + self.cool_down_s

    def for_timer(self) -> dict[str, int | str]:
        """The workout as the timer (static/js/timer/engine.js) names its fields."""
        return {
            "warmUpS": self.warm_up_s,
            "bouts": self.bouts,
            "backwardS": self.backward_s,
            "recoveryS": self.recovery_s,
            "coolDownS": self.cool_down_s,
            "recoveryMode": self.recovery_mode,
        }


# Bouts lengthen by 5 s a week, as the progress page's "next step" suggests from 30 s; the
# backward time per session grows through more bouts and shorter recovery, from 3 to almost
# 15 minutes, while the whole session grows from about 20 to 32 minutes.
WEEKS: tuple[Workout, ...] = (
    Workout(bouts=6, backward_s=30, recovery_s=90),
    Workout(bouts=8, backward_s=35, recovery_s=75),
    Workout(bouts=10, backward_s=40, recovery_s=60),
    Workout(bouts=12, backward_s=45, recovery_s=50),
    Workout(bouts=14, backward_s=50, recovery_s=40),
    Workout(bouts=16, backward_s=55, recovery_s=30),
)
PLAN_WEEKS = len(WEEKS)


@dataclass(frozen=True, slots=True)
class PlanPosition:
    week: int  # 1..PLAN_WEEKS: the week whose workout is next
    session: int  # the next session of that week, 1-based
    sessions_per_week: int
    weeks_done: int  # 0..PLAN_WEEKS
    workout: Workout  # today's step
    status: str  # "start" | "on_track" | "week_done" | "hold" | "step_back" | "break" | "complete"
    message: str
    next_week_from: date | None = None  # when a finished week's successor may start

    @property
    def complete(self) -> bool:
        return self.weeks_done >= PLAN_WEEKS


def sessions_per_week(weekly_target: int) -> int:
    """2 or 3: the runner's weekly target, within what the plan was built for."""
    return min(max(weekly_target, MIN_SESSIONS_PER_WEEK), MAX_SESSIONS_PER_WEEK)


def beginner_workout() -> Workout:
    """The first session of the plan: the timer's default for anyone without a log."""
    return WEEKS[0]


@dataclass(slots=True)
class _Replay:
    week: int = 1
    done: int = 0  # sessions counted towards `week`
    not_before: date | None = None  # the Monday from which sessions count towards `week`
    last: RunSummary | None = None
    status: str = "start"
    message: str = ""


def _sore_enough_to_step_back(session: RunSummary, previous: RunSummary | None) -> bool:
    if not session.soreness:
        return False
    return (
        "knees" in session.soreness
        or (session.effort or 0) >= HARD_EFFORT
        or bool(previous is not None and previous.soreness)
    )


def _apply(state: _Replay, session: RunSummary, per_week: int) -> None:
    """One logged session moves the runner along the plan (or holds, or steps them back)."""
    previous = state.last
    state.last = session
    if previous is not None and (session.day - previous.day).days > BREAK_DAYS:
        state.done = 0  # after a break, the week starts over
    if _sore_enough_to_step_back(session, previous):
        state.week, state.done, state.not_before = max(1, state.week - 1), 0, None
        state.status = "step_back"
        state.message = (
            "Soreness that needs care (knees, a very hard session, or sore twice in a row): "
            "rest 2–3 days, then one week back."
        )
        return
    if session.soreness or (session.effort is not None and session.effort > COMFORTABLE_MAX_EFFORT):
        state.done = 0
        state.status = "hold"
        why = "something was sore" if session.soreness else f"it felt hard (effort {session.effort})"
        state.message = (
            f"Your last session {why}: repeat this week until it feels comfortable and nothing is sore."
        )
        return
    if session.effort is None:
        state.status = "hold"
        state.message = (
            "Log how hard your sessions feel (effort 1–10): the plan moves on after comfortable ones."
        )
        return
    if state.not_before is not None and session.day < state.not_before:
        return  # an extra session in a calendar week that already finished a plan week: no step up
    state.done += 1
    state.status = "on_track"
    state.message = "Comfortable and nothing sore: on to the next session."
    if state.done >= per_week:
        state.week, state.done = state.week + 1, 0
        state.not_before = week_start(session.day) + timedelta(days=7)
        state.status = "week_done"


def position(
    history: Sequence[RunSummary], *, today: date, weekly_target: int = MAX_SESSIONS_PER_WEEK
) -> PlanPosition:
    """Where the runner is in the plan, from their log (oldest first), and today's step."""
    per_week = sessions_per_week(weekly_target)
    state = _Replay()
    for session in history:
        _apply(state, session, per_week)
        if state.week > PLAN_WEEKS:
            break  # done is done: later soreness is the progress page's "next step" to handle

    if state.week > PLAN_WEEKS:
        return PlanPosition(
            PLAN_WEEKS,
            per_week,
            per_week,
            PLAN_WEEKS,
            WEEKS[-1],
            "complete",
            "Plan complete: keep 2–3 sessions a week, lengthen your bouts by about 10 % a week "
            "and join them up towards 15–45 minutes of continuous backward running.",
        )
    week = state.week
    if state.last is None:
        return PlanPosition(
            1,
            1,
            per_week,
            0,
            WEEKS[0],
            "start",
            f"Start here: 30-second backward bouts with forward walking between, {per_week} times a week.",
        )
    if (today - state.last.day).days > BREAK_DAYS:
        return PlanPosition(
            week,
            1,
            per_week,
            week - 1,
            WEEKS[week - 1],
            "break",
            f"Welcome back: after a break of more than two weeks, week {week} starts over.",
        )
    if state.status == "week_done":
        if state.not_before is not None and today < state.not_before:
            # This calendar week is done: the next week starts on Monday; until then, rest or a
            # repeat of the week just finished.
            return PlanPosition(
                week,
                1,
                per_week,
                week - 1,
                WEEKS[week - 2],
                "week_done",
                f"Week {week - 1} done. Week {week} starts on Monday; until then rest, "
                f"or repeat week {week - 1}.",
                next_week_from=state.not_before,
            )
        state.status, state.message = "on_track", f"Week {week - 1} done: on to week {week}."
    return PlanPosition(
        week, state.done + 1, per_week, week - 1, WEEKS[week - 1], state.status, state.message
    )
