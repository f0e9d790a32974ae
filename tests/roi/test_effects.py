"""cxkit.roi.apply_effects and the batched engine: hand-computed effects, the
renormalisation rule, structural effects, and equality with cxkit.sim.exact."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import cxkit as cx
from cxkit.core.economics import Distribution, Effect, EffectChange, Initiative
from cxkit.core.errors import CxkitError
from cxkit.roi import apply_effects, catalog
from cxkit.roi._engine import run
from cxkit.roi._scenario import compile_scenario
from cxkit.roi.effects import effect_values
from cxkit.sim import exact

FIXED = Distribution.FIXED


def fixed(target: str, field: str | None, value: float, change: str = "set", **kw) -> Effect:
    return Effect(target, field, EffectChange(change), value, value, value, FIXED, **kw)


def probs(journey: cx.Journey, source: str) -> dict[str, float]:
    return {h.target: round(h.probability, 12) for h in journey.graph.handoffs_from(source)}


# --------------------------------------------------------------------------- Example B


def test_example_b_faq_initiative_exactly() -> None:
    j = cx.load_journey("web_phone_faq")
    s = apply_effects(j, "faq")
    assert probs(s, "web") == {"resolved": 0.6, "phone": 0.2, "churn": 0.2}
    r = exact(s)
    assert r.absorption["resolved"] == pytest.approx(7 / 9, abs=1e-12)
    assert r.absorption["churn"] == pytest.approx(2 / 9, abs=1e-12)
    assert r.expected_cost == pytest.approx(10 + 600 * 2 / 9, abs=1e-9)  # 143.33 JPY
    assert r.expected_steps == pytest.approx(11 / 9, abs=1e-12)


def test_example_b_crm_and_same_operator_remove_every_repeat_explanation() -> None:
    j = cx.load_journey("web_phone_faq")
    assert exact(j).expected_context_losses == pytest.approx(0.3 + (1 / 30) * 0.5, abs=1e-12)
    s = apply_effects(j, ["crm", "same_operator"])
    assert exact(s).expected_context_losses == pytest.approx(0.0, abs=1e-15)


def test_the_input_journey_is_not_changed() -> None:
    j = cx.load_journey("web_phone_faq")
    before = cx.dump_journey(j)
    apply_effects(j, ["faq", "crm"])
    assert cx.dump_journey(j) == before


# --------------------------------------------------------------------------- renormalisation


def test_other_handoffs_and_the_remainder_share_the_rest_proportionally() -> None:
    # billing_inquiry web_faq: resolved 0.4, phone_queue 0.5, remainder 0.1 → abandon
    j = cx.load_journey("billing_inquiry")
    ini = Initiative("x", effects=(fixed("handoff:web_faq->resolved", "probability", 0.1, "add"),))
    s = apply_effects(j, ini)
    p = probs(s, "web_faq")
    assert p["resolved"] == pytest.approx(0.5, abs=1e-12)
    # the untargeted mass 0.6 (0.5 + remainder 0.1) is scaled to 0.5: factor 5/6
    assert p["phone_queue"] == pytest.approx(0.5 * 5 / 6, abs=1e-12)
    assert s.graph.remainder("web_faq") == pytest.approx(0.1 * 5 / 6, abs=1e-12)


def test_changed_handoffs_above_one_are_scaled_down_and_warned() -> None:
    j = cx.load_journey("billing_inquiry")
    ini = Initiative(
        "x",
        effects=(
            fixed("handoff:web_faq->resolved", "probability", 0.8),
            fixed("handoff:web_faq->phone_queue", "probability", 0.8),
        ),
    )
    with pytest.warns(UserWarning, match="exceeded 1"):
        s = apply_effects(j, ini)
    assert probs(s, "web_faq") == {"resolved": 0.5, "phone_queue": 0.5}
    assert s.graph.remainder("web_faq") == pytest.approx(0.0, abs=1e-12)


def test_free_probability_goes_to_the_remainder_when_nothing_else_is_left() -> None:
    # web_phone_faq declares no remainder outcome: 'abandon' is added (with a warning)
    j = cx.load_journey("web_phone_faq")
    ini = Initiative(
        "x",
        effects=(
            fixed("handoff:web->resolved", "probability", 0.4),
            fixed("handoff:web->phone", "probability", 0.2),
            fixed("handoff:web->churn", "probability", 0.2),
        ),
    )
    with pytest.warns(UserWarning, match="remainder outcome 'abandon'"):
        s = apply_effects(j, ini)
    assert s.graph.remainder("web") == pytest.approx(0.2, abs=1e-12)
    assert s.graph.has_outcome("abandon")
    assert exact(s).absorption["abandon"] == pytest.approx(0.2, abs=1e-12)


def test_multiply_on_a_pattern_and_clipping() -> None:
    j = cx.load_journey("billing_inquiry")
    ini = Initiative("x", effects=(fixed("handoffs:*->=resolved", "probability", 3.0, "multiply"),))
    s = apply_effects(j, ini)
    # web_faq → resolved 0.4·3 = 1.2 is clipped to 1; agent → resolved 0.85·3 → 1
    assert probs(s, "web_faq") == {"resolved": 1.0, "phone_queue": 0.0}
    assert probs(s, "agent") == {"resolved": 1.0, "churn": 0.0}


# --------------------------------------------------------------------------- other targets


def test_context_carryover_on_channel_switches_only() -> None:
    j = cx.load_journey("web_phone_faq")
    ini = Initiative(
        "x",
        effects=(fixed("handoffs:*->*", "context_carryover", 1.0, channel_switch_only=True),),
    )
    s = apply_effects(j, ini)
    assert s.graph.handoff("web", "phone").context_carryover == 1.0  # web → phone switches
    assert s.graph.handoff("phone", "phone").context_carryover == 0.5  # same channel: kept


def test_touchpoint_step_and_parameter_effects() -> None:
    j = cx.load_journey("billing_inquiry")
    ini = Initiative(
        "x",
        effects=(
            fixed("touchpoints:@phone", "cost_per_contact", 0.5, "multiply"),
            fixed("step:resolve", "experience", 3.0, "add"),  # 10 + 3 is clipped to 10
            fixed("steps:@web", "expectation", 2.0, "add"),
            fixed("parameter:effort.w_switch", None, 0.25),
        ),
    )
    s = apply_effects(j, ini)
    assert s.graph.touchpoint("agent").cost_per_contact == 300.0
    assert s.graph.touchpoint("web_faq").cost_per_contact == 10.0
    assert s.steps[3].experience == 10.0
    assert s.steps[0].expectation == 8.0
    assert s.params.effort.w_switch == 0.25
    # CES of the designed steps: 1 + 0.25 (switch) + 0.5 (re-explanation) + 0.25·2 (wait)
    assert s.evaluate().effort.ces5 == pytest.approx(2.25)


def test_reroute_to_an_added_chat_touchpoint() -> None:
    j = cx.load_journey("billing_inquiry")
    chat = next(i for i in catalog() if i.id == "chat_channel")
    s = apply_effects(j, chat, {"chat_channel": [0.2]})
    # 20 % of web_faq → phone_queue (0.5) now chats instead
    assert probs(s, "web_faq") == {"resolved": 0.4, "phone_queue": 0.4, "chat": 0.1}
    assert probs(s, "chat") == {"resolved": 0.7, "phone_queue": 0.2}
    assert s.graph.handoff("chat", "phone_queue").context_carryover == 0.9
    assert s.graph.touchpoint("chat").channel == "chat"
    r = exact(s)
    assert r.expected_visits["chat"] == pytest.approx(0.1, abs=1e-12)


def test_effect_values_overrides_and_errors() -> None:
    ini = Initiative(
        "x", effects=(Effect("touchpoint:a", "cost_per_contact", low=1, mode=2, high=3),)
    )
    assert effect_values([ini], "low") == {("x", 0): 1.0}
    assert effect_values([ini], {("x", 0): 2.5}) == {("x", 0): 2.5}
    with pytest.raises(CxkitError, match="names no effect"):
        effect_values([ini], {("x", 3): 1.0})
    with pytest.raises(CxkitError, match="has 2 values but initiative 'x' has 1 effects"):
        effect_values([ini], {"x": [1, 2]})
    with pytest.raises(CxkitError, match="'low', 'mode', 'high'"):
        effect_values([ini], "median")


def test_unknown_initiative_and_bad_targets_are_clear_errors() -> None:
    j = cx.load_journey("web_phone_faq")
    with pytest.raises(CxkitError, match="unknown initiative 'fqa'; did you mean 'faq'"):
        apply_effects(j, "fqa")
    bad = Initiative("x", effects=(fixed("handoff:web->nowhere", "probability", 0.5),))
    with pytest.raises(CxkitError, match="unknown touchpoint or outcome"):
        apply_effects(j, bad)
    bad_field = Initiative("x", effects=(fixed("touchpoint:web", "colour", 0.5),))
    with pytest.raises(CxkitError, match="field 'colour' cannot change a touchpoint"):
        apply_effects(j, bad_field)


# --------------------------------------------------------------------------- engine == exact


@pytest.mark.parametrize("name", cx.list_templates())
def test_batched_engine_equals_sim_exact_on_every_template_and_initiative(name: str) -> None:
    j = cx.load_journey(name)
    for ini in (None, *j.initiatives, *catalog()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            scenario = apply_effects(j, ini) if ini is not None else j
        ref = exact(scenario)
        c = compile_scenario(j, [ini] if ini is not None else [])
        values = np.array([[e.mode for _, _, e in c.columns]]) if c.columns else None
        m = run(c, values)
        absorbed = dict(zip(c.out_ids, m.absorption[0], strict=True))
        for o in ref.outcomes:
            assert absorbed[o] == pytest.approx(ref.absorption[o], abs=1e-10), (name, ini, o)
        visits = dict(zip(c.tp_ids, m.visits[0], strict=True))
        for t in ref.touchpoints:
            assert visits[t] == pytest.approx(ref.expected_visits[t], abs=1e-10)
        pairs = [
            (m.switches, ref.expected_switches),
            (m.transfers, ref.expected_transfers),
            (m.context_losses, ref.expected_context_losses),
            (m.repeat_contacts, ref.expected_repeat_contacts),
            (m.effort_index, ref.expected_effort_index),
            (m.contact_cost, ref.expected_cost),
        ]
        for got, want in pairs:
            assert got[0] == pytest.approx(want, rel=1e-9, abs=1e-9), (name, ini)
        assert m.excess_wait_s[0] == pytest.approx(ref.expected_excess_wait_s, rel=1e-9)
        assert m.handle_time_s[0] == pytest.approx(ref.expected_handle_time_s, rel=1e-9)


def test_every_row_of_a_batch_equals_its_own_scenario() -> None:
    j = cx.load_journey("subscription_support")
    ini = j.initiatives[2]  # operator_empowerment: uncertain probability effects
    c = compile_scenario(j, [ini])
    rng = np.random.default_rng(7)
    rows = np.array(
        [[rng.uniform(e.low, e.high) for _, _, e in c.columns] for _ in range(6)], dtype=float
    )
    m = run(c, rows)
    for k in range(rows.shape[0]):
        s = apply_effects(j, ini, {ini.id: list(rows[k])})
        ref = exact(s)
        got = dict(zip(c.out_ids, m.absorption[k], strict=True))
        for o in ref.outcomes:
            assert got[o] == pytest.approx(ref.absorption[o], abs=1e-10)
        assert m.contact_cost[k] == pytest.approx(ref.expected_cost, rel=1e-10)


# --------------------------------------------------------------------------- FCR shares


def _fcr_by_expanded_chain(journey: cx.Journey) -> tuple[float, float]:
    """P(resolved with ≤ 1 contact) and P(resolved) from the full (touchpoint, contacts ≤ 2)
    chain, built and solved densely: the reference for the engine's layered solve."""
    g = journey.graph
    tps = list(g.touchpoint_ids)
    n = len(tps)
    service = [tp.kind.value == "service" for tp in g.touchpoints]
    has_resolved = any(o.kind.value == "resolved" for o in g.outcomes)
    resolved = {
        o.id for o in g.outcomes if (o.kind.value == "resolved" if has_resolved else o.sign > 0)
    }
    size = 3 * n
    q = np.zeros((size, size))
    res = np.zeros((size, 2))  # absorbed resolved with count ≤ 1, any count
    for h in g.handoffs:
        i = tps.index(h.source)
        for c in range(3):
            if h.target in tps:
                j = tps.index(h.target)
                c2 = min(2, c + int(service[j]))
                q[c * n + i, c2 * n + j] += h.probability
            elif h.target in resolved:
                res[c * n + i, 1] += h.probability
                if c <= 1:
                    res[c * n + i, 0] += h.probability
    pi = np.zeros(size)
    start = journey.start_distribution()
    if g.call_reasons and any(cr.entry for cr in g.call_reasons):
        start = {}
        for cr in g.call_reasons:
            for t, p in (cr.entry or journey.start_distribution()).items():
                start[t] = start.get(t, 0.0) + cr.share * p
    for t, p in start.items():
        i = tps.index(t)
        pi[int(service[i]) * n + i] += p
    v = np.linalg.solve(np.eye(size) - q.T, pi)
    le1, total = v @ res
    return float(le1), float(total)


