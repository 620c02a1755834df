"""One run of the sender: everything due at `at`, each message claimed once and sent.

    report = send_due(at)      # in an app context; `flask push send-due` and the scheduler call it

1. Retries whose time has come and claims left by a dead sender are taken over and sent as stored.
2. What has work now: briefings whose local time is within their grace period and whose day has
   no delivery yet; alert subscriptions outside quiet hours. Only their cells' weather is fetched
   (once per cell, side by side, through the shared cache and single flight): a minute with
   nothing due costs no upstream call.
3. Briefings: the advice for the place and run (`get_advice`), claimed a chunk at a time, sent.
4. Safe-window alerts: the next 15-minute window's verdict; indoors/caution seen before and "go"
   now (never "unknown") sends one alert per place per local day.
Claims are made a chunk at a time (one INSERT, one commit) and sent on a small thread pool with
timeouts; each chunk's outcomes are recorded (sent / retry / failed / subscription removed)
before the next chunk is claimed, so a lease only has to cover one chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import select, update

from backrun.advice.service import get_advice
from backrun.extensions import db
from backrun.push import claims, content, schedule
from backrun.push.claims import Claim
from backrun.push.keys import vapid
from backrun.push.models import PushSubscription
from backrun.push.origins import allowed
from backrun.push.sender import Outcome, VapidSigner, send
from backrun.weather.service import get_weather_service

log = logging.getLogger(__name__)
UTC = UTC
BAD = ("indoors", "caution")


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for name in ("sent", "skipped", "retried", "removed", "failed"):
            for item in getattr(self, name):
                out.append(f"{name}: {item}")
        out.append(
            f"{len(self.sent)} sent, {len(self.skipped)} skipped, {len(self.retried)} retried, "
            f"{len(self.removed)} removed, {len(self.failed)} failed"
        )
        return out


@dataclass(frozen=True)
class _Settings:
    grace: timedelta
    quiet: schedule.QuietHours
    lease: timedelta
    timeout: float
    max_attempts: int
    max_backoff_s: float
    senders: int

    @property
    def chunk(self) -> int:
        """Messages claimed and sent together: four rounds of the sender pool."""
        return 4 * self.senders

    @classmethod
    def from_config(cls, config) -> _Settings:
        timeout = float(config["BACKRUN_PUSH_TIMEOUT"])
        senders = max(1, int(config["BACKRUN_PUSH_SENDERS"]))
        # A chunk is four rounds of the pool: the lease must outlast four timeouts and the bookkeeping.
        lease_s = max(float(config["BACKRUN_PUSH_LEASE_S"]), 4 * timeout + 30)
        return cls(
            timedelta(minutes=int(config["BACKRUN_PUSH_BRIEFING_GRACE_MIN"])),
            schedule.QuietHours.parse(config["BACKRUN_PUSH_QUIET_HOURS"]),
            timedelta(seconds=lease_s),
            timeout,
            int(config["BACKRUN_PUSH_MAX_ATTEMPTS"]),
            float(config["BACKRUN_PUSH_MAX_BACKOFF_S"]),
            senders,
        )


def _label(claim: Claim) -> str:
    return f"{claim.kind} #{claim.subscription_id} {claim.slot}"


def send_due(at: datetime | None = None) -> Report:
    at = (at or datetime.now(UTC)).astimezone(UTC)
    settings = _Settings.from_config(current_app.config)
    report = Report()
    sender = _Sender(settings, report)
    try:
        sender.deliver(claims.take_over_expired(now=at, lease=settings.lease), at)
        subscriptions = [
            _Watched.of(s)
            for s in db.session.execute(select(PushSubscription).order_by(PushSubscription.id)).scalars()
        ]
        db.session.rollback()  # read once: later commits must not reload 10,000 rows one by one
        briefings = _due_briefings(subscriptions, at, settings, report)
        watched = _watched_now(subscriptions, at, settings, report)
        # Weather only for the cells with work now: a quiet minute costs no upstream call.
        _prefetch_weather([sub for sub, _ in briefings] + [sub for sub, _ in watched])
        sender.deliver(_briefings(briefings, at, settings, report), at)
        sender.deliver(_safe_windows(watched, at, settings, report), at)
    finally:
        sender.close()
    return report


@dataclass(frozen=True)
class _Watched:
    id: int
    place_name: str
    latitude: float
    longitude: float
    time_zone: str
    briefing_at: str | None
    minutes: int
    safe_window_alerts: bool
    last_verdict: str | None

    @classmethod
    def of(cls, sub: PushSubscription) -> _Watched:
        return cls(
            sub.id,
            sub.place_name,
            sub.latitude,
            sub.longitude,
            sub.time_zone,
            sub.briefing_at,
            sub.minutes,
            sub.safe_window_alerts,
            sub.last_verdict,
        )


def _prefetch_weather(subscriptions: list[_Watched]) -> None:
    """One forecast per cell, fetched side by side (the service's own cache and single flight dedupe)."""
    service = get_weather_service()
    places = {(round(s.latitude, 2), round(s.longitude, 2)): (s.latitude, s.longitude) for s in subscriptions}
    if len(places) <= 1:
        return
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="push-weather") as pool:
        list(pool.map(lambda p: service.forecast(*p), places.values()))


def _due_briefings(
    subscriptions: list[_Watched], at: datetime, settings: _Settings, report: Report
) -> list[tuple[_Watched, str]]:
    """(subscription, local day) whose briefing is due now and not yet claimed by anyone."""
    due = []
    for sub in subscriptions:
        try:
            day = schedule.briefing_due(at, sub.briefing_at, sub.time_zone, settings.grace)
        except (KeyError, ValueError) as exc:  # a zone gone from tzdata, a hand-edited time: skip, tell
            report.failed.append(f"briefing #{sub.id}: {type(exc).__name__}: {exc}")
            continue
        if day is not None:
            due.append((sub, day.isoformat()))
    done = claims.existing([(sub.id, "briefing", slot) for sub, slot in due])
    return [(sub, slot) for sub, slot in due if (sub.id, "briefing", slot) not in done]


def _watched_now(
    subscriptions: list[_Watched], at: datetime, settings: _Settings, report: Report
) -> list[tuple[_Watched, str]]:
    """(subscription, local day) with safe-window alerts, outside quiet hours.

    Also after today's alert: what it does tonight decides whether tomorrow morning's "go" is news.
    """
    watched = []
    for sub in subscriptions:
        if not sub.safe_window_alerts:
            continue
        try:
            if schedule.in_quiet_hours(at, sub.time_zone, settings.quiet):
                continue  # neither sent nor observed: a window that opens at night is told in the morning
            watched.append((sub, schedule.local_day(at, sub.time_zone).isoformat()))
        except KeyError as exc:  # a zone gone from tzdata
            report.failed.append(f"safe_window #{sub.id}: unknown time zone {exc}")
    return watched


def _briefings(
    due: list[tuple[_Watched, str]], at: datetime, settings: _Settings, report: Report
) -> Iterable[Claim]:
    batch: list[tuple[int, str, str, dict]] = []
    for sub, slot in due:
        result = get_advice(sub.latitude, sub.longitude, minutes=sub.minutes, start=at, now=at)
        payload = content.briefing(
            result.advice,
            result.weather.forecast,
            place=sub.place_name,
            latitude=sub.latitude,
            longitude=sub.longitude,
            minutes=sub.minutes,
            zone=schedule.zone(sub.time_zone),
            subscription_id=sub.id,
        )
        batch.append((sub.id, "briefing", slot, payload))
        if len(batch) >= settings.chunk:
            yield from _claimed(batch, at, settings, report)
            batch = []
    yield from _claimed(batch, at, settings, report)


def _claimed(
    batch: list[tuple[int, str, str, dict]], at: datetime, settings: _Settings, report: Report
) -> list[Claim]:
    won = claims.claim_many(batch, now=at, lease=settings.lease)
    ours = {(c.subscription_id, c.kind, c.slot) for c in won}
    for sub_id, kind, slot, _ in batch:
        if (sub_id, kind, slot) not in ours:
            report.skipped.append(f"{kind} #{sub_id} {slot} (claimed elsewhere)")
    return won


