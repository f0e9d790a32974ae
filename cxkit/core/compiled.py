"""The compiled journey: a journey's absorbing chain as flat, named arrays.

A journey is compiled once (:func:`compile_journey`) into a :class:`CompiledJourney`
that every engine works on: the exact solver (:func:`cxkit.core.chain.solve_chain`),
the Monte Carlo walker, the event generator, attribution and drift, and the ROI
engine (which applies initiative effects to these arrays).

The touchpoint graph becomes a CSR table of out-edges, one row per touchpoint,
*including* the remainder edge of each touchpoint (``1 − Σ p`` to the journey's
``remainder_outcome``; see :mod:`cxkit.core.graph`). Node indices ``0 … n−1`` are
the touchpoints in declaration order and ``n … n+m−1`` the outcomes.

Everything a journey built from core objects could get wrong (a probability
outside [0, 1], rows summing above 1, an undeclared remainder outcome, a start
distribution that does not sum to 1…) raises :class:`~cxkit.core.errors.SimulationError`
naming the field, the value received and what was expected — the engines never
compute on a silently broken chain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core.errors import SimulationError, format_value
from cxkit.core.graph import PROBABILITY_TOLERANCE
from cxkit.core.metrics import designed_waits
from cxkit.core.model import TouchpointKind
from cxkit.core.suggest import unknown_message

if TYPE_CHECKING:
    from cxkit.core.journey import Journey, JourneyEvaluation

__all__ = [
    "CompiledJourney",
    "StartTable",
    "compile_journey",
    "cyclic_touchpoints",
    "experience_tables",
    "reachable",
    "start_table",
]

#: Start distributions and call-reason shares must sum to 1 within this.
SUM_TOLERANCE = 1e-6

#: Expectation used when neither the call reason nor a designed step gives one.
NEUTRAL_EXPECTATION = 5.0


@dataclass(frozen=True, eq=False)
class CompiledJourney:
    """The touchpoint graph as arrays (CSR over touchpoints, remainder edges included).

    Build it with :func:`compile_journey` (or :meth:`from_edges` for a chain that is
    not a designed journey, e.g. one discovered from an event log). Its indices are
    named: :attr:`touchpoint_index`, :attr:`outcome_index` and :meth:`edge_index`.

    Attributes
    ----------
    touchpoint_ids, outcome_ids
        Node names; touchpoint ``i`` is node ``i``, outcome ``k`` is node ``n + k``.
    row_ptr
        ``row_ptr[i]:row_ptr[i+1]`` are the out-edges of touchpoint ``i``.
    source, target, prob
        Per edge: source touchpoint, target node, probability.
    kappa
        Context carry-over ``κ`` (1 for edges into outcomes).
    between_touchpoints, switch, transfer, remainder
        Edge flags: touchpoint → touchpoint (the only edges that can lose
        context), channel switch, transfer, remainder edge.
    wait_s
        Mean wait before the target serves the customer: the hand-off's own
        ``wait_s``, else the designed wait of the target's steps
        (:func:`cxkit.core.metrics.designed_waits`).
    reexplain_effort, reexplain_time_s
        Effort (CES points) and handle time (s) one context loss on the edge costs.
    cost, handle_time_s, is_service, channel
        Per touchpoint.
    outcome_kind, outcome_sign
        Per outcome: its kind (``"resolved"``, ``"purchase"``, ``"churn"``…) and value sign.
    handoff
        Per edge: its index in ``journey.graph.handoffs`` (in the ``edges`` given to
        :meth:`from_edges`), ``-1`` for a remainder edge.

    Examples
    --------
    >>> import cxkit as cx
    >>> c = compile_journey(cx.load_journey("billing_inquiry"))
    >>> c.touchpoint_index["agent"], c.outcome_index["churn"], c.n, c.m
    (2, 1, 3, 3)
    >>> e = c.edge_index("agent", "resolved")
    >>> c.edge_name(e), float(c.prob[e])
    ('agent->resolved', 0.85)
    """

    touchpoint_ids: tuple[str, ...]
    outcome_ids: tuple[str, ...]
    labels: tuple[str, ...]
    row_ptr: NDArray[np.int64]
    source: NDArray[np.int64]
    target: NDArray[np.int64]
    prob: NDArray[np.float64]
    kappa: NDArray[np.float64]
    between_touchpoints: NDArray[np.bool_]
    switch: NDArray[np.bool_]
    transfer: NDArray[np.bool_]
    remainder: NDArray[np.bool_]
    wait_s: NDArray[np.float64]
    reexplain_effort: NDArray[np.float64]
    reexplain_time_s: NDArray[np.float64]
    cost: NDArray[np.float64]
    handle_time_s: NDArray[np.float64]
    is_service: NDArray[np.bool_]
    channel: tuple[str, ...]
    outcome_kind: tuple[str, ...] = ()
    outcome_sign: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    handoff: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def touchpoint_index(self) -> Mapping[str, int]:
        """``{touchpoint id: node index}``."""
        return {t: i for i, t in enumerate(self.touchpoint_ids)}

    @property
    def outcome_index(self) -> Mapping[str, int]:
        """``{outcome id: outcome index}`` (the node index is ``n +`` it)."""
        return {o: k for k, o in enumerate(self.outcome_ids)}

    def edge_index(self, source: str, target: str) -> int:
        """The index of the declared edge ``source → target`` (the first, if several).

        Raises
        ------
        KeyError
            When there is no such edge.
        """
        nodes = self.touchpoint_ids + self.outcome_ids
        i = self.touchpoint_index.get(source)
        if i is not None and target in nodes:
            t = nodes.index(target)
            lo, hi = int(self.row_ptr[i]), int(self.row_ptr[i + 1])
            hits = np.flatnonzero(self.target[lo:hi] == t)
            if hits.size:
                return lo + int(hits[0])
        raise KeyError(f"no edge {source}->{target}")

    @property
    def resolution_outcomes(self) -> NDArray[np.bool_]:
        """Outcomes of kind ``resolved`` (first-contact resolution counts these)."""
        return np.array([k == "resolved" for k in self.outcome_kind], dtype=bool)

    @classmethod
    def from_edges(
        cls,
        edges: Sequence[tuple[str, str, float]],
        touchpoints: Sequence[str],
        outcomes: Sequence[str],
    ) -> CompiledJourney:
        """A bare chain from ``(source, target, probability)`` triples.

        For chains that are not designed journeys (a chain discovered from an event
        log): context always carried over, no waits, costs or service touchpoints.
        Probabilities leaving a touchpoint are taken as given (they need not sum to
        1: a missing remainder leaves the chain, as a removed state does).

        >>> c = CompiledJourney.from_edges(
        ...     [("web", "phone", 0.5), ("web", "done", 0.5), ("phone", "done", 1.0)],
        ...     ["web", "phone"],
        ...     ["done"],
        ... )
        >>> c.row_ptr.tolist(), [c.edge_name(e) for e in range(c.n_edges)]
        ([0, 2, 3], ['web->phone', 'web->done', 'phone->done'])
        """
        tps, outs = tuple(touchpoints), tuple(outcomes)
        n = len(tps)
        index = {t: i for i, t in enumerate(tps)}
        index.update({o: n + k for k, o in enumerate(outs)})
        src = np.array([index[s] for s, _, _ in edges], dtype=np.int64)
        tgt = np.array([index[t] for _, t, _ in edges], dtype=np.int64)
        prob = np.array([float(p) for _, _, p in edges], dtype=np.float64)
        order = np.argsort(src, kind="stable")
        src, tgt, prob = src[order], tgt[order], prob[order]
        e = src.size
        counts = np.bincount(src, minlength=n)
        zeros, falses = np.zeros(e), np.zeros(e, dtype=bool)
        return cls(
            touchpoint_ids=tps,
            outcome_ids=outs,
            labels=tps + outs,
            row_ptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            source=src,
            target=tgt,
            prob=prob,
            kappa=np.ones(e),
            between_touchpoints=tgt < n,
            switch=falses,
            transfer=falses.copy(),
            remainder=falses.copy(),
            wait_s=zeros,
            reexplain_effort=zeros.copy(),
            reexplain_time_s=zeros.copy(),
            cost=np.zeros(n),
            handle_time_s=np.zeros(n),
            is_service=np.zeros(n, dtype=bool),
            channel=("",) * n,
            outcome_kind=("",) * len(outs),
            outcome_sign=np.zeros(len(outs)),
            handoff=order.astype(np.int64),
        )

    @property
    def n(self) -> int:
        """Number of touchpoints (transient states)."""
        return len(self.touchpoint_ids)

    @property
    def m(self) -> int:
        """Number of outcomes (absorbing states)."""
        return len(self.outcome_ids)

    @property
    def n_edges(self) -> int:
        """Number of edges, remainder edges included."""
        return int(self.prob.size)

    def edge_name(self, e: int) -> str:
        """``"source->target"`` of edge ``e``."""
        t = int(self.target[e])
        names = self.touchpoint_ids + self.outcome_ids
        return f"{self.touchpoint_ids[int(self.source[e])]}->{names[t]}"


def _finite(value: object, path: str, expected: str, low: float, high: float) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        x = math.nan
    if not (math.isfinite(x) and low <= x <= high):
        raise SimulationError(f"{path} must be {expected}, got {format_value(value)}")
    return x


def _floats(values: list[object]) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)


def _check_compilable(journey: Journey) -> None:
    """Raise unless the journey has touchpoints, outcomes and a graph without errors
    (:attr:`~cxkit.core.journey.Journey.graph_errors`, found once per journey)."""
    g = journey.graph
    if not g.touchpoint_ids:
        raise SimulationError(
            f"journey {journey.id!r} has no touchpoints; simulating it or generating its "
            "events needs at least one touchpoint and one outcome"
        )
    if not g.outcome_ids:
        raise SimulationError(
            f"journey {journey.id!r} has no outcomes; customers could never finish "
            "(expected at least one outcome such as 'resolved' or 'abandon')"
        )
    errors = journey.graph_errors
    if errors:
        shown = "; ".join(p.format().removeprefix("<journey>: ") for p in errors[:3])
        more = f"; … ({len(errors)} problems in all)" if len(errors) > 3 else ""
        raise SimulationError(f"journey {journey.id!r} cannot be simulated: {shown}{more}")


def compile_journey(journey: Journey) -> CompiledJourney:
    """Compile ``journey.graph`` (with its model parameters) into :class:`CompiledJourney`.

    The graph is validated once, by :func:`cxkit.core.validate.graph_problems`
    (cached on the journey as :attr:`~cxkit.core.journey.Journey.graph_errors`; a
    journey read by :func:`cxkit.load_journey` has passed it already): the compiler
    does not check again.

    Raises
    ------
    SimulationError
        When the journey has no touchpoint or no outcome, or its graph has errors
        (naming the field, the value received and what was expected).

    Examples
    --------
    >>> import cxkit as cx
    >>> a = compile_journey(cx.load_journey("billing_inquiry"))
    >>> a.touchpoint_ids, a.outcome_ids
    (('web_faq', 'phone_queue', 'agent'), ('resolved', 'churn', 'abandon'))
    >>> [a.edge_name(e) for e in range(a.n_edges)][:3]
    ['web_faq->resolved', 'web_faq->phone_queue', 'web_faq->abandon']
    >>> [round(float(p), 2) for p in a.prob[:3]]
    [0.4, 0.5, 0.1]
    """
    g = journey.graph
    effort = journey.params.effort
    tp_ids = g.touchpoint_ids
    out_ids = g.outcome_ids
    _check_compilable(journey)
    n = len(tp_ids)
    node_index = {t: i for i, t in enumerate(tp_ids)}
    node_index.update({o: n + k for k, o in enumerate(out_ids)})
    hs = g.handoffs
    src = np.array([node_index[h.source] for h in hs], dtype=np.int64)
    tgt = np.array([node_index[h.target] for h in hs], dtype=np.int64)

    column = _floats
    prob = column([h.probability for h in hs])
    kappa = column([h.context_carryover for h in hs])
    # a hand-off that declares no wait takes the designed wait of its target's steps
    # (core.metrics.designed_waits: the rule that links the designed steps to the chain)
    designed = designed_waits(journey)
    wait = column([h.wait_s or designed.get(h.target, 0.0) for h in hs])
    re_eff = column(
        [effort.w_reexplain if h.reexplain_effort is None else h.reexplain_effort for h in hs]
    )
    re_t = column(
        [effort.reexplain_time_s if h.reexplain_time_s is None else h.reexplain_time_s for h in hs]
    )
    transfer = np.array([bool(h.transfer) for h in hs], dtype=bool)
    between = tgt < n
    channel = tuple(tp.channel for tp in g.touchpoints)
    chan_code = np.unique(np.array(channel, dtype=object), return_inverse=True)[1].ravel()
    switch = between & (chan_code[src] != chan_code[np.minimum(tgt, n - 1)])
    kappa = np.where(between, kappa, 1.0)
    # each touchpoint's remainder 1 − Σ p goes to the remainder outcome (validated)
    rest = 1.0 - np.bincount(src, weights=prob, minlength=n)
    needs = np.flatnonzero(rest > PROBABILITY_TOLERANCE)
    remainder_target = node_index.get(g.remainder_outcome)
    r = needs.size
    # declared hand-offs first, then each touchpoint's remainder edge; grouped by source
    all_src = np.concatenate([src, needs])
    order = np.argsort(all_src, kind="stable")

    def cat(declared: NDArray, extra: object, dtype: type) -> NDArray:  # type: ignore[type-arg]
        return np.concatenate([declared, np.full(r, extra, dtype=dtype)]).astype(dtype)[order]

    counts = np.bincount(all_src, minlength=n)
    tps = g.touchpoints
    cost = column([tp.cost_per_contact for tp in tps])
    handle = column([tp.handle_time_s for tp in tps])
    return CompiledJourney(
        touchpoint_ids=tp_ids,
        outcome_ids=out_ids,
        labels=tuple(tp.display for tp in tps) + tuple(o.display for o in g.outcomes),
        row_ptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        source=all_src[order].astype(np.int64),
        target=np.concatenate([tgt, np.full(r, remainder_target or 0)])[order].astype(np.int64),
        prob=np.concatenate([prob, rest[needs]])[order],
        kappa=cat(kappa, 1.0, np.float64),
        between_touchpoints=cat(between, False, np.bool_),
        switch=cat(switch, False, np.bool_),
        transfer=cat(transfer, False, np.bool_),
        remainder=cat(np.zeros(len(hs), dtype=bool), True, np.bool_),
        wait_s=cat(wait, 0.0, np.float64),
        reexplain_effort=cat(re_eff, 0.0, np.float64),
        reexplain_time_s=cat(re_t, 0.0, np.float64),
        cost=cost,
        handle_time_s=handle,
        is_service=np.array([tp.kind == TouchpointKind.SERVICE for tp in tps], dtype=np.bool_),
        channel=channel,
        outcome_kind=tuple(o.kind.value for o in g.outcomes),
        outcome_sign=np.array([float(o.sign) for o in g.outcomes], dtype=np.float64),
        handoff=cat(np.arange(len(hs)), -1, np.int64),
    )


@dataclass(frozen=True, eq=False)
class StartTable:
    """Call reasons, their shares and each one's start distribution.

    ``reasons`` holds ``None`` alone when the journey declares no call reasons.
    ``pi0[c]`` is the start distribution over touchpoints for reason ``c``.
    """

    reasons: tuple[str | None, ...]
    shares: NDArray[np.float64]
    pi0: NDArray[np.float64]

    @property
    def mixed(self) -> NDArray[np.float64]:
        """``Σ_c w_c π0[c]``: the start distribution of the call-reason mix."""
        return self.shares @ self.pi0

    def mix_dict(self) -> dict[str, float]:
        """``{reason: share}`` (empty when the journey has no call reasons)."""
        return {r: float(s) for r, s in zip(self.reasons, self.shares, strict=True) if r}


def _distribution(
    dist: Mapping[str, float], tp_ids: Sequence[str], path: str
) -> NDArray[np.float64]:
    index = {t: i for i, t in enumerate(tp_ids)}
    out = np.zeros(len(tp_ids))
    for key, value in dist.items():
        if key not in index:
            raise SimulationError(f"{path}: " + unknown_message("touchpoint", key, tp_ids))
        out[index[key]] += _finite(value, f"{path}[{key!r}]", "a probability in [0, 1]", 0, 1)
    total = math.fsum(out)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise SimulationError(
            f"{path} sums to {total:.6g}; expected a start distribution summing to 1 "
            f"(got {format_value(dict(dist))})"
        )
    return out / total


def start_table(
    journey: Journey,
    *,
    call_reason: str | None = None,
    call_reason_mix: Mapping[str, float] | None = None,
    start: Mapping[str, float] | None = None,
) -> StartTable:
    """Where customers start and why: the call-reason mix ``w_c`` and ``π0[c]``.

    Each call reason starts from its own ``entry`` when it has one, else from
    :meth:`Journey.start_distribution`. ``call_reason`` keeps one reason only;
    ``call_reason_mix`` overrides the shares; ``start`` overrides every start
    distribution.

    Examples
    --------
    >>> import cxkit as cx
    >>> t = start_table(cx.load_journey("billing_inquiry"))
    >>> t.reasons, t.shares.tolist(), t.pi0.tolist()
    (('billing',), [1.0], [[1.0, 0.0, 0.0]])
    """
    g = journey.graph
    tp_ids = g.touchpoint_ids
    reasons = list(g.call_reasons)
    known = [r.id for r in reasons]
    if call_reason is not None:
        if call_reason not in known:
            raise SimulationError(
                "call_reason: " + unknown_message("call reason", call_reason, known)
            )
        reasons = [r for r in reasons if r.id == call_reason]
        shares = np.array([1.0])
    elif call_reason_mix is not None:
        for key in call_reason_mix:
            if key not in known:
                raise SimulationError(
                    "call_reason_mix: " + unknown_message("call reason", key, known)
                )
        shares = np.array(
            [
                _finite(
                    call_reason_mix.get(r.id, 0.0),
                    f"call_reason_mix[{r.id!r}]",
                    "a share in [0, 1]",
                    0.0,
                    1.0,
                )
                for r in reasons
            ]
        )
    else:
        shares = np.array(
            [
                _finite(r.share, f"call_reasons.{r.id}.share", "a share in [0, 1]", 0.0, 1.0)
                for r in reasons
            ]
        )
    if reasons:
        total = math.fsum(shares)
        if abs(total - 1.0) > SUM_TOLERANCE:
            where = "call_reason_mix" if call_reason_mix is not None else "call_reasons[*].share"
            raise SimulationError(
                f"{where} sums to {total:.6g}; expected call-reason shares summing to 1"
            )
        shares = shares / total
    default = journey.start_distribution() if start is None else dict(start)
    default_path = "entry" if start is None else "start"
    if not default and not reasons:
        raise SimulationError(f"journey {journey.id!r} has no entry touchpoint to start from")
    if not reasons:
        return StartTable(
            (None,), np.array([1.0]), _distribution(default, tp_ids, default_path)[None]
        )
    pi0 = np.vstack(
        [
            _distribution(r.entry, tp_ids, f"call_reasons.{r.id}.entry")
            if (r.entry and start is None)
            else _distribution(default, tp_ids, default_path)
            for r in reasons
        ]
    )
    return StartTable(tuple(r.id for r in reasons), shares, pi0)


@dataclass(frozen=True, eq=False)
class ExperienceTables:
    """Per call reason and touchpoint: expectation ``E``, designed performance ``P``.

    ``expected_wait_s[c]`` is ``W_exp`` of reason ``c``.
    """

    expectation: NDArray[np.float64]
    performance: NDArray[np.float64]
    expected_wait_s: NDArray[np.float64]


def experience_tables(
    journey: Journey, starts: StartTable, *, evaluation: JourneyEvaluation | None = None
) -> ExperienceTables:
    """Expectations and performances used for simulated step valences.

    * ``E[c, τ]``: the call reason's expectation at ``τ``; else the mean effective
      expectation of the journey's designed steps at ``τ``; else 5 (neutral).
    * ``P[c, τ]``: the mean effective experience of the designed steps at ``τ``
      (wait-derived experiences included); else ``E[c, τ]`` (meets expectation).

    ``evaluation`` is ``journey.evaluate()`` when the caller already has it.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> t = experience_tables(j, start_table(j))
    >>> t.expectation.tolist(), t.performance.tolist(), t.expected_wait_s.tolist()
    ([[6.0, 6.0, 7.0]], [[4.0, 3.0, 8.5]], [60.0])
    """
    g = journey.graph
    tp_ids = g.touchpoint_ids
    index = {t: i for i, t in enumerate(tp_ids)}
    n = len(tp_ids)
    exp_sum, exp_n = np.zeros(n), np.zeros(n)
    perf_sum, perf_n = np.zeros(n), np.zeros(n)
    if evaluation is None:
        evaluation = journey.evaluate()
    for ev in evaluation.steps:
        i = index.get(ev.step.touchpoint)
        if i is None:
            continue
        if ev.expectation is not None:
            exp_sum[i] += ev.expectation
            exp_n[i] += 1
        if ev.experience is not None:
            perf_sum[i] += ev.experience
            perf_n[i] += 1
    designed_e = np.where(exp_n > 0, exp_sum / np.maximum(exp_n, 1), NEUTRAL_EXPECTATION)
    designed_p = np.where(perf_n > 0, perf_sum / np.maximum(perf_n, 1), np.nan)
    by_id = {r.id: r for r in g.call_reasons}
    rows_e, waits = [], []
    default_wait = journey.params.emotion.expected_wait_s
    for rid in starts.reasons:
        row = designed_e.copy()
        reason = by_id.get(rid) if rid else None
        if reason is not None:
            for key, value in reason.expectations.items():
                if key in index:
                    row[index[key]] = _finite(
                        value,
                        f"call_reasons.{rid}.expectations[{key!r}]",
                        "a number of points in [0, 10]",
                        0.0,
                        10.0,
                    )
        rows_e.append(row)
        w = (
            default_wait
            if reason is None or reason.expected_wait_s is None
            else (reason.expected_wait_s)
        )
        waits.append(_finite(w, f"call_reasons.{rid}.expected_wait_s", "seconds ≥ 0", 0, math.inf))
    e = np.vstack(rows_e)
    p = np.where(np.isnan(designed_p)[None, :], e, designed_p[None, :])
    return ExperienceTables(e, p, np.array(waits, dtype=np.float64))


def cyclic_touchpoints(
    a: CompiledJourney, live: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """Touchpoints on a cycle of hand-offs (revisits possible): those of ``live``
    (per edge; default: the positive-probability ones).

    Examples
    --------
    >>> import cxkit as cx
    >>> cyclic_touchpoints(compile_journey(cx.load_journey("billing_inquiry"))).tolist()
    [False, False, False]
    """
    import scipy.sparse as sp
    from scipy.sparse import csgraph

    n = a.n
    tt = (a.prob > 0 if live is None else live) & (a.target < n)
    adj = sp.csr_matrix(
        (np.ones(int(tt.sum()), dtype=np.int8), (a.source[tt], a.target[tt])), shape=(n, n)
    )
    _, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=1)
    loops = np.zeros(n, dtype=bool)
    loops[a.source[tt & (a.source == a.target)]] = True
    return (sizes[labels] > 1) | loops


def reachable(adj: Any, seeds: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Nodes reachable from any seed along the sparse adjacency ``adj`` (seeds included):
    one breadth-first search from a super-source linked to every seed.

    >>> import scipy.sparse as sp
    >>> adj = sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 0], [0, 1, 0]]))
    >>> reachable(adj, np.array([True, False, False])).tolist()
    [True, True, False]
    """
    import scipy.sparse as sp
    from scipy.sparse import csgraph

    n = adj.shape[0]
    if not seeds.any():
        return np.zeros(n, dtype=bool)
    src, dst = adj.nonzero()
    rows = np.concatenate([src, np.full(int(seeds.sum()), n)])
    cols = np.concatenate([dst, np.flatnonzero(seeds)])
    big = sp.csr_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n + 1, n + 1))
    order = csgraph.breadth_first_order(big, n, directed=True, return_predecessors=False)
    out = np.zeros(n + 1, dtype=bool)
    out[order] = True
    return out[:n]
