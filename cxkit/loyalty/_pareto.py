"""Revenue concentration: the Pareto (Lorenz) curve and the top-x % share.

Customers are ordered by net revenue, largest first; a customer whose net revenue is
``<= 0`` (refunded everything, or no purchase) counts as 0. The curve ``L(x)`` is the
share of revenue held by the top ``x`` share of customers, **linear between
customers**: with ``n`` customers and revenues sorted ``v1 >= v2 >= …``,
``L(x) = (v1 + … + v_j + (x·n − j)·v_(j+1)) / total`` with ``j = floor(x·n)``.

Exact on ties: customers with equal revenue are interchangeable in the sum, so the
share does not depend on how ties are ordered, and a fraction of a customer is
counted as that fraction of their revenue (``top=0.2`` of 7 customers is 1.4
customers: the largest, plus 0.4 of the second).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from cxkit.core.errors import format_value
from cxkit.loyalty._schema import TransactionError

__all__ = ["ParetoResult", "pareto"]


@dataclass(frozen=True)
class ParetoResult:
    """The Pareto curve of revenue over customers.

    Attributes
    ----------
    top
        The share of customers asked about (0.2 by default).
    share
        The share of revenue from the top ``top`` of customers.
    curve
        ``customer_share`` (0 … 1) and ``revenue_share`` at ``points`` evenly spaced
        customer shares.
    gini
        The Gini coefficient of revenue (0 = everyone spends the same).
    customers, revenue
        Customers counted and their total revenue (net, floored at 0 per customer).
    cumulative
        The exact curve: the revenue share of the top ``i`` customers, ``i = 0 … n``.
    """

    top: float
    share: float
    curve: pl.DataFrame
    gini: float
    customers: int
    revenue: float
    cumulative: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros(1))

    def share_of(self, top: float) -> float:
        """The revenue share of another top share (from the same curve, exactly)."""
        cum = self.cumulative
        return float(np.interp(_top(top), np.arange(cum.size) / (cum.size - 1), cum))

    def to_dict(self) -> dict[str, Any]:
        """A plain description (for JSON), with the curve at every 5 %."""
        pts = self.curve.filter(((pl.col("customer_share") * 20).round(9) % 1) == 0).to_dicts()
        return {
            "top": self.top,
            "share": self.share,
            "gini": self.gini,
            "customers": self.customers,
            "revenue": self.revenue,
            "curve": pts,
        }


def _top(top: Any) -> float:
    if isinstance(top, bool) or not isinstance(top, (int, float)) or not 0 < top <= 1:
        raise TransactionError(
            f"`top` must be a share of customers in (0, 1], e.g. 0.2, got {format_value(top)}"
        )
    return float(top)


def pareto(data: Any, *, top: float = 0.2, points: int = 101) -> ParetoResult:
    """The share of revenue from the top ``top`` of customers, and the whole curve.

    Parameters
    ----------
    data
        An :class:`~cxkit.loyalty.RFMResult` (its ``revenue`` column), a polars
        frame with a ``revenue`` column, or a sequence of revenues per customer.
    top
        Share of customers, in (0, 1]; default 0.2 (the 80/20 rule's 20 %).
    points
        Points of the returned curve (2–10,001).

    Examples
    --------
    >>> p = pareto([50, 10, 10, 10, 10, 5, 5], top=0.2)
    >>> round(p.share, 4)  # (50 + 0.4·10) / 100: 1.4 of 7 customers
    0.54
    >>> round(p.share_of(1 / 7), 4)
    0.5
    """
    t = _top(top)
    if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= 10_001:
        raise TransactionError(
            f"`points` must be an integer in 2 … 10001, got {format_value(points)}"
        )
    values = _revenues(data)
    n = values.size
    if n == 0:
        raise TransactionError("no customers to compute the Pareto curve from")
    v = -np.sort(-np.clip(values, 0.0, None))
    total = float(v.sum())
    cum = np.concatenate([[0.0], np.cumsum(v)]) / (total if total > 0 else 1.0)
    xs = np.arange(n + 1) / n
    grid = np.linspace(0.0, 1.0, points)
    curve = pl.DataFrame({"customer_share": grid, "revenue_share": np.interp(grid, xs, cum)})
    # Gini from the Lorenz curve (ascending order): 1 − 2·area under it
    asc = np.concatenate([[0.0], np.cumsum(v[::-1])]) / (total if total > 0 else 1.0)
    gini = float(1.0 - np.sum(asc[1:] + asc[:-1]) / n) if total > 0 else math.nan
    share = float(np.interp(t, xs, cum))
    return ParetoResult(t, share, curve, gini, n, total, cum)


def _revenues(data: Any) -> np.ndarray:
    from cxkit.loyalty._rfm import RFMResult

    if isinstance(data, RFMResult):
        data = data.table
    if isinstance(data, pl.DataFrame):
        if "revenue" not in data.columns:
            raise TransactionError(
                f"`data` has no 'revenue' column; columns: {', '.join(data.columns[:12])}"
            )
        values = data["revenue"].cast(pl.Float64).fill_null(0.0).to_numpy()
    else:
        try:
            values = np.asarray(data, dtype=float).ravel()
        except (TypeError, ValueError):
            raise TransactionError(
                "`data` must be an RFMResult, a frame with a 'revenue' column or numbers, "
                f"got {format_value(data)}"
            ) from None
    if not np.all(np.isfinite(values)):
        raise TransactionError("revenues must be finite numbers (found NaN or infinity)")
    return values
