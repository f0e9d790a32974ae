"""One vectorised walker of the compiled chain, for Monte Carlo and the event generator.

:class:`Walker` moves customers through a :class:`~cxkit.core.compiled.CompiledJourney`
one *step* at a time, every still-active customer at once (numpy; a Python loop per
step, never per customer), and records what happened as flat arrays
(:class:`Walk`): for every move the customer, the edge taken, whether the context
was lost on it, the wait on the way in and whether the caller abandoned a queue;
for every contact (:class:`Visits`) the customer, the touchpoint and the same
customer's previous contact; per customer the call reason, the outcome and whether
the journey was cut at ``max_steps``. :func:`cxkit.sim.simulate` folds a walk into its
per-customer metrics, :func:`cxkit.data.generate_events` into an event log; neither
draws a move itself.

**Random numbers.** Step ``k`` (0 = the start) and purpose ``s`` (0: the move, 1:
the wait, 2: a queue caller's patience, 3 + ``i``: the ``i``-th service phase of an
Erlang A queue) have their own stream :func:`cxkit.core.rng.substream` ``(seed,
(k, s))``, and customer ``i`` takes the ``i``-th number of each stream. Customer
``i`` draws the same numbers whatever the population and however it is cut into
chunks (a step's stream jumps ahead to its first active customer), and two
scenarios walked with the same seed share them (common random numbers).

**One uniform per move.** The move's uniform ``u`` picks the edge: the first edge
whose row-offset cumulative probability exceeds ``row + u`` (``searchsorted``).
Its position inside the chosen edge's interval, ``r = (u − F_{e−1})/p_e``, is
itself uniform and independent of the choice; the context is lost when
``r < 1 − κ_e`` (edges between two touchpoints only). At the start, one uniform
picks the call reason and its recycled ``r`` the start touchpoint. The picks look
the answer up in a table of ``B`` buckets per row of ``u`` (``B`` a power of two,
at most 4096): a bucket at least one bucket away from every interval boundary
holds its edge and its context flag, any other bucket falls back to the
``searchsorted``, so the table changes the speed, never a draw.

**Waits.** A move's wait is the edge's mean wait as given (``exponential=False``)
or an exponential draw with that mean; an arrival at a touchpoint with a queue
waits the queue's time instead (:class:`QueueTable`): Erlang C (one uniform: wait
with probability ``P_w``, then an exponential with mean ``AHT/(N − A)``), or
Erlang A (the queue found on arrival, the caller's patience ``τ ~ Exp(θ)`` and the
offered wait ``V``, a sum of exponential phases with rates ``Nμ + iθ`` for the
``i`` callers still ahead; the caller waits ``min(V, τ)`` and abandons when
``τ < V``). A caller who abandons ends in the walker's abandon outcome at once.

**max_steps.** A customer makes at most ``max_steps`` visits: one who would make
another is stopped, flagged ``truncated`` and sent to the forced outcome; that
last move is not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core.rng import substream

if TYPE_CHECKING:
    from cxkit.core.compiled import CompiledJourney, StartTable
    from cxkit.core.journey import Journey

__all__ = ["QueueTable", "Visits", "Walk", "Walker", "end_outcomes", "repeat_contacts", "uniforms"]

#: Purposes of the random streams of one step.
MOVES, WAITS, PATIENCE, PHASES = 0, 1, 2, 3

_BELOW_ONE = float(np.nextafter(1.0, 0.0))

#: Most entries of a pick table (int64): rows × buckets stays below this.
_TABLE_ENTRIES = 1 << 20
_MAX_BUCKETS = 4096
_MIN_BUCKETS = 16

#: Above this many 64-bit words per customer, repeat contacts are counted from the
#: distinct (customer, touchpoint) pairs instead of with a bit set.
_MAX_MASK_WORDS = 8

#: Queue kinds of :class:`QueueTable`.
NO_QUEUE, ERLANG_C, ERLANG_A = 0, 1, 2


def uniforms(
    seed: int | np.random.SeedSequence, step: int, stream: int, idx: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Numbers ``idx`` of stream ``(step, stream)``: the same for every scenario and chunk.

    ``idx`` is ascending and unique; the stream jumps to number ``idx[0]`` first (in
    ``O(log idx[0])``), so a chunk of customers draws only from its first active
    customer to its last.

    Examples
    --------
    >>> u = uniforms(1, 2, 0, np.arange(10))
    >>> bool((uniforms(1, 2, 0, np.array([3, 7])) == u[[3, 7]]).all())
    True
    """
    if idx.size == 0:
        return np.empty(0)
    first = int(idx[0])
    count = int(idx[-1]) + 1 - first
    u = substream(seed, (step, stream), skip=first).random(count)
    if idx.size == count:  # every number in the range: no gather
        return u
    return u[idx - first]


