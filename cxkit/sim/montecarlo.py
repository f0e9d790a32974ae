"""The Monte Carlo engine: customers walking the touchpoint graph (model reference §3.4).

Path functionals — peak-end experience, first-contact resolution, CES — are not
additive, so the exact chain (:mod:`cxkit.sim.exact`) cannot give them. This
engine simulates customers one *step* at a time, all still-active customers at
once (numpy, no Python loop per customer): at step ``k`` every active customer
draws one uniform, which picks the next edge by ``searchsorted`` on the
row-offset cumulative probabilities of the CSR edge table, and whose position
inside the chosen edge's interval is itself a fresh uniform (it decides whether
the context is lost). Waits use a second stream.

Per customer, along the path:

1. **Arrival at touchpoint τ** (the start included): one contact (visit) and its
   ``cost_per_contact`` and ``handle_time_s``. If τ is a service touchpoint the
   customer already visited, a *repeat contact*. Then the step valences
   (model reference §1.1): if the customer waited ``w`` on the way in, a wait moment
   with performance ``E + D_wait``, ``D_wait = clip((W_exp − w)/u_w, −10, 2)``;
   then the service moment with expectation ``E[c, τ]`` (the call reason's, else
   the mean of the designed steps' expectations at τ, else 5) and performance
   ``P`` = the mean of the designed steps' experiences at τ (else ``E``), minus
   ``reexplain_penalty_points`` when the context was lost on the way in,
   clipped to [0, 10].
2. **Move** along a hand-off ``i → j``: a channel switch and a transfer count
   when flagged; between two touchpoints the context is lost with probability
   ``1 − κ_ij`` (a repeated explanation: its effort and handle time); the
   hand-off's ``wait_s`` is waited (``waits="fixed"``), or an exponential wait
   with that mean (``waits="exponential"``), or an Erlang C wait when the target
   has a queue (``queues=``); the part beyond ``W_exp`` is excess wait.

At the end: the remembered experience ``J`` by peak-end (model reference §1.3; the
peak is the largest ``|s|``, ties to the later step, or the lowest ``s`` with
``peak="worst"``), its emotion class, CES5 (§3.4), ``FCR = resolved ∧ exactly
one service contact``, cost, handle time and the synthetic CSAT5 / NPS10.

**max_steps.** A customer makes at most ``max_steps`` visits (default
``EffortParams.max_steps`` = 50). One who would make another visit is forced out
to the journey's ``remainder_outcome`` (``abandon`` by default; else the first
outcome of kind ``abandon``) and flagged ``truncated``; that last move is not
counted. Journeys that end normally are unaffected.

**Random numbers and common random numbers.** ``seed`` is required. Step ``k``
(0 = the start draw) uses ``numpy.random.Generator(PCG64(SeedSequence(seed,
spawn_key=(k, s))))`` for stream ``s`` (0: moves, 1: waits), and customer ``i``
always takes the ``i``-th number of each stream. Two scenarios simulated with the
same seed therefore give customer ``i`` the same uniforms at every step — common
random numbers — which is what :func:`compare` relies on.

Examples
--------
>>> import cxkit as cx
>>> r = simulate(cx.load_journey("billing_inquiry"), 20_000, seed=1)
>>> s = r.summary()
>>> round(s["outcome_shares"]["resolved"].estimate, 2)
0.78
>>> r.customers.select("path", "outcome").row(1)
(['web_faq', 'phone_queue', 'agent'], 'resolved')
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from cxkit.core._checks import whole_number
from cxkit.core.errors import CxkitError, SimulationError, format_value
from cxkit.core.model import OutcomeKind
from cxkit.sim._graph_arrays import (
    GraphArrays,
    compile_graph,
    cyclic_touchpoints,
    experience_tables,
    start_table,
)
from cxkit.sim.exact import _check_ends
from cxkit.sim.results import EMOTIONS, Comparison, SimulationResult

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["ErlangCQueue", "compare", "simulate"]

#: Above this many 64-bit words per customer, repeat contacts are counted after the
#: run from the visit log instead of with a per-customer bit set.
_MAX_MASK_WORDS = 8

#: Customers simulated together: small enough for the working arrays to stay in cache.
_CHUNK = 1 << 16

#: Threads walking chunks at once (numpy releases the GIL in its array loops).
_THREADS = max(1, min(4, os.cpu_count() or 1))

#: ``progress=None`` shows progress only for runs of at least this many customers.
_PROGRESS_MIN_CUSTOMERS = 200_000

# rows of the per-customer state matrix folded step by step
_PEAK, _END, _VSUM, _RECNUM, _VCOUNT, _REPEAT = range(6)
_N_STATE = 6

WaitModel = Literal["fixed", "exponential"]

_BELOW_ONE = float(np.nextafter(1.0, 0.0))


@dataclass(frozen=True)
class ErlangCQueue:
    """An Erlang C queue in front of a touchpoint (model reference §3.5).

    Every arrival at the touchpoint waits with probability ``P_w = C(N, A)``, and
    then an exponential time with mean ``AHT/(N − A)``.

    Parameters
    ----------
    agents
        Agents ``N`` serving the queue.
    calls_per_hour
        Offered calls per hour. ``None`` derives it from the journey:
        ``economics.journeys_per_period × E[visits to the touchpoint]`` (exact
        engine) ``/ open_hours_per_period``.
    aht_s
        Average handle time. ``None`` uses the touchpoint's ``handle_time_s``
        plus the expected re-explanation time per visit (exact engine).
    open_hours_per_period
        Hours the queue is open per economics period, used with
        ``calls_per_hour=None``; ``None`` assumes 40 h a week (2080 h a year,
        520 a quarter, 2080/12 a month). [ASSUMPTION]

    Examples
    --------
    Model reference R1's queue (200 calls an hour, AHT 180 s: 10 Erlang) on 14 agents:

    >>> from cxkit.core.graph import TouchpointGraph
    >>> from cxkit.core.journey import Journey
    >>> from cxkit.core.model import Handoff, Outcome, Touchpoint
    >>> g = TouchpointGraph(
    ...     touchpoints=(Touchpoint("agent", channel="phone"),),
    ...     handoffs=(Handoff("agent", "done", 1.0),),
    ...     outcomes=(Outcome("done"),),
    ...     entry={"agent": 1.0},
    ... )
    >>> q = {"agent": ErlangCQueue(agents=14, calls_per_hour=200, aht_s=180)}
    >>> r = simulate(Journey("queue", graph=g), 20_000, seed=1, queues=q)
    >>> round(r.settings["queues"]["agent"]["asa_s"], 2)  # Erlang C ASA
    7.84
    >>> 6.5 < r.summary()["wait_s"].estimate < 9.2  # simulated mean wait
    True
    """

    agents: int
    calls_per_hour: float | None = None
    aht_s: float | None = None
    open_hours_per_period: float | None = None


_OPEN_HOURS = {"year": 2080.0, "quarter": 520.0, "month": 2080.0 / 12}


@dataclass(frozen=True)
class _QueueArrays:
    has_queue: NDArray[np.bool_]  # (n,)
    p_wait: NDArray[np.float64]  # (n,)
    mean_wait: NDArray[np.float64]  # (n,) mean wait of those who wait
    info: dict[str, dict[str, float]]


def _queue_arrays(journey: Journey, a: GraphArrays, queues: Mapping[str, Any]) -> _QueueArrays:
    from cxkit.sim.exact import exact
    from cxkit.sim.queues import erlang_c

    n = a.n
    has = np.zeros(n, dtype=bool)
    p_wait = np.zeros(n)
    mean_wait = np.zeros(n)
    info: dict[str, dict[str, float]] = {}
    ex = None
    for tp, spec in queues.items():
        if tp not in a.touchpoint_ids:
            from cxkit.core.suggest import unknown_message

            raise SimulationError("queues: " + unknown_message("touchpoint", tp, a.touchpoint_ids))
        if isinstance(spec, int) and not isinstance(spec, bool):
            spec = ErlangCQueue(agents=spec)
        if not isinstance(spec, ErlangCQueue):
            raise SimulationError(
                f"queues[{tp!r}] must be an ErlangCQueue or a number of agents, "
                f"got {format_value(spec)}"
            )
        if isinstance(spec.agents, bool) or not isinstance(spec.agents, int) or spec.agents < 1:
            raise SimulationError(
                f"queues[{tp!r}].agents must be a whole number ≥ 1, got {format_value(spec.agents)}"
            )
        i = a.touchpoint_ids.index(tp)
        if spec.calls_per_hour is None or spec.aht_s is None:
            ex = ex or exact(journey)
        if spec.calls_per_hour is None:
            econ = journey.economics
            if econ is None or econ.journeys_per_period is None:
                raise SimulationError(
                    f"queues[{tp!r}].calls_per_hour is not given and the journey's "
                    "economics.journeys_per_period is not set; expected one of them"
                )
            hours = spec.open_hours_per_period or _OPEN_HOURS[econ.period]
            calls_per_hour = econ.journeys_per_period * ex.expected_visits[tp] / hours
        else:
            calls_per_hour = float(spec.calls_per_hour)
        if not (math.isfinite(calls_per_hour) and calls_per_hour >= 0):
            raise SimulationError(
                f"queues[{tp!r}].calls_per_hour must be ≥ 0, got {format_value(calls_per_hour)}"
            )
        if spec.aht_s is None:
            visits = ex.expected_visits[tp]
            # re-explanation time of the context losses on the way in (the exact engine's
            # edges are in the order of ``a``'s)
            ea = ex.edge_arrays
            into = sum((ea["context_losses"] * a.reexplain_time_s)[ea["target"] == tp].tolist())
            aht = float(a.handle_time_s[i]) + (into / visits if visits > 0 else 0.0)
        else:
            aht = float(spec.aht_s)
        if not (math.isfinite(aht) and aht > 0):
            raise SimulationError(
                f"queues[{tp!r}]: the average handle time must be > 0 s, got {format_value(aht)} "
                "(set aht_s or the touchpoint's handle_time_s)"
            )
        load = calls_per_hour * aht / 3600.0
        if load >= spec.agents:
            raise SimulationError(
                f"queues[{tp!r}] is unstable: offered load {load:.4g} Erlang needs more than "
                f"{spec.agents} agents (expected agents > load)"
            )
        pw = float(erlang_c(spec.agents, load)) if load > 0 else 0.0
        has[i] = True
        p_wait[i] = pw
        mean_wait[i] = aht / (spec.agents - load)
        info[tp] = {
            "agents": spec.agents,
            "calls_per_hour": calls_per_hour,
            "aht_s": aht,
            "load_erlangs": load,
            "p_wait": pw,
            "asa_s": pw * aht / (spec.agents - load),
        }
    return _QueueArrays(has, p_wait, mean_wait, info)


class _Progress:
    """A one-line progress printer on stderr (no dependency)."""

    def __init__(self, enabled: bool, n: int) -> None:
        self.enabled = enabled
        self.n = n
        self.shown = False

    def update(self, done: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\rcxkit simulate: {done:,} of {self.n:,} customers   ")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _progress_enabled(progress: bool | None, n: int) -> bool:
    if progress is not None:
        return bool(progress)
    if os.environ.get("PYTEST_CURRENT_TEST") or os.environ.get("CI"):
        return False
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and n >= _PROGRESS_MIN_CUSTOMERS


def _uniforms(
    seed: int, step: int, stream: int, idx: NDArray[np.int64], lo: int = 0
) -> NDArray[np.float64]:
    """Numbers ``idx`` of stream ``(step, stream)``: the same for every scenario and chunk.

    ``idx`` is ascending and ≥ ``lo``; the stream is advanced to ``lo`` first (PCG64
    jumps ahead in O(log lo)), so a chunk of customers draws only its own numbers.
    """
    if idx.size == 0:
        return np.empty(0)
    bits = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(step, stream)))
    if lo:
        bits.advance(lo)
    return np.random.Generator(bits).random(int(idx[-1]) + 1 - lo)[idx - lo]


def _pick(
    cum_flat: NDArray[np.float64],
    lo_local: NDArray[np.float64],
    prob: NDArray[np.float64],
    last: NDArray[np.int64],
    row: NDArray[np.int64],
    u: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Choose an entry per row from its cumulative probabilities; recycle the uniform."""
    e = np.searchsorted(cum_flat, row + u, side="right")
    np.minimum(e, last[row], out=e)
    # the chosen entry has p > 0; rounding at interval ends can put r a hair outside [0, 1)
    r = (u - lo_local[e]) / prob[e]
    np.clip(r, 0.0, _BELOW_ONE, out=r)
    return e, r


