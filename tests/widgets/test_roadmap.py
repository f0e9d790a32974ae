"""RoadmapPlanner: toggles, budgets and effect ranges drive cxkit.roi.roadmap."""

from __future__ import annotations

import html
import importlib.util
import json
import math

import pytest

import cxkit as cx
from cxkit.widgets import RoadmapPlanner

SIMS = 200


@pytest.fixture
def example_c():
    return cx.load_journey("roi_example_c")


@pytest.fixture
def planner(example_c):
    return RoadmapPlanner(example_c, n_sims=SIMS, seed=1)


def reference(journey, ids, budget, **kwargs):
    return cx.roi.roadmap(journey, ids, budget=budget, n_sims=SIMS, seed=1, **kwargs)


def test_the_first_plan_is_example_c4(planner, example_c):
    assert planner.budget == (100.0, 60.0)
    assert planner.plan.starts == {"crm": 1, "faq": 1, "chat": 2}
    assert planner.plan.value == pytest.approx(224.0)
    assert planner.plan.starts == reference(example_c, None, [100, 60]).starts
    # roi_example_c also carries C2's yearly business case, too costly for C4's budgets
    assert [r["id"] for r in planner.table()] == ["crm", "cti", "faq", "chat", "fcr_case"]
    assert {r["id"]: r["start"] for r in planner.table()} == {
        "crm": 1,
        "cti": None,
        "faq": 1,
        "chat": 2,
        "fcr_case": None,
    }


def test_a_checkbox_switches_an_initiative_off_and_on(planner, example_c):
    planner._checks["chat"].value = False
    assert planner.enabled["chat"] is False
    assert planner.plan.starts == reference(example_c, ["crm", "cti", "faq"], [100, 60]).starts
    assert planner.plan.starts == {"crm": 1, "faq": 1, "cti": 2}
    assert "chat" not in [r["id"] for r in planner.table()]
    planner._checks["chat"].value = True
    assert planner.plan.starts == {"crm": 1, "faq": 1, "chat": 2}


def test_a_prerequisite_switched_off_drops_its_dependents_with_a_note(planner):
    planner.toggle("crm", False)
    assert planner.plan is not None and planner.plan.starts == {"faq": 1, "chat": 2}
    assert planner.status == "Left out because a prerequisite is switched off: cti (needs crm)"
    reasons = planner.reasons()
    assert (reasons["crm"].code, reasons["cti"].code) == (
        "not_selected",
        "prerequisite_not_selected",
    )
    assert reasons["cti"].ids == ("crm",)
    crm = planner.initiative("crm").label
    msg = planner.reason_messages()["cti"]
    assert msg == f"left out: its prerequisite {crm} is not selected"
    assert html.escape(msg) in planner._reasons.value
    planner.toggle("cti", False)
    assert "crm" not in planner.plan.starts and "cti" not in planner.plan.starts
    assert planner.reasons()["cti"].code == "not_selected"


def test_unticking_crm_integration_keeps_the_retail_plan():
    j = cx.load_journey("retail_omnichannel")
    rp = RoadmapPlanner(j, budget=[60e6, 30e6, 30e6, 30e6], n_sims=SIMS, seed=1)
    rp._checks["crm_integration"].value = False
    assert rp.plan is not None and rp.plan.schedule
    assert "crm_integration" not in rp.plan.starts and "delivery_eta" not in rp.plan.starts
    assert "delivery_eta (needs crm_integration)" in rp.status
    # the charts draw the plan, not "no initiative adds value"
    ids = {r["id"] for rows in rp.gantt.spec["datasets"].values() for r in rows if "id" in r}
    assert ids == set(rp.plan.starts)
    # every initiative not scheduled has a reason, shown in the widget
    unscheduled = [i.id for i in rp.initiatives if i.id not in rp.plan.starts]
    assert list(rp.reasons()) == unscheduled
    assert rp._reasons.value.count("<tr>") == len(unscheduled) + 1
    rp.close()


def test_the_japanese_planner_explains_and_flags(ja_planner):
    rp = ja_planner
    assert "predictive_churn_outreach" not in rp.plan.starts
    msg = rp.reason_messages()["predictive_churn_outreach"]
    assert msg.startswith("予算超過") and "CRM統合" in msg
    assert "外れ値" in rp._table.value and "解約予測にもとづく先回りの連絡" in rp._reasons.value
    assert set(rp.outliers()) == {"predictive_churn_outreach"}


