"""Reading and writing one runner's runs. Every query is scoped to the runner who asks.

Creating is idempotent on the client's id: the same id again gives back the stored run, also
when two requests race (the primary key decides and the loser reads the winner's row).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from backrun.accounts.models import User
from backrun.accounts.signals import account_deleting
from backrun.extensions import db
from backrun.logbook.fields import FIELDS, flatten
from backrun.logbook.models import Run
from backrun.platform.columns import utc_now

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


class IdTaken(Exception):
    """The id belongs to another runner's run (a client reused or copied a UUID)."""


class BadCursor(ValueError):
    pass


# --- writing -------------------------------------------------------------------------------


# Columns the API's data sets as they are; the start, pattern, soreness and notes need a word more.
_AS_GIVEN = tuple(
    f.column
    for f in FIELDS
    if not f.read_only and f.column not in ("id", "started_at", "pattern", "soreness", "notes")
)


def _apply(run: Run, data: dict) -> None:
    started: datetime = data["started_at"]
    offset = started.utcoffset() or timedelta(0)
    run.started_at = started.astimezone(UTC)
    run.utc_offset_min = int(offset.total_seconds() // 60)
    run.local_date = started.date()
    for column, value in flatten(data, _AS_GIVEN).items():
        setattr(run, column, value)
    run.pattern = data.get("pattern") or ("intervals" if data.get("intervals") else "mixed")
    run.soreness = list(data.get("soreness") or [])
    run.notes = data.get("notes") or ""


def create_run(user: User, data: dict) -> tuple[Run, bool]:
    """(run, created): an id already in this runner's log returns the stored run unchanged."""
    run_id: uuid.UUID = data["id"]
    existing = db.session.get(Run, run_id)
    if existing is not None:
        return _own_or_taken(existing, user), False
    run = Run(id=run_id, user_id=user.id)
    _apply(run, data)
    now = utc_now()
    run.created_at = run.updated_at = now
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request with this id committed first: that row is the answer.
        db.session.rollback()
        existing = db.session.get(Run, run_id)
        if existing is None:
            raise
        return _own_or_taken(existing, user), False
    return run, True


def _own_or_taken(run: Run, user: User) -> Run:
    if run.user_id != user.id:
        raise IdTaken(str(run.id))
    return run


def update_run(run: Run, data: dict) -> Run:
    _apply(run, data)
    run.updated_at = utc_now()
    db.session.commit()
    return run


def delete_run(run: Run) -> None:
    db.session.delete(run)
    db.session.commit()


@account_deleting.connect
def _delete_runs_of(user: User, **_: object) -> None:
    """A deleted account takes its log with it (in the deleting transaction: no commit here)."""
    db.session.execute(delete(Run).where(Run.user_id == user.id))


def create_many(user: User, rows: list[dict]) -> tuple[int, int]:
    """Import: (added, already there). Ids already in the log are left as they are."""
    ids = [row["id"] for row in rows]
    present: set[uuid.UUID] = set()
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        present.update(db.session.scalars(select(Run.id).where(Run.id.in_(chunk))))
    now = utc_now()
    added = 0
    for row in rows:
        if row["id"] in present:
            continue
        run = Run(id=row["id"], user_id=user.id, created_at=now, updated_at=now)
        _apply(run, row)
        db.session.add(run)
        present.add(row["id"])
        added += 1
    db.session.commit()
    return added, len(rows) - added


# --- reading -------------------------------------------------------------------------------


def get_own(user: User, run_id: uuid.UUID) -> Run | None:
    """The runner's own run, or None: another runner's run is as absent as a missing one."""
    return db.session.scalar(select(Run).where(Run.id == run_id, Run.user_id == user.id))


@dataclass(frozen=True)
class Filters:
    month: date | None = None  # the first day of the month
    setting: str | None = None


@dataclass(frozen=True)
class Page:
    runs: list[Run]
    next_cursor: str | None


def encode_cursor(run: Run) -> str:
    raw = f"{run.started_at.strftime('%Y%m%dT%H%M%S.%f')}|{run.id.hex}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, run_id = raw.split("|")
        return datetime.strptime(when, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), uuid.UUID(hex=run_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor("This page link is broken or out of date; start from the newest sessions.") from exc


def _month_bounds(month: date) -> tuple[date, date]:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return month, following


def list_runs(
    user: User, filters: Filters, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> Page:
    """Newest first, `limit` at a time; keyset paging so page 500 costs what page 1 costs."""
    query = select(Run).where(Run.user_id == user.id)
    if filters.month is not None:
        first, following = _month_bounds(filters.month)
        query = query.where(Run.local_date >= first, Run.local_date < following)
    if filters.setting:
        query = query.where(Run.setting == filters.setting)
    if cursor:
        started, run_id = decode_cursor(cursor)
        query = query.where(
            or_(
                Run.started_at < started,
                and_(Run.started_at == started, Run.id < run_id),
            )
        )
    query = query.order_by(Run.started_at.desc(), Run.id.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def all_runs(user_id: int):
    """Every run of the runner, oldest first, read in batches (exports)."""
    query = (
        select(Run)
        .where(Run.user_id == user_id)
        .order_by(Run.started_at, Run.id)
        .execution_options(yield_per=500)
    )
    return db.session.scalars(query)
