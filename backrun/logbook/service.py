"""Reading and writing one runner's sessions. Every query is scoped to the runner who asks.

Creating is idempotent on the client's id: the same id again gives back the stored session, also
when two requests race (the primary key decides and the loser reads the winner's row).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from backrun.accounts.models import User
from backrun.extensions import db
from backrun.logbook.models import TrainingSession
from backrun.platform.columns import utc_now

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


class IdTaken(Exception):
    """The id belongs to another runner's session (a client reused or copied a UUID)."""


class BadCursor(ValueError):
    pass


# --- writing -------------------------------------------------------------------------------


def _apply(session: TrainingSession, data: dict) -> None:
    started: datetime = data["started_at"]
    offset = started.utcoffset() or timedelta(0)
    session.started_at = started.astimezone(UTC)
    session.utc_offset_min = int(offset.total_seconds() // 60)
    session.local_date = started.date()
    session.duration_s = data["duration_s"]
    session.distance_m = data.get("distance_m")
    session.setting = data["setting"]
    venue = data.get("venue") or {}
    session.venue_osm = venue.get("osm")
    session.venue_name = venue.get("name")
    session.surface = data.get("surface")
    intervals = data.get("intervals") or {}
    session.bouts = intervals.get("bouts")
    session.backward_s = intervals.get("backward_s")
    session.recovery_s = intervals.get("recovery_s")
    session.pattern = data.get("pattern") or ("intervals" if intervals else "mixed")
    session.effort = data.get("effort")
    session.soreness = list(data.get("soreness") or [])
    session.notes = data.get("notes") or ""
    session.weather = data.get("weather")
    session.kit_feedback = data.get("kit_feedback")


def create_session(user: User, data: dict) -> tuple[TrainingSession, bool]:
    """(session, created): an id already in this runner's log returns the stored session unchanged."""
    session_id: uuid.UUID = data["id"]
    existing = db.session.get(TrainingSession, session_id)
    if existing is not None:
        return _own_or_taken(existing, user), False
    session = TrainingSession(id=session_id, user_id=user.id)
    _apply(session, data)
    now = utc_now()
    session.created_at = session.updated_at = now
    db.session.add(session)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request with this id committed first: that row is the answer.
        db.session.rollback()
        existing = db.session.get(TrainingSession, session_id)
        if existing is None:
            raise
        return _own_or_taken(existing, user), False
    return session, True


def _own_or_taken(session: TrainingSession, user: User) -> TrainingSession:
    if session.user_id != user.id:
        raise IdTaken(str(session.id))
    return session


def update_session(session: TrainingSession, data: dict) -> TrainingSession:
    _apply(session, data)
    session.updated_at = utc_now()
    db.session.commit()
    return session


def delete_session(session: TrainingSession) -> None:
    db.session.delete(session)
    db.session.commit()


def create_many(user: User, rows: list[dict]) -> tuple[int, int]:
    """Import: (added, already there). Ids already in the log are left as they are."""
    ids = [row["id"] for row in rows]
    present = set()
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        present.update(db.session.scalars(select(TrainingSession.id).where(TrainingSession.id.in_(chunk))))
    now = utc_now()
    added = 0
    for row in rows:
        if row["id"] in present:
            continue
        session = TrainingSession(id=row["id"], user_id=user.id, created_at=now, updated_at=now)
        _apply(session, row)
        db.session.add(session)
        present.add(row["id"])
        added += 1
    db.session.commit()
    return added, len(rows) - added


# --- reading -------------------------------------------------------------------------------


def get_own(user: User, session_id: uuid.UUID) -> TrainingSession | None:
    """The runner's own session, or None: another runner's session is as absent as a missing one."""
    return db.session.scalar(
        select(TrainingSession).where(TrainingSession.id == session_id, TrainingSession.user_id == user.id)
    )


@dataclass(frozen=True)
class Filters:
    month: date | None = None  # the first day of the month
    setting: str | None = None


@dataclass(frozen=True)
class Page:
    sessions: list[TrainingSession]
    next_cursor: str | None


def encode_cursor(session: TrainingSession) -> str:
    raw = f"{session.started_at.strftime('%Y%m%dT%H%M%S.%f')}|{session.id.hex}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, session_id = raw.split("|")
        return datetime.strptime(when, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), uuid.UUID(hex=session_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor("This page link is broken or out of date; start from the newest sessions.") from exc


def _month_bounds(month: date) -> tuple[date, date]:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return month, following


def list_sessions(
    user: User, filters: Filters, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> Page:
    """Newest first, `limit` at a time; keyset paging so page 500 costs what page 1 costs."""
    query = select(TrainingSession).where(TrainingSession.user_id == user.id)
    if filters.month is not None:
        first, following = _month_bounds(filters.month)
        query = query.where(TrainingSession.local_date >= first, TrainingSession.local_date < following)
    if filters.setting:
        query = query.where(TrainingSession.setting == filters.setting)
    if cursor:
        started, session_id = decode_cursor(cursor)
        query = query.where(
            or_(
                TrainingSession.started_at < started,
                and_(TrainingSession.started_at == started, TrainingSession.id < session_id),
            )
        )
    query = query.order_by(TrainingSession.started_at.desc(), TrainingSession.id.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def all_sessions(user_id: int):
    """Every session of the runner, oldest first, read in batches (exports)."""
    query = (
        select(TrainingSession)
        .where(TrainingSession.user_id == user_id)
        .order_by(TrainingSession.started_at, TrainingSession.id)
        .execution_options(yield_per=500)
    )
    return db.session.scalars(query)
