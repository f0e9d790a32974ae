# Real-browser test dependencies: Debian's chromium, and the Python playwright package
# (in the test extra). Idempotent; never runs `playwright install` (it downloads a
# browser and fails offline). Included by the top-level Makefile; `make test` depends
# on browser-deps.
CHROMIUM ?= /usr/bin/chromium

.PHONY: browser-deps
browser-deps: install-test
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "browser-deps: $(CHROMIUM) present"; \
	else \
	  echo "browser-deps: installing chromium (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