def end_outcomes(journey: Journey, arrays: CompiledJourney) -> tuple[int, int]:
    """Outcome indices of a cut journey and of a caller who abandons a queue.

    A journey cut at ``max_steps`` ends in the journey's ``remainder_outcome`` when it
    is declared, else in the first outcome of kind ``abandon``; a caller who abandons
    a queue ends in the first outcome of kind ``abandon``, else where a cut journey
    does. ``arrays.m`` stands for an ``abandon`` outcome the journey does not declare.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.core.compiled import compile_journey
    >>> j = cx.load_journey("roi_example_c")
    >>> c = compile_journey(j)
    >>> [c.outcome_ids[k] for k in end_outcomes(j, c)]
    ['unresolved', 'unresolved']
    """
    index = {o: k for k, o in enumerate(arrays.outcome_ids)}
    first_abandon = next(
        (k for k, o in enumerate(journey.graph.outcomes) if o.kind.value == "abandon"), None
    )
    forced = index.get(journey.graph.remainder_outcome, first_abandon)
    if forced is None:
        forced = arrays.m
    return forced, forced if first_abandon is None else first_abandon


def repeat_contacts(
    customer: NDArray[np.int64],
    node: NDArray[np.int64],
    track: NDArray[np.bool_],
    n: int,
    step_ptr: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Per customer ``0 … n − 1``: visits to ``track`` touchpoints beyond each one's first.

    One bit per tracked touchpoint and customer, then a popcount, for up to 512
    tracked touchpoints, else the distinct ``(customer, touchpoint)`` pairs (sorted).
    The bits are set by ``bitwise_or.at``; or, for a visit log laid out step by step
    (``step_ptr``: each customer at most once per step, as the walker records it) and
    at most 64 tracked touchpoints, one ``mask[customers] |= bits`` per step (no
    customer twice in it; faster than ``ufunc.at``).

    >>> repeat_contacts(
    ...     np.array([0, 0, 1, 0]), np.array([2, 2, 2, 1]), np.array([False, True, True]), 2
    ... ).tolist()
    [1, 0]
    >>> repeat_contacts(
    ...     np.array([0, 1, 0, 0]),
    ...     np.array([2, 2, 2, 1]),
    ...     np.array([False, True, True]),
    ...     2,
    ...     step_ptr=np.array([0, 2, 3, 4]),
    ... ).tolist()
    [1, 0]
    """
    tracked = int(track.sum())
    if tracked == 0:
        return np.zeros(n, dtype=np.int64)
    bit = np.cumsum(track) - 1  # bit of each tracked touchpoint
    words = (tracked + 63) // 64
    if step_ptr is not None and words == 1 <= _MAX_MASK_WORDS:
        one = np.where(track, np.left_shift(np.uint64(1), (bit & 63).astype(np.uint64)), 0)
        bits = np.take(one.astype(np.uint64), node)  # 0 at an untracked touchpoint
        mask = np.zeros(n, dtype=np.uint64)
        for k in range(step_ptr.size - 1):  # one pass per step, not per customer
            lo, hi = int(step_ptr[k]), int(step_ptr[k + 1])
            who = customer[lo:hi]
            mask[who] |= bits[lo:hi]
        visits = np.bincount(customer, np.take(track, node), minlength=n).astype(np.int64)
        return visits - np.bitwise_count(mask).astype(np.int64)
    if tracked == track.size:  # every touchpoint: no selection
        c, x = customer, node
    else:
        sel = track[node]
        c, x = customer[sel], node[sel]
    visits = np.bincount(c, minlength=n)
    if words <= _MAX_MASK_WORDS:
        one = np.left_shift(np.uint64(1), (bit & 63).astype(np.uint64))  # per touchpoint
        mask = np.zeros(n * words, dtype=np.uint64)
        where = c if words == 1 else c * words + (bit >> 6)[x]
        np.bitwise_or.at(mask, where, one[x])
        distinct = np.bitwise_count(mask)
        if words > 1:
            distinct = distinct.reshape(n, words).sum(axis=1, dtype=np.int64)
    else:
        width = track.size
        distinct = np.bincount(np.unique(c * width + x) // width, minlength=n)
    return visits - distinct


def _cumulative(
    prob: NDArray[np.float64], row_ptr: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Per row: cumulative sums ending at exactly 1, interval starts, last entry with p > 0."""
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
    return cum_local, lo_local, last


class _Picker:
    """One entry per row drawn from row-wise probabilities (CSR), one uniform each.

    ``threshold`` (per entry) adds a flag ``r < threshold[e]`` on the recycled
    uniform ``r`` of the chosen entry (the context loss of a move).
    """

    def __init__(
        self,
        prob: NDArray[np.float64],
        row_ptr: NDArray[np.int64],
        threshold: NDArray[np.float64] | None = None,
    ) -> None:
        rows = row_ptr.size - 1
        row_of = np.repeat(np.arange(rows, dtype=np.int64), np.diff(row_ptr))
        cum_local, lo_local, last = _cumulative(prob, row_ptr)
        self.prob = prob
        self.cum = row_of + cum_local
        self.lo_local = lo_local
        self.last = last
        self.threshold = threshold
        buckets = _MAX_BUCKETS
        while buckets > _MIN_BUCKETS and rows * buckets > _TABLE_ENTRIES:
            buckets //= 2
        self.buckets = buckets
        self.table = self._table(row_of, cum_local, lo_local)

    def _table(
        self,
        row_of: NDArray[np.int64],
        cum_local: NDArray[np.float64],
        lo_local: NDArray[np.float64],
    ) -> NDArray[np.int64]:
        """Bucket → code (``e``, or ``2e + flag``), −1 near a boundary (exact fallback).

        A boundary at ``u = c`` lies in bucket ``⌊cB⌋``; that bucket and its two
        neighbours are left to the fallback, so a bucket in the table is at least
        ``1/B`` from every boundary, far beyond any rounding of ``row + u``.
        """
        b = self.buckets
        rows = self.last.size
        table = np.full(rows * b, -1, dtype=np.int64)
        first = np.floor(lo_local * b).astype(np.int64) + 2
        stop = np.floor(cum_local * b).astype(np.int64) - 2  # last clear bucket
        count = np.maximum(stop - first + 1, 0)
        total = int(count.sum())
        if total == 0:
            return table
        entry = np.repeat(np.arange(count.size, dtype=np.int64), count)
        offset = np.cumsum(count) - count
        bucket = np.arange(total, dtype=np.int64) - np.repeat(offset - first, count)
        code = entry
        if self.threshold is not None:
            thr = self.threshold
            cut = np.floor((lo_local + np.clip(thr, 0.0, 1.0) * self.prob) * b).astype(np.int64)
            cut = np.where(thr >= 1.0, b + 8, np.where(thr <= 0.0, -8, cut))[entry]
            flag = (bucket <= cut - 2).astype(np.int64)
            code = np.where(np.abs(bucket - cut) <= 1, -1, 2 * entry + flag)
        table[row_of[entry] * b + bucket] = code
        return table

    def _exact(
        self, rows: NDArray[np.int64], u: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """The chosen entries by ``searchsorted`` and their recycled uniforms."""
        e = np.searchsorted(self.cum, rows + u, side="right")
        np.minimum(e, self.last[rows], out=e)
        # the chosen entry has p > 0; rounding at interval ends can put r a hair outside [0, 1)
        r = (u - self.lo_local[e]) / self.prob[e]
        np.clip(r, 0.0, _BELOW_ONE, out=r)
        return e, r

    def _codes(self, rows: NDArray[np.int64], u: NDArray[np.float64]) -> NDArray[np.int64]:
        b = (u * self.buckets).astype(np.int64)
        b += rows * self.buckets
        code = self.table[b]
        fallback = np.flatnonzero(code < 0)
        if fallback.size:
            e, r = self._exact(rows[fallback], u[fallback])
            if self.threshold is not None:
                e = 2 * e + (r < self.threshold[e])
            code[fallback] = e
        return code

    def choose(
        self, rows: NDArray[np.int64], u: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Entry and flag per customer (a picker with a threshold)."""
        code = self._codes(rows, u)
        return code >> 1, (code & 1) != 0

    def entries(self, rows: NDArray[np.int64], u: NDArray[np.float64]) -> NDArray[np.int64]:
        """Entry per customer (a picker without a threshold)."""
        return self._codes(rows, u)

    def choose_r(
        self, rows: NDArray[np.int64], u: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Entry and recycled uniform per customer (a picker without a threshold)."""
        e = self._codes(rows, u)
        r = (u - self.lo_local[e]) / self.prob[e]
        np.clip(r, 0.0, _BELOW_ONE, out=r)
        return e, r


@dataclass(frozen=True, eq=False)
class QueueTable:
    """Queues in front of touchpoints, as the walker samples their waits.

    Attributes
    ----------
    kind
        Per touchpoint: 0 no queue, 1 Erlang C, 2 Erlang A.
    p_wait
        ``P(W > 0)`` of an arrival.
    mean_wait
        Erlang C: mean wait of the callers who wait, ``AHT/(N − A)`` (s).
    service_rate, patience_rate
        Erlang A: ``Nμ`` and ``θ`` (per second).
    queue_cdf
        Erlang A: per touchpoint, ``Σ_{i≤j} π_{N+i}`` (the law of the callers
        ahead found on arrival, ending at ``p_wait``); ``None`` elsewhere.
    info
        Per queued touchpoint id: the queue's inputs and figures (for reports).
    """

    kind: NDArray[np.int8]
    p_wait: NDArray[np.float64]
    mean_wait: NDArray[np.float64]
    service_rate: NDArray[np.float64]
    patience_rate: NDArray[np.float64]
    queue_cdf: tuple[NDArray[np.float64] | None, ...]
    info: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def has_queue(self) -> NDArray[np.bool_]:
        """Touchpoints with a queue."""
        return self.kind != NO_QUEUE

    @property
    def abandons(self) -> bool:
        """Whether a caller can abandon (some queue is Erlang A)."""
        return bool((self.kind == ERLANG_A).any())


@dataclass(frozen=True, eq=False)
class Visits:
    """The contacts of a walk, step by step (the start is step 0).

    ``step_ptr[k]:step_ptr[k+1]`` are the visits of step ``k``, each customer at
    most once, in ascending customer order. Per visit: ``customer`` (global
    index), ``node``; ``parent``, the visit's position in the previous step's slice
    (the same customer's previous visit; at step 0 the position in the chunk);
    ``edge``, the edge taken into it (−1 at the start); ``lost``, context lost on
    the way in; ``wait``, the wait on the way in (``None`` when every wait is the
    edge's fixed mean, :attr:`Walker.edge_wait`, and nobody waits at the start);
    ``served`` (``None`` unless a caller can abandon; ``False`` for a caller who
    abandoned the queue: a contact, offered but not served).
    """

    customer: NDArray[np.int64]
    node: NDArray[np.int64]
    parent: NDArray[np.int64]
    edge: NDArray[np.int64]
    lost: NDArray[np.bool_]
    wait: NDArray[np.float64] | None
    served: NDArray[np.bool_] | None
    step_ptr: NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Walk:
    """What the walker recorded for customers ``lo … hi − 1``.

    Per customer (index ``i − lo``): ``reason``, ``start_wait`` (before the first
    contact: a queue or a start wait), ``outcome`` (index into the outcomes; ``m``
    is the stand-in ``abandon`` outcome when the journey has none), ``truncated``.

    Per move, step by step (``step_ptr[k−1]:step_ptr[k]`` are the moves of step
    ``k ≥ 1``, in ascending customer order, those into outcomes included):
    ``customer`` (global index), ``edge``, ``lost``, ``wait`` (``None`` when every
    wait is the edge's fixed mean, :attr:`Walker.edge_wait`), ``abandoned``
    (``None`` without Erlang A queues).

    ``visits``: the contacts (:class:`Visits`).
    """

    lo: int
    hi: int
    reason: NDArray[np.int64]
    start_wait: NDArray[np.float64]
    outcome: NDArray[np.int64]
    truncated: NDArray[np.bool_]
    customer: NDArray[np.int64]
    edge: NDArray[np.int64]
    lost: NDArray[np.bool_]
    wait: NDArray[np.float64] | None
    abandoned: NDArray[np.bool_] | None
    step_ptr: NDArray[np.int64]
    visits: Visits

    @property
    def size(self) -> int:
        """Customers walked."""
        return self.hi - self.lo


class Walker:
    """Walks customers through a compiled chain (see the module notes).

    Parameters
    ----------
    arrays
        The compiled journey.
    starts
        Call reasons, their shares and start distributions.
    seed
        Seed of the streams (a whole number ≥ 0 or a SeedSequence).
    max_steps
        Most visits per customer.
    forced
        Outcome index of a journey cut at ``max_steps`` (``m``: a stand-in).
    abandon
        Outcome index of a caller who abandons a queue.
    edge_wait
        Mean wait on each edge (s; 0: none).
    start_wait
        Mean wait before the first contact at each touchpoint (s), or ``None``.
    exponential
        Draw exponential waits with those means instead of waiting them as given.
    queues
        Queues in front of touchpoints, or ``None``.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.core.compiled import compile_journey, start_table
    >>> j = cx.load_journey("billing_inquiry")
    >>> a = compile_journey(j)
    >>> walker = Walker(
    ...     a, start_table(j), seed=1, max_steps=50, forced=2, abandon=2, edge_wait=a.wait_s
    ... )
    >>> w = walker.run(0, 1000)
    >>> w.step_ptr.tolist(), np.bincount(w.outcome).tolist()  # moves per step; outcomes
    ([0, 1000, 1489, 1932], [778, 24, 198])
    >>> v = w.visits
    >>> [a.touchpoint_ids[i] for i in v.node[v.customer == 1]]
    ['web_faq', 'phone_queue', 'agent']
    """

    def __init__(
        self,
        arrays: CompiledJourney,
        starts: StartTable,
        *,
        seed: int | np.random.SeedSequence,
        max_steps: int,
        forced: int,
        abandon: int,
        edge_wait: NDArray[np.float64],
        start_wait: NDArray[np.float64] | None = None,
        exponential: bool = False,
        queues: QueueTable | None = None,
    ) -> None:
        a = arrays
        self.arrays = a
        self.starts = starts
        self.seed = seed
        self.max_steps = int(max_steps)
        self.forced = int(forced)
        self.abandon = int(abandon)
        self.edge_wait = np.asarray(edge_wait, dtype=np.float64)
        self.start_wait_mean = start_wait
        self.exponential = bool(exponential)
        self.queues = queues
        n_reasons = len(starts.reasons)
        self._one_reason = n_reasons == 1
        self._reasons = _Picker(starts.shares, np.array([0, n_reasons], dtype=np.int64))
        self._starts = _Picker(
            starts.pi0.ravel(), np.arange(0, n_reasons * a.n + 1, a.n, dtype=np.int64)
        )
        positive = starts.pi0 > 0
        #: the start touchpoint of each reason when it has only one (no draw needed)
        self._single_start = (
            np.argmax(positive, axis=1).astype(np.int64)
            if bool((positive.sum(axis=1) == 1).all())
            else None
        )
        lose = np.where(a.between_touchpoints, 1.0 - a.kappa, -1.0)
        self._can_lose = bool((lose > 0).any())
        self._moves = _Picker(a.prob, a.row_ptr, lose if self._can_lose else None)
        #: whether each move draws a wait (stream 1)
        self.random_waits = queues is not None or (
            self.exponential and bool((self.edge_wait > 0).any())
        )
        self._start_draws = (queues is not None and bool(queues.has_queue.any())) or (
            start_wait is not None and bool((start_wait > 0).any())
        )

    # ------------------------------------------------------------------ waits
    def _arrival_waits(
        self,
        step: int,
        node: NDArray[np.int64],
        mean: NDArray[np.float64],
        arrives: NDArray[np.bool_] | None,
        u: NDArray[np.float64],
        idx: NDArray[np.int64],
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None]:
        """Waits of arrivals at ``node`` (touchpoints where ``arrives``) and who abandons."""
        wait = np.where(mean > 0, -mean * np.log1p(-u), 0.0) if self.exponential else mean.copy()
        q = self.queues
        if q is None:
            return wait, None
        tp = np.minimum(node, self.arrays.n - 1)
        kind = q.kind[tp]
        if arrives is not None:
            kind = np.where(arrives, kind, NO_QUEUE)
        rows = np.flatnonzero(kind == ERLANG_C)
        if rows.size:
            wait[rows] = _erlang_c_waits(q, tp[rows], u[rows])
        abandoned = None
        rows = np.flatnonzero(kind == ERLANG_A)
        if rows.size:
            w, ab = self._erlang_a_waits(step, tp[rows], u[rows], idx[rows])
            wait[rows] = w
            abandoned = np.zeros(node.size, dtype=bool)
            abandoned[rows] = ab
        elif q.abandons:
            abandoned = np.zeros(node.size, dtype=bool)
        return wait, abandoned

    def _erlang_a_waits(
        self,
        step: int,
        tp: NDArray[np.int64],
        u: NDArray[np.float64],
        idx: NDArray[np.int64],
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """Erlang A: callers ahead ``j`` from ``u``, patience, offered wait; min and abandon."""
        q = self.queues
        assert q is not None
        ahead = np.full(tp.size, -1, dtype=np.int64)  # −1: an agent is free
        for t in np.unique(tp):  # one pass per queued touchpoint
            cdf = q.queue_cdf[int(t)]
            assert cdf is not None
            rows = np.flatnonzero((tp == t) & (u < q.p_wait[t]))
            if rows.size:
                j = np.searchsorted(cdf, u[rows], side="right")
                ahead[rows] = np.minimum(j, cdf.size - 1)
        wait = np.zeros(tp.size)
        abandoned = np.zeros(tp.size, dtype=bool)
        queued = np.flatnonzero(ahead >= 0)
        if queued.size == 0:
            return wait, abandoned
        t, j, who = tp[queued], ahead[queued], idx[queued]
        theta = q.patience_rate[t]
        patience = -np.log1p(-uniforms(self.seed, step, PATIENCE, who)) / theta
        offered = np.zeros(queued.size)
        for i in range(int(j.max()) + 1):  # one pass per phase (callers ahead), not per caller
            rows = np.flatnonzero(j >= i)
            e = -np.log1p(-uniforms(self.seed, step, PHASES + i, who[rows]))
            offered[rows] += e / (q.service_rate[t[rows]] + i * theta[rows])
        wait[queued] = np.minimum(offered, patience)
        abandoned[queued] = patience < offered
        return wait, abandoned

    # ------------------------------------------------------------------- walk
    def run(self, lo: int, hi: int) -> Walk:
        """Walk customers ``lo … hi − 1`` (see :class:`Walk`)."""
        a = self.arrays
        tp_n = a.n
        seed = self.seed
        size = hi - lo
        idx = np.arange(lo, hi, dtype=np.int64)

        # step 0: call reason and start touchpoint from one uniform, then the start wait
        u0 = uniforms(seed, 0, MOVES, idx)
        if self._one_reason:
            c = np.zeros(size, dtype=np.int64)
            r0 = np.clip(u0 / self.starts.shares[0], 0.0, _BELOW_ONE)
        else:
            c, r0 = self._reasons.choose_r(np.zeros(size, np.int64), u0)
        if self._single_start is not None:
            x = self._single_start[c]
        else:
            x = self._starts.entries(c, r0) - c * tp_n
        start_wait = np.zeros(size)
        start_abandoned = None
        if self._start_draws:
            mean = self.start_wait_mean[x] if self.start_wait_mean is not None else np.zeros(size)
            u1 = uniforms(seed, 0, WAITS, idx)
            start_wait, start_abandoned = self._arrival_waits(0, x, mean, None, u1, idx)

        outcome = np.zeros(size, dtype=np.int64)
        truncated = np.zeros(size, dtype=bool)
        random_waits = self.random_waits
        abandons = self.queues is not None and self.queues.abandons
        log: dict[str, list[NDArray]] = {  # type: ignore[type-arg]
            k: [] for k in ("cust", "edge", "lost", "wait", "ab")
        }
        vis: dict[str, list[NDArray]] = {  # type: ignore[type-arg]
            "cust": [idx],
            "node": [x],
            "parent": [np.arange(size)],
            "edge": [np.full(size, -1, dtype=np.int64)],
            "lost": [np.zeros(size, dtype=bool)],
            "wait": [start_wait],
            "served": [np.ones(size, bool) if start_abandoned is None else ~start_abandoned],
        }
        moves: list[int] = [0]
        visits: list[int] = [0, size]
        pos = None  # positions of the active customers in the last visit slice (None: all)
        if start_abandoned is not None and start_abandoned.any():
            outcome[start_abandoned] = self.abandon
            pos = np.flatnonzero(~start_abandoned)
            idx, x = idx[pos], x[pos]

        step = 1
        while idx.size:
            u = uniforms(seed, step, MOVES, idx)
            if self._can_lose:
                e, lost = self._moves.choose(x, u)
            else:
                e, lost = self._moves.entries(x, u), np.zeros(idx.size, dtype=bool)
            y = a.target[e]
            to_tp = y < tp_n
            abandoned = None
            if random_waits:
                u1 = uniforms(seed, step, WAITS, idx)
                wait, abandoned = self._arrival_waits(step, y, self.edge_wait[e], to_tp, u1, idx)
                if abandoned is not None:
                    lost &= ~abandoned  # nobody heard them: nothing to re-explain
            if step >= self.max_steps:
                # a customer who would make another visit is stopped (not recorded)
                sel = np.flatnonzero(~to_tp)
                log["cust"].append(idx[sel])
                log["edge"].append(e[sel])
                log["lost"].append(lost[sel])
                if random_waits:
                    log["wait"].append(wait[sel])
                if abandons:
                    log["ab"].append(np.zeros(sel.size, dtype=bool))
                moves.append(moves[-1] + sel.size)
                ids = idx - lo
                outcome[ids] = np.where(to_tp, self.forced, y - tp_n)
                truncated[ids] = to_tp
                break
            log["cust"].append(idx)
            log["edge"].append(e)
            log["lost"].append(lost)
            if random_waits:
                log["wait"].append(wait)
            if abandons:
                log["ab"].append(abandoned if abandoned is not None else np.zeros(idx.size, bool))
            moves.append(moves[-1] + idx.size)
            sel = np.flatnonzero(to_tp)
            if sel.size < idx.size:
                done = ~to_tp
                outcome[idx[done] - lo] = y[done] - tp_n
            nxt, x = idx[sel], y[sel]
            vis["cust"].append(nxt)
            vis["node"].append(x)
            vis["parent"].append(sel if pos is None else pos[sel])
            vis["edge"].append(e[sel])
            vis["lost"].append(lost[sel])
            if random_waits:
                vis["wait"].append(wait[sel])
            visits.append(visits[-1] + sel.size)
            pos = None
            if abandons:
                ab = abandoned[sel] if abandoned is not None else np.zeros(sel.size, dtype=bool)
                vis["served"].append(~ab)
                if ab.any():
                    outcome[nxt[ab] - lo] = self.abandon
                    pos = np.flatnonzero(~ab)
                    nxt, x = nxt[pos], x[pos]
            idx = nxt
            step += 1

        def cat(parts: list[NDArray], dtype: type) -> NDArray:  # type: ignore[type-arg]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        visit_edge = np.concatenate(vis["edge"])
        if random_waits:
            visit_wait = np.concatenate(vis["wait"])
        elif self._start_draws:  # waits at the start only: the moves' waits are fixed
            visit_wait = np.concatenate([start_wait, self.edge_wait[visit_edge[size:]]])
        else:
            visit_wait = None
        return Walk(
            lo=lo,
            hi=hi,
            reason=c,
            start_wait=start_wait,
            outcome=outcome,
            truncated=truncated,
            customer=cat(log["cust"], np.int64),
            edge=cat(log["edge"], np.int64),
            lost=cat(log["lost"], np.bool_),
            wait=cat(log["wait"], np.float64) if random_waits else None,
            abandoned=cat(log["ab"], np.bool_) if abandons else None,
            step_ptr=np.array(moves, dtype=np.int64),
            visits=Visits(
                customer=np.concatenate(vis["cust"]),
                node=np.concatenate(vis["node"]).astype(np.int64, copy=False),
                parent=np.concatenate(vis["parent"]).astype(np.int64, copy=False),
                edge=visit_edge,
                lost=np.concatenate(vis["lost"]),
                wait=visit_wait,
                served=np.concatenate(vis["served"]) if abandons else None,
                step_ptr=np.array(visits, dtype=np.int64),
            ),
        )


def _erlang_c_waits(
    q: QueueTable, node: NDArray[np.int64], u: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Erlang C waits by inversion: wait iff ``u < P_w``; then ``u/P_w`` is uniform."""
    pw = q.p_wait[node]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(pw > 0, u / pw, 1.0)
    return np.where(u < pw, -q.mean_wait[node] * np.log1p(-np.minimum(rel, 1 - 1e-16)), 0.0)
