"""Input no database can store: NUL characters in text.

PostgreSQL refuses "\\x00" in text (SQLite stores it), so a NUL in a query parameter, a form field
or a JSON string would become a 500 at the first query that carries it (found by the property
tests in tests/integration/test_api_fuzz.py: an email with a NUL at `POST /api/v1/auth/token`).
No legitimate input to Backrun contains one, so such a request is answered 400 before any view
runs, whatever the view, the database or the form.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from backrun.errors import ApiError

# Multipart is left to its views: the CSV import raises the body limit in its view, which must
# run before the body is parsed (and an uploaded file's parser has its own rules).
FORM_TYPE = "application/x-www-form-urlencoded"


class NulInInput(ApiError):
    def __init__(self, where: str) -> None:
        super().__init__(400, "invalid_input", f"The {where} contains a NUL character, which no text may contain.")


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul() -> None:
        if b"%00" in request.query_string or "\x00" in request.path:
            raise NulInInput("address")
        if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return
        if request.mimetype == FORM_TYPE:
            if any(contains_nul(key) or contains_nul(value) for key, value in request.form.items(multi=True)):
                raise NulInInput("form")
        elif request.is_json and contains_nul(request.get_json(silent=True)):
            # get_json caches what it parsed: the view's own json_body() doesn't parse it again.
            raise NulInInput("JSON body")
