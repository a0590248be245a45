# Developer entry points. `make` runs lint and the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUNTIME := $(VENV)/.installed
DEMO_OUT ?= reports

.DEFAULT_GOAL := test
.PHONY: demo test lint format typecheck pytest docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME)

## demo: install, assess the bundled example organization, write the reports to $(DEMO_OUT)/
demo: $(RUNTIME)
	$(BIN)/mlmaturity collect examples/acme
	$(BIN)/mlmaturity kpi examples/acme --since 2026-06-01 --until 2026-11-30
	$(BIN)/mlmaturity assess examples/acme
	$(BIN)/mlmaturity assess examples/acme --format markdown --output $(DEMO_OUT)/acme.md
	$(BIN)/mlmaturity assess examples/acme --format json --output $(DEMO_OUT)/acme.json

## test: lint, type-check and run the whole test suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

## docs: regenerate the generated docs (schemas, check catalogue, CLI reference)
docs: $(STAMP)
	$(BIN)/python -m mlmaturity.docgen docs

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache
