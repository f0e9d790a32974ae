"""Markdown, Mermaid and HTML of billing_inquiry (model reference Example A): values, snapshots.

The chart itself belongs to cxkit.viz and is left out of the snapshots (Markdown with
``chart=None``; the HTML page with its spec block and script hashes replaced).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

import cxkit as cx
from cxkit import export
from cxkit.export._html import BUNDLE_MARKER


# -- Markdown ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_snapshot(billing, snapshot, lang) -> None:
    assert export.markdown(billing, lang=lang, chart=None) == snapshot


def test_markdown_values_follow_example_a(billing) -> None:
    md = export.markdown(billing, chart=None)
    rows = [line for line in md.splitlines() if re.match(r"\| [1-4] \|", line)]
    table = [[c.strip() for c in r.strip("|").split("|")] for r in rows]
    # number, E, P, D = P - E, emotion (cxkit model reference, Example A)
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in table] == [
        ("1", "6", "4", "-2", "dissatisfied"),
        ("2", "6", "3", "-3", "dissatisfied"),
        ("3", "7", "7", "0", "satisfied"),
        ("4", "7", "10", "+3", "delighted"),
    ]
    assert "| Peak-end | -1.5 |" in md
    assert "| Mean | -1.75 |" in md
    assert "| Recency-weighted | 0.53 |" in md
    assert "| Journey emotion | dissatisfied |" in md
    assert "| Journey effort (CES 1–5) | 2.5 |" in md
    assert "| Synthetic CSAT (1–5) | 3 |" in md
    assert "| Synthetic likelihood to recommend (0–10) | 6 |" in md
    assert md.count("```mermaid") == 2


def test_markdown_in_japanese_uses_japanese_labels(billing) -> None:
    md = export.markdown(billing, lang="ja", chart=None)
    assert "| ジャーニー全体の感情 | 不満 |" in md
    assert "## ペルソナ" in md and "## ペインポイント" in md
    assert "| 3 | Billing agent | Explains the issue again to an agent who has no context" in md


def test_markdown_explicit_emotion_is_marked(billing) -> None:
    j = billing.with_step(0, emotion="感動")
    md = export.markdown(j, chart=None)
    assert "| Searches the FAQ for the unexpected charge | 6 | 4 | -2 |" in md
    assert "delighted (annotated)" in md


def test_markdown_journey_without_valences(billing) -> None:
    steps = tuple(s.__class__(stage=s.stage, touchpoint=s.touchpoint) for s in billing.steps)
    md = export.markdown(billing.replace(steps=steps), chart=None)
    assert "No step has both an expectation and an experience" in md
    assert "| Peak-end |" not in md
    assert "| Journey effort (CES 1–5) | 1.5 |" in md  # one web -> phone switch


def test_markdown_vega_chart_block_holds_the_spec(billing) -> None:
    md = export.markdown(billing, chart="vega")
    m = re.search(
        r'<script type="application/json" class="cxkit-vega">(.*?)</script>', md, flags=re.S
    )
    assert m is not None
    spec = json.loads(m.group(1))
    # the page opens with the paged map (billing_inquiry fits on one page)
    assert spec == cx.viz.journey_map_pages(billing)[0].to_dict(validate=False)
    assert "vega-lite" in spec["$schema"]


def test_markdown_svg_chart_is_inline_and_one_line(billing) -> None:
    md = export.markdown(billing, chart="svg")
    line = next(x for x in md.splitlines() if x.startswith('<div class="cxkit-chart">'))
    assert line.startswith('<div class="cxkit-chart"><svg') and line.endswith("</svg></div>")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chart": "png"}, "`chart` must be 'svg', 'vega' or None, got 'png'"),
        ({"lang": "fr"}, "`lang` must be one of 'en', 'ja', got 'fr'"),
    ],
)
def test_markdown_bad_arguments(billing, kwargs, message) -> None:
    with pytest.raises(cx.CxkitError) as info:
        export.markdown(billing, **kwargs)
    assert str(info.value) == message


def test_exporters_refuse_a_non_journey() -> None:
    for func in (export.markdown, export.html, export.mermaid_journey, export.yaml):
        with pytest.raises(cx.CxkitError, match="`journey` must be a cxkit Journey"):
            func({"id": "x"})


# -- Mermaid ----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_mermaid_snapshots(billing, snapshot, lang) -> None:
    assert export.mermaid_journey(billing, lang) == snapshot(name="journey")
    assert export.mermaid_flowchart(billing, lang) == snapshot(name="flowchart")


def test_mermaid_journey_scores_map_valences(billing) -> None:
    tasks = [line for line in export.mermaid_journey(billing).splitlines() if line.count(":") == 2]
    assert [int(t.split(":")[1]) for t in tasks] == [1, 1, 3, 5]  # s = -4, -6, 0, +3


def test_mermaid_flowchart_edges(billing) -> None:
    text = export.mermaid_flowchart(billing)
    edges = [line.strip() for line in text.splitlines() if "->" in line]
    assert edges == [
        'n0 -->|"40%"| o0',
        'n0 -->|"50% · context kept 0%"| n1',
        'n1 -->|"90%"| n2',
        'n2 -->|"85%"| o0',
        'n2 -->|"5%"| o1',
        'n0 -.->|"remainder 10%"| o2',
        'n1 -.->|"remainder 10%"| o2',
        'n2 -.->|"remainder 10%"| o2',
    ]
    assert '    o0(["Charge explained and corrected"])' in text  # stadium
    assert "    class n1,n2 c1" in text  # both phone touchpoints share a class


def test_mermaid_flowchart_remainder_only_when_positive(billing) -> None:
    j = billing.with_handoff("agent", "resolved", probability=0.95)
    text = export.mermaid_flowchart(j)
    assert "n2 -.->" not in text
    assert 'n2 -->|"95%"| o0' in text


# -- HTML -------------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((dict(attrs), ""))
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        if self._in_h1:
            self.h1 += data


def _parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    p.close()
    return p


def _strip_bundle(page: str) -> str:
    head = page.split(BUNDLE_MARKER)[0].replace(cx.__version__, "<version>")
    head = re.sub(r"'sha256-[A-Za-z0-9+/=]+'", "'sha256-…'", head)
    return re.sub(
        r'(<script type="application/json" class="cxkit-vega">).*?(</script>)',
        r"\1…\2",
        head,
        flags=re.S,
    )


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_html_snapshot_without_bundles(billing, snapshot, lang) -> None:
    assert _strip_bundle(export.html(billing, lang=lang)) == snapshot


def test_html_is_self_contained_under_a_hash_csp(billing) -> None:
    page = export.html(billing)
    parsed = _parse(page)
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in directives["script-src"]
    executable = [text for attrs, text in parsed.scripts if "type" not in attrs]
    assert len(executable) == 3  # vega bundle, mermaid, cxkit loader
    hashes = re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", directives["script-src"])
    assert hashes == [
        base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() for code in executable
    ]
    assert executable[0].startswith("(function(){")
    assert executable[0].rstrip().endswith("})();")
    # nothing on the page refers to another resource
    for tag, attrs in parsed.tags:
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
    assert not re.search(r"<link\b|@import|url\(", page.split(BUNDLE_MARKER)[0])
    spec_text = next(t for a, t in parsed.scripts if a.get("class") == "cxkit-vega")
    assert json.loads(spec_text) == cx.viz.journey_map_pages(billing)[0].to_dict(validate=False)
    assert parsed.h1 == "Billing inquiry (cxkit model reference, Example A)"
    assert page.count('<pre class="mermaid">') == 2
