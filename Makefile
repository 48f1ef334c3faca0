# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools numpy
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# Installs the package and obtains the pkuseg model into the cache (idempotent, offline once cached).
setup: $(BIN)/.installed
	$(BIN)/kg setup

demo: setup
	$(BIN)/kg build examples -o out/demo

test: setup
	$(BIN)/pytest -q
