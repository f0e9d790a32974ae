"""cxkit.roi.catalog: labels in English and Japanese, documented ranges, and every
initiative applies to every template without errors."""

from __future__ import annotations

import warnings

import pytest

import cxkit as cx
from cxkit.core.economics import Economics
from cxkit.core.errors import CxkitError
from cxkit.io.initiatives_io import check_initiatives
from cxkit.roi import CATALOG_IDS, apply_effects, catalog, evaluate
from cxkit.sim import exact

ECON = Economics(customers=100_000, margin_per_customer=12_000, contact_rate=0.3,
                 baseline_churn=0.15)  # fmt: skip


def test_ids_labels_and_descriptions_in_both_languages() -> None:
    en, ja = catalog("en"), catalog("ja")
    assert tuple(i.id for i in en) == CATALOG_IDS == tuple(i.id for i in ja)
    assert {
        "crm_integration",
        "cti_same_operator",
        "faq_knowledge_base",
        "talk_scripts_training",
        "operator_empowerment",
        "chat_channel",
        "sns_listening",
        "predictive_churn_outreach",
        "product_feedback_loop",
    } == set(CATALOG_IDS)
    for e, j in zip(en, ja, strict=True):
        assert e.label and j.label and e.label != j.label
        assert e.description and j.description and e.description != j.description
        assert any("\u3040" <= ch <= "\u9fff" for ch in j.label)  # kana or kanji
        assert e.effects == j.effects and e.cost_one_off == j.cost_one_off
        # every number is sourced or marked as an assumption
        assert "Source" in e.description or "[ASSUMPTION]" in e.description


def test_ranges_are_ordered_and_the_catalogue_is_valid_on_its_own() -> None:
    for ini in catalog():
        for eff in ini.effects:
            assert eff.low <= eff.mode <= eff.high, (ini.id, eff)
    assert [p for p in check_initiatives(catalog()) if p.severity == "error"] == []
    deps = {i.id: [p.id for p in i.prerequisites] for i in catalog()}
    assert deps["cti_same_operator"] == ["crm_integration"]
    assert deps["chat_channel"] == ["faq_knowledge_base"]
    assert deps["predictive_churn_outreach"] == ["crm_integration"]


def test_cost_scale_and_bad_arguments() -> None:
    half = catalog(cost_scale=0.5)
    full = catalog()
    for a, b in zip(half, full, strict=True):
        assert a.cost_one_off == b.cost_one_off / 2
        assert a.cost_per_period == b.cost_per_period / 2
    chat = next(i for i in half if i.id == "chat_channel")
    assert chat.add_touchpoints[0].cost_per_contact == 200.0
    with pytest.raises(CxkitError, match="`lang` must be 'en' or 'ja', got 'fr'"):
        catalog("fr")
    with pytest.raises(CxkitError, match="`cost_scale` must be a number > 0, got -1"):
        catalog(cost_scale=-1)


@pytest.mark.parametrize("name", cx.list_templates())
def test_the_catalogue_applies_to_every_template(name: str) -> None:
    j = cx.load_journey(name)
    ev = evaluate(j, catalog(), economics=j.economics or ECON, n_sims=100, seed=1)
    assert ev.ids == CATALOG_IDS
    for r in ev:
        assert r.npv_risk_adjusted.n == 100
        assert r.risk_adjusted.npv == r.risk_adjusted.npv  # not nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        everything = apply_effects(j, catalog())
    errors = [p.format() for p in everything.validate() if p.severity == "error"]
    assert errors == []
    result = exact(everything)
    assert sum(result.absorption.values()) == pytest.approx(1.0, abs=1e-9)


def test_catalogue_effects_by_hand_on_billing_inquiry() -> None:
    j = cx.load_journey("billing_inquiry")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        crm = apply_effects(j, catalog()[0])
    # web_faq → phone_queue is a channel switch: its carry-over goes to the mode 0.9
    assert crm.graph.handoff("web_faq", "phone_queue").context_carryover == 0.9
    # call-center handle time × 0.96
    assert crm.graph.touchpoint("agent").handle_time_s == pytest.approx(360 * 0.96)
    faq = apply_effects(j, catalog()[2])
    assert faq.graph.handoff("web_faq", "resolved").probability == pytest.approx(0.4 * 1.15)
    assert faq.graph.handoff("agent", "resolved").probability == pytest.approx(0.85 * 1.03)
    with pytest.warns(UserWarning) as record:
        sns = apply_effects(j, catalog()[6])
    assert any("'sns_listening' matches nothing" in str(w.message) for w in record)
    # no SNS touchpoint: agent → churn and web_faq's remainder to abandon are kept
    assert sns.graph == j.graph


def test_predictive_outreach_lowers_churn_through_economics() -> None:
    j = cx.load_journey("billing_inquiry")
    outreach = dict(zip(CATALOG_IDS, catalog(), strict=True))["predictive_churn_outreach"]
    ev = evaluate(j, [outreach], economics=ECON, n_sims=50, seed=1)
    assert ev["predictive_churn_outreach"].scenario.churn == pytest.approx(
        ev.baseline.churn * 0.97, rel=1e-12
    )
