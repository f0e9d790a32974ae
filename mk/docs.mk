# Documentation: the MkDocs (Material) site of the project, built strictly and offline.
# `make docs` installs the docs extra and builds into site/; `make docs-serve` serves it
# on http://127.0.0.1:8000 with live reload.
PY ?= .venv/bin/python

.PHONY: docs docs-deps docs-serve
docs-deps: install-docs  # the docs extra, once per change of pyproject.toml

docs: docs-deps
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict

docs-serve: docs-deps
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000
