"""Which push service URLs a subscription may name (BACKRUN_PUSH_ALLOWED_ORIGINS).

The server POSTs to the endpoint a browser hands it, so an endpoint is accepted only on an allowed
origin: an exact origin (`https://fcm.googleapis.com`) or one level of wildcard for services with a
host per region (`https://*.notify.windows.com`). Anything odd (user info, no host, another scheme,
spaces or backslashes) is refused rather than normalised.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


def origin_of(url: str) -> str | None:
    """scheme://host[:port] in lower case, the default port left out; None for a URL that isn't one."""
    if not url or any(c.isspace() for c in url) or "\\" in url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
    ):
        return None
    if "@" in parts.netloc:
        return None
    host = parts.hostname.lower()
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def allowed(url: str, patterns: Iterable[str]) -> bool:
    origin = origin_of(url)
    if origin is None:
        return False
    for pattern in patterns:
        pattern = pattern.lower().rstrip("/")
        if "://*." in pattern:
            scheme, suffix = pattern.split("://*.", 1)
            if origin.startswith(scheme + "://") and origin.endswith("." + suffix):
                label = origin[len(scheme) + 3 : -len(suffix) - 1]
                if label and "." not in label and ":" not in label:
                    return True
        elif origin == pattern:
            return True
    return False
