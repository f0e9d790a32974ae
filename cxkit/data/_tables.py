"""Turn a journey into the dense tables the event generator samples from.

Node indices ``0 … n−1`` are the touchpoints in declaration order and
``n … n+m−1`` the outcomes. Each touchpoint's row of the transition matrix
includes its **remainder** ``1 − Σ p`` on the column of the journey's
``remainder_outcome`` (see :mod:`cxkit.core.graph`), so every row sums to 1.

Anything a journey built from core objects could get wrong (a probability outside
[0, 1], a row summing above 1, an undeclared remainder outcome, call-reason shares
that do not sum to 1…) raises :class:`~cxkit.core.errors.SimulationError` naming the
field, the value received and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cxkit.core.errors import SimulationError, format_value
from cxkit.core.graph import PROBABILITY_TOLERANCE
from cxkit.core.journey import Journey
from cxkit.core.model import Emotion, TouchpointKind
from cxkit.core.suggest import unknown_message

__all__ = ["JourneyTables", "compile_journey"]

#: Start distributions and call-reason shares must sum to 1 within this.
SUM_TOLERANCE = 1e-6

#: Expectation used when neither a call reason nor a designed step gives one.
NEUTRAL_EXPECTATION = 5.0


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


def _number(value: object, path: str, expected: str, low: float, high: float) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        x = math.nan
    if not (math.isfinite(x) and low <= x <= high):
        raise SimulationError(f"{path} must be {expected}, got {format_value(value)}")
    return x


def _distribution(
    dist: Mapping[str, float], tp_ids: Sequence[str], path: str
) -> NDArray[np.float64]:
    index = {t: i for i, t in enumerate(tp_ids)}
    out = np.zeros(len(tp_ids))
    for key, value in dist.items():
        if key not in index:
            raise SimulationError(f"{path}: " + unknown_message("touchpoint", key, tp_ids))
        out[index[key]] += _number(value, f"{path}[{key!r}]", "a probability in [0, 1]", 0, 1)
    total = math.fsum(out)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise SimulationError(
            f"{path} sums to {total:.6g}; expected a start distribution summing to 1 "
            f"(got {format_value(dict(dist))})"
        )
    return out / total


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
    fp = journey.params.effort
    tp_ids = g.touchpoint_ids
    out_ids = g.outcome_ids
    if not tp_ids:
        raise SimulationError(
            f"journey {journey.id!r} has no touchpoints; generating events needs at least "
            "one touchpoint and one outcome"
        )
    if not out_ids:
        raise SimulationError(
            f"journey {journey.id!r} has no outcomes; customers could never finish "
            "(expected at least one outcome such as 'resolved' or 'abandon')"
        )
    n, m = len(tp_ids), len(out_ids)
    index = {t: i for i, t in enumerate(tp_ids)}
    index.update({o: n + k for k, o in enumerate(out_ids)})
    prob = np.zeros((n, n + m))
    keep = np.ones((n, n + m))
    switch = np.zeros((n, n + m), dtype=bool)
    transfer = np.zeros((n, n + m), dtype=bool)
    edge_wait = np.zeros((n, n + m))
    reexplain = np.full((n, n + m), float(fp.w_reexplain))
    for k, h in enumerate(g.handoffs):
        path = f"handoffs[{k}] ({h.source}->{h.target})"
        if h.source not in index or index[h.source] >= n:
            raise SimulationError(
                f"{path}.from: "
                + unknown_message("touchpoint", h.source, tp_ids)
                + " (hand-offs leave touchpoints; outcomes are absorbing)"
            )
        if h.target not in index:
            raise SimulationError(
                f"{path}.to: " + unknown_message("touchpoint or outcome", h.target, index)
            )
        i, j = index[h.source], index[h.target]
        prob[i, j] += _number(h.probability, f"{path}.probability", "a number in [0, 1]", 0, 1)
        between = j < n
        kappa = _number(
            h.context_carryover, f"{path}.context_carryover", "a number in [0, 1]", 0, 1
        )
        keep[i, j] = kappa if between else 1.0
        switch[i, j] = g.is_channel_switch(h)
        transfer[i, j] = bool(h.transfer)
        edge_wait[i, j] = _number(
            h.wait_s, f"{path}.wait_s", "a number of seconds ≥ 0", 0, math.inf
        )
        if h.reexplain_effort is not None:
            reexplain[i, j] = _number(
                h.reexplain_effort, f"{path}.reexplain_effort", "CES points ≥ 0", 0, math.inf
            )
    remainder_col = index.get(g.remainder_outcome)
    for i, tp in enumerate(tp_ids):
        total = math.fsum(prob[i])
        if total > 1.0 + PROBABILITY_TOLERANCE:
            raise SimulationError(
                f"hand-off probabilities leaving touchpoint {tp!r} sum to {total:.6g}; "
                "expected at most 1 (the remainder goes to the remainder outcome)"
            )
        rest = 1.0 - total
        if rest > PROBABILITY_TOLERANCE:
            if remainder_col is None or remainder_col < n:
                raise SimulationError(
                    f"touchpoint {tp!r} sends {rest:.6g} of its customers to the remainder "
                    f"outcome {g.remainder_outcome!r}, which is not a declared outcome; "
                    "declare it or make the hand-off probabilities sum to 1"
                )
            prob[i, remainder_col] += rest
    prob /= prob.sum(axis=1, keepdims=True)

    # call reasons and where each one starts
    reasons = list(g.call_reasons)
    default = journey.start_distribution()
    if not reasons:
        if not default:
            raise SimulationError(f"journey {journey.id!r} has no entry touchpoint to start from")
        reason_ids: tuple[str | None, ...] = (None,)
        shares = np.array([1.0])
        start = _distribution(default, tp_ids, "entry")[None]
    else:
        reason_ids = tuple(r.id for r in reasons)
        shares = np.array(
            [
                _number(r.share, f"call_reasons.{r.id}.share", "a share in [0, 1]", 0, 1)
                for r in reasons
            ]
        )
        total = math.fsum(shares)
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise SimulationError(
                f"call_reasons[*].share sums to {total:.6g}; expected call-reason shares "
                "summing to 1"
            )
        shares = shares / total
        start = np.vstack(
            [
                _distribution(r.entry, tp_ids, f"call_reasons.{r.id}.entry")
                if r.entry
                else _distribution(default, tp_ids, "entry")
                for r in reasons
            ]
        )

    # designed experience per touchpoint and reason
    n_c = len(reason_ids)
    evaluation = journey.evaluate()
    d_sum = np.zeros((n_c, n))
    d_cnt = np.zeros((n_c, n))
    e_sum = np.zeros(n)
    e_cnt = np.zeros(n)
    step_wait_sum = np.zeros(n)
    step_wait_cnt = np.zeros(n)
    wait_steps = np.zeros(n)
    valued_steps = np.zeros(n)
    for ev in evaluation.steps:
        s = ev.step
        if s.touchpoint not in index or index[s.touchpoint] >= n:
            continue
        i = index[s.touchpoint]
        if s.wait_s is not None:
            step_wait_sum[i] += float(s.wait_s)
            step_wait_cnt[i] += 1
        if ev.expectation is not None:
            e_sum[i] += ev.expectation
            e_cnt[i] += 1
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
    expectation = np.full((n_c, n), NEUTRAL_EXPECTATION)
    with np.errstate(invalid="ignore", divide="ignore"):
        designed_e = e_sum / e_cnt
    expectation[:, e_cnt > 0] = designed_e[e_cnt > 0]
    for c, r in enumerate(reasons):
        for tp, value in r.expectations.items():
            if tp in index and index[tp] < n:
                expectation[c, index[tp]] = _number(
                    value, f"call_reasons.{r.id}.expectations.{tp}", "points in [0, 10]", 0, 10
                )
                if np.isnan(disconf[c, index[tp]]):
                    disconf[c, index[tp]] = 0.0  # P0 = E: the touchpoint meets expectation
    wait_driven = (valued_steps > 0) & (wait_steps == valued_steps)
    with np.errstate(invalid="ignore", divide="ignore"):
        tp_wait = np.where(step_wait_cnt > 0, step_wait_sum / step_wait_cnt, 0.0)
    wait_mean = np.where(edge_wait > 0, edge_wait, np.concatenate([tp_wait, np.zeros(m)])[None])
    expected_wait = np.array(
        [
            float(r.expected_wait_s) if r.expected_wait_s is not None else ep.expected_wait_s
            for r in reasons
        ]
        or [ep.expected_wait_s]
    )
    forced = index.get(g.remainder_outcome)
    if forced is None or forced < n:
        forced = n + next((k for k, o in enumerate(g.outcomes) if o.kind.value == "abandon"), m - 1)
    return JourneyTables(
        touchpoint_ids=tp_ids,
        outcome_ids=out_ids,
        channels=tuple(tp.channel for tp in g.touchpoints),
        reasons=reason_ids,
        shares=shares,
        start=start,
        prob=prob,
        keep=keep,
        switch=switch,
        transfer=transfer,
        wait_mean=wait_mean,
        entry_wait_mean=tp_wait,
        reexplain_effort=reexplain,
        is_service=np.array([tp.kind == TouchpointKind.SERVICE for tp in g.touchpoints]),
        disconfirmation=disconf,
        wait_driven=wait_driven,
        expectation=expectation,
        expected_wait=expected_wait,
        forced_outcome=int(forced),
    )
