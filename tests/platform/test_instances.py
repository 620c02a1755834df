"""Two gunicorn instances over one PostgreSQL and one Redis: what they share must hold.

* 100 concurrent advice requests for one new location, spread over both instances and their
  worker processes: one upstream call in total (the single-flight lock lives in Redis; each
  instance has its own instance directory, so no file lock is shared).
* 1,000 session posts, each id posted to both instances at once: every id stored once.
* 1,000 session posts spread over both, one instance SIGKILLed midway: every post that got a 2xx
  is stored exactly once, and the client retrying the others on the survivor (as the offline
  outbox does) ends with all 1,000 stored exactly once.
* SIGTERM during a burst: gunicorn's graceful shutdown finishes what it accepted, nothing
  acknowledged is lost, nothing gets a 5xx.
* Rate limits (Flask-Limiter's counters) and the Nominatim throttle hold across instances.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.instances import create_runner, http_session, post_session, session_body, stored_sessions

pytestmark = [pytest.mark.service]


def _new_location(seed: str) -> tuple[float, float]:
    """A location nobody asked about in this run (distinct ~1 km cells per test)."""
    rng = random.Random(seed)
    return round(rng.uniform(-50, 60), 3), round(rng.uniform(-170, 170), 3)


def _crowd(first, second, lat: float, lon: float, count: int = 100) -> list[tuple[int, dict]]:
    """`count` requests for advice at one place, released at once, alternating between two instances."""
    barrier = threading.Barrier(count)
    session = http_session(count)

    def ask(n: int):
        instance = (first, second)[n % 2]
        barrier.wait(timeout=30)
        response = session.get(instance.url(f"/api/v1/advice?lat={lat}&lon={lon}"), timeout=30)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(ask, range(count)))


@pytest.mark.timeout(240)
def test_100_concurrent_requests_for_one_new_location_make_one_upstream_call(instances, open_meteo, met_no):
    first, second = instances(2, threads=25)  # 2 workers x 25 connections: 50 in flight per instance
    open_meteo.set_delay(0.5)  # long enough for all 100 to be waiting on the one fetch
    answers = _crowd(first, second, *_new_location("single-flight"))

    assert [status for status, _ in answers] == [200] * 100
    assert {body["source"] for _, body in answers} == {"open-meteo"}
    assert {body["verdict"] for _, body in answers} <= {"go", "caution", "indoors"}
    assert open_meteo.count() + met_no.count() == 1, (open_meteo.count(), met_no.count())
    # Both instances, and both worker processes of each, really took part.
    for instance in (first, second):
        answered = instance.answering_pids("/api/v1/advice")
        assert len(answered) == 2 and sum(answered.values()) == 50, answered


@pytest.mark.timeout(240)
def test_without_a_shared_redis_each_instance_fetches_for_itself(instances, open_meteo, met_no):
    """The negative control: the test above can tell. Without Redis each instance has only its own
    file lock and cache, so the same crowd costs one upstream call per instance."""
    first, second = instances(2, threads=25, cache="")
    open_meteo.set_delay(0.5)
    answers = _crowd(first, second, *_new_location("no-redis"))
    assert [status for status, _ in answers] == [200] * 100
    assert open_meteo.count() + met_no.count() == 2


@pytest.mark.timeout(240)
def test_the_same_ids_posted_to_both_instances_are_stored_once(instances, database_url):
    first, second = instances(2)
    _, token = create_runner(database_url)
    bodies = [session_body(n=n) for n in range(500)]
    session = http_session(40)
    jobs = [(instance, body) for body in bodies for instance in (first, second)]  # 1,000 posts
    random.Random(7).shuffle(jobs)

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(
            pool.map(lambda job: (job[1]["id"], post_session(session, job[0].base_url, token, job[1])), jobs)
        )

    statuses: dict[str, list[int]] = {}
    for session_id, outcome in outcomes:
        statuses.setdefault(session_id, []).append(outcome.status)
    # Each id: created once (201), found already there once (200); never an error.
    assert all(sorted(got) == [200, 201] for got in statuses.values()), [
        got for got in statuses.values() if sorted(got) != [200, 201]
    ][:5]
    stored = stored_sessions(database_url)
    assert set(stored) == {body["id"] for body in bodies}
    assert all(count == 1 for count, _ in stored.values())
    assert all(stored[body["id"]][1] == body["notes"] for body in bodies)


@pytest.mark.timeout(300)
def test_an_instance_killed_midway_loses_no_acknowledged_session(instances, database_url):
    survivor, victim = instances(2)
    _, token = create_runner(database_url)
    bodies = [session_body(n=n) for n in range(1000)]
    session = http_session(32)
    done = 0
    done_lock = threading.Lock()
    killed = threading.Event()

    def post(n: int):
        nonlocal done
        instance = (survivor, victim)[n % 2]
        outcome = post_session(session, instance.base_url, token, bodies[n])
        with done_lock:
            done += 1
            if done == 400 and not killed.is_set():
                killed.set()
                victim.kill()  # master and workers, mid-burst: requests in flight die with it
        return outcome

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(post, range(1000)))

    assert killed.is_set()
    acknowledged = {bodies[n]["id"] for n, outcome in enumerate(outcomes) if outcome.acknowledged}
    failed = [n for n, outcome in enumerate(outcomes) if not outcome.acknowledged]
    assert all(outcome.status is None or outcome.status < 500 for outcome in outcomes), [
        o for o in outcomes if o.status and o.status >= 500
    ][:3]
    assert failed, "the kill came too late to interrupt anything"
    assert all(n % 2 == 1 for n in failed)  # only the killed instance's posts went unanswered

    stored = stored_sessions(database_url)
    assert acknowledged <= set(stored)  # every 2xx is in the database...
    assert all(count == 1 for count, _ in stored.values())  # ...exactly once
    assert all(stored[body["id"]][1] == body["notes"] for body in bodies if body["id"] in stored)

    # The client retries what got no answer, on the instance still up (what the outbox does).
    retried = [post_session(session, survivor.base_url, token, bodies[n]) for n in failed]
    assert all(outcome.status in (200, 201) for outcome in retried), [
        o for o in retried if o.status not in (200, 201)
    ][:3]
    stored = stored_sessions(database_url)
    assert set(stored) == {body["id"] for body in bodies}
    assert all(count == 1 for count, _ in stored.values())


@pytest.mark.timeout(240)
def test_a_graceful_shutdown_finishes_what_it_accepted(instances, database_url):
    (instance,) = instances(1)
    _, token = create_runner(database_url)
    bodies = [session_body(n=n) for n in range(400)]
    session = http_session(16)
    sent = 0
    lock = threading.Lock()

    def post(n: int):
        nonlocal sent
        with lock:
            sent += 1
            if sent == 150:
                instance.terminate()  # SIGTERM: stop accepting, finish the requests in hand
        return post_session(session, instance.base_url, token, bodies[n])

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(post, range(400)))

    instance.proc.wait(timeout=60)
    assert instance.proc.returncode == 0, instance.log_tail()
    assert all(outcome.status is None or outcome.status < 500 for outcome in outcomes)
    acknowledged = {bodies[n]["id"] for n, outcome in enumerate(outcomes) if outcome.acknowledged}
    assert len(acknowledged) >= 150 - 16  # all but those still connecting when SIGTERM came
    stored = stored_sessions(database_url)
    assert acknowledged <= set(stored)
    assert all(count == 1 for count, _ in stored.values())
    assert "Shutting down" in instance.log_text() or "Handling signal: term" in instance.log_text()


@pytest.mark.timeout(180)
def test_rate_limits_and_upstream_politeness_hold_across_instances(instances, database_url, nominatim):
    """Flask-Limiter's counters and the Nominatim throttle (one request a second for the whole
    app) live in Redis, so two instances together keep them as one would."""
    first, second = instances(2, BACKRUN_LOGIN_RATELIMIT="3/minute", BACKRUN_GEOCODE_RATELIMIT="1000/minute")
    email = "limits@example.org"
    create_runner(database_url, email)
    statuses = [
        requests.post(
            (first, second)[n % 2].url("/api/v1/auth/token"),
            timeout=30,
            json={"email": email, "password": "wrong"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]

    barrier = threading.Barrier(4)

    def search(n: int) -> float:
        barrier.wait(timeout=30)
        began = time.monotonic()
        response = requests.get((first, second)[n % 2].url(f"/advice?place=Nowhere%20{n}"), timeout=30)
        assert response.status_code == 404, response.status_code  # asked Nominatim, which knows no such place
        return time.monotonic() - began

    with ThreadPoolExecutor(max_workers=4) as pool:
        took = sorted(pool.map(search, range(4)))
    assert nominatim.count() == 4
    # One request a second across both instances: the fourth search waited about 3 s.
    assert took[-1] >= 2.8, took
