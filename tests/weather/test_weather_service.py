"""WeatherService against both fake providers: caching, single flight, failover, deadlines.

Services are built directly (FileSystemCache + FileCoordinator in tmp_path), without the app.
"""

from __future__ import annotations

import json
import os
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask_caching.backends.filesystemcache import FileSystemCache

from backrun.extensions import cache
from backrun.platform import coordination
from backrun.platform.coordination import FileCoordinator
from backrun.platform.http import make_client
from backrun.platform.upstream import BREAKER_FAILURES
from backrun.weather import open_meteo
from backrun.weather import service as weather_service
from backrun.weather.met_no import MetNo
from backrun.weather.open_meteo import OpenMeteo
from backrun.weather.provider import WeatherProvider
from backrun.weather.service import WeatherService, WeatherSettings
from tests.support.fakes.met_no import MetNoFake
from tests.support.fakes.open_meteo import OpenMeteoFake

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 1.0
LAT, LON = 52.52, 13.41


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class DripServer(socketserver.ThreadingTCPServer):
    """Sends headers at once, then a byte every 0.1 s: every read is quick, so a per-read
    timeout never fires and only an overall deadline stops the client waiting."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.stopped = threading.Event()
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.recv(65536)
                self.request.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                )
                while not server.stopped.wait(0.1):
                    self.request.sendall(b" ")

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v1/forecast"

    def stop(self) -> None:
        self.stopped.set()
        self.shutdown()
        self.server_close()


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[OpenMeteoFake, MetNoFake]]:
    with OpenMeteoFake() as om, MetNoFake() as met:
        yield om, met


@pytest.fixture
def om(servers) -> OpenMeteoFake:
    servers[0].restore()
    servers[0].reset()
    return servers[0]


@pytest.fixture
def met(servers) -> MetNoFake:
    servers[1].restore()
    servers[1].reset()
    return servers[1]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def build(tmp_path, om, met, clock) -> Iterator[Callable[..., WeatherService]]:
    services: list[WeatherService] = []

    def build(
        timeout: float = TIMEOUT,
        open_meteo_url: str | None = None,
        store=None,
        providers: Callable[[requests.Session], list[WeatherProvider]] | None = None,
        **settings,
    ) -> WeatherService:
        session = make_client({"BACKRUN_CONTACT": "https://example.org/backrun-tests"})
        service = WeatherService(
            WeatherSettings(open_meteo_url or om.endpoint, met.endpoint, timeout_s=timeout, **settings),
            store if store is not None else FileSystemCache(str(tmp_path / "cache")),
            FileCoordinator(tmp_path / "locks"),
            session,
            now=clock,
            providers=None if providers is None else providers(session),
        )
        services.append(service)
        return service

    yield build
    for service in services:
        service.close()


def kinds(result) -> list[tuple[str, str]]:
    return [(error.provider, error.kind) for error in result.errors]


# --- caching -------------------------------------------------------------------------------
def test_fetches_once_then_answers_from_cache(build, om, clock):
    service = build()

    first = service.forecast(LAT, LON)
    second = service.forecast(LAT, LON)

    assert first.forecast.source == "open-meteo" and not first.from_cache and first.errors == []
    assert first.forecast.fetched_at == clock.now
    assert second.from_cache and second.forecast == first.forecast
    assert om.count() == 1


def test_nearby_coordinates_share_a_cell_and_the_cell_is_what_is_sent(build, om):
    service = build()

    service.forecast(52.5234, 13.4111)
    service.forecast(52.5249, 13.4149)

    assert om.count() == 1
    assert (om.requests[0].query["latitude"], om.requests[0].query["longitude"]) == (["52.52"], ["13.41"])


def test_another_worker_reads_the_shared_cache_as_plain_json(build, om, tmp_path):
    build().forecast(LAT, LON)

    other_worker = build()  # its own in-process cache is empty
    result = other_worker.forecast(LAT, LON)

    assert result.from_cache and om.count() == 1
    stored = FileSystemCache(str(tmp_path / "cache")).get(f"weather:{LAT:.2f},{LON:.2f}")
    assert json.loads(json.dumps(stored))["forecast"]["source"] == "open-meteo"


def test_refreshes_once_the_forecast_is_no_longer_fresh(build, om, clock):
    service = build()
    service.forecast(LAT, LON)

    clock.advance(minutes=14)
    assert service.forecast(LAT, LON).from_cache
    clock.advance(minutes=2)
    refreshed = service.forecast(LAT, LON)

    assert not refreshed.from_cache and refreshed.forecast.fetched_at == clock.now
    assert om.count() == 2


def test_a_broken_shared_cache_costs_calls_not_errors(build, om):
    class BrokenStore:
        def get(self, key):
            raise ConnectionError("cache down")

        def set(self, key, value, timeout=None):
            raise ConnectionError("cache down")

    service = build(store=BrokenStore())

    assert service.forecast(LAT, LON).forecast.source == "open-meteo"
    assert service.forecast(LAT, LON).from_cache  # the in-process tier still works


# --- single flight -------------------------------------------------------------------------
def test_a_hundred_threads_make_one_upstream_call(build, om, met):
    om.set_delay(0.3)  # slow enough that every thread arrives while the fetch is under way
    service = build()
    start = threading.Barrier(100)
    results = []

    def ask() -> None:
        start.wait()
        results.append(service.forecast(LAT, LON))

    threads = [threading.Thread(target=ask) for _ in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert om.count() == 1 and met.count() == 0
    assert len(results) == 100 and all(r.forecast and r.forecast.source == "open-meteo" for r in results)
    assert sum(not r.from_cache for r in results) == 1


CHILD = """
import json, sys
from flask_caching.backends.filesystemcache import FileSystemCache
from backrun.platform.coordination import FileCoordinator
from backrun.platform.http import make_client
from backrun.weather.service import WeatherService, WeatherSettings

