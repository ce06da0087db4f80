# Casebook: `make run` serves the app and site; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-system-deps install build lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Serving needs only the package (no torch, no playwright); the tests install their extras on top.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

install: $(STAMP)

build: install
	$(BIN)/casebook build

run: build
	$(BIN)/casebook serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/casebook lint

# The training tests need Debian's postgresql (a throwaway server) and chromium (headless browser);
# the several-server tests Debian's redis-server (a throwaway server too).
test-system-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server; }

# Four processes (pytest-xdist), a test file per process at a time (module fixtures built once):
# much of the suite waits on browsers, servers and databases, so four beat two even on 2 cores
# (measured: 3 min 26 s against 7 min 36 s). The embedding engine's OpenMP threads sleep when idle
# instead of spinning, or several processes embedding at once starve each other.
PYTEST_ARGS ?= -n 4 --dist loadfile --durations=30

test: $(TEST_STAMP) test-system-deps
	OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf build .pytest_cache .hypothesis