def _cumulative(
    prob: NDArray[np.float64], row_of: NDArray[np.int64], row_ptr: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Row-offset cumulative sums (``row + Σ p``; each row ends at exactly ``row + 1``)."""
    cum_local = np.zeros(prob.size)
    lo_local = np.zeros(prob.size)
    last = np.zeros(row_ptr.size - 1, dtype=np.int64)
    for r in range(row_ptr.size - 1):  # one iteration per row (touchpoint), not per customer
        lo, hi = int(row_ptr[r]), int(row_ptr[r + 1])
        if hi == lo:
            continue
        c = np.cumsum(prob[lo:hi])
        c[-1] = 1.0
        cum_local[lo:hi] = c
        lo_local[lo + 1 : hi] = c[:-1]  # each interval starts exactly where the last ends
        positive = np.flatnonzero(prob[lo:hi] > 0)
        last[r] = lo + (int(positive[-1]) if positive.size else hi - lo - 1)
    return row_of + cum_local, lo_local, last


def _forced_outcome(journey: Journey, a: GraphArrays) -> int:
    g = journey.graph
    if g.remainder_outcome in a.outcome_ids:
        return a.outcome_ids.index(g.remainder_outcome)
    for k, o in enumerate(g.outcomes):
        if o.kind == OutcomeKind.ABANDON:
            return k
    return -1


def simulate(
    journey: Journey,
    n_customers: int = 100_000,
    *,
    seed: int,
    max_steps: int | None = None,
    call_reason_mix: Mapping[str, float] | None = None,
    start: Mapping[str, float] | None = None,
    waits: WaitModel = "fixed",
    queues: Mapping[str, ErlangCQueue | int] | None = None,
    progress: bool | None = None,
) -> SimulationResult:
    """Simulate ``n_customers`` customers through the journey (vectorised).

    Parameters
    ----------
    journey
        The journey to simulate.
    n_customers
        How many customers (≥ 1).
    seed
        Seed of the random numbers (required): same seed, same numbers.
    max_steps
        Most visits per customer; ``None`` uses ``journey.params.effort.max_steps``
        (50). See the module notes for what happens to customers who hit it.
    call_reason_mix
        ``{call reason: share}`` replacing the journey's shares.
    start
        ``{touchpoint: share}`` replacing every start distribution.
    waits
        ``"fixed"``: a hand-off's ``wait_s`` is waited as given; ``"exponential"``:
        an exponential wait with mean ``wait_s``.
    queues
        ``{touchpoint: ErlangCQueue(...) or agents}``: arrivals at these
        touchpoints wait an Erlang C time instead (see :class:`ErlangCQueue`).
    progress
        ``True`` prints a progress line on stderr, ``False`` never; ``None``
        (default) prints only for runs of ≥ 200,000 customers on a terminal, never
        under pytest or CI.

    Returns
    -------
    SimulationResult

    Raises
    ------
    SimulationError
        When the chain never ends for some customers, or an input is invalid.
    CxkitError
        When ``n_customers``, ``seed`` or ``max_steps`` is not a valid number.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> a = simulate(j, 1000, seed=7).data["contacts"]
    >>> b = simulate(j, 1000, seed=7).data["contacts"]
    >>> bool((a == b).all())
    True
    """
    n = whole_number(n_customers, "n_customers", 1)
    if seed is None:
        raise CxkitError("`seed` is required (a whole number ≥ 0): same seed, same numbers")
    seed = whole_number(seed, "seed", 0)
    if max_steps is None:
        max_steps = journey.params.effort.max_steps
    max_steps = whole_number(max_steps, "max_steps", 1)
    if waits not in ("fixed", "exponential"):
        raise CxkitError(f"`waits` must be 'fixed' or 'exponential', got {format_value(waits)}")

    a = compile_graph(journey)
    starts = start_table(journey, call_reason_mix=call_reason_mix, start=start)
    tables = experience_tables(journey, starts)
    _check_ends(a, (starts.pi0 > 0).any(axis=0))
    q = _queue_arrays(journey, a, queues) if queues else None
    ep = journey.params.emotion
    fp = journey.params.effort
    tp_n = a.n
    n_reasons = len(starts.reasons)

    # cumulative tables for the draws
    edge_cum, edge_lo, edge_last = _cumulative(a.prob, a.source, a.row_ptr)
    reason_cum, reason_lo, reason_last = _cumulative(
        starts.shares, np.zeros(n_reasons, dtype=np.int64), np.array([0, n_reasons])
    )
    pi_flat = starts.pi0.ravel()
    start_cum, start_lo, start_last = _cumulative(
        pi_flat,
        np.repeat(np.arange(n_reasons), tp_n),
        np.arange(0, n_reasons * tp_n + 1, tp_n),
    )
    expect = tables.expectation
    w_exp = tables.expected_wait_s
    # valence of the service moment per (reason, touchpoint, context lost)
    perf = tables.performance
    perf_lost = np.maximum(perf - fp.reexplain_penalty_points, np.minimum(perf, 0.0))
    service_valence = np.stack(
        [_valence(expect, perf, ep), _valence(expect, perf_lost, ep)], axis=-1
    ).ravel()
    lose_threshold = np.where(a.between_touchpoints, 1.0 - a.kappa, -1.0)
    can_lose = bool((lose_threshold > 0).any())
    into_tp = a.target < tp_n
    wait_edge = (a.wait_s > 0) & into_tp
    random_waits = q is not None or (waits == "exponential" and bool((a.wait_s > 0).any()))
    wait_moments = q is not None or bool(wait_edge.any())
    if wait_moments and not random_waits:
        # fixed waits: the wait moment's valence per (reason, edge)
        e_in = expect[:, np.minimum(a.target, tp_n - 1)]
        d_w = np.clip((w_exp[:, None] - a.wait_s[None, :]) / ep.wait_seconds_per_point, -10.0, 2.0)
        fixed_wait_valence = _valence(e_in, e_in + d_w, ep)

    # repeat contacts: a bit per service touchpoint on a cycle
    track = cyclic_touchpoints(a) & a.is_service
    bitpos = np.full(tp_n, -1, dtype=np.int64)
    bitpos[track] = np.arange(int(track.sum()))
    words = (int(track.sum()) + 63) // 64
    use_mask = 0 < words <= _MAX_MASK_WORDS
    bit_of = np.where(
        bitpos >= 0, np.left_shift(np.uint64(1), (bitpos & 63).astype(np.uint64)), np.uint64(0)
    ).astype(np.uint64)

    forced = _forced_outcome(journey, a)
    outcome_ids = a.outcome_ids + (("abandon",) if forced < 0 else ())
    if forced < 0:
        forced = len(a.outcome_ids)

    # results: each chunk of customers writes its own slice
    res = np.zeros((_N_STATE, n))
    res_outcome = np.zeros(n, dtype=np.int64)
    res_trunc = np.zeros(n, dtype=bool)
    res_reason = np.zeros(n, dtype=np.int64)
    count_names = (
        "contacts",
        "service_contacts",
        "cost",
        "handle_time_s",
        "channel_switches",
        "transfers",
        "context_losses",
        "reexplain_effort",
        "wait_s",
        "excess_wait_s",
    )
    counts = {name: np.zeros(n) for name in count_names}

    def walk(lo: int, hi: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Simulate customers ``lo … hi − 1``; return their visit log."""
        size = hi - lo
        arr_cust: list[NDArray[np.int64]] = []
        arr_node: list[NDArray[np.int64]] = []
        mv_cust: list[NDArray[np.int64]] = []
        mv_edge: list[NDArray[np.int64]] = []
        mv_lost: list[NDArray[np.bool_]] = []
        mv_wait: list[NDArray[np.float64]] = []

        # step 0: call reason and start touchpoint
        idx = np.arange(lo, hi, dtype=np.int64)
        u0 = _uniforms(seed, 0, 0, idx, lo)
        c, r0 = _pick(
            reason_cum, reason_lo, starts.shares, reason_last, np.zeros(size, np.int64), u0
        )
        flat, _ = _pick(start_cum, start_lo, pi_flat, start_last, c, r0)
        x = flat - c * tp_n
        res_reason[lo:hi] = c

        state = np.zeros((_N_STATE, size))
        if ep.peak == "worst":
            state[_PEAK] = np.inf
        mask = np.zeros((size, words), dtype=np.uint64) if use_mask else None
        lost = np.zeros(size, dtype=bool)
        prev_edge = np.full(size, -1, dtype=np.int64)
        pending = np.zeros(size)  # the wait on the way in (random waits)
        waited = np.zeros(size, dtype=bool)
        start_wait = np.zeros(size)
        if q is not None:
            waited = q.has_queue[x]
            u1 = _uniforms(seed, 0, 1, idx, lo)
            pending = np.where(waited, _queue_waits(q, x, u1), 0.0)
            start_wait = pending.copy()

        step = 1
        while idx.size:
            # ---- arrival at x: the wait moment (if any), then the service moment
            arr_cust.append(idx)  # never modified in place: compaction makes new arrays
            arr_node.append(x)
            if wait_moments:
                if random_waits:
                    rows = np.flatnonzero(waited)
                    if rows.size:
                        cr, e_w = c[rows], expect[c[rows], x[rows]]
                        d_w = np.clip(
                            (w_exp[cr] - pending[rows]) / ep.wait_seconds_per_point, -10.0, 2.0
                        )
                        _fold(state, _valence(e_w, e_w + d_w, ep), ep, rows)
                else:
                    rows = np.flatnonzero(prev_edge >= 0)
                    rows = rows[wait_edge[prev_edge[rows]]]
                    if rows.size:
                        _fold(state, fixed_wait_valence[c[rows], prev_edge[rows]], ep, rows)
            key = x * 2 + lost if n_reasons == 1 else (c * tp_n + x) * 2 + lost
            _fold(state, service_valence[key], ep, None)
            if mask is not None and words == 1:  # one 64-bit word per customer
                bit = bit_of[x]
                state[_REPEAT] += (mask[:, 0] & bit) != 0
                mask[:, 0] |= bit
            elif mask is not None:
                b = bitpos[x]
                rows = np.flatnonzero(b >= 0)
                if rows.size:
                    word = b[rows] >> 6
                    bit = bit_of[x[rows]]
                    cur = mask[rows, word]
                    state[_REPEAT, rows] += (cur & bit) != 0
                    mask[rows, word] = cur | bit

            # ---- move along a hand-off
            u = _uniforms(seed, step, 0, idx, lo)
            e, r = _pick(edge_cum, edge_lo, a.prob, edge_last, x, u)
            y = a.target[e]
            to_tp = y < tp_n
            lost = (r < lose_threshold[e]) if can_lose else np.zeros(idx.size, dtype=bool)
            if random_waits:
                ua = _uniforms(seed, step, 1, idx, lo)
                w_edge = a.wait_s[e]
                if waits == "exponential":
                    pending = np.where(w_edge > 0, -w_edge * np.log1p(-ua), 0.0)
                else:
                    pending = w_edge.copy()
                waited = wait_edge[e]
                if q is not None:
                    y_tp = np.minimum(y, tp_n - 1)
                    queued = to_tp & q.has_queue[y_tp]
                    pending = np.where(queued, _queue_waits(q, y_tp, ua), pending)
                    waited = waited | queued
            if step >= max_steps:
                trunc = to_tp
                go = ~trunc
                lost &= go
                mv_cust.append(idx[go])
                mv_edge.append(e[go])
                mv_lost.append(lost[go])
                if random_waits:
                    mv_wait.append(pending[go])
                done = np.ones(idx.size, dtype=bool)
            else:
                trunc = None
                mv_cust.append(idx)
                mv_edge.append(e)
                mv_lost.append(lost)
                if random_waits:
                    mv_wait.append(pending)
                done = ~to_tp
            if done.any():
                ids = idx[done]
                res[:, ids] = state[:, done]
                if trunc is None:
                    res_outcome[ids] = y[done] - tp_n
                else:
                    res_outcome[ids] = np.where(trunc, forced, y - tp_n)
                    res_trunc[ids] = trunc
                keep = ~done
                idx, x, c, e = idx[keep], y[keep], c[keep], e[keep]
                state = state[:, keep]
                lost = lost[keep]
                if random_waits:
                    pending, waited = pending[keep], waited[keep]
                if mask is not None:
                    mask = mask[keep]
            else:
                x = y
            prev_edge = e
            step += 1

        # per-customer sums over this chunk's logs
        acust = np.concatenate(arr_cust) - lo
        anode = np.concatenate(arr_node)
        mcust = np.concatenate(mv_cust) - lo
        medge = np.concatenate(mv_edge)
        mlost = np.concatenate(mv_lost)
        mwait = np.concatenate(mv_wait) if random_waits else None
        reason = res_reason[lo:hi]
        chunk = _counts(a, size, acust, anode, mcust, medge, mlost, mwait, w_exp, reason)
        chunk["wait_s"] += start_wait
        chunk["excess_wait_s"] += np.maximum(start_wait - w_exp[reason], 0.0) * (start_wait > 0)
        for name in count_names:
            counts[name][lo:hi] = chunk[name]
        if words and not use_mask:
            res[_REPEAT, lo:hi] = _repeats_from_log(acust, anode, track, size, tp_n)
        return acust + lo, anode

    chunks = list(itertools.pairwise([*range(0, n, _CHUNK), n]))
    reporter = _Progress(_progress_enabled(progress, n), n)
    try:
        if _THREADS > 1 and len(chunks) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=_THREADS) as pool:
                futures = [pool.submit(walk, lo, hi) for lo, hi in chunks]
                logs = []
                for (_, hi), fut in zip(chunks, futures, strict=True):
                    logs.append(fut.result())
                    reporter.update(hi)
        else:
            logs = []
            for lo, hi in chunks:
                logs.append(walk(lo, hi))
                reporter.update(hi)
    finally:
        reporter.close()
    acust = np.concatenate([log[0] for log in logs])
    anode = np.concatenate([log[1] for log in logs])
    if len(outcome_ids) > a.m and not res_trunc.any():
        outcome_ids = a.outcome_ids  # the stand-in 'abandon' outcome was not needed

    data = _finish(res, counts, res_outcome, res_trunc, res_reason, outcome_ids, journey)
    return SimulationResult(
        journey_id=journey.id,
        n_customers=n,
        seed=seed,
        max_steps=max_steps,
        touchpoints=a.touchpoint_ids,
        outcomes=outcome_ids,
        call_reasons=tuple(r for r in starts.reasons if r is not None),
        resolved_outcomes=_resolved(journey),
        data=data,
        events=(acust, anode),
        outcome_kinds=tuple(o.kind.value for o in journey.graph.outcomes)
        + (("abandon",) if len(outcome_ids) > a.m else ()),
        labels=dict(zip(a.touchpoint_ids + a.outcome_ids, a.labels, strict=True)),
        channels=dict(zip(a.touchpoint_ids, a.channel, strict=True)),
        settings={
            "waits": waits,
            "queues": {} if q is None else q.info,
            "call_reason_mix": starts.mix_dict(),
            "start": {a.touchpoint_ids[i]: float(p) for i, p in enumerate(starts.mixed) if p > 0},
        },
    )


