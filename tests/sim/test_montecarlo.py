"""The Monte Carlo engine: agreement with the exact engine, path functionals, CRN, seeds."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest

import cxkit as cx
from cxkit.core.economics import Economics
from cxkit.core.errors import CxkitError, SimulationError
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint
from cxkit.sim import _walk
from cxkit.sim.exact import exact
from cxkit.sim.montecarlo import ErlangCQueue, compare, simulate
from cxkit.sim.results import Estimate, mean_estimate, wilson_estimate

N = 30_000


def _templates_with_handoffs() -> list[str]:
    return [t for t in cx.list_templates() if cx.load_journey(t).graph.handoffs]


@pytest.mark.parametrize("name", cx.list_templates())
def test_monte_carlo_agrees_with_exact_on_every_template(name):
    journey = cx.load_journey(name)
    if not journey.graph.handoffs:
        pytest.skip("design-only journey without hand-offs")
    ex = exact(journey)
    mc = simulate(journey, N, seed=2024)
    s = mc.summary()
    assert s["truncated"].estimate == 0.0
    for outcome, p in ex.absorption.items():
        got = s["outcome_shares"][outcome].estimate
        se = math.sqrt(p * (1 - p) / N)
        assert abs(got - p) <= 4 * se + 1e-12, (outcome, got, p)
    for exact_name, mc_name in [
        ("expected_contacts", "contacts"),
        ("expected_context_losses", "context_losses"),
        ("expected_switches", "channel_switches"),
        ("expected_repeat_contacts", "repeat_contacts"),
        ("expected_cost", "cost"),
        ("expected_effort_index", "effort_index"),
    ]:
        want = getattr(ex, exact_name)
        est = s[mc_name]
        if est.standard_error == 0:
            assert est.estimate == pytest.approx(want, abs=1e-9), mc_name
        else:
            assert abs(est.estimate - want) <= 4 * est.standard_error, (mc_name, est, want)
    # the sample variance of the number of steps is close to Kemeny–Snell's
    var = float(np.var(mc.data["contacts"], ddof=1))
    assert var == pytest.approx(ex.steps_variance, rel=0.1, abs=0.01)


def test_example_b_monte_carlo(journey_b):
    mc = simulate(journey_b, 50_000, seed=1)
    s = mc.summary()
    assert abs(s["outcome_shares"]["resolved"].estimate - 23 / 30) < 4 * math.sqrt(
        (23 / 30) * (7 / 30) / 50_000
    )
    assert abs(s["contacts"].estimate - 4 / 3) < 4 * s["contacts"].standard_error
    assert abs(s["repeat_contacts"].estimate - 1 / 30) < 4 * s["repeat_contacts"].standard_error
    assert abs(s["context_losses"].estimate - 19 / 60) < 4 * s["context_losses"].standard_error
    # FCR = resolved with exactly one service contact = resolved at the web: 0.5
    assert abs(s["fcr"].estimate - 0.5) < 4 * math.sqrt(0.25 / 50_000)
    # FCR customers are exactly the one-step resolved paths
    f = mc.customers
    fcr_paths = f.filter(pl.col("fcr"))["path"].list.len().unique().to_list()
    assert fcr_paths == [1]
    # the path column has as many touchpoints as contacts
    assert (f["path"].list.len() == f["contacts"].cast(pl.UInt32)).all()


def test_path_functionals_on_a_deterministic_example_a_path(journey_a_chain):
    """Every customer walks web FAQ → (wait 180 s, context lost) → agent → resolved.

    A visit replays its touchpoint's designed moments (core.metrics.flow_moments):
    the agent's two steps are two moments, and the lost context costs the first one
    ``reexplain_penalty_points`` (no step of the visit is marked context_lost).
    """
    mc = simulate(journey_a_chain, 500, seed=0)
    f = mc.customers
    row = f.row(0, named=True)
    assert row["path"] == ["web_faq", "agent"]
    # valences: web −4; wait moment E 7, D_wait (60 − 180)/40 = −3 → −6;
    # agent P 7 − 1 (context lost) = 6 vs E 7 → −2, then P 10 vs E 7 → +3
    assert row["peak"] == -6.0 and row["end"] == 3.0
    assert row["peak_end"] == -1.5 and row["j"] == -1.5
    assert row["mean_valence"] == pytest.approx((-4 - 6 - 2 + 3) / 4)
    assert row["recency"] == pytest.approx((-4 * 0.125 - 6 * 0.25 - 2 * 0.5 + 3) / 1.875)
    assert row["emotion"] == "dissatisfied"
    # Example A's effort: switch 0.5 + repeated explanation 0.5 + 0.25·(180 − 60)/60 = 2.5
    assert row["ces5"] == 2.5
    assert row["excess_wait_s"] == 120.0 and row["wait_s"] == 180.0
    assert (row["channel_switches"], row["context_losses"], row["repeat_contacts"]) == (1, 1, 0)
    assert row["cost"] == 610.0 and row["handle_time_s"] == 360.0 + 60.0
    assert (row["csat5"], row["nps10"]) == (3, 6)  # floor(4 − 0.75 + .5), floor(7 − 1.5 + .5)
    assert not row["fcr"]  # two service contacts
    # deterministic path: every customer is identical
    assert f.drop("customer").unique().height == 1


def test_crm_removes_the_penalty_and_the_effort(journey_a_chain):
    crm = journey_a_chain.with_handoff("web_faq", "agent", context_carryover=1.0)
    row = simulate(crm, 10, seed=0).customers.row(0, named=True)
    assert (row["peak"], row["end"]) == (-6.0, 3.0)  # agent: 0 then +3
    assert row["mean_valence"] == pytest.approx((-4 - 6 + 0 + 3) / 4)
    assert row["ces5"] == 2.0  # Example A with CRM integration


def test_peak_worst_and_hybrid_weights(journey_a_chain):
    j = journey_a_chain.with_params(emotion={"peak": "worst", "w_pe": 0.5})
    row = simulate(j, 10, seed=0).customers.row(0, named=True)
    mean = (-4 - 6 - 2 + 3) / 4
    assert row["peak"] == -6.0
    assert row["j"] == pytest.approx(0.5 * -1.5 + 0.5 * mean)


# --------------------------------------------------------------------- seeds and CRN


def test_same_seed_same_frame_different_seed_different():
    j = cx.load_journey("billing_inquiry")
    a = simulate(j, 5_000, seed=42).customers
    b = simulate(j, 5_000, seed=42).customers
    c = simulate(j, 5_000, seed=43).customers
    assert a.equals(b)
    assert not a.equals(c)
    assert a["outcome"].to_list() != c["outcome"].to_list()


def test_customer_i_gets_the_same_numbers_whatever_the_population():
    """Uniforms are keyed by (customer, step): the first customers of a larger run match."""
    j = cx.load_journey("billing_inquiry")
    small = simulate(j, 1_000, seed=5).customers
    big = simulate(j, 3_000, seed=5).customers.head(1_000)
    assert small.equals(big)


def test_seed_is_required_and_validated():
    j = cx.load_journey("billing_inquiry")
    with pytest.raises(TypeError):
        simulate(j, 10)  # type: ignore[call-arg]
    with pytest.raises(CxkitError, match="`seed` is required"):
        simulate(j, 10, seed=None)  # type: ignore[arg-type]
    with pytest.raises(CxkitError, match=r"`seed` must be a whole number ≥ 0, got -1"):
        simulate(j, 10, seed=-1)
    with pytest.raises(CxkitError, match=r"`n_customers` must be a whole number ≥ 1, got 0"):
        simulate(j, 0, seed=1)
    with pytest.raises(CxkitError, match=r"`n_customers` must be a whole number ≥ 1, got 2\.5"):
        simulate(j, 2.5, seed=1)  # type: ignore[arg-type]
    with pytest.raises(CxkitError, match=r"`max_steps` must be a whole number ≥ 1, got 0"):
        simulate(j, 10, seed=1, max_steps=0)
    with pytest.raises(CxkitError, match=r"`waits` must be 'fixed' or 'exponential', got 'x'"):
        simulate(j, 10, seed=1, waits="x")  # type: ignore[arg-type]


def test_common_random_numbers_shrink_the_variance_of_a_difference(make_example_b):
    base, faq = make_example_b(), make_example_b(web_resolved=0.6, web_phone=0.2)
    n = 20_000
    crn = compare(base, faq, n, seed=9)
    d_crn = crn.b.data["cost"] - crn.a.data["cost"]
    var_crn = float(np.var(d_crn, ddof=1)) / n
    a, b = simulate(base, n, seed=9), simulate(faq, n, seed=10)
    var_ind = (np.var(a.data["cost"], ddof=1) + np.var(b.data["cost"], ddof=1)) / n
    assert var_crn < 0.3 * var_ind
    diff = crn.differences()
    # exact saving: 66.67 per journey; the paired estimate is within 4 SE of it
    est = diff["cost"]
    assert abs(est.estimate - (-600 / 9)) < 4 * est.standard_error
    assert math.isclose(est.standard_error, math.sqrt(var_crn), rel_tol=1e-9)
    res = diff["outcome_shares"]["resolved"]
    assert abs(res.estimate - (7 / 9 - 23 / 30)) < 4 * res.standard_error
    # only customers whose first uniform fell in [0.5, 0.6) or [0.8, 0.8) differ at the web
    changed = (crn.a.data["outcome"] != crn.b.data["outcome"]).mean()
    assert changed < 0.15
    json.dumps(crn.to_dict(top_paths=3), allow_nan=False)


def test_compare_labels_must_differ(journey_b):
    with pytest.raises(CxkitError, match="`labels` must be two different names"):
        compare(journey_b, journey_b, 10, seed=1, labels=("x", "x"))


# --------------------------------------------------------------------- max_steps


def _loop_journey() -> Journey:
    g = TouchpointGraph(
        touchpoints=(Touchpoint("ivr", channel="phone"), Touchpoint("agent", channel="phone")),
        handoffs=(
            Handoff("ivr", "agent", 0.9),
            Handoff("agent", "ivr", 0.9),
            Handoff("agent", "resolved", 0.05),
        ),
        outcomes=(
            Outcome("resolved", kind=OutcomeKind.RESOLVED),
            Outcome("abandon", kind=OutcomeKind.ABANDON),
        ),
        entry={"ivr": 1.0},
    )
    return Journey("loop", graph=g)


def test_max_steps_forces_the_remainder_outcome_and_flags_truncation():
    mc = simulate(_loop_journey(), 5_000, seed=3, max_steps=4)
    f = mc.customers
    assert f["contacts"].max() == 4
    trunc = f.filter(pl.col("truncated"))
    assert trunc.height > 0
    assert set(trunc["outcome"].to_list()) == {"abandon"}
    assert (trunc["contacts"] == 4).all()
    # P(reach a 5th visit) = P(ivr→agent→ivr→agent→ivr) = 0.9⁴
    share = mc.summary()["truncated"]
    assert abs(share.estimate - 0.9**4) < 4 * math.sqrt(0.9**4 * (1 - 0.9**4) / 5_000)
    # the default is EffortParams.max_steps = 50
    assert simulate(_loop_journey(), 100, seed=3).max_steps == 50
    # repeat contacts: every visit after the first at ivr or agent
    contacts = f["contacts"].cast(pl.Int64)
    assert (f["repeat_contacts"].cast(pl.Int64) == (contacts - 2).clip(lower_bound=0)).all()


def test_repeat_contacts_from_the_visit_log_match_the_bit_set(monkeypatch):
    j = _loop_journey()
    fast = simulate(j, 3_000, seed=8).data["repeat_contacts"]
    monkeypatch.setattr(_walk, "_MAX_MASK_WORDS", 0)
    slow = simulate(j, 3_000, seed=8).data["repeat_contacts"]
    assert np.array_equal(fast, slow)
    contacts = simulate(j, 3_000, seed=8).data["contacts"]
    assert np.array_equal(fast, np.maximum(contacts - 2, 0))


# --------------------------------------------------------------------- waits and queues


def _wait_journey(wait_s: float = 120.0) -> Journey:
    g = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", channel="web"),
            Touchpoint("agent", channel="phone", handle_time_s=300),
        ),
        handoffs=(
            Handoff("web", "agent", 1.0, wait_s=wait_s),
            Handoff("agent", "resolved", 1.0),
        ),
        outcomes=(Outcome("resolved", kind=OutcomeKind.RESOLVED),),
        entry={"web": 1.0},
    )
    return Journey("wait", graph=g, economics=Economics(journeys_per_period=208_000))


def test_exponential_waits_have_the_hand_off_mean():
    j = _wait_journey(120.0)
    ex = exact(j)
    assert ex.expected_wait_s == 120.0 and ex.expected_excess_wait_s == 60.0
    s = simulate(j, 40_000, seed=4, waits="exponential").summary()
    assert abs(s["wait_s"].estimate - 120.0) < 4 * s["wait_s"].standard_error
    # E[max(0, W − 60)] for W ~ Exp(mean 120) = 120·e^(−1/2)
    want = 120 * math.exp(-0.5)
    assert abs(s["excess_wait_s"].estimate - want) < 4 * s["excess_wait_s"].standard_error


def test_erlang_c_queue_waits_reproduce_the_average_speed_of_answer():
    from cxkit.sim.queues import average_speed_of_answer, erlang_c

    j = _wait_journey(0.0)
    # MODELS R1: 200 calls an hour, AHT 180 s → 10 Erlang on 14 agents
    q = {"agent": ErlangCQueue(agents=14, calls_per_hour=200, aht_s=180)}
    mc = simulate(j, 40_000, seed=6, queues=q)
    waits = mc.data["wait_s"]
    asa = average_speed_of_answer(14, 10.0, 180)
    assert abs(waits.mean() - asa) < 4 * waits.std(ddof=1) / math.sqrt(waits.size)
    p_wait = erlang_c(14, 10.0)
    share = (waits > 0).mean()
    assert abs(share - p_wait) < 4 * math.sqrt(p_wait * (1 - p_wait) / waits.size)
    info = mc.settings["queues"]["agent"]
    assert info["load_erlangs"] == pytest.approx(10.0)
    assert info["p_wait"] == pytest.approx(0.1741319, abs=1e-7)


def test_queue_load_from_economics_and_exact_visits():
    j = _wait_journey(0.0)
    # 208,000 journeys a year, 1 agent visit each, 2080 open hours → 100 calls an hour;
    # AHT 300 s (the touchpoint's) → 8.33 Erlang
    mc = simulate(j, 2_000, seed=1, queues={"agent": 10})
    info = mc.settings["queues"]["agent"]
    assert info["calls_per_hour"] == pytest.approx(100.0)
    assert info["aht_s"] == 300.0
    assert info["load_erlangs"] == pytest.approx(100 * 300 / 3600)
    with pytest.raises(SimulationError, match=r"queues\['agent'\] is unstable"):
        simulate(j, 10, seed=1, queues={"agent": 8})
    with pytest.raises(SimulationError, match=r"queues: unknown touchpoint 'agnet'"):
        simulate(j, 10, seed=1, queues={"agnet": 10})


# --------------------------------------------------------------------- results


def test_summary_has_intervals_and_json(journey_b):
    mc = simulate(journey_b, 2_000, seed=1)
    s = mc.summary()
    for key in ("contacts", "ces5", "j", "cost", "fcr", "nps", "csat_top2"):
        est = s[key]
        assert isinstance(est, Estimate)
        assert est.ci_low <= est.estimate <= est.ci_high
    shares = s["outcome_shares"]
    assert sum(e.estimate for e in shares.values()) == pytest.approx(1.0)
    assert sum(e.estimate for e in s["emotion_shares"].values()) == pytest.approx(1.0)
    d = json.loads(json.dumps(mc.to_dict(top_paths=5), allow_nan=False))
    assert d["seed"] == 1 and d["n_customers"] == 2_000
    assert d["top_paths"][0]["path"] == ["web"]
    assert d["summary"]["outcome_shares"]["resolved"]["method"] == "wilson"


def test_path_counts_sorted_and_complete(journey_b):
    mc = simulate(journey_b, 4_000, seed=2)
    pc = mc.path_counts(top=100)
    assert pc["count"].sum() == 4_000
    assert pc["count"].to_list() == sorted(pc["count"].to_list(), reverse=True)
    assert pc.row(0)[:2] == (["web"], "resolved")
    assert mc.path_counts(top=2).height == 2
    with pytest.raises(CxkitError, match="`top` must be a whole number ≥ 1, got 0"):
        mc.path_counts(top=0)


def test_interval_helpers():
    e = wilson_estimate(50, 100)
    assert e.estimate == 0.5
    # Wilson 95 % for 50/100: 0.5 ± 0.0965…
    assert e.ci_low == pytest.approx(0.40383, abs=1e-5)
    assert e.ci_high == pytest.approx(0.59617, abs=1e-5)
    m = mean_estimate(np.array([2.0, 4.0, 6.0]))
    assert m.estimate == 4.0 and m.standard_error == pytest.approx(2 / math.sqrt(3))


def test_call_reason_mix_and_start_overrides():
    j = cx.load_journey("billing_inquiry")
    mc = simulate(j, 1_000, seed=1, start={"agent": 1.0})
    assert set(mc.customers["path"].list.first().to_list()) == {"agent"}
    with pytest.raises(SimulationError, match="call_reason_mix: unknown call reason 'x'"):
        simulate(j, 10, seed=1, call_reason_mix={"x": 1.0})


def test_progress_printer(capsys, journey_b):
    simulate(journey_b, 100, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "cxkit simulate: 100 of 100 customers" in err and err.endswith("\n")
    simulate(journey_b, 100, seed=1)  # auto: quiet under pytest
    assert capsys.readouterr().err == ""


def test_never_ending_chain_is_refused_by_the_monte_carlo_engine_too():
    g = TouchpointGraph(
        touchpoints=(Touchpoint("a"), Touchpoint("b")),
        handoffs=(Handoff("a", "b", 1.0), Handoff("b", "a", 1.0)),
        outcomes=(Outcome("done"),),
        entry={"a": 1.0},
    )
    with pytest.raises(SimulationError, match=r"never ends.*'a', 'b'"):
        simulate(Journey("loop", graph=g), 10, seed=1)
