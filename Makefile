# Quick start: `make run` serves the app; `make test` runs every check CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed
TDEPS  := $(VENV)/.test-deps-installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run serve test lint format install lock system-test-deps bench clean

# Installs come from the lock files (exact versions, every transitive package), compiled by
# `make lock` from the lower bounds in requirements*.txt. pip alone reads them: a fresh
# machine needs no locking tool.
$(DEPS): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	@touch $@

$(TDEPS): $(DEPS) requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	@touch $@

# pip-tools' resolver is pip's own, so it reads the same index settings as the installs.
PIP_COMPILE = $(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url \
	--no-emit-find-links --no-emit-trusted-host --upgrade

## Re-resolve the newest versions the lower bounds allow and rewrite the lock files
## (the test and bench locks keep the runtime lock's versions). Commit the result.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip-tools>=7.4'
	$(PIP_COMPILE) -o requirements.lock requirements.txt
	$(PIP_COMPILE) -c requirements.lock -o requirements-test.lock requirements-test.txt
	$(PIP_COMPILE) -c requirements.lock -o bench/requirements.lock bench/requirements.txt

install: $(DEPS)

## Create/upgrade the database, load the content, print demo accounts, serve on $(HOST):$(PORT).
run: $(DEPS)
	$(BIN)/flask --app wsgi setup
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

## Production: upgrade the database, then serve with gunicorn (settings in gunicorn.conf.py).
serve: $(DEPS)
	$(BIN)/flask --app wsgi setup --no-demo
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Debian packages the tests drive for real: Chromium (browser tests), PostgreSQL and nginx.
system-test-deps:
	@./scripts/install-test-packages

## Lint, then the whole suite (SQLite file and a throwaway PostgreSQL server, real Chromium).
test: $(TDEPS) system-test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(TDEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TDEPS)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(TDEPS)
	$(BIN)/python bench/grader_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