@pytest.fixture
def ja_planner():
    j = cx.load_journey("complaint_recovery_ja")
    rp = RoadmapPlanner(
        j, [*j.initiatives, *cx.roi.catalog("ja")], budget=[20e6] * 4, n_sims=SIMS, lang="ja"
    )
    yield rp
    rp.close()


def test_budget_fields_replan(planner, example_c):
    planner._budget_fields[1].value = 0.0
    assert planner.budget == (100.0, 0.0)
    assert planner.plan.starts == reference(example_c, None, [100, 0]).starts
    planner.set_budget(1000)
    assert planner.budget == (1000.0, 1000.0)
    assert [f.value for f in planner._budget_fields] == [1000.0, 1000.0]
    assert planner.plan.starts == reference(example_c, None, [1000, 1000]).starts


def test_nothing_switched_on_or_nothing_affordable(planner):
    planner.set_budget([0, 0])
    assert planner.plan.schedule == ()
    assert planner.status.startswith("No selected initiative adds value")
    assert planner.fan.spec["layer"][0]["mark"]["type"] == "text"
    assert math.isinf(planner.payback())


def test_charts_show_the_plan(planner):
    plan = planner.plan
    fan = planner.fan.spec
    fan_rows = next(rows for rows in fan["datasets"].values() if rows and "p50" in rows[0])
    assert [r["p50"] for r in fan_rows] == pytest.approx([x[1] for x in plan.joint_fan])
    gantt = planner.gantt.spec
    ids = {r["id"] for rows in gantt["datasets"].values() for r in rows if "id" in r}
    assert ids == set(plan.starts)
    planner.toggle("chat", False)
    assert {
        r["id"] for rows in planner.gantt.spec["datasets"].values() for r in rows if "id" in r
    } == set(planner.plan.starts)


@pytest.mark.skipif(
    importlib.util.find_spec("cxkit.viz.roi") is None, reason="cxkit.viz.roi not installed"
)
def test_the_charts_are_cxkit_viz_roi(planner):
    import cxkit.viz.roi as viz_roi

    assert planner._charts == "cxkit.viz.roi"
    assert planner.fan.spec == viz_roi.npv_fan(planner.plan).to_dict(validate=False)
    assert planner.gantt.spec == viz_roi.roadmap_gantt(planner.plan).to_dict(validate=False)


def test_the_stand_in_charts_draw_the_same_plan(planner):
    from cxkit.widgets import _roi_charts

    fan = _roi_charts.npv_fan(planner.plan).to_dict()
    rows = next(r for r in fan["datasets"].values() if r and "p50" in r[0])
    assert [r["p50"] for r in rows] == pytest.approx([x[1] for x in planner.plan.joint_fan])
    gantt = _roi_charts.roadmap_gantt(planner.plan, lang="ja").to_dict()
    ids = {r["id"] for rows in gantt["datasets"].values() for r in rows if "id" in r}
    assert ids == set(planner.plan.starts)


def test_an_effect_range_is_revalued(example_c):
    j = cx.load_journey("subscription_support")
    rp = RoadmapPlanner(j, n_sims=SIMS, seed=2)
    ini = rp.initiative("operator_empowerment")
    k = 0
    e = ini.effects[k]
    before = next(r for r in rp.table() if r["id"] == ini.id)["p50"]
    rp._effect.value = (ini.id, k)
    assert (rp._low.value, rp._mode.value, rp._high.value) == (e.low, e.mode, e.high)
    # the same effect at its low end everywhere: a smaller change, another NPV
    rp._mode.value = e.low
    rp._high.value = e.low
    rp._apply.click()
    changed = rp.initiative(ini.id).effects[k]
    assert (changed.low, changed.mode, changed.high) == (e.low, e.low, e.low)
    assert j.initiatives[[i.id for i in j.initiatives].index(ini.id)].effects[k] == e
    after = next(r for r in rp.table() if r["id"] == ini.id)["p50"]
    assert after != before
    ref = cx.roi.evaluate(j, list(rp.initiatives), n_sims=SIMS, seed=2)[ini.id]
    assert after == ref.npv_risk_adjusted.p50


def _plan_facts(plan):
    return (
        [(s.id, s.start) for s in plan.schedule],
        plan.joint.p10,
        plan.joint.p50,
        plan.joint.p90,
        plan.joint_fan,
    )


