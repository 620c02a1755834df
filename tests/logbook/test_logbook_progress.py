"""The pure progress rules: weeks, streaks, totals, the next step and the energy estimate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backrun.logbook import chart
from backrun.logbook.progress import (
    BACKWARD_RUN_MET,
    RECOVERY_MET,
    RunSummary,
    WeekTotals,
    next_step,
    progress,
    run_energy_kcal,
    streak,
    week_start,
    weekly_totals,
)

TODAY = date(2026, 5, 21)  # a Thursday
MONDAY = date(2026, 5, 18)


def day(d: date, sessions=1, duration=600, backward=300, longest=30) -> WeekTotals:
    """The totals of the week the day is in (as the database sums them)."""
    return WeekTotals(week_start(d), sessions, duration, backward, longest)


def recent(days_ago: int, bout=30, effort=3, soreness=()) -> RunSummary:
    return RunSummary(TODAY - timedelta(days=days_ago), bout, effort, tuple(soreness))


class TestWeeks:
    @pytest.mark.parametrize(
        ("d", "monday"),
        [
            (date(2026, 5, 18), MONDAY),
            (date(2026, 5, 24), MONDAY),
            (date(2026, 5, 25), date(2026, 5, 25)),
            (date(2027, 1, 1), date(2026, 12, 28)),
        ],
    )
    def test_weeks_start_on_monday(self, d, monday):
        assert week_start(d) == monday

    def test_weekly_totals_merge_rows_of_one_week(self):
        weeks = weekly_totals(
            [day(MONDAY, 2, backward=100), day(TODAY, 1, backward=50), day(MONDAY - timedelta(days=1))]
        )
        assert weeks[MONDAY] == (3, 150)
        assert weeks[MONDAY - timedelta(days=7)] == (1, 300)

    def test_streak_counts_weeks_that_met_the_target(self):
        weeks = {MONDAY - timedelta(weeks=n): (3, 600) for n in range(1, 5)}
        weeks[MONDAY] = (1, 100)  # this week isn't over: it doesn't break the streak
        assert streak(weeks, MONDAY, 3) == 4
        weeks[MONDAY] = (3, 600)
        assert streak(weeks, MONDAY, 3) == 5
        weeks[MONDAY - timedelta(weeks=2)] = (2, 400)  # a missed week breaks it
        assert streak(weeks, MONDAY, 3) == 2
        assert streak({}, MONDAY, 3) == 0

    def test_the_chart_has_twelve_weeks_including_empty_ones(self):
        report = progress(
            [day(TODAY, 3, backward=900), day(MONDAY - timedelta(weeks=3), backward=120)],
            [],
            today=TODAY,
            weekly_target=3,
            body_weight_kg=None,
        )
        assert len(report.weeks) == 12
        assert (
            report.weeks[-1].start == MONDAY
            and report.weeks[-1].minutes == 15
            and report.weeks[-1].met_target
        )
        assert report.weeks[-4].minutes == 2 and not report.weeks[-4].met_target
        assert [w.runs for w in report.weeks].count(0) == 10

    def test_totals_and_this_week(self):
        days = [
            day(TODAY, 2, duration=1200, backward=600, longest=120),
            day(date(2025, 1, 1), 1, 300, 300, 300),
        ]
        report = progress(days, [], today=TODAY, weekly_target=3, body_weight_kg=None)
        assert (report.runs_this_week, report.runs_to_go, report.target_met_this_week) == (
            2,
            1,
            False,
        )
        assert report.total_runs == 3 and report.total_backward_s == 900 and report.longest_bout_s == 300
        assert report.energy is None


class TestNextStep:
    def test_no_sessions_start_with_30_seconds(self):
        assert next_step([], TODAY).kind == "start" and next_step([], TODAY).bout_s == 30

    @pytest.mark.parametrize(("bout", "expected"), [(30, 35), (40, 45), (60, 70), (100, 110), (300, 330)])
    def test_comfortable_and_not_sore_lengthens_by_about_ten_percent(self, bout, expected):
        suggestion = next_step([recent(1, bout=bout, effort=3)], TODAY)
        assert suggestion.kind == "progress" and suggestion.bout_s == expected
        assert expected <= max(bout * 1.1 + 5, bout + 5)

    @pytest.mark.parametrize("effort", [5, 7, 8, 10])
    def test_hard_sessions_hold(self, effort):
        suggestion = next_step([recent(1, bout=60, effort=effort)], TODAY)
        assert suggestion.kind == "hold" and suggestion.bout_s == 60

    def test_no_effort_logged_holds_and_asks_for_it(self):
        suggestion = next_step([recent(1, effort=None)], TODAY)
        assert suggestion.kind == "hold" and "effort" in suggestion.detail

    def test_soreness_this_week_holds(self):
        suggestion = next_step([recent(1, bout=45), recent(3, bout=45, soreness=["calves"])], TODAY)
        assert suggestion.kind == "hold" and suggestion.bout_s == 45

    @pytest.mark.parametrize(
        "sessions",
        [
            [recent(1, soreness=["knees"])],
            [recent(1, soreness=["calves"]), recent(3, soreness=["quads"])],
            [recent(1, soreness=["calves"], effort=8)],
        ],
        ids=["knees", "sore-twice-in-a-row", "hard-and-sore"],
    )
    def test_worse_soreness_means_rest(self, sessions):
        assert next_step(sessions, TODAY).kind == "rest"

    def test_knee_pain_mentions_a_physiotherapist(self):
        assert "physiotherapist" in next_step([recent(1, soreness=["knees"])], TODAY).detail

    def test_only_one_increase_a_week(self):
        already = [recent(1, bout=35), recent(8, bout=30)]  # 35 >= 30 x 1.1
        assert next_step(already, TODAY).kind == "hold"
        not_yet = [recent(1, bout=30), recent(8, bout=30)]
        assert next_step(not_yet, TODAY).kind == "progress"

    def test_after_a_break_repeat_the_last_bout(self):
        suggestion = next_step([recent(20, bout=90)], TODAY)
        assert suggestion.kind == "hold" and suggestion.bout_s == 90 and "break" in suggestion.detail

    def test_old_soreness_does_not_hold_you_back(self):
        suggestion = next_step([recent(1, bout=60), recent(9, bout=60, soreness=["calves"])], TODAY)
        assert suggestion.kind == "progress"


class TestEnergy:
    def test_the_met_figures(self):
        assert BACKWARD_RUN_MET == 11.2 and RECOVERY_MET == 3.5

    def test_backward_time_at_the_backward_met_and_the_rest_at_walking(self):
        assert run_energy_kcal(3600, 3600, 70) == pytest.approx(11.2 * 70)
        assert run_energy_kcal(3600, 1800, 70) == pytest.approx(70 * (11.2 * 0.5 + 3.5 * 0.5))
        assert run_energy_kcal(600, 0, 60) == pytest.approx(60 * 3.5 / 6)

    def test_progress_reports_this_week_and_all_time(self):
        days = [day(TODAY, duration=3600, backward=3600), day(date(2025, 1, 1), duration=3600, backward=3600)]
        report = progress(days, [], today=TODAY, weekly_target=3, body_weight_kg=70)
        assert report.energy.this_week_kcal == 784 and report.energy.total_kcal == 1568


class TestChart:
    def test_every_bar_has_a_text_label_and_fits(self):
        report = progress(
            [day(TODAY, 3, backward=1800), day(MONDAY - timedelta(weeks=1), backward=30)],
            [],
            today=TODAY,
            weekly_target=3,
            body_weight_kg=None,
        )
        bars = chart.bars(report.weeks)
        assert len(bars) == 12
        assert bars[-1].value_label == "30" and bars[-1].met_target and "target met" in bars[-1].description
        assert bars[-2].value_label == "<1"
        assert bars[0].value_label == "0" and bars[0].height == 0
        for bar in bars:
            assert bar.x >= 0 and bar.x + bar.width <= chart.WIDTH
            assert chart.TOP <= bar.y <= chart.BASELINE_Y and bar.y + bar.height == pytest.approx(
                chart.BASELINE_Y, abs=0.2
            )

    def test_an_empty_log_draws_empty_bars(self):
        bars = chart.bars(progress([], [], today=TODAY, weekly_target=3, body_weight_kg=None).weeks)
        assert all(b.height == 0 and b.value_label == "0" for b in bars)
