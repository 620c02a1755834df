"""Test infrastructure beyond the upstream fakes: real PostgreSQL and Redis servers, gunicorn
instances, and a fault-injecting proxy. See tests/support/backend.py for how a test run picks
SQLite or PostgreSQL + Redis."""
