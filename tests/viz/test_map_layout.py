"""The journey map reads at any length: wrapped text fits its box, pages follow stage_pages.

Every template and the 40-step bilingual stress journey, in English and Japanese. The
overflow check renders each page to SVG with vl-convert and measures every named text
against its named box in Chromium (``@pytest.mark.browser``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import cxkit as cx
from cxkit.viz._text import NO_LINE_START, wrap
from cxkit.viz.journey import (
    MIN_PRINT_PT,
    PAPERS,
    _print_font_px,
    journey_map,
    journey_map_pages,
    steps_per_page,
)
from cxkit.viz.paging import stage_pages

NAMES = [*cx.io.list_templates(), "long_journey(40)"]
CASES = [(name, lang) for name in NAMES for lang in ("en", "ja")]


@cache
def journey(name: str) -> cx.Journey:
    return cx.data.long_journey(40) if name == "long_journey(40)" else cx.load_journey(name)


@cache
def page_specs(name: str, lang: str, paper: str = "a4") -> tuple[dict[str, Any], ...]:
    return tuple(
        p.to_dict(validate=False) for p in journey_map_pages(journey(name), lang=lang, paper=paper)
    )


def named(spec: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(name, data rows) of every named unit of a spec, data inherited from its parents."""
    datasets = spec.get("datasets", {})

    def walk(node: dict[str, Any], data: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        data = node.get("data", data)
        if "name" in node and "mark" in node:
            # altair numbers names apart: "step_text" → "step_text_1"
            yield re.sub(r"_\d+$", "", node["name"]), datasets.get((data or {}).get("name"), [])
        for key in ("layer", "vconcat", "hconcat"):
            for child in node.get(key, []):
                yield from walk(child, data)

    return walk(spec, None)


def rows_of(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [row for n, rows in named(spec) if n == name for row in rows]


def labels(spec: dict[str, Any]) -> list[str]:
    return [r["label"] for n, rows in named(spec) if n.endswith("_text") for r in rows]


# -- line breaks ------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_wrapped_line_starts_with_closing_punctuation_or_small_kana(name, lang):
    strip = journey_map(journey(name), lang=lang).to_dict(validate=False)
    specs = (*page_specs(name, lang), strip)
    lines = [line for spec in specs for text in labels(spec) for line in text.split("\n")]
    assert len(lines) > 20
    bad = [line for line in lines if line and line[0] in NO_LINE_START]
    assert bad == []
    # a phrase stays whole: the call centre's "（電話）" is never split
    assert not [line for line in lines if line.endswith(("（電", "（"))]


def test_call_center_phone_stays_whole():
    for px in (60, 80, 100, 120, 200):
        lines = wrap("コールセンター（電話）", px, 12).lines
        assert any("（電話）" in line for line in lines), (px, lines)
    spec = page_specs("complaint_recovery_ja", "ja")[0]
    texts = [r["label"] for r in rows_of(spec, "touchpoint_text")]
    assert "コールセンター\n（電話）" in texts


@pytest.mark.parametrize(
    ("text", "px"),
    [
        ("オペレーターが本人確認をして症状を聞き取る", 50),
        ("ッッッァァァ「（長い説明）」。、ーー", 30),
        ("Authentication error on the coupon page (again)!", 40),
    ],
)
def test_character_breaks_keep_the_kinsoku_rules(text, px):
    lines = wrap(text, px, 12, 50).lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(line[0] not in NO_LINE_START for line in lines[1:]), lines


# -- nothing cut without the full text ----------------------------------------------------
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_step_action_is_whole_on_its_page(name, lang):
    j = journey(name)
    for spec in page_specs(name, lang):
        notes = " ".join(r["label"] for r in rows_of(spec, "footnote_text")).replace("\n", "")
        for row in rows_of(spec, "step_text"):
            action = j.steps[row["index"]].action or row["step_id"]
            shown = row["label"].replace("\n", "").replace(" ", "")
            whole = f"{row['step_no']}.{action}".replace(" ", "").replace("\n", "")
            if shown != whole:
                assert re.search(r"… \[\d+\]$", row["label"]), row["label"]
                assert action.replace("\n", " / ").replace(" ", "") in notes.replace(" ", "")


def test_shortened_labels_are_numbered_footnotes():
    spec = page_specs("long_journey(40)", "ja")[1]
    marks = [m for text in labels(spec) for m in re.findall(r"… \[(\d+)\]", text)]
    notes = rows_of(spec, "footnote_text")[0]["label"]
    assert marks and sorted(map(int, marks)) == list(range(1, len(marks) + 1))
    assert all(f"[{k}]" in notes for k in marks)


# -- values off the axis --------------------------------------------------------------------
def test_scores_outside_0_10_are_on_an_extended_marked_axis():
    j = journey("long_journey(40)")
    lowest = min(ev.experience for ev in j.evaluate().steps if ev.experience is not None)
    assert lowest < 0
    spec = journey_map(j, lang="en").to_dict(validate=False)
    bands = rows_of(spec, "off_scale_band")
    assert [(b["b0"], b["b1"]) for b in bands] == [(float(int(lowest)), 0.0)]
    assert [r["label"] for r in rows_of(spec, "off_scale_label")] == ["outside 0–10"]
    ja = page_specs("long_journey(40)", "ja")[0]
    assert [r["label"] for r in rows_of(ja, "off_scale_label")] == ["0–10 の範囲外"]
    # within 0–10: no band
    plain = journey_map(journey("billing_inquiry")).to_dict(validate=False)
    assert rows_of(plain, "off_scale_band") == []


# -- service blueprint -----------------------------------------------------------------------
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_blueprint_lanes_appear_when_present_and_not_otherwise(name, lang):
    j = journey(name)
    has = any(s.frontstage or s.backstage or s.support for s in j.steps)
    spec = journey_map(j, lang=lang).to_dict(validate=False)
    lines = [r["label"] for r in rows_of(spec, "blueprint_line_label")]
    if not has:
        assert lines == [] and not any(n.startswith("blueprint") for n, _ in named(spec))
        return
    expected = {
        "en": ["Line of visibility", "Line of internal interaction"],
        "ja": ["可視境界線", "内部相互作用線"],
    }[lang]
    assert lines == expected
    row_labels = json_text(spec)
    for word in {
        "en": ("Frontstage", "Backstage", "Support processes"),
        "ja": ("フロントステージ", "バックステージ", "支援プロセス"),
    }[lang]:
        assert word in row_labels
    shown = " ".join(r["label"] for r in rows_of(spec, "blueprint_text")).replace("\n", "")
    first = next(s for s in j.steps if s.frontstage).frontstage[0]
    assert first.replace(" ", "")[:8] in shown.replace(" ", "")


def json_text(spec: dict[str, Any]) -> str:
    import json

    return json.dumps(spec, ensure_ascii=False)


# -- pages -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "lang", "paper"), [(n, lang, "a4") for n, lang in CASES] + [(NAMES[-1], "ja", "a3")]
)
def test_pages_hold_the_steps_of_stage_pages(name, lang, paper):
    j = journey(name)
    pages = stage_pages(j, steps_per_page(paper))
    specs = page_specs(name, lang, paper)
    assert len(specs) == len(pages)
    for page, spec in zip(pages, specs, strict=True):
        assert [r["index"] for r in rows_of(spec, "step_text")] == list(page.steps)
        title = spec["title"]["text"]
        k, n = page.number, len(pages)
        assert title.endswith(f"page {k} of {n}" if lang == "en" else f"{k} / {n} ページ")
        stage_texts = " ".join(r["label"] for r in rows_of(spec, "stage_text"))
        more = "continued" if lang == "en" else "続き"
        assert (more in stage_texts) == (page.continued_from_previous or page.continues_on_next)
        # row labels and legends on every page
        text = json_text(spec)
        assert ("Score (0–10)" if lang == "en" else "評価 (0–10)") in text
        assert all('"legend"' in text for _ in (0,))


def test_long_stage_is_marked_continued():
    j = journey("long_journey(40)")
    pages = stage_pages(j, 3)
    assert any(p.continues_on_next for p in pages)  # the rule does split long stages
    specs = [c.to_dict(validate=False) for c in journey_map_pages(j, lang="en", paper="a4")]
    assert len(specs) == len(stage_pages(j, steps_per_page("a4")))


def test_min_type_size_prints_at_7_pt():
    for paper, (width_mm, page_px) in PAPERS.items():
        font = _print_font_px(paper)
        printable_pt = (width_mm - 20) / 25.4 * 72
        assert font * printable_pt / page_px >= MIN_PRINT_PT
    import vl_convert

    for name, lang in (("retail_omnichannel", "en"), ("complaint_recovery_ja", "ja")):
        svg = vl_convert.vegalite_to_svg(page_specs(name, lang)[0])
        sizes = [float(v) for v in re.findall(r'font-size="([0-9.]+)px"', svg)]
        assert len(sizes) > 50
        assert min(sizes) >= _print_font_px("a4")
        assert float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg)[1]) <= PAPERS["a4"][1]


