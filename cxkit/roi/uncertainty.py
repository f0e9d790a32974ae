"""Sampling uncertain inputs and summarising simulated outcomes (model reference §5.4).

* Samplers for the three-point distributions used by initiative effects:
  triangular (``Generator.triangular``), PERT (a scaled Beta, λ = 4 by default),
  uniform, and ``"fixed"`` (the mode). A degenerate range ``low == high`` is a
  fixed value for every distribution.
* Closed forms used by tests and reports: :func:`triangular_ppf`,
  :func:`triangular_cdf`, :func:`pert_mean`.
* :func:`percentiles` summarises a simulated distribution as
  **P10/P50/P90 = 10th/50th/90th percentile** (``numpy.percentile`` with
  ``method="linear"``, Hyndman–Fan type 7), so P10 is the *pessimistic* NPV —
  the reverse of the petroleum-reserves usage. Every summary carries that
  convention as text.

Randomness goes through :func:`cxkit.core.rng.as_generator`: ``seed`` is
required and may be an ``int`` or a :class:`numpy.random.Generator` (pass one
Generator to several calls to draw from a single stream).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cxkit.core.errors import CxkitError, format_value
from cxkit.core.rng import SeedLike, as_generator

__all__ = [
    "DISTRIBUTIONS",
    "PERCENTILE_CONVENTION",
    "DistributionName",
    "PercentileSummary",
    "bootstrap_se",
    "percentiles",
    "pert_mean",
    "sample",
    "sample_pert",
    "sample_triangular",
    "sample_uniform",
    "triangular_cdf",
    "triangular_ppf",
]

DistributionName = Literal["triangular", "pert", "uniform", "fixed"]

#: The distribution names :func:`sample` accepts.
DISTRIBUTIONS: tuple[str, ...] = ("triangular", "pert", "uniform", "fixed")

#: Printed with every percentile summary (model reference §0).
PERCENTILE_CONVENTION = (
    "P10/P50/P90 = 10th/50th/90th percentile (Hyndman–Fan type 7); P10 is the pessimistic NPV"
)

#: Bootstrap resamples are drawn in blocks of at most this many values (memory bound).
_BOOT_BLOCK = 4_000_000


# --------------------------------------------------------------------------- checks


def _number(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CxkitError(f"`{name}` must be a finite number, got {format_value(value)}") from None
    if not math.isfinite(v):
        raise CxkitError(f"`{name}` must be a finite number, got {v!r}")
    return v


def _three_point(low: float, mode: float, high: float) -> tuple[float, float, float]:
    a, m, b = _number(low, "low"), _number(mode, "mode"), _number(high, "high")
    if not a <= m <= b:
        raise CxkitError(f"expected low ≤ mode ≤ high, got low={a:g}, mode={m:g}, high={b:g}")
    return a, m, b


def _size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or int(size) < 1:
        raise CxkitError(f"`size` must be an integer ≥ 1, got {format_value(size)}")
    return int(size)


def _lamb(lamb: float) -> float:
    v = _number(lamb, "lamb")
    if v <= 0:
        raise CxkitError(f"`lamb` (PERT shape λ) must be > 0, got {v:g}; the usual value is 4")
    return v


def _sample_vector(x: ArrayLike, name: str = "x") -> NDArray[np.float64]:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise CxkitError(f"`{name}` must be a sequence of numbers, got {format_value(x)}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise CxkitError(
            f"`{name}` must be a non-empty 1-D sample, got an array of shape {arr.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise CxkitError(f"`{name}` must be finite, got {arr[i]} at index {i}")
    return arr


def _q_vector(q: float | Sequence[float]) -> NDArray[np.float64]:
    try:
        arr = np.atleast_1d(np.asarray(q, dtype=float))
    except (TypeError, ValueError):
        raise CxkitError(f"`q` must be percentiles in [0, 100], got {format_value(q)}") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all((arr >= 0) & (arr <= 100)):
        raise CxkitError(f"`q` must be percentiles in [0, 100], got {format_value(q)}")
    return arr


# --------------------------------------------------------------------------- samplers


def sample_triangular(
    low: float, mode: float, high: float, size: int, seed: SeedLike = None
) -> NDArray[np.float64]:
    """Draw ``size`` values from Triangular(low, mode, high) with ``Generator.triangular``.

    Parameters
    ----------
    low, mode, high
        ``low ≤ mode ≤ high``; ``low == high`` gives that fixed value.
    size
        Number of draws (≥ 1).
    seed
        Required: an ``int`` or a :class:`numpy.random.Generator`.

    Examples
    --------
    >>> x = sample_triangular(20000, 30000, 40000, 5, seed=1)
    >>> x.shape, bool(((x >= 20000) & (x <= 40000)).all())
    ((5,), True)
    >>> sample_triangular(7, 7, 7, 2, seed=1).tolist()
    [7.0, 7.0]
    """
    a, m, b = _three_point(low, mode, high)
    n = _size(size)
    rng = as_generator(seed)
    if a == b:
        return np.full(n, a)
    return rng.triangular(a, m, b, size=n)


def sample_pert(
    low: float,
    mode: float,
    high: float,
    size: int,
    seed: SeedLike = None,
    lamb: float = 4.0,
) -> NDArray[np.float64]:
    """Draw ``size`` values from PERT(low, mode, high; λ) (model reference §5.4).

    ``α = 1 + λ(m − a)/(b − a)``, ``β = 1 + λ(b − m)/(b − a)`` and
    ``X = a + (b − a)·Beta(α, β)``; the mean is ``(a + λm + b)/(λ + 2)``
    (Vose, *Risk Analysis*, 2008).

    Parameters
    ----------
    low, mode, high
        ``low ≤ mode ≤ high``; ``low == high`` gives that fixed value.
    size
        Number of draws (≥ 1).
    seed
        Required: an ``int`` or a :class:`numpy.random.Generator`.
    lamb
        Shape λ > 0 (4 is the classic PERT).

    Examples
    --------
    >>> x = sample_pert(20000, 30000, 40000, 100_000, seed=1)
    >>> bool(abs(x.mean() - 30000) < 100)
    True
    """
    a, m, b = _three_point(low, mode, high)
    n = _size(size)
    lam = _lamb(lamb)
    rng = as_generator(seed)
    if a == b:
        return np.full(n, a)
    alpha = 1.0 + lam * (m - a) / (b - a)
    beta = 1.0 + lam * (b - m) / (b - a)
    return a + (b - a) * rng.beta(alpha, beta, size=n)


def sample_uniform(
    low: float, high: float, size: int, seed: SeedLike = None
) -> NDArray[np.float64]:
    """Draw ``size`` values from Uniform[low, high) (``low == high`` gives that value).

    Examples
    --------
    >>> x = sample_uniform(0.2, 0.5, 4, seed=3)
    >>> bool(((x >= 0.2) & (x < 0.5)).all())
    True
    """
    a, b = _number(low, "low"), _number(high, "high")
    if a > b:
        raise CxkitError(f"expected low ≤ high, got low={a:g}, high={b:g}")
    n = _size(size)
    rng = as_generator(seed)
    if a == b:
        return np.full(n, a)
    return rng.uniform(a, b, size=n)


def sample(
    distribution: DistributionName | str,
    low: float,
    mode: float,
    high: float,
    size: int,
    rng: SeedLike = None,
) -> NDArray[np.float64]:
    """Draw ``size`` values of one uncertain input, by distribution name.

    The ROI Monte Carlo calls this once per initiative effect, passing the same
    Generator each time.

    Parameters
    ----------
    distribution
        ``"triangular"``, ``"pert"`` (λ = 4), ``"uniform"`` (on [low, high];
        ``mode`` is checked but unused) or ``"fixed"`` (always ``mode``; draws no
        random numbers). :class:`cxkit.core.economics.Distribution` members work too.
    low, mode, high
        ``low ≤ mode ≤ high`` for every distribution.
    size
        Number of draws (≥ 1).
    rng
        Required: a :class:`numpy.random.Generator` (shared stream) or an ``int`` seed.

    Notes
    -----
    Draws use numpy's samplers, which consume different amounts of the stream per
    distribution (Beta uses rejection). For common random numbers across
    scenarios, give each effect its own Generator (e.g. spawned from one
    :class:`numpy.random.SeedSequence`) rather than relying on stream position.

    Examples
    --------
    >>> g = np.random.default_rng(5)
    >>> sample("fixed", 1, 2, 3, 3, g).tolist()
    [2.0, 2.0, 2.0]
    >>> sample("triangular", 1, 2, 3, 2, g).shape
    (2,)
    """
    name = str(getattr(distribution, "value", distribution))
    if name not in DISTRIBUTIONS:
        raise CxkitError(
            f"`distribution` must be one of {', '.join(repr(d) for d in DISTRIBUTIONS)}, "
            f"got {format_value(distribution)}"
        )
    a, m, b = _three_point(low, mode, high)
    n = _size(size)
    gen = as_generator(rng, argument="rng")
    if name == "fixed":
        return np.full(n, m)
    if name == "triangular":
        return sample_triangular(a, m, b, n, gen)
    if name == "pert":
        return sample_pert(a, m, b, n, gen)
    return sample_uniform(a, b, n, gen)


# --------------------------------------------------------------------------- closed forms


def triangular_ppf(
    u: ArrayLike, low: float, mode: float, high: float
) -> float | NDArray[np.float64]:
    """Quantile function of Triangular(a, m, b) (model reference §5.4).

    ``F⁻¹(u) = a + √(u(b−a)(m−a))`` for ``u < (m−a)/(b−a)``, otherwise
    ``b − √((1−u)(b−a)(b−m))``.

    Parameters
    ----------
    u
        Probabilities in [0, 1] (scalar or array).
    low, mode, high
        ``low ≤ mode ≤ high``; ``low == high`` returns that value.

    Examples
    --------
    >>> round(triangular_ppf(0.1, 20000, 30000, 40000), 2)
    24472.14
    >>> triangular_ppf([0.0, 0.5, 1.0], 20000, 30000, 40000).tolist()
    [20000.0, 30000.0, 40000.0]
    """
    a, m, b = _three_point(low, mode, high)
    uu = np.asarray(u, dtype=float)
    if not np.all(np.isfinite(uu) & (uu >= 0) & (uu <= 1)):
        raise CxkitError(f"`u` must be probabilities in [0, 1], got {format_value(u)}")
    if a == b:
        out = np.full(uu.shape, a)
    else:
        fc = (m - a) / (b - a)
        left = a + np.sqrt(uu * (b - a) * (m - a))
        right = b - np.sqrt((1.0 - uu) * (b - a) * (b - m))
        out = np.where(uu < fc, left, right)
    return float(out) if out.ndim == 0 else out


def triangular_cdf(
    x: ArrayLike, low: float, mode: float, high: float
) -> float | NDArray[np.float64]:
    """Distribution function ``P(X ≤ x)`` of Triangular(a, m, b).

    Examples
    --------
    >>> round(triangular_cdf(25105.74, 20000, 30000, 40000), 6)
    0.130343
    """
    a, m, b = _three_point(low, mode, high)
    xx = np.asarray(x, dtype=float)
    if a == b:
        out = (xx >= a).astype(float)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            left = np.where(m > a, (xx - a) ** 2 / ((b - a) * (m - a)), 1.0)
            right = np.where(b > m, 1.0 - (b - xx) ** 2 / ((b - a) * (b - m)), 1.0)
        out = np.where(xx <= a, 0.0, np.where(xx >= b, 1.0, np.where(xx <= m, left, right)))
    return float(out) if out.ndim == 0 else out


def pert_mean(low: float, mode: float, high: float, lamb: float = 4.0) -> float:
    """Mean of PERT(a, m, b; λ): ``(a + λ·m + b)/(λ + 2)``, i.e. ``(a + 4m + b)/6``.

    Examples
    --------
    >>> pert_mean(20000, 30000, 40000)
    30000.0
    >>> pert_mean(0, 0, 6)
    1.0
    """
    a, m, b = _three_point(low, mode, high)
    lam = _lamb(lamb)
    return (a + lam * m + b) / (lam + 2.0)


# --------------------------------------------------------------------------- summaries


def bootstrap_se(
    x: ArrayLike,
    q: float | Sequence[float],
    n_boot: int = 200,
    seed: SeedLike = None,
) -> float | NDArray[np.float64]:
    """Bootstrap standard error of type-7 percentile(s) of a sample.

    Draws ``n_boot`` resamples of ``x`` with replacement (vectorised, in blocks
    to bound memory), takes ``numpy.percentile(..., method="linear")`` of each,
    and returns the standard deviation (``ddof=1``) across resamples.

    Parameters
    ----------
    x
        The sample (1-D, finite).
    q
        One percentile in [0, 100] or a sequence of them.
    n_boot
        Number of resamples (≥ 2).
    seed
        Required: an ``int`` or a :class:`numpy.random.Generator`.

    Returns
    -------
    float or numpy.ndarray
        One standard error per percentile.

    Examples
    --------
    >>> bootstrap_se([5.0] * 10, 50, seed=1)
    0.0
    >>> se = bootstrap_se(np.random.default_rng(0).normal(size=2000), [10, 50, 90], seed=1)
    >>> se.shape, bool((se > 0.01).all() and (se < 0.1).all())
    ((3,), True)
    """
    arr = _sample_vector(x)
    qs = _q_vector(q)
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 2:
        raise CxkitError(f"`n_boot` must be an integer ≥ 2, got {format_value(n_boot)}")
    rng = as_generator(seed)
    n = arr.size
    block = max(1, min(int(n_boot), _BOOT_BLOCK // n))
    stats = np.empty((int(n_boot), qs.size))
    done = 0
    while done < n_boot:
        k = min(block, int(n_boot) - done)
        idx = rng.integers(0, n, size=(k, n))
        stats[done : done + k] = np.percentile(arr[idx], qs, axis=1, method="linear").T
        done += k
    se = stats.std(axis=0, ddof=1)
    return float(se[0]) if np.ndim(q) == 0 else se


@dataclass(frozen=True)
class PercentileSummary:
    """P10/P50/P90 summary of a simulated distribution (model reference §0, §5.4).

    Attributes
    ----------
    p10, p50, p90
        10th/50th/90th percentiles, type 7 (``numpy.percentile``, ``method="linear"``).
        For an NPV, P10 is the pessimistic value.
    mean
        Sample mean.
    prob_negative
        Share of the sample strictly below 0 (``P(NPV < 0)``).
    n
        Sample size.
    se_p10, se_p50, se_p90
        Bootstrap standard errors of the percentiles (``nan`` if ``n_boot == 0``).
    n_boot
        Number of bootstrap resamples used.
    convention
        The percentile convention, to print with every report.
    """

    p10: float
    p50: float
    p90: float
    mean: float
    prob_negative: float
    n: int
    se_p10: float = math.nan
    se_p50: float = math.nan
    se_p90: float = math.nan
    n_boot: int = 0
    convention: str = PERCENTILE_CONVENTION

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all fields."""
        return asdict(self)


