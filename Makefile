# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Every install comes from a lock with hashes: the runtime set for `make run` and the
# Dockerfile, the runtime set plus the dev extra for `make test` and CI. `make lock`
# refreshes both from pyproject.toml; `make lock-upgrade` also moves every pin to the
# newest release that pyproject.toml allows.
LOCK := .ci/requirements.lock
DEV_LOCK := .ci/requirements-dev.lock
UV_VERSION := 0.13.8
# Resolved once for every platform, from the oldest Python that pyproject.toml allows
# (CI and the Docker image run 3.11 on Linux x86_64).
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock"

.PHONY: run test lint check-python browser-deps deployment-deps lock lock-upgrade

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Shamelist needs Python 3.11 or newer")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# The lock holds the build backend too, so the project installs without fetching
# anything unpinned (--no-build-isolation). --no-index then proves the lock has every
# dependency pyproject.toml names: one it lacks fails here, not at run time.
define install_locked
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-index --no-build-isolation -e '$(2)' \
		|| { echo "$(1) lacks a dependency of pyproject.toml: run make lock"; exit 1; }
endef

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(call install_locked,$(LOCK),.)
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(call install_locked,$(DEV_LOCK),.[dev])
	touch $@ $(VENV)/.installed

# uv in a throwaway virtualenv: it resolves for every platform at once and hashes
# every file of each pin. The dev lock is constrained by the runtime lock, so the two
# never disagree on a version. The build backend comes from [build-system] requires.
define refresh_locks
	@set -e; tool=$$(mktemp -d); trap 'rm -rf "$$tool"' EXIT; \
	$(PYTHON) -m venv "$$tool" && "$$tool/bin/pip" install --quiet uv==$(UV_VERSION); \
	build=$$($(PYTHON) -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))'); \
	printf '%s\npip\n' "$$build" | "$$tool/bin/uv" pip compile pyproject.toml - $(LOCK_FLAGS) $(1) -o $(LOCK); \
	printf '%s\npip\n' "$$build" | "$$tool/bin/uv" pip compile pyproject.toml - --extra dev \
		-c $(LOCK) $(LOCK_FLAGS) $(1) -o $(DEV_LOCK); \
	echo "Wrote $(LOCK) and $(DEV_LOCK)"
endef

lock: | check-python
	$(call refresh_locks,)

lock-upgrade: | check-python
	$(call refresh_locks,--upgrade)

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

# Debian packages some tests drive: installed here when missing and we are root;
# otherwise those tests skip locally and fail in CI.
# $(1): the program that must exist, $(2): the package, $(3): the tests that need it.
define debian_package
	@if [ -x $(1) ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing $(2) for $(3) (apt-get install $(2))"; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(2); \
	else \
		echo "NOTE: $(1) is missing and cannot be installed here (needs root and apt-get)."; \
		echo "      $(3) will be skipped (they fail when CI is set)."; \
		echo "      To run them: sudo apt-get install --no-install-recommends $(2)"; \
	fi
endef

# The browser test (tests/browser) drives Debian's Chromium.
CHROMIUM := /usr/bin/chromium

browser-deps:
	$(call debian_package,$(CHROMIUM),chromium,the browser tests)

# The deployment test (tests/test_deployment.py, .ci/deployment.py) runs Debian's nginx
# in front of two app servers, and backs PostgreSQL up with its own client tools.
NGINX := /usr/sbin/nginx
PG_DUMP := /usr/bin/pg_dump

deployment-deps:
	$(call debian_package,$(NGINX),nginx,the deployment tests)
	$(call debian_package,$(PG_DUMP),postgresql-client,the deployment tests)

# SQLite always; PostgreSQL too when SHAMELIST_TEST_DATABASE_URL names one.
test: lint browser-deps deployment-deps
	$(BIN)/pytest
