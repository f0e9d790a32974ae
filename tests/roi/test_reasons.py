"""Why an initiative is not scheduled: each reason forced on a hand-built portfolio."""

from __future__ import annotations

import json

import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.core.economics import Initiative, Prerequisite
from cxkit.roi._outliers import outliers
from cxkit.roi._reasons import drop_unselected, explain_unscheduled
from cxkit.roi.portfolio import Candidate, CapacityLimit, optimize_portfolio


def why(cands, budgets, **kwargs):
    plan = optimize_portfolio(cands, budgets, **kwargs)
    return plan, explain_unscheduled(cands, budgets, plan, **kwargs)


def test_over_budget_gives_the_amount_short():
    plan, r = why([Candidate("a", 10, costs=(8,)), Candidate("b", 5, costs=(12,))], [10])
    assert plan.starts == {"a": 1}
    assert (r["b"].code, r["b"].amount, r["b"].periods) == ("over_budget", 2.0, (1,))
    assert r["b"].message(money=lambda x: f"{x:g}") == (
        "over budget: even its cheapest start is 2 short"
    )


def test_over_budget_through_a_prerequisite_names_it():
    cands = [
        Candidate("d", -1, costs=(15,)),
        Candidate("c", 50, costs=(4,), prerequisites=["d"]),
    ]
    _, r = why(cands, [10, 10])
    assert (r["c"].code, r["c"].ids, r["c"].amount) == ("over_budget", ("d",), 5.0)
    assert "with its prerequisite d," in r["c"].message(money=lambda x: f"{x:g}")
    # over budget wins over negative value: d cannot be started at all
    assert (r["d"].code, r["d"].amount) == ("over_budget", 5.0)


def test_over_budget_with_carry_over_is_the_extra_first_period_budget():
    _, r = why([Candidate("b", 5, costs=(30,))], [10, 10], carry_over=True)
    assert (r["b"].code, r["b"].amount) == ("over_budget", 10.0)


def test_exclusion_names_the_scheduled_initiative():
    cands = [Candidate("a", 10, costs=(1,), excludes=("b",)), Candidate("b", 8, costs=(1,))]
    _, r = why(cands, [10])
    assert (r["b"].code, r["b"].ids) == ("excluded", ("a",))
    assert r["b"].message() == "excluded by a, which is scheduled"


def test_negative_value():
    _, r = why([Candidate("n", -3, costs=(1,))], [10])
    assert (r["n"].code, r["n"].amount) == ("negative_value", -3.0)


def test_capacity():
    cap = CapacityLimit("FTE", (2.0,), {"x": (3.0,)})
    _, r = why([Candidate("x", 9, costs=(1,))], [10], capacity=cap)
    assert (r["x"].code, r["x"].row, r["x"].amount) == ("capacity", "FTE", 1.0)


def test_a_prerequisite_chain_too_long_for_the_periods():
    _, r = why([Candidate("p", 5, costs=(1,)), Candidate("q", 5, prerequisites=["p"])], [10])
    assert (r["q"].code, r["q"].ids) == ("too_late", ("p",))


def test_a_prerequisite_that_costs_more_than_the_initiative_brings():
    cands = [Candidate("p", -10, costs=(1,)), Candidate("q", 5, costs=(1,), prerequisites=["p"])]
    _, r = why(cands, [10, 10])
    assert (r["q"].code, r["q"].ids) == ("prerequisite_not_scheduled", ("p",))
    assert r["q"].amount == pytest.approx(-5.0)


def test_the_budget_goes_further_elsewhere_names_the_displaced_and_the_loss():
    _, r = why([Candidate("a", 10, costs=(8,)), Candidate("b", 9, costs=(8,))], [10])
    assert (r["b"].code, r["b"].ids, r["b"].amount) == ("budget", ("a",), pytest.approx(1.0))
    _, r = why([Candidate("a", 10, costs=(8,)), Candidate("b", 10, costs=(8,))], [10])
    assert r["b"].code == "tie"


def test_drop_unselected_names_the_missing_prerequisite_down_the_chain():
    inits = [
        Initiative("crm"),
        Initiative("eta", prerequisites=[Prerequisite("crm")]),
        Initiative("push", prerequisites=[Prerequisite("eta")]),
        Initiative("faq"),
    ]
    kept, r = drop_unselected(inits, ["eta", "push", "faq"])
    assert [i.id for i in kept] == ["faq"]
    assert {k: (v.code, v.ids) for k, v in r.items()} == {
        "crm": ("not_selected", ()),
        "eta": ("prerequisite_not_selected", ("crm",)),
        "push": ("prerequisite_not_selected", ("eta",)),
    }


def test_outlier_rule_on_a_known_set():
    # NPVs 1, 2, 1.5, 0.5 and 300; s = median |NPV| = 1.5; y = asinh(NPV/s)
    flags = outliers({"a": (1, 4), "b": (2, 3), "c": (1.5, 5), "d": (0.5, None), "e": (300, 0.5)})
    assert list(flags) == ["e"]
    assert flags["e"].kinds == ("npv_high", "payback")
    assert flags["e"].ratio == pytest.approx(200.0)
    # too few to compare with: nothing flagged
    assert outliers({"a": (1, 1), "b": (2, 1), "e": (300, 0.5)}) == {}
    # a large NPV that pays back slowly is flagged by z only
    assert outliers({"a": (1, 4), "b": (2, 3), "c": (1.5, 5), "e": (300, 6)})["e"].kinds == (
        "npv_high",
    )


@pytest.fixture(scope="module")
def ja_plan():
    j = cx.load_journey("complaint_recovery_ja")
    inits = [*j.initiatives, *cx.roi.catalog("ja")]
    return cx.roi.roadmap(j, inits, budget=[20e6] * 4, seed=1, n_sims=500)


def test_the_japanese_template_says_why_churn_outreach_is_left_out(ja_plan):
    r = ja_plan.reasons["predictive_churn_outreach"]
    # its prerequisite crm_integration costs 30 M JPY up front; a period's budget is 20 M
    assert (r.code, r.ids, r.amount) == ("over_budget", ("crm_integration",), 10e6)
    msg = ja_plan.reason_messages("ja")["predictive_churn_outreach"]
    assert msg.startswith("予算超過") and "CRM統合" in msg and "10.0 M JPY" in msg
    # every initiative not scheduled has a reason
    ids = {r.id for r in ja_plan.evaluation.initiatives}
    assert set(ja_plan.reasons) == ids - set(ja_plan.starts)
    assert "predictive_churn_outreach" in ja_plan.outliers


def test_cli_prints_and_json_carries_the_reasons(capsys):
    args = ["roi", "complaint_recovery_ja", "--catalog", "--budget", "20e6,20e6,20e6,20e6"]
    assert main([*args, "--sims", "300", "--lang", "ja"]) == 0
    out = capsys.readouterr().out
    assert "計画に入らなかった理由:" in out
    assert "predictive_churn_outreach: 予算超過" in out
    assert "外れ値 — この値を確認してください:" in out
    assert main([*args, "--sims", "300", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    reason = doc["roadmap"]["reasons"]["predictive_churn_outreach"]
    assert reason["code"] == "over_budget" and reason["amount"] == 10e6
    assert reason["message"].startswith("over budget: with its prerequisite CRM")
    assert doc["roadmap"]["outliers"]["predictive_churn_outreach"]["kinds"][0] == "npv_high"
