"""The same narwhals code on every backend: identical results.

polars eager is the reference; polars lazy, DuckDB, Dask and pandas must give the
same discovered journey and the same metric, attribution and drift frames (floats
to 1e-12: sums may be added in another order). PySpark is checked when
``CXKIT_TEST_SPARK=1`` (a local Spark session takes ~25 s to start on 2 cores).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import cxkit as cx
from cxkit.analytics import (
    EventLog,
    attribution,
    discover,
    drift,
    journey_metrics,
    touchpoint_metrics,
)


@pytest.fixture(scope="module")
def journey() -> cx.Journey:
    return cx.load_journey("billing_inquiry")


@pytest.fixture(scope="module")
def events(journey: cx.Journey, sampler: Callable[..., pl.DataFrame]) -> pl.DataFrame:
    log = sampler(journey, 300, seed=3)
    rng = np.random.default_rng(3)
    n = log.height
    emotions = np.array(["dissatisfied", "satisfied", "delighted", None], dtype=object)
    log = log.with_columns(
        call_reason=pl.Series(rng.choice(["billing", "billing", "move", ""], n)),
        emotion=pl.Series(emotions[rng.integers(0, 4, n)], dtype=pl.String),
        effort=pl.Series(rng.integers(1, 6, n)).cast(pl.Float64),
        csat=pl.Series(rng.integers(1, 6, n)),
        nps=pl.Series(rng.integers(0, 11, n)),
        wait_s=pl.Series(np.round(rng.exponential(60, n), 3)),
    )
    # a few exact duplicates and the rows out of order, as in real exports
    return pl.concat([log, log.head(5)]).sample(fraction=1.0, shuffle=True, seed=1)


def results(log: Any, journey: cx.Journey) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cx.analytics.EventLogWarning)
        ev = EventLog(log)
        found = discover(ev)
    return {
        "journey": found.journey,
        "edges": found.edges,
        "starts": found.starts,
        "outcomes": found.outcomes,
        "touchpoints": touchpoint_metrics(ev),
        "journey_metrics": journey_metrics(ev),
        "attribution": attribution(ev, target="resolved"),
        "by_channel": attribution(ev, target="resolved", by="channel"),
        "drift": drift(journey, ev).to_frame(),
        "warnings": ev.warnings,
    }


@pytest.fixture(scope="module")
def reference(events: pl.DataFrame, journey: cx.Journey) -> dict[str, Any]:
    return results(events, journey)


def check_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["journey"] == want["journey"]
    assert got["warnings"] == want["warnings"]
    for key, frame in want.items():
        if isinstance(frame, pl.DataFrame):
            assert_frame_equal(got[key], frame, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


def to_duckdb(df: pl.DataFrame) -> Any:
    duckdb = pytest.importorskip("duckdb")
    return duckdb.connect().from_arrow(df.to_arrow())


def to_dask(df: pl.DataFrame) -> Any:
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df.to_pandas(), npartitions=2)


def to_pandas(df: pl.DataFrame) -> Any:
    pytest.importorskip("pandas")
    return df.to_pandas()


@pytest.mark.parametrize(
    "convert",
    [lambda df: df.lazy(), to_duckdb, to_dask, to_pandas],
    ids=["polars-lazy", "duckdb", "dask", "pandas"],
)
def test_backends_agree(
    convert: Callable[[pl.DataFrame], Any],
    events: pl.DataFrame,
    journey: cx.Journey,
    reference: dict[str, Any],
) -> None:
    check_same(results(convert(events), journey), reference)


def test_reference_is_meaningful(reference: dict[str, Any]) -> None:
    assert reference["warnings"] == (
        "dropped 5 duplicate events (rows equal in every column) of "
        f"{reference['touchpoints']['contacts'].sum() + 5}; pass EventSchema(duplicates='keep') "
        "(CLI --keep-duplicates) if they are separate events",
    )
    assert reference["touchpoints"]["ces"].is_not_null().all()
    assert reference["attribution"]["markov"].sum() == pytest.approx(1.0)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CXKIT_TEST_SPARK") != "1", reason="set CXKIT_TEST_SPARK=1 to run on PySpark"
)
def test_pyspark_agrees(events: pl.DataFrame, journey: cx.Journey, reference: dict) -> None:
    pyspark = pytest.importorskip("pyspark.sql")
    spark = (
        pyspark.SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    try:
        sdf = spark.createDataFrame(events.to_pandas())
        check_same(results(sdf, journey), reference)
    finally:
        spark.stop()


def test_dask_counts_each_customer_once_across_partitions() -> None:
    """Distinct counts per group on Dask: a customer whose rows sit in several
    partitions is one customer (narwhals 2.29's ``n_unique`` in a Dask group-by adds
    up the partitions' counts, so cxkit counts ``unique()`` rows instead)."""
    pytest.importorskip("dask")
    import dask.dataframe as dd
    from polars.testing import assert_frame_equal as same

    from cxkit.analytics import churn_model

    journey = cx.load_journey("retail_omnichannel")
    log = cx.data.generate_events(journey, 2000, seed=1)
    dask_log = dd.from_pandas(to_pandas(log), npartitions=4)
    want = EventLog(log).touchpoint_table.select("tp", "customers")
    got = EventLog(dask_log).touchpoint_table.select("tp", "customers")
    same(got, want)
    assert int(want["customers"].sum()) > 2000  # several touchpoints per customer
    polars_model = churn_model(log, seed=1)
    dask_model = churn_model(dask_log, seed=1)
    same(
        dask_model.customers.select("customer", "touchpoints").sort("customer"),
        polars_model.customers.select("customer", "touchpoints").sort("customer"),
    )
