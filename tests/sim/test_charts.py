"""cxkit.viz.simulation: chart specs (data values, encodings, labels in en and ja)."""

from __future__ import annotations

import math

import altair as alt
import pytest

import cxkit as cx
from cxkit.core.errors import CxkitError
from cxkit.sim.exact import exact
from cxkit.sim.montecarlo import compare, simulate
from cxkit.viz.simulation import (
    ces_distribution,
    flows,
    flows_frames,
    outcome_shares,
    what_if,
    what_if_frame,
)


def _layer_data(spec: dict, i: int) -> list[dict]:
    """The rows a layer draws (its own data, else the chart's shared data)."""
    data = spec["layer"][i].get("data") or spec["data"]
    return spec["datasets"][data["name"]]


def test_outcome_shares_exact_values_and_encodings(journey_b):
    chart = outcome_shares(exact(journey_b))
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    rows = _layer_data(spec, 0)
    shares = {r["outcome"]: r["share"] for r in rows}
    assert shares["resolved"] == pytest.approx(23 / 30, abs=1e-12)
    assert shares["churn"] == pytest.approx(7 / 30, abs=1e-12)
    assert all(r["ci_low"] == r["share"] == r["ci_high"] for r in rows)
    bar = spec["layer"][0]
    assert bar["mark"]["type"] == "bar"
    assert bar["encoding"]["x"]["field"] == "share"
    assert bar["encoding"]["y"]["sort"] == ["resolved", "churn"]
    assert {r["color"] for r in rows} == {"#009E73", "#3B3B3B"}
    assert spec["title"]["text"] == "Outcome shares"
    assert "config" in spec  # themed


def test_outcome_shares_monte_carlo_intervals_and_japanese(journey_b):
    mc = simulate(journey_b, 5_000, seed=1)
    spec = outcome_shares(mc, lang="ja").to_dict()
    rows = _layer_data(spec, 0)
    s = mc.summary()["outcome_shares"]
    for r in rows:
        assert r["share"] == s[r["outcome"]].estimate
        assert r["ci_low"] == s[r["outcome"]].ci_low < r["share"] < r["ci_high"]
    assert {r["label"] for r in rows} == {"解決", "解約"}
    assert spec["title"]["text"] == "結果の割合"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "顧客の割合"
    assert "乱数シード 1" in spec["title"]["subtitle"]


def test_ces_distribution_bins_sum_to_one_and_mean_rule(journey_a_chain):
    mc = simulate(journey_a_chain, 1_000, seed=1)
    spec = ces_distribution(mc).to_dict()
    bins = _layer_data(spec, 0)
    assert len(bins) == 8
    assert sum(b["share"] for b in bins) == pytest.approx(1.0)
    # every customer of the deterministic chain has CES 2.5: the [2.5, 3) bin
    full = [b for b in bins if b["share"] == 1.0]
    assert [(b["bin_start"], b["bin_end"], b["count"]) for b in full] == [(2.5, 3.0, 1_000)]
    mean = _layer_data(spec, 1)[0]
    assert mean["mean"] == 2.5 and mean["text"] == "mean 2.50"
    enc = spec["layer"][0]["encoding"]
    assert (enc["x"]["field"], enc["x2"]["field"], enc["y"]["field"]) == (
        "bin_start",
        "bin_end",
        "share",
    )
    with pytest.raises(CxkitError, match="`bin_width` must be a positive number dividing 4"):
        ces_distribution(mc, bin_width=0.3)
    with pytest.raises(CxkitError, match="`result` must be a SimulationResult, got ExactResult"):
        ces_distribution(exact(journey_a_chain))  # type: ignore[arg-type]


