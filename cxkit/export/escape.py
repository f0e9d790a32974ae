"""Escaping of user labels for each output format: HTML, Markdown, Mermaid, JSON-in-HTML.

Every label a journey carries (titles, personas, stage and touchpoint labels,
actions, pain points, outcome labels…) is *text*: whatever it contains must show
as written and must never become markup, a link, a script or diagram syntax. Each
exporter passes each label through the function of this module that fits where the
label lands; these functions are the only place where the rules live.

Examples
--------
>>> html_text('<script>alert(1)</script> & "x"')
'&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;'
>>> markdown_inline("[x](javascript:alert(1)) *bold* #1")
'\\\\[x\\\\](javascript:alert(1)) \\\\*bold\\\\* \\\\#1'
>>> mermaid_journey_task("Call: wait; #2")
'Call#58; wait#59; #35;2'
>>> json_for_script({"a": "</script>"})
'{"a":"\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

__all__ = [
    "MERMAID_LABEL_LIMIT",
    "html_attr",
    "html_text",
    "json_for_script",
    "markdown_block",
    "markdown_cell",
    "markdown_inline",
    "mermaid_flowchart_label",
    "mermaid_journey_actor",
    "mermaid_journey_section",
    "mermaid_journey_task",
    "mermaid_journey_title",
    "mermaid_text",
    "one_line",
    "truncate",
]

#: Labels longer than this many characters are cut (with "…") in Mermaid diagrams:
#: Mermaid refuses diagrams over 50,000 characters and long labels are unreadable.
MERMAID_LABEL_LIMIT = 100

#: Unicode categories :func:`one_line` turns into spaces: controls (tab included) and
#: line/paragraph separators.
_BREAKING = ("Cc", "Zl", "Zp")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """Collapse line breaks and control characters to single spaces.

    Examples
    --------
    >>> one_line("a\\nb\\r\\n c\\x00d")
    'a b c d'
    """
    out = "".join(" " if unicodedata.category(ch) in _BREAKING else ch for ch in str(text))
    return re.sub(r" {2,}", " ", out).strip()


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with "…" when cut.

    Examples
    --------
    >>> truncate("abcdef", 4), truncate("abc", 4)
    ('abc…', 'abc')
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit!r}")
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- HTML --------------------------------------------------------------------------------
def html_text(text: Any) -> str:
    """Escape text for HTML element content (``& < > " '``); line breaks are kept.

    Examples
    --------
    >>> html_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    return html.escape(str(text), quote=True)


def html_attr(text: Any) -> str:
    """Escape text for a double-quoted HTML attribute value (line breaks become spaces).

    Examples
    --------
    >>> html_attr('a" onclick="x')
    'a&quot; onclick=&quot;x'
    """
    return html.escape(one_line(str(text)), quote=True)


# -- JSON inside <script type="application/json"> ------------------------------------------
def json_for_script(data: Any) -> str:
    """JSON text that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026`` (JSON
    allows them only inside strings, where the escape means the same character), so
    neither ``</script>`` nor ``<!--`` can appear; U+2028/U+2029 are escaped too. This
    is stricter than writing ``</`` as ``<\\/``.

    Examples
    --------
    >>> json_for_script(["<!--", "a&b", "\\u2028"])
    '["\\\\u003c!--","a\\\\u0026b","\\\\u2028"]'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# -- Markdown ---------------------------------------------------------------------------
# Backslash escapes only for characters both CommonMark and Python-Markdown accept;
# the others become HTML character references, which every Markdown parser decodes to
# the character and none interprets as syntax.
_MD_BACKSLASH = frozenset("\\`*_{}[]#")
_MD_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;", "~": "&#126;"}
_MD_LINE_START = re.compile(r"^(?:(?P<mark>[-+])|(?P<eq>=)|(?P<num>\d{1,9})(?P<delim>[.)]))")


def _md_chars(text: str) -> str:
    out = []
    for ch in text:
        if ch in _MD_BACKSLASH:
            out.append("\\" + ch)
        elif ch in _MD_ENTITY:
            out.append(_MD_ENTITY[ch])
        else:
            out.append(ch)
    return "".join(out)


def _md_line_start(line: str) -> str:
    m = _MD_LINE_START.match(line)
    if m is None:
        return line
    if m.group("mark"):
        return "\\" + line
    if m.group("eq"):
        return "&#61;" + line[1:]
    return m.group("num") + "\\" + line[len(m.group("num")) :]


def markdown_inline(text: Any) -> str:
    """Escape text for one line of Markdown (a heading, a list item, a sentence).

    Emphasis, code, links, images, raw HTML, autolinks, character references,
    attribute lists (``{: …}``), headings, lists, block quotes and tables are all
    neutralised; line breaks become spaces.

    Examples
    --------
    >>> markdown_inline("<b>x</b> | `code` ~~del~~")
    '&lt;b&gt;x&lt;/b&gt; &#124; \\\\`code\\\\` &#126;&#126;del&#126;&#126;'
    >>> markdown_inline("- not a list"), markdown_inline("1. not a list")
    ('\\\\- not a list', '1\\\\. not a list')
    """
    return _md_line_start(_md_chars(one_line(str(text))))


def markdown_cell(text: Any) -> str:
    """Escape text for a Markdown table cell: as :func:`markdown_inline`, and line
    breaks become ``<br>`` so a label never ends the row.

    Examples
    --------
    >>> markdown_cell("a | b\\nc")
    'a &#124; b<br>c'
    """
    lines = [markdown_inline(part) for part in _LINE_BREAKS.split(str(text))]
    return "<br>".join(lines)


def markdown_block(text: Any) -> str:
    """Escape free text that may span paragraphs (descriptions, notes).

    Blank lines still separate paragraphs and single line breaks are kept; every
    line is escaped as :func:`markdown_inline` and its indentation dropped (so it
    cannot become a code block).

    Examples
    --------
    >>> print(markdown_block("# Title\\n\\n    code\\n> quote"))
    \\# Title
    <BLANKLINE>
    code
    &gt; quote
    """
    paragraphs = re.split(r"\n[ \t]*\n", "\n".join(_LINE_BREAKS.split(str(text))))
    out = []
    for para in paragraphs:
        lines = [markdown_inline(line) for line in para.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            out.append("\n".join(lines))
    return "\n\n".join(out)


# -- Mermaid ----------------------------------------------------------------------------
# Characters always written as Mermaid entity codes (``#58;``): they delimit tasks,
# sections, labels, comments (``%%``), directives, HTML or Markdown labels.
_MERMAID_ALWAYS = frozenset('"#%&;:<>[]{}|\\`')


def mermaid_text(text: Any, *, extra: str = "", limit: int = MERMAID_LABEL_LIMIT) -> str:
    """Make ``text`` safe as a Mermaid label: one line, at most ``limit`` characters,
    and every character that Mermaid could read as syntax written as an entity code.

    Mermaid turns ``#58;`` into ``&#58;`` in the SVG it draws, which shows ``:``.
    ``extra`` lists more characters to encode (``","`` for journey actors).

    Examples
    --------
    >>> mermaid_text('say "hi" --> [x]')
    'say #34;hi#34; --#62; #91;x#93;'
    """
    encode = _MERMAID_ALWAYS | frozenset(extra)
    short = truncate(one_line(str(text)), limit)
    return "".join(f"#{ord(ch)};" if ch in encode else ch for ch in short).strip()


def mermaid_journey_title(text: Any) -> str:
    """A ``journey`` diagram title.

    Examples
    --------
    >>> mermaid_journey_title("Billing: phone")
    'Billing#58; phone'
    """
    return mermaid_text(text) or "-"


def mermaid_journey_section(text: Any) -> str:
    """A ``journey`` section name (no ``:`` or ``;``)."""
    return mermaid_text(text) or "-"


def mermaid_journey_task(text: Any) -> str:
    """A ``journey`` task name (no ``:``, ``;`` or ``#``)."""
    return mermaid_text(text) or "-"


def mermaid_journey_actor(text: Any) -> str:
    """A ``journey`` actor (no ``,``, ``:`` or ``;``; a comma would split it in two).

    Examples
    --------
    >>> mermaid_journey_actor("Phone, IVR")
    'Phone#44; IVR'
    """
    return mermaid_text(text, extra=",") or "-"


def mermaid_flowchart_label(text: Any) -> str:
    """The inside of a double-quoted flowchart label (``n0["…"]``, ``-->|"…"|``).

    Examples
    --------
    >>> mermaid_flowchart_label('a "b" <c>')
    'a #34;b#34; #60;c#62;'
    """
    return mermaid_text(text) or " "
