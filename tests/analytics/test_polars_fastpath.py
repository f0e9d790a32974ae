"""The polars fast path (one sort, shifted neighbours) gives the generic path's rows."""

from __future__ import annotations

import datetime as dt
import warnings

import polars as pl
from polars.testing import assert_frame_equal

from cxkit.analytics import EventLog, EventLogWarning
from cxkit.analytics._log import ORDER, _polars_all_rows
from cxkit.analytics._validate import PreparedLog, prepare, sorted_unique

T0 = dt.datetime(2026, 1, 1)


def _log() -> pl.DataFrame:
    h = [T0 + dt.timedelta(hours=k) for k in range(6)]
    return pl.DataFrame(
        {
            "customer_id": ["b", "a", "a", "a", "a", "a", "a", "b", "c", "c"],
            "timestamp": [h[0], h[1], h[0], h[0], h[0], h[2], h[3], h[1], h[0], h[0]],
            "touchpoint": ["web", "phone", "web", "web", None, "web", "chat", None, "x", "y"],
            "channel": ["web", "phone", "web", "web", None, "web", "chat", None, "web", "phone"],
            "outcome": [None, None, None, None, "churn", "purchase", None, "resolved", None, None],
            "effort": [1.0, None, 2.0, 2.0, None, 3.0, None, None, 4.0, 5.0],
        }
    )


def _prepared(frame: object) -> PreparedLog:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        return prepare(frame)


def test_sorted_unique_keeps_the_rows_of_unique_in_journey_order() -> None:
    p = _prepared(_log())
    assert p.presorted and p.n_duplicates == 1 and p.n_rows == 9
    got = p.frame.to_native().collect()
    raw = got.vstack(got.head(3))  # three more duplicates
    again = sorted_unique(raw)
    assert_frame_equal(again, got)
    assert again.height == raw.unique().height == 9
    # each customer's rows together (customers by id), in journey order within
    assert again["customer"].to_list() == ["a"] * 5 + ["b"] * 2 + ["c"] * 2
    ordered = again.with_columns(
        _kind=pl.col("tp").is_null().cast(pl.Int64),
        _tpk=pl.col("tp").fill_null(""),
        _ok=pl.col("outcome").fill_null(""),
    )
    for _, part in ordered.group_by("customer"):
        assert_frame_equal(part, part.sort(ORDER, maintain_order=True))
    # customer a at 00:00: touchpoint rows first, then the outcome row
    assert again.filter(pl.col("customer") == "a").head(2)["tp"].to_list() == ["web", None]


def test_presorted_rows_equal_sorting_them_again() -> None:
    p = _prepared(_log())
    native = p.frame.to_native()
    fast = _polars_all_rows(native, presorted=True)
    slow = _polars_all_rows(native.collect().reverse(), presorted=False)
    # the next row's columns are only read within a journey (same_next)
    nxt = [pl.when("same_next").then(pl.col(c)).alias(c) for c in ("n_tp", "n_outcome", "n_t")]
    cols = ["customer", "t", "tp", "outcome", "same_next", "start", *nxt]

    def key(f: pl.DataFrame) -> pl.DataFrame:
        out = f.select(cols)
        return out.sort(out.columns, nulls_last=True)

    assert_frame_equal(key(fast), key(slow))
    # a: web, churn | phone, web+purchase | chat; b: web, resolved; c: x, y
    assert fast["customer"].to_list() == ["a", "a", "a", "a", "a", "b", "b", "c", "c"]
    assert fast["case"].to_list() == [0, 0, 1, 1, 2, 2, 2, 3, 3]
    assert fast["start"].to_list() == [1, 0, 1, 0, 1, 1, 0, 1, 0]


def test_polars_rows_match_the_generic_path_on_pandas() -> None:
    log = _log()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        fast = EventLog(log)
        generic = EventLog(log.to_pandas())
    # (journeys are numbered in another order: their numbers are only keys)
    cols = ["customer", "t", "tp", "target", "to_tp", "end", "gap_us", "start", "switch"]

    def rows(ev: EventLog) -> pl.DataFrame:
        native = ev.rows.to_native()
        df = native.collect() if isinstance(native, pl.LazyFrame) else pl.from_pandas(native)
        return df.select(cols).sort(cols, nulls_last=True)

    assert_frame_equal(rows(fast), rows(generic), check_dtypes=False)
    assert fast.summary == generic.summary
    assert_frame_equal(fast.edges_table, generic.edges_table)
    hour = 3_600_000_000.0
    assert fast.edges_table.select("tp", "target", "count", "gap_median").rows() == [
        ("chat", "abandon", 1, None),
        ("phone", "web", 1, hour),
        ("web", "churn", 1, 0.0),
        ("web", "purchase", 1, None),
        ("web", "resolved", 1, hour),
        ("x", "y", 1, 0.0),
        ("y", "abandon", 1, None),
    ]
