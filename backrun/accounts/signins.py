"""Sign-ins that end on the server: one row per signed-in device.

Flask-Login keeps `<account id>:<login nonce>:<sign-in key>` in the signed session cookie and in
the remember-me cookie. Each request loads the account only while a sign-in with that key's hash
exists, so signing out (which deletes it) makes every copy of those cookies useless, and "sign out
everywhere" or a new password (which delete them all and change the nonce) end every device's.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, select

from backrun.accounts.models import SignIn, User
from backrun.extensions import db
from backrun.platform.columns import utc_now


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start(user: User) -> None:
    """A new sign-in for this device; the caller then passes `user` to login_user (not committed here).

    The runner's sign-ins older than any cookie can live (remember-me, or the session's lifetime)
    are deleted on the way: devices that never signed out don't pile up rows.
    """
    longest = max(current_app.config["REMEMBER_COOKIE_DURATION"], current_app.permanent_session_lifetime)
    db.session.execute(
        delete(SignIn).where(SignIn.user_id == user.id, SignIn.created_at < utc_now() - longest)
    )
    key = secrets.token_urlsafe(24)
    db.session.add(SignIn(user_id=user.id, key_hash=_digest(key)))
    user.sign_in_key = key


def load(user_id: str) -> User | None:
    """The account behind a Flask-Login id, while its nonce matches and its sign-in exists."""
    raw_id, nonce, key = (user_id.split(":") + ["", ""])[:3]
    if not raw_id.isdigit() or not nonce or not key:
        return None  # an id from before sign-ins were stored: sign in again
    user = db.session.scalar(
        select(User)
        .join(SignIn, SignIn.user_id == User.id)
        .where(User.id == int(raw_id), User.login_nonce == nonce, SignIn.key_hash == _digest(key))
    )
    if user is not None:
        user.sign_in_key = key
    return user


def end(user: User) -> None:
    """Sign this device out on the server (committed)."""
    if user.sign_in_key:
        db.session.execute(
            delete(SignIn).where(SignIn.user_id == user.id, SignIn.key_hash == _digest(user.sign_in_key))
        )
        db.session.commit()
        user.sign_in_key = None


def end_all(user: User) -> None:
    """Every device's sign-in, this one's included (not committed: part of the caller's change)."""
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    user.rotate_login_nonce()
    user.sign_in_key = None
