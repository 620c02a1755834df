"""Guided backward intervals: the timer page, the six-week beginner plan and the progress page.

plan.py is pure (the plan and where a runner is in it); history.py reads the log for it and for
the progress page (progress_views.py, with the logbook's stats and chart); the
timer itself runs in the browser (static/js/timer/), so it keeps time with no signal.
"""

from flask import Blueprint

bp = Blueprint("training", __name__)

from backrun.training import profile_views, progress_views, views  # noqa: E402,F401  (routes register on import)
