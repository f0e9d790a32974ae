"""The journey as a Markdown page (for docs sites, wikis and pull requests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label
from cxkit.core.journey import Journey
from cxkit.export._common import (
    STEP_COLUMNS,
    StepRow,
    aggregate_rows,
    blueprint_rows,
    check_journey,
    design_flow_table,
    resolve_lang,
    stage_groups,
    step_rows,
)
from cxkit.export._map_nav import map_block
from cxkit.export._mermaid import mermaid_flowchart, mermaid_journey
from cxkit.export.escape import markdown_block, markdown_cell, markdown_inline

__all__ = ["CHART_MODES", "chart_html", "markdown"]

ChartMode = Literal["svg", "vega"] | None

#: Accepted values of ``chart=``.
CHART_MODES = ("svg", "vega", None)


def _check_chart(chart: object) -> None:
    if chart not in CHART_MODES:
        raise CxkitError(f"`chart` must be 'svg', 'vega' or None, got {chart!r}")


def chart_html(journey: Journey, lang: str, chart: ChartMode) -> str:
    """The chart as one line of HTML: an inline ``<svg>`` or a Vega-Lite spec block.

    The spec block is the map section of :func:`cxkit.export._map_nav.map_block`: one
    ``<script type="application/json" class="cxkit-vega">`` per map page (never
    executed: the site's loader reads it and calls ``vegaEmbed``), whose JSON has
    every ``<`` written as ``\\u003c``, so no label can close the element, with the
    zoom and page buttons the loader wires.
    """
    from cxkit.export._chart import svg

    if chart == "svg":
        image = svg(journey, lang).strip().replace("\r", " ").replace("\n", " ")
        return f'<div class="cxkit-chart">{image}</div>'
    return map_block(journey, lang)


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items] if items else ["—"]


def _blueprint_table(items: list[StepRow], lang: str) -> list[str]:
    """The stage's service blueprint as a Markdown table (lanes as rows), or no lines."""
    rows = blueprint_rows(items, lang)
    if not rows:
        return []
    out = [f"**{markdown_inline(label('export_blueprint', lang))}**", ""]
    out.append("| | " + " | ".join(str(r.number) for r in items) + " |")
    out.append("|---" * (len(items) + 1) + "|")
    for row in rows:
        if row.kind == "line":
            cells = [f"*{markdown_cell(row.label)}*", *(["┄┄"] * len(items))]
        else:
            lines = ["<br>".join(markdown_cell(x) for x in c) for c in row.cells]
            cells = [f"**{markdown_cell(row.label)}**", *lines]
        out.append("| " + " | ".join(cells) + " |")
    return [*out, ""]


def _persona_lines(journey: Journey, t: Callable[[str], str]) -> list[str]:
    persona = journey.persona
    if persona is None or not (
        persona.name or persona.description or persona.goals or persona.frustrations
    ):
        return []
    out = [f"## {t('persona')}", ""]
    if persona.name:
        out += [f"**{markdown_inline(persona.name)}**", ""]
    if persona.description:
        out += [markdown_block(persona.description), ""]
    for key, items in (("goals", persona.goals), ("frustrations", persona.frustrations)):
        if items:
            out += [f"**{t(key)}**", "", *_bullets([markdown_inline(x) for x in items]), ""]
    return out


def _aggregate_lines(journey: Journey, lang: str, t: Callable[[str], str]) -> list[str]:
    out = [f"## {t('aggregates')}", ""]
    if journey.evaluate().aggregate is None:
        out += [t("no_valence"), ""]
    out += [f"| {t('export_measure')} | {t('export_value')} |", "|---|---:|"]
    out += [f"| {markdown_cell(r.label)} | {r.value} |" for r in aggregate_rows(journey, lang)]
    return [*out, ""]


def _design_flow_lines(journey: Journey, lang: str, t: Callable[[str], str]) -> list[str]:
    dv = design_flow_table(journey, lang)
    out = [f"## {t('dv_heading')}", ""]
    out += ["| " + " | ".join(dv.header) + " |", "|---|---:|---:|"]
    out += [f"| {markdown_cell(name)} | {design} | {flow} |" for _, name, design, flow in dv.rows]
    out += ["", *[markdown_inline(n) for n in dv.notes], ""]
    if dv.reasons:
        out += [f"**{dv.why}**", "", *_bullets([markdown_inline(r) for r in dv.reasons]), ""]
    return out


def _stage_lines(
    journey: Journey, rows: list[StepRow], lang: str, t: Callable[[str], str]
) -> list[str]:
    header = [t(key) for key in STEP_COLUMNS]
    out = [f"## {t('stages')}", ""]
    for stage_name, description, items in stage_groups(journey, rows):
        out += [f"### {markdown_inline(stage_name)}", ""]
        if description:
            out += [markdown_block(description), ""]
        if not items:
            out += ["—", ""]
            continue
        out.append("| " + " | ".join(header) + " |")
        out.append("|---:|---|---|---:|---:|---:|---|---:|---|")
        for r in items:
            cells = [
                str(r.number),
                markdown_cell(r.touchpoint),
                markdown_cell(r.action),
                r.expectation,
                r.experience,
                r.gap,
                markdown_cell(r.emotion),
                r.effort,
                markdown_cell(r.evidence),
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        out += _blueprint_table(items, lang)
    return out


def markdown(journey: Journey, *, lang: str | None = None, chart: ChartMode = "svg") -> str:
    """The journey as a Markdown page.

    Sections: the summary (title, description, persona), the journey aggregates
    (peak-end, mean, recency, remembered score and emotion, synthetic CSAT/NPS, CES
    and its drivers), one table per stage (step, touchpoint, action, expectation E,
    experience P, gap D = P − E, emotion, effort, evidence), pain points and
    opportunities, a Mermaid ``journey`` diagram (valences mapped to 1–5 faces by
    ``clip(floor(3 + s/2 + 0.5), 1, 5)``), the touchpoint graph as a Mermaid
    flowchart, and the journey map chart.

    Every label is escaped (:mod:`cxkit.export.escape`): no label can become a
    link, an image, raw HTML, a heading, a list, an attribute list or a table cell
    break, and the page renders the same under CommonMark and Python-Markdown.

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of cxkit's own headings and labels (``"en"`` or ``"ja"``); ``None``
        uses the journey's language.
    chart
        ``"svg"``: the chart inline as SVG (rendered offline by vl-convert);
        ``"vega"``: a Vega-Lite spec block that a site's loader script draws
        (:func:`cxkit.export.site` ships one); ``None``: no chart.

    Examples
    --------
    >>> import cxkit as cx
    >>> md = markdown(cx.load_journey("billing_inquiry"), chart=None)
    >>> print(md.splitlines()[0])
    # Billing inquiry (cxkit model reference, Example A)
    >>> row = next(line for line in md.splitlines() if line.startswith("| 2 "))
    >>> row.split(" | ")[3:7]  # E, P, gap D = P - E, emotion
    ['6', '3', '-3', 'dissatisfied']
    """
    journey = check_journey(journey)
    lang = resolve_lang(lang, journey)
    _check_chart(chart)
    t = lambda key: label(key, lang)  # noqa: E731
    out: list[str] = [f"# {markdown_inline(journey.title or journey.id)}", ""]
    if chart is not None:  # the map comes first, full width, with its page navigation
        out += [chart_html(journey, lang, chart), ""]
    if journey.description:
        out += [markdown_block(journey.description), ""]

    out += _persona_lines(journey, t)
    out += _aggregate_lines(journey, lang, t)
    out += _design_flow_lines(journey, lang, t)
    rows = step_rows(journey, lang)
    out += _stage_lines(journey, rows, lang, t)

    for key in ("pain_points", "opportunities"):
        items = [
            f"**{r.number} · {markdown_inline(r.touchpoint)}** — {markdown_inline(text)}"
            for r in rows
            for text in getattr(r, key)
        ]
        out += [f"## {t(key)}", "", *_bullets(items), ""]

    out += [f"## {t('export_journey_diagram')}", "", "```mermaid", mermaid_journey(journey, lang)]
    out += ["```", "", f"## {t('viz_touchpoint_graph')}", "", "```mermaid"]
    out += [mermaid_flowchart(journey, lang), "```", ""]
    return "\n".join(out)
