# cxkit — developer and workshop entry points.   `make help` lists every target.
#
# Two commands set everything up:
#   make lab    create .venv, install the notebook extras, open the workshop notebook
#               (a working copy in workshop/, real-time collaboration; make workshop:
#               the same workshop as a web app with no code, see mk/workshop.mk)
#   make test   create .venv, install the test extras, lint and run the whole suite
#
# Shared variables (mk/*.mk files may use them; override on the command line,
# e.g. `make test PYTEST_ARGS="-k cli"`):
#   PYTHON        interpreter that creates the virtual environment       (python3)
#   VENV          the virtual environment folder                        (.venv)
#   PY            the venv's Python — run every tool through it         ($(VENV)/bin/python)
#   PIP           pip of the venv, quiet, no version check               ($(PY) -m pip …)
#   CXKIT         the cxkit command line of the venv                    ($(VENV)/bin/cxkit)
#   STAMP         prefix of the install stamps: $(STAMP)<extra> exists once `.[<extra>]`
#                 is installed, and is remade only when pyproject.toml changes
#   PYTEST_ARGS   extra pytest arguments                                 (empty)
#   PYTEST_XDIST  how pytest spreads tests over cores  (-n auto when the load average
#                 leaves a core free, else serial; set it empty to force serial)
#
# Shared targets:
#   venv               create $(VENV) if missing and upgrade pip in it
#   install-<extra>    editable install of `.[<extra>]` (test, notebook, docs, viz, bench…),
#                      once per change of pyproject.toml; `install-core` installs no extra.
#                      A file in mk/ depends on it as `mytarget: install-docs`.
#
# Other engineers' targets live in mk/<domain>.mk (included at the end of this file):
#   bench          → mk/bench.mk     (benchmarks/run.py)
#   docs           → mk/docs.mk      (MkDocs site)
#   browser-deps   → mk/browser.mk   (Debian chromium for the playwright tests)
#   fonts          → mk/fonts.mk     (a CJK font so that Japanese labels render in PNG)
#   office-deps    → mk/office.mk    (LibreOffice Impress, renders PPTX exports in the tests)
#   workshop       → mk/workshop.mk  (the workshop as a web app with no code: Voilà)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := PIP_DISABLE_PIP_VERSION_CHECK=1 $(PY) -m pip
PIP_QUIET ?= --quiet
CXKIT := $(VENV)/bin/cxkit
STAMP := $(VENV)/.installed-
PYTEST_ARGS ?=
# Spread the tests over the cores only when they are free: measured on this 2-core
# machine, the suite needs ~52 s of CPU; `-n auto` is the faster choice on an idle
# machine but took 184 s against 92 s serial when the load average was 6–7.
PYTEST_XDIST ?= $(shell awk -v n="$$(nproc 2>/dev/null || echo 1)" \
  '{ print ($$1 < n - 0.5 ? "-n auto" : "") }' /proc/loadavg 2>/dev/null || echo "-n auto")
NOTEBOOK ?= notebooks/00_workshop.ipynb
TEMPLATES_DIR := cxkit/templates/journeys
# JupyterLab refuses to run as root without --allow-root (containers, CI images).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help venv install lab demo test lint format clean distclean

help:  ## list the targets
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) \
	  | sed -E 's/^([^:]+):[^#]*## (.*)/\1\t\2/' \
	  | awk -F'\t' '{printf "  %-16s %s\n", $$1, $$2}'

# -- environment -------------------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install $(PIP_QUIET) --upgrade pip

venv: $(PY)  ## create .venv if missing (and upgrade pip in it)

$(STAMP)core: pyproject.toml | $(PY)
	$(PIP) install $(PIP_QUIET) -e .
	@touch $@

# `.[<extra>]` once per pyproject.toml change. When the extra brings ipykernel, the
# venv's `python3` kernelspec is rewritten to point at the venv's own interpreter.
$(STAMP)%: pyproject.toml | $(PY)
	$(PIP) install $(PIP_QUIET) -e ".[$*]"
	@if $(PY) -c "import ipykernel" 2>/dev/null; then \
	  $(PY) -m ipykernel install --sys-prefix --name python3 \
	    --display-name "Python 3 (ipykernel)" >/dev/null; \
	fi
	@touch $@

