"""One definition per metric, and the rule that links the designed steps to the chain.

Every figure cxkit reports about effort, waits, first-contact resolution, repeat
contacts and the remembered experience is computed by the small functions of this
module — by :meth:`Journey.evaluate <cxkit.core.journey.Journey.evaluate>` (and so
``cxkit show`` and the exports), by the exact and Monte Carlo engines, by the ROI
engine and by the widgets. They take plain numbers or numpy arrays (any shape that
broadcasts) and return the same.

Two times, two kinds of figure
------------------------------
*Design-time* figures come from the **designed steps**, read in order as one
customer who does exactly what they say (``Journey.evaluate``). *Flow-time* figures
come from the **touchpoint graph** as an absorbing chain: the mean over every
customer who starts the journey, whichever path they take (``cxkit.sim.exact``
exactly, ``cxkit.sim.simulate`` by sampling, the ROI engine per draw).

On a journey with a **single path** the two are equal, metric by metric (a test
holds that: ``tests/core/test_metrics.py``). A single path means: every customer
starts where the first designed step is; each designed visit (a run of consecutive
steps at one touchpoint) hands off to the next with probability 1; the last visit
goes to outcomes only; context is lost (κ = 0) exactly on the hand-offs into visits
with a step marked ``context_lost`` and kept (κ = 1) elsewhere; transfers are flagged
on the same hand-offs as on the steps; no step is a ``repeat_contact``; the wait
before each visit is its steps' ``wait_s`` (a designed wait step first in its visit)
with the call reason's expected wait; the steps' call reason is the journey's only
one. :func:`design_flow_differences` lists which of these a journey breaks — the
reasons every view prints when the two figures differ.

How a designed step enters the flow-time model
----------------------------------------------
* **Waits** (:func:`designed_waits`): the designed wait at a touchpoint — the
  ``wait_s`` of a designed visit's steps, summed, averaged over its designed visits —
  is the wait of every hand-off into that touchpoint that declares none
  (``wait_s: 0``, the default). A hand-off's own ``wait_s`` always wins.
* **Moments** (:func:`flow_moments`): a visit to a touchpoint replays its designed
  steps' moments in order (each step with an expectation and an experience is one
  valence); a designed wait step is *the wait moment* of the visit, computed from the
  simulated wait, when a hand-off into the touchpoint waits; a touchpoint with no
  designed step is met as expected (one moment, ``P = E``). When the context was lost
  on the way in, the visit's first moment loses ``reexplain_penalty_points`` —
  unless the designer marked a step of the visit ``context_lost`` (the loss is then
  already in its experience).

Definitions (model reference §1.1, §1.3, §2.1, §3.4)
----------------------------------------------------
* effort index ``= 1 + w_sw·switches + Σ re-explanation effort + w_tr·transfers
  + w_rc·repeat contacts + w_wait·(excess wait)/60`` (:func:`effort_index`);
* CES (1–5) ``= clip(effort index, 1, 5)`` per customer (:func:`ces5`); the CES of a
  journey is the **mean of the per-customer CES**, not the CES of the mean index;
* excess wait ``= max(w − W_exp, 0)`` per wait (:func:`excess_wait`);
* repeat contact: a contact at a service touchpoint the customer already contacted
  in the journey (flow-time), or a step marked ``repeat_contact`` (design-time);
* first-contact resolution: the share of customers absorbed in an outcome of kind
  ``resolved`` after exactly one service contact (:func:`first_contact_resolution`);
  **not applicable** to a journey with no outcome of kind ``resolved``
  (:func:`fcr_applicability`), e.g. a purchase journey;
* remembered experience ``J = w_pe·(peak + end)/2 + (1 − w_pe)·mean`` of the step
  valences, folded moment by moment (:func:`fold_valences`, :func:`remembered`).

Examples
--------
Model reference Example A's effort: one switch, one repeated explanation and two
minutes beyond the expected wait.

>>> from cxkit.core.params import EffortParams
>>> effort_index(1, 0.5, 0, 0, excess_wait(180, 60), EffortParams())
2.5
>>> float(ces5(6.2)), fcr_applicability(["purchase", "abandon"]).message()
(5.0, 'not applicable: no outcome of kind resolved')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cxkit.core.params import EffortParams, EmotionParams

if TYPE_CHECKING:
    from cxkit.core.compiled import CompiledJourney
    from cxkit.core.journey import Journey

__all__ = [
    "BLOCK_FIELDS",
    "DESIGN_FLOW_REASONS",
    "FCR_NOT_APPLICABLE",
    "STATE_ROWS",
    "FlowMoments",
    "FoldBuffers",
    "MomentPart",
    "NotApplicable",
    "Remembered",
    "ces5",
    "contact_emotion_code",
    "design_flow_differences",
    "designed_path",
    "designed_waits",
    "effort_index",
    "emotion_code",
    "excess_wait",
    "fcr_applicability",
    "first_contact_resolution",
    "first_contact_resolved",
    "flow_moments",
    "fold_valences",
    "fold_walk",
    "remembered",
    "synthetic_csat5",
    "synthetic_nps10",
    "valence",
    "valence_block",
    "valence_state",
    "wait_disconfirmation",
]

_EMOTION = EmotionParams()
_EFFORT = EffortParams()

#: Probabilities closer than this to 0 or 1 count as 0 or 1 (single-path test).
_TOL = 1e-9


def _out(x: NDArray[np.float64]) -> Any:
    """A 0-d result as a Python float, anything else as the array."""
    return float(x) if np.ndim(x) == 0 else x


def _weight(params: Any, name: str) -> Any:
    if isinstance(params, Mapping):
        return np.asarray(params[name], dtype=np.float64)
    return float(getattr(params, name))


# ----------------------------------------------------------------------------- effort


def effort_index(
    switches: ArrayLike,
    reexplain_effort: ArrayLike,
    transfers: ArrayLike,
    repeat_contacts: ArrayLike,
    excess_wait_s: ArrayLike,
    params: EffortParams | Mapping[str, ArrayLike] = _EFFORT,
) -> Any:
    """The effort index before clipping (model reference §3.4).

    ``1 + w_sw·switches + reexplain_effort + w_tr·transfers + w_rc·repeat_contacts
    + w_wait·excess_wait_s/60``. It is linear in the counts, so the expected index of
    a chain is the index of the expected counts.

    Parameters
    ----------
    switches, transfers, repeat_contacts
        Counts (or expected counts) of channel switches, transfers and repeat contacts.
    reexplain_effort
        The effort of the repeated explanations, in CES points: ``w_ri`` per context
        loss unless a hand-off declares its own ``reexplain_effort``.
    excess_wait_s
        Seconds waited beyond the expected wait (:func:`excess_wait`), summed.
    params
        The weights: an :class:`~cxkit.core.params.EffortParams`, or a mapping of
        ``w_switch``, ``w_transfer``, ``w_repeat_contact`` and ``w_wait_per_minute``
        to arrays (one weight per draw).

    Examples
    --------
    >>> effort_index(2, 0.5, 0, 0, 120.0)
    3.0
    >>> effort_index(np.array([0.0, 1.0]), 0.0, 0.0, 1.0, 0.0).tolist()
    [2.0, 2.5]
    """
    raw = (
        1.0
        + _weight(params, "w_switch") * np.asarray(switches, dtype=np.float64)
        + np.asarray(reexplain_effort, dtype=np.float64)
        + _weight(params, "w_transfer") * np.asarray(transfers, dtype=np.float64)
        + _weight(params, "w_repeat_contact") * np.asarray(repeat_contacts, dtype=np.float64)
        + _weight(params, "w_wait_per_minute") * np.asarray(excess_wait_s, dtype=np.float64) / 60.0
    )
    return _out(raw)


def ces5(index: ArrayLike) -> Any:
    """CES v1 on its 1–5 scale: the effort index clipped to [1, 5], per customer.

    The CES of a journey is the *mean* of these per-customer values (a survey's mean
    answer), which is below ``ces5`` of the mean index when some customers exceed 5.

    Examples
    --------
    >>> ces5(2.5), ces5(7.0), ces5(np.array([0.5, 3.0])).tolist()
    (2.5, 5.0, [1.0, 3.0])
    """
    return _out(np.clip(np.asarray(index, dtype=np.float64), 1.0, 5.0))


def excess_wait(wait_s: ArrayLike, expected_wait_s: ArrayLike) -> Any:
    """Seconds waited beyond the expected wait ``W_exp``: ``max(w − W_exp, 0)``.

    Examples
    --------
    >>> excess_wait(180, 60), excess_wait(30, 60)
    (120.0, 0.0)
    """
    w = np.asarray(wait_s, dtype=np.float64)
    return _out(np.maximum(w - np.asarray(expected_wait_s, dtype=np.float64), 0.0))


# ----------------------------------------------------------------------------- experience


def valence(expectation: ArrayLike, experience: ArrayLike, params: EmotionParams = _EMOTION) -> Any:
    """Step valence ``β_P·(P − 5) + β⁺·max(D, 0) − β⁻·max(−D, 0)``, ``D = P − E``.

    Model reference §1.1 (Oliver 1980; Anderson & Sullivan 1993: shortfalls weigh more).

    Examples
    --------
    >>> valence(6, 4), valence(7, 10)
    (-4.0, 3.0)
    >>> valence(np.array([6.0, 7.0]), np.array([3.0, 7.0])).tolist()
    [-6.0, 0.0]
    """
    e = np.asarray(expectation, dtype=np.float64)
    p = np.asarray(experience, dtype=np.float64)
    d = p - e
    return _out(
        params.beta_p * (p - 5.0)
        + params.beta_plus * np.maximum(d, 0.0)
        - params.beta_minus * np.maximum(-d, 0.0)
    )


def wait_disconfirmation(
    wait_s: ArrayLike, expected_wait_s: ArrayLike, params: EmotionParams = _EMOTION
) -> Any:
    """``D_wait = clip((W_exp − w)/u_w, −10, +2)`` in points (model reference §1.1).

    A wait moment's experience is ``E + D_wait``.

    Examples
    --------
    >>> wait_disconfirmation(180, 60)
    -3.0
    """
    raw = (
        np.asarray(expected_wait_s, dtype=np.float64) - np.asarray(wait_s, dtype=np.float64)
    ) / params.wait_seconds_per_point
    return _out(np.clip(raw, -10.0, 2.0))


#: Rows of a valence state (:func:`valence_state`): running peak, end, sum of the
#: valences, recency numerator ``Σ δ^{K−k} s_k`` and count ``K``.
STATE_ROWS: tuple[str, ...] = ("peak", "end", "sum", "recency", "count")

#: Fields of a valence block (:func:`valence_block`): the state of a sequence of
#: moments, plus its decay ``δ^K``.
BLOCK_FIELDS: tuple[str, ...] = (*STATE_ROWS, "decay")

_PEAK, _END, _SUM, _REC, _COUNT, _DECAY = range(6)


def valence_state(n: int, params: EmotionParams = _EMOTION) -> NDArray[np.float64]:
    """An empty valence state for ``n`` customers: rows :data:`STATE_ROWS`, shape ``(5, n)``.

    Examples
    --------
    >>> valence_state(2).shape, valence_state(1, EmotionParams(peak="worst"))[0].tolist()
    ((5, 2), [inf])
    """
    state = np.zeros((len(STATE_ROWS), n))
    if params.peak == "worst":
        state[_PEAK] = np.inf
    return state


#: What a visit of a walk lives (:func:`fold_walk`), one part of it: a block of
#: moments (:func:`valence_block`, fields :data:`BLOCK_FIELDS`) per visit, given
#: either as its six fields — each an array with one entry per visit, or one number
#: for every visit (a single moment ``s`` is ``(s, s, s, s, 1, δ)``) — or as a
#: ``(table, key)`` pair: ``table`` ``(6, K)`` blocks field by field, ``key`` the
#: block of each visit. A block with count 0 is no moment at all.
MomentPart = Sequence[Any]


class _Part:
    """A :data:`MomentPart` ready for :func:`fold_walk`'s loop over steps.

    :meth:`at` gives the part's fields over one step's visits, in the order peak,
    peak key (what the peak is compared on), sum, recency numerator, count, decay,
    end and whether each visit lives a moment (``None``: all do). A table part is
    looked up once per step for all its fields (one ``numpy.take``).
    """

    def __init__(self, part: MomentPart, worst: bool) -> None:
        self.table: NDArray[np.float64] | None = None
        self.has: NDArray[np.bool_] | None = None
        if len(part) == 2:  # (table, key)
            table = np.asarray(part[0], dtype=np.float64)
            if table.ndim != 2 or table.shape[0] != len(BLOCK_FIELDS):
                raise ValueError(f"a moment table has the {len(BLOCK_FIELDS)} rows {BLOCK_FIELDS}")
            self.index = np.asarray(part[1])
            peak = table[_PEAK]
            key = peak if worst else np.abs(peak)
            count = table[_COUNT]
            has = count > 0
            self.has = None if has.all() else has
            self.count_varies = bool(count.size) and bool(np.ptp(count) > 0)
            self.count = float(count[0]) if count.size else 0.0
            # every block one moment s = (s, s, s, s, 1, δ): peak and key are enough
            self.single = bool(
                self.has is None
                and (count == 1).all()
                and all(np.array_equal(peak, table[i]) for i in (_END, _SUM, _REC))
                and np.all(table[_DECAY] == table[_DECAY, :1])
            )
            if self.single:
                self.decay = float(table[_DECAY, 0]) if count.size else 1.0
                self.table = np.vstack([peak, key])
            else:
                rows = (table[_SUM], table[_REC], count, table[_DECAY], table[_END])
                self.table = np.vstack([peak, key, *rows])
            return
        if len(part) != len(BLOCK_FIELDS):
            raise ValueError(f"a moment part has the {len(BLOCK_FIELDS)} fields {BLOCK_FIELDS}")
        self.fields = [x if np.ndim(x) == 0 else np.asarray(x, dtype=np.float64) for x in part]
        count = part[_COUNT]
        self.count_varies = bool(np.ndim(count))
        self.count = count
        if np.ndim(count):
            has = np.asarray(count) > 0
            self.has = None if has.all() else has
        peak = np.asarray(part[_PEAK], dtype=np.float64)
        self.key = peak if worst else np.abs(peak)

    @property
    def empty(self) -> bool:
        """No moment at any visit."""
        return self.table is None and not self.count_varies and not self.count > 0

    def at(self, lo: int, hi: int, buffers: FoldBuffers, name: str) -> tuple[Any, ...]:
        """The fields over visits ``lo … hi − 1`` (see the class notes); a table part
        looks them up into buffer ``name``."""
        if self.table is not None:
            key = self.index[lo:hi]
            t = buffers.get(name, (self.table.shape[0], hi - lo))
            np.take(self.table, key, axis=1, out=t, mode="wrap")
            has = None if self.has is None else np.take(self.has, key)
            if self.single:
                return t[0], t[1], t[0], t[0], 1.0, self.decay, t[0], None
            return t[0], t[1], t[2], t[3], t[4], t[5], t[6], has
        f = [_cut(x, lo, hi) for x in self.fields]
        m = hi - lo
        peak = np.broadcast_to(np.asarray(f[_PEAK], dtype=np.float64), (m,))
        key = np.broadcast_to(np.asarray(_cut(self.key, lo, hi)), (m,))
        end = np.broadcast_to(np.asarray(f[_END], dtype=np.float64), (m,))
        has = None if self.has is None else self.has[lo:hi]
        return peak, key, f[_SUM], f[_REC], f[_COUNT], f[_DECAY], end, has

    def end_visits(self, visits: NDArray[np.int64]) -> Any:
        """The end field at ``visits``."""
        if self.table is not None:
            return np.take(self.table[0 if self.single else 6], self.index[visits])
        end = self.fields[_END]
        return end[visits] if np.ndim(end) else end


class FoldBuffers:
    """Scratch memory for :func:`fold_walk`, kept by a caller that folds many walks.

    Each buffer grows to the largest step it has held and is then reused, so that a
    caller folding chunk after chunk (Monte Carlo keeps one per thread) does not ask
    the system for fresh memory at every step — on a virtual machine its page faults
    cost more than the arithmetic. Not thread-safe: one per thread.

    Examples
    --------
    >>> b = FoldBuffers()
    >>> b.get("x", (2, 3)).shape, b.get("x", (1, 2)).base is b.get("x", (2, 3)).base
    ((2, 3), True)
    """

    def __init__(self) -> None:
        self._flat: dict[str, NDArray[Any]] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any = np.float64) -> NDArray[Any]:
        """A C-contiguous array of ``shape`` on buffer ``name`` (contents undefined)."""
        size = math.prod(shape)
        flat = self._flat.get(name)
        if flat is None or flat.size < size or flat.dtype != np.dtype(dtype):
            flat = np.empty(max(size, 1), dtype=dtype)
            self._flat[name] = flat
        return flat[:size].reshape(shape)


def _prepare(part: MomentPart, worst: bool) -> _Part | None:
    p = _Part(part, worst)
    return None if p.empty else p


def _select_into(old: NDArray[np.float64], new: Any, take: NDArray[np.bool_]) -> None:
    """``old[take] = new[take]``, in place: branch-free, on the float bits (exact)."""
    o = old.view(np.int64)
    x = np.negative(take, dtype=np.int64)
    x &= np.broadcast_to(np.asarray(new, dtype=np.float64), old.shape).view(np.int64) ^ o
    o ^= x


def _cut(x: Any, lo: int, hi: int) -> Any:
    return x[lo:hi] if np.ndim(x) else x


def fold_walk(
    parts: Sequence[MomentPart],
    customer: NDArray[np.int64],
    step_ptr: NDArray[np.int64],
    parent: NDArray[np.int64],
    n: int,
    params: EmotionParams = _EMOTION,
    *,
    buffers: FoldBuffers | None = None,
) -> NDArray[np.float64]:
    """Fold the moments of walks into one valence state per customer — *the* fold.

    This is the one definition of the running peak, end, sum, recency numerator and
    count of a customer's valences (rows :data:`STATE_ROWS`): Monte Carlo folds every
    simulated customer's walk with it, the event generator its customers' walks, and
    :func:`fold_valences`, :func:`valence_block` and so ``Journey.evaluate`` the
    designed steps (one customer, one moment per step).

    Moment by moment, in the order lived: the peak is the most intense valence (ties
    go to the later one), or the lowest with ``peak="worst"``; the end is the last
    one; the sum and the count add up; the recency numerator follows Horner's rule
    ``r ← r·δ + s`` (``r ← r·δ^K + R`` for a block of ``K`` moments whose own
    numerator is ``R``), so that ``r = Σ_k δ^{K−k} s_k``.

    **The log.** Walks are laid out step by step, as the walker records them: the
    visits ``step_ptr[k]:step_ptr[k+1]`` are step ``k`` (0 = the first visit), each
    customer at most once per step; ``parent[v]`` is the position, within step
    ``k − 1``'s slice, of the same customer's previous visit (read from step 1 on).
    Each visit lives its ``parts`` in order (e.g. the wait moment, then the service
    moments). The loop runs over steps, each step handles all its visits at once
    (whole-array numpy; nothing per customer or per visit).

    Parameters
    ----------
    parts
        One or more :data:`MomentPart`: the fields of :data:`BLOCK_FIELDS`, each an
        array with one entry per visit or one number.
    customer
        ``(V,)`` the customer of each visit, in ``[0, n)``.
    step_ptr, parent
        The step layout (see above).
    n
        Customers; a customer without a visit keeps the empty state
        (:func:`valence_state`).
    params
        ``peak`` and ``recency_decay`` are used.
    buffers
        Scratch memory to reuse (:class:`FoldBuffers`), or ``None`` for fresh.

    Returns
    -------
    numpy.ndarray
        ``(5, n)``: rows :data:`STATE_ROWS`.

    Examples
    --------
    Two customers: 0 lives −4, −6, 0, +3 (Example A), 1 lives +2 then −2 (a tie:
    the later is the peak). Step 0 holds both first visits, step 1 their second…

    >>> v = np.array([-4.0, 2.0, -6.0, -2.0, 0.0, 3.0])
    >>> state = fold_walk(
    ...     [(v, v, v, v, 1.0, 0.5)],
    ...     customer=np.array([0, 1, 0, 1, 0, 0]),
    ...     step_ptr=np.array([0, 2, 4, 5, 6]),
    ...     parent=np.array([0, 1, 0, 1, 0, 0]),
    ...     n=2,
    ... )
    >>> state.T.tolist()
    [[-6.0, 3.0, -7.0, 1.0, 4.0], [-2.0, -2.0, 0.0, -1.0, 2.0]]
    """
    worst = params.peak == "worst"
    state = valence_state(n, params)
    buf = FoldBuffers() if buffers is None else buffers
    prepared = [p for p in (_prepare(part, worst) for part in parts) if p is not None]
    layout = _state_layout(prepared)
    size = int(step_ptr[-1]) if step_ptr.size else 0
    if size == 0:
        return state
    flat, alive = _fold_steps(prepared, step_ptr, parent, size, layout, worst, buf)
    _store_last_visits(state, flat, alive, step_ptr, customer, prepared, layout)
    return state


def _state_layout(prepared: Sequence[_Part]) -> tuple[int | None, int | None, int, float]:
    """The rows of :func:`fold_walk`'s running state.

    Returns
    -------
    row_count, row_end, rows, per_visit
        The count's and the end's row (``None`` when not carried), the number of
        rows, and the moments per visit when the count is not carried (else 0).
    """
    carry_end = not prepared or prepared[-1].has is not None
    carry_count = any(p.count_varies for p in prepared)
    per_visit = 0.0 if carry_count else math.fsum(float(p.count) for p in prepared)
    # the running state after each visit, step by step: step k's block of `rows × m`
    # (peak, sum, recency numerator, then count and end when they are carried) starts
    # at rows·step_ptr[k] in one flat buffer
    row_count = 3 if carry_count else None
    row_end = 3 + carry_count if carry_end else None
    rows = 3 + carry_count + carry_end
    return row_count, row_end, rows, per_visit


def _fold_steps(
    prepared: Sequence[_Part],
    step_ptr: NDArray[np.int64],
    parent: NDArray[np.int64],
    size: int,
    layout: tuple[int | None, int | None, int, float],
    worst: bool,
    buf: FoldBuffers,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Fold every step's visits, in step order (whole-array per step).

    Returns
    -------
    flat, alive
        The running state after each visit (layout of :func:`_state_layout`), and
        which visits another visit follows.
    """
    row_count, row_end, rows, _ = layout
    flat = buf.get("state", (rows * size,))
    fmask = buf.get("compare", (size,))
    take = buf.get("take", (size,), np.bool_)
    mask = buf.get("mask", (size,), np.int64)
    other = buf.get("other", (size,), np.int64)
    alive = buf.get("alive", (size,), np.bool_)  # visits another visit follows
    alive[:] = False
    prev: NDArray[np.float64] | None = None
    prev_lo = 0
    for k in range(step_ptr.size - 1):
        lo, hi = int(step_ptr[k]), int(step_ptr[k + 1])
        m = hi - lo
        if m == 0:
            prev = None
            continue
        s = flat[rows * lo : rows * hi].reshape(rows, m)
        if prev is None:
            s[:] = 0.0
            if worst:
                s[0] = np.inf
        else:  # the same customers' state after their previous visit
            idx = parent[lo:hi]
            np.take(prev, idx, axis=1, out=s, mode="wrap")
            alive[prev_lo:lo][idx] = True
        scratch = (fmask[:m], take[:m], mask[:m], other[:m])
        _fold_parts(s, prepared, lo, hi, row_count, row_end, worst, buf, scratch)
        prev, prev_lo = s, lo
    return flat, alive


