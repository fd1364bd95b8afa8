# The README's two commands are `make run` and `make test`; both build on `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# serve runs over plain http on loopback, where Secure-only cookies would not be kept
# (README, "Signing in"); set REFUGEWATCH_COOKIE_SECURE=yes behind an https proxy.
run: install
	$(BIN)/refugewatch init
	$(BIN)/refugewatch ingest examples/reports
	$(BIN)/refugewatch rebuild
	REFUGEWATCH_COOKIE_SECURE=$${REFUGEWATCH_COOKIE_SECURE:-no} $(BIN)/refugewatch serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
