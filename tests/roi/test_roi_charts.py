"""cxkit.viz.roi: the specs' data are the model's numbers (fan, cash flow and payback,
Gantt, tornado, comparison), Japanese titles, and clear errors."""

from __future__ import annotations

import pytest

import cxkit as cx
from cxkit.core.economics import Economics, Estimate, Initiative
from cxkit.core.errors import CxkitError
from cxkit.roi import evaluate, roadmap
from cxkit.viz.roi import (
    cash_flow_frame,
    comparison_frame,
    cumulative_cash_flow,
    gantt_frame,
    initiative_comparison,
    npv_fan,
    roadmap_gantt,
    tornado,
)


def rows_of(spec: dict, mark: str) -> list[dict]:
    """The data rows of the layer with this mark (or of a single-view chart)."""
    layers = spec.get("layer", [spec])
    for layer in layers:
        m = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if m == mark:
            name = layer.get("data", spec.get("data", {})).get("name")
            return spec["datasets"][name]
    raise AssertionError(f"no {mark} layer")


@pytest.fixture(scope="module")
def example_c_plan():
    # C4's four initiatives (the template also carries C2's yearly business case)
    return roadmap(cx.load_journey("roi_example_c"), ["crm", "cti", "faq", "chat"], n_sims=200,
                   seed=1)  # fmt: skip


@pytest.fixture(scope="module")
def support():
    j = cx.load_journey("subscription_support")
    return evaluate(j, ["operator_empowerment", "virtual_hold", "warm_transfer"], n_sims=2_000,
                    seed=1)  # fmt: skip


def test_fan_of_an_initiative_is_its_percentiles(support) -> None:
    r = support["operator_empowerment"]
    spec = npv_fan(support, "operator_empowerment").to_dict()
    area = rows_of(spec, "area")
    assert len(area) == support.horizon_periods + 1 == 13
    assert [row["p10"] for row in area] == pytest.approx([f[0] for f in r.npv_fan])
    assert [row["p90"] for row in area] == pytest.approx([f[2] for f in r.npv_fan])
    # the last period's P50 is the P50 of the risk-adjusted NPV
    assert area[-1]["p50"] == pytest.approx(r.npv_risk_adjusted.p50, rel=1e-9)
    assert area[0]["p50"] == pytest.approx(-r.cost_flows[0] * 1.05)  # t = 0: the one-off cost
    assert spec["title"] == f"NPV over time (P10–P90) — {r.label}"


def test_fan_of_a_roadmap_ends_at_its_joint_value(example_c_plan) -> None:
    spec = npv_fan(example_c_plan).to_dict()
    area = rows_of(spec, "area")
    assert area[-1]["p50"] == pytest.approx(224.0)
    assert area[0]["p50"] == pytest.approx(170.0)  # crm 100 + faq 70 start in period 1
    assert [row["period"] for row in area[:3]] == ["0", "Q1", "Q2"]


def test_cash_flow_chart_marks_the_paybacks() -> None:
    j = cx.load_journey("web_phone_faq")
    econ = Economics(customers=0, risk_benefit=0, risk_cost=0, cash_flow_period="year")
    ini = Initiative("x", cost_one_off=50_000, cost_per_period=5_000,
                     benefit_per_period=Estimate.fixed(30_000))  # fmt: skip
    ev = evaluate(j, [ini], economics=econ, n_sims=10, seed=1)
    spec = cumulative_cash_flow(ev).to_dict()
    line = rows_of(spec, "line")
    cum = [row["value"] for row in line if row["kind"] == "undiscounted"]
    # model reference Example C2 net flows
    assert cum == pytest.approx([-50_000, -25_000, 0, 25_000])
    marks = rows_of(spec, "rule")  # the first rule layer is y = 0; payback rules follow
    layers = spec["layer"]
    payback_rows = spec["datasets"][layers[2]["data"]["name"]]
    assert [round(r["t"], 3) for r in payback_rows] == [2.0, 2.352]
    assert payback_rows[0]["text"] == "payback 2.00"
    assert marks  # the zero line
    with pytest.raises(CxkitError, match="business case: it has no cash flows"):
        cumulative_cash_flow(evaluate(cx.load_journey("roi_example_c"), ["crm"], n_sims=10,
                                      seed=1))  # fmt: skip


