"""Initiatives that act where they say (issue 11, items 4–5).

Each catalogue effect selects the touchpoints, hand-offs and call reasons its
description names; an initiative whose selectors match nothing in a journey is valued
at exactly zero and reported; the product-feedback loop scales the arrivals of the
contact reasons that reach the call center; ``--catalog`` merges with a journey's own
initiatives (the journey's definition wins). Values, checked by hand.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.core.economics import (
    Distribution,
    Economics,
    Effect,
    EffectChange,
    Estimate,
    Initiative,
    Prerequisite,
)
from cxkit.core.errors import CxkitError, JourneyValidationError
from cxkit.io import loads_journey
from cxkit.roi import CATALOG_IDS, apply_effects, evaluate, roadmap
from cxkit.roi._scenario import compile_scenario
from cxkit.roi.catalog import catalog, merge_catalog
from cxkit.sim import exact

CATALOGUE = {i.id: i for i in catalog()}
TEMPLATES = Path(cx.__file__).parent / "templates" / "journeys"


def fixed(target: str, field: str | None, value: float, change: str = "set", **kw) -> Effect:
    return Effect(
        target, field, EffectChange(change), value, value, value, Distribution.FIXED, **kw
    )


def edges_of(c, op) -> list[tuple[str, str]]:
    names = list(c.tp_ids) + list(c.out_ids)
    return [(names[c.src[e]], names[c.tgt[e]]) for e in op.idx]


def quiet_apply(journey, initiatives, values=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return apply_effects(journey, initiatives, values)


# --------------------------------------------------------------------------- SNS listening


def test_sns_listening_on_a_journey_without_sns_is_worth_exactly_zero() -> None:
    # before issue 11: 209.35 M JPY at the mode, payback 0.44 quarters (every churn and
    # abandon hand-off of the journey was scaled)
    j = cx.load_journey("b2b_saas_onboarding")
    ev = evaluate(j, [CATALOGUE["sns_listening"]], n_sims=200, seed=1)
    r = ev["sns_listening"]
    assert r.applies is False
    assert ev.not_applicable == ("sns_listening",)
    assert r.summary.npv == 0.0 and r.risk_adjusted.npv == 0.0
    assert (r.npv.p10, r.npv.p50, r.npv.p90, r.npv.mean) == (0.0, 0.0, 0.0, 0.0)
    assert (r.npv_risk_adjusted.p10, r.npv_risk_adjusted.p90) == (0.0, 0.0)
    assert r.npv_risk_adjusted.prob_negative == 0.0
    assert r.benefits["total"] == 0.0 and set(r.benefit_flows) == {0.0}
    assert math.isnan(r.risk_adjusted.payback) and math.isnan(r.risk_adjusted.roi)
    assert r.npv_fan[-1] == (0.0, 0.0, 0.0)
    assert r.scenario == ev.baseline  # nothing changes
    note = (
        "initiative 'sns_listening' matches nothing in journey 'b2b_saas_onboarding' (no "
        "hand-off, touchpoint, step or call reason its effects name): valued at 0, not "
        "applicable"
    )
    assert note in r.warnings and note in ev.warnings
    doc = ev.to_dict()
    assert doc["not_applicable"] == ["sns_listening"]
    assert doc["initiatives"][0]["applies"] is False
    assert set(r.cost_flows) == {0.0}
    # what starting it would cost is kept for a roadmap that needs it as a prerequisite
    assert r.cost_schedule(2) == (6_000_000.0, 750_000.0)  # one-off, then 3 M a year / 4
    assert r.value_by_start(1)[0] < 0


def test_sns_listening_acts_only_on_handoffs_from_sns_touchpoints() -> None:
    j = cx.load_journey("complaint_recovery_ja")
    sns = CATALOGUE["sns_listening"]
    c = compile_scenario(j, [sns])
    churn, abandon, steps = c.ops
    assert edges_of(c, churn) == [("sns", "churn")]
    assert edges_of(c, abandon) == [("sns", "abandon")]  # the remainder of 'sns'
    assert bool(c.remainder[abandon.idx[0]])
    assert steps.kind == "step" and steps.idx.size == 0  # no designed SNS step
    s = quiet_apply(j, sns)
    g0, g1 = j.graph, s.graph
    # churn and the remainder × 0.92; escalation and flame share the rest
    assert g1.handoff("sns", "churn").probability == pytest.approx(0.15 * 0.92, abs=1e-15)
    assert g1.remainder("sns") == pytest.approx(0.2 * 0.92, abs=1e-12)
    rest = (1 - 0.15 * 0.92 - 0.2 * 0.92) / 0.65
    assert g1.handoff("sns", "escalation").probability == pytest.approx(0.5 * rest, abs=1e-15)
    assert g1.handoff("sns", "flame").probability == pytest.approx(0.15 * rest, abs=1e-15)
    # every other touchpoint keeps its hand-offs, churn and abandon included
    others = [h for h in g0.handoffs if h.source != "sns"]
    assert others == [h for h in g1.handoffs if h.source != "sns"]
    assert any(h.target == "churn" for h in others)


def test_sns_listening_includes_sub_channels_of_sns_and_their_steps() -> None:
    # retail: sns_reviews (sns) and line_oa (LINE, a sub-channel of sns) have no churn
    # hand-off; their remainders to abandon shrink and the designed SNS steps gain 0.5
    j = cx.load_journey("retail_omnichannel")
    c = compile_scenario(j, [CATALOGUE["sns_listening"]])
    churn, abandon, _ = c.ops
    assert edges_of(c, churn) == []
    assert edges_of(c, abandon) == [("sns_reviews", "abandon"), ("line_oa", "abandon")]
    s = quiet_apply(j, CATALOGUE["sns_listening"])
    assert s.graph.remainder("sns_reviews") == pytest.approx(0.5 * 0.92, abs=1e-12)
    changed = {
        (a.id, a.experience, b.experience) for a, b in zip(j.steps, s.steps, strict=True) if a != b
    }
    assert changed == {("read_reviews", 7.0, 7.5), ("follow_line", 8.0, 8.5)}
    untouched = [h for h in j.graph.handoffs if h.source not in ("sns_reviews", "line_oa")]
    assert untouched == [h for h in s.graph.handoffs if h.source not in ("sns_reviews", "line_oa")]


# --------------------------------------------------------------------- same-operator routing


def test_cti_acts_on_repeat_contacts_into_the_phone_only() -> None:
    j = cx.load_journey("subscription_support")
    cti = CATALOGUE["cti_same_operator"]
    (op,) = compile_scenario(j, [cti]).ops
    c = compile_scenario(j, [cti])
    # calls again (tier 1, tier 2), and tier 2 after the technician visit only tier 2
    # books; not IVR → agent, the transfer to tier 2, tier 2 → tier 1 (chat also leads
    # to tier 2) nor the first call from the web, chat or email
    assert edges_of(c, op) == [
        ("phone_agent", "phone_agent"),
        ("tech_support", "tech_support"),
        ("technician_visit", "tech_support"),
    ]
    s = quiet_apply(j, cti)
    repeat = {("phone_agent", "phone_agent"), ("tech_support", "tech_support"),
              ("technician_visit", "tech_support")}  # fmt: skip
    for h0, h1 in zip(j.graph.handoffs, s.graph.handoffs, strict=True):
        if h0.key in repeat:
            assert h1.context_carryover == 0.95  # raised from 0.4 / 0.5 / 0.5
        else:
            assert h1 == h0


def test_cti_on_example_b_and_on_journeys_without_repeat_calls() -> None:
    j = cx.load_journey("web_phone_faq")
    s = quiet_apply(j, CATALOGUE["cti_same_operator"], "low")
    assert s.graph.handoff("phone", "phone").context_carryover == 0.8
    assert s.graph.handoff("web", "phone").context_carryover == 0.0  # the first call
    # billing_inquiry: web → queue → agent, no way back: nothing to route
    c = compile_scenario(cx.load_journey("billing_inquiry"), [CATALOGUE["cti_same_operator"]])
    assert c.inapplicable == ("cti_same_operator",)


REPEAT_YAML = """
cxkit: 1
id: repeat_calls
channels:
  - {id: visit, name: Visit}
