"""The coach and how a session was run: intervals, one continuous backward run, or mixed.

A week-1 beginner on 30-second bouts who logs long sessions without intervals must not be told to
"hold at 18-minute bouts": a session is credited as one long bout only when the runner says it was
all backwards, and no suggestion goes past the beginner plan's next step.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from backrun.extensions import db
from backrun.logbook.progress import RunSummary, next_step
from backrun.training import plan
from tests.support.runners import hidden_fields

TODAY = date(2026, 12, 3)  # a Thursday


def _summary(
    days_ago: int, bout_s: int, effort: int | None = 3, soreness: tuple[str, ...] = ()
) -> RunSummary:
    return RunSummary(TODAY - timedelta(days=days_ago), bout_s, effort, soreness)


class TestNextStep:
    def test_mixed_sessions_credit_no_bout_and_the_suggestion_is_the_plan_step(self):
        recent = [_summary(0, 0), _summary(1, 0), _summary(3, 0)]  # three 18-minute mixed sessions
        suggestion = next_step(recent, TODAY, plan_bout_s=30)
        assert suggestion.bout_s == 30
        assert suggestion.headline == "Try 30-second bouts"
        assert "no timed backward bouts" in suggestion.detail

    def test_a_continuous_run_does_not_skip_the_plan(self):
        suggestion = next_step([_summary(0, 18 * 60)], TODAY, plan_bout_s=30)
        assert suggestion.bout_s == 30 and suggestion.headline == "Stay with the plan: 30-second bouts"

    @pytest.mark.parametrize("effort", [None, 2, 6])
    @pytest.mark.parametrize("soreness", [(), ("calves",), ("knees",)])
    @pytest.mark.parametrize("bout_s", [0, 30, 40, 18 * 60])
    def test_never_past_the_plans_next_step(self, effort, soreness, bout_s):
        recent = [_summary(0, bout_s, effort, soreness), _summary(2, bout_s, effort), _summary(9, 25)]
        for step in (30, 35, 55):
            assert next_step(recent, TODAY, plan_bout_s=step).bout_s <= step

    def test_progress_stops_at_the_plan_step(self):
        # 30 s comfortable, plan at 35 s: 10 % more is 35 s (rounded up to 5 s), and no further.
        assert next_step([_summary(0, 30)], TODAY, plan_bout_s=35).bout_s == 35
        assert next_step([_summary(0, 30)], TODAY, plan_bout_s=35).kind == "progress"

    def test_after_the_plan_bouts_still_grow_by_ten_percent(self):
        suggestion = next_step([_summary(0, 120)], TODAY, plan_bout_s=None)
        assert suggestion.kind == "progress" and suggestion.bout_s == 135

    def test_a_break_after_mixed_sessions_restarts_at_the_plan_step(self):
        suggestion = next_step([_summary(20, 0)], TODAY, plan_bout_s=30)
        assert suggestion.bout_s == 30 and "30-second" in suggestion.headline

    def test_the_plan_counts_mixed_sessions_by_how_they_felt(self):
        # Mixed sessions are still sessions: three comfortable ones finish week 1, never more.
        history = [_summary(3, 0), _summary(2, 0), _summary(1, 0)]
        position = plan.position(history, today=TODAY, weekly_target=3)
        assert position.weeks_done == 1 and position.workout.backward_s <= plan.WEEKS[1].backward_s


def _log_form(runner, **fields) -> None:
    page = runner.client.get("/log/new").get_data(as_text=True)
    data = {
        **hidden_fields(page),
        "started_local": (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "tz": "UTC",
        "duration": "18",
        "setting": "outdoor",
        "effort": "3",
        **fields,
    }
    data["id"] = str(uuid.uuid4())
    response = runner.post("/log/new", data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]


class TestWeekOneRunnerLoggingLongMixedSessions:
    def test_long_sessions_without_intervals_are_not_bouts(self, runner_a):
        for _ in range(3):
            _log_form(runner_a)  # 18 minutes, intervals left empty, nothing chosen
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert re.search(r'id="longest-bout">—<', html)
        assert "18-minute" not in html and "18 min bouts" not in html
        assert "Try 30-second bouts" in html
        detail = runner_a.client.get("/log").get_data(as_text=True)
        assert "(all backwards)" not in detail

    def test_a_continuous_run_counts_as_one_bout_only_when_said(self, runner_a):
        _log_form(runner_a, pattern="continuous")
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert re.search(r'id="longest-bout">18 min<', html)
        assert "18-minute bouts" not in html
        assert "Stay with the plan: 30-second bouts" in html

    def test_the_form_offers_the_three_ways(self, runner_a):
        html = runner_a.client.get("/log/new").get_data(as_text=True)
        for value in ("intervals", "continuous", "mixed"):
            assert f'name="pattern" value="{value}"' in html

    def test_intervals_chosen_without_bouts_is_a_clear_error(self, runner_a):
        page = runner_a.client.get("/log/new").get_data(as_text=True)
        response = runner_a.post(
            "/log/new",
            {
                **hidden_fields(page),
                "started_local": "2026-12-01T08:00",
                "tz": "UTC",
                "duration": "20",
                "setting": "outdoor",
                "pattern": "intervals",
            },
        )
        assert response.status_code == 422
        assert "Give the number of bouts" in response.get_data(as_text=True)


class TestApi:
    def test_pattern_defaults_from_the_intervals(self, runner_a, token_a):
        assert runner_a.log(token_a)["pattern"] == "intervals"
        assert runner_a.log(token_a, intervals=None)["pattern"] == "mixed"
        assert runner_a.log(token_a, intervals=None, pattern="continuous")["pattern"] == "continuous"

    @pytest.mark.parametrize(
        "overrides",
        [{"pattern": "intervals", "intervals": None}, {"pattern": "continuous"}, {"pattern": "jogging"}],
    )
    def test_contradictions_are_refused(self, runner_a, token_a, overrides):
        from tests.support.runners import session_payload

        response = runner_a.api("POST", "/api/v1/sessions", token_a, json=session_payload(**overrides))
        assert response.status_code == 422 and "pattern" in response.json["fields"]


def test_the_migration_credits_old_sessions_honestly(app, runner_a, token_a):
    with_bouts = runner_a.log(token_a)["id"]
    without = runner_a.log(token_a, intervals=None, pattern="continuous")["id"]
    with app.app_context():
        downgrade(revision="0003")
        upgrade()
        rows = dict(db.session.execute(text("SELECT id, pattern FROM run")).all())
    patterns = {
        str(uuid.UUID(str(k))) if not isinstance(k, uuid.UUID) else str(k): v for k, v in rows.items()
    }
    # Before the migration nobody could say "continuous": a session without intervals becomes mixed.
    assert patterns == {with_bouts: "intervals", without: "mixed"}
