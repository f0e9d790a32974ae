"""Cash-flow metrics of an ROI case: PV, NPV, IRR, payback, ROI, TEI risk adjustment.

Implements model reference §5.2. Conventions (model reference §0):

* **Timing.** ``values[0]`` is at ``t = 0`` and is **not** discounted; ``values[t]``
  is at the end of period ``t`` and is divided by ``(1 + rate)**t``. This is the
  numpy-financial ``npv`` convention. Spreadsheet ``NPV()`` functions (Excel,
  LibreOffice, Google Sheets) discount the *first* value by one period too; to get
  a spreadsheet result, use ``npv(rate, [0, *values])``. Do not mix the two.
* **Rates are per period of the flows.** Yearly flows take an annual rate; for
  quarterly flows convert first with :func:`annual_to_period_rate`.
* **Costs are positive amounts** (outflows written as positive numbers);
  benefits are inflows. Net flows are ``benefits − costs``.

All functions are pure and deterministic. IRR uses :func:`scipy.optimize.brentq`
(scipy is a core dependency; numpy-financial is only an optional extra, and its
``irr`` picks one root of a polynomial by eigenvalues with no bracket control).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from cxkit.core.errors import CxkitError, format_value

__all__ = [
    "IRR_BRACKET",
    "CashFlowSummary",
    "annual_to_period_rate",
    "irr",
    "npv",
    "payback_period",
    "present_value",
    "roi",
    "summarize_cash_flows",
    "tei_adjust",
]

#: The interval of per-period rates searched by :func:`irr` (model reference §5.2).
IRR_BRACKET: tuple[float, float] = (-0.99, 10.0)


# --------------------------------------------------------------------------- checks


def _flows(values: ArrayLike, name: str, *, allow_2d: bool = False) -> NDArray[np.float64]:
    """Validate a cash-flow vector (or matrix of scenarios) and return it as floats."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise CxkitError(
            f"`{name}` must be a sequence of numbers, got {format_value(values)}"
        ) from None
    if arr.ndim == 0:
        raise CxkitError(
            f"`{name}` must be a sequence of cash flows (values[0] at t=0), "
            f"got the scalar {format_value(values)}"
        )
    if arr.ndim > (2 if allow_2d else 1):
        expected = "a 1-D sequence or a 2-D array (scenarios × periods)" if allow_2d else "1-D"
        raise CxkitError(f"`{name}` must be {expected}, got an array of shape {arr.shape}")
    if arr.shape[-1] == 0:
        raise CxkitError(f"`{name}` must hold at least one cash flow (t=0), got none")
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        idx = tuple(int(i) for i in bad[0])
        where = idx[0] if len(idx) == 1 else idx
        raise CxkitError(
            f"`{name}` must be finite numbers, got {arr[tuple(bad[0])]} at index {where}"
        )
    return arr


def _costs(values: ArrayLike, name: str = "costs") -> NDArray[np.float64]:
    arr = _flows(values, name)
    neg = np.flatnonzero(arr < 0)
    if neg.size:
        i = int(neg[0])
        raise CxkitError(
            f"`{name}` must be positive amounts (outflows as positive numbers), got {arr[i]:g} "
            f"at index {i}; pass costs without a minus sign"
        )
    return arr


def _rate(rate: float, name: str = "rate") -> float:
    try:
        r = float(rate)
    except (TypeError, ValueError):
        raise CxkitError(f"`{name}` must be a number > -1, got {format_value(rate)}") from None
    if not math.isfinite(r) or r <= -1.0:
        raise CxkitError(
            f"`{name}` must be a finite per-period rate > -1 (0.10 means 10 %), got {r!r}"
        )
    return r


def _same_length(benefits: NDArray[np.float64], costs: NDArray[np.float64]) -> None:
    if benefits.shape != costs.shape:
        raise CxkitError(
            f"`benefits` and `costs` must have the same number of periods, got "
            f"{benefits.shape[-1]} benefits and {costs.shape[-1]} costs"
        )


