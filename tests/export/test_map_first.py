"""Pages open with the map; site pages in their own language; service blueprint tables.

The browser tests (marked ``browser``) open the pages in Debian's chromium and measure
what a reader sees: which element comes first, which map page is showing after a click,
the Mermaid diagrams' type size and clipped labels, and the what-if chart's tick labels.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import cxkit as cx
from cxkit import export
from cxkit.export._html import asset_text
from cxkit.viz.paging import stage_pages

CHROMIUM = "/usr/bin/chromium"


# -- no browser ---------------------------------------------------------------------------


class _Order(HTMLParser):
    """The body's elements in document order (tag, attributes), scripts' text skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[tuple[str, dict[str, str | None]]] = []
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._in_body = True
        elif self._in_body:
            self.order.append((tag, dict(attrs)))


def _body_order(page: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Order()
    p.feed(page)
    return p.order


@pytest.mark.parametrize("name", cx.list_templates())
def test_html_opens_with_the_map_after_the_title(name) -> None:
    page = export.html(cx.load_journey(name))
    order = _body_order(page)
    assert [t for t, _ in order[:2]] == ["header", "h1"]
    assert order[2] == ("section", order[2][1]) and order[2][1]["class"] == "cxkit-map"
    first_h2 = next(i for i, (t, _) in enumerate(order) if t == "h2")
    first_spec = next(i for i, (t, a) in enumerate(order) if a.get("class") == "cxkit-vega")
    assert first_spec < first_h2  # the chart comes before any prose or table


def test_markdown_and_site_pages_open_with_the_map() -> None:
    md = export.markdown(cx.load_journey("billing_inquiry"), chart="vega")
    lines = md.splitlines()
    assert lines[0].startswith("# Billing inquiry")
    assert lines[2].startswith('<section class="cxkit-map"')
    assert 'class="cxkit-vega"' in lines[2]
    assert md.index("cxkit-vega") < md.index("## ")


def test_site_pages_use_their_own_journeys_language(tmp_path) -> None:
    out = export.site(["retail_omnichannel", "complaint_recovery_ja"], tmp_path / "s")
    ja = (out / "docs" / "journeys" / "complaint_recovery_ja.md").read_text(encoding="utf-8")
    en = (out / "docs" / "journeys" / "retail_omnichannel.md").read_text(encoding="utf-8")
    assert "## ジャーニー全体の指標" in ja and "## Journey aggregates" not in ja
    assert "不満" in ja and "| dissatisfied |" not in ja
    assert "## Journey aggregates" in en and "ジャーニー全体の指標" not in en
    assert ja.startswith("---\nhide:\n  - toc\n---\n")  # the map gets the page's width
    index = (out / "docs" / "index.md").read_text(encoding="utf-8")
    assert "| Journey / ジャーニー |" in index  # a mixed site labels in both languages
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert '"Journeys / ジャーニー一覧":' in config and "language: en" in config
    forced = export.site(["complaint_recovery_ja"], tmp_path / "f", lang="en")
    text = (forced / "docs" / "journeys" / "complaint_recovery_ja.md").read_text("utf-8")
    assert "## Journey aggregates" in text and "ジャーニー全体の指標" not in text
    only_ja = export.site(["complaint_recovery_ja"], tmp_path / "j")
    assert "language: ja" in (only_ja / "mkdocs.yml").read_text(encoding="utf-8")


def test_a_site_written_twice_does_not_rewrite_its_assets(tmp_path) -> None:
    out = export.site(["billing_inquiry"], tmp_path / "s")
    mermaid = out / "docs" / "assets" / "cxkit" / "mermaid.min.js"
    before = mermaid.stat().st_mtime_ns
    export.site(["billing_inquiry"], out)
    assert mermaid.stat().st_mtime_ns == before
    assert mermaid.read_text(encoding="utf-8") == asset_text("mermaid.min.js")


def test_blueprint_tables_in_markdown_and_html() -> None:
    j = cx.load_journey("complaint_recovery_ja")
    lanes = [s for s in j.steps if s.frontstage or s.backstage or s.support]
    assert lanes, "complaint_recovery_ja carries blueprint lanes"
    md = export.markdown(j, chart=None)
    page = export.html(j)
    for text in ("フロントステージ", "可視境界線", "バックステージ", "支援プロセス"):
        assert text in md and text in page
    for step in lanes:
        for item in (*step.frontstage, *step.backstage, *step.support):
            assert item in md or export.escape.markdown_cell(item) in md
    assert page.count('<table class="cxkit-blueprint">') == len(
        {s.stage for s in lanes}
    )  # one per stage with lanes
    en = export.markdown(j, lang="en", chart=None)
    assert "| *Line of visibility* |" in en and "**Frontstage**" in en
    billing = cx.load_journey("billing_inquiry")  # no lanes: no blueprint
    assert '<table class="cxkit-blueprint">' not in export.html(billing)
    assert "Line of visibility" not in export.markdown(billing, chart=None)


def test_blueprint_lanes_are_escaped() -> None:
    j = cx.load_journey("billing_inquiry")
    evil = "<img src=x onerror=alert(1)> | [x](javascript:1)"
    step = dataclasses.replace(j.steps[0], frontstage=(evil,), backstage=("=cmd",), support=("ok",))
    j = j.replace(steps=(step, *j.steps[1:]))
    page = export.html(j)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    md = export.markdown(j, chart=None)
    row = next(line for line in md.splitlines() if line.startswith("| **Frontstage**"))
    assert row.count(" | ") == 1  # label | one step: the pipe in the lane text is escaped
    assert "&#124;" in row and "<img" not in row
    assert "'=cmd" in md


# -- in chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    import os

    if os.environ.get("CXKIT_SKIP_BROWSER") == "1":
        pytest.skip("CXKIT_SKIP_BROWSER=1: real-browser tests skipped on purpose")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}", pytrace=False)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield b
        finally:
            b.close()


