"""A LazyFrame read in buckets of customers gives the tables of the whole log.

``cxkit.analytics._buckets`` runs the one engine on each bucket; every table is
compared here with the same log read at once, on a generated log with duplicate and
tied events added (floats to a relative 1e-9: sums are added in another order).
"""

from __future__ import annotations

import warnings

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import cxkit as cx
from cxkit.analytics import (
    EventLog,
    EventLogWarning,
    _buckets,
    attribution,
    churn_model,
    discover,
    drift,
    touchpoint_metrics,
)
from cxkit.analytics._buckets import BucketedLog
from cxkit.data import generate_events

CLOSE = {"check_exact": False, "rel_tol": 1e-9, "abs_tol": 1e-9}


@pytest.fixture(scope="module")
def journey() -> cx.Journey:
    return cx.load_journey("retail_omnichannel")


@pytest.fixture(scope="module")
def events(journey: cx.Journey) -> pl.DataFrame:
    log = generate_events(journey, 1500, seed=5)
    # a duplicate row and a tie: counted over all buckets, said once
    first = log.head(1)
    tie = log.slice(3, 1).with_columns(pl.lit("web").alias("touchpoint"))
    return pl.concat([log, first, tie])


def _read(frame: object, **kw: object) -> tuple[EventLog, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EventLogWarning)
        log = BucketedLog(frame, **kw) if kw else EventLog(frame)  # type: ignore[arg-type]
    return log, [str(w.message) for w in caught]


def test_every_table_equals_the_whole_logs(events: pl.DataFrame) -> None:
    whole, said = _read(events)
    parts, said_parts = _read(events.lazy(), buckets=4)
    assert len(parts._parts) == 4
    assert said_parts == said and parts.warnings == whole.warnings
    assert (parts.n_events, parts.n_tied, parts.outcome_ids) == (
        whole.n_events,
        whole.n_tied,
        whole.outcome_ids,
    )
    assert parts.summary == whole.summary
    for name in (
        "edges_table",
        "starts_table",
        "touchpoint_table",
        "effort_spread",
        "reach_table",
        "credit_table",
        "channels_table",
    ):
        assert_frame_equal(getattr(parts, name), getattr(whole, name), **CLOSE)
    a, b = parts.effort_per_journey, whole.effort_per_journey
    assert a[0] == b[0] and a[3] == b[3] and a[1:3] == pytest.approx(b[1:3], rel=1e-9)
    assert_frame_equal(parts.contact_sums(7 * 86400e6), whole.contact_sums(7 * 86400e6), **CLOSE)


def test_the_analyses_agree(events: pl.DataFrame, journey: cx.Journey) -> None:
    whole, _ = _read(events)
    parts, _ = _read(events.lazy(), buckets=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        assert discover(parts).journey == discover(whole).journey
        assert_frame_equal(
            attribution(parts, target="purchase"), attribution(whole, target="purchase"), **CLOSE
        )
        assert_frame_equal(touchpoint_metrics(parts), touchpoint_metrics(whole), **CLOSE)
        assert_frame_equal(drift(journey, parts).checks, drift(journey, whole).checks, **CLOSE)
        # the churn model reads the row-level frames: the whole log, read when needed
        churned = events.with_columns(
            pl.when(pl.col("outcome") == "abandon")
            .then(pl.lit("churn"))
            .otherwise(pl.col("outcome"))
            .alias("outcome")
        )
        a = churn_model(BucketedLog(churned.lazy(), buckets=3), seed=1)
        b = churn_model(EventLog(churned), seed=1)
        assert_frame_equal(a.customers, b.customers, **CLOSE)


def test_a_large_lazyframe_is_read_in_buckets(
    events: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_buckets, "BUCKET_ROWS", 500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        log = EventLog(events.lazy())
        small = EventLog(events.head(900).lazy())
        eager = EventLog(events)
    assert isinstance(log, BucketedLog) and len(log._parts) == -(-events.height // 500)
    assert type(small) is EventLog and type(eager) is EventLog
    assert log.summary == eager.summary
