"""The weather advice at the start of a session ("I'm going"), carried safely to the log form.

The server builds the snapshot itself from the advice for the place (the same cached forecast the
advice page used) and hands the form a *signed* copy. A posted form gets the snapshot only when
the signature checks out, for this runner, within two days: a client can't slip in weather that
Backrun never said.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from backrun.advice.service import AdviceResult

SALT = "backrun.logbook.weather-snapshot"
MAX_AGE_S = 2 * 24 * 3600  # set off today, log it tomorrow
LOCATION_DECIMALS = 2  # about 1 km: enough to remember the place, not the doorstep


def from_advice(result: AdviceResult, now: datetime) -> dict | None:
    """A compact snapshot, or None when no weather could be had (nothing worth keeping)."""
    if result.weather.forecast is None:
        return None
    advice = result.advice
    return {
        "verdict": advice.verdict,
        # Within the snapshot schema's limits, so a stored session always reads back valid.
        "reasons": [
            {"code": r.code[:64], "severity": r.severity, "message": r.message[:500]}
            for r in advice.reasons[:40]
        ],
        "source": result.source,
        "fetched_at": result.fetched_at.isoformat() if result.fetched_at else None,
        "taken_at": now.astimezone(UTC).isoformat(),
        "stale": result.is_stale(now),
        "window": {"start": advice.window_start.isoformat(), "end": advice.window_end.isoformat()},
        "location": {
            "lat": round(result.latitude, LOCATION_DECIMALS),
            "lon": round(result.longitude, LOCATION_DECIMALS),
        },
    }


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign(snapshot: dict, user_id: int) -> str:
    return _serializer().dumps({"uid": user_id, "weather": snapshot})


def verify(token: str, user_id: int) -> dict | None:
    """The snapshot when the token is genuine, recent and this runner's; else None."""
    if not token or len(token) > 20_000:
        return None
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE_S)
    except BadSignature:  # includes SignatureExpired
        return None
    if (
        not isinstance(payload, dict)
        or payload.get("uid") != user_id
        or not isinstance(payload.get("weather"), dict)
    ):
        return None
    return payload["weather"]
