"""Cache-Control: one named policy per kind of answer, declared where the answer is made.

Browsers, proxies and the service worker (static/sw.js) keep or drop an answer from this header
alone: `no-store` is never kept, `private` only for the runner it was made for (with the
`X-Backrun-Runner` key, backrun/pwa/runner.py), anything else may be shared. So every view says
which policy its answers follow, with `@cache_policy(...)` under its route decorator; an answer
that needs another (a failed upstream, a stale static URL) gets it with `apply()`, and error
pages get `ERRORS` (backrun/platform/errors.py). tests/platform/test_cache_policies.py checks that every
route declares one and that its answers carry it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, make_response
from flask_login import current_user

HEADER = "Cache-Control"
IMMUTABLE_MAX_AGE_S = 365 * 24 * 3600

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class CachePolicy:
    name: str
    value: str
    # A signed-in runner's copy of the same page: their name and CSRF token are in it.
    signed_in_value: str | None = None

    def header(self) -> str:
        """The header for this request (asks who is signed in only for a page that depends on it)."""
        if self.signed_in_value is not None and current_user.is_authenticated:
            return self.signed_in_value
        return self.value


# Static files under the current content version: the URL changes with any file (backrun/platform/serving.py).
PUBLIC_IMMUTABLE = CachePolicy("public-immutable", f"public, max-age={IMMUTABLE_MAX_AGE_S}, immutable")
# The same for everyone, fine for an hour (the push key).
PUBLIC_SHORT = CachePolicy("public-short", "public, max-age=3600")
# The same for everyone, asked again every time: the manifest, the worker, old static URLs.
REVALIDATE = CachePolicy("revalidate", "no-cache")
# A page anyone may open (the shell pages, advice, venues): public, asked again every time; for a
# signed-in runner it is theirs.
PAGE = CachePolicy("page", "no-cache", signed_in_value="private, no-cache")
# One runner's answer, fine for a minute in their own client (API advice and venues: the profile
# or token behind the request shapes them).
PRIVATE_SHORT = CachePolicy("private-short", "private, max-age=60")
# One runner's page the service worker keeps for them alone: the blank log form, for no signal.
PRIVATE_REVALIDATE = CachePolicy("private-revalidate", "private, no-cache")
# One runner's data (the log, progress, exports, push subscriptions): never kept anywhere.
PRIVATE_NO_STORE = CachePolicy("private-no-store", "private, no-store")
# Never kept anywhere: forms for secrets, tokens, who is signed in, health, and answers that must
# not stand in for a real one later (a failed place search).
NO_STORE = CachePolicy("no-store", "no-store")
# Error pages: never kept in place of the answer the next try may get.
ERRORS = NO_STORE

POLICIES = (
    PUBLIC_IMMUTABLE,
    PUBLIC_SHORT,
    REVALIDATE,
    PAGE,
    PRIVATE_SHORT,
    PRIVATE_REVALIDATE,
    PRIVATE_NO_STORE,
    NO_STORE,
)


def apply(response: Response, policy: CachePolicy) -> Response:
    """Give one answer its policy (replacing any other, such as send_file's `no-cache`)."""
    response.headers[HEADER] = policy.header()
    return response


def cache_policy(policy: CachePolicy) -> Callable[[View], View]:
    """Declare the policy of every answer of a view (redirects and form errors included), unless
    the view gave one answer another with `apply()`. Put it right under the route decorator."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def answer(*args: Any, **kwargs: Any) -> Response:
            response = make_response(view(*args, **kwargs))
            if HEADER not in response.headers:
                response.headers[HEADER] = policy.header()
            return response

        answer.cache_policy = policy  # type: ignore[attr-defined]
        return answer  # type: ignore[return-value]

    return decorate


def policy_of(view: Callable[..., Any]) -> CachePolicy | None:
    """The policy a view declared (None: it declared none)."""
    policy = getattr(view, "cache_policy", None)
    return policy if isinstance(policy, CachePolicy) else None
