"""The journey charts carry the journey's own evaluation, in order, coloured and labelled."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import vl_convert

import cxkit as cx
from cxkit.core.i18n import label
from cxkit.viz.journey import (
    emotion_curve,
    expectation_gap_heatmap,
    journey_map,
    step_frame,
    touchpoint_graph,
    wrap_text,
)
from cxkit.viz.theme import CARRYOVER_COLORS, EMOTION_COLORS, channel_color, outcome_color

EMOTION_RANGE = [EMOTION_COLORS[k] for k in ("dissatisfied", "satisfied", "delighted")]


def ja_map_source():
    from pathlib import Path

    return Path(__file__).parent / "ja_journey.yaml"


#: The queue step's pain points, pinned here so the tests do not follow template edits.
QUEUE_PAINS = ("Waited three minutes", "Three times longer than expected")


@pytest.fixture(scope="module")
def pinned(billing):
    """Example A with two pain points on the queue step."""
    return billing.with_step("queue", pain_points=QUEUE_PAINS)


@pytest.fixture(scope="module")
def billing_map(pinned):
    return journey_map(pinned)


@pytest.fixture(scope="module")
def ja_map(ja_journey):
    return journey_map(ja_journey)


# -- the step table -------------------------------------------------------------------
def test_step_frame_is_the_evaluation(billing, pinned):
    f = step_frame(pinned)
    ev = billing.evaluate().steps
    assert f["valence"].to_list() == [-4.0, -6.0, 0.0, 3.0]
    assert f["valence"].to_list() == [s.valence for s in ev]
    assert f["expectation"].to_list() == [6.0, 6.0, 7.0, 7.0]
    # the queue's experience is derived from its 180 s wait (MODELS §1.1)
    assert f["experience"].to_list() == [4.0, 3.0, 7.0, 10.0]
    assert f["gap"].to_list() == [-2.0, -3.0, 0.0, 3.0]
    assert f["emotion_key"].to_list() == ["dissatisfied", "dissatisfied", "satisfied", "delighted"]
    assert f["peak_end"].to_list() == ["", "Peak", "", "End"]
    assert f["n_pain"].to_list() == [1, 2, 1, 0]
    assert f["channel_id"].to_list() == ["web", "phone", "phone", "phone"]
    assert f["context_lost"].to_list() == ["no", "no", "yes", "no"]


def test_steps_are_grouped_by_stage_in_stage_order(billing):
    # move the first step (stage "search") to the end: the map still shows it first
    moved = billing.move_step(0, 3)
    f = step_frame(moved)
    assert f["stage_id"].to_list() == ["search", "contact", "contact", "resolution"]
    assert f["step_id"].to_list() == ["faq", "queue", "explain", "resolve"]
    assert f["index"].to_list() == [3, 0, 1, 2]  # positions in the journey's own order


# -- journey map ----------------------------------------------------------------------
def test_journey_map_emotion_layer_values_and_colours(billing_map, units):
    chart = billing_map
    (points,) = [u for u in units(chart, "point", y="valence") if "color" in u["encoding"]]
    rows = sorted(points["rows"], key=lambda r: r["pos"])
    assert [r["valence"] for r in rows] == [-4.0, -6.0, 0.0, 3.0]
    assert [r["emotion"] for r in rows] == [
        "dissatisfied",
        "dissatisfied",
        "satisfied",
        "delighted",
    ]
    scale = points["encoding"]["color"]["scale"]
    assert scale["domain"] == ["dissatisfied", "satisfied", "delighted"]
    assert scale["range"] == EMOTION_RANGE == ["#C0392B", "#0072B2", "#E69F00"]
    # the zero line is there
    (zero,) = units(chart, "rule", y="zero")
    assert zero["rows"] == [{"zero": 0.0}]


def test_journey_map_stage_band_in_stage_order(billing_map, units):
    chart = billing_map
    (band,) = [u for u in units(chart, "rect", x="x0", y="y0") if u["name"] == "stage_box"]
    assert [r["stage"] for r in band["rows"]] == [
        "Self-service search",
        "Contact the center",
        "Resolution",
    ]
    edges = [round(r[k], 6) for r in band["rows"] for k in ("x0", "x1")]
    assert edges == [-0.47, 0.47, 0.53, 2.47, 2.53, 3.47]
    (names,) = [u for u in units(chart, "text") if u["name"] == "stage_text"]
    assert [r["label"] for r in names["rows"]] == [
        "Self-service search",
        "Contact the center",
        "Resolution",
    ]


def test_journey_map_expectation_and_experience(billing_map, units):
    chart = billing_map
    (gap,) = units(chart, "rule", y="expectation", y2="experience")
    assert [(r["expectation"], r["experience"]) for r in gap["rows"]] == [
        (6.0, 4.0),
        (6.0, 3.0),
        (7.0, 7.0),
        (7.0, 10.0),
    ]
    (got,) = units(chart, "point", y="experience")
    assert [r["experience"] for r in got["rows"]] == [4.0, 3.0, 7.0, 10.0]
    assert got["encoding"]["color"]["scale"]["range"] == EMOTION_RANGE
    (labels,) = units(chart, "text", y="mid")
    assert [r["gap_text"] for r in labels["rows"]] == ["−2", "−3", "0", "+3"]


def test_journey_map_channel_lanes(billing_map, units):
    chart = billing_map
    (boxes,) = [u for u in units(chart, "rect", y="y0") if u["name"] == "touchpoint_box"]
    rows = boxes["rows"]
    assert [r["touchpoint"] for r in rows] == [
        "Official web FAQ",
        "Phone queue (IVR)",
        "Billing agent",
        "Billing agent",
    ]
    # lane centres in px from the panel's top: web first, then phone
    lanes = [r["lane"] for r in rows]
    assert lanes[0] < lanes[1] == lanes[2] == lanes[3]
    assert all(r["y0"] < r["lane"] < r["y1"] for r in rows)
    stroke = boxes["encoding"]["stroke"]["scale"]
    assert stroke["domain"] == ["Official web", "Phone"]
    assert stroke["range"] == [channel_color("web"), channel_color("phone")]


def test_journey_map_pain_points_and_opportunities(billing_map, units):
    chart = billing_map
    badges = {
        u["encoding"]["text"]["field"]: u["rows"]
        for u in units(chart, "text")
        if u["encoding"].get("text", {}).get("field") in ("n_pain", "n_opp")
    }
    assert [r["n_pain"] for r in badges["n_pain"]] == [1, 2, 1]
    assert [r["n_opp"] for r in badges["n_opp"]] == [1, 1, 1]
    notes = [
        u for u in units(chart, "text") if u["name"] in ("pain_points_text", "opportunities_text")
    ]
    pains = notes[0]["rows"][0]["label"]
    assert pains.replace("\n", " ") == "• The FAQ does not mention this charge"
    # tooltips list every pain point and opportunity of the step
    tips = {t["field"] for t in notes[0]["encoding"]["tooltip"]}
    assert {"pain_points", "opportunities", "notes", "evidence", "valence_text"} <= tips
    assert notes[0]["rows"][1]["pain_points"] == "; ".join(QUEUE_PAINS)
    assert notes[0]["rows"][1]["label"].replace("\n", " ") == (
        "• Waited three minutes • Three times longer than expected"
    )


def test_every_step_mark_has_the_full_tooltip(billing_map, units):
    chart = billing_map
    for unit in unit_specs_with_tooltips(chart, units):
        fields = [t["field"] for t in unit["encoding"]["tooltip"]]
        assert "notes" in fields and "emotion" in fields and "action" in fields


def unit_specs_with_tooltips(chart, units):
    return [
        u
        for mark in ("text", "point", "rect", "rule", "circle")
        for u in units(chart, mark)
        if len(u["encoding"].get("tooltip", [])) > 10
    ]


def test_journey_map_title_and_subtitle(billing_map, spec_of):
    title = spec_of(billing_map)["title"]
    assert title["text"] == "Billing inquiry (cxkit model reference, Example A) — Journey map"
    assert "Remembered experience (Peak-end): −1.5 · dissatisfied" in title["subtitle"][1]
    assert "Journey effort (CES 1–5): 2.5" in title["subtitle"][1]


def test_journey_map_in_japanese(billing, units, spec_of):
    chart = journey_map(billing, lang="ja")
    spec = spec_of(chart)
    assert spec["title"]["text"].endswith("ジャーニーマップ")
    (points,) = [u for u in units(chart, "point", y="valence") if "color" in u["encoding"]]
    assert [r["emotion"] for r in points["rows"]] == ["不満", "不満", "満足", "感動"]
    assert points["encoding"]["color"]["scale"]["domain"] == ["不満", "満足", "感動"]
    assert points["encoding"]["color"]["legend"]["title"] == "感情"
    # row headers are JSON-escaped inside labelExpr: decode and compare
    text = json.dumps(spec, ensure_ascii=False)
    decoded = text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    for key in ("stage", "step", "pain_points", "opportunities", "viz_score", "valence"):
        assert label(key, "ja") in decoded, key


def test_lang_defaults_to_the_journeys_language(ja_map, units, spec_of):
    chart = ja_map
    assert spec_of(chart)["title"]["text"] == "料金プラン変更の問い合わせ — ジャーニーマップ"
    # the user channel "line" is labelled by its Japanese name
    (boxes,) = [u for u in units(chart, "rect", y="y0") if u["name"] == "touchpoint_box"]
    assert [r["channel"] for r in boxes["rows"]] == [
        "公式サイト",
        "LINE公式アカウント",
        "電話",
        "店舗",
    ]
    assert boxes["encoding"]["stroke"]["scale"]["range"][1] == channel_color("line")
    # English can be forced (title only: no full validation needed)
    english = journey_map(cx.load_journey(ja_map_source()), lang="en")
    assert english.title.text.endswith("Journey map")


def test_step_without_valence_still_appears(ja_map, units):
    chart = ja_map
    (boxes,) = [u for u in units(chart, "rect", y="y0") if u["name"] == "touchpoint_box"]
    assert 3 in [r["step_no"] for r in boxes["rows"]]  # in its lane
    (ring,) = units(chart, "point", y="zero")
    assert [r["step_no"] for r in ring["rows"]] == [3]
    # it was annotated 不満: the ring has the dissatisfied colour
    assert ring["rows"][0]["ring"] == EMOTION_COLORS["dissatisfied"]
    assert ring["rows"][0]["why"] == label("viz_no_valence_step", "ja")
    badges = [u for u in units(chart, "text") if u["encoding"]["text"]["field"] == "n_pain"]
    assert [r["step_no"] for r in badges[0]["rows"]] == [1, 2, 3]
    # and the curve has only the three valences
    (points,) = [u for u in units(chart, "point", y="valence") if "color" in u["encoding"]]
    assert [r["valence"] for r in points["rows"]] == [-2.0, -6.0, 4.0]


def test_width_sets_the_plot_width(billing, billing_map):
    assert [panel.width for panel in billing_map.vconcat] == [600] * 7
    assert [panel.width for panel in journey_map(billing, width=800).vconcat] == [800] * 7


def test_empty_journey_says_so():
    chart = journey_map(cx.Journey(id="empty", title="Empty"))
    spec = chart.to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert rows == [{"message": "This journey has no steps yet."}]
    ja = journey_map(cx.Journey(id="empty", language="ja")).to_dict()
    assert next(iter(ja["datasets"].values())) == [
        {"message": "このジャーニーにはまだステップがありません。"}
    ]


def test_hostile_labels_give_well_formed_svg(billing):
    nasty = billing.replace(title='A </script> & <b>"bold"</b>').with_step(
        0, action="<img src=x onerror=alert(1)> & </svg>"
    )
    svg = vl_convert.vegalite_to_svg(journey_map(nasty).to_dict())
    root = ET.fromstring(svg)  # parses: everything escaped
    texts = "".join(root.itertext())
    assert 'A </script> & <b>"bold"</b>' in texts
    assert "<img" not in svg and "</script>" not in svg


# -- emotion curve --------------------------------------------------------------------
def test_emotion_curve(billing, units):
    chart = emotion_curve(billing)
    (points,) = [u for u in units(chart, "point", y="valence") if "color" in u["encoding"]]
    assert [r["valence"] for r in points["rows"]] == [-4.0, -6.0, 0.0, 3.0]
    assert points["encoding"]["color"]["scale"]["range"] == EMOTION_RANGE
    (line,) = units(chart, "line", y="valence")
    assert [r["pos"] for r in line["rows"]] == [0, 1, 2, 3]
    labels = [r["valence_label"] for u in units(chart, "text", y="valence") for r in u["rows"]]
    assert sorted(labels) == sorted(["−4", "−6 (Peak)", "0", "+3 (End)"])


# -- touchpoint graph -----------------------------------------------------------------
def _edges(chart, units):
    rules = units(chart, "rule", x="x", y="y")
    return {(r["source"], r["target"]): (r, u) for u in rules for r in u["rows"]}


def test_touchpoint_graph_edges(billing, units):
    chart = touchpoint_graph(billing)
    edges = _edges(chart, units)
    assert set(edges) == set(billing.nx.edges)
    for (s, t), (row, _) in edges.items():
        assert row["probability"] == pytest.approx(billing.nx.edges[s, t]["probability"])
    # width grows with probability
    _, unit = edges["phone_queue", "agent"]
    assert unit["encoding"]["strokeWidth"]["field"] == "probability"
    assert unit["encoding"]["strokeWidth"]["scale"]["range"] == [1, 9]
    # between touchpoints: coloured by carry-over 0 → red, 1 → green
    row, unit = edges["web_faq", "phone_queue"]
    assert row["carryover"] == 0.0
    assert unit["encoding"]["color"]["field"] == "carryover"
    assert unit["encoding"]["color"]["scale"]["range"] == list(CARRYOVER_COLORS)
    assert CARRYOVER_COLORS[0] == "#D55E00" and CARRYOVER_COLORS[-1] == "#009E73"
    # into outcomes: grey, not carry-over
    _, unit = edges["agent", "resolved"]
    assert "value" in unit["encoding"]["color"]
    # remainder edges are dashed
    row, unit = edges["web_faq", "abandon"]
    assert row["remainder"] is True and row["probability"] == pytest.approx(0.1)
    assert unit["encoding"]["strokeDash"]["condition"]["test"] == "datum.remainder"
    assert unit["encoding"]["strokeDash"]["condition"]["value"] == [5, 4]


def test_touchpoint_graph_nodes(billing, units):
    chart = touchpoint_graph(billing, lang="ja")
    (touch,) = units(chart, "circle", color="group")
    assert {r["id"] for r in touch["rows"]} == {"web_faq", "phone_queue", "agent"}
    scale = touch["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "公式サイト": channel_color("web"),
        "電話": channel_color("phone"),
    }
    (outs,) = units(chart, "square", fill="group")
    scale = outs["encoding"]["fill"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "解決": outcome_color("resolved"),
        "解約": outcome_color("churn"),
        "離脱": outcome_color("abandon"),
    }


@pytest.mark.parametrize("layout", ["spring", "kamada_kawai", "circular", "shell", "layered"])
def test_touchpoint_graph_is_deterministic(ja_journey, layout):
    a = touchpoint_graph(ja_journey, layout=layout, seed=3).to_dict(validate=False)
    b = touchpoint_graph(ja_journey, layout=layout, seed=3).to_dict(validate=False)
    assert a == b


def test_touchpoint_graph_opposite_edges_do_not_overlap(ja_journey, units):
    edges = _edges(touchpoint_graph(ja_journey), units)
    there, _ = edges["app", "line_bot"]
    back, _ = edges["line_bot", "app"]
    assert (there["x"], there["y"]) != (back["x2"], back["y2"])


def test_layered_layout_goes_left_to_right(billing, units):
    chart = touchpoint_graph(billing, layout="layered")
    nodes = {
        r["id"]: r["x"] for u in units(chart, "text", x="x", y="y") for r in u["rows"] if "id" in r
    }
    assert nodes["web_faq"] < nodes["phone_queue"] < nodes["agent"] < nodes["resolved"]
    assert nodes["resolved"] == nodes["churn"] == nodes["abandon"]


# -- expectation-gap heatmap ----------------------------------------------------------
def test_gap_heatmap(billing, units):
    chart = expectation_gap_heatmap(billing)
    (cells,) = units(chart, "rect")
    got = {(r["stage"], r["touchpoint"]): (r["mean_gap"], r["n"]) for r in cells["rows"]}
    assert got == {
        ("Self-service search", "Official web FAQ"): (-2.0, 1),
        ("Contact the center", "Phone queue (IVR)"): (-3.0, 1),
        ("Contact the center", "Billing agent"): (0.0, 1),
        ("Resolution", "Billing agent"): (3.0, 1),
    }
    scale = cells["encoding"]["color"]["scale"]
    assert scale["domain"] == [-3.0, 3.0] and scale["domainMid"] == 0
    assert cells["encoding"]["x"]["sort"] == [
        "Self-service search",
        "Contact the center",
        "Resolution",
    ]


def test_gap_heatmap_averages_steps_of_a_cell(billing, units):
    j = billing.with_step(3, stage="contact")  # two agent steps in "contact": gaps 0 and 3
    (cells,) = units(expectation_gap_heatmap(j), "rect")
    got = {(r["stage"], r["touchpoint"]): (r["mean_gap"], r["n"]) for r in cells["rows"]}
    assert got[("Contact the center", "Billing agent")] == (1.5, 2)


# -- text wrapping ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "px", "expected"),
    [
        ("short", 100, "short"),
        # 11 px per wide character (Noto Sans CJK): 9 fit in 100 px, 7 in 80 px;
        # lines break between BudouX phrases
        (
            "電話でオペレーターに同じ説明を繰り返す",
            100,
            "電話で\nオペレーターに同じ\n説明を繰り返す",
        ),
        ("販売店で手続きし、割引の提案を受ける", 80, "販売店で\n手続きし、\n割引の提案を\n受ける"),
        # "、" may not start a line: the character before it moves down with it
        ("手続きし、割引", 44, "手続き\nし、割引"),
        ("", 50, ""),
    ],
)
def test_wrap_text(text, px, expected):
    assert wrap_text(text, px) == expected


def test_wrap_text_never_starts_a_line_with_closing_punctuation():
    for px in range(40, 200, 7):
        for line in wrap_text(
            "販売店で手続きし、割引の提案を受ける。オペレーター（担当）", px
        ).split("\n")[1:]:
            assert line[0] not in "、。ー）", (px, line)


# -- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda j: journey_map("billing_inquiry"), ["`journey`", "Journey", "got str"]),
        (lambda j: emotion_curve(None), ["`journey`", "got NoneType"]),
        (lambda j: journey_map(j, lang="fr"), ["`lang`", "'en', 'ja'", "got 'fr'"]),
        (lambda j: journey_map(j, width=-5), ["`width`", "≥ 120", "got -5"]),
        (lambda j: journey_map(j, width="wide"), ["`width`", "got 'wide'"]),
        (lambda j: touchpoint_graph(j, layout="tree"), ["`layout`", "'spring'", "got 'tree'"]),
        (lambda j: touchpoint_graph(j, seed="1"), ["`seed`", "integer", "got '1'"]),
        (lambda j: touchpoint_graph(j, width=0), ["`width`", "got 0"]),
        (lambda j: expectation_gap_heatmap(j, lang="EN"), ["`lang`", "got 'EN'"]),
    ],
)
def test_bad_input_names_argument_value_and_expectation(billing, call, words):
    with pytest.raises(cx.CxkitError) as info:
        call(billing)
    for word in words:
        assert word in str(info.value)
