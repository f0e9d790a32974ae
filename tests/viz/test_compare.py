"""As-is vs to-be and persona maps: the diff rows and KPI deltas computed by hand on
complaint_recovery_ja, unrelated journeys, every template against itself, and the charts.

Valences below use the default emotion parameters (β_P = 0, β⁺ = 1, β⁻ = 2: a step's
valence is D = P − E when D > 0, 2·D otherwise; model reference §1.1).
"""

from __future__ import annotations

import re

import polars as pl
import pytest

import cxkit as cx
from cxkit.core.errors import CxkitError
from cxkit.core.model import Persona, Step
from cxkit.data import long_journey
from cxkit.export._compare import render_comparison
from cxkit.io import list_templates
from cxkit.viz._diff import MAX_JOURNEYS, align, compare_kpis
from cxkit.viz.compare import AXIS_LIMIT, compare_journeys, journey_diff, persona_map

from .conftest import unit_specs


def shown(chart, field: str) -> list:
    """The values of ``field`` drawn as text by the chart's text marks."""
    return [
        r[field]
        for u in unit_specs(chart)
        if u["mark"]["type"] == "text" and u["encoding"].get("text", {}).get("field") == field
        for r in u["rows"]
    ]


@pytest.fixture(scope="module")
def as_is() -> cx.Journey:
    return cx.load_journey("complaint_recovery_ja")


@pytest.fixture(scope="module")
def to_be(as_is: cx.Journey) -> cx.Journey:
    """CRM integration: the store's notes reach the call center, nobody explains again."""
    crm = Step(
        stage="first_response",
        touchpoint="cc_phone",
        id="history_shown",
        action="オペレーターがCRMで店舗での受付内容を確認している",
        expectation=6,
        experience=8,
    )
    return (
        as_is.with_step("store_call", experience=6.0)  # E 6: P 3 → 6
        .with_step("queue", experience=3.0)  # was derived from the 12-minute wait: −4
        .remove_step("explain_again")
        .add_step(crm, index=3)
    )


def test_diff_rows_of_the_crm_to_be(as_is, to_be):
    d = journey_diff(as_is, to_be, lang="ja")
    assert d.height == 15  # 14 steps, one removed, one added
    assert d["status"].to_list()[:5] == ["same", "changed", "changed", "added", "removed"]
    assert d["status"].to_list()[5:] == ["same"] * 10
    assert d["step_id"].to_list()[:5] == [
        "damage",
        "store_call",
        "queue",
        "history_shown",
        "explain_again",
    ]
    store, queue, added, removed = (d.row(i, named=True) for i in range(1, 5))
    # store_call: D = 3 − 6 = −3 → s = −6; after D = 0 → s = 0; 不満 → 満足
    assert (store["before_experience"], store["after_experience"]) == (3.0, 6.0)
    assert (store["before_valence"], store["after_valence"], store["delta_valence"]) == (
        -6.0,
        0.0,
        6.0,
    )
    assert store["changes"] == ["experience", "valence", "emotion"]
    assert store["summary"] == "体験 +3 (3 → 6) · 感情値 +6 · 不満 → 満足"
    # queue: 720 s against 120 s expected → D_wait clipped to −10 → P = −4, s = −20
    assert (queue["before_experience"], queue["after_experience"]) == (-4.0, 3.0)
    assert (queue["before_valence"], queue["after_valence"]) == (-20.0, -6.0)
    assert queue["changes"] == ["experience", "valence"]
    assert queue["summary"] == "体験 +7 (−4 → 3) · 感情値 +14"
    assert added["before_step"] is None and added["after_step"] == 4
    assert added["after_valence"] == 2.0 and added["summary"] == "追加: 感情値 +2 (満足)"
    assert removed["after_step"] is None and removed["before_step"] == 4
    assert removed["before_valence"] == -4.0 and removed["summary"] == "削除: 感情値 −4 (不満)"
    assert d["stage"].to_list()[:5] == ["発生", "申し出", "申し出", "一次対応", "一次対応"]


def test_diff_in_english_and_wait_deltas(as_is):
    d = journey_diff(as_is, as_is.with_step("queue", wait_s=240.0), lang="en")
    [row] = d.filter(pl.col("status") == "changed").to_dicts()
    # 240 s: D_wait = clip((120 − 240)/u_w, −10, 2) with u_w = 40 s → −3 → P = 3, s = −6
    assert row["changes"] == ["experience", "valence", "wait_s"]
    assert row["summary"] == "experience +7 (−4 → 3) · valence +14 · −8 min wait"
    assert row["delta_wait_s"] == -480.0


