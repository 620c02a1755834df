"""Serving in production: versioned static URLs cached for a year, and the reverse proxy's headers.

Static files
    `url_for('static', filename='css/app.css')` gives `/static/<version>/css/app.css`, where
    <version> is a hash of the content of every file under static/. A URL with the current
    version answers `Cache-Control: public, max-age=31536000, immutable`: browsers, proxies and
    CDNs keep it for a year without asking again, and a deploy that changes any static file
    changes every static URL. The files keep their names on disk; the plain `/static/<file>`
    URL still works, without the far-future header (Flask's default: revalidate).

    One version for the whole folder rather than one hash per file, because the JavaScript is
    made of ES modules importing each other by relative URL (`import ... from "./outbox.js"`):
    with per-file names the imported module would be fetched under its plain name, bypassing
    both the year-long cache and the service worker's precache of the hashed one. Under a
    versioned folder a relative import lands on the same versioned URL that `url_for` gives.
    A URL with another version (a page rendered before a deploy, or by an instance still on the
    old release during a rolling one) gets the current file with `no-cache`.

    `url_for` is the one source of static URLs (templates, the manifest, the service worker's
    precache list in backrun/pwa): never write `/static/...` by hand in a template.

Reverse proxy
    With BACKRUN_TRUSTED_PROXIES=N (the number of proxies in front, usually 1), werkzeug's
    ProxyFix takes the client address, scheme and host from the X-Forwarded-* headers the last N
    proxies set, so rate limits count per runner rather than per proxy, and `request.is_secure`
    (HSTS, external URLs) sees the HTTPS the proxy terminated.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from backrun.platform.cache import PUBLIC_IMMUTABLE, REVALIDATE, apply, cache_policy

VERSION_LENGTH = 12
VERSION_SEGMENT = re.compile(rf"[0-9a-f]{{{VERSION_LENGTH}}}")
RECHECK_S = 2.0  # how often the folder is looked at again for changed files (stat only)


FileEntry = tuple[str, Path, os.stat_result]


def source_files(folders: Iterable[Path]) -> list[FileEntry]:
    """(name, path, stat) of every file under `folders`, sorted; the name is relative to each
    folder's parent, so a file moved between folders or renamed counts as a change."""
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [
                (path.relative_to(folder.parent).as_posix(), path, path.stat())
                for path in folder.rglob("*")
                if path.is_file()
            ]
    return sorted(found, key=lambda entry: entry[0])


def files_signature(files: Iterable[FileEntry]) -> tuple:
    """What stat says of the files: cheap to compare, and it changes whenever one of them does."""
    return tuple((name, st.st_mtime_ns, st.st_size) for name, _path, st in files)


def hash_files(files: Iterable[FileEntry], salt: str = "") -> str:
    """A hex SHA-256 of the files' names and bytes (and `salt`)."""
    digest = hashlib.sha256(salt.encode())
    for name, path, _stat in files:
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class StaticVersion:
    """A hash of every file under a folder (names and bytes), recomputed only when one changes."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._signature: tuple = ()
        self._version = ""
        self._checked_at = float("-inf")

    def current(self) -> str:
        now = time.monotonic()
        if now - self._checked_at < RECHECK_S:
            return self._version
        with self._lock:
            if now - self._checked_at >= RECHECK_S:
                files = source_files([self.folder])
                signature = files_signature(files)
                if signature != self._signature:
                    self._version = hash_files(files)[:VERSION_LENGTH]
                    self._signature = signature
                self._checked_at = now
            return self._version


def init_app(app: Flask) -> None:
    _versioned_static(app)
    proxies = int(app.config.get("BACKRUN_TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Flask's documented way to wrap its WSGI app; mypy sees only a method being replaced.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies, x_prefix=proxies
        )


def _versioned_static(app: Flask) -> None:
    if not app.static_folder or "static" not in app.view_functions:
        return
    versions = StaticVersion(app.static_folder)
    app.extensions["backrun.static_version"] = versions

    @app.url_defaults
    def _add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = f"{versions.current()}/{values['filename']}"

    @cache_policy(PUBLIC_IMMUTABLE)  # the URLs url_for gives; any other is asked again every time
    def static(filename: str):
        version, slash, rest = filename.partition("/")
        if not (slash and VERSION_SEGMENT.fullmatch(version)):
            return apply(app.send_static_file(filename), REVALIDATE)  # a plain URL
        response = app.send_static_file(rest)
        return apply(response, PUBLIC_IMMUTABLE if version == versions.current() else REVALIDATE)

    app.view_functions["static"] = static

    # Flask-Login looks at the session on every response, so Flask adds `Vary: Cookie` to each,
    # static files included; a shared cache (a CDN, nginx's proxy_cache) would then keep one copy
    # per visitor or none. A static file never depends on cookies: say so.
    interface = app.session_interface
    save_session = interface.save_session

    def save_session_without_vary_cookie_on_static(app_, session, response):
        save_session(app_, session, response)
        if request.endpoint == "static" and "Set-Cookie" not in response.headers:
            response.vary.discard("cookie")  # lower case: werkzeug compares the lowered name

    # Wrapped on this app's interface object alone (not its class); mypy sees a method replaced.
    interface.save_session = save_session_without_vary_cookie_on_static  # type: ignore[method-assign]
