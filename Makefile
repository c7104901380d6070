# Everything installs itself into .venv: a fresh machine needs only python3 (3.11+) and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The Pythons nox runs the suite on: pyenv's, where it has them, ahead of PATH.
PYENV_PATHS := $(shell for v in 3.11 3.12 3.13; do ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin 2>/dev/null | tail -n 1; done | tr '\n' ':')

.PHONY: install generate lint test test-matrix demo bench bench-quick mutation clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

generate: install  ## regenerate piggy_async/_generated/ from spec/
	$(BIN)/python -m codegen

lint: install  ## ruff (lint + format) and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict piggy_async

test: lint  ## lint, then every test (the generated-code drift check included)
	sh tools/ensure-redis.sh
	$(BIN)/python -m pytest

test-matrix: install  ## the tests on Python 3.11-3.13, on the minimum dependencies, from the wheel
	sh tools/ensure-redis.sh
	PATH="$(PYENV_PATHS)$$PATH" $(BIN)/nox

demo: install  ## the SDK's main job against the bundled local fake Piggy server
	$(BIN)/python examples/demo.py
	$(BIN)/python examples/bulk_demo.py

bench: install  ## every benchmark as ratios against its baseline, and the decode chart
	$(BIN)/python -m bench --chart bench/out

bench-quick: install  ## a short smoke run of every benchmark
	$(BIN)/python -m bench --quick

mutation: install  ## the share of mutants each module's tests kill (MODULES="a.py b.py=tests/t.py")
	$(BIN)/python -m tools.mutation --survivors $(MODULES)

clean:
	rm -rf $(VENV) .nox .mypy_cache .pytest_cache .ruff_cache *.egg-info
