"""Mermaid text for a journey: the ``journey`` diagram and the touchpoint ``flowchart``."""

from __future__ import annotations

from cxkit.core.errors import CxkitError
from cxkit.core.graph import PROBABILITY_TOLERANCE
from cxkit.core.i18n import label
from cxkit.core.journey import Journey
from cxkit.export._common import check_journey, fmt_number, resolve_lang, step_rows
from cxkit.export.escape import (
    mermaid_flowchart_label,
    mermaid_journey_actor,
    mermaid_journey_section,
    mermaid_journey_task,
    mermaid_journey_title,
    one_line,
)

__all__ = ["FLOWCHART_CONFIG", "JOURNEY_CONFIG", "mermaid_flowchart", "mermaid_journey"]

#: Fill and stroke of touchpoint nodes per channel family (other channels: the last).
CHANNEL_STYLES: dict[str, tuple[str, str]] = {
    "store": ("#fff3e0", "#e65100"),
    "tv": ("#f3e5f5", "#7b1fa2"),
    "ec": ("#e0f7fa", "#00838f"),
    "web": ("#e3f2fd", "#1565c0"),
    "sns": ("#fce4ec", "#ad1457"),
    "call_center": ("#efebe9", "#5d4037"),
    "*": ("#eceff1", "#455a64"),
}
_OUTCOME_STYLES = {
    "good": ("#e8f5e9", "#2e7d32"),
    "bad": ("#ffebee", "#c62828"),
    "neutral": ("#f5f5f5", "#757575"),
}


#: Mermaid settings written at the top of each diagram (front matter), so that the
#: diagram keeps its natural size (readable text, scrolled sideways on a narrow page)
#: in the standalone page and in MkDocs Material, which draws Mermaid itself.
JOURNEY_CONFIG = (
    "---\nconfig:\n  journey:\n    useMaxWidth: false\n    width: 230\n    taskMargin: 40\n---"
)
FLOWCHART_CONFIG = "---\nconfig:\n  flowchart:\n    useMaxWidth: false\n---"

#: Width budget of a journey task's text (a wide East Asian character counts 2): a
#: 230 px box holds 26 with room to spare at Mermaid's 14 px font (it does not wrap).
TASK_BUDGET = 26


def _cut(text: str, budget: int = TASK_BUDGET) -> str:
    """``text`` cut to ``budget`` width units with an ellipsis (full text: the tables).

    Examples
    --------
    >>> _cut("Sees the commercial for the new model")
    'Sees the commercial for…'
    >>> _cut("公式サイトで設置可能サイズを調べる")
    '公式サイトで設置可能サイ…'
    >>> _cut("short")
    'short'
    """
    import unicodedata

    used, out = 0, []
    widths = [2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text]
    if sum(widths) <= budget:
        return text
    for ch, w in zip(text, widths, strict=True):
        if used + w > budget - 1:
            break
        out.append(ch)
        used += w
    cut = "".join(out)
    space = cut.rfind(" ")
    if space > len(cut) - 8 and space > 0:  # end on a whole word when one is near
        cut = cut[:space]
    return cut.rstrip(" ·,.;:") + "…"


def mermaid_journey(journey: Journey, lang: str | None = None) -> str:
    """The journey as a Mermaid ``journey`` diagram (the linear fallback view).

    Sections are the stages (consecutive steps of one stage form one section),
    tasks are the steps' actions, numbered as in the stage tables and cut to what
    a task box shows (Mermaid does not wrap them; the tables hold the full text),
    actors their touchpoints. Front matter keeps the diagram at its natural size.
    A step's score is its valence mapped to Mermaid's 1–5 faces by
    ``clip(floor(3 + s/2 + 0.5), 1, 5)`` (see :func:`cxkit.export._common.mermaid_score`).
    Every label is escaped with
    :mod:`cxkit.export.escape` and cut to 100 characters.

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of cxkit's own labels (the journey's labels are shown as written);
        ``None`` uses the journey's language.

    Examples
    --------
    >>> import cxkit as cx
    >>> print(mermaid_journey(cx.load_journey("billing_inquiry")).split("---")[-1])
    <BLANKLINE>
    journey
        title Billing inquiry (cxkit model reference, Example A)
        section Self-service search
          1. Searches the FAQ for…: 1: Official web FAQ
        section Contact the center
          2. Phones the center and…: 1: Phone queue (IVR)
          3. Explains the issue…: 3: Billing agent
        section Resolution
          4. The charge is correcte…: 5: Billing agent
    """
    journey = check_journey(journey)
    lang = resolve_lang(lang, journey)
    title = mermaid_journey_title(journey.title or journey.id)
    lines = [JOURNEY_CONFIG, "journey", f"    title {title}"]
    current: str | None = None
    for row in step_rows(journey, lang):
        if row.stage_id != current:
            lines.append(f"    section {mermaid_journey_section(row.stage)}")
            current = row.stage_id
        task = mermaid_journey_task(_cut(one_line(f"{row.number}. {row.action or row.touchpoint}")))
        actor = mermaid_journey_actor(row.touchpoint)
        lines.append(f"      {task}: {row.score}: {actor}")
    return "\n".join(lines)