shared, om_url, met_url = sys.argv[1:4]
service = WeatherService(
    WeatherSettings(om_url, met_url, timeout_s=2.0),
    FileSystemCache(shared + "/cache"),
    FileCoordinator(shared + "/locks"),
    make_client({"BACKRUN_CONTACT": "https://example.org/backrun-tests"}),
)
print("ready", flush=True)
sys.stdin.readline()
result = service.forecast(52.52, 13.41)
print(json.dumps({"source": result.forecast and result.forecast.source, "from_cache": result.from_cache}), flush=True)
"""


def test_worker_processes_make_one_upstream_call(tmp_path, om, met):
    om.set_delay(0.5)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path), om.endpoint, met.endpoint],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        for child in children:  # all imported and built: now ask at the same moment
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        answers = [json.loads(child.communicate(timeout=30)[0]) for child in children]
    finally:
        for child in children:
            child.kill()
            child.wait()

    assert om.count() == 1 and met.count() == 0
    assert all(answer["source"] == "open-meteo" for answer in answers)
    assert sorted(answer["from_cache"] for answer in answers) == [False, True, True]


def test_a_waiter_that_gives_up_returns_unknown_without_calling(build, om, tmp_path):
    service = build(timeout=0.2)  # lock wait = 1.75 x 0.2 + 1 s

    # Another process (a coordinator of its own on the same directory) is fetching the cell.
    with FileCoordinator(tmp_path / "locks").lock(f"weather:{LAT:.2f},{LON:.2f}", 1) as held:
        assert held
        result = service.forecast(LAT, LON)

    assert result.forecast is None and kinds(result) == [("backrun", "busy")]
    assert om.count() == 0


# --- failover ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (500, "http"),
        (429, "rate_limited"),
        ("garbage", "malformed"),
        ("empty", "malformed"),
        ("drop", "connection"),
    ],
)
def test_open_meteo_failing_fails_over_to_met_no(build, om, met, failure, kind):
    om.fail_with(failure)

    result = build().forecast(LAT, LON)

    assert result.forecast.source == "met-no"
    assert kinds(result) == [("open-meteo", kind)]
    assert met.count() == 1


def test_open_meteo_data_that_says_nothing_about_now_is_malformed(build, om, met, clock):
    clock.advance(days=4)  # every hour Open-Meteo sends is now in the past

    result = build().forecast(LAT, LON)

    assert kinds(result)[0] == ("open-meteo", "malformed")
    # MET's series is as old; with nothing usable anywhere the answer is unknown.
    assert result.forecast is None and kinds(result)[1] == ("met-no", "malformed")


def test_a_slow_open_meteo_is_hedged_with_met_no(build, om, met):
    om.fail_with("timeout", delay_s=5)
    service = build()

    started = time.monotonic()
    result = service.forecast(LAT, LON)
    took = time.monotonic() - started

    assert result.forecast.source == "met-no"
    assert kinds(result) == [("open-meteo", "timeout")]
    assert took < TIMEOUT  # MET started at half the timeout, not after Open-Meteo gave up


def test_open_meteo_is_kept_when_it_answers_while_met_no_is_still_busy(build, om, met):
    om.set_delay(0.6)  # past the hedge point (0.5 s): MET Norway is asked too
    met.set_delay(0.5)

    result = build().forecast(LAT, LON)

    assert result.forecast.source == "open-meteo" and result.errors == []
    assert met.count() == 1


def test_a_dripping_open_meteo_is_abandoned_for_met_no(build, met):
    drip = DripServer()
    try:
        result = build(open_meteo_url=drip.url).forecast(LAT, LON)
    finally:
        drip.stop()

    assert result.forecast.source == "met-no"


def test_both_failing_fast_is_unknown(build, om, met):
    om.fail_with(500)
    met.fail_with(503)

    result = build().forecast(LAT, LON)

    assert result.forecast is None and not result.from_cache
    assert kinds(result) == [("open-meteo", "http"), ("met-no", "http")]


def test_both_hanging_answers_within_twice_the_timeout(build, met):
    timeout = 1.5
    met.fail_with("timeout", delay_s=10)
    drip = DripServer()  # never finishes: only the service's own deadline can end this
    try:
        started = time.monotonic()
        result = build(timeout=timeout, open_meteo_url=drip.url).forecast(LAT, LON)
        took = time.monotonic() - started
    finally:
        drip.stop()

    assert result.forecast is None
    assert sorted(kinds(result)) == [("met-no", "timeout"), ("open-meteo", "timeout")]
    assert took < 2 * timeout


def test_an_unexpected_parser_bug_fails_over_instead_of_raising(build, om, met, monkeypatch):
    def broken_parse(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(open_meteo, "parse", broken_parse)

    result = build().forecast(LAT, LON)

    assert result.forecast.source == "met-no" and kinds(result) == [("open-meteo", "malformed")]


def test_the_providers_are_asked_in_the_order_of_the_list(build, om, met, tmp_path):
    store = FileSystemCache(str(tmp_path / "met-no"))
    service = build(
        providers=lambda session: [
            MetNo(session, met.endpoint, TIMEOUT, store),
            OpenMeteo(session, om.endpoint, TIMEOUT),
        ]
    )

    assert service.forecast(LAT, LON).forecast.source == "met-no"
    assert (met.count(), om.count()) == (1, 0)

    met.fail_with(500)
    result = service.forecast(LAT + 0.5, LON)  # another cell
    assert result.forecast.source == "open-meteo" and kinds(result) == [("met-no", "http")]


def test_a_provider_whose_circuit_is_open_is_passed_over_at_once(build, om, met):
    om.fail_with(500)
    service = build()
    for n in range(BREAKER_FAILURES):  # each in its own cell: no cache, no remembered failure
        assert service.forecast(LAT + n, LON).forecast.source == "met-no"

    result = service.forecast(LAT + BREAKER_FAILURES, LON)

    assert om.count() == BREAKER_FAILURES  # not asked again
    assert result.forecast.source == "met-no" and kinds(result) == [("open-meteo", "circuit_open")]


# --- stale data and remembered failures ------------------------------------------------------
def test_a_failed_refresh_serves_the_kept_forecast_with_its_age(build, om, met, clock):
    service = build()
    fetched_at = service.forecast(LAT, LON).forecast.fetched_at
    om.fail_with(500)
    met.fail_with(500)

    clock.advance(minutes=90)
    result = service.forecast(LAT, LON)

    assert result.forecast is not None and result.forecast.fetched_at == fetched_at
    assert result.from_cache
    assert kinds(result) == [("open-meteo", "http"), ("met-no", "http")]


def test_a_forecast_is_kept_no_longer_than_keep_s(build, om, met, clock):
    service = build()
    service.forecast(LAT, LON)
    om.fail_with(500)
    met.fail_with(500)

    clock.advance(hours=2, minutes=1)
    result = service.forecast(LAT, LON)

    assert result.forecast is None and len(result.errors) == 2


def test_a_failure_is_remembered_so_a_dead_upstream_is_not_hammered(build, om, met, clock):
    om.fail_with(500)
    met.fail_with(500)
    service = build()
    service.forecast(LAT, LON)

    clock.advance(seconds=29)
    remembered = service.forecast(LAT, LON)
    assert (om.count(), met.count()) == (1, 1)
    assert remembered.forecast is None and kinds(remembered) == [("open-meteo", "http"), ("met-no", "http")]

    om.fail_with(None)
    clock.advance(seconds=2)
    assert service.forecast(LAT, LON).forecast.source == "open-meteo"
    assert om.count() == 2


def test_met_no_expires_is_honoured_through_the_service(build, om, met, clock):
    om.fail_with(500)
    service = build()
    first = service.forecast(LAT, LON)

    clock.advance(minutes=16)  # stale for us, but MET said its answer holds for 30 minutes
    again = service.forecast(LAT, LON)

    assert again.forecast.source == "met-no" and met.count() == 1
    assert again.forecast.fetched_at == first.forecast.fetched_at  # its real age


# --- wiring --------------------------------------------------------------------------------
def test_init_app_binds_the_service_to_the_app(tmp_path, om):
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.update(
        CACHE_TYPE="FileSystemCache",
        CACHE_DIR=str(tmp_path / "cache"),
        BACKRUN_OPEN_METEO_URL=om.endpoint,
        BACKRUN_MET_NO_URL="http://127.0.0.1:9/unused",
        BACKRUN_HTTP_TIMEOUT=TIMEOUT,
        BACKRUN_CONTACT="https://example.org/backrun-tests",
        BACKRUN_CACHE_URL="",
        BACKRUN_WEATHER_FRESH_S=900,
        BACKRUN_WEATHER_KEEP_S=7200,
        BACKRUN_WEATHER_FAILURE_S=30,
    )
    cache.init_app(app)
    coordination.init_app(app)
    weather_service.init_app(app)

    with app.app_context():
        assert coordination.get_coordinator().backend == "file"
        result = weather_service.get_weather_service().forecast(LAT, LON)
    assert result.forecast.source == "open-meteo"
    assert (tmp_path / "locks").is_dir()
    assert "Backrun/" in om.requests[0].headers["User-Agent"]
