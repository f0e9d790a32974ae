"""cxkit.roi.roadmap: Example C4, values by start period, the joint re-simulation and its
interaction gap, and bad input (budgets, prerequisites, infeasible must_include)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import cxkit as cx
from cxkit.core.economics import (
    Distribution,
    Economics,
    Effect,
    EffectChange,
    Estimate,
    Initiative,
    Prerequisite,
)
from cxkit.core.errors import CxkitError
from cxkit.roi import brute_force_portfolio, roadmap
from cxkit.roi.portfolio import Candidate


def fixed(target: str, field: str, value: float) -> Effect:
    return Effect(target, field, EffectChange.SET, value, value, value, Distribution.FIXED)


@pytest.fixture(scope="module")
def example_c() -> cx.Journey:
    return cx.load_journey("roi_example_c")


def test_c4_from_the_template(example_c) -> None:
    plan = roadmap(example_c, n_sims=200, seed=1)
    assert plan.starts == {"crm": 1, "faq": 1, "chat": 2}
    assert plan.value == pytest.approx(224.0, abs=1e-9)
    assert plan.plan.spend_per_quarter == (100.0, 50.0)
    assert plan.plan.binding == ("budget Q1",)
    assert plan.values["cti"] == pytest.approx((40.0, 36.0))
    # NPVs given as business cases add up: no interaction
    assert plan.additive_value == pytest.approx(224.0)
    assert plan.joint.mean == pytest.approx(224.0)
    assert plan.interaction_gap == pytest.approx(0.0, abs=1e-9)
    assert [s.id for s in plan.schedule] == ["crm", "faq", "chat"]
    assert plan.schedule[2].spend == (0.0, 50.0)


def test_c4_against_brute_force_with_other_budgets(example_c) -> None:
    ev = cx.roi.evaluate(example_c, n_sims=100, seed=1)
    for budgets in ([100, 60], [60, 60], [200, 0], [40, 100]):
        plan = roadmap(example_c, budget=budgets, evaluation=ev)
        cands = [
            Candidate(i.id, plan.values[i.id], costs=plan.costs[i.id],
                      prerequisites={p.id: p.lag for p in i.prerequisites})
            for i in example_c.initiatives
        ]  # fmt: skip
        brute = brute_force_portfolio(cands, budgets)
        assert plan.value == pytest.approx(brute.value, abs=1e-9), budgets


def test_values_by_start_shift_and_truncate_the_cash_flows() -> None:
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=0, horizon_years=1, risk_benefit=0.0, risk_cost=0.0)
    ini = Initiative("x", cost_one_off=100, benefit_per_period=Estimate.fixed(400))
    plan = roadmap(j, [ini], economics=econ, budget=[1000] * 3, n_sims=20, seed=1)
    d = 1.1**0.25 - 1
    flows = np.array([-100, 100, 100, 100, 100], dtype=float)  # quarterly, horizon 4
    want = [
        sum(flows[t - s] * (1 + d) ** -t for t in range(s, 5)) for s in range(3)
    ]  # started in Q1, Q2, Q3: fewer quarters of benefit
    assert plan.values["x"] == pytest.approx(want, rel=1e-12)
    assert plan.starts == {"x": 1}
    assert plan.joint.mean == pytest.approx(want[0], rel=1e-12)


def test_joint_equals_the_stand_alone_value_for_one_initiative() -> None:
    j = cx.load_journey("subscription_support")
    plan = roadmap(j, ["operator_empowerment"], budget=[1e8] * 4, n_sims=500, seed=3)
    assert plan.starts == {"operator_empowerment": 1}
    assert plan.joint.mean == pytest.approx(plan.additive_value, rel=1e-12)
    assert plan.interaction_gap == pytest.approx(0.0, abs=1e-6 * abs(plan.additive_value))


def test_two_initiatives_fixing_the_same_handoff_do_not_add_up() -> None:
    # both raise web → resolved to 0.6 (Example B's FAQ); together they are worth one
    j = cx.load_journey("web_phone_faq")
    econ = Economics(
        customers=0,
        journeys_per_period=10_000,
        horizon_years=1,
        cash_flow_period="year",
        risk_benefit=0.0,
        risk_cost=0.0,
    )
    faq = fixed("handoff:web->resolved", "probability", 0.6)
    a = Initiative("a", cost_one_off=1.0, effects=(faq,))
    b = replace(a, id="b")
    plan = roadmap(j, [a, b], economics=econ, budget=[10], n_sims=20, seed=1)
    assert plan.starts == {"a": 1, "b": 1}
    ev = plan.evaluation
    one = ev["a"].summary.npv  # benefit − 1
    assert plan.additive_value == pytest.approx(2 * one, rel=1e-12)
    assert plan.joint.mean == pytest.approx(one - 1.0, rel=1e-12)  # one benefit, two costs
    assert plan.interaction_gap == pytest.approx(-(one + 1.0), rel=1e-12)
    assert plan.relative_gap < 0


def test_start_discount_and_carry_over(example_c) -> None:
    plan = roadmap(example_c, budget=[60, 100], start_discount=0.5, n_sims=50, seed=1)
    assert plan.values["crm"] == pytest.approx((100.0, 50.0))
    plan2 = roadmap(example_c, budget=[60, 100], carry_over=True, n_sims=50, seed=1)
    assert plan2.plan.carry_over is True
    assert plan2.value >= plan.value


def test_infeasible_must_include_names_the_binding_budget(example_c) -> None:
    with pytest.raises(CxkitError, match=r"must_include 'crm' cannot be satisfied.*budget Q1"):
        roadmap(example_c, budget=[50], must_include=["crm"], n_sims=20, seed=1)


@pytest.mark.parametrize(
    ("budget", "quarters", "message"),
    [
        ([100, -1], None, r"`budget\[1\]` must be a finite amount ≥ 0 and ≤ 1e\+15, got -1.0"),
        ([], None, "at least one period"),
        ([1, 2, 3], 2, "gives 3 periods but `quarters` is 2"),
        ("100", None, "must be a number or a sequence"),
        ([1], 0, "`quarters` must be an integer ≥ 1"),
    ],
)
def test_bad_budgets(example_c, budget, quarters, message) -> None:
    with pytest.raises(CxkitError, match=message):
        roadmap(example_c, budget=budget, quarters=quarters, n_sims=20, seed=1)


def test_missing_budget_and_prerequisites(example_c) -> None:
    econ = replace(example_c.economics, budgets=())
    with pytest.raises(CxkitError, match="`budget` is required"):
        roadmap(example_c, economics=econ, n_sims=20, seed=1)
    # a prerequisite outside the initiatives given
    with pytest.raises(CxkitError, match="unknown prerequisite 'crm'"):
        roadmap(example_c, ["cti"], n_sims=20, seed=1)
    a = Initiative("a", prerequisites=(Prerequisite("b"),))
    b = Initiative("b", prerequisites=(Prerequisite("a"),))
    with pytest.raises(CxkitError, match="prerequisites form a cycle"):
        roadmap(example_c, [a, b], budget=[10], n_sims=20, seed=1)


def test_a_single_budget_repeated_over_quarters(example_c) -> None:
    plan = roadmap(example_c, budget=100, quarters=3, n_sims=20, seed=1)
    assert plan.plan.budget_per_quarter == (100.0, 100.0, 100.0)
    assert plan.n_periods == 3
    assert "Q1" in plan.to_dict()["by_period"]


def test_an_exclusion_of_an_initiative_outside_the_plan_is_ignored():
    import cxkit as cx

    j = cx.load_journey("retail_omnichannel")
    chatbot = next(i for i in j.initiatives if i.id == "chatbot")
    assert chatbot.excludes == ("chat_hours",)
    plan = cx.roi.roadmap(j, [chatbot], budget=[10_000_000] * 4, n_sims=200, seed=1)
    assert set(plan.starts) <= {"chatbot"}  # planned (or not) without an error