@pytest.mark.parametrize("name", cx.list_templates())
def test_fcr_shares_equal_the_expanded_chain(name: str) -> None:
    j = cx.load_journey(name)
    m = run(compile_scenario(j))
    le1, total = _fcr_by_expanded_chain(j)
    fcr, multi, unresolved = m.fcr_shares[0]
    assert fcr == pytest.approx(le1, abs=1e-10)
    assert multi == pytest.approx(total - le1, abs=1e-10)
    assert unresolved == pytest.approx(1 - total, abs=1e-10)


def test_fcr_of_example_c_graph() -> None:
    m = run(compile_scenario(cx.load_journey("roi_example_c")))
    assert m.fcr_shares[0] == pytest.approx([0.7, 0.2, 0.1], abs=1e-12)


def test_fcr_agrees_with_the_monte_carlo_engine() -> None:
    j = cx.load_journey("subscription_support")
    m = run(compile_scenario(j))
    mc = cx.sim.simulate(j, 100_000, seed=11).summary()["fcr"]
    fcr_mc_definition = m.fcr_shares[0][0] - m.resolved_without_contact[0]
    assert abs(fcr_mc_definition - mc.estimate) < 4 * mc.standard_error + 1e-9


def test_a_one_row_run_leaves_the_compiled_scenario_untouched() -> None:
    # regression: with one row, apply_ops wrote multiply/add effects into the scenario's
    # own arrays (a view), so the next run compounded them (warm_transfer's wait × 1.2²)
    j = cx.load_journey("subscription_support")
    ini = next(i for i in j.initiatives if i.id == "warm_transfer")
    c = compile_scenario(j, [ini])
    before = {name: getattr(c, name).copy() for name in ("kappa", "wait", "cost", "handle")}
    values = np.array([[e.mode for _, _, e in c.columns]])
    first = run(c, values)
    for name, arr in before.items():
        assert np.array_equal(getattr(c, name), arr, equal_nan=True), name
    again = run(c, values)
    assert again.excess_wait_s[0] == first.excess_wait_s[0]
    assert again.effort_index[0] == first.effort_index[0]
