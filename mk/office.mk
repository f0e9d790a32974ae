# LibreOffice Impress, which renders the PowerPoint decks of `cxkit export --to pptx` in
# the tests (soffice --headless --convert-to pdf) so that text placement is measured on
# a real rendering. Idempotent: does nothing when `soffice` is already on the PATH;
# skips with a message (and succeeds) when not root or not on a Debian/Ubuntu system, so
# that `make office-deps` is safe anywhere (the LibreOffice tests are then skipped).
# Included by the top-level Makefile; `make test` depends on office-deps.

.PHONY: office-deps
office-deps:  ## install LibreOffice Impress (Debian, headless) to render PPTX exports in the tests
	@if command -v soffice >/dev/null 2>&1; then \
	  echo "office-deps: soffice present"; \
	elif [ "$$(id -u)" != "0" ]; then \
	  echo "office-deps: skipped (not root): run 'sudo apt-get install libreoffice-impress-nogui'"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "office-deps: skipped (no apt-get): install LibreOffice so that 'soffice' is on the PATH"; \
	else \
	  echo "office-deps: installing libreoffice-impress-nogui (apt)"; \
	  apt-get update -qq && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends libreoffice-impress-nogui \
	    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends libreoffice-impress; } \
	    && echo "office-deps: installed"; \
	fi
