"""EventExplorer: filters select the right customers and events; outputs are cxkit.analytics'."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import cxkit as cx
import cxkit.viz
from cxkit.widgets import EventExplorer


@pytest.fixture(scope="module")
def log():
    return cx.data.load_example("retail_omnichannel")


@pytest.fixture
def explorer():
    return EventExplorer(example="retail_omnichannel")


def first_reason(log: pl.DataFrame) -> pl.DataFrame:
    return (
        log.sort("timestamp")
        .group_by("customer_id")
        .agg(pl.col("call_reason").drop_nulls().first().fill_null(""))
    )


def test_loading_an_example(explorer, log):
    assert explorer.events.equals(log)
    assert explorer.filtered.height == log.height
    assert set(explorer.touchpoints) == set(log["touchpoint"].unique())
    assert explorer.call_reasons == ("", "gift", "own_use")
    assert explorer._from.value == log["timestamp"].min().date()
    assert explorer._to.value == log["timestamp"].max().date()
    assert explorer.status.startswith(f"Loaded {log.height:,} events of 2,000 customers.")
    assert explorer.discovery.n_customers == 2000


def test_the_call_reason_filter_keeps_whole_customers(explorer, log):
    explorer._reasons.value = ("gift",)
    gift = set(first_reason(log).filter(pl.col("call_reason") == "gift")["customer_id"])
    assert set(explorer.filtered["customer_id"]) == gift
    expected = log.filter(pl.col("customer_id").is_in(list(gift)))
    assert explorer.filtered.sort(["customer_id", "timestamp"]).equals(
        expected.sort(["customer_id", "timestamp"])
    )
    # events of those customers without a reason recorded are kept with them
    assert explorer.filtered["call_reason"].null_count() == expected["call_reason"].null_count()


def test_outputs_are_those_of_cxkit_analytics(explorer):
    explorer.filter(call_reasons=["own_use"])
    found = cx.analytics.discover(explorer.filtered)
    assert explorer.discovery.journey == found.journey
    assert explorer.metrics.equals(cx.analytics.touchpoint_metrics(explorer.filtered))
    expected = cxkit.viz.touchpoint_graph(found.journey).to_dict(validate=False)
    assert explorer.chart.spec == expected
    d = explorer.discovery
    assert explorer.log_warnings == ()  # the shipped log is clean
    assert explorer.status == (
        f"{d.n_events:,} events, {d.n_customers:,} customers, {d.n_journeys:,} journeys after "
        "the filters."
    )


def test_the_logs_repairs_go_to_the_status_line(explorer, log):
    explorer.load(pl.concat([log, log.head(3)]))  # three rows twice
    explorer.filter(call_reasons=["own_use"])
    assert len(explorer.log_warnings) == 1
    assert "duplicate" in explorer.log_warnings[0]
    assert explorer.status.endswith(f"the filters. ({explorer.log_warnings[0]})")


def test_going_back_to_a_filter_setting_reuses_its_results(explorer):
    explorer.filter(call_reasons=["gift"])
    gift = (explorer.discovery, explorer.metrics, explorer.status, explorer.chart.spec)
    explorer.filter(call_reasons=["own_use"])
    assert explorer.discovery.n_customers != gift[0].n_customers
    explorer.filter(call_reasons=["gift"])
    assert explorer.discovery is gift[0] and explorer.metrics is gift[1]  # kept, not recomputed
    assert explorer.status == gift[2]
    assert explorer.chart.spec == gift[3]
    assert explorer.chart.spec == cxkit.viz.touchpoint_graph(gift[0].journey).to_dict(
        validate=False
    )
    # the same reasons in another order are the same setting
    explorer.filter(call_reasons=["own_use", "gift"])
    both = explorer.discovery
    explorer.filter(call_reasons=["gift", "own_use"])
    assert explorer.discovery is both
    # a new log forgets every kept result
    explorer.load(example="retail_omnichannel")
    explorer.filter(call_reasons=["gift"])
    assert explorer.discovery is not gift[0]
    assert explorer.discovery.journey == gift[0].journey


def test_the_touchpoint_filter_drops_events(explorer, log):
    kept = [tp for tp in explorer.touchpoints if tp not in ("store", "tv_ad")]
    explorer._tp.value = tuple(kept)
    assert set(explorer.filtered["touchpoint"]) == set(kept)
    assert explorer.filtered.height == log.filter(pl.col("touchpoint").is_in(kept)).height
    ids = {tp.id for tp in explorer.discovery.journey.touchpoints}
    assert "store" not in ids and "tv_ad" not in ids


def test_the_date_filter_keeps_journeys_that_start_in_the_range(explorer, log):
    explorer._from.value = dt.date(2026, 1, 10)
    explorer._to.value = dt.date(2026, 1, 20)
    starts = log.group_by("customer_id").agg(pl.col("timestamp").min().dt.date().alias("d"))
    inside = set(
        starts.filter(pl.col("d").is_between(dt.date(2026, 1, 10), dt.date(2026, 1, 20)))[
            "customer_id"
        ]
    )
    assert set(explorer.filtered["customer_id"]) == inside
    assert 0 < len(inside) < 2000
    explorer._reset.click()
    assert explorer.filtered.height == log.height


def test_no_event_left(explorer):
    explorer._reasons.value = ()
    assert explorer.filtered.height == 0
    assert explorer.discovery is None and explorer.metrics is None
    assert explorer.chart.spec is None
    assert explorer.status == "No event matches the filters."


def test_loading_a_csv_file_and_a_frame(tmp_path, log):
    small = log.filter(pl.col("customer_id").is_in(["c0001", "c0002", "c0003", "c0287"]))
    path = tmp_path / "events.csv"
    small.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%:z")).write_csv(path)
    ex = EventExplorer(path)
    assert ex.events.height == small.height
    assert ex.events["timestamp"].to_list() == small["timestamp"].to_list()
    ex2 = EventExplorer(small.lazy())
    assert ex2.events.equals(small)


def test_the_ui_loads_an_example():
    ex = EventExplorer()
    assert ex.events is None
    assert ex.status.startswith("No event log yet")
    ex._example.value = "subscription_support"
    assert ex.events.height == cx.data.load_example("subscription_support").height


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda ex: ex.filter(touchpoints=["ec_sit"]),
            r"unknown touchpoint 'ec_sit'; did you mean 'ec_site'\?",
        ),
        (lambda ex: ex.filter(call_reasons=["gifts"]), r"unknown call reason 'gifts'"),
        (
            lambda ex: ex.filter(start="2026-13-01"),
            r"`start` must be a date \(YYYY-MM-DD\), got '2026-13-01'",
        ),
        (
            lambda ex: ex.filter(start="2026-01-20", end="2026-01-10"),
            r"`start` \(2026-01-20\) is after",
        ),
        (lambda ex: ex.load(example="retail"), r"unknown example 'retail'"),
        (
            lambda ex: ex.load(pl.DataFrame({"a": [1]})),
            r"the event log has no column 'customer_id'",
        ),
        (lambda ex: ex.load(42), r"`events` must be a path, a polars"),
        (lambda ex: ex.load(), r"give either `events` or `example`"),
    ],
)
def test_bad_inputs(explorer, call, message):
    with pytest.raises(cx.CxkitError, match=message):
        call(explorer)


def test_japanese_labels():
    ex = EventExplorer(example="retail_omnichannel", lang="ja")
    assert ex._reasons.description == "問い合わせ理由"
    assert "接触数" in ex._table.value
    assert ex.status.startswith("2,000人の顧客の")
