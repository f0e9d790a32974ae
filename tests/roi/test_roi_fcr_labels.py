"""``cxkit roi`` labels the resolution classes truthfully: on a journey without an
outcome of kind ``resolved`` (a purchase journey) first-contact resolution does not
apply, and the text and JSON reports say so (en, ja) instead of "FCR/multi/unresolved"
shares that would read as a measurement."""

from __future__ import annotations

import json

import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.core.i18n import label
from cxkit.roi import evaluate

NA = {
    "en": "not applicable: no outcome of kind resolved",
    "ja": "該当なし: 「解決」の種類の結果がありません",
}


def run(capsys, *args: str) -> str:
    code = main(["roi", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_purchase_journey_says_fcr_does_not_apply_in_text(capsys, lang: str) -> None:
    out = run(capsys, "retail_omnichannel", "--sims", "200", "--lang", lang)
    lines = out.splitlines()
    classes, column = label("roi_fcr_classes", lang), label("roi_col_fcr", lang)
    churn, cost = label("roi_col_churn", lang), label("roi_col_cost", lang)
    baseline = next(line for line in lines if classes in line)
    assert f"{classes}: {NA[lang]}, " in baseline
    assert baseline.count("%") == 1  # the churn only: no resolution shares
    # the scenario table has no FCR column; one note says why
    assert f"  {column}: {NA[lang]}" in lines
    header_line = next(line for line in lines if cost in line and classes not in line)
    assert column not in header_line
    header = header_line.split()
    assert header[header.index(churn) :][:3] == [churn, cost, "CES"]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_purchase_journey_gives_null_and_a_reason_in_json(capsys, lang: str) -> None:
    doc = json.loads(run(capsys, "retail_omnichannel", "--sims", "200", "--lang", lang, "--json"))
    ev = doc["evaluation"]
    why = {"reason": "no_resolved_outcome", "message": NA[lang]}
    scenarios = [ev["baseline"]] + [r["scenario"] for r in ev["initiatives"]]
    assert len(scenarios) > 1
    for sc in scenarios:
        assert sc["fcr_shares"] is None
        assert sc["not_applicable"] == {"fcr_shares": why}


def test_a_journey_with_resolutions_keeps_its_shares(capsys) -> None:
    out = run(capsys, "roi_example_c", "--sims", "200")
    assert "FCR/multi/unresolved 70.0 % / 20.0 % / 10.0 %, " in out
    assert "not applicable: no outcome" not in out
    faq = next(line for line in out.splitlines() if line.startswith("  faq ") and "/" in line)
    assert "80.0/15.0/5.0" in faq
    doc = json.loads(run(capsys, "roi_example_c", "--sims", "200", "--json"))
    base = doc["evaluation"]["baseline"]
    assert base["fcr_shares"] == pytest.approx(
        {"fcr": 0.7, "multi_contact": 0.2, "unresolved": 0.1}, abs=1e-12
    )
    assert base["not_applicable"] == {}


def test_the_api_keeps_the_classes_model_v_a_values() -> None:
    j = cx.load_journey("retail_omnichannel")
    ev = evaluate(j, j.initiatives[:1], n_sims=50, seed=1)
    b = ev.baseline
    assert not b.fcr_applies
    assert b.not_applicable["fcr_shares"].reason == "no_resolved_outcome"
    # model V-A counts the outcomes with a positive value sign (here purchase) instead
    assert sum(b.fcr_shares) == pytest.approx(1.0, abs=1e-12)
    assert b.fcr_shares[0] + b.fcr_shares[1] == pytest.approx(
        sum(p for o, p in b.outcome_shares.items() if o == "purchase"), abs=1e-12
    )
    assert b.to_dict("ja")["not_applicable"]["fcr_shares"]["message"] == NA["ja"]
    assert evaluate(cx.load_journey("roi_example_c"), (), n_sims=50, seed=1).baseline.fcr_applies
