# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint check-python browser-deps

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Shamelist needs Python 3.11 or newer")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/shamelist db upgrade
	$(BIN)/shamelist demo --if-empty
	$(BIN)/shamelist scrape --list > /dev/null
	$(BIN)/shamelist serve --host 127.0.0.1 --port 8000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser test (tests/browser) drives Debian's Chromium. Installed here when
# missing and we are root; otherwise the test skips locally and fails in CI.
CHROMIUM := /usr/bin/chromium

browser-deps:
	@if [ -x $(CHROMIUM) ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	else \
		echo "NOTE: $(CHROMIUM) is missing and cannot be installed here (needs root and apt-get)."; \
		echo "      The browser test will be skipped (it fails when CI is set)."; \
		echo "      To run it: sudo apt-get install --no-install-recommends chromium"; \
	fi

# SQLite always; PostgreSQL too when SHAMELIST_TEST_DATABASE_URL names one.
test: lint browser-deps
	$(BIN)/pytest
