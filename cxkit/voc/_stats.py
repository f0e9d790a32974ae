"""The intervals of the call-reason impact table: Wilson for rates, Katz for risk ratios.

Both are the textbook intervals (Agresti, *Categorical Data Analysis*, 3rd ed., sections 1.4
and 3.1.4): the Wilson score interval of a proportion (the one
:func:`cxkit.core.stats.wilson_interval` computes, reused here) and the Katz
log interval of a risk ratio (Katz, Baptista, Azen & Pike, *Biometrics* 34, 1978),

    RR = (a / n₁) / (c / n₀),   SE(ln RR) = √(1/a − 1/n₁ + 1/c − 1/n₀),
    RR · exp(± z·SE).

A zero churn count on either side makes ``ln RR`` or its SE infinite: then 0.5 is
added to each cell of the 2 × 2 table (Haldane–Anscombe: ``a + ½``, ``c + ½``,
``n₁ + 1``, ``n₀ + 1``) for the point estimate and the interval, and ``corrected`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from cxkit.core.stats import wilson_interval

__all__ = ["RiskRatio", "risk_ratio", "wilson_interval"]


@dataclass(frozen=True)
class RiskRatio:
    """A risk ratio with its interval, or why it is undefined.

    ``ratio``, ``low`` and ``high`` are ``None`` when ``undefined`` names the reason
    (``"no_churn"``, ``"all_churned"``, ``"no_contrast"``: every customer is in the group).
    """

    ratio: float | None
    low: float | None
    high: float | None
    corrected: bool = False
    undefined: str | None = None


def risk_ratio(a: int, n1: int, c: int, n0: int, confidence: float = 0.95) -> RiskRatio:
    """Risk ratio of ``a / n1`` against ``c / n0`` with the Katz log interval.

    Examples
    --------
    >>> r = risk_ratio(2, 4, 1, 6)  # 50 % against 16.7 %
    >>> round(r.ratio, 6), round(r.low, 4), round(r.high, 4), r.corrected
    (3.0, 0.3901, 23.0717, False)
    >>> risk_ratio(0, 4, 1, 6).corrected  # a zero cell: ½ added to each cell
    True
    >>> risk_ratio(0, 4, 0, 6).undefined
    'no_churn'
    """
    if a + c == 0:
        return RiskRatio(None, None, None, undefined="no_churn")
    if a + c == n1 + n0:
        return RiskRatio(None, None, None, undefined="all_churned")
    if n0 == 0 or n1 == 0:
        return RiskRatio(None, None, None, undefined="no_contrast")
    corrected = a == 0 or c == 0
    if corrected:
        a_, c_, n1_, n0_ = a + 0.5, c + 0.5, n1 + 1.0, n0 + 1.0
    else:
        a_, c_, n1_, n0_ = float(a), float(c), float(n1), float(n0)
    ratio = (a_ / n1_) / (c_ / n0_)
    se = math.sqrt(max(1 / a_ - 1 / n1_ + 1 / c_ - 1 / n0_, 0.0))
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    return RiskRatio(ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se), corrected)
