"""cxkit.core.metrics: the one definition of each metric, and the design → flow rules."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import cxkit as cx
from cxkit.core import metrics as m
from cxkit.core.emotion import aggregate_valences, step_valence, wait_disconfirmation
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import CallReason, Handoff, Outcome, OutcomeKind, Step, Touchpoint
from cxkit.core.params import EffortParams, EmotionParams

# ----------------------------------------------------------------------------- effort


def test_effort_index_is_model_reference_3_4_with_scalars_arrays_and_draw_weights():
    # Example A: switch, repeated explanation, two minutes beyond the expected wait
    assert m.effort_index(1, 0.5, 0, 0, 120.0) == 2.5
    assert m.effort_index(1, 0.5, 0, 0, 120.0, EffortParams(w_switch=1.0)) == 3.0
    got = m.effort_index(np.array([1.0, 2.0]), 0.0, np.array([0.0, 1.0]), 1.0, 0.0)
    assert got.tolist() == [2.5, 3.5]
    weights = {
        "w_switch": np.array([0.5, 1.0]),
        "w_transfer": np.array([0.5, 0.5]),
        "w_repeat_contact": np.array([1.0, 1.0]),
        "w_wait_per_minute": np.array([0.25, 0.5]),
    }
    assert m.effort_index(1.0, 0.5, 0.0, 0.0, 120.0, weights).tolist() == [2.5, 3.5]


def test_ces_clips_per_customer_and_excess_wait_is_never_negative():
    assert m.ces5(np.array([0.2, 1.0, 4.99, 12.0])).tolist() == [1.0, 1.0, 4.99, 5.0]
    assert m.excess_wait(np.array([0.0, 60.0, 180.0]), 60.0).tolist() == [0.0, 0.0, 120.0]
    # the mean of clipped values, not the clip of the mean
    index = np.array([1.0, 9.0])
    assert m.ces5(index).mean() == 3.0 and m.ces5(index.mean()) == 5.0


# ----------------------------------------------------------------------------- experience


@pytest.mark.parametrize("params", [EmotionParams(), EmotionParams(beta_p=0.3, beta_minus=2.25)])
def test_valence_and_wait_disconfirmation_are_the_emotion_modules(params):
    e = np.array([6.0, 6.0, 7.0, 7.0, 3.0])
    p = np.array([4.0, 3.0, 7.0, 10.0, 9.5])
    vec = m.valence(e, p, params)
    assert vec.tolist() == [step_valence(a, b, params) for a, b in zip(e, p, strict=True)]
    assert m.wait_disconfirmation(180, 60, params) == wait_disconfirmation(180, 60, params)
    assert m.wait_disconfirmation(np.array([0.0, 1e6]), 60).tolist() == [1.5, -10.0]


@pytest.mark.parametrize("peak", ["intense", "worst"])
def test_folding_blocks_equals_folding_moments_and_aggregate_valences(peak):
    rng = np.random.default_rng(7)
    params = EmotionParams(peak=peak, w_pe=0.7, recency_decay=0.4)
    for _ in range(50):
        values = rng.integers(-6, 5, size=int(rng.integers(1, 9))).astype(float)
        one = m.valence_state(1, params)
        for v in values:
            m.fold_valences(one, np.array([v]), params)
        cut = int(rng.integers(0, values.size + 1))
        blocks = m.valence_state(1, params)
        for part in (values[:cut], values[cut:]):
            m.fold_valences(blocks, m.valence_block(list(part), params)[None, :], params)
        # the same state; the recency numerator up to rounding (δ^K·r + Σ vs Horner)
        assert np.array_equal(np.delete(one, 3, axis=0), np.delete(blocks, 3, axis=0))
        assert blocks[3] == pytest.approx(one[3], rel=1e-12, abs=1e-12)
        r = m.remembered(one, params)
        agg = aggregate_valences(values.tolist(), params)
        assert (agg.peak, agg.end, agg.score, agg.mean) == (
            r.peak[0],
            r.end[0],
            r.score[0],
            r.mean[0],
        )
        assert agg.recency == r.recency[0]
        assert agg.emotion.value == ("dissatisfied", "satisfied", "delighted")[r.emotion[0]]


@pytest.mark.parametrize("peak", ["intense", "worst"])
def test_fold_walk_is_the_moment_by_moment_fold_of_every_customer(peak):
    # customers walk 1-6 visits laid out step by step (the walker's log); each visit
    # lives a wait moment (sometimes) then a block of 0-3 moments
    rng = np.random.default_rng(11)
    params = EmotionParams(peak=peak, recency_decay=0.3)
    n = 40
    visits = rng.integers(1, 7, n)
    steps = [np.flatnonzero(visits > k) for k in range(int(visits.max()))]
    customer = np.concatenate(steps)
    step_ptr = np.concatenate([[0], np.cumsum([s.size for s in steps])])
    parent = np.concatenate(
        [np.arange(steps[0].size)]
        + [np.searchsorted(prev, cur) for prev, cur in itertools.pairwise(steps)]
    )
    size = customer.size
    waited = rng.random(size) < 0.4
    wait = np.where(waited, rng.integers(-6, 4, size).astype(float), 0.0)
    moments = [list(rng.integers(-6, 5, int(rng.integers(0, 4))).astype(float)) for _ in customer]
    blocks = np.array([m.valence_block(x, params) for x in moments])
    wait_part = (wait, wait, wait, wait, waited.astype(float), np.where(waited, 0.3, 1.0))
    state = m.fold_walk([wait_part, tuple(blocks.T)], customer, step_ptr, parent, n, params)
    for c in range(n):
        lived: list[float] = []
        for v in np.flatnonzero(customer == c):  # in step order: the order lived
            lived += [wait[v]] * bool(waited[v]) + moments[v]
        one = m.valence_state(1, params)
        for x in lived:
            m.fold_valences(one, np.array([x]), params)
        want = np.delete(one[:, 0], 3)  # the recency numerator: Horner per block
        assert np.array_equal(np.delete(state[:, c], 3), want), c
        assert state[3, c] == pytest.approx(one[3, 0], rel=1e-12, abs=1e-12)
        if lived:
            assert (state[0, c], state[1, c]) == (
                aggregate_valences(lived, params).peak,
                aggregate_valences(lived, params).end,
            )


def test_remembered_of_nothing_is_neutral():
    r = m.remembered(m.valence_state(2, EmotionParams(peak="worst")))
    assert r.peak.tolist() == [0.0, 0.0] and r.score.tolist() == [0.0, 0.0]
    assert r.emotion.tolist() == [1, 1]


def test_synthetic_answers_match_the_scalar_ones():
    j = np.array([-12.0, -1.5, 0.0, 1.9, 9.0])
    assert m.synthetic_csat5(j).tolist() == [1, 3, 4, 5, 5]
    assert m.synthetic_nps10(j).tolist() == [0, 6, 7, 9, 10]


# ----------------------------------------------------------------------------- FCR


def test_fcr_applies_only_with_a_resolved_outcome():
    assert m.fcr_applicability(["resolved", "churn"]) is None
    assert m.fcr_applicability([OutcomeKind.RESOLVED]) is None
    na = m.fcr_applicability(["purchase", "abandon", "churn"])
    assert na == m.FCR_NOT_APPLICABLE
    assert na.message("en") == "not applicable: no outcome of kind resolved"
    ja = na.message("ja")  # the kind named in Japanese, no English left
    assert "「解決」" in ja and not any(w in ja for w in ("resolved", "not applicable"))
    assert m.first_contact_resolution(np.array([0.7, 0.2]), np.array([0.1, 0.3])).tolist() == [
        pytest.approx(0.6),
        0.0,
    ]
    got = m.first_contact_resolved(np.array([True, True, False]), np.array([1, 0, 1]))
    assert got.tolist() == [True, False, False]


# ----------------------------------------------------------------------------- design → flow


def _journey(steps: tuple[Step, ...], handoffs: tuple[Handoff, ...] = ()) -> Journey:
    graph = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", channel="web"),
            Touchpoint("queue", channel="phone"),
            Touchpoint("agent", channel="phone"),
        ),
        handoffs=handoffs
        or (
            Handoff("web", "queue", 1.0, context_carryover=0.0),
            Handoff("queue", "agent", 1.0),
            Handoff("agent", "done", 1.0),
        ),
        outcomes=(Outcome("done", kind=OutcomeKind.RESOLVED),),
        entry={"web": 1.0},
        call_reasons=(
            CallReason("billing", share=0.7, expectations={"web": 6, "queue": 6, "agent": 7}),
            CallReason("move", share=0.3, expectations={"agent": 5}),
        ),
    )
    return Journey("j", graph=graph, steps=steps)


def test_designed_waits_sum_a_visit_and_average_the_visits():
    steps = (
        Step("s", "queue", wait_s=100),
        Step("s", "queue", wait_s=20),  # same visit: 120
        Step("s", "agent", expectation=7, experience=7),
        Step("s", "queue", wait_s=60),  # a second visit: 60
        Step("s", "web", expectation=6, experience=6, wait_s=0),  # no wait
    )
    assert m.designed_waits(_journey(steps)) == {"queue": 90.0}
    assert m.designed_waits(cx.load_journey("billing_inquiry")) == {"phone_queue": 180.0}
    # a repeat contact starts a new visit at the same touchpoint
    again = (Step("s", "queue", wait_s=100), Step("s", "queue", wait_s=20, repeat_contact=True))
    assert m.designed_waits(_journey(again)) == {"queue": 60.0}
    assert m.designed_path(_journey(again)) == ("queue", "queue")


def test_flow_moments_replay_the_designed_steps_with_the_penalty_rule():
    steps = (
        Step("s", "web", call_reason="billing", expectation=6, experience=4),
        Step("s", "queue", call_reason="billing", wait_s=180),
        Step("s", "agent", call_reason="billing", experience=7),
        Step("s", "agent", call_reason="billing", experience=10),
    )
    j = _journey(steps)
    reasons = ("billing", "move")
    # no hand-off into the queue waits: its wait step stays a moment (E 6, P 3: −6)
    plain = m.flow_moments(j, reasons)
    assert plain.blocks[0, 1, 0, 2] == -6.0 and plain.blocks[0, 1, 0, 4] == 1
    # a waited queue: the engine adds the wait moment, the block is empty
    waited = m.flow_moments(j, reasons, np.array([False, True, False]))
    assert waited.blocks[0, 1, 0, 4] == 0 and waited.wait_expectation[0, 1] == 6.0
    assert not waited.single
    # the agent: 0 then +3 when the context is kept; the lost context costs the first
    # moment 1 point (no step of the visit is marked context_lost)
    kept, lost = waited.blocks[0, 2, 0], waited.blocks[0, 2, 1]
    assert (kept[0], kept[1], kept[2], kept[4]) == (3.0, 3.0, 3.0, 2.0)
    assert (lost[0], lost[1], lost[2]) == (3.0, 3.0, 1.0)  # −2 then +3
    # customers calling to move take their own expectation at the agent (5)
    assert waited.blocks[1, 2, 0, 2] == m.valence(5, 7) + m.valence(5, 10)
    # a step marked context_lost already holds the loss: no second penalty
    marked = _journey(
        (*steps[:2], Step("s", "agent", expectation=7, experience=7, context_lost=True))
    )
    b = m.flow_moments(marked, reasons, np.array([False, True, False])).blocks
    assert b[0, 2, 1, 2] == b[0, 2, 0, 2] == 0.0


def test_flow_moments_of_undesigned_touchpoints_meet_expectations():
    j = _journey((Step("s", "web", expectation=6, experience=4),))
    f = m.flow_moments(j, ("billing", "move"))
    # web: −4, or −6 after a lost context; queue and agent: met as expected (0), −2 if lost
    assert f.single and f.valences[0].tolist() == [[-4.0, -6.0], [0.0, -2.0], [0.0, -2.0]]


def test_design_flow_differences_name_each_broken_condition():
    base = (
        Step("s", "web", call_reason="billing", expectation=6, experience=4),
        Step("s", "queue", call_reason="billing", expectation=6, experience=5, context_lost=True),
        Step("s", "agent", call_reason="billing", expectation=7, experience=7),
    )
    j = _journey(base)
    assert m.design_flow_differences(j) == ("call_reasons",)  # two call reasons
    one = j.with_graph(
        TouchpointGraph(
            touchpoints=j.graph.touchpoints,
            handoffs=j.graph.handoffs,
            outcomes=j.graph.outcomes,
            entry={"web": 1.0},
            call_reasons=(j.graph.call_reasons[0].__class__("billing", share=1.0),),
        )
    )
    assert m.design_flow_differences(one) == ()
    assert m.design_flow_differences(one.with_handoff("web", "queue", context_carryover=0.5)) == (
        "context",
    )
    branchy = one.with_handoff("queue", "agent", probability=0.8).with_handoff(
        "queue", "done", probability=0.2
    )
    assert m.design_flow_differences(branchy) == ("branches",)
    assert m.design_flow_differences(one.with_step(2, transfer=True)) == ("transfers",)
    # a designed wait enters the chain on hand-offs that declare none (designed_waits) …
    assert m.design_flow_differences(one.with_step(1, wait_s=30)) == ()
    # … but a hand-off's own wait wins
    declared = one.with_handoff("web", "queue", wait_s=45.0).with_step(1, wait_s=30)
    assert m.design_flow_differences(declared) == ("waits",)
    assert m.design_flow_differences(one.with_step(2, repeat_contact=True)) == ("repeat_contacts",)
    again = one.add_step(Step("s", "agent", expectation=7, experience=7, repeat_contact=True))
    assert m.design_flow_differences(again) == ("off_graph", "repeat_contacts")
    assert m.design_flow_differences(one.replace(steps=())) == ("no_steps",)
