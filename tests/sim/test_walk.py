"""The one walker (Monte Carlo and the event generator) and Erlang A queues in simulate."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxkit as cx
from cxkit.core.compiled import compile_journey, start_table
from cxkit.core.errors import SimulationError
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint
from cxkit.sim import ErlangAQueue, ErlangCQueue, _walk, erlang_a, simulate
from cxkit.sim._walk import Walker, _Picker, end_outcomes, repeat_contacts

# ----------------------------------------------------------------------------- walker


def _walker(journey: Journey, seed: int = 1, max_steps: int = 50) -> Walker:
    a = compile_journey(journey)
    forced, abandon = end_outcomes(journey, a)
    return Walker(
        a,
        start_table(journey),
        seed=seed,
        max_steps=max_steps,
        forced=forced,
        abandon=abandon,
        edge_wait=a.wait_s,
    )


def _paths(customer: np.ndarray, node: np.ndarray) -> list[tuple[int, ...]]:
    order = np.argsort(customer, kind="stable")  # visits are step-major: stable = in time
    c, x = customer[order], node[order]
    cuts = np.flatnonzero(np.diff(c)) + 1
    return [tuple(p.tolist()) for p in np.split(x, cuts)]


@pytest.mark.parametrize("name", ["subscription_support", "web_phone_faq", "retail_omnichannel"])
def test_a_customer_walks_the_same_whatever_the_chunks(name: str) -> None:
    w = _walker(cx.load_journey(name))
    whole = w.run(0, 3_000)
    parts = [w.run(0, 1_000), w.run(1_000, 2_500), w.run(2_500, 3_000)]
    assert np.array_equal(whole.outcome, np.concatenate([p.outcome for p in parts]))
    assert np.array_equal(whole.reason, np.concatenate([p.reason for p in parts]))
    v = whole.visits
    cust = np.concatenate([p.visits.customer for p in parts])
    node = np.concatenate([p.visits.node for p in parts])
    assert _paths(v.customer, v.node) == _paths(cust, node)
    # each visit's parent is the same customer's previous visit
    for k in range(1, v.step_ptr.size - 1):
        lo, hi = v.step_ptr[k], v.step_ptr[k + 1]
        prev = v.customer[v.step_ptr[k - 1] : v.step_ptr[k]]
        assert np.array_equal(prev[v.parent[lo:hi]], v.customer[lo:hi])


def test_the_walk_follows_the_graph_and_stops_at_max_steps() -> None:
    j = cx.load_journey("web_phone_faq")  # phone → phone 0.1: long paths are rare
    w = _walker(j, max_steps=2).run(0, 20_000)
    a = compile_journey(j)
    assert w.visits.step_ptr.size == 3  # the start and one more visit, at most
    assert np.array_equal(a.source[w.edge][: w.step_ptr[1]], w.visits.node[:20_000])
    truncated = w.truncated
    assert truncated.any()
    assert (w.outcome[truncated] == end_outcomes(j, a)[0]).all()


@settings(max_examples=60, deadline=None)
@given(
    widths=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    data=st.data(),
)
def test_table_picks_equal_searchsorted_picks(widths: list[int], data: st.DataObject) -> None:
    row_ptr = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    weights = data.draw(
        st.lists(
            st.sampled_from([0.0, 0.0, 1e-9, 0.1, 0.25, 1.0, 3.0, 7.0]),
            min_size=int(row_ptr[-1]),
            max_size=int(row_ptr[-1]),
        )
    )
    prob = np.array(weights, dtype=float) + 0.0
    for r in range(len(widths)):  # rows sum to 1, some entries zero
        lo, hi = row_ptr[r], row_ptr[r + 1]
        if prob[lo:hi].sum() == 0:
            prob[hi - 1] = 1.0
        prob[lo:hi] /= prob[lo:hi].sum()
    threshold = np.array(
        data.draw(
            st.lists(
                st.sampled_from([-1.0, 0.0, 0.3, 0.5, 1.0]),
                min_size=prob.size,
                max_size=prob.size,
            )
        )
    )
    picker = _Picker(prob, row_ptr, threshold)
    rows = np.repeat(np.arange(len(widths)), 200)
    rng = np.random.default_rng(len(widths))
    u = rng.random(rows.size)
    # and every interval boundary, cut point and their neighbours, in their own rows
    row_of = np.repeat(np.arange(len(widths)), np.diff(row_ptr))
    edges = np.concatenate([picker.lo_local, picker.lo_local + threshold.clip(0, 1) * prob])
    edge_rows = np.tile(row_of, 2)
    near = np.concatenate([edges, np.nextafter(edges, 0), np.nextafter(edges, 1)])
    near_rows = np.tile(edge_rows, 3)
    ok = (near >= 0) & (near < 1)
    rows = np.concatenate([rows, near_rows[ok]])
    u = np.concatenate([u, near[ok]])
    e, r = picker._exact(rows, u)
    assert np.array_equal(picker._codes(rows, u), 2 * e + (r < threshold[e]))


def test_repeat_contacts_bit_set_and_sorted_pairs_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    cust = np.sort(rng.integers(0, 500, 5_000))
    node = rng.integers(0, 90, 5_000)
    track = rng.random(90) < 0.8  # ~72 tracked: two 64-bit words
    fast = repeat_contacts(cust, node, track, 500)
    monkeypatch.setattr(_walk, "_MAX_MASK_WORDS", 0)
    slow = repeat_contacts(cust, node, track, 500)
    assert np.array_equal(fast, slow)
    sel = track[node]
    expected = np.bincount(cust[sel], minlength=500) - np.bincount(
        np.unique(cust[sel] * 90 + node[sel]) // 90, minlength=500
    )
    assert np.array_equal(fast, expected)


# --------------------------------------------------------------------------- Erlang A


def _queue_journey(*, start_at_queue: bool = False, abandon: bool = True) -> Journey:
    outcomes = [Outcome("resolved", kind=OutcomeKind.RESOLVED)]
    if abandon:
        outcomes.append(Outcome("abandon", kind=OutcomeKind.ABANDON))
    g = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", channel="web", cost_per_contact=10, handle_time_s=0),
            Touchpoint("agent", channel="phone", cost_per_contact=600, handle_time_s=300),
        ),
        handoffs=(
            Handoff("web", "agent", 0.5, context_carryover=0.0),
            Handoff("web", "resolved", 0.5),
            Handoff("agent", "resolved", 1.0),
        ),
        outcomes=tuple(outcomes),
        entry={"agent": 1.0} if start_at_queue else {"web": 1.0},
    )
    return Journey("queue", graph=g)


@pytest.mark.parametrize(
    ("agents", "calls_per_hour", "aht_s", "patience_s"),
    [
        (14, 200, 180, 120),  # the model reference's R1 interval: light abandonment
        (10, 220, 180, 60),  # over capacity (Erlang C would be unstable): heavy abandonment
    ],
)
def test_erlang_a_abandon_share_and_mean_wait_match_the_formulas(
    agents: int, calls_per_hour: float, aht_s: float, patience_s: float
) -> None:
    n = 60_000
    q = ErlangAQueue(agents, calls_per_hour, aht_s, patience_s)
    r = simulate(_queue_journey(start_at_queue=True), n, seed=11, queues={"agent": q})
    ref = erlang_a(calls_per_hour / 3600, 1 / aht_s, 1 / patience_s, agents)
    info = r.settings["queues"]["agent"]
    assert info["model"] == "erlang_a"
    assert info["p_abandon"] == ref.p_abandon and info["mean_wait_s"] == ref.mean_wait
    share = r.summary()["outcome_shares"]["abandon"].estimate
    assert abs(share - ref.p_abandon) <= 4 * math.sqrt(ref.p_abandon * (1 - ref.p_abandon) / n)
    wait = r.data["wait_s"]  # every customer arrives at the queue once
    assert abs(wait.mean() - ref.mean_wait) <= 4 * wait.std(ddof=1) / math.sqrt(n)
    waited = float(np.mean(wait > 0))
    assert abs(waited - ref.p_wait) <= 4 * math.sqrt(ref.p_wait * (1 - ref.p_wait) / n)


def test_abandoners_end_in_the_abandon_outcome_unserved() -> None:
    n = 40_000
    q = {"agent": ErlangAQueue(agents=10, calls_per_hour=220, aht_s=180, patience_s=60)}
    r = simulate(_queue_journey(), n, seed=5, queues=q)
    f = r.customers
    gave_up = f.filter(pl.col("outcome") == "abandon")
    assert gave_up.height > 0
    # a contact at the queue (offered, in the path), not served: no cost, handle time or
    # service contact there, nothing re-explained; the switch to the phone counts
    assert set(map(tuple, gave_up["path"].to_list())) == {("web", "agent")}
    assert (gave_up["contacts"] == 2).all() and (gave_up["service_contacts"] == 1).all()
    assert (gave_up["cost"] == 10).all() and (gave_up["handle_time_s"] == 0).all()
    assert (gave_up["context_losses"] == 0).all() and (gave_up["channel_switches"] == 1).all()
    assert (gave_up["wait_s"] > 0).all() and not gave_up["fcr"].any()
    served = f.filter(pl.col("path").list.len() == 2, pl.col("outcome") == "resolved")
    assert (served["context_losses"] == 1).all() and (served["cost"] == 610).all()
    # the exact engine knows no queue: the abandoners come out of its 'resolved' share
    ref = erlang_a(220 / 3600, 1 / 180, 1 / 60, 10)
    p = 0.5 * ref.p_abandon
    share = r.summary()["outcome_shares"]["abandon"].estimate
    assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n)
    assert cx.sim.exact(_queue_journey()).absorption["abandon"] == 0.0


def test_abandoners_at_the_start_and_without_an_abandon_outcome() -> None:
    q = {"agent": ErlangAQueue(agents=10, calls_per_hour=220, aht_s=180, patience_s=60)}
    r = simulate(_queue_journey(start_at_queue=True, abandon=False), 5_000, seed=2, queues=q)
    assert r.outcomes == ("resolved", "abandon")  # a stand-in 'abandon' outcome
    gave_up = r.customers.filter(pl.col("outcome") == "abandon")
    assert gave_up.height > 0
    assert (gave_up["contacts"] == 1).all() and (gave_up["service_contacts"] == 0).all()
    assert gave_up["path"].to_list()[0] == ["agent"]
    # without abandonment the stand-in outcome is not added
    calm = {"agent": ErlangAQueue(agents=30, calls_per_hour=10, aht_s=180, patience_s=600)}
    r = simulate(_queue_journey(start_at_queue=True, abandon=False), 200, seed=2, queues=calm)
    assert r.outcomes == ("resolved",)


def test_erlang_c_queues_and_agents_still_work_beside_erlang_a() -> None:
    q = {"agent": ErlangCQueue(agents=14, calls_per_hour=200, aht_s=180)}
    r = simulate(_queue_journey(start_at_queue=True), 20_000, seed=1, queues=q)
    assert r.settings["queues"]["agent"]["model"] == "erlang_c"
    assert r.summary()["outcome_shares"]["abandon"].estimate == 0.0
    with pytest.raises(SimulationError, match="or an ErlangAQueue whose callers abandon"):
        simulate(_queue_journey(), 10, seed=1, queues={"agent": ErlangCQueue(5, 200, 180)})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            ErlangAQueue(14, 200, 180, patience_s=0),
            r"queues\['agent'\]\.patience_s must be a number of seconds > 0, got 0",
        ),
        (
            ErlangAQueue(14, 200, 180, patience_s=math.inf),
            r"queues\['agent'\]\.patience_s must be a number of seconds > 0, got inf",
        ),
        (
            ErlangAQueue(0, 200, 180),
            r"queues\['agent'\]\.agents must be a whole number ≥ 1, got 0",
        ),
        (
            ErlangAQueue(14, -5, 180),
            r"queues\['agent'\]\.calls_per_hour must be a number ≥ 0, got -5",
        ),
        (
            ErlangAQueue(14, 200, "3 min"),  # type: ignore[arg-type]
            r"queues\['agent'\]\.aht_s must be a number of seconds > 0, got '3 min'",
        ),
        (
            "erlang a",
            r"queues\['agent'\] must be an ErlangCQueue, an ErlangAQueue or a number of agents, "
            r"got 'erlang a'",
        ),
    ],
)
def test_bad_queue_specs_name_the_field(spec: object, message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        simulate(_queue_journey(), 10, seed=1, queues={"agent": spec})  # type: ignore[dict-item]
    with pytest.raises(SimulationError, match="did you mean 'agent'"):
        simulate(_queue_journey(), 10, seed=1, queues={"agnet": ErlangAQueue(14, 200, 180)})
