"""The one HTTP client setup for talking to upstream services (weather, geocoding).

Timeouts are not set here: requests has no session-wide timeout, so every call passes
`timeout=app.config["BACKRUN_HTTP_TIMEOUT"]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import requests
from requests.adapters import HTTPAdapter


def user_agent(contact: str) -> str:
    # MET Norway bans generic or missing User-Agents; Nominatim asks for the same.
    try:
        backrun_version = version("backrun")
    except PackageNotFoundError:  # running from a source checkout that was never installed
        backrun_version = "dev"
    return f"Backrun/{backrun_version} (+{contact})"


def make_session(app_config: Mapping[str, Any]) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = user_agent(app_config["BACKRUN_CONTACT"])
    session.headers["Accept-Encoding"] = "gzip"
    # No retries: a 429 must not be repeated, and the weather service fails over to the
    # other provider instead of spending its deadline on a second try.
    adapter = HTTPAdapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
