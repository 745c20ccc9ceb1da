# The front door. `make run`: set up and serve on SQLite with the demo loaded.
# `make test`: set up and run every test (PostgreSQL ones need a reachable server).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lint run test test-unit test-integration test-e2e bench bench-smoke migrate demo rebuild clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench,lint]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pacts migrate
	$(BIN)/pacts demo
	$(BIN)/pacts serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP)
	$(BIN)/python -m pytest tests

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

test-e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e

bench: $(STAMP)
	$(BIN)/python -m bench

migrate demo rebuild: $(STAMP)
	$(BIN)/pacts $@

clean:
	rm -rf $(VENV) var .pytest_cache
