"""RFM scores, segments and the Pareto share of a table computed by hand.

Ten customers, as_of 2026-04-01, quintiles: score = floor(5·below/10) + 1 =
floor(below/2) + 1, ``below`` = customers with a strictly worse value.

=====  =======  =========  ========  ===  ===  ===  ==================
cust   recency  frequency  monetary  R    F    M    segment
=====  =======  =========  ========  ===  ===  ===  ==================
c01    1        4          1000      5    5    5    champions
c02    2        2 (3 rows) 200       5    3    2    potential_loyalist
c03    7        1          500       4    1    4    promising
c04    31       3          240       4    4    3    loyal
c05    45       2          2000      3    3    5    need_attention
c06    59       1          30        3    1    2    about_to_sleep
c07    71       5          300       2    5    3    cant_lose
c08    89       1          20        2    1    1    hibernating
c09    121      2          300       1    3    3    at_risk
c10    182      1          0 (net)   1    1    1    lost
=====  =======  =========  ========  ===  ===  ===  ==================

Ties: F = 2 (c02, c05, c09: below = 4) straddles the edge between scores 3 and 4
(below 6 → 4): all three score 3, and no customer scores F = 2. M = 300 (c07, c09:
below = 5) straddles 3|4 the same way: both score 3 (ordinal ties: c07 3, c09 4).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import polars as pl
import pytest

from cxkit.loyalty import DEFAULT_SEGMENTS, pareto, rfm
from tests.loyalty.conftest import AS_OF

EXPECTED = [
    ("c01", 1, 4, 1000.0, "555", "champions"),
    ("c02", 2, 2, 200.0, "532", "potential_loyalist"),
    ("c03", 7, 1, 500.0, "414", "promising"),
    ("c04", 31, 3, 240.0, "443", "loyal"),
    ("c05", 45, 2, 2000.0, "335", "need_attention"),
    ("c06", 59, 1, 30.0, "312", "about_to_sleep"),
    ("c07", 71, 5, 300.0, "253", "cant_lose"),
    ("c08", 89, 1, 20.0, "211", "hibernating"),
    ("c09", 121, 2, 300.0, "133", "at_risk"),
    ("c10", 182, 1, 0.0, "111", "lost"),
]
COLS = ["customer", "recency", "frequency", "monetary", "rfm", "segment"]


def _backends(frame: pl.DataFrame) -> dict[str, object]:
    con = duckdb.connect()
    arrow = frame.to_arrow()
    return {
        "polars": frame,
        "polars-lazy": frame.lazy(),
        "pandas": frame.to_pandas(),
        "duckdb": con.from_arrow(arrow),
    }


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
def test_hand_computed_scores_and_segments_on_every_backend(sales, backend):
    r = rfm(_backends(sales)[backend], as_of=AS_OF)
    assert r.table.select(COLS).rows() == EXPECTED
    assert r.as_of == AS_OF
    assert r.n_transactions == 24
    # c02 bought twice on one day: 3 purchase rows, 2 purchases; c10's refund is a refund
    t = {row["customer"]: row for row in r.table.to_dicts()}
    assert (t["c02"]["transactions"], t["c10"]["refunds"], t["c10"]["revenue"]) == (3, 1, 0.0)
    assert t["c10"]["last_purchase"] == dt.date(2025, 10, 1)
    p = pareto(r)
    assert p.share == pytest.approx(3000 / 4590, abs=1e-12)
    assert p.share_of(0.25) == pytest.approx(3250 / 4590, abs=1e-12)  # 2.5 customers


def test_ties_at_a_quantile_edge_get_one_score_and_leave_a_score_empty(sales):
    r = rfm(sales, as_of=AS_OF)
    f = dict(r.table.select("customer", "f_score").rows())
    assert {f["c02"], f["c05"], f["c09"]} == {3}
    assert 2 not in set(r.table["f_score"].to_list())
    m = dict(r.table.select("customer", "m_score").rows())
    assert m["c07"] == m["c09"] == 3
    # the same values in another row order: the same scores
    shuffled = rfm(sales.reverse(), as_of=AS_OF)
    assert shuffled.table.select(COLS).rows() == EXPECTED


def test_ordinal_ties_make_equal_size_bins(sales):
    r = rfm(sales, as_of=AS_OF, ties="ordinal")
    m = dict(r.table.select("customer", "m_score").rows())
    f = dict(r.table.select("customer", "f_score").rows())
    assert (m["c07"], m["c09"]) == (3, 4)
    assert [f[c] for c in ("c03", "c06", "c08", "c10")] == [1, 1, 2, 2]
    assert r.table["f_score"].value_counts().sort("f_score")["count"].to_list() == [2] * 5


def test_fixed_edges(sales):
    edges = {
        "recency": [7, 30, 60, 120],
        "frequency": [2, 3, 4, 5],
        "monetary": [100, 250, 500, 1000],
    }
    r = rfm(sales, as_of=AS_OF, bins=edges)
    got = dict(r.table.select("customer", "rfm").rows())
    # recency 7 is in [7, 30): 4; 182 ≥ 120: 1; monetary 1000 ≥ 1000: 5; 0 < 100: 1
    assert (got["c01"], got["c03"], got["c10"], got["c05"]) == ("545", "414", "111", "325")
    assert r.bins.describe()["recency"] == [7.0, 30.0, 60.0, 120.0]


def test_same_day_each_and_mean_monetary(sales):
    r = rfm(sales, as_of=AS_OF, same_day="each", monetary="mean")
    t = {row["customer"]: row for row in r.table.to_dicts()}
    assert t["c02"]["frequency"] == 3
    assert t["c02"]["monetary"] == pytest.approx(200 / 3)
    assert t["c01"]["monetary"] == 250.0


def test_default_as_of_is_the_day_after_the_last_transaction(sales):
    r = rfm(sales)
    assert r.as_of == dt.date(2026, 4, 1)
    assert r.table.filter(pl.col("customer") == "c01")["recency"].item() == 1


def test_summary_and_rule_table(sales):
    r = rfm(sales, as_of=AS_OF)
    s = r.summary("ja")
    # every segment but 'new' (no customer scores R5 F1), best first
    assert s["segment"].to_list() == [x for x in DEFAULT_SEGMENTS.order if x != "new"]
    assert s["customers"].to_list() == [1] * 10
    assert s.filter(pl.col("segment") == "champions")["label"].item() == "優良顧客"
    assert s["revenue_share"].sum() == pytest.approx(1.0)
    rules = DEFAULT_SEGMENTS.rules()
    assert rules["n_cells"].sum() == 25
    assert rules.filter(pl.col("segment") == "lost")["cells"].item() == "R1F2 R1F1"


def test_customers_without_transactions(sales):
    r = rfm(sales, as_of=AS_OF, customers=pd.DataFrame({"customer_id": ["c01", "c99"]}))
    row = r.table.filter(pl.col("customer") == "c99").row(0, named=True)
    assert (row["frequency"], row["segment"], row["r_score"], row["revenue"]) == (
        0,
        "no_purchase",
        None,
        0.0,
    )
    # the scores of the others do not move; the Pareto denominator grows by one
    assert r.scored.select(COLS).rows() == EXPECTED
    assert pareto(r).share == pytest.approx((2000 + 1000 + 0.2 * 500) / 4590)


def test_four_scores_have_no_segments(sales):
    r = rfm(sales, as_of=AS_OF, bins=4)
    assert r.table["segment"].null_count() == 10
    assert r.table["r_score"].max() == 4
