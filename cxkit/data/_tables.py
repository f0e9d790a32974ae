"""Turn a journey into the dense tables the event generator samples from.

Node indices ``0 … n−1`` are the touchpoints in declaration order and
``n … n+m−1`` the outcomes. Each touchpoint's row of the transition matrix
includes its **remainder** ``1 − Σ p`` on the column of the journey's
``remainder_outcome`` (see :mod:`cxkit.core.graph`), so every row sums to 1.

The graph, the start distributions and the expectations are compiled by the
simulation engines' :mod:`cxkit.sim._graph_arrays` (one set of rules and error
messages); this module lays them out densely and adds what only the generator
needs (designed disconfirmations, wait-driven touchpoints, entry waits).

Anything a journey built from core objects could get wrong (a probability outside
[0, 1], a row summing above 1, an undeclared remainder outcome, call-reason shares
that do not sum to 1…) raises :class:`~cxkit.core.errors.SimulationError` naming the
field, the value received and what was expected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cxkit.core.journey import Journey
from cxkit.core.model import Emotion
from cxkit.sim._graph_arrays import compile_graph, experience_tables, start_table

__all__ = ["JourneyTables", "compile_journey"]


@dataclass(frozen=True, eq=False)
class JourneyTables:
    """Dense arrays describing one journey for sampling.

    Attributes
    ----------
    touchpoint_ids, outcome_ids, channels
        Names of the nodes; ``channels[i]`` is touchpoint ``i``'s channel.
    reasons
        Call-reason ids (``(None,)`` when the journey declares none).
    shares
        Call-reason mix ``w_c``.
    start
        ``start[c, i]``: the start distribution of reason ``c``.
    prob
        ``prob[i, k]``: probability that a customer at touchpoint ``i`` moves to
        node ``k`` (remainder included; rows sum to 1).
    keep
        ``keep[i, k]``: context carry-over ``κ`` (1 where no context can be lost).
    switch, transfer
        Edge flags (channel switch; transfer between agents).
    wait_mean
        ``wait_mean[i, k]``: mean wait (s) before node ``k`` serves a customer
        arriving from ``i`` (hand-off ``wait_s``, else the touchpoint's designed
        wait).
    entry_wait_mean
        Mean wait at a touchpoint when the customer starts there.
    reexplain_effort
        CES points a context loss on edge ``i → k`` costs (``w_ri`` unless the
        hand-off overrides it).
    is_service
        Touchpoints of kind ``service`` (a second visit is a repeat contact).
    disconfirmation
        ``D[c, i]``: designed disconfirmation at touchpoint ``i`` for reason ``c``
        (NaN where nothing is known).
    wait_driven
        Touchpoints whose designed experience comes from the wait alone.
    expectation
        ``E[c, i]`` (points), used by the ``β_P`` term of the valence.
    expected_wait
        ``W_exp`` per reason (s).
    forced_outcome
        Node index of the outcome a journey cut at ``max_steps`` ends in.
    """

    touchpoint_ids: tuple[str, ...]
    outcome_ids: tuple[str, ...]
    channels: tuple[str, ...]
    reasons: tuple[str | None, ...]
    shares: NDArray[np.float64]
    start: NDArray[np.float64]
    prob: NDArray[np.float64]
    keep: NDArray[np.float64]
    switch: NDArray[np.bool_]
    transfer: NDArray[np.bool_]
    wait_mean: NDArray[np.float64]
    entry_wait_mean: NDArray[np.float64]
    reexplain_effort: NDArray[np.float64]
    is_service: NDArray[np.bool_]
    disconfirmation: NDArray[np.float64]
    wait_driven: NDArray[np.bool_]
    expectation: NDArray[np.float64]
    expected_wait: NDArray[np.float64]
    forced_outcome: int

    @property
    def n(self) -> int:
        """Number of touchpoints."""
        return len(self.touchpoint_ids)

    @property
    def cumulative(self) -> NDArray[np.float64]:
        """Row-wise cumulative transition probabilities, last column exactly 1."""
        cum = np.cumsum(self.prob, axis=1)
        cum[:, -1] = 1.0
        return cum


def _emotion_centre(emotion: Emotion, tau_minus: float, tau_plus: float) -> float:
    """A disconfirmation inside the class of an explicit emotion annotation."""
    if emotion is Emotion.DISSATISFIED:
        return -(tau_minus + 1.0)
    if emotion is Emotion.DELIGHTED:
        return tau_plus + 1.0
    return 0.0


def compile_journey(journey: Journey) -> JourneyTables:
    """Compile ``journey`` into :class:`JourneyTables`.

    Raises
    ------
    SimulationError
        When a hand-off, a start distribution, a call-reason mix or the remainder
        rule is unusable, naming it.

    Examples
    --------
    >>> import cxkit as cx
    >>> t = compile_journey(cx.load_journey("billing_inquiry"))
    >>> t.touchpoint_ids, t.outcome_ids
    (('web_faq', 'phone_queue', 'agent'), ('resolved', 'churn', 'abandon'))
    >>> [round(float(p), 2) for p in t.prob[0]]  # web_faq → …, remainder 0.1 to abandon
    [0.0, 0.5, 0.0, 0.4, 0.0, 0.1]
    >>> float(t.keep[0, 1]), float(t.entry_wait_mean[1])  # no context kept; 180 s queue
    (0.0, 180.0)
    """
    g = journey.graph
    ep = journey.params.emotion
    arrays = compile_graph(journey)
    starts = start_table(journey)
    evaluation = journey.evaluate()
    experience = experience_tables(journey, starts, evaluation=evaluation)
    tp_ids, out_ids = arrays.touchpoint_ids, arrays.outcome_ids
    n, m = arrays.n, arrays.m
    index = {t: i for i, t in enumerate(tp_ids)}

    # dense edge tables; declared hand-offs then remainders add up per cell, and a
    # later hand-off between the same two nodes overrides an earlier one's attributes
    declared = ~arrays.remainder
    d_src, d_dst = arrays.source[declared], arrays.target[declared]
    prob = np.zeros((n, n + m))
    np.add.at(prob, (d_src, d_dst), arrays.prob[declared])
    # each remainder re-summed with math.fsum over the row (one edge per touchpoint
    # at most) keeps the generator's rows, and so its seeded output, bit-identical
    for i, k in zip(arrays.source[~declared], arrays.target[~declared], strict=True):
        prob[i, k] += 1.0 - math.fsum(prob[i])
    prob /= prob.sum(axis=1, keepdims=True)
    keep = np.ones((n, n + m))
    keep[d_src, d_dst] = arrays.kappa[declared]
    switch = np.zeros((n, n + m), dtype=bool)
    switch[d_src, d_dst] = arrays.switch[declared]
    transfer = np.zeros((n, n + m), dtype=bool)
    transfer[d_src, d_dst] = arrays.transfer[declared]
    edge_wait = np.zeros((n, n + m))
    edge_wait[d_src, d_dst] = arrays.wait_s[declared]
    reexplain = np.full((n, n + m), float(journey.params.effort.w_reexplain))
    reexplain[d_src, d_dst] = arrays.reexplain_effort[declared]

    # designed disconfirmation per call reason and touchpoint
    reason_ids = starts.reasons
    n_c = len(reason_ids)
    d_sum = np.zeros((n_c, n))
    d_cnt = np.zeros((n_c, n))
    step_wait_sum = np.zeros(n)
    step_wait_cnt = np.zeros(n)
    wait_steps = np.zeros(n)
    valued_steps = np.zeros(n)
    for ev in evaluation.steps:
        s = ev.step
        i = index.get(s.touchpoint)
        if i is None:
            continue
        if s.wait_s is not None:
            step_wait_sum[i] += float(s.wait_s)
            step_wait_cnt[i] += 1
        if ev.disconfirmation is not None:
            d = ev.disconfirmation
            valued_steps[i] += 1
            if s.experience is None and s.wait_s is not None:
                wait_steps[i] += 1
        elif ev.emotion is not None:
            d = _emotion_centre(ev.emotion, ep.tau_minus, ep.tau_plus)
        else:
            continue
        rows = (
            [reason_ids.index(s.call_reason)]
            if s.call_reason in reason_ids and n_c > 1
            else list(range(n_c))
        )
        for c in rows:
            d_sum[c, i] += d
            d_cnt[c, i] += 1
    # a reason without its own designed steps at a touchpoint borrows the others'
    all_sum, all_cnt = d_sum.sum(axis=0), d_cnt.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_own = d_sum / d_cnt
        d_all = all_sum / all_cnt
    disconf = np.where(d_cnt > 0, d_own, np.broadcast_to(d_all, d_own.shape))
    for c, r in enumerate(g.call_reasons):
        for tp in r.expectations:
            i = index.get(tp)
            if i is not None and np.isnan(disconf[c, i]):
                disconf[c, i] = 0.0  # P0 = E: the touchpoint meets expectation
    wait_driven = (valued_steps > 0) & (wait_steps == valued_steps)
    with np.errstate(invalid="ignore", divide="ignore"):
        tp_wait = np.where(step_wait_cnt > 0, step_wait_sum / step_wait_cnt, 0.0)
    wait_mean = np.where(edge_wait > 0, edge_wait, np.concatenate([tp_wait, np.zeros(m)])[None])
    forced = n + out_ids.index(g.remainder_outcome) if g.remainder_outcome in out_ids else None
    if forced is None:
        forced = n + next((k for k, o in enumerate(g.outcomes) if o.kind.value == "abandon"), m - 1)
    return JourneyTables(
        touchpoint_ids=tp_ids,
        outcome_ids=out_ids,
        channels=arrays.channel,
        reasons=reason_ids,
        shares=starts.shares,
        start=starts.pi0,
        prob=prob,
        keep=keep,
        switch=switch,
        transfer=transfer,
        wait_mean=wait_mean,
        entry_wait_mean=tp_wait,
        reexplain_effort=reexplain,
        is_service=arrays.is_service,
        disconfirmation=disconf,
        wait_driven=wait_driven,
        expectation=experience.expectation,
        expected_wait=experience.expected_wait_s,
        forced_outcome=int(forced),
    )
