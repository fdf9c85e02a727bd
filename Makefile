# Two entry points: `make demo` (set up, ingest the bundled catalog offline, render one comparison and the site,
# score the offline extractor on the bundled gold set)
# and `make test` (set up with test extras and Debian's chromium for the browser test, lint, check the import
# contracts in pyproject.toml, type-check, run the suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := demo/capgraph.duckdb
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: setup browser demo test lint typecheck clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

demo: setup
	mkdir -p demo
	$(BIN)/capgraph ingest --db $(DEMO_DB) --catalog examples/catalog.toml
	$(BIN)/capgraph tools --db $(DEMO_DB)
	$(BIN)/capgraph compare installed:httpx installed:requests --db $(DEMO_DB) --out demo/httpx-vs-requests.md
	$(BIN)/capgraph compare installed:httpx installed:requests --db $(DEMO_DB) --format html --out demo/httpx-vs-requests.html
	$(BIN)/capgraph alternatives installed:httpx --db $(DEMO_DB) --limit 3
	$(BIN)/capgraph site --db $(DEMO_DB) --out demo/site
	$(BIN)/capgraph eval eval/gold --db $(DEMO_DB) --extractor heuristic --out demo/eval.md
	@echo "Comparison written to demo/httpx-vs-requests.md and .html; the site is demo/site/index.html; the offline extractor's scores on the bundled gold set are in demo/eval.md"

lint: setup
	$(BIN)/ruff check .

# What is checked and how strictly lives in [tool.mypy] of pyproject.toml.
typecheck: setup
	$(BIN)/mypy

browser:
	.ci/ensure-chromium

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) demo .prefect .pytest_cache .mypy_cache
