"""Runners' accounts and their personal API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backrun.extensions import Model
from backrun.platform.columns import UtcDateTime, utc_now

UNITS = ("km", "mi")
DEFAULT_WEEKLY_TARGET = 3
DEFAULT_TIME_ZONE = "UTC"


def new_login_nonce() -> str:
    return secrets.token_hex(8)


class User(UserMixin, Model):
    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "account"
    # SQLite would otherwise hand a deleted account's id to the next sign-up (and with it that
    # runner's offline cache key in the service worker); PostgreSQL's sequences never reuse one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the id Flask-Login keeps in the session and remember cookie: a new nonce (password
    # changed) signs every other device out.
    login_nonce: Mapped[str] = mapped_column(String(32), default=new_login_nonce)
    units: Mapped[str] = mapped_column(
        String(2), default="km"
    )  # distance: km | mi (backrun/platform/units.py)
    temperature_unit: Mapped[str] = mapped_column(String(2), default="c", server_default="c")  # c | f
    wind_unit: Mapped[str] = mapped_column(String(4), default="kmh", server_default="kmh")  # kmh | mph | ms
    weekly_target: Mapped[int] = mapped_column(default=DEFAULT_WEEKLY_TARGET)
    body_weight_kg: Mapped[float | None]
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    # Runner profile (issue 18, backrun/training/fit.py): None = beginner while in the six-week
    # plan, then regular; sensitivities comma-separated; how warm they run, for the kit list.
    experience: Mapped[str | None] = mapped_column(String(12))
    sensitivities: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # How warm the runner runs (hot / normal / cold), for the kit list; the column keeps its first name.
    warmth: Mapped[str] = mapped_column("runs", String(8), default="normal", server_default="normal")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)

    # The device's sign-in (backrun/accounts/signins.py), set when signing in or loading the user:
    # part of the id kept in the session and remember cookies, so signing out ends it for good.
    # Not a column: the annotation is for type checkers only (the ORM maps annotated attributes).
    if TYPE_CHECKING:
        sign_in_key: str | None
    sign_in_key = None

    def get_id(self) -> str:
        return f"{self.id}:{self.login_nonce}:{self.sign_in_key or ''}"

    def rotate_login_nonce(self) -> None:
        self.login_nonce = new_login_nonce()


class ApiToken(Model):
    """A personal token for API clients. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # The first characters, so the runner can tell tokens apart in the list.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SignIn(Model):
    """One device's sign-in. Its session and remember-me cookies carry a random key whose SHA-256
    is stored here; signing out deletes the row, so copies of those cookies are worth nothing."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
