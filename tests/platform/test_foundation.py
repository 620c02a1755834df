"""The app's foundation: factory, health, headers, errors, fragments and the OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest
from flask import abort

from backrun import create_app


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"]["database"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_reports_an_unreachable_database(tmp_path):
    # A database file inside a directory that does not exist cannot be opened.
    broken = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "checks": {"database": "unreachable", "cache": "file"}}


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == "from-env"


def test_security_headers_on_every_response(client):
    for path in ("/", "/healthz", "/api/v1/openapi.json", "/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "style-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "geolocation=(self)" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_hsts_only_over_https(client):
    response = client.get("/healthz", base_url="https://backrun.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_scripts_or_styles(client):
    html = client.get("/").get_data(as_text=True)
    assert "<style" not in html and " style=" not in html
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, f"inline script: <script{tag}>"
    assert re.search(
        r'src="/static/[0-9a-f]{12}/vendor/htmx-2\.0\.11\.min\.js"', html
    )  # versioned, see backrun/platform/serving.py
    assert "unpkg.com" not in html and "cdn" not in html.lower()


def test_htmx_is_served_from_static(client):
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.data[:200]


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_404_page_in_html_and_json(client, accept):
    response = client.get("/no-such-page", headers={"Accept": accept})
    assert response.status_code == 404
    if accept == "application/json":
        assert response.json["error"] == "not_found"
    else:
        assert "Page not found" in response.get_data(as_text=True)
        assert "Traceback" not in response.get_data(as_text=True)


def test_api_errors_are_always_json(client):
    response = client.get("/api/v1/nope", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.json["error"] == "not_found"


def test_405_keeps_the_allow_header(client):
    response = client.post("/api/v1/advice")
    assert response.status_code == 405
    assert response.json["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_413_for_an_oversized_body(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})

    @app.post("/api/v1/echo")
    def echo():
        from flask import request

        return {"size": len(request.get_data())}

    client = app.test_client()
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert client.post("/api/v1/echo", data=b"x" * limit).json == {"size": limit}
    response = client.post("/api/v1/echo", data=b"x" * (limit + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"] == "request_entity_too_large"


def test_500_never_shows_a_traceback(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert "Something went wrong" in text and "secret internals" not in text and "Traceback" not in text
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json["error"] == "internal_server_error"
    assert "secret internals" not in api.get_data(as_text=True)


def test_400_and_429_error_pages(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/bad")
    def bad():
        abort(400)

    @app.get("/busy")
    def busy():
        abort(429)

    client = app.test_client()
    assert "didn" in client.get("/bad").get_data(as_text=True)
    response = client.get("/busy", headers={"Accept": "application/json"})
    assert response.status_code == 429 and response.json["error"] == "too_many_requests"


def test_openapi_document_is_generated_from_the_code(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    advice = spec["paths"]["/api/v1/advice"]["get"]
    names = {p["name"] for p in advice["parameters"]}
    assert {"lat", "lon", "minutes", "start"} <= names
    assert {"200", "400"} <= set(advice["responses"])
    schema_ref = advice["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {
        "verdict",
        "reasons",
        "window",
        "outlook",
        "next_safe_window",
        "source",
        "fetched_at",
        "stale",
        "attribution",
    } <= set(schema["properties"])
    json.dumps(spec)  # serialisable as a whole


def test_every_api_route_is_documented(app):
    documented = set(app.test_client().get("/api/v1/openapi.json").json["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = rule.rule.replace("<", "{").replace(">", "}")
            assert path in documented, f"{rule.rule} is missing from the OpenAPI document"


def test_request_logging(client, caplog):
    caplog.set_level("INFO", logger="backrun.request")
    client.get("/healthz?lat=1")
    line = next(r.getMessage() for r in caplog.records if r.name == "backrun.request")
    assert line.startswith("GET /healthz 200 ")
    assert "lat=1" not in line  # coordinates are personal data


def test_csrf_protects_state_changing_forms(tmp_path):
    from flask import render_template_string

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    @app.route("/form", methods=["GET", "POST"])
    def form():
        return render_template_string(
            '<form method="post"><input name="csrf_token" value="{{ csrf_token() }}"></form>'
        )

    client = app.test_client()
    assert client.post("/form", data={"name": "x"}).status_code == 400
    page = client.get("/form").get_data(as_text=True)
    token = page.split('value="', 1)[1].split('"', 1)[0]
    assert client.post("/form", data={"csrf_token": token}).status_code == 200


def test_a_header_set_by_a_view_is_kept(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/framed")
    def framed():
        return "ok", 200, {"X-Frame-Options": "SAMEORIGIN"}

    headers = app.test_client().get("/framed").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db/backrun", "postgresql+psycopg://u:p@db/backrun"),
        ("postgresql://u:p@db:5432/backrun", "postgresql+psycopg://u:p@db:5432/backrun"),
        ("postgresql+psycopg://u@db/backrun", "postgresql+psycopg://u@db/backrun"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_url_from_the_environment(tmp_path, monkeypatch, given, used):
    from backrun.config import from_environment

    monkeypatch.setenv("DATABASE_URL", given)
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == used


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    from backrun.config import from_environment

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert (
        from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/backrun.sqlite3"
    )