def test_kpi_deltas_are_the_evaluations(as_is, to_be):
    k = {r["key"]: r for r in compare_kpis(as_is, to_be, lang="ja").to_dicts()}
    before, after = as_is.evaluate(), to_be.evaluate()
    assert k["ces"]["before"] == before.effort.ces5
    assert k["ces"]["after"] == after.effort.ces5
    assert k["remembered"]["before"] == before.aggregate.score
    assert k["remembered"]["after"] == after.aggregate.score
    # by hand (peak: worst): as-is worst −20 (queue), end +3 → −8.5; to-be worst −10
    # (damage), end +3 → −3.5
    assert (k["remembered"]["before"], k["remembered"]["after"]) == (-8.5, -3.5)
    assert k["remembered"]["change"] == 5.0 and k["remembered"]["better"] == 1
    assert k["journey_emotion"]["before_emotion"] == before.aggregate.emotion.value
    assert k["journey_emotion"]["after_text"] == after.aggregate.emotion.label("ja")
    assert k["ces"]["metric"] == "ジャーニー努力度 (CES 1–5)"


def test_unrelated_journeys_are_all_added_or_removed():
    a, b = cx.load_journey("billing_inquiry"), cx.load_journey("web_phone_faq")
    d = journey_diff(a, b)
    assert sorted(d["status"].to_list()) == ["added"] * 3 + ["removed"] * 4
    assert d.filter(pl.col("status") == "removed")["before_step"].to_list() == [1, 2, 3, 4]
    # billing_inquiry and complaint_recovery_ja both have a step `queue`, on other stages
    # and touchpoints: not the same step
    c = journey_diff(cx.load_journey("complaint_recovery_ja"), a)
    assert set(c["status"]) == {"added", "removed"}
    assert c.height == 14 + 4


@pytest.mark.parametrize("name", [*list_templates(), "long_journey"])
def test_every_template_against_itself_has_no_difference(name):
    j = long_journey() if name == "long_journey" else cx.load_journey(name)
    d = journey_diff(j, j)
    assert d.height == len(j.steps)
    assert set(d["status"]) == {"same"}
    assert d["delta_valence"].drop_nulls().abs().sum() == 0
    assert sorted(d["after_step"]) == list(range(1, len(j.steps) + 1))


def test_a_long_journey_with_one_edit():
    j = long_journey()
    k = next(i for i, s in enumerate(j.steps) if s.experience is not None)
    d = journey_diff(j, j.with_step(k, experience=j.steps[k].experience + 1))
    assert d["status"].value_counts().sort("status").rows() == [("changed", 1), ("same", 39)]


def test_steps_without_ids_match_by_stage_touchpoint_and_order(as_is):
    bare = as_is.replace(
        steps=tuple(s.__class__(**{**s.__dict__, "id": None}) for s in as_is.steps)
    )
    d = journey_diff(bare, bare.with_step(5, experience=4.0))
    assert d["status"].to_list().count("changed") == 1
    assert d.filter(pl.col("status") == "changed")["after_step"].to_list() == [6]
    # the three cc_phone steps of first_response match in order
    assert [s.steps for s in align([bare, bare])][3:6] == [[3, 3], [4, 4], [5, 5]]


def test_compare_chart_marks_the_differences(as_is, to_be):
    chart = compare_journeys(as_is, to_be, lang="ja")
    units = unit_specs(chart)
    assert sorted(shown(chart, "pill")) == ["削除", "変更", "変更", "追加"]
    assert "体験 +3 (3 → 6)\n感情値 +6\n不満 → 満足" in shown(chart, "change_text")
    assert [t for t in shown(chart, "change_text") if t][1] == "体験 +7 (−4 → 3)\n感情値 +14"
    # the KPI table: the metric names and the change of the remembered experience
    assert "記憶される体験" in shown(chart, "text") and "+5" in shown(chart, "text")
    # the curve's delta labels: +6 (store_call) and +14 (queue)
    assert shown(chart, "delta") == ["+6", "+14"]
    # −20 is beyond the axis: drawn at its edge, marked with a triangle and its value
    off = [
        r for u in units if u["encoding"].get("shape", {}).get("field") == "tri" for r in u["rows"]
    ]
    assert [(r["valence"], r["plot"], r["tri"]) for r in off] == [
        (-20.0, -AXIS_LIMIT, "triangle-down")
    ]
    spec = chart.to_dict()
    assert "軸の範囲外" in " ".join(spec["title"]["subtitle"])
    assert spec["title"]["text"].endswith("現状と改善後の比較")