touchpoints:
  - {id: web, channel: web, kind: service}
  - {id: agent, channel: phone, kind: service}
  - {id: visit, channel: visit, kind: service}
  - {id: shop, channel: store, kind: service}
  - {id: tier2, channel: phone, kind: service}
outcomes:
  - {id: resolved, kind: resolved}
entry: {web: 0.7, shop: 0.3}
handoffs:
  - {from: web, to: agent, probability: 0.5, context_carryover: 0.0}
  - {from: web, to: resolved, probability: 0.5}
  - {from: agent, to: visit, probability: 0.3}
  - {from: agent, to: tier2, probability: 0.2, context_carryover: 0.5}
  - {from: agent, to: resolved, probability: 0.5}
  - {from: visit, to: agent, probability: 0.4, context_carryover: 0.2}
  - {from: visit, to: resolved, probability: 0.6}
  - {from: shop, to: tier2, probability: 0.5, context_carryover: 0.1}
  - {from: shop, to: resolved, probability: 0.5}
  - {from: tier2, to: agent, probability: 0.3, context_carryover: 0.9}
  - {from: tier2, to: tier2, probability: 0.1, context_carryover: 1.0}
  - {from: tier2, to: resolved, probability: 0.6}
"""


def test_repeat_only_is_a_return_to_a_touchpoint_every_path_went_through() -> None:
    j = loads_journey(REPEAT_YAML)
    ini = Initiative("r", effects=(fixed("handoffs:*->*", "context_carryover", 0.95,
                                         "at_least", repeat_only=True),))  # fmt: skip
    (op,) = compile_scenario(j, [ini]).ops
    c = compile_scenario(j, [ini])
    # visit is reached from agent only: visit → agent is a return; tier2 is also reached
    # from the shop, so tier2 → agent may be a first call; tier2 → tier2 calls again
    assert edges_of(c, op) == [("visit", "agent"), ("tier2", "tier2")]
    s = quiet_apply(j, ini)
    assert s.graph.handoff("visit", "agent").context_carryover == 0.95
    assert s.graph.handoff("tier2", "tier2").context_carryover == 1.0  # at_least: kept
    assert s.graph.handoff("tier2", "agent").context_carryover == 0.9
    assert s.graph.handoff("web", "agent").context_carryover == 0.0


def test_at_least_raises_a_carry_over_and_never_lowers_one() -> None:
    # CRM integration on b2b: before, 'set 0.9' lowered every kept context (κ = 1) on a
    # channel switch to 0.9 and its benefit was negative (−10,893 JPY a year)
    j = cx.load_journey("b2b_saas_onboarding")
    s = quiet_apply(j, CATALOGUE["crm_integration"])
    for h0, h1 in zip(j.graph.handoffs, s.graph.handoffs, strict=True):
        assert h1.context_carryover == max(h0.context_carryover, 0.9) or (
            h1.context_carryover == h0.context_carryover
        )
        assert h1.context_carryover >= h0.context_carryover
    assert s.graph.handoff("in_app_guide", "help_center").context_carryover == 0.9  # from 0
    assert s.graph.handoff("slack", "csm_call").context_carryover == 0.9  # unchanged
    assert s.graph.handoff("sales_demo", "contract").context_carryover == 1.0  # not lowered
    ev = evaluate(j, [CATALOGUE["crm_integration"]], n_sims=50, seed=1)
    assert ev["crm_integration"].benefits["cost_to_serve"] > 0


# ------------------------------------------------------------------ product-feedback loop

FEEDBACK_YAML = """
cxkit: 1
id: feedback
touchpoints:
  - {id: phone, channel: phone, kind: service, cost_per_contact: 600, handle_time_s: 360}
  - {id: web, channel: web, kind: service, cost_per_contact: 10}
  - {id: store, channel: store, kind: sales, cost_per_contact: 0}
