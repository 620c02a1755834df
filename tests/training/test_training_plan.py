"""The six-week beginner plan and where a runner is in it: pure functions, no app, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backrun.logbook.progress import RunSummary, next_step
from backrun.training import plan
from backrun.training.plan import WEEKS, position

MONDAY = date(2026, 6, 1)  # a Monday


def run(day: date, effort: int | None = 3, soreness: tuple[str, ...] = (), bout: int = 30) -> RunSummary:
    return RunSummary(day, bout, effort, soreness)


def weeks_of_sessions(
    weeks: int, *, first_monday: date = MONDAY, days=(0, 2, 4), **kwargs
) -> list[RunSummary]:
    """Comfortable sessions on Monday, Wednesday and Friday of each week, oldest first."""
    return [run(first_monday + timedelta(weeks=w, days=d), **kwargs) for w in range(weeks) for d in days]


class TestThePlan:
    def test_six_weeks_from_30_second_bouts(self):
        assert len(WEEKS) == plan.PLAN_WEEKS == 6
        assert WEEKS[0].backward_s == 30
        assert [w.backward_s for w in WEEKS] == [30, 35, 40, 45, 50, 55]

    def test_bouts_lengthen_as_the_progress_pages_next_step_would(self):
        # The "progress" suggestion after a comfortable week at each length is the next week's bout.
        for this_week, following in zip(WEEKS, WEEKS[1:], strict=False):
            suggestion = next_step([run(MONDAY, bout=this_week.backward_s)], MONDAY)
            assert suggestion.kind == "progress"
            assert suggestion.bout_s == following.backward_s

    def test_sessions_grow_within_the_studied_15_to_45_minutes_towards_continuous_running(self):
        totals = [w.total_s / 60 for w in WEEKS]
        assert all(15 <= minutes <= 45 for minutes in totals), totals
        assert totals == sorted(totals)
        # The whole session grows by at most about 15 % a week ...
        assert all(b / a <= 1.15 for a, b in zip(totals, totals[1:], strict=False)), totals
        # ... while the backward share rises: more bouts, shorter recovery, almost 15 minutes backwards.
        assert [w.recovery_s for w in WEEKS] == sorted((w.recovery_s for w in WEEKS), reverse=True)
        assert WEEKS[0].backward_total_s == 3 * 60
        assert 14 * 60 <= WEEKS[-1].backward_total_s <= 15 * 60
        shares = [w.backward_total_s / (w.backward_total_s + (w.bouts - 1) * w.recovery_s) for w in WEEKS]
        assert shares == sorted(shares) and shares[-1] > 0.6

    def test_the_timer_gets_the_engines_field_names(self):
        assert WEEKS[0].for_timer() == {
            "warmUpS": 300,
            "bouts": 6,
            "backwardS": 30,
            "recoveryS": 90,
            "coolDownS": 300,
            "recoveryMode": "walk",
        }
        assert plan.beginner_workout() == WEEKS[0]

    @pytest.mark.parametrize(("target", "per_week"), [(1, 2), (2, 2), (3, 3), (5, 3)])
    def test_two_or_three_sessions_a_week_from_the_weekly_target(self, target, per_week):
        assert plan.sessions_per_week(target) == per_week


class TestWhereTheRunnerIs:
    def test_no_log_starts_at_week_one(self):
        where = position([], today=MONDAY)
        assert (where.week, where.session, where.weeks_done, where.status) == (1, 1, 0, "start")
        assert where.workout == WEEKS[0]

    def test_comfortable_sessions_count_towards_the_week(self):
        where = position(weeks_of_sessions(1, days=(0, 2)), today=MONDAY + timedelta(days=3))
        assert (where.week, where.session, where.status) == (1, 3, "on_track")

    def test_a_finished_week_moves_on_next_monday_not_before(self):
        history = weeks_of_sessions(1)
        saturday = MONDAY + timedelta(days=5)
        where = position(history, today=saturday)
        assert where.status == "week_done"
        assert where.weeks_done == 1 and where.next_week_from == MONDAY + timedelta(weeks=1)
        assert where.workout == WEEKS[0], "until Monday: rest, or repeat the week just done"
        where = position(history, today=MONDAY + timedelta(weeks=1))
        assert (where.week, where.session, where.workout) == (2, 1, WEEKS[1])

    def test_extra_sessions_in_the_same_calendar_week_are_no_step_up(self):
        history = weeks_of_sessions(1, days=(0, 1, 2, 3, 4, 5))
        where = position(history, today=MONDAY + timedelta(weeks=1))
        assert (where.week, where.session) == (2, 1)

    def test_two_sessions_a_week_with_a_target_of_two(self):
        history = weeks_of_sessions(2, days=(1, 4))
        where = position(history, today=MONDAY + timedelta(weeks=2), weekly_target=2)
        assert (where.week, where.session, where.sessions_per_week) == (3, 1, 2)

    def test_the_whole_plan_in_six_weeks(self):
        where = position(weeks_of_sessions(6), today=MONDAY + timedelta(weeks=6))
        assert where.complete and where.status == "complete" and where.weeks_done == 6
        assert where.workout == WEEKS[-1]
        assert "15–45 minutes" in where.message

    def test_complete_stays_complete(self):
        history = weeks_of_sessions(6) + [run(MONDAY + timedelta(weeks=6), soreness=("knees",))]
        assert position(history, today=MONDAY + timedelta(weeks=6)).complete


class TestAdjustedByEffortAndSoreness:
    def two_weeks_then(self, last: RunSummary) -> plan.PlanPosition:
        """Weeks 1 and 2 done; week 3 started with one comfortable session; then `last`."""
        history = weeks_of_sessions(2) + [run(MONDAY + timedelta(weeks=2)), last]
        return position(history, today=last.day + timedelta(days=1))

    def test_comfortable_goes_on(self):
        where = self.two_weeks_then(run(MONDAY + timedelta(weeks=2, days=2)))
        assert (where.week, where.session, where.status) == (3, 3, "on_track")

    @pytest.mark.parametrize("effort", [5, 7])
    def test_a_hard_session_holds_the_week(self, effort):
        where = self.two_weeks_then(run(MONDAY + timedelta(weeks=2, days=2), effort=effort))
        assert (where.week, where.session, where.status) == (3, 1, "hold")
        assert f"effort {effort}" in where.message

    def test_sore_calves_hold_the_week(self):
        where = self.two_weeks_then(run(MONDAY + timedelta(weeks=2, days=2), soreness=("calves",)))
        assert (where.week, where.session, where.status) == (3, 1, "hold")
        assert "sore" in where.message

    @pytest.mark.parametrize(
        "last",
        [
            run(MONDAY + timedelta(weeks=2, days=2), soreness=("knees",)),
            run(MONDAY + timedelta(weeks=2, days=2), effort=8, soreness=("quads",)),
        ],
        ids=["knees", "very-hard-and-sore"],
    )
    def test_serious_soreness_steps_back_a_week(self, last):
        where = self.two_weeks_then(last)
        assert (where.week, where.session, where.status) == (2, 1, "step_back")
        assert where.workout == WEEKS[1]
        assert "rest 2–3 days" in where.message

    def test_sore_twice_in_a_row_steps_back(self):
        history = weeks_of_sessions(2) + [
            run(MONDAY + timedelta(weeks=2), soreness=("calves",)),
            run(MONDAY + timedelta(weeks=2, days=2), soreness=("calves",)),
        ]
        where = position(history, today=MONDAY + timedelta(weeks=2, days=3))
        assert (where.week, where.status) == (2, "step_back")

    def test_never_back_before_week_one(self):
        where = position([run(MONDAY, soreness=("knees",))], today=MONDAY + timedelta(days=1))
        assert (where.week, where.status) == (1, "step_back")

    def test_a_held_week_is_done_after_enough_comfortable_sessions(self):
        history = [
            run(MONDAY),
            run(MONDAY + timedelta(days=2), effort=6),
            run(MONDAY + timedelta(days=4)),
            run(MONDAY + timedelta(days=5)),
            run(MONDAY + timedelta(days=6)),
        ]
        assert position(history, today=MONDAY + timedelta(weeks=1)).week == 2

    def test_no_effort_logged_counts_nothing_and_asks_for_it(self):
        history = [run(MONDAY), run(MONDAY + timedelta(days=2), effort=None)]
        where = position(history, today=MONDAY + timedelta(days=3))
        assert (where.week, where.session, where.status) == (1, 2, "hold")
        assert "effort" in where.message

    def test_after_a_break_of_over_two_weeks_the_week_starts_over(self):
        history = weeks_of_sessions(2) + [run(MONDAY + timedelta(weeks=2))]
        where = position(history, today=MONDAY + timedelta(weeks=5))
        assert (where.week, where.session, where.status) == (3, 1, "break")
        # Back at it: the break itself resets the week's count.
        history.append(run(MONDAY + timedelta(weeks=5)))
        where = position(history, today=MONDAY + timedelta(weeks=5))
        assert (where.week, where.session) == (3, 2)
