# impresarc — every target bootstraps .venv from uv.lock by itself.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export UV_COMPILE_BYTECODE := 1
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
VENV_STAMP := .venv/.synced

.PHONY: demo test test-slow lint format bench clean env

env: $(VENV_STAMP)

# Re-sync only when the lock or project metadata changed: a no-op costs nothing.
$(VENV_STAMP): uv.lock pyproject.toml
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || $(PYTHON) -m pip install --quiet --user uv
	@$(UV) sync --locked --quiet
	@touch $@

demo: $(VENV_STAMP)
	.venv/bin/impresarc demo

test: $(VENV_STAMP)
	.venv/bin/pytest -m "not slow" -q

test-slow: $(VENV_STAMP)
	.venv/bin/pytest -m slow -q

lint: $(VENV_STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/sqlfluff lint dbt_project --dialect duckdb

format: $(VENV_STAMP)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean:
	rm -rf demo build .prefect dbt_project/target dbt_project/logs

bench: $(VENV_STAMP)
	.venv/bin/python bench/bench.py --sizes 272,27200,272000
