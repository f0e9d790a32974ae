"""The ROI engine's effort-level chain (cxkit.roi._effort): the mean CES of a scenario,
exactly — repeat contacts charged when they happen, the clip at 5, mean-keeping splits
of increments off the grid — for many rows of effect values at once."""

from __future__ import annotations

import math

import numpy as np
import pytest

import cxkit as cx
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint
from cxkit.data import random_journey
from cxkit.roi import _effort
from cxkit.roi._effort import effort_levels, g_of_ces
from cxkit.roi._engine import apply_ops, effort_distribution, reason_mix, run
from cxkit.roi._scenario import compile_scenario


def _levels(journey: Journey, initiatives=(), values=None, rows=None) -> _effort.EffortLevels:
    c = compile_scenario(journey, initiatives)
    s = int(values.shape[0]) if values is not None else int(rows or 1)
    edges, tp, _, _ = apply_ops(c, values, s)
    return effort_levels(c, edges, tp, reason_mix(c, values, s)[0])


def callback_loop() -> Journey:
    """An agent who sends half of the callers an email, after which they call again.

    A customer starts at the agent; each round trip agent → email → agent adds two
    channel switches (0.5 each) and a repeat contact at the agent (1.0), and from the
    second round trip on a repeat contact at the email too: CES 1 (half the
    customers), 3 (a quarter), 1 + 2 + 3 = 6 → 5 (the rest).
    """
    graph = TouchpointGraph(
        touchpoints=(
            Touchpoint("agent", channel="phone"),
            Touchpoint("email", channel="email"),
        ),
        handoffs=(
            Handoff("agent", "resolved", 0.5),
            Handoff("agent", "email", 0.5),
            Handoff("email", "agent", 1.0),
        ),
        outcomes=(Outcome("resolved", kind=OutcomeKind.RESOLVED),),
        entry={"agent": 1.0},
    )
    return Journey("callback_loop", graph=graph)


def test_repeat_contacts_are_charged_when_they_happen() -> None:
    j = callback_loop()
    got = _levels(j)
    assert got.exact
    assert got.ces[0] == pytest.approx(0.5 * 1 + 0.25 * 3 + 0.25 * 5, abs=1e-12)  # 2.5
    assert got.g[0] == pytest.approx(0.5 * 0.09 + 0.25 * 0.525 + 0.25 * 0.96, abs=1e-12)
    # the mean effort index, 1 + E[switches] + E[repeats at the agent] + E[repeats at the
    # email] = 1 + 1 + 1 + 0.5, clipped is only an upper bound of the mean CES (Jensen)
    assert run(compile_scenario(j)).effort_index[0] == pytest.approx(3.5, abs=1e-12)
    mc = cx.sim.simulate(j, 100_000, seed=3).summary()["ces5"]
    assert abs(got.ces[0] - mc.estimate) <= 4 * mc.standard_error


def test_an_increment_off_the_grid_is_split_and_the_mean_kept() -> None:
    # web → phone: a switch (0.5) and 90 s waited for 60 s expected (0.125): 1.625 for
    # every customer, 6.5 grid levels, split half and half between levels 6 and 7
    graph = TouchpointGraph(
        touchpoints=(Touchpoint("web", channel="web"), Touchpoint("phone", channel="phone")),
        handoffs=(Handoff("web", "phone", 1.0, wait_s=90.0), Handoff("phone", "resolved", 1.0)),
        outcomes=(Outcome("resolved", kind=OutcomeKind.RESOLVED),),
        entry={"web": 1.0},
    )
    got = _levels(Journey("split", graph=graph))
    assert got.ces[0] == pytest.approx(1.625, abs=1e-12)
    assert got.g[0] == pytest.approx(0.09, abs=1e-12)  # both levels are at CES ≤ 2


@pytest.mark.parametrize(
    "name", [*cx.list_templates(), "generated_30"], ids=[*cx.list_templates(), "generated_30"]
)
def test_every_template_and_a_generated_journey_are_solved_exactly(name: str) -> None:
    j = random_journey(30, seed=11) if name == "generated_30" else cx.load_journey(name)
    got = _levels(j)
    assert got.exact and 0 < got.states <= _effort.MAX_STATES
    assert 1.0 <= got.ces[0] <= 5.0
    # never above the clip of the mean effort index (Jensen: min(x, 5) is concave)
    assert got.ces[0] <= min(float(run(compile_scenario(j)).effort_index[0]), 5.0) + 1e-12


def test_rows_solved_together_equal_rows_solved_alone() -> None:
    j = cx.load_journey("subscription_support")
    for ini in j.initiatives[:3]:
        c = compile_scenario(j, [ini])
        low = np.array([e.low for _, _, e in c.columns])
        high = np.array([e.high for _, _, e in c.columns])
        values = low + (high - low) * np.random.default_rng(1).random((40, low.size))
        ces, g = effort_distribution(c, values)
        for row in (0, 17, 39):
            one_ces, one_g = effort_distribution(c, values[row : row + 1])
            assert one_ces[0] == pytest.approx(ces[row], abs=1e-12), ini.id
            assert one_g[0] == pytest.approx(g[row], abs=1e-12), ini.id
        assert np.ptp(ces) > 0  # the draws do move the CES


def test_a_scenario_equals_monte_carlo_on_its_applied_journey() -> None:
    j = cx.load_journey("complaint_recovery_ja")
    ini = next(i for i in j.initiatives if i.id == "crm")
    c = compile_scenario(j, [ini])
    mode = np.array([[e.mode for _, _, e in c.columns]])
    ces, g = effort_distribution(c, mode)
    mc = cx.sim.simulate(cx.roi.apply_effects(j, [ini]), 200_000, seed=5).customers
    x = mc["ces5"].to_numpy()
    assert abs(ces[0] - x.mean()) <= 4 * x.std(ddof=1) / math.sqrt(x.size)
    gx = g_of_ces(x)
    assert abs(g[0] - gx.mean()) <= 4 * gx.std(ddof=1) / math.sqrt(x.size)


def test_beyond_the_state_budget_the_rarest_repeats_are_averaged(monkeypatch) -> None:
    j = cx.load_journey("subscription_support")
    exact = _levels(j)
    monkeypatch.setattr(_effort, "MAX_STATES", 50)
    monkeypatch.setattr(_effort, "_CACHE", type(_effort._CACHE)())
    cut = _levels(j, rows=3)
    assert not cut.exact and cut.states < exact.states
    assert np.ptp(cut.ces) == 0
    assert cut.ces[0] == pytest.approx(exact.ces[0], rel=0.01)


def test_the_structure_cache_changes_no_number(monkeypatch) -> None:
    j = cx.load_journey("b2b_saas_onboarding")
    first = _levels(j)
    again = _levels(j)  # from the cache
    monkeypatch.setattr(_effort, "_CACHE_SIZE", 0)
    fresh = _levels(j)
    assert first.ces[0] == again.ces[0] == fresh.ces[0]
    assert first.g[0] == again.g[0] == fresh.g[0]
