# Tandem: `make run` serves the demo, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock lock-check run test test-unit test-fast test-e2e lint format seed clean bench \
	bench-search bench-live bench-realtime audit

install: $(VENV)/.installed

# Every library at the version the lock names (hashes checked), then the project itself without
# its dependencies, so what runs is what CI ran. A changed lock or pyproject.toml reinstalls.
$(VENV)/.installed: requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The locks, from pyproject.toml's ranges, for Python 3.11 on Linux: base.lock is what the
# Dockerfile installs, dev.lock adds the dev extras (make install, CI). Versions already in a
# lock are kept; `make lock UPGRADE=1` takes the newest each range allows.
LOCK = $(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --generate-hashes --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade)

lock: install
	$(LOCK) -o requirements/base.lock
	$(LOCK) --extra dev -o requirements/dev.lock

# Fails when pyproject.toml asks for something its locks do not hold (run `make lock`).
lock-check: install
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp requirements/base.lock requirements/dev.lock "$$tmp"/ && \
	$(LOCK) -o "$$tmp"/base.lock && $(LOCK) --extra dev -o "$$tmp"/dev.lock && \
	if diff -u requirements/base.lock "$$tmp"/base.lock && \
		diff -u requirements/dev.lock "$$tmp"/dev.lock; then \
		echo "requirements/*.lock match pyproject.toml"; \
	else echo "requirements/*.lock are out of date: run make lock" >&2; exit 1; fi

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Tandem is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "admin@example.com's two-factor code: $(BIN)/python manage.py totp_code admin@example.com"
	@echo ""
	$(BIN)/daphne -b $(HOST) -p $(PORT) --websocket-max-message-size 262144 config.asgi:application

# The browser suite runs in its own pytest process: Playwright's sync API keeps an event loop
# on the main thread, which the async unit tests must not share (docs/conventions.md).
test: install
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-e2e

# ARGS passes more options to pytest (`make test-unit ARGS="-x tests/messaging"`). pytest's
# exit code 5 (no test collected) fails these targets like any other.
test-unit: install
	$(BIN)/pytest --ignore=tests/e2e $(ARGS)

# The unit suite without the slow fault tests (tests/faults), for a quick run while working.
test-fast: install
	$(BIN)/pytest --ignore=tests/e2e -m "not slow" $(ARGS)

test-e2e: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest tests/e2e $(ARGS)

# The same checks as the pre-commit hooks, on the whole tree. Templates are linted, not formatted.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

seed: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

# Benchmarks need PostgreSQL; each makes and drops its own database (bench/*.py say which).
bench: bench-search bench-live

bench-search: install
	$(BIN)/python bench/search.py

# The live path against a raw websockets server (bench/live.py; BENCH_QUICK=1 for a short run).
# Tandem runs with the speed-ups the environment leaves on: REALTIME_STOCK=cache make bench-live.
bench-live: install
	$(BIN)/python bench/live.py

# Each of core/realtime's speed-ups switched back to the stock part in turn, beside the baseline,
# 10x10 only, with a table of each one's gain (bench/realtime_configs.py; BENCH_CONFIGS picks).
bench-realtime: install
	BENCH_CONFIGS="$${BENCH_CONFIGS:-all-on,stock-layer,stock-cache,stock-session,stock-redis,pubsub,all-stock}" \
	BENCH_SCENARIOS="$${BENCH_SCENARIOS:-10x10}" BENCH_IDLE="$${BENCH_IDLE:-0}" \
	$(BIN)/python bench/live.py

# Known vulnerabilities in the locked dependencies (pip-audit, PyPI's advisory data), read by
# requirements/audit.py: a found vulnerability fails; no advisory database reachable (offline,
# or an index without PyPI's JSON API) is said plainly and passes, as nothing could be checked.
# A vulnerable Django means its newest 5.2 patch: raise the floor in pyproject.toml, `make lock`.
PIP_AUDIT ?= $(BIN)/pip-audit

audit: install
	@$(BIN)/python requirements/audit.py $(PIP_AUDIT) -r requirements/dev.lock --require-hashes \
		--disable-pip --progress-spinner off

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache staticfiles .pytest-mail .pytest-media
