"""``cxkit roi``: Example C through the command line (main() and the installed entry
point), the JSON contract and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

import cxkit as cx
from cxkit import __version__
from cxkit.cli import main
from cxkit.io import dump_journey

C2 = """\
cxkit: 1
initiatives:
  - id: fcr_file_case
    label: FCR programme business case (model reference Example C2–C3)
    cost_one_off: 50000
    cost_per_period: 5000
    benefit_per_period: {low: 20000, mode: 30000, high: 40000}
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["roi", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_example_c_report(capsys) -> None:
    code, out, err = run(capsys, "roi_example_c", "--sims", "500")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "ROI roadmap — roi_example_c"
    assert any(line.startswith("  Percentiles: P10/P50/P90 = 10th/50th/90th") for line in lines)
    # C1: the FCR initiative's scenario
    faq = next(line for line in lines if line.startswith("  faq ") and "%" in line and "/" in line)
    assert "19.4 %" in faq and "80.0/15.0/5.0" in faq and "30,000" in faq
    assert "Baseline: Churn per period (year) 20.0 %" in out
    assert "CLV 266.67" in out
    # C4: the roadmap
    assert "  Q1  crm, faq  [Spend 100 / 100 (binding)]" in lines
    assert "  Q2  chat  [Spend 50 / 60]" in lines
    assert "  Not selected: cti, fcr_case" in lines
    assert "  Additive estimate Σ V = 224" in lines
    assert "Interaction gap 0 (+0.0 %)" in out


def _assert_c2_c3(case: dict) -> None:
    """Model reference Example C2 (cash-flow metrics, TEI) and C3 (Monte Carlo NPV), from JSON."""
    from cxkit.roi.finance import summarize_cash_flows

    assert case["cash_flow_period"] == "year"
    assert case["discount_rate_per_period"] == pytest.approx(0.10)
    assert case["benefit_flows"] == pytest.approx([0, 30_000, 30_000, 30_000])
    assert case["cost_flows"] == pytest.approx([50_000, 5_000, 5_000, 5_000])
    s = case["summary"]
    assert s["npv"] == pytest.approx(12_171.30, abs=0.01)
    assert s["roi"] == pytest.approx(0.19495, abs=1e-5)
    assert s["irr"] == pytest.approx(0.23375, abs=1e-5)
    assert (round(s["payback"], 3), round(s["discounted_payback"], 3)) == (2.0, 2.352)
    # TEI with the economics' ρ_B 0.10, ρ_C 0.05 — and, from the same flows, ρ_C 0
    assert case["risk_adjusted"]["npv"] == pytest.approx(1_589.03, abs=0.01)
    tei0 = summarize_cash_flows(case["benefit_flows"], case["cost_flows"], 0.10, 0.10, 0.0)
    assert tei0.npv == pytest.approx(4_710.74, abs=0.01)
    assert tei0.roi == pytest.approx(0.07545, abs=1e-5)
    tol = 0.005 * 20_000 * 2.486852  # Model reference Example C3: 0.5 % of the NPV range
    npv = case["npv"]
    assert abs(npv["p10"] - -1_575.68) < tol
    assert abs(npv["p50"] - 12_171.30) < tol
    assert abs(npv["p90"] - 25_918.28) < tol
    assert abs(npv["prob_negative"] - 0.130343) < 0.005


def test_example_c1_to_c4_from_the_template_alone(capsys) -> None:
    # no --initiatives, no --periods: the template's yearly business case gives C2/C3
    code, out, err = run(capsys, "roi_example_c", "--sims", "200000", "--seed", "12345", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc)[:3] == ["cxkit", "command", "journey"]
    assert (doc["cxkit"], doc["command"], doc["journey"]) == (__version__, "roi", "roi_example_c")
    ev = doc["evaluation"]
    assert ev["period"] == "quarter"
    assert ev["percentile_convention"].startswith("P10/P50/P90 = 10th/50th/90th percentile")
    by_id = {i["id"]: i for i in ev["initiatives"]}
    assert list(by_id) == ["crm", "cti", "faq", "chat", "fcr_case"]
    # C1: the FCR initiative's scenario and its retained margin
    faq = by_id["faq"]
    assert faq["scenario"]["churn"] == pytest.approx(0.194, abs=1e-12)
    assert faq["benefits_per_period"]["retained_margin"] == pytest.approx(30_000)
    assert faq["benefits_per_period"]["conversion"] == 0.0  # no value_per_outcome
    _assert_c2_c3(by_id["fcr_case"])
    # C4: the quarterly roadmap is unchanged by the (unaffordable) business case
    rm = doc["roadmap"]
    assert rm["starts"] == {"crm": 1, "faq": 1, "chat": 2}
    assert rm["by_period"] == {"Q1": ["crm", "faq"], "Q2": ["chat"]}
    assert rm["value"] == pytest.approx(224.0)
    # non-finite numbers are null: a business-case NPV has no payback
    assert by_id["crm"]["summary"]["payback"] is None


def test_example_c2_c3_through_an_initiatives_file(capsys, tmp_path) -> None:
    path = tmp_path / "c2.yaml"
    path.write_text(C2, encoding="utf-8")
    args = ["roi_example_c", "--initiatives", str(path), "--periods", "year"]
    code, out, err = run(capsys, *args, "--sims", "200000", "--seed", "12345", "--json")
    assert code == 0, err
    doc = json.loads(out)
    by_id = {i["id"]: i for i in doc["evaluation"]["initiatives"]}
    _assert_c2_c3(by_id["fcr_file_case"])
    # C4 with yearly slots: the same plan, labelled Y1/Y2
    rm = doc["roadmap"]
    assert rm["starts"] == {"crm": 1, "faq": 1, "chat": 2}
    assert rm["by_period"] == {"Y1": ["crm", "faq"], "Y2": ["chat"]}
    assert rm["value"] == pytest.approx(224.0)


def test_catalogue_on_a_journey_with_economics_from_a_file(capsys, tmp_path) -> None:
    path = tmp_path / "econ.yaml"
    path.write_text(
        "cxkit: 1\neconomics: {customers: 100000, margin_per_customer: 12000, "
        "contact_rate: 0.3, baseline_churn: 0.12, budgets: [40000000, 20000000]}\n"
        "initiatives: []\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "billing_inquiry", "--catalog", "--initiatives", str(path), "--sims", "300",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    ids = [i["id"] for i in doc["evaluation"]["initiatives"]]
    assert ids[0] == "crm_integration" and len(ids) == 9
    # no SNS touchpoint, no repeat call into the phone: valued at 0 and listed
    assert doc["evaluation"]["not_applicable"] == ["cti_same_operator", "sns_listening"]
    assert doc["catalog"] == {"added": ids, "replaced": []}
    plan = doc["roadmap"]
    pairs = zip(plan["spend_per_period"], plan["budget_per_period"], strict=True)
    assert all(s <= b + 1e-6 for s, b in pairs)


def test_japanese_report(capsys) -> None:
    code, out, _ = run(capsys, "roi_example_c", "--sims", "200", "--lang", "ja")
    assert code == 0
    assert out.startswith("ROIロードマップ — roi_example_c")
    assert "選ばれたロードマップ" in out and "選ばれなかった施策: cti" in out


def test_no_budget_means_no_roadmap(capsys, tmp_path) -> None:
    # the template's economics without its budgets
    path = tmp_path / "econ.yaml"
    path.write_text(
        "cxkit: 1\neconomics: {customers: 1200000, margin_per_customer: 18000, "
        "contact_rate: 0.35, baseline_churn: 0.12}\ninitiatives: []\n",
        encoding="utf-8",
    )
    args = ("subscription_support", "--initiatives", str(path), "--sims", "100")
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "(no roadmap: pass --budget 100,60 or set economics.budgets)" in out
    code, out, _ = run(capsys, *args, "--json")
    assert json.loads(out)["roadmap"] is None


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["billing_inquiri"], 1, "did you mean 'billing_inquiry'?"),
        (["billing_inquiry"], 1, "has no initiatives: add an 'initiatives:' block"),
        (["roi_example_c", "--budget", "100,x"], 2, "expected numbers separated by commas"),
        (["roi_example_c", "--budget", "100,-5"], 1, "`budget[1]` must be a finite amount ≥ 0"),
        (["roi_example_c", "--initiatives", "missing.yaml"], 1, "missing.yaml: no such file"),
        (["roi_example_c", "--sims", "0"], 2, "0 is not in the range x>=1"),
        (["roi_example_c", "--churn-model", "ces"], 2, "'ces' is not one of"),
    ],
)
def test_errors(capsys, args, code, fragment) -> None:
    got, _, err = run(capsys, *args)
    assert got == code
    assert fragment in err
    assert "Traceback" not in err
    if code == 1:
        assert err.startswith("cxkit: error: ")


