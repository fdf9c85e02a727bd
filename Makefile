# Two entry points: `make demo` (set up, ingest the bundled catalog offline, render one comparison)
# and `make test` (set up with test extras, lint, run the suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := demo/capgraph.duckdb
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: setup demo test lint clean

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
	$(BIN)/capgraph compare installed:duckdb installed:pydantic --db $(DEMO_DB) --out demo/duckdb-vs-pydantic.md
	$(BIN)/capgraph compare installed:duckdb installed:pydantic --db $(DEMO_DB) --format html --out demo/duckdb-vs-pydantic.html
	@echo "Comparison written to demo/duckdb-vs-pydantic.md and demo/duckdb-vs-pydantic.html"

lint: setup
	$(BIN)/ruff check .

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) demo .prefect .pytest_cache