def test_gantt_rows(example_c_plan) -> None:
    frame = gantt_frame(example_c_plan)
    assert frame.select("id", "phase", "start", "end").rows() == [
        ("crm", "ramp-up", 0, 1),
        ("crm", "full benefit", 1, 2),
        ("faq", "ramp-up", 0, 1),
        ("faq", "full benefit", 1, 2),
        ("chat", "ramp-up", 1, 2),
    ]
    spec = roadmap_gantt(example_c_plan, lang="ja").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {row["phase"] for row in data} == {"立ち上げ", "効果最大"}
    assert spec["title"] == "ロードマップ"
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 2]


def test_tornado_bars_are_the_sensitivities(support) -> None:
    r = support["virtual_hold"]
    spec = tornado(support, "virtual_hold").to_dict()
    bars = rows_of(spec, "bar")
    assert [b["label"] for b in bars] == [s.label for s in r.sensitivity]
    swings = [b["swing"] for b in bars]
    assert swings == sorted(swings, reverse=True)
    for b, s in zip(bars, r.sensitivity, strict=True):
        assert (b["npv_low"], b["npv_high"]) == pytest.approx((s.npv_low, s.npv_high))
        assert b["base"] == pytest.approx(r.risk_adjusted.npv)


def test_comparison_is_sorted_and_marks_the_roadmap(example_c_plan, support) -> None:
    frame = comparison_frame(example_c_plan)
    assert frame["id"].to_list() == ["crm", "faq", "chat", "cti"]
    assert frame["selected"].to_list() == [1, 1, 2, None]
    spec = initiative_comparison(support, lang="ja").to_dict()
    rows = rows_of(spec, "rule")
    p50 = [row["p50"] for row in rows]
    assert p50 == sorted(p50, reverse=True)
    assert spec["title"] == "施策の比較"
    for row in rows:
        r = support[row["id"]]
        assert row["p10"] == pytest.approx(r.npv_risk_adjusted.p10)
        assert row["npv"] == pytest.approx(r.risk_adjusted.npv)


def test_bad_arguments(support) -> None:
    with pytest.raises(CxkitError, match="`initiative` is required"):
        npv_fan(support)
    with pytest.raises(CxkitError, match="unknown initiative 'nope'"):
        tornado(support, "nope")
    with pytest.raises(CxkitError, match="must be an Evaluation"):
        initiative_comparison(42)
    with pytest.raises(CxkitError, match="`lang` must be one of"):
        npv_fan(support, "warm_transfer", lang="fr")
    with pytest.raises(CxkitError, match="`roadmap` must be a Roadmap"):
        roadmap_gantt(support)


def test_discounted_cash_flow_uses_the_initiatives_own_period_rate() -> None:
    """fcr_case has yearly flows (its own cash_flow_period) in a quarterly evaluation:
    its discounted line must use its yearly rate, and so end at its risk-adjusted NPV
    and cross zero at its discounted payback."""
    ev = evaluate(cx.load_journey("roi_example_c"), ["fcr_case"], n_sims=50, seed=1)
    r = ev["fcr_case"]
    assert r.period == "year" and r.rate != pytest.approx(ev.rate)
    frame = cash_flow_frame(ev, "fcr_case")
    discounted = frame["discounted"].to_list()
    assert discounted[-1] == pytest.approx(r.risk_adjusted.npv, rel=1e-9)
    crossing = next(k for k, v in enumerate(discounted) if v >= 0)
    before, after = discounted[crossing - 1], discounted[crossing]
    zero = crossing - 1 + (-before) / (after - before)
    assert zero == pytest.approx(r.risk_adjusted.discounted_payback, abs=1e-9)
