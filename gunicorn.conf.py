"""gunicorn's settings for Backrun (read from the working directory by `make serve`; arguments on
the command line win). README, "The app server", explains the choices.

Threads, not sync workers: a request waiting for an upstream service then holds one thread, not
a whole process, and the bulkhead (backrun/platform/upstream.py: BACKRUN_UPSTREAM_SLOTS fetches per
process, 4 by default) leaves the other threads free for cached advice, pages, the logbook and
/healthz while every upstream hangs.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))

# X-Forwarded-* headers are believed only through Backrun's own ProxyFix, for exactly
# BACKRUN_TRUSTED_PROXIES proxies (backrun/platform/serving.py). gunicorn by default would believe
# X-Forwarded-Proto from any client on 127.0.0.1 and mark its request HTTPS.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
