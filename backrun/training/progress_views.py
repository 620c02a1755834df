"""The progress page: this week against the target, streak, totals, chart, next step, energy.

It lives with training (the plan and the next step) and reads the logbook, never the other way round.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import render_template
from flask_login import current_user, login_required

from backrun.logbook import chart, stats
from backrun.logbook.progress import BACKWARD_RUN_MET, RECOVERY_MET, progress
from backrun.platform.cache import PRIVATE_NO_STORE, cache_policy
from backrun.training import bp, plan
from backrun.training import history as training_history


@bp.get("/progress")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def progress_page():
    today = datetime.now(UTC).astimezone(ZoneInfo(current_user.time_zone)).date()
    recent = training_history.recent_runs(current_user)  # one read for the next step and the plan
    position = training_history.plan_position_for(current_user, today, recent)
    report = progress(
        stats.week_totals(current_user),
        recent[: stats.RECENT_RUNS],
        today=today,
        weekly_target=current_user.weekly_target,
        body_weight_kg=current_user.body_weight_kg,
        plan_bout_s=None if position.complete else position.workout.backward_s,
    )
    return render_template(
        "training/progress.html",
        report=report,
        bars=chart.bars(report.weeks[-chart.PHONE_WEEKS :]),
        chart_width=chart.WIDTH,
        chart_height=chart.HEIGHT,
        baseline_y=chart.BASELINE_Y,
        backward_met=BACKWARD_RUN_MET,
        recovery_met=RECOVERY_MET,
        units=current_user.units,
        plan=position,
        plan_weeks=plan.WEEKS,
    )
