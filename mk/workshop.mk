# The client workshop (included by the top-level Makefile).
#
#   make workshop                    the workshop as a web app with no code visible
#                                    (Voilà) on http://127.0.0.1:8866, offline, on a
#                                    temporary working copy; Ctrl-C stops it
#   make workshop WORKSHOP_LANG=ja   the Japanese workshop (05_workshop_ja.ipynb)
#   make workshop WORKSHOP_ARGS="--port 9000 --journey my_journey.yaml --no-browser"
#                                    any other option of `cxkit workshop`
#
# `make lab` opens the notebooks themselves in JupyterLab on a working copy in
# $(WORKSHOP_DIR)/ (git-ignored; a notebook is copied only when missing, so a
# session's work is kept between runs; delete the folder to start afresh).
# LAB_IP=0.0.0.0 lets participants on the local network join the same JupyterLab
# (they open the printed URL with its token); the default serves this machine only.
# Both targets install a CJK font first (`make fonts`): Japanese text is empty boxes
# (□□) in the browser without one.
PY ?= .venv/bin/python
WORKSHOP_DIR ?= workshop
WORKSHOP_LANG ?= en
WORKSHOP_ARGS ?=
LAB_IP ?= 127.0.0.1

.PHONY: workshop
workshop: install-notebook fonts  ## the workshop as a web app with no code (Voilà, 127.0.0.1); WORKSHOP_LANG=ja
	$(PY) -m cxkit workshop --lang $(WORKSHOP_LANG) $(WORKSHOP_ARGS)
