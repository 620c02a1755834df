"""The database decides who sends each message: exactly once across processes and machines.

A message is the row (subscription, kind, slot), unique in `push_delivery`. Inserting it is the
claim: the one process whose INSERT commits sends; every other one gets an IntegrityError and
skips. The claim holds a lease: a sender that dies between claim and send leaves it "claimed"
with an expired lease, and the next run takes it over with a conditional UPDATE (only one UPDATE
can match) and sends the payload stored with it. Retries after 429/5xx work the same way: state
"retry" with the lease set to when the next attempt may go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, delete, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from backrun.extensions import db
from backrun.push.models import PushDelivery, PushSubscription

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

PENDING = ("claimed", "retry")


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    subscription_id: int
    kind: str
    slot: str
    payload: dict
    attempts: int


def existing(keys: list[tuple[int, str, str]]) -> set[tuple[int, str, str]]:
    """Which (subscription, kind, slot) already have a delivery row (sent, pending or failed)."""
    found: set[tuple[int, str, str]] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        rows = db.session.execute(
            select(PushDelivery.subscription_id, PushDelivery.kind, PushDelivery.slot).where(
                tuple_(PushDelivery.subscription_id, PushDelivery.kind, PushDelivery.slot).in_(chunk)
            )
        )
        found.update((r[0], r[1], r[2]) for r in rows)
    return found


def claim(
    subscription_id: int, kind: str, slot: str, payload: dict, *, now: datetime, lease: timedelta
) -> Claim | None:
    """Insert the claim; None when someone else holds (or already sent) this message."""
    row = PushDelivery(
        subscription_id=subscription_id,
        kind=kind,
        slot=slot,
        state="claimed",
        lease_until=now + lease,
        attempts=0,
        payload=payload,
        created_at=now,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return Claim(row.id, subscription_id, kind, slot, payload, 0)


def claim_many(items: list[tuple[int, str, str, dict]], *, now: datetime, lease: timedelta) -> list[Claim]:
    """Claim several (subscription, kind, slot, payload) in one statement and one commit.

    INSERT ... ON CONFLICT DO NOTHING RETURNING (PostgreSQL, SQLite 3.35+): the rows it returns are
    the ones this process inserted, so they are ours; a conflict is a message someone else has.
    One commit for many claims, not one each (on SQLite every commit is an fsync).
    """
    if not items:
        return []
    name = db.session.get_bind().dialect.name
    insert: postgresql.Insert | sqlite.Insert
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        insert = postgresql_insert(PushDelivery)
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        insert = sqlite_insert(PushDelivery)
    else:  # pragma: no cover - Backrun runs on these two
        return [c for c in (claim(*item, now=now, lease=lease) for item in items) if c is not None]
    payloads = {(sub, kind, slot): payload for sub, kind, slot, payload in items}
    statement = (
        insert.values(
            [
                {
                    "subscription_id": sub,
                    "kind": kind,
                    "slot": slot,
                    "state": "claimed",
                    "lease_until": now + lease,
                    "attempts": 0,
                    "payload": payload,
                    "created_at": now,
                }
                for sub, kind, slot, payload in items
            ]
        )
        .on_conflict_do_nothing(index_elements=["subscription_id", "kind", "slot"])
        .returning(PushDelivery.id, PushDelivery.subscription_id, PushDelivery.kind, PushDelivery.slot)
    )
    rows = db.session.execute(statement).all()
    db.session.commit()
    return [
        Claim(
            row.id,
            row.subscription_id,
            row.kind,
            row.slot,
            payloads[(row.subscription_id, row.kind, row.slot)],
            0,
        )
        for row in rows
    ]


def take_over_expired(*, now: datetime, lease: timedelta, limit: int = 1000) -> list[Claim]:
    """Claims whose lease ran out (a dead sender) or whose retry time has come, now ours."""
    candidates = db.session.execute(
        select(PushDelivery.id, PushDelivery.lease_until)
        .where(PushDelivery.state.in_(PENDING), PushDelivery.lease_until <= now)
        .order_by(PushDelivery.id)
        .limit(limit)
    ).all()
    taken = []
    for delivery_id, lease_until in candidates:
        # An UPDATE gives a CursorResult (with rowcount); Session.execute is typed for any statement.
        result = cast(
            CursorResult[Any],
            db.session.execute(
                update(PushDelivery)
                .where(
                    PushDelivery.id == delivery_id,
                    PushDelivery.state.in_(PENDING),
                    PushDelivery.lease_until == lease_until,
                )
                .values(state="claimed", lease_until=now + lease)
                .execution_options(synchronize_session=False)
            ),
        )
        db.session.commit()
        if result.rowcount == 1:
            row = db.session.get(PushDelivery, delivery_id, populate_existing=True)
            if row is not None:
                taken.append(
                    Claim(row.id, row.subscription_id, row.kind, row.slot, row.payload, row.attempts)
                )
    return taken


def mark_sent(claim: Claim, status: int, now: datetime) -> None:
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.id == claim.delivery_id)
        .values(state="sent", sent_at=now, last_status=status, attempts=claim.attempts + 1)
        .execution_options(synchronize_session=False)
    )


def mark_retry(claim: Claim, status: int | None, when: datetime) -> None:
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.id == claim.delivery_id)
        .values(state="retry", lease_until=when, last_status=status, attempts=claim.attempts + 1)
        .execution_options(synchronize_session=False)
    )


def mark_failed(claim: Claim, status: int | None, now: datetime) -> None:
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.id == claim.delivery_id)
        .values(state="failed", lease_until=now, last_status=status, attempts=claim.attempts + 1)
        .execution_options(synchronize_session=False)
    )


def remove_subscription(subscription_id: int) -> None:
    """The push service says the subscription is gone (404/410): forget it and its claims."""
    db.session.execute(delete(PushDelivery).where(PushDelivery.subscription_id == subscription_id))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


def backoff(attempts: int, retry_after_s: float | None, max_backoff_s: float) -> timedelta:
    """Retry-After when the service gives one, else 30 s doubling per attempt; never over the cap."""
    seconds = retry_after_s if retry_after_s is not None else 30.0 * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(max(seconds, 1.0), max_backoff_s))
