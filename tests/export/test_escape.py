"""Unit tests of the per-format escaping helpers (cxkit.export.escape)."""

from __future__ import annotations

import html
import json
import re

import pytest

from cxkit.export import escape as esc

markdown = pytest.importorskip("markdown", reason="Python-Markdown comes with cxkit[docs]")
markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py comes with cxkit[docs]")


def _python_markdown(text: str) -> str:
    # the extensions of cxkit's sites, plus attr_list and md_in_html (attack surface)
    return markdown.markdown(
        text, extensions=["tables", "toc", "attr_list", "md_in_html", "pymdownx.superfences"]
    )


def _commonmark(text: str) -> str:
    return markdown_it.MarkdownIt("commonmark").enable("table").render(text)


def _unwrap_p(rendered: str) -> str:
    rendered = rendered.strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    return rendered[3:-4]


# -- HTML ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('a"b', "a&quot;b"),
        ("it's", "it&#x27;s"),
        ("&amp;", "&amp;amp;"),
        ("日本語 😀", "日本語 😀"),
    ],
)
def test_html_text(raw: str, escaped: str) -> None:
    assert esc.html_text(raw) == escaped
    assert html.unescape(esc.html_text(raw)) == raw


def test_html_attr_is_one_line_and_quoted() -> None:
    out = esc.html_attr('x"\nonload="evil')
    assert out == "x&quot; onload=&quot;evil"
    assert '"' not in out and "\n" not in out


# -- JSON inside <script> ----------------------------------------------------------------
def test_json_for_script_never_closes_the_element_and_round_trips() -> None:
    data = {"t": "</script><script>x</script>", "c": "<!-- -->", "a": "a&b", "l": "\u2028"}
    text = esc.json_for_script(data)
    assert "</" not in text and "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == data


def test_json_for_script_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        esc.json_for_script({"x": float("nan")})


# -- Markdown ---------------------------------------------------------------------------
INLINE_CASES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![img](http://example.invalid/x.png)",
    "<http://example.invalid>",
    "`code` and ``double``",
    "*em* **strong** _u_ __uu__",
    "a | b | c",
    "# not a heading",
    "trailing hashes ##",
    "{: onclick='x'}",
    "&amp; &lt; &#60;",
    "~~strike~~",
    "back\\slash \\*",
    "[ref]: http://example.invalid",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "=====",
    "> quote",
    "emoji 😀 and 日本語 and العربية",
]


@pytest.mark.parametrize("raw", INLINE_CASES)
@pytest.mark.parametrize("render", [_python_markdown, _commonmark], ids=["python", "commonmark"])
def test_markdown_inline_shows_the_text_as_written(raw: str, render) -> None:
    out = render(esc.markdown_inline(raw))
    inner = _unwrap_p(out)
    assert "<" not in inner.replace("&lt;", "")  # no tag of any kind
    assert html.unescape(inner) == raw


def test_markdown_inline_examples() -> None:
    assert esc.markdown_inline("a|b") == "a&#124;b"
    assert esc.markdown_inline("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert esc.markdown_inline("`x`") == "\\`x\\`"
    assert esc.markdown_inline("# h") == "\\# h"
    assert esc.markdown_inline("- x") == "\\- x"
    assert esc.markdown_inline("=x") == "&#61;x"
    assert esc.markdown_inline("12. x") == "12\\. x"
    assert esc.markdown_inline("a\nb") == "a b"


@pytest.mark.parametrize("render", [_python_markdown, _commonmark], ids=["python", "commonmark"])
def test_markdown_cell_keeps_one_cell_per_label(render) -> None:
    labels = ["a | b", "line1\nline2", "<b>x</b>", "`|`"]
    row = "| " + " | ".join(esc.markdown_cell(x) for x in labels) + " |"
    table = "| h1 | h2 | h3 | h4 |\n|---|---|---|---|\n" + row + "\n"
    out = render(table)
    cells = re.findall(r"<td>(.*?)</td>", out, flags=re.S)
    assert len(cells) == 4
    assert [html.unescape(c.replace("<br>", "\n").replace("<br />", "\n")) for c in cells] == [
        "a | b",
        "line1\nline2",
        "<b>x</b>",
        "`|`",
    ]


@pytest.mark.parametrize("render", [_python_markdown, _commonmark], ids=["python", "commonmark"])
def test_markdown_block_keeps_paragraphs_and_neutralises_block_syntax(render) -> None:
    raw = "# title\n- item\n    code\n\n> quote\n```\nfence\n```\n<div>raw</div>"
    out = render(esc.markdown_block(raw))
    tags = set(re.findall(r"<\s*([a-zA-Z0-9]+)", out))
    assert tags <= {"p", "br"}, out
    assert out.count("<p>") == 2
    assert "# title" in html.unescape(out)
    assert "<div>raw</div>" in html.unescape(out)


# -- Mermaid ----------------------------------------------------------------------------
def _decode_mermaid(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


@pytest.mark.parametrize(
    "raw",
    [
        "Call: wait; #1",
        'say "hi"',
        "%%{init: {'securityLevel':'loose'}}%%",
        "<script>alert(1)</script>",
        "[x] {y} |z| `w` \\",
        "a & b",
        "日本語 😀 שלום",
    ],
)
def test_mermaid_text_encodes_syntax_and_decodes_back(raw: str) -> None:
    out = esc.mermaid_text(raw)
    bare = re.sub(r"#\d+;", "", out)  # what is left outside the entity codes
    assert not set(bare) & set(':;#"%<>[]{}|`\\&'), out
    assert _decode_mermaid(out) == raw


def test_mermaid_actor_encodes_commas_task_keeps_them() -> None:
    assert esc.mermaid_journey_actor("a, b") == "a#44; b"
    assert esc.mermaid_journey_task("a, b") == "a, b"
    assert esc.mermaid_journey_section("a: b; c") == "a#58; b#59; c"
    assert esc.mermaid_journey_title("") == "-"


def test_mermaid_text_is_one_line_and_truncated() -> None:
    assert esc.mermaid_text("a\nb\r\nc\u2028d") == "a b c d"
    long = esc.mermaid_text("x" * 10_000)
    assert len(long) == esc.MERMAID_LABEL_LIMIT and long.endswith("…")
    assert esc.mermaid_flowchart_label("") == " "


def test_truncate_rejects_a_bad_limit() -> None:
    with pytest.raises(ValueError, match="limit must be at least 1, got 0"):
        esc.truncate("abc", 0)
