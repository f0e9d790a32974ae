"""Tests of cxkit.sim.loyalty against the model reference §4, Example C1 and R2."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1

from cxkit.core.errors import CxkitError
from cxkit.sim.loyalty import (
    DEFAULT_DEFECTION,
    EffortChurnModel,
    ResolutionChurnModel,
    SBGFit,
    calibrate_base_churn,
    churn_from_effort,
    churn_from_outcomes,
    clv_constant,
    clv_elasticity,
    effort_disloyalty,
    proportional_hazard_retention,
    sbg_clv,
    sbg_fit,
    sbg_log_likelihood,
    sbg_pmf,
    sbg_retention,
    sbg_survival,
)

BEFORE = (0.70, 0.20, 0.10)
AFTER = (0.80, 0.15, 0.05)
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]

# ------------------------------------------------------------ Example C1


def test_example_c1_model_va():
    assert DEFAULT_DEFECTION == (0.05, 0.09, 0.25)
    # Mean defection d-bar, via contact_rate = phi = 1 and base = 0.
    assert churn_from_outcomes(BEFORE, contact_rate=1.0) == pytest.approx(0.078, abs=1e-12)
    assert churn_from_outcomes(AFTER, contact_rate=1.0) == pytest.approx(0.066, abs=1e-12)
    base = calibrate_base_churn(0.2, BEFORE, 0.5)
    assert base == pytest.approx(0.161, abs=1e-12)
    assert churn_from_outcomes(BEFORE, contact_rate=0.5, base=base) == pytest.approx(0.2, abs=1e-12)
    churn = churn_from_outcomes(AFTER, contact_rate=0.5, phi=1.0, base=base)
    assert churn == pytest.approx(0.194, abs=1e-12)
    r = 1 - churn
    assert r == pytest.approx(0.806, abs=1e-12)
    before, after = clv_constant(100, 0.8, 0.10), clv_constant(100, r, 0.10)
    assert before == pytest.approx(800 / 3, abs=1e-9)
    assert round(before, 4) == 266.6667
    assert round(after, 4) == 274.1497
    assert round(after - before, 5) == 7.48299
    assert round(clv_elasticity(0.8, 0.10), 4) == 3.6667


def test_example_c1_with_the_model_class():
    model = ResolutionChurnModel.calibrate(0.2, BEFORE, contact_rate=0.5)
    assert model.base == pytest.approx(0.161, abs=1e-12)
    assert model.phi == 1.0
    assert model.defection == (0.05, 0.09, 0.25)
    assert model.churn(BEFORE) == pytest.approx(0.2, abs=1e-12)
    assert model.retention(AFTER) == pytest.approx(0.806, abs=1e-12)
    with pytest.raises(AttributeError):
        model.base = 0.0  # type: ignore[misc]


def test_fcr_initiative_delta_churn():
    # Moving x of mass from unresolved to FCR: delta = -p * phi * x * (0.25 - 0.05).
    x, p, phi = 0.04, 0.5, 0.6
    before = churn_from_outcomes(BEFORE, contact_rate=p, phi=phi, base=0.1)
    after = churn_from_outcomes((0.74, 0.20, 0.06), contact_rate=p, phi=phi, base=0.1)
    assert after - before == pytest.approx(-p * phi * x * 0.20, abs=1e-12)


def test_churn_from_outcomes_broadcasts_scenarios():
    got = churn_from_outcomes([BEFORE, AFTER], contact_rate=0.5, base=0.161)
    assert np.allclose(got, [0.2, 0.194], atol=1e-12)
    phis = np.array([0.2, 0.5, 1.0])
    got = churn_from_outcomes(AFTER, contact_rate=0.5, phi=phis)
    assert np.allclose(got, 0.5 * phis * 0.066, atol=1e-12)


def test_delight_has_no_effect_by_default_and_a_capped_bonus():
    plain = churn_from_outcomes(AFTER, contact_rate=0.5, base=0.161)
    assert churn_from_outcomes(AFTER, contact_rate=0.5, base=0.161, delight_share=0.3) == plain
    bonus = churn_from_outcomes(
        AFTER, contact_rate=0.5, base=0.161, delight_share=0.3, delight_bonus=0.01
    )
    assert plain - bonus == pytest.approx(0.5 * 0.3 * 0.01, abs=1e-15)
    model = ResolutionChurnModel(contact_rate=0.5, base=0.161, delight_bonus=0.005)
    assert model.churn(AFTER, delight_share=1.0) == pytest.approx(0.194 - 0.0025, abs=1e-12)


def test_churn_is_clipped_to_a_probability():
    assert churn_from_outcomes((0, 0, 1), contact_rate=1.0, phi=5.0, base=0.9) == 1.0


# ----------------------------------------------------------------- model V-B


def test_effort_disloyalty_anchors_and_interpolation():
    assert effort_disloyalty(1.0) == 0.09
    assert effort_disloyalty(2.0) == 0.09
    assert effort_disloyalty(3.0) == pytest.approx(0.525, abs=1e-15)
    assert effort_disloyalty(4.0) == 0.96
    assert effort_disloyalty(5.0) == 0.96
    got = effort_disloyalty(np.array([[1.5, 2.5], [3.5, 4.5]]))
    assert got.shape == (2, 2)
    assert np.allclose(got, [[0.09, 0.3075], [0.7425, 0.96]], atol=1e-15)


def test_churn_from_effort_and_model():
    # Example A's CES of 2.5, and 2.0 with CRM integration.
    assert churn_from_effort(2.5, contact_rate=0.5) == pytest.approx(0.5 * 0.1 * 0.3075)
    assert churn_from_effort(2.5, contact_rate=0.5, phi_e=0.2, base=0.1) == pytest.approx(
        0.1 + 0.5 * 0.2 * 0.3075
    )
    model = EffortChurnModel.calibrate(0.2, 2.5, contact_rate=0.5)
    assert model.phi_e == 0.10
    assert model.churn(2.5) == pytest.approx(0.2, abs=1e-12)
    assert model.churn(2.0) - model.churn(2.5) == pytest.approx(
        -0.5 * 0.1 * (0.3075 - 0.09), abs=1e-12
    )
    assert model.retention(2.0) == pytest.approx(1 - model.churn(2.0), abs=1e-15)
    assert EffortChurnModel.calibrate(0.2, [2.0, 3.0], contact_rate=0.5).base == pytest.approx(
        0.2 - 0.05 * (0.09 + 0.525) / 2
    )


# --------------------------------------------------------- constant retention


def test_clv_margin_multiple_sanity_s4():
    def multiple(r):
        return clv_constant(1.0, r, 0.10)

    assert round(multiple(0.85) / multiple(0.80) - 1, 3) == 0.275
    assert round(multiple(0.95) / multiple(0.90) - 1, 3) == 0.407


def test_clv_forms():
    m, r, d = 100.0, 0.8, 0.1
    assert clv_constant(m, r, d, include_t0=True) == pytest.approx(m * 1.1 / 0.3, rel=1e-12)
    assert clv_constant(m, r, d, horizon=0) == 0.0
    assert clv_constant(m, r, d, horizon=1) == pytest.approx(m * r / (1 + d), rel=1e-12)
    assert clv_constant(m, r, d, horizon=2000) == pytest.approx(clv_constant(m, r, d), rel=1e-12)
    assert clv_constant(m, 1.0, 0.0, horizon=5) == 500.0
    assert clv_constant(m, r, d, horizon=3, include_t0=True) == pytest.approx(
        m * sum((r / (1 + d)) ** t for t in range(4)), rel=1e-12
    )
    got = clv_constant(m, np.array([0.8, 0.9]), d)
    assert np.allclose(got, [800 / 3, 450], rtol=1e-12)
    assert clv_constant(m, r) == clv_constant(m, r, 0.10)  # 10 %/yr default


def test_clv_elasticity_matches_finite_difference():
    assert round(clv_elasticity(0.88, 0.12), 4) == 4.6667
    r, d, h = 0.8, 0.1, 1e-6
    for include_t0 in (False, True):

        def log_clv(x, flag=include_t0):
            return math.log(clv_constant(100, x, d, include_t0=flag))

        numeric = (log_clv(r * (1 + h)) - log_clv(r * (1 - h))) / (2 * h)
        exact = clv_elasticity(r, d, include_t0=include_t0)
        assert numeric == pytest.approx(exact, rel=1e-6)


def test_proportional_hazard_retention():
    assert proportional_hazard_retention(0.8, 0.194 / 0.2) == pytest.approx(0.806, abs=1e-12)
    assert proportional_hazard_retention(0.8, 1.0) == pytest.approx(0.8, abs=1e-15)
    got = proportional_hazard_retention(np.array([0.5, 0.9]), 2.0)
    assert np.allclose(got, [0.0, 0.8])


# ----------------------------------------------------------------------- sBG


def test_sbg_unit_check_alpha_beta_one():
    s = sbg_survival(1.0, 1.0, [0, 1, 2, 3, 4])
    assert np.allclose(s, [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5], atol=1e-14)
    assert sbg_survival(1.0, 1.0, 3) == pytest.approx(0.25, abs=1e-14)


@settings(max_examples=100, deadline=None)
@given(
    a=st.floats(min_value=0.05, max_value=20.0),
    b=st.floats(min_value=0.05, max_value=20.0),
)
def test_sbg_closed_forms_match_the_recursions(a, b):
    t = np.arange(1, 16)
    s, r, p = sbg_survival(a, b, t), sbg_retention(a, b, t), sbg_pmf(a, b, t)
    s_rec, p_rec = [1.0], [a / (a + b)]
    for k in range(1, 16):
        s_rec.append((b + k - 1) / (a + b + k - 1) * s_rec[-1])
        if k > 1:
            p_rec.append((b + k - 2) / (a + b + k - 1) * p_rec[-1])
    assert np.allclose(s, s_rec[1:], rtol=1e-10)
    assert np.allclose(p, p_rec, rtol=1e-10)
    assert np.allclose(r, np.asarray(s_rec[1:]) / np.asarray(s_rec[:-1]), rtol=1e-10)
    assert np.allclose(p, np.asarray(s_rec[:-1]) - np.asarray(s_rec[1:]), rtol=1e-9, atol=1e-15)


def test_r2_regular_cohort_fit_and_projection():
    fit = sbg_fit(REGULAR[:8])
    assert isinstance(fit, SBGFit)
    assert fit.converged
    assert abs(fit.alpha - 0.704) < 1e-2
    assert abs(fit.beta - 1.182) < 1e-2
    assert abs(fit.log_likelihood - (-1680.27)) < 0.05
    # "cxkit refit reproduces these to three decimals" (model reference R2).
    assert (round(fit.alpha, 3), round(fit.beta, 3)) == (0.704, 1.182)
    assert fit.log_likelihood == pytest.approx(sbg_log_likelihood(fit.alpha, fit.beta, REGULAR[:8]))
    projected = fit.project(range(8, 13))
    assert [round(float(x), 1) for x in projected] == [220.1, 204.4, 191.2, 179.9, 170.0]
    assert fit.project(0) == 1000.0
    assert fit.survival(7) * 1000 == pytest.approx(fit.project(7))
    assert (fit.cohort_size, fit.n_periods) == (1000.0, 7)
    assert json.loads(json.dumps(fit.to_dict()))["n_periods"] == 7


def test_sbg_fit_recovers_its_own_parameters():
    a, b = 0.5, 2.5
    survivors = 1e6 * sbg_survival(a, b, np.arange(0, 30))
    fit = sbg_fit(survivors)
    assert fit.alpha == pytest.approx(a, rel=1e-4)
    assert fit.beta == pytest.approx(b, rel=1e-4)


def test_sbg_fit_is_the_maximum():
    fit = sbg_fit(REGULAR[:8])
    for da, db in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        other = sbg_log_likelihood(fit.alpha + da, fit.beta + db, REGULAR[:8])
        assert other < fit.log_likelihood


@pytest.mark.parametrize(("a", "b", "d"), [(1.0, 1.0, 0.1), (0.704, 1.182, 0.1), (0.5, 3.0, 0.01)])
def test_sbg_clv_matches_hypergeometric_closed_form(a, b, d):
    # Fader & Hardie (2010): E[CLV] = m * 2F1(1, beta; alpha + beta; 1/(1 + d)).
    assert sbg_clv(a, b, 100.0, d) == pytest.approx(
        100 * hyp2f1(1, b, a + b, 1 / (1 + d)), rel=1e-9
    )


def test_sbg_clv_counts_the_t0_payment():
    # A cohort that never churns (beta huge) is a perpetuity paid in advance.
    assert sbg_clv(1e-9, 1e9, 1.0, 0.25) == pytest.approx(1.25 / 0.25, rel=1e-6)
    fit = sbg_fit(REGULAR[:8])
    assert fit.clv(100) == sbg_clv(fit.alpha, fit.beta, 100, 0.10)


# --------------------------------------------------------------- bad inputs

SHARES_MSG = (
    "`shares` must be three shares (FCR, multi-contact, unresolved) in [0, 1] that sum to 1"
)
SURVIVORS_MSG = (
    "`survivors` must be survivors per period t = 0..T starting with the cohort size: at "
    "least two non-negative, non-increasing counts with a positive first count"
)

BAD_INPUTS = [
    (
        lambda: churn_from_outcomes((0.7, 0.2, 0.2), contact_rate=0.5),
        f"{SHARES_MSG}, got (0.7, 0.2, 0.2) (sum 1.1)",
    ),
    (lambda: churn_from_outcomes((0.7, 0.3), contact_rate=0.5), f"{SHARES_MSG}, got (0.7, 0.3)"),
    (
        lambda: churn_from_outcomes((1.2, -0.2, 0.0), contact_rate=0.5),
        f"{SHARES_MSG}, got 1.2 at index 0",
    ),
    (
        lambda: churn_from_outcomes(BEFORE, contact_rate=1.5),
        "`contact_rate` must be a probability in [0, 1] (share of customers who contact), got 1.5",
    ),
    (
        lambda: churn_from_outcomes(BEFORE, contact_rate=0.5, phi=-0.1),
        "`phi` must be a finite number ≥ 0 (intent-to-behaviour factor), got -0.1",
    ),
    (
        lambda: churn_from_outcomes(BEFORE, contact_rate=0.5, defection=(0.05, 0.09)),
        "`defection` must be three defection probabilities (FCR, multi-contact, unresolved) "
        "in [0, 1], got (0.05, 0.09)",
    ),
    (
        lambda: churn_from_outcomes(BEFORE, contact_rate=0.5, delight_bonus=0.02),
        "`delight_bonus` must be a number in [0, 0.01] "
        "(cxkit model reference §4.4 caps δ_delight), got 0.02",
    ),
    (
        lambda: calibrate_base_churn(0.01, (0, 0, 1), 1.0),
        "`observed_churn` must be at least the contact-driven churn p_contact·φ·Σπd = 0.25 "
        "for a non-negative base churn, got 0.01 (lower `phi` or `contact_rate`)",
    ),
    (
        lambda: ResolutionChurnModel(contact_rate=math.nan),
        "`contact_rate` must be a probability in [0, 1] (share of customers who contact), got nan",
    ),
    (
        lambda: effort_disloyalty(6),
        "`ces5` must be an effort score in [1, 5], got 6",
    ),
    (
        lambda: effort_disloyalty([2, 0.5]),
        "`ces5` must be an effort score in [1, 5], got 0.5 at index 1",
    ),
    (
        lambda: churn_from_effort(3, contact_rate=0.5, phi_e=2),
        "`phi_e` must be a probability in [0, 1] (share of disloyal customers who leave), got 2",
    ),
    (
        lambda: EffortChurnModel.calibrate(0.001, 4.0, contact_rate=1.0),
        "`observed_churn` must be at least the effort-driven churn p_contact·φ_e·g(CES) = "
        "0.096 for a non-negative base churn, got 0.001 (lower `phi_e` or `contact_rate`)",
    ),
    (
        lambda: clv_constant(100, 1.2),
        "`retention` must be a probability in [0, 1] (retention per period), got 1.2",
    ),
    (
        lambda: clv_constant(100, 1.0, 0.0),
        "`retention` must be below 1 + `discount_rate` for an infinite horizon (the CLV "
        "diverges), got retention 1.0 with discount_rate 0.0; pass `horizon=` to truncate",
    ),
    (
        lambda: clv_constant(100, 0.8, -0.1),
        "`discount_rate` must be a finite number ≥ 0 (discount rate per period), got -0.1",
    ),
    (
        lambda: clv_constant(100, 0.8, horizon=2.5),  # type: ignore[arg-type]
        "`horizon` must be a whole number of periods ≥ 0, got 2.5",
    ),
    (
        lambda: clv_constant(math.inf, 0.8),
        "`margin` must be a finite number (margin per period), got inf",
    ),
    (
        lambda: proportional_hazard_retention(0.8, -1),
        "`hazard_ratio` must be a finite number ≥ 0 (churn_new / churn_old), got -1",
    ),
    (
        lambda: sbg_survival(0, 1, 1),
        "`alpha` must be a finite number > 0 (sBG Beta shape α), got 0",
    ),
    (
        lambda: sbg_pmf(1, -1, 1),
        "`beta` must be a finite number > 0 (sBG Beta shape β), got -1",
    ),
    (
        lambda: sbg_survival(1, 1, -1),
        "`periods` must be a whole number of periods ≥ 0, got -1",
    ),
    (
        lambda: sbg_retention(1, 1, [1, 0]),
        "`periods` must be a whole number of periods ≥ 1, got 0 at index 1",
    ),
    (lambda: sbg_fit([1000]), f"{SURVIVORS_MSG}, got [1000]"),
    (lambda: sbg_fit([0, 0]), f"{SURVIVORS_MSG}, got [0, 0]"),
    (
        lambda: sbg_fit([1000, 1100, 900]),
        f"{SURVIVORS_MSG}, got 1100 at index 1 (up from 1000)",
    ),
    (lambda: sbg_fit([1000, -5]), f"{SURVIVORS_MSG}, got -5 at index 1"),
    (
        lambda: sbg_fit([1000, 1000, 1000]),
        "`survivors` must be a cohort that loses at least one customer (otherwise α and β "
        "are not identified), got [1000, 1000, 1000]",
    ),
    (
        lambda: sbg_clv(1, 1, 100, 0.0),
        "`discount_rate` must be a finite number > 0 (discount rate per period), got 0.0",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS)
def test_bad_inputs_raise_cxkit_error_with_message(call, message):
    with pytest.raises(CxkitError) as excinfo:
        call()
    assert str(excinfo.value) == message
