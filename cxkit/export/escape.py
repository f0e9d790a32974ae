"""Escaping of user labels for each output format: HTML, Markdown, Mermaid, JSON-in-HTML.

Every label a journey carries (titles, personas, stage and touchpoint labels,
actions, pain points, outcome labels…) is *text*: whatever it contains must show
as written and must never become markup, a link, a script or diagram syntax. Each
exporter passes each label through the function of this module that fits where the
label lands; these functions are the only place where the rules live.

Characters a destination cannot carry are handled here too, one rule for all:
control characters become spaces (they have no glyph), lone surrogates and Unicode
noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) become U+FFFD (the replacement
character, as a decoder writes), and bidirectional embeddings, overrides and
isolates are closed at the end of the label so they cannot reverse the text
around it. Everything else — emoji, joiners, right-to-left and Japanese text — is
kept as written. :func:`svg_text` does this for vl-convert (SVG/PNG),
:func:`terminal_text` for a terminal (it also removes ESC/CSI/OSC sequences),
:func:`spreadsheet_cell` neutralises formula prefixes (``= + - @``, tab, CR) in
table cells, and :func:`json_text` writes JSON whose invisible characters are
``\\u`` escapes (the value stays exact).

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
    "FORMULA_PREFIXES",
    "MERMAID_LABEL_LIMIT",
    "REPLACEMENT",
    "balance_bidi",
    "html_attr",
    "html_cell",
    "html_text",
    "json_for_script",
    "json_text",
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
    "spreadsheet_cell",
    "svg_spec",
    "svg_text",
    "terminal_text",
    "truncate",
    "unbroken",
]

#: Labels longer than this many characters are cut (with "…") in Mermaid diagrams:
#: Mermaid refuses diagrams over 50,000 characters and long labels are unreadable.
MERMAID_LABEL_LIMIT = 100

#: Unicode categories :func:`one_line` turns into spaces: controls (tab included) and
#: line/paragraph separators.
_BREAKING = ("Cc", "Zl", "Zp")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")

#: What replaces a character a destination cannot carry (lone surrogates, noncharacters).
REPLACEMENT = "\ufffd"

#: Lone surrogates (never valid UTF-8) and the 66 Unicode noncharacters.
_BROKEN = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
    + "]"
)
#: Control characters other than tab, line feed and carriage return (C0, DEL, C1).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Bidirectional embeddings/overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_OPEN = {"\u202a": "e", "\u202b": "e", "\u202d": "e", "\u202e": "e"}
_BIDI_OPEN |= {"\u2066": "i", "\u2067": "i", "\u2068": "i"}


def unbroken(text: Any) -> str:
    """``text`` with lone surrogates and noncharacters replaced by U+FFFD.

    A lone surrogate cannot be encoded (writing it fails) and a noncharacter is
    reserved for a program's internal use; neither is text a reader can see.

    Examples
    --------
    >>> unbroken("a\\ud800b\\uffffc") == "a\\ufffdb\\ufffdc"
    True
    """
    return _BROKEN.sub(REPLACEMENT, str(text))


def balance_bidi(text: str) -> str:
    """Close the bidirectional embeddings, overrides and isolates ``text`` opens.

    A label that opens a right-to-left override (U+202E) and never closes it would
    reverse the text that follows it on the same line; unmatched closers would end
    an embedding opened outside the label. Unmatched closers are dropped and the
    missing ones appended, following UAX #9 (a PDF closes the innermost embedding
    when no isolate is open after it; a PDI closes up to the innermost isolate).

    Examples
    --------
    >>> balance_bidi("abc\\u202edef") == "abc\\u202edef\\u202c"
    True
    >>> balance_bidi("\\u2069x\\u202c") == "x"
    True
    """
    if _BIDI.search(text) is None:
        return text
    stack: list[str] = []
    out: list[str] = []
    for ch in text:
        kind = _BIDI_OPEN.get(ch)
        if kind is not None:
            stack.append(kind)
        elif ch == "\u202c":  # PDF
            if not stack or stack[-1] != "e":
                continue
            stack.pop()
        elif ch == "\u2069":  # PDI
            if "i" not in stack:
                continue
            while stack.pop() != "i":
                pass
        out.append(ch)
    out += ["\u202c" if kind == "e" else "\u2069" for kind in reversed(stack)]
    return "".join(out)


def one_line(text: str) -> str:
    """Collapse line breaks and control characters to single spaces.

    Lone surrogates and noncharacters become U+FFFD (:func:`unbroken`) and
    bidirectional controls are balanced (:func:`balance_bidi`).

    Examples
    --------
    >>> one_line("a\\nb\\r\\n c\\x00d")
    'a b c d'
    """
    text = unbroken(text)
    out = "".join(" " if unicodedata.category(ch) in _BREAKING else ch for ch in text)
    return balance_bidi(re.sub(r" {2,}", " ", out).strip())


# -- vl-convert: SVG and PNG -------------------------------------------------------------
#: Characters XML 1.0 cannot carry, even as a reference: vl-convert aborts the process
#: (a Rust panic) when a label contains one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def svg_text(text: Any) -> str:
    """A label as vl-convert (SVG, PNG) can draw it.

    C0 control characters other than tab, line feed and carriage return become
    spaces (XML 1.0 cannot hold them and vl-convert aborts on them), lone
    surrogates and noncharacters become U+FFFD, and bidirectional controls are
    balanced. Everything else — C1 controls, joiners, emoji, any length — is kept.

    Examples
    --------
    >>> svg_text("a\\x00b\\x1b[31m\\ufffec") == "a b [31m\\ufffdc"
    True
    """
    return balance_bidi(_NOT_XML.sub(" ", unbroken(text)))


def _svg_key(value: Any) -> Any:
    return svg_text(value) if isinstance(value, str) else value


def svg_spec(spec: Any) -> Any:
    """A Vega-Lite spec with every string (keys and values) passed through :func:`svg_text`.

    Strings that need no change are returned as they are (the same objects), so
    field names and references stay equal to each other.

    Examples
    --------
    >>> svg_spec({"title": "a\\x00b", "data": {"values": [{"t\\x01": 1}]}})
    {'title': 'a b', 'data': {'values': [{'t ': 1}]}}
    """
    if isinstance(spec, str):
        return svg_text(spec)
    if isinstance(spec, dict):
        return {_svg_key(k): svg_spec(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [svg_spec(v) for v in spec]
    return spec


# -- terminal ---------------------------------------------------------------------------
#: ECMA-48 control sequences, in their 7-bit (ESC …) and 8-bit (C1) forms: CSI
#: (colours, cursor moves, screen clears), OSC (window titles, hyperlinks, clipboard),
#: DCS/SOS/PM/APC strings (ended by BEL or ST, never across a line) and the other
#: two- and three-character escapes.
_TERMINAL_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)


def terminal_text(text: Any, *, multiline: bool = True) -> str:
    """Text that is safe to print to a terminal.

    Escape sequences (colours, cursor moves, screen clears, window titles,
    hyperlinks, clipboard writes — ESC, CSI, OSC, DCS in their 7-bit and 8-bit
    forms) are removed whole; the remaining control characters (C0, DEL, C1;
    carriage return and backspace included, which could overwrite what is shown)
    become spaces; bidirectional embeddings, overrides and isolates (U+202A–U+202E,
    U+2066–U+2069) are removed, as a terminal has no paragraph to contain them;
    lone surrogates and noncharacters become U+FFFD. Line feeds and tabs are kept
    when ``multiline`` (a report), and become spaces otherwise (a table cell).

    Examples
    --------
    >>> terminal_text("\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07ok\\x07 \\u202eevil")
    'red ok  evil'
    >>> terminal_text("a\\tb\\nc", multiline=False)
    'a b c'
    """
    text = _TERMINAL_SEQUENCE.sub("", unbroken(text))
    text = _BIDI.sub("", _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", " ")))
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


# -- spreadsheets -----------------------------------------------------------------------
#: A table cell starting with one of these is read as a formula by Excel, LibreOffice
#: Calc or Google Sheets when the table is pasted or opened there (OWASP "CSV
#: Injection"; NUL and line feed from OWASP ASVS 1.2.10 and for safety).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def spreadsheet_cell(text: Any) -> str:
    """Neutralise a formula prefix: a cell starting with ``= + - @``, tab, CR, LF or
    NUL gets a single quote in front, as OWASP's CSV-injection guidance says (the
    spreadsheet then shows the text, with the quote, instead of running it).

    Examples
    --------
    >>> spreadsheet_cell("@SUM(1+1)"), spreadsheet_cell("=1+1"), spreadsheet_cell("a=1")
    ("'@SUM(1+1)", "'=1+1", 'a=1')
    """
    text = str(text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


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

    Control characters other than tab and line breaks become spaces (HTML forbids
    them), lone surrogates and noncharacters U+FFFD, and bidirectional controls
    are balanced:

    >>> html_text("a\\x1b[1mb\\x00c")
    'a [1mb c'
    """
    text = _CONTROL.sub(" ", unbroken(text))
    return html.escape(balance_bidi(text), quote=True)


