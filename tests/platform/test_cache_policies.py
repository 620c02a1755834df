"""Every route declares its Cache-Control policy, and its answers carry it (backrun/platform/cache.py).

The service worker keeps or drops an answer from this header alone (static/sw.js), so a route
without a policy, or a policy its answers don't carry, is a page kept where it must not be.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import url_for

from backrun import PROJECT_ROOT
from backrun.extensions import db
from backrun.platform.cache import (
    ERRORS,
    NO_STORE,
    PAGE,
    POLICIES,
    PRIVATE_NO_STORE,
    PRIVATE_REVALIDATE,
    PUBLIC_IMMUTABLE,
    REVALIDATE,
    policy_of,
)
from backrun.venues.models import Venue
from tests.support.apps import daylit_location
from tests.support.runners import FAST_HASH, Runner, make_logbook_app

HAND_SET = re.compile(r"""["']Cache-Control["']|\.cache_control\b""")


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)


@pytest.fixture
def runner(app):
    return Runner(app, "cache@example.org").signup()


def _a_venue(app) -> tuple[str, int]:
    with app.app_context():
        db.session.add(
            Venue(
                osm_type="way",
                osm_id=4242,
                kind="track",
                name="Town track",
                lat=47.14,
                lon=9.52,
                indoor=False,
                tags={"leisure": "track", "surface": "tartan"},
                source="test",
                last_seen=datetime.now(UTC),
            )
        )
        db.session.commit()
    return "way", 4242


def _sample_urls(app, runner) -> dict[str, str]:
    """A URL that answers normally for every GET route (the runner's own run, a real venue)."""
    token = runner.token()
    run_id = runner.log(token)["id"]
    osm_type, osm_id = _a_venue(app)
    lat, lon = daylit_location()
    with app.test_request_context():
        with_args = {
            "static": url_for("static", filename="css/app.css"),
            "web.advice": url_for("web.advice", lat=lat, lon=lon),
            "venues.nearby": url_for("venues.nearby", lat=lat, lon=lon),
            "venues.detail": url_for("venues.detail", osm_type=osm_type, osm_id=osm_id),
            "api.advice": url_for("api.advice", lat=lat, lon=lon),
            "api.venues": url_for("api.venues", lat=lat, lon=lon),
        }
        urls = {}
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            if rule.endpoint in with_args:
                urls[rule.endpoint] = with_args[rule.endpoint]
            elif rule.arguments in ({"run_id"}, {"session_id"}):  # the old API paths keep `session_id`
                (name,) = rule.arguments
                urls[rule.endpoint] = url_for(rule.endpoint, **{name: run_id})
            elif not rule.arguments:
                urls[rule.endpoint] = url_for(rule.endpoint)
    return urls


def test_every_route_declares_a_cache_policy(app):
    undeclared = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if policy_of(app.view_functions[rule.endpoint]) is None
    )
    assert undeclared == [], "add @cache_policy(...) under the route decorator of these views"
    assert {policy_of(view) for view in app.view_functions.values()} <= set(POLICIES)


def test_every_get_route_answers_with_its_declared_policy(app, runner):
    urls = _sample_urls(app, runner)
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert set(urls) == get_endpoints, "give these routes a sample URL: " + ", ".join(
        sorted(get_endpoints - set(urls))
    )
    anonymous = app.test_client()
    for endpoint, url in sorted(urls.items()):
        policy = policy_of(app.view_functions[endpoint])
        mine = runner.client.get(url)
        mine.get_data()  # a streamed export ends its request context here
        assert mine.status_code < 400, (url, mine.status_code)
        assert mine.headers.get("Cache-Control") == (policy.signed_in_value or policy.value), (
            url,
            policy.name,
        )
        # Signed out: the page, or the way to sign in (a redirect, the same policy), or the API's 401.
        theirs = anonymous.get(url)
        expected = ERRORS.value if theirs.status_code >= 400 else policy.value
        assert theirs.headers.get("Cache-Control") == expected, (url, theirs.status_code, policy.name)


def test_pages_for_anyone_are_private_for_a_signed_in_runner(app, runner):
    # What the old after-the-fact rewrite in pwa/runner.py guaranteed, now from the policies.
    assert PAGE.signed_in_value == "private, no-cache"
    assert runner.client.get("/").headers["Cache-Control"] == "private, no-cache"
    assert app.test_client().get("/").headers["Cache-Control"] == "no-cache"
    assert runner.client.get("/log/new").headers["Cache-Control"] == PRIVATE_REVALIDATE.value
    assert runner.client.get("/log").headers["Cache-Control"] == PRIVATE_NO_STORE.value


def test_one_answer_may_take_another_policy(app, nominatim):
    client = app.test_client()
    with app.test_request_context():
        current = url_for("static", filename="css/app.css")
    assert client.get(current).headers["Cache-Control"] == PUBLIC_IMMUTABLE.value
    assert client.get("/static/css/app.css").headers["Cache-Control"] == REVALIDATE.value
    assert client.get("/static/0123456789ab/css/app.css").headers["Cache-Control"] == REVALIDATE.value
    nominatim.fail_with(503)  # a failed place search must never stand in for a real answer later
    assert client.get("/advice", query_string={"place": "Vaduz"}).headers["Cache-Control"] == NO_STORE.value


def test_errors_are_never_kept(app, runner):
    anonymous = app.test_client()
    answers = [
        anonymous.get("/no-such-page"),
        runner.client.get("/no-such-page"),
        runner.client.get("/log/00000000-0000-0000-0000-000000000000"),
        anonymous.get("/api/v1/sessions"),  # 401, JSON
        anonymous.get("/api/v1/advice", query_string={"lat": "999", "lon": "1"}),  # 400, JSON
        anonymous.delete("/sw.js"),  # 405
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 401, 400, 405]
    assert {a.headers["Cache-Control"] for a in answers} == {ERRORS.value} == {"no-store"}


def test_no_module_sets_cache_control_by_hand():
    hand_set = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sorted((PROJECT_ROOT / "backrun").rglob("*.py"))
        if path != PROJECT_ROOT / "backrun" / "platform" / "cache.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_SET.search(line)
    ]
    assert hand_set == [], "use backrun.platform.cache (a policy on the view, or apply())"
