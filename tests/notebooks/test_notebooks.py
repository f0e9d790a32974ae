"""Every notebook under ``notebooks/`` runs top to bottom and shows the right numbers.

The notebooks are executed with nbclient in a ``python3`` kernel that is pinned to
the Python running the tests (a kernelspec written to a temporary folder placed
first on ``JUPYTER_PATH``), so a user-level ``python3`` kernelspec pointing at
another interpreter cannot hijack the run. Each notebook's printed values are
checked against cxkit computed here, in the test process, and the widgets' state
saved by nbclient is checked too (the journey map a JourneyEditor drew, …).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

import cxkit as cx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "00_workshop.ipynb",
    "01_design_journey.ipynb",
    "02_simulate_handoffs.ipynb",
    "03_roi_roadmap.ipynb",
    "04_learn_from_events.ipynb",
    "05_workshop_ja.ipynb",
    "06_loyalty_and_voc.ipynb",
    "06_loyalty_and_voc_ja.ipynb",
]


def _outputs_text(nb) -> str:
    """All text a notebook printed or displayed (stream, plain-text and HTML results)."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                parts.append(str(out.data.get("text/plain", "")))
                parts.append(str(out.data.get("text/html", "")))
                parts.append(str(out.data.get("text/markdown", "")))
    return "\n".join(parts)


def _widget_states(nb) -> list[dict[str, Any]]:
    """The widget models nbclient saved in the notebook's metadata."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return [m for m in state.get("state", {}).values()]


def _chart_specs(nb) -> list[dict[str, Any]]:
    """The Vega-Lite specs of the notebook's JupyterCharts (anywidget models)."""
    return [
        m["state"]["spec"]
        for m in _widget_states(nb)
        if m["model_name"] == "AnyModel" and m["state"].get("spec")
    ]


