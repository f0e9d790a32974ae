"""Conversion value (``economics.value_per_outcome``) and per-initiative cash-flow
periods, checked against hand-computed values (model reference Example B and C2)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import cxkit as cx
from cxkit.core.economics import Economics, Estimate, Initiative
from cxkit.core.errors import JourneyValidationError
from cxkit.io import dump_journey, loads_journey
from cxkit.roi import evaluate, roadmap

# Model reference Example B: P(resolved) 23/30 before and 7/9 after the FAQ initiative
DELTA_RESOLVED = 7 / 9 - 23 / 30


@pytest.fixture(scope="module")
def example_b() -> cx.Journey:
    return cx.load_journey("web_phone_faq")


def econ(**kw) -> Economics:
    base = {"customers": 1000, "journeys_per_period": 12_000, "cash_flow_period": "year"}
    return Economics(**{**base, **kw})


def test_conversion_is_delta_p_times_journeys_times_value(example_b) -> None:
    ev = evaluate(example_b, ["faq"], economics=econ(value_per_outcome={"resolved": 500}),
                  n_sims=50, seed=1)  # fmt: skip
    assert ev.baseline.outcome_shares["resolved"] == pytest.approx(23 / 30, abs=1e-12)
    faq = ev["faq"]
    assert faq.scenario.outcome_shares["resolved"] == pytest.approx(7 / 9, abs=1e-12)
    assert faq.benefits["conversion"] == pytest.approx(DELTA_RESOLVED * 12_000 * 500, rel=1e-9)
    assert faq.benefits["conversion"] == pytest.approx(66_666.667, abs=1e-3)
    parts = ("retained_margin", "cost_to_serve", "spend_uplift", "margin_change", "conversion",
             "business_case")  # fmt: skip
    assert faq.benefits["total"] == pytest.approx(sum(faq.benefits[k] for k in parts))
    # a value on the other outcome adds its own ΔP: P(churn) falls by the same amount
    both = evaluate(example_b, ["faq"], n_sims=50, seed=1,
                    economics=econ(value_per_outcome={"resolved": 500, "churn": -200}))  # fmt: skip
    assert both["faq"].benefits["conversion"] == pytest.approx(
        DELTA_RESOLVED * 12_000 * (500 + 200), rel=1e-9
    )


def test_conversion_is_zero_by_default_and_changes_nothing_else(example_b) -> None:
    plain = evaluate(example_b, ["faq"], economics=econ(), n_sims=200, seed=3)["faq"]
    valued = evaluate(example_b, ["faq"], economics=econ(value_per_outcome={"resolved": 500}),
                      n_sims=200, seed=3)["faq"]  # fmt: skip
    assert plain.benefits["conversion"] == 0.0
    extra = DELTA_RESOLVED * 12_000 * 500
    assert valued.benefits["total"] - plain.benefits["total"] == pytest.approx(extra, rel=1e-9)
    # the yearly benefit flows t = 1..3 carry the extra value, before risk adjustment
    diff = [a - b for a, b in zip(valued.benefit_flows, plain.benefit_flows, strict=True)]
    assert diff == pytest.approx([0.0, extra, extra, extra], rel=1e-9)
    # risk-adjusted: ρ_B 0.10, discounted at 10 % a year for 3 years (annuity 2.486852)
    gain = valued.risk_adjusted.npv - plain.risk_adjusted.npv
    assert gain == pytest.approx(0.9 * extra * 2.486852, rel=1e-6)


def test_conversion_follows_each_draw(example_b) -> None:
    # web → resolved 0.6 is the FAQ's fixed effect; a draw of it changes ΔP per row
    from cxkit.core.economics import Distribution, Effect, EffectChange

    ini = Initiative("f", effects=(
        Effect("handoff:web->resolved", "probability", EffectChange.SET, 0.5, 0.6, 0.7,
               Distribution.UNIFORM),
        Effect("handoff:web->phone", "probability", EffectChange.SET, 0.2, 0.2, 0.2,
               Distribution.FIXED),
    ))  # fmt: skip
    ev = evaluate(example_b, [ini], economics=econ(value_per_outcome={"resolved": 1000}),
                  n_sims=4000, seed=2)  # fmt: skip
    r = ev["f"]
    assert r.benefits["conversion"] == pytest.approx(DELTA_RESOLVED * 12_000_000, rel=1e-9)
    assert r.npv.p10 < r.summary.npv < r.npv.p90  # the draws spread the value
    assert 0.0 < r.npv.prob_negative < 1.0  # web → resolved 0.5 loses conversion


def test_unknown_outcome_id_is_an_error_with_a_suggestion(example_b) -> None:
    with pytest.raises(JourneyValidationError) as info:
        evaluate(example_b, ["faq"], economics=econ(value_per_outcome={"resolvd": 1}),
                 n_sims=5, seed=1)  # fmt: skip
    text = str(info.value)
    assert "economics.value_per_outcome.resolvd" in text
    assert "did you mean 'resolved'" in text


def test_value_per_outcome_must_be_numbers() -> None:
    with pytest.raises(ValueError, match=r"value_per_outcome\['purchase'\] must be a number"):
        Economics(value_per_outcome={"purchase": "a lot"})
    with pytest.raises(ValueError, match="finite"):
        Economics(value_per_outcome={"purchase": float("inf")})


def test_value_per_outcome_and_cash_flow_period_round_trip(example_b) -> None:
    ini = Initiative("case", cost_one_off=10, benefit_per_period=Estimate.fixed(5),
                     cash_flow_period="year")  # fmt: skip
    j = example_b.replace(
        economics=econ(value_per_outcome={"resolved": 1200.5}), initiatives=(ini,)
    )
    text = dump_journey(j)
    assert "value_per_outcome:" in text and "cash_flow_period: year" in text
    back = loads_journey(text)
    assert back.economics == j.economics
    assert back.economics.value_per_outcome == {"resolved": 1200.5}
    assert back.initiatives[0].cash_flow_period == "year"


def test_schema_rejects_a_bad_value_per_outcome() -> None:
    from cxkit.core.errors import CxkitError

    text = dump_journey(replace(cx.load_journey("web_phone_faq"), economics=None))
    assert "economics:" not in text
    text += "economics:\n  customers: 10\n  value_per_outcome: {resolved: many}\n"
    with pytest.raises(CxkitError, match="value_per_outcome"):
        loads_journey(text)


def test_yearly_business_case_in_a_quarterly_roadmap() -> None:
    # Model reference Example C2 as an initiative with its own yearly flows, planned per quarter
    j = cx.load_journey("roi_example_c")
    case = Initiative("c2", cost_one_off=50_000, cost_per_period=5_000,
                      benefit_per_period=Estimate(20_000, 30_000, 40_000),
                      cash_flow_period="year")  # fmt: skip
    ev = evaluate(j, [case], n_sims=2000, seed=1)
    r = ev["c2"]
    assert (ev.period, r.period) == ("quarter", "year")
    assert r.cost_flows == pytest.approx((50_000, 5_000, 5_000, 5_000))
    assert r.summary.npv == pytest.approx(12_171.30, abs=0.01)
    # budgets see quarterly spend: 50,000 at the start, then 5,000 / 4 a quarter
    assert r.cost_schedule(3) == pytest.approx((50_000, 1_250, 1_250))
    values = r.value_by_start(2)
    assert values[1] == pytest.approx(values[0] / (1 + ev.rate))  # one quarter later
    plan = roadmap(j, [case], budget=[60_000, 10_000], evaluation=ev, seed=1)
    assert plan.plan.starts == {"c2": 1}
    assert plan.plan.spend_per_quarter == pytest.approx((50_000, 1_250))