def test_catalogue_on_a_journey_without_economics(capsys, tmp_path) -> None:
    path = tmp_path / "no_economics.yaml"
    path.write_text(
        dump_journey(replace(cx.load_journey("billing_inquiry"), economics=None)),
        encoding="utf-8",
    )
    code, _, err = run(capsys, str(path), "--catalog")
    assert code == 1
    assert "has no economics: add an 'economics:' block" in err
    assert "Traceback" not in err


def test_duplicate_ids_between_sources(capsys, tmp_path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("cxkit: 1\ninitiatives:\n  - id: crm\n", encoding="utf-8")
    code, _, err = run(capsys, "roi_example_c", "--initiatives", str(path))
    assert code == 1
    assert "initiative id 'crm' is given twice (in the journey and --initiatives)" in err


def test_the_installed_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cxkit", "roi", "roi_example_c", "--sims", "300", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["roadmap"]["starts"] == {"crm": 1, "faq": 1, "chat": 2}
    bad = subprocess.run(
        [sys.executable, "-m", "cxkit", "roi", "roi_example_c", "--budget", "-1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("cxkit: error: `budget[0]` must be a finite amount ≥ 0")


def test_an_initiative_with_yearly_cash_flows_shows_its_payback_in_years(capsys):
    from cxkit.cli import main

    assert main(["roi", "roi_example_c", "--sims", "500", "--seed", "1"]) == 0
    row = next(
        line
        for line in capsys.readouterr().out.splitlines()
        if line.strip().startswith("fcr_case") and "NPV" in line
    )
    assert row.split()[-2:] == ["2.00", "y"] or row.rstrip().endswith("2.35 y")
    assert "2.00 y" in row
