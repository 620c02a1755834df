"""One Web Push request: RFC 8291 aes128gcm payload, RFC 8292 VAPID, RFC 8030 headers.

pywebpush does the encryption (through http-ece) and the POST; py-vapid signs the JWT. The JWT
for a push service's origin is reused until it is within an hour of its 12-hour expiry (signing
one per message would cost an ECDSA signature each). Every request has a connect and a read
timeout: a hanging push service costs one sender thread that long, never the web app (sending
happens only in `flask push send-due` and the scheduler).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from backrun.push.origins import origin_of

JWT_LIFETIME_S = 12 * 3600
JWT_RENEW_BEFORE_S = 3600


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the push service's HTTP status; None when it couldn't be reached
    retry_after_s: float | None = None
    error: str | None = None
    permanent: bool = False  # sending the same again can't help (e.g. an endpoint no longer allowed)

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """The subscription is dead (expired or unsubscribed): delete it."""
        return self.status in (404, 410)

    @property
    def retryable(self) -> bool:
        return not self.permanent and (self.status is None or self.status == 429 or self.status >= 500)


def contact_claim(contact: str) -> str:
    """RFC 8292 `sub`: a mailto: or https: URI; a bare email address becomes mailto:."""
    contact = contact.strip()
    if contact.startswith(("mailto:", "https://")):
        return contact
    if "@" in contact and "://" not in contact:
        return "mailto:" + contact
    return contact


class VapidSigner:
    def __init__(self, key: Vapid02, contact: str, clock=time.time) -> None:
        self._key = key
        self._sub = contact_claim(contact)
        self._clock = clock
        self._cache: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def headers(self, audience: str) -> dict[str, str]:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(audience)
            if hit is not None and hit[0] - now > JWT_RENEW_BEFORE_S:
                return hit[1]
            exp = int(now) + JWT_LIFETIME_S
            signed = self._key.sign({"aud": audience, "exp": exp, "sub": self._sub})
            self._cache[audience] = (exp, signed)
            return signed


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def send(
    client: requests.Session,
    signer: VapidSigner,
    subscription_info: dict,
    payload: dict,
    *,
    ttl: int,
    urgency: str,
    topic: str,
    timeout: float,
) -> Outcome:
    audience = origin_of(subscription_info["endpoint"])
    if audience is None:
        return Outcome(None, error="not a push service URL", permanent=True)
    headers = {"Urgency": urgency, "Topic": topic, **signer.headers(audience)}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        response = WebPusher(subscription_info, requests_session=client).send(
            data, headers=headers, ttl=ttl, content_encoding="aes128gcm", timeout=(min(timeout, 5.0), timeout)
        )
    except WebPushException as exc:
        return Outcome(None, error=str(exc))
    except requests.RequestException as exc:
        return Outcome(None, error=f"{type(exc).__name__}: {exc}"[:300])
    return Outcome(
        response.status_code,
        retry_after(response.headers.get("Retry-After")),
        None if response.ok else (response.text or "")[:300],
    )
