"""Fixtures of the export tests: the billing journey and a journey full of hostile labels."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

import cxkit as cx
from cxkit.core.channels import Channel

#: Labels that would run script, load something, inject markup or break a format if
#: an exporter forgot to escape them. Those that would execute set ``window.__pwned``.
HOSTILE: tuple[str, ...] = (
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=window.__pwned=1>",
    "javascript:window.__pwned=1",
    "[click me](javascript:window.__pwned=1)",
    '<a href="javascript:window.__pwned=1">link</a>',
    "</script><script>window.__pwned=1</script>",
    "<!-- comment --><b>raw</b> html",
    "<svg onload=window.__pwned=1></svg>",
    "<style>body{display:none}</style>",
    '{: onclick="window.__pwned=1"}',
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "Call: wait; #1, then, more",
    "line one\nline two\r\nline three",
    "\"double\" and 'single' quotes",
    "{braces} [brackets] (parens) --> arrow -.-> dotted",
    "%%{init: {'securityLevel': 'loose'}}%%",
    "| pipe | in | table |",
    "`code` **bold** _em_ # heading ~~del~~",
    "- list\n# heading\n> quote\n    indented code\n1. ordered",
    "emoji 😀👍🏽 family 👨‍👩‍👧",
    "العربية שלום עולם",
    "日本語のラベル 不満・満足・感動",
    # terminal control sequences, controls, noncharacters, bidi overrides, joiners
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "nul\x00 bel\x07 bs\x08 del\x7f nel\x85 csi\x9b2J end",
    "nonchars \ufdd0 \ufffe \uffff \U0010ffff end",
    "bidi \u202eevil\u202c \u2066iso \u202bopen",
    "zwj 👩\u200d💻 zwnj a\u200cb bom\ufeff",
    # formula prefixes (OWASP CSV injection) at the start of a label
    "@SUM(1+1)",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
)

#: A 10,000-character label (the longest a journey file accepts).
LONG = "x" * 10_000


def hostile_journey() -> cx.Journey:
    """``billing_inquiry`` with a hostile string in every label field."""
    base = cx.load_journey("billing_inquiry")
    pick = itertools.cycle(HOSTILE).__next__
    g = base.graph
    touchpoints = tuple(
        replace(tp, label=pick(), owner=pick(), description=pick()) for tp in g.touchpoints
    )
    touchpoints = (replace(touchpoints[0], channel="kiosk"), *touchpoints[1:])
    graph = g.replace(
        touchpoints=touchpoints,
        outcomes=tuple(replace(o, label=pick()) for o in g.outcomes),
        handoffs=tuple(replace(h, label=pick()) for h in g.handoffs),
        call_reasons=tuple(replace(c, label=pick()) for c in g.call_reasons),
        channels=(Channel("kiosk", name=pick(), names={"ja": pick()}),),
    )
    steps = tuple(
        replace(
            s,
            action=LONG if i == 1 else pick(),
            pain_points=(pick(), pick()),
            opportunities=(pick(),),
            notes=pick(),
        )
        for i, s in enumerate(base.steps)
    )
    return base.replace(
        title=HOSTILE[0] + " " + HOSTILE[11],
        description=LONG[:200] + "\n\n" + "\n".join(HOSTILE),
        persona=cx.Persona(
            name=pick(),
            description=pick(),
            goals=tuple(HOSTILE[:4]),
            frustrations=tuple(HOSTILE[4:8]),
        ),
        stages=tuple(replace(st, label=pick(), description=pick()) for st in base.stages),
        graph=graph,
        steps=steps,
        tags=("<script>", "a|b"),
    )


@pytest.fixture(scope="session")
def billing() -> cx.Journey:
    return cx.load_journey("billing_inquiry")


@pytest.fixture(scope="session")
def hostile() -> cx.Journey:
    return hostile_journey()
