"""Personal API tokens: create, find the runner behind one, revoke.

A token is 32 random bytes, so a fast hash (SHA-256) is enough to store it safely: there is
nothing to brute-force, unlike a password. The lookup is by hash, with an index.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from backrun.accounts.columns import utc_now
from backrun.accounts.models import ApiToken, User
from backrun.extensions import db

log = logging.getLogger(__name__)

TOKEN_PREFIX = "brt_"  # the tokens' visible prefix, not a secret  # nosec B105
MAX_TOKENS_PER_RUNNER = 20
# Writing `last_used_at` on every call would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TooManyTokens(Exception):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself (shown once, never stored)."""
    count = db.session.scalar(
        select(db.func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
    )
    if (count or 0) >= MAX_TOKENS_PER_RUNNER:
        raise TooManyTokens(
            f"You can have at most {MAX_TOKENS_PER_RUNNER} tokens. Revoke one you no longer use."
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, name=name, token_hash=_digest(token), prefix=token[: len(TOKEN_PREFIX) + 6]
    )
    db.session.add(row)
    db.session.commit()
    return row, token


def user_for_token(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None:
        return None
    user_id = row.user_id
    now = utc_now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
        try:
            db.session.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise  # the connection is gone, not only the write: backrun/resilience.py's retry or 503
            # Bookkeeping only: a database that refuses writes (read-only, disk full) must not
            # cost the runner a read.
            log.warning("could not note the use of token %s: %s", row.prefix, exc.orig)
            db.session.rollback()
    return db.session.get(User, user_id)


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> bool:
    """Deletes the runner's own token; False when there is no such token of theirs."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True
