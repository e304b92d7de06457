# Tandem: `make run` serves the demo, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-unit test-e2e lint format seed clean bench bench-search bench-live \
	bench-realtime

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Tandem is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

# The browser suite runs in its own pytest process: Playwright's sync API keeps an event loop
# on the main thread, which the async unit tests must not share (docs/conventions.md).
test: install
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-e2e

test-unit: install
	$(BIN)/pytest --ignore=tests/e2e

test-e2e: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
	BENCH_CONFIGS="$${BENCH_CONFIGS:-all-on,stock-layer,stock-cache,stock-session,stock-redis,stock-loop,pubsub,all-stock}" \
	BENCH_SCENARIOS="$${BENCH_SCENARIOS:-10x10}" BENCH_IDLE="$${BENCH_IDLE:-0}" \
	$(BIN)/python bench/live.py

clean:
	rm -rf $(VENV) .pytest_cache staticfiles .pytest-mail .pytest-media
