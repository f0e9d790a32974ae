"""EventLog.subset: a filtered log from the checked rows, equal to checking the filtered frame."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import cxkit.analytics._log as log_module
from cxkit.analytics import EventLog, EventLogError, discover, touchpoint_metrics
from cxkit.data import generate_events, random_journey


@pytest.fixture(scope="module")
def events() -> pl.DataFrame:
    return generate_events(random_journey(12, seed=3), 300, seed=3)


def test_a_subset_equals_the_filtered_frame_checked_again(events):
    customers = events["customer_id"].unique().sort().to_list()[::3]
    touchpoints = events["touchpoint"].unique().sort().to_list()[:8]
    whole = EventLog(events)
    subset = whole.subset(customers=customers, touchpoints=touchpoints)
    again = EventLog(
        events.filter(
            pl.col("customer_id").is_in(customers) & pl.col("touchpoint").is_in(touchpoints)
        )
    )
    assert subset.n_events == again.n_events < whole.n_events
    assert subset.summary == again.summary
    assert subset.edges_table.equals(again.edges_table)
    assert discover(subset).journey.graph.touchpoint_ids == (
        discover(again).journey.graph.touchpoint_ids
    )
    assert touchpoint_metrics(subset).equals(touchpoint_metrics(again))


def test_a_subset_does_not_check_the_rows_again(events, monkeypatch):
    whole = EventLog(events)

    def no_second_check(*_a, **_k):
        raise AssertionError("prepare() ran again")

    monkeypatch.setattr(log_module, "prepare", no_second_check)
    one = events["customer_id"][0]
    subset = whole.subset(customers=[one])
    assert subset.summary["customers"] == 1
    assert subset.n_events == events.filter(pl.col("customer_id") == one).height


def test_rows_that_only_record_an_outcome_stay():
    t = [dt.datetime(2026, 1, 1, h) for h in (9, 10, 11)]
    log = EventLog(
        pl.DataFrame(
            {
                "customer_id": ["a", "a", "a"],
                "timestamp": t,
                "touchpoint": ["web", "phone", None],
                "outcome": [None, None, "purchase"],
            }
        )
    )
    kept = log.subset(touchpoints=["web"])
    assert kept.n_events == 2
    assert kept.edges_table.select("tp", "target").rows() == [("web", "purchase")]


def test_an_empty_subset_is_a_clear_error(events):
    with pytest.raises(EventLogError, match="no event of the log is left after keeping 1 cust"):
        EventLog(events).subset(customers=["nobody"])
