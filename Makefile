# The chores. `make demo` and `make test` are all a new machine needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format check pytest pytest-postgres bench bench-exchange bench-load messages screenshots clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Planwatch needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/planwatch demo

# With PLANWATCH_TEST_POSTGRES=1 the suite runs on SQLite and PostgreSQL at once (one core each).
test: $(STAMP) lint check
	@if [ "$$PLANWATCH_TEST_POSTGRES" = "1" ]; then scripts/test-both; else $(BIN)/pytest; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP)
	PLANWATCH_DATA_DIR=$$(mktemp -d) $(BIN)/planwatch makemigrations --check --dry-run

pytest: $(STAMP)
	$(BIN)/pytest

pytest-postgres: $(STAMP)
	scripts/with-postgres $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/portal.py

bench-exchange: $(STAMP)
	$(BIN)/python bench/exchange.py

bench-load: $(STAMP)
	$(BIN)/python bench/load.py --postgres

# The README's screenshots of the work pages, taken by the browser test in fr-BE and nl-BE.
screenshots: $(STAMP)
	PLANWATCH_UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/test_browser_workspace.py -k screenshots

# The interface catalogues (needs GNU gettext): new messages in, then fill their msgstr.
messages: $(STAMP)
	cd planwatch && PLANWATCH_DATA_DIR=$$(mktemp -d) ../$(BIN)/python -m planwatch makemessages \
		-l nl -l fr -l de --no-location --no-obsolete
	cd planwatch && PLANWATCH_DATA_DIR=$$(mktemp -d) ../$(BIN)/python -m planwatch compilemessages

clean:
	rm -rf $(VENV) var
