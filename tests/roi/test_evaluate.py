"""cxkit.roi.evaluate: the model reference Example C (C1–C3) exactly, valuation rules checked by
hand, Monte Carlo percentiles against closed forms, common random numbers, bad input."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

import cxkit as cx
from cxkit.core.economics import Distribution, Economics, Effect, EffectChange, Estimate
from cxkit.core.economics import Initiative as Ini
from cxkit.core.errors import CxkitError, JourneyValidationError
from cxkit.roi import PERCENTILE_CONVENTION, evaluate, triangular_ppf
from cxkit.roi.evaluate import PERIODS_PER_YEAR, summarise

ANNUITY = 2.486852  # Σ 1.1^-t, t = 1..3


@pytest.fixture(scope="module")
def example_c() -> cx.Journey:
    return cx.load_journey("roi_example_c")


def c2_case() -> Ini:
    """Model reference Example C2–C3: cost 50,000 at t = 0, 5,000/yr, benefit
    Tri(20k, 30k, 40k)/yr."""
    return Ini(
        "fcr_case",
        cost_one_off=50_000,
        cost_per_period=5_000,
        benefit_per_period=Estimate(20_000, 30_000, 40_000),
    )


# --------------------------------------------------------------------------- Example C


def test_c1_resolution_shares_churn_and_clv(example_c) -> None:
    ev = evaluate(example_c, ["faq"], n_sims=100, seed=1)
    base, faq = ev.baseline, ev["faq"].scenario
    assert base.fcr_shares == pytest.approx((0.70, 0.20, 0.10), abs=1e-12)
    assert faq.fcr_shares == pytest.approx((0.80, 0.15, 0.05), abs=1e-12)
    assert base.churn == pytest.approx(0.200, abs=1e-12)  # c_base 0.161 calibrated
    assert faq.churn == pytest.approx(0.194, abs=1e-12)
    assert faq.retention == pytest.approx(0.806, abs=1e-12)
    assert base.clv == pytest.approx(266.6667, abs=1e-4)
    assert faq.clv == pytest.approx(274.1497, abs=1e-4)
    assert faq.clv - base.clv == pytest.approx(7.48299, abs=1e-5)
    # Δchurn 0.006 × margin 100 × 50,000 customers = 30,000 a year (C1 → C2)
    assert ev["faq"].benefits["retained_margin"] == pytest.approx(30_000, rel=1e-12)
    assert ev["faq"].value_source == "npv"  # C4's NPV of 70 is the business case
    assert ev["faq"].risk_adjusted.npv == 70


def test_c2_cash_flow_metrics(example_c) -> None:
    ev = evaluate(example_c, [c2_case()], n_sims=100, seed=1, periods="year")
    r = ev["fcr_case"]
    assert r.benefit_flows == pytest.approx((0, 30_000, 30_000, 30_000))
    assert r.cost_flows == pytest.approx((50_000, 5_000, 5_000, 5_000))
    s = r.summary
    assert s.pv_benefits == pytest.approx(74_605.56, abs=0.01)
    assert s.pv_costs == pytest.approx(62_434.26, abs=0.01)
    assert s.npv == pytest.approx(12_171.30, abs=0.01)
    assert s.roi == pytest.approx(0.19495, abs=1e-5)
    assert s.irr == pytest.approx(0.23375, abs=1e-5)
    assert s.payback == pytest.approx(2.0, abs=1e-12)
    assert s.discounted_payback == pytest.approx(2.352, abs=1e-3)
    # TEI with the economics' defaults ρ_B 0.10, ρ_C 0.05; and ρ_C 0
    assert r.risk_adjusted.npv == pytest.approx(1_589.03, abs=0.01)
    econ = replace(example_c.economics, risk_cost=0.0)
    r0 = evaluate(example_c, [c2_case()], economics=econ, n_sims=100, seed=1, periods="year")
    assert r0["fcr_case"].risk_adjusted.npv == pytest.approx(4_710.74, abs=0.01)
    assert r0["fcr_case"].risk_adjusted.roi == pytest.approx(0.07545, abs=1e-5)


def test_c3_monte_carlo_against_the_closed_form(example_c) -> None:
    ev = evaluate(example_c, [c2_case()], n_sims=200_000, seed=12345, periods="year")
    s = ev["fcr_case"].npv
    exact = [ANNUITY * x - 62_434.26 for x in triangular_ppf([0.1, 0.5, 0.9], 20e3, 30e3, 40e3)]
    assert exact == pytest.approx([-1_575.68, 12_171.30, 25_918.28], abs=0.05)
    tol = 0.005 * 20_000 * ANNUITY  # Model reference Example C3: 0.5 % of the range
    assert abs(s.p10 - exact[0]) < tol
    assert abs(s.p50 - exact[1]) < tol
    assert abs(s.p90 - exact[2]) < tol
    assert abs(s.prob_negative - 0.130343) < 0.005
    assert s.convention == PERCENTILE_CONVENTION
    assert ev.convention.startswith("P10/P50/P90 = 10th/50th/90th percentile")


# --------------------------------------------------------------------------- valuation rules


def fixed(target: str, field: str | None, value: float, change: str = "set", **kw) -> Effect:
    return Effect(
        target, field, EffectChange(change), value, value, value, Distribution.FIXED, **kw
    )


def test_cost_to_serve_saving_example_b() -> None:
    # Example B's FAQ saves 210 − 143.33 = 66.67 JPY of contacts per journey
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=1000, journeys_per_period=12_000, cash_flow_period="year")
    ev = evaluate(j, ["faq"], economics=econ, n_sims=50, seed=1)
    assert ev.baseline.contact_cost == pytest.approx(210.0, abs=1e-9)
    assert ev["faq"].scenario.contact_cost == pytest.approx(10 + 600 * 2 / 9, abs=1e-9)

    def reexplain(p_web_phone: float) -> float:  # context losses × 60 s × 600 JPY / 360 s
        losses = p_web_phone + (p_web_phone / 0.9) * 0.1 * 0.5
        return losses * 60 * 600 / 360

    assert ev.baseline.reexplain_cost == pytest.approx(reexplain(0.3), abs=1e-9)
    assert ev["faq"].scenario.reexplain_cost == pytest.approx(reexplain(0.2), abs=1e-9)
    saving = (210 + reexplain(0.3)) - (10 + 1200 / 9 + reexplain(0.2))
    assert ev["faq"].benefits["cost_to_serve"] == pytest.approx(12_000 * saving)


def test_reexplanation_time_is_costed_at_the_receiving_touchpoint() -> None:
    # web → phone loses context (κ 0): 0.3 losses × 60 s × 600 JPY / 360 s = 30 JPY
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=1000, cash_flow_period="year")
    ev = evaluate(j, ["crm"], economics=econ, n_sims=50, seed=1)
    # phone → phone (κ 0.5) also loses: (1/30)·0.5 × 60 × 600/360
    base_extra = (0.3 + (1 / 30) * 0.5) * 60 * 600 / 360
    assert ev.baseline.cost_per_journey == pytest.approx(210 + base_extra, abs=1e-9)
    assert ev["crm"].scenario.cost_per_journey == pytest.approx(
        210 + (1 / 30) * 0.5 * 60 * 600 / 360, abs=1e-9
    )


def test_quarterly_flows_ramp_and_risk_adjustment() -> None:
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=0, risk_benefit=0.1, risk_cost=0.05, horizon_years=1)
    ini = Ini(
        "x",
        cost_one_off=1000,
        cost_per_period=400,  # a year: 100 a quarter
        ramp_up_periods=2,
        benefit_per_period=Estimate.fixed(4000),  # a year: 1000 a quarter
    )
    r = evaluate(j, [ini], economics=econ, n_sims=20, seed=1)["x"]
    assert r.benefit_flows == pytest.approx((0, 500, 1000, 1000, 1000))
    assert r.cost_flows == pytest.approx((1000, 100, 100, 100, 100))
    d = 1.1 ** (1 / 4) - 1
    disc = (1 + d) ** -np.arange(5)
    net_ra = np.array(r.benefit_flows) * 0.9 - np.array(r.cost_flows) * 1.05
    assert r.risk_adjusted.npv == pytest.approx(float(net_ra @ disc), rel=1e-12)
    assert r.npv_risk_adjusted.p50 == pytest.approx(float(net_ra @ disc), rel=1e-12)
    assert r.npv_fan[-1][1] == pytest.approx(float(net_ra @ disc), rel=1e-12)
    assert r.npv_fan[0][1] == pytest.approx(-1050.0)


def test_value_basis_clv(example_c) -> None:
    econ = replace(example_c.economics, value_basis="clv")
    ev = evaluate(example_c, ["faq"], economics=econ, n_sims=50, seed=1)
    r_new = 0.806
    per_customer = 100 * 1.1 / (1.1 - r_new)  # CLV with the period's margin
    assert ev["faq"].benefits["retained_margin"] == pytest.approx(0.006 * 50_000 * per_customer)


def test_journey_churn_outcomes_are_losses_and_economics_churn_effects(example_c) -> None:
    # predictive outreach multiplies the churn rate: 0.2 × 0.9 → 0.18
    ini = Ini("outreach", effects=(fixed("economics:churn", None, 0.9, "multiply"),))
    ev = evaluate(example_c, [ini], n_sims=50, seed=1)
    assert ev["outreach"].scenario.churn == pytest.approx(0.18, abs=1e-12)
    assert ev["outreach"].benefits["retained_margin"] == pytest.approx(0.02 * 50_000 * 100)
    # a journey that ends in a churn outcome is a customer lost (not scaled by φ)
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=100, contact_rate=1.0, phi=0.0, margin_per_customer=1.0)
    ev2 = evaluate(j, ["faq"], economics=econ, n_sims=20, seed=1)
    assert ev2.baseline.churn == pytest.approx(7 / 30, abs=1e-12)
    assert ev2["faq"].scenario.churn == pytest.approx(2 / 9, abs=1e-12)


def test_effort_model_uses_ces(example_c) -> None:
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=1000, margin_per_customer=100, contact_rate=1.0, baseline_churn=0.3)
    ev = evaluate(
        j, ["crm", "same_operator"], economics=econ, churn_model="effort", n_sims=50, seed=1
    )
    assert ev.baseline.churn == pytest.approx(0.3, abs=1e-12)  # calibrated
    crm = ev["crm"].scenario
    # CRM removes the web → phone re-explanation: lower CES, lower churn
    assert crm.ces < ev.baseline.ces
    assert crm.churn < ev.baseline.churn
    assert ev["crm"].benefits["retained_margin"] > 0


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_percentiles_of_a_modelled_effect_match_the_closed_form(example_c) -> None:
    # NPV is increasing and linear in p = P(first_contact → resolved): its percentiles are
    # the NPVs at the triangular quantiles of p
    tri = (0.72, 0.75, 0.80)
    eff = Effect("handoff:first_contact->resolved", "probability", EffectChange.SET, *tri)
    ini = Ini("p", cost_one_off=5_000, effects=(eff,))
    ev = evaluate(example_c, [ini], n_sims=100_000, seed=3, periods="year")
    got = ev["p"].npv
    want = []
    for q in triangular_ppf([0.1, 0.5, 0.9], *tri):
        point = Ini("p", cost_one_off=5_000, effects=(replace(eff, low=q, mode=q, high=q),))
        want.append(
            evaluate(example_c, [point], n_sims=10, seed=1, periods="year")["p"].summary.npv
        )
    npv_range = abs(want[2] - want[0]) / 0.8
    assert got.p10 == pytest.approx(want[0], abs=0.01 * npv_range)
    assert got.p50 == pytest.approx(want[1], abs=0.01 * npv_range)
    assert got.p90 == pytest.approx(want[2], abs=0.01 * npv_range)
    assert got.se_p50 < 0.01 * npv_range


def test_common_random_numbers_and_seeds(example_c) -> None:
    a = evaluate(example_c, ["crm", "chat"], n_sims=500, seed=9)
    b = evaluate(example_c, ["chat"], n_sims=500, seed=9)
    c = evaluate(example_c, ["chat"], n_sims=500, seed=10)
    assert np.array_equal(a["chat"].draws, b["chat"].draws)  # same draws alone or with others
    assert a["chat"].npv_risk_adjusted == b["chat"].npv_risk_adjusted
    assert not np.array_equal(b["chat"].draws, c["chat"].draws)
    ev = evaluate(cx.load_journey("subscription_support"), n_sims=300, seed=4)
    again = evaluate(cx.load_journey("subscription_support"), n_sims=300, seed=4)
    assert [r.npv_risk_adjusted for r in ev] == [r.npv_risk_adjusted for r in again]


def test_phi_is_sampled_and_in_the_tornado() -> None:
    j = cx.load_journey("subscription_support")
    ev = evaluate(j, ["operator_empowerment"], n_sims=2_000, seed=2)
    r = ev["operator_empowerment"]
    names = [s.name for s in r.sensitivity]
    assert "phi" in names and "effects[0]" in names
    phi = next(s for s in r.sensitivity if s.name == "phi")
    assert (phi.low, phi.high) == (0.2, 1.0)
    assert phi.npv_high > phi.npv_low  # more churn is avoided when intent converts more
    swings = [s.swing for s in r.sensitivity]
    assert swings == sorted(swings, reverse=True)
    assert r.npv_risk_adjusted.p10 < r.risk_adjusted.npv < r.npv_risk_adjusted.p90


def test_summarise_standard_errors_match_the_bootstrap() -> None:
    x = np.random.default_rng(0).gamma(2.0, 1.0, size=20_000)
    s = summarise(x)
    boot = cx.roi.percentiles(x, seed=1, n_boot=200)
    for a, b in ((s.se_p10, boot.se_p10), (s.se_p50, boot.se_p50), (s.se_p90, boot.se_p90)):
        assert a == pytest.approx(b, rel=0.35)
    assert (s.p10, s.p50, s.p90) == (boot.p10, boot.p50, boot.p90)


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("name", [t for t in cx.list_templates()])
def test_every_template_evaluates(name: str) -> None:
    j = cx.load_journey(name)
    econ = j.economics or Economics(customers=10_000, margin_per_customer=1_000)
    ev = evaluate(j, economics=econ, n_sims=200, seed=1)
    assert len(ev) == len(j.initiatives)
    for r in ev:
        assert math.isfinite(r.risk_adjusted.npv)
        # an initiative with its own cash-flow period has its own grid over the horizon
        years = ev.horizon_periods / ev.periods_per_year
        assert len(r.npv_fan) == round(years * PERIODS_PER_YEAR[r.period]) + 1
        assert len(r.benefit_flows) == len(r.cost_flows) == len(r.npv_fan)
        assert r.npv_risk_adjusted.p10 <= r.npv_risk_adjusted.p50 <= r.npv_risk_adjusted.p90
    assert sum(ev.baseline.outcome_shares.values()) == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": None}, "`seed` is required"),
        ({"seed": -1}, "`seed` must be a non-negative integer"),
        ({"n_sims": 0}, "`n_sims` must be an integer ≥ 1, got 0"),
        ({"churn_model": "ces"}, "`churn_model` must be 'outcomes'"),
        ({"periods": "week"}, "`periods` must be one of 'year', 'quarter', 'month'"),
        ({"horizon_years": 0}, "`horizon_years` must be a number > 0, got 0"),
    ],
)
def test_bad_arguments(example_c, kwargs, message) -> None:
    args = {"n_sims": 10, "seed": 1, **kwargs}
    with pytest.raises(CxkitError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate(example_c, **args)


def test_bad_initiatives_and_missing_economics(example_c) -> None:
    with pytest.raises(CxkitError, match="unknown initiative 'fqa'; did you mean 'faq'"):
        evaluate(example_c, ["fqa"], n_sims=10, seed=1)
    with pytest.raises(CxkitError, match="has no economics"):
        evaluate(replace(cx.load_journey("billing_inquiry"), economics=None), [], n_sims=10, seed=1)
    bad = Ini(
        "x",
        effects=(
            Effect("handoff:first_contact->nowhere", "probability", low=0.1, mode=0.2, high=0.3),
            Effect("touchpoint:first_contact", "cost_per_contact", low=3, mode=2, high=1),
        ),
    )
    with pytest.raises(JourneyValidationError) as info:
        evaluate(example_c, [bad], n_sims=10, seed=1)
    text = str(info.value)
    assert "initiatives[0].effects[0].target: unknown touchpoint or outcome 'nowhere'" in text
    assert "initiatives[0].effects[1].low: range is not ordered: low=3, mode=2, high=1" in text
    with pytest.raises(CxkitError, match=r"`initiatives\[0\]` must be an Initiative"):
        evaluate(example_c, [42], n_sims=10, seed=1)
