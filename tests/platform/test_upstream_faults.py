"""Upstream faults injected on 127.0.0.1: whatever Open-Meteo, MET Norway, Nominatim and Overpass
do, the app answers, and never with a 5xx.

Each upstream fake sits behind a FaultProxy (tests/support/faults.py). For each kind of fault
(latency beyond the timeout, 5xx and 429 answers, connection resets before and after the
request, bodies cut short of their Content-Length, broken JSON, garbage, a dripping answer),
every upstream misbehaves at once while the app is asked for advice (API and page), a place
name and venues where no extract is imported (a live Overpass lookup). Then all faults in
rotation, and Open-Meteo alone failing while MET Norway answers.
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from backrun.platform.upstream import BREAKER_RECOVERY_S
from backrun.venues.classify import READ_TAGS
from tests.support.fakes.overpass import OverpassFake
from tests.support.faults import FaultProxy
from tests.support.instances import http_session

pytestmark = [pytest.mark.service]

FAULTS = [
    "latency",
    "status:500",
    "status:502",
    "status:503",
    "status:504",
    "status:429",
    "reset",
    "refuse",
    "truncate",
    "cut_json",
    "garbage",
    "drip",
    "pass",
]
HTTP_TIMEOUT_S = 1.0
_cells = itertools.count(1)


def _new_cell() -> tuple[float, float]:
    """A new ~1 km weather cell near Vaduz (where the Overpass fake has data) for every request."""
    n = next(_cells)
    return round(47.05 + (n % 20) * 0.011, 4), round(9.45 + (n // 20) * 0.011, 4)


@pytest.fixture
def overpass():
    with OverpassFake() as fake:
        fake.prepare(READ_TAGS)  # derive its answers from the extract before any request times out
        yield fake


@pytest.fixture
def proxies(open_meteo, met_no, nominatim, overpass):
    started = {
        name: FaultProxy(fake.url, delay_s=HTTP_TIMEOUT_S * 3).start()
        for name, fake in (
            ("open_meteo", open_meteo),
            ("met_no", met_no),
            ("nominatim", nominatim),
            ("overpass", overpass),
        )
    }
    yield started
    for proxy in started.values():
        proxy.stop()


@pytest.fixture
def faulty_instance(instances, proxies, open_meteo, met_no, overpass):
    (instance,) = instances(
        1,
        threads=8,
        BACKRUN_OPEN_METEO_URL=proxies["open_meteo"].endpoint(open_meteo.endpoint),
        BACKRUN_MET_NO_URL=proxies["met_no"].endpoint(met_no.endpoint),
        BACKRUN_NOMINATIM_URL=proxies["nominatim"].url,
        BACKRUN_OVERPASS_URL=proxies["overpass"].endpoint(overpass.endpoint),
        BACKRUN_GEOCODE_RATELIMIT="1000/minute",
        http_timeout_s=HTTP_TIMEOUT_S,
    )
    return instance


_tiles = itertools.count(1)


def _new_tile() -> tuple[float, float]:
    """A place in a 0.1-degree venue tile never looked up before (so Overpass is asked)."""
    n = next(_tiles)
    return round(40.05 + (n % 30) * 0.3, 4), round(2.05 + (n // 30) * 0.3, 4)


def _forget_overpass_backoff(cache_url: str) -> None:
    """After a failure the app leaves Overpass alone for a minute (shared in Redis): forget that,
    so the next fault meets a request too."""
    import redis

    from backrun.venues.overpass import BACKOFF_KEY

    redis.Redis.from_url(cache_url).delete(f"backrun:{BACKOFF_KEY}")


def _let_the_circuits_close() -> None:
    """After a few failures the app leaves an upstream alone for a few seconds (its circuit breaker,
    backrun/platform/upstream.py): wait that long, so the next fault meets a request too."""
    time.sleep(BREAKER_RECOVERY_S + 0.5)


def _requests_for(instance, label: str) -> list[tuple[str, str]]:
    lat, lon = _new_cell()
    page_lat, page_lon = _new_cell()
    venue_lat, venue_lon = _new_tile()
    return [
        ("advice API", instance.url(f"/api/v1/advice?lat={lat}&lon={lon}")),
        ("advice page", instance.url(f"/advice?lat={page_lat}&lon={page_lon}")),
        ("place search", instance.url(f"/advice?place=Vaduz%20{label.replace(':', '')}")),
        ("venues API", instance.url(f"/api/v1/venues?lat={venue_lat}&lon={venue_lon}")),
    ]


def _ask_all(session: requests.Session, asks: list[tuple[str, str]]) -> list[tuple[str, int | str, str]]:
    def one(ask):
        what, url = ask
        try:
            response = session.get(url, timeout=30)
        except requests.RequestException as exc:
            return what, type(exc).__name__, url
        return what, response.status_code, url

    with ThreadPoolExecutor(max_workers=len(asks)) as pool:
        return list(pool.map(one, asks))


@pytest.mark.timeout(420)
def test_no_upstream_fault_makes_a_5xx(faulty_instance, proxies, cache_url):
    session = http_session(16)
    bad = []
    for fault in FAULTS:
        for proxy in proxies.values():
            proxy.set(fault)
        _forget_overpass_backoff(cache_url)
        _let_the_circuits_close()
        for what, status, url in _ask_all(session, _requests_for(faulty_instance, fault)):
            if not isinstance(status, int) or status >= 500:
                bad.append((fault, what, status, url))
    # Everything at once: each upstream request meets the next fault in the rotation.
    for proxy in proxies.values():
        proxy.cycle(FAULTS)
    for round_ in range(4):
        _forget_overpass_backoff(cache_url)
        _let_the_circuits_close()
        for what, status, url in _ask_all(session, _requests_for(faulty_instance, f"mixed{round_}")):
            if not isinstance(status, int) or status >= 500:
                bad.append(("mixed", what, status, url))

    assert not bad, bad
    assert "Traceback" not in faulty_instance.log_text()
    # The faults really reached every upstream client.
    for name, proxy in proxies.items():
        assert set(proxy.served) >= {"reset", "truncate", "garbage"}, (name, set(proxy.served))


@pytest.mark.timeout(240)
@pytest.mark.parametrize("fault", ["reset", "refuse", "truncate", "cut_json", "status:502", "latency"])
def test_open_meteo_failing_means_advice_from_met_norway(faulty_instance, proxies, fault):
    proxies["open_meteo"].set(fault)
    lat, lon = _new_cell()
    response = requests.get(faulty_instance.url(f"/api/v1/advice?lat={lat}&lon={lon}"), timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "met-no" and body["verdict"] != "unknown", body


@pytest.mark.timeout(240)
def test_both_weather_providers_failing_is_unknown_in_time(faulty_instance, proxies):
    proxies["open_meteo"].set("reset")
    proxies["met_no"].set("truncate")
    lat, lon = _new_cell()
    response = requests.get(faulty_instance.url(f"/api/v1/advice?lat={lat}&lon={lon}"), timeout=30)
    assert response.status_code == 200
    assert response.json()["verdict"] == "unknown"
    assert response.elapsed.total_seconds() < 2 * HTTP_TIMEOUT_S + 1
