# Lobby CRM. `make run` serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_ADMIN_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-sqlite test-postgres lint bench translations install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/crm db upgrade
	@$(BIN)/python -m crm.welcome
	$(BIN)/crm run --host 127.0.0.1 --port 5000

# Runs every test on SQLite, then again on PostgreSQL when a server answers (always in CI: CI=true).
test: $(STAMP)
	$(BIN)/python -m tests.run

test-sqlite: $(STAMP)
	$(BIN)/pytest --db=sqlite

test-postgres: $(STAMP)
	$(BIN)/pytest --db=postgresql

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check crm tests bench migrations config.py

bench: $(STAMP)
	$(BIN)/python -m bench

# Extract messages into crm/translations/{en,nl}, compile them, and list what still needs a translation.
translations: $(STAMP)
	$(BIN)/crm i18n update

clean:
	rm -rf $(VENV) instance .pytest_cache bench/.cache