def _paged(journey: cx.Journey, *, lang: str | None = None, paper: str = "a4") -> list[Any]:
    """A stand-in for ``journey_map_pages``: the map of each page of ``stage_pages``."""
    from cxkit.viz import journey_map

    return [
        journey_map(journey.replace(steps=tuple(journey.steps[i] for i in page.steps)), lang=lang)
        for page in stage_pages(journey, 7)
    ]


def _open(browser: Any, path: Path, width: int = 1280) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => document.querySelectorAll('.cxkit-vega-chart svg.marks').length >= "
        "document.querySelectorAll('script.cxkit-vega').length",
        timeout=60_000,
    )
    return context, page, problems


_VISIBLE = """() => [...document.querySelectorAll('.cxkit-map-page')].map(p => ({
  hidden: p.hidden, height: p.getBoundingClientRect().height,
  pressed: document.querySelector(
    `button.cxkit-page[data-page="${p.dataset.page}"]`)?.getAttribute('aria-pressed')}))"""


@pytest.mark.browser
def test_page_navigation_switches_map_pages(browser, tmp_path, monkeypatch) -> None:
    import cxkit.viz.journey as viz_journey

    if not hasattr(viz_journey, "journey_map_pages"):
        monkeypatch.setattr(viz_journey, "journey_map_pages", _paged, raising=False)
    j = cx.data.long_journey(20)
    n_pages = len(viz_journey.journey_map_pages(j))
    assert n_pages > 1
    path = tmp_path / "long.html"
    path.write_text(export.html(j), encoding="utf-8")
    context, page, problems = _open(browser, path)
    try:
        first = page.evaluate(_VISIBLE)
        assert len(first) == n_pages
        assert [p["hidden"] for p in first] == [False] + [True] * (n_pages - 1)
        assert first[0]["height"] > 200 and first[0]["pressed"] == "true"
        page.click('button.cxkit-page[data-page="1"]')
        second = page.evaluate(_VISIBLE)
        assert [p["hidden"] for p in second] == [True, False] + [True] * (n_pages - 2)
        assert second[1]["height"] > 200 and second[1]["pressed"] == "true"
        page.click("button.cxkit-next")
        assert page.evaluate("() => document.querySelector('.cxkit-map').dataset.page") == "2"
        page.focus("button.cxkit-prev")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("() => document.querySelector('.cxkit-map').dataset.page") == "1"
        cue = page.inner_text(".cxkit-map-cue")
        assert f"{n_pages} pages" in cue or f"{n_pages}ページ" in cue
        # the map is at the top of the window, above the first heading of the prose
        top = page.evaluate(
            "() => [document.querySelector('.cxkit-map-page:not([hidden]) svg')"
            ".getBoundingClientRect().top, document.querySelector('main h2')"
            ".getBoundingClientRect().top]"
        )
        assert top[0] < 250 < top[1]
        assert problems == []
    finally:
        context.close()


