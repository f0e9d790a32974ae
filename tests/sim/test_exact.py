"""The exact engine against the model reference Example B, dense references and bad inputs."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

import cxkit as cx
from cxkit.core.compiled import compile_journey, start_table
from cxkit.core.errors import SimulationError
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import CallReason, Handoff, Outcome, OutcomeKind, Touchpoint
from cxkit.sim.exact import ExactResult, exact

TOL = 1e-12


def frac(x: float) -> Fraction:
    return Fraction(x).limit_denominator(1000)


# --------------------------------------------------------------------- Example B


def test_example_b_fundamental_quantities(journey_b):
    r = exact(journey_b)
    # N = [[1, 1/3], [0, 10/9]]: visits from web are N's web row
    assert frac(r.expected_visits["web"]) == 1
    assert frac(r.expected_visits["phone"]) == Fraction(1, 3)
    assert abs(r.expected_visits["phone"] - 1 / 3) < TOL
    # t = N·1 = (4/3, 10/9)
    assert frac(r.expected_steps) == Fraction(4, 3)
    assert abs(r.expected_steps - 4 / 3) < TOL
    assert frac(r.steps_from["web"]) == Fraction(4, 3)
    assert frac(r.steps_from["phone"]) == Fraction(10, 9)
    # B web row = (23/30, 7/30); phone row = (8/9, 1/9)
    assert frac(r.absorption["resolved"]) == Fraction(23, 30)
    assert frac(r.absorption["churn"]) == Fraction(7, 30)
    assert abs(r.absorption["resolved"] - 23 / 30) < TOL
    assert abs(r.absorption["churn"] - 7 / 30) < TOL
    assert frac(r.absorption_from["phone"]["resolved"]) == Fraction(8, 9)
    assert frac(r.absorption_from["phone"]["churn"]) == Fraction(1, 9)


def test_example_b_costs_switches_and_context(journey_b):
    r = exact(journey_b)
    assert abs(r.expected_cost - 210.0) < 1e-9  # 10 + 600/3
    assert abs(r.expected_switches - 0.3) < TOL
    # repeat calls: N_WP · 0.1 = 1/30
    assert frac(r.expected_repeat_contacts) == Fraction(1, 30)
    assert abs(r.expected_repeat_contacts - 1 / 30) < TOL
    assert abs(r.edge("phone", "phone").traversals - 1 / 30) < TOL
    # repeated explanations: 0.3 + (1/30)(0.5) = 0.316667 = 19/60
    assert frac(r.expected_context_losses) == Fraction(19, 60)
    assert round(r.expected_context_losses, 6) == 0.316667
    # extra AHT: 0.3167 × 60 s = 19 s per journey
    assert abs(r.expected_reexplain_time_s - 19.0) < 1e-9
    # handle time = phone visits × 360 s + 19 s
    assert abs(r.expected_handle_time_s - (360 / 3 + 19)) < 1e-9
    assert r.expected_transfers == 0.0


def test_example_b_crm_and_same_operator_routing_remove_context_losses(make_example_b):
    r = exact(make_example_b(kappa_web_phone=1.0, kappa_repeat=1.0))
    assert r.expected_context_losses == 0.0
    assert r.expected_reexplain_time_s == 0.0
    # everything else is unchanged
    assert abs(r.expected_cost - 210.0) < 1e-9


def test_example_b_faq_initiative(make_example_b):
    r = exact(make_example_b(web_resolved=0.6, web_phone=0.2))
    assert frac(r.expected_visits["phone"]) == Fraction(2, 9)
    assert frac(r.absorption["resolved"]) == Fraction(7, 9)
    assert abs(r.absorption["resolved"] - 7 / 9) < TOL
    assert frac(r.absorption["churn"]) == Fraction(2, 9)
    assert frac(r.expected_steps) == Fraction(11, 9)
    assert abs(r.expected_cost - (10 + 600 * 2 / 9)) < 1e-9
    assert round(r.expected_cost, 2) == 143.33
    # it saves 66.67 JPY per journey
    assert round(exact(make_example_b()).expected_cost - r.expected_cost, 2) == 66.67


def test_example_b_steps_variance(journey_b):
    # Kemeny–Snell: from web, E[T²] = (2N − I)t → 56/27, Var = 56/27 − 16/9 = 8/27
    r = exact(journey_b)
    assert frac(r.steps_variance) == Fraction(8, 27)
    assert abs(r.steps_variance - 8 / 27) < TOL


def test_example_b_template_matches_core_objects(journey_b):
    if "web_phone_faq" not in cx.list_templates():
        pytest.skip("template web_phone_faq not present")
    t = exact(cx.load_journey("web_phone_faq"))
    r = exact(journey_b)
    assert frac(t.absorption["resolved"]) == Fraction(23, 30)
    assert abs(t.expected_cost - 210.0) < 1e-9
    assert abs(t.expected_context_losses - r.expected_context_losses) < TOL
    assert abs(t.expected_repeat_contacts - 1 / 30) < TOL
    assert abs(t.expected_reexplain_time_s - 19.0) < 1e-9


# --------------------------------------------------------------------- dense references


def _dense(journey: Journey):
    """Q, R and π0 as dense numpy arrays (the reference: an explicit inverse is fine here)."""
    a = compile_journey(journey)
    n, m = a.n, a.m
    q = np.zeros((n, n))
    r = np.zeros((n, m))
    for e in range(a.n_edges):
        s, t, p = int(a.source[e]), int(a.target[e]), float(a.prob[e])
        if t < n:
            q[s, t] += p
        else:
            r[s, t - n] += p
    pi0 = start_table(journey).mixed
    return a, q, r, pi0


@pytest.mark.parametrize("name", cx.list_templates())
def test_templates_against_dense_inverse(name):
    journey = cx.load_journey(name)
    if not journey.graph.handoffs:
        pytest.skip("design-only journey")
    a, q, r, pi0 = _dense(journey)
    big_n = np.linalg.inv(np.eye(a.n) - q)
    res = exact(journey)
    v = pi0 @ big_n
    t = big_n @ np.ones(a.n)
    var = (2 * big_n - np.eye(a.n)) @ t - t * t
    b = big_n @ r
    assert np.allclose([res.expected_visits[x] for x in a.touchpoint_ids], v, atol=1e-12)
    assert np.allclose([res.steps_from[x] for x in a.touchpoint_ids], t, atol=1e-12)
    assert np.allclose([res.absorption[o] for o in a.outcome_ids], pi0 @ b, atol=1e-12)
    assert math.isclose(sum(res.absorption.values()), 1.0, abs_tol=1e-12)
    # variance of the number of steps for the start mixture
    second = pi0 @ (var + t * t)
    assert math.isclose(res.steps_variance, second - (pi0 @ t) ** 2, abs_tol=1e-10)
    # visit probability v_j / N_jj
    h = v / np.diag(big_n)
    assert np.allclose([res.visit_probability[x] for x in a.touchpoint_ids], h, atol=1e-12)
    # repeat contacts: revisits of service touchpoints
    service = a.is_service
    assert math.isclose(res.expected_repeat_contacts, float((v - h)[service].sum()), abs_tol=1e-12)


def _pair_chain_context_losses(journey: Journey) -> tuple[np.ndarray, float]:
    """The (touchpoint, context-known) pair chain, built densely.

    State 2i is (i, context known), 2i+1 is (i, context lost). Arriving over a
    touchpoint → touchpoint hand-off keeps the context with probability κ.
    """
    a, _, _, pi0 = _dense(journey)
    n = a.n
    q2 = np.zeros((2 * n, 2 * n))
    for e in range(a.n_edges):
        s, t, p, k = int(a.source[e]), int(a.target[e]), float(a.prob[e]), float(a.kappa[e])
        if t >= n:
            continue
        for flag in (0, 1):
            q2[2 * s + flag, 2 * t] += p * k
            q2[2 * s + flag, 2 * t + 1] += p * (1 - k)
    start = np.zeros(2 * n)
    start[0::2] = pi0  # customers start with their own context
    v2 = start @ np.linalg.inv(np.eye(2 * n) - q2)
    return v2, float(v2[1::2].sum())


@pytest.mark.parametrize("name", cx.list_templates())
def test_pair_chain_gives_the_same_answers(name):
    """The (touchpoint, context) chain lumps to the touchpoint chain (module docs)."""
    journey = cx.load_journey(name)
    if not journey.graph.handoffs:
        pytest.skip("design-only journey")
    res = exact(journey)
    v2, losses = _pair_chain_context_losses(journey)
    v = v2[0::2] + v2[1::2]
    assert np.allclose([res.expected_visits[x] for x in res.touchpoints], v, atol=1e-12)
    assert math.isclose(res.expected_context_losses, losses, abs_tol=1e-12)


def test_pair_chain_example_b(journey_b):
    _, losses = _pair_chain_context_losses(journey_b)
    assert frac(losses) == Fraction(19, 60)


def test_large_sparse_graph_against_dense_reference():
    rng = np.random.default_rng(11)
    n = 150
    tps = tuple(Touchpoint(f"t{i}", channel=("web", "phone", "chat")[i % 3]) for i in range(n))
    handoffs = []
    for i in range(n):
        targets = rng.choice(n, size=3, replace=False)
        probs = rng.dirichlet(np.ones(4)) * 0.95
        for t, p in zip(targets, probs[:3], strict=True):
            handoffs.append(Handoff(f"t{i}", f"t{t}", float(p), context_carryover=0.3))
        handoffs.append(Handoff(f"t{i}", "done", float(probs[3])))
    g = TouchpointGraph(
        touchpoints=tps,
        handoffs=tuple(handoffs),
        outcomes=(Outcome("done", kind=OutcomeKind.RESOLVED), Outcome("abandon")),
        entry={"t0": 0.5, "t7": 0.5},
    )
    j = Journey("random", graph=g)
    a, q, r, pi0 = _dense(j)
    big_n = np.linalg.inv(np.eye(n) - q)
    res = exact(j)
    v = pi0 @ big_n
    assert np.allclose([res.expected_visits[x] for x in a.touchpoint_ids], v, rtol=1e-9)
    assert np.allclose([res.absorption[o] for o in a.outcome_ids], pi0 @ big_n @ r, atol=1e-10)
    losses = sum(v[int(a.source[e])] * a.prob[e] * 0.7 for e in range(a.n_edges) if a.target[e] < n)
    assert math.isclose(res.expected_context_losses, losses, rel_tol=1e-9)
    # one strongly connected component of 150 touchpoints: N_jj by sparse column solves
    h = v / np.diag(big_n)
    assert np.allclose([res.visit_probability[x] for x in a.touchpoint_ids], h, atol=1e-10)
    assert math.isclose(res.expected_repeat_contacts, float((v - h).sum()), rel_tol=1e-9)
    # revisits=False skips N_jj: only what needs it is unknown
    fast = exact(j, revisits=False)
    assert math.isnan(fast.expected_repeat_contacts) and math.isnan(fast.expected_effort_index)
    assert math.isnan(fast.visit_probability["t0"])
    assert fast.expected_context_losses == res.expected_context_losses
    assert fast.absorption == res.absorption


def test_revisits_off_changes_nothing_without_cycles():
    j = cx.load_journey("billing_inquiry")
    r = exact(j, revisits=False)
    assert r.expected_repeat_contacts == 0.0
    assert r.visit_probability["agent"] == pytest.approx(0.45)
    assert r.expected_effort_index == exact(j).expected_effort_index


# --------------------------------------------------------------------- call reasons


def _two_reasons() -> Journey:
    g = TouchpointGraph(
        touchpoints=(Touchpoint("web", channel="web"), Touchpoint("phone", channel="phone")),
        handoffs=(
            Handoff("web", "phone", 0.5),
            Handoff("web", "done", 0.5),
            Handoff("phone", "done", 1.0),
        ),
        outcomes=(Outcome("done", kind=OutcomeKind.RESOLVED),),
        entry={"web": 1.0},
        call_reasons=(
            CallReason("billing", share=0.25),
            CallReason("outage", share=0.75, entry={"phone": 1.0}),
        ),
    )
    return Journey("two", graph=g)


def test_call_reason_mix_weights_each_reason_by_its_share():
    j = _two_reasons()
    mix, billing, outage = exact(j), exact(j, call_reason="billing"), exact(j, call_reason="outage")
    assert billing.expected_steps == 1.5  # web, then phone half the time
    assert outage.expected_steps == 1.0  # straight to the phone
    assert math.isclose(mix.expected_steps, 0.25 * 1.5 + 0.75 * 1.0, abs_tol=TOL)
    assert dict(mix.call_reason_mix) == {"billing": 0.25, "outage": 0.75}
    assert dict(mix.start) == {"web": 0.25, "phone": 0.75}
    assert mix.by_call_reason["outage"]["expected_contacts"] == 1.0
    assert dict(billing.call_reason_mix) == {"billing": 1.0}
    # the variance of the mixture includes the between-reason part
    var_mix = 0.25 * (billing.steps_variance + 1.5**2) + 0.75 * 1.0 - mix.expected_steps**2
    assert math.isclose(mix.steps_variance, var_mix, abs_tol=1e-12)


def test_unknown_call_reason_is_named():
    with pytest.raises(
        SimulationError, match=r"call_reason: unknown call reason 'billng'.*billing"
    ):
        exact(_two_reasons(), call_reason="billng")


# --------------------------------------------------------------------- never-ending chains


def _looping(entry: str = "web") -> Journey:
    g = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", channel="web"),
            Touchpoint("ivr", channel="phone"),
            Touchpoint("agent", channel="phone"),
            Touchpoint("shop", channel="store"),
        ),
        handoffs=(
            Handoff("web", "ivr", 0.5),
            Handoff("web", "done", 0.5),
            Handoff("ivr", "agent", 1.0),
            Handoff("agent", "ivr", 1.0),  # ivr ↔ agent for ever
            Handoff("shop", "done", 1.0),
        ),
        outcomes=(Outcome("done", kind=OutcomeKind.RESOLVED),),
        entry={entry: 1.0},
    )
    return Journey("loop", graph=g)


def test_never_ending_chain_names_the_touchpoints():
    with pytest.raises(SimulationError) as info:
        exact(_looping())
    msg = str(info.value)
    assert "never ends" in msg
    assert "'ivr', 'agent'" in msg
    assert "'web'" in msg  # the start that leads there
    assert "'shop'" not in msg


def test_unreachable_trap_is_not_an_error_but_has_no_numbers():
    r = exact(_looping(entry="shop"))
    assert r.absorption["done"] == 1.0
    assert r.expected_steps == 1.0
    assert math.isnan(r.steps_from["ivr"]) and math.isnan(r.steps_from["web"])
    assert r.steps_from["shop"] == 1.0
    json.dumps(r.to_dict(), allow_nan=False)


# --------------------------------------------------------------------- results objects


def test_to_dict_is_strict_json_and_to_frame_has_a_row_per_touchpoint(journey_b):
    r = exact(journey_b)
    assert isinstance(r, ExactResult)
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["absorption"]["resolved"] == pytest.approx(23 / 30, abs=TOL)
    assert d["expected_steps"] == pytest.approx(4 / 3, abs=TOL)
    assert [e["target"] for e in d["edges"]][:3] == ["resolved", "phone", "churn"]
    f = r.to_frame()
    assert f["touchpoint"].to_list() == ["web", "phone"]
    assert f["expected_visits"].to_list() == pytest.approx([1.0, 1 / 3], abs=TOL)
    assert f["p_resolved"].to_list() == pytest.approx([23 / 30, 8 / 9], abs=TOL)
    assert f["cost_per_contact"].to_list() == [10.0, 600.0]
    assert f["expected_cost"].to_list() == pytest.approx([10.0, 200.0], abs=1e-9)
    assert f["expected_handle_time_s"].to_list() == pytest.approx([0.0, 120.0], abs=1e-9)
    e = r.edges_frame()
    assert e.height == 6
    assert e.filter(e["channel_switch"])["traversals"].to_list() == pytest.approx([0.3])


def test_remainder_edges_carry_the_rest_to_the_remainder_outcome():
    j = cx.load_journey("billing_inquiry")
    r = exact(j)
    rem = [e for e in r.edges if e.remainder]
    assert [(e.source, e.target) for e in rem] == [
        ("web_faq", "abandon"),
        ("phone_queue", "abandon"),
        ("agent", "abandon"),
    ]
    assert [round(e.probability, 12) for e in rem] == [0.1, 0.1, 0.1]
    # P(abandon) = 0.1 + 0.5·0.1 + 0.5·0.9·0.1
    assert math.isclose(r.absorption["abandon"], 0.1 + 0.05 + 0.045, abs_tol=TOL)


# --------------------------------------------------------------------- bad inputs


def _journey(handoffs, outcomes=None, remainder="abandon", entry=None):
    g = TouchpointGraph(
        touchpoints=(Touchpoint("web"), Touchpoint("phone", channel="phone")),
        handoffs=tuple(handoffs),
        outcomes=(Outcome("done"),) if outcomes is None else tuple(outcomes),
        entry={"web": 1.0} if entry is None else entry,
        remainder_outcome=remainder,
    )
    return Journey("bad", graph=g)


@pytest.mark.parametrize(
    ("journey", "pattern"),
    [
        (
            _journey([Handoff("web", "done", 1.5), Handoff("phone", "done", 1.0)]),
            r"cannot be simulated: handoffs\[0\]\.probability: out of range \(got 1\.5\) "
            r"— expected a number in \[0, 1\]",
        ),
        (
            _journey([Handoff("web", "done", 0.7), Handoff("web", "phone", 0.6)]),
            r"from touchpoint 'web' sum to 1\.3 \(done=0\.7, phone=0\.6\) — expected a sum of "
            r"at most 1",
        ),
        (
            _journey([Handoff("web", "done", 0.5), Handoff("phone", "done", 1.0)]),
            r"touchpoints 'web' have probabilities summing below 1 and the remainder outcome "
            r"'abandon' is not declared",
        ),
        (
            _journey(
                [Handoff("web", "phone", 1.0, context_carryover=2.0), Handoff("phone", "done", 1)]
            ),
            r"handoffs\[0\]\.context_carryover: out of range \(got 2\.0\) — expected a number "
            r"in \[0, 1\]",
        ),
        (
            _journey([Handoff("web", "dnoe", 1.0)]),
            r"handoffs\[0\]\.to: unknown touchpoint or outcome 'dnoe'.*did you mean 'done'\?",
        ),
        (
            _journey(
                [Handoff("web", "done", 1.0), Handoff("phone", "done", 1.0)],
                entry={"web": 0.5},
            ),
            r"entry: start probabilities sum to 0\.5 — expected a sum of 1",
        ),
        (
            _journey([Handoff("web", "done", 1.0)], outcomes=()),
            r"has no outcomes",
        ),
        (
            _journey(
                [Handoff("web", "done", 1.0), Handoff("phone", "done", 1.0)],
                entry={"wbe": 1.0},
            ),
            r"entry\.wbe: unknown touchpoint 'wbe'.*did you mean 'web'\?",
        ),
    ],
)
def test_bad_inputs_raise_simulation_errors_naming_the_field(journey, pattern):
    with pytest.raises(SimulationError, match=pattern):
        exact(journey)
