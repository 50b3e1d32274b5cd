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
# src first: a git worktree of this checkout tests its own code even with the venv of another checkout.
export PYTHONPATH := $(CURDIR)/src:$(CURDIR)
# Translation models live in the checkout: subpipe's default model home when run from a checkout, set here
# too so every tool the Makefile runs agrees (argos reads these when first imported); see models/README.md.
export SUBPIPE_ARGOS_HOME ?= $(CURDIR)/.cache/argos
export ARGOS_PACKAGES_DIR ?= $(SUBPIPE_ARGOS_HOME)/packages

.PHONY: setup demo test bench lint clean serve chromium apertium

setup: $(STAMP)

# torch is pinned to the CPU build (argostranslate -> stanza -> torch); see README "Installing".
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	touch $@

demo: setup
	@mkdir -p "$(PREFECT_HOME)"
	@$(APERTIUM_INSTALL) || echo "Apertium's English-Spanish pair is not installed and apt-get needs root or \
	passwordless sudo: the demo goes on with the demo models only"
	$(PY) -m flows.demo

test: setup chromium apertium
	@mkdir -p "$(PREFECT_HOME)"
	$(PY) -m pytest -q -p no:cacheprovider

# The browser tests screenshot the Prefect UI with Debian's chromium; installed once, skipped when present.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing chromium (apt-get) for the browser tests"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The Apertium tests translate with Debian's apertium and its English-Spanish pair; installed once.
APERTIUM_INSTALL = { command -v apertium >/dev/null 2>&1 && [ -e /usr/share/apertium/modes/eng-spa.mode ]; } || { \
	  echo "installing apertium apertium-eng-spa (apt-get)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq apertium apertium-eng-spa >/dev/null; }
apertium:
	@$(APERTIUM_INSTALL)

# Prefect's UI on http://127.0.0.1:4200 and the deployments (see README "Operations"); Ctrl-C stops it.
# An empty inbox gets the sample films, so the first run from the UI works right after `make demo`.
serve: export SUBPIPE_GLOSSARIES ?= $(CURDIR)/samples/glossary
serve: setup
	@mkdir -p "$(PREFECT_HOME)"
	$(VENV)/bin/subpipe serve --samples

bench: setup
	@mkdir -p "$(PREFECT_HOME)"
	$(PY) -m bench

lint: setup
	$(VENV)/bin/ruff check src flows tests bench

clean:
	rm -rf out .cache .pytest_cache .hypothesis
