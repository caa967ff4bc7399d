# `make demo` and `make test` work on a fresh machine with Python 3.11 and make: the first call
# bootstraps .venv from requirements.lock (exact versions, compiled from pyproject.toml).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WAREHOUSE := warehouse/scorecard.duckdb
LANDING   := warehouse/landing

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 90

.PHONY: demo test test-slow lint browser-tools lock clean

# Bytecode compiled once here, not at each import (a process importing Prefect's server took 8.9 s
# from source, 6.1 s compiled); then Prefect's database migrated once per Prefect version, which a
# new Prefect home copies instead of migrating (scorecard/ops/prefect_store.py); and the demo
# council's extracts generated once, which `make demo` copies (scorecard_demo/landing_cache.py).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m scorecard.ops.prefect_store
	$(BIN)/python -m scorecard_demo.landing_cache 916
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(LANDING)
	$(BIN)/scorecard run --demo-landing --period-end 2023-06-30 --backfill-from 2022-06-30 \
		--landing $(LANDING) --warehouse $(WAREHOUSE) --demo-key --report 916

# `make test`: every test but the long end-to-end ones, on two worker processes (pytest-xdist; each
# has its own Prefect test server); `make test-slow`: those, one at a time (CI runs both).
# The browser tests need Debian's chromium and poppler-utils, the office test LibreOffice Calc:
# installed first when missing.
test: $(STAMP) browser-tools lint
	$(BIN)/python -m pytest -m "not slow" -n 2

# ruff (Python) and sqlfluff (the SQL models, DuckDB dialect): configured in pyproject.toml and
# .sqlfluff, each rule left out with its reason.
lint: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/sqlfluff lint sql --processes 2 --disable-progress-bar --nocolor

test-slow: $(STAMP) browser-tools
	$(BIN)/python -m pytest -m slow

browser-tools:
	@.ci/install-browser-tools

# Re-pin every transitive dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) $(LANDING) warehouse/*.duckdb warehouse/*.wal warehouse/*.lock
