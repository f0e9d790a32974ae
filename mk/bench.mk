# Benchmarks: `make bench` installs the test and bench extras into the venv and runs
# every benchmarks/bench_*.py through benchmarks/run.py (each in its own process).
# `make bench BENCH_ARGS=--quick` is a smoke run; `make bench BENCH_ARGS=sim` runs one.
# Numbers are wall times on this machine: on a shared machine they are indicative.
PY ?= .venv/bin/python
BENCH_ARGS ?=

.PHONY: bench
bench: install-test install-bench  ## run the benchmarks (pip install -e .[test,bench], then benchmarks/run.py)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

.PHONY: bench-loyalty
bench-loyalty:  ## RFM + segments on 10M transactions: cxkit vs plain polars vs pandas qcut
	$(PY) benchmarks/bench_loyalty.py $(BENCH_ARGS)

# Time from `cxkit workshop --no-browser` to a live app page (every widget drawn in
# chromium): benchmarks/bench_widgets.py --app (needs chromium: make browser-deps).
.PHONY: bench-workshop
bench-workshop: install-test install-notebook  ## time from `cxkit workshop` to a live page
	$(PY) benchmarks/bench_widgets.py --app $(BENCH_ARGS)
# `make bench-export`: the export goals of issue 14 (HTML ≤ 0.3 s, PNG ≤ 1.5 s, PDF ≤ 2 s,
# PPTX ≤ 0.5 s on a 20-step journey, warm; `cxkit site` of every template ≤ 8 s).
.PHONY: bench-export
bench-export: install-test install-bench  ## export speed against the issue-14 goals (benchmarks/bench_export.py)
	$(PY) benchmarks/bench_export.py $(BENCH_ARGS)
