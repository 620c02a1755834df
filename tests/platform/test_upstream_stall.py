"""Issue 13, items 1 and 2: upstreams that hang or trickle can't stall the app.

Backrun runs as `make serve` runs it (gunicorn.conf.py: 2 gthread workers of 8 threads), with
BACKRUN_HTTP_TIMEOUT=2, so the README's promise is "unknown" within 2 x 2 s. The bounds below are
that promise plus slack for this busy test machine; they are the behaviour under test.
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

HTTP_TIMEOUT_S = 2.0
PROMISE_S = 2 * HTTP_TIMEOUT_S + 1.0
SLACK_S = 3.0
_cells = itertools.count(1)


def _new_place() -> tuple[float, float]:
    n = next(_cells)
    return round(46.0 + (n % 40) * 0.05, 3), round(8.0 + (n // 40) * 0.05, 3)


def _timed_get(url: str, timeout: float = 60) -> tuple[float, requests.Response]:
    started = time.monotonic()
    response = requests.get(url, timeout=timeout)
    return time.monotonic() - started, response


def _advice(server, place) -> tuple[float, requests.Response]:
    lat, lon = place
    return _timed_get(server.url(f"/api/v1/advice?lat={lat}&lon={lon}"))


@pytest.mark.timeout(180)
def test_hanging_weather_upstreams_leave_the_app_answering(serve, weather_proxies):
    server = serve(http_timeout_s=HTTP_TIMEOUT_S)
    cached_place = _new_place()
    _, warm = _advice(server, cached_place)
    assert warm.json()["source"] is not None  # cached from now on

    for proxy in weather_proxies:
        proxy.set("hang")
    with ThreadPoolExecutor(max_workers=26) as pool:
        advice = [pool.submit(_advice, server, _new_place()) for _ in range(20)]
        time.sleep(0.5)  # the crowd is in: now the things that must not wait behind it
        health = pool.submit(_timed_get, server.url("/healthz"))
        cached = pool.submit(_advice, server, cached_place)
        page = pool.submit(_timed_get, server.url("/"))
        health_s, health_response = health.result()
        cached_s, cached_response = cached.result()
        page_s, page_response = page.result()
        answers = [future.result() for future in advice]

    assert health_response.status_code == 200 and health_s < 1.0 + SLACK_S, health_s
    assert cached_response.json()["source"] is not None and cached_s < 1.0 + SLACK_S, cached_s
    assert page_response.status_code == 200 and page_s < 1.0 + SLACK_S, page_s
    kinds = set()
    for elapsed, response in answers:
        body = response.json()
        assert response.status_code == 200 and body["verdict"] == "unknown", body
        assert elapsed < PROMISE_S + SLACK_S, (elapsed, body["weather_errors"])
        assert body["weather_errors"], body  # it says why
        kinds.update(error["kind"] for error in body["weather_errors"])
    # Some asked and timed out; the rest were not made to wait: no slot, or the circuit open.
    assert "timeout" in kinds and kinds & {"busy", "circuit_open"}, kinds

    # Once the circuits are open, a new place is answered at once, saying so.
    elapsed, response = _advice(server, _new_place())
    assert {e["kind"] for e in response.json()["weather_errors"]} <= {"circuit_open", "busy", "timeout"}
    assert elapsed < PROMISE_S + SLACK_S


@pytest.mark.timeout(180)
def test_a_trickling_upstream_can_not_stretch_the_deadline_or_pin_the_fetch_threads(serve, weather_proxies):
    server = serve(http_timeout_s=HTTP_TIMEOUT_S)
    for proxy in weather_proxies:
        # A byte every second, half the timeout: each read succeeds, the answer never ends.
        proxy.trickle_s = HTTP_TIMEOUT_S / 2
        proxy.set("trickle")
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: _advice(server, _new_place()), range(12)))
    for elapsed, response in answers:
        assert response.json()["verdict"] == "unknown"
        assert elapsed < PROMISE_S + SLACK_S, elapsed

    # The upstream recovers: new places get real weather within 10 s, not "no answer" until
    # the trickling connections happen to close.
    for proxy in weather_proxies:
        proxy.set("pass")
    recovered = time.monotonic()
    source = None
    while source is None and time.monotonic() - recovered < 10 + SLACK_S:
        _, response = _advice(server, _new_place())
        source = response.json()["source"]
        if source is None:
            time.sleep(0.5)
    assert source is not None, "still no weather for new places after the upstream recovered"
