"""Retention, customer lifetime value and the CX → churn link (model reference §4).

* **Constant-retention CLV** (Gupta & Lehmann 2003; margin multiple
  ``r/(1 + d − r)`` [SRC 33, 52]) with its elasticity ``(1 + d)/(1 + d − r)``
  [DERIVED].
* **CX outcomes → churn**, model V-A (resolution outcome; SQM 2022 stated-intent
  anchors 5 % / 9 % / 25 % [SRC 34]) and model V-B (customer effort; Gartner 2019
  anchors 9 % / 96 % [SRC 26]), each with a calibrated base churn.
* **Shifted-beta-geometric** cohort retention (Fader & Hardie 2007 [SRC 53]):
  survival, retention, pmf, log-likelihood, maximum-likelihood fit, projection
  and expected CLV.
* **Proportional hazards** ``r' = 1 − HR·(1 − r)`` to push a churn change into a
  retention curve (model reference §4.4).

Retention periods are years by default (model reference §0); margins arrive at period
end unless a function says otherwise. Every default is a keyword argument.

Examples
--------
Model reference Example C1: an FCR initiative moves the resolution shares from
(0.70, 0.20, 0.10) to (0.80, 0.15, 0.05) for a half of customers who contact:

>>> model = ResolutionChurnModel.calibrate(0.20, (0.70, 0.20, 0.10), contact_rate=0.5)
>>> round(model.base, 3), round(model.churn((0.80, 0.15, 0.05)), 3)
(0.161, 0.194)
>>> before = clv_constant(100, 0.800, 0.10)
>>> after = clv_constant(100, model.retention((0.80, 0.15, 0.05)), 0.10)
>>> round(before, 4), round(after, 4), round(after - before, 5)
(266.6667, 274.1497, 7.48299)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cxkit.core._checks import as_output as _out
from cxkit.core._checks import fail as _fail
from cxkit.core._checks import nonnegative as _nonnegative
from cxkit.core._checks import positive as _positive
from cxkit.core._checks import probability as _probability
from cxkit.core._checks import real as _real
from cxkit.core.errors import CxkitError, format_value

__all__ = [
    "DEFAULT_DEFECTION",
    "EffortChurnModel",
    "ResolutionChurnModel",
    "SBGFit",
    "calibrate_base_churn",
    "churn_from_effort",
    "churn_from_outcomes",
    "clv_constant",
    "clv_elasticity",
    "effort_disloyalty",
    "proportional_hazard_retention",
    "sbg_clv",
    "sbg_fit",
    "sbg_log_likelihood",
    "sbg_pmf",
    "sbg_retention",
    "sbg_survival",
]

#: Stated defection after first-contact resolution, resolution in ≥ 2 contacts and
#: no resolution: 5 %, 9 %, 25 % (SQM 2022 [SRC 34]).
DEFAULT_DEFECTION: tuple[float, float, float] = (0.05, 0.09, 0.25)

#: Annual discount rate ``d`` (10 %/yr). [ASSUMPTION] (model reference §7)
DEFAULT_DISCOUNT_RATE = 0.10

#: Largest optional churn reduction per delighted contact (model reference §4.4).
MAX_DELIGHT_BONUS = 0.01

#: Effort anchors of g(CES): 9 % "more disloyal" at CES ≤ 2, 96 % at CES ≥ 4
#: (Gartner 2019 [SRC 26]).
EFFORT_ANCHORS: tuple[tuple[float, float], tuple[float, float]] = ((2.0, 0.09), (4.0, 0.96))

_SUM_TOL = 1e-9


# --------------------------------------------------------------------------- checks


def _periods(value: Any, name: str, low: int) -> NDArray[np.float64]:
    return _real(
        name,
        value,
        f"a whole number of periods ≥ {low}",
        lambda a: (a >= low) & (a == np.floor(a)),
    )


def _shares(value: Any, name: str = "shares") -> NDArray[np.float64]:
    expected = "three shares (FCR, multi-contact, unresolved) in [0, 1] that sum to 1"
    arr = _real(name, value, expected, lambda a: (a >= 0) & (a <= 1))
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise _fail(name, value, expected)
    total = arr.sum(axis=-1)
    off = np.abs(total - 1.0) > _SUM_TOL
    if off.any():
        raise _fail(name, value, expected, f" (sum {float(np.asarray(total)[off].flat[0]):.12g})")
    return arr


def _defection(value: Any) -> NDArray[np.float64]:
    expected = "three defection probabilities (FCR, multi-contact, unresolved) in [0, 1]"
    arr = _real("defection", value, expected, lambda a: (a >= 0) & (a <= 1))
    if arr.shape != (3,):
        raise _fail("defection", value, expected)
    return arr


def _delight(share: Any, bonus: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    s = _probability(share, "delight_share", "share of contacting customers delighted")
    b = _real(
        "delight_bonus",
        bonus,
        f"a number in [0, {MAX_DELIGHT_BONUS}] (cxkit model reference §4.4 caps δ_delight)",
        lambda a: (a >= 0) & (a <= MAX_DELIGHT_BONUS),
    )
    return s, b


# ---------------------------------------------------------------- constant retention


def clv_constant(
    margin: ArrayLike,
    retention: ArrayLike,
    discount_rate: ArrayLike = DEFAULT_DISCOUNT_RATE,
    *,
    include_t0: bool = False,
    horizon: int | None = None,
) -> Any:
    """Customer lifetime value under constant retention (model reference §4.1).

    With ``q = r/(1 + d)`` and margins at the end of each period survived:

    * infinite horizon: ``m·r/(1 + d − r)`` (margin multiple; Gupta & Lehmann
      2003 [SRC 33, 52]);
    * ``horizon = H`` periods: ``m·q(1 − q^H)/(1 − q)`` (``m·H`` when ``q = 1``);
    * ``include_t0=True`` adds a margin earned at ``t = 0``: ``m·(1 + d)/(1 + d − r)``
      for the infinite horizon.

    Parameters
    ----------
    margin
        Margin ``m`` per active customer per period.
    retention
        Retention ``r`` per period, in [0, 1].
    discount_rate
        Discount rate ``d`` per period (≥ 0); 10 %/yr [ASSUMPTION] (model reference §7).
    include_t0
        Also count a margin at ``t = 0`` (undiscounted).
    horizon
        Number of periods ``H`` (≥ 0), or ``None`` for an infinite horizon, which
        needs ``r < 1 + d``.

    Returns
    -------
    float or numpy.ndarray
        The CLV in the unit of ``margin``; arrays broadcast.

    Examples
    --------
    >>> round(clv_constant(100, 0.8, 0.10), 4)  # Model reference Example C1
    266.6667
    >>> round(clv_constant(100, 0.8, 0.10, include_t0=True), 4)
    366.6667
    >>> round(clv_constant(100, 0.8, 0.10, horizon=3), 4)
    164.0872
    """
    m = _real("margin", margin, "a finite number (margin per period)")
    r = _probability(retention, "retention", "retention per period")
    d = _nonnegative(discount_rate, "discount_rate", "discount rate per period")
    if horizon is None:
        if np.any(r >= 1 + d):
            raise CxkitError(
                f"`retention` must be below 1 + `discount_rate` for an infinite horizon "
                f"(the CLV diverges), got retention {format_value(_out(r))} with "
                f"discount_rate {format_value(_out(d))}; pass `horizon=` to truncate"
            )
        value = m * r / (1 + d - r)
    else:
        h = float(_periods(horizon, "horizon", 0))
        q = r / (1 + d)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(q == 1, m * h, m * q * (1 - q**h) / np.where(q == 1, 2.0, 1 - q))
    if include_t0:
        value = value + m
    return _out(value)


def clv_elasticity(
    retention: ArrayLike,
    discount_rate: ArrayLike = DEFAULT_DISCOUNT_RATE,
    *,
    include_t0: bool = False,
) -> Any:
    """Retention elasticity of the infinite-horizon CLV, ``∂lnCLV/∂ln r``.

    ``(1 + d)/(1 + d − r)`` for :func:`clv_constant`'s default timing, and
    ``r/(1 + d − r)`` when a margin is also earned at ``t = 0`` [DERIVED]
    (model reference §4.1; consistent with Gupta–Lehmann–Stuart's "1 % retention ≈ 5 %
    value" [SRC 33]).

    Examples
    --------
    >>> round(clv_elasticity(0.8, 0.10), 4)
    3.6667
    >>> round(clv_elasticity(0.88, 0.12), 4)
    4.6667
    """
    r = _probability(retention, "retention", "retention per period")
    d = _nonnegative(discount_rate, "discount_rate", "discount rate per period")
    if np.any(r >= 1 + d):
        raise CxkitError(
            f"`retention` must be below 1 + `discount_rate` (the CLV diverges), got "
            f"retention {format_value(_out(r))} with discount_rate {format_value(_out(d))}"
        )
    top = r if include_t0 else 1 + d
    return _out(top / (1 + d - r))


# ------------------------------------------------------------- model V-A (resolution)


def _mean_defection(shares: NDArray[np.float64], defection: NDArray[np.float64]) -> Any:
    return (shares * defection).sum(axis=-1)


def churn_from_outcomes(
    shares: ArrayLike,
    *,
    contact_rate: ArrayLike,
    phi: ArrayLike = 1.0,
    base: ArrayLike = 0.0,
    defection: Sequence[float] = DEFAULT_DEFECTION,
    delight_share: ArrayLike = 0.0,
    delight_bonus: ArrayLike = 0.0,
) -> Any:
    """Churn per period from resolution outcomes — model reference §4.4 model V-A.

    ``churn = c_base + p_contact·φ·Σ_k π_k·d_k − p_contact·s_delight·δ_delight``,
    clipped to [0, 1], where ``π = (FCR, resolved in ≥ 2 contacts, unresolved)``.

    Parameters
    ----------
    shares
        ``π``: the three outcome shares among customers who contact, summing to 1
        (tolerance 1e-9); shape ``(3,)`` or ``(..., 3)`` for several scenarios.
    contact_rate
        ``p_contact``: share of customers with at least one service issue per
        period, in [0, 1] (observed; no default).
    phi
        ``φ`` (1.0): the share of stated defection intent that turns into actual
        churn. 1.0 is the literal reading of the survey [ASSUMPTION]; ROI runs
        should sample it, e.g. Tri(0.2, 0.5, 1.0).
    base
        ``c_base`` (0.0): churn that does not come from service contacts; see
        :func:`calibrate_base_churn`.
    defection
        ``d`` = (0.05, 0.09, 0.25): stated defection after FCR, multi-contact
        resolution and no resolution (SQM 2022 [SRC 34]).
    delight_share, delight_bonus
        By default delight (感動) brings no churn reduction beyond satisfaction
        (Dixon et al. 2010 [SRC 19]; Gartner 2019 [SRC 26]): ``delight_bonus = 0``.
        Set a bonus ``δ_delight ≤ 0.01`` and the share of contacting customers
        delighted to subtract ``p_contact·s_delight·δ_delight``.

    Returns
    -------
    float or numpy.ndarray
        Churn probability per period.

    Examples
    --------
    >>> round(churn_from_outcomes((0.7, 0.2, 0.1), contact_rate=0.5, base=0.161), 6)
    0.2
    >>> round(churn_from_outcomes((0, 0, 1), contact_rate=1.0, phi=0.5), 3)
    0.125
    """
    pi = _shares(shares)
    d = _defection(defection)
    p = _probability(contact_rate, "contact_rate", "share of customers who contact")
    f = _nonnegative(phi, "phi", "intent-to-behaviour factor")
    c0 = _probability(base, "base", "base churn per period")
    s, b = _delight(delight_share, delight_bonus)
    churn = c0 + p * f * _mean_defection(pi, d) - p * s * b
    return _out(np.clip(churn, 0.0, 1.0))


def calibrate_base_churn(
    observed_churn: ArrayLike,
    shares: ArrayLike,
    contact_rate: ArrayLike,
    phi: ArrayLike = 1.0,
    defection: Sequence[float] = DEFAULT_DEFECTION,
) -> Any:
    """``c_base`` that makes model V-A reproduce the observed churn.

    ``c_base = churn_obs − p_contact·φ·Σ_k π_k·d_k`` (model reference §4.4, Example C1).

    Raises
    ------
    CxkitError
        If the result is negative: the contact-driven churn alone exceeds the
        observed churn, so ``phi`` (or ``contact_rate``) is too high.

    Examples
    --------
    >>> round(calibrate_base_churn(0.20, (0.70, 0.20, 0.10), contact_rate=0.5), 6)
    0.161
    """
    obs = _probability(observed_churn, "observed_churn", "observed churn per period")
    pi = _shares(shares)
    d = _defection(defection)
    p = _probability(contact_rate, "contact_rate", "share of customers who contact")
    f = _nonnegative(phi, "phi", "intent-to-behaviour factor")
    base = obs - p * f * _mean_defection(pi, d)
    if np.any(base < -1e-12):
        raise CxkitError(
            f"`observed_churn` must be at least the contact-driven churn "
            f"p_contact·φ·Σπd = {format_value(_out(obs - base))} for a non-negative "
            f"base churn, got {format_value(_out(obs))} (lower `phi` or `contact_rate`)"
        )
    return _out(np.maximum(base, 0.0))


@dataclass(frozen=True)
class ResolutionChurnModel:
    """Model V-A: churn from the resolution outcome of service contacts.

    ``churn = base + contact_rate·phi·Σ_k π_k·d_k − contact_rate·s·delight_bonus``
    (model reference §4.4). The defection rates are SQM's (2022) *stated-intent*
    anchors: 5 % of customers whose issue was resolved at first contact, 9 % of
    those resolved in two or more contacts and 25 % of those left unresolved say
    they would defect [SRC 34]. ``phi`` converts intent to behaviour.

    Parameters
    ----------
    contact_rate
        ``p_contact`` in [0, 1].
    phi
        ``φ`` (1.0) [ASSUMPTION]; sample Tri(0.2, 0.5, 1.0) in ROI runs.
    base
        ``c_base`` (0.0); :meth:`calibrate` sets it from observed churn.
    defection
        ``(d_FCR, d_multi, d_unres)`` = (0.05, 0.09, 0.25) [SRC 34].
    delight_bonus
        ``δ_delight`` (0.0, at most 0.01): no churn benefit from delight beyond
        satisfaction by default [SRC 19, 26].

    Examples
    --------
    >>> m = ResolutionChurnModel(contact_rate=0.5, base=0.161)
    >>> round(m.churn((0.7, 0.2, 0.1)), 6), round(m.retention((0.8, 0.15, 0.05)), 6)
    (0.2, 0.806)
    """

    contact_rate: float
    phi: float = 1.0
    base: float = 0.0
    defection: tuple[float, float, float] = DEFAULT_DEFECTION
    delight_bonus: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "defection", tuple(float(x) for x in _defection(self.defection)))
        _probability(self.contact_rate, "contact_rate", "share of customers who contact")
        _nonnegative(self.phi, "phi", "intent-to-behaviour factor")
        _probability(self.base, "base", "base churn per period")
        _delight(0.0, self.delight_bonus)

    @classmethod
    def calibrate(
        cls,
        observed_churn: float,
        shares: ArrayLike,
        *,
        contact_rate: float,
        phi: float = 1.0,
        defection: Sequence[float] = DEFAULT_DEFECTION,
        delight_bonus: float = 0.0,
    ) -> ResolutionChurnModel:
        """A model whose ``base`` reproduces ``observed_churn`` at ``shares``."""
        base = calibrate_base_churn(observed_churn, shares, contact_rate, phi, defection)
        return cls(contact_rate, phi, float(base), tuple(defection), delight_bonus)  # type: ignore[arg-type]

    def churn(self, shares: ArrayLike, *, delight_share: ArrayLike = 0.0) -> Any:
        """Churn per period at outcome shares ``(FCR, multi-contact, unresolved)``."""
        return churn_from_outcomes(
            shares,
            contact_rate=self.contact_rate,
            phi=self.phi,
            base=self.base,
            defection=self.defection,
            delight_share=delight_share,
            delight_bonus=self.delight_bonus,
        )

    def retention(self, shares: ArrayLike, *, delight_share: ArrayLike = 0.0) -> Any:
        """``1 − churn(shares)``."""
        return _out(1.0 - np.asarray(self.churn(shares, delight_share=delight_share)))


# ----------------------------------------------------------------- model V-B (effort)


def effort_disloyalty(ces5: ArrayLike) -> Any:
    """``g(CES)``: share of customers made "more disloyal" at an effort score.

    Piecewise linear on the 1–5 CES scale: 0.09 for ``CES ≤ 2``, rising linearly
    to 0.96 at ``CES ≥ 4`` (Gartner 2019: 96 % of high-effort customers become
    more disloyal versus 9 % of low-effort ones [SRC 26]; model reference §4.4 V-B).

    Examples
    --------
    >>> effort_disloyalty(1.0), effort_disloyalty(5.0)
    (0.09, 0.96)
    >>> effort_disloyalty([2.0, 3.0, 4.0])
    array([0.09 , 0.525, 0.96 ])
    """
    ces = _real("ces5", ces5, "an effort score in [1, 5]", lambda a: (a >= 1) & (a <= 5))
    (x0, y0), (x1, y1) = EFFORT_ANCHORS
    return _out(np.interp(ces, [x0, x1], [y0, y1]))


def churn_from_effort(
    ces5: ArrayLike,
    *,
    contact_rate: ArrayLike,
    phi_e: ArrayLike = 0.10,
    base: ArrayLike = 0.0,
    delight_share: ArrayLike = 0.0,
    delight_bonus: ArrayLike = 0.0,
) -> Any:
    """Churn per period from customer effort — model reference §4.4 model V-B.

    ``churn = c_base + p_contact·φ_e·g(CES) − p_contact·s_delight·δ_delight``,
    clipped to [0, 1], with ``g`` from :func:`effort_disloyalty`.

    Parameters
    ----------
    ces5
        Effort score(s) on the 1–5 scale; arrays give one churn per element.
    contact_rate
        ``p_contact`` in [0, 1].
    phi_e
        ``φ_e`` (0.10): share of "more disloyal" customers who actually leave
        within the period [ASSUMPTION].
    base
        ``c_base`` (0.0).
    delight_share, delight_bonus
        As in :func:`churn_from_outcomes`: no delight benefit by default,
        ``δ_delight ≤ 0.01`` when set.

    Examples
    --------
    >>> round(churn_from_effort(2.5, contact_rate=0.5), 6)  # g(2.5) = 0.3075
    0.015375
    """
    g = np.asarray(effort_disloyalty(ces5))
    p = _probability(contact_rate, "contact_rate", "share of customers who contact")
    f = _probability(phi_e, "phi_e", "share of disloyal customers who leave")
    c0 = _probability(base, "base", "base churn per period")
    s, b = _delight(delight_share, delight_bonus)
    return _out(np.clip(c0 + p * f * g - p * s * b, 0.0, 1.0))


@dataclass(frozen=True)
class EffortChurnModel:
    """Model V-B: churn from customer effort (CEB/Gartner anchors [SRC 26]).

    ``churn = base + contact_rate·phi_e·g(CES) − contact_rate·s·delight_bonus``
    with ``g`` = 0.09 at CES ≤ 2 rising to 0.96 at CES ≥ 4 (model reference §4.4).

    Parameters
    ----------
    contact_rate
        ``p_contact`` in [0, 1].
    phi_e
        ``φ_e`` (0.10) [ASSUMPTION].
    base
        ``c_base`` (0.0); :meth:`calibrate` sets it from observed churn.
    delight_bonus
        ``δ_delight`` (0.0, at most 0.01) [SRC 19, 26].

    Examples
    --------
    >>> m = EffortChurnModel.calibrate(0.20, 2.5, contact_rate=0.5)
    >>> round(m.base, 6), round(m.churn(2.0), 6)
    (0.184625, 0.189125)
    """

    contact_rate: float
    phi_e: float = 0.10
    base: float = 0.0
    delight_bonus: float = 0.0

    def __post_init__(self) -> None:
        _probability(self.contact_rate, "contact_rate", "share of customers who contact")
        _probability(self.phi_e, "phi_e", "share of disloyal customers who leave")
        _probability(self.base, "base", "base churn per period")
        _delight(0.0, self.delight_bonus)

    @classmethod
    def calibrate(
        cls,
        observed_churn: float,
        ces5: ArrayLike,
        *,
        contact_rate: float,
        phi_e: float = 0.10,
        delight_bonus: float = 0.0,
    ) -> EffortChurnModel:
        """A model whose ``base`` reproduces ``observed_churn`` at the baseline CES.

        ``ces5`` may be one score or the customers' scores (their mean ``g`` is used).
        """
        obs = float(_probability(observed_churn, "observed_churn", "observed churn per period"))
        p = float(_probability(contact_rate, "contact_rate", "share of customers who contact"))
        f = float(_probability(phi_e, "phi_e", "share of disloyal customers who leave"))
        driven = p * f * float(np.mean(effort_disloyalty(ces5)))
        if obs - driven < -1e-12:
            raise CxkitError(
                f"`observed_churn` must be at least the effort-driven churn "
                f"p_contact·φ_e·g(CES) = {driven!r} for a non-negative base churn, "
                f"got {format_value(obs)} (lower `phi_e` or `contact_rate`)"
            )
        return cls(p, f, max(obs - driven, 0.0), delight_bonus)

    def churn(self, ces5: ArrayLike, *, delight_share: ArrayLike = 0.0) -> Any:
        """Churn per period at effort score(s) ``ces5``."""
        return churn_from_effort(
            ces5,
            contact_rate=self.contact_rate,
            phi_e=self.phi_e,
            base=self.base,
            delight_share=delight_share,
            delight_bonus=self.delight_bonus,
        )

    def retention(self, ces5: ArrayLike, *, delight_share: ArrayLike = 0.0) -> Any:
        """``1 − churn(ces5)``."""
        return _out(1.0 - np.asarray(self.churn(ces5, delight_share=delight_share)))


def proportional_hazard_retention(retention: ArrayLike, hazard_ratio: ArrayLike) -> Any:
    """Retention after scaling the churn hazard: ``r' = 1 − HR·(1 − r)``.

    Model reference §4.4: propagates a churn change into a (e.g. sBG) retention curve
    with ``HR = churn_new/churn_old``; clipped at 0 when ``HR·(1 − r) > 1``.

    Examples
    --------
    >>> round(proportional_hazard_retention(0.8, 0.194 / 0.2), 6)
    0.806
    >>> proportional_hazard_retention([0.5, 0.9], 2.0)
    array([0. , 0.8])
    """
    r = _probability(retention, "retention", "retention per period")
    hr = _nonnegative(hazard_ratio, "hazard_ratio", "churn_new / churn_old")
    return _out(np.clip(1.0 - hr * (1.0 - r), 0.0, 1.0))


# ----------------------------------------------------------------------------- sBG


def _ab(alpha: Any, beta: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    a = _positive(alpha, "alpha", "sBG Beta shape α")
    b = _positive(beta, "beta", "sBG Beta shape β")
    return a, b


#: Above this α + β the closed form ``betaln(α, β + t) − betaln(α, β)`` loses its
#: digits to cancellation (each term is of the order of α + β); there the survival is
#: the product of its per-period retentions instead.
_LARGE_SHAPES = 1e6


def _log_survival(a: Any, b: Any, t: Any) -> Any:
    from scipy.special import betaln

    a, b, t = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(t))
    large = a + b > _LARGE_SHAPES
    if not large.any():
        return betaln(a, b + t) - betaln(a, b)
    out = np.where(large, 0.0, betaln(a, b + t) - betaln(a, b))
    # log S(t) = Σ_{k<t} log((β + k)/(α + β + k)): one pass per period (not per customer)
    al, bl, tl = a[large], b[large], t[large]
    acc = np.zeros(al.shape)
    for k in range(int(tl.max(initial=0))):
        acc += np.where(k < tl, np.log1p(-al / (al + bl + k)), 0.0)
    out[large] = acc
    return out


def _log_pmf(a: Any, b: Any, t: Any) -> Any:
    # P(T = t) = S(t − 1) · α/(α + β + t − 1), through the same stable survival
    return _log_survival(a, b, t - 1) + np.log(a / (a + b + t - 1))


def sbg_survival(alpha: ArrayLike, beta: ArrayLike, periods: ArrayLike) -> Any:
    """sBG survival ``S(t) = B(α, β + t)/B(α, β)`` (Fader & Hardie 2007 [SRC 53]).

    Equal to the recursion ``S(t) = (β + t − 1)/(α + β + t − 1)·S(t − 1)``,
    ``S(0) = 1`` (model reference §4.3), evaluated in closed form with ``betaln``.

    Parameters
    ----------
    alpha, beta
        Shapes (> 0) of the Beta distribution of per-period churn probability.
    periods
        Period(s) ``t`` (whole numbers ≥ 0).

    Examples
    --------
    >>> sbg_survival(1.0, 1.0, [1, 2, 3, 4]).round(6)  # Model reference §8: 1/(t + 1)
    array([0.5     , 0.333333, 0.25    , 0.2     ])
    """
    a, b = _ab(alpha, beta)
    t = _periods(periods, "periods", 0)
    return _out(np.exp(_log_survival(a, b, t)))


def sbg_retention(alpha: ArrayLike, beta: ArrayLike, periods: ArrayLike) -> Any:
    """sBG retention rate ``r_t = (β + t − 1)/(α + β + t − 1)`` for ``t ≥ 1``.

    It rises with tenure: the cohort sorts towards loyal customers
    (Fader & Hardie 2007 [SRC 53]; model reference §4.3).

    Examples
    --------
    >>> sbg_retention(1.0, 1.0, [1, 2, 3])
    array([0.5       , 0.66666667, 0.75      ])
    """
    a, b = _ab(alpha, beta)
    t = _periods(periods, "periods", 1)
    return _out((b + t - 1) / (a + b + t - 1))


def sbg_pmf(alpha: ArrayLike, beta: ArrayLike, periods: ArrayLike) -> Any:
    """sBG churn-time law ``P(T = t) = B(α + 1, β + t − 1)/B(α, β)``, ``t ≥ 1``.

    ``P(T = 1) = α/(α + β)`` and ``P(T = t) = (β + t − 2)/(α + β + t − 1)·P(T = t − 1)``
    (Fader & Hardie 2007 [SRC 53]; model reference §4.3).

    Examples
    --------
    >>> sbg_pmf(1.0, 1.0, [1, 2, 3]).round(6)  # 1/(t(t + 1))
    array([0.5     , 0.166667, 0.083333])
    """
    a, b = _ab(alpha, beta)
    t = _periods(periods, "periods", 1)
    return _out(np.exp(_log_pmf(a, b, t)))


def _survivors(value: Any) -> NDArray[np.float64]:
    expected = (
        "survivors per period t = 0..T starting with the cohort size: at least two "
        "non-negative, non-increasing counts with a positive first count"
    )
    arr = _real("survivors", value, expected, lambda a: a >= 0)
    if arr.ndim != 1 or arr.size < 2 or arr[0] <= 0:
        raise _fail("survivors", value, expected)
    rises = np.flatnonzero(np.diff(arr) > 0)
    if rises.size:
        i = int(rises[0]) + 1
        given = np.asarray(value)
        up = f" at index {i} (up from {given[i - 1].item()!r})"
        raise _fail("survivors", given[i].item(), expected, up)
    return arr


def _ll(a: float, b: float, n: NDArray[np.float64]) -> float:
    t = np.arange(1, n.size)
    lost = n[:-1] - n[1:]
    terms = lost * _log_pmf(a, b, t)
    return float(terms.sum() + n[-1] * _log_survival(a, b, t[-1]))


def sbg_log_likelihood(alpha: float, beta: float, survivors: ArrayLike) -> float:
    """sBG log-likelihood of a cohort's survivor counts (Fader & Hardie 2007 [SRC 53]).

    ``LL(α, β) = Σ_{t=1..T} n_lost_t·ln P(T = t) + n_alive_T·ln S(T)`` with
    ``n_lost_t = n_{t−1} − n_t`` (model reference §4.3).

    Parameters
    ----------
    alpha, beta
        sBG shapes (> 0).
    survivors
        Survivors for ``t = 0..T``, starting with the cohort size, e.g.
        ``[1000, 631, 468, ...]``.

    Examples
    --------
    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> round(sbg_log_likelihood(0.704, 1.182, regular), 1)
    -1680.3
    """
    a, b = _ab(alpha, beta)
    if a.ndim or b.ndim:
        raise _fail("alpha", alpha, "scalar shapes (use a loop for grids)")
    return _ll(float(a), float(b), _survivors(survivors))


@dataclass(frozen=True)
class SBGFit:
    """A maximum-likelihood sBG fit (see :func:`sbg_fit`).

    Attributes
    ----------
    alpha, beta
        Fitted shapes ``α̂``, ``β̂``.
    log_likelihood
        ``LL(α̂, β̂)``.
    cohort_size
        ``survivors[0]``.
    n_periods
        ``T``, the last period fitted.
    converged
        Whether Nelder–Mead reported success.
    """

    alpha: float
    beta: float
    log_likelihood: float
    cohort_size: float
    n_periods: int
    converged: bool

    @property
    def mean_churn(self) -> float:
        """Mean per-period churn probability in the cohort, ``α/(α + β)``."""
        return self.alpha / (self.alpha + self.beta)

    def survival(self, t: ArrayLike) -> Any:
        """``S(t)`` at period(s) ``t`` (see :func:`sbg_survival`)."""
        return sbg_survival(self.alpha, self.beta, t)

    def retention(self, t: ArrayLike) -> Any:
        """``r_t`` at period(s) ``t ≥ 1`` (see :func:`sbg_retention`)."""
        return sbg_retention(self.alpha, self.beta, t)

    def project(self, periods: ArrayLike) -> Any:
        """Expected survivors ``cohort_size·S(t)`` at period(s) ``t``.

        Examples
        --------
        >>> fit = sbg_fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> fit.project([8, 9, 10, 11, 12]).round(1)  # Model reference R2
        array([220.1, 204.4, 191.2, 179.9, 170. ])
        """
        return _out(self.cohort_size * np.asarray(self.survival(periods)))

    def clv(self, margin: float, discount_rate: float = DEFAULT_DISCOUNT_RATE) -> float:
        """Expected CLV of a new customer under the fit (see :func:`sbg_clv`)."""
        return sbg_clv(self.alpha, self.beta, margin, discount_rate)

    def to_dict(self) -> dict[str, float | int | bool]:
        """A JSON-ready dict of the fields."""
        return {
            "alpha": self.alpha,
            "beta": self.beta,
            "log_likelihood": self.log_likelihood,
            "cohort_size": self.cohort_size,
            "n_periods": self.n_periods,
            "converged": self.converged,
        }


def sbg_fit(survivors: ArrayLike, *, initial: tuple[float, float] = (1.0, 1.0)) -> SBGFit:
    """Fit the sBG model by maximum likelihood (Fader & Hardie 2007 [SRC 53]).

    Nelder–Mead (scipy) on ``(ln α, ln β)`` so that both stay positive
    (model reference §4.3), tolerances 1e-10.

    Parameters
    ----------
    survivors
        Survivors for ``t = 0..T`` starting with the cohort size; at least one
        customer must be lost for the shapes to be identified.
    initial
        Starting ``(α, β)`` (1, 1).

    Returns
    -------
    SBGFit

    Examples
    --------
    Model reference R2, the Berry & Linoff "Regular" cohort, years 0–7:

    >>> fit = sbg_fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(fit.alpha, 3), round(fit.beta, 3), round(fit.log_likelihood, 2)
    (0.704, 1.182, -1680.27)
    """
    from scipy.optimize import minimize

    n = _survivors(survivors)
    if n[-1] == n[0]:
        raise _fail(
            "survivors",
            survivors,
            "a cohort that loses at least one customer (otherwise α and β are not identified)",
        )
    start = _positive(initial, "initial", "starting shapes (α, β)")
    if start.shape != (2,):
        raise _fail("initial", initial, "a pair of starting shapes (α, β) > 0")

    def negative_ll(x: NDArray[np.float64]) -> float:
        a, b = math.exp(x[0]), math.exp(x[1])
        value = _ll(a, b, n)
        return -value if math.isfinite(value) else math.inf

    result = minimize(
        negative_ll,
        x0=np.log(start),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20_000, "maxfev": 40_000},
    )
    alpha, beta = (float(v) for v in np.exp(result.x))
    return SBGFit(
        alpha=alpha,
        beta=beta,
        log_likelihood=_ll(alpha, beta, n),
        cohort_size=float(n[0]),
        n_periods=int(n.size - 1),
        converged=bool(result.success),
    )


def sbg_clv(
    alpha: float,
    beta: float,
    margin: float,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    *,
    tol: float = 1e-12,
) -> float:
    """Expected CLV under sBG: ``m·Σ_{t≥0} S(t)/(1 + d)^t`` (Fader & Hardie convention).

    The first margin is paid at ``t = 0`` (model reference §4.3 [SRC 53]). Terms are
    summed in blocks of 1024 periods until ``S(t)/(1 + d)^t < tol`` (1e-12; the
    term without the margin). Closed form for checking:
    ``m·₂F₁(1, β; α + β; 1/(1 + d))`` (Fader & Hardie 2010).

    Parameters
    ----------
    alpha, beta
        sBG shapes (> 0).
    margin
        Margin per period.
    discount_rate
        ``d`` per period (> 0: with ``d = 0`` the sum may diverge); 10 %/yr
        [ASSUMPTION].
    tol
        Truncation threshold on a term.

    Examples
    --------
    >>> round(sbg_clv(1.0, 1.0, 100, 0.10), 4)
    263.7685
    """
    a, b = _ab(alpha, beta)
    if a.ndim or b.ndim:
        raise _fail("alpha", alpha, "scalar shapes")
    m = float(_real("margin", margin, "a finite number (margin per period)"))
    d = float(_positive(discount_rate, "discount_rate", "discount rate per period"))
    eps = float(_real("tol", tol, "a number in (0, 1e-3]", lambda x: (x > 0) & (x <= 1e-3)))
    log_q = math.log1p(d)
    total, start, block = 0.0, 0, 1024
    while True:
        t = np.arange(start, start + block, dtype=float)
        terms = np.exp(_log_survival(float(a), float(b), t) - t * log_q)
        below = np.flatnonzero(terms < eps)
        if below.size:
            total += float(terms[: below[0]].sum())
            break
        total += float(terms.sum())
        start += block
    return m * total
