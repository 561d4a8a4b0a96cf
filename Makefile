# StoFlow: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 3000
# Every test, the browser ones last.
ARGS ?= tests/unit tests/integration tests/isolation tests/e2e
export PORT

.PHONY: run dev test bootstrap services lint bench clean distclean constraints

run: bootstrap ## Start StoFlow (web + worker + beat) on http://localhost:$(PORT)
	$(PY) -m stoflow.launcher run

dev: bootstrap ## The same with hot reload (frontend on $(PORT), backend on 8000)
	$(PY) -m stoflow.launcher dev

test: ## Set up (including Chromium) and run every test; ARGS="tests/unit -q" runs a part
	bash scripts/bootstrap.sh --with-browser
	$(PY) -m stoflow.launcher test $(ARGS)

bootstrap: ## Create .venv, install pinned packages and bun
	bash scripts/bootstrap.sh

services: bootstrap ## Only the embedded PostgreSQL and Redis, printing their URLs
	$(PY) -m stoflow.launcher services

lint: bootstrap ## ruff (lint + format check) and mypy on services
	$(PY) -m ruff check stoflow tests bench alembic sandbox rxconfig.py
	$(PY) -m ruff format --check stoflow tests bench alembic sandbox rxconfig.py
	$(PY) -m mypy

bench: bootstrap ## Benchmarks (figures go to docs/PERFORMANCE.md)
	$(PY) bench/tenants.py --tenants 1000
	$(PY) bench/auth.py --rounds 200

constraints: ## Re-pin every transitive package after changing requirements.txt
	rm -rf /tmp/stoflow-constraints && python3 -m venv /tmp/stoflow-constraints
	grep -v "^-c" requirements.txt > /tmp/stoflow-requirements.txt
	/tmp/stoflow-constraints/bin/pip install --quiet -r /tmp/stoflow-requirements.txt
	( echo "# Exact versions of every package requirements.txt pulls in (pip freeze of a clean install)."; \
	  echo "# Regenerate after changing requirements.txt: make constraints"; \
	  /tmp/stoflow-constraints/bin/pip freeze ) > constraints.txt

clean: ## Remove build output (.web, the test builds) and caches (keeps .venv and your data in .stoflow)
	rm -rf .web .stoflow/builds .pytest_cache .ruff_cache .mypy_cache test-results
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

distclean: clean ## Also remove .venv and .stoflow (your local database!)
	rm -rf .venv .stoflow