def _fold_parts(
    s: NDArray[np.float64],
    prepared: Sequence[_Part],
    lo: int,
    hi: int,
    row_count: int | None,
    row_end: int | None,
    worst: bool,
    buf: FoldBuffers,
    scratch: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64]],
) -> None:
    """Fold the parts of visits ``lo … hi − 1`` into their running state ``s``, in place."""
    peak, total, rec = s[0], s[1], s[2]
    bits = peak.view(np.int64)
    f_cmp, f_take, f_mask, f_other = scratch
    for i, part in enumerate(prepared):
        f = part.at(lo, hi, buf, f"part{i}")
        f_peak, f_key, f_total, f_rec, f_count, f_decay, f_end, f_has = f
        # the peak: this part's where it wins (ties go to the later), bit for bit
        if worst:
            np.less_equal(f_key, peak, out=f_take)
        else:
            np.greater_equal(f_key, np.abs(peak, out=f_cmp), out=f_take)
        if f_has is not None:
            f_take &= f_has
        np.negative(f_take, dtype=np.int64, out=f_mask)
        np.bitwise_xor(f_peak.view(np.int64), bits, out=f_other)
        f_mask &= f_other
        bits ^= f_mask
        if row_end is not None:
            if f_has is None:
                s[row_end] = f_end
            else:
                _select_into(s[row_end], f_end, f_has)
        total += f_total
        rec *= f_decay
        rec += f_rec
        if row_count is not None:
            s[row_count] += f_count


