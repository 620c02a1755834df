"""Password hashing.

werkzeug's scrypt: memory-hard (32 MiB a hash with its defaults N=2**15, r=8, p=1), built on
OpenSSL through `hashlib`, so no extra dependency with native code to keep up to date. The method
and its parameters are written into every hash, so raising them later (`BACKRUN_PASSWORD_METHOD`)
needs no migration: `needs_rehash` tells the sign-in to store a fresh hash.
"""

from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8  # NIST SP 800-63B: at least 8; length beats composition rules
MAX_LENGTH = 256  # bounded so a huge "password" can't be used to burn CPU


def _method() -> str:
    return current_app.config.get("BACKRUN_PASSWORD_METHOD", "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether `password` is the one behind `stored_hash`, after exactly one hash check whatever the
    input: a too-long password is checked (cut to MAX_LENGTH) and then refused, so its answer comes
    no sooner than for an unknown account's (burn_equal_time), and timing tells nothing."""
    if not stored_hash:
        burn_equal_time(password)
        return False
    matches = check_password_hash(stored_hash, password[:MAX_LENGTH])
    return matches and len(password) <= MAX_LENGTH


_PARAMETERS: dict[str, str] = {}


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    method = _method()
    if method not in _PARAMETERS:
        # werkzeug spells defaults out in the hash ("scrypt" -> "scrypt:32768:8:1"); learn them once.
        _PARAMETERS[method] = generate_password_hash("x", method=method).split("$", 1)[0]
    return stored_hash.split("$", 1)[0] != _PARAMETERS[method]


# A real hash of a throw-away password: checking it costs what checking a real one costs, so a
# sign-in for an unknown email takes as long as one with a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def burn_equal_time(password: str) -> None:
    method = _method()
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("not-a-real-password", method=method)
    check_password_hash(_DUMMY_HASH[method], password[:MAX_LENGTH])
