"""Contact-centre queueing: Erlang B, Erlang C, staffing and Erlang A (model reference §3.5).

The queue links staffing to waiting time, abandonment and so to the experience of
a journey's phone steps. Time is in any one unit (seconds in cxkit) as long as
``aht``, ``target`` and ``t`` share it; ``load`` is the offered traffic
``A = λ·AHT`` in Erlangs.

* **Erlang B / Erlang C** (M/M/N; [SRC 24, 44]) through the stable recursion
  ``B_0 = 1, B_k = A·B_{k−1}/(k + A·B_{k−1})`` and
  ``C = B_N / (1 − (A/N)(1 − B_N))`` [SRC 46] — no factorials, so hundreds of
  agents are fine.
* **Service level** ``SL(T) = 1 − C·exp(−(N − A)·T/AHT)``, **ASA**
  ``C·AHT/(N − A)``, **occupancy** ``A/N`` and ``P(W > t) = C·exp(−(Nμ − λ)t)``.
* **Staffing** ``N* = min N`` with ``SL(T) ≥ SL_target`` and ``Occ ≤ occ_max``;
  scheduled headcount ``ceil(N*/(1 − shrinkage))`` [SRC 47, 48].
* **Erlang A** (M/M/N+M, exponential patience; Garnett, Mandelbaum & Reiman 2002
  [SRC 49]; Mandelbaum & Zeltyn 2005 [SRC 50]) as a birth–death chain truncated
  where the tail mass is below ``1e-12``. Erlang C ignores abandonment and so
  overstates the agents needed [SRC 49, 51]: use Erlang A for any claim about
  abandonment.

Every function that takes ``servers`` and ``load`` (and ``aht``, ``target``,
``t``) broadcasts numpy arrays and returns a ``float`` when all inputs are scalars.

Why not a library: pyworkforce (MIT, last release 0.5.1 in July 2023) computes the
same Erlang C, but it pulls in OR-Tools, pandas and joblib, works in minutes, has no
Erlang A, and raises bare ``ValueError``; the formulas here are a few lines each.

Examples
--------
Model reference R1, the Call Centre Helper example (100 calls per 30 min, AHT 180 s):

>>> result = staffing(100, 1800, 180, 20)
>>> result.traffic_erlangs, result.agents, result.scheduled
(10.0, 14, 20)
>>> round(result.p_wait, 7), round(result.service_level, 5), round(result.asa_s, 4)
(0.1741319, 0.88835, 7.8359)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cxkit.core._checks import MAX_AGENTS, MAX_ERLANGS, MAX_MAGNITUDE
from cxkit.core._checks import as_output as _out
from cxkit.core._checks import fail as _fail
from cxkit.core._checks import nonnegative as _nonnegative
from cxkit.core._checks import positive as _positive
from cxkit.core._checks import real as _real
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.rng import as_generator

__all__ = [
    "ErlangAResult",
    "StaffingResult",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "offered_load",
    "sample_waits",
    "service_level",
    "staffing",
    "staffing_table",
    "wait_exceedance",
]

#: Largest truncation level the Erlang A chain may grow to before giving up.
_MAX_STATES = 10_000_000


# --------------------------------------------------------------------------- checks


def _servers(value: Any, name: str = "servers") -> NDArray[np.int64]:
    expected = f"a whole number of agents in [1, {MAX_AGENTS:,}]"
    arr = _real(name, value, expected, lambda a: (a >= 1) & (a == np.floor(a)) & (a <= MAX_AGENTS))
    return arr.astype(np.int64)


def _load(value: Any, name: str = "load") -> NDArray[np.float64]:
    return _real(name, value, "a finite number ≥ 0 (offered load in Erlangs)", lambda a: a >= 0)


# ------------------------------------------------------------------- Erlang B and C


def _erlang_b(n: NDArray[np.int64], a: NDArray[np.float64]) -> NDArray[np.float64]:
    n, a = np.broadcast_arrays(n, a)
    if a.size > 1 and float(a.min()) == float(a.max()):  # one load: one scalar recursion
        return _erlang_b_one(n, float(a.flat[0]))
    b = np.ones(a.shape)
    top = int(n.max()) if n.size else 0
    for k in range(1, top + 1):
        ab = a * b
        b = np.where(k <= n, ab / (k + ab), b)
    return b


def _erlang_b_one(n: NDArray[np.int64], a: float) -> NDArray[np.float64]:
    """``B(N, a)`` for every ``N`` in ``n`` from one pass of the recursion (O(max N))."""
    top = int(n.max())
    seq = np.empty(top + 1)
    b = 1.0
    seq[0] = b
    for k in range(1, top + 1):
        b = a * b / (k + a * b)
        seq[k] = b
    return seq[n]


def _erlang_c(n: NDArray[np.int64], a: NDArray[np.float64]) -> NDArray[np.float64]:
    b = _erlang_b(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = b / (1.0 - (a / n) * (1.0 - b))
    return np.where(a >= n, 1.0, np.clip(c, 0.0, 1.0))


def erlang_b(servers: ArrayLike, load: ArrayLike) -> Any:
    """Erlang B: the blocking probability of an M/M/N/N loss system.

    Computed with the recursion ``B_0 = 1, B_k = A·B_{k−1}/(k + A·B_{k−1})``
    (model reference §3.5 [SRC 46]), which never forms ``A^N`` or ``N!``.

    Parameters
    ----------
    servers
        Number of agents ``N`` (a whole number ≥ 1).
    load
        Offered load ``A = λ·AHT`` in Erlangs (≥ 0).

    Returns
    -------
    float or numpy.ndarray
        ``B(N, A)`` in [0, 1]; an array when an input is an array.

    Examples
    --------
    >>> erlang_b(1, 1.0)
    0.5
    >>> round(erlang_b(14, 10.0), 6)
    0.056819
    >>> erlang_b([1, 2], 1.0)
    array([0.5, 0.2])
    """
    return _out(_erlang_b(_servers(servers), _load(load)))


def erlang_c(servers: ArrayLike, load: ArrayLike) -> Any:
    """Erlang C: the probability that a call waits, ``P(W > 0)``, in M/M/N.

    ``C = B_N / (1 − (A/N)(1 − B_N))`` from the Erlang B recursion (model reference §3.5
    [SRC 24, 44, 46]).

    Parameters
    ----------
    servers
        Number of agents ``N`` (a whole number ≥ 1).
    load
        Offered load ``A`` in Erlangs (≥ 0).

    Returns
    -------
    float or numpy.ndarray
        ``C(N, A)`` in [0, 1]. When ``load ≥ servers`` the queue is unstable (it
        grows without bound) and every call waits: the result is ``1.0``.

    Examples
    --------
    >>> round(erlang_c(2, 1.0), 12)  # Model reference §8 unit check: 1/3
    0.333333333333
    >>> round(erlang_c(14, 10.0), 7)  # Model reference R1
    0.1741319
    >>> erlang_c(10, 10.0)  # unstable
    1.0
    """
    return _out(_erlang_c(_servers(servers), _load(load)))


def _tail(n: Any, a: Any, aht: Any, t: Any) -> NDArray[np.float64]:
    """``P(W > t) = C·exp(−(N − A)·t/AHT)``; 1 when unstable."""
    c = _erlang_c(n, a)
    with np.errstate(over="ignore", invalid="ignore"):
        tail = c * np.exp(-(n - a) * t / aht)
    return np.where(a >= n, 1.0, np.clip(tail, 0.0, 1.0))


def _sl(n: Any, a: Any, aht: Any, target: Any) -> NDArray[np.float64]:
    return 1.0 - _tail(n, a, aht, target)


def _asa(n: Any, a: Any, aht: Any) -> NDArray[np.float64]:
    c = _erlang_c(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = c * aht / (n - a)
    return np.where(a >= n, np.inf, asa)


def service_level(servers: ArrayLike, load: ArrayLike, aht: ArrayLike, target: ArrayLike) -> Any:
    """Share of calls answered within ``target``: ``SL(T) = 1 − C·exp(−(N − A)·T/AHT)``.

    Model reference §3.5 [SRC 22, 24]. ``aht`` and ``target`` share one time unit.

    Parameters
    ----------
    servers
        Number of agents ``N``.
    load
        Offered load ``A`` in Erlangs.
    aht
        Average handle time (> 0).
    target
        Answer-time target ``T`` (≥ 0), e.g. 20 s for the "80/20" standard.

    Returns
    -------
    float or numpy.ndarray
        ``SL(T)`` in [0, 1]; ``0.0`` when ``load ≥ servers`` (unstable queue).

    Examples
    --------
    >>> round(service_level(14, 10.0, 180, 20), 5)  # Model reference R1
    0.88835
    >>> service_level(14, 10.0, 180, 0) == 1 - erlang_c(14, 10.0)
    True
    """
    n, a = _servers(servers), _load(load)
    h = _positive(aht, "aht", "average handle time")
    t = _nonnegative(target, "target", "answer-time target, same unit as `aht`")
    return _out(_sl(n, a, h, t))


def average_speed_of_answer(servers: ArrayLike, load: ArrayLike, aht: ArrayLike) -> Any:
    """Average speed of answer (mean wait of all calls): ``ASA = C·AHT/(N − A)``.

    Model reference §3.5 [SRC 22, 24].

    Parameters
    ----------
    servers
        Number of agents ``N``.
    load
        Offered load ``A`` in Erlangs.
    aht
        Average handle time (> 0); the result is in the same unit.

    Returns
    -------
    float or numpy.ndarray
        The ASA; ``inf`` when ``load ≥ servers`` (unstable queue).

    Examples
    --------
    >>> round(average_speed_of_answer(14, 10.0, 180), 4)  # Model reference R1, seconds
    7.8359
    >>> average_speed_of_answer(10, 10.0, 180)
    inf
    """
    n, a = _servers(servers), _load(load)
    h = _positive(aht, "aht", "average handle time")
    return _out(_asa(n, a, h))


def occupancy(servers: ArrayLike, load: ArrayLike) -> Any:
    """Agent occupancy ``A/N``: the share of staffed time spent handling calls.

    Model reference §3.5. Capped at ``1.0`` when ``load ≥ servers`` (every agent is busy
    all the time and the queue grows).

    Examples
    --------
    >>> round(occupancy(14, 10.0), 7)
    0.7142857
    >>> occupancy(8, 10.0)
    1.0
    """
    n, a = _servers(servers), _load(load)
    return _out(np.minimum(a / n, 1.0))


def wait_exceedance(servers: ArrayLike, load: ArrayLike, aht: ArrayLike, t: ArrayLike) -> Any:
    """``P(W > t) = C·exp(−(Nμ − λ)·t)`` with ``μ = 1/AHT``, ``λ = A/AHT``.

    Model reference §3.5: the Erlang C waiting-time tail (so ``SL(t) = 1 − P(W > t)``).

    Parameters
    ----------
    servers, load
        Agents ``N`` and offered load ``A`` (Erlangs).
    aht
        Average handle time (> 0).
    t
        Wait threshold (≥ 0), same unit as ``aht``.

    Returns
    -------
    float or numpy.ndarray
        ``P(W > t)``; ``1.0`` when ``load ≥ servers`` (unstable queue).

    Examples
    --------
    >>> round(wait_exceedance(14, 10.0, 180, 20), 5)
    0.11165
    >>> wait_exceedance(14, 10.0, 180, 0) == erlang_c(14, 10.0)
    True
    """
    n, a = _servers(servers), _load(load)
    h = _positive(aht, "aht", "average handle time")
    tt = _nonnegative(t, "t", "wait threshold, same unit as `aht`")
    return _out(_tail(n, a, h, tt))


# ---------------------------------------------------------------------- staffing


@dataclass(frozen=True)
class StaffingResult:
    """Erlang C staffing for one interval (see :func:`staffing`).

    Attributes
    ----------
    traffic_erlangs
        Offered load ``A = calls·AHT/interval``.
    agents
        Raw positions ``N*``: the fewest agents meeting both targets.
    scheduled
        Headcount to schedule, ``ceil(N*/(1 − shrinkage))``.
    p_wait
        Erlang C probability of waiting at ``N*``.
    service_level
        Share answered within the target time at ``N*``.
    asa_s
        Average speed of answer at ``N*``, seconds.
    occupancy
        ``A/N*``.
    """

    traffic_erlangs: float
    agents: int
    scheduled: int
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float

    def to_dict(self) -> dict[str, float | int]:
        """A JSON-ready dict of the fields.

        Examples
        --------
        >>> staffing(100, 1800, 180, 20).to_dict()["scheduled"]
        20
        """
        return asdict(self)


def _bounded(value: Any, name: str, what: str, low: str) -> float:
    """A finite number ≥ 0 (``low = "≥ 0"``) or > 0 of magnitude ≤ ``MAX_MAGNITUDE``."""
    expected = f"a finite number {low} and ≤ {MAX_MAGNITUDE:g} ({what})"
    if low == "> 0":
        return float(_real(name, value, expected, lambda a: (a > 0) & (a <= MAX_MAGNITUDE)))
    return float(_real(name, value, expected, lambda a: (a >= 0) & (a <= MAX_MAGNITUDE)))


def offered_load(
    calls: Any,
    interval_s: Any,
    aht_s: Any,
    target_s: Any = 0.0,
    names: tuple[str, str, str, str] = ("calls", "interval_s", "aht_s", "target_s"),
    interval_scale: float = 1.0,
) -> float:
    """``A = calls·aht/interval`` in Erlangs, every input and ``A`` checked.

    Each input is a finite number of magnitude ≤ ``MAX_MAGNITUDE`` (1e15) and ``A``
    is at most :data:`~cxkit.core._checks.MAX_ERLANGS` (100,000 Erlangs: the Erlang
    B recursion takes one step per agent). ``names`` are shown in messages (the CLI
    passes its option names; its ``--interval`` is in minutes: ``interval_scale``
    60).

    Examples
    --------
    >>> offered_load(100, 1800, 180)
    10.0
    >>> offered_load(100, 1800, 1e308)
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `aht_s` must be a finite number > 0 and ≤ 1e+15
    (average handle time in seconds), got 1e+308
    >>> offered_load(10**9, 1800, 180)
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: the offered load calls·aht_s/interval_s =
    1000000000·180/1800 = 1e+08 Erlangs must be at most 100,000 Erlangs (the Erlang B
    recursion takes one step per agent; split the calls over queues or intervals)
    """
    c = _bounded(calls, names[0], "calls offered in the interval", "≥ 0")
    unit = "seconds" if interval_scale == 1.0 else "minutes"
    i = _bounded(interval_s, names[1], f"interval length in {unit}", "> 0") * interval_scale
    h = _bounded(aht_s, names[2], "average handle time in seconds", "> 0")
    _bounded(target_s, names[3], "answer-time target in seconds", "≥ 0")
    load = c * h / i
    if load > MAX_ERLANGS:
        shown = [format_value(calls), format_value(aht_s), format_value(interval_s)]
        raise CxkitError(
            f"the offered load {names[0]}·{names[2]}/{names[1]} = {'·'.join(shown[:2])}/"
            f"{shown[2]} = {load:.4g} Erlangs must be at most {MAX_ERLANGS:,.0f} Erlangs (the "
            "Erlang B recursion takes one step per agent; split the calls over queues or "
            "intervals)"
        )
    return load


def _check_interval_inputs(calls: Any, interval_s: Any, aht_s: Any, target_s: Any) -> float:
    return offered_load(calls, interval_s, aht_s, target_s)


def staffing(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_s: float = 20.0,
    service_level: float = 0.8,
    max_occupancy: float = 0.85,
    shrinkage: float = 0.30,
) -> StaffingResult:
    """Agents needed for one interval by Erlang C (model reference §3.5).

    ``N*`` is the smallest ``N > A`` with ``SL(target_s) ≥ service_level`` and
    ``A/N ≤ max_occupancy``; the scheduled headcount is
    ``ceil(N*/(1 − shrinkage))`` (a relative tolerance of 1e-9 keeps float noise
    such as ``7/0.7 = 10.000000000000002`` from adding an agent).

    Parameters
    ----------
    calls
        Calls offered in the interval (≥ 0). No calls need no agents: the result
        then has ``agents = scheduled = 0``, ``service_level = 1``.
    interval_s
        Interval length in seconds (the model reference's default interval: 1800 s [SRC 47]).
    aht_s
        Average handle time in seconds.
    target_s
        Answer-time target ``T`` in seconds (20 s, the "80/20" standard [SRC 22]).
    service_level
        Target share answered within ``target_s``, in (0, 1) (0.80 [SRC 22]).
    max_occupancy
        Highest acceptable occupancy, in (0, 1] (0.85 [SRC 47]).
    shrinkage
        Share of paid time agents are unavailable, in [0, 1) (0.30, "industry
        30 %" [SRC 47, 48]).

    Returns
    -------
    StaffingResult

    Examples
    --------
    Model reference R1 (Call Centre Helper; pyworkforce and CRAN ErlangC READMEs):

    >>> r = staffing(100, 1800, 180, 20, service_level=0.8, max_occupancy=0.85)
    >>> r.agents, r.scheduled, round(r.occupancy, 7)
    (14, 20, 0.7142857)
    >>> staffing(100, 1800, 180, 20, shrinkage=0.0).scheduled
    14
    """
    load = _check_interval_inputs(calls, interval_s, aht_s, target_s)
    sl_target = float(
        _real("service_level", service_level, "a number in (0, 1)", lambda a: (a > 0) & (a < 1))
    )
    occ_max = float(
        _real("max_occupancy", max_occupancy, "a number in (0, 1]", lambda a: (a > 0) & (a <= 1))
    )
    shrink = float(
        _real("shrinkage", shrinkage, "a number in [0, 1)", lambda a: (a >= 0) & (a < 1))
    )
    aht, target = float(aht_s), float(target_s)
    if load == 0:
        return StaffingResult(0.0, 0, 0, 0.0, 1.0, 0.0, 0.0)
    # Continue the Erlang B recursion from N = floor(A) + 1 upward.
    n = max(math.floor(load) + 1, math.ceil(load / occ_max * (1.0 - 1e-12)))
    b = float(_erlang_b_one(np.asarray(n), load)) if n <= MAX_AGENTS else 0.0
    while True:
        if n > MAX_AGENTS:
            raise CxkitError(
                f"`max_occupancy` {format_value(max_occupancy)} needs more than "
                f"{MAX_AGENTS:,} agents for {load:.4g} Erlangs (expected a larger "
                "`max_occupancy` or fewer calls per interval)"
            )
        c = min(max(b / (1.0 - (load / n) * (1.0 - b)), 0.0), 1.0)
        sl = 1.0 - c * math.exp(-(n - load) * target / aht)
        if sl >= sl_target and load / n <= occ_max:
            break
        n += 1
        b = load * b / (n + load * b)
    scheduled = math.ceil(n / (1.0 - shrink) * (1.0 - 1e-9))
    return StaffingResult(
        traffic_erlangs=load,
        agents=n,
        scheduled=scheduled,
        p_wait=c,
        service_level=sl,
        asa_s=c * aht / (n - load),
        occupancy=load / n,
    )


def staffing_table(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_s: float = 20.0,
    agents: Iterable[int] | None = None,
) -> list[dict[str, float | int]]:
    """Erlang C figures for a sweep of agent counts, one dict per row.

    Parameters
    ----------
    calls, interval_s, aht_s, target_s
        As for :func:`staffing`.
    agents
        Agent counts to tabulate. By default from the smallest stable count
        ``floor(A) + 1`` to one more than :func:`staffing`'s ``N*`` at its default
        targets (for R1: 11 to 15).

    Returns
    -------
    list of dict
        Keys ``agents``, ``p_wait``, ``service_level``, ``asa_s``, ``occupancy``;
        ``polars.DataFrame(rows)`` turns it into a frame. Unstable rows
        (``agents ≤ A``) have ``p_wait = 1``, ``service_level = 0`` and
        ``asa_s = inf``.

    Examples
    --------
    >>> rows = staffing_table(100, 1800, 180, 20)
    >>> [(r["agents"], round(r["p_wait"], 6)) for r in rows[:2]]
    [(11, 0.682118), (12, 0.449388)]
    """
    load = _check_interval_inputs(calls, interval_s, aht_s, target_s)
    if agents is None:
        top = staffing(calls, interval_s, aht_s, target_s).agents
        agents = range(math.floor(load) + 1, top + 2)
    n = _servers(list(agents), "agents")
    if n.ndim != 1:
        raise _fail("agents", agents, "a sequence of whole numbers ≥ 1")
    a = np.full(n.shape, load)
    aht, target = float(aht_s), float(target_s)
    p_wait = _erlang_c(n, a)
    sl = _sl(n, a, aht, target)
    asa = _asa(n, a, aht)
    occ = np.minimum(a / np.maximum(n, 1), 1.0)
    return [
        {
            "agents": int(n[i]),
            "p_wait": float(p_wait[i]),
            "service_level": float(sl[i]),
            "asa_s": float(asa[i]),
            "occupancy": float(occ[i]),
        }
        for i in range(n.size)
    ]


# ----------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class ErlangAResult:
    """Steady state of the Erlang A queue (M/M/N+M); see :func:`erlang_a`.

    Attributes
    ----------
    arrival_rate, service_rate, patience_rate, servers
        The inputs ``λ``, ``μ``, ``θ`` and ``N``.
    p_wait
        ``P(W > 0) = Σ_{n≥N} π_n`` (arrivals see time averages, PASTA).
    p_abandon
        ``P(Ab) = θ·E[Q]/λ``.
    mean_queue
        ``E[Q] = Σ (n − N)⁺ π_n``.
    mean_wait
        ``E[W] = E[Q]/λ`` (Little), the mean time in queue over all arrivals,
        abandoners included.
    states
        Truncation level ``K`` of the chain (states ``0..K``).
    """

    arrival_rate: float
    service_rate: float
    patience_rate: float
    servers: int
    p_wait: float
    p_abandon: float
    mean_queue: float
    mean_wait: float
    states: int
    _queue_law: NDArray[np.float64] = field(repr=False, compare=False)

    @property
    def queued_probabilities(self) -> NDArray[np.float64]:
        """``π_{N+j}`` for ``j = 0..K−N``: all agents busy and ``j`` callers queued.

        By PASTA this is also the law of the queue an arrival finds; it sums to
        ``p_wait``.
        """
        return self._queue_law.copy()

    @property
    def p_served(self) -> float:
        """``1 − P(Ab)``."""
        return 1.0 - self.p_abandon

    @property
    def occupancy(self) -> float:
        """Agent occupancy ``λ(1 − P(Ab))/(N·μ)``."""
        return self.arrival_rate * self.p_served / (self.servers * self.service_rate)

    def _transient(self, t: ArrayLike, *, self_abandon: bool) -> NDArray[np.float64]:
        """Per ``t``: mass still queued (index 0) and mass served (index 1)."""
        from scipy.sparse.linalg import expm_multiply

        tt = _nonnegative(t, "t", "wait threshold, same unit as 1/`service_rate`")
        q = self._queue_law
        j = q.size  # states "i callers ahead", i = 0..j-1, then "served" (index j)
        i = np.arange(j, dtype=float)
        move = self.servers * self.service_rate + i * self.patience_rate
        out = move + (self.patience_rate if self_abandon else 0.0)
        gt = _death_generator(move, out).T.tocsr()
        # Beyond t_done less than 1e-17 of the mass is still queued (a Chernoff
        # bound on the sum of exponential phases at s = N·mu/2), so larger t
        # reuse it instead of paying for a long matrix exponential.
        s = 0.5 * move[0]
        t_done = (float(np.sum(-np.log1p(-s / move))) + 17 * math.log(10)) / s
        flat = np.minimum(tt.ravel(), t_done)
        order = np.argsort(flat, kind="stable")
        result = np.empty((flat.size, 2))
        p, now = np.append(q, 0.0), 0.0
        for k in order:  # one pass forward in time through the sorted t
            if flat[k] > now:
                p = expm_multiply(gt * (flat[k] - now), p)
                now = flat[k]
            result[k] = (p[:j].sum(), p[j])
        return result.reshape((*tt.shape, 2))

    def service_level(self, t: ArrayLike) -> Any:
        """Share of all offered calls answered within ``t``.

        An arrival that finds ``j`` callers queued would be answered after the
        offered wait ``V``, a sum of exponential phases with rates
        ``Nμ + iθ`` (``i = j..0``), unless its own patience ``τ ~ Exp(θ)`` runs
        out first; the result is ``(1 − P(W>0)) + Σ_j π_{N+j}·P(V ≤ min(t, τ))``,
        computed with ``scipy.sparse.linalg.expm_multiply`` on that pure-death
        chain (``t`` beyond the time by which all but 1e-17 of the queued mass
        has left the queue is treated as that time). Callers who abandon count
        as not answered, so ``service_level(0)`` is ``1 − p_wait`` and the limit
        as ``t → ∞`` is ``1 − p_abandon``. With
        ``patience_rate = 0`` it equals the Erlang C :func:`service_level`.

        Parameters
        ----------
        t
            Answer-time target (≥ 0), in the time unit of the rates.

        Examples
        --------
        >>> q = erlang_a(1.0, 1.0, 1.0, 1)
        >>> round(q.service_level(0.0), 6), round(q.service_level(50.0), 6)
        (0.367879, 0.632121)
        """
        served = self._transient(t, self_abandon=True)[..., 1]
        return _out((1.0 - self.p_wait) + served)

    def wait_exceedance(self, t: ArrayLike) -> Any:
        """``P(W > t)`` for the time ``W = min(V, τ)`` a caller spends queued.

        ``P(W > t) = e^{−θt}·P(V > t)`` with the offered wait ``V`` of
        :meth:`service_level`; ``wait_exceedance(0) = p_wait``.

        Examples
        --------
        >>> q = erlang_a(1.0, 1.0, 1.0, 1)
        >>> q.wait_exceedance(0.0) == q.p_wait
        True
        """
        tt = _nonnegative(t, "t", "wait threshold, same unit as 1/`service_rate`")
        queued = self._transient(tt, self_abandon=False)[..., 0]
        return _out(np.exp(-self.patience_rate * tt) * queued)

    def to_dict(self) -> dict[str, float | int]:
        """A JSON-ready dict of the inputs and results."""
        return {
            "arrival_rate": self.arrival_rate,
            "service_rate": self.service_rate,
            "patience_rate": self.patience_rate,
            "servers": self.servers,
            "p_wait": self.p_wait,
            "p_abandon": self.p_abandon,
            "mean_queue": self.mean_queue,
            "mean_wait": self.mean_wait,
            "states": self.states,
        }


def _death_generator(move: NDArray[np.float64], out: NDArray[np.float64]) -> Any:
    """Sparse generator of the 'customers ahead' chain plus an absorbing 'served'.

    States ``0..j−1`` count the callers ahead, state ``j`` is "served". From
    ``i ≥ 1`` the caller moves to ``i − 1`` at rate ``move[i]``; from ``0`` to
    "served" at ``move[0]``; the diagonal is ``−out`` (``out − move`` is the
    caller's own abandonment rate, which leaves the chain).
    """
    from scipy.sparse import coo_matrix

    j = move.size
    rows = np.concatenate([np.arange(j), np.arange(1, j), [0]])
    cols = np.concatenate([np.arange(j), np.arange(0, j - 1), [j]])
    vals = np.concatenate([-out, move[1:], move[:1]])
    return coo_matrix((vals, (rows, cols)), shape=(j + 1, j + 1)).tocsr()


def erlang_a(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    servers: int,
    tail: float = 1e-12,
) -> ErlangAResult:
    """Erlang A (M/M/N+M): Erlang C with exponentially impatient callers.

    The number in system is a birth–death chain with ``birth = λ`` and
    ``death_n = min(n, N)·μ + max(n − N, 0)·θ``; ``π_n ∝ Π_{k≤n} λ/death_k`` is
    summed in log space (one ``cumsum``) and normalised with log-sum-exp. The
    chain is truncated at the first ``K`` (doubling from ``N + 64``) where a
    geometric bound on the mass beyond ``K``, ``π_K·ρ/(1 − ρ)`` with
    ``ρ = λ/death_{K+1}``, is below ``tail`` (model reference §3.5; Garnett, Mandelbaum
    & Reiman 2002 [SRC 49]; Mandelbaum & Zeltyn 2005 [SRC 50]).

    Parameters
    ----------
    arrival_rate
        ``λ`` (> 0), calls per time unit.
    service_rate
        ``μ = 1/AHT`` (> 0).
    patience_rate
        ``θ = 1/mean patience`` (≥ 0). The model reference's default is 1/120 s⁻¹
        [ASSUMPTION]. ``0`` gives Erlang C and then needs ``λ < N·μ``.
    servers
        Agents ``N`` (whole number ≥ 1).
    tail
        Truncation tolerance on the neglected probability mass (1e-12).

    Returns
    -------
    ErlangAResult
        With ``p_wait``, ``p_abandon``, ``mean_queue``, ``mean_wait`` and the
        methods ``service_level(t)`` and ``wait_exceedance(t)``.

    Examples
    --------
    Model reference §8 unit check: with ``N = 1`` and ``λ = μ = θ = 1`` the number in
    system is Poisson(1):

    >>> q = erlang_a(1.0, 1.0, 1.0, 1)
    >>> round(q.p_wait, 6), round(q.p_abandon, 6)
    (0.632121, 0.367879)

    R1's interval with a mean patience of 120 s (per-second rates):

    >>> q = erlang_a(100 / 1800, 1 / 180, 1 / 120, 14)
    >>> round(q.p_wait, 4), round(q.p_abandon, 4), round(q.mean_wait, 2)
    (0.127, 0.0228, 2.74)
    >>> round(q.service_level(20), 4)  # Erlang C says 0.8884
    0.9327
    """
    lam = float(_positive(arrival_rate, "arrival_rate", "calls per time unit"))
    mu = float(_positive(service_rate, "service_rate", "1 / average handle time"))
    theta = float(_nonnegative(patience_rate, "patience_rate", "1 / mean patience"))
    n_agents = int(_servers(servers))
    tol = float(_real("tail", tail, "a number in (0, 0.01]", lambda a: (a > 0) & (a <= 0.01)))
    if theta == 0 and lam >= n_agents * mu:
        raise CxkitError(
            f"`arrival_rate` must be below `servers`·`service_rate` = {n_agents * mu!r} "
            f"when `patience_rate` is 0 (an Erlang C queue is otherwise unstable), "
            f"got {format_value(lam)}"
        )
    k_max = n_agents + 64
    while True:
        n = np.arange(1, k_max + 2, dtype=float)
        death = np.minimum(n, n_agents) * mu + np.maximum(n - n_agents, 0) * theta
        log_pi = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(death[:-1]))))
        peak = log_pi.max()
        log_norm = peak + math.log(np.exp(log_pi - peak).sum())
        pi = np.exp(log_pi - log_norm)
        rho = lam / death[-1]  # ratio pi_{K+1}/pi_K, non-increasing beyond K
        if rho < 1 and pi[-1] * rho / (1 - rho) < tol:
            break
        if k_max > _MAX_STATES:
            raise CxkitError(
                f"`patience_rate` is too small for the load to truncate the Erlang A "
                f"chain below {_MAX_STATES} states, got {format_value(theta)}"
                " (expected a larger patience rate, or use erlang_c)"
            )
        k_max *= 2
    queued = pi[n_agents:]
    ahead = np.arange(queued.size, dtype=float)
    p_wait = float(queued.sum())
    mean_queue = float((ahead * queued).sum())
    return ErlangAResult(
        arrival_rate=lam,
        service_rate=mu,
        patience_rate=theta,
        servers=n_agents,
        p_wait=p_wait,
        p_abandon=theta * mean_queue / lam,
        mean_queue=mean_queue,
        mean_wait=mean_queue / lam,
        states=k_max,
        _queue_law=queued,
    )


# ----------------------------------------------------------------------- sampling


def sample_waits(
    servers: int, load: float, aht_s: float, size: int, seed: int
) -> NDArray[np.float64]:
    """Draw Erlang C waiting times (seconds) for ``size`` calls.

    A call waits with probability ``P_w = C(N, A)``; its wait is then
    exponential with rate ``N·μ − λ = (N − A)/AHT`` (model reference §3.5), so the
    sample mean estimates the ASA. Two uniform streams are drawn from
    ``numpy.random.Generator(PCG64(seed))`` (model reference §0), so equal seeds give
    equal draws (common random numbers across scenarios).

    Parameters
    ----------
    servers
        Agents ``N`` (whole number ≥ 1).
    load
        Offered load ``A`` in Erlangs; must be below ``servers``.
    aht_s
        Average handle time in seconds.
    size
        Number of waits to draw (≥ 0).
    seed
        Seed of the PCG64 generator (required, a whole number ≥ 0).

    Returns
    -------
    numpy.ndarray
        ``size`` waits in seconds; zero for calls answered at once.

    Examples
    --------
    >>> w = sample_waits(14, 10.0, 180, 5, seed=1)
    >>> w.shape, bool((w >= 0).all())
    ((5,), True)
    >>> bool((w == sample_waits(14, 10.0, 180, 5, seed=1)).all())
    True
    """
    n = int(_servers(servers))
    a = float(_load(load))
    h = float(_positive(aht_s, "aht_s", "average handle time in seconds"))
    count = int(_real("size", size, "a whole number ≥ 0", lambda x: (x >= 0) & (x == np.floor(x))))
    if a >= n:
        raise CxkitError(
            f"`load` must be below `servers` = {n} for waits to have a distribution "
            f"(the queue is unstable), got {format_value(load)}"
        )
    p_wait = float(_erlang_c(np.asarray(n), np.asarray(a)))
    rng = as_generator(seed)
    waits = rng.random(count) < p_wait
    exp = rng.exponential(h / (n - a), count)
    return np.where(waits, exp, 0.0)
