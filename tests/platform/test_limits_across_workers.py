"""Issue 13, items 7 and 8: limits hold across the worker processes of one machine.

`make serve`'s gunicorn (two worker processes) on this pass's storage: a SQLite file of counters
in the instance folder (no Redis), or Redis in the PostgreSQL pass. Requests come in on fresh
connections from many threads at once, so both workers answer (checked in the access log); the
limit must hold for the sum.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.harness import answering_workers

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ATTEMPTS = 24


def _crowd(fn, count: int = ATTEMPTS) -> list[int]:
    with ThreadPoolExecutor(max_workers=12) as pool:
        return list(pool.map(fn, range(count)))


@pytest.mark.timeout(180)
def test_failed_sign_ins_sign_ups_and_place_searches_are_counted_for_the_whole_machine(serve):
    # Each worker takes two connections at a time, so a crowd is spread over both.
    server = serve(
        BACKRUN_LOGIN_RATELIMIT="5/minute",
        BACKRUN_SIGNUP_RATELIMIT="4/minute",
        BACKRUN_GEOCODE_RATELIMIT="3/minute",
        gunicorn_args=("--worker-connections", "2"),
    )

    def wrong_password(n: int) -> int:
        return requests.post(
            server.url("/api/v1/auth/token"),
            timeout=30,
            headers={"Connection": "close"},
            json={"email": f"victim{n % 3}@example.org", "password": "not the password"},
        ).status_code

    def sign_up(n: int) -> int:
        with requests.Session() as browser:
            page = browser.get(server.url("/signup"), timeout=30)
            token = CSRF.search(page.text).group(1)
            return browser.post(
                server.url("/signup"),
                timeout=30,
                allow_redirects=False,
                data={
                    "csrf_token": token,
                    "email": f"probe{n}@example.org",
                    "password": "long enough password",
                },
            ).status_code

    def place_search(n: int) -> int:
        return requests.get(
            server.url(f"/advice?place=Vaduz%20{n}"), timeout=30, headers={"Connection": "close"}
        ).status_code

    sign_ins = _crowd(wrong_password)
    assert sign_ins.count(401) == 5 and sign_ins.count(429) == ATTEMPTS - 5, sign_ins
    sign_ups = _crowd(sign_up, 12)
    assert sign_ups.count(303) == 4 and sign_ups.count(429) == 8, sign_ups
    searches = _crowd(place_search, 12)
    assert searches.count(429) == 9, searches

    # Both workers took part: with per-process counters twice as many would have got through.
    for path in ("/api/v1/auth/token", "/signup", "/advice"):
        assert len(answering_workers(server, path)) == 2, path