def _sum_by(cust: NDArray[np.int64], weights: NDArray[Any], n: int) -> NDArray[np.float64]:
    """Per-customer sums of ``weights`` (float64 even when nothing is summed)."""
    if cust.size == 0:
        return np.zeros(n)
    return np.bincount(cust, weights=weights.astype(np.float64, copy=False), minlength=n)


def _counts(
    a: GraphArrays,
    n: int,
    acust: NDArray[np.int64],
    anode: NDArray[np.int64],
    mcust: NDArray[np.int64],
    medge: NDArray[np.int64],
    mlost: NDArray[np.bool_],
    mwait: NDArray[np.float64] | None,
    w_exp: NDArray[np.float64],
    reason: NDArray[np.int64],
) -> dict[str, NDArray[np.float64]]:
    """Per-customer sums over the visit log and the move log.

    ``mwait`` holds the sampled waits of random wait models; ``None`` means the
    hand-offs' fixed ``wait_s``. Sums whose per-edge weights are all zero are skipped.
    """
    zeros = np.zeros(n)

    def over_visits(per_node: NDArray[Any]) -> NDArray[np.float64]:
        if not per_node.any():
            return zeros.copy()
        return _sum_by(acust, per_node[anode], n)

    def over_moves(
        per_edge: NDArray[Any], cust: NDArray[np.int64] = mcust, edge: NDArray[np.int64] = medge
    ) -> NDArray[np.float64]:
        if not per_edge.any() or cust.size == 0:
            return zeros.copy()
        return _sum_by(cust, per_edge[edge], n)

    contacts = np.bincount(acust, minlength=n).astype(np.float64)
    lost_cust, lost_edge = mcust[mlost], medge[mlost]
    out = {
        "contacts": contacts,
        "service_contacts": contacts.copy() if a.is_service.all() else over_visits(a.is_service),
        "cost": over_visits(a.cost),
        "handle_time_s": over_visits(a.handle_time_s)
        + over_moves(a.reexplain_time_s, lost_cust, lost_edge),
        "channel_switches": over_moves(a.switch),
        "transfers": over_moves(a.transfer),
        "context_losses": np.bincount(lost_cust, minlength=n).astype(np.float64),
        "reexplain_effort": over_moves(a.reexplain_effort, lost_cust, lost_edge),
    }
    if mwait is None:
        out["wait_s"] = over_moves(a.wait_s)
        if a.wait_s.any():
            waiting = a.wait_s[medge] > 0
            wc, we = mcust[waiting], medge[waiting]
            excess = np.maximum(a.wait_s[we] - w_exp[reason[wc]], 0.0)
            out["excess_wait_s"] = _sum_by(wc, excess, n)
        else:
            out["excess_wait_s"] = zeros.copy()
    else:
        waiting = mwait > 0
        wc = mcust[waiting]
        out["wait_s"] = _sum_by(wc, mwait[waiting], n)
        excess = np.maximum(mwait[waiting] - w_exp[reason[wc]], 0.0)
        out["excess_wait_s"] = _sum_by(wc, excess, n)
    return out


