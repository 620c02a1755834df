"""Sign-in attempts are rate-limited per client address, for the form and the token API alike."""

from __future__ import annotations

from flask import current_app

from backrun.extensions import limiter


def _login_limit() -> str:
    return current_app.config.get("BACKRUN_LOGIN_RATELIMIT") or "1000000/minute"


# Only failed attempts count, so a runner signing in on several devices never meets the limit.
login_attempts = limiter.shared_limit(
    _login_limit,
    scope="login",
    methods=["POST"],
    deduct_when=lambda response: response.status_code >= 400,
    error_message="Too many sign-in attempts. Wait a minute and try again.",
)