def percentiles(
    x: ArrayLike,
    q: Sequence[float] = (10, 50, 90),
    *,
    seed: SeedLike = None,
    n_boot: int = 200,
) -> PercentileSummary:
    """Summarise a simulated sample as P10/P50/P90, mean and ``P(x < 0)``.

    Parameters
    ----------
    x
        The simulated values (e.g. NPV per Monte Carlo draw); 1-D and finite.
    q
        Must be ``(10, 50, 90)``: the summary's fields are named after them. For
        other percentiles call ``numpy.percentile(x, q, method="linear")``.
    seed
        Seed of the bootstrap for the standard errors; required unless
        ``n_boot == 0``.
    n_boot
        Bootstrap resamples for the standard errors (0 skips them: SEs are ``nan``).

    Returns
    -------
    PercentileSummary

    Examples
    --------
    >>> s = percentiles(np.arange(-1, 10), n_boot=0)
    >>> s.p10, s.p50, s.p90, s.mean, round(s.prob_negative, 4), s.n
    (0.0, 4.0, 8.0, 4.0, 0.0909, 11)
    >>> s.convention[:39]
    'P10/P50/P90 = 10th/50th/90th percentile'
    """
    arr = _sample_vector(x)
    qs = tuple(float(v) for v in _q_vector(q))
    if qs != (10.0, 50.0, 90.0):
        raise CxkitError(
            f"`q` must be (10, 50, 90) for a PercentileSummary, got {format_value(q)}; "
            "use numpy.percentile(x, q, method='linear') for other percentiles"
        )
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 0:
        raise CxkitError(f"`n_boot` must be an integer ≥ 0, got {format_value(n_boot)}")
    p = np.percentile(arr, qs, method="linear")
    if n_boot > 0:
        if seed is None:
            raise CxkitError(
                f"`seed` is required for the bootstrap standard errors (n_boot={int(n_boot)}); "
                "pass seed=… or n_boot=0"
            )
        se = np.asarray(bootstrap_se(arr, qs, n_boot=int(n_boot), seed=seed))
    else:
        se = np.full(3, math.nan)
    return PercentileSummary(
        p10=float(p[0]),
        p50=float(p[1]),
        p90=float(p[2]),
        mean=float(arr.mean()),
        prob_negative=float(np.mean(arr < 0.0)),
        n=int(arr.size),
        se_p10=float(se[0]),
        se_p50=float(se[1]),
        se_p90=float(se[2]),
        n_boot=int(n_boot),
    )
