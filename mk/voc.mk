# Voice of the customer: `make bench-voc` times cxkit.voc.call_reason_impact on 1M and
# 5M events against the same figures in bare polars (benchmarks/bench_voc.py).
PY ?= .venv/bin/python

.PHONY: bench-voc
bench-voc: install-test install-bench  ## time call_reason_impact against bare polars (1M, 5M events)
	$(PY) benchmarks/bench_voc.py $(BENCH_ARGS)
