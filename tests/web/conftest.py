"""Runner A for the web tests: each module defines the `app` it runs on (CSRF on)."""

from __future__ import annotations

from tests.support.runner_fixtures import runner_a, token_a  # noqa: F401 - fixtures