def _displayed(nb, mime: str) -> int:
    return sum(
        mime in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run each notebook once, in a ``python3`` kernel that runs this interpreter."""
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    cache: dict[Path, object] = {}

    def run(path: Path):
        if path not in cache:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("JUPYTER_PATH", str(folder))  # searched before the user's folders
                mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
                nb = nbformat.read(path, as_version=4)
                client = nbclient.NotebookClient(
                    nb,
                    timeout=600,
                    kernel_name="python3",
                    resources={"metadata": {"path": str(path.parent)}},
                )
                client.execute()  # raises CellExecutionError on a failing cell
                cache[path] = nb
        return cache[path]

    return run


def test_there_are_the_notebooks():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has stored outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata, f"{path.name}: stored widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_writes_only_to_a_temporary_folder(path):
    """Files are written under tempfile folders: no cell names a path of the repository."""
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for call in (".save(", "export.site(", "save_journey("):
        if call in source:
            assert "tempfile.mkdtemp" in source, f"{path.name}: writes without a temp folder"
    assert "open(" not in source and "write_text(" not in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path, executed):
    nb = executed(path)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
    assert all(cell.execution_count is not None for cell in nb.cells if cell.cell_type == "code")
    stderr = [
        out.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr"
    ]
    assert stderr == [], f"{path.name} wrote to stderr: {stderr[:2]}"


def test_workshop_follows_the_facilitators_path(executed):
    nb = executed(ROOT / "notebooks" / "00_workshop.ipynb")
    text = _outputs_text(nb)
    j = cx.load_journey("retail_omnichannel")
    assert f"cxkit {cx.__version__}" in text  # the kernel imported this cxkit
    # 1. the template
    agg = j.evaluate().aggregate
    assert f"19 steps; remembered experience (peak-end) = {agg.peak_end};" in text
    assert "journey emotion: dissatisfied / 不満" in text
    # 2. the client's edit, saved and reloaded
    edited = j.with_step(
        "unboxing",
        experience=8.0,
        pain_points=[],
        opportunities=["Check the accessories before shipping"],
    )
    assert f"peak-end before: {agg.peak_end}" in text
    assert f"peak-end after : {edited.evaluate().aggregate.peak_end}" in text
    assert edited.evaluate().aggregate.peak_end == -3.25
    assert "saved: retail_omnichannel.yaml | reloads equal: True" in text
    # 3. the hand-off: the exact chain's repeated explanations before and after
    scenario = edited.with_handoff("cc_chat", "cc_phone", context_carryover=0.9)
    before, after = cx.sim.exact(edited), cx.sim.exact(scenario)
    assert (
        f"Repeated explanations: {before.expected_context_losses:.4f} → "
        f"{after.expected_context_losses:.4f}"
    ) in text
    ces = cx.sim.compare(edited, scenario, 20_000, seed=1).differences()["ces5"]
    assert f"(Δ {ces.estimate:+.4f}, 95% CI {ces.ci_low:+.4f} … {ces.ci_high:+.4f})" in text
    # a purchase journey: first-contact resolution does not apply (never a 0 % figure)
    assert "First-contact resolution: not applicable: no outcome of kind resolved" in text
    # 4. the roadmap: the notebook's planner (budget, 2,000 draws, seed 1) on the edited journey
    plan = cx.roi.roadmap(edited, budget=[60e6, 30e6, 30e6, 30e6], n_sims=2000, seed=1)
    assert plan.starts, "some initiatives of the workshop journey pay back"
    assert set(plan.starts) < {i.id for i in edited.initiatives}, "but not all"
    assert f"scheduled: {plan.starts}" in text
    for r in plan.evaluation:
        p50, p_neg = r.npv_risk_adjusted.p50, r.npv_risk_adjusted.prob_negative
        assert f"{r.id:<16} NPV P50 {p50 / 1e6:8.1f} M JPY  P(NPV < 0) {p_neg:.2f}" in text
    # 5. the site
    assert (
        "pages: docs/journeys/retail_omnichannel.md, docs/journeys/retail_omnichannel_workshop.md"
    ) in text
    # the widgets were displayed and drew their charts
    assert _displayed(nb, "application/vnd.jupyter.widget-view+json") == 3
    titles = [json.dumps(s.get("title"), ensure_ascii=False) for s in _chart_specs(nb)]
    assert any(j.title in t and "Journey map" in t for t in titles)
    assert any("What-if comparison" in t for t in titles)


def test_design_notebook_shows_example_a(executed):
    nb = executed(ROOT / "notebooks" / "01_design_journey.ipynb")
    text = _outputs_text(nb)
    assert "peak_end = -1.5" in text
    assert "journey emotion: dissatisfied / 不満" in text
    assert "CES = 2.5" in text
    assert "what-if   : -3.0" in text and "after undo: -1.5" in text
    assert "after redo: -3.0" in text and "original  : -1.5" in text
    assert "saved billing_inquiry.yaml | round trip equal: True" in text
    # the steps table carries the emotions in English and Japanese
    assert "dissatisfied" in text and "感動" in text and "満足" in text
    assert _displayed(nb, "image/svg+xml") >= 3  # map, emotion curve, gap heatmap
    (spec,) = _chart_specs(nb)
    assert "−3 · dissatisfied" in json.dumps(spec["title"], ensure_ascii=False)


def test_simulation_notebook_shows_example_b(executed):
    nb = executed(ROOT / "notebooks" / "02_simulate_handoffs.ipynb")
    text = _outputs_text(nb)
    assert "P(resolved) = 0.766667, P(churn) = 0.233333" in text
    assert "expected steps = 1.333333, cost = 210.00 JPY, repeated explanations = 0.316667" in text
    assert "exact inside the 95% CI: True" in text
    assert "FAQ: P(resolved) = 0.777778, cost = 143.33 JPY" in text
    assert "repeated explanations: 0.316667 → 0.000000" in text
    j = cx.load_journey("web_phone_faq")
    mc = cx.sim.simulate(j, 100_000, seed=1).summary()
    assert f"mean CES = {mc['ces5'].estimate:.3f}" in text
    assert _displayed(nb, "image/svg+xml") == 4  # shares, flows, CES, what-if


def test_roi_notebook_plans_the_roadmap(executed):
    nb = executed(ROOT / "notebooks" / "03_roi_roadmap.ipynb")
    text = _outputs_text(nb)
    j = cx.load_journey("subscription_support")
    ev = cx.roi.evaluate(j, n_sims=2000, seed=1)
    plan = cx.roi.roadmap(j, budget=[40e6, 20e6, 20e6, 20e6], evaluation=ev, seed=1)
    assert f"starts: {plan.starts}" in text
    assert f"expected NPV of the plan: {plan.value / 1e6:.1f} M JPY" in text
    tight = cx.roi.roadmap(j, budget=[10e6, 20e6, 20e6, 20e6], evaluation=ev, seed=1)
    assert f"Q1 budget 10 M JPY: {tight.starts}" in text
    assert tight.starts != plan.starts
    assert "without virtual hold: {'operator_empowerment': 1, 'warm_transfer': 1}" in text
    assert _displayed(nb, "image/svg+xml") == 4


def test_events_notebook_discovers_and_filters(executed):
    import polars as pl

    nb = executed(ROOT / "notebooks" / "04_learn_from_events.ipynb")
    text = _outputs_text(nb)
    events = cx.data.load_example("retail_omnichannel")
    with warnings.catch_warnings():
        warnings.simplefilter("error", cx.analytics.EventLogWarning)  # the log is clean
        found = cx.analytics.discover(events)
    assert repr(found) in text
    first = (
        events.sort("timestamp")
        .group_by("customer_id")
        .agg(pl.col("call_reason").drop_nulls().first())
    )
    gift = first.filter(pl.col("call_reason") == "gift").height
    assert "gift buyers: " in text and f", {gift:,} customers, {gift:,} journeys" in text
    assert "from 15 January:" in text
    assert _displayed(nb, "image/svg+xml") == 1
    titles = [json.dumps(s.get("title"), ensure_ascii=False) for s in _chart_specs(nb)]
    assert any("Touchpoint graph" in t for t in titles)


def test_japanese_workshop(executed):
    nb = executed(ROOT / "notebooks" / "05_workshop_ja.ipynb")
    text = _outputs_text(nb)
    j = cx.load_journey("complaint_recovery_ja")
    edited = j.with_step(
        "queue", experience=5.0, opportunities=["待たずに済むコールバック予約"]
    ).with_step(
        "call_again",
        pain_points=["二回目の電話でも補償を判断できる人がいない"],
        opportunities=["初回の担当者がその場で補償を決められるようにする"],
    )
    assert f"編集前のピーク・エンド: {j.evaluate().aggregate.peak_end}" in text
    assert f"編集後のピーク・エンド: {edited.evaluate().aggregate.peak_end}" in text
    assert "読み込み直して一致: True" in text
    assert "へ保存しました。" in text
    assert "説明の繰り返し:" in text and "ジャーニー努力度 (CES 1–5):" in text
    inits = [*j.initiatives, *cx.roi.catalog("ja")]
    plan = cx.roi.roadmap(edited, inits, budget=[20e6] * 4, n_sims=2000, seed=1)
    assert f"計画: {plan.starts}" in text
    assert "ページ: complaint_recovery_ja.md、complaint_recovery_ja_workshop.md" in text
    # the widgets speak Japanese
    titles = [json.dumps(s.get("title"), ensure_ascii=False) for s in _chart_specs(nb)]
    assert any("ジャーニーマップ" in t for t in titles)
    labels = [
        m["state"].get("description")
        for m in _widget_states(nb)
        if m["model_name"] == "ButtonModel"
    ]
    assert "元に戻す" in labels and "適用" in labels


def _loyalty_and_voc():
    """The figures of notebook 06, computed here as the notebook computes them."""
    import cxkit.loyalty as loy

    sales = cx.data.load_transactions("subscription_support")
    events = cx.data.load_example("subscription_support")
    schema = cx.analytics.EventSchema(outcomes=("saved",))
    journey = cx.load_journey("subscription_support")
    r = loy.rfm(sales)
    impact = cx.voc.call_reason_impact(events, schema=schema, journey=journey)
    fix = cx.voc.fix_list(impact, top=1)[0].to_initiative(
        journey, cost_one_off=5_000_000, reduction=(0.05, 0.10, 0.20)
    )
    return {
        "rfm": r,
        "pareto": loy.pareto(r),
        "matrix": loy.loyalty_matrix(r, events, kind="nps"),
        "views": loy.segment_views(r, events, schema=schema),
        "impact": impact,
        "npv": cx.roi.evaluate(journey, [fix], n_sims=2000, seed=1)[fix.id].npv,
    }


@pytest.fixture(scope="module")
def loyalty_and_voc():
    return _loyalty_and_voc()


def _svg_texts(nb) -> list[str]:
    """The text elements of the notebook's static (SVG) charts."""
    import re

    return [
        t
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        for t in re.findall(
            r"<text[^>]*>([^<]*)</text>", out.get("data", {}).get("image/svg+xml", "")
        )
    ]


def test_loyalty_and_voc_notebook(executed, loyalty_and_voc):
    from cxkit.core.i18n import label

    nb = executed(ROOT / "notebooks" / "06_loyalty_and_voc.ipynb")
    text = _outputs_text(nb)
    f = loyalty_and_voc
    assert "6,993 purchases and refunds, 3,985 contacts, 2,000 customers" in text
    # segments: one line per segment with its count and shares
    summary = f["rfm"].summary()
    assert summary.height == 11 and summary["customers"].sum() == 2000
    for row in summary.iter_rows(named=True):
        assert (
            f"{row['label']:<20} {row['customers']:>4} customers  {row['share']:6.1%} of customers"
            f"  {row['revenue_share']:6.1%} of revenue"
        ) in text
    p = f["pareto"]
    assert (
        f"Top 20 % of customers bring {p.share:.1%} of revenue "
        f"(Gini coefficient {p.gini:.3f}; top 10 %: {p.share_of(0.1):.1%})"
    ) in text
    assert f"{p.share:.1%}" == "52.9%"
    for row in f["matrix"].counts.iter_rows(named=True):
        assert (
            f"{label('loyalty_q_' + row['quadrant'], 'en')}: {row['customers']:,} customers "
            f"({row['share']:.1%}), {row['revenue_share']:.1%} of revenue"
        ) in text
    worst = f["views"].sort("churn_rate", descending=True).row(0, named=True)
    assert f"highest churn: {cx.loyalty.segment_label(worst['segment'])} " in text
    top = f["impact"].row(0, named=True)
    assert (
        f"top reason: {top['reason']} — churn lift {top['churn_lift']:.2f}× "
        f"(95 % CI {top['churn_lift_low']:.2f}–{top['churn_lift_high']:.2f})"
    ) in text
    assert top["reason"] == "cancellation" and top["churn_lift_low"] > 1
    assert "written: fix_list.md" in text and "| cancellation |" in text  # the file, shown
    npv = f["npv"]
    assert (
        f"NPV P10 {npv.p10 / 1e6:.1f} M JPY | P50 {npv.p50 / 1e6:.1f} M JPY | "
        f"P90 {npv.p90 / 1e6:.1f} M JPY"
    ) in text
    assert "# Moments library" in text and "The FAQ has only one answer" in text
    assert _displayed(nb, "image/svg+xml") == 4  # RFM grid, Pareto, matrix, call reasons
    texts = _svg_texts(nb)
    assert "RFM grid: recency × frequency" in texts and "cancellation" in texts


def test_loyalty_and_voc_notebook_in_japanese(executed, loyalty_and_voc):
    from cxkit.core.i18n import label

    nb = executed(ROOT / "notebooks" / "06_loyalty_and_voc_ja.ipynb")
    text = _outputs_text(nb)
    f = loyalty_and_voc
    for row in f["rfm"].summary("ja").iter_rows(named=True):
        assert (
            f"{row['label']}: {row['customers']} 人（顧客の {row['share']:.1%}）、"
            f"売上の {row['revenue_share']:.1%}"
        ) in text
    p = f["pareto"]
    assert f"上位20%の顧客が売上の {p.share:.1%} を占める（ジニ係数 {p.gini:.3f}" in text
    for row in f["matrix"].counts.iter_rows(named=True):
        assert f"{label('loyalty_q_' + row['quadrant'], 'ja')}: {row['customers']:,} 人" in text
    worst = f["views"].sort("churn_rate", descending=True).row(0, named=True)
    assert f"解約率が最も高いセグメント: {cx.loyalty.segment_label(worst['segment'], 'ja')}" in text
    top = f["impact"].row(0, named=True)
    assert (
        f"最も影響の大きい理由: 解約 — 解約リフト {top['churn_lift']:.2f} 倍"
        f"（95%信頼区間 {top['churn_lift_low']:.2f}〜{top['churn_lift_high']:.2f}）"
    ) in text
    assert "書き出しました: 改善リスト.md" in text and "| 1 | 解約 | プロダクトオーナー |" in text
    npv = f["npv"]
    assert f"P10 {npv.p10 / 1e6:.1f} 百万円 ／ P50 {npv.p50 / 1e6:.1f} 百万円" in text
    assert "# モーメント集" in text and "昼休みに12分の保留" in text
    assert "電話オペレーター（一次）" in text  # touchpoints shown by their Japanese names
    # the charts speak Japanese: no English word on them (the acronym RFM aside)
    assert _displayed(nb, "image/svg+xml") == 4
    texts = _svg_texts(nb)
    assert "RFMグリッド：直近性 × 頻度" in texts and "解約" in texts
    import re

    english = [t for t in texts if re.search("[A-Za-z]{2,}", t.replace("RFM", ""))]
    assert english == []
