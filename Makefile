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

.PHONY: run test serve migrate demo-data bench lock clean browser

run: $(VENV)/.run-installed migrate demo-data
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-installed browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

migrate: $(VENV)/.run-installed
	$(FLASK) db upgrade

# Demo venues (Liechtenstein, OSM 2022); a no-op when this very file is already imported.
demo-data: migrate
	$(FLASK) venues import --quiet $(DEMO_EXTRACT)

# Production-style serving (see README, "Deployment").
serve: $(VENV)/.run-installed migrate
	$(BIN)/gunicorn --workers $${WEB_CONCURRENCY:-2} --bind $${BIND:-$(HOST):$(PORT)} --graceful-timeout 30 app:app

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run_all

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

# Re-pin dependencies after editing pyproject.toml.
lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache
