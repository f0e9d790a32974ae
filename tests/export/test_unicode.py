"""Characters the renderers, the terminal and spreadsheets choke on (issue 12).

A catalogue by class, each case with its exact result:

- ``RENDERER``: what :func:`~cxkit.export.escape.svg_text` hands vl-convert (SVG/PNG);
- ``MARKUP``: what Markdown, Mermaid and HTML get (``markdown_inline``,
  ``mermaid_text``, ``html_text``);
- ``TERMINAL``: what :func:`~cxkit.export.escape.terminal_text` lets reach a terminal;
- ``SPREADSHEET``: table cells (``markdown_cell``, ``html_cell``, ``spreadsheet_cell``);
- ``JSON``: :func:`~cxkit.export.escape.json_text` escapes, and reads back exactly.

Then the real thing: every C0/C1 control, every noncharacter, bidi overrides,
joiners and a 10,000-character label through SVG, PNG, Markdown, Mermaid
and HTML with the real vl-convert, in a subprocess (a Rust panic aborts with exit
134), and ``cxkit show`` on a journey full of escape sequences.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from cxkit.export import escape as esc

# (name, raw, expected)
RENDERER = [
    ("nul", "a\x00b", "a b"),
    ("esc-csi", "\x1b[31mred", " [31mred"),
    ("tab-lf-cr kept", "a\tb\nc\rd", "a\tb\nc\rd"),
    ("all C0 but tab/lf/cr", "".join(map(chr, range(32))), " " * 9 + "\t\n  \r" + " " * 18),
    ("del and C1 kept", "\x7f\x85\x9b", "\x7f\x85\x9b"),
    ("U+FFFE", "a\ufffeb", "a\ufffdb"),
    ("U+FFFF", "\uffff", "\ufffd"),
    ("U+FDD0", "\ufdd0", "\ufffd"),
    ("U+10FFFF", "\U0010ffff", "\ufffd"),
    ("lone surrogate", "a\ud800", "a\ufffd"),
    ("rlo closed", "\u202eevil", "\u202eevil\u202c"),
    ("stray pdf dropped", "x\u202c", "x"),
    ("zwj kept", "👩\u200d💻", "👩\u200d💻"),
    ("10k label kept whole", "x" * 10_000, "x" * 10_000),
]

# (name, function, raw, expected)
MARKUP = [
    ("md nul", esc.markdown_inline, "a\x00b", "a b"),
    ("md esc", esc.markdown_inline, "\x1b[1mb", "\\[1mb"),
    ("md c1", esc.markdown_inline, "a\x9bb", "a b"),
    ("md nonchar", esc.markdown_inline, "a\uffffb", "a\ufffdb"),
    ("md surrogate", esc.markdown_inline, "\udfff", "\ufffd"),
    ("md rli closed", esc.markdown_inline, "\u2067x", "\u2067x\u2069"),
    ("mermaid esc", esc.mermaid_text, "a\x1b[0m", "a #91;0m"),
    ("mermaid nonchar", esc.mermaid_text, "\ufffe", "\ufffd"),
    ("mermaid rlo cut", esc.mermaid_text, "\u202e" + "y" * 200, "\u202e" + "y" * 98 + "…\u202c"),
    ("html nul", esc.html_text, "a\x00b", "a b"),
    ("html c1", esc.html_text, "a\x85b\x9f", "a b "),
    ("html lf kept", esc.html_text, "a\nb", "a\nb"),
    ("html nonchar", esc.html_text, "\U0001fffe", "\ufffd"),
    ("html lro closed", esc.html_text, "\u202dx", "\u202dx\u202c"),
]

# (name, raw, expected) for terminal_text(raw); "1l" = multiline=False
TERMINAL = [
    ("sgr colour", "\x1b[31mred\x1b[0m", "red"),
    ("clear screen", "a\x1b[2J\x1b[Hb", "ab"),
    ("private mode", "\x1b[?1049hx", "x"),
    ("osc title bel", "\x1b]0;pwned\x07ok", "ok"),
    ("osc 8 link st", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
    ("osc 52 clipboard", "\x1b]52;c;ZXZpbA==\x07x", "x"),
    ("osc unterminated stops at lf", "\x1b]0;t\nnext", "\nnext"),
    ("dcs", "\x1bPq#0\x1b\\x", "x"),
    ("two-char esc", "\x1bcx\x1b7y", "xy"),
    ("c1 csi", "\x9b2Jx", "x"),
    ("c1 osc", "\x9d0;t\x9cx", "x"),
    ("bel bs", "a\x07b\x08c", "a b c"),
    ("cr overwrite", "safe\rEVIL", "safe EVIL"),
    ("crlf", "a\r\nb", "a\nb"),
    ("nul del", "\x00\x7f", "  "),
    ("bidi removed", "\u202eevil\u202c \u2066x\u2069", "evil x"),
    ("lrm kept", "a\u200eb", "a\u200eb"),
    ("nonchar surrogate", "\uffff\ud800", "\ufffd\ufffd"),
    ("tab lf kept", "a\tb\nc", "a\tb\nc"),
    ("zwj kept", "👩\u200d💻", "👩\u200d💻"),
]

# (name, function, raw, expected)
SPREADSHEET = [
    ("at", esc.spreadsheet_cell, "@SUM(1+1)", "'@SUM(1+1)"),
    ("equals", esc.spreadsheet_cell, "=1+1", "'=1+1"),
    ("plus", esc.spreadsheet_cell, "+1", "'+1"),
    ("minus", esc.spreadsheet_cell, "-1", "'-1"),
    ("tab", esc.spreadsheet_cell, "\t=1", "'\t=1"),
    ("cr", esc.spreadsheet_cell, "\r=1", "'\r=1"),
    ("inside is fine", esc.spreadsheet_cell, "a=1+1", "a=1+1"),
    ("md at", esc.markdown_cell, "@SUM(1+1)", "'@SUM(1+1)"),
    ("md equals", esc.markdown_cell, '=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("md leading space", esc.markdown_cell, "  =1", "'=1"),
    ("md tab", esc.markdown_cell, "\t@x", "'@x"),
    ("md second line", esc.markdown_cell, "a\n-1", "a<br>'-1"),
    ("md plain", esc.markdown_cell, "Phone", "Phone"),
    ("html at", esc.html_cell, "@SUM(1+1)", "&#x27;@SUM(1+1)"),
    ("html leading space", esc.html_cell, " -2", "&#x27;-2"),
    ("html plain", esc.html_cell, "a-b", "a-b"),
]

# (name, raw, expected JSON text)
JSON = [
    ("esc", "\x1b[31m", '"\\u001b[31m"'),
    ("del c1", "\x7f\x85\x9b", '"\\u007f\\u0085\\u009b"'),
    ("bidi", "\u202e\u2066", '"\\u202e\\u2066"'),
    ("line separators", "\u2028\u2029", '"\\u2028\\u2029"'),
    ("surrogate", "\ud800", '"\\ud800"'),
    ("nonchar bmp", "\ufffe", '"\\ufffe"'),
    ("nonchar astral", "\U0010ffff", '"\\udbff\\udfff"'),
    ("text kept", "日本 👩\u200d💻", '"日本 👩\u200d💻"'),
]


def test_catalogue_counts() -> None:
    counts = {
        "renderer": len(RENDERER),
        "markup": len(MARKUP),
        "terminal": len(TERMINAL),
        "spreadsheet": len(SPREADSHEET),
        "json": len(JSON),
    }
    assert counts == {"renderer": 14, "markup": 14, "terminal": 20, "spreadsheet": 16, "json": 8}


@pytest.mark.parametrize(("name", "raw", "expected"), RENDERER, ids=[c[0] for c in RENDERER])
def test_renderer(name, raw, expected) -> None:
    assert esc.svg_text(raw) == expected


@pytest.mark.parametrize(("name", "fn", "raw", "expected"), MARKUP, ids=[c[0] for c in MARKUP])
def test_markup(name, fn, raw, expected) -> None:
    assert fn(raw) == expected


@pytest.mark.parametrize(("name", "raw", "expected"), TERMINAL, ids=[c[0] for c in TERMINAL])
def test_terminal(name, raw, expected) -> None:
    assert esc.terminal_text(raw) == expected


def test_terminal_one_line() -> None:
    assert esc.terminal_text("a\tb\nc\x1b[1m", multiline=False) == "a b c"


@pytest.mark.parametrize(
    ("name", "fn", "raw", "expected"), SPREADSHEET, ids=[c[0] for c in SPREADSHEET]
)
def test_spreadsheet(name, fn, raw, expected) -> None:
    assert fn(raw) == expected


@pytest.mark.parametrize(("name", "raw", "expected"), JSON, ids=[c[0] for c in JSON])
def test_json(name, raw, expected) -> None:
    assert esc.json_text(raw) == expected
    assert json.loads(expected) == raw


def test_every_code_point_class_is_handled_by_every_destination() -> None:
    every = "".join(chr(c) for c in range(0x110000))  # surrogates included
    for fn in (esc.svg_text, esc.markdown_inline, esc.markdown_cell, esc.html_text):
        fn(every).encode("utf-8")  # nothing left that cannot be written
    # JSON keeps every string exactly, lone surrogates included (a high surrogate
    # followed by a low one would read back as the pair's character: kept apart here)
    lone = "x".join(chr(c) for c in range(0xD800, 0xE000))
    no_surrogates = every[:0xD800] + every[0xE000:]
    assert json.loads(esc.json_text(no_surrogates + lone)) == no_surrogates + lone
    out = esc.terminal_text(every)
    assert not any(ch in out for ch in "\x1b\x9b\x9d\u202e\u2066\x00\x7f")


# -- the real renderers, in a subprocess (a Rust panic aborts the whole process) ---------
_SCRIPT = textwrap.dedent(
    """
    import itertools, sys
    from dataclasses import replace
    import cxkit as cx
    from cxkit import export

    controls = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
    nonchars = [chr(c) for c in range(0xFDD0, 0xFDF0)]
    nonchars += [chr(p * 0x10000 + k) for p in range(17) for k in (0xFFFE, 0xFFFF)]
    others = ["\\u202e", "\\u202b", "\\u2066"]
    others += ["\\u200d", "\\u200b", "\\ufeff"]
    labels = ["c" + "".join(controls), "n" + "".join(nonchars), "o" + "".join(others)]
    labels += [f"x{ch}y" for ch in controls + nonchars + others] + ["x" * 10_000]
    pick = itertools.cycle(labels).__next__
    base = cx.load_journey("billing_inquiry")
    rounds = (len(labels) + 3) // 4
    for _ in range(rounds):
        steps = tuple(replace(s, action=pick()) for s in base.steps)
        stages = tuple(replace(s, label=pick()) for s in base.stages)
        j = base.replace(title=pick(), steps=steps, stages=stages)
        svg = export.svg(j)
        assert svg.startswith("<svg"), svg[:40]
        assert export.png(j, scale=1)[:4] == b"\\x89PNG"
        for text in (export.markdown(j, chart=None), export.mermaid_journey(j),
                     export.mermaid_flowchart(j), export.html(j)):
            text.encode("utf-8")
    md = export.markdown(j)  # once with the chart inline as SVG
    print("ok", rounds)
    """
)


@pytest.mark.slow
def test_real_svg_png_markdown_mermaid_html_never_abort(tmp_path) -> None:
    script = tmp_path / "render.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.startswith("ok ")


# -- the terminal, from the CLI ---------------------------------------------------------
def test_show_prints_no_control_sequence_and_json_stays_exact(tmp_path) -> None:
    from dataclasses import replace

    import cxkit as cx
    from cxkit.cli import cli

    evil = "\x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \u202eevil \x9b2J\x08\r"
    base = cx.load_journey("billing_inquiry")
    steps = (replace(base.steps[0], action=evil), *base.steps[1:])
    path = tmp_path / "evil.yaml"
    cx.save_journey(base.replace(title="T\x1b[2J" + evil, steps=steps), path)
    text = CliRunner().invoke(cli, ["show", str(path)])
    assert text.exit_code == 0, text.output
    for bad in ("\x1b", "\x9b", "\x07", "\x08", "\r", "\u202e"):
        assert bad not in text.output
    assert text.output.splitlines()[0] == "TRED  evil  "  # \\x08 and \\r become spaces
    as_json = CliRunner().invoke(cli, ["show", str(path), "--json"])
    assert "\x1b" not in as_json.output and "\u202e" not in as_json.output
    assert json.loads(as_json.output)["journey"]["title"] == "T\x1b[2J" + evil