def test_bad_paper_is_a_clear_error():
    with pytest.raises(cx.CxkitError, match=r"`paper` must be one of 'a4', 'a3'.*got 'letter'"):
        journey_map_pages(journey("billing_inquiry"), paper="letter")


# -- no text overflows its box: measured in Chromium -------------------------------------
CHROMIUM = "/usr/bin/chromium"
FIT_SCRIPT = r"""
() => {
  const pairs = {};
  for (const g of document.querySelectorAll('g.role-mark')) {
    for (const c of g.classList) {
      const m = c.match(/^(.*)_(box|text)_(\d+)_marks$/);
      if (m) { const k = m[1] + '#' + m[3]; pairs[k] = pairs[k] || {}; pairs[k][m[2]] = g; }
    }
  }
  const out = [];
  for (const [key, p] of Object.entries(pairs)) {
    if (!p.box || !p.text) continue;
    const rects = p.box.querySelectorAll(':scope > path, :scope > rect');
    const texts = p.text.querySelectorAll(':scope > text');
    texts.forEach((t, i) => {
      if (!t.textContent.trim()) return;
      const a = t.getBoundingClientRect(), b = rects[i].getBoundingClientRect();
      out.push({key, text: t.textContent,
                over: Math.max(b.left - a.left, a.right - b.right,
                               b.top - a.top, a.bottom - b.bottom)});
    });
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def chromium_page() -> Iterator[Any]:
    if os.environ.get("CXKIT_SKIP_BROWSER") == "1":
        pytest.skip("CXKIT_SKIP_BROWSER=1: real-browser tests skipped on purpose")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_text_overflows_its_box_in_chromium(chromium_page, name, lang):
    import vl_convert

    from cxkit.viz.fonts import register_fonts

    register_fonts()
    specs = [*page_specs(name, lang), journey_map(journey(name), lang=lang).to_dict(validate=False)]
    checked = 0
    for k, spec in enumerate(specs):
        svg = vl_convert.vegalite_to_svg(spec)
        chromium_page.set_content(f"<html><body style='margin:0'>{svg}</body></html>")
        measured = chromium_page.evaluate(FIT_SCRIPT)
        kinds = {m["key"].split("#")[0] for m in measured}
        assert {"stage", "step", "touchpoint"} <= kinds, kinds
        over = [
            (m["key"], m["text"][:30], round(m["over"], 1)) for m in measured if m["over"] > 0.5
        ]
        assert over == [], f"page {k + 1}"
        checked += len(measured)
    assert checked >= 3 * len(journey(name).steps)
