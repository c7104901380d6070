# Everything installs itself into .venv: a fresh machine needs only python3 (3.11+) and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install generate lint test demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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

demo: install  ## the SDK's main job against the bundled local fake Piggy server
	$(BIN)/python examples/demo.py

bench: install  ## SDK vs raw aiohttp on the same local server, as ratios
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache *.egg-info
