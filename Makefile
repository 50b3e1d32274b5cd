# subpipe: `make demo` runs the main job on samples/, `make test` runs the whole suite.
# Both set up .venv first (idempotent: seconds when nothing changed).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Keep Prefect's state inside the checkout, quiet and offline.
export PREFECT_HOME ?= $(CURDIR)/.cache/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
# The first start of the local API migrates a fresh SQLite database: give it time on a busy 2-core machine.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90
export PYTHONPATH := $(CURDIR)
# Translation models live in the checkout (argos reads these when first imported); see models/README.md.
export SUBPIPE_ARGOS_HOME ?= $(CURDIR)/.cache/argos
export ARGOS_PACKAGES_DIR ?= $(SUBPIPE_ARGOS_HOME)/packages

.PHONY: setup demo test bench lint clean

setup: $(STAMP)

# torch is pinned to the CPU build (argostranslate -> stanza -> torch); see README "Installing".
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

demo: setup
	@mkdir -p "$(PREFECT_HOME)"
	$(PY) -m flows.demo

test: setup
	@mkdir -p "$(PREFECT_HOME)"
	$(PY) -m pytest -q -p no:cacheprovider

bench: setup
	@mkdir -p "$(PREFECT_HOME)"
	$(PY) -m bench

lint: setup
	$(VENV)/bin/ruff check src flows tests bench

clean:
	rm -rf out .cache .pytest_cache .hypothesis