def _store_last_visits(
    state: NDArray[np.float64],
    flat: NDArray[np.float64],
    alive: NDArray[np.bool_],
    step_ptr: NDArray[np.int64],
    customer: NDArray[np.int64],
    prepared: Sequence[_Part],
    layout: tuple[int | None, int | None, int, float],
) -> None:
    """Copy each customer's state after their last visit into ``state``, in place."""
    row_count, row_end, rows, per_visit = layout
    # each customer's last visit: the visits no later visit points back to
    steps = np.diff(step_ptr)
    last = np.flatnonzero(np.logical_not(alive, out=alive))
    step = np.searchsorted(step_ptr, last, side="right") - 1
    start, width = step_ptr[step], steps[step]
    cell = rows * start + (last - start)  # row 0 of each last visit; row r is r·width on
    who = customer[last]
    state[_PEAK, who] = flat[cell]
    state[_SUM, who] = flat[cell + width]
    state[_REC, who] = flat[cell + 2 * width]
    if row_count is not None:
        state[_COUNT, who] = flat[cell + row_count * width]
    else:  # the same moments at every visit: visits × moments per visit
        state[_COUNT, who] = (step + 1) * per_visit
    if row_end is not None:
        state[_END, who] = flat[cell + row_end * width]
    else:  # the last part is always lived: its end is the end
        state[_END, who] = prepared[-1].end_visits(last)


