"""Parquet larger than memory: a large polars LazyFrame is read in buckets of customers.

``cxkit.analytics._fast`` reads a LazyFrame of more than ``BUCKET_ROWS`` rows (a
``polars.scan_parquet`` of a large export) with polars' streaming engine, one bucket
of whole customers at a time, and adds the buckets' tables up. Here the bucket size
is made tiny so that small logs are split into many buckets, and every table must
equal the one read from the whole log at once.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import cxkit as cx
from cxkit.analytics import EventLog, EventLogWarning, _fast, attribution, discover
from cxkit.analytics._validate import prepare
from cxkit.data import generate_events

TABLES = ("edges_table", "starts_table", "touchpoint_table", "channels_table", "credit_table")


@pytest.fixture
def small_buckets(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(_fast, "BUCKET_ROWS", 700)
    return 700


def _parquet(tmp_path: Path, frame: pl.DataFrame) -> Path:
    path = tmp_path / "events.parquet"
    frame.write_parquet(path)
    return path


@pytest.mark.parametrize(
    "template", ["retail_omnichannel", "subscription_support", "b2b_saas_onboarding"]
)
def test_a_scan_read_in_buckets_gives_the_tables_of_the_whole_log(
    template: str, tmp_path: Path, small_buckets: int
) -> None:
    journey = cx.load_journey(template)
    events = generate_events(journey, 3000, seed=4)
    assert events.height > 5 * small_buckets  # several buckets
    whole = EventLog(events, journey=journey)
    scanned = EventLog(pl.scan_parquet(_parquet(tmp_path, events)), journey=journey)
    assert whole._fast is not None and scanned._fast is not None
    for name in TABLES:
        assert_frame_equal(
            getattr(scanned, name), getattr(whole, name), check_exact=False, rel_tol=1e-9
        )
    assert scanned.summary == whole.summary
    assert scanned.n_events == whole.n_events == events.height


def test_discover_and_attribution_of_a_scan_equal_the_eager_results(
    tmp_path: Path, small_buckets: int
) -> None:
    journey = cx.load_journey("retail_omnichannel")
    events = generate_events(journey, 2000, seed=9)
    path = _parquet(tmp_path, events)
    eager, lazy = discover(events), discover(pl.scan_parquet(path))
    assert cx.io.dump_journey(lazy.journey) == cx.io.dump_journey(eager.journey)
    assert_frame_equal(lazy.edges, eager.edges, check_exact=False, rel_tol=1e-9)
    assert_frame_equal(
        attribution(pl.scan_parquet(path), target="purchase"),
        attribution(events, target="purchase"),
        check_exact=False,
        rel_tol=1e-9,
    )


def test_duplicates_are_dropped_bucket_by_bucket(tmp_path: Path, small_buckets: int) -> None:
    journey = cx.load_journey("billing_inquiry")
    events = generate_events(journey, 1500, seed=2)
    with_duplicates = pl.concat([events, events.head(3)])
    path = _parquet(tmp_path, with_duplicates)
    note = f"dropped 3 duplicate events .* of {with_duplicates.height}$"
    with pytest.warns(EventLogWarning, match=note):
        scanned = EventLog(pl.scan_parquet(path))
    assert scanned._fast is not None  # a duplicate lies in one bucket, with its customer
    with pytest.warns(EventLogWarning, match=note):
        eager = EventLog(prepare(with_duplicates))
    assert scanned.warnings == eager.warnings
    assert_frame_equal(scanned.edges_table, eager.edges_table, check_exact=False, rel_tol=1e-9)


def test_a_bucket_that_needs_another_repair_sends_the_whole_log_to_the_generic_path(
    tmp_path: Path, small_buckets: int
) -> None:
    journey = cx.load_journey("billing_inquiry")
    events = generate_events(journey, 1500, seed=2)
    empty_rows = events.with_columns(
        touchpoint=pl.when(pl.int_range(pl.len()) < 2).then(None).otherwise("touchpoint"),
        outcome=pl.when(pl.int_range(pl.len()) < 2).then(None).otherwise("outcome"),
    )
    path = _parquet(tmp_path, empty_rows)
    with pytest.warns(EventLogWarning, match="2 rows of .* have neither a touchpoint"):
        scanned = EventLog(pl.scan_parquet(path))
    assert scanned._fast is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        eager = EventLog(empty_rows)
    assert_frame_equal(scanned.edges_table, eager.edges_table)


def test_a_scan_below_the_bucket_size_is_read_at_once(tmp_path: Path) -> None:
    journey = cx.load_journey("web_phone_faq")
    events = generate_events(journey, 500, seed=1)
    scanned = EventLog(pl.scan_parquet(_parquet(tmp_path, events)))
    assert scanned._fast is not None
    assert_frame_equal(scanned.edges_table, EventLog(events).edges_table)
