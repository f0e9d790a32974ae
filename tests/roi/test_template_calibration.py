"""The realistic templates tell a true ROI story: with their own economics and budgets,
some but not all initiatives pay back and the roadmap is not empty."""

from __future__ import annotations

import pytest

import cxkit as cx
from cxkit.roi import evaluate, roadmap

REALISTIC = ["retail_omnichannel", "subscription_support", "complaint_recovery_ja",
             "b2b_saas_onboarding"]  # fmt: skip


@pytest.mark.parametrize("name", REALISTIC)
def test_some_but_not_all_initiatives_pay_back(name: str) -> None:
    j = cx.load_journey(name)
    assert j.economics is not None and j.economics.budgets, "the template sets its budgets"
    ev = evaluate(j, n_sims=500, seed=1)
    p50 = {r.id: r.npv_risk_adjusted.p50 for r in ev}
    assert any(v > 0 for v in p50.values()), p50
    assert any(v < 0 for v in p50.values()), p50
    plan = roadmap(j, evaluation=ev, seed=1)
    assert plan.starts, f"{name}: the roadmap with the template's budgets is empty"
    assert plan.value > 0
    assert set(plan.starts) != set(p50)


def test_retail_story() -> None:
    j = cx.load_journey("retail_omnichannel")
    ev = evaluate(j, n_sims=500, seed=1)
    # the FAQ pays back through conversion: more orders at 3,100 JPY of margin each
    faq = ev["product_faq"]
    base_p = ev.baseline.outcome_shares["purchase"]
    dp = faq.scenario.outcome_shares["purchase"] - base_p
    econ = j.economics
    assert faq.benefits["conversion"] == pytest.approx(
        dp * econ.journeys_per_period * econ.value_per_outcome["purchase"], rel=1e-9
    )
    assert faq.benefits["conversion"] > 0
    # journeys × P(purchase) × margin per order ≈ the members' margin (the calibration)
    members_margin = econ.customers * econ.margin_per_customer
    orders_margin = econ.journeys_per_period * base_p * econ.value_per_outcome["purchase"]
    assert orders_margin == pytest.approx(members_margin, rel=0.02)
    plan = roadmap(j, evaluation=ev, seed=1)
    assert {"product_faq", "chatbot"} <= set(plan.starts)
    # CRM does not pay back on the contact cost it saves; delivery ETA needs it
    assert "crm_integration" not in plan.starts and "delivery_eta" not in plan.starts
    assert ev["delivery_eta"].npv_risk_adjusted.p50 > 0 > ev["crm_integration"].summary.npv
