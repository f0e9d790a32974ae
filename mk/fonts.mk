# Japanese fonts for SVG/PNG export (vl-convert draws text with the fonts it finds).
# Idempotent: does nothing when a Noto Sans CJK font is already installed; skips with
# a message (and succeeds) when not root or not on a Debian/Ubuntu system, so that
# `make fonts` is safe anywhere. See docs/guide/japanese.md for macOS and Windows.
# Included by the top-level Makefile.

.PHONY: fonts
fonts:  ## install a CJK font (Debian fonts-noto-cjk) so Japanese labels render in PNG
	@if command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Noto Sans CJK"; then \
	  echo "fonts: Noto Sans CJK present"; \
	elif [ "$$(id -u)" != "0" ]; then \
	  echo "fonts: skipped (not root): run 'sudo apt-get install fonts-noto-cjk' or see docs/guide/japanese.md"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "fonts: skipped (no apt-get): install a CJK font as in docs/guide/japanese.md"; \
	else \
	  echo "fonts: installing fonts-noto-cjk (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk \
	    && { command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true; } \
	    && echo "fonts: installed"; \
	fi