def test_flows_bands_are_the_exact_expected_traversals(journey_b):
    spec = flows(journey_b).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "trail", "rect", "text"]
    forward = _layer_data(spec, 0)
    backward = _layer_data(spec, 1)
    trav = {r["edge"]: r["traversals"] for r in forward + backward}
    assert trav["web->phone"] == pytest.approx(0.3, abs=1e-12)
    assert trav["web->resolved"] == pytest.approx(0.5, abs=1e-12)
    assert trav["phone->phone"] == pytest.approx(1 / 30, abs=1e-12)
    assert trav["phone->resolved"] == pytest.approx(0.8 / 3, abs=1e-12)
    # the repeat call is a loop, drawn as a trail in path order
    assert {r["edge"] for r in backward} == {"phone->phone"}
    assert spec["layer"][1]["encoding"]["order"]["field"] == "t"
    nodes = {r["node"]: r for r in _layer_data(spec, 2)}
    assert (nodes["web"]["layer"], nodes["phone"]["layer"], nodes["resolved"]["layer"]) == (0, 1, 2)
    assert nodes["phone"]["throughput"] == pytest.approx(1 / 3, abs=1e-12)
    assert nodes["churn"]["throughput"] == pytest.approx(7 / 30, abs=1e-12)
    # band thickness is proportional to traversals, on the same scale as node heights
    unit = nodes["web"]["y1"] - nodes["web"]["y0"]
    band = next(r for r in forward if r["edge"] == "web->phone")
    assert band["y1"] - band["y0"] == pytest.approx(0.3 * unit)


def test_flows_from_a_monte_carlo_result_uses_observed_traversals(journey_b):
    mc = simulate(journey_b, 20_000, seed=4)
    nodes, bands = flows_frames(mc)
    observed = mc.edge_traversals()
    got = dict(bands.select("edge", "traversals").unique().iter_rows())
    assert got["web->phone"] == observed[("web", "phone")]
    assert abs(got["web->phone"] - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 20_000)
    assert nodes.filter(nodes["node"] == "web")["throughput"].item() == 1.0


def test_flows_japanese_labels_and_bad_source():
    j = cx.load_journey("billing_inquiry")
    spec = flows(j, lang="ja").to_dict()
    assert spec["title"]["text"] == "顧客の流れ"
    tooltips = [t["title"] for t in spec["layer"][0]["encoding"]["tooltip"]]
    assert tooltips[:3] == ["遷移元", "遷移先", "1ジャーニーあたりの期待遷移回数"]
    with pytest.raises(CxkitError, match="`source` must be a Journey, an ExactResult"):
        flows("billing_inquiry")  # type: ignore[arg-type]
    with pytest.raises(CxkitError, match="`lang` must be one of 'en', 'ja', got 'fr'"):
        flows(j, lang="fr")


def test_what_if_exact_values_and_facets():
    j = cx.load_journey("billing_inquiry")
    crm = j.with_handoff("web_faq", "phone_queue", context_carryover=1.0)
    f = what_if_frame(exact(j), exact(crm), ("now", "CRM"))
    losses = dict(f.filter(f["metric"] == "context_losses").select("scenario", "value").rows())
    assert losses == {"now": 0.5, "CRM": 0.0}
    # CES, FCR and J need the Monte Carlo engine: not shown for exact results
    assert "ces5" not in f["metric"].to_list()
    spec = what_if(exact(j), exact(crm), ("now", "CRM")).to_dict()
    # one shared axis: the change in percent of the baseline, a bar per metric from 0
    panel, text = spec["hconcat"]
    bars = panel["layer"][1]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "rel"
    assert bars["encoding"]["x"]["axis"]["format"] == "+.0%"
    data = panel.get("data", spec.get("data"))
    rows = {r["metric"]: r for r in spec["datasets"][data["name"]]}
    assert rows["context_losses"]["rel"] == -1.0
    assert rows["context_losses"]["text"] == "0.5 → 0 (−0.5, −100 %)"
    assert rows["repeat_contacts"]["rel"] is None  # baseline 0: no percent, no bar
    assert text["mark"]["type"] == "text"


def test_what_if_from_a_comparison_has_monte_carlo_intervals(make_example_b):
    cmp = compare(make_example_b(), make_example_b(web_resolved=0.6, web_phone=0.2), 4_000, seed=2)
    f = what_if_frame(cmp.a, cmp.b, cmp.labels, lang="ja")
    fcr = f.filter(f["metric"] == "fcr")
    assert fcr["scenario"].to_list() == ["現状", "シナリオ"]
    assert fcr["value"].to_list() == [
        cmp.a.summary()["fcr"].estimate,
        cmp.b.summary()["fcr"].estimate,
    ]
    assert (fcr["ci_low"] < fcr["value"]).all()
    spec = what_if(cmp, lang="ja").to_dict()
    assert spec["title"]["text"] == "シナリオ比較"
    with pytest.raises(CxkitError, match="pass either a Comparison alone or two results"):
        what_if(cmp, cmp.b)
    with pytest.raises(CxkitError, match=r"`metrics`: unknown metric 'csat'"):
        what_if(cmp.a, cmp.b, metrics=["csat"])
