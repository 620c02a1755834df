"""Serving in production: versioned static URLs with far-future caching, compression, the reverse
proxy's headers, and the security headers and cookie flags a deployment relies on."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest
from flask import url_for

from backrun import PROJECT_ROOT
from backrun.platform.cache import IMMUTABLE_MAX_AGE_S
from backrun.platform.serving import StaticVersion
from tests.support.apps import make_app
from tests.support.runners import FAST_HASH, Runner, make_logbook_app

VERSIONED = re.compile(r"^/static/([0-9a-f]{12})/css/app\.css$")


def _versioned(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_url_for_gives_versioned_static_urls_cached_for_a_year(client, app):
    url = _versioned(app, "css/app.css")
    assert VERSIONED.match(url), url
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/css"
    cache = response.cache_control
    assert cache.public and cache.max_age == IMMUTABLE_MAX_AGE_S and cache.immutable and not cache.no_cache
    assert "Cookie" not in response.headers.get("Vary", "")  # one copy for everybody in a shared cache
    assert response.get_data() == (Path(app.static_folder) / "css" / "app.css").read_bytes()


def test_pages_only_link_versioned_static_files(client):
    html = client.get("/").get_data(as_text=True)
    static = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert static and all(re.match(r"^/static/[0-9a-f]{12}/", url) for url in static), static


def test_the_plain_url_and_an_old_version_still_work_but_revalidate(client):
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and not plain.cache_control.immutable and not plain.cache_control.max_age
    old = client.get("/static/0123456789ab/css/app.css")  # a page from before a deploy
    assert old.status_code == 200 and old.cache_control.no_cache and not old.cache_control.immutable
    assert old.get_data() == plain.get_data()
    assert client.get("/static/0123456789ab/css/nope.css").status_code == 404


def test_a_changed_file_changes_every_static_url(tmp_path, monkeypatch):
    monkeypatch.setattr("backrun.platform.serving.RECHECK_S", 0.0)
    shutil.copytree(PROJECT_ROOT / "static", tmp_path / "static")
    versions = StaticVersion(tmp_path / "static")
    before = versions.current()
    assert versions.current() == before  # nothing changed: the same
    css = tmp_path / "static" / "css" / "app.css"
    css.write_text(css.read_text() + "\n/* a deploy */\n")
    assert versions.current() != before


def test_versioned_static_files_are_gzipped_too(client, app):
    response = client.get(_versioned(app, "vendor/htmx-2.0.11.min.js"), headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.cache_control.immutable
    assert b"htmx" in gzip.decompress(response.get_data())[:200]


def test_api_answers_are_gzipped_when_asked(client):
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()).startswith(b"{")


@pytest.mark.parametrize(("proxies", "expect_https"), [(0, False), (1, True)])
def test_the_reverse_proxys_https_is_believed_only_when_configured(
    tmp_path, open_meteo, met_no, nominatim, proxies, expect_https
):
    app = make_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_TRUSTED_PROXIES=proxies)
    response = app.test_client().get(
        "/healthz", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert ("Strict-Transport-Security" in response.headers) is expect_https


def test_rate_limits_count_per_client_behind_the_proxy(tmp_path, open_meteo, met_no, nominatim):
    """Behind a trusted proxy every request comes from the proxy's address: the limits must count
    the runner's (X-Forwarded-For), or one runner's searches would block everyone."""
    app = make_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_TRUSTED_PROXIES=1,
        BACKRUN_GEOCODE_RATELIMIT="2/minute",
    )
    client = app.test_client()

    def search(address: str) -> int:
        return client.get(
            "/advice", query_string={"place": "Vaduz"}, headers={"X-Forwarded-For": address}
        ).status_code

    assert [search("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert search("203.0.113.2") == 200


def test_security_headers_for_a_deployment(tmp_path, open_meteo, met_no, nominatim):
    app = make_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_TRUSTED_PROXIES=1)
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = headers["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=()" in policy and "microphone=()" in policy
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookies_are_secure_httponly_and_lax_behind_https(tmp_path, open_meteo, met_no, nominatim):
    app = make_logbook_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
        **FAST_HASH,
    )
    runner = Runner(app, "cookies@example.org")
    page = runner.client.get("/signup", base_url="https://backrun.example")
    assert page.status_code == 200
    cookies = [value for name, value in page.headers.items() if name == "Set-Cookie"]
    session = next(c for c in cookies if c.startswith("session="))
    assert "; Secure" in session and "; HttpOnly" in session and "; SameSite=Lax" in session


def test_the_secure_cookie_setting_comes_from_the_environment(
    tmp_path, monkeypatch, open_meteo, met_no, nominatim
):
    monkeypatch.setenv("BACKRUN_SECURE_COOKIES", "1")
    app = make_app(tmp_path, open_meteo, met_no, nominatim)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
