# Developing Flask Extensions: slides, demos, tests, benchmarks.
# Every target bootstraps .venv (pinned by constraints.txt) the first time.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   := 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help slides present test bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@echo "Setting up $(VENV) (first run only; pip's log: $(VENV)/install.log)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@( $(PY) -m pip install --disable-pip-version-check -c constraints.txt \
	     pip setuptools && \
	   $(PY) -m pip install --disable-pip-version-check -c constraints.txt \
	     --no-build-isolation -e '.[test]' ) > $(VENV)/install.log 2>&1 \
	  || { tail -n 30 $(VENV)/install.log; echo "pip failed: see $(VENV)/install.log"; exit 1; }
	@touch $@

slides: $(STAMP) ## Build the deck into build/slides/index.html (strict: any warning fails)
	@$(PY) talk/build.py

present: $(STAMP) ## Serve the deck on 127.0.0.1:$(PORT) and rebuild on change
	$(VENV)/bin/hovercraft -p $(HOST):$(PORT) talk/index.rst

test: $(STAMP) ## Run the test suite (benchmarks run once, untimed)
	$(PY) -m pytest --benchmark-disable

bench: $(STAMP) ## Run the benchmarks and print the table
	$(PY) -m pytest benchmarks --benchmark-only

clean: ## Remove build output (keeps .venv)
	rm -rf build .pytest_cache