def fold_valences(
    state: NDArray[np.float64], moments: NDArray[np.float64], params: EmotionParams = _EMOTION
) -> None:
    """Fold one more moment — or one block of moments — into each column of ``state``.

    The state is folded on by :func:`fold_walk` (the one fold): a walk of two steps,
    the state so far as a block, then ``moments``. Folding a sequence moment by moment
    and folding its :func:`valence_block` give the same state (the recency numerator
    up to rounding: ``δ^K·r + R`` against Horner's rule moment by moment).

    Parameters
    ----------
    state
        ``(≥5, n)``; rows :data:`STATE_ROWS` first (more rows are left alone). Changed
        in place.
    moments
        ``(n,)`` one valence per column, or ``(n, 6)`` one block per column (rows of
        :func:`valence_block`; an empty block changes nothing).
    params
        ``peak`` and ``recency_decay`` are used.

    Examples
    --------
    >>> s = valence_state(1)
    >>> for v in (-4.0, -6.0, 0.0, 3.0):
    ...     fold_valences(s, np.array([v]))
    >>> s[:, 0].tolist()
    [-6.0, 3.0, -7.0, 1.0, 4.0]
    >>> t = valence_state(1)
    >>> fold_valences(t, valence_block([-4.0, -6.0])[None, :])
    >>> fold_valences(t, valence_block([0.0, 3.0])[None, :])
    >>> bool(np.allclose(s, t, rtol=1e-12))
    True
    """
    n = state.shape[1]
    m = np.asarray(moments, dtype=np.float64)
    if m.ndim == 1:
        new: list[Any] = [m, m, m, m, 1.0, params.recency_decay]
    else:
        new = [m[:, i] for i in range(len(BLOCK_FIELDS))]
    old = [*state[: len(STATE_ROWS)], 1.0]
    part = [
        np.concatenate([np.broadcast_to(a, n), np.broadcast_to(b, n)])
        for a, b in zip(old, new, strict=True)
    ]
    both = np.concatenate([np.arange(n), np.arange(n)])
    state[: len(STATE_ROWS)] = fold_walk([part], both, np.array([0, n, 2 * n]), both, n, params)