def _discount_factors(rate: float, n: int) -> NDArray[np.float64]:
    return (1.0 + rate) ** -np.arange(n, dtype=float)


# --------------------------------------------------------------------------- metrics


@overload
def present_value(values: Sequence[float], rate: float) -> float: ...
@overload
def present_value(values: ArrayLike, rate: float) -> float | NDArray[np.float64]: ...
def present_value(values: ArrayLike, rate: float) -> float | NDArray[np.float64]:
    """Present value ``Σ_t values[t] / (1 + rate)**t`` with ``values[0]`` **undiscounted**.

    Parameters
    ----------
    values
        Cash flows ``X_0 … X_T``; ``X_0`` is at t = 0 (today) and is not
        discounted. A 2-D array ``(n_scenarios, T + 1)`` is discounted row by row
        (vectorised Monte Carlo) and gives one value per row.
    rate
        Discount rate per period (> −1).

    Returns
    -------
    float or numpy.ndarray
        A float for 1-D ``values``; an array of shape ``(n_scenarios,)`` for 2-D.

    Notes
    -----
    numpy-financial convention (model reference §0). A spreadsheet ``NPV(rate, …)``
    discounts its first value by one period: it equals
    ``present_value([0, *values], rate)``.

    Examples
    --------
    >>> round(present_value([0, 30000, 30000, 30000], 0.10), 2)
    74605.56
    >>> round(present_value([50000, 5000, 5000, 5000], 0.10), 2)
    62434.26
    >>> present_value([[100, 110], [0, 0]], 0.10).round(6).tolist()
    [200.0, 0.0]
    """
    arr = _flows(values, "values", allow_2d=True)
    r = _rate(rate)
    pv = arr @ _discount_factors(r, arr.shape[-1])
    return float(pv) if arr.ndim == 1 else pv


@overload
def npv(rate: float, values: Sequence[float]) -> float: ...
@overload
def npv(rate: float, values: ArrayLike) -> float | NDArray[np.float64]: ...
def npv(rate: float, values: ArrayLike) -> float | NDArray[np.float64]:
    """Net present value of net flows; **``values[0]`` is at t = 0 and is NOT discounted**.

    Same argument order and timing as ``numpy_financial.npv(rate, values)``.

    .. warning::
       Spreadsheet ``NPV()`` (Excel, LibreOffice, Google Sheets) discounts the
       first value by one period, so ``=NPV(10%, -50000, 25000, 25000, 25000)``
       equals ``npv(0.10, [0, -50000, 25000, 25000, 25000])``, which is
       ``npv(0.10, [-50000, 25000, 25000, 25000]) / 1.1``. Put the t = 0 flow
       first here and do not pre-discount it.

    Parameters
    ----------
    rate
        Discount rate per period (> −1).
    values
        Net cash flows ``benefits − costs`` for t = 0 … T (1-D), or one row per
        scenario (2-D).

    Returns
    -------
    float or numpy.ndarray
        ``Σ_t values[t] / (1 + rate)**t``.

    Examples
    --------
    >>> round(npv(0.10, [-50000, 25000, 25000, 25000]), 2)
    12171.3
    >>> round(npv(0.10, [0, -50000, 25000, 25000, 25000]), 2)  # spreadsheet NPV()
    11064.82
    """
    return present_value(values, rate)


def _scaled_npv(rates: NDArray[np.float64], arr: NDArray[np.float64]) -> NDArray[np.float64]:
    """``NPV(r)`` times a positive factor that keeps every discount factor in (0, 1].

    For ``r < 0`` the factors ``(1 + r)^−t`` grow without bound (``0.01^−400``
    overflows), so the NPV is multiplied by ``(1 + r)^T`` there: ``Σ a_t (1 + r)^(T−t)``.
    The sign, the roots and continuity at ``r = 0`` are kept; nothing overflows.
    """
    t = np.arange(arr.size, dtype=np.float64)
    expo = np.where(rates[:, None] < 0, (arr.size - 1) - t[None, :], -t[None, :])
    return ((1.0 + rates)[:, None] ** expo) @ arr


