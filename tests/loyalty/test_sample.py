"""The shipped sample transactions: deterministic, the example logs' customers, joinable."""

from __future__ import annotations

import datetime as dt
import json
import math

import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import EventSchema
from cxkit.cli import main
from cxkit.core.errors import CxkitError
from cxkit.data.transactions import build_transactions, generate_transactions
from cxkit.loyalty import rfm, segment_clv, segment_views


@pytest.mark.parametrize("name", ["retail_omnichannel", "subscription_support"])
def test_shipped_file_is_the_generator_byte_for_byte(name):
    path = cx.data.transactions_path(name)
    fresh = build_transactions(name)
    assert path.read_text(encoding="utf-8") == fresh.write_csv()
    assert cx.data.load_transactions(name).equals(fresh)
    assert build_transactions(name).write_csv() == fresh.write_csv()  # same seed, same bytes


def test_sample_customers_are_the_logs_and_segments_join():
    events = cx.data.load_example("subscription_support")
    sales = cx.data.load_transactions("subscription_support")
    assert set(sales["customer_id"]) == set(events["customer_id"])
    assert sales.height > 2 * sales["customer_id"].n_unique()  # repeat buyers
    r = rfm(sales)
    assert r.as_of == dt.date(2026, 2, 1)  # the day after the last purchase
    views = segment_views(r, events, schema=EventSchema(outcomes=("saved",)))
    assert views["customers"].sum() == 2000 and views["in_log"].sum() == 2000
    assert views["churn_rate"].is_not_null().all()
    assert 0 < views["churn_rate"].max() <= 1
    assert "outcome_saved" in views.columns


def test_generator_follows_the_log():
    events = cx.data.load_example("subscription_support")
    sales = generate_transactions(events, seed=7, refund_rate=0.1)
    local = events.with_columns(pl.col("timestamp").dt.replace_time_zone(None).dt.date())
    churn = (
        local.filter(pl.col("outcome") == "churn")
        .group_by("customer_id")
        .agg(pl.col("timestamp").min().alias("churn_day"))
    )
    after = sales.filter(pl.col("amount") > 0).join(churn, on="customer_id")
    assert after.height and after.filter(pl.col("date") > pl.col("churn_day")).height == 0
    refunds = sales.filter(pl.col("amount") < 0)
    assert 0.05 < refunds.height / sales.height < 0.15
    assert refunds["date"].max() <= local["timestamp"].max()
    assert (sales["amount"].abs() % 10 == 0).all()
    assert generate_transactions(events, seed=7, refund_rate=0.1).equals(sales)
    assert not generate_transactions(events, seed=8, refund_rate=0.1).equals(sales)


def test_purchase_outcome_is_a_purchase_that_day():
    events = cx.data.load_example("retail_omnichannel")
    sales = cx.data.load_transactions("retail_omnichannel")
    bought = events.filter(pl.col("outcome") == "purchase").select(
        "customer_id", pl.col("timestamp").dt.replace_time_zone(None).dt.date().alias("date")
    )
    hit = bought.join(sales.filter(pl.col("amount") > 0), on=["customer_id", "date"], how="semi")
    assert bought.height > 100 and hit.height == bought.height


def test_bad_input():
    with pytest.raises(CxkitError, match="unknown example 'retail'; did you mean"):
        cx.data.load_transactions("retail")
    with pytest.raises(CxkitError, match="must be a polars DataFrame with columns customer_id"):
        generate_transactions(pl.DataFrame({"a": [1]}))
    events = cx.data.load_example("retail_omnichannel")
    with pytest.raises(CxkitError, match=r"`refund_rate` must be a number in \[0, 1\], got 2"):
        generate_transactions(events, refund_rate=2)


def test_cli_reads_the_shipped_file(capsys):
    path = cx.data.transactions_path("retail_omnichannel")
    assert main(["loyalty", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rfm"]["customers"], out["rfm"]["transactions"]) == (2000, 7676)
    assert sum(s["customers"] for s in out["rfm"]["segments"]) == 2000


def test_segment_clv_on_the_sample_is_bounded():
    r = rfm(cx.data.load_transactions("subscription_support"))
    clv = segment_clv(r, period_days=90)
    d = 1.1 ** (90 / 365) - 1
    for row in clv.to_dicts():
        ceiling = row["margin_per_period"] * (1 + d) / d  # nobody ever leaves
        for key in ("clv_sbg", "clv_constant"):
            assert math.isnan(row[key]) or row["margin_per_period"] <= row[key] <= ceiling
    rows = {row["segment"]: row for row in clv.to_dicts()}
    # the segments named for lapsing keep fewer customers than the loyal ones
    assert rows["lost"]["retention_mean"] < rows["at_risk"]["retention_mean"]
    assert rows["at_risk"]["retention_mean"] < rows["loyal"]["retention_mean"]
    assert rows["lost"]["clv_sbg"] < rows["loyal"]["clv_sbg"]
