"""The offline app's server side: manifest, service worker build, runner partition, compression."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct
from pathlib import Path

import pytest

from backrun.pwa import shell
from backrun.pwa.build import content_version
from tests.support.apps import daylit_location
from tests.support.runners import FAST_HASH, Runner, hidden_fields, make_logbook_app

PROJECT = Path(__file__).resolve().parents[2]
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
STATIC_URL = re.compile(r"^/static/(?:[0-9a-f]{12}/)?")  # url_for may put the static version first


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)


def build_of(client) -> dict:
    source = client.get("/sw.js").get_data(as_text=True)
    start = source.index("const BUILD = ") + len("const BUILD = ")
    return json.loads(source[start : source.index(";\n", start)])


# --- manifest and icons -----------------------------------------------------------------------


def test_the_manifest_has_what_installing_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["id"] == "/" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["short_name"] == "Backrun"
    for image in manifest["icons"] + manifest["screenshots"]:
        path = PROJECT / "static" / STATIC_URL.sub("", image["src"])
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", path
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert f"{width}x{height}" == image["sizes"], path
    for shot in manifest["screenshots"]:  # Chromium's rules for the richer install dialog
        width, height = map(int, shot["sizes"].split("x"))
        assert (
            min(width, height) >= 320
            and max(width, height) <= 3840
            and max(width, height) / min(width, height) <= 2.3
        )


# --- the service worker and its build ---------------------------------------------------------


def test_the_worker_is_the_static_file_with_its_build_filled_in(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    served = response.get_data(as_text=True)
    on_disk = (PROJECT / "static" / "sw.js").read_text()
    assert "/* build */ null /* /build */" in on_disk and "/* build */" not in served
    build = build_of(client)
    assert build["version"] == response.headers["ETag"].strip('"')
    assert client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_every_file_and_page_of_the_shell_answers(client):
    build = build_of(client)
    for url in build["shell"] + build["shellPages"]:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()
    assert build["offlinePage"] in build["shellPages"]
    assert len(build["shell"]) == len(shell.SHELL_FILES) + 1  # and the manifest


def test_a_release_label_makes_a_new_worker(app):
    with app.test_request_context():
        first = content_version()
        app.config["BACKRUN_RELEASE"] = "2026-11-21"
        assert content_version() != first


def test_the_version_follows_the_files_content(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)
    with app.test_request_context():
        before = content_version()
        assert content_version() == before  # nothing changed: the same version
        css = static / "css" / "app.css"
        css.write_text(css.read_text() + "\n/* a deploy */\n")
        assert content_version() != before


def test_the_offline_page_is_nobodys(app):
    runner = Runner(app, "offline@example.org").signup()
    page = runner.client.get("/offline")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "You’re offline" in html
    assert "offline@example.org" not in html and "Sign out" not in html


# --- whose page is it? ------------------------------------------------------------------------


def test_a_signed_in_runners_pages_are_private_and_say_whose(app, client):
    alice = Runner(app, "alice@example.org").signup()
    bob = Runner(app, "bob@example.org").signup()
    anonymous = client.get("/")
    assert "X-Backrun-Runner" not in anonymous.headers and "private" not in anonymous.headers.get(
        "Cache-Control", ""
    )

    home_a, home_b = alice.client.get("/"), bob.client.get("/")
    assert home_a.headers["Cache-Control"] == "private, no-cache"
    key_a, key_b = home_a.headers["X-Backrun-Runner"], home_b.headers["X-Backrun-Runner"]
    assert key_a != key_b and len(key_a) == 24
    assert f'<meta name="backrun-runner" content="{key_a}">' in home_a.get_data(as_text=True)
    assert alice.client.get("/").headers["X-Backrun-Runner"] == key_a  # stable

    # Secrets and the log itself: never kept anywhere. The blank log form: kept for its runner.
    for url in ("/settings", "/log"):
        assert "no-store" in alice.client.get(url).headers["Cache-Control"], url
    form = alice.client.get("/log/new")
    assert form.headers["Cache-Control"] == "private, no-cache" and form.headers["X-Backrun-Runner"] == key_a
    assert "data-offline-log" in form.get_data(as_text=True)
    assert "X-Backrun-Runner" not in alice.client.get("/static/css/app.css").headers
    assert "X-Backrun-Runner" not in alice.client.get("/api/v1/sessions").headers

    alice.post("/logout")
    assert "X-Backrun-Runner" not in alice.client.get("/").headers


def test_the_outbox_asks_who_is_signed_in_and_gets_a_token_valid_now(app, client):
    assert client.get("/pwa/sign-in").get_json() == {"signed_in": False, "runner": None}
    runner = Runner(app, "outbox@example.org").signup()
    state = runner.client.get("/pwa/sign-in")
    assert state.headers["Cache-Control"] == "no-store"
    body = state.get_json()
    assert body["signed_in"] is True and body["runner"] == runner.client.get("/").headers["X-Backrun-Runner"]

    # How the outbox reads a kept form: the runner's units and zone.
    assert (body["units"], body["time_zone"]) == ("km", "Europe/Vaduz")

    fields = hidden_fields(runner.client.get("/log/new").get_data(as_text=True))
    assert fields["units"] == "km"  # the form says which units its distance is typed in
    run = {
        "id": fields["id"],
        "started_at": "2026-11-20T07:30:00+01:00",
        "duration_s": 720,
        "setting": "treadmill",
    }
    headers = {"X-CSRFToken": body["csrf_token"]}  # the outbox's replay goes to the API
    assert runner.client.post("/api/v1/runs", json=run, headers=headers).status_code == 201
    assert runner.client.post("/api/v1/runs", json=run, headers=headers).status_code == 200  # no double


def test_the_advice_says_when_its_weather_was_fetched(client):
    lat, lon = daylit_location()
    html = client.get(f"/advice?lat={lat}&lon={lon}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'class="advice-result" data-verdict="go" data-fetched-at="20' in html


# --- compression ------------------------------------------------------------------------------


def test_text_is_gzipped_for_clients_that_accept_it(client):
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    packed = client.get("/", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 2


def test_static_files_are_gzipped_once_and_still_revalidate(client):
    url = "/static/vendor/htmx-2.0.11.min.js"
    original = (PROJECT / "static/vendor/htmx-2.0.11.min.js").read_bytes()
    first = client.get(url, headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip" and gzip.decompress(first.data) == original
    assert first.headers["ETag"].startswith('W/"') and len(first.data) < 20_000
    again = client.get(url, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(url, headers=GZIP).data == first.data


def test_images_and_tiny_answers_are_left_alone(client):
    icon = client.get("/static/icons/icon-192.png", headers=GZIP)
    assert "Content-Encoding" not in icon.headers
    icon.close()
    small = client.get("/pwa/session", headers=GZIP)
    assert "Content-Encoding" not in small.headers


def test_the_old_sign_in_probe_path_still_answers_for_installed_workers(app, client):
    """/pwa/session was the probe's name before 2026-12; an outbox of an older install still asks it."""
    assert client.get("/pwa/session").get_json() == client.get("/pwa/sign-in").get_json()
    runner = Runner(app, "older-install@example.org").signup()
    old, new = runner.client.get("/pwa/session"), runner.client.get("/pwa/sign-in")
    assert old.headers["Cache-Control"] == new.headers["Cache-Control"] == "no-store"
    assert old.get_json()["runner"] == new.get_json()["runner"] and old.get_json()["csrf_token"]