def irr(values: ArrayLike) -> float:
    """Internal rate of return: the per-period rate at which ``npv(rate, values) == 0``.

    Solved with :func:`scipy.optimize.brentq` on :data:`IRR_BRACKET`
    ``[−0.99, 10]`` (model reference §5.2). The NPV curve is first evaluated on a grid
    of that interval; the root is searched in the first grid cell where the NPV
    changes sign, so for conventional flows (one sign change: costs first, then
    benefits) it is the unique IRR, and for non-conventional flows with several
    IRRs it is the **lowest** one in the bracket.

    Parameters
    ----------
    values
        Net cash flows for t = 0 … T, ``values[0]`` undiscounted.

    Returns
    -------
    float
        The IRR per period, or ``nan`` when the NPV does not change sign on the
        bracket (e.g. all flows of one sign or all zero, or an IRR above 1000 %).

    Notes
    -----
    Why not ``numpy_financial.irr``: numpy-financial is an optional extra of
    cxkit, and its ``irr`` takes eigenvalue roots of the NPV polynomial and picks
    one by a heuristic; a bracketed root finder is reproducible, documented and
    bounded.

    Examples
    --------
    >>> round(irr([-50000, 25000, 25000, 25000]), 6)
    0.233752
    >>> round(irr([-100, 110]), 12)
    0.1
    >>> irr([100, 10, 10])
    nan
    """
    arr = _flows(values, "values")
    if not np.any(arr):
        return math.nan
    lo, hi = IRR_BRACKET
    grid = np.concatenate([np.linspace(lo, 1.0, 400, endpoint=False), np.linspace(1.0, hi, 200)])
    f = _scaled_npv(grid, arr)
    if np.any(f == 0.0):
        return float(grid[int(np.flatnonzero(f == 0.0)[0])])
    change = np.flatnonzero(np.sign(f[:-1]) != np.sign(f[1:]))
    if change.size == 0:
        return math.nan
    k = int(change[0])

    def fn(r: float) -> float:
        return float(_scaled_npv(np.array([r]), arr)[0])

    return float(brentq(fn, float(grid[k]), float(grid[k + 1]), xtol=1e-14, rtol=1e-14))


def payback_period(net_flows: ArrayLike, rate: float | None = None) -> float:
    """Payback period in periods, with linear interpolation inside the period.

    With cumulative (discounted, if ``rate`` is given) net flows ``Cum_t``, let
    ``k`` be the first period with ``Cum_k ≥ 0``; then (model reference §5.2)::

        payback = (k − 1) + (−Cum_{k−1}) / Net_k

    where ``Net_k`` is the (discounted) net flow of period ``k``. Cash flows are
    at period ends, so the interpolation assumes ``Net_k`` accrues evenly over
    period ``k``.

    Parameters
    ----------
    net_flows
        Net flows ``benefits − costs`` for t = 0 … T, ``net_flows[0]`` at t = 0.
    rate
        ``None`` for the simple (undiscounted) payback; a per-period rate for the
        discounted payback, where ``net_flows[t]`` is divided by ``(1+rate)**t``.

    Returns
    -------
    float
        The payback in periods; ``0.0`` if the first non-zero flow is a gain
        (nothing to pay back); **``math.inf`` if the
        cumulative flow never reaches 0 within the horizon** ("never pays back").
        ``inf`` rather than ``nan`` so that comparisons and sorting stay
        meaningful (``inf`` is later than any horizon); use
        ``math.isinf(p)`` to test.

    Notes
    -----
    The first crossing is used: a later dip back below zero (e.g. a large
    re-investment) does not change the result.

    Examples
    --------
    >>> payback_period([-50000, 25000, 25000, 25000])
    2.0
    >>> round(payback_period([-50000, 25000, 25000, 25000], rate=0.10), 3)
    2.352
    >>> payback_period([-100, 10, 10])
    inf
    >>> payback_period([0, -10, -10])  # a running cost only: never, not at t = 0
    inf
    >>> round(payback_period([0, -10, 30]), 4)  # cumulative −10, then +20
    1.3333
    """
    arr = _flows(net_flows, "net_flows")
    if rate is not None:
        arr = arr * _discount_factors(_rate(rate), arr.size)
    cum = np.cumsum(arr)
    # the clock starts at the first non-zero flow: an initiative without a one-off
    # cost whose running cost exceeds its benefit never pays back (it does not pay
    # back at t = 0 because nothing was spent yet)
    moving = np.flatnonzero(arr != 0.0)
    start = int(moving[0]) if moving.size else 0
    if arr[start] >= 0.0:
        return 0.0
    hits = np.flatnonzero(cum[start:] >= 0.0)
    if hits.size == 0:
        return math.inf
    k = start + int(hits[0])
    return (k - 1) + float(-cum[k - 1] / arr[k])


