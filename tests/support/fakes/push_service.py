"""A Web Push service on 127.0.0.1 that checks what a real one checks, and reads the message.

    with PushServiceFake() as push:
        app_config["BACKRUN_PUSH_ALLOWED_ORIGINS"] = (push.url,)
        browser = push.new_subscription()       # a browser's key pair and auth secret, made here
        body = {"subscription": browser.to_json(), ...}   # PushSubscription.toJSON()
        ... flask push send-due ...
        [message] = push.messages                # verified and decrypted
        assert message.payload["verdict"] == "go"
        push.answer(410, path=browser.path)      # or 429 (retry_after=), 500, "hang" (hang_s=)

Every POST is checked like a push service does (RFC 8292 VAPID): `Authorization: vapid t=<JWT>,
k=<key>`, the JWT is ES256 and verifies with k, its `aud` is this service's origin, `exp` is in the
future and at most 24 hours away, `sub` is a mailto: or https: contact; TTL is present; the body is
`Content-Encoding: aes128gcm`. The body is then decrypted as the browser would (RFC 8291 and
RFC 8188, written out here with `cryptography` so the test doesn't trust the library that
encrypted it) with the subscription's private key and auth secret. Anything wrong is recorded in
`problems` and answered 400; a good message is answered 201 (or what the test asked for).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.support.fakes.server import FakeService, Recorded, Reply


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscription as a browser holds it: its endpoint, P-256 key pair and auth secret."""

    endpoint: str
    path: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def to_json(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(self.public_bytes), "auth": b64url(self.auth_secret)},
        }


@dataclass
class Message:
    path: str
    headers: dict[str, str]
    claims: dict
    vapid_key: str
    payload: dict
    received_at: float = field(default_factory=time.time)


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def decrypt_aes128gcm(body: bytes, browser: Browser) -> bytes:
    """RFC 8291 section 3.4 and RFC 8188: the user agent's side."""
    salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], body[20]
    server_public = body[21 : 21 + idlen]
    records = body[21 + idlen :]
    if idlen != 65 or rs < 18:
        raise ValueError(f"bad aes128gcm header (idlen {idlen}, rs {rs})")
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
    ecdh_secret = browser.private_key.exchange(ec.ECDH(), peer)
    prk_key = _hmac(browser.auth_secret, ecdh_secret)
    ikm = _hmac(prk_key, b"WebPush: info\x00" + browser.public_bytes + server_public + b"\x01")
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    base_nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    plain = b""
    for seq, offset in enumerate(range(0, len(records), rs)):
        nonce = (int.from_bytes(base_nonce, "big") ^ seq).to_bytes(12, "big")
        record = AESGCM(cek).decrypt(nonce, records[offset : offset + rs], None)
        stripped = record.rstrip(b"\x00")
        last = offset + rs >= len(records)
        if not stripped or stripped[-1] != (2 if last else 1):
            raise ValueError("bad record padding delimiter")
        plain += stripped[:-1]
    return plain


class PushServiceFake(FakeService):
    PREFIX = "/wpush/"

    def __init__(self) -> None:
        super().__init__()
        self._browsers: dict[str, Browser] = {}
        self._state = threading.Lock()
        self.restore()

    def restore(self) -> None:
        with self._state:
            self.messages: list[Message] = []
            self.problems: list[str] = []
            self._answers: dict[str | None, tuple[int | str, int | None, str | None, float]] = {}
            self.expected_vapid_key: str | None = None

    def new_subscription(self) -> Browser:
        token = secrets.token_urlsafe(24)
        path = self.PREFIX + token
        browser = Browser(self.url + path, path, ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        with self._state:
            self._browsers[path] = browser
        return browser

    def answer(
        self,
        status: int | str,
        *,
        path: str | None = None,
        times: int | None = None,
        retry_after: str | None = None,
        hang_s: float = 30.0,
    ) -> None:
        """Answer `status` (201, 404, 410, 429, 500...) or "hang" (`hang_s` before a 201), for one
        subscription's path or all (None), for the next `times` messages or until changed."""
        with self._state:
            self._answers[path] = (status, times, retry_after, hang_s)

    def messages_for(self, browser: Browser) -> list[Message]:
        with self._state:
            return [m for m in self.messages if m.path == browser.path]

    # --- serving -------------------------------------------------------------------------
    def respond(self, request: Recorded) -> Reply:
        if request.method != "POST" or not request.path.startswith(self.PREFIX):
            return Reply(404)
        browser = self._browsers.get(request.path)
        if browser is None:
            return Reply(404)
        override = self._take_answer(request.path)
        if override is not None:
            status, retry_after, hang_s = override
            if status == "hang":
                return Reply(201, delay_s=hang_s)
            if not (200 <= status < 300):
                return Reply(status, b"", {"Retry-After": retry_after} if retry_after else {})
        try:
            message = self._verify(request, browser)
        except (ValueError, KeyError, InvalidSignature, json.JSONDecodeError) as exc:
            with self._state:
                self.problems.append(f"{request.path}: {type(exc).__name__}: {exc}")
            return Reply(400, str(exc).encode())
        with self._state:
            self.messages.append(message)
        return Reply(201, b"", {"Location": self.url + "/message/" + secrets.token_hex(8)})

    def _take_answer(self, path: str) -> tuple[int | str, str | None, float] | None:
        with self._state:
            key = path if path in self._answers else None if None in self._answers else ...
            if key is ...:
                return None
            status, times, retry_after, hang_s = self._answers[key]
            if times is not None:
                if times <= 1:
                    del self._answers[key]
                else:
                    self._answers[key] = (status, times - 1, retry_after, hang_s)
            return status, retry_after, hang_s

    def _verify(self, request: Recorded, browser: Browser) -> Message:
        headers = {k.lower(): v for k, v in request.headers.items()}
        scheme, _, params = headers["authorization"].partition(" ")
        if scheme != "vapid":
            raise ValueError(f"Authorization scheme {scheme!r}, not vapid")
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        token, key = parts["t"], parts["k"]
        if self.expected_vapid_key is not None and key != self.expected_vapid_key:
            raise ValueError("VAPID key is not the application server key the browser subscribed with")
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError(f"JWT alg {header.get('alg')!r}, not ES256")
        signature = unb64url(signature_b64)
        if len(signature) != 64:
            raise ValueError("ES256 signature must be 64 bytes (r || s)")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.url:
            raise ValueError(f"aud {claims.get('aud')!r} is not this push service's origin {self.url!r}")
        now = time.time()
        if not (now < claims["exp"] <= now + 24 * 3600):
            raise ValueError(f"exp {claims['exp']} is not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError(f"sub {claims.get('sub')!r} is not a mailto: or https: contact")
        if "ttl" not in headers:
            raise ValueError("no TTL header")
        if headers.get("content-encoding") != "aes128gcm":
            raise ValueError(f"Content-Encoding {headers.get('content-encoding')!r}, not aes128gcm")
        payload = json.loads(decrypt_aes128gcm(request.body, browser))
        return Message(request.path, headers, claims, key, payload)
