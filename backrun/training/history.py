"""The part of a runner's log the beginner plan replays: recent runs, oldest first.

The same rows as the progress page's "next step" reads (backrun/logbook/stats.py), only more of
them, so the progress page shows the plan without another query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from backrun.accounts.models import User
from backrun.logbook import stats
from backrun.logbook.progress import RunSummary
from backrun.training import plan

# Six weeks of plan plus room for held and repeated weeks. Older runs don't count: someone
# who comes back after months starts the plan afresh, which is what the plan is for.
WINDOW = timedelta(weeks=16)
MAX_SESSIONS = 200  # bounded however much a runner logs (the progress page stays fast)


def recent_runs(user: User) -> list[RunSummary]:
    """The newest runs, newest first: enough for the plan and the next-step suggestion."""
    return stats.recent_runs(user, limit=MAX_SESSIONS)


def within_window(newest_first: Sequence[RunSummary], today: date) -> list[RunSummary]:
    """The runs of the last 16 weeks (none from the future), oldest first, as the plan replays them."""
    return [s for s in reversed(newest_first) if today - WINDOW <= s.day <= today]


def plan_position_for(
    user: User, today: date, newest_first: Sequence[RunSummary] | None = None
) -> plan.PlanPosition:
    """Where this runner is in the beginner plan today (from `newest_first` when already read)."""
    runs = recent_runs(user) if newest_first is None else newest_first
    return plan.position(within_window(runs, today), today=today, weekly_target=user.weekly_target)