def roi(benefits: ArrayLike, costs: ArrayLike, rate: float) -> float:
    """Return on investment ``NPV / PV(costs)`` (Forrester TEI: net benefits / costs).

    Parameters
    ----------
    benefits, costs
        Flows for t = 0 … T (same length), ``[0]`` at t = 0 undiscounted. Costs
        are positive amounts.
    rate
        Discount rate per period.

    Returns
    -------
    float
        ``(PV(benefits) − PV(costs)) / PV(costs)`` as a fraction (0.19495 is
        19.495 %); ``nan`` when ``PV(costs) == 0`` (ROI undefined).

    Examples
    --------
    >>> round(roi([0, 30000, 30000, 30000], [50000, 5000, 5000, 5000], 0.10), 5)
    0.19495
    """
    b = _flows(benefits, "benefits")
    c = _costs(costs)
    _same_length(b, c)
    r = _rate(rate)
    d = _discount_factors(r, b.size)
    pv_c = float(c @ d)
    if pv_c == 0.0:
        return math.nan
    return (float(b @ d) - pv_c) / pv_c


def tei_adjust(
    benefits: ArrayLike,
    costs: ArrayLike,
    risk_benefit: float = 0.10,
    risk_cost: float = 0.05,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """TEI-style risk adjustment ``B̃ = B·(1 − ρ_B)``, ``C̃ = C·(1 + ρ_C)`` (model reference §5.2).

    Parameters
    ----------
    benefits, costs
        Flows for t = 0 … T (same length). Costs are positive amounts.
    risk_benefit
        ``ρ_B`` in [0, 1]: the share of benefits withheld for risk (default 0.10).
    risk_cost
        ``ρ_C`` ≥ 0: the cost overrun allowance (default 0.05).

    Returns
    -------
    tuple of numpy.ndarray
        ``(adjusted_benefits, adjusted_costs)``; the inputs are not modified.

    Examples
    --------
    >>> b, c = tei_adjust([0, 30000], [50000, 5000])
    >>> b.tolist(), c.tolist()
    ([0.0, 27000.0], [52500.0, 5250.0])
    """
    b = _flows(benefits, "benefits")
    c = _costs(costs)
    _same_length(b, c)
    rb = _fraction(risk_benefit, "risk_benefit", upper=1.0)
    rc = _fraction(risk_cost, "risk_cost", upper=None)
    return b * (1.0 - rb), c * (1.0 + rc)


def _fraction(value: float, name: str, *, upper: float | None) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CxkitError(f"`{name}` must be a number, got {format_value(value)}") from None
    ok = math.isfinite(v) and v >= 0.0 and (upper is None or v <= upper)
    if not ok:
        expected = "in [0, 1]" if upper is not None else "≥ 0"
        raise CxkitError(f"`{name}` must be a fraction {expected} (0.10 means 10 %), got {v!r}")
    return v


def annual_to_period_rate(rate: float, periods_per_year: int) -> float:
    """Convert an annual rate to the equivalent per-period rate ``(1+rate)**(1/p) − 1``.

    Parameters
    ----------
    rate
        Annual effective rate (> −1), e.g. 0.10.
    periods_per_year
        4 for quarters, 12 for months, 1 for years.

    Examples
    --------
    >>> round(annual_to_period_rate(0.10, 4), 6)  # quarterly d_q = 1.1**(1/4) - 1
    0.024114
    >>> annual_to_period_rate(0.10, 1)
    0.1
    """
    r = _rate(rate)
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, (int, np.integer))
        or periods_per_year < 1
    ):
        raise CxkitError(
            "`periods_per_year` must be a positive integer (4 for quarters, 12 for months), "
            f"got {format_value(periods_per_year)}"
        )
    if periods_per_year == 1:
        return r
    return float((1.0 + r) ** (1.0 / int(periods_per_year)) - 1.0)


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class CashFlowSummary:
    """The cash-flow metrics of one (risk-adjusted) case, from :func:`summarize_cash_flows`.

    Attributes
    ----------
    pv_benefits, pv_costs
        Present values of the risk-adjusted benefits and costs (t = 0 undiscounted).
    npv
        ``pv_benefits − pv_costs``.
    roi
        ``npv / pv_costs`` as a fraction; ``nan`` if ``pv_costs == 0``.
    irr
        IRR of the risk-adjusted net flows per period; ``nan`` if none in [−0.99, 10].
    payback, discounted_payback
        Payback in periods (undiscounted / discounted at ``rate``); ``inf`` if
        never paid back within the horizon.
    rate, risk_benefit, risk_cost
        The inputs that produced these numbers.
    """

    pv_benefits: float
    pv_costs: float
    npv: float
    roi: float
    irr: float
    payback: float
    discounted_payback: float
    rate: float = 0.0
    risk_benefit: float = 0.0
    risk_cost: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain ``{name: float}`` dict (``inf`` / ``nan`` kept as floats)."""
        return {k: float(v) for k, v in asdict(self).items()}


def summarize_cash_flows(
    benefits: ArrayLike,
    costs: ArrayLike,
    rate: float,
    risk_benefit: float = 0.0,
    risk_cost: float = 0.0,
) -> CashFlowSummary:
    """All cash-flow metrics of one case (model reference §5.2), after TEI risk adjustment.

    Parameters
    ----------
    benefits, costs
        Flows for t = 0 … T (same length), ``[0]`` at t = 0 undiscounted. Costs
        are positive amounts.
    rate
        Discount rate per period of the flows (see :func:`annual_to_period_rate`).
    risk_benefit, risk_cost
        TEI adjustments ``ρ_B``, ``ρ_C`` (default 0 here: no adjustment; the ROI
        model's defaults are 0.10 and 0.05).

    Returns
    -------
    CashFlowSummary

    Examples
    --------
    Example C2 of the model reference §8:

    >>> s = summarize_cash_flows([0, 30000, 30000, 30000], [50000, 5000, 5000, 5000], 0.10)
    >>> round(s.npv, 2), round(s.roi, 5), round(s.irr, 5)
    (12171.3, 0.19495, 0.23375)
    >>> s.payback, round(s.discounted_payback, 3)
    (2.0, 2.352)
    >>> t = summarize_cash_flows(
    ...     [0, 30000, 30000, 30000], [50000, 5000, 5000, 5000], 0.10, risk_benefit=0.10
    ... )
    >>> round(t.npv, 2), round(t.roi, 5)
    (4710.74, 0.07545)
    """
    b, c = tei_adjust(benefits, costs, risk_benefit, risk_cost)
    r = _rate(rate)
    d = _discount_factors(r, b.size)
    pv_b = float(b @ d)
    pv_c = float(c @ d)
    value = pv_b - pv_c
    net = b - c
    return CashFlowSummary(
        pv_benefits=pv_b,
        pv_costs=pv_c,
        npv=value,
        roi=value / pv_c if pv_c != 0.0 else math.nan,
        irr=irr(net),
        payback=payback_period(net),
        discounted_payback=payback_period(net, rate=r),
        rate=r,
        risk_benefit=float(risk_benefit),
        risk_cost=float(risk_cost),
    )
