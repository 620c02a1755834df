"""Limits on guessing: failed sign-ins and sign-ups per client address, wrong current passwords
per account. The counters are shared by every worker process (backrun/platform/limits_storage.py) and,
with Redis, by every instance.

Failures only (sign-in, current password): Flask-Limiter's `deduct_when` checks the count before
the view and adds to it afterwards, so a crowd of simultaneous guesses all pass the check before
any of them is counted. Here each attempt takes its place in the count first (one atomic
increment in the shared storage) and gives it back when it succeeded: however many arrive at
once, at most the limit's number of failures get an answer.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from backrun.extensions import limiter

log = logging.getLogger(__name__)

UNLIMITED = "1000000/minute"


def _login_limit() -> str:
    return current_app.config.get("BACKRUN_LOGIN_RATELIMIT") or UNLIMITED


def _signup_limit() -> str:
    return current_app.config.get("BACKRUN_SIGNUP_RATELIMIT") or UNLIMITED


def _password_check_limit() -> str:
    return current_app.config.get("BACKRUN_PASSWORD_CHECK_RATELIMIT") or UNLIMITED


def _account_key() -> str:
    # Per account, not per address: a stolen cookie must not buy unlimited guesses from many addresses.
    return (
        f"account:{current_user.get_id().split(':', 1)[0]}" if current_user.is_authenticated else "anonymous"
    )


def failure_limit(limit: Callable[[], str], scope: str, key: Callable[[], str], message: str):
    """A decorator: POSTs to the view count against `limit` (per `key()`) unless they succeed (< 400)."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if request.method != "POST" or not current_app.config.get("RATELIMIT_ENABLED", True):
                return view(*args, **kwargs)
            items = parse_many(limit())
            ids = (scope, key())
            strategy = limiter.limiter
            try:
                taken = _take(strategy, items, ids, message)
            except TooManyRequests:
                raise
            except Exception as exc:
                log.warning("rate limit %s counted in this process: the shared store failed (%s)", scope, exc)
                strategy = _FALLBACK
                taken = _take(strategy, items, ids, message)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                try:
                    for item in taken:  # a success gives its place back
                        strategy.hit(item, *ids, cost=-1)
                except Exception as exc:
                    log.warning("rate limit %s: a success could not give its place back (%s)", scope, exc)
            return response

        return guarded

    return decorate


# Per-process counters for while the shared store is away (as Flask-Limiter's in-memory fallback).
_FALLBACK = FixedWindowRateLimiter(MemoryStorage())


def _take(strategy, items, ids: tuple[str, ...], message: str) -> list:
    """Count this attempt against every limit; a 429 (TooManyRequests) when one is used up."""
    return [item for item in items if strategy.hit(item, *ids) or _refused(strategy, item, ids, message)]


def _refused(strategy, item, ids: tuple[str, ...], message: str) -> bool:
    reset_at = strategy.get_window_stats(item, *ids).reset_time
    raise TooManyRequests(description=message, retry_after=max(1, math.ceil(reset_at - time.time())))


login_attempts = failure_limit(
    _login_limit, "login", get_remote_address, "Too many sign-in attempts. Wait a minute and try again."
)

# The current password asked again (new password, deleting the account): wrong ones count.
password_checks = failure_limit(
    _password_check_limit,
    "password-check",
    _account_key,
    "Too many wrong passwords. Wait a while and try again.",
)

# Every sign-up counts: each one tells whether an address has an account (a plain limit, counted
# before the view, so simultaneous ones can't slip through).
signup_attempts = limiter.shared_limit(
    _signup_limit,
    scope="signup",
    methods=["POST"],
    error_message="Too many sign-ups from here. Wait a while and try again.",
)
