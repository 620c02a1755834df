"""Input no database can store or no code should walk: NUL characters in text, lone UTF-16
surrogates in JSON strings, JSON nested deeper than any Backrun body.

PostgreSQL refuses "\\x00" in text (SQLite stores it), so a NUL in a query parameter, a form field
or a JSON string would become a 500 at the first query that carries it (found by the property
tests in tests/api/test_fuzz.py: an email with a NUL at `POST /api/v1/auth/token`).
No legitimate input to Backrun contains one, so such a request is answered 400 before any view
runs, whatever the view, the database or the form.

JSON may spell a lone surrogate ("\\ud800"), which Python decodes into a string no encoder
accepts (a 500 at the first write); and nesting a thousand levels deep makes the parser (or any
code walking the result) hit Python's recursion limit. Both are a 400 here, on every route.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request

from backrun.platform.errors import ApiError

# Multipart is left to its views: the CSV import raises the body limit in its view, which must
# run before the body is parsed (and an uploaded file's parser has its own rules).
FORM_TYPE = "application/x-www-form-urlencoded"


MAX_JSON_DEPTH = 32  # Backrun's deepest body (a logged session with its weather snapshot) has 4 levels
_SURROGATE = re.compile("[\ud800-\udfff]")


class NulInInput(ApiError):
    def __init__(self, where: str) -> None:
        super().__init__(
            400, "invalid_input", f"The {where} contains a NUL character, which no text may contain."
        )


class UnusableJson(ApiError):
    def __init__(self, detail: str) -> None:
        super().__init__(400, "invalid_json", detail)


def json_problem(value: Any, depth: int = 0) -> ApiError | None:
    """What makes a parsed JSON value unusable (too deep, a NUL, a lone surrogate), or None."""
    if depth > MAX_JSON_DEPTH:
        return UnusableJson(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
    if isinstance(value, str):
        if "\x00" in value:
            return NulInInput("JSON body")
        if _SURROGATE.search(value):
            return UnusableJson(
                "The JSON body contains a lone UTF-16 surrogate (such as \\ud800): that is not text."
            )
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = json_problem(key, depth + 1) or json_problem(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for item in value:
            problem = json_problem(item, depth + 1)
            if problem:
                return problem
    return None


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
        elif request.is_json:
            try:
                # get_json caches what it parsed: the view's own json_body() doesn't parse it again.
                body = request.get_json(silent=True)
            except RecursionError:
                raise UnusableJson(
                    f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
                ) from None
            problem = json_problem(body)
            if problem is not None:
                raise problem
