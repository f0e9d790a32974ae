"""Hostile labels in every label field, exported to every format.

The journey of ``conftest.hostile_journey`` carries script tags, event handlers,
``javascript:`` links, Markdown links and attribute lists, ``</script>``, Mermaid's
``: ; # , %%`` and newlines, quotes, brackets, a 10,000-character label, emoji,
right-to-left and Japanese text. Every exporter must show them as text.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

import cxkit as cx
from cxkit import export
from cxkit.export._html import BUNDLE_MARKER
from cxkit.export._mermaid import FLOWCHART_CONFIG, JOURNEY_CONFIG, _cut
from cxkit.export.escape import (
    FORMULA_PREFIXES,
    MERMAID_LABEL_LIMIT,
    balance_bidi,
    one_line,
    truncate,
)

markdown = pytest.importorskip("markdown", reason="Python-Markdown comes with cxkit[docs]")
markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py comes with cxkit[docs]")

#: Tags that exported Markdown may produce once rendered (none comes from a label).
MARKDOWN_TAGS = {
    "h1", "h2", "h3", "p", "strong", "ul", "li", "table", "thead", "tbody", "tr", "th",
    "td", "br", "pre", "code", "div", "script",
}  # fmt: skip


#: Python-Markdown as a cxkit site runs it, plus attr_list and md_in_html (attack surface).
SITE_MARKDOWN = {
    "extensions": ["tables", "toc", "attr_list", "md_in_html", "pymdownx.superfences"],
    "extension_configs": {
        "pymdownx.superfences": {
            "custom_fences": [
                {
                    "name": "mermaid",
                    "class": "mermaid",
                    "format": __import__("pymdownx.superfences").superfences.fence_code_format,
                }
            ]
        }
    },
}


class _Collect(HTMLParser):
    """Tags, attributes and the text of selected elements of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "meta", "img", "input", "link"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if self._stack:
            self.text.setdefault(self._stack[-1], []).append(data)


def _collect(document: str) -> _Collect:
    c = _Collect()
    c.feed(document)
    c.close()
    return c


#: The map block's own tags: a section, its toolbar of plain buttons (wired by the
#: hashed loader script, never by attributes) and its captions.
MAP_TAGS = {"section", "nav", "button", "p"}


def _assert_no_active_content(c: _Collect, allowed_tags: set[str]) -> None:
    for tag, attrs in c.tags:
        assert tag in allowed_tags, f"unexpected <{tag}> {attrs}"
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
        if tag == "script":
            assert attrs.get("type") == "application/json", attrs


@pytest.mark.parametrize(
    "render",
    [
        lambda text: markdown.markdown(text, **SITE_MARKDOWN),
        lambda text: markdown_it.MarkdownIt("commonmark").enable("table").render(text),
    ],
    ids=["python-markdown", "commonmark"],
)
def test_markdown_renders_hostile_labels_as_text(hostile, render) -> None:
    md = export.markdown(hostile, chart="vega")
    c = _collect(render(md))
    _assert_no_active_content(c, MARKDOWN_TAGS | MAP_TAGS)
    assert "".join(c.text["h1"]) == one_line(hostile.title)
    goals = [li for li in c.text["li"] if li in hostile.persona.goals]
    assert goals == list(hostile.persona.goals)
    cells = c.text["td"]
    assert hostile.steps[0].action in cells  # a full label, shown as written
    assert "x" * 10_000 in cells  # the 10k label, whole, in its own cell


def test_markdown_tables_keep_their_columns(hostile) -> None:
    md = export.markdown(hostile, chart=None)
    html = markdown.markdown(md, extensions=["tables"])
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        # aggregates (2 columns), design-time / flow-time (3), steps (9)
        assert len(re.findall(r"<t[dh][ >]", row)) in (2, 3, 9), row[:200]


