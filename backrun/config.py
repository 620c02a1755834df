"""Settings from the environment, with defaults that run out of the box.

Every setting the README documents is read here and nowhere else, so the rest of the code
reads `app.config[...]` and tests can override any of it through `create_app(config)`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULT_OPEN_METEO_URL = "https://api.open-meteo.com/v1/forecast"
DEFAULT_AIR_QUALITY_URL = "https://air-quality-api.open-meteo.com/v1/air-quality"
DEFAULT_MET_NO_URL = "https://api.met.no/weatherapi/locationforecast/2.0/compact"
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org"
DEFAULT_OVERPASS_URL = "https://overpass-api.de/api/interpreter"
DEFAULT_ELEVATION_URL = "https://api.open-meteo.com/v1/elevation"
DEFAULT_CONTACT = "https://github.com/backrun/backrun"
# Web Push: the push services of Chrome/Android (FCM), Firefox (Mozilla autopush), Safari/iOS
# (Apple) and Edge (Windows Push Notification Services, one host per region). Endpoints elsewhere
# are refused: the server must never be made to POST to an arbitrary URL.
DEFAULT_PUSH_ALLOWED_ORIGINS = (
    "https://fcm.googleapis.com,https://updates.push.services.mozilla.com,"
    "https://web.push.apple.com,https://*.notify.windows.com"
)
DEFAULT_QUIET_HOURS = "21:00-07:00"


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {raw!r}")
    return value


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be 1/0, true/false, yes/no or on/off, got {raw!r}")


def _days(name: str, default: int) -> timedelta:
    raw = os.environ.get(name, "").strip()
    try:
        days = int(raw) if raw else default
    except ValueError:
        days = 0
    if days <= 0:
        raise ValueError(f"{name} must be a positive number of days, got {raw!r}")
    return timedelta(days=days)


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{name} must be a whole number, 0 or more, got {raw!r}")
    return value


def postgres_driver_url(url: str) -> str:
    """PostgreSQL URLs as people write them, pointed at the psycopg 3 driver Backrun installs.

    SQLAlchemy reads plain postgresql:// as psycopg2, and doesn't know Heroku's postgres://.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY", "").strip()
    if from_env:
        return from_env
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two workers starting at once must end up with the same key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def vapid_private_key(instance_path: str) -> str:
    """BACKRUN_VAPID_PRIVATE_KEY (PEM or raw base64url), else a P-256 key generated once in instance/.

    Like the secret key: O_EXCL so that two processes starting at once end up with the same key
    (a new key would orphan every subscription made with the old one).
    """
    from_env = os.environ.get("BACKRUN_VAPID_PRIVATE_KEY", "").strip()
    if from_env:
        return from_env.replace("\\n", "\n")
    key_file = Path(instance_path) / "vapid_private_key.pem"
    if key_file.exists():
        return key_file.read_text().strip()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(pem)
    return pem.strip()


def _origins(name: str, default: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "").strip() or default
    return tuple(part.strip().rstrip("/").lower() for part in raw.split(",") if part.strip())


