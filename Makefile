# The two commands: `make run` (lieu on the embedded default) and `make test` (the whole gate).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install gate system-deps bench clean

run: $(STAMP)
	$(BIN)/lieu dev

test: $(STAMP)
	$(MAKE) gate

# pytest lists its 15 slowest steps so a test that starts to dominate the gate is seen at once.
gate:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest --durations=15

install: $(STAMP)

# The GraphQL explorer's assets (GraphiQL, React) come from npm, pinned by package-lock.json, and
# are copied into lieu/graphql/explorer/static/ so lieu serves them itself (no CDN).
$(STAMP): pyproject.toml package.json package-lock.json
	@command -v npm >/dev/null || { echo "make install: npm (Node 20+) is needed to build the GraphQL explorer; install Node.js and run make install again" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
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

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
