# Quick start: `make run` serves the app; `make test` runs every check CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed
TDEPS  := $(VENV)/.test-deps-installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run serve test lint format install system-test-deps bench clean

$(DEPS): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(TDEPS): $(DEPS) requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	@touch $@

install: $(DEPS)

## Create/upgrade the database, load the content, print demo accounts, serve on $(HOST):$(PORT).
run: $(DEPS)
	$(BIN)/flask --app wsgi setup
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

## Production: upgrade the database, then serve with gunicorn (settings in gunicorn.conf.py).
serve: $(DEPS)
	$(BIN)/flask --app wsgi setup --no-demo
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Debian packages the tests drive for real: Chromium (browser tests) and PostgreSQL.
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