def test_revaluing_one_initiative_gives_the_full_evaluation(example_c):
    j = cx.load_journey("subscription_support")
    rp = RoadmapPlanner(j, n_sims=SIMS, seed=2)
    kept = {r.id: r for r in rp.evaluation.initiatives}
    edited = ("operator_empowerment", rp.initiatives[0].id)
    for iid, scale in zip(edited, (0.5, 0.8), strict=True):
        k = 0
        e = rp.initiative(iid).effects[k]
        lo, hi = sorted((e.low * scale, e.high * scale))
        rp.set_effect(iid, k, low=lo, mode=min(max(e.mode * scale, lo), hi), high=hi)
    full = cx.roi.evaluate(j, list(rp.initiatives), n_sims=SIMS, seed=2)
    assert rp.evaluation.to_dict() == full.to_dict()
    # only the edited initiatives were valued again: the others' results are the same objects
    same = {r.id: r is kept[r.id] for r in rp.evaluation.initiatives}
    assert same == {i.id: i.id not in edited for i in rp.initiatives}
    # and the plan is the one planned from scratch
    ref = cx.roi.roadmap(
        j, list(rp.initiatives), budget=list(rp.budget), n_sims=SIMS, seed=2, evaluation=full
    )
    assert _plan_facts(rp.plan) == _plan_facts(ref)


def test_context_warnings_make_the_planner_value_everything_again():
    class Result:
        def __init__(self, id, warnings=()):
            self.id, self.warnings = id, warnings

    class Ev:
        def __init__(self, results, warnings):
            self.initiatives, self.warnings = results, warnings

    old = Ev((Result("a", ("wa",)), Result("b")), ("wa",))
    assert RoadmapPlanner._merge(old, Ev((Result("b"),), ("churn clipped",))) is None
    clipped = Ev((Result("a"), Result("b")), ("churn clipped",))
    assert RoadmapPlanner._merge(clipped, Ev((Result("b"),), ())) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda rp: rp.toggle("crn"), r"unknown initiative 'crn'; did you mean 'crm'\?"),
        (lambda rp: rp.set_budget([100, -1]), r"`budget\[1\]` must be an amount ≥ 0, got -1"),
        (lambda rp: rp.set_budget("lots"), r"`budget` must be a number or a list of numbers"),
        (lambda rp: rp.set_effect("faq", 5), r"`effect` must be an index from 0 to"),
        (
            lambda rp: rp.set_effect("faq", 0, low=0.9, mode=0.1),
            r"needs low ≤ mode ≤ high, got 0.9 / 0.1 /",
        ),
    ],
)
def test_bad_inputs(planner, call, message):
    with pytest.raises(cx.CxkitError, match=message):
        call(planner)


def test_a_journey_without_economics_is_refused():
    from dataclasses import replace

    with pytest.raises(cx.CxkitError, match="has no economics"):
        RoadmapPlanner(replace(cx.load_journey("billing_inquiry"), economics=None))


@pytest.mark.parametrize(
    ("lang", "na", "note"),
    [
        ("en", "(n/a)", "Not applicable to this journey (valued at 0): sns_listening"),
        ("ja", "(対象外)", "このジャーニーには対象外 (価値0): sns_listening"),
    ],
)
def test_initiatives_that_match_nothing_are_noted(lang, na, note):
    # b2b_saas_onboarding has no SNS touchpoint: SNS listening is valued at 0 and noted
    j = cx.load_journey("b2b_saas_onboarding")
    from cxkit.roi.catalog import catalog  # cx.roi.catalog is the module in a doctest run

    sns = next(i for i in catalog(lang) if i.id == "sns_listening")
    rp = RoadmapPlanner(j, [*j.initiatives, sns], n_sims=SIMS, lang=lang)
    assert rp.evaluation.not_applicable == ("sns_listening",)
    assert rp.not_applicable_note().startswith(note)
    assert note in rp._table.value and f"{sns.label} {na}" in rp._table.value
    row = next(r for r in rp.table() if r["id"] == "sns_listening")
    assert row["applies"] is False and (row["p10"], row["p50"], row["p90"]) == (0.0, 0.0, 0.0)
    assert "sns_listening" not in rp.plan.starts
    rp.toggle("sns_listening", False)
    assert rp.not_applicable_note() == "" and "cxkit-not-applicable" not in rp._table.value


def test_japanese_labels(example_c):
    rp = RoadmapPlanner(example_c, n_sims=SIMS, lang="ja")
    assert "施策" in rp._table.value
    assert rp._apply.description == "適用"
    assert "NPVの推移 (P10〜P90)" in json.dumps(rp.fan.spec, ensure_ascii=False)