def test_compare_chart_labels_and_english(as_is, to_be):
    chart = compare_journeys(as_is, to_be, lang="en", labels=("Today", "With CRM"))
    series = {r["series"] for u in unit_specs(chart) for r in u["rows"] if "series" in r}
    assert series == {"Today", "With CRM"}
    texts = set(shown(chart, "text"))
    assert {"Remembered experience", "Today", "With CRM", "Change"} <= texts


def test_persona_map_of_three_personas():
    base = cx.load_journey("retail_omnichannel")
    ken = base.replace(persona=Persona(name="Ken, 68")).with_step(2, experience=3.0)
    mika = base.replace(persona=Persona(name="Mika, 24")).remove_step("chat_answer")
    chart = persona_map([base, ken, mika], lang="en")
    units = unit_specs(chart)
    names = {r["series"] for u in units for r in u["rows"] if "series" in r}
    assert names == {base.persona.name, "Ken, 68", "Mika, 24"}
    assert sorted(shown(chart, "pill")) == ["differs", "only 2 of 3"]
    tips = [r["pill_tip"] for u in units for r in u["rows"] if r.get("pill_tip")]
    assert f"{base.persona.name}, Ken, 68" in tips
    assert len(shown(chart, "stage_text")) == len(base.stages)  # one band per stage


def test_persona_map_in_japanese_names_by_title():
    j = cx.load_journey("roi_example_c")
    chart = persona_map([j, j.with_step(0, experience=9.0)], lang="ja")
    spec = chart.to_dict()
    assert spec["title"]["text"] == "ペルソナ別の比較"
    names = {r["series"] for u in unit_specs(chart) for r in u["rows"] if "series" in r}
    assert len(names) == 2 and all(j.title in n for n in names)  # same title: told apart


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda j: compare_journeys("x", j), "`before` must be a cxkit Journey"),
        (lambda j: journey_diff(j, {"id": 1}), "`after` must be a cxkit Journey .*, got dict"),
        (lambda j: compare_journeys(j, j, labels=("a", "a")), "`labels` must be two different"),
        (lambda j: compare_journeys(j, j, lang="fr"), "`lang` must be one of"),
        (lambda j: persona_map([]), "got 0"),
        (lambda j: persona_map([j]), "got 1"),
        (lambda j: persona_map([j] * (MAX_JOURNEYS + 1)), f"got {MAX_JOURNEYS + 1}"),
        (lambda j: persona_map(j), "must be a list of 2 to 8"),
        (lambda j: persona_map("ab"), "got str"),
        (lambda j: persona_map([j, 3]), "`journeys.1.` must be a cxkit Journey .*, got int"),
    ],
)
def test_bad_inputs(as_is, call, message):
    with pytest.raises(CxkitError, match=message):
        call(as_is)


def test_html_page_is_self_contained_and_escapes_labels(as_is):
    evil = as_is.with_step("damage", action="<script>alert(1)</script> & 'x'")
    page = render_comparison([as_is, evil], "html", lang="ja")
    assert "default-src 'none'" in page and "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page  # the differences table
    head = page.split("<!-- cxkit: inlined scripts")[0]
    assert not re.search(r"<(script|img|link|iframe|object)[^>]*\s(src|href)=", head)
    assert page.count("<script>") == 3  # the three hashed scripts of the CSP, inlined
    assert "<h2>主要指標</h2>" in page and "<h2>差分</h2>" in page


def test_svg_and_markdown(as_is, to_be):
    svg = render_comparison([as_is, to_be], "svg")
    assert svg.startswith("<svg") and "改善後" in svg and "記憶される体験" in svg
    md = render_comparison([as_is, to_be], "md", chart=False)
    assert "| 変更 | 申し出 |" in md and "| 記憶される体験 | −8.5 | −3.5 | +5 |" in md
    with pytest.raises(CxkitError, match="one of png, svg, html, md"):
        render_comparison([as_is, to_be], "pdf")
