"""Subscribing, changing and removing: every query scoped to the runner who asks.

The endpoint is unique: the same browser subscribing again (another place, another time)
updates its row, also when two requests race (the loser updates the winner's row). An endpoint
already registered by another runner is taken over by this one when the keys match (the same
browser, now signed in as someone else: the new runner must not get the other's briefings);
with other keys it is refused.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from backrun.accounts.models import User
from backrun.accounts.signals import account_deleting
from backrun.extensions import db
from backrun.platform.columns import utc_now
from backrun.push.models import PushDelivery, PushSubscription

MAX_PER_RUNNER = 20


class TooMany(Exception):
    pass


class EndpointTaken(Exception):
    """Another runner's subscription has this endpoint with other keys: not this browser's to take."""


def _apply(sub: PushSubscription, data: dict) -> None:
    subscription, place = data["subscription"], data["place"]
    sub.p256dh = subscription["keys"]["p256dh"]
    sub.auth = subscription["keys"]["auth"]
    expiration = subscription.get("expirationTime")
    sub.expires_at = None if expiration is None else datetime.fromtimestamp(int(expiration) / 1000, UTC)
    if (sub.latitude, sub.longitude) != (place["lat"], place["lon"]):
        sub.last_verdict = None  # another place: its history says nothing about this one
    sub.place_name = place["name"]
    sub.latitude, sub.longitude = place["lat"], place["lon"]
    sub.time_zone = data["timezone"]
    sub.briefing_at = data["briefing_at"]
    sub.minutes = data["minutes"]
    sub.safe_window_alerts = data["safe_window_alerts"]
    sub.updated_at = utc_now()


def subscribe(user: User, data: dict) -> tuple[PushSubscription, bool]:
    """(subscription, created): the same endpoint again updates the stored row."""
    endpoint = data["subscription"]["endpoint"]
    for _ in range(2):
        sub = db.session.execute(
            select(PushSubscription).where(PushSubscription.endpoint == endpoint)
        ).scalar_one_or_none()
        created = sub is None
        if sub is None:
            if len(subscriptions_of(user)) >= MAX_PER_RUNNER:
                raise TooMany(
                    f"At most {MAX_PER_RUNNER} subscriptions per runner: remove one in Settings first."
                )
            sub = PushSubscription(
                endpoint=endpoint, user_id=user.id, created_at=utc_now(), latitude=None, longitude=None
            )
            db.session.add(sub)
        elif sub.user_id != user.id:
            keys = data["subscription"]["keys"]
            if not (
                hmac.compare_digest(sub.p256dh, keys["p256dh"])
                and hmac.compare_digest(sub.auth, keys["auth"])
            ):
                raise EndpointTaken("This endpoint belongs to another subscription.")
            db.session.execute(delete(PushDelivery).where(PushDelivery.subscription_id == sub.id))
            sub.user_id = user.id
        _apply(sub, data)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # the same endpoint was just stored by a racing request: update that row
            continue
        return sub, created
    raise RuntimeError("push subscription could not be stored")


def renew(old: dict, new: dict) -> PushSubscription | None:
    """The browser replaced `old` with `new`: the row follows, if the old secret matches."""
    sub = db.session.execute(
        select(PushSubscription).where(PushSubscription.endpoint == old["endpoint"])
    ).scalar_one_or_none()
    if sub is None or not hmac.compare_digest(sub.auth.rstrip("="), old["keys"]["auth"].rstrip("=")):
        return None
    taken = db.session.execute(
        select(PushSubscription).where(PushSubscription.endpoint == new["endpoint"])
    ).scalar_one_or_none()
    if taken is not None and taken.id != sub.id:
        remove(
            taken
        )  # the new endpoint was already stored (a page subscribed first): one row, the old settings
    sub.endpoint = new["endpoint"]
    sub.p256dh, sub.auth = new["keys"]["p256dh"], new["keys"]["auth"]
    expiration = new.get("expirationTime")
    sub.expires_at = None if expiration is None else datetime.fromtimestamp(int(expiration) / 1000, UTC)
    sub.updated_at = utc_now()
    db.session.commit()
    return sub


def subscriptions_of(user: User) -> list[PushSubscription]:
    return list(
        db.session.execute(
            select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.id)
        ).scalars()
    )


def get_own(user: User, subscription_id: int) -> PushSubscription | None:
    sub = db.session.get(PushSubscription, subscription_id)
    return sub if sub is not None and sub.user_id == user.id else None


def update(
    sub: PushSubscription, *, briefing_at: str | None, minutes: int, safe_window_alerts: bool, place_name: str
) -> PushSubscription:
    sub.briefing_at, sub.minutes, sub.safe_window_alerts, sub.place_name = (
        briefing_at,
        minutes,
        safe_window_alerts,
        place_name,
    )
    sub.updated_at = utc_now()
    db.session.commit()
    return sub


def remove(sub: PushSubscription) -> None:
    db.session.execute(delete(PushDelivery).where(PushDelivery.subscription_id == sub.id))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == sub.id))
    db.session.commit()


@account_deleting.connect
def remove_all_of(user: User, **_: object) -> None:
    """For account deletion (no commit: the caller's transaction)."""
    ids = select(PushSubscription.id).where(PushSubscription.user_id == user.id)
    db.session.execute(delete(PushDelivery).where(PushDelivery.subscription_id.in_(ids)))
    db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == user.id))


def to_json(sub: PushSubscription) -> dict:
    return {
        "id": sub.id,
        "endpoint": sub.endpoint,
        "expiration_time": sub.expires_at.isoformat() if sub.expires_at else None,
        "place": {"lat": sub.latitude, "lon": sub.longitude, "name": sub.place_name},
        "timezone": sub.time_zone,
        "briefing_at": sub.briefing_at,
        "minutes": sub.minutes,
        "safe_window_alerts": sub.safe_window_alerts,
        "created_at": sub.created_at.isoformat(),
        "updated_at": sub.updated_at.isoformat(),
    }