def from_environment(instance_path: str) -> dict:
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "backrun.sqlite3")
    else:
        database_url = postgres_driver_url(database_url)
    contact = os.environ.get("BACKRUN_CONTACT", "").strip() or DEFAULT_CONTACT
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BACKRUN_OPEN_METEO_URL": os.environ.get("BACKRUN_OPEN_METEO_URL", DEFAULT_OPEN_METEO_URL).strip(),
        # Air quality and pollen for the verdict; empty disables it (the answer says "unknown").
        "BACKRUN_AIR_QUALITY_URL": os.environ.get("BACKRUN_AIR_QUALITY_URL", DEFAULT_AIR_QUALITY_URL).strip(),
        "BACKRUN_MET_NO_URL": os.environ.get("BACKRUN_MET_NO_URL", DEFAULT_MET_NO_URL).strip(),
        "BACKRUN_NOMINATIM_URL": os.environ.get("BACKRUN_NOMINATIM_URL", DEFAULT_NOMINATIM_URL).strip(),
        # Live venue lookup where no extract is imported; empty disables it.
        "BACKRUN_OVERPASS_URL": os.environ.get("BACKRUN_OVERPASS_URL", DEFAULT_OVERPASS_URL).strip(),
        # Slopes of open venues (`flask --app app venues elevation`); empty disables the lookups.
        "BACKRUN_ELEVATION_URL": os.environ.get("BACKRUN_ELEVATION_URL", DEFAULT_ELEVATION_URL).strip(),
        "BACKRUN_ELEVATION_PAUSE": _float("BACKRUN_ELEVATION_PAUSE", 1.0),  # seconds between requests
        "BACKRUN_HTTP_TIMEOUT": _float("BACKRUN_HTTP_TIMEOUT", 4.0),
        # Upstream fetches in flight per process (backrun/platform/upstream.py); more wait for none.
        "BACKRUN_UPSTREAM_SLOTS": _count("BACKRUN_UPSTREAM_SLOTS", 4) or 1,
        "BACKRUN_CONTACT": contact,
        "BACKRUN_CACHE_URL": os.environ.get("BACKRUN_CACHE_URL", "").strip(),
        # Mixed into the service worker's version (backrun/pwa/build.py): a new value makes
        # installed apps offer "Update available" even when no file changed.
        "BACKRUN_RELEASE": os.environ.get("BACKRUN_RELEASE", "").strip(),
        "RATELIMIT_DEFAULT": os.environ.get("BACKRUN_RATELIMIT_DEFAULT", "").strip(),
        "BACKRUN_GEOCODE_RATELIMIT": os.environ.get("BACKRUN_GEOCODE_RATELIMIT", "20/minute").strip(),
        # Accounts: failed sign-ins per client address; cookies marked Secure behind HTTPS.
        "BACKRUN_LOGIN_RATELIMIT": os.environ.get("BACKRUN_LOGIN_RATELIMIT", "10/minute;50/hour").strip(),
        # Sign-ups per client address (each tells whether an address has an account), and wrong
        # current passwords per account at /settings/password and /settings/delete.
        "BACKRUN_SIGNUP_RATELIMIT": os.environ.get("BACKRUN_SIGNUP_RATELIMIT", "5/minute;20/hour").strip(),
        "BACKRUN_PASSWORD_CHECK_RATELIMIT": os.environ.get(
            "BACKRUN_PASSWORD_CHECK_RATELIMIT", "5/minute;20/hour"
        ).strip(),
        # Reverse proxies in front (backrun/platform/serving.py): their X-Forwarded-* headers are believed.
        "BACKRUN_TRUSTED_PROXIES": _count("BACKRUN_TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_SECURE": _flag("BACKRUN_SECURE_COOKIES"),
        "REMEMBER_COOKIE_SECURE": _flag("BACKRUN_SECURE_COOKIES"),
        "REMEMBER_COOKIE_DURATION": _days("BACKRUN_REMEMBER_DAYS", 365),
        # Web Push (backrun/push): which push services subscriptions may point at, the VAPID key,
        # the quiet hours of "it's safe now" alerts and how long one push may take.
        "BACKRUN_PUSH_ALLOWED_ORIGINS": _origins(
            "BACKRUN_PUSH_ALLOWED_ORIGINS", DEFAULT_PUSH_ALLOWED_ORIGINS
        ),
        "BACKRUN_VAPID_PRIVATE_KEY": vapid_private_key(instance_path),
        "BACKRUN_PUSH_QUIET_HOURS": os.environ.get("BACKRUN_PUSH_QUIET_HOURS", "").strip()
        or DEFAULT_QUIET_HOURS,
        "BACKRUN_PUSH_TIMEOUT": _float("BACKRUN_PUSH_TIMEOUT", 10.0),
    }


# Settings that do not come from the environment.
STATIC_DEFAULTS = {
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead; long-lived installed app
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "JSON_SORT_KEYS": False,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis (BACKRUN_CACHE_URL) down: limits are counted in each process until it is back, never a 500.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # PostgreSQL: give up connecting after this many seconds (backrun/platform/resilience.py).
    "BACKRUN_DB_CONNECT_TIMEOUT": 5,
    # "Remember me" keeps the installed app signed in; the cookie is as locked down as the session's.
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
    # werkzeug's scrypt (memory-hard, from OpenSSL through hashlib); see backrun/accounts/passwords.py.
    "BACKRUN_PASSWORD_METHOD": "scrypt",  # a hash algorithm's name  # nosec B105
    # A CSV import may be larger than any other request (10,000 sessions are about 1.5 MB).
    "BACKRUN_IMPORT_MAX_BYTES": 4 * 1024 * 1024,
    # Weather cache: fresh for 15 minutes, kept 2 hours as a fallback when both providers fail.
    "BACKRUN_WEATHER_FRESH_S": 15 * 60,
    "BACKRUN_WEATHER_KEEP_S": 2 * 60 * 60,
    "BACKRUN_WEATHER_FAILURE_S": 30,
    # Overpass: the [timeout:N] of a live venue query; the HTTP read waits a little longer (None:
    # derived from N in backrun/venues/overpass.py; tests shorten it).
    "BACKRUN_OVERPASS_TIMEOUT": 10,
    "BACKRUN_OVERPASS_READ_TIMEOUT": None,
    # Web Push: tries per message on 429/5xx/timeouts, the longest back-off, a claim's lease
    # (a sender that died holding it is taken over after this), how late a briefing may still go.
    "BACKRUN_PUSH_MAX_ATTEMPTS": 5,
    "BACKRUN_PUSH_MAX_BACKOFF_S": 3600,
    "BACKRUN_PUSH_LEASE_S": 120,
    "BACKRUN_PUSH_BRIEFING_GRACE_MIN": 30,
    "BACKRUN_PUSH_SENDERS": 8,
}