def _percent(p: float) -> str:
    return fmt_number(p * 100, 1) + "%"


def mermaid_flowchart(journey: Journey, lang: str | None = None) -> str:
    """The touchpoint graph as a Mermaid ``flowchart`` (top to bottom, natural size).

    Touchpoints are boxes coloured by channel family (one ``classDef`` per channel),
    outcomes are stadiums coloured by kind (wanted, lost, neutral). Edges carry the
    hand-off probability and, where context can be lost (carry-over below 1), the
    share of customers whose context is kept; each touchpoint's remainder goes to
    the remainder outcome as a dotted edge. Node ids are generated (``n0``, ``o0``…),
    never taken from the journey, and every label is escaped.

    Examples
    --------
    >>> import cxkit as cx
    >>> text = mermaid_flowchart(cx.load_journey("billing_inquiry"))
    >>> print(text.splitlines()[5])
    flowchart TD
    >>> [line.strip() for line in text.splitlines() if line.startswith("    n0 -")]
    ['n0 -->|"40%"| o0', 'n0 -->|"50% · context kept 0%"| n1', 'n0 -.->|"remainder 10%"| o2']
    """
    journey = check_journey(journey)
    lang = resolve_lang(lang, journey)
    graph = journey.graph
    ids: dict[str, str] = {}
    lines = [FLOWCHART_CONFIG, "flowchart TD"]
    channel_class: dict[str, str] = {}  # channel id -> class name
    class_family: dict[str, str] = {}  # class name -> channel family (for its colours)
    members: dict[str, list[str]] = {}  # class name -> node ids

    for i, tp in enumerate(graph.touchpoints):
        node = f"n{i}"
        ids.setdefault(tp.id, node)
        try:
            channel = graph.channel(tp.channel)
            family, channel_name = channel.family, channel.label(lang)
        except CxkitError:  # an undeclared channel is drawn as "other"
            family, channel_name = "*", tp.channel
        cls = channel_class.setdefault(tp.channel, f"c{len(channel_class)}")
        class_family.setdefault(cls, family)
        members.setdefault(cls, []).append(node)
        text = mermaid_flowchart_label(tp.display)
        lines.append(f'    {node}["{text}<br>({mermaid_flowchart_label(channel_name)})"]')
    for i, outcome in enumerate(graph.outcomes):
        node = f"o{i}"
        ids.setdefault(outcome.id, node)
        kind = "good" if outcome.sign > 0 else "bad" if outcome.sign < 0 else "neutral"
        members.setdefault(kind, []).append(node)
        lines.append(f'    {node}(["{mermaid_flowchart_label(outcome.display)}"])')

    def node_of(node_id: str) -> str:
        if node_id not in ids:  # a dangling reference: drawn, never trusted as an id
            ids[node_id] = f"u{len(ids)}"
            lines.append(f'    {ids[node_id]}["{mermaid_flowchart_label(node_id)}"]')
        return ids[node_id]

    kept = label("export_context_kept", lang)
    for h in graph.handoffs:
        parts = [_percent(h.probability)]
        if graph.can_lose_context(h) and h.context_carryover < 1.0:
            parts.append(f"{mermaid_flowchart_label(kept)} {_percent(h.context_carryover)}")
        text = " · ".join(parts)
        if h.label:  # the hand-off's own label on a line of its own: narrower labels
            text = f"{mermaid_flowchart_label(h.label)}<br>{text}"
        src, dst = node_of(h.source), node_of(h.target)
        lines.append(f'    {src} -->|"{text}"| {dst}')
    rest_label = mermaid_flowchart_label(label("export_remainder", lang))
    if graph.has_outcome(graph.remainder_outcome):
        target = ids[graph.remainder_outcome]
        for tp in graph.touchpoints:
            rest = graph.remainder(tp.id)
            if rest > PROBABILITY_TOLERANCE:
                lines.append(f'    {ids[tp.id]} -.->|"{rest_label} {_percent(rest)}"| {target}')

    for cls, family in class_family.items():
        fill, stroke = CHANNEL_STYLES.get(family, CHANNEL_STYLES["*"])
        lines.append(f"    classDef {cls} fill:{fill},stroke:{stroke},color:#1b1b1b")
        lines.append(f"    class {','.join(members[cls])} {cls}")
    for kind, (fill, stroke) in _OUTCOME_STYLES.items():
        if members.get(kind):
            lines.append(f"    classDef {kind} fill:{fill},stroke:{stroke},color:#1b1b1b")
            lines.append(f"    class {','.join(members[kind])} {kind}")
    return "\n".join(lines)
