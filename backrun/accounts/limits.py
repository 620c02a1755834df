"""Limits on guessing: failed sign-ins and sign-ups per client address, wrong current passwords
per account. The counters are shared by every worker process (backrun/limits_storage.py) and,
with Redis, by every instance."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from backrun.extensions import limiter

UNLIMITED = "1000000/minute"


def _login_limit() -> str:
    return current_app.config.get("BACKRUN_LOGIN_RATELIMIT") or UNLIMITED


def _signup_limit() -> str:
    return current_app.config.get("BACKRUN_SIGNUP_RATELIMIT") or UNLIMITED


def _password_check_limit() -> str:
    return current_app.config.get("BACKRUN_PASSWORD_CHECK_RATELIMIT") or UNLIMITED


def _account_key() -> str:
    # Per account, not per address: a stolen cookie must not buy unlimited guesses from many addresses.
    return f"account:{current_user.get_id().split(':', 1)[0]}" if current_user.is_authenticated else "anonymous"


# Only failed attempts count, so a runner signing in on several devices never meets the limit.
login_attempts = limiter.shared_limit(
    _login_limit,
    scope="login",
    methods=["POST"],
    deduct_when=lambda response: response.status_code >= 400,
    error_message="Too many sign-in attempts. Wait a minute and try again.",
)

# Every sign-up counts: each one tells whether an address has an account.
signup_attempts = limiter.shared_limit(
    _signup_limit,
    scope="signup",
    methods=["POST"],
    error_message="Too many sign-ups from here. Wait a while and try again.",
)

# The current password asked again (new password, deleting the account): wrong ones count.
password_checks = limiter.shared_limit(
    _password_check_limit,
    scope="password-check",
    key_func=_account_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code >= 400,
    error_message="Too many wrong passwords. Wait a while and try again.",
)
