"""Loyalty matrix, per-segment views from an event log, and CLV per segment."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from cxkit.loyalty import TransactionError, loyalty_matrix, rfm, segment_clv, segment_views
from tests.loyalty.conftest import AS_OF


def _t(h: int) -> dt.datetime:
    return dt.datetime(2026, 3, 1, h)


EVENTS = pl.DataFrame(
    [
        ("c01", _t(9), "web", None),
        ("c01", _t(10), "phone", "resolved"),
        ("c02", _t(9), "phone", "churn"),
        ("c07", _t(9), "web", None),
        ("c07", _t(10), "chat", None),
        ("c07", _t(11), "phone", "churn"),
        ("c09", _t(9), "phone", "resolved"),
        ("c09", _t(12), "phone", "resolved"),
        ("x99", _t(9), "web", "purchase"),  # not in the transactions
    ],
    schema=["customer_id", "timestamp", "touchpoint", "outcome"],
    orient="row",
)


@pytest.fixture
def result(sales):
    return rfm(sales, as_of=AS_OF)


def test_segment_views_hand_computed(result):
    v = segment_views(result, EVENTS)
    rows = {r["segment"]: r for r in v.to_dicts()}
    c = rows["champions"]
    assert (c["customers"], c["in_log"], c["journeys"]) == (1, 1, 1)
    assert (c["contacts_per_customer"], c["handoffs_per_customer"], c["churn_rate"]) == (2, 1, 0)
    assert c["outcome_resolved"] == 1.0
    k = rows["cant_lose"]
    assert (k["contacts_per_customer"], k["handoffs_per_customer"], k["churn_rate"]) == (3, 2, 1)
    a = rows["at_risk"]
    assert (a["journeys"], a["journeys_per_customer"], a["handoffs_per_customer"]) == (2, 2, 0)
    assert rows["potential_loyalist"]["outcome_churn"] == 1.0
    loyal = rows["loyal"]
    assert (loyal["in_log"], loyal["churn_rate"]) == (0, None)
    assert v["segment"].to_list()[:2] == ["champions", "loyal"]


def test_loyalty_matrix_quadrants(result):
    answers = pl.DataFrame(
        {
            "customer_id": ["c01", "c01", "c04", "c03", "c06", "c07"],
            "nps": [10, 8, 6, 9, 3, 9],
        }
    )
    m = loyalty_matrix(result, answers)
    q = dict(m.table.select("customer", "quadrant").rows())
    # F scores: c01 5, c04 4, c03 1, c06 1, c07 5; NPS means 9, 6, 9, 3, 9
    assert (q["c01"], q["c04"], q["c03"], q["c06"], q["c07"]) == (
        "true_loyal",
        "inertia",
        "latent",
        "low",
        "true_loyal",
    )
    assert q["c02"] == "no_answer"
    counts = dict(m.counts.select("quadrant", "customers").rows())
    assert counts == {"true_loyal": 2, "inertia": 1, "latent": 1, "low": 1, "no_answer": 5}


def test_loyalty_matrix_emotion_and_tenure(result):
    answers = pl.DataFrame({"customer_id": ["c07", "c03"], "emotion": ["感動", "delighted"]})
    m = loyalty_matrix(result, answers, kind="emotion", behaviour="tenure", behaviour_threshold=60)
    q = dict(m.table.select("customer", "quadrant").rows())
    # c07: first 2025-11-15, last 2026-01-20 → 66 days ≥ 60; c03 bought once: 0 days
    assert (q["c07"], q["c03"]) == ("true_loyal", "latent")


def test_loyalty_matrix_bad_input(result):
    with pytest.raises(TransactionError, match=r"no column 'nps'.*did you mean 'NPS'"):
        loyalty_matrix(result, pl.DataFrame({"customer_id": ["a"], "NPS": [3]}))
    with pytest.raises(
        TransactionError, match="customer 'c01' answered 11; expected nps answers in 0…10"
    ):
        loyalty_matrix(result, pl.DataFrame({"customer_id": ["c01"], "nps": [11]}))
    with pytest.raises(TransactionError, match="did you mean 'csat'"):
        loyalty_matrix(result, pl.DataFrame({"customer_id": ["c01"], "nps": [1]}), kind="cast")


def test_segment_clv(result):
    clv = segment_clv(result, period_days=30)
    rows = {r["segment"]: r for r in clv.to_dicts()}
    # c07: first 2025-11-15, last 2026-01-20 (66 days → alive through period 2), observed 4
    k = rows["cant_lose"]
    assert (k["customers"], k["observed"]) == (1, 1)
    assert k["margin_per_period"] == pytest.approx(300 / 3)
    assert k["retention_1"] == 1.0
    # periods 1 and 2 seen alive, period 3 (ended before as_of) lost: S = 1, 1, 0;
    # pooled retention 2 stayed / 3 at risk; d = 1.1^(30/365) − 1 per period
    d = 1.1 ** (30 / 365) - 1
    assert k["retention_mean"] == pytest.approx(2 / 3)
    assert k["clv_constant"] == pytest.approx(100 * (1 + d) / (1 + d - 2 / 3))
    # one customer: no heterogeneity to fit (α + β huge), the geometric limit β/(α+β)
    r = k["beta"] / (k["alpha"] + k["beta"])
    assert k["alpha"] + k["beta"] > 1e6 and k["clv_sbg"] == pytest.approx(
        100 * (1 + d) / (1 + d - r)
    )
    # c10 bought once and is observed 6 periods: lost after period 0
    lost = rows["lost"]
    assert lost["retention_1"] == 0.0 and lost["margin_per_period"] == 0.0
    assert all(math.isnan(v) or v >= 0 for v in clv["clv_constant"].to_list())
