# The two commands: `make run` (lieu on the embedded default) and `make test` (the whole gate).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
UV_VERSION ?= 0.13.9

.PHONY: run test install gate system-deps bench screenshots clean

run: $(STAMP)
	$(BIN)/lieu dev

test: $(STAMP)
	$(MAKE) gate

# pytest lists its 15 slowest steps so a test that starts to dominate the gate is seen at once.
# It runs the tests in TEST_WORKERS processes (pytest-xdist; work-stealing, so one long test does
# not hold back a queue): each worker is a test session of its own, with its own database
# templates (tests/database_templates.py: databases named by the session's tag), Temporal dev
# server and S3 server on free ports, so tests never share state across workers. Three on this
# 2-core machine: the suite waits on servers a third of the time with two (cores 127% busy of
# 200%); three keep them 150% busy, and four gain nothing more (157%, each worker's own servers).
TEST_WORKERS ?= 3
# mypy (one core's work for half a minute) runs beside pytest, which leaves a third of the cores
# idle; its report is printed after the tests, and either failing fails the gate.
gate:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@log=$$(mktemp); $(BIN)/mypy > $$log 2>&1 & types=$$!; \
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=15; tests=$$?; \
	wait $$types; typed=$$?; echo "$(BIN)/mypy"; cat $$log; rm -f $$log; \
	test $$tests -eq 0 && test $$typed -eq 0

install: $(STAMP)

# Python packages are installed by uv (from PyPI, into .venv): it resolves the same versions as
# pip from pyproject.toml's ranges in a tenth of the time (on a fresh machine, with no cache,
# ~15 s instead of ~3 min). uv itself is put into the venv by the system's pip (`pip --python`,
# pip >= 22.3) or, without one, by the venv's own ensurepip; the venv also gets pip for whoever
# wants it (`.venv/bin/python -m pip`). --compile-bytecode: like pip, write the .pyc files at
# install time, not in every test process that first imports a module.
#
# The GraphQL explorer's assets (GraphiQL, React) come from npm, pinned by package-lock.json, and
# are copied into lieu/graphql/explorer/static/ so lieu serves them itself (no CDN).
$(STAMP): pyproject.toml package.json package-lock.json
	@command -v npm >/dev/null || { echo "make install: npm (Node 20+) is needed to build the GraphQL explorer; install Node.js and run make install again" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	test -x $(BIN)/uv || $(PYTHON) -m pip --python $(BIN)/python install --quiet \
	  --disable-pip-version-check uv==$(UV_VERSION) || { $(BIN)/python -m ensurepip --upgrade \
	  && $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -e '.[dev]' pip
	touch $(STAMP)

# Debian packages the browser and compose tests use (they skip, saying why, without them), and
# wrk, the load generator of `lieu bench api` (its smoke test fails on CI without it).
system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v wrk >/dev/null || missing="$$missing wrk"; \
	  command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	  if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi; \
	else echo "system-deps: not root; install chromium, docker-compose and wrk yourself"; fi

bench: $(STAMP)
	$(BIN)/lieu bench all

# The README's screenshots (docs/screenshots), taken in Chromium with axe-core run on each page.
screenshots: $(STAMP)
	LIEU_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -p no:randomly -n 0 tests/e2e/test_e2e_screenshots.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
