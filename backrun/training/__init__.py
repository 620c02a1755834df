"""Guided backward intervals: the timer page and the six-week beginner plan.

plan.py is pure (the plan and where a runner is in it); history.py reads the log for it; the
timer itself runs in the browser (static/js/timer/), so it keeps time with no signal.
"""

from flask import Blueprint

bp = Blueprint("training", __name__)

from backrun.training import profile_views, views  # noqa: E402,F401  (routes register on import)
