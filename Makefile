# Backrun: `make run` serves the app on http://127.0.0.1:5000, `make test` runs the whole suite.
# Both set up everything they need on a fresh Debian machine with Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

DEMO_EXTRACT := data/osm/liechtenstein-2022-07-24.osm.pbf

.PHONY: run test lint serve migrate demo-data bench load lock clean browser services audit screenshots

# The push scheduler (morning briefings, "it's safe now" alerts) runs beside the web server and stops
# with it; with BACKRUN_CACHE_URL (Redis) it enqueues on RQ and an RQ worker sends (docs/push.md).
# The development server answers each request in a thread of its own (--with-threads), so a hanging
# upstream holds only the requests that wait for it (at most BACKRUN_UPSTREAM_SLOTS fetches at once).
run: $(VENV)/.run-installed migrate demo-data
	$(FLASK) push scheduler & scheduler=$$!; worker=; \
	  if [ -n "$$BACKRUN_CACHE_URL" ]; then $(FLASK) push worker & worker=$$!; fi; \
	  trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --with-threads --host $(HOST) --port $(PORT)

# Lint first (make lint), then twice: on SQLite with the file cache (as `make run`), then on PostgreSQL with Redis (a throwaway
# cluster and redis-server; the tests marked postgres/service run only there). Then bandit and pip-audit.
test: $(VENV)/.dev-installed browser node_modules/.installed services lint
	node --test tests/js/*.test.js
	$(BIN)/python -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: PYTEST_ARGS selected nothing in this pass
	$(BIN)/python -m pytest --backend=postgres $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python tools/security_audit.py

# The field's habits, first because they take seconds: ruff (lint and format), mypy (strict flags on
# the pure modules) and the import layers (import-linter's contracts in pyproject.toml).
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

migrate: $(VENV)/.run-installed
	$(FLASK) db upgrade

# Demo venues (Liechtenstein, OSM 2022); a no-op when this very file is already imported.
demo-data: migrate
	$(FLASK) venues import --quiet $(DEMO_EXTRACT)

# Production-style serving (see README, "Deployment"): gunicorn.conf.py's gthread workers, WEB_CONCURRENCY
# processes of GUNICORN_THREADS threads (2 x 8); SIGTERM finishes the requests in hand within the graceful timeout.
serve: $(VENV)/.run-installed migrate
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $${BIND:-$(HOST):$(PORT)} app:app

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run_all

# 200 clients for 60 s over PostgreSQL and Redis (bench/load.py; results in docs/benchmarks.md, "Load").
load: $(VENV)/.dev-installed services
	$(BIN)/python -m bench.load

# Phone-size screenshots of the main screens, light and dark, for the README (docs/screenshots/*.png):
# Chromium through the same walk as the layout tests, on the demo venues and a fake weather service.
screenshots: $(VENV)/.dev-installed browser
	BACKRUN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/web/test_screenshots.py

# bandit on the code, pip-audit on the locked dependencies (tools/security_audit.py).
audit: $(VENV)/.dev-installed
	$(BIN)/python tools/security_audit.py

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Backrun needs Python 3.11 or newer"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv is missing: installing Debian's python3-venv"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-installed: requirements.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.run-installed

# Browser tests drive Debian's Chromium through Playwright (its own browser downloads can't work here).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || command -v google-chrome >/dev/null 2>&1 || { \
	  echo "No Chromium or Chrome found: installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The second pass of the tests: Debian's PostgreSQL (with contrib: cube, earthdistance; and PostGIS), Redis and wrk,
# installed when missing. The tests start their own throwaway servers on free ports; nothing is configured.
services:
	@missing=""; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  ls /usr/share/postgresql/*/extension/earthdistance.control >/dev/null 2>&1 || missing="$$missing postgresql-contrib"; \
	  command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	  command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	  command -v runuser >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || missing="$$missing util-linux"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian's$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  fi
	@# PostGIS for the newest server (the one the tests run): its venue index path is tested too.
	@major=$$(ls /usr/lib/postgresql | sort -n | tail -1); \
	  ls /usr/share/postgresql/$$major/extension/postgis.control >/dev/null 2>&1 || { \
	    echo "Installing Debian's PostGIS for PostgreSQL $$major"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-$$major-postgis-3; }

# Lighthouse for the browser tests, pinned in package-lock.json; Debian's nodejs and npm when npm is missing.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm is missing: installing Debian's nodejs and npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Re-pin dependencies after editing pyproject.toml.
lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache
