"""The Monte Carlo engine: customers walking the touchpoint graph (model reference §3.4).

Path functionals — peak-end experience, first-contact resolution, CES — are not
additive, so the exact chain (:mod:`cxkit.sim.exact`) cannot give them. This
engine has customers walked through the compiled journey by the walker it shares
with the event generator (:class:`cxkit.sim._walk.Walker`: one step at a time,
all still-active customers at once, no Python loop per customer; one uniform per
move picks the edge and decides whether the context is lost, waits use a second
stream), then folds each walk into per-customer metrics, step by step.

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
   with that mean (``waits="exponential"``), or the queue's wait when the target
   has a queue (``queues=``: Erlang C, or Erlang A whose callers may abandon and
   end in the abandon outcome, see :class:`ErlangAQueue`); the part beyond
   ``W_exp`` is excess wait.

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
spawn_key=(k, s))))`` for stream ``s`` (0: moves, 1: waits; 2 and up: an Erlang A
caller's patience and service phases), and customer ``i`` always takes the
``i``-th number of each stream (:func:`cxkit.core.rng.substream`). Two scenarios simulated with the
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
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from cxkit.core import metrics
from cxkit.core._checks import whole_number
from cxkit.core.chain import surely_ending
from cxkit.core.compiled import (
    CompiledJourney,
    compile_journey,
    cyclic_touchpoints,
    experience_tables,
    start_table,
)
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.model import OutcomeKind
from cxkit.sim._limits import check_run
from cxkit.sim._queue_models import ErlangAQueue, ErlangCQueue, queue_table
from cxkit.sim._walk import Walker, end_outcomes, repeat_contacts
from cxkit.sim.results import EMOTIONS, Comparison, SimulationResult

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["ErlangAQueue", "ErlangCQueue", "compare", "simulate"]

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


def simulate(
    journey: Journey,
    n_customers: int = 100_000,
    *,
    seed: int,
    max_steps: int | None = None,
    call_reason_mix: Mapping[str, float] | None = None,
    start: Mapping[str, float] | None = None,
    waits: WaitModel = "fixed",
    queues: Mapping[str, ErlangCQueue | ErlangAQueue | int] | None = None,
    progress: bool | None = None,
) -> SimulationResult:
    """Simulate ``n_customers`` customers through the journey (vectorised).

    Parameters
    ----------
    journey
        The journey to simulate.
    n_customers
        How many customers (≥ 1; at most 100,000,000 and what fits in memory, see
        Raises).
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
        ``{touchpoint: ErlangCQueue(...), ErlangAQueue(...) or agents}``: arrivals
        at these touchpoints wait the queue's time instead (:class:`ErlangCQueue`;
        :class:`ErlangAQueue`, whose callers may abandon: they end in the abandon
        outcome). The exact engine does not model queues.
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
        When ``n_customers``, ``seed`` or ``max_steps`` is not a valid number, or a
        size is past its limit: at most 100,000,000 customers and 10,000 visits per
        customer, and an estimated memory within 75 % of the memory available
        (``docs/reference/cli.md``, "Limits"); checked before anything is allocated.

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
    n, max_steps = check_run(journey, n, max_steps, call_reason_mix=call_reason_mix, start=start)
    if waits not in ("fixed", "exponential"):
        raise CxkitError(f"`waits` must be 'fixed' or 'exponential', got {format_value(waits)}")

    a = compile_journey(journey)
    starts = start_table(journey, call_reason_mix=call_reason_mix, start=start)
    tables = experience_tables(journey, starts)
    surely_ending(a, a.prob > 0, (starts.pi0 > 0).any(axis=0))
    q = queue_table(journey, a, queues) if queues else None
    ep = journey.params.emotion
    tp_n = a.n
    n_reasons = len(starts.reasons)

    w_exp = tables.expected_wait_s
    into_tp = a.target < tp_n
    wait_edge = (a.wait_s > 0) & into_tp
    # the moments of a visit per (reason, touchpoint, context lost), from the designed
    # steps (metrics.flow_moments): one valence each, or a block of several
    waits_into = np.bincount(a.target[wait_edge], minlength=tp_n)[:tp_n] > 0
    if q is not None:
        waits_into |= q.has_queue
    moments = metrics.flow_moments(journey, starts.reasons, waits_into)
    expect = moments.wait_expectation
    if moments.single:
        service_valence = moments.valences.ravel()
    else:
        service_valence = moments.blocks.reshape(-1, len(metrics.BLOCK_FIELDS))
    random_waits = q is not None or (waits == "exponential" and bool((a.wait_s > 0).any()))
    wait_moments = q is not None or bool(wait_edge.any())
    if wait_moments and not random_waits:
        # fixed waits: the wait moment's valence per (reason, edge)
        e_in = expect[:, np.minimum(a.target, tp_n - 1)]
        d_w = metrics.wait_disconfirmation(a.wait_s[None, :], w_exp[:, None], ep)
        fixed_wait_valence = _valence(e_in, e_in + d_w, ep)

    # repeat contacts: service touchpoints on a cycle (only they can be visited again)
    track = cyclic_touchpoints(a) & a.is_service

    forced, abandon = end_outcomes(journey, a)
    outcome_ids = (*a.outcome_ids, "abandon")  # the stand-in outcome ``m``, if used
    walker = Walker(
        a,
        starts,
        seed=seed,
        max_steps=max_steps,
        forced=forced,
        abandon=abandon,
        edge_wait=a.wait_s,
        exponential=waits == "exponential",
        queues=q,
    )

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
        """Fold the walk of customers ``lo … hi − 1`` into their metrics; return their visits."""
        size = hi - lo
        w = walker.run(lo, hi)
        v = w.visits
        c = w.reason
        res_reason[lo:hi] = c
        res_outcome[lo:hi] = w.outcome
        res_trunc[lo:hi] = w.truncated
        acust = v.customer - lo
        anode = v.node
        served = v.served
        vc = c[acust] if n_reasons > 1 or wait_moments else None
        key = anode * 2 + v.lost if n_reasons == 1 else (vc * tp_n + anode) * 2 + v.lost
        service = service_valence[key]
        if wait_moments:
            waited = (v.edge >= 0) & wait_edge[v.edge]
            if q is not None:
                waited |= q.has_queue[anode]

        # the moments of each visit in the order lived, one step at a time, the state
        # following the customers still on the way: the wait moment (if any), then the
        # service moment (none for a caller who abandoned the queue)
        ptr = v.step_ptr
        state = np.zeros((_REPEAT, size))
        if ep.peak == "worst":
            state[_PEAK] = np.inf
        here = acust[:size]
        for k in range(ptr.size - 1):
            first, stop = int(ptr[k]), int(ptr[k + 1])
            if k:
                keep = v.parent[first:stop]
                gone = np.ones(here.size, dtype=bool)
                gone[keep] = False
                if gone.any():
                    res[:_REPEAT, lo + here[gone]] = state[:, gone]
                state = state[:, keep]
                here = acust[first:stop]
            if wait_moments:
                rows = np.flatnonzero(waited[first:stop])
                if rows.size:
                    sel = first + rows
                    cr = vc[sel]
                    if random_waits:
                        e_w = expect[cr, anode[sel]]
                        d_w = np.clip(
                            (w_exp[cr] - v.wait[sel]) / ep.wait_seconds_per_point, -10.0, 2.0
                        )
                        s_w = _valence(e_w, e_w + d_w, ep)
                    else:
                        s_w = fixed_wait_valence[cr, v.edge[sel]]
                    _fold(state, s_w, ep, rows)
            if served is None:
                _fold(state, service[first:stop], ep, None)
            else:
                rows = np.flatnonzero(served[first:stop])
                _fold(state, service[first + rows], ep, rows)
        res[:_REPEAT, lo + here] = state
        served_cust = acust if served is None else acust[served]
        served_node = anode if served is None else anode[served]
        res[_REPEAT, lo:hi] = repeat_contacts(served_cust, served_node, track, size)

        # per-customer sums over this chunk's logs
        mcust = w.customer - lo
        start_wait = w.start_wait
        reason = c
        chunk = _counts(a, size, acust, anode, mcust, w.edge, w.lost, w.wait, w_exp, reason, served)
        chunk["wait_s"] += start_wait
        chunk["excess_wait_s"] += np.maximum(start_wait - w_exp[reason], 0.0) * (start_wait > 0)
        for name in count_names:
            counts[name][lo:hi] = chunk[name]
        return v.customer, anode

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
    if not (res_outcome == a.m).any():
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
    a: CompiledJourney,
    n: int,
    acust: NDArray[np.int64],
    anode: NDArray[np.int64],
    mcust: NDArray[np.int64],
    medge: NDArray[np.int64],
    mlost: NDArray[np.bool_],
    mwait: NDArray[np.float64] | None,
    w_exp: NDArray[np.float64],
    reason: NDArray[np.int64],
    served: NDArray[np.bool_] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Per-customer sums over the visit log and the move log.

    ``mwait`` holds the sampled waits of random wait models; ``None`` means the
    hand-offs' fixed ``wait_s``. ``served`` marks the visits served (``None``: all);
    a caller who abandoned a queue made a contact that adds no service contact, cost
    or handle time. Sums whose per-edge weights are all zero are skipped.
    """
    zeros = np.zeros(n)
    contacts = np.bincount(acust, minlength=n).astype(np.float64)
    if served is not None:
        acust, anode = acust[served], anode[served]

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

    lost_cust, lost_edge = mcust[mlost], medge[mlost]
    all_served = served is None and a.is_service.all()
    out = {
        "contacts": contacts,
        "service_contacts": contacts.copy() if all_served else over_visits(a.is_service),
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
            excess = metrics.excess_wait(a.wait_s[we], w_exp[reason[wc]])
            out["excess_wait_s"] = _sum_by(wc, excess, n)
        else:
            out["excess_wait_s"] = zeros.copy()
    else:
        waiting = mwait > 0
        wc = mcust[waiting]
        out["wait_s"] = _sum_by(wc, mwait[waiting], n)
        excess = metrics.excess_wait(mwait[waiting], w_exp[reason[wc]])
        out["excess_wait_s"] = _sum_by(wc, excess, n)
    return out


def _valence(e: NDArray[np.float64], p: NDArray[np.float64], ep: Any) -> NDArray[np.float64]:
    """Step valence (:func:`cxkit.core.metrics.valence`), as an array."""
    return np.asarray(metrics.valence(e, p, ep))


def _fold(
    state: NDArray[np.float64], s: NDArray[np.float64], ep: Any, rows: NDArray[np.int64] | None
) -> None:
    """Fold one more valence (or block of valences) into the running peak, end, sum,
    recency and count: :func:`cxkit.core.metrics.fold_valences` (rows ``_PEAK`` …
    ``_VCOUNT`` are its state rows)."""
    if rows is not None:
        sub = state[:, rows]
        metrics.fold_valences(sub, s, ep)
        state[:, rows] = sub
        return
    metrics.fold_valences(state, s, ep)


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
    """Per-customer columns from the folded valences and the counts (the definitions of
    :mod:`cxkit.core.metrics`)."""
    ep = journey.params.emotion
    fp = journey.params.effort
    r = metrics.remembered(res[: len(metrics.STATE_ROWS)], ep)
    effort = metrics.effort_index(
        counts["channel_switches"],
        counts["reexplain_effort"],
        counts["transfers"],
        res[_REPEAT],
        counts["excess_wait_s"],
        fp,
    )
    resolved_ids = set(_resolved(journey))
    resolved = np.array([o in resolved_ids for o in outcome_ids], dtype=bool)
    fcr = metrics.first_contact_resolved(resolved[outcome], counts["service_contacts"])
    j = r.score
    emotion = r.emotion
    csat = metrics.synthetic_csat5(j)
    nps = metrics.synthetic_nps10(j)
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
        "ces5": metrics.ces5(effort),
        "peak": r.peak,
        "end": r.end,
        "mean_valence": r.mean,
        "peak_end": r.peak_end,
        "j": j,
        "recency": r.recency,
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
