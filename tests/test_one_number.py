"""One number per metric per view (issue 11).

Every template and a generated 30-touchpoint journey go through ``cxkit show``
(``Journey.evaluate``), the exact engine, Monte Carlo, ``cxkit simulate``, the hand-off
explorer, the Markdown export and the ROI engine's baseline. For each metric:

* the **design-time** figure is the same number in every view;
* the **flow-time** figure each view reports is the exact engine's (to a relative
  1e-12), or for the per-customer path figures (CES, remembered experience) the same
  seeded Monte Carlo run's;
* Monte Carlo (200,000 customers, seeded) is within 4 standard errors of exact;
* the ROI engine's CES — the mean per-customer CES, solved exactly by its effort-level
  chain — is within 4 standard errors of that Monte Carlo run's;
* a metric that does not apply (first-contact resolution without an outcome of kind
  ``resolved``) is "not applicable" everywhere, never 0 %.

And on a journey whose designed steps are the graph's only path, the design-time and
flow-time figures are equal, metric by metric.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import cxkit as cx
from cxkit.cli.journey import show_payload
from cxkit.cli.simulate import simulate_payload
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.metrics import design_flow_differences
from cxkit.core.model import CallReason, Handoff, Outcome, OutcomeKind, Step, Touchpoint
from cxkit.data import random_journey
from cxkit.export._common import design_flow_table, fmt_number
from cxkit.roi._engine import effort_distribution, run
from cxkit.roi._scenario import compile_scenario
from cxkit.sim.design_flow import FLOW_CUSTOMERS, FLOW_SEED, METRICS, design_vs_flow
from cxkit.sim.exact import exact
from cxkit.sim.montecarlo import simulate

N_MC = 200_000
SEED = 20261207
REL = 1e-12

#: flow-time metric → Monte Carlo summary key (the exact attribute is in METRICS)
MC_KEY = {
    "effort_index": "effort_index",
    "switches": "channel_switches",
    "context_losses": "context_losses",
    "transfers": "transfers",
    "repeat_contacts": "repeat_contacts",
    "wait_s": "wait_s",
    "excess_wait_s": "excess_wait_s",
    "fcr": "fcr",
}
#: flow-time metric → ROI engine Metrics field
ROI_KEY = {
    "effort_index": "effort_index",
    "switches": "switches",
    "context_losses": "context_losses",
    "transfers": "transfers",
    "repeat_contacts": "repeat_contacts",
    "wait_s": "wait_s",
    "excess_wait_s": "excess_wait_s",
    "fcr": "fcr",
}


def _journeys() -> list[tuple[str, Journey]]:
    out = [(name, cx.load_journey(name)) for name in cx.list_templates()]
    out.append(("generated_30", random_journey(30, seed=11)))
    return out


JOURNEYS = _journeys()


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=REL, abs_tol=REL)


@pytest.mark.parametrize(("name", "journey"), JOURNEYS, ids=[n for n, _ in JOURNEYS])
def test_one_number_per_metric_per_view(name, journey):
    ex = exact(journey)
    dv = design_vs_flow(journey)  # what cxkit show and the exports print
    ev = journey.evaluate()

    # -- design-time: Journey.evaluate, the same numbers in every view
    eff = ev.effort
    design = {
        "ces5": eff.ces5,
        "effort_index": eff.effort_index,
        "switches": eff.switches,
        "context_losses": eff.reexplanations,
        "transfers": eff.transfers,
        "repeat_contacts": eff.repeat_contacts,
        "wait_s": eff.wait_s,
        "excess_wait_s": eff.excess_wait_s,
        "remembered": None if ev.aggregate is None else ev.aggregate.score,
        "fcr": None,  # steps name no outcome
    }
    assert {r.key: r.design for r in dv.rows} == design

    # -- flow-time of the exact engine, and the seeded Monte Carlo run of the views
    fcr_na = ex.not_applicable.get("fcr")
    assert (fcr_na is None) == any(o["kind"] == "resolved" for o in ex.outcome_info.values())
    views_mc = simulate(journey, FLOW_CUSTOMERS, seed=FLOW_SEED).summary()
    flow = {}
    for key, (_, engine, source, _) in METRICS.items():
        if engine == "exact":
            value = getattr(ex, source)
            flow[key] = None if value is None else float(value)
        else:
            flow[key] = views_mc[source].estimate
    assert all(_same(r.flow, flow[r.key]) for r in dv.rows), [
        (r.key, r.flow, flow[r.key]) for r in dv.rows if not _same(r.flow, flow[r.key])
    ]

    # -- Monte Carlo (200,000 customers) within 4 standard errors of exact
    mc = simulate(journey, N_MC, seed=SEED).summary()
    for key, mc_key in MC_KEY.items():
        want, est = flow[key], mc[mc_key]
        if want is None:  # not applicable: never a 0 % measurement
            assert est.method == "not_applicable" and math.isnan(est.estimate), key
            continue
        if est.standard_error == 0:
            assert est.estimate == pytest.approx(want, rel=1e-9, abs=1e-9), key
        else:
            assert abs(est.estimate - want) <= 4 * est.standard_error, (key, est, want)

    # -- cxkit show (text view's JSON) and cxkit simulate: the same table
    shown = show_payload(journey, "en")["design_vs_flow"]
    simulated = simulate_payload(journey, customers=FLOW_CUSTOMERS, seed=FLOW_SEED, lang="en")
    for block in (shown, simulated["design_vs_flow"]):
        for row in block["metrics"]:
            assert _same(row["design"], design[row["key"]]), (row["key"], row["design"])
            assert _same(row["flow"], flow[row["key"]]), (row["key"], row["flow"])
    sim_exact = simulated["exact"]
    for key, (_, engine, source, _) in METRICS.items():
        if engine == "exact":
            assert _same(sim_exact[source], flow[key]), key
    if fcr_na is not None:
        assert sim_exact["fcr"] is None and simulated["monte_carlo"]["summary"]["fcr"] is None
        assert simulated["monte_carlo"]["summary"]["not_applicable"]["fcr"]["message"] == (
            "not applicable: no outcome of kind resolved"
        )

    # -- the hand-off explorer: design column and baseline = the same numbers
    if journey.graph.handoffs:
        from cxkit.widgets import HandoffExplorer

        widget = HandoffExplorer(journey, n_customers=FLOW_CUSTOMERS, seed=FLOW_SEED, lang="en")
        try:
            numbers = widget.numbers()
        finally:
            widget.close()
        for key in METRICS:
            row = numbers[key]
            assert _same(row["design"], design[key]), key
            assert _same(row["baseline"], flow[key]), key
            if flow[key] is None:
                assert row["not_applicable"] == "not applicable: no outcome of kind resolved"

    # -- the exports print the same figures
    table = design_flow_table(journey, "en")
    cells = {key: (d, f) for key, _, d, f in table.rows}
    for key in METRICS:
        if key == "fcr" or design[key] is None:
            continue
        assert cells[key] == (fmt_number(design[key]), fmt_number(flow[key])), key

    # -- the ROI engine's baseline
    scenario = compile_scenario(journey)
    base = run(scenario)
    for key, field in ROI_KEY.items():
        value = float(getattr(base, field)[0])
        if flow[key] is None:
            assert math.isnan(value) and "fcr" in base.not_applicable
        else:
            assert value == pytest.approx(flow[key], rel=1e-9, abs=1e-12), key
    # its CES (what effort-driven churn and the spend uplift are valued with): the mean
    # of the per-customer CES, as Monte Carlo's — not the clipped mean effort index
    roi_ces = float(effort_distribution(scenario)[0][0])
    est = mc["ces5"]
    assert abs(roi_ces - est.estimate) <= 4 * est.standard_error, (roi_ces, est)


# ----------------------------------------------------------------------------- single path


def single_path_journey(**variant) -> Journey:
    """web → (wait 180 s, context lost) IVR → (transfer) agent → email → resolved.

    Every hand-off has probability 1 and the steps say what the graph does: the
    designed steps are the only path.
    """
    reexplain = variant.get("reexplain_effort")
    reasons = variant.get("call_reasons", True)
    touchpoints = (
        Touchpoint("web", channel="web", cost_per_contact=10),
        Touchpoint("ivr", channel="phone"),
        Touchpoint("agent", channel="phone", cost_per_contact=600, handle_time_s=300),
        Touchpoint("email", channel="email", cost_per_contact=50),
    )
    handoffs = (
        Handoff("web", "ivr", 1.0, context_carryover=0.0, wait_s=180, reexplain_effort=reexplain),
        Handoff("ivr", "agent", 1.0, transfer=True),
        Handoff("agent", "email", 1.0),
        Handoff("email", "resolved", 1.0),
    )
    expectations = {"web": 6, "ivr": 6, "agent": 7, "email": 6}
    call_reasons = (
        (CallReason("billing", share=1.0, expectations=expectations, expected_wait_s=60),)
        if reasons
        else ()
    )
    cr = "billing" if reasons else None

    def step(tp: str, **kw) -> Step:
        if not reasons:
            kw.setdefault("expectation", expectations[tp])
        return Step("s", tp, call_reason=cr, **kw)

    steps = (
        step("web", experience=4),
        step("ivr", wait_s=180, context_lost=True),
        step("agent", experience=7, transfer=True),
        step("agent", experience=10),
        step("email", experience=6),
        step("email", experience=9),
    )
    graph = TouchpointGraph(
        touchpoints=touchpoints,
        handoffs=handoffs,
        outcomes=(Outcome("resolved", kind=OutcomeKind.RESOLVED),),
        entry={"web": 1.0},
        call_reasons=call_reasons,
    )
    j = Journey("single_path", graph=graph, steps=steps)
    if "emotion" in variant or "effort" in variant:
        j = j.with_params(emotion=variant.get("emotion"), effort=variant.get("effort"))
    return j


SINGLE_PATHS = {
    "defaults": single_path_journey(),
    "other_weights": single_path_journey(
        emotion={"peak": "worst", "w_pe": 0.4, "recency_decay": 0.3, "beta_p": 0.2},
        effort={"w_switch": 0.7, "w_transfer": 0.2, "w_wait_per_minute": 0.4},
    ),
    "handoff_reexplain_effort": single_path_journey(reexplain_effort=1.25),
    "no_call_reasons": single_path_journey(call_reasons=False),
}


@pytest.mark.parametrize("journey", SINGLE_PATHS.values(), ids=SINGLE_PATHS.keys())
def test_on_a_single_path_design_time_equals_flow_time(journey):
    assert design_flow_differences(journey) == ()
    table = design_vs_flow(journey, n_customers=500, seed=3)
    assert table.single_path and table.path_share == 1.0
    compared = 0
    for row in table.rows:
        if row.design is None:  # FCR: the designed steps name no outcome
            assert row.key == "fcr" and row.design_na is not None
            continue
        assert row.flow == pytest.approx(row.design, rel=REL, abs=REL), row.key
        compared += 1
    assert compared == len(METRICS) - 1
    # every simulated customer is the designed one
    mc = simulate(journey, 500, seed=3)
    for column in ("ces5", "effort_index", "j", "peak_end", "excess_wait_s", "wait_s"):
        assert np.ptp(mc.data[column]) == 0, column
    assert table.row("remembered").design == journey.evaluate().aggregate.score


def test_the_default_single_path_figures():
    """Channels web, phone, phone, email: 2 switches; one loss; one transfer; 2 min over."""
    table = design_vs_flow(SINGLE_PATHS["defaults"], n_customers=500, seed=3)
    got = {r.key: r.flow for r in table.rows}
    assert got["effort_index"] == pytest.approx(1 + 1.0 + 0.5 + 0.5 + 0.25 * 2)
    assert got["ces5"] == pytest.approx(3.5)
    # valences −4, −6 (the wait), 0, +3, 0, +3: peak −6, end +3
    assert got["remembered"] == pytest.approx(-1.5)
    assert got["fcr"] == 0.0  # four service contacts


def test_a_branch_or_a_wait_off_the_hand_offs_is_named():
    j = SINGLE_PATHS["defaults"]
    assert design_flow_differences(
        j.with_handoff("agent", "email", probability=0.6).with_handoff(
            "agent", "resolved", probability=0.4
        )
    ) == ("branches",)
    assert design_flow_differences(j.with_step(1, wait_s=240)) == ("waits",)
    # Example A's queue wait is on its step only: the compiled chain takes it (designed_waits)
    assert design_flow_differences(cx.load_journey("billing_inquiry")) == ("branches", "context")


def test_a_wait_designed_on_the_steps_only_enters_the_chain():
    j = SINGLE_PATHS["defaults"].with_handoff("web", "ivr", wait_s=0.0)
    assert design_flow_differences(j) == ()
    table = design_vs_flow(j, n_customers=500, seed=3)
    assert table.row("wait_s").flow == table.row("wait_s").design == 180.0