def _queue_waits(
    q: _QueueArrays, node: NDArray[np.int64], u: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Erlang C waits by inversion: wait iff ``u < P_w``; then ``u/P_w`` is uniform."""
    pw = q.p_wait[node]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(pw > 0, u / pw, 1.0)
    return np.where(u < pw, -q.mean_wait[node] * np.log1p(-np.minimum(rel, 1 - 1e-16)), 0.0)


def _valence(e: NDArray[np.float64], p: NDArray[np.float64], ep: Any) -> NDArray[np.float64]:
    """Step valence ``β_P(P − 5) + β⁺ max(D, 0) − β⁻ max(−D, 0)``, vectorised."""
    d = p - e
    return (
        ep.beta_p * (p - 5.0)
        + ep.beta_plus * np.maximum(d, 0.0)
        - ep.beta_minus * np.maximum(-d, 0.0)
    )


def _fold(
    state: NDArray[np.float64], s: NDArray[np.float64], ep: Any, rows: NDArray[np.int64] | None
) -> None:
    """Fold one more valence into the running peak, end, sum, recency and count."""
    if rows is not None:
        sub = state[:, rows]
        _fold(sub, s, ep, None)
        state[:, rows] = sub
        return
    take = s <= state[_PEAK] if ep.peak == "worst" else np.abs(s) >= np.abs(state[_PEAK])
    np.copyto(state[_PEAK], s, where=take)
    state[_END] = s
    state[_VSUM] += s
    state[_RECNUM] *= ep.recency_decay
    state[_RECNUM] += s
    state[_VCOUNT] += 1.0


def _repeats_from_log(
    cust: NDArray[np.int32],
    node: NDArray[np.int32],
    track: NDArray[np.bool_],
    n: int,
    tp_n: int,
) -> NDArray[np.float64]:
    """Repeat contacts per customer from the visit log: visits − distinct touchpoints."""
    sel = track[node]
    c, x = cust[sel].astype(np.int64), node[sel].astype(np.int64)
    visits = np.bincount(c, minlength=n)
    distinct = np.bincount(np.unique(c * tp_n + x) // tp_n, minlength=n)
    return (visits - distinct).astype(np.float64)


def _resolved(journey: Journey) -> tuple[str, ...]:
    return tuple(o.id for o in journey.graph.outcomes if o.kind == OutcomeKind.RESOLVED)


def _finish(
    res: NDArray[np.float64],
    counts: dict[str, NDArray[np.float64]],
    outcome: NDArray[np.int64],
    truncated: NDArray[np.bool_],
    reason: NDArray[np.int64],
    outcome_ids: tuple[str, ...],
    journey: Journey,
) -> dict[str, NDArray[Any]]:
    """Per-customer columns from the folded valences and the counts."""
    ep = journey.params.emotion
    fp = journey.params.effort
    k = res[_VCOUNT]
    mean_v = res[_VSUM] / np.maximum(k, 1.0)
    peak_end = (res[_PEAK] + res[_END]) / 2.0
    j = ep.w_pe * peak_end + (1.0 - ep.w_pe) * mean_v
    emotion = np.where(j < -ep.tau_minus, 0, np.where(j > ep.tau_plus, 2, 1))
    # Σ_{i<K} δ^i, the recency weights' sum, looked up by the number of valences K
    counts_k = k.astype(np.int64)
    den_table = np.cumsum(np.power(float(ep.recency_decay), np.arange(int(counts_k.max()) + 1)))
    den = np.concatenate([[1.0], den_table])[counts_k]
    effort = (
        1.0
        + fp.w_switch * counts["channel_switches"]
        + counts["reexplain_effort"]
        + fp.w_transfer * counts["transfers"]
        + fp.w_repeat_contact * res[_REPEAT]
        + fp.w_wait_per_minute * counts["excess_wait_s"] / 60.0
    )
    resolved_ids = set(_resolved(journey))
    resolved = np.array([o in resolved_ids for o in outcome_ids], dtype=bool)
    fcr = resolved[outcome] & (counts["service_contacts"] == 1)
    csat = np.clip(np.floor(4.0 + j / 2.0 + 0.5), 1, 5).astype(np.int8)
    nps = np.clip(np.floor(7.0 + j + 0.5), 0, 10).astype(np.int8)
    assert len(EMOTIONS) == 3
    return {
        "call_reason": reason.astype(np.int64),
        "contacts": counts["contacts"].astype(np.int64),
        "service_contacts": counts["service_contacts"].astype(np.int64),
        "channel_switches": counts["channel_switches"].astype(np.int64),
        "transfers": counts["transfers"].astype(np.int64),
        "context_losses": counts["context_losses"].astype(np.int64),
        "repeat_contacts": res[_REPEAT].astype(np.int64),
        "wait_s": counts["wait_s"],
        "excess_wait_s": counts["excess_wait_s"],
        "effort_index": effort,
        "ces5": np.clip(effort, 1.0, 5.0),
        "peak": res[_PEAK],
        "end": res[_END],
        "mean_valence": mean_v,
        "peak_end": peak_end,
        "j": j,
        "recency": res[_RECNUM] / np.maximum(den, 1e-300),
        "emotion": emotion.astype(np.int64),
        "outcome": outcome,
        "fcr": fcr,
        "truncated": truncated,
        "cost": counts["cost"],
        "handle_time_s": counts["handle_time_s"],
        "csat5": csat,
        "nps10": nps,
    }


def compare(
    journey_a: Journey,
    journey_b: Journey,
    n_customers: int = 100_000,
    *,
    seed: int,
    labels: tuple[str, str] = ("baseline", "scenario"),
    **options: Any,
) -> Comparison:
    """Simulate two scenarios with common random numbers and pair their customers.

    Both runs use the same ``seed``, so customer ``i`` draws the same uniforms at
    every step in both: where the scenarios agree, so do the customers, and
    :meth:`~cxkit.sim.results.Comparison.differences` are much less noisy than
    differences between independent runs.

    Parameters
    ----------
    journey_a, journey_b
        Baseline and scenario (e.g. ``j`` and ``j.with_handoff(...)``).
    n_customers, seed
        As for :func:`simulate`.
    labels
        Names of the two scenarios in reports (must differ).
    **options
        Passed to :func:`simulate` for both runs (``max_steps``, ``waits``…).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> crm = j.with_handoff("web_faq", "phone_queue", context_carryover=1.0)
    >>> cmp = compare(j, crm, 20_000, seed=3)
    >>> d = cmp.differences()["context_losses"]
    >>> round(d.estimate, 2), d.ci_high < 0
    (-0.5, True)
    """
    if len(labels) != 2 or str(labels[0]) == str(labels[1]):
        raise CxkitError(f"`labels` must be two different names, got {format_value(labels)}")
    a = simulate(journey_a, n_customers, seed=seed, **options)
    b = simulate(journey_b, n_customers, seed=seed, **options)
    return Comparison(a, b, (str(labels[0]), str(labels[1])))