def html_cell(text: Any) -> str:
    """Escape text for an HTML table cell: as :func:`html_text`, and a formula prefix
    is neutralised (:func:`spreadsheet_cell`) so the cell pastes into a spreadsheet
    as text. Leading spaces are dropped first (a browser does not show them).

    Examples
    --------
    >>> html_cell("  =HYPERLINK('http://x')")
    '&#x27;=HYPERLINK(&#x27;http://x&#x27;)'
    """
    return html_text(spreadsheet_cell(_CONTROL.sub(" ", unbroken(text)).lstrip()))


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
    text = json_text(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: Characters :func:`json_text` writes as ``\\u`` escapes: DEL and C1 controls,
#: U+2028/U+2029, bidirectional controls, lone surrogates and noncharacters.
_JSON_INVISIBLE = re.compile(
    "[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069" + _BROKEN.pattern[1:]
)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(data: Any, *, indent: int | None = None) -> str:
    """Strict JSON (no NaN) that keeps every string exact and shows nothing invisible.

    Non-ASCII text is written as itself, except the characters a terminal, an editor
    or an HTML page could act on or hide: C0 controls (as JSON always does), DEL, C1
    controls, U+2028/U+2029, bidirectional controls, lone surrogates and
    noncharacters, which are written as ``\\u`` escapes — a JSON reader gets the
    same string back.

    Examples
    --------
    >>> print(json_text(["\\x1b[31m", "\\x9b2J", "\\u202e", "日本"]))
    ["\\u001b[31m","\\u009b2J","\\u202e","日本"]
    >>> import json
    >>> json.loads(json_text("\\ud800\\U0010ffff")) == "\\ud800\\U0010ffff"
    True
    """
    separators = (",", ":") if indent is None else None
    text = json.dumps(
        data, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )
    return _JSON_INVISIBLE.sub(_json_escape, text)


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

    A line starting with a formula prefix gets a single quote in front
    (:func:`spreadsheet_cell`), so a rendered table pasted into a spreadsheet
    shows text instead of running a formula:

    >>> markdown_cell("@SUM(1+1)"), markdown_cell("-1"), markdown_cell("a\\n=cmd")
    ("'@SUM(1+1)", "'-1", "a<br>'=cmd")
    """
    lines = [
        _md_line_start(_md_chars(spreadsheet_cell(one_line(part))))
        for part in _LINE_BREAKS.split(str(text))
    ]
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
    short = balance_bidi(truncate(one_line(str(text)), limit))
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
