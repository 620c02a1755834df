"""The app's VAPID key pair (RFC 8292), from BACKRUN_VAPID_PRIVATE_KEY or instance/ (backrun/config.py)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Strict base64url with or without padding; ValueError for anything else."""
    if not isinstance(text, str) or not text or any(c not in _ALPHABET for c in text.rstrip("=")):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def load_vapid(value: str) -> Vapid02:
    value = value.strip()
    if value.startswith("-----BEGIN"):
        return Vapid02.from_pem(value.encode())
    return Vapid02.from_raw(value.encode())  # the 32-byte private number, base64url (web-push's format)


def vapid() -> Vapid02:
    key = current_app.extensions.get("backrun.vapid")
    if key is None:
        key = current_app.extensions.setdefault(
            "backrun.vapid", load_vapid(current_app.config["BACKRUN_VAPID_PRIVATE_KEY"])
        )
    return key


def application_server_key() -> str:
    """The public key as the browser's pushManager.subscribe() wants it: the uncompressed point, base64url."""
    point = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)
