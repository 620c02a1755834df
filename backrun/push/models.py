"""A browser's push subscription for one place, and the claim that sends one message once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backrun.extensions import Model
from backrun.platform.columns import UtcDateTime, utc_now

KINDS = ("briefing", "safe_window")
# A claim's life: claimed (someone is sending, until lease_until) -> sent, or -> retry (again at
# lease_until) -> ... -> failed after the last attempt. A claim whose lease ran out while
# "claimed" belongs to a sender that died: the next run takes it over and sends it.
STATES = ("claimed", "retry", "sent", "failed")


class PushSubscription(Model):
    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    # The push service URL is a capability: unique, so the same browser subscribing again updates its row.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    place_name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float]
    longitude: Mapped[float]
    time_zone: Mapped[str] = mapped_column(String(64))
    briefing_at: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" local, None: no briefing
    minutes: Mapped[int] = mapped_column(default=30)
    safe_window_alerts: Mapped[bool] = mapped_column(default=False)
    # The last verdict seen for the next window (not "unknown"): an alert needs indoors/caution before "go".
    last_verdict: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)

    def subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushDelivery(Model):
    """One message: (subscription, kind, slot) is unique, so only one sender can ever claim it."""

    __tablename__ = "push_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "kind", "slot", name="uq_push_delivery_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    slot: Mapped[str] = mapped_column(String(16))  # the local day, YYYY-MM-DD
    state: Mapped[str] = mapped_column(String(16), index=True)
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    payload: Mapped[dict] = mapped_column(JSON)
    last_status: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
