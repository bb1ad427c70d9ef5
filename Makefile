# Developing Flask Extensions: slides, demos, tests, benchmarks.
# Every target bootstraps .venv (pinned by constraints.txt) the first time.

# The Python .venv is made with (pyproject.toml's requires-python: >=3.11),
# e.g. make slides PYTHON=python3.12. Checked before anything is made.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   := 127.0.0.1
PORT   ?= 8000
# Wheels of what Flask-Flags's tests need (its `test` dependency group), for
# the test that installs the built wheel into a fresh virtualenv offline.
WHEELHOUSE := $(VENV)/wheelhouse
# `make dist` writes here and nowhere else.
DIST := flask-flags/dist
# decktape (PDF export) from npm, pinned by package-lock.json; Chromium is
# Debian's, so puppeteer must not download one.
NPM_STAMP := node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help slides present rehearse pdf handout screenshots test bench bench-keep dist matrix clean FORCE

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

# Set-up, in two steps, run on every target that needs .venv (FORCE):
# tools/setup-venv.sh checks PYTHON before making anything, and rebuilds a
# .venv it made that is half-made or has another Python (one line, and
# exit 1, when it cannot: see the script); then pip installs, unless the
# stamp is there and newer than the files it installs from. A failed pip
# prints its last lines and leaves no stamp, so the next run rebuilds.
$(STAMP): pyproject.toml flask-flags/pyproject.toml constraints.txt FORCE
	@VENV='$(VENV)' STAMP='$(STAMP)' PYTHON='$(PYTHON)' \
	  PYTHON_GIVEN='$(if $(filter command environment,$(origin PYTHON)),yes)' \
	  GOAL='$(or $(firstword $(MAKECMDGOALS)),slides)' sh tools/setup-venv.sh
	@if [ -f $@ ] && [ -z "$(filter-out FORCE,$?)" ]; then exit 0; fi; \
	rm -f $@; \
	echo "Setting up $(VENV) (pip's log: $(VENV)/install.log)"; \
	( $(PY) -m pip install --disable-pip-version-check -c constraints.txt \
	     pip setuptools flit_core && \
	   $(PY) -m pip install --disable-pip-version-check -c constraints.txt \
	     --no-build-isolation -e '.[test]' -e ./flask-flags && \
	   rm -rf $(WHEELHOUSE) && \
	   $(PY) -m pip wheel --disable-pip-version-check -c constraints.txt \
	     --no-build-isolation --wheel-dir $(WHEELHOUSE) \
	     --group flask-flags/pyproject.toml:test ) > $(VENV)/install.log 2>&1 \
	  || { tail -n 30 $(VENV)/install.log; echo "pip failed: see $(VENV)/install.log"; exit 1; }; \
	touch $@

slides: $(STAMP) ## Build the deck into build/slides/index.html (strict: any docutils message fails it)
	@$(PY) -m talk.tools.slides

present: $(STAMP) ## Serve the deck on 127.0.0.1 (PORT=8000): strict rebuild when talk/, a demo or a checkpoint changes; the page reloads itself
	$(PY) -m talk.tools.present --host $(HOST) --port $(PORT) talk/index.rst

rehearse: $(STAMP) ## Per section: planned minutes against notes (130 wpm), live coding (the checkpoint diffs typed at 100 chars/min), demos; fails outside 20%
	@$(PY) -m talk.tools.rehearse proposal.md talk

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || \
	  { echo "npm not found: apt-get install npm (decktape, the PDF exporter, comes from npm)"; exit 1; }
	@echo "Installing decktape into node_modules (first run only)"
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

pdf: slides $(NPM_STAMP) ## Print the deck to build/slides.pdf with decktape (one page per step; Title, Author, a bookmark per section)
	@$(PY) -m talk.tools.pdf build/slides/index.html build/slides.pdf

handout: slides ## The talk as an article, each step then its notes: build/handout/index.html and build/handout.pdf
	@$(PY) -m talk.tools.pdf --handout build/handout/index.html build/slides/index.html build/handout.pdf

screenshots: slides ## One PNG per step, as the projector shows it (Chromium), in build/screenshots/, named by title
	@$(PY) -m talk.tools.pdf --screenshots build/screenshots build/slides/index.html

# With npm on the machine, `make test` also installs decktape for the PDF test;
# without it that test is skipped (and fails in CI, whose .ci/run installs npm).
HAVE_NPM := $(shell command -v npm 2>/dev/null)

# pytest-xdist: TEST_WORKERS processes, each test module on one of them, so
# a module's browser, PDF or walk (module fixtures) is made once. (Not
# --dist loadgroup: with pytest 9.2 it silently stops grouping,
# pytest-dev/pytest-xdist#1386.)
TEST_WORKERS ?= 2

test: $(STAMP) $(if $(HAVE_NPM),$(NPM_STAMP)) ## Run the test suite in parallel (benchmarks run once, untimed)
	$(PY) -m pytest --benchmark-disable -n $(TEST_WORKERS) --dist loadscope

# make bench writes the run to build/bench-results/ (untracked) and leaves
# every tracked file alone; make bench-keep copies it into benchmarks/results/
# to commit, and talk/talk.toml's [figures] run pins the run the slides show.
BENCH_LOG := build/bench.log

bench: $(STAMP) ## Benchmark (~3 min): prints the report; the run goes to build/bench-results/, raw tables to build/bench.log
	@mkdir -p build/bench-results
	@echo "Benchmarking (~3 min; pytest-benchmark's own tables: $(BENCH_LOG))"
	@run=build/bench-results/$$(date -u +%Y%m%dT%H%M%SZ).json; \
	$(PY) -m pytest benchmarks -p no:randomly -q --benchmark-only \
	  --benchmark-json=$$run \
	  --benchmark-min-time=0.0002 --benchmark-max-time=1.0 \
	  --benchmark-min-rounds=20 --benchmark-warmup=on \
	  --benchmark-warmup-iterations=2000 --benchmark-disable-gc \
	  --benchmark-sort=name --benchmark-columns=median,iqr,rounds,iterations \
	  > $(BENCH_LOG) 2>&1 \
	  || { tail -n 20 $(BENCH_LOG); echo "benchmarks failed: see $(BENCH_LOG)"; exit 1; }; \
	$(PY) -m benchmarks.report $$run && \
	echo "saved: $$run (not kept: 'make bench-keep' copies it into benchmarks/results/)"

bench-keep: $(STAMP) ## Keep the newest run of make bench in benchmarks/results/ (commit it, pin it in talk/talk.toml)
	@$(PY) -m benchmarks.report --keep

dist: $(STAMP) ## Build Flask-Flags's sdist and wheel into flask-flags/dist/, then twine check --strict
	@rm -f $(DIST)/flask_flags-*.tar.gz $(DIST)/flask_flags-*.whl
	$(PY) -m build --no-isolation --outdir $(DIST) flask-flags
	COLUMNS=1000 $(VENV)/bin/twine check --strict $(DIST)/flask_flags-*  # one line per file

# nox makes one virtualenv per session (in build/nox) and installs from PyPI.
# MATRIX_PYTHON="3.10 3.14" runs the sessions on other installed Pythons.
matrix: $(STAMP) ## Flask-Flags's tests on the oldest and the newest Flask it allows (nox; needs PyPI)
	$(VENV)/bin/nox -f flask-flags/noxfile.py --envdir $(CURDIR)/build/nox \
	  --force-python $${MATRIX_PYTHON:-$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')}

clean: ## Remove build output (keeps .venv: make rebuilds a broken one itself)
	rm -rf build .pytest_cache $(DIST)
