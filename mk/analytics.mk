# Analytics on PySpark (optional: installs pyspark, needs Java 17; ~1 min).
PY ?= .venv/bin/python

.PHONY: test-spark
test-spark: install-test install-spark  ## the analytics backend-agreement tests on PySpark too
	CXKIT_TEST_SPARK=1 $(PY) -m pytest tests/analytics/test_backends.py -k pyspark -q
