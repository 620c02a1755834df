"""Bad input, generated: every operation in /api/v1/openapi.json, fuzzed with schemathesis.

Schemathesis reads the document the app generates, and for each operation sends valid requests
and invalid ones (wrong types, missing and extra fields, strings with NUL bytes and odd Unicode,
huge numbers, bad path parameters), signed in with a real personal token so the logbook's
endpoints are exercised past their authentication. Every answer must be:

* never a 5xx;
* a 4xx with a JSON body `{error, detail}`;
* what the document says: a documented status, the documented response schema, JSON as declared.

Runs in both passes of `make test` (SQLite, then PostgreSQL + Redis, where NUL bytes and huge
integers meet a stricter database). The generation is derandomised so CI is repeatable;
BACKRUN_FUZZ_EXAMPLES (default 60 per operation and phase) and BACKRUN_FUZZ_RANDOM=1 explore more.
"""

from __future__ import annotations

import os
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backrun import create_app
from backrun.accounts import service as accounts
from backrun.accounts import tokens
from backrun.api.openapi import build_spec
from backrun.extensions import db
from tests.support.apps import make_app

EXAMPLES = int(os.environ.get("BACKRUN_FUZZ_EXAMPLES", "60"))
DERANDOMIZE = os.environ.get("BACKRUN_FUZZ_RANDOM", "") != "1"
PASSWORD = "fuzzing is fun 123"


def documented_operations() -> list:
    """(METHOD, path, mode) for every operation in the document, read from the code at collection
    time (so a new endpoint is fuzzed without touching this file): valid input for each, and
    invalid input for each that has something to get wrong (a body, a query, a typed parameter;
    a path parameter that is any string can't be invalid)."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "collect",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/unused.sqlite3",
                "BACKRUN_CACHE_URL": "",
            }
        )
        with app.app_context():
            paths = build_spec(app)["paths"]
    cases = []
    for path, item in paths.items():
        for method, operation in item.items():
            cases.append(
                pytest.param(
                    method.upper(), path, GenerationMode.POSITIVE, id=f"{method.upper()} {path} valid"
                )
            )
            constrained = "requestBody" in operation or any(
                parameter["in"] != "path" or parameter.get("schema", {}).get("type") != "string"
                for parameter in operation.get("parameters", [])
            )
            if constrained:
                cases.append(
                    pytest.param(
                        method.upper(), path, GenerationMode.NEGATIVE, id=f"{method.upper()} {path} invalid"
                    )
                )
    return cases


@pytest.fixture
def fuzzed_app(tmp_path, open_meteo, met_no, nominatim):
    app = make_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_PASSWORD_METHOD="scrypt:1024:8:1",
        BACKRUN_LOGIN_RATELIMIT="1000/minute",
    )
    with app.app_context():
        user = accounts.create_account("fuzz@example.org", PASSWORD, "Europe/Vaduz")
        _, token = tokens.create_token(user, "fuzzing")
        db.session.remove()
    app.config["FUZZ_TOKEN"] = token
    return app


@pytest.fixture
def api_schema(fuzzed_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)


def client_errors_are_json(ctx, response, case):
    """Every 4xx (and 5xx, should one ever happen) says what was wrong, as JSON."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or [""]
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/json"), (
        f"{response.status_code} without a JSON body: {content_type}"
    )
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body.get("detail"), body
    return True


CHECKS = [
    not_a_server_error,
    client_errors_are_json,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize(("method", "path", "mode"), documented_operations())
@pytest.mark.timeout(300)
def test_every_json_endpoint_survives_generated_input(api_schema, fuzzed_app, method, path, mode):
    # identity: the checks read the body as sent (the app gzips for clients that accept it).
    headers = {"Authorization": f"Bearer {fuzzed_app.config['FUZZ_TOKEN']}", "Accept-Encoding": "identity"}
    operation = api_schema[path][method]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=DERANDOMIZE,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, headers=headers))
    def exchange(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    exchange()
