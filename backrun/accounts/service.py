"""Accounts: sign up, sign in, preferences, password changes and deleting everything."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from backrun.accounts import passwords, signins
from backrun.accounts.models import DEFAULT_TIME_ZONE, ApiToken, SignIn, User
from backrun.accounts.signals import account_deleting
from backrun.extensions import db
from backrun.platform.zones import valid_time_zone

# Deliberately loose: one "@", something before it, a dot in the domain. The only real check of
# an address is mail arriving, and Backrun sends none.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254
MIN_WEIGHT_KG, MAX_WEIGHT_KG = 20.0, 400.0
MIN_TARGET, MAX_TARGET = 1, 14


class EmailTaken(Exception):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not email:
        return "Enter your email address."
    if len(email) > MAX_EMAIL_LENGTH:
        return f"An email address has at most {MAX_EMAIL_LENGTH} characters."
    if not EMAIL_PATTERN.match(email):
        return "Enter an email address like name@example.org."
    return None


def password_problem(password: str) -> str | None:
    if len(password) < passwords.MIN_LENGTH:
        return f"Use at least {passwords.MIN_LENGTH} characters."
    if len(password) > passwords.MAX_LENGTH:
        return f"Use at most {passwords.MAX_LENGTH} characters."
    return None


def create_account(email: str, password: str, time_zone: str | None = None) -> User:
    user = User(
        email=normalise_email(email),
        password_hash=passwords.hash_password(password),
        time_zone=valid_time_zone(time_zone) or DEFAULT_TIME_ZONE,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:  # two sign-ups for one address at once: the unique index decides
        db.session.rollback()
        raise EmailTaken(email) from exc
    return user


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        passwords.burn_equal_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


def change_password(user: User, new_password: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    signins.end_all(user)  # every signed-in device has to sign in again (the caller signs this one in anew)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    signins.end_all(user)
    db.session.commit()


def update_preferences(
    user: User,
    *,
    units: str,
    weekly_target: int,
    body_weight_kg: float | None,
    time_zone: str,
    temperature_unit: str | None = None,
    wind_unit: str | None = None,
) -> None:
    user.units = units
    user.temperature_unit = temperature_unit or user.temperature_unit
    user.wind_unit = wind_unit or user.wind_unit
    user.weekly_target = weekly_target
    user.body_weight_kg = body_weight_kg
    user.time_zone = time_zone
    db.session.commit()


def delete_account(user: User) -> None:
    """The runner's account and everything theirs, in one transaction.

    What other packages keep for a runner (the logbook's runs, push subscriptions) they delete
    themselves, on `account_deleting`: accounts needs to know none of them.
    """
    account_deleting.send(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
