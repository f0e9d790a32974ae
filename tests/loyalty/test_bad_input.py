"""Bad transactions: each a TransactionError naming where, what and what was expected."""

from __future__ import annotations

import datetime as dt
import warnings

import polars as pl
import pytest

from cxkit.analytics import EventLogError
from cxkit.loyalty import TransactionError, TransactionSchema, pareto, rfm
from cxkit.loyalty._bins import parse_bins
from tests.loyalty.conftest import AS_OF


def _err(*args, **kwargs) -> str:
    with pytest.raises(TransactionError) as info:
        rfm(*args, **kwargs)
    return str(info.value)


def test_misspelled_column_did_you_mean(sales):
    msg = _err(sales.rename({"amount": "amout"}))
    assert "column 'amount' (the amount) is missing; did you mean 'amout'?" in msg
    assert "TransactionSchema(amount='amout') (CLI --amount)" in msg


def test_missing_columns_all_reported(sales):
    msg = _err(sales.select(pl.col("date").alias("x")))
    assert "3 problems" in msg and "'customer_id'" in msg and "'amount'" in msg


def test_renamed_columns(sales):
    renamed = sales.rename({"customer_id": "会員番号", "date": "購入日", "amount": "金額"})
    schema = TransactionSchema(customer="会員番号", date="購入日", amount="金額")
    assert rfm(renamed, schema=schema, as_of=AS_OF).table.height == 10


def test_non_numeric_amount_names_the_csv_line(tmp_path):
    p = tmp_path / "sales.csv"
    p.write_text("customer_id,date,amount\nc1,2026-01-01,100\nc2,2026-01-02,n/a\n")
    msg = _err(p)
    assert f"{p}: line 3: column 'amount' has 'n/a'; expected a number" in msg


def test_unparseable_date_names_the_line(tmp_path):
    p = tmp_path / "sales.csv"
    p.write_text("customer_id,date,amount\nc1,2026-01-01,100\nc2,31/01/2026,5\nc3,x,1\n")
    msg = _err(p)
    assert f"{p}: line 3: column 'date' has '31/01/2026', which is not a date" in msg
    assert "2 such rows" in msg


def test_cp932_file_is_read(tmp_path):
    p = tmp_path / "売上.csv"
    p.write_bytes("会員,日付,金額\n山田,2026-01-01,100\n佐藤,2026-01-03,50\n".encode("cp932"))
    r = rfm(p, schema=TransactionSchema(customer="会員", date="日付", amount="金額"))
    assert sorted(r.table["customer"].to_list()) == ["佐藤", "山田"]


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(EventLogError, match="no such file"):
        rfm(tmp_path / "nope.csv")


def test_null_values(sales):
    bad = sales.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise(pl.col("amount")).alias("amount")
    )
    msg = _err(bad)
    assert "row 5 (counted from 1 after the header): column 'amount' has None" in msg
    assert "expected an amount in every row — 1 such row" in msg


def test_future_dates_error_or_drop(sales):
    msg = _err(sales, as_of=dt.date(2026, 3, 15))
    assert (
        "row 1 (counted from 1 after the header): column 'date' has '2026-03-31', "
        "after as_of 2026-03-15" in msg
    )
    assert "5 such rows" in msg and "future='drop'" in msg
    with pytest.warns(UserWarning, match="dropped 5 rows dated after as_of 2026-03-15"):
        r = rfm(sales, as_of="2026-03-15", future="drop")
    assert r.table.filter(pl.col("customer") == "c01")["recency"].item() == 5


def test_refund_options(sales):
    msg = _err(sales, refunds="error")
    assert "row 24" in msg and "has -700.0" in msg and "refunds='net'" in msg
    with pytest.warns(UserWarning, match="dropped 1 refund rows"):
        r = rfm(sales, as_of=AS_OF, refunds="drop")
    assert r.table.filter(pl.col("customer") == "c10")["revenue"].item() == 700.0


def test_customer_with_refunds_only(sales):
    extra = pl.DataFrame({"customer_id": ["c11"], "date": [dt.date(2026, 3, 1)], "amount": [-50.0]})
    with pytest.warns(UserWarning, match="1 customer has refunds but no purchase"):
        r = rfm(pl.concat([sales, extra]), as_of=AS_OF)
    row = r.table.filter(pl.col("customer") == "c11").row(0, named=True)
    assert (row["segment"], row["r_score"], row["revenue"]) == ("no_purchase", None, -50.0)
    assert pareto(r).customers == 11  # counted as 0 revenue


def test_net_below_zero_keeps_the_customer(sales):
    extra = pl.DataFrame({"customer_id": ["c10"], "date": [dt.date(2026, 3, 1)], "amount": [-10.0]})
    r = rfm(pl.concat([sales, extra]), as_of=AS_OF)
    row = r.table.filter(pl.col("customer") == "c10").row(0, named=True)
    assert (row["revenue"], row["m_score"], row["segment"]) == (-10.0, 1, "lost")


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"bins": 1}, "`bins` must be between 2 and 10 scores, got 1"),
        ({"bins": "recency=30,20"}, "the edges of recency must increase strictly"),
        ({"bins": "recency=30 frequency=1,2"}, "same number of edges"),
        ({"bins": "r=a,b"}, "must be numbers separated by commas"),
        ({"ties": "max"}, "`ties` must be 'min' or 'ordinal', got 'max'"),
        (
            {"refunds": "nett"},
            "`refunds` must be one of 'net', 'drop', 'error', got 'nett'; did you mean 'net'?",
        ),
        ({"monetary": "median"}, "`monetary` must be 'sum' or 'mean'"),
        ({"as_of": "yesterday"}, "`as_of` must be a date such as '2026-04-01', got 'yesterday'"),
    ],
)
def test_bad_options(sales, kwargs, text):
    assert text in _err(sales, **kwargs)


def test_bins_text_is_bounded():
    with pytest.raises(TransactionError, match="longer than 400"):
        parse_bins("r=" + "1," * 300)


def test_not_a_frame():
    with pytest.raises(EventLogError, match="`transactions` must be a dataframe"):
        rfm({"a": 1})


def test_no_purchase_at_all():
    t = pl.DataFrame({"customer_id": ["a"], "date": [dt.date(2026, 1, 1)], "amount": [-1.0]})
    with pytest.raises(TransactionError, match="hold no purchase"):
        rfm(t)


def test_pareto_bad_top(sales):
    with pytest.raises(TransactionError, match=r"`top` must be a share of customers in \(0, 1\]"):
        pareto(rfm(sales, as_of=AS_OF), top=20)


def test_warnings_are_recorded(sales):
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        r = rfm(sales, as_of=AS_OF, refunds="drop")
    assert r.notes == ("dropped 1 refund rows (amount < 0), as refunds='drop'",)