@pytest.mark.browser
def test_zoom_fit_and_full(browser, tmp_path) -> None:
    path = tmp_path / "retail.html"
    path.write_text(export.html(cx.load_journey("retail_omnichannel")), encoding="utf-8")
    context, page, problems = _open(browser, path, width=1200)
    measure = """() => { const m = document.querySelector('.cxkit-map');
      const svg = m.querySelector('.cxkit-map-page:not([hidden]) svg.marks');
      const box = svg.closest('.cxkit-chart');
      return {zoom: m.dataset.zoom, width: svg.getBoundingClientRect().width,
              natural: Number(svg.getAttribute('width')), box: box.clientWidth,
              cue: !m.querySelector('.cxkit-scroll-cue').hidden,
              scrolls: box.scrollWidth > box.clientWidth}; }"""
    try:
        page.click('button.cxkit-zoom[data-zoom="full"]')
        full = page.evaluate(measure)
        assert full["zoom"] == "full" and abs(full["width"] - full["natural"]) < 1
        assert full["scrolls"] is (full["natural"] > full["box"]) and full["cue"] is full["scrolls"]
        page.click('button.cxkit-zoom[data-zoom="fit"]')
        fit = page.evaluate(measure)
        assert fit["zoom"] == "fit" and fit["width"] <= fit["box"] + 1 and not fit["cue"]
        assert problems == []
    finally:
        context.close()


_MERMAID = """() => [...document.querySelectorAll('pre.mermaid > svg')].map(svg => {
  const r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal, scale = r.width / vb.width;
  const fonts = [...svg.querySelectorAll('text, foreignObject div')]
    .filter(e => (e.textContent || '').trim())
    .map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
  let clipped = 0;
  svg.querySelectorAll('foreignObject').forEach(fo => { const d = fo.firstElementChild;
    if (d && (d.scrollWidth > fo.width.baseVal.value + 1 ||
              d.scrollHeight > fo.height.baseVal.value + 1)) { clipped += 1; } });
  const blank = r.height - svg.getBBox().height * scale;
  return {scale, minFont: Math.min(...fonts), clipped, blank};
})"""


@pytest.mark.browser
def test_mermaid_reads_at_its_natural_size(browser, tmp_path) -> None:
    import html

    journeys = [cx.load_journey(n) for n in cx.list_templates()] + [cx.data.long_journey(20)]
    blocks = []
    for j in journeys:
        for text in (export.mermaid_journey(j), export.mermaid_flowchart(j)):
            pre = f'<pre class="mermaid">{html.escape(text)}</pre>'
            blocks.append(f'<div style="overflow-x:auto">{pre}</div>')
    path = tmp_path / "mermaid.html"
    path.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><body>'
        + "".join(blocks)
        + f"<script>{asset_text('mermaid.min.js')}</script>",
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.evaluate(
            "async () => { mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});"
            " await mermaid.run({querySelector: 'pre.mermaid'}); }"
        )
        seen = page.evaluate(_MERMAID)
    finally:
        context.close()
    assert len(seen) == 2 * len(journeys)
    for k, d in enumerate(seen):
        what = f"diagram {k} ({journeys[k // 2].id}, {'journey' if k % 2 == 0 else 'flowchart'})"
        assert d["scale"] == pytest.approx(1, abs=0.01), what  # never shrunk to the column
        assert d["minFont"] >= 12, what
        assert d["clipped"] == 0, what
        # Mermaid reserves room for the actor legend under a journey: at most 300 px
        # (before: ~420 px of a 565 px box, with the drawing shrunk to 5 px text)
        assert d["blank"] < 300, what


def _tick_labels_overlap(page: Any, svg_text: str) -> list[str]:
    page.set_content(f"<!DOCTYPE html><body style='margin:0'>{svg_text}</body>")
    return page.evaluate(
        """() => { const out = [];
          document.querySelectorAll('g.role-axis').forEach(axis => {
            const labels = [...axis.querySelectorAll('g.role-axis-label text')]
              .filter(t => (t.textContent || '').trim() && getComputedStyle(t).opacity !== '0')
              .map(t => [t.textContent, t.getBoundingClientRect()]);
            for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
              const [ta, a] = labels[i], [tb, b] = labels[j];
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                out.push(ta + ' / ' + tb);
            } });
          return out; }"""
    )


@pytest.mark.browser
def test_what_if_tick_labels_do_not_collide(browser) -> None:
    import vl_convert as vlc

    from cxkit.sim.exact import exact
    from cxkit.viz import what_if

    j = cx.load_journey("billing_inquiry")
    scenarios = [
        j.with_handoff("web_faq", "phone_queue", context_carryover=1.0),  # a big change
        j.with_handoff("web_faq", "phone_queue", context_carryover=0.001),  # a tiny one
        j.with_handoff("web_faq", "phone_queue", context_carryover=0.5),
    ]
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        for k, other in enumerate(scenarios):
            spec = what_if(exact(j), exact(other)).to_dict()
            svg = vlc.vegalite_to_svg(spec)
            assert _tick_labels_overlap(page, svg) == [], k
            # one shared axis, whatever the metrics' units: one x axis with labels
            assert len(re.findall(r'class="mark-text role-axis-label"', svg)) >= 2
    finally:
        context.close()