def valence_block(
    valences: Sequence[float], params: EmotionParams = _EMOTION
) -> NDArray[np.float64]:
    """The fold of a sequence of valences (:func:`fold_walk`), as one block (fields
    :data:`BLOCK_FIELDS`).

    Examples
    --------
    >>> valence_block([0.0, 3.0]).tolist()
    [3.0, 3.0, 3.0, 3.0, 2.0, 0.25]
    >>> valence_block([]).tolist()  # an empty block: nothing happens
    [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    """
    v = np.array([float(x) for x in valences])
    k = v.size
    block = np.empty(len(BLOCK_FIELDS))
    block[:_DECAY] = fold_walk(
        [(v, v, v, v, 1.0, params.recency_decay)],
        np.zeros(k, dtype=np.int64),
        np.arange(k + 1),
        np.zeros(k, dtype=np.int64),
        1,
        params,
    )[:, 0]
    if not k:
        block[_PEAK] = 0.0
    block[_DECAY] = params.recency_decay**k
    return block


@dataclass(frozen=True)
class Remembered:
    """The remembered experience of folded valence states (model reference §1.3).

    Each attribute has one entry per customer (or is a float for one customer):
    ``peak``, ``end``, ``peak_end = (peak + end)/2``, ``mean``, ``score`` — the
    remembered experience ``J = w_pe·peak_end + (1 − w_pe)·mean`` —, the recency-
    weighted mean ``recency``, the emotion class code ``emotion`` (0 dissatisfied,
    1 satisfied, 2 delighted, see :func:`emotion_code`) and the number of valences ``n``.
    """

    peak: Any
    end: Any
    peak_end: Any
    mean: Any
    score: Any
    recency: Any
    emotion: Any
    n: Any


def remembered(state: NDArray[np.float64], params: EmotionParams = _EMOTION) -> Remembered:
    """Peak-end, mean, ``J``, recency and emotion class of folded states.

    A state with no valence gives ``peak = end = J = 0`` (and so "satisfied").

    Examples
    --------
    Model reference Example A (valences −4, −6, 0, +3):

    >>> s = valence_state(1)
    >>> for v in (-4.0, -6.0, 0.0, 3.0):
    ...     fold_valences(s, np.array([v]))
    >>> r = remembered(s)
    >>> r.peak_end.tolist(), r.mean.tolist(), round(float(r.recency[0]), 4), r.emotion.tolist()
    ([-1.5], [-1.75], 0.5333, [0])
    """
    k = state[_COUNT]
    has = k > 0
    peak = np.where(has, state[_PEAK], 0.0)
    end = state[_END]
    mean = state[_SUM] / np.maximum(k, 1.0)
    peak_end = (peak + end) / 2.0
    score = params.w_pe * peak_end + (1.0 - params.w_pe) * mean
    counts = k.astype(np.int64)
    top = int(counts.max()) if counts.size else 0
    # Σ_{i<K} δ^i, summed in one order for every K
    den = np.concatenate([[1.0], np.cumsum(params.recency_decay ** np.arange(top + 1.0))])
    recency = state[_REC] / den[counts]
    return Remembered(peak, end, peak_end, mean, score, recency, emotion_code(score, params), k)