# The stamps are real files that make must keep (not intermediate files of a chain).
.PRECIOUS: $(STAMP)%

install-%: $(STAMP)%  ## editable install of .[<extra>], e.g. install-test, install-docs
	@:

install: install-notebook  ## editable install with the notebook extras

# -- the two main jobs -------------------------------------------------------------------
# The server's root is the repository (templates, docs and data are browsable); the
# page it opens is the workshop notebook's working copy in $(WORKSHOP_DIR)/ (copied
# from notebooks/ when missing, so the repository's notebooks stay clean; see
# mk/workshop.mk). jupyter-collaboration (notebook extra) makes it real-time
# collaborative: every browser on the same URL edits the same notebook.
lab: install-notebook fonts  ## open JupyterLab (collaborative) on a working copy of the workshop notebook
	$(PY) -m cxkit workshop --copy-only --dir "$(WORKSHOP_DIR)"
	$(VENV)/bin/jupyter lab $(LAB_ARGS) --ServerApp.ip=$(LAB_IP) \
	  --ServerApp.root_dir="$(CURDIR)" --SQLiteYStore.db_path="$(WORKSHOP_DIR)/.jupyter_ystore.db" \
	  --LabApp.default_url=/lab/tree/$(WORKSHOP_DIR)/$(notdir $(NOTEBOOK))

# The workshop's path without a browser: design → simulate → ROI roadmap → learn from
# events → publish (HTML page and a built MkDocs site), all in a temporary folder.
demo: install-notebook install-docs  ## headless end-to-end run of the workshop path through the CLI
	@set -euo pipefail; \
	cx() { printf '\n$$ cxkit %s\n' "$$*"; $(CXKIT) "$$@"; }; \
	cx --version; \
	cx templates; \
	cx validate $(TEMPLATES_DIR); \
	cx show billing_inquiry --lang ja; \
	printf '\n$$ cxkit show billing_inquiry --json | python -m json.tool\n'; \
	$(CXKIT) show billing_inquiry --json | $(PY) -m json.tool; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cx new "$$tmp/my_journey.yaml" --template billing_inquiry --id; \
	cx validate "$$tmp/my_journey.yaml"; \
	cx show "$$tmp/my_journey.yaml"; \
	cx simulate retail_omnichannel --customers 200000 --seed 1; \
	cx roi retail_omnichannel --sims 2000 --seed 1; \
	cx discover "$$($(PY) -c 'import cxkit.data as d; print(d.example_path("retail_omnichannel"))')" \
	  -o "$$tmp/discovered.yaml"; \
	cx validate "$$tmp/discovered.yaml"; \
	cx export retail_omnichannel --to html --out "$$tmp/retail.html"; \
	cx site retail_omnichannel complaint_recovery_ja --out "$$tmp/site" --build; \
	printf '\ndemo: ok\n'

# browser-deps (Debian chromium + playwright) and fonts (a CJK font for Japanese PNGs)
# are real parts of the suite: the real-browser and font tests fail without them.
test: install-test browser-deps fonts office-deps  ## lint, then run the whole suite (tests/ and doctests in cxkit/)
	$(PY) -m ruff check cxkit tests
	$(PY) -m pytest $(PYTEST_XDIST) --durations=15 $(PYTEST_ARGS)

# -- upkeep ------------------------------------------------------------------------------
lint: install-test  ## ruff check and format check (no changes)
	$(PY) -m ruff check cxkit tests
	$(PY) -m ruff format --check cxkit tests

format: install-test  ## ruff format and safe fixes
	$(PY) -m ruff format cxkit tests
	$(PY) -m ruff check --fix cxkit tests

clean:  ## remove caches and build output (keeps .venv)
	rm -rf .pytest_cache .ruff_cache .hypothesis build dist site test-artifacts .benchmarks
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	  -type d -prune -exec rm -rf {} +

distclean: clean  ## also remove .venv
	rm -rf $(VENV) *.egg-info

# -- other engineers' targets: bench, docs, browser-deps… (one file per domain) -------
-include mk/*.mk