outcomes:
  - {id: resolved, kind: resolved}
  - {id: purchase, kind: purchase}
  - {id: churn, kind: churn}
call_reasons:
  - {id: defect, share: 0.5, entry: {phone: 1.0}}
  - {id: question, share: 0.3, entry: {web: 1.0}}
  - {id: buy, share: 0.2, entry: {store: 1.0}}
handoffs:
  - {from: phone, to: resolved, probability: 0.8}
  - {from: phone, to: churn, probability: 0.2}
  - {from: web, to: resolved, probability: 1.0}
  - {from: store, to: purchase, probability: 0.9}
  - {from: store, to: phone, probability: 0.1}
"""


def test_product_feedback_loop_by_hand() -> None:
    # 'defect' starts at the phone; 'question' never reaches the call center; 'buy' does
    # reach it but is a purchase motive (starts at a sales touchpoint): only 'defect'
    # arrives less often, × 0.9
    j = loads_journey(FEEDBACK_YAML)
    loop = replace(
        CATALOGUE["product_feedback_loop"],
        effects=(fixed("reasons:@call_center", "arrival", 0.9, "multiply"),),
        ramp_up_periods=0,
    )
    c = compile_scenario(j, [loop])
    (op,) = c.ops
    assert op.kind == "reason" and op.idx.tolist() == [0]
    econ = Economics(
        customers=1000,
        margin_per_customer=100,
        contact_rate=0.5,
        phi=0.0,
        risk_benefit=0.0,
        risk_cost=0.0,
        cash_flow_period="year",
    )
    ev = evaluate(j, [loop], economics=econ, n_sims=20, seed=1)
    r = ev["product_feedback_loop"]
    # per journey: defect 600 + 0.2 churn; question 10; buy 0.1 × (600 + 0.2 churn)
    cost_b = 0.5 * 600 + 0.3 * 10 + 0.2 * 0.1 * 600
    assert ev.baseline.cost_per_journey == pytest.approx(cost_b, abs=1e-9)
    volume = 0.5 * 0.9 + 0.3 + 0.2  # journeys that still start, per baseline journey
    cost_s = (0.5 * 0.9 * 600 + 0.3 * 10 + 0.2 * 0.1 * 600) / volume
    assert r.scenario.cost_per_journey == pytest.approx(cost_s, abs=1e-9)
    lost_b = 0.5 * 0.2 + 0.2 * 0.1 * 0.2
    lost_s = (0.5 * 0.9 * 0.2 + 0.2 * 0.1 * 0.2) / volume
    assert r.scenario.outcome_shares["churn"] == pytest.approx(lost_s, abs=1e-12)
    # churn = p·(lost share) with φ = 0; the scenario has fewer journeys (p × volume)
    assert ev.baseline.churn == pytest.approx(0.5 * lost_b, abs=1e-12)
    assert r.scenario.churn == pytest.approx(0.5 * volume * lost_s, abs=1e-12)
    journeys = 1000 * 0.5
    saving = journeys * (cost_b - volume * cost_s)  # = 500 × 0.5 × 0.1 × 600 = 15,000
    assert saving == pytest.approx(15_000, abs=1e-9)
    assert r.benefits["cost_to_serve"] == pytest.approx(saving, abs=1e-6)
    # Δchurn = p·(lost_b − volume·lost_s) = 0.5 × 0.5 × 0.1 × 0.2 = 0.005 → × 1000 × 100
    retained = 0.5 * (lost_b - volume * lost_s) * 1000 * 100
    assert retained == pytest.approx(500, abs=1e-9)
    assert r.benefits["retained_margin"] == pytest.approx(retained, abs=1e-6)
    assert r.benefits["total"] == pytest.approx(15_500, abs=1e-6)
    # the object-level twin: the reasons' shares renormalised, the same journey metrics
    s = quiet_apply(j, loop)
    shares = {cr.id: cr.share for cr in s.graph.call_reasons}
    assert shares == pytest.approx({"defect": 0.45 / 0.95, "question": 0.3 / 0.95,
                                    "buy": 0.2 / 0.95}, abs=1e-15)  # fmt: skip
    assert exact(s).absorption["churn"] == pytest.approx(lost_s, abs=1e-12)


def test_product_feedback_loop_needs_contact_reasons_that_reach_the_call_center() -> None:
    loop = CATALOGUE["product_feedback_loop"]
    for name in ("b2b_saas_onboarding", "retail_omnichannel"):  # purchase motives only
        c = compile_scenario(cx.load_journey(name), [loop])
        assert c.inapplicable == ("product_feedback_loop",), name
    # subscription_support: all four reasons start at service touchpoints and can call
    c = compile_scenario(cx.load_journey("subscription_support"), [loop])
    assert c.ops[0].idx.tolist() == [0, 1, 2, 3]
    # a journey that declares no call reasons has one, its entry
    c = compile_scenario(cx.load_journey("roi_example_c"), [loop])
    assert c.ops[0].idx.tolist() == [0]


def test_product_feedback_loop_value_on_subscription_support_has_its_volume() -> None:
    j = cx.load_journey("subscription_support")
    loop = CATALOGUE["product_feedback_loop"]
    ev = evaluate(j, [loop], n_sims=300, seed=1)
    r = ev["product_feedback_loop"]
    # every reason arrives × 0.95 at the mode: the same mix, 5 % fewer journeys
    assert r.scenario.cost_per_journey == pytest.approx(ev.baseline.cost_per_journey, rel=1e-12)
    econ = j.economics
    saving = econ.journeys_per_period * 0.05 * ev.baseline.cost_per_journey
    assert r.benefits["cost_to_serve"] == pytest.approx(saving, rel=1e-9)
    assert r.npv.p10 < r.npv.p50 < r.npv.p90


# ------------------------------------------------------------------------------ the rule


def test_selectors_that_match_nothing_make_the_initiative_not_applicable() -> None:
    j = cx.load_journey("billing_inquiry")
    nothing = Initiative(
        "nothing",
        cost_one_off=10.0,
        effects=(fixed("handoffs:@sns->*", "probability", 0.5, "multiply"),
                 fixed("touchpoints:@store", "cost_per_contact", 0.5, "multiply")),
    )  # fmt: skip
    partly = replace(
        nothing,
        id="partly",
        effects=(
            *nothing.effects,
            fixed("touchpoints:@phone", "cost_per_contact", 0.5, "multiply"),
        ),
    )
    econ_only = Initiative(
        "econ", cost_one_off=10.0, effects=(fixed("economics:churn", None, 0.9, "multiply"),)
    )
    case = Initiative("case", cost_one_off=10.0, effects=nothing.effects, npv=Estimate.fixed(5.0))
    empty = Initiative("empty", cost_one_off=10.0)
    c = compile_scenario(j, [nothing, partly, econ_only, case, empty])
    assert c.inapplicable == ("nothing",)
    econ = Economics(customers=100, margin_per_customer=10, risk_cost=0.0)
    ev = evaluate(j, [nothing, partly, econ_only, case, empty], economics=econ, n_sims=30, seed=1)
    assert ev.not_applicable == ("nothing",)
    assert ev["nothing"].summary.npv == 0.0
    assert ev["empty"].summary.npv == -10.0  # no selector: a cost without effects
    assert ev["case"].summary.npv == 5.0  # a business case keeps its NPV


def test_the_roadmap_leaves_out_what_does_not_apply_unless_it_is_required() -> None:
    j = cx.load_journey("billing_inquiry")
    econ = Economics(customers=1000, margin_per_customer=100, contact_rate=0.3,
                     baseline_churn=0.1, risk_benefit=0.0, risk_cost=0.0)  # fmt: skip
    na = Initiative(
        "na",
        cost_one_off=50.0,
        effects=(fixed("handoffs:@sns->*", "probability", 0.5, "multiply"),),
    )
    churn = Initiative(
        "churn", cost_one_off=10.0, effects=(fixed("economics:churn", None, 0.9, "multiply"),)
    )
    plan = roadmap(j, [na, churn], economics=econ, budget=[100, 100], n_sims=20, seed=1)
    assert plan.not_applicable == ("na",) and plan.starts == {"churn": 1}
    assert "na" not in plan.values and plan.to_dict()["not_applicable"] == ["na"]
    # required by an initiative that applies: planned first, at its cost, worth nothing else
    needs = replace(churn, prerequisites=(Prerequisite("na", 1),))
    plan = roadmap(j, [na, needs], economics=econ, budget=[100, 100], n_sims=20, seed=1)
    assert plan.not_applicable == () and plan.starts == {"na": 1, "churn": 2}
    assert plan.values["na"][0] == pytest.approx(-50.0, abs=1e-9)
    assert plan.plan.spend_per_quarter[0] == 50.0
    assert plan.joint.mean == pytest.approx(plan.additive_value, rel=1e-12)


@pytest.mark.parametrize(
    ("effect", "fragment"),
    [
        (fixed("reasons:=churn", "arrival", 0.9, "multiply"), "not by an outcome kind"),
        (
            fixed("reasons:billing", "share", 0.9, "multiply"),
            "cannot (change a call reason|be changed on a reasons)",
        ),
        (fixed("reasons:biling", "arrival", 0.9, "multiply"), "did you mean 'billing'"),
        (fixed("economics:churn", None, 0.9, "at_least"), "'at_least' does not apply"),
    ],
)
def test_bad_selectors_get_a_clear_error(effect: Effect, fragment: str) -> None:
    j = cx.load_journey("billing_inquiry")
    ini = Initiative("bad", effects=(effect,))
    with pytest.raises(CxkitError, match=fragment):
        compile_scenario(j, [ini])
    with pytest.raises((CxkitError, JourneyValidationError), match=fragment):
        evaluate(j, [ini], n_sims=10, seed=1)


def test_repeat_only_and_at_least_in_an_initiatives_file(tmp_path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "cxkit: 1\ninitiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'handoffs:*->@phone', field: context_carryover, change: at_least, "
        "low: 0.8, mode: 0.9, high: 1.0, repeat_only: true}\n",
        encoding="utf-8",
    )
    (ini,), _ = cx.roi.load_initiatives(good)
    assert ini.effects[0].repeat_only and ini.effects[0].change == EffectChange.AT_LEAST
    from cxkit.io.initiatives_io import dumps_initiatives, loads_initiatives

    assert loads_initiatives(dumps_initiatives([ini]))[0] == (ini,)  # lossless
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace("'handoffs:*->@phone'", "'touchpoints:@phone'"),
        encoding="utf-8",
    )
    with pytest.raises(JourneyValidationError, match=r"bad.yaml:5:10: .*repeat_only filter"):
        cx.roi.load_initiatives(bad)


# --------------------------------------------------------------------------- merge rule


def test_merge_catalog_keeps_the_journeys_own_definition() -> None:
    own = cx.load_journey("subscription_support").initiatives
    merged, replaced = merge_catalog(own, catalog())
    assert replaced == ("cti_same_operator", "operator_empowerment")
    ids = [i.id for i in merged]
    assert ids[: len(own)] == [i.id for i in own]
    assert ids[len(own) :] == [i for i in CATALOG_IDS if i not in replaced]
    by_id = {i.id: i for i in merged}
    assert by_id["cti_same_operator"] is next(i for i in own if i.id == "cti_same_operator")
    with pytest.raises(CxkitError, match="initiative id 'a' is given twice"):
        merge_catalog([Initiative("a"), Initiative("a")])
    with pytest.raises(CxkitError, match="must hold Initiative objects, got 'crm'"):
        merge_catalog(["crm"])  # type: ignore[list-item]


def test_every_template_is_a_test_case() -> None:
    files = sorted(p.stem for p in TEMPLATES.glob("*.yaml"))
    assert files == sorted(cx.list_templates())


@pytest.mark.parametrize("name", sorted(cx.list_templates()))
def test_roi_catalog_on_every_template(capsys, name: str) -> None:
    code = main(["roi", name, "--catalog", "--sims", "100", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    j = cx.load_journey(name)
    own = [i.id for i in j.initiatives]
    replaced = [i for i in CATALOG_IDS if i in own]
    assert doc["catalog"] == {
        "added": [i for i in CATALOG_IDS if i not in own],
        "replaced": replaced,
    }
    ev = doc["evaluation"]
    assert [i["id"] for i in ev["initiatives"]] == own + doc["catalog"]["added"]
    # the journey's own definition is the one evaluated
    for i in ev["initiatives"]:
        if i["id"] in replaced:
            assert i["label"] == next(x.label or x.id for x in j.initiatives if x.id == i["id"])
    # not applicable: valued at exactly 0 and listed
    for i in ev["initiatives"]:
        if not i["applies"]:
            assert i["summary"]["npv"] == 0 and i["npv_risk_adjusted"]["p90"] == 0
    assert ev["not_applicable"] == [i["id"] for i in ev["initiatives"] if not i["applies"]]
    # the text report names the replaced entries once
    assert main(["roi", name, "--catalog", "--sims", "100"]) == 0
    text = capsys.readouterr().out
    kept = "catalogue entries not added because the journey (or the initiatives file)"
    assert text.count(kept) == (1 if replaced else 0)
    for iid in ev["not_applicable"]:
        assert f"{iid} (n/a)" in text


def test_the_cli_warns_in_japanese_too(capsys) -> None:
    assert main(["roi", "b2b_saas_onboarding", "--catalog", "--sims", "50", "--lang", "ja"]) == 0
    text = capsys.readouterr().out
    assert "sns_listening (対象外)" in text
    assert "このジャーニーには対象外 (価値0):" in text


def test_sns_listening_npv_on_b2b_before_and_after(capsys) -> None:
    assert main(["roi", "b2b_saas_onboarding", "--catalog", "--sims", "200", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    sns = next(i for i in doc["evaluation"]["initiatives"] if i["id"] == "sns_listening")
    assert sns["summary"]["npv"] == 0 and sns["applies"] is False
    assert "sns_listening" not in doc["roadmap"]["starts"]
    assert "sns_listening" in doc["roadmap"]["not_applicable"]
    assert np.isfinite(doc["evaluation"]["baseline"]["cost_per_journey"])
