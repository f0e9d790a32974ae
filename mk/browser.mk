# Real-browser test dependencies: Debian's chromium and the Python playwright package.
# Idempotent; never runs `playwright install` (it downloads a browser and fails offline).
# Included by the top-level Makefile; `make test` depends on browser-deps.
PY ?= .venv/bin/python
CHROMIUM ?= /usr/bin/chromium

.PHONY: browser-deps
browser-deps:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "browser-deps: $(CHROMIUM) present"; \
	else \
	  echo "browser-deps: installing chromium (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
	@if $(PY) -c "import playwright.sync_api" 2>/dev/null; then \
	  echo "browser-deps: playwright present"; \
	else \
	  echo "browser-deps: installing playwright (pip)"; \
	  $(PY) -m pip install -q "playwright>=1.45"; \
	fi
