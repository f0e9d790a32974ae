"""The Monte Carlo engine: customers walking the touchpoint graph (model reference §3.4).

Path functionals — peak-end experience, first-contact resolution, CES — are not
additive, so the exact chain (:mod:`cxkit.sim.exact`) cannot give them. This
engine has customers walked through the compiled journey by the walker it shares
with the event generator (:class:`cxkit.sim._walk.Walker`: one step at a time,
all still-active customers at once, no Python loop per customer; one uniform per
move picks the edge and decides whether the context is lost, waits use a second
stream), then turns each chunk of walks into per-customer metrics with the code the
event generator records from (:class:`cxkit.sim._flow.WalkMetrics`: whole-array
reductions over the visit and move logs, and :func:`cxkit.core.metrics.fold_walk`,
the one fold of valences, one numpy pass per step).

Per customer, along the path:

1. **Arrival at touchpoint τ** (the start included): one contact (visit) and its
   ``cost_per_contact`` and ``handle_time_s``. If τ is a service touchpoint the
   customer already visited, a *repeat contact*. Then the moments of the visit
   (model reference §1.1, :func:`cxkit.core.metrics.flow_moments`): if the customer
   waited ``w`` on the way in, a wait moment with performance ``E + D_wait``,
   ``D_wait = clip((W_exp − w)/u_w, −10, 2)``; then the replay of the designed
   steps at τ in order (a touchpoint without one is met as expected, ``P = E``),
   the first less ``reexplain_penalty_points`` when the context was lost on the way
   in.
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

from cxkit.core._checks import whole_number
from cxkit.core.chain import surely_ending
from cxkit.core.compiled import compile_journey, start_table
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.model import OutcomeKind
from cxkit.sim._flow import COLUMNS, WalkMetrics
from cxkit.sim._limits import check_run
from cxkit.sim._queue_models import ErlangAQueue, ErlangCQueue, queue_table
from cxkit.sim._walk import Walker, end_outcomes
from cxkit.sim.results import Comparison, SimulationResult

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["ErlangAQueue", "ErlangCQueue", "compare", "simulate"]

#: Customers simulated together: small enough for the working arrays to stay in cache.
_CHUNK = 1 << 16

#: Threads walking chunks at once (numpy releases the GIL in its array loops).
_THREADS = max(1, min(4, os.cpu_count() or 1))

#: ``progress=None`` shows progress only for runs of at least this many customers.
_PROGRESS_MIN_CUSTOMERS = 200_000

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
    surely_ending(a, a.prob > 0, (starts.pi0 > 0).any(axis=0))
    q = queue_table(journey, a, queues) if queues else None
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
    flow = WalkMetrics(journey, a, starts, queues=q, random_waits=walker.random_waits)

    # results: each chunk of customers writes its own slice
    data = {name: np.empty(n, dtype=dtype) for name, dtype in COLUMNS.items()}

    def walk(lo: int, hi: int) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
        """Walk customers ``lo … hi − 1``, write their metrics; return their visits."""
        w = walker.run(lo, hi)
        for name, column in flow.customers(w).items():
            data[name][lo:hi] = column
        return w.visits.customer.astype(np.int32), w.visits.node.astype(np.int32)

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
    if not (data["outcome"] == a.m).any():
        outcome_ids = a.outcome_ids  # the stand-in 'abandon' outcome was not needed

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


def _resolved(journey: Journey) -> tuple[str, ...]:
    return tuple(o.id for o in journey.graph.outcomes if o.kind == OutcomeKind.RESOLVED)


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
