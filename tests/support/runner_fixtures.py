"""Runners A and B for test packages that define an `app` fixture with CSRF on: import these
fixtures into the package's conftest.py (pytest finds fixtures imported there)."""

from __future__ import annotations

import pytest

from tests.support.runners import Runner


@pytest.fixture
def runner_a(app):
    return Runner(app, "alice@example.org").signup()


@pytest.fixture
def runner_b(app):
    return Runner(app, "bob@example.org").signup()


@pytest.fixture
def token_a(runner_a):
    return runner_a.token()


@pytest.fixture
def token_b(runner_b):
    return runner_b.token()
