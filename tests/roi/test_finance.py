"""cxkit.roi.finance against the model reference §8 Example C2, closed forms and brute force."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxkit.core.errors import CxkitError
from cxkit.roi.finance import (
    CashFlowSummary,
    annual_to_period_rate,
    irr,
    npv,
    payback_period,
    present_value,
    roi,
    summarize_cash_flows,
    tei_adjust,
)

BENEFITS = [0, 30000, 30000, 30000]
COSTS = [50000, 5000, 5000, 5000]
NET = [-50000, 25000, 25000, 25000]
MONEY = 1e-2
RATE = 1e-5


# --------------------------------------------------------------------------- Example C2


def test_c2_present_values_npv_roi() -> None:
    assert present_value([0, 1, 1, 1], 0.10) == pytest.approx(2.486852, abs=1e-6)
    assert present_value(BENEFITS, 0.10) == pytest.approx(74605.56, abs=MONEY)
    assert present_value(COSTS, 0.10) == pytest.approx(62434.26, abs=MONEY)
    assert npv(0.10, NET) == pytest.approx(12171.30, abs=MONEY)
    assert roi(BENEFITS, COSTS, 0.10) == pytest.approx(0.19495, abs=RATE)


def test_c2_tei_risk_adjusted() -> None:
    b, c = tei_adjust(BENEFITS, COSTS, risk_benefit=0.10, risk_cost=0.0)
    assert npv(0.10, b - c) == pytest.approx(4710.74, abs=MONEY)
    assert roi(b, c, 0.10) == pytest.approx(0.07545, abs=RATE)
    b, c = tei_adjust(BENEFITS, COSTS, risk_benefit=0.10, risk_cost=0.05)
    assert npv(0.10, b - c) == pytest.approx(1589.03, abs=MONEY)


def test_c2_payback_and_irr() -> None:
    assert payback_period(NET) == pytest.approx(2.000, abs=1e-12)
    assert payback_period(NET, rate=0.10) == pytest.approx(2.352, abs=5e-4)
    # exact: 2 + 6611.570…/18782.870…
    assert payback_period(NET, rate=0.10) == pytest.approx(
        2 + (50000 - 25000 / 1.1 - 25000 / 1.21) / (25000 / 1.331), rel=1e-12
    )
    assert irr(NET) == pytest.approx(0.23375, abs=RATE)
    assert npv(irr(NET), NET) == pytest.approx(0.0, abs=1e-6)


def test_c2_summary() -> None:
    s = summarize_cash_flows(BENEFITS, COSTS, 0.10)
    assert isinstance(s, CashFlowSummary)
    assert s.pv_benefits == pytest.approx(74605.56, abs=MONEY)
    assert s.pv_costs == pytest.approx(62434.26, abs=MONEY)
    assert s.npv == pytest.approx(12171.30, abs=MONEY)
    assert s.roi == pytest.approx(0.19495, abs=RATE)
    assert s.irr == pytest.approx(0.23375, abs=RATE)
    assert s.payback == pytest.approx(2.0)
    assert s.discounted_payback == pytest.approx(2.352, abs=5e-4)
    t = summarize_cash_flows(BENEFITS, COSTS, 0.10, risk_benefit=0.10)
    assert (t.npv, t.roi) == (pytest.approx(4710.74, abs=MONEY), pytest.approx(0.07545, abs=RATE))
    u = summarize_cash_flows(BENEFITS, COSTS, 0.10, risk_benefit=0.10, risk_cost=0.05)
    assert u.npv == pytest.approx(1589.03, abs=MONEY)
    d = u.to_dict()
    assert set(d) >= {"pv_benefits", "pv_costs", "npv", "roi", "irr", "payback"}
    assert d["risk_cost"] == 0.05 and all(isinstance(v, float) for v in d.values())


def test_summary_is_frozen() -> None:
    s = summarize_cash_flows(BENEFITS, COSTS, 0.10)
    with pytest.raises(AttributeError):
        s.npv = 0.0  # type: ignore[misc]


# --------------------------------------------------------------------------- conventions


def test_npv_t0_is_undiscounted_and_spreadsheet_differs() -> None:
    assert npv(0.10, [100]) == 100.0
    assert npv(0.10, [0, 110]) == pytest.approx(100.0)
    # Spreadsheet NPV() discounts the first value: NPV_xl(r, v) = npv(r, [0, *v]) = npv(r, v)/(1+r)
    assert npv(0.10, [0, *NET]) == pytest.approx(npv(0.10, NET) / 1.1)


def test_npv_matches_numpy_financial_when_installed() -> None:
    npf = pytest.importorskip("numpy_financial")
    for rate, flows in [(0.10, NET), (0.024, [-5, 1, 2, 3, -1]), (-0.5, [1, 2])]:
        assert npv(rate, flows) == pytest.approx(float(npf.npv(rate, flows)), rel=1e-12)
    assert irr(NET) == pytest.approx(float(npf.irr(NET)), abs=1e-10)


def test_present_value_vectorised_rows() -> None:
    flows = np.array([NET, BENEFITS, COSTS], dtype=float)
    pv = present_value(flows, 0.10)
    assert pv.shape == (3,)
    assert pv.tolist() == pytest.approx([npv(0.10, row) for row in flows.tolist()])


def test_annual_to_period_rate() -> None:
    dq = annual_to_period_rate(0.10, 4)
    assert dq == pytest.approx(1.1**0.25 - 1, abs=1e-15)
    assert dq == pytest.approx(0.02411, abs=1e-5)
    assert (1 + dq) ** 4 == pytest.approx(1.1)
    assert annual_to_period_rate(0.10, 12) == pytest.approx(1.1 ** (1 / 12) - 1)
    # quarterly flows discounted at d_q equal yearly discounting at 10 %
    assert npv(dq, [0, 0, 0, 0, 110]) == pytest.approx(100.0)


def test_irr_no_sign_change_is_nan() -> None:
    assert math.isnan(irr([100, 10, 10]))
    assert math.isnan(irr([-100, -10]))
    assert math.isnan(irr([0, 0, 0]))


def test_irr_non_conventional_returns_lowest_root() -> None:
    # -100 + 230/(1+r) - 132/(1+r)^2 = 0 at r = 0.10 and r = 0.20
    assert irr([-100, 230, -132]) == pytest.approx(0.10, abs=1e-10)


def test_payback_edges() -> None:
    assert payback_period([10, -5, 1]) == 0.0
    assert payback_period([-100, 10, 10]) == math.inf
    assert payback_period([-100, 50, 50]) == 2.0
    assert payback_period([-100, 40, 40, 40]) == pytest.approx(2.5)
    # first crossing counts, a later dip does not move it
    assert payback_period([-100, 150, -200, 10]) == pytest.approx(100 / 150)
    # never pays back once discounted
    assert payback_period([-100, 105], rate=0.10) == math.inf


def test_roi_zero_costs_is_nan() -> None:
    assert math.isnan(roi([0, 10], [0, 0], 0.1))
    assert math.isnan(summarize_cash_flows([0, 10], [0, 0], 0.1).roi)


# --------------------------------------------------------------------------- properties


flows = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12)
rates = st.floats(-0.5, 1.0)


@given(flows, rates)
def test_npv_equals_brute_force_sum(values: list[float], rate: float) -> None:
    brute = sum(v / (1 + rate) ** t for t, v in enumerate(values))
    assert npv(rate, values) == pytest.approx(brute, rel=1e-9, abs=1e-6)


@settings(max_examples=60)
@given(
    st.floats(100, 1e6),
    st.lists(st.floats(1, 1e6), min_size=1, max_size=10),
)
def test_irr_is_a_root_for_conventional_flows(outlay: float, inflows: list[float]) -> None:
    values = [-outlay, *inflows]
    r = irr(values)
    if math.isnan(r):  # IRR outside [-0.99, 10]
        assert npv(-0.99, values) * npv(10.0, values) > 0
    else:
        assert npv(r, values) == pytest.approx(0.0, abs=1e-6 * (outlay + sum(inflows)))


@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=10), st.floats(0.0, 0.5))
def test_payback_interpolates_a_zero_of_the_cumulative(values: list[float], rate: float) -> None:
    p = payback_period(values, rate=rate)
    disc = [v / (1 + rate) ** t for t, v in enumerate(values)]
    cum = np.cumsum(disc)
    # payback is counted from the first non-zero flow (leading zeros are no gain)
    moving = np.flatnonzero(np.asarray(disc) != 0.0)
    start = int(moving[0]) if moving.size else 0
    if math.isinf(p):
        assert (cum[start:] < 0).all()
    elif p > 0:
        k = math.ceil(p) if p != int(p) else int(p)
        # linear interpolation between Cum_{k-1} and Cum_k hits 0 at p
        frac = p - (k - 1)
        assert cum[k - 1] + frac * disc[k] == pytest.approx(0.0, abs=1e-6 * (1 + abs(disc[k])))
        assert (cum[start:k] < 0).all()


# --------------------------------------------------------------------------- bad inputs


BAD_INPUTS = [
    (
        lambda: npv(0.1, 5),
        "`values` must be a sequence of cash flows (values[0] at t=0), got the scalar 5",
    ),
    (lambda: npv(0.1, []), "`values` must hold at least one cash flow (t=0), got none"),
    (lambda: npv(0.1, [1, float("nan")]), "`values` must be finite numbers, got nan at index 1"),
    (lambda: npv(0.1, ["a"]), "`values` must be a sequence of numbers, got ['a']"),
    (
        lambda: npv(-1.0, [1]),
        "`rate` must be a finite per-period rate > -1 (0.10 means 10 %), got -1.0",
    ),
    (lambda: npv("x", [1]), "`rate` must be a number > -1, got 'x'"),
    (
        lambda: present_value(np.zeros((2, 2, 2)), 0.1),
        "`values` must be a 1-D sequence or a 2-D array",
    ),
    (lambda: irr([[1, 2]]), "`values` must be 1-D, got an array of shape (1, 2)"),
    (
        lambda: roi([0, 1], [1], 0.1),
        "`benefits` and `costs` must have the same number of periods, got 2 benefits and 1 costs",
    ),
    (
        lambda: roi([0, 1], [-50000, 0], 0.1),
        "`costs` must be positive amounts (outflows as positive numbers), got -50000 at index 0",
    ),
    (
        lambda: tei_adjust([1], [1], risk_benefit=1.5),
        "`risk_benefit` must be a fraction in [0, 1] (0.10 means 10 %), got 1.5",
    ),
    (
        lambda: tei_adjust([1], [1], risk_cost=-0.1),
        "`risk_cost` must be a fraction ≥ 0 (0.10 means 10 %), got -0.1",
    ),
    (
        lambda: annual_to_period_rate(0.1, 0),
        "`periods_per_year` must be a positive integer (4 for quarters, 12 for months), got 0",
    ),
    (lambda: annual_to_period_rate(0.1, 2.5), "`periods_per_year` must be a positive integer"),
    (lambda: payback_period([-1, 2], rate=-2), "`rate` must be a finite per-period rate > -1"),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS)
def test_bad_inputs(call: Callable[[], object], message: str) -> None:
    with pytest.raises(CxkitError) as info:
        call()
    assert message in str(info.value)


def test_irr_over_a_long_horizon_neither_overflows_nor_warns() -> None:
    # (1 + r)^-t overflowed for r near -1 past ~150 periods (0.01^-400): the search
    # now scales the NPV by (1 + r)^T below 0, which keeps its sign and roots
    import warnings

    from cxkit.roi import irr, npv

    flows = [-100.0] + [1.0] * 400
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = irr(flows)
        assert abs(npv(r, flows)) < 1e-9 * 100
        assert irr([-100.0] + [300.0] * 1000) == pytest.approx(3.0, rel=1e-12)
