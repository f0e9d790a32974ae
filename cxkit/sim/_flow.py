"""Flow-time metrics of walks: what Monte Carlo reports and the event generator records.

:class:`WalkMetrics` turns a :class:`~cxkit.sim._walk.Walk` of a compiled journey
into the moments each visit lives and the per-customer figures, with the
definitions of :mod:`cxkit.core.metrics` — the one path that
:func:`cxkit.sim.simulate` (per chunk of customers) and
:func:`cxkit.data.generate_events` (per event) share. For the same seed, walker
settings and customers, both get the same numbers.

**The moments of a visit** (:func:`cxkit.core.metrics.flow_moments`, model
reference §1.1): if the customer waited on the way in through a hand-off that waits
(or a queue), a *wait moment* with expectation ``E`` (the visit's wait expectation)
and performance ``E + D_wait`` (:func:`~cxkit.core.metrics.wait_disconfirmation` of
the wait); then the visit's *service moments*, the replay of the touchpoint's
designed steps (with the re-explanation penalty when the context was lost on the
way in) — none for a caller who abandoned the queue. They are folded per customer
by :func:`cxkit.core.metrics.fold_walk`, the one fold.

**Per customer**, whole-array reductions over the walk's visit and move logs
(``numpy.bincount``; no Python loop per customer or per event): contacts, service
contacts, cost, handle time, channel switches, transfers, context losses,
re-explanation effort, waits and excess waits, repeat contacts, then the effort
index, CES, remembered experience, FCR and the synthetic CSAT/NPS answers.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core import metrics
from cxkit.core.compiled import cyclic_touchpoints, experience_tables
from cxkit.core.model import OutcomeKind
from cxkit.sim._walk import repeat_contacts

if TYPE_CHECKING:
    from cxkit.core.compiled import CompiledJourney, StartTable
    from cxkit.core.journey import Journey
    from cxkit.sim._queue_models import QueueTable
    from cxkit.sim._walk import Walk

__all__ = ["COLUMNS", "WalkMetrics"]

#: The per-customer columns of a simulation, in order, with their dtypes.
COLUMNS: dict[str, np.dtype[Any]] = {
    name: np.dtype(kind)
    for name, kind in (
        ("call_reason", np.int64),
        ("contacts", np.int64),
        ("service_contacts", np.int64),
        ("channel_switches", np.int64),
        ("transfers", np.int64),
        ("context_losses", np.int64),
        ("repeat_contacts", np.int64),
        ("wait_s", np.float64),
        ("excess_wait_s", np.float64),
        ("effort_index", np.float64),
        ("ces5", np.float64),
        ("peak", np.float64),
        ("end", np.float64),
        ("mean_valence", np.float64),
        ("peak_end", np.float64),
        ("j", np.float64),
        ("recency", np.float64),
        ("emotion", np.int64),
        ("outcome", np.int64),
        ("fcr", np.bool_),
        ("truncated", np.bool_),
        ("cost", np.float64),
        ("handle_time_s", np.float64),
        ("csat5", np.int8),
        ("nps10", np.int8),
    )
}

_N_FIELDS = len(metrics.BLOCK_FIELDS)
_SUM, _COUNT, _DECAY = (metrics.BLOCK_FIELDS.index(f) for f in ("sum", "count", "decay"))


class WalkMetrics:
    """The metrics of walks through one compiled journey (see the module notes).

    Parameters
    ----------
    journey
        The journey (its steps, call reasons and parameters).
    arrays
        Its compiled chain.
    starts
        The call reasons walked (:func:`~cxkit.core.compiled.start_table`).
    queues
        The walker's queues, or ``None``.
    random_waits
        Whether the walker draws the waits (exponential waits or queues: each visit
        carries its own), else every wait is its hand-off's ``wait_s``.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.core.compiled import compile_journey, start_table
    >>> from cxkit.sim._walk import Walker, end_outcomes
    >>> j = cx.load_journey("billing_inquiry")
    >>> a, starts = compile_journey(j), start_table(j)
    >>> forced, abandon = end_outcomes(j, a)
    >>> walk = Walker(
    ...     a, starts, seed=1, max_steps=50, forced=forced, abandon=abandon, edge_wait=a.wait_s
    ... ).run(0, 1000)
    >>> m = WalkMetrics(j, a, starts)
    >>> cols = m.customers(walk)
    >>> cols["contacts"][1], cols["j"][1]  # FAQ, queue (180 s, context lost), agent
    (np.int64(3), np.float64(-1.5))
    """

    def __init__(
        self,
        journey: Journey,
        arrays: CompiledJourney,
        starts: StartTable,
        *,
        queues: QueueTable | None = None,
        random_waits: bool = False,
    ) -> None:
        a = arrays
        self.journey = journey
        self._local = threading.local()  # per thread: scratch memory
        self.arrays = a
        self.queues = queues
        self.random_waits = bool(random_waits or queues is not None)
        self.emotion = ep = journey.params.emotion
        self.effort = journey.params.effort
        tp_n = a.n
        self.n_reasons = len(starts.reasons)
        self.expected_wait = experience_tables(journey, starts).expected_wait_s
        self.wait_edge = wait_edge = (a.wait_s > 0) & (a.target < tp_n)
        # the moments of a visit per (reason, touchpoint, context lost), from the designed
        # steps; one empty block more, for a caller who abandoned the queue (not served)
        waits_into = np.bincount(a.target[wait_edge], minlength=tp_n)[:tp_n] > 0
        if queues is not None:
            waits_into |= queues.has_queue
        moments = metrics.flow_moments(journey, starts.reasons, waits_into)
        self.known = moments.known
        self.wait_expectation = moments.wait_expectation
        blocks = np.vstack([moments.blocks.reshape(-1, _N_FIELDS), metrics.valence_block([], ep)])
        self.service = np.ascontiguousarray(blocks.T)  # field-major: one row per field
        self.empty_block = blocks.shape[0] - 1
        self.wait_moments = queues is not None or bool(wait_edge.any())
        self.visit_table = None
        if self.wait_moments and not self.random_waits:
            self.visit_table = self._visit_table(moments)
        self.service_weight = a.is_service.astype(np.float64)
        self.switch_weight = a.switch.astype(np.float64)
        self.transfer_weight = a.transfer.astype(np.float64)
        # fixed waits: the excess wait of each (reason, edge)
        self.excess_per_edge = metrics.excess_wait(a.wait_s[None, :], self.expected_wait[:, None])
        # repeat contacts: service touchpoints on a cycle (only they can be visited again)
        self.track = cyclic_touchpoints(a) & a.is_service
        kinds = {o.id: o.kind for o in journey.graph.outcomes}
        self.resolved = np.array(  # per outcome index; the last: the stand-in 'abandon'
            [kinds[o] == OutcomeKind.RESOLVED for o in a.outcome_ids] + [False]
        )

    def _visit_table(self, moments: metrics.FlowMoments) -> NDArray[np.float64]:
        """Fixed waits: what a visit lives, as one block per (reason, way in, context lost).

        The way in ``j`` is the edge taken (``j < E``; its wait moment when it waits,
        then the service moments of its target) or the start at touchpoint ``j − E``
        (no wait). Each block is the fold (:func:`~cxkit.core.metrics.fold_walk`) of the
        wait moment and the service moments; field-major, ``(6, R·(E + n)·2)``.
        """
        a = self.arrays
        ep = self.emotion
        tp_n, n_edges, n_reasons = a.n, a.n_edges, self.n_reasons
        w_exp = self.expected_wait
        node = np.concatenate([np.minimum(a.target, tp_n - 1), np.arange(tp_n)])
        waits = np.concatenate([self.wait_edge, np.zeros(tp_n, dtype=bool)])
        e_in = moments.wait_expectation[:, node]  # (R, E + n)
        wait_s = np.concatenate([a.wait_s, np.zeros(tp_n)])
        d_w = metrics.wait_disconfirmation(wait_s[None, :], w_exp[:, None], ep)
        s_w = np.where(waits, metrics.valence(e_in, e_in + d_w, ep), 0.0)
        # entries in key order: reason, way in, context flag
        s_w = np.repeat(s_w.ravel(), 2)
        has = np.tile(np.repeat(waits, 2), n_reasons)
        service = moments.blocks[:, node].reshape(-1, _N_FIELDS)  # (R·(E + n)·2, 6)
        size = s_w.size
        each = np.arange(size, dtype=np.int64)
        state = metrics.fold_walk(
            [
                (s_w, s_w, s_w, s_w, has.astype(np.float64), np.where(has, ep.recency_decay, 1.0)),
                tuple(service.T),
            ],
            each,
            np.array([0, size]),
            each,
            size,
            ep,
        )
        decay = ep.recency_decay ** state[metrics.STATE_ROWS.index("count")]
        assert state.shape[1] == n_reasons * (n_edges + tp_n) * 2
        return np.vstack([state, decay[None, :]])

    # ----------------------------------------------------------------- moments
    def parts(
        self, w: Walk, buffers: metrics.FoldBuffers | None = None
    ) -> list[metrics.MomentPart]:
        """The moments of each visit of ``w``, in the order lived: the wait moment (when
        a hand-off into the touchpoint can wait), then the service moments
        (:data:`cxkit.core.metrics.MomentPart` each, one entry per visit). With
        ``buffers``, the look-up keys are written into its buffer ``"key"``."""
        v = w.visits
        node = v.node
        lost = v.lost.view(np.int8)
        ep = self.emotion
        if self.visit_table is not None:  # fixed waits: one block per visit
            # key = (reason·(E + n) + way in)·2 + lost; the way in is the edge taken, or
            # E + the start touchpoint
            n_edges = self.wait_edge.size
            key = (
                np.empty(node.size, np.int64)
                if buffers is None
                else buffers.get("key", (node.size,), np.int64)
            )
            np.take(w.reason, v.customer - w.lo, out=key, mode="wrap")
            key *= n_edges + self.arrays.n
            first = int(v.step_ptr[1])
            key[:first] += node[:first] + n_edges
            key[first:] += v.edge[first:]
            key *= 2
            key += lost
            return [(self.visit_table, key)]
        vc = w.reason[v.customer - w.lo] if self.n_reasons > 1 or self.wait_moments else None
        key = node * 2 + lost if vc is None else (vc * self.arrays.n + node) * 2 + lost
        if v.served is not None:
            key[~v.served] = self.empty_block
        service: metrics.MomentPart = (self.service, key)
        if not self.wait_moments:
            return [service]
        assert vc is not None
        waited = (v.edge >= 0) & self.wait_edge[v.edge]
        if self.queues is not None:
            waited |= self.queues.has_queue[node]
        rows = np.flatnonzero(waited)
        s = np.zeros(node.size)
        if rows.size:
            assert v.wait is not None
            cr = vc[rows]
            e_w = self.wait_expectation[cr, node[rows]]
            d_w = metrics.wait_disconfirmation(v.wait[rows], self.expected_wait[cr], ep)
            s[rows] = metrics.valence(e_w, e_w + d_w, ep)
        flag = waited.view(np.int8)
        count = np.take(np.array([0.0, 1.0]), flag)
        decay = np.take(np.array([1.0, ep.recency_decay]), flag)
        return [(s, s, s, s, count, decay), service]

    def visit_states(self, w: Walk) -> NDArray[np.float64]:
        """``(5, V)``: each visit's moments folded alone (rows of
        :data:`~cxkit.core.metrics.STATE_ROWS`), the experience of one contact."""
        size = w.visits.customer.size
        each = np.arange(size, dtype=np.int64)
        return metrics.fold_walk(self.parts(w), each, np.array([0, size]), each, size, self.emotion)

    def _buffers(self) -> metrics.FoldBuffers:
        """This thread's scratch memory for the fold, reused from chunk to chunk."""
        buffers = getattr(self._local, "fold", None)
        if buffers is None:
            buffers = self._local.fold = metrics.FoldBuffers()
        return buffers

    # ---------------------------------------------------------------- customers
    def customers(self, w: Walk) -> dict[str, NDArray[Any]]:
        """The per-customer columns (:data:`COLUMNS`) of customers ``w.lo … w.hi − 1``."""
        v = w.visits
        size = w.size
        acust = v.customer - w.lo
        buffers = self._buffers()
        state = metrics.fold_walk(
            self.parts(w, buffers), acust, v.step_ptr, v.parent, size, self.emotion, buffers=buffers
        )
        served = v.served
        served_cust = acust if served is None else acust[served]
        served_node = v.node if served is None else v.node[served]
        repeats = repeat_contacts(
            served_cust, served_node, self.track, size, v.step_ptr if served is None else None
        )
        counts = self._counts(w, acust, buffers)
        return self._columns(state, repeats, counts, w)

    def _counts(
        self, w: Walk, acust: NDArray[np.int64], buffers: metrics.FoldBuffers | None = None
    ) -> dict[str, NDArray[Any]]:
        """Per-customer sums over the visit log and the move log.

        A caller who abandoned a queue made a contact that adds no service contact, cost
        or handle time. Sums whose per-node or per-edge weights are all zero are skipped;
        no log is filtered (a filter with a random mask costs more than summing zeros,
        which leave every sum unchanged); whole-number counts are summed several at once
        (:func:`_digit_sums`). With ``buffers``, the per-entry weights are written into its
        buffers ``"weights"`` and ``"move_customer"``.
        """
        a = self.arrays
        scratch = metrics.FoldBuffers() if buffers is None else buffers
        n = w.size
        v = w.visits
        anode = v.node
        served = v.served
        mcust = np.subtract(
            w.customer, w.lo, out=scratch.get("move_customer", w.customer.shape, np.int64)
        )
        medge = w.edge
        lost = w.lost
        # B = 2**bits is above any customer's visits or moves (at most one per step)
        bits = max(max(v.step_ptr.size, w.step_ptr.size).bit_length(), 1)
        packs = 3 * bits <= _EXACT_BITS
        zeros = np.zeros(n)
        if served is None and a.is_service.all():
            contacts = service_contacts = np.bincount(acust, minlength=n)
        else:
            service = np.take(
                self.service_weight, anode, out=scratch.get("weights", anode.shape), mode="wrap"
            )
            if served is not None:
                service *= served
                acust_s, anode_s = acust[served], anode[served]
            if packs:  # contacts in the second digit, service contacts in the first
                service += float(1 << bits)
                service_contacts, contacts = _digit_sums(acust, service, bits, 2, n)
            else:
                contacts = np.bincount(acust, minlength=n)
                service_contacts = np.bincount(acust, service, minlength=n).astype(np.int64)
            if served is not None:
                acust, anode = acust_s, anode_s

        def over_visits(per_node: NDArray[np.float64]) -> NDArray[np.float64]:
            if not per_node.any():
                return zeros
            weights = np.take(per_node, anode, out=scratch.get("weights", anode.shape), mode="wrap")
            return np.bincount(acust, weights, minlength=n)

        def over_moves(
            per_edge: NDArray[np.float64], when: NDArray[np.bool_] | None = None
        ) -> NDArray[np.float64]:
            if not per_edge.any() or mcust.size == 0:
                return zeros
            weights = np.take(per_edge, medge, out=scratch.get("weights", medge.shape), mode="wrap")
            if when is not None:
                weights *= when
            return np.bincount(mcust, weights, minlength=n)

        if packs:  # switches, transfers, context losses: the digits of one sum
            base = float(1 << bits)
            code = self.switch_weight + base * self.transfer_weight  # per edge
            weights = np.take(code, medge, out=scratch.get("weights", medge.shape), mode="wrap")
            weights += lost * (base * base)
            switches, transfers, losses = _digit_sums(mcust, weights, bits, 3, n)
        else:
            switches = over_moves(self.switch_weight).astype(np.int64)
            transfers = over_moves(self.transfer_weight).astype(np.int64)
            losses = np.bincount(mcust, lost, minlength=n).astype(np.int64)
        out: dict[str, NDArray[Any]] = {
            "contacts": contacts,
            "service_contacts": service_contacts,
            "cost": over_visits(a.cost),
            "handle_time_s": over_visits(a.handle_time_s) + over_moves(a.reexplain_time_s, lost),
            "channel_switches": switches,
            "transfers": transfers,
            "context_losses": losses,
            "reexplain_effort": over_moves(a.reexplain_effort, lost),
        }
        w_exp = self.expected_wait
        if w.wait is None:  # each wait is its hand-off's: the excess per (reason, edge)
            out["wait_s"] = over_moves(a.wait_s)
            if not a.wait_s.any() or mcust.size == 0:
                out["excess_wait_s"] = zeros
            elif self.n_reasons == 1:
                out["excess_wait_s"] = over_moves(self.excess_per_edge[0])
            else:
                key = np.take(
                    w.reason, mcust, out=scratch.get("key", mcust.shape, np.int64), mode="wrap"
                )
                key *= a.n_edges
                key += medge
                excess = np.take(
                    self.excess_per_edge, key, out=scratch.get("weights", key.shape), mode="wrap"
                )
                out["excess_wait_s"] = np.bincount(mcust, excess, minlength=n)
        else:
            out["wait_s"] = np.bincount(mcust, w.wait, minlength=n)
            excess = metrics.excess_wait(w.wait, w_exp[w.reason[mcust]])
            out["excess_wait_s"] = np.bincount(mcust, excess, minlength=n)
        start_wait = w.start_wait
        if start_wait.any():
            out["wait_s"] = out["wait_s"] + start_wait
            out["excess_wait_s"] = out["excess_wait_s"] + np.maximum(
                start_wait - w_exp[w.reason], 0.0
            ) * (start_wait > 0)
        return out

    def _columns(
        self,
        state: NDArray[np.float64],
        repeats: NDArray[np.int64],
        counts: dict[str, NDArray[Any]],
        w: Walk,
    ) -> dict[str, NDArray[Any]]:
        """The per-customer columns from the folded valences and the counts (the
        definitions of :mod:`cxkit.core.metrics`)."""
        ep = self.emotion
        r = metrics.remembered(state, ep)
        effort = metrics.effort_index(
            counts["channel_switches"],
            counts["reexplain_effort"],
            counts["transfers"],
            repeats,
            counts["excess_wait_s"],
            self.effort,
        )
        j = r.score
        return {
            "call_reason": w.reason,
            "contacts": counts["contacts"],
            "service_contacts": counts["service_contacts"],
            "channel_switches": counts["channel_switches"],
            "transfers": counts["transfers"],
            "context_losses": counts["context_losses"],
            "repeat_contacts": repeats,
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
            "emotion": r.emotion,
            "outcome": w.outcome,
            "fcr": metrics.first_contact_resolved(
                self.resolved[w.outcome], counts["service_contacts"]
            ),
            "truncated": w.truncated,
            "cost": counts["cost"],
            "handle_time_s": counts["handle_time_s"],
            "csat5": metrics.synthetic_csat5(j),
            "nps10": metrics.synthetic_nps10(j),
        }


#: Whole numbers below 2**53 are exact in a float64.
_EXACT_BITS = 53


def _digit_sums(
    cust: NDArray[np.int64], weights: NDArray[np.float64], bits: int, digits: int, n: int
) -> list[NDArray[np.int64]]:
    """Per-customer sums of several whole-number counts by one ``numpy.bincount``.

    Each entry's counts ``c_0, c_1, …`` are packed as the digits of its weight
    ``Σ_i c_i·B^i`` in base ``B = 2**bits``; the sums are exact (whole numbers below
    ``2**53``) and unpack as digits while every customer's sums stay below ``B``.

    >>> _digit_sums(np.array([0, 1, 0]), np.array([1.0 + 16, 16.0, 1.0]), 4, 2, 2)
    [array([2, 0]), array([1, 1])]
    """
    packed = np.bincount(cust, weights, minlength=n).astype(np.int64)
    mask = (1 << bits) - 1
    return [(packed >> (bits * i)) & mask for i in range(digits)]
