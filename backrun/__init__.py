"""Backrun: weather advice, safe venues and a logbook for backward runners.

`create_app()` is the application factory (the Flask tutorial's pattern): configuration,
extensions, blueprints and CLI commands are all wired here and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from backrun import config as settings
from backrun.extensions import cache, csrf, db, htmx, limiter, migrate
from backrun.platform.cookie_session import CachedSerializerSessionInterface

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REDIS_TIMEOUTS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("BACKRUN_INSTANCE_PATH")
        or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings.STATIC_DEFAULTS)
    app.config.update(settings.from_environment(app.instance_path))
    if config:
        app.config.update(config)

    _init_extensions(app)
    _register_blueprints(app)

    from backrun.advice import words
    from backrun.platform import (
        compression,
        errors,
        logging_setup,
        pages,
        request_guard,
        resilience,
        security,
        serving,
    )

    logging_setup.init_app(app)
    security.init_app(app)
    request_guard.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    resilience.init_app(app)
    serving.init_app(app)
    pages.init_app(app)
    words.init_app(app)

    from backrun.advice import cli as advice_cli
    from backrun.push.cli import push_cli
    from backrun.venues.cli import venues_cli

    app.cli.add_command(venues_cli)
    app.cli.add_command(push_cli)
    advice_cli.register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from backrun.platform import resilience

    resilience.engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)

    cache_url = app.config["BACKRUN_CACHE_URL"]
    if cache_url:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", cache_url)
        app.config.setdefault("RATELIMIT_STORAGE_URI", cache_url)
        # A dead or unreachable Redis must cost a second at most, then the per-process fallbacks.
        app.config.setdefault("CACHE_OPTIONS", dict(REDIS_TIMEOUTS))
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(REDIS_TIMEOUTS))
    else:
        # Shared by every worker process on this machine, so gunicorn workers agree.
        app.config.setdefault("CACHE_TYPE", "FileSystemCache")
        app.config.setdefault("CACHE_DIR", str(Path(app.instance_path) / "cache"))
        app.config.setdefault("CACHE_THRESHOLD", 5000)
        # Counters in a SQLite file, shared by every worker process of this machine (Redis: all machines).
        from backrun.platform import limits_storage

        app.config.setdefault(
            "RATELIMIT_STORAGE_URI", limits_storage.uri_for(Path(app.instance_path) / "limits.sqlite3")
        )
    app.config.setdefault("CACHE_KEY_PREFIX", "backrun:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 900)
    cache.init_app(app)
    limiter.init_app(app)
    if not app.config.get("RATELIMIT_DEFAULT") and not app.config.get("RATELIMIT_APPLICATION"):
        # With no app-wide limit, the per-request check only costs time: routes with their own
        # limit (@limiter.limit) check it in their decorator.
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.session_interface = CachedSerializerSessionInterface()

    from backrun import accounts

    accounts.init_app(app)

    from backrun.platform import coordination

    coordination.init_app(app)

    from backrun.platform import upstream

    upstream.init_app(app)

    from backrun.weather import service as weather_service

    weather_service.init_app(app)

    from backrun.weather import air_quality

    air_quality.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from backrun.accounts import bp as accounts_bp
    from backrun.api import bp as api_bp
    from backrun.logbook import bp as logbook_bp
    from backrun.push import bp as push_bp
    from backrun.pwa import bp as pwa_bp
    from backrun.training import bp as training_bp
    from backrun.venues import bp as venues_bp
    from backrun.web import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(logbook_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(venues_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(push_bp)
    # The JSON API authenticates with tokens or reads only; CSRF protects the HTML forms. API calls
    # made with the browser's session cookie check the X-CSRFToken header (backrun/api/auth.py).
    csrf.exempt(api_bp)

    # Every model registered with SQLAlchemy's metadata, for Alembic and create_all.
    from backrun.accounts import models as _accounts  # noqa: F401
    from backrun.logbook import models as _logbook  # noqa: F401
    from backrun.places import models as _places  # noqa: F401
    from backrun.push import models as _push  # noqa: F401
    from backrun.venues import models as _venues  # noqa: F401
    from backrun.web import health as _health  # noqa: F401