def _decode(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def test_mermaid_journey_lines_parse(hostile) -> None:
    text = export.mermaid_journey(hostile)
    assert text.startswith(JOURNEY_CONFIG + "\n")  # front matter: natural size
    lines = text.removeprefix(JOURNEY_CONFIG + "\n").splitlines()
    assert lines[0] == "journey"
    assert len(lines) == 2 + len(hostile.stages) + len(hostile.steps)
    assert _decode(lines[1].removeprefix("    title ")) == truncate(
        one_line(hostile.title), MERMAID_LABEL_LIMIT
    )
    tasks = [line for line in lines if line.startswith("      ")]
    assert len(tasks) == len(hostile.steps)
    for number, (line, step) in enumerate(zip(tasks, hostile.steps, strict=True), 1):
        task, score, actor = line.strip().split(": ")
        assert ";" not in re.sub(r"#\d+;", "", task + actor)
        assert "#" not in re.sub(r"#\d+;", "", task + actor)
        assert ":" not in task + actor and "," not in actor
        assert score in {"1", "2", "3", "4", "5"}
        # numbered, cut to the task box (the stage tables hold the full text)
        expected = _cut(one_line(f"{number}. {step.action}"))
        assert _decode(task) == truncate(expected, MERMAID_LABEL_LIMIT)
    assert all("%%" not in line for line in lines)


NODE = re.compile(r'^    [nou]\d+(\["[^"]*"\]|\(\["[^"]*"\]\))$')
EDGE = re.compile(r'^    [nou]\d+ (-->|-\.->)\|"[^"]*"\| [nou]\d+$')
STYLE = re.compile(r"^    (classDef [a-z]+\d* fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#1b1b1b|"
                   r"class [nou]\d+(,[nou]\d+)* [a-z]+\d*)$")  # fmt: skip


def test_mermaid_flowchart_lines_parse(hostile) -> None:
    text = export.mermaid_flowchart(hostile)
    assert text.startswith(FLOWCHART_CONFIG + "\n")
    lines = text.removeprefix(FLOWCHART_CONFIG + "\n").splitlines()
    assert lines[0] == "flowchart TD"
    for line in lines[1:]:
        assert NODE.match(line) or EDGE.match(line) or STYLE.match(line), line
        assert "<" not in line.replace("<br>", "")
    labels = [_decode(m) for m in re.findall(r'\["([^"]*)"\]', "\n".join(lines))]
    wanted = truncate(one_line(hostile.graph.outcomes[0].label), MERMAID_LABEL_LIMIT)
    assert wanted in labels


def test_html_page_shows_hostile_labels_as_text(hostile) -> None:
    page = export.html(hostile)
    head, _, scripts = page.partition(BUNDLE_MARKER)
    assert head.lower().count("<script") == 1  # the chart spec (JSON, not executed)
    assert scripts.count("<script>") == 3
    c = _collect(head)
    allowed = MARKDOWN_TAGS | {
        "html", "head", "meta", "title", "style", "body", "main", "header", "section", "h3",
        "footer", "caption", *MAP_TAGS,
    }  # fmt: skip
    _assert_no_active_content(c, allowed)
    assert "".join(c.text["title"]) == hostile.title
    assert "".join(c.text["h1"]) == hostile.title
    assert len([t for t, _ in c.tags if t == "style"]) == 1
    spec_text = re.search(r'class="cxkit-vega">(.*?)</script>', head, flags=re.S).group(1)
    # the map's one page, as cxkit.viz draws it
    assert json.loads(spec_text) == cx.viz.journey_map_pages(hostile)[0].to_dict(validate=False)
    # the Mermaid sources are in <pre>, escaped; decoded they are the diagrams
    pres = c.text["pre"]
    assert pres == [export.mermaid_journey(hostile), export.mermaid_flowchart(hostile)]


def test_svg_is_well_formed_and_inert(hostile) -> None:
    svg = export.svg(hostile)
    root = ET.fromstring(svg)
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        assert tag not in ("script", "foreignObject", "a", "image", "iframe"), tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name.split("}")[-1] in ("href", "src"):
                assert "javascript:" not in value.lower(), (tag, name, value)
    texts = "".join(t for el in root.iter() for t in [el.text or ""])
    assert "window.__pwned" in texts  # labels are there, as text


def test_png_renders(hostile) -> None:
    data = export.png(hostile, scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_yaml_and_json_round_trip_exactly(hostile, fmt) -> None:
    text = getattr(export, fmt)(hostile)
    back = cx.loads_journey(text)
    assert back == hostile
    assert back.title == hostile.title
    assert back.steps[1].action == "x" * 10_000
    assert back.graph.channels[0].name == hostile.graph.channels[0].name


def test_every_format_writes_a_file(hostile, tmp_path) -> None:
    for fmt, suffix in export.FORMATS.items():
        path = export.write(hostile, tmp_path / f"h-{fmt}{suffix}", to=fmt)
        assert path.stat().st_size > 100, fmt
    assert cx.load_journey(tmp_path / "h-yaml.yaml") == hostile
    assert cx.load_journey(tmp_path / "h-json.json") == hostile


#: Characters no text export may contain: controls other than tab/LF/CR, lone
#: surrogates and noncharacters.
_UNCARRIED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0010fffe\U0010ffff]"
)


@pytest.mark.parametrize("fmt", ["markdown", "html", "mermaid_journey", "mermaid_flowchart"])
def test_text_exports_carry_no_control_character(hostile, fmt) -> None:
    kwargs = {"chart": None} if fmt == "markdown" else {}
    text = getattr(export, fmt)(hostile, **kwargs)
    text = text.partition(BUNDLE_MARKER)[0]  # the page, not the bundled Vega code
    assert _UNCARRIED.search(text) is None, _UNCARRIED.search(text)
    text.encode("utf-8")  # no lone surrogate
    for line in text.splitlines():  # every label closes the bidi controls it opens
        assert balance_bidi(line) == line, line[:200]


def _cells(html_text: str) -> list[str]:
    c = _collect(html_text)
    return [cell for tag in ("td", "th") for cell in c.text.get(tag, [])]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_table_cells_never_start_a_formula(hostile, fmt) -> None:
    if fmt == "markdown":
        page = markdown.markdown(export.markdown(hostile, chart=None), extensions=["tables"])
    else:
        page = export.html(hostile).partition(BUNDLE_MARKER)[0]
    cells = _cells(page)
    labels = [c for c in cells if c.startswith("'")]
    assert labels == ["'+1+1"]  # the formula label that lands in a table cell, quoted
    for cell in cells:
        # numbers cxkit computes (gaps such as -3) are numbers, not formulas
        if re.fullmatch(r"[-+]?\d+(\.\d+)?%?", cell):
            continue
        assert not cell.startswith(FORMULA_PREFIXES), cell[:80]
