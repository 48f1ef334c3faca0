# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup browser demo test

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

# Debian's Chromium drives the offline-view test; a CJK font lets the report's charts draw Chinese.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)

test: setup browser
	$(BIN)/pytest -q