def emotion_code(score: ArrayLike, params: EmotionParams = _EMOTION) -> Any:
    """Emotion class code: 0 dissatisfied (``< −τ⁻``), 2 delighted (``> τ⁺``), else 1.

    Examples
    --------
    >>> emotion_code(np.array([-1.5, -1.0, 2.0, 2.5])).tolist()
    [0, 1, 1, 2]
    """
    x = np.asarray(score, dtype=np.float64)
    code = np.add(x > params.tau_plus, 1, dtype=np.int64)  # branch-free: 1 + above − below
    code -= x < -params.tau_minus
    return int(code) if code.ndim == 0 else code


def contact_emotion_code(score: ArrayLike, params: EmotionParams = _EMOTION) -> Any:
    """Emotion class code of one contact's remembered experience, on the step scale.

    A designed step's class is read on the disconfirmation ``D`` (model reference
    §1.1: dissatisfied ``D < −τ⁻``, delighted ``D > τ⁺``); a contact's remembered
    experience is a valence. Read back on the disconfirmation scale (``s/β⁺`` for a
    gain, ``s/β⁻`` for a shortfall), a contact that lives one moment gets exactly its
    step's class, so an event log generated from a design drifts from nothing.

    Examples
    --------
    A shortfall of 1 point is satisfied (valence −2, read back as D = −1); a shortfall
    of 1.5 points is not.

    >>> contact_emotion_code(np.array([-2.0, -3.0, 2.0, 2.5])).tolist()
    [1, 0, 1, 2]
    """
    x = np.asarray(score, dtype=np.float64)
    d = np.where(x >= 0, x / params.beta_plus, x / params.beta_minus)
    return emotion_code(d, params)


def synthetic_csat5(score: ArrayLike) -> Any:
    """Synthetic CSAT answer ``clip(floor(4 + J/2 + 0.5), 1, 5)``. [ASSUMPTION]

    Examples
    --------
    >>> synthetic_csat5(-1.5), synthetic_csat5(np.array([0.0, 9.0])).tolist()
    (3, [4, 5])
    """
    x = np.clip(np.floor(4.0 + np.asarray(score, dtype=np.float64) / 2.0 + 0.5), 1, 5)
    return int(x) if x.ndim == 0 else x.astype(np.int8)


def synthetic_nps10(score: ArrayLike) -> Any:
    """Synthetic likelihood to recommend ``clip(floor(7 + J + 0.5), 0, 10)``. [ASSUMPTION]

    Examples
    --------
    >>> synthetic_nps10(-1.5), synthetic_nps10(np.array([0.0, 9.0])).tolist()
    (6, [7, 10])
    """
    x = np.clip(np.floor(7.0 + np.asarray(score, dtype=np.float64) + 0.5), 0, 10)
    return int(x) if x.ndim == 0 else x.astype(np.int8)


# ----------------------------------------------------------------------------- FCR


@dataclass(frozen=True)
class NotApplicable:
    """Why a metric does not apply to a journey (shown instead of a number).

    ``reason`` is a stable key; :meth:`message` is its text in English or Japanese.

    Examples
    --------
    >>> FCR_NOT_APPLICABLE.message("ja")
    '該当なし: 「解決」の種類の結果がありません'
    """

    reason: str

    def message(self, lang: str = "en") -> str:
        """The localised text, e.g. ``"not applicable: no outcome of kind resolved"``."""
        from cxkit.core.i18n import label

        return label(f"na_{self.reason}", lang)

    def to_dict(self, lang: str = "en") -> dict[str, str]:
        """``{"reason": key, "message": text}`` for JSON documents."""
        return {"reason": self.reason, "message": self.message(lang)}


#: First-contact resolution of a journey with no outcome of kind ``resolved``.
FCR_NOT_APPLICABLE = NotApplicable("no_resolved_outcome")


def fcr_applicability(outcome_kinds: Iterable[Any]) -> NotApplicable | None:
    """``None`` when first-contact resolution applies, else why not.

    FCR measures issues resolved at the first contact: it needs an outcome of kind
    ``resolved``. A purchase or onboarding journey has none, and a 0 % there would
    read as a measurement.

    Examples
    --------
    >>> fcr_applicability(["resolved", "churn"]) is None
    True
    >>> fcr_applicability(["purchase", "abandon"]).reason
    'no_resolved_outcome'
    """
    kinds = {getattr(k, "value", k) for k in outcome_kinds}
    return None if "resolved" in kinds else FCR_NOT_APPLICABLE


def first_contact_resolution(
    resolved_at_most_one: ArrayLike, resolved_without_contact: ArrayLike
) -> Any:
    """Share resolved after exactly one service contact (model reference §2.1).

    From the chain's first-contact layers: ``P(resolved, ≤ 1 service contact) −
    P(resolved, no service contact)``. Per customer it is ``resolved ∧ service
    contacts = 1``.

    Examples
    --------
    >>> first_contact_resolution(0.75, 0.0), first_contact_resolution(0.5, 0.5)
    (0.75, 0.0)
    """
    a = np.asarray(resolved_at_most_one, dtype=np.float64)
    b = np.asarray(resolved_without_contact, dtype=np.float64)
    return _out(np.maximum(a - b, 0.0))


def first_contact_resolved(resolved: ArrayLike, service_contacts: ArrayLike) -> Any:
    """Per customer: absorbed in a ``resolved`` outcome after exactly one service contact.

    Examples
    --------
    >>> first_contact_resolved(np.array([True, True, False]), np.array([1, 2, 1])).tolist()
    [True, False, False]
    """
    return np.asarray(resolved, dtype=bool) & (np.asarray(service_contacts) == 1)


# ----------------------------------------------------------------------------- design → flow


def _visits(journey: Journey) -> list[tuple[str, list[int]]]:
    """The designed visits: runs of consecutive steps at one touchpoint of the graph (a
    step marked ``repeat_contact`` starts a new visit: the customer contacts again)."""
    g = journey.graph
    visits: list[tuple[str, list[int]]] = []
    for i, s in enumerate(journey.steps):
        if not g.has_touchpoint(s.touchpoint):
            continue
        same = visits and visits[-1][0] == s.touchpoint and visits[-1][1][-1] == i - 1
        if same and not s.repeat_contact:
            visits[-1][1].append(i)
        else:
            visits.append((s.touchpoint, [i]))
    return visits


