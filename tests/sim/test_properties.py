"""Hypothesis properties of both engines on random touchpoint graphs."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxkit.core.compiled import compile_journey
from cxkit.core.errors import SimulationError
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint, TouchpointKind
from cxkit.sim.exact import exact
from cxkit.sim.montecarlo import simulate

CHANNELS = ("web", "phone", "chat", "store")


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 3))
    tps = tuple(
        Touchpoint(
            f"t{i}",
            channel=draw(st.sampled_from(CHANNELS)),
            kind=draw(st.sampled_from(list(TouchpointKind))),
            cost_per_contact=draw(st.integers(0, 100)),
        )
        for i in range(n)
    )
    outs = tuple(
        Outcome(f"o{k}", kind=(OutcomeKind.ABANDON, OutcomeKind.RESOLVED, OutcomeKind.CHURN)[k])
        for k in range(m)
    )
    nodes = [t.id for t in tps] + [o.id for o in outs]
    handoffs = []
    for tp in tps:
        targets = draw(st.lists(st.sampled_from(nodes), unique=True, max_size=4))
        weights = [draw(st.floats(0.0, 1.0)) for _ in targets]
        total = draw(st.floats(0.0, 1.0))  # the rest goes to the remainder outcome o0
        s = sum(weights)
        for target, w in zip(targets, weights, strict=True):
            p = total * w / s if s > 0 else 0.0
            handoffs.append(
                Handoff(
                    tp.id,
                    target,
                    p,
                    context_carryover=draw(st.sampled_from([0.0, 0.5, 1.0])),
                    transfer=draw(st.booleans()),
                )
            )
    entry = draw(st.sampled_from([t.id for t in tps]))
    graph = TouchpointGraph(
        touchpoints=tps,
        handoffs=tuple(handoffs),
        outcomes=outs,
        entry={entry: 1.0},
        remainder_outcome="o0",
    )
    return Journey("random", graph=graph)


def _dense_never_ends(journey: Journey) -> bool:
    """Reference: does some touchpoint reachable from the start fail to reach an outcome?"""
    a = compile_journey(journey)
    n = a.n
    pos = a.prob > 0
    succ: dict[int, set[int]] = {i: set() for i in range(n)}
    exits = set()
    for e in np.flatnonzero(pos):
        s, t = int(a.source[e]), int(a.target[e])
        if t < n:
            succ[s].add(t)
        else:
            exits.add(s)

    def reach(start: set[int]) -> set[int]:
        seen, todo = set(start), list(start)
        while todo:
            for t in succ[todo.pop()]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        return seen

    start = {a.touchpoint_ids.index(k) for k in journey.graph.entry}
    return any(not (reach({i}) & exits) for i in reach(start))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_rows_are_stochastic(journey):
    a = compile_journey(journey)
    assert np.all((a.prob >= 0) & (a.prob <= 1))
    sums = np.add.reduceat(a.prob, a.row_ptr[:-1])
    assert np.allclose(sums, 1.0, atol=1e-9)
    assert np.all(a.kappa[~a.between_touchpoints] == 1.0)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_exact_engine_properties(journey):
    never = _dense_never_ends(journey)
    try:
        r = exact(journey)
    except SimulationError as exc:
        assert never, str(exc)
        assert "never ends" in str(exc)
        return
    assert not never
    probs = np.array(list(r.absorption.values()))
    assert np.all((probs >= -1e-12) & (probs <= 1 + 1e-12))
    assert math.isclose(probs.sum(), 1.0, abs_tol=1e-9)
    assert r.expected_steps >= 1.0 - 1e-12
    assert math.isclose(r.expected_steps, sum(r.expected_visits.values()), rel_tol=1e-12)
    assert r.steps_variance >= -1e-9
    for tp in r.touchpoints:
        v, h = r.expected_visits[tp], r.visit_probability[tp]
        assert v >= 0 and -1e-12 <= h <= 1 + 1e-9 and h <= v + 1e-9
    assert 0 <= r.expected_context_losses <= r.expected_steps
    assert 0 <= r.expected_repeat_contacts <= r.expected_steps
    assert r.expected_effort_index >= 1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(), st.integers(0, 2**32 - 1))
def test_monte_carlo_properties(journey, seed):
    try:
        exact(journey)
    except SimulationError:
        return
    mc = simulate(journey, 300, seed=seed, max_steps=30)
    d = mc.data
    assert np.all(d["contacts"] >= 1)
    assert np.all(d["contacts"] <= 30)
    assert np.all(d["outcome"] < len(mc.outcomes))
    assert sum(mc.outcome_counts().values()) == 300
    assert np.all((d["ces5"] >= 1) & (d["ces5"] <= 5))
    assert np.all(d["repeat_contacts"] <= d["contacts"] - 1)
    assert np.all(d["context_losses"] <= d["contacts"] - 1)
    assert np.all(d["fcr"] <= (d["service_contacts"] == 1))
