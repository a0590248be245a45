# Developer entry points. `make` runs lint and the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUNTIME := $(VENV)/.installed
# Where `make demo` builds the demo organization (`mlmaturity demo`).
DEMO_DIR ?= mlmaturity-demo
DEMO := $(VENV)/.installed-demo
# Debian packages the tests need: Chromium for the browser tests (driven by Playwright, which
# never downloads a browser of its own), Pango, HarfBuzz and a font for the PDF (WeasyPrint).
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# The report `make screenshot` shows in the README.
REPORT ?= mlmaturity-demo/reports/report.html

.DEFAULT_GOAL := test
.PHONY: demo test lint format typecheck pytest docs clean system-packages screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python system-packages
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME)

## system-packages: install the Debian packages the tests need (as root; skipped when present)
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	  echo "note: install $$missing for the browser and PDF tests (they skip without it)" >&2; exit 0; fi; \
	echo "installing $$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null

## screenshot: the README's picture of the report: $(REPORT) to docs/images/report.png
screenshot: $(STAMP)
	$(BIN)/python -m tests.report.screenshot $(REPORT) docs/images/report.png

$(DEMO): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[demo]'
	touch $@ $(RUNTIME)

## demo: install (with the MLflow client), build the demo organization in $(DEMO_DIR)/,
## assess it over four quarters and write its reports to $(DEMO_DIR)/reports/
demo: $(DEMO)
	$(BIN)/mlmaturity demo $(DEMO_DIR)

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
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