def designed_path(journey: Journey) -> tuple[str, ...]:
    """The touchpoints of the designed visits, in order (consecutive steps at one
    touchpoint merged, unless a step is marked ``repeat_contact``).

    Examples
    --------
    >>> import cxkit as cx
    >>> designed_path(cx.load_journey("billing_inquiry"))
    ('web_faq', 'phone_queue', 'agent')
    """
    return tuple(tp for tp, _ in _visits(journey))


def designed_waits(journey: Journey) -> dict[str, float]:
    """The designed wait at each touchpoint whose designed steps wait, in seconds.

    A designed visit waits the sum of its steps' ``wait_s``; a touchpoint's designed
    wait is the mean over its designed visits (visits without a wait count as 0).

    **The rule.** In the flow-time model, every hand-off into the touchpoint that
    declares no wait of its own (``wait_s: 0``, the default) waits this long; a
    hand-off's own ``wait_s`` always wins. The compiled chain applies it (so the
    exact and Monte Carlo engines, the event generator and the ROI engine wait the
    same); hand-offs into outcomes never wait.

    Examples
    --------
    >>> import cxkit as cx
    >>> designed_waits(cx.load_journey("billing_inquiry"))
    {'phone_queue': 180.0}
    """
    totals: dict[str, list[float]] = {}
    for tp, idx in _visits(journey):
        waits = [journey.steps[i].wait_s for i in idx]
        totals.setdefault(tp, []).append(math.fsum(float(w) for w in waits if w is not None))
    return {tp: math.fsum(ws) / len(ws) for tp, ws in totals.items() if any(w > 0 for w in ws)}


def _moment_expectation(
    journey: Journey, step: Any, effective: float | None, reason: str | None
) -> float | None:
    """The expectation of a designed moment for customers with call reason ``reason``."""
    if reason is None or step.call_reason in (None, reason):
        return effective
    for cr in journey.graph.call_reasons:
        if cr.id == reason and step.touchpoint in cr.expectations:
            return float(cr.expectations[step.touchpoint])
    return effective


@dataclass(frozen=True, eq=False)
class FlowMoments:
    """What one visit to each touchpoint feels like in flow-time, per call reason.

    Attributes
    ----------
    blocks
        ``(R, n, 2, 6)``: per call reason, touchpoint and context flag (0 kept, 1 lost
        on the way in), the :func:`valence_block` of the visit's moments.
    wait_expectation
        ``(R, n)``: the expectation ``E`` of the wait moment at each touchpoint.
    single
        Every block holds exactly one moment: :attr:`valences` folds them one by one.
    known
        ``(R, n)``: the journey says how a visit feels (designed steps at the
        touchpoint, or the call reason's expectation there); elsewhere the visit is
        met as expected by default.
    """

    blocks: NDArray[np.float64]
    wait_expectation: NDArray[np.float64]
    single: bool
    known: NDArray[np.bool_]

    @property
    def valences(self) -> NDArray[np.float64]:
        """``(R, n, 2)`` the one valence of each block (meaningful when :attr:`single`)."""
        return self.blocks[..., _SUM]


def flow_moments(
    journey: Journey,
    reasons: Sequence[str | None],
    waits_into: NDArray[np.bool_] | None = None,
) -> FlowMoments:
    """The moments of a visit to each touchpoint, from the designed steps (see module notes).

    Parameters
    ----------
    journey
        The journey; its steps, call reasons and emotion parameters are used.
    reasons
        The call reasons simulated (``None`` alone when the journey has none).
    waits_into
        ``(n,)`` whether a hand-off into each touchpoint waits (or a queue stands in
        front of it). There a designed wait step is the visit's wait moment (the
        engine adds it from the simulated wait); elsewhere it stays a moment of the
        visit. ``None``: no touchpoint is waited for.

    Examples
    --------
    Example A: the agent's visit replays two moments (0 then +3); the queue's
    designed wait step is its wait moment when a hand-off into it waits.

    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> m = flow_moments(j, ["billing"], np.array([False, True, False]))
    >>> m.blocks[0, 2, 0].tolist()  # agent, context kept
    [3.0, 3.0, 3.0, 3.0, 2.0, 0.25]
    >>> m.blocks[0, 1, 0, 4], m.wait_expectation[0, 1], m.single
    (np.float64(0.0), np.float64(6.0), False)
    """
    g = journey.graph
    ep = journey.params.emotion
    penalty = journey.params.effort.reexplain_penalty_points
    tp_ids = g.touchpoint_ids
    n = len(tp_ids)
    index = {t: i for i, t in enumerate(tp_ids)}
    waited = np.zeros(n, dtype=bool) if waits_into is None else np.asarray(waits_into, bool)
    ev = journey.evaluate()
    at: list[list[Any]] = [[] for _ in range(n)]
    for se in ev.steps:
        i = index.get(se.step.touchpoint)
        if i is not None:
            at[i].append(se)
    by_id = {r.id: r for r in g.call_reasons}
    blocks = np.zeros((len(reasons), n, 2, len(BLOCK_FIELDS)))
    wait_e = np.zeros((len(reasons), n))
    known = np.zeros((len(reasons), n), dtype=bool)
    single = True
    for c, rid in enumerate(reasons):
        reason = by_id.get(rid) if rid else None
        for i, tp in enumerate(tp_ids):
            designed = at[i]
            exps = [se.expectation for se in designed if se.expectation is not None]
            expected = reason is not None and tp in reason.expectations
            known[c, i] = expected or bool(designed)
            fallback = (
                float(reason.expectations[tp])
                if expected and reason is not None
                else (math.fsum(exps) / len(exps) if exps else 5.0)
            )
            wait_step = next(
                (
                    se
                    for se in designed
                    if se.step.wait_s is not None and se.step.experience is None
                ),
                None,
            )
            wait_e[c, i] = fallback
            if wait_step is not None:
                e = _moment_expectation(journey, wait_step.step, wait_step.expectation, rid)
                wait_e[c, i] = fallback if e is None else e
            moments: list[tuple[float, float, bool]] = []
            for se in designed:
                is_wait = se.step.wait_s is not None and se.step.experience is None
                if is_wait and waited[i]:
                    continue  # the engine adds this moment from the simulated wait
                e = _moment_expectation(journey, se.step, se.expectation, rid)
                if e is None or se.experience is None:
                    continue
                moments.append((e, float(se.experience), bool(se.step.context_lost)))
            if not designed:
                moments = [(fallback, fallback, False)]  # met as expected
            flagged = any(lost for _, _, lost in moments)
            for lost in (0, 1):
                vals = []
                for k, (e, p, _) in enumerate(moments):
                    if lost and not flagged and k == 0:
                        p = max(p - penalty, min(p, 0.0))
                    vals.append(valence(e, p, ep))
                blocks[c, i, lost] = valence_block(vals, ep)
            single = single and len(moments) == 1
    return FlowMoments(blocks, wait_e, single, known)


#: Why design-time and flow-time figures differ (:func:`design_flow_differences`).
DESIGN_FLOW_REASONS: tuple[str, ...] = (
    "no_steps",
    "off_graph",
    "start",
    "branches",
    "context",
    "transfers",
    "repeat_contacts",
    "waits",
    "call_reasons",
)


def design_flow_differences(
    journey: Journey, compiled: CompiledJourney | None = None
) -> tuple[str, ...]:
    """Why the designed steps and the chain may give different figures (empty: none).

    Each reason is a key of :data:`DESIGN_FLOW_REASONS` (its text is the i18n label
    ``why_<key>``): ``no_steps`` (nothing designed), ``off_graph`` (consecutive
    designed visits with no hand-off between them), ``start`` (customers do not all
    start at the first designed step), ``branches`` (a designed visit hands off
    elsewhere too, or the last one to a touchpoint: customers take other paths),
    ``context`` (context carry-over on the designed path is not 0 where a step is
    marked ``context_lost`` and 1 elsewhere), ``transfers``, ``repeat_contacts`` (a
    step is marked so: the designed path repeats no contact), ``waits`` (the chain's
    waits before the designed visits are not their steps' waits, or a wait step is
    not first in its visit, or its expected wait is not the call reason's),
    ``call_reasons`` (several call reasons, or steps of another one).

    An empty answer means a single path: every design-time figure equals its
    flow-time figure.

    Examples
    --------
    >>> import cxkit as cx
    >>> design_flow_differences(cx.load_journey("billing_inquiry"))
    ('branches', 'context')
    """
    from cxkit.core.compiled import compile_journey, start_table

    visits = _visits(journey)
    if not visits:
        return ("no_steps",)
    c = compiled if compiled is not None else compile_journey(journey)
    path = [tp for tp, _ in visits]
    starts = start_table(journey)
    edges = _path_edges(c, path)
    flags = {
        "start": not np.all(np.abs(starts.pi0[:, c.touchpoint_index[path[0]]] - 1.0) <= _TOL),
        "off_graph": any(e is None for e in edges),
        "branches": _branches(c, edges, c.touchpoint_index[path[-1]]),
    }
    reason_ids = [r for r in starts.reasons if r is not None]
    flags |= _visit_differences(journey, c, visits, edges, reason_ids)
    steps = journey.steps
    flags["repeat_contacts"] = any(s.repeat_contact for s in steps)
    flags["call_reasons"] = len(reason_ids) > 1 or any(
        s.call_reason is not None and s.call_reason not in reason_ids[:1] for s in steps
    )
    order = ("start", "off_graph", "branches", "context", "transfers", "repeat_contacts")
    return tuple(r for r in (*order, "waits", "call_reasons") if flags[r])


def _path_edges(c: CompiledJourney, path: list[str]) -> list[int | None]:
    """The chain's edge between each pair of consecutive designed visits (``None``: none)."""
    edges: list[int | None] = []
    for a, b in itertools.pairwise(path):
        try:
            edges.append(c.edge_index(a, b))
        except KeyError:
            edges.append(None)
    return edges


def _branches(c: CompiledJourney, edges: list[int | None], last: int) -> bool:
    """Whether a designed visit hands off elsewhere too, or the last one to a touchpoint."""
    if any(e is not None and abs(float(c.prob[e]) - 1.0) > _TOL for e in edges):
        return True
    lo, hi = int(c.row_ptr[last]), int(c.row_ptr[last + 1])
    return bool(np.any((c.prob[lo:hi] > _TOL) & (c.target[lo:hi] < c.n)))


def _visit_differences(
    journey: Journey,
    c: CompiledJourney,
    visits: list[tuple[str, list[int]]],
    edges: list[int | None],
    reason_ids: list[str],
) -> dict[str, bool]:
    """``context``, ``transfers`` and ``waits`` of :func:`design_flow_differences`: the
    chain's hand-offs into the designed visits against their steps."""
    steps = journey.steps
    context = transfers = waits = False
    for k, (_, idx) in enumerate(visits):
        lost = any(steps[i].context_lost for i in idx)
        moved = any(steps[i].transfer for i in idx)
        wait = math.fsum(float(steps[i].wait_s) for i in idx if steps[i].wait_s is not None)
        wait_steps = [j for j, i in enumerate(idx) if steps[i].wait_s is not None]
        if wait_steps and wait_steps != [0]:
            waits |= any(steps[idx[j]].experience is None for j in wait_steps)
        if k == 0:
            context, transfers, waits = context or lost, transfers or moved, waits or wait > 0
            continue
        e = edges[k - 1]
        if e is None:
            continue
        kappa = float(c.kappa[e])
        context |= (lost and kappa > _TOL) or (not lost and kappa < 1.0 - _TOL)
        transfers |= moved != bool(c.transfer[e])
        waits |= abs(float(c.wait_s[e]) - wait) > _TOL
    return {
        "context": context,
        "transfers": transfers,
        "waits": waits or _expected_waits_differ(journey, reason_ids),
    }


def _expected_waits_differ(journey: Journey, reason_ids: list[str]) -> bool:
    """Whether a wait step expects another wait than the (single) call reason's."""
    w_exp = journey.params.emotion.expected_wait_s
    if len(reason_ids) == 1:
        cr = journey.call_reason(reason_ids[0])
        w_exp = w_exp if cr.expected_wait_s is None else float(cr.expected_wait_s)
    return any(
        se.step.wait_s is not None and abs(se.expected_wait_s - w_exp) > _TOL
        for se in journey.evaluate().steps
    )
