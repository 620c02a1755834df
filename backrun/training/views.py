"""The interval timer page. It works signed out (the plan's first workout) and with no signal.

The page is the same for every query string: the advice context that "I'm going" passes along
(lat, lon, setting, venue) is read by the timer script and handed on to the log form, so the
service worker's kept copy serves any of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import render_template
from flask_login import current_user

from backrun.platform.cache import PAGE, cache_policy
from backrun.training import bp, plan
from backrun.training.history import plan_position_for


@bp.get("/timer")
# Signed out the same for everyone, kept in the offline shell; signed in, it holds the runner's plan step.
@cache_policy(PAGE)
def timer_page():
    signed_in = current_user.is_authenticated
    position = None
    if signed_in:
        today = datetime.now(UTC).astimezone(ZoneInfo(current_user.time_zone)).date()
        position = plan_position_for(current_user, today)
    workout = position.workout if position else plan.beginner_workout()
    return render_template(
        "training/timer.html",
        position=position,
        workout=workout,
        weeks=plan.WEEKS,
        plan_weeks=plan.PLAN_WEEKS,
    )
