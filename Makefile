# The front door. `make run`: set up and serve on SQLite with the demo loaded.
# `make test`: set up and run every test (PostgreSQL ones need a reachable server).
#
# Each target installs what it needs and no more: `make run` the service alone;
# `make test` adds the test extras, and the bench's (a smoke test runs every
# benchmark path at a tiny size); `make bench` the bench's; `make lint` the linters'.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed

.PHONY: lint run test test-unit test-integration test-e2e test-reliability test-reliability-long bench bench-smoke migrate demo rebuild clean openapi client

$(BASE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# An extra's stamp is older than the base's after pyproject.toml changes: reinstalled then.
$(VENV)/.extra-%: $(BASE)
	$(BIN)/pip install --quiet -e ".[$*]"
	touch $@

TEST_DEPS := $(VENV)/.extra-test $(VENV)/.extra-bench

run: $(BASE)
	$(BIN)/pacts migrate
	$(BIN)/pacts demo
	$(BIN)/pacts serve

lint: $(VENV)/.extra-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every test but the reliability suite, which runs live servers for minutes (below).
test: $(TEST_DEPS)
	$(BIN)/python -m pytest tests --ignore=tests/reliability

# The reliability suite (docs/reliability.md): CI's size; -long: PACTS_RELIABILITY_LONG=1.
test-reliability: $(TEST_DEPS)
	$(BIN)/python -m pytest tests/reliability

test-reliability-long: $(TEST_DEPS)
	PACTS_RELIABILITY_LONG=1 $(BIN)/python -m pytest tests/reliability

test-unit: $(TEST_DEPS)
	$(BIN)/python -m pytest tests/unit

test-integration: $(TEST_DEPS)
	$(BIN)/python -m pytest tests/integration

test-e2e: $(TEST_DEPS)
	$(BIN)/python -m pytest tests/e2e

# The contract with every language: docs/openapi.json, as the app serves it with default settings.
openapi: $(BASE)
	env -u PACTS_PUBLIC_READS -u PACTS_MAX_META_HEADER_CHARS $(BIN)/python -c \
	  'import json; from app.api.main import app; print(json.dumps(app.openapi(), indent=2, ensure_ascii=False))' \
	  > docs/openapi.json

# A typed TypeScript client of it (openapi-typescript types + openapi-fetch), type-checked with its example.
client: openapi
	cd clients/typescript && npm install --no-audit --no-fund --silent && npm run --silent generate && npm run --silent check

bench: $(VENV)/.extra-bench
	$(BIN)/python -m bench

migrate demo rebuild: $(BASE)
	$(BIN)/pacts $@

clean:
	rm -rf $(VENV) var .pytest_cache
