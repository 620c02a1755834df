"""The numbers behind the progress page, read in two queries however long the log is.

The whole log is summed per week in SQL (a few hundred rows for years of running), not per
session or per day: the progress page stays fast for a runner with 10,000 sessions.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Integer, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from backrun.accounts.models import User
from backrun.extensions import db
from backrun.logbook.models import Run as TS
from backrun.logbook.progress import RunSummary, WeekTotals

RECENT_RUNS = 12
# A Monday long before any session (the schema refuses starts before 1900), so week numbers
# counted from it are never negative and integer division floors the same on every database.
EPOCH_MONDAY = date(1800, 1, 6)


class days_since_epoch(FunctionElement):
    """Whole days from EPOCH_MONDAY to a DATE column, in SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True


@compiles(days_since_epoch, "sqlite")
def _days_sqlite(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"CAST(julianday({compiler.process(column, **kw)}) - julianday('{EPOCH_MONDAY.isoformat()}') AS INTEGER)"


@compiles(days_since_epoch)
def _days_default(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"({compiler.process(column, **kw)} - DATE '{EPOCH_MONDAY.isoformat()}')"


# Backward time as the model credits it: the bouts when intervals were logged, the whole session
# when the runner said it was one continuous backward run, else nothing (mixed: not known).
_backward_s = case(
    (TS.bouts.is_not(None), TS.bouts * TS.backward_s), (TS.pattern == "continuous", TS.duration_s), else_=0
)
_longest_bout_s = case(
    (TS.backward_s.is_not(None), TS.backward_s), (TS.pattern == "continuous", TS.duration_s), else_=0
)
_week = (days_since_epoch(TS.local_date) // 7).label("week")  # integer division


def week_totals(user: User) -> list[WeekTotals]:
    """The whole log summed per week (Monday to Sunday of the runner's local dates), oldest first."""
    query = (
        select(_week, func.count(), func.sum(TS.duration_s), func.sum(_backward_s), func.max(_longest_bout_s))
        .where(TS.user_id == user.id)
        .group_by(_week)
        .order_by(_week)
    )
    return [
        WeekTotals(
            EPOCH_MONDAY + timedelta(weeks=int(week)), int(n), int(duration), int(backward), int(longest)
        )
        for week, n, duration, backward, longest in db.session.execute(query)
    ]


def recent_runs(user: User, limit: int = RECENT_RUNS) -> list[RunSummary]:
    """The latest sessions, newest first, for the next-step suggestion."""
    query = (
        select(TS.local_date, _longest_bout_s, TS.effort, TS.soreness)
        .where(TS.user_id == user.id)
        .order_by(TS.started_at.desc(), TS.id.desc())
        .limit(limit)
    )
    return [
        RunSummary(day, int(bout), effort, tuple(soreness or ()))
        for day, bout, effort, soreness in db.session.execute(query)
    ]