def _safe_windows(
    watched: list[tuple[_Watched, str]], at: datetime, settings: _Settings, report: Report
) -> Iterable[Claim]:
    start = schedule.next_window_start(at)
    for sub, slot in watched:
        result = get_advice(sub.latitude, sub.longitude, minutes=sub.minutes, start=start, now=at)
        verdict = result.advice.verdict
        if verdict == "unknown":
            continue  # no alert and no change: unknown data proves nothing either way
        claim = None
        if verdict == "go" and sub.last_verdict in BAD and claims.existing([(sub.id, "safe_window", slot)]):
            report.skipped.append(f"safe_window #{sub.id} {slot} (one alert a day)")
        elif verdict == "go" and sub.last_verdict in BAD:
            payload = content.safe_window(
                result.advice,
                result.weather.forecast,
                place=sub.place_name,
                latitude=sub.latitude,
                longitude=sub.longitude,
                minutes=sub.minutes,
                zone=schedule.zone(sub.time_zone),
                subscription_id=sub.id,
            )
            claim = claims.claim(sub.id, "safe_window", slot, payload, now=at, lease=settings.lease)
            if claim is None:
                report.skipped.append(f"safe_window #{sub.id} {slot} (claimed elsewhere)")
        # Claimed before the state moves on: a crash in between leaves a claim to retry, not a lost alert.
        if verdict != sub.last_verdict:
            db.session.execute(
                update(PushSubscription)
                .where(PushSubscription.id == sub.id)
                .values(last_verdict=verdict)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        if claim is not None:
            yield claim


class _Sender:
    def __init__(self, settings: _Settings, report: Report) -> None:
        self.settings = settings
        self.report = report
        config = current_app.config
        self.signer = VapidSigner(vapid(), config["BACKRUN_CONTACT"])
        self.allowed_origins = tuple(config["BACKRUN_PUSH_ALLOWED_ORIGINS"])
        self.client = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=16, pool_maxsize=settings.senders)
        self.client.mount("https://", adapter)
        self.client.mount("http://", adapter)
        self.client.headers["User-Agent"] = f"Backrun push ({config['BACKRUN_CONTACT']})"
        self.pool = ThreadPoolExecutor(max_workers=settings.senders, thread_name_prefix="push-send")

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    def deliver(self, pending: Iterable[Claim], at: datetime) -> None:
        chunk: list[Claim] = []
        for claim in pending:
            chunk.append(claim)
            if len(chunk) >= self.settings.chunk:
                self._send_chunk(chunk, at)
                chunk = []
        if chunk:
            self._send_chunk(chunk, at)

    def _send_chunk(self, chunk: list[Claim], at: datetime) -> None:
        ids = {c.subscription_id for c in chunk}
        subs = {
            s.id: s.subscription_info()
            for s in db.session.execute(
                select(PushSubscription).where(PushSubscription.id.in_(ids))
            ).scalars()
        }
        outcomes = list(self.pool.map(lambda c: self._send_one(c, subs.get(c.subscription_id)), chunk))
        for claim, outcome in zip(chunk, outcomes, strict=True):
            self._record(claim, outcome, at)
        db.session.commit()

    def _send_one(self, claim: Claim, info: dict | None) -> Outcome:
        if info is None:
            return Outcome(410, error="subscription removed")
        if not allowed(info["endpoint"], self.allowed_origins):
            return Outcome(None, error="endpoint not on BACKRUN_PUSH_ALLOWED_ORIGINS", permanent=True)
        kind = claim.kind
        return send(
            self.client,
            self.signer,
            info,
            claim.payload,
            ttl=content.TTL_S[kind],
            urgency=content.URGENCY[kind],
            topic=content.topic(kind, claim.subscription_id),
            timeout=self.settings.timeout,
        )

    def _record(self, claim: Claim, outcome: Outcome, at: datetime) -> None:
        label = _label(claim)
        if outcome.delivered and outcome.status is not None:  # delivered: a 2xx status
            claims.mark_sent(claim, outcome.status, at)
            self.report.sent.append(f"{label} -> {outcome.status}")
        elif outcome.gone:
            claims.remove_subscription(claim.subscription_id)
            self.report.removed.append(
                f"{label}: push service answered {outcome.status}, subscription deleted"
            )
        elif outcome.retryable and claim.attempts + 1 < self.settings.max_attempts:
            wait = claims.backoff(claim.attempts + 1, outcome.retry_after_s, self.settings.max_backoff_s)
            claims.mark_retry(claim, outcome.status, at + wait)
            self.report.retried.append(
                f"{label}: {outcome.status or outcome.error}, again after "
                f"{(at + wait).isoformat(timespec='seconds')}"
            )
        else:
            claims.mark_failed(claim, outcome.status, at)
            self.report.failed.append(f"{label}: {outcome.status or ''} {outcome.error or ''}".strip())
            log.warning("push %s failed for good: %s %s", label, outcome.status, outcome.error)
