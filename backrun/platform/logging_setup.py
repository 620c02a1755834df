"""Request logging: one line a request with method, path, status and duration."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("backrun.request")


def init_app(app: Flask) -> None:
    if not logging.getLogger().handlers and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        took_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        # The path only: query strings carry coordinates, which are personal data.
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, took_ms)
        return response
