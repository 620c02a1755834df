"""The service worker's build: a version hashed from the files the app is made of, and its URLs.

A deploy that changes any static file or template changes the version, so the browser sees a
byte-different /sw.js, installs it beside the running one and the page offers the update.
`BACKRUN_RELEASE` (optional) is mixed in to force an update without a file change.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from flask import current_app, url_for

from backrun.platform.serving import files_signature, hash_files, source_files
from backrun.pwa import shell

SW_FILE = "sw.js"
BUILD_MARKER = "/* build */ null /* /build */"
OUTBOX_MODULE = "js/outbox.js"  # imported by the worker under its plain URL in the file

_lock = threading.Lock()
_memo: dict[tuple, str] = {}


def content_version() -> str:
    """A short hash of every static file and template, recomputed only when one changes."""
    app = current_app
    files = source_files([_folder(app.static_folder), _folder(app.template_folder)])
    release = app.config.get("BACKRUN_RELEASE", "")
    # Stat data as the memo key: hashing ~1 MB on each /sw.js request would be wasteful.
    signature = (release, *files_signature(files))
    with _lock:
        cached = _memo.get(signature)
    if cached:
        return cached
    version = hash_files(files, salt=release)[:16]
    with _lock:
        _memo.clear()  # only the current build is worth remembering
        _memo[signature] = version
    return version


def _folder(folder: str | os.PathLike[str] | None) -> Path:
    if folder is None:  # Backrun's app always has both folders
        raise RuntimeError("the app has no static or template folder to build the service worker from")
    return Path(folder)


def build_manifest() -> dict:
    """What static/sw.js needs to know, in one object."""
    return {
        "version": content_version(),
        "shell": [url_for("static", filename=name) for name in shell.SHELL_FILES] + [url_for("pwa.manifest")],
        "shellPages": [url_for(endpoint) for endpoint in shell.SHELL_PAGES],
        "runnerPages": [url_for(endpoint) for endpoint in shell.RUNNER_PAGES],
        "outboxForms": [url_for(endpoint) for endpoint in shell.OUTBOX_FORMS],
        "offlinePage": url_for("pwa.offline"),
    }


def service_worker_source() -> str:
    """static/sw.js with its build filled in (the file itself says `null` there) and the outbox
    module imported from the same (versioned) URL as the pages import it."""
    source = (_folder(current_app.static_folder) / SW_FILE).read_text(encoding="utf-8")
    plain_import = json.dumps(f"/static/{OUTBOX_MODULE}")
    for marker in (BUILD_MARKER, plain_import):
        if marker not in source:
            raise RuntimeError(f"static/{SW_FILE} lost {marker}, which backrun/pwa fills in")
    source = source.replace(plain_import, json.dumps(url_for("static", filename=OUTBOX_MODULE)), 1)
    return source.replace(BUILD_MARKER, json.dumps(build_manifest(), separators=(",", ":")), 1)
