# Sanctum. `make run` starts it; `make test` runs every suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := run
# This environment may forbid writing bytecode; compiled files make every start faster.
unexport PYTHONDONTWRITEBYTECODE

UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
SANCTUM := $(VENV)/bin/sanctum
STAMPS := .make
WEB_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run dev install web migrate test test-deps check-deploy lint typecheck test-py test-embedded test-scaled \
        test-web test-browser openapi check-openapi bench clean

## --- running ---------------------------------------------------------------------------------

run: install web migrate ## Install, build, migrate and start at http://localhost:8375 (embedded mode)
	$(SANCTUM) serve --host $${HOST:-127.0.0.1} --port $${PORT:-8375}

dev: install $(STAMPS)/web-deps migrate ## Backend with reload plus the Vite dev server (proxying /api)
	@trap 'kill 0' EXIT; \
	$(SANCTUM) serve --reload --port 8375 & \
	(cd frontend && npm run dev) & \
	wait

install: $(STAMPS)/py

migrate: install
	$(SANCTUM) migrate

web: frontend/dist/index.html

$(STAMPS)/py: pyproject.toml uv.lock
	@mkdir -p $(STAMPS)
	@[ -x $(UV) ] || (python3 -m venv .uv && .uv/bin/pip install --quiet uv==$(UV_VERSION))
	$(UV) sync --frozen --compile-bytecode --quiet
	@touch $@

$(STAMPS)/web-deps: frontend/package.json frontend/package-lock.json
	@mkdir -p $(STAMPS)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: $(STAMPS)/web-deps $(WEB_SOURCES)
	cd frontend && npm run build

## --- contract ---------------------------------------------------------------------------------

openapi: install $(STAMPS)/web-deps ## Regenerate openapi.json, the realtime contract and the typed web client
	$(SANCTUM) openapi --output openapi.json
	$(SANCTUM) contracts
	cd frontend && npm run generate

check-openapi: install $(STAMPS)/web-deps
	$(SANCTUM) openapi --output openapi.json --check
	$(SANCTUM) contracts --check
	cd frontend && npm run generate:check

## --- tests ------------------------------------------------------------------------------------

test-deps: ## PostgreSQL (server, pg_dump, pg_restore, psql), Redis, Chromium and promtool from apt when missing
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v pg_dump >/dev/null && command -v pg_restore >/dev/null && command -v psql >/dev/null \
		|| missing="$$missing postgresql-client"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v promtool >/dev/null || missing="$$missing prometheus"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

test: test-deps install $(STAMPS)/web-deps lint typecheck check-openapi check-deploy test-py test-web test-browser ## Every suite

# The alert rules (syntax, and unit tests of the main alerts) and the Kubernetes manifests (strict
# schema validation against the API of the Kubernetes version named here).
check-deploy: install test-deps ## Validate deploy/: Prometheus rules and their tests, Kubernetes manifests
	promtool check rules deploy/prometheus/alerts.yml
	promtool test rules deploy/prometheus/alerts.test.yml
	$(VENV)/bin/kubernetes-validate --strict --quiet -k 1.30.0 deploy/kubernetes/*.yaml

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

# The two modes are independent processes (their own temporary roots and server ports), so they run
# side by side: each mode's pytest is one core's work, and a CI machine has two. `-O` keeps each
# suite's output together, printed as it finishes.
test-py: install test-deps
	$(MAKE) --no-print-directory -j2 -O test-embedded test-scaled

test-embedded: install
	SANCTUM_TEST_MODE=embedded $(VENV)/bin/pytest -q

test-scaled: install test-deps
	SANCTUM_TEST_MODE=scaled $(VENV)/bin/pytest -q

test-web: $(STAMPS)/web-deps
	cd frontend && npm run typecheck && node scripts/check-css.mjs && npm run test

test-browser: install web test-deps
	cd frontend && npm run test:browser

bench: install test-deps ## Load benchmarks (see docs/benchmarks.md); wrk comes from apt
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/http.py --mode both --duration 10 --concurrency 16 --runs 3
	$(PY) bench/ws_fanout.py --help

clean:
	rm -rf $(STAMPS) .venv .uv frontend/node_modules frontend/dist var
